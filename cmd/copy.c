/*
 * copy: the replication engine on its own (rsync-like): makes DEST an
 * exact replica of the content of SRC. Prints what the engine reports:
 * itemized changes on stdout, notes and per-file errors on stderr, a
 * progress line on a terminal, and a summary (or JSON) at the end.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sync/engine.h"
#include "sync/filter.h"
#include "sync/progress.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs copy [options] SRC DEST";
static const char desc[] =
	"Makes DEST an exact replica of the content of the directory SRC (like\n"
	"'rsync -aHS --numeric-ids SRC/ DEST/'): regular files (holes kept),\n"
	"directories, symlinks (never followed), hard links within SRC, device\n"
	"nodes and fifos (sockets are skipped with a note); mode with the setuid,\n"
	"setgid and sticky bits, numeric owner and group, times to the nanosecond.\n"
	"DEST's own mode, owner and times become SRC's; DEST is made if missing\n"
	"(its parent must exist). Each file is written under a temporary name\n"
	"(.extnfs-tmp.NAME.XXXXXX) in its directory and renamed into place, so a\n"
	"reader or a crash only ever sees a whole old or a whole new file; the next\n"
	"run removes such leftovers.\n"
	"\n"
	"Files are compared by size, mtime, mode and owner (by content with\n"
	"--checksum); only what differs is written, and attribute-only changes are\n"
	"made without rewriting data. What was written is remembered in the state\n"
	"database (the manifest, keyed by DEST's absolute path), so that the next\n"
	"run compares SRC with the manifest and does not read DEST at all. Changes\n"
	"made to DEST behind extnfs's back are therefore not seen unless --verify\n"
	"is given (or the previous run did not finish), which reads DEST, repairs\n"
	"what drifted and refreshes the manifest.\n"
	"\n"
	"DEST may be nfs://SERVER[:PORT]/PATH[?OPTIONS]: written straight over\n"
	"NFSv3 through libnfs, no mount needed (OPTIONS, '&'-separated:\n"
	"nfsport=N and mountport=N skip the portmapper, version=3, timeout=S\n"
	"waits S seconds (default 60) for a server that stopped answering,\n"
	"inflight=N WRITEs in flight per connection, default 32). Requests go as\n"
	"uid 0: before anything is written a probe file checks that the export\n"
	"does not squash root (exit 3 with the export option to set if it does).\n"
	"One connection per worker (default 16 workers for nfs://). A server that\n"
	"restarts is reconnected to and the copy goes on; one that stays away\n"
	"longer than timeout stops the run (exit 5: every file present is whole),\n"
	"and the next run compares everything and finishes the job. The manifest\n"
	"key is the URL without options. Servers that cannot set a symlink's own\n"
	"times (NFS-Ganesha's VFS; the probe finds out) leave them at the time of\n"
	"copying, and they are then not compared.\n"
	"\n"
	"Filters (--include/--exclude, rsync-like, first match wins in the order\n"
	"given): PAT is matched against the path relative to SRC; a leading '/'\n"
	"anchors it at SRC, a trailing '/' matches directories only, '*' and '?'\n"
	"do not match '/', '**' does, 'dir/***' is dir and all below it; a PAT\n"
	"without '/' matches the last component. Excluded names are neither copied\n"
	"nor deleted. --delete removes what SRC lacks, inside that scope only.\n"
	"\n"
	"Guards (exit 4, nothing changed): SRC missing or not a directory; SRC\n"
	"empty (unless --force); deletions beyond --max-delete N or P% (default\n"
	"10% of the destination entries in scope; --force lifts it). With --delete\n"
	"the whole plan is made and checked before anything changes.\n"
	"\n"
	"Output: with --itemize one line per change on stdout:\n"
	"  create file|dir|link|hlink|dev|fifo PATH  (link: -> TARGET, hlink: => FIRST)\n"
	"  update data  PATH (size|mtime|checksum|rdev|links)   update data PATH -> TARGET\n"
	"  update type  PATH     update meta  PATH (mode,owner,mtime)\n"
	"  update hlink PATH => FIRST     delete       PATH     skip   sock  PATH\n"
	"(PATH relative to SRC, control and non-ASCII bytes as C escapes). At the\n"
	"end a summary line on stdout (not with -q); with the global --json a JSON\n"
	"object instead. A progress line goes to stderr on a terminal, or always\n"
	"with --progress. EXTNFS_NO_FASTPATH=1 uses the portable code paths only.\n"
	"\n"
	"Exit status: 0 done; 1 some entries failed (the others were done);\n"
	"2 usage; 3 bad input (unusable destination, overlapping SRC and DEST,\n"
	"database); 4 a guard refused (missing or empty source, deletion limit);\n"
	"5 interrupted or an nfs:// server gone (partial transfer: every file\n"
	"present is whole).";

struct copy_out {
	struct cmd_ctx *ctx;
	int itemize;
	int progress; /* 0 none, 1 terminal (\r), 2 lines */
	int progress_shown;
	double last_line;
};

static void clear_progress(struct copy_out *c)
{
	if (c->progress == 1 && c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
}

static void type_word(char type, struct strbuf *sb)
{
	switch (type) {
	case 'd':
		strbuf_addstr(sb, "dir  ");
		break;
	case 'l':
		strbuf_addstr(sb, "link ");
		break;
	case 'h':
		strbuf_addstr(sb, "hlink");
		break;
	case 'c':
	case 'b':
		strbuf_addstr(sb, "dev  ");
		break;
	case 'p':
		strbuf_addstr(sb, "fifo ");
		break;
	case 's':
		strbuf_addstr(sb, "sock ");
		break;
	default:
		strbuf_addstr(sb, "file ");
	}
}

static void on_event(void *arg, const struct sync_event *ev)
{
	struct copy_out *c = arg;
	struct strbuf sb = STRBUF_INIT;
	size_t plen = strlen(ev->path);

	switch (ev->kind) {
	case SYNC_EV_ERROR:
		clear_progress(c);
		fprintf(stderr, "extnfs copy: %s\n", ev->detail ? ev->detail : "failed");
		return;
	case SYNC_EV_SKIP:
		if (c->itemize) {
			strbuf_addstr(&sb, "skip   sock  ");
			strbuf_addquoted(&sb, ev->path, plen);
			clear_progress(c);
			printf("%s\n", sb.buf);
			strbuf_release(&sb);
			return;
		}
		/* fall through */
	case SYNC_EV_NOTE:
		if (c->ctx->quiet)
			return;
		clear_progress(c);
		strbuf_addstr(&sb, ev->kind == SYNC_EV_SKIP ? "skipping " : "");
		if (ev->kind == SYNC_EV_SKIP)
			strbuf_addf(&sb, "%s '", ev->detail ? ev->detail : "entry");
		else
			strbuf_addch(&sb, '\'');
		strbuf_addquoted(&sb, ev->path, plen);
		strbuf_addch(&sb, '\'');
		if (ev->kind == SYNC_EV_NOTE && ev->detail)
			strbuf_addf(&sb, ": %s", ev->detail);
		fprintf(stderr, "extnfs copy: %s\n", sb.buf);
		strbuf_release(&sb);
		return;
	default:
		break;
	}
	if (!c->itemize)
		return;
	switch (ev->kind) {
	case SYNC_EV_CREATE:
		strbuf_addstr(&sb, "create ");
		type_word(ev->type, &sb);
		break;
	case SYNC_EV_UPDATE_DATA:
		strbuf_addstr(&sb, "update data ");
		break;
	case SYNC_EV_UPDATE_TYPE:
		strbuf_addstr(&sb, "update type ");
		break;
	case SYNC_EV_UPDATE_META:
		strbuf_addstr(&sb, "update meta ");
		break;
	case SYNC_EV_RELINK:
		strbuf_addstr(&sb, "update hlink");
		break;
	case SYNC_EV_DELETE:
		strbuf_addstr(&sb, "delete      ");
		break;
	default:
		strbuf_release(&sb);
		return;
	}
	strbuf_addch(&sb, ' ');
	strbuf_addquoted(&sb, plen ? ev->path : ".", plen ? plen : 1);
	if (ev->detail) {
		if (ev->type == 'h')
			strbuf_addstr(&sb, " => ");
		else if (ev->type == 'l' && ev->kind != SYNC_EV_UPDATE_META)
			strbuf_addstr(&sb, " -> ");
		else
			strbuf_addstr(&sb, " (");
		strbuf_addquoted(&sb, ev->detail, strlen(ev->detail));
		if (!(ev->type == 'h' || (ev->type == 'l' && ev->kind != SYNC_EV_UPDATE_META)))
			strbuf_addch(&sb, ')');
	}
	clear_progress(c);
	printf("%s\n", sb.buf);
	strbuf_release(&sb);
}

static void on_progress(void *arg, const struct sync_stats *st)
{
	struct copy_out *c = arg;
	struct strbuf sb = STRBUF_INIT;

	if (!c->progress)
		return;
	if (c->progress == 2) {
		if (st->seconds - c->last_line < 1.0)
			return;
		c->last_line = st->seconds;
	}
	progress_line(st, &sb);
	if (c->progress == 1) {
		if (c->itemize)
			fflush(stdout);
		fprintf(stderr, "\r%s\033[K", sb.buf);
		c->progress_shown = 1;
	} else {
		fprintf(stderr, "%s\n", sb.buf);
	}
	fflush(stderr);
	strbuf_release(&sb);
}

/* Collects --include/--exclude in the order given (the table loses it). */
static int scan_filters(const struct opt *opts, int argc, char **argv, struct filter *f,
			struct err *e)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		int include;
		if (!strcmp(a, "--"))
			break;
		if (starts_with(a, "--include") || starts_with(a, "--exclude")) {
			include = a[2] == 'i';
			if (a[9] == '=')
				val = a + 10;
			else if (!a[9] && i + 1 < argc)
				val = argv[++i];
			else
				continue; /* opts_parse reports it */
			if (filter_add(f, include, val, e) < 0)
				return -1;
			continue;
		}
		/* skip the values of other options */
		if (a[0] == '-' && a[1] == '-' && !strchr(a, '=')) {
			for (const struct opt *o = opts; o->type != OPT_END; o++)
				if (o->lng && !strcmp(o->lng, a + 2) && o->type != OPT_FLAG)
					i++;
		} else if (a[0] == '-' && a[1] && a[1] != '-' && !a[2]) {
			for (const struct opt *o = opts; o->type != OPT_END; o++)
				if (o->shrt == a[1] && o->type != OPT_FLAG)
					i++;
		}
	}
	return 0;
}

int parse_max_delete(const char *s, struct sync_opts *so)
{
	unsigned long v;
	size_t n = strlen(s);

	if (n > 1 && s[n - 1] == '%') {
		char *num = xstrndup(s, n - 1);
		bool ok = parse_ulong(num, &v) && v <= 100;
		free(num);
		if (!ok)
			return -1;
		so->max_delete = -1;
		so->max_delete_pct = (int)v;
		return 0;
	}
	if (!parse_ulong(s, &v) || v > INT64_MAX)
		return -1;
	so->max_delete = (int64_t)v;
	return 0;
}

static void print_json(const struct sync_stats *st, int rc, const char *error)
{
	json_t *j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:b,s:b,s:i}", "scanned",
			      (json_int_t)st->scanned, "created", (json_int_t)st->created, "updated",
			      (json_int_t)st->updated, "metadata", (json_int_t)st->metadata,
			      "deleted", (json_int_t)st->deleted, "skipped", (json_int_t)st->skipped,
			      "failed", (json_int_t)st->failed, "bytes", (json_int_t)st->bytes,
			      "planned_deletes", (json_int_t)st->planned_deletes, "seconds",
			      (double)(int64_t)(st->seconds * 1000 + 0.5) / 1000, "dry_run",
			      st->dry_run, "walked_destination", st->walked_dest, "exit", rc);
	if (!j)
		return;
	if (error)
		json_object_set_new(j, "error", json_string(error));
	json_dumpf(j, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(j);
}

int cmd_copy(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, inc = STRVEC_INIT, exc = STRVEC_INIT;
	struct sync_opts so = { 0 };
	struct sync_stats st;
	struct copy_out out = { ctx, 0, 0, 0, 0 };
	struct filter *filter = filter_new();
	const char *max_delete = NULL, *jobs = NULL, *nofast;
	int dry_run = 0, itemize = 0, checksum = 0, del = 0, force = 0, verify = 0, fsync_ = 0,
	    progress = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_('n', "dry-run", &dry_run, "show what would change; change nothing"),
		OPT_FLAG_('i', "itemize", &itemize, "one line per change on stdout (see above)"),
		OPT_FLAG_('c', "checksum", &checksum, "compare content (xxHash), not size and mtime"),
		OPT_FLAG_(0, "delete", &del, "delete what SRC lacks (inside the filters' scope)"),
		OPT_STR_(0, "max-delete", &max_delete, "N|P%",
			 "refuse to delete more than N entries or P% of DEST (default 10%)"),
		OPT_FLAG_(0, "force", &force, "copy an empty SRC; lift the deletion limit"),
		OPT_LIST_(0, "include", &inc, "PAT", "copy what matches PAT (first match wins)"),
		OPT_LIST_(0, "exclude", &exc, "PAT", "leave out what matches PAT (first match wins)"),
		OPT_FLAG_(0, "verify", &verify, "read DEST instead of trusting the manifest; repair it"),
		OPT_FLAG_(0, "fsync", &fsync_, "fsync each file before renaming it into place"),
		OPT_STR_('j', "jobs", &jobs, "N", "worker threads (default: the number of CPUs; 16 for nfs://)"),
		OPT_FLAG_(0, "progress", &progress, "show the progress line even when not on a terminal"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (scan_filters(opts, argc, argv, filter, &ctx->err) < 0) {
		rc = cmd_usage("copy", "%s", ctx->err.msg.buf);
		goto cleanup;
	}
	if (rest.nr != 2) {
		rc = cmd_usage("copy", "expected SRC and DEST, got %zu operand(s)", rest.nr);
		goto cleanup;
	}
	so.max_delete = -1;
	so.max_delete_pct = 10;
	if (max_delete && parse_max_delete(max_delete, &so) < 0) {
		rc = cmd_usage("copy", "bad --max-delete '%s' (a count N or a percentage P%%)",
			       max_delete);
		goto cleanup;
	}
	if (jobs) {
		unsigned long n;
		if (!parse_ulong(jobs, &n) || n < 1 || n > 64) {
			rc = cmd_usage("copy", "bad --jobs '%s' (1 to 64)", jobs);
			goto cleanup;
		}
		so.jobs = (int)n;
	}
	nofast = getenv("EXTNFS_NO_FASTPATH");
	so.src = rest.v[0];
	so.dest = rest.v[1];
	so.filter = filter;
	so.db = ctx->db;
	so.checksum = checksum;
	so.del = del;
	so.force = force;
	so.dry_run = dry_run;
	so.verify = verify;
	so.fsync = fsync_;
	so.no_fastpath = nofast && *nofast && strcmp(nofast, "0");
	so.on_event = on_event;
	so.on_progress = on_progress;
	so.cb_arg = &out;
	out.itemize = itemize;
	if (!ctx->quiet && !ctx->json)
		out.progress = isatty(2) ? 1 : progress ? 2 : 0;
	else if (progress)
		out.progress = isatty(2) ? 1 : 2;

	so.stop = cmd_engine_begin();

	if (sync_tree(&so, &st, &ctx->err) < 0) {
		clear_progress(&out);
		rc = ctx->err.code ? ctx->err.code : EXIT_DATA;
		fflush(stdout);
		fprintf(stderr, "extnfs copy: %s\n", ctx->err.msg.buf);
		if (ctx->json)
			print_json(&st, rc, ctx->err.msg.buf);
	} else {
		clear_progress(&out);
		rc = st.failed ? EXIT_SOME_FAILED : EXIT_OK;
		if (ctx->json) {
			print_json(&st, rc, NULL);
		} else if (!ctx->quiet) {
			struct strbuf sb = STRBUF_INIT;
			progress_summary(&st, &sb);
			printf("%s\n", sb.buf);
			strbuf_release(&sb);
		}
	}
	cmd_engine_end();
cleanup:
	filter_free(filter);
	strvec_clear(&rest);
	strvec_clear(&inc);
	strvec_clear(&exc);
	return rc;
}
