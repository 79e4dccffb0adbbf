/*
 * fuzz-lsnim.c: libFuzzer target for formats/lsnim.c.
 *
 * Any input must either parse or fail with a message naming the file, and
 * leave nothing behind. What parses must be well formed (names not empty,
 * no newlines, no trailing blanks, nim_object_get() finding the first
 * value), and, when every name and value can be written as lsnim -l would
 * write it, must read back the same from that stanza form.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/lsnim.h"
#include "util/strbuf.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-lsnim: %s\n", what);
		abort();
	}
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether s can stand in a stanza line without being changed by a reparse. */
static int stanza_safe(const char *s, int is_attr_name)
{
	size_t n = strlen(s);

	if (n && (is_blank(s[0]) || is_blank(s[n - 1])))
		return 0;
	if (strchr(s, '\n'))
		return 0;
	if (is_attr_name)
		for (const char *p = s; *p; p++)
			if (is_blank(*p) || *p == '=')
				return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nim_list l = NIM_LIST_INIT, l2 = NIM_LIST_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	int safe = 1;

	if (lsnim_parse((const char *)data, size, "fuzz.txt", &l, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.txt' line "),
		      "error without file and line");
		check(!l.nr && !l.objs, "list not empty after an error");
		goto cleanup;
	}
	for (size_t i = 0; i < l.nr; i++) {
		const struct nim_object *o = &l.objs[i];
		size_t n = strlen(o->name);

		check(n > 0, "empty object name");
		check(!strchr(o->name, '\n'), "newline in an object name");
		check(!is_blank(o->name[n - 1]), "trailing blank in an object name");
		check(!i || o->line > l.objs[i - 1].line, "object lines not increasing");
		if (!stanza_safe(o->name, 0) || o->name[0] == '#')
			safe = 0;
		for (size_t j = 0; j < o->nr; j++) {
			const char *name = o->attrs[j].name, *v = o->attrs[j].value;
			size_t k;

			check(*name, "empty attribute name");
			check(!strchr(name, '\n') && !strchr(v, '\n'), "newline in an attribute");
			check(!*v || !is_blank(v[strlen(v) - 1]), "trailing blank in a value");
			for (k = 0; strcmp(o->attrs[k].name, name); k++)
				;
			check(nim_object_get(o, name) == o->attrs[k].value,
			      "get is not the first value");
			if (!stanza_safe(name, 1) || !stanza_safe(v, 0))
				safe = 0;
		}
	}
	if (!safe)
		goto cleanup;

	for (size_t i = 0; i < l.nr; i++) {
		strbuf_addf(&out, "%s:\n", l.objs[i].name);
		for (size_t j = 0; j < l.objs[i].nr; j++)
			strbuf_addf(&out, "   %s = %s\n", l.objs[i].attrs[j].name,
				    l.objs[i].attrs[j].value);
	}
	if (lsnim_parse(out.buf, out.len, "fuzz-out.txt", &l2, &e) < 0) {
		fprintf(stderr, "fuzz-lsnim: stanza form does not parse: %s\n", e.msg.buf);
		abort();
	}
	check(l2.nr == l.nr, "object count changed");
	for (size_t i = 0; i < l.nr; i++) {
		check(!strcmp(l.objs[i].name, l2.objs[i].name), "object name changed");
		check(l.objs[i].nr == l2.objs[i].nr, "attribute count changed");
		for (size_t j = 0; j < l.objs[i].nr; j++) {
			const struct nim_attr *a = &l.objs[i].attrs[j], *b = &l2.objs[i].attrs[j];

			check(!strcmp(a->name, b->name), "attribute name changed");
			check(!strcmp(a->value, b->value), "value changed");
		}
	}
cleanup:
	nim_list_release(&l);
	nim_list_release(&l2);
	strbuf_release(&out);
	err_release(&e);
	return 0;
}
