/*
 * result.c: one node's probe result in JSON, written by the probe that
 * runs where the node's address is (check --probe-node) and read back by
 * the check that started it (see check.h).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "util/banned.h"

static const char *sev_name(enum check_sev s)
{
	return s == CHECK_FAIL ? "fail" : "unknown";
}

void check_result_write(const struct check_report *r, const char *node, struct strbuf *out)
{
	json_t *a = json_array(), *j;
	char *s;

	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].node, node))
			json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "check", r->v[i].what, "severity",
							   sev_name(r->v[i].sev), "message", r->v[i].msg));
	j = json_pack("{s:s,s:o}", "node", node, "problems", a);
	s = json_dumps(j, JSON_PRESERVE_ORDER);
	if (!s)
		die_bug("out of memory");
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(j);
}

int check_result_read(const char *buf, size_t len, const char *node, struct check_report *r,
		      struct err *e)
{
	json_error_t je;
	json_t *j, *a, *v;
	size_t i, start = 0;
	int rc = -1;

	/* the last line that starts with '{' (a wrapper may print before it) */
	for (size_t k = 0; k < len; k++)
		if (buf[k] == '{' && (k == 0 || buf[k - 1] == '\n'))
			start = k;
	j = json_loadb(buf + start, len - start, JSON_REJECT_DUPLICATES, &je);

	if (!j)
		return err_set(e, "not a probe result: line %d: %s", je.line, je.text);
	a = json_object_get(j, "problems");
	if (!json_is_object(j) || !json_is_array(a)) {
		err_set(e, "not a probe result: no \"problems\" list");
		goto out;
	}
	json_array_foreach(a, i, v) {
		const char *sev = json_string_value(json_object_get(v, "severity"));
		if (!json_string_value(json_object_get(v, "message")) || !sev ||
		    (strcmp(sev, "fail") && strcmp(sev, "unknown"))) {
			err_set(e, "not a probe result: problem %zu lacks a message or a severity", i + 1);
			goto out;
		}
	}
	json_array_foreach(a, i, v) {
		const char *sev = json_string_value(json_object_get(v, "severity"));
		check_add(r, node, "probe", !strcmp(sev, "fail") ? CHECK_FAIL : CHECK_UNKNOWN, "%s",
			  json_string_value(json_object_get(v, "message")));
	}
	rc = 0;
out:
	json_decref(j);
	return rc;
}
