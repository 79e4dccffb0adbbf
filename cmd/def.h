/*
 * def.h: what mkdef, chdef and rmdef share: reading "-t TYPE -o NAMES |
 * NODERANGE attr=value..." and applying attribute changes.
 */
#ifndef EXTNFS_CMD_DEF_H
#define EXTNFS_CMD_DEF_H

#include "cmd/cmd.h"
#include "model/objdef.h"

struct def_args {
	const char *type;
	struct strvec names; /* objects named */
	struct strvec attrs; /* "attr=value" */
};

/*
 * Splits rest into object names (-o, or the first argument without '=')
 * and attr=value pairs; expands a noderange for nodes. must_exist: 1 the
 * objects must exist, 0 they must not, -1 either.
 * Returns -1 to go on, else an exit code (the error already printed).
 */
int def_args_parse(struct cmd_ctx *ctx, const char *cmd, const char *type, const char *onames,
		   struct strvec *rest, int must_exist, struct def_args *da);
void def_args_release(struct def_args *da);
/* Says what happened to the objects (text, or JSON with --json). */
void def_report(struct cmd_ctx *ctx, const struct def_args *da, const char *done, int dry_run);
/* Applies every attr=value to every object with op, in one transaction. */
int def_apply(struct cmd_ctx *ctx, const char *cmd, struct def_args *da, enum objdef_op op,
	      int create, int dry_run);

#endif
