/*
 * stanza.c: reads and edits AIX stanza files (/etc/filesystems style).
 *
 * AIX keeps file system definitions, and NIM keeps each diskless client's
 * copy of them, as stanzas: a header "name:" at the start of a line, then
 * indented "attribute = value" lines, padded with tabs so that the '='
 * signs line up, comments starting with '*'. extnfs edits these files on
 * the service nodes (nodename of "/:" and "/usr:", a "/proc:" stanza) and
 * must leave every other byte alone: administrators diff them, and NIM
 * rewrites them with its own layout.
 *
 * So the bytes are the model. The parser records where each header,
 * attribute line and value sits; an edit splices new bytes in at those
 * positions, and the result is parsed again before it replaces the old
 * text, so an edit either yields a well-formed file or changes nothing.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/stanza.h"
#include "util/util.h"
#include "util/banned.h"

const struct stanza_kv stanza_aix_proc[STANZA_AIX_PROC_NR] = {
    {"dev", "/proc", false},   {"vol", "/proc", true},	 {"mount", "true", false},
    {"check", "false", false}, {"free", "false", false}, {"vfs", "procfs", false},
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

struct stanza_parser {
	const char *buf;
	size_t len;
	const char *name;
	unsigned line;
	struct err *e;
};

__attribute__((format(printf, 2, 3))) static int fail(struct stanza_parser *P, const char *fmt, ...)
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

/* A printable rendering of n bytes at p, for messages. */
static const char *shown(struct strbuf *sb, const char *p, size_t n)
{
	strbuf_reset(sb);
	if (n > 64) {
		strbuf_addquoted(sb, p, 64);
		strbuf_addstr(sb, "...");
	} else {
		strbuf_addquoted(sb, p, n);
	}
	return sb->buf;
}

static void free_stanzas(struct stanza *s, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		for (size_t j = 0; j < s[i].nr; j++) {
			free(s[i].attrs[j].name);
			free(s[i].attrs[j].value);
		}
		free(s[i].attrs);
		free(s[i].name);
	}
	free(s);
}

/*
 * Parses f->text into f->stanzas (which must be empty). Returns 0 or -1
 * with e set; on error the stanzas parsed so far are freed.
 */
static int parse_text(struct stanza_file *f, struct err *e)
{
	struct stanza_parser P = {f->text.buf, f->text.len, f->name ? f->name : "", 0, e};
	struct strbuf q = STRBUF_INIT;
	const char *buf = f->text.buf;
	size_t off = 0, len = f->text.len;
	int ret = -1;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t le = nl ? (size_t)(nl - buf) : len, next = nl ? le + 1 : len;
		size_t s = off, t = le;
		const char *nul, *eq;

		P.line++;
		nul = memchr(buf + off, '\0', le - off);
		if (nul) {
			err_set(e, "cannot read '%s' line %u column %zu: NUL byte", P.name, P.line,
				(size_t)(nul - (buf + off)) + 1);
			goto cleanup;
		}
		while (s < t && is_blank(buf[s]))
			s++;
		while (t > s && is_blank(buf[t - 1]))
			t--;
		if (s == t || buf[s] == '*' || buf[s] == '#') {
			off = next;
			continue;
		}
		eq = memchr(buf + s, '=', t - s);
		if (eq) {
			size_t ne = (size_t)(eq - buf), vs = ne + 1, ve = t;
			struct stanza *st;
			struct stanza_attr *a;

			while (ne > s && is_blank(buf[ne - 1]))
				ne--;
			if (ne == s) {
				fail(&P, "empty attribute name before '='");
				goto cleanup;
			}
			for (size_t i = s; i < ne; i++) {
				if (is_blank(buf[i])) {
					fail(&P, "blank inside the attribute name '%s'",
					     shown(&q, buf + s, ne - s));
					goto cleanup;
				}
			}
			if (!f->nr) {
				fail(&P, "attribute '%s' before any stanza header 'name:'",
				     shown(&q, buf + s, ne - s));
				goto cleanup;
			}
			while (vs < ve && is_blank(buf[vs]))
				vs++;
			st = &f->stanzas[f->nr - 1];
			ALLOC_GROW(st->attrs, st->nr + 1, st->alloc);
			a = &st->attrs[st->nr++];
			a->name = xstrndup(buf + s, ne - s);
			a->quoted = ve - vs >= 2 && buf[vs] == '"' && buf[ve - 1] == '"';
			if (a->quoted)
				a->value = xstrndup(buf + vs + 1, ve - vs - 2);
			else
				a->value = xstrndup(buf + vs, ve - vs);
			a->line = P.line;
			a->line_off = off;
			a->line_next = next;
			a->value_off = vs;
			a->value_len = ve - vs;
			st->end = next;
		} else if (buf[t - 1] == ':') {
			size_t ne = t - 1;
			struct stanza *st;

			while (ne > s && is_blank(buf[ne - 1]))
				ne--;
			if (ne == s) {
				fail(&P, "empty stanza name before ':'");
				goto cleanup;
			}
			ALLOC_GROW(f->stanzas, f->nr + 1, f->alloc);
			st = &f->stanzas[f->nr++];
			memset(st, 0, sizeof(*st));
			st->name = xstrndup(buf + s, ne - s);
			st->line = P.line;
			st->line_off = off;
			st->line_next = next;
			st->end = next;
		} else {
			fail(&P,
			     "expected a stanza header 'name:' or 'attribute = value', got '%s'",
			     shown(&q, buf + s, t - s));
			goto cleanup;
		}
		off = next;
	}
	ret = 0;
cleanup:
	if (ret < 0) {
		free_stanzas(f->stanzas, f->nr);
		f->stanzas = NULL;
		f->nr = f->alloc = 0;
	}
	strbuf_release(&q);
	return ret;
}

int stanza_parse(const char *buf, size_t len, const char *name, struct stanza_file *out,
		 struct err *e)
{
	struct stanza_file f = STANZA_FILE_INIT;

	*out = f;
	f.name = xstrdup(name ? name : "");
	strbuf_add(&f.text, buf, len);
	if (parse_text(&f, e) < 0) {
		stanza_file_release(&f);
		return -1;
	}
	*out = f;
	return 0;
}

void stanza_write(const struct stanza_file *f, struct strbuf *out)
{
	strbuf_add(out, f->text.buf, f->text.len);
}

void stanza_file_release(struct stanza_file *f)
{
	free_stanzas(f->stanzas, f->nr);
	free(f->name);
	strbuf_release(&f->text);
	f->name = NULL;
	f->stanzas = NULL;
	f->nr = f->alloc = 0;
}

const struct stanza *stanza_find(const struct stanza_file *f, const char *name)
{
	for (size_t i = 0; i < f->nr; i++)
		if (!strcmp(f->stanzas[i].name, name))
			return &f->stanzas[i];
	return NULL;
}

static const struct stanza_attr *find_attr(const struct stanza *s, const char *attr)
{
	for (size_t i = 0; s && i < s->nr; i++)
		if (!strcmp(s->attrs[i].name, attr))
			return &s->attrs[i];
	return NULL;
}

const char *stanza_get(const struct stanza_file *f, const char *stanza, const char *attr)
{
	const struct stanza_attr *a = find_attr(stanza_find(f, stanza), attr);

	return a ? a->value : NULL;
}

/* --- editing --- */

static const char *fname(const struct stanza_file *f)
{
	return f->name ? f->name : "";
}

static int bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Whether value can be written; sets e and returns -1 if not. */
static int check_value(const struct stanza_file *f, const char *attr, const char *value,
		       struct err *e)
{
	for (const char *p = value; *p; p++) {
		if (bad_byte((unsigned char)*p) || *p == '"') {
			struct strbuf q = STRBUF_INIT;
			strbuf_addquoted(&q, value, strlen(value));
			err_set(e, "cannot write '%s' = '%s' in '%s': %s in the value", attr, q.buf,
				fname(f), *p == '"' ? "a double quote" : "a control character");
			strbuf_release(&q);
			return -1;
		}
	}
	return 0;
}

static int check_attr_name(const struct stanza_file *f, const char *attr, struct err *e)
{
	struct strbuf q = STRBUF_INIT;
	const char *why = NULL;

	if (!*attr)
		why = "empty attribute name";
	else if (*attr == '*' || *attr == '#')
		why = "an attribute name cannot start with '*' or '#'";
	for (const char *p = attr; !why && *p; p++)
		if (bad_byte((unsigned char)*p) || is_blank(*p) || *p == '=' || *p == '"')
			why = "blank, '=', '\"' or control character in the attribute name";
	if (!why)
		return 0;
	strbuf_addquoted(&q, attr, strlen(attr));
	err_set(e, "cannot write attribute '%s' in '%s': %s", q.buf, fname(f), why);
	strbuf_release(&q);
	return -1;
}

static int check_stanza_name(const struct stanza_file *f, const char *name, struct err *e)
{
	struct strbuf q = STRBUF_INIT;
	size_t n = strlen(name);
	const char *why = NULL;

	if (!n)
		why = "empty stanza name";
	else if (*name == '*' || *name == '#')
		why = "a stanza name cannot start with '*' or '#'";
	else if (is_blank(name[0]) || is_blank(name[n - 1]))
		why = "blank around the stanza name";
	for (const char *p = name; !why && *p; p++)
		if (bad_byte((unsigned char)*p) || *p == '=')
			why = "'=' or control character in the stanza name";
	if (!why)
		return 0;
	strbuf_addquoted(&q, name, n);
	err_set(e, "cannot write stanza '%s' in '%s': %s", q.buf, fname(f), why);
	strbuf_release(&q);
	return -1;
}

/* Appends value as it is written: quoted when forced, empty or blank. */
static void render_value(struct strbuf *out, const char *value, bool quote)
{
	if (!quote && *value)
		for (const char *p = value; *p; p++)
			if (is_blank(*p))
				quote = true;
	if (!*value)
		quote = true;
	if (quote)
		strbuf_addch(out, '"');
	strbuf_addstr(out, value);
	if (quote)
		strbuf_addch(out, '"');
}

/*
 * Replaces del bytes at off with ins and parses the result; on success the
 * file takes the new text, otherwise it keeps the old one and e says why.
 */
static int splice(struct stanza_file *f, size_t off, size_t del, const char *ins, size_t ins_len,
		  struct err *e)
{
	struct stanza_file n = STANZA_FILE_INIT;
	struct err pe = ERR_INIT;

	n.name = f->name;
	strbuf_splice(&n.text, &f->text, off, del, ins, ins_len);
	if (parse_text(&n, &pe) < 0) {
		err_set(e, "cannot edit '%s': the result would not parse: %s", fname(f),
			pe.msg.buf);
		strbuf_release(&n.text);
		err_release(&pe);
		return -1;
	}
	free_stanzas(f->stanzas, f->nr);
	strbuf_release(&f->text);
	f->text = n.text;
	f->stanzas = n.stanzas;
	f->nr = n.nr;
	f->alloc = n.alloc;
	err_release(&pe);
	return 0;
}

/* The display column after the bytes [from, to) of a line, tabs every 8. */
static size_t column(const char *from, const char *to, size_t col)
{
	for (; from < to; from++)
		col = *from == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/* How attribute lines of a file are laid out. */
struct line_style {
	struct strbuf indent;	/* blanks before the name */
	size_t eq_col;		/* column of the '=' */
	bool pad_tabs;		/* padding before '=' made of tabs */
	bool pad_min;		/* at least one padding byte */
	struct strbuf after_eq; /* bytes between '=' and the value */
	const char *eol;
};

static void style_release(struct line_style *st)
{
	strbuf_release(&st->indent);
	strbuf_release(&st->after_eq);
}

/* The file's line end: that of its first line, "\n" if it has none. */
static const char *file_eol(const struct stanza_file *f)
{
	const char *nl = memchr(f->text.buf, '\n', f->text.len);

	return nl && nl > f->text.buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/*
 * The style of template attribute line a (of f), or AIX's (tab, name, tabs
 * to column 24, "= ") when a is NULL.
 */
static void style_from(const struct stanza_file *f, const struct stanza_attr *a,
		       struct line_style *st)
{
	const char *buf = f->text.buf, *ls, *ns, *ne, *eq;

	strbuf_init(&st->indent, 0);
	strbuf_init(&st->after_eq, 0);
	st->eol = file_eol(f);
	if (!a) {
		strbuf_addch(&st->indent, '\t');
		st->eq_col = 24;
		st->pad_tabs = true;
		st->pad_min = true;
		strbuf_addch(&st->after_eq, ' ');
		return;
	}
	ls = buf + a->line_off;
	ns = ls;
	while (is_blank(*ns))
		ns++;
	ne = ns + strlen(a->name);
	eq = memchr(ne, '=', (size_t)(buf + a->value_off - ne));
	if (!eq)
		die_bug("stanza attribute line without '='");
	strbuf_add(&st->indent, ls, (size_t)(ns - ls));
	st->eq_col = column(ls, eq, 0);
	st->pad_tabs = memchr(ne, '\t', (size_t)(eq - ne)) != NULL;
	st->pad_min = eq > ne;
	strbuf_add(&st->after_eq, eq + 1, (size_t)(buf + a->value_off - (eq + 1)));
	if (a->line_next > a->line_off && buf[a->line_next - 1] == '\n')
		st->eol = a->line_next - a->line_off >= 2 && buf[a->line_next - 2] == '\r' ? "\r\n"
											   : "\n";
}

/* Appends "<indent>name<pad>=<after>value" (no line end). */
static void render_line(const struct line_style *st, const char *name, const char *value,
			bool quote, struct strbuf *out)
{
	size_t start = out->len, col;
	bool padded = false;

	strbuf_add(out, st->indent.buf, st->indent.len);
	strbuf_addstr(out, name);
	col = column(out->buf + start, out->buf + out->len, 0);
	while (col < st->eq_col || (st->pad_min && !padded)) {
		if (st->pad_tabs) {
			strbuf_addch(out, '\t');
			col = (col / 8 + 1) * 8;
		} else {
			strbuf_addch(out, ' ');
			col++;
		}
		padded = true;
	}
	strbuf_addch(out, '=');
	strbuf_add(out, st->after_eq.buf, st->after_eq.len);
	render_value(out, value, quote);
}

/* The first attribute line of stanza s, else of the file, else NULL. */
static const struct stanza_attr *template_attr(const struct stanza_file *f, const struct stanza *s)
{
	if (s && s->nr)
		return &s->attrs[0];
	for (size_t i = 0; i < f->nr; i++)
		if (f->stanzas[i].nr)
			return &f->stanzas[i].attrs[0];
	return NULL;
}

static long stanza_index(const struct stanza_file *f, const char *name)
{
	for (size_t i = 0; i < f->nr; i++)
		if (!strcmp(f->stanzas[i].name, name))
			return (long)i;
	return -1;
}

/* Adds the line without looking for an existing one; 1 or -1. */
static int insert_attr(struct stanza_file *f, size_t si, const char *attr, const char *value,
		       bool quote, struct err *e)
{
	const struct stanza *s = &f->stanzas[si];
	struct line_style st;
	struct strbuf line = STRBUF_INIT;
	size_t at = s->end;
	int ret;

	style_from(f, template_attr(f, s), &st);
	if (at > 0 && f->text.buf[at - 1] != '\n') {
		/* the stanza's last line is the file's, without a line end */
		strbuf_addstr(&line, st.eol);
		render_line(&st, attr, value, quote, &line);
	} else {
		render_line(&st, attr, value, quote, &line);
		strbuf_addstr(&line, st.eol);
	}
	ret = splice(f, at, 0, line.buf, line.len, e) < 0 ? -1 : 1;
	strbuf_release(&line);
	style_release(&st);
	return ret;
}

int stanza_set(struct stanza_file *f, const char *stanza, const char *attr, const char *value,
	       struct err *e)
{
	int changed = 0;
	long si;

	if (check_attr_name(f, attr, e) < 0 || check_value(f, attr, value, e) < 0)
		return -1;
	si = stanza_index(f, stanza);
	if (si < 0)
		return err_set(e, "cannot set '%s' in '%s': no stanza '%s:'", attr, fname(f),
			       stanza);
	for (;;) {
		const struct stanza *s = &f->stanzas[si];
		const struct stanza_attr *a = NULL;
		struct strbuf v = STRBUF_INIT;
		bool seen = false;
		int r;

		for (size_t i = 0; i < s->nr; i++) {
			if (strcmp(s->attrs[i].name, attr))
				continue;
			seen = true;
			if (strcmp(s->attrs[i].value, value)) {
				a = &s->attrs[i];
				break;
			}
		}
		if (!a) {
			if (seen)
				return changed;
			return insert_attr(f, (size_t)si, attr, value, false, e);
		}
		render_value(&v, value, a->quoted);
		r = splice(f, a->value_off, a->value_len, v.buf, v.len, e);
		strbuf_release(&v);
		if (r < 0)
			return -1;
		changed = 1;
	}
}

int stanza_add_attr(struct stanza_file *f, const char *stanza, const char *attr, const char *value,
		    struct err *e)
{
	const struct stanza_attr *a;
	long si;

	if (check_attr_name(f, attr, e) < 0 || check_value(f, attr, value, e) < 0)
		return -1;
	si = stanza_index(f, stanza);
	if (si < 0)
		return err_set(e, "cannot add '%s' to '%s': no stanza '%s:'", attr, fname(f),
			       stanza);
	a = find_attr(&f->stanzas[si], attr);
	if (a) {
		if (!strcmp(a->value, value))
			return 0;
		return err_set(
		    e, "cannot add '%s = %s' to stanza '%s:' of '%s' line %u: it has '%s = %s'",
		    attr, value, stanza, fname(f), a->line, attr, a->value);
	}
	return insert_attr(f, (size_t)si, attr, value, false, e);
}

/* Whether the line ending at the '\n' at nl (of text [buf, nl]) is blank. */
static bool last_line_blank(const char *buf, const char *nl)
{
	const char *p = nl;

	while (p > buf && p[-1] != '\n') {
		if (!is_blank(p[-1]))
			return false;
		p--;
	}
	return true;
}

int stanza_add(struct stanza_file *f, const char *name, const struct stanza_kv *kv, size_t n,
	       struct err *e)
{
	struct line_style st;
	struct strbuf add = STRBUF_INIT;
	int ret = -1;

	if (check_stanza_name(f, name, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (check_attr_name(f, kv[i].name, e) < 0 ||
		    check_value(f, kv[i].name, kv[i].value, e) < 0)
			return -1;
	if (stanza_find(f, name))
		return 0;
	style_from(f, template_attr(f, NULL), &st);
	if (f->text.len) {
		/* end the last line, then leave a blank line unless it is one */
		const char *end = f->text.buf + f->text.len;
		const char *nl = end[-1] == '\n' ? end - 1 : end;

		if (end[-1] != '\n')
			strbuf_addstr(&add, st.eol);
		if (!last_line_blank(f->text.buf, nl))
			strbuf_addstr(&add, st.eol);
	}
	strbuf_addstr(&add, name);
	strbuf_addch(&add, ':');
	strbuf_addstr(&add, st.eol);
	for (size_t i = 0; i < n; i++) {
		render_line(&st, kv[i].name, kv[i].value, kv[i].quote, &add);
		strbuf_addstr(&add, st.eol);
	}
	if (splice(f, f->text.len, 0, add.buf, add.len, e) == 0)
		ret = 1;
	strbuf_release(&add);
	style_release(&st);
	return ret;
}

int stanza_del_attr(struct stanza_file *f, const char *stanza, const char *attr, struct err *e)
{
	int deleted = 0;
	long si = stanza_index(f, stanza);

	if (si < 0)
		return 0;
	for (;;) {
		const struct stanza_attr *a = find_attr(&f->stanzas[si], attr);
		size_t off, end;

		if (!a)
			return deleted;
		off = a->line_off;
		end = a->line_next;
		if ((end == off || f->text.buf[end - 1] != '\n') && off > 0) {
			/* the file's last line, without a line end: take the one before */
			off--;
			if (off > 0 && f->text.buf[off - 1] == '\r')
				off--;
		}
		if (splice(f, off, end - off, "", 0, e) < 0)
			return -1;
		deleted++;
	}
}

int stanza_del(struct stanza_file *f, const char *name, struct err *e)
{
	const struct stanza *s = stanza_find(f, name);
	const char *buf = f->text.buf;
	size_t off, end;

	if (!s)
		return 0;
	off = s->line_off;
	end = s->end;
	if (end == f->text.len && off > 0) {
		/* the blank line stanza_add() put before it, if there is one */
		size_t p = off - 1; /* the '\n' ending the line before */
		size_t ls = p;

		while (ls > 0 && buf[ls - 1] != '\n')
			ls--;
		if (ls > 0 && (p == ls || (p == ls + 1 && buf[ls] == '\r')))
			off = ls;
	}
	return splice(f, off, end - off, "", 0, e) < 0 ? -1 : 1;
}
