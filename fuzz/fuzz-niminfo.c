/*
 * fuzz-niminfo.c: libFuzzer target for formats/niminfo.c.
 *
 * Any input either parses or fails with a message naming the file and
 * line, leaving nothing behind. What parses must write back byte for byte
 * with positions that point at the values. Then redirect's edits are
 * applied: set ROOT (only ROOT lines change, or one line is appended), set
 * it again (no change), add extnfs1 to NIM_HOSTS (once: a second add
 * changes nothing), remove it again, unset ROOT. After every edit the bytes
 * must parse again into the same variables.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/niminfo.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-niminfo: %s\n", what);
		abort();
	}
}

static void check_file(const struct niminfo *f)
{
	struct niminfo g = NIMINFO_INIT;
	struct err e = ERR_INIT;

	for (size_t i = 0; i < f->nr; i++) {
		const struct niminfo_var *v = &f->vars[i];
		size_t n = strlen(v->value), q = v->quote ? 1 : 0;

		check(*v->name != '\0', "empty name");
		check(v->value_len == n + 2 * q, "value length");
		check(v->value_off + v->value_len <= v->line_next && v->line_next <= f->text.len,
		      "value position");
		check(!memcmp(f->text.buf + v->value_off + q, v->value, n), "value bytes");
		check(!strchr(v->value, '\n'), "newline in a value");
	}
	if (niminfo_parse(f->text.buf, f->text.len, "again", &g, &e) < 0) {
		fprintf(stderr, "fuzz-niminfo: edited text does not parse: %s\n", e.msg.buf);
		abort();
	}
	check(g.nr == f->nr, "reparse: count");
	for (size_t i = 0; i < f->nr; i++) {
		check(!strcmp(g.vars[i].name, f->vars[i].name), "reparse: name");
		check(!strcmp(g.vars[i].value, f->vars[i].value), "reparse: value");
		check(g.vars[i].value_off == f->vars[i].value_off, "reparse: position");
	}
	niminfo_release(&g);
	err_release(&e);
}

static int same(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && !memcmp(a->buf, b->buf, a->len);
}

/* Lines of t as [start, end) offsets; returns the count. */
static size_t split_lines(const struct strbuf *t, size_t **out)
{
	size_t n = 1, k = 1;

	for (size_t i = 0; i < t->len; i++)
		n += t->buf[i] == '\n';
	*out = xcalloc(n + 1, sizeof(**out));
	for (size_t i = 0; i < t->len; i++)
		if (t->buf[i] == '\n')
			(*out)[k++] = i + 1;
	(*out)[n] = t->len;
	return n;
}

/* old and new have the same lines, except those whose number is in skip. */
static void same_lines_except(const struct strbuf *old, const struct strbuf *new,
			      const unsigned *skip, size_t nskip)
{
	size_t *a = NULL, *b = NULL;
	size_t na = split_lines(old, &a), nb = split_lines(new, &b);

	check(na == nb, "set changed the number of lines");
	for (size_t i = 0; i < na; i++) {
		int skipped = 0;

		for (size_t k = 0; k < nskip; k++)
			skipped |= skip[k] == i + 1;
		if (!skipped)
			check(a[i + 1] - a[i] == b[i + 1] - b[i] &&
				      !memcmp(old->buf + a[i], new->buf + b[i], a[i + 1] - a[i]),
			      "set changed another line");
	}
	free(a);
	free(b);
}

static size_t count_entry(const struct niminfo *f, const char *entry)
{
	struct strvec hosts = STRVEC_INIT;
	size_t n = 0;

	niminfo_hosts(f, &hosts);
	for (size_t i = 0; i < hosts.nr; i++)
		n += !strcmp(hosts.v[i], entry);
	strvec_clear(&hosts);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char root[] = "extnfs1:/install/nim/root/71Bcosi_root/cn001";
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT, before = STRBUF_INIT;
	unsigned *lines = NULL;
	size_t nlines = 0;
	int r;

	if (niminfo_parse((const char *)data, size, "fuzz.info", &f, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.info' line "), "error without file and line");
		check(!f.nr && !f.vars && !f.text.len, "file not empty after an error");
		goto cleanup;
	}
	niminfo_write(&f, &out);
	check(out.len == size && (!size || !memcmp(out.buf, data, size)), "round trip differs");
	check_file(&f);

	/* ROOT */
	for (size_t i = 0; i < f.nr; i++) {
		if (strcmp(f.vars[i].name, "ROOT"))
			continue;
		lines = xrealloc(lines, st_mult(nlines + 1, sizeof(*lines)));
		lines[nlines++] = f.vars[i].line;
	}
	niminfo_write(&f, &before);
	r = niminfo_set(&f, "ROOT", root, &e);
	if (r < 0) {
		fprintf(stderr, "fuzz-niminfo: set failed: %s\n", e.msg.buf);
		abort();
	}
	check_file(&f);
	check(!strcmp(niminfo_get(&f, "ROOT"), root), "ROOT not read back");
	if (nlines)
		same_lines_except(&before, &f.text, lines, nlines);
	else
		check(r == 1 && f.text.len > before.len &&
			      !memcmp(f.text.buf, before.buf, before.len),
		      "appending ROOT changed old bytes");
	strbuf_reset(&before);
	niminfo_write(&f, &before);
	check(niminfo_set(&f, "ROOT", root, &e) == 0 && same(&before, &f.text),
	      "second set changed something");

	/* NIM_HOSTS */
	r = niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e);
	if (r < 0) {
		check(strstr(e.msg.buf, ": it has '") || strstr(e.msg.buf, " in the value"),
		      "hosts_add failed for no reason");
		check(same(&before, &f.text), "failed hosts_add changed the bytes");
	} else {
		check_file(&f);
		check(niminfo_hosts_has(&f, "10.0.0.20", "extnfs1"), "entry not found after adding");
		strbuf_reset(&before);
		niminfo_write(&f, &before);
		check(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e) == 0 && same(&before, &f.text),
		      "second add changed something");
		if (r == 1) {
			check(count_entry(&f, "10.0.0.20:extnfs1") == 1, "entry not there once");
			r = niminfo_hosts_remove(&f, "10.0.0.20", "extnfs1", &e);
			check(r == 1, "remove did not remove one entry");
			check_file(&f);
			check(!niminfo_hosts_has(&f, "10.0.0.20", "extnfs1"), "entry still there");
		}
	}

	r = niminfo_unset(&f, "ROOT", &e);
	check(r >= 1, "unset ROOT failed");
	check_file(&f);
	check(niminfo_get(&f, "ROOT") == NULL, "ROOT still set");
cleanup:
	free(lines);
	niminfo_release(&f);
	strbuf_release(&out);
	strbuf_release(&before);
	err_release(&e);
	return 0;
}
