/*
 * statelite: create the planned statelite directories on the external
 * server (per-node statemnt directories, persistent litefile paths,
 * litetree directories) with their owner and mode. Existing directories
 * and everything in them are never touched.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "model/model.h"
#include "plan/plan.h"
#include "remote/apply.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs statelite --prepare [NODERANGE] [--dry-run]";
static const char desc[] =
	"Creates the plan's statelite directories on each external server, through\n"
	"its dest (a local path where the server's / lives, nfs://, or ssh://: one ssh\n"
	"session per server running plain sh there): <statemnt>/<node> and the\n"
	"persistent litefile directories under it (mode 0755, root), and the\n"
	"litetree directories. A directory that exists is left as it is, owner,\n"
	"mode and contents included; a non-directory in the way is an error.\n"
	"Parents are created as needed; no symbolic link is followed.";

int cmd_statelite(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct plan p = { 0 };
	struct statelite_report sr = { 0 };
	int prepare = 0, dry = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_(0, "prepare", &prepare, "create the planned directories"),
		OPT_FLAG_('n', "dry-run", &dry, "show what would be created, create nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	if (!prepare) {
		rc = cmd_usage("statelite", "say --prepare");
		goto cleanup;
	}
	rc = planned_nodes(ctx, "statelite", &rest, 0, &p);
	if (rc >= 0)
		goto cleanup;
	statelite_prepare(&p, ctx->conf, dry, &sr, &ctx->err);
	for (size_t i = 0; i < sr.lines.nr; i++) {
		if (starts_with(sr.lines.v[i], "failed: "))
			fprintf(stderr, "extnfs statelite: %s\n", sr.lines.v[i] + 8);
		else if (!ctx->quiet && !ctx->json)
			printf("%s\n", sr.lines.v[i]);
	}
	if (ctx->json) {
		json_t *ja = json_array(), *j;
		for (size_t i = 0; i < sr.lines.nr; i++)
			json_array_append_new(ja, json_string(sr.lines.v[i]));
		j = json_pack("{s:o,s:I,s:I,s:I,s:b}", "lines", ja, "created", (json_int_t)sr.created,
			      "existed", (json_int_t)sr.existed, "failed", (json_int_t)sr.failed, "dry_run", dry);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet) {
		printf("%zu director%s %s, %zu existed, %zu failed\n", sr.created, sr.created == 1 ? "y" : "ies",
		       dry ? "would be created" : "created", sr.existed, sr.failed);
	}
	rc = sr.failed ? (sr.failed == p.ndirs ? EXIT_ALL_FAILED : EXIT_SOME_FAILED) : EXIT_OK;
cleanup:
	statelite_report_release(&sr);
	plan_release(&p);
	strvec_clear(&rest);
	return rc;
}
