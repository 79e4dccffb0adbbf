/*
 * nodels: the nodes of a noderange, optionally with attributes, as
 * xCAT's nodels prints them (regex values evaluated for each node).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "model/model.h"
#include "model/schema.h"
#include "util/strmap.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs nodels [-H] [NODERANGE] [table.column|table|groups|table.col==v ...]";
static const char desc[] =
	"Lists the nodes of NODERANGE (all nodes when omitted), sorted by name. Each\n"
	"table.column argument adds that attribute, resolved as xCAT does (node row,\n"
	"then its groups in order; regex values evaluated for the node); a table\n"
	"name adds all its set columns; 'groups' is nodelist.groups. Arguments with\n"
	"==, !=, =~ or !~ select nodes by attribute. With one node and one\n"
	"attribute the output is 'node: value', otherwise 'node: table.col: value'.";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_selection(const char *s)
{
	return strstr(s, "==") || strstr(s, "!=") || strstr(s, "=~") || strstr(s, "!~");
}

/*
 * Expands one attribute argument into table.col pairs; a whole table
 * marks its columns "show only when set" (a '?' prefix). 0 or -1.
 */
static int add_attr(const char *arg, struct strvec *cols, struct err *e)
{
	const char *dot = strchr(arg, '.');
	const struct xtable *xt;

	if (!strcmp(arg, "groups") || !strcmp(arg, "tags")) {
		strvec_push(cols, "nodelist.groups");
		return 0;
	}
	if (!dot) {
		xt = xtable_find(arg);
		if (!xt)
			return err_set(e, "unknown table '%s'", arg);
		for (size_t c = 0; c < xt->ncols; c++)
			if (c != xt->keys[0]) /* the key is the node itself */
				strvec_pushf(cols, "?%s.%s", xt->name, xt->cols[c]);
		return 0;
	}
	{
		char *t = xstrndup(arg, (size_t)(dot - arg));
		xt = xtable_find(t);
		free(t);
	}
	if (!xt)
		return err_set(e, "unknown table in '%s'", arg);
	if (xtable_col(xt, dot + 1) < 0)
		return err_set(e, "table '%s' has no column '%s'", xt->name, dot + 1);
	strvec_push(cols, arg);
	return 0;
}

int cmd_nodels(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, nodes = STRVEC_INIT, unmatched = STRVEC_INIT;
	struct strvec cols = STRVEC_INIT, sel = STRVEC_INIT;
	struct strbuf v = STRBUF_INIT, range = STRBUF_INIT;
	json_t *json = NULL;
	int fieldname = 0, rc;
	size_t first = 0;
	const struct opt opts[] = {
		OPT_FLAG_('H', "with-fieldname", &fieldname, "always show table.column before values"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	if (rest.nr && !is_selection(rest.v[0]) && !strchr(rest.v[0], '.') &&
	    !xtable_find(rest.v[0]) && strcmp(rest.v[0], "groups") && strcmp(rest.v[0], "tags"))
		first = 1;
	/* a first argument that is a node or group wins over a same-named table */
	if (rest.nr && !first && (model_is_node(ctx->model, rest.v[0]) ||
				  model_group_members(ctx->model, rest.v[0])))
		first = 1;
	strbuf_addstr(&range, first ? rest.v[0] : "");
	for (size_t i = first; i < rest.nr; i++) {
		if (is_selection(rest.v[i])) {
			strvec_push(&sel, rest.v[i]);
		} else if (add_attr(rest.v[i], &cols, &ctx->err) < 0) {
			rc = cmd_error(ctx, "nodels", EXIT_USAGE);
			goto cleanup;
		}
	}
	if (range.len) {
		if (model_noderange(ctx->model, range.buf, &nodes, &unmatched, &ctx->err) < 0) {
			rc = cmd_error(ctx, "nodels", EXIT_DATA);
			goto cleanup;
		}
	} else {
		const struct strvec *all = model_nodes(ctx->model);
		for (size_t i = 0; i < all->nr; i++)
			strvec_push(&nodes, all->v[i]);
	}
	for (size_t s = 0; s < sel.nr; s++) {
		struct strvec picked = STRVEC_INIT, keep = STRVEC_INIT;
		struct strmap in = STRMAP_INIT;
		if (model_noderange(ctx->model, sel.v[s], &picked, NULL, &ctx->err) < 0) {
			rc = cmd_error(ctx, "nodels", EXIT_DATA);
			strvec_clear(&picked);
			goto cleanup;
		}
		for (size_t i = 0; i < picked.nr; i++)
			strmap_put(&in, picked.v[i], (void *)1);
		for (size_t i = 0; i < nodes.nr; i++)
			if (strmap_get(&in, nodes.v[i]))
				strvec_push(&keep, nodes.v[i]);
		strvec_clear(&nodes);
		nodes = keep;
		strmap_clear(&in);
		strvec_clear(&picked);
	}
	if (nodes.nr > 1)
		qsort(nodes.v, nodes.nr, sizeof(char *), cmp_str);
	if (unmatched.nr) {
		struct strbuf u = STRBUF_INIT;
		strvec_join(&unmatched, ",", &u);
		fprintf(stderr, "extnfs nodels: invalid nodes and/or groups in noderange: %s\n", u.buf);
		strbuf_release(&u);
	}
	if (cols.nr > 1 || nodes.nr > 1)
		fieldname = 1;
	if (ctx->json)
		json = cols.nr ? json_object() : json_array();
	for (size_t i = 0; i < nodes.nr; i++) {
		json_t *jn = NULL;
		if (!cols.nr) {
			if (json)
				json_array_append_new(json, json_string(nodes.v[i]));
			else
				printf("%s\n", nodes.v[i]);
			continue;
		}
		if (json) {
			jn = json_object();
			json_object_set_new(json, nodes.v[i], jn);
		}
		for (size_t c = 0; c < cols.nr; c++) {
			int only_set = cols.v[c][0] == '?';
			const char *col = cols.v[c] + only_set;
			char *t = xstrdup(col), *dot = strchr(t, '.');
			int r;
			*dot = '\0';
			strbuf_reset(&v);
			r = model_attr(ctx->model, nodes.v[i], t, dot + 1, &v, &ctx->err);
			free(t);
			if (r < 0) {
				rc = cmd_error(ctx, "nodels", EXIT_DATA);
				json_decref(json);
				goto cleanup;
			}
			if (!r && only_set)
				continue;
			if (jn)
				json_object_set_new(jn, col, r ? json_string(v.buf) : json_null());
			else if (fieldname)
				printf("%s: %s: %s\n", nodes.v[i], col, v.buf);
			else
				printf("%s: %s\n", nodes.v[i], v.buf);
		}
	}
	if (json) {
		json_dumpf(json, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(json);
	}
	rc = unmatched.nr ? EXIT_SOME_FAILED : EXIT_OK;
cleanup:
	strvec_clear(&rest);
	strvec_clear(&nodes);
	strvec_clear(&unmatched);
	strvec_clear(&cols);
	strvec_clear(&sel);
	strbuf_release(&v);
	strbuf_release(&range);
	return rc;
}
