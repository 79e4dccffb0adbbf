/*
 * fuzz-stanza.c: libFuzzer target for formats/stanza.c.
 *
 * Any input either parses or fails with a message naming the file and
 * line, leaving nothing behind. What parses must write back byte for byte,
 * and its recorded positions must point at the bytes they describe. Then
 * the edits redirect makes are applied: set nodename in the first stanza
 * (only that attribute's lines change, or one line is inserted), set it
 * again (nothing changes), add the /proc stanza (the old bytes stay a
 * prefix) and delete it again, delete nodename. After every edit the
 * bytes must parse again into the same stanzas.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/stanza.h"
#include "util/strbuf.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-stanza: %s\n", what);
		abort();
	}
}

/* Positions agree with the bytes, and a fresh parse agrees with f. */
static void check_file(const struct stanza_file *f)
{
	struct stanza_file g = STANZA_FILE_INIT;
	struct err e = ERR_INIT;

	for (size_t i = 0; i < f->nr; i++) {
		const struct stanza *s = &f->stanzas[i];

		check(*s->name != '\0', "empty stanza name");
		check(s->line_off < s->line_next && s->line_next <= f->text.len, "header position");
		check(s->end >= s->line_next && s->end <= f->text.len, "stanza end");
		for (size_t j = 0; j < s->nr; j++) {
			const struct stanza_attr *a = &s->attrs[j];
			size_t n = strlen(a->value);

			check(*a->name != '\0', "empty attribute name");
			check(a->value_off + a->value_len <= a->line_next, "value position");
			check(a->value_len == n + (a->quoted ? 2 : 0), "value length");
			check(!memcmp(f->text.buf + a->value_off + a->quoted, a->value, n),
			      "value bytes");
			check(!strchr(a->value, '\n'), "newline in a value");
		}
	}
	if (stanza_parse(f->text.buf, f->text.len, "again", &g, &e) < 0) {
		fprintf(stderr, "fuzz-stanza: edited text does not parse: %s\n", e.msg.buf);
		abort();
	}
	check(g.nr == f->nr, "reparse: stanza count");
	for (size_t i = 0; i < f->nr; i++) {
		check(!strcmp(g.stanzas[i].name, f->stanzas[i].name), "reparse: name");
		check(g.stanzas[i].nr == f->stanzas[i].nr, "reparse: attribute count");
		for (size_t j = 0; j < f->stanzas[i].nr; j++) {
			check(!strcmp(g.stanzas[i].attrs[j].value, f->stanzas[i].attrs[j].value),
			      "reparse: value");
			check(g.stanzas[i].attrs[j].value_off == f->stanzas[i].attrs[j].value_off,
			      "reparse: position");
		}
	}
	stanza_file_release(&g);
	err_release(&e);
}

/* Whether new is old with bytes inserted at one place. */
static int is_insertion(const struct strbuf *old, const struct strbuf *new)
{
	size_t p = 0, s = 0;

	if (new->len < old->len)
		return 0;
	while (p < old->len && old->buf[p] == new->buf[p])
		p++;
	while (s < old->len - p && old->buf[old->len - 1 - s] == new->buf[new->len - 1 - s])
		s++;
	return p + s == old->len;
}

/* Whether t ends with a line end after a line that is not blank. */
static int ends_with_plain_line(const struct strbuf *t)
{
	size_t i;

	if (!t->len || t->buf[t->len - 1] != '\n')
		return 0;
	for (i = t->len - 1; i > 0 && t->buf[i - 1] != '\n'; i--)
		if (!strchr(" \t\r\f\v", t->buf[i - 1]))
			return 1;
	return 0;
}

/* Lines of a text, as offsets: starts[i] for line i+1. */
static size_t line_starts(const struct strbuf *t, size_t **out)
{
	size_t n = 1, k = 0;

	for (size_t i = 0; i < t->len; i++)
		n += t->buf[i] == '\n';
	*out = xcalloc(n + 1, sizeof(**out));
	(*out)[k++] = 0;
	for (size_t i = 0; i < t->len; i++)
		if (t->buf[i] == '\n')
			(*out)[k++] = i + 1;
	(*out)[k] = t->len;
	return n;
}

/* old and new differ only in the lines listed in skip (by number). */
static void same_lines_except(const struct strbuf *old, const struct strbuf *new,
			      const unsigned *skip, size_t nskip)
{
	size_t *a = NULL, *b = NULL;
	size_t na = line_starts(old, &a), nb = line_starts(new, &b);

	check(na == nb, "set changed the number of lines");
	for (size_t i = 0; i < na; i++) {
		int skipped = 0;

		for (size_t k = 0; k < nskip; k++)
			skipped |= skip[k] == i + 1;
		if (skipped)
			continue;
		check(a[i + 1] - a[i] == b[i + 1] - b[i] &&
			      !memcmp(old->buf + a[i], new->buf + b[i], a[i + 1] - a[i]),
		      "set changed another line");
	}
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT, before = STRBUF_INIT;
	unsigned *lines = NULL;
	size_t nlines = 0;
	char *first = NULL;
	int r;

	if (stanza_parse((const char *)data, size, "fuzz.fs", &f, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.fs' line "), "error without file and line");
		check(!f.nr && !f.stanzas && !f.text.len, "file not empty after an error");
		goto cleanup;
	}
	stanza_write(&f, &out);
	check(out.len == size && (!size || !memcmp(out.buf, data, size)), "round trip differs");
	check_file(&f);
	if (!f.nr)
		goto proc;

	/* set nodename in the first stanza */
	first = xstrdup(f.stanzas[0].name);
	for (size_t j = 0; j < f.stanzas[0].nr; j++) {
		if (strcmp(f.stanzas[0].attrs[j].name, "nodename"))
			continue;
		lines = xrealloc(lines, st_mult(nlines + 1, sizeof(*lines)));
		lines[nlines++] = f.stanzas[0].attrs[j].line;
	}
	strbuf_reset(&before);
	stanza_write(&f, &before);
	r = stanza_set(&f, first, "nodename", "extnfs1", &e);
	if (r < 0) {
		fprintf(stderr, "fuzz-stanza: set failed: %s\n", e.msg.buf);
		abort();
	}
	check_file(&f);
	check(!strcmp(stanza_get(&f, first, "nodename"), "extnfs1"), "set not read back");
	if (nlines)
		same_lines_except(&before, &f.text, lines, nlines);
	else
		check(r == 1 && is_insertion(&before, &f.text), "add is not an insertion");
	strbuf_reset(&before);
	stanza_write(&f, &before);
	check(stanza_set(&f, first, "nodename", "extnfs1", &e) == 0, "second set changed something");
	check(before.len == f.text.len && !memcmp(before.buf, f.text.buf, before.len),
	      "second set changed the bytes");

proc:
	strbuf_reset(&before);
	stanza_write(&f, &before);
	r = stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e);
	check(r >= 0, "adding /proc failed");
	check_file(&f);
	check(stanza_find(&f, "/proc") != NULL, "no /proc after adding it");
	if (r == 1) {
		int plain_end = ends_with_plain_line(&before);

		check(f.text.len > before.len && !memcmp(f.text.buf, before.buf, before.len),
		      "adding /proc changed old bytes");
		check(!strcmp(stanza_get(&f, "/proc", "vfs"), "procfs"), "/proc vfs");
		check(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e) == 0,
		      "second /proc added");
		check(stanza_del(&f, "/proc", &e) == 1, "deleting /proc failed");
		check_file(&f);
		check(is_insertion(&f.text, &before) || is_insertion(&before, &f.text),
		      "add then delete /proc changed more than a blank line");
		if (plain_end)
			check(before.len == f.text.len && !memcmp(before.buf, f.text.buf, before.len),
			      "add then delete /proc is not the identity");
	}

	if (first) {
		r = stanza_del_attr(&f, first, "nodename", &e);
		check(r >= 1, "deleting nodename failed");
		check_file(&f);
		check(stanza_get(&f, first, "nodename") == NULL, "nodename still there");
	}
cleanup:
	free(first);
	free(lines);
	stanza_file_release(&f);
	strbuf_release(&out);
	strbuf_release(&before);
	err_release(&e);
	return 0;
}
