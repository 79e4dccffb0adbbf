/*
 * plan: what the external NFS servers must hold, before anything moves.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "model/model.h"
#include "plan/plan.h"
#include "plan/render.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs plan [NODERANGE] [--format table|json|script|dot] [--with-paging] [--with-dump]\n"
	"                   [--allow-cmd]";
static const char desc[] =
	"Computes, from the model alone, what the external NFS server(s) must hold\n"
	"for the nodes of NODERANGE (all nodes when omitted): the trees to copy and\n"
	"from which SN (SPOT and shared_root once per image from a primary SN, per-\n"
	"node roots and .client_data files from each node's own SN), the exports, the\n"
	"statelite directories and the redirect edits on the SNs. Nodes whose\n"
	"nfsserver is unset or is their own SN are left alone. Every problem is\n"
	"listed, each naming its node, and the exit status is then 3.\n"
	"--format script prints the equivalent rsync commands with the filters that\n"
	"make them safe; json is described in doc/plan-json.md; dot is for Graphviz.";

int cmd_plan(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, nodes = STRVEC_INIT, unmatched = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	struct plan p = { 0 };
	struct plan_opts po = { 0, NULL };
	const char *format = "table";
	int paging = 0, dump = 0, allow_cmd = 0, rc;
	const struct opt opts[] = {
		OPT_STR_('f', "format", &format, "FORMAT", "table (default), json, script or dot"),
		OPT_FLAG_(0, "with-paging", &paging, "copy and export paging resources too"),
		OPT_FLAG_(0, "with-dump", &dump, "copy and export dump resources too"),
		OPT_FLAG_(0, "allow-cmd", &allow_cmd, "let #CMD=...# in statelite values run (xCAT's shell escape)"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (ctx->json)
		format = "json";
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "script") &&
	    strcmp(format, "dot")) {
		rc = cmd_usage("plan", "unknown format '%s' (table, json, script or dot)", format);
		goto cleanup;
	}
	if (rest.nr > 1) {
		rc = cmd_usage("plan", "one noderange at most");
		goto cleanup;
	}
	if (rest.nr) {
		if (model_noderange(ctx->model, rest.v[0], &nodes, &unmatched, &ctx->err) < 0) {
			rc = cmd_error(ctx, "plan", EXIT_DATA);
			goto cleanup;
		}
		if (unmatched.nr) {
			struct strbuf u = STRBUF_INIT;
			strvec_join(&unmatched, ",", &u);
			err_set(&ctx->err, "no such nodes or groups: %s", u.buf);
			strbuf_release(&u);
			rc = cmd_error(ctx, "plan", EXIT_DATA);
			goto cleanup;
		}
	} else {
		const struct strvec *all = model_nodes(ctx->model);
		for (size_t i = 0; i < all->nr; i++)
			strvec_push(&nodes, all->v[i]);
	}
	po.flags = (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0) |
		   (allow_cmd ? PLAN_ALLOW_CMD : 0);
	po.conf = ctx->conf;
	if (plan_build(ctx->model, &nodes, &po, &p, &ctx->err) < 0) {
		rc = cmd_error(ctx, "plan", EXIT_DATA);
		goto cleanup;
	}
	if (p.nerrors && strcmp(format, "json") && strcmp(format, "table")) {
		/* a script or graph of a broken plan would be acted on: refuse */
		for (size_t i = 0; i < p.nerrors; i++)
			fprintf(stderr, "extnfs plan: %s: %s\n", p.errors[i].node, p.errors[i].msg);
		fprintf(stderr, "extnfs plan: %zu problem(s); no %s written\n", p.nerrors, format);
		rc = EXIT_DATA;
		goto cleanup;
	}
	if (!strcmp(format, "table"))
		plan_render_table(&p, &out);
	else if (!strcmp(format, "json"))
		plan_render_json(&p, &out);
	else if (!strcmp(format, "script"))
		plan_render_script(&p, ctx->conf, &out);
	else
		plan_render_dot(&p, &out);
	fwrite(out.buf, 1, out.len, stdout);
	rc = p.nerrors ? EXIT_DATA : EXIT_OK;
cleanup:
	plan_release(&p);
	strbuf_release(&out);
	strvec_clear(&rest);
	strvec_clear(&nodes);
	strvec_clear(&unmatched);
	return rc;
}
