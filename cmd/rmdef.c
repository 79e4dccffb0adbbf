/*
 * rmdef: remove objects and every row keyed by them.
 */
#include "cmd/def.h"
#include "model/db.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs rmdef [-t node|group|osimage] [--dry-run] -o NAMES|NODERANGE";
static const char desc[] =
	"Removes objects: a node's rows from every node table, a group from its\n"
	"members' nodelist.groups and its own rows, an osimage's osimage and\n"
	"nimimage rows. One transaction: all named objects go, or none.";

int cmd_rmdef(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct def_args da = { NULL, STRVEC_INIT, STRVEC_INIT };
	const char *type = "node", *onames = NULL;
	int dry = 0, rc;
	const struct opt opts[] = {
		OPT_STR_('t', "type", &type, "TYPE", "node (default), group or osimage"),
		OPT_STR_('o', "objects", &onames, "NAMES", "comma-separated object names"),
		OPT_FLAG_('n', "dry-run", &dry, "check and show, change nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto out;
	rc = def_args_parse(ctx, "rmdef", type, onames, &rest, 1, &da);
	if (rc >= 0)
		goto out;
	if (da.attrs.nr) {
		rc = cmd_usage("rmdef", "rmdef takes no attr=value");
		goto out;
	}
	if (db_begin(ctx->db, &ctx->err) < 0) {
		rc = cmd_error(ctx, "rmdef", EXIT_DATA);
		goto out;
	}
	for (size_t i = 0; i < da.names.nr; i++)
		if (objdef_remove(ctx->db, ctx->model, type, da.names.v[i], &ctx->err) < 0) {
			db_rollback(ctx->db);
			rc = cmd_error(ctx, "rmdef", EXIT_DATA);
			goto out;
		}
	if (dry) {
		db_rollback(ctx->db);
	} else if (db_commit(ctx->db, &ctx->err) < 0) {
		rc = cmd_error(ctx, "rmdef", EXIT_DATA);
		goto out;
	}
	def_report(ctx, &da, "removed", dry);
	rc = EXIT_OK;
out:
	def_args_release(&da);
	strvec_clear(&rest);
	return rc;
}
