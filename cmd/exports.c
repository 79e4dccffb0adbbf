/*
 * exports: the exports the external server needs, in the server's syntax
 * (printing them; applying them is 'exports --apply', a later stage).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "exports/compute.h"
#include "formats/exports.h"
#include "model/db.h"
#include "model/import.h"
#include "model/model.h"
#include "plan/plan.h"
#include "remote/apply.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs exports [NODERANGE] [--server NAME] [--flavor linux|aix|ganesha|mmnfs]\n"
	"                      [--merge FILE]... [--merge-flavor aix|linux] [--audit] [--resolve]\n"
	"                      [--admin HOST]... [-o FILE]\n"
	"       extnfs exports --apply [--server NAME] [--dry-run]";
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
	"reload fails the previous file is put back. A server with 'control =\n"
	"ssh://[user@]host[:port]/' (or an ssh:// dest) has all of this done on that\n"
	"host over ssh (its 'ssh =' command; plain sh, cat, mv, kill or exportfs\n"
	"there, no extnfs needed). Unchanged exports are neither written nor\n"
	"reloaded; --apply covers every node (no NODERANGE: the file is the server's\n"
	"whole state). --dry-run says what --apply would do.";

/* The one server of the plan, or NULL (none, or more than one: *count says). */
static const char *only_server(const struct plan *p, int *count)
{
	const char *s = NULL;

	*count = 0;
	for (size_t i = 0; i < p->nexports; i++) /* sorted by server */
		if (!s || strcmp(s, p->exports[i].server)) {
			(*count)++;
			s = p->exports[i].server;
		}
	return *count == 1 ? s : NULL;
}

int cmd_exports(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct strvec merge = STRVEC_INIT, warnings = STRVEC_INIT, conflicts = STRVEC_INIT;
	struct strvec admins = STRVEC_INIT;
	struct export_list computed = EXPORT_LIST_INIT, merged = EXPORT_LIST_INIT;
	struct export_list *files = NULL;
	struct export_diff_list diffs = EXPORT_DIFF_LIST_INIT;
	struct export_opts eo = { NULL, false, false, STRVEC_INIT, NULL };
	struct strbuf out = STRBUF_INIT, buf = STRBUF_INIT;
	struct plan p = { 0 };
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
	if (strcmp(mflavor, "aix") && strcmp(mflavor, "linux")) {
		rc = cmd_usage("exports", "--merge-flavor is aix or linux, not '%s'", mflavor);
		goto cleanup;
	}
	if (apply && (audit || ofile)) {
		rc = cmd_usage("exports", "--apply writes the server's file: not with --audit or -o");
		goto cleanup;
	}
	if (apply && rest.nr) {
		rc = cmd_usage("exports", "--apply writes the server's whole file: it takes no noderange");
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
	rc = planned_nodes(ctx, "exports", &rest, 0, &p);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
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
	eo.resolve = resolve || (cs && cs->resolve);
	eo.root = conf_server_root(cs);
	eo.fsid = !strcmp(flavor, "linux");
	if (cs && cs->admin)
		strvec_split(&admins, cs->admin, ',', 1);
	eo.admins = admins;
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
		const struct export_list **lists;
		size_t n;
		if (exports_from_plan(&p, ctx->model, ctx->db, &eo, &computed, &ctx->err) < 0) {
			db_rollback(ctx->db);
			rc = cmd_error(ctx, "exports", EXIT_DATA);
			goto cleanup;
		}
		lists = xcalloc(merge.nr, sizeof(*lists));
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
	} else if (exports_render(&p, ctx->model, ctx->db, &eo, flavor, files, merge.nr, &out, &warnings,
				  &conflicts, &ctx->err) < 0) {
		db_rollback(ctx->db);
		rc = cmd_error(ctx, "exports", EXIT_DATA);
		goto cleanup;
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
		int r = apply_exports_file(cs, &out, dry, &ctx->err);
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
		if (write_file_atomic(ofile, &out, &ctx->err) < 0) {
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
	strvec_clear(&merge);
	strvec_clear(&warnings);
	strvec_clear(&conflicts);
	strvec_clear(&admins);
	return rc;
}
