/*
 * lsdef: xCAT object definitions in lsdef's stanza form.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cmd/cmd.h"
#include "model/model.h"
#include "model/objdef.h"
#include "model/schema.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs lsdef [-t node|group|osimage] [-o NAMES] [-i ATTRS] [-l|-s] [-c] [-z]\n"
	"                    [-w ATTR==VAL ...] [NODERANGE]";
static const char desc[] =
	"Shows object definitions as xCAT's lsdef does: 'Object name: NAME' followed\n"
	"by indented attr=value lines, attributes sorted by name; node attributes\n"
	"are resolved through the node's groups. Without names, lists the objects\n"
	"as 'NAME  (TYPE)'. -w selects with ==, !=, =~ or !~.";

struct where {
	char *attr, *val;
	char op[3];
	pcre2_code *re;
};

static int parse_where(const char *s, struct where *w, struct err *e)
{
	static const char *const ops[] = { "==", "!=", "=~", "!~" };
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < 4; i++) {
		const char *p = strstr(s, ops[i]);
		if (!p)
			continue;
		w->attr = xstrndup(s, (size_t)(p - s));
		w->val = xstrdup(p + 2);
		memcpy(w->op, ops[i], 3);
		if (w->op[1] == '~') {
			int code;
			PCRE2_SIZE off;
			const char *re = w->val;
			size_t n = strlen(re);
			/* xCAT accepts attr=~/re/ as well as attr=~re */
			if (n >= 2 && re[0] == '/' && re[n - 1] == '/') {
				re++;
				n -= 2;
			}
			w->re = pcre2_compile((PCRE2_SPTR)re, n, 0, &code, &off, NULL);
			if (!w->re) {
				PCRE2_UCHAR msg[256];
				pcre2_get_error_message(code, msg, sizeof(msg));
				return err_set(e, "bad regular expression in '-w %s' at offset %zu: %s", s,
					       (size_t)off, (char *)msg);
			}
		}
		return 0;
	}
	return err_set(e, "bad selection '-w %s' (use ==, !=, =~ or !~)", s);
}

static void where_free(struct where *w)
{
	free(w->attr);
	free(w->val);
	pcre2_code_free(w->re);
}

static bool where_match(const struct where *w, const char *value)
{
	bool m;

	if (w->re) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(w->re, NULL);
		m = pcre2_match(w->re, (PCRE2_SPTR)value, strlen(value), 0, 0, md, NULL) >= 0;
		pcre2_match_data_free(md);
	} else {
		m = !strcmp(value, w->val);
	}
	return w->op[0] == '!' ? !m : m;
}

int cmd_lsdef(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, names = STRVEC_INIT, attrs = STRVEC_INIT, wl = STRVEC_INIT;
	struct where *where = NULL;
	const char *type = "node", *onames = NULL, *iattrs = NULL;
	int lng = 0, shrt = 0, compress = 0, stanza = 0, rc, all;
	json_t *json = NULL;
	const struct opt opts[] = {
		OPT_STR_('t', "type", &type, "TYPE", "node (default), group or osimage"),
		OPT_STR_('o', "objects", &onames, "NAMES", "comma-separated object names"),
		OPT_STR_('i', "attributes", &iattrs, "ATTRS", "comma-separated attributes to show"),
		OPT_FLAG_('l', "long", &lng, "show complete definitions"),
		OPT_FLAG_('s', "short", &shrt, "show only names"),
		OPT_FLAG_('c', "compress", &compress, "'NAME: attr=value' lines (with -i)"),
		OPT_FLAG_('z', "stanza", &stanza, "xCAT stanza file form"),
		OPT_LIST_('w', "where", &wl, "ATTR==VAL", "select by attribute (==, !=, =~, !~)"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	if (!objdef_type_known(type)) {
		rc = cmd_usage("lsdef", "unknown object type '%s' (node, group or osimage)", type);
		goto cleanup;
	}
	if (rest.nr > 1 || (rest.nr && onames)) {
		rc = cmd_usage("lsdef", "give the objects either with -o or as one noderange");
		goto cleanup;
	}
	if (compress && !iattrs) {
		rc = cmd_usage("lsdef", "-c needs -i");
		goto cleanup;
	}
	if (iattrs) {
		strvec_split(&attrs, iattrs, ',', 1);
		for (size_t i = 0; i < attrs.nr; i++)
			if (!defattr_find(type, attrs.v[i]) && strcmp(attrs.v[i], "members") &&
			    strcmp(attrs.v[i], "grouptype")) {
				rc = cmd_usage("lsdef", "'%s' is not an attribute of a %s", attrs.v[i], type);
				goto cleanup;
			}
	}
	where = xcalloc(wl.nr ? wl.nr : 1, sizeof(*where));
	for (size_t i = 0; i < wl.nr; i++)
		if (parse_where(wl.v[i], &where[i], &ctx->err) < 0) {
			rc = cmd_error(ctx, "lsdef", EXIT_USAGE);
			goto cleanup;
		}
	all = !rest.nr && !onames;
	if (rest.nr && !strcmp(type, "node")) {
		struct strvec unmatched = STRVEC_INIT;
		int r = model_noderange(ctx->model, rest.v[0], &names, &unmatched, &ctx->err);
		if (r == 0 && unmatched.nr) {
			err_set(&ctx->err, "could not find an object named '%s' of type 'node'", unmatched.v[0]);
			r = -1;
		}
		strvec_clear(&unmatched);
		if (r < 0) {
			rc = cmd_error(ctx, "lsdef", EXIT_DATA);
			goto cleanup;
		}
	} else if (!all) {
		strvec_split(&names, onames ? onames : rest.v[0], ',', 1);
	} else if (objdef_list(ctx->model, type, &names, &ctx->err) < 0) {
		rc = cmd_error(ctx, "lsdef", EXIT_DATA);
		goto cleanup;
	}
	for (size_t i = 0; i < names.nr; i++)
		if (!objdef_exists(ctx->model, type, names.v[i])) {
			err_set(&ctx->err, "could not find an object named '%s' of type '%s'", names.v[i], type);
			rc = cmd_error(ctx, "lsdef", EXIT_DATA);
			goto cleanup;
		}
	if (ctx->json)
		json = json_object();
	for (size_t i = 0; i < names.nr; i++) {
		struct strvec an = STRVEC_INIT, av = STRVEC_INIT;
		bool keep = true, show_attrs = !shrt && (!all || lng || iattrs);
		json_t *jo = NULL;

		if (wl.nr || show_attrs || json) {
			if (objdef_get(ctx->model, type, names.v[i], &an, &av, &ctx->err) < 0) {
				rc = cmd_error(ctx, "lsdef", EXIT_DATA);
				json_decref(json);
				goto cleanup;
			}
		}
		for (size_t w = 0; w < wl.nr && keep; w++) {
			long at = strvec_find(&an, where[w].attr);
			keep = where_match(&where[w], at < 0 ? "" : av.v[at]);
		}
		if (!keep) {
			strvec_clear(&an);
			strvec_clear(&av);
			continue;
		}
		if (json) {
			jo = json_object();
			json_object_set_new(json, names.v[i], jo);
		}
		if (!show_attrs && !json) {
			printf("%s  (%s)\n", names.v[i], type);
		} else if (!json && !compress) {
			if (stanza)
				printf("%s:\n    objtype=%s\n", names.v[i], type);
			else
				printf("Object name: %s\n", names.v[i]);
		}
		for (size_t a = 0; a < an.nr && (show_attrs || json); a++) {
			if (iattrs && strvec_find(&attrs, an.v[a]) < 0)
				continue;
			if (jo)
				json_object_set_new(jo, an.v[a], json_string(av.v[a]));
			else if (compress)
				printf("%s: %s=%s\n", names.v[i], an.v[a], av.v[a]);
			else
				printf("    %s=%s\n", an.v[a], av.v[a]);
		}
		/* requested attributes that are unset still show, empty */
		for (size_t a = 0; a < attrs.nr && show_attrs; a++) {
			if (strvec_find(&an, attrs.v[a]) >= 0)
				continue;
			if (jo)
				json_object_set_new(jo, attrs.v[a], json_null());
			else if (compress)
				printf("%s: %s=\n", names.v[i], attrs.v[a]);
			else
				printf("    %s=\n", attrs.v[a]);
		}
		if (stanza && !json)
			printf("\n");
		strvec_clear(&an);
		strvec_clear(&av);
	}
	if (json) {
		json_dumpf(json, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(json);
	}
	rc = EXIT_OK;
cleanup:
	for (size_t i = 0; where && i < wl.nr; i++)
		where_free(&where[i]);
	free(where);
	strvec_clear(&rest);
	strvec_clear(&names);
	strvec_clear(&attrs);
	strvec_clear(&wl);
	return rc;
}
