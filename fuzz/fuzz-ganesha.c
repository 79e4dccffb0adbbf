/*
 * fuzz-ganesha.c: libFuzzer target for formats/ganesha.c.
 *
 * Any input either parses or fails with a message naming the file and
 * line, leaving nothing behind. The reader keeps no bytes (it reads a
 * configuration into exports), so "write back what was read" is checked
 * on the writer's side: when the exports read can be written, the text
 * written must read back into equal exports and write again byte for byte
 * (the writer's output is a fixed point: parse -> write gives the input
 * back). Then an edit: a new export with a free Export_Id is added; all of
 * them must be written, read back equal, and the new one found by path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ganesha.h"
#include "util/strbuf.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-ganesha: %s\n", what);
		abort();
	}
}

/* Parses text that must parse; aborts otherwise. */
static void must_parse(const struct strbuf *text, struct ganesha_conf *c)
{
	struct err e = ERR_INIT;

	if (ganesha_parse(text->buf, text->len, "written.conf", c, &e) < 0) {
		fprintf(stderr, "fuzz-ganesha: written text does not parse: %s\n%s\n", e.msg.buf,
			text->buf);
		abort();
	}
	err_release(&e);
}

static bool used(const struct ganesha_conf *c, const char *path)
{
	for (size_t i = 0; i < c->nr; i++)
		if ((c->exports[i].path && !strcmp(c->exports[i].path, path)) ||
		    (c->exports[i].pseudo && !strcmp(c->exports[i].pseudo, path)))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ganesha_conf c = GANESHA_CONF_INIT, d = GANESHA_CONF_INIT, f = GANESHA_CONF_INIT;
	struct ganesha_export *all = NULL;
	struct ganesha_export added = GANESHA_EXPORT_INIT;
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT, path = STRBUF_INIT;
	struct err e = ERR_INIT;
	unsigned id = 0;

	if (ganesha_parse((const char *)data, size, "fuzz.conf", &c, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.conf' line "), "error without file and line");
		check(!c.nr && !c.exports && !c.inr && !c.includes, "conf not empty after an error");
		goto cleanup;
	}
	for (size_t i = 0; i < c.nr; i++) {
		const struct ganesha_export *x = &c.exports[i];

		check(x->path != NULL, "export without a path");
		check(x->id <= 65535, "Export_Id out of range");
		check(ganesha_find_id(&c, x->id) == x, "Export_Id not unique");
		check(ganesha_find_path(&c, x->path) != NULL, "path not found");
		for (size_t j = 0; j < x->nr; j++)
			check(x->clients[j].hosts.nr > 0, "CLIENT block without hosts");
	}
	for (size_t i = 0; i < c.inr; i++)
		check(c.includes[i].line >= 1, "include without a line");

	/* the writer's output is a fixed point */
	if (ganesha_write(c.exports, c.nr, &one, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot write the Ganesha export of '"), "bad write error");
		check(one.len == 0, "failed write left output");
		goto cleanup;
	}
	must_parse(&one, &d);
	check(d.nr == c.nr, "export count changed");
	for (size_t i = 0; i < c.nr; i++)
		check(ganesha_export_equal(&c.exports[i], &d.exports[i]), "export changed");
	check(ganesha_write(d.exports, d.nr, &two, &e) == 0, "second write failed");
	check(one.len == two.len && !memcmp(one.buf, two.buf, one.len), "second write differs");
	if (size == one.len && !memcmp(data, one.buf, size))
		check(d.inr == 0, "writer output with includes");

	/* the edit: one more export, on a free id and path */
	for (id = 1; id <= 65535 && ganesha_find_id(&c, id); id++)
		;
	if (id > 65535)
		goto cleanup;
	strbuf_addstr(&path, "/install/nim/root/71Bcosi_root/cn001");
	while (used(&c, path.buf))
		strbuf_addstr(&path, "x");
	ganesha_export_init(&added, id, path.buf);
	strvec_push(&ganesha_export_add_client(&added, GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE)->hosts,
		    "cn001");
	all = xcalloc(c.nr + 1, sizeof(*all));
	if (c.nr)
		memcpy(all, c.exports, c.nr * sizeof(*all)); /* borrowed, not freed here */
	all[c.nr] = added;
	strbuf_reset(&two);
	if (ganesha_write(all, c.nr + 1, &two, &e) < 0) {
		fprintf(stderr, "fuzz-ganesha: adding an export failed: %s\n", e.msg.buf);
		abort();
	}
	must_parse(&two, &f);
	check(f.nr == c.nr + 1, "added export missing");
	check(ganesha_find_path(&f, path.buf) && ganesha_find_path(&f, path.buf)->id == id,
	      "added export not found by path");
	for (size_t i = 0; i <= c.nr; i++)
		check(ganesha_export_equal(&all[i], &f.exports[i]), "export changed by the edit");
cleanup:
	free(all);
	ganesha_export_release(&added);
	ganesha_conf_release(&c);
	ganesha_conf_release(&d);
	ganesha_conf_release(&f);
	strbuf_release(&one);
	strbuf_release(&two);
	strbuf_release(&path);
	err_release(&e);
	return 0;
}
