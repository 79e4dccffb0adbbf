/*
 * sync: run the plan's tree jobs from every SN to the external servers.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "check/record.h"
#include "cmd/planned.h"
#include "plan/plan.h"
#include "remote/apply.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs sync [NODERANGE] [--fanout N] [--dry-run] [--with-paging] [--with-dump]";
static const char desc[] =
	"Copies the plan's trees from the SNs to the external servers: each job the\n"
	"equivalent of 'rsync -aHS --numeric-ids --delete' with the filters that\n"
	"scope it (a node's directory, a node's .client_data files, a shared_root\n"
	"without .client_data), run on this machine for local hosts and over ssh\n"
	"for ssh hosts; up to --fanout hosts at once, one job at a time per host.\n"
	"A job whose source is missing or empty is skipped, never synced. One SN\n"
	"failing does not stop the others. Two syncs of the same server run one\n"
	"after the other (a lock beside the database). Exit 0 when every job\n"
	"succeeded, 1 when some did, 7 when none did.";

static void progress(const struct job_result *r, void *data)
{
	const struct cmd_ctx *ctx = data;

	if (ctx->verbose)
		fprintf(stderr, "%-7s %s %s %s (%lu change(s), %.1f s)\n",
			r->state == JOB_OK ? "ok" : r->state == JOB_SKIPPED ? "skipped" : "FAILED",
			r->job->src_host, r->job->kind, r->job->path, r->changes, r->seconds);
}

int sync_run(struct cmd_ctx *ctx, const struct plan *p, unsigned fanout, bool dry, int *exit_code)
{
	struct run_opts ro = { ctx->conf, fanout, dry, progress, ctx };
	struct job_result *res = NULL;
	struct strbuf sum = STRBUF_INIT;

	if (jobs_run(p, &ro, &res, &ctx->err) < 0) {
		job_results_release(res, p->njobs);
		return -1;
	}
	if (!dry) {
		/* for 'extnfs status' and 'extnfs check': a failure here is only a warning */
		struct err re = ERR_INIT;
		if (sync_record(ctx->db, ctx->conf, p, res, &re) < 0)
			fprintf(stderr, "extnfs sync: warning: cannot record the sync: %s\n", re.msg.buf);
		err_release(&re);
	}
	if (ctx->json) {
		json_t *a = json_array(), *j;
		for (size_t i = 0; i < p->njobs; i++) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:f}", "host", p->jobs[i].src_host,
					      "kind", p->jobs[i].kind, "path", p->jobs[i].path, "server",
					      p->jobs[i].server, "state",
					      res[i].state == JOB_OK ? "ok" : res[i].state == JOB_SKIPPED ? "skipped" : "failed",
					      "changes", (json_int_t)res[i].changes, "seconds", res[i].seconds);
			if (res[i].msg)
				json_object_set_new(o, "message", json_string(res[i].msg));
			json_array_append_new(a, o);
		}
		j = json_pack("{s:o,s:b}", "jobs", a, "dry_run", dry);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		sync_summary(p, res, dry, &sum);
		if (!ctx->quiet)
			fputs(sum.buf, stdout);
	}
	*exit_code = sync_exit_code(res, p->njobs);
	strbuf_release(&sum);
	job_results_release(res, p->njobs);
	return 0;
}

int cmd_sync(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct plan p = { 0 };
	struct lock *locks = NULL;
	size_t nlocks = 0;
	const char *fanout_s = NULL;
	unsigned long fanout = ctx->conf->fanout;
	int dry = 0, paging = 0, dump = 0, rc;
	const struct opt opts[] = {
		OPT_STR_(0, "fanout", &fanout_s, "N", "how many SNs at once (default: [global] fanout, 8)"),
		OPT_FLAG_('n', "dry-run", &dry, "show what would be copied, copy nothing"),
		OPT_FLAG_(0, "with-paging", &paging, "copy paging resources too"),
		OPT_FLAG_(0, "with-dump", &dump, "copy dump resources too"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (fanout_s && (!parse_ulong(fanout_s, &fanout) || !fanout || fanout > 1024)) {
		rc = cmd_usage("sync", "--fanout takes a number from 1 to 1024");
		goto cleanup;
	}
	rc = planned_nodes(ctx, "sync", &rest, (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0), &p);
	if (rc >= 0)
		goto cleanup;
	if (apply_lock_servers(&p, ctx->db_path, &locks, &nlocks, &ctx->err) < 0) {
		rc = cmd_error(ctx, "sync", EXIT_DATA);
		goto cleanup;
	}
	if (sync_run(ctx, &p, (unsigned)fanout, dry, &rc) < 0)
		rc = cmd_error(ctx, "sync", EXIT_ALL_FAILED);
cleanup:
	apply_unlock(locks, nlocks);
	plan_release(&p);
	strvec_clear(&rest);
	return rc;
}
