/*
 * exports: the exports the external server needs, in the server's syntax
 * (printing them; applying them is 'exports --apply', a later stage).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "exports/compute.h"
#include "formats/exports.h"
#include "model/db.h"
#include "model/import.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs exports [NODERANGE] [--server NAME] [--flavor linux|aix|ganesha|mmnfs]\n"
	"                      [--merge FILE]... [--merge-flavor aix|linux] [--audit] [--resolve]\n"
	"                      [--admin HOST]... [-o FILE]";
static const char desc[] =
	"Prints the exports the plan needs on an external server: the SPOT and\n"
	"shared_root read-only to their nodes, each root, paging and dump read-write\n"
	"to its node only, statelite directories read-write to their node, litetree\n"
	"directories read-only; root access everywhere the planned nodes mount.\n"
	"Linux output never has a blank before '(', gives AIX clients 'insecure' and\n"
	"every entry a stable fsid=; Ganesha Export_Ids are allocated once and kept.\n"
	"--merge adds the SNs' own exports files, merged host by host (conflicts are\n"
	"reported with both sources, exit 1); --audit instead compares what the SNs\n"
	"grant with what the model computes. --admin gives HOST read-write root access\n"
	"to every export (the hosts that copy into the server).\n"
	"--apply writes the server's exports_file (from the configuration) atomically,\n"
	"keeps the previous one as FILE.extnfs-bak and reloads the server (reload =\n"
	"exportfs: 'exportfs -ra'; sighup: SIGHUP to the pid in pidfile); when the\n"
	"reload fails the previous file is put back. Unchanged exports are neither\n"
	"written nor reloaded. --dry-run says what --apply would do.";

/* Writes data to path atomically: a temporary file, fsync, rename. */
static int write_atomic(const char *path, const struct strbuf *data, struct err *e)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, rc = -1;

	strbuf_addf(&tmp, "%s.extnfs-tmp.%ld", path, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		err_set(e, "cannot create '%s': %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	if (write(fd, data->buf, data->len) != (ssize_t)data->len || fsync(fd) < 0) {
		err_set(e, "cannot write '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto cleanup;
	}
	close(fd);
	if (rename(tmp.buf, path) < 0) {
		err_set(e, "cannot rename '%s' to '%s': %s", tmp.buf, path, strerror(errno));
		unlink(tmp.buf);
		goto cleanup;
	}
	rc = 0;
cleanup:
	strbuf_release(&tmp);
	return rc;
}

/* Reloads the server as its configuration says. 0, or -1 with e set. */
static int reload_server(const struct conf_server *cs, struct err *e)
{
	if (!strcmp(cs->reload, "none"))
		return 0;
	if (!strcmp(cs->reload, "sighup")) {
		struct strbuf pid = STRBUF_INIT;
		unsigned long n = 0;
		int rc = -1;
		if (!cs->pidfile)
			return err_set(e, "[server %s] reload = sighup needs pidfile", cs->name);
		if (read_file(cs->pidfile, &pid, e) < 0)
			goto out;
		strbuf_rtrim(&pid);
		if (!parse_ulong(pid.buf, &n) || n < 2 || n > 0x7fffffff) {
			err_set(e, "no process id in '%s'", cs->pidfile);
			goto out;
		}
		if (kill((pid_t)n, SIGHUP) < 0) {
			err_set(e, "cannot signal the NFS server (pid %lu from '%s'): %s", n, cs->pidfile,
				strerror(errno));
			goto out;
		}
		rc = 0;
out:
		strbuf_release(&pid);
		return rc;
	}
	if (!strcmp(cs->reload, "exportfs")) {
		pid_t pid = fork();
		int status;
		if (pid < 0)
			return err_set(e, "cannot run exportfs: %s", strerror(errno));
		if (pid == 0) {
			execlp("exportfs", "exportfs", "-ra", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return err_set(e, "'exportfs -ra' failed (status %d)",
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 0;
	}
	return err_set(e, "reload '%s' is not supported by this build", cs->reload);
}

/*
 * Installs out as the server's exports file and reloads it; puts the old
 * file back when the reload fails. Returns 1 applied, 0 unchanged, -1.
 */
static int apply_exports(const struct conf_server *cs, const struct strbuf *out, bool dry,
			 struct err *e)
{
	struct strbuf old = STRBUF_INIT, bak = STRBUF_INIT;
	struct err ignore = ERR_INIT;
	bool had = access(cs->exports_file, F_OK) == 0;
	int rc = -1;

	if (had && read_file(cs->exports_file, &old, e) < 0)
		goto cleanup;
	if (had && old.len == out->len && !memcmp(old.buf, out->buf, out->len)) {
		rc = 0;
		goto cleanup;
	}
	if (dry) {
		rc = 1;
		goto cleanup;
	}
	strbuf_addf(&bak, "%s.extnfs-bak", cs->exports_file);
	if (had && write_atomic(bak.buf, &old, e) < 0)
		goto cleanup;
	if (write_atomic(cs->exports_file, out, e) < 0)
		goto cleanup;
	if (reload_server(cs, e) < 0) {
		/* put the previous exports back and reload them, so the server is as it was */
		if (had)
			write_atomic(cs->exports_file, &old, &ignore);
		else
			unlink(cs->exports_file);
		reload_server(cs, &ignore);
		err_prefix(e, "reload of '%s' failed, previous exports restored", cs->name);
		goto cleanup;
	}
	rc = 1;
cleanup:
	strbuf_release(&old);
	strbuf_release(&bak);
	err_release(&ignore);
	return rc;
}

/* The one server of the plan, or NULL (none, or more than one). */
static const char *only_server(const struct plan *p, int *count)
{
	const char *s = NULL;

	*count = 0;
	for (size_t i = 0; i < p->nexports; i++)
		if (!s || strcmp(s, p->exports[i].server)) {
			if (!s || !*count)
				(*count)++;
			else if (strcmp(s, p->exports[i].server))
				(*count)++;
			s = p->exports[i].server;
		}
	return *count == 1 ? s : NULL;
}

int cmd_exports(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, nodes = STRVEC_INIT, unmatched = STRVEC_INIT;
	struct strvec merge = STRVEC_INIT, warnings = STRVEC_INIT, conflicts = STRVEC_INIT;
	struct strvec admins = STRVEC_INIT;
	struct export_list computed = EXPORT_LIST_INIT, merged = EXPORT_LIST_INIT;
	struct export_list *files = NULL;
	struct export_diff_list diffs = EXPORT_DIFF_LIST_INIT;
	struct export_opts eo = { NULL, false, false, STRVEC_INIT };
	struct strbuf out = STRBUF_INIT, buf = STRBUF_INIT;
	struct plan p = { 0 };
	struct plan_opts po = { 0, NULL };
	const char *server = NULL, *flavor = NULL, *mflavor = "aix", *ofile = NULL;
	const struct conf_server *cs;
	int audit = 0, resolve = 0, apply = 0, dry = 0, rc, nserv;
	const struct opt opts[] = {
		OPT_STR_('s', "server", &server, "NAME", "the external server (needed when the plan has several)"),
		OPT_STR_('F', "flavor", &flavor, "FLAVOR", "linux, aix, ganesha or mmnfs (default: the server's, else ganesha)"),
		OPT_LIST_('m', "merge", &merge, "FILE", "an SN's exports file to merge in"),
		OPT_STR_(0, "merge-flavor", &mflavor, "FLAVOR", "syntax of the --merge files: aix (default) or linux"),
		OPT_FLAG_(0, "audit", &audit, "compare the --merge files with the computed exports"),
		OPT_FLAG_(0, "resolve", &resolve, "write clients as hosts.ip addresses"),
		OPT_LIST_(0, "admin", &admins, "HOST", "give HOST rw and root on every export"),
		OPT_STR_('o', "output", &ofile, "FILE", "write to FILE (atomically) instead of stdout"),
		OPT_FLAG_(0, "apply", &apply, "install on the server (exports_file) and reload it"),
		OPT_FLAG_('n', "dry-run", &dry, "with --apply: say what would change, change nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	if (rest.nr > 1) {
		rc = cmd_usage("exports", "one noderange at most");
		goto cleanup;
	}
	if (strcmp(mflavor, "aix") && strcmp(mflavor, "linux")) {
		rc = cmd_usage("exports", "--merge-flavor is aix or linux, not '%s'", mflavor);
		goto cleanup;
	}
	if (apply && (audit || ofile)) {
		rc = cmd_usage("exports", "--apply writes the server's file: not with --audit or -o");
		goto cleanup;
	}
	if (dry && !apply) {
		rc = cmd_usage("exports", "--dry-run goes with --apply");
		goto cleanup;
	}
	if (audit && !merge.nr) {
		rc = cmd_usage("exports", "--audit compares --merge files with the model: give some");
		goto cleanup;
	}
	if (rest.nr) {
		if (model_noderange(ctx->model, rest.v[0], &nodes, &unmatched, &ctx->err) < 0) {
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
		if (unmatched.nr) {
			err_set(&ctx->err, "no such nodes or groups: %s", unmatched.v[0]);
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
	} else {
		for (size_t i = 0; i < model_nodes(ctx->model)->nr; i++)
			strvec_push(&nodes, model_nodes(ctx->model)->v[i]);
	}
	po.conf = ctx->conf;
	if (plan_build(ctx->model, &nodes, &po, &p, &ctx->err) < 0) {
		rc = cmd_error(ctx, "exports", EXIT_DATA);
		goto cleanup;
	}
	if (p.nerrors) {
		for (size_t i = 0; i < p.nerrors; i++)
			fprintf(stderr, "extnfs exports: %s: %s\n", p.errors[i].node, p.errors[i].msg);
		fprintf(stderr, "extnfs exports: the plan has %zu problem(s) (see 'extnfs plan'); nothing written\n",
			p.nerrors);
		goto cleanup;
	}
	if (!server) {
		server = only_server(&p, &nserv);
		if (!server && nserv > 1) {
			rc = cmd_usage("exports", "the plan has several servers: name one with --server");
			goto cleanup;
		}
		if (!server)
			server = ctx->conf->nservers == 1 ? ctx->conf->servers[0].name : "";
	}
	cs = conf_server(ctx->conf, server);
	if (apply && (!cs || !cs->exports_file)) {
		err_set(&ctx->err, "--apply needs [server %s] with exports_file in the configuration", server);
		rc = cmd_error(ctx, "exports", EXIT_USAGE);
		goto cleanup;
	}
	if (!flavor)
		flavor = cs ? cs->flavor : "ganesha";
	if (strcmp(flavor, "linux") && strcmp(flavor, "aix") && strcmp(flavor, "ganesha") &&
	    strcmp(flavor, "mmnfs")) {
		rc = cmd_usage("exports", "unknown flavor '%s' (linux, aix, ganesha or mmnfs)", flavor);
		goto cleanup;
	}
	if (db_begin(ctx->db, &ctx->err) < 0) {
		rc = cmd_error(ctx, "exports", EXIT_DATA);
		goto cleanup;
	}
	eo.server = server;
	eo.resolve = resolve;
	eo.fsid = !strcmp(flavor, "linux");
	eo.admins = admins;
	if (exports_from_plan(&p, ctx->model, ctx->db, &eo, &computed, &ctx->err) < 0) {
		db_rollback(ctx->db);
		rc = cmd_error(ctx, "exports", EXIT_DATA);
		goto cleanup;
	}
	/* the SNs' own files */
	files = xcalloc(merge.nr + 1, sizeof(*files));
	for (size_t i = 0; i < merge.nr; i++) {
		strbuf_reset(&buf);
		if (read_file(merge.v[i], &buf, &ctx->err) < 0 ||
		    exports_parse(buf.buf, buf.len, merge.v[i], !strcmp(mflavor, "aix") ? EXPORTS_AIX : EXPORTS_LINUX,
				  &files[i], &ctx->err) < 0) {
			db_rollback(ctx->db);
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
		for (size_t w = 0; w < files[i].warnings.nr; w++)
			fprintf(stderr, "extnfs exports: warning: %s\n", files[i].warnings.v[w]);
	}
	if (audit) {
		const struct export_list **lists = xcalloc(merge.nr, sizeof(*lists));
		size_t n;
		for (size_t i = 0; i < merge.nr; i++)
			lists[i] = &files[i];
		exports_merge(lists, merge.nr, &merged, &conflicts, NULL);
		free(lists);
		n = exports_audit(&merged, &computed, &diffs);
		strbuf_addf(&out, "# granted by the SNs, not by the model (%zu)\n", n);
		for (size_t i = 0; i < diffs.nr; i++) {
			strbuf_addstr(&out, "  ");
			export_diff_describe(&diffs.d[i], &out);
			strbuf_addch(&out, '\n');
		}
		export_diff_list_release(&diffs);
		n = exports_audit(&computed, &merged, &diffs);
		strbuf_addf(&out, "# needed by the model, not granted by the SNs (%zu)\n", n);
		for (size_t i = 0; i < diffs.nr; i++) {
			strbuf_addstr(&out, "  ");
			export_diff_describe(&diffs.d[i], &out);
			strbuf_addch(&out, '\n');
		}
	} else {
		const struct export_list **lists = xcalloc(merge.nr + 1, sizeof(*lists));
		lists[0] = &computed;
		for (size_t i = 0; i < merge.nr; i++)
			lists[i + 1] = &files[i];
		exports_merge(lists, merge.nr + 1, &merged, &conflicts, NULL);
		free(lists);
		if (!strcmp(flavor, "ganesha"))
			rc = exports_write_ganesha(&merged, ctx->db, server, &out, &ctx->err);
		else if (!strcmp(flavor, "mmnfs"))
			rc = exports_write_mmnfs(&merged, &out, &ctx->err);
		else
			rc = exports_write(&merged, !strcmp(flavor, "aix") ? EXPORTS_AIX : EXPORTS_LINUX, NULL,
					   &out, &warnings, &ctx->err) < 0 ? -1 : 0;
		if (rc < 0) {
			db_rollback(ctx->db);
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
	}
	if (db_commit(ctx->db, &ctx->err) < 0) {
		rc = cmd_error(ctx, "exports", EXIT_DATA);
		goto cleanup;
	}
	for (size_t i = 0; i < warnings.nr; i++)
		fprintf(stderr, "extnfs exports: warning: %s\n", warnings.v[i]);
	for (size_t i = 0; i < conflicts.nr; i++)
		fprintf(stderr, "extnfs exports: conflict: %s\n", conflicts.v[i]);
	if (apply) {
		int r = apply_exports(cs, &out, dry, &ctx->err);
		if (r < 0) {
			rc = cmd_error(ctx, "exports", EXIT_ALL_FAILED);
			goto cleanup;
		}
		if (ctx->json) {
			json_t *j = json_pack("{s:s,s:s,s:b,s:b}", "server", server, "file", cs->exports_file,
					      "changed", r, "dry_run", dry);
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(j);
		} else if (!ctx->quiet)
			printf("%s: exports %s\n", server,
			       !r ? "unchanged (not reloaded)"
				  : dry ? "would be written and reloaded" : "written and reloaded");
	} else if (ofile) {
		if (write_atomic(ofile, &out, &ctx->err) < 0) {
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
	} else {
		fwrite(out.buf, 1, out.len, stdout);
	}
	rc = conflicts.nr ? EXIT_SOME_FAILED : EXIT_OK;
cleanup:
	for (size_t i = 0; files && i < merge.nr; i++)
		export_list_release(&files[i]);
	free(files);
	export_list_release(&computed);
	export_list_release(&merged);
	export_diff_list_release(&diffs);
	plan_release(&p);
	strbuf_release(&out);
	strbuf_release(&buf);
	strvec_clear(&rest);
	strvec_clear(&nodes);
	strvec_clear(&unmatched);
	strvec_clear(&merge);
	strvec_clear(&warnings);
	strvec_clear(&conflicts);
	strvec_clear(&admins);
	return rc;
}
