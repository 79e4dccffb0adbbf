/*
 * chdef: change attributes of existing objects.
 */
#include "cmd/def.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs chdef [-t node|group|osimage] [-p|-m] [--dry-run] -o NAMES|NODERANGE attr=value...";
static const char desc[] =
	"Sets attributes of existing objects; attr= (empty) unsets. With -p each\n"
	"value is added to a comma list, with -m removed from it. For a group,\n"
	"members=... sets which nodes carry the group in nodelist.groups.";

int cmd_chdef(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct def_args da = { NULL, STRVEC_INIT, STRVEC_INIT };
	const char *type = "node", *onames = NULL;
	int plus = 0, minus = 0, dry = 0, rc;
	const struct opt opts[] = {
		OPT_STR_('t', "type", &type, "TYPE", "node (default), group or osimage"),
		OPT_STR_('o', "objects", &onames, "NAMES", "comma-separated object names"),
		OPT_FLAG_('p', "plus", &plus, "add the values to comma lists"),
		OPT_FLAG_('m', "minus", &minus, "remove the values from comma lists"),
		OPT_FLAG_('n', "dry-run", &dry, "check and show, change nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto out;
	if (plus && minus) {
		rc = cmd_usage("chdef", "-p and -m exclude each other");
		goto out;
	}
	rc = def_args_parse(ctx, "chdef", type, onames, &rest, 1, &da);
	if (rc >= 0)
		goto out;
	if (!da.attrs.nr) {
		rc = cmd_usage("chdef", "no attr=value to change");
		goto out;
	}
	rc = def_apply(ctx, "chdef", &da, plus ? OBJDEF_APPEND : minus ? OBJDEF_REMOVE : OBJDEF_SET,
		       0, dry);
out:
	def_args_release(&da);
	strvec_clear(&rest);
	return rc;
}
