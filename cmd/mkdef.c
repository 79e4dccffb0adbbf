/*
 * mkdef: define nodes, groups or osimages.
 */
#include <string.h>

#include "cmd/def.h"
#include "model/db.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs mkdef [-t node|group|osimage] [-f] [--dry-run] -o NAMES|NODERANGE attr=value...";
static const char desc[] =
	"Creates objects with the given attributes. A noderange here is a list or\n"
	"range of new names (cn[011-020]). -f replaces existing objects' attributes.\n"
	"A group is defined by its members: mkdef -t group -o rack1 members=cn001,cn002.";

int cmd_mkdef(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct def_args da = { NULL, STRVEC_INIT, STRVEC_INIT };
	const char *type = "node", *onames = NULL;
	int force = 0, dry = 0, rc;
	const struct opt opts[] = {
		OPT_STR_('t', "type", &type, "TYPE", "node (default), group or osimage"),
		OPT_STR_('o', "objects", &onames, "NAMES", "comma-separated object names"),
		OPT_FLAG_('f', "force", &force, "redefine objects that exist"),
		OPT_FLAG_('n', "dry-run", &dry, "check and show, change nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto out;
	rc = def_args_parse(ctx, "mkdef", type, onames, &rest, force ? -1 : 0, &da);
	if (rc >= 0)
		goto out;
	if (!strcmp(type, "group") && !da.attrs.nr) {
		rc = cmd_usage("mkdef", "a group needs members=... (xCAT static groups)");
		goto out;
	}
	rc = def_apply(ctx, "mkdef", &da, OBJDEF_SET, 1, dry);
out:
	def_args_release(&da);
	strvec_clear(&rest);
	return rc;
}
