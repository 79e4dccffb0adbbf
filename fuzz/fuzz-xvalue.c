/*
 * fuzz-xvalue.c: libFuzzer target for model/xvalue.c.
 *
 * The input is a table value, a newline, and a node name. Both functions
 * must give a string or fail with a message, never both and never neither;
 * a value that is not a regular expression comes back unchanged from
 * xvalue_eval(), and one without '$' or "#CMD" from xvalue_subst().
 * Commands are never allowed here, so a "#CMD=" must fail with the refusal
 * rather than run anything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/xvalue.h"
#include "util/strbuf.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-xvalue: %s\n", what);
		abort();
	}
}

/* A fixed database: table "bad" does not exist, "empty" has no values. */
static int lookup(void *data, const char *node, const char *table, const char *col,
		  struct strbuf *out, struct err *e)
{
	(*(unsigned *)data)++;
	if (!strcmp(table, "bad"))
		return err_set(e, "table '%s' does not exist", table);
	if (!strcmp(table, "empty"))
		return 0;
	if (!strcmp(table, "zero")) {
		strbuf_addstr(out, "0");
		return 0;
	}
	strbuf_addf(out, "%s-%s-%s", table, col, node);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t vlen = nl ? (size_t)(nl - data) : size;
	char *value = xstrndup((const char *)data, vlen);
	char *node = nl ? xstrndup((const char *)nl + 1, size - vlen - 1) : xstrdup("cn001");
	struct err e = ERR_INIT;
	unsigned calls = 0;
	char *r;

	/* embedded NULs end the strings early, as they would in C */
	r = xvalue_eval(value, node, &e);
	check(r ? !e.msg.len : e.msg.len > 0, "xvalue_eval: result and message disagree");
	if (r && !xvalue_is_regex(value))
		check(!strcmp(r, value), "xvalue_eval: plain value changed");
	free(r);
	err_clear(&e);

	r = xvalue_subst(value, node, lookup, &calls, false, &e);
	check(r ? !e.msg.len : e.msg.len > 0, "xvalue_subst: result and message disagree");
	/* only a command that ran can fail with "command '...' ... failed" */
	check(!starts_with(e.msg.buf, "command '"), "xvalue_subst: ran a command");
	if (!strchr(value, '$') && !strstr(value, "#CMD")) {
		check(r && !strcmp(r, value), "xvalue_subst: value without variables changed");
		check(calls == 0, "xvalue_subst: lookup without variables");
	}
	free(r);
	err_clear(&e);

	/* without a lookup function only $node can be substituted */
	r = xvalue_subst(value, node, NULL, NULL, false, &e);
	check(r ? !e.msg.len : e.msg.len > 0, "xvalue_subst: result and message disagree");
	check(!starts_with(e.msg.buf, "command '"), "xvalue_subst: ran a command");
	free(r);

	err_release(&e);
	free(value);
	free(node);
	return 0;
}
