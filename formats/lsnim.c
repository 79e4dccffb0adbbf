/*
 * lsnim.c: reads the output of AIX "lsnim -l" and "lsnim -Z".
 *
 * lsnim -l prints one stanza per NIM object:
 *
 *	71Bcosi:
 *	   class         = resources
 *	   location      = /install/nim/spot/71Bcosi/usr
 *
 * the name at the start of a line and ending in ':', then its attributes,
 * indented, "name = value", padded for alignment. An attribute may appear
 * several times (serves, info, if1...): all are kept, in order.
 *
 * lsnim -Z prints the same in the colon format that SMIT reads (AIX
 * "SMIT information command descriptors", cmd_to_discover): a header line
 * "#name:attr:attr:" then one line per object "obj:value:value:". Any field
 * may be empty, a ':' inside a value is written "#!:", and lsnim ends every
 * line with one ':'. With several objects lsnim may repeat the header line
 * before each one, so every '#' line starts a new header.
 *
 * Both are line formats: each line is looked at once, with a cursor.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/lsnim.h"
#include "util/strvec.h"
#include "util/util.h"
#include "util/banned.h"

struct nim_parser {
	const char *name;
	const char *end; /* end of the input */
	const char *ls;  /* start of the current line */
	const char *le;  /* its end without trailing blanks */
	const char *nl;  /* its '\n', or the end of the input */
	unsigned line;   /* its number, from 1 */
	struct err *e;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

__attribute__((format(printf, 2, 3)))
static int fail(struct nim_parser *P, const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	err_set(P->e, "cannot read '%s' line %u: %s", P->name, P->line, what.buf);
	strbuf_release(&what);
	return -1;
}

/*
 * Moves to the next line. Returns 1 with the line current, 0 at the end of
 * the input, -1 if the line holds a NUL byte.
 */
static int next_line(struct nim_parser *P)
{
	const char *start = P->nl ? P->nl + 1 : P->ls;
	const char *nul;

	if (P->nl && P->nl == P->end)
		return 0;
	if (start == P->end)
		return 0;
	P->ls = start;
	P->line++;
	P->nl = memchr(start, '\n', (size_t)(P->end - start));
	if (!P->nl)
		P->nl = P->end;
	nul = memchr(start, '\0', (size_t)(P->nl - start));
	if (nul) {
		err_set(P->e, "cannot read '%s' line %u column %zu: NUL byte", P->name,
			P->line, (size_t)(nul - start) + 1);
		return -1;
	}
	P->le = P->nl;
	while (P->le > P->ls && is_blank(P->le[-1]))
		P->le--;
	return 1;
}

static struct nim_object *new_object(struct nim_list *l, char *name, unsigned line)
{
	struct nim_object *o;

	ALLOC_GROW(l->objs, l->nr + 1, l->alloc);
	o = &l->objs[l->nr++];
	o->name = name;
	o->attrs = NULL;
	o->nr = o->alloc = 0;
	o->line = line;
	return o;
}

static void add_attr(struct nim_object *o, char *name, char *value)
{
	ALLOC_GROW(o->attrs, o->nr + 1, o->alloc);
	o->attrs[o->nr].name = name;
	o->attrs[o->nr].value = value;
	o->nr++;
}

/* One line of lsnim -l: a "name:" header or an indented "attr = value". */
static int parse_stanza_line(struct nim_parser *P, struct nim_list *l)
{
	const char *p = P->ls, *eq, *ne;

	if (!is_blank(*p)) {
		if (*p == '#')
			return fail(P, "unexpected '#' line in lsnim -l output");
		if (P->le[-1] != ':')
			return fail(P, "expected an object header 'name:' or an indented "
				       "'attribute = value'");
		ne = P->le - 1;
		while (ne > p && is_blank(ne[-1]))
			ne--;
		if (ne == p)
			return fail(P, "empty object name");
		new_object(l, xstrndup(p, (size_t)(ne - p)), P->line);
		return 0;
	}
	if (!l->nr)
		return fail(P, "attribute line before any object header 'name:'");
	while (is_blank(*p))
		p++;
	eq = memchr(p, '=', (size_t)(P->le - p));
	if (!eq)
		return fail(P, "expected 'attribute = value' (no '=' in the line)");
	ne = eq;
	while (ne > p && is_blank(ne[-1]))
		ne--;
	if (ne == p)
		return fail(P, "empty attribute name before '='");
	for (const char *c = p; c < ne; c++) {
		if (is_blank(*c)) {
			struct strbuf q = STRBUF_INIT;
			strbuf_addquoted(&q, p, (size_t)(ne - p));
			fail(P, "blank inside the attribute name '%s'", q.buf);
			strbuf_release(&q);
			return -1;
		}
	}
	eq++;
	while (eq < P->le && is_blank(*eq))
		eq++;
	add_attr(&l->objs[l->nr - 1], xstrndup(p, (size_t)(ne - p)),
		 xstrndup(eq, (size_t)(P->le - eq)));
	return 0;
}

/*
 * Splits [p, e) at ':' into sv, turning "#!:" into ':' and trimming
 * trailing blanks from every field. One ':' ending the line is the
 * terminator lsnim writes, not an empty last field.
 */
static void split_colons(const char *p, const char *e, struct strvec *sv)
{
	struct strbuf f = STRBUF_INIT;

	if (e > p && e[-1] == ':' && !(e - p >= 3 && e[-3] == '#' && e[-2] == '!'))
		e--;
	for (;;) {
		if (p == e || *p == ':') {
			size_t n = f.len;
			while (n && is_blank(f.buf[n - 1]))
				n--;
			if (n != f.len)
				strbuf_setlen(&f, n);
			strvec_push_nodup(sv, strbuf_detach(&f, NULL));
			if (p == e)
				break;
			p++;
			continue;
		}
		if (e - p >= 3 && p[0] == '#' && p[1] == '!' && p[2] == ':') {
			strbuf_addch(&f, ':');
			p += 3;
			continue;
		}
		strbuf_addch(&f, *p++);
	}
	strbuf_release(&f);
}

/* One line of lsnim -Z: a "#name:..." header or an "obj:value:..." record. */
static int parse_colon_line(struct nim_parser *P, struct nim_list *l, struct strvec *hdr,
			    unsigned *hdr_line)
{
	struct strvec f = STRVEC_INIT;
	struct nim_object *o;
	int ret = -1;

	if (*P->ls == '#') {
		split_colons(P->ls + 1, P->le, &f);
		if (strcmp(f.v[0], "name")) {
			fail(P, "a header line must start with '#name:'");
			goto cleanup;
		}
		for (size_t i = 1; i < f.nr; i++)
			if (!*f.v[i]) {
				fail(P, "empty attribute name in field %zu of the header", i + 1);
				goto cleanup;
			}
		strvec_clear(hdr);
		*hdr = f;
		f = (struct strvec)STRVEC_INIT;
		*hdr_line = P->line;
		ret = 0;
		goto cleanup;
	}
	split_colons(P->ls, P->le, &f);
	if (f.nr != hdr->nr) {
		fail(P, "line %u has %zu field%s, the header on line %u has %zu", P->line, f.nr,
		     f.nr == 1 ? "" : "s", *hdr_line, hdr->nr);
		goto cleanup;
	}
	if (!*f.v[0]) {
		fail(P, "empty object name");
		goto cleanup;
	}
	o = new_object(l, f.v[0], P->line);
	f.v[0] = NULL;
	for (size_t i = 1; i < f.nr; i++) {
		if (!*f.v[i])
			continue;
		add_attr(o, xstrdup(hdr->v[i]), f.v[i]);
		f.v[i] = NULL;
	}
	ret = 0;
cleanup:
	strvec_clear(&f); /* free(NULL) for the values handed over */
	return ret;
}

/* Whether the line is a -Z header: "#name" then ':' or the end. */
static int is_colon_header(const struct nim_parser *P)
{
	size_t n = (size_t)(P->le - P->ls);

	return n >= 5 && !memcmp(P->ls, "#name", 5) && (n == 5 || P->ls[5] == ':');
}

int lsnim_parse(const char *buf, size_t len, const char *name, struct nim_list *out, struct err *e)
{
	struct nim_parser P = { 0 };
	struct nim_list l = NIM_LIST_INIT;
	struct strvec hdr = STRVEC_INIT;
	unsigned hdr_line = 0;
	int colon = -1; /* -1: not known yet, 0: lsnim -l, 1: lsnim -Z */
	int ret = -1, r;

	P.name = name;
	P.ls = buf;
	P.e = e;
	*out = l;
	if (!len)
		return 0; /* and buf may be NULL */
	P.end = buf + len;

	while ((r = next_line(&P)) > 0) {
		if (P.le == P.ls)
			continue;
		if (colon < 0)
			colon = is_colon_header(&P);
		if (colon ? parse_colon_line(&P, &l, &hdr, &hdr_line)
			  : parse_stanza_line(&P, &l))
			goto cleanup;
	}
	if (r < 0)
		goto cleanup;
	*out = l;
	l = (struct nim_list)NIM_LIST_INIT;
	ret = 0;
cleanup:
	strvec_clear(&hdr);
	nim_list_release(&l);
	return ret;
}

const char *nim_object_get(const struct nim_object *o, const char *attr)
{
	for (size_t i = 0; i < o->nr; i++)
		if (!strcmp(o->attrs[i].name, attr))
			return o->attrs[i].value;
	return NULL;
}

void nim_list_release(struct nim_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		struct nim_object *o = &l->objs[i];

		for (size_t j = 0; j < o->nr; j++) {
			free(o->attrs[j].name);
			free(o->attrs[j].value);
		}
		free(o->attrs);
		free(o->name);
	}
	free(l->objs);
	l->objs = NULL;
	l->nr = l->alloc = 0;
}
