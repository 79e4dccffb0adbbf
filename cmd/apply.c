/*
 * apply: the main job. Redirect the SNs' client files, sync the trees,
 * prepare the statelite directories, then write and reload the exports;
 * stop before the exports when any sync failed. Safe to run again at any
 * time: a second apply right after the first changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "exports/compute.h"
#include "model/db.h"
#include "plan/plan.h"
#include "redirect/redirect.h"
#include "remote/apply.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs apply [NODERANGE] [--dry-run] [--fanout N] [--max-delete N|P%] [--force] [--verify] [--with-paging] [--with-dump]";
static const char desc[] =
	"Brings the external servers to the plan for NODERANGE (all nodes when\n"
	"omitted), in this order: redirect (the SNs' client files point at the\n"
	"server), sync (the trees, see 'extnfs sync'), statelite (the directories),\n"
	"exports (written as each server's exports_file and reloaded). Stops before\n"
	"the exports when any sync failed, so nodes are never pointed at trees that\n"
	"are not there. A server's exports file always covers every node it serves,\n"
	"whatever NODERANGE says (so the plan of all nodes must be free of problems).\n"
	"The servers are locked for the whole run. Exit 0 when\n"
	"everything succeeded, 1 when something failed, 7 when nothing could be done.";

int cmd_apply(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, servers = STRVEC_INIT;
	struct plan p = { 0 }, every = { 0 };
	const struct plan *exp_plan = &p;
	struct strvec none = STRVEC_INIT;
	struct redirect_report rr = { 0 };
	struct statelite_report sr = { 0 };
	struct lock *locks = NULL;
	size_t nlocks = 0, changed = 0, failed = 0;
	const char *fanout_s = NULL, *max_delete = NULL;
	struct sync_args sa;
	int dry = 0, force = 0, verify = 0, paging = 0, dump = 0, rc, sync_rc = EXIT_OK;
	const struct opt opts[] = {
		OPT_FLAG_('n', "dry-run", &dry, "show what each stage would do, change nothing"),
		OPT_STR_(0, "fanout", &fanout_s, "N", "how many SNs at once (default: [global] fanout, 8)"),
		OPT_STR_(0, "max-delete", &max_delete, "N|P%",
			 "refuse a tree job that deletes more than N entries or P% (default 10%)"),
		OPT_FLAG_(0, "force", &force, "sync empty sources too, lift the deletion limit"),
		OPT_FLAG_(0, "verify", &verify, "read the server's copies too, repair what changed there"),
		OPT_FLAG_(0, "with-paging", &paging, "copy and export paging resources too"),
		OPT_FLAG_(0, "with-dump", &dump, "copy and export dump resources too"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = sync_args_parse(ctx, "apply", fanout_s, max_delete, dry, force, verify, &sa);
	if (rc >= 0)
		goto cleanup;
	rc = planned_nodes(ctx, "apply", &rest, (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0), &p);
	if (rc >= 0)
		goto cleanup;
	/*
	 * A server's exports file covers every node it serves: an apply for
	 * some nodes (the prescript passes the ones mkdsklsnode just made)
	 * renders it from the plan of all nodes, or it would drop the rest.
	 */
	if (rest.nr) {
		rc = planned_nodes(ctx, "apply", &none, (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0),
				   &every);
		if (rc >= 0)
			goto cleanup;
		exp_plan = &every;
	}
	if (apply_lock_servers(&p, ctx->db_path, &locks, &nlocks, &ctx->err) < 0) {
		rc = cmd_error(ctx, "apply", EXIT_DATA);
		goto cleanup;
	}

	if (!ctx->quiet)
		printf("== redirect\n");
	{
		char *bak = cmd_backup_dir(ctx);
		char *self = planned_self(ctx);
		struct run_opts ro = { .conf = ctx->conf, .self = self, .db_path = ctx->db_path, .dry_run = dry };
		jobs_redirect(&p, &ro, bak, false, &rr, &ctx->err);
		free(self);
		free(bak);
	}
	for (size_t i = 0; i < rr.nr; i++)
		if (rr.items[i].state == REDIRECT_FAILED)
			fprintf(stderr, "extnfs apply: redirect %s %s: %s\n", rr.items[i].sn, rr.items[i].node,
				rr.items[i].msg);
	if (!ctx->quiet)
		printf("%zu file(s) %s, %zu unchanged, %zu failed\n", rr.changed,
		       dry ? "would change" : "changed", rr.unchanged, rr.failed);
	changed += rr.changed;
	failed += rr.failed;

	if (!ctx->quiet)
		printf("== sync\n");
	{
		int saved_json = ctx->json;
		ctx->json = 0;
		if (sync_run(ctx, &p, &sa, &sync_rc) < 0) {
			ctx->json = saved_json;
			rc = cmd_error(ctx, "apply", EXIT_ALL_FAILED);
			goto cleanup;
		}
		ctx->json = saved_json;
	}

	if (!ctx->quiet)
		printf("== statelite\n");
	statelite_prepare(&p, ctx->conf, dry, &sr, &ctx->err);
	for (size_t i = 0; i < sr.lines.nr; i++)
		if (starts_with(sr.lines.v[i], "failed: "))
			fprintf(stderr, "extnfs apply: statelite %s\n", sr.lines.v[i] + 8);
		else if (ctx->verbose)
			printf("%s\n", sr.lines.v[i]);
	if (!ctx->quiet)
		printf("%zu director%s %s, %zu existed, %zu failed\n", sr.created, sr.created == 1 ? "y" : "ies",
		       dry ? "would be created" : "created", sr.existed, sr.failed);
	changed += sr.created;
	failed += sr.failed;

	if (!ctx->quiet)
		printf("== exports\n");
	if (sync_rc != EXIT_OK) {
		fprintf(stderr, "extnfs apply: some trees did not sync: exports left as they are\n");
		failed++;
	} else {
		for (size_t i = 0; i < p.nexports; i++)
			if (strvec_find(&servers, p.exports[i].server) < 0)
				strvec_push(&servers, p.exports[i].server);
		for (size_t i = 0; i < servers.nr; i++) {
			const struct conf_server *cs = conf_server(ctx->conf, servers.v[i]);
			struct export_opts eo = { servers.v[i], false, false, STRVEC_INIT, NULL };
			struct strbuf out = STRBUF_INIT;
			struct strvec warnings = STRVEC_INIT;
			int r = -1;

			if (!cs || !cs->exports_file) {
				printf("%s: no exports_file configured: exports not applied (see 'extnfs exports')\n",
				       servers.v[i]);
				continue;
			}
			eo.resolve = cs->resolve;
			eo.root = conf_server_root(cs);
			if (cs->admin)
				strvec_split(&eo.admins, cs->admin, ',', 1);
			if (db_begin(ctx->db, &ctx->err) == 0) {
				r = exports_render(exp_plan, ctx->model, ctx->db, &eo, cs->flavor, NULL, 0, &out, &warnings,
						   NULL, &ctx->err);
				if (r == 0 && db_commit(ctx->db, &ctx->err) < 0)
					r = -1;
				if (r < 0)
					db_rollback(ctx->db);
			}
			for (size_t w = 0; w < warnings.nr; w++)
				fprintf(stderr, "extnfs apply: exports: warning: %s\n", warnings.v[w]);
			if (r == 0)
				r = apply_exports_file(cs, &out, dry, &ctx->err);
			if (r < 0) {
				fprintf(stderr, "extnfs apply: exports of %s: %s\n", cs->name, ctx->err.msg.buf);
				failed++;
			} else if (!ctx->quiet) {
				printf("%s: exports %s\n", cs->name,
				       !r ? "unchanged (not reloaded)"
					  : dry ? "would be written and reloaded" : "written and reloaded");
			}
			changed += r > 0;
			strvec_clear(&eo.admins);
			strvec_clear(&warnings);
			strbuf_release(&out);
		}
	}
	rc = failed || sync_rc != EXIT_OK ? EXIT_SOME_FAILED : EXIT_OK;
	if (!ctx->quiet && rc == EXIT_OK)
		printf("apply%s: %s\n", dry ? " (dry run)" : "",
		       changed ? "done" : "nothing changed");
cleanup:
	apply_unlock(locks, nlocks);
	redirect_report_release(&rr);
	statelite_report_release(&sr);
	plan_release(&p);
	plan_release(&every);
	strvec_clear(&rest);
	strvec_clear(&servers);
	return rc;
}
