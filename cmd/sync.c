/*
 * sync: run the plan's tree jobs from every SN to the external servers.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "check/record.h"
#include "cmd/planned.h"
#include "plan/plan.h"
#include "remote/apply.h"
#include "sync/progress.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs sync [NODERANGE] [--fanout N] [--dry-run] [--max-delete N|P%] [--force] [--verify] [--with-paging] [--with-dump]";
static const char desc[] =
	"Copies the plan's trees from the SNs to the external servers with the\n"
	"replication engine, each job scoped by the plan (a node's directory, a\n"
	"node's .client_data files, a shared_root without .client_data) and with\n"
	"deletions inside that scope only. The jobs of a host go to 'extnfs agent'\n"
	"on that host: over ssh for ssh hosts ('ssh -o BatchMode=yes [user@]address\n"
	"EXTNFS agent'), as a child process of this extnfs for local hosts; both\n"
	"ends must run the same extnfs version. Up to --fanout hosts at once, one\n"
	"job at a time per host; a tree that holds other jobs' trees runs after\n"
	"them. A job whose source is missing or empty is skipped, never synced.\n"
	"One SN failing (unreachable, another version, a guard) does not stop the\n"
	"others; the summary says per SN and resource what was copied, skipped or\n"
	"failed. What was written is remembered (manifests), so a sync that finds\n"
	"nothing new on the SNs does not read the server's copies: changes made\n"
	"there behind extnfs's back are repaired with --verify. A progress line\n"
	"shows on a terminal. Two syncs of the same server\n"
	"run one after the other (a lock beside the database). Exit 0 when every\n"
	"job succeeded, 1 when some did, 7 when none did.";

struct sync_out {
	struct cmd_ctx *ctx;
	bool tty;   /* a progress line on stderr */
	bool shown; /* the line is on the screen */
	double last;
};

static void clear_line(struct sync_out *so)
{
	if (so->shown)
		fputs("\r\033[K", stderr);
	so->shown = false;
}

static void progress(const struct job_result *r, void *data)
{
	struct sync_out *so = data;

	if (so->ctx->verbose) {
		clear_line(so);
		fprintf(stderr, "%-7s %s %s %s (%lu change(s), %.1f s)\n",
			r->state == JOB_OK ? "ok" : r->state == JOB_SKIPPED ? "skipped" : "FAILED",
			r->job->src_host, r->job->kind, r->job->path, r->changes, r->seconds);
	}
}

static void status(const struct run_progress *rp, void *data)
{
	struct sync_out *so = data;
	struct strbuf sb = STRBUF_INIT;
	struct timeval tv;
	double t;

	if (!so->tty)
		return;
	gettimeofday(&tv, NULL);
	t = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	if (t - so->last < 0.25 && rp->jobs_done < rp->njobs)
		return;
	so->last = t;
	strbuf_addf(&sb, "sync: %zu/%zu jobs, %u host(s) running, %llu change(s), ", rp->jobs_done,
		    rp->njobs, rp->hosts_running, (unsigned long long)rp->files);
	progress_bytes(rp->bytes, &sb);
	fprintf(stderr, "\r%s\033[K", sb.buf);
	fflush(stderr);
	so->shown = true;
	strbuf_release(&sb);
}

int sync_run(struct cmd_ctx *ctx, const struct plan *p, const struct sync_args *sa, int *exit_code)
{
	bool dry = sa->dry;
	struct sync_out so = { ctx, !ctx->quiet && !ctx->json && isatty(2), false, 0 };
	char *self = planned_self(ctx);
	struct run_opts ro = {
		.conf = ctx->conf,
		.self = self,
		.db_path = ctx->db_path,
		.fanout = sa->fanout,
		.dry_run = sa->dry,
		.force = sa->force,
		.verify = sa->verify,
		.max_delete = sa->max_delete,
		.max_delete_pct = sa->max_delete_pct,
		.progress = progress,
		.status = status,
		.data = &so,
	};
	struct job_result *res = NULL;
	struct strbuf sum = STRBUF_INIT;
	int rc;

	rc = jobs_run(p, &ro, &res, &ctx->err);
	clear_line(&so);
	free(self);
	if (rc < 0) {
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
			json_object_set_new(o, "bytes", json_integer((json_int_t)res[i].bytes));
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
	const char *fanout_s = NULL, *max_delete = NULL;
	struct sync_args sa;
	int dry = 0, force = 0, verify = 0, paging = 0, dump = 0, rc;
	const struct opt opts[] = {
		OPT_STR_(0, "fanout", &fanout_s, "N", "how many SNs at once (default: [global] fanout, 8)"),
		OPT_FLAG_('n', "dry-run", &dry, "show what would be copied, copy nothing"),
		OPT_STR_(0, "max-delete", &max_delete, "N|P%",
			 "refuse a job that deletes more than N entries or P% of its copy (default 10%)"),
		OPT_FLAG_(0, "force", &force, "copy empty sources too, lift the deletion limit"),
		OPT_FLAG_(0, "verify", &verify, "read the server's copies too, repair what changed there"),
		OPT_FLAG_(0, "with-paging", &paging, "copy paging resources too"),
		OPT_FLAG_(0, "with-dump", &dump, "copy dump resources too"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = sync_args_parse(ctx, "sync", fanout_s, max_delete, dry, force, verify, &sa);
	if (rc >= 0)
		goto cleanup;
	rc = planned_nodes(ctx, "sync", &rest, (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0), &p);
	if (rc >= 0)
		goto cleanup;
	if (apply_lock_servers(&p, ctx->db_path, &locks, &nlocks, &ctx->err) < 0) {
		rc = cmd_error(ctx, "sync", EXIT_DATA);
		goto cleanup;
	}
	if (sync_run(ctx, &p, &sa, &rc) < 0)
		rc = cmd_error(ctx, "sync", EXIT_ALL_FAILED);
cleanup:
	apply_unlock(locks, nlocks);
	plan_release(&p);
	strvec_clear(&rest);
	return rc;
}
