/*
 * def.c: argument handling and the write path shared by mkdef, chdef and
 * rmdef. Each runs in one transaction: all objects change, or none.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/def.h"
#include "model/db.h"
#include "model/model.h"
#include "util/banned.h"

int def_args_parse(struct cmd_ctx *ctx, const char *cmd, const char *type, const char *onames,
		   struct strvec *rest, int must_exist, struct def_args *da)
{
	const char *range = NULL;

	da->type = type;
	if (!objdef_type_known(type))
		return cmd_usage(cmd, "unknown object type '%s' (node, group or osimage)", type);
	for (size_t i = 0; i < rest->nr; i++) {
		if (strchr(rest->v[i], '='))
			strvec_push(&da->attrs, rest->v[i]);
		else if (!range && !onames)
			range = rest->v[i];
		else
			return cmd_usage(cmd, "unexpected argument '%s'", rest->v[i]);
	}
	if (!range && !onames)
		return cmd_usage(cmd, "no object named (use -o NAMES or a noderange)");
	if (range && !strcmp(type, "node")) {
		/* new names come back as unmatched: mkdef cn[011-020] */
		struct strvec unmatched = STRVEC_INIT;
		int r = model_noderange(ctx->model, range, &da->names, &unmatched, &ctx->err);
		for (size_t i = 0; r == 0 && i < unmatched.nr; i++)
			strvec_push(&da->names, unmatched.v[i]);
		strvec_clear(&unmatched);
		if (r < 0)
			return cmd_error(ctx, cmd, EXIT_DATA);
	} else {
		strvec_split(&da->names, onames ? onames : range, ',', 1);
	}
	for (size_t i = 0; i < da->names.nr; i++) {
		int exists = objdef_exists(ctx->model, type, da->names.v[i]);
		if (must_exist == 1 && !exists) {
			err_set(&ctx->err, "could not find an object named '%s' of type '%s'",
				da->names.v[i], type);
			return cmd_error(ctx, cmd, EXIT_DATA);
		}
		if (must_exist == 0 && exists) {
			err_set(&ctx->err, "a %s named '%s' already exists (use chdef, or mkdef -f)",
				type, da->names.v[i]);
			return cmd_error(ctx, cmd, EXIT_DATA);
		}
	}
	return -1;
}

void def_args_release(struct def_args *da)
{
	strvec_clear(&da->names);
	strvec_clear(&da->attrs);
}

void def_report(struct cmd_ctx *ctx, const struct def_args *da, const char *done, int dry_run)
{
	if (ctx->json) {
		json_t *j = json_pack("{s:s,s:s,s:o,s:b}", "type", da->type, "action", done, "objects",
				      json_array(), "dry_run", dry_run);
		for (size_t i = 0; i < da->names.nr; i++)
			json_array_append_new(json_object_get(j, "objects"), json_string(da->names.v[i]));
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet) {
		printf("%zu %s definition(s) %s%s\n", da->names.nr, da->type, done,
		       dry_run ? " (dry run: nothing changed)" : "");
	}
}

int def_apply(struct cmd_ctx *ctx, const char *cmd, struct def_args *da, enum objdef_op op,
	      int create, int dry_run)
{
	if (db_begin(ctx->db, &ctx->err) < 0)
		return cmd_error(ctx, cmd, EXIT_DATA);
	for (size_t i = 0; i < da->names.nr; i++) {
		const char *name = da->names.v[i];
		if (create && objdef_create(ctx->db, da->type, name, &ctx->err) < 0)
			goto fail;
		for (size_t a = 0; a < da->attrs.nr; a++) {
			char *attr = xstrdup(da->attrs.v[a]), *eq = strchr(attr, '=');
			int r;
			*eq = '\0';
			r = objdef_set(ctx->db, ctx->model, da->type, name, attr, eq + 1, op, &ctx->err);
			free(attr);
			if (r < 0) {
				err_prefix(&ctx->err, "%s '%s'", da->type, name);
				goto fail;
			}
		}
	}
	if (dry_run)
		db_rollback(ctx->db);
	else if (db_commit(ctx->db, &ctx->err) < 0)
		return cmd_error(ctx, cmd, EXIT_DATA);
	def_report(ctx, da, create ? "created" : "changed", dry_run);
	return EXIT_OK;
fail:
	db_rollback(ctx->db);
	return cmd_error(ctx, cmd, EXIT_DATA);
}
