/*
 * planned.c: the noderange-to-plan step of sync, statelite, redirect and
 * apply (see planned.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/planned.h"
#include "model/model.h"
#include "plan/plan.h"
#include "sync/engine.h"
#include "util/conf.h"
#include "util/banned.h"

int planned_nodes(struct cmd_ctx *ctx, const char *cmd, const struct strvec *rest, unsigned flags,
		  struct plan *p)
{
	struct strvec nodes = STRVEC_INIT, unmatched = STRVEC_INIT;
	struct plan_opts po = { flags, ctx->conf };
	int rc = -1;

	if (rest->nr > 1) {
		rc = cmd_usage(cmd, "one noderange at most");
		goto cleanup;
	}
	if (rest->nr) {
		if (model_noderange(ctx->model, rest->v[0], &nodes, &unmatched, &ctx->err) < 0) {
			rc = cmd_error(ctx, cmd, EXIT_DATA);
			goto cleanup;
		}
		if (unmatched.nr) {
			err_set(&ctx->err, "no such nodes or groups: %s", unmatched.v[0]);
			rc = cmd_error(ctx, cmd, EXIT_DATA);
			goto cleanup;
		}
	} else {
		for (size_t i = 0; i < model_nodes(ctx->model)->nr; i++)
			strvec_push(&nodes, model_nodes(ctx->model)->v[i]);
	}
	if (plan_build(ctx->model, &nodes, &po, p, &ctx->err) < 0) {
		rc = cmd_error(ctx, cmd, EXIT_DATA);
		goto cleanup;
	}
	if (p->nerrors) {
		for (size_t i = 0; i < p->nerrors; i++)
			fprintf(stderr, "extnfs %s: %s: %s\n", cmd, p->errors[i].node, p->errors[i].msg);
		fprintf(stderr, "extnfs %s: the plan has %zu problem(s) (see 'extnfs plan'); nothing changed\n",
			cmd, p->nerrors);
		rc = EXIT_DATA;
	}
cleanup:
	strvec_clear(&nodes);
	strvec_clear(&unmatched);
	return rc;
}

int sync_args_parse(const struct cmd_ctx *ctx, const char *cmd, const char *fanout,
		    const char *max_delete, int dry, int force, int verify, struct sync_args *a)
{
	struct sync_opts so = { 0 };
	unsigned long n = ctx->conf->fanout;

	if (fanout && (!parse_ulong(fanout, &n) || !n || n > 1024))
		return cmd_usage(cmd, "--fanout takes a number from 1 to 1024");
	so.max_delete = -1;
	so.max_delete_pct = 10;
	if (max_delete && parse_max_delete(max_delete, &so) < 0)
		return cmd_usage(cmd, "bad --max-delete '%s' (a count N or a percentage P%%)", max_delete);
	a->fanout = (unsigned)n;
	a->dry = dry;
	a->force = force;
	a->verify = verify;
	a->max_delete = so.max_delete;
	a->max_delete_pct = so.max_delete_pct;
	return -1;
}

char *planned_self(const struct cmd_ctx *ctx)
{
	char *self = strchr(ctx->argv0, '/') ? realpath(ctx->argv0, NULL) : NULL;

	return self ? self : xstrdup(ctx->argv0);
}
