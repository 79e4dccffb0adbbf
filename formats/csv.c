/*
 * csv.c: reads and writes xCAT tabdump CSV files.
 *
 * What xCAT does, and so what we accept (tabutils.pm, output_table() and
 * tabrestore()):
 *  - the first line is "#" and the column names joined by ","; the names
 *    are never quoted;
 *  - a defined value is written as '"' value '"' with every '"' doubled, an
 *    undefined (NULL) value as nothing at all, so ",," is NULL and ",""," the
 *    empty string;
 *  - tabrestore also takes unquoted values (everything up to the next ',',
 *    blanks included) but rejects a quote inside one, and anything but ','
 *    or the end of the line after a closing quote;
 *  - tabrestore strips trailing white space from each line, so blanks after
 *    the last field (and a CR before the LF) are not part of any value;
 *  - a quoted value may run over several lines.
 * We differ on purpose in three places: a row must have exactly as many
 * fields as the header (tabrestore fills missing ones with NULL), blank
 * lines are skipped (tabrestore would try to store an all-NULL row), and the
 * bytes inside quotes are kept verbatim (tabrestore strips trailing blanks
 * from every physical line of a multi-line value, which loses data).
 *
 * The parser is one pass over the buffer. Each physical line is checked for
 * its length and for NUL bytes with memchr() before it is parsed, so a huge
 * line fails fast; unquoted values are copied straight from the input and
 * quoted ones through one reused scratch buffer.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"
#include "util/strmap.h"
#include "util/util.h"
#include "util/banned.h"

struct csv_parser {
	const char *name;
	const char *end;    /* end of the input */
	const char *ls;     /* start of the current physical line */
	const char *le;     /* its end: the '\n' or the end of the input */
	unsigned line;      /* its number, from 1 */
	struct strbuf val;  /* scratch for quoted values */
	char **fields;      /* the values of the row being read */
	size_t nfields, afields;
	struct err *e;
};

/* Blanks that tabrestore's s/\s+$// would strip at the end of a line. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct csv_parser *P, unsigned line, size_t col, const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	err_set(P->e, "cannot read '%s' line %u column %zu: %s", P->name, line, col, what.buf);
	strbuf_release(&what);
	return -1;
}

/* An error at position at of the current line. */
static int fail_here(struct csv_parser *P, const char *at, const char *what)
{
	return fail_at(P, P->line, (size_t)(at - P->ls) + 1, "%s", what);
}

/*
 * Makes the physical line starting at start current: finds its end, rejects
 * it if it is too long or holds a NUL byte. Returns 0 or -1.
 */
static int load_line(struct csv_parser *P, const char *start)
{
	size_t avail = (size_t)(P->end - start);
	size_t scan = avail > CSV_MAX_LINE ? (size_t)CSV_MAX_LINE + 1 : avail;
	const char *nl = memchr(start, '\n', scan);
	const char *nul;

	P->ls = start;
	P->line++;
	if (!nl && avail > CSV_MAX_LINE)
		return err_set(P->e, "cannot read '%s': line %u is longer than %d bytes",
			       P->name, P->line, CSV_MAX_LINE);
	P->le = nl ? nl : P->end;
	nul = memchr(start, '\0', (size_t)(P->le - start));
	if (nul)
		return fail_here(P, nul, "NUL byte");
	return 0;
}

static int line_is_blank(const struct csv_parser *P)
{
	for (const char *p = P->ls; p < P->le; p++)
		if (!is_blank(*p))
			return 0;
	return 1;
}

static void push_field(struct csv_parser *P, char *v)
{
	ALLOC_GROW(P->fields, P->nfields + 1, P->afields);
	P->fields[P->nfields++] = v;
}

static void clear_fields(struct csv_parser *P)
{
	for (size_t i = 0; i < P->nfields; i++)
		free(P->fields[i]);
	P->nfields = 0;
}

/* Parses "#a,b,c" on the current (first) line into t->header. */
static int parse_header(struct csv_parser *P, struct csv_table *t)
{
	struct strmap seen = STRMAP_INIT;
	const char *p, *q = P->le;
	int ret = -1;

	if (P->le - P->ls >= 3 && !memcmp(P->ls, "\xef\xbb\xbf", 3)) {
		fail_here(P, P->ls,
			  "byte order mark before the header line (save the file without one)");
		goto cleanup;
	}
	if (P->ls == P->le || *P->ls != '#') {
		fail_here(P, P->ls, "the first line must be the header '#column,column,...'");
		goto cleanup;
	}
	while (q > P->ls + 1 && is_blank(q[-1]))
		q--;
	for (p = P->ls + 1;; p++) {
		const char *c = p;

		while (c < q && *c != ',') {
			if (*c == '"') {
				fail_here(P, c,
					  "quote in the header line (column names are not quoted)");
				goto cleanup;
			}
			c++;
		}
		if (c == p) {
			fail_here(P, p, "empty column name in the header line");
			goto cleanup;
		}
		if (strmap_getn(&seen, p, (size_t)(c - p))) {
			struct strbuf q_name = STRBUF_INIT;
			strbuf_addquoted(&q_name, p, (size_t)(c - p));
			fail_at(P, P->line, (size_t)(p - P->ls) + 1,
				"column '%s' appears twice in the header line", q_name.buf);
			strbuf_release(&q_name);
			goto cleanup;
		}
		strvec_push_nodup(&t->header, xstrndup(p, (size_t)(c - p)));
		strmap_put(&seen, t->header.v[t->header.nr - 1], &seen);
		if (c == q)
			break;
		p = c;
	}
	ret = 0;
cleanup:
	strmap_clear(&seen);
	return ret;
}

/*
 * Reads one quoted value starting at the opening quote *pp, over as many
 * physical lines as it takes; leaves *pp after the closing quote.
 */
static int parse_quoted(struct csv_parser *P, const char **pp, char **out)
{
	unsigned open_line = P->line;
	size_t open_col = (size_t)(*pp - P->ls) + 1;
	const char *p = *pp + 1;

	strbuf_reset(&P->val);
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(P->le - p));

		if (!q) {
			strbuf_add(&P->val, p, (size_t)(P->le - p));
			if (P->le == P->end)
				return fail_at(P, open_line, open_col, "unterminated quote");
			strbuf_addch(&P->val, '\n');
			if (load_line(P, P->le + 1) < 0)
				return -1;
			p = P->ls;
			continue;
		}
		strbuf_add(&P->val, p, (size_t)(q - p));
		p = q + 1;
		if (p < P->le && *p == '"') {
			strbuf_addch(&P->val, '"');
			p++;
			continue;
		}
		break;
	}
	*out = xstrndup(P->val.buf, P->val.len);
	*pp = p;
	return 0;
}

/*
 * Reads the record that starts on the current line into P->fields, leaving
 * the last line it used current. Returns 0 or -1.
 */
static int parse_record(struct csv_parser *P)
{
	const char *p = P->ls;

	for (;;) {
		char *v = NULL;

		if (p < P->le && *p == '"') {
			if (parse_quoted(P, &p, &v) < 0)
				return -1;
			push_field(P, v);
			/* only ',' or blanks up to the end of the line may follow */
			if (p < P->le && *p != ',') {
				const char *b = p;

				while (b < P->le && is_blank(*b))
					b++;
				if (b < P->le)
					return fail_here(P, p, "unexpected character "
							       "after a closing quote");
				p = P->le;
			}
		} else {
			const char *q = p;
			size_t n;

			while (q < P->le && *q != ',' && *q != '"')
				q++;
			if (q < P->le && *q == '"')
				return fail_here(P, q, "quote inside an unquoted value");
			n = (size_t)(q - p);
			if (q == P->le)
				while (n && is_blank(p[n - 1]))
					n--;
			if (n)
				v = xstrndup(p, n);
			push_field(P, v);
			p = q;
		}
		if (p == P->le)
			return 0;
		p++; /* the ',' */
	}
}

int csv_parse(const char *buf, size_t len, const char *name, struct csv_table *out, struct err *e)
{
	struct csv_parser P = { 0 };
	struct csv_table t = CSV_TABLE_INIT;
	int ret = -1;

	P.name = name;
	P.val = (struct strbuf)STRBUF_INIT;
	P.e = e;
	*out = t;

	if (!len) {
		err_set(e, "cannot read '%s' line 1: empty file, expected the header line "
			   "'#column,...'", name);
		goto cleanup;
	}
	P.end = buf + len;
	if (load_line(&P, buf) < 0 || parse_header(&P, &t) < 0)
		goto cleanup;
	while (P.le < P.end && P.le + 1 < P.end) {
		unsigned start;

		if (load_line(&P, P.le + 1) < 0)
			goto cleanup;
		if (line_is_blank(&P))
			continue;
		start = P.line;
		if (parse_record(&P) < 0)
			goto cleanup;
		if (P.nfields != t.header.nr) {
			err_set(e, "cannot read '%s': line %u has %zu field%s, the header has %zu",
				name, start, P.nfields, P.nfields == 1 ? "" : "s", t.header.nr);
			goto cleanup;
		}
		ALLOC_GROW(t.rows, t.nr + 1, t.alloc);
		t.rows[t.nr].vals = xmalloc(st_mult(P.nfields, sizeof(char *)));
		memcpy(t.rows[t.nr].vals, P.fields, P.nfields * sizeof(char *));
		t.rows[t.nr].line = start;
		t.nr++;
		P.nfields = 0;
	}
	*out = t;
	t = (struct csv_table)CSV_TABLE_INIT;
	ret = 0;
cleanup:
	clear_fields(&P);
	free(P.fields);
	strbuf_release(&P.val);
	csv_table_release(&t);
	return ret;
}

void csv_table_release(struct csv_table *t)
{
	for (size_t i = 0; i < t->nr; i++) {
		for (size_t j = 0; j < t->header.nr; j++)
			free(t->rows[i].vals[j]);
		free(t->rows[i].vals);
	}
	free(t->rows);
	t->rows = NULL;
	t->nr = t->alloc = 0;
	strvec_clear(&t->header);
}

void csv_write_row(struct strbuf *out, const char *const *vals, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = vals[i], *q;

		if (i)
			strbuf_addch(out, ',');
		if (!v)
			continue;
		strbuf_addch(out, '"');
		while ((q = strchr(v, '"'))) {
			strbuf_add(out, v, (size_t)(q - v) + 1);
			strbuf_addch(out, '"');
			v = q + 1;
		}
		strbuf_addstr(out, v);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '\n');
}

void csv_write_header(struct strbuf *out, const char *const *cols, size_t n)
{
	strbuf_addch(out, '#');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, cols[i]);
	}
	strbuf_addch(out, '\n');
}
