/*
 * ganesha.c: writes NFS-Ganesha EXPORT blocks and reads them back.
 *
 * The external NFS server of the HA setups extnfs targets (Spectrum Scale
 * CES, a plain Linux box) is often NFS-Ganesha. extnfs owns one file of
 * EXPORT blocks there (an %include of the main ganesha.conf): it writes it
 * from the plan, and reads it back both to verify what was applied and to
 * recover the Export_Id each path was given, because an Export_Id must
 * never change while clients have the export mounted.
 *
 * The writer is strict: Ganesha's lexer (src/config_parsing/conf_lex.l)
 * gives a bare word a type by its shape (an IPv4 address, a path, a
 * token...) and its export code (src/support/exports.c, add_client())
 * takes a client's kind from that type, so a host is written bare only
 * when it lexes as the intended kind, and paths are always double-quoted
 * and refused when they hold anything a quoted string cannot carry as is.
 *
 * The reader follows the grammar of conf_yacc.y (statements
 * "name = term, ...;", blocks "name { ... }", '#' comments, quoted strings,
 * %include lines) into a small tree, then reads the EXPORT blocks from it.
 * It does not follow %include: the caller decides what to read.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/ganesha.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/util.h"
#include "util/banned.h"

#define MAX_DEPTH	 32
#define MAX_PATH_LEN	 4095
#define CLIENTS_PER_LINE 8

static const struct {
	const char *name;
	enum ganesha_access access;
} access_names[] = {
    {"None", GANESHA_ACCESS_NONE},
    {"RO", GANESHA_ACCESS_RO},
    {"RW", GANESHA_ACCESS_RW},
    {"MDONLY", GANESHA_ACCESS_MDONLY},
    {"MDONLY_RO", GANESHA_ACCESS_MDONLY_RO},
};

/* The first spelling of each value is the one written. */
static const struct {
	const char *name;
	enum ganesha_squash squash;
} squash_names[] = {
    {"No_Root_Squash", GANESHA_SQUASH_NONE},
    {"None", GANESHA_SQUASH_NONE},
    {"NoIdSquash", GANESHA_SQUASH_NONE},
    {"Root_Squash", GANESHA_SQUASH_ROOT},
    {"Root", GANESHA_SQUASH_ROOT},
    {"RootSquash", GANESHA_SQUASH_ROOT},
    {"Root_Id_Squash", GANESHA_SQUASH_ROOT_ID},
    {"RootId", GANESHA_SQUASH_ROOT_ID},
    {"RootIdSquash", GANESHA_SQUASH_ROOT_ID},
    {"All_Squash", GANESHA_SQUASH_ALL},
    {"All", GANESHA_SQUASH_ALL},
    {"AllSquash", GANESHA_SQUASH_ALL},
    {"All_Anonymous", GANESHA_SQUASH_ALL},
    {"AllAnonymous", GANESHA_SQUASH_ALL},
};

static const char *const protocol_names[] = {"3",  "4",	    "NFS3",  "NFS4", "V3",
					     "V4", "NFSv3", "NFSv4", "9P",   NULL};
static const char *const transport_names[] = {"UDP", "TCP", "RDMA", NULL};
static const char *const sectype_names[] = {"none", "sys", "krb5", "krb5i", "krb5p", NULL};

const char *ganesha_access_name(enum ganesha_access a)
{
	for (size_t i = 0; i < sizeof(access_names) / sizeof(access_names[0]); i++)
		if (access_names[i].access == a)
			return access_names[i].name;
	return NULL;
}

const char *ganesha_squash_name(enum ganesha_squash s)
{
	for (size_t i = 0; i < sizeof(squash_names) / sizeof(squash_names[0]); i++)
		if (squash_names[i].squash == s)
			return squash_names[i].name;
	return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcasecmp(*list, s))
			return true;
	return false;
}

static int is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* --- the in-memory description --- */

void ganesha_export_init(struct ganesha_export *x, unsigned id, const char *path)
{
	struct ganesha_export init = GANESHA_EXPORT_INIT;

	*x = init;
	x->id = id;
	x->path = xstrdup(path);
	x->pseudo = xstrdup(path);
	x->access = GANESHA_ACCESS_NONE;
	x->squash = GANESHA_SQUASH_ROOT;
	strvec_push(&x->protocols, "3");
	strvec_push(&x->protocols, "4");
	strvec_push(&x->transports, "TCP");
	strvec_push(&x->sectypes, "sys");
	x->fsal = xstrdup("VFS");
}

struct ganesha_client *ganesha_export_add_client(struct ganesha_export *x,
						 enum ganesha_access access,
						 enum ganesha_squash squash)
{
	struct ganesha_client *c;

	ALLOC_GROW(x->clients, x->nr + 1, x->alloc);
	c = &x->clients[x->nr++];
	strvec_init(&c->hosts);
	c->access = access;
	c->squash = squash;
	c->line = 0;
	return c;
}

void ganesha_export_release(struct ganesha_export *x)
{
	struct ganesha_export init = GANESHA_EXPORT_INIT;

	free(x->path);
	free(x->pseudo);
	free(x->fsal);
	strvec_clear(&x->protocols);
	strvec_clear(&x->transports);
	strvec_clear(&x->sectypes);
	for (size_t i = 0; i < x->nr; i++)
		strvec_clear(&x->clients[i].hosts);
	free(x->clients);
	*x = init;
}

/* --- writing --- */

bool ganesha_host_ok(const char *h)
{
	static const char *const booleans[] = {"yes", "no", "true", "false", "on", "off", NULL};
	unsigned char addr[16];
	const char *slash, *p;
	bool wild = false;

	if (!strcmp(h, "*"))
		return true;
	if (!strcmp(h, "0.0.0.0"))
		return false; /* Ganesha reads it as "*", not as one address */
	if (h[0] == '@') {
		if (!is_alpha(h[1]) && h[1] != '_')
			return false;
		for (p = h + 2; *p; p++)
			if (!is_alpha(*p) && !is_digit(*p) && !strchr("_.-", *p))
				return false;
		return true;
	}
	slash = strchr(h, '/');
	if (strchr(h, '.') || strchr(h, ':') || slash) {
		/* an address, with an optional /prefix */
		struct strbuf a = STRBUF_INIT;
		int fam = strchr(h, ':') ? AF_INET6 : AF_INET;
		bool ok;

		strbuf_add(&a, h, slash ? (size_t)(slash - h) : strlen(h));
		ok = inet_pton(fam, a.buf, addr) == 1;
		strbuf_release(&a);
		if (ok && slash) {
			unsigned long n = 0;
			const char *d = slash + 1;

			/*
			 * Ganesha 4.3 reads an IPv4 "/0" as a path and fails on an
			 * IPv6 "/0" or a 3-digit prefix: 1..32 and 1..99 only.
			 */
			ok = is_digit(*d) && d[0] != '0' && strlen(d) <= 2;
			for (; ok && *d; d++) {
				ok = is_digit(*d);
				n = n * 10 + (unsigned long)(*d - '0');
			}
			ok = ok && n >= 1 && n <= (fam == AF_INET6 ? 99UL : 32UL);
		}
		if (ok)
			return true;
		if (slash || strchr(h, ':'))
			return false;
		/* a dotted name: fall through */
	}
	for (p = h; *p; p++) {
		if (*p == '*' || (*p == '?' && p > h))
			wild = true;
		else if (!is_alpha(*p) && !is_digit(*p) && !strchr("_.-", *p))
			return false;
	}
	if (wild)
		return true;
	if (!is_alpha(h[0]) && h[0] != '_')
		return false;
	return !in_list(booleans, h);
}

/* Sets e and returns -1 if path cannot be written as a quoted string. */
static int check_path(const char *export, const char *what, const char *path, struct err *e)
{
	const char *why = NULL;

	if (!path || !*path)
		why = "is empty";
	else if (path[0] != '/')
		why = "is not absolute";
	else if (strlen(path) > MAX_PATH_LEN)
		why = "is too long";
	for (const char *p = path; !why && *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			why = "holds a control character";
		else if (strchr("\"'\\;{}", c))
			why = "holds a quote, '\\', ';', '{' or '}'";
	}
	if (!why)
		return 0;
	{
		struct strbuf q = STRBUF_INIT, p = STRBUF_INIT;

		strbuf_addquoted(&q, export ? export : "", export ? strlen(export) : 0);
		strbuf_addquoted(&p, path ? path : "", path ? strlen(path) : 0);
		err_set(e, "cannot write the Ganesha export of '%s': %s '%s' %s", q.buf, what,
			p.buf, why);
		strbuf_release(&q);
		strbuf_release(&p);
	}
	return -1;
}

__attribute__((format(printf, 3, 4))) static int export_error(const struct ganesha_export *x,
							      struct err *e, const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT, q = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	if (x->path)
		strbuf_addquoted(&q, x->path, strlen(x->path));
	err_set(e, "cannot write the Ganesha export of '%s': %s", q.buf, what.buf);
	strbuf_release(&what);
	strbuf_release(&q);
	return -1;
}

static int check_list(const struct ganesha_export *x, const char *what, const struct strvec *v,
		      const char *const *known, struct err *e)
{
	for (size_t i = 0; i < v->nr; i++) {
		if (!in_list(known, v->v[i])) {
			struct strbuf q = STRBUF_INIT;
			int r;

			strbuf_addquoted(&q, v->v[i], strlen(v->v[i]));
			r = export_error(x, e, "unknown %s '%s'", what, q.buf);
			strbuf_release(&q);
			return r;
		}
	}
	return 0;
}

static int check_export(const struct ganesha_export *x, struct err *e)
{
	struct strmap seen = STRMAP_INIT;
	int ret = -1;

	if (check_path(x->path, "Path", x->path, e) < 0)
		return -1;
	if (x->pseudo && check_path(x->path, "Pseudo", x->pseudo, e) < 0)
		return -1;
	if (x->id < 1 || x->id > 65535)
		return export_error(x, e, "Export_Id %u is not in 1..65535", x->id);
	if (x->access && !ganesha_access_name(x->access))
		return export_error(x, e, "bad Access_Type %d", (int)x->access);
	if (x->squash && !ganesha_squash_name(x->squash))
		return export_error(x, e, "bad Squash %d", (int)x->squash);
	if (check_list(x, "protocol", &x->protocols, protocol_names, e) < 0 ||
	    check_list(x, "transport", &x->transports, transport_names, e) < 0 ||
	    check_list(x, "security type", &x->sectypes, sectype_names, e) < 0)
		return -1;
	if (x->fsal) {
		const char *p = x->fsal;

		while (is_alpha(*p) || is_digit(*p) || *p == '_')
			p++;
		if (p == x->fsal || *p)
			return export_error(x, e, "bad FSAL name");
	}
	for (size_t i = 0; i < x->nr; i++) {
		const struct ganesha_client *c = &x->clients[i];

		if (!c->hosts.nr) {
			export_error(x, e, "CLIENT block %zu has no hosts", i + 1);
			goto cleanup;
		}
		if ((c->access && !ganesha_access_name(c->access)) ||
		    (c->squash && !ganesha_squash_name(c->squash))) {
			export_error(x, e, "CLIENT block %zu has a bad Access_Type or Squash",
				     i + 1);
			goto cleanup;
		}
		for (size_t j = 0; j < c->hosts.nr; j++) {
			const char *h = c->hosts.v[j];
			void *prev;

			if (!ganesha_host_ok(h)) {
				struct strbuf q = STRBUF_INIT;

				strbuf_addquoted(&q, h, strlen(h));
				export_error(x, e,
					     "client '%s' cannot be written as one Ganesha client "
					     "(use its address)",
					     q.buf);
				strbuf_release(&q);
				goto cleanup;
			}
			prev = strmap_put(&seen, h, (void *)(uintptr_t)(i + 1));
			if (prev) {
				export_error(x, e, "client '%s' is in CLIENT blocks %zu and %zu", h,
					     (size_t)(uintptr_t)prev, i + 1);
				goto cleanup;
			}
		}
	}
	ret = 0;
cleanup:
	strmap_clear(&seen);
	return ret;
}

static void write_list(struct strbuf *out, const char *indent, const char *key,
		       const struct strvec *v)
{
	strbuf_addf(out, "%s%s = ", indent, key);
	for (size_t i = 0; i < v->nr; i++) {
		if (i && i % CLIENTS_PER_LINE == 0)
			strbuf_addf(out, "\n%s\t", indent);
		else if (i)
			strbuf_addch(out, ' ');
		strbuf_addstr(out, v->v[i]);
		strbuf_addch(out, i + 1 < v->nr ? ',' : ';');
	}
	strbuf_addch(out, '\n');
}

static void write_export(const struct ganesha_export *x, struct strbuf *out)
{
	strbuf_addstr(out, "EXPORT {\n");
	strbuf_addf(out, "\tExport_Id = %u;\n", x->id);
	strbuf_addf(out, "\tPath = \"%s\";\n", x->path);
	strbuf_addf(out, "\tPseudo = \"%s\";\n", x->pseudo ? x->pseudo : x->path);
	if (x->access)
		strbuf_addf(out, "\tAccess_Type = %s;\n", ganesha_access_name(x->access));
	if (x->squash)
		strbuf_addf(out, "\tSquash = %s;\n", ganesha_squash_name(x->squash));
	if (x->protocols.nr)
		write_list(out, "\t", "Protocols", &x->protocols);
	if (x->transports.nr)
		write_list(out, "\t", "Transports", &x->transports);
	if (x->sectypes.nr)
		write_list(out, "\t", "SecType", &x->sectypes);
	strbuf_addf(out, "\tFSAL {\n\t\tName = %s;\n\t}\n", x->fsal ? x->fsal : "VFS");
	for (size_t i = 0; i < x->nr; i++) {
		const struct ganesha_client *c = &x->clients[i];

		strbuf_addstr(out, "\tCLIENT {\n");
		write_list(out, "\t\t", "Clients", &c->hosts);
		if (c->access)
			strbuf_addf(out, "\t\tAccess_Type = %s;\n", ganesha_access_name(c->access));
		if (c->squash)
			strbuf_addf(out, "\t\tSquash = %s;\n", ganesha_squash_name(c->squash));
		strbuf_addstr(out, "\t}\n");
	}
	strbuf_addstr(out, "}\n");
}

int ganesha_write_export(const struct ganesha_export *x, struct strbuf *out, struct err *e)
{
	if (check_export(x, e) < 0)
		return -1;
	write_export(x, out);
	return 0;
}

int ganesha_write(const struct ganesha_export *x, size_t n, struct strbuf *out, struct err *e)
{
	struct strmap paths = STRMAP_INIT, pseudos = STRMAP_INIT;
	unsigned char *ids = xcalloc(65536, 1);
	int ret = -1;

	for (size_t i = 0; i < n; i++) {
		const char *pseudo = x[i].pseudo ? x[i].pseudo : x[i].path;

		if (check_export(&x[i], e) < 0)
			goto cleanup;
		if (ids[x[i].id]) {
			export_error(&x[i], e, "Export_Id %u is used by another export too",
				     x[i].id);
			goto cleanup;
		}
		ids[x[i].id] = 1;
		if (strmap_put(&paths, x[i].path, (void *)&x[i])) {
			export_error(&x[i], e, "the path is exported twice");
			goto cleanup;
		}
		if (strmap_put(&pseudos, pseudo, (void *)&x[i])) {
			export_error(&x[i], e, "Pseudo '%s' is used by another export too", pseudo);
			goto cleanup;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '\n');
		write_export(&x[i], out);
	}
	ret = 0;
cleanup:
	free(ids);
	strmap_clear(&paths);
	strmap_clear(&pseudos);
	return ret;
}

/* --- reading: the lexer --- */

enum tok { T_EOF, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_EQ, T_SEMI, T_COMMA };

struct lexer {
	const char *buf;
	size_t len, pos;
	unsigned line;	  /* of pos */
	const char *name; /* of the file */
	struct err *e;
	struct strbuf text; /* of the last T_WORD or T_STRING */
	unsigned tok_line;  /* line of the last token */
};

__attribute__((format(printf, 3, 4))) static int fail_at(struct lexer *L, unsigned line,
							 const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	err_set(L->e, "cannot read '%s' line %u: %s", L->name, line, what.buf);
	strbuf_release(&what);
	return -1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_char(char c)
{
	return !is_space(c) && !strchr("\n{}=;,#\"'", c);
}

/* Reads a quoted string (the quote at pos) into L->text. */
static int lex_string(struct lexer *L)
{
	char q = L->buf[L->pos++];

	while (L->pos < L->len) {
		char c = L->buf[L->pos++];

		if (c == q)
			return T_STRING;
		if (c == '\\' && q == '"' && L->pos < L->len)
			c = L->buf[L->pos++];
		if (c == '\n')
			L->line++;
		strbuf_addch(&L->text, c);
	}
	return fail_at(L, L->tok_line, "unterminated %s-quoted string",
		       q == '"' ? "double" : "single");
}

/* The next token, or -1 with e set. */
static int lex(struct lexer *L)
{
	strbuf_reset(&L->text);
	for (;;) {
		char c;

		if (L->pos >= L->len) {
			L->tok_line = L->line;
			return T_EOF;
		}
		c = L->buf[L->pos];
		if (c == '\n') {
			L->line++;
			L->pos++;
		} else if (is_space(c)) {
			L->pos++;
		} else if (c == '#') {
			while (L->pos < L->len && L->buf[L->pos] != '\n')
				L->pos++;
		} else {
			break;
		}
	}
	L->tok_line = L->line;
	switch (L->buf[L->pos]) {
	case '{':
		L->pos++;
		return T_LBRACE;
	case '}':
		L->pos++;
		return T_RBRACE;
	case '=':
		L->pos++;
		return T_EQ;
	case ';':
		L->pos++;
		return T_SEMI;
	case ',':
		L->pos++;
		return T_COMMA;
	case '"':
	case '\'':
		return lex_string(L);
	}
	while (L->pos < L->len && is_word_char(L->buf[L->pos]))
		strbuf_addch(&L->text, L->buf[L->pos++]);
	return T_WORD;
}

static const char *tok_name(int t)
{
	switch (t) {
	case T_EOF:
		return "the end of the file";
	case T_WORD:
		return "a word";
	case T_STRING:
		return "a quoted string";
	case T_LBRACE:
		return "'{'";
	case T_RBRACE:
		return "'}'";
	case T_EQ:
		return "'='";
	case T_SEMI:
		return "';'";
	default:
		return "','";
	}
}

/* --- reading: the tree --- */

struct gterm {
	char *s;
	unsigned line;
};

struct gnode {
	char *name;
	unsigned line;
	bool block;
	struct gterm *terms; /* a statement's values */
	size_t tnr, talloc;
	struct gnode *kids; /* a block's contents */
	size_t nr, alloc;
};

static void gnode_release(struct gnode *n)
{
	for (size_t i = 0; i < n->tnr; i++)
		free(n->terms[i].s);
	free(n->terms);
	for (size_t i = 0; i < n->nr; i++)
		gnode_release(&n->kids[i]);
	free(n->kids);
	free(n->name);
}

static bool good_name(const char *s)
{
	if (!is_alpha(*s) && !is_digit(*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static void add_include(struct ganesha_conf *c, const char *directive, const char *target,
			unsigned line)
{
	struct ganesha_include *inc;

	ALLOC_GROW(c->includes, c->inr + 1, c->ialloc);
	inc = &c->includes[c->inr++];
	inc->directive = xstrdup(directive);
	inc->target = xstrdup(target);
	inc->line = line;
}

/* "%include FILE" and friends, the directive word just read. */
static int parse_directive(struct lexer *L, struct ganesha_conf *c, unsigned depth)
{
	static const char *const known[] = {"include", "url", "dir", "plugin", NULL};
	char *d = xstrdup(L->text.buf + 1);
	unsigned line = L->tok_line;
	int t, ret = -1;
	bool ok = false;

	for (const char *const *k = known; *k; k++)
		ok |= !strcmp(*k, d);
	if (!ok) {
		fail_at(L, line, "unknown directive '%%%s'", d);
		goto cleanup;
	}
	if (depth) {
		fail_at(L, line, "'%%%s' inside a block", d);
		goto cleanup;
	}
	t = lex(L);
	if (t < 0)
		goto cleanup;
	if (t != T_WORD && t != T_STRING) {
		fail_at(L, L->tok_line, "expected a file after '%%%s', got %s", d, tok_name(t));
		goto cleanup;
	}
	add_include(c, d, L->text.buf, line);
	ret = 0;
cleanup:
	free(d);
	return ret;
}

/* "= term, term;" after a statement's name, into n->terms. */
static int parse_terms(struct lexer *L, struct gnode *n)
{
	bool want_term = true;

	for (;;) {
		int t = lex(L);

		if (t < 0)
			return -1;
		if (t == T_SEMI)
			return 0;
		if (t == T_COMMA) {
			want_term = true;
			continue;
		}
		if ((t == T_WORD || t == T_STRING) && want_term) {
			ALLOC_GROW(n->terms, n->tnr + 1, n->talloc);
			n->terms[n->tnr].s = xstrdup(L->text.buf);
			n->terms[n->tnr].line = L->tok_line;
			n->tnr++;
			want_term = false;
			continue;
		}
		if (t == T_EOF)
			return fail_at(L, n->line, "missing ';' after the value of '%s'", n->name);
		return fail_at(L, L->tok_line, "expected %s in the value of '%s', got %s",
			       want_term ? "a value, ',' or ';'" : "',' or ';'", n->name,
			       tok_name(t));
	}
}

/* The contents of block b up to its '}' (or the end, at depth 0). */
static int parse_block(struct lexer *L, struct gnode *b, unsigned depth, struct ganesha_conf *c)
{
	for (;;) {
		struct gnode *n;
		int t = lex(L);

		if (t < 0)
			return -1;
		if (t == T_EOF) {
			if (depth)
				return fail_at(L, b->line, "block '%s' is not closed", b->name);
			return 0;
		}
		if (t == T_RBRACE) {
			if (!depth)
				return fail_at(L, L->tok_line, "'}' without a block to close");
			return 0;
		}
		if (t != T_WORD)
			return fail_at(L, L->tok_line, "expected a name, got %s", tok_name(t));
		if (L->text.buf[0] == '%') {
			if (parse_directive(L, c, depth) < 0)
				return -1;
			continue;
		}
		if (!good_name(L->text.buf)) {
			struct strbuf q = STRBUF_INIT;

			strbuf_addquoted(&q, L->text.buf, L->text.len > 64 ? 64 : L->text.len);
			fail_at(L, L->tok_line, "bad name '%s'", q.buf);
			strbuf_release(&q);
			return -1;
		}
		ALLOC_GROW(b->kids, b->nr + 1, b->alloc);
		n = &b->kids[b->nr++];
		memset(n, 0, sizeof(*n));
		n->name = xstrdup(L->text.buf);
		n->line = L->tok_line;
		t = lex(L);
		if (t < 0)
			return -1;
		if (t == T_EQ) {
			if (parse_terms(L, n) < 0)
				return -1;
		} else if (t == T_LBRACE) {
			n->block = true;
			if (depth + 1 >= MAX_DEPTH)
				return fail_at(L, n->line, "blocks nested more than %d deep",
					       MAX_DEPTH);
			if (parse_block(L, n, depth + 1, c) < 0)
				return -1;
		} else {
			return fail_at(L, L->tok_line, "expected '=' or '{' after '%s', got %s",
				       n->name, tok_name(t));
		}
	}
}

/* --- reading: the exports --- */

static int one_term(struct lexer *L, const struct gnode *n, const char **out)
{
	if (n->block)
		return fail_at(L, n->line, "'%s' must be a setting, not a block", n->name);
	if (n->tnr != 1)
		return fail_at(L, n->line, "'%s' takes one value, got %zu", n->name, n->tnr);
	*out = n->terms[0].s;
	return 0;
}

static int read_access(struct lexer *L, const struct gnode *n, enum ganesha_access *out)
{
	const char *v;

	if (one_term(L, n, &v) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(access_names) / sizeof(access_names[0]); i++) {
		if (!strcasecmp(access_names[i].name, v)) {
			*out = access_names[i].access;
			return 0;
		}
	}
	return fail_at(L, n->line, "unknown Access_Type '%s'", v);
}

static int read_squash(struct lexer *L, const struct gnode *n, enum ganesha_squash *out)
{
	const char *v;

	if (one_term(L, n, &v) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(squash_names) / sizeof(squash_names[0]); i++) {
		if (!strcasecmp(squash_names[i].name, v)) {
			*out = squash_names[i].squash;
			return 0;
		}
	}
	return fail_at(L, n->line, "unknown Squash '%s'", v);
}

static int read_list(struct lexer *L, const struct gnode *n, struct strvec *out)
{
	if (n->block)
		return fail_at(L, n->line, "'%s' must be a setting, not a block", n->name);
	if (!n->tnr)
		return fail_at(L, n->line, "'%s' has no value", n->name);
	for (size_t i = 0; i < n->tnr; i++)
		strvec_push(out, n->terms[i].s);
	return 0;
}

/* Fails if a setting that may appear once already did (its line in *seen). */
static int once(struct lexer *L, const struct gnode *n, unsigned *seen)
{
	if (*seen)
		return fail_at(L, n->line, "'%s' is set twice (first on line %u)", n->name, *seen);
	*seen = n->line;
	return 0;
}

static int read_client(struct lexer *L, const struct gnode *b, struct ganesha_export *x)
{
	struct ganesha_client *c =
	    ganesha_export_add_client(x, GANESHA_ACCESS_UNSET, GANESHA_SQUASH_UNSET);
	unsigned seen_access = 0, seen_squash = 0;

	c->line = b->line;
	for (size_t i = 0; i < b->nr; i++) {
		const struct gnode *n = &b->kids[i];

		if (!strcasecmp(n->name, "Clients")) {
			if (read_list(L, n, &c->hosts) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Access_Type")) {
			if (once(L, n, &seen_access) < 0 || read_access(L, n, &c->access) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Squash")) {
			if (once(L, n, &seen_squash) < 0 || read_squash(L, n, &c->squash) < 0)
				return -1;
		}
	}
	if (!c->hosts.nr)
		return fail_at(L, b->line, "CLIENT block without Clients");
	return 0;
}

static int read_id(struct lexer *L, const struct gnode *n, unsigned *out)
{
	const char *v, *p;
	unsigned long id = 0;

	if (one_term(L, n, &v) < 0)
		return -1;
	for (p = v; is_digit(*p) && id <= 65535; p++)
		id = id * 10 + (unsigned long)(*p - '0');
	if (p == v || *p || id > 65535 || (v[0] == '0' && v[1]))
		return fail_at(L, n->line, "Export_Id '%s' is not a number from 0 to 65535", v);
	*out = (unsigned)id;
	return 0;
}

static int read_export(struct lexer *L, const struct gnode *b, struct ganesha_conf *c)
{
	struct ganesha_export *x;
	unsigned seen_id = 0, seen_path = 0, seen_pseudo = 0, seen_access = 0, seen_squash = 0;
	unsigned seen_proto = 0, seen_transp = 0, seen_sec = 0, seen_fsal = 0;

	ALLOC_GROW(c->exports, c->nr + 1, c->alloc);
	x = &c->exports[c->nr++];
	{
		struct ganesha_export init = GANESHA_EXPORT_INIT;
		*x = init;
	}
	x->line = b->line;
	for (size_t i = 0; i < b->nr; i++) {
		const struct gnode *n = &b->kids[i];
		const char *v;

		if (!strcasecmp(n->name, "Export_Id")) {
			if (once(L, n, &seen_id) < 0 || read_id(L, n, &x->id) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Path")) {
			if (once(L, n, &seen_path) < 0 || one_term(L, n, &v) < 0)
				return -1;
			x->path = xstrdup(v);
		} else if (!strcasecmp(n->name, "Pseudo")) {
			if (once(L, n, &seen_pseudo) < 0 || one_term(L, n, &v) < 0)
				return -1;
			x->pseudo = xstrdup(v);
		} else if (!strcasecmp(n->name, "Access_Type")) {
			if (once(L, n, &seen_access) < 0 || read_access(L, n, &x->access) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Squash")) {
			if (once(L, n, &seen_squash) < 0 || read_squash(L, n, &x->squash) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Protocols")) {
			if (once(L, n, &seen_proto) < 0 || read_list(L, n, &x->protocols) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "Transports")) {
			if (once(L, n, &seen_transp) < 0 || read_list(L, n, &x->transports) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "SecType")) {
			if (once(L, n, &seen_sec) < 0 || read_list(L, n, &x->sectypes) < 0)
				return -1;
		} else if (!strcasecmp(n->name, "FSAL") && n->block) {
			if (once(L, n, &seen_fsal) < 0)
				return -1;
			for (size_t j = 0; j < n->nr && !x->fsal; j++) {
				if (strcasecmp(n->kids[j].name, "Name"))
					continue;
				if (one_term(L, &n->kids[j], &v) < 0)
					return -1;
				x->fsal = xstrdup(v);
			}
			if (!x->fsal)
				return fail_at(L, n->line, "FSAL block without Name");
		} else if (!strcasecmp(n->name, "CLIENT") && n->block) {
			if (read_client(L, n, x) < 0)
				return -1;
		}
	}
	if (!seen_id)
		return fail_at(L, b->line, "EXPORT block without Export_Id");
	if (!seen_path)
		return fail_at(L, b->line, "EXPORT block without Path");
	for (size_t i = 0; i + 1 < c->nr; i++)
		if (c->exports[i].id == x->id)
			return fail_at(L, seen_id, "Export_Id %u is used twice (first on line %u)",
				       x->id, c->exports[i].line);
	return 0;
}

void ganesha_conf_release(struct ganesha_conf *c)
{
	for (size_t i = 0; i < c->nr; i++)
		ganesha_export_release(&c->exports[i]);
	free(c->exports);
	for (size_t i = 0; i < c->inr; i++) {
		free(c->includes[i].directive);
		free(c->includes[i].target);
	}
	free(c->includes);
	c->exports = NULL;
	c->includes = NULL;
	c->nr = c->alloc = c->inr = c->ialloc = 0;
}

int ganesha_parse(const char *buf, size_t len, const char *name, struct ganesha_conf *out,
		  struct err *e)
{
	struct lexer L = {buf, len, 0, 1, name ? name : "", e, STRBUF_INIT, 1};
	struct ganesha_conf c = GANESHA_CONF_INIT;
	struct gnode root;
	const char *nul = len ? memchr(buf, '\0', len) : NULL;
	int ret = -1;

	memset(&root, 0, sizeof(root));
	*out = c;
	if (nul) {
		unsigned line = 1;
		const char *ls = buf;

		for (const char *p = buf; p < nul; p++) {
			if (*p == '\n') {
				line++;
				ls = p + 1;
			}
		}
		err_set(e, "cannot read '%s' line %u column %zu: NUL byte", L.name, line,
			(size_t)(nul - ls) + 1);
		goto cleanup;
	}
	if (parse_block(&L, &root, 0, &c) < 0)
		goto cleanup;
	for (size_t i = 0; i < root.nr; i++)
		if (root.kids[i].block && !strcasecmp(root.kids[i].name, "EXPORT") &&
		    read_export(&L, &root.kids[i], &c) < 0)
			goto cleanup;
	*out = c;
	ret = 0;
cleanup:
	if (ret < 0)
		ganesha_conf_release(&c);
	gnode_release(&root);
	strbuf_release(&L.text);
	return ret;
}

const struct ganesha_export *ganesha_find_path(const struct ganesha_conf *c, const char *path)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->exports[i].path && !strcmp(c->exports[i].path, path))
			return &c->exports[i];
	return NULL;
}

const struct ganesha_export *ganesha_find_id(const struct ganesha_conf *c, unsigned id)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->exports[i].id == id)
			return &c->exports[i];
	return NULL;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_list(const struct strvec *a, const struct strvec *b, bool nocase)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (nocase ? strcasecmp(a->v[i], b->v[i]) : strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

bool ganesha_export_equal(const struct ganesha_export *a, const struct ganesha_export *b)
{
	if (a->id != b->id || !same_str(a->path, b->path) ||
	    !same_str(a->pseudo ? a->pseudo : a->path, b->pseudo ? b->pseudo : b->path) ||
	    a->access != b->access || a->squash != b->squash ||
	    !same_list(&a->protocols, &b->protocols, true) ||
	    !same_list(&a->transports, &b->transports, true) ||
	    !same_list(&a->sectypes, &b->sectypes, true) ||
	    strcasecmp(a->fsal ? a->fsal : "VFS", b->fsal ? b->fsal : "VFS") || a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (a->clients[i].access != b->clients[i].access ||
		    a->clients[i].squash != b->clients[i].squash ||
		    !same_list(&a->clients[i].hosts, &b->clients[i].hosts, false))
			return false;
	return true;
}
