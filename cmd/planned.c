/*
 * planned.c: the noderange-to-plan step of sync, statelite, redirect and
 * apply (see planned.h).
 */
#include <stdio.h>

#include "cmd/planned.h"
#include "model/model.h"
#include "plan/plan.h"
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
