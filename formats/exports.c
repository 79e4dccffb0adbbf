/*
 * exports.c: AIX /etc/exports and Linux exports(5) read into one model
 * (see exports.h for the model and the semantics of each flavor, with
 * their sources), written back in either flavor, merged and compared.
 *
 * Both parsers first check every physical line for its length and for NUL
 * bytes. The AIX parser then works line by line (the format has no quotes,
 * escapes or continuation). The Linux parser follows exportfs's reader
 * (nfs-utils support/nfs/xio.c and exports.c): a cursor over the bytes
 * where "\<newline>" reads as one blank, a '"' anywhere in a token toggles
 * quoting, "\ooo" is collapsed as soon as its third digit is read (so the
 * writer escapes digits that follow a backslash), and '#' only starts a
 * comment where a token would start. Messages follow the csv and lsnim
 * parsers: "cannot read 'FILE' line N column C: what".
 */
#include <arpa/inet.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "formats/exports.h"
#include "util/strmap.h"
#include "util/util.h"
#include "util/banned.h"

/* Longest tokens exportfs reads: its path buffer and its client buffer. */
#define LINUX_MAX_PATH	 1024
#define LINUX_MAX_CLIENT 511
/* Column from which the Linux writer continues a line with '\'. */
#define LINUX_WRAP 100

/* ---------------------------------------------------------------- bytes */

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(int c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Length of an option's key: up to its '=' or its end. */
static size_t opt_keylen(const char *opt)
{
	const char *eq = strchr(opt, '=');
	return eq ? (size_t)(eq - opt) : strlen(opt);
}

static int same_key(const char *a, const char *b)
{
	size_t n = opt_keylen(a);
	return n == opt_keylen(b) && !memcmp(a, b, n);
}

/* The first option of v with the key of opt, or NULL. */
static const char *find_key(const struct strvec *v, const char *opt)
{
	for (size_t i = 0; i < v->nr; i++)
		if (same_key(v->v[i], opt))
			return v->v[i];
	return NULL;
}

static int strvec_equal(const struct strvec *a, const struct strvec *b)
{
	if (a->nr != b->nr)
		return 0;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

/*
 * Natural order: runs of digits compare by value (cn2 < cn10), then by
 * length (cn1 < cn01); everything else bytewise. A total order.
 */
static int natcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const char *sa = a, *sb = b, *ea, *eb;
			size_t la, lb;
			int c;

			while (*sa == '0')
				sa++;
			while (*sb == '0')
				sb++;
			for (ea = sa; is_digit(*ea); ea++)
				;
			for (eb = sb; is_digit(*eb); eb++)
				;
			la = (size_t)(ea - sa);
			lb = (size_t)(eb - sb);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(sa, sb, la);
			if (c)
				return c < 0 ? -1 : 1;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

/* "vers=3:4" for a vers mask, into sb (appended). */
static void add_vers(struct strbuf *sb, unsigned vers)
{
	const char *sep = "vers=";

	for (unsigned v = 0; v < 32; v++)
		if (vers & (1u << v)) {
			strbuf_addf(sb, "%s%u", sep, v);
			sep = ":";
		}
}

/* "'/path'" or "'/path' (vers=4)", shown safely, for messages. */
static void add_what(struct strbuf *sb, const char *path, unsigned vers)
{
	strbuf_addch(sb, '\'');
	strbuf_addquoted(sb, path, strlen(path));
	strbuf_addch(sb, '\'');
	if (vers) {
		strbuf_addstr(sb, " (");
		add_vers(sb, vers);
		strbuf_addch(sb, ')');
	}
}

static void add_where(struct strbuf *sb, const char *file, unsigned line)
{
	strbuf_addquoted(sb, file ? file : "?", strlen(file ? file : "?"));
	strbuf_addf(sb, ":%u", line);
}

/* "kind:host", the key under which a host is looked up in a strmap. */
static void host_key(struct strbuf *sb, const char *prefix, enum export_host_kind kind,
		     const char *host)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s%d:%s", prefix, (int)kind, host);
}

/* ---------------------------------------------------------------- model */

static void client_release(struct export_client *c)
{
	free(c->host);
	free(c->file);
	strvec_clear(&c->opts);
	memset(c, 0, sizeof(*c));
}

static void entry_release(struct export_entry *en)
{
	for (size_t i = 0; i < en->nr; i++)
		client_release(&en->clients[i]);
	free(en->clients);
	free(en->path);
	free(en->file);
	strvec_clear(&en->opts);
	memset(en, 0, sizeof(*en));
}

void export_list_release(struct export_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		entry_release(&l->entries[i]);
	free(l->entries);
	strvec_clear(&l->warnings);
	l->entries = NULL;
	l->nr = l->alloc = 0;
}

static void list_init(struct export_list *l)
{
	l->entries = NULL;
	l->nr = l->alloc = 0;
	strvec_init(&l->warnings);
}

struct export_entry *export_list_add(struct export_list *l, const char *path, unsigned vers,
				     const char *file, unsigned line)
{
	struct export_entry *en;

	ALLOC_GROW(l->entries, l->nr + 1, l->alloc);
	en = &l->entries[l->nr++];
	memset(en, 0, sizeof(*en));
	en->path = xstrdup(path);
	en->vers = vers;
	strvec_init(&en->opts);
	en->file = file ? xstrdup(file) : NULL;
	en->line = line;
	return en;
}

struct export_client *export_entry_find(const struct export_entry *en, enum export_host_kind kind,
					const char *host)
{
	for (size_t i = 0; i < en->nr; i++)
		if (en->clients[i].kind == kind && !strcmp(en->clients[i].host, host))
			return &en->clients[i];
	return NULL;
}

/* Appends a client without looking for the host first. */
static struct export_client *client_append(struct export_entry *en, enum export_host_kind kind,
					   const char *host, const char *file, unsigned line)
{
	struct export_client *c;

	ALLOC_GROW(en->clients, en->nr + 1, en->alloc);
	c = &en->clients[en->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->host = xstrdup(host);
	strvec_init(&c->opts);
	c->file = file ? xstrdup(file) : NULL;
	c->line = line;
	return c;
}

struct export_client *export_entry_add(struct export_entry *en, enum export_host_kind kind,
				       const char *host, bool rw, bool root, const char *file,
				       unsigned line)
{
	struct export_client *c = export_entry_find(en, kind, host);

	if (c)
		return c;
	c = client_append(en, kind, host, file, line);
	c->rw = rw;
	c->root = root;
	return c;
}

static void client_copy(struct export_entry *dst, const struct export_client *src)
{
	struct export_client *c = client_append(dst, src->kind, src->host, src->file, src->line);

	c->rw = src->rw;
	c->root = src->root;
	c->insecure = src->insecure;
	c->aix = src->aix;
	for (size_t i = 0; i < src->opts.nr; i++)
		strvec_push(&c->opts, src->opts.v[i]);
}

/* ------------------------------------------------------------ host specs */

/* Whether s is made only of digits and dots (so it must be an IPv4). */
static int looks_numeric(const char *s)
{
	for (; *s; s++)
		if (!is_digit(*s) && *s != '.')
			return 0;
	return 1;
}

static int valid_name(const char *s)
{
	if (!is_alnum(*s) && *s != '_')
		return 0;
	for (; *s; s++)
		if (!is_name_char(*s))
			return 0;
	return 1;
}

/* Parses an address: family AF_INET or AF_INET6 in *fam, bytes in a. */
static int parse_addr(const char *s, size_t n, unsigned char a[16], int *fam)
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1) {
		*fam = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, a) == 1) {
		*fam = AF_INET6;
		return 0;
	}
	return -1;
}

static void add_addr(struct strbuf *sb, int fam, const unsigned char a[16])
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (!inet_ntop(fam, a, tmp, sizeof(tmp)))
		die_bug("inet_ntop failed on a parsed address");
	strbuf_addstr(sb, tmp);
}

static void mask_addr(unsigned char a[16], int fam, unsigned prefix)
{
	unsigned bytes = fam == AF_INET ? 4 : 16;

	for (unsigned i = 0; i < bytes; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
		a[i] &= (unsigned char)(0xff00u >> keep);
	}
}

/*
 * "addr/bits" (or, for IPv4, "addr/dotted-mask") into "net/bits" with the
 * host bits cleared. v4only: AIX subnets.
 */
static int parse_cidr(const char *s, int v4only, struct strbuf *canon, struct err *e)
{
	const char *slash = strchr(s, '/');
	unsigned char a[16], m[16];
	unsigned long prefix = 0;
	int fam, mfam;

	if (parse_addr(s, (size_t)(slash - s), a, &fam) < 0)
		return err_set(e, "'%.*s' is not an IP address", (int)(slash - s), s);
	if (v4only && fam != AF_INET)
		return err_set(e, "'%.*s' is not an IPv4 address", (int)(slash - s), s);
	if (!slash[1])
		return err_set(e, "no prefix length after '/'");
	if (parse_ulong(slash + 1, &prefix)) {
		if (prefix > (fam == AF_INET ? 32u : 128u))
			return err_set(e, "prefix length %lu is too long for the address", prefix);
	} else if (fam == AF_INET && !parse_addr(slash + 1, strlen(slash + 1), m, &mfam) &&
		   mfam == AF_INET) {
		uint32_t mask =
		    (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];

		while (mask & 0x80000000u) {
			prefix++;
			mask <<= 1;
		}
		if (mask)
			return err_set(e, "netmask '%s' is not contiguous", slash + 1);
	} else {
		return err_set(e, "bad prefix length or netmask '%s'", slash + 1);
	}
	mask_addr(a, fam, (unsigned)prefix);
	strbuf_reset(canon);
	add_addr(canon, fam, a);
	strbuf_addf(canon, "/%lu", prefix);
	return 0;
}

static int set_addr(const char *s, struct strbuf *canon, enum export_host_kind *kind)
{
	unsigned char a[16];
	int fam;

	if (parse_addr(s, strlen(s), a, &fam) < 0)
		return -1;
	strbuf_reset(canon);
	add_addr(canon, fam, a);
	*kind = fam == AF_INET ? EXPORT_HOST_IPV4 : EXPORT_HOST_IPV6;
	return 0;
}

static int host_why(const char *spec, struct err *e, const char *why)
{
	struct strbuf q = STRBUF_INIT;

	strbuf_addquoted(&q, spec, strlen(spec));
	err_set(e, "bad host spec '%s': %s", q.buf, why);
	strbuf_release(&q);
	return -1;
}

static int host_aix(const char *s, enum export_host_kind *kind, struct strbuf *canon, struct err *e)
{
	if (s[0] == '@') {
		struct strbuf spec = STRBUF_INIT;
		int r = 0;

		strbuf_addstr(&spec, s + 1);
		if (!strchr(spec.buf, '/'))
			strbuf_addstr(&spec, "/32");
		if (!*spec.buf || spec.buf[0] == '/')
			r = host_why(s, e, "no address after '@'");
		else if (!is_digit(spec.buf[0]))
			r = host_why(s, e,
				     "a subnet by host name is not supported, give its address");
		else if (parse_cidr(spec.buf, 1, canon, e) < 0) {
			struct strbuf why = STRBUF_INIT;

			strbuf_add(&why, e->msg.buf, e->msg.len);
			r = host_why(s, e, why.buf);
			strbuf_release(&why);
		}
		strbuf_release(&spec);
		*kind = EXPORT_HOST_CIDR;
		return r;
	}
	if (strchr(s, '/'))
		return host_why(s, e, "AIX writes a subnet as '@address/bits'");
	if (strpbrk(s, "*?["))
		return host_why(s, e, "wildcards are not part of the AIX exports format");
	if (looks_numeric(s)) {
		if (set_addr(s, canon, kind) < 0 || *kind != EXPORT_HOST_IPV4)
			return host_why(s, e, "not an IPv4 address");
		return 0;
	}
	if (!valid_name(s))
		return host_why(s, e, "not a host name");
	strbuf_reset(canon);
	strbuf_addstr(canon, s);
	*kind = EXPORT_HOST_NAME;
	return 0;
}

/*
 * Linux host spec, in the order exportfs's client_gettype() decides: world,
 * netgroup, wildcard, subnet, address or name. *bracketed is set for an
 * IPv6 address written in brackets (taken as the address).
 */
static int host_linux(const char *s, enum export_host_kind *kind, struct strbuf *canon,
		      int *bracketed, struct err *e)
{
	*bracketed = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close && memchr(s, ':', (size_t)(close - s)) &&
		    (!close[1] || (close[1] == '/' && close[2]))) {
			struct strbuf inner = STRBUF_INIT;
			int r;

			strbuf_add(&inner, s + 1, (size_t)(close - s - 1));
			strbuf_addstr(&inner, close + 1);
			r = host_linux(inner.buf, kind, canon, bracketed, e);
			strbuf_release(&inner);
			if (r == 0 && (*kind == EXPORT_HOST_IPV6 ||
				       (*kind == EXPORT_HOST_CIDR && strchr(canon->buf, ':')))) {
				*bracketed = 1;
				return 0;
			}
			if (r == 0)
				return host_why(s, e, "brackets around something that is not IPv6");
			return host_why(s, e, "not an IPv6 address in brackets");
		}
	}
	if (s[0] == '@') {
		if (!s[1] || !valid_name(s + 1))
			return host_why(s, e, "not a netgroup name");
		strbuf_reset(canon);
		strbuf_addstr(canon, s);
		*kind = EXPORT_HOST_NETGROUP;
		return 0;
	}
	if (strpbrk(s, "*?[")) {
		for (const char *p = s; *p; p++)
			if (!is_name_char(*p) && !strchr("*?[]!^", *p))
				return host_why(s, e, "not a wildcard host pattern");
		strbuf_reset(canon);
		strbuf_addstr(canon, s);
		*kind = EXPORT_HOST_WILDCARD;
		return 0;
	}
	if (strchr(s, '/')) {
		if (parse_cidr(s, 0, canon, e) < 0) {
			struct strbuf why = STRBUF_INIT;
			int r;

			strbuf_add(&why, e->msg.buf, e->msg.len);
			r = host_why(s, e, why.buf);
			strbuf_release(&why);
			return r;
		}
		*kind = EXPORT_HOST_CIDR;
		return 0;
	}
	if (strchr(s, ':')) {
		if (set_addr(s, canon, kind) < 0 || *kind != EXPORT_HOST_IPV6)
			return host_why(s, e, "not an IPv6 address");
		return 0;
	}
	if (looks_numeric(s)) {
		if (set_addr(s, canon, kind) < 0 || *kind != EXPORT_HOST_IPV4)
			return host_why(s, e, "not an IPv4 address");
		return 0;
	}
	if (!valid_name(s))
		return host_why(s, e, "not a host name");
	strbuf_reset(canon);
	strbuf_addstr(canon, s);
	*kind = EXPORT_HOST_NAME;
	return 0;
}

int export_host_parse(const char *spec, enum exports_flavor flavor, enum export_host_kind *kind,
		      struct strbuf *canon, struct err *e)
{
	int bracketed;

	if (!strcmp(spec, "*") || (!*spec && flavor == EXPORTS_LINUX)) {
		strbuf_reset(canon);
		strbuf_addch(canon, '*');
		*kind = EXPORT_HOST_WORLD;
		return 0;
	}
	if (!*spec)
		return err_set(e, "bad host spec '': empty host name");
	if (flavor == EXPORTS_AIX)
		return host_aix(spec, kind, canon, e);
	return host_linux(spec, kind, canon, &bracketed, e);
}

/* -------------------------------------------------------------- parsing */

struct parser {
	const char *name;
	const char *buf;
	size_t len;
	struct export_list *out;
	struct err *e;
};

/* An error at line (and column, unless 0). Returns -1. */
__attribute__((format(printf, 4, 5))) static int fail_at(struct parser *P, unsigned line,
							 size_t col, const char *fmt, ...)
{
	struct strbuf what = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&what, fmt, ap);
	va_end(ap);
	if (col)
		err_set(P->e, "cannot read '%s' line %u column %zu: %s", P->name, line, col,
			what.buf);
	else
		err_set(P->e, "cannot read '%s' line %u: %s", P->name, line, what.buf);
	strbuf_release(&what);
	return -1;
}

__attribute__((format(printf, 3, 4))) static void warn_at(struct parser *P, unsigned line,
							  const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "'%s' line %u: ", P->name, line);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(&P->out->warnings, strbuf_detach(&sb, NULL));
}

/* A copy of s (n bytes) safe to show in a message. */
static char *shown(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addquoted(&sb, s, n);
	return strbuf_detach(&sb, NULL);
}

/* Rejects a physical line longer than EXPORTS_MAX_LINE or holding a NUL. */
static int check_lines(struct parser *P)
{
	const char *p = P->buf, *end = P->buf + P->len;
	unsigned line = 0;

	while (p < end) {
		size_t avail = (size_t)(end - p);
		size_t scan = avail > EXPORTS_MAX_LINE ? (size_t)EXPORTS_MAX_LINE + 1 : avail;
		const char *nl = memchr(p, '\n', scan);
		const char *le = nl ? nl : p + scan;
		const char *nul;

		line++;
		if (!nl && avail > EXPORTS_MAX_LINE)
			return fail_at(P, line, 0, "line longer than %d bytes", EXPORTS_MAX_LINE);
		nul = memchr(p, '\0', (size_t)(le - p));
		if (nul)
			return fail_at(P, line, (size_t)(nul - p) + 1, "NUL byte");
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Sorts an AIX entry's clients: the world first, then natural order. */
static int client_order(const void *a, const void *b)
{
	const struct export_client *x = a, *y = b;

	if ((x->kind == EXPORT_HOST_WORLD) != (y->kind == EXPORT_HOST_WORLD))
		return x->kind == EXPORT_HOST_WORLD ? -1 : 1;
	return natcmp(x->host, y->host);
}

/* ------------------------------------------------------------------ AIX */

struct hitem {
	enum export_host_kind kind;
	char *host;
};

/* A host list of one AIX option; the world ('*') is a flag. */
struct hlist {
	struct hitem *v;
	size_t nr, alloc;
	struct strmap idx; /* host_key() -> non-NULL */
	struct strbuf key;
	int given;
	int star;
};

static int hlist_has(struct hlist *l, enum export_host_kind kind, const char *host)
{
	if (kind == EXPORT_HOST_WORLD)
		return l->star;
	host_key(&l->key, "", kind, host);
	return strmap_get(&l->idx, l->key.buf) != NULL;
}

static void hlist_add(struct hlist *l, enum export_host_kind kind, const char *host)
{
	if (hlist_has(l, kind, host))
		return;
	if (kind == EXPORT_HOST_WORLD) {
		l->star = 1;
		return;
	}
	strmap_put(&l->idx, l->key.buf, l);
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr].kind = kind;
	l->v[l->nr++].host = xstrdup(host);
}

static void hlist_release(struct hlist *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->v[i].host);
	free(l->v);
	strmap_clear(&l->idx);
	strbuf_release(&l->key);
	memset(l, 0, sizeof(*l));
}

#define HLIST_INIT                                                                                 \
	{                                                                                          \
		NULL, 0, 0, STRMAP_INIT, STRBUF_INIT, 0, 0                                         \
	}

enum aix_opt_id {
	AO_RO,
	AO_RW,
	AO_ACCESS,
	AO_ROOT,
	AO_VERS,
	AO_SEC,
	AO_VALUE, /* a path option with a value */
	AO_FLAG,  /* a path option without one */
};

static const struct aix_opt {
	const char *name;
	enum aix_opt_id id;
} aix_opts[] = {
    {"ro", AO_RO},	 {"rw", AO_RW},	       {"access", AO_ACCESS}, {"root", AO_ROOT},
    {"vers", AO_VERS},	 {"sec", AO_SEC},      {"anon", AO_VALUE},    {"replicas", AO_VALUE},
    {"refer", AO_VALUE}, {"exname", AO_VALUE}, {"deleg", AO_VALUE},   {"noauto", AO_FLAG},
    {"public", AO_FLAG}, {"secure", AO_FLAG},
};

static const struct aix_opt *aix_opt_find(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(aix_opts) / sizeof(aix_opts[0]); i++)
		if (strlen(aix_opts[i].name) == n && !memcmp(aix_opts[i].name, name, n))
			return &aix_opts[i];
	return NULL;
}

struct aix_state {
	int ro, rw;
	struct hlist rwl, rol, access, root;
	unsigned vers;
	int has_vers;
	struct strvec popts;
};

#define AIX_STATE_INIT                                                                             \
	{                                                                                          \
		0, 0, HLIST_INIT, HLIST_INIT, HLIST_INIT, HLIST_INIT, 0, 0, STRVEC_INIT            \
	}

static void aix_state_release(struct aix_state *S)
{
	hlist_release(&S->rwl);
	hlist_release(&S->rol);
	hlist_release(&S->access);
	hlist_release(&S->root);
	strvec_clear(&S->popts);
}

/* Reads the ':'-separated hosts of option name at v (n bytes, column col). */
static int aix_hosts(struct parser *P, unsigned line, size_t col, const char *name, const char *v,
		     size_t n, struct hlist *l)
{
	struct strbuf h = STRBUF_INIT, canon = STRBUF_INIT;
	const char *p = v, *end = v + n;
	int r = 0;

	l->given = 1;
	while (p <= end) {
		const char *q = memchr(p, ':', (size_t)(end - p));
		enum export_host_kind kind;

		if (!q)
			q = end;
		strbuf_reset(&h);
		strbuf_add(&h, p, (size_t)(q - p));
		if (!h.len) {
			r = fail_at(P, line, col + (size_t)(p - v),
				    "bad host spec '': empty host name in '%s='", name);
			break;
		}
		if (export_host_parse(h.buf, EXPORTS_AIX, &kind, &canon, P->e) < 0) {
			struct strbuf why = STRBUF_INIT;

			strbuf_add(&why, P->e->msg.buf, P->e->msg.len);
			r = fail_at(P, line, col + (size_t)(p - v), "%s in '%s='", why.buf, name);
			strbuf_release(&why);
			break;
		}
		hlist_add(l, kind, canon.buf);
		p = q + 1;
	}
	strbuf_release(&h);
	strbuf_release(&canon);
	return r;
}

static int aix_vers(struct parser *P, unsigned line, size_t col, const char *v, size_t n,
		    unsigned *vers)
{
	const char *p = v, *end = v + n;

	while (p <= end) {
		const char *q = memchr(p, ':', (size_t)(end - p));

		if (!q)
			q = end;
		if (q - p != 1 || p[0] < '2' || p[0] > '4') {
			char *s = shown(v, n);
			int r =
			    fail_at(P, line, col,
				    "bad vers value '%s' (NFS versions 2, 3, 4, ':'-separated)", s);
			free(s);
			return r;
		}
		*vers |= 1u << (p[0] - '0');
		p = q + 1;
	}
	return 0;
}

/* One option of an AIX line: o (n bytes) at column col. */
static int aix_option(struct parser *P, unsigned line, size_t col, const char *o, size_t n,
		      struct aix_state *S)
{
	const char *eq = memchr(o, '=', n);
	size_t klen = eq ? (size_t)(eq - o) : n;
	const char *v = eq ? eq + 1 : NULL;
	size_t vlen = eq ? n - klen - 1 : 0;
	const struct aix_opt *d = aix_opt_find(o, klen);
	char *name = shown(o, klen);
	int r = 0;

	if (!n) {
		r = fail_at(P, line, col, "empty option");
	} else if (!d) {
		r = fail_at(P, line, col, "unknown AIX option '%s'", name);
	} else if (eq && !vlen) {
		r = fail_at(P, line, col, "option '%s=' without a value", name);
	} else if (eq && d->id == AO_FLAG) {
		r = fail_at(P, line, col, "option '%s' takes no value", name);
	} else if (!eq && d->id != AO_FLAG && d->id != AO_RO && d->id != AO_RW) {
		r = fail_at(P, line, col, "option '%s' needs a value", name);
	} else {
		switch (d->id) {
		case AO_RO:
			if (!eq)
				S->ro = 1;
			else
				r = aix_hosts(P, line, col + klen + 1, name, v, vlen, &S->rol);
			break;
		case AO_RW:
			if (!eq)
				S->rw = 1;
			else
				r = aix_hosts(P, line, col + klen + 1, name, v, vlen, &S->rwl);
			break;
		case AO_ACCESS:
			r = aix_hosts(P, line, col + klen + 1, name, v, vlen, &S->access);
			break;
		case AO_ROOT:
			r = aix_hosts(P, line, col + klen + 1, name, v, vlen, &S->root);
			break;
		case AO_VERS:
			if (S->has_vers)
				r = fail_at(P, line, col, "option 'vers' given twice");
			else
				r = aix_vers(P, line, col + klen + 1, v, vlen, &S->vers);
			S->has_vers = 1;
			break;
		case AO_SEC:
		case AO_VALUE:
		case AO_FLAG: {
			struct strbuf opt = STRBUF_INIT;

			strbuf_add(&opt, o, n);
			if (find_key(&S->popts, opt.buf) && d->id == AO_SEC)
				r = fail_at(
				    P, line, col,
				    "more than one 'sec=' (per-flavor options are not supported)");
			else if (find_key(&S->popts, opt.buf))
				r = fail_at(P, line, col, "option '%s' given twice", name);
			else
				strvec_push(&S->popts, opt.buf);
			strbuf_release(&opt);
			break;
		}
		}
	}
	free(name);
	return r;
}

/* Turns the options of an AIX line into the clients of en. */
static int aix_clients(struct parser *P, unsigned line, size_t col, struct aix_state *S,
		       struct export_entry *en)
{
	int rw_default = 1, world_root = S->root.star;
	struct hlist all = HLIST_INIT;

	if (S->ro && S->rw)
		return fail_at(P, line, col, "options 'ro' and 'rw' contradict each other");
	if (S->rwl.given && S->rol.given)
		return fail_at(P, line, col, "options 'rw=' and 'ro=' exclude each other");
	if (S->rw && S->rwl.given)
		return fail_at(P, line, col, "options 'rw' and 'rw=' contradict each other");
	if (S->ro && S->rol.given)
		return fail_at(P, line, col, "options 'ro' and 'ro=' contradict each other");
	if (S->rwl.star || S->rol.star)
		return fail_at(P, line, col, "'*' in 'rw=' or 'ro=': write 'rw' or 'ro' instead");
	if (S->ro || S->rwl.given)
		rw_default = 0;

	if (!S->access.given || S->access.star) {
		/* Anyone may mount: the world, plus hosts that differ from it. */
		struct export_client *w = client_append(en, EXPORT_HOST_WORLD, "*", P->name, line);

		w->rw = rw_default;
		w->root = world_root;
		for (size_t i = 0; i < S->rwl.nr; i++)
			hlist_add(&all, S->rwl.v[i].kind, S->rwl.v[i].host);
		for (size_t i = 0; i < S->rol.nr; i++)
			hlist_add(&all, S->rol.v[i].kind, S->rol.v[i].host);
		for (size_t i = 0; i < S->root.nr; i++)
			hlist_add(&all, S->root.v[i].kind, S->root.v[i].host);
	} else {
		for (size_t i = 0; i < S->access.nr; i++)
			hlist_add(&all, S->access.v[i].kind, S->access.v[i].host);
		for (size_t i = 0; i < S->rwl.nr; i++)
			hlist_add(&all, S->rwl.v[i].kind, S->rwl.v[i].host);
		for (size_t i = 0; i < S->rol.nr; i++)
			hlist_add(&all, S->rol.v[i].kind, S->rol.v[i].host);
		for (size_t i = 0; i < S->root.nr; i++)
			if (!hlist_has(&all, S->root.v[i].kind, S->root.v[i].host))
				warn_at(P, line,
					"root= host '%s' may not mount '%s' (not in access=, rw= "
					"or ro=): "
					"ignored",
					S->root.v[i].host, en->path);
	}
	for (size_t i = 0; i < all.nr; i++) {
		const struct hitem *h = &all.v[i];
		int rw = hlist_has(&S->rwl, h->kind, h->host)	? 1
			 : hlist_has(&S->rol, h->kind, h->host) ? 0
								: rw_default;
		int root = world_root || hlist_has(&S->root, h->kind, h->host);
		struct export_client *c;

		if (en->nr && en->clients[0].kind == EXPORT_HOST_WORLD && rw == en->clients[0].rw &&
		    root == en->clients[0].root)
			continue; /* granted by the world already */
		c = client_append(en, h->kind, h->host, P->name, line);
		c->rw = rw;
		c->root = root;
	}
	hlist_release(&all);
	for (size_t i = 0; i < en->nr; i++)
		en->clients[i].aix = true;
	qsort(en->clients, en->nr, sizeof(*en->clients), client_order);
	return 0;
}

static int aix_line(struct parser *P, unsigned line, const char *ls, const char *le)
{
	struct aix_state S = AIX_STATE_INIT;
	const char *p, *path, *pe, *o, *oe;
	struct export_entry *en;
	char *pathz = NULL;
	int r = 0;

	for (p = ls; p < le; p++)
		if (*p == '#' && (p == ls || is_blank(p[-1]))) {
			le = p;
			break;
		}
	while (le > ls && is_blank(le[-1]))
		le--;
	for (p = ls; p < le && is_blank(*p); p++)
		;
	if (p == le)
		return 0;
	for (path = p; p < le && !is_blank(*p); p++)
		;
	pe = p;
	pathz = xstrndup(path, (size_t)(pe - path));
	if (*path != '/') {
		char *s = shown(path, (size_t)(pe - path));
		r = fail_at(P, line, (size_t)(path - ls) + 1, "path '%s' is not absolute", s);
		free(s);
		goto cleanup;
	}
	while (p < le && is_blank(*p))
		p++;
	o = oe = p;
	if (p < le) {
		if (*p != '-') {
			char *s = shown(p, (size_t)(le - p));
			r = fail_at(P, line, (size_t)(p - ls) + 1,
				    "expected '-options' after the path, found '%s'", s);
			free(s);
			goto cleanup;
		}
		for (oe = p; oe < le && !is_blank(*oe); oe++)
			;
		for (p = oe; p < le && is_blank(*p); p++)
			;
		if (p < le) {
			char *s = shown(p, (size_t)(le - p));
			r = fail_at(P, line, (size_t)(p - ls) + 1,
				    "unexpected '%s' after the options", s);
			free(s);
			goto cleanup;
		}
		if (oe - o == 1) {
			r = fail_at(P, line, (size_t)(o - ls) + 1, "empty option list after '-'");
			goto cleanup;
		}
		for (const char *a = o + 1; a <= oe;) {
			const char *b = memchr(a, ',', (size_t)(oe - a));

			if (!b)
				b = oe;
			r = aix_option(P, line, (size_t)(a - ls) + 1, a, (size_t)(b - a), &S);
			if (r < 0)
				goto cleanup;
			a = b + 1;
		}
	}
	en = export_list_add(P->out, pathz, S.vers, P->name, line);
	for (size_t i = 0; i < S.popts.nr; i++)
		strvec_push(&en->opts, S.popts.v[i]);
	r = aix_clients(P, line, o < oe ? (size_t)(o - ls) + 1 : 0, &S, en);
cleanup:
	free(pathz);
	aix_state_release(&S);
	return r;
}

static int parse_aix(struct parser *P)
{
	const char *p = P->buf, *end = P->buf + P->len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (aix_line(P, ++line, p, le) < 0)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* ---------------------------------------------------------------- Linux */

#define LX_EOF (-1)

/* A cursor over the file, as exportfs's xgetc() reads it. */
struct lx {
	const char *buf;
	size_t len, pos;
	unsigned line; /* of pos */
	size_t ls;     /* offset where that line starts */
};

/*
 * The next character and where it is. "\<newline>" (or "\<CR><LF>") and the
 * blanks that start the next line read as one ' '.
 */
static int lx_next(struct lx *x, unsigned *line, size_t *col)
{
	char c;

	if (x->pos >= x->len)
		return LX_EOF;
	c = x->buf[x->pos];
	*line = x->line;
	*col = x->pos - x->ls + 1;
	if (c == '\\') {
		size_t q = x->pos + 1;

		if (q + 1 < x->len && x->buf[q] == '\r' && x->buf[q + 1] == '\n')
			q++;
		if (q < x->len && x->buf[q] == '\n') {
			x->pos = q + 1;
			x->line++;
			x->ls = x->pos;
			while (x->pos < x->len && (x->buf[x->pos] == ' ' || x->buf[x->pos] == '\t'))
				x->pos++;
			return ' ';
		}
	}
	x->pos++;
	if (c == '\n') {
		x->line++;
		x->ls = x->pos;
	}
	return (unsigned char)c;
}

/* Skips a comment up to (not over) the end of its physical line. */
static void lx_skip_comment(struct lx *x)
{
	const char *nl = memchr(x->buf + x->pos, '\n', x->len - x->pos);

	x->pos = nl ? (size_t)(nl - x->buf) : x->len;
}

static int is_oct(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * Reads one token into tok, decoded as exportfs does (quotes toggle,
 * "\ooo" below 0400 collapses to its byte as soon as it is complete).
 * Stops before an unquoted blank, a newline or the end. *line and *col
 * get where the token starts. Returns 0 or -1.
 */
static int lx_token(struct parser *P, struct lx *x, struct strbuf *tok, unsigned *line, size_t *col)
{
	int quoted = 0, first = 1;
	unsigned ql = 0;
	size_t qc = 0;

	strbuf_reset(tok);
	for (;;) {
		struct lx save = *x;
		unsigned l = 0;
		size_t c0 = 0, n;
		int c = lx_next(x, &l, &c0);

		if (first) {
			*line = c == LX_EOF ? x->line : l;
			*col = c == LX_EOF ? x->pos - x->ls + 1 : c0;
			first = 0;
		}
		if (c == LX_EOF || c == '\n') {
			if (quoted)
				return fail_at(P, ql, qc, "unterminated quote");
			*x = save;
			break;
		}
		if (!quoted && is_blank(c)) {
			*x = save;
			break;
		}
		if (c == '"') {
			quoted = !quoted;
			ql = l;
			qc = c0;
			continue;
		}
		strbuf_addch(tok, c);
		n = tok->len;
		if (n >= 4 && tok->buf[n - 4] == '\\' && is_oct(tok->buf[n - 3]) &&
		    is_oct(tok->buf[n - 2]) && is_oct(tok->buf[n - 1]) && tok->buf[n - 3] <= '3') {
			tok->buf[n - 4] =
			    (char)((tok->buf[n - 3] - '0') * 64 + (tok->buf[n - 2] - '0') * 8 +
				   (tok->buf[n - 1] - '0'));
			strbuf_setlen(tok, n - 3);
		}
	}
	if (memchr(tok->buf, '\0', tok->len))
		return fail_at(P, *line, *col, "NUL byte (an escaped \\000)");
	return 0;
}

/* The access fields and other options of one Linux client. */
struct lopts {
	bool rw, root, insecure;
	struct strvec opts;
	int nsec;
};

static void lopts_copy(struct lopts *dst, const struct lopts *src)
{
	dst->rw = src->rw;
	dst->root = src->root;
	dst->insecure = src->insecure;
	dst->nsec = src->nsec;
	strvec_init(&dst->opts);
	for (size_t i = 0; i < src->opts.nr; i++)
		strvec_push(&dst->opts, src->opts.v[i]);
}

/* Applies the comma-separated options s (as exportfs's parseopts() splits). */
static int lx_options(struct parser *P, unsigned line, size_t col, const char *s, struct lopts *o)
{
	const char *cp = s;
	int r = 0;

	while (*cp == ' ' || *cp == '\t')
		cp++;
	while (*cp && !r) {
		const char *st = cp, *eq;
		char *opt, *sh;

		while (*cp && *cp != ',')
			cp++;
		opt = xstrndup(st, (size_t)(cp - st));
		sh = shown(opt, strlen(opt));
		if (*cp)
			cp++;
		eq = strchr(opt, '=');
		if (!*opt) {
			char *all = shown(s, strlen(s));
			r = fail_at(P, line, col, "empty option in '%s'", all);
			free(all);
		} else if (strpbrk(opt, " \t\r\f\v()") || eq == opt) {
			r = fail_at(P, line, col, "bad option '%s'", sh);
		} else if (eq && !eq[1]) {
			r = fail_at(P, line, col, "option '%s' without a value", sh);
		} else if (!strcmp(opt, "ro")) {
			o->rw = false;
		} else if (!strcmp(opt, "rw")) {
			o->rw = true;
		} else if (!strcmp(opt, "root_squash")) {
			o->root = false;
		} else if (!strcmp(opt, "no_root_squash")) {
			o->root = true;
		} else if (!strcmp(opt, "secure")) {
			o->insecure = false;
		} else if (!strcmp(opt, "insecure")) {
			o->insecure = true;
		} else if (starts_with(opt, "sec=") && ++o->nsec > 1) {
			r = fail_at(P, line, col,
				    "more than one 'sec=' (per-flavor options are not supported)");
		} else {
			strvec_push(&o->opts, opt);
		}
		free(opt);
		free(sh);
		while (*cp == ' ' || *cp == '\t')
			cp++;
	}
	return r;
}

/* One client token (host, host(opts) or (opts)) of entry en. */
static int lx_client(struct parser *P, struct export_entry *en, struct strmap *seen,
		     const struct strbuf *tok, unsigned line, size_t col,
		     const struct lopts *defaults, const char *prev_bare)
{
	struct strbuf host = STRBUF_INIT, canon = STRBUF_INIT, key = STRBUF_INIT;
	const char *paren = strchr(tok->buf, '(');
	struct lopts o;
	enum export_host_kind kind;
	struct export_client *c;
	int bracketed = 0, r = 0;

	lopts_copy(&o, defaults);
	strbuf_add(&host, tok->buf, paren ? (size_t)(paren - tok->buf) : tok->len);
	if (paren) {
		const char *close = strchr(paren, ')');
		struct strbuf list = STRBUF_INIT;

		if (!close || close[1]) {
			char *s = shown(tok->buf, tok->len);
			r = fail_at(P, line, col,
				    "bad option list in '%s' (expected host(options))", s);
			free(s);
			goto cleanup;
		}
		strbuf_add(&list, paren + 1, (size_t)(close - paren - 1));
		r = lx_options(P, line, col + (size_t)(paren - tok->buf) + 1, list.buf, &o);
		strbuf_release(&list);
		if (r < 0)
			goto cleanup;
	}
	if (!host.len || !strcmp(host.buf, "*")) {
		kind = EXPORT_HOST_WORLD;
		strbuf_addstr(&canon, "*");
	} else if (host_linux(host.buf, &kind, &canon, &bracketed, P->e) < 0) {
		struct strbuf why = STRBUF_INIT;

		strbuf_add(&why, P->e->msg.buf, P->e->msg.len);
		r = fail_at(P, line, col, "%s", why.buf);
		strbuf_release(&why);
		goto cleanup;
	}
	if (bracketed)
		warn_at(
		    P, line,
		    "'%s': exportfs reads an IPv6 address in brackets as a wildcard (exports(5) "
		    "wants it bare): taken as %s",
		    host.buf, canon.buf);
	if (!host.len && paren) {
		char *s = shown(tok->buf, tok->len);

		if (prev_bare)
			warn_at(P, line,
				"'%s' grants the world, not '%s' (a blank stands before '('): "
				"read as exportfs does",
				s, prev_bare);
		else
			warn_at(P, line, "'%s' has no host: it grants the world", s);
		free(s);
	}
	host_key(&key, "", kind, canon.buf);
	if (strmap_get(seen, key.buf)) {
		warn_at(
		    P, line,
		    "host '%s' given again for '%s': exportfs keeps the first grant, this one is "
		    "ignored",
		    canon.buf, en->path);
		goto cleanup;
	}
	strmap_put(seen, key.buf, en);
	c = client_append(en, kind, canon.buf, P->name, line);
	c->rw = o.rw;
	c->root = o.root;
	c->insecure = o.insecure;
	for (size_t i = 0; i < o.opts.nr; i++)
		strvec_push(&c->opts, o.opts.v[i]);
cleanup:
	strvec_clear(&o.opts);
	strbuf_release(&host);
	strbuf_release(&canon);
	strbuf_release(&key);
	return r;
}

/* Skips blanks and comments inside an entry; 1 at its end (consumed), else 0. */
static int lx_skip_in_entry(struct lx *x)
{
	for (;;) {
		struct lx save = *x;
		unsigned l;
		size_t c0;
		int c = lx_next(x, &l, &c0);

		if (c == LX_EOF || c == '\n')
			return 1;
		if (c == '#') {
			lx_skip_comment(x);
			continue;
		}
		if (!is_blank(c)) {
			*x = save;
			return 0;
		}
	}
}

static int parse_linux(struct parser *P)
{
	struct lx x = {P->buf, P->len, 0, 1, 0};
	struct strbuf tok = STRBUF_INIT;
	int r = 0;

	for (;;) {
		struct lopts defaults = {false, false, false, STRVEC_INIT, 0};
		struct strmap seen = STRMAP_INIT;
		struct export_entry *en;
		char *prev_bare = NULL;
		unsigned line;
		size_t col;

		/* Blank lines and comments between entries. */
		for (;;) {
			struct lx save = x;
			unsigned l;
			size_t c0;
			int c = lx_next(&x, &l, &c0);

			if (c == '#') {
				lx_skip_comment(&x);
			} else if (c == LX_EOF || !(is_blank(c) || c == '\n')) {
				x = save;
				break;
			}
		}
		if (x.pos >= x.len)
			break;
		if (lx_token(P, &x, &tok, &line, &col) < 0) {
			r = -1;
			break;
		}
		if (!tok.len || tok.buf[0] != '/') {
			char *s = shown(tok.buf, tok.len);
			r = tok.len ? fail_at(P, line, col, "path '%s' is not absolute", s)
				    : fail_at(P, line, col, "empty path");
			free(s);
			break;
		}
		en = export_list_add(P->out, tok.buf, 0, P->name, line);
		if (strchr(en->path, '(')) {
			char *s = shown(en->path, strlen(en->path));
			warn_at(P, line, "path '%s' holds '(': is a blank missing before a client?",
				s);
			free(s);
		}
		while (!r && !lx_skip_in_entry(&x)) {
			unsigned tl;
			size_t tc;

			r = lx_token(P, &x, &tok, &tl, &tc);
			if (r < 0)
				break;
			if (tok.len && tok.buf[0] == '-') {
				if (tok.len == 1)
					r = fail_at(P, tl, tc, "empty option list after '-'");
				else
					r = lx_options(P, tl, tc + 1, tok.buf + 1, &defaults);
				free(prev_bare);
				prev_bare = NULL;
				continue;
			}
			r = lx_client(P, en, &seen, &tok, tl, tc, &defaults, prev_bare);
			free(prev_bare);
			prev_bare = strchr(tok.buf, '(') ? NULL : xstrdup(tok.buf);
		}
		if (!r && !en->nr) {
			struct export_client *c =
			    client_append(en, EXPORT_HOST_WORLD, "*", P->name, line);
			char *s = shown(en->path, strlen(en->path));

			c->rw = defaults.rw;
			c->root = defaults.root;
			c->insecure = defaults.insecure;
			for (size_t i = 0; i < defaults.opts.nr; i++)
				strvec_push(&c->opts, defaults.opts.v[i]);
			warn_at(P, line, "'%s' has no client: exportfs exports it to the world", s);
			free(s);
		}
		free(prev_bare);
		strvec_clear(&defaults.opts);
		strmap_clear(&seen);
		if (r < 0)
			break;
	}
	strbuf_release(&tok);
	return r;
}

int exports_parse(const char *buf, size_t len, const char *name, enum exports_flavor flavor,
		  struct export_list *out, struct err *e)
{
	struct parser P = {name, buf, len, out, e};
	int r;

	list_init(out);
	r = check_lines(&P);
	if (!r)
		r = flavor == EXPORTS_AIX ? parse_aix(&P) : parse_linux(&P);
	if (r < 0)
		export_list_release(out);
	return r;
}

/* -------------------------------------------------------------- writing */

struct writer {
	const struct exports_write_opts *o;
	struct strvec *warnings;
	struct err *e;
	int lost;
};

/* Something left out or narrowed: a warning, or the error in strict mode. */
__attribute__((format(printf, 2, 3))) static int lose(struct writer *W, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (W->o->strict) {
		err_set(W->e, "cannot write exports: %s", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	W->lost++;
	strvec_push_nodup(W->warnings, strbuf_detach(&sb, NULL));
	return 0;
}

/* Something worth saying that changes nothing. */
__attribute__((format(printf, 2, 3))) static void inform(struct writer *W, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(W->warnings, strbuf_detach(&sb, NULL));
}

/* Whether en has this host before index i (a duplicate the writers skip). */
static int seen_before(const struct export_entry *en, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (en->clients[j].kind == en->clients[i].kind &&
		    !strcmp(en->clients[j].host, en->clients[i].host))
			return 1;
	return 0;
}

static int printable_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* Whether opt is a path option AIX has, in the shape the AIX parser takes. */
static int aix_popt_ok(const char *opt)
{
	size_t k = opt_keylen(opt);
	const struct aix_opt *d = aix_opt_find(opt, k);

	if (!d || !printable_word(opt) || strchr(opt, ','))
		return 0;
	if (d->id == AO_FLAG)
		return !opt[k];
	return (d->id == AO_VALUE || d->id == AO_SEC) && opt[k] == '=' && opt[k + 1];
}

/* How c is named in an AIX host list; -1 when AIX cannot name it. */
static int aix_host_text(const struct export_client *c, struct strbuf *sb)
{
	switch (c->kind) {
	case EXPORT_HOST_NAME:
	case EXPORT_HOST_IPV4:
		strbuf_addstr(sb, c->host);
		return 0;
	case EXPORT_HOST_NETGROUP:
		/* AIX looks names up as netgroups first; "@10" would read as an address */
		if (looks_numeric(c->host + 1))
			return -1;
		strbuf_addstr(sb, c->host + 1);
		return 0;
	case EXPORT_HOST_CIDR:
		if (strchr(c->host, ':'))
			return -1;
		strbuf_addf(sb, "@%s", c->host);
		return 0;
	default:
		return -1;
	}
}

/* A host as the AIX writer lists it; two clients may share one AIX name. */
struct aix_host {
	char *text;
	bool rw, root;
};

static void join_hosts(struct strbuf *sb, const char *opt, const struct aix_host *hs, size_t n,
		       int (*want)(const struct aix_host *, int), int arg)
{
	const char *sep = opt;

	for (size_t i = 0; i < n; i++)
		if (want(&hs[i], arg)) {
			strbuf_addstr(sb, sep);
			strbuf_addstr(sb, hs[i].text);
			sep = ":";
		}
}

static int want_rw(const struct aix_host *h, int rw)
{
	return h->rw == (rw != 0);
}

static int want_root(const struct aix_host *h, int unused)
{
	(void)unused;
	return h->root;
}

static int want_any(const struct aix_host *h, int unused)
{
	(void)h;
	(void)unused;
	return 1;
}

/* The AIX line of en without access= (hosts may mount as the world does). */
static void aix_grants(struct strbuf *parts, const struct aix_host *hs, size_t n, int world_rw,
		       int world_root, int with_access)
{
	size_t nrw = 0, nroot = 0;

	for (size_t i = 0; i < n; i++) {
		nrw += hs[i].rw;
		nroot += hs[i].root;
	}
	if (!world_rw && nrw)
		join_hosts(parts, ",rw=", hs, n, want_rw, 1);
	else if (!world_rw)
		strbuf_addstr(parts, ",ro");
	else if (nrw < n)
		join_hosts(parts, ",ro=", hs, n, want_rw, 0);
	if (world_root)
		strbuf_addstr(parts, ",root=*");
	else if (nroot)
		join_hosts(parts, ",root=", hs, n, want_root, 0);
	if (with_access)
		join_hosts(parts, ",access=", hs, n, want_any, 0);
}

/* The path options and vers= of en that AIX has, each after a ','. */
static void aix_popts(const struct export_entry *en, struct strbuf *parts)
{
	for (size_t i = 0; i < en->opts.nr; i++)
		if (aix_popt_ok(en->opts.v[i]))
			strbuf_addf(parts, ",%s", en->opts.v[i]);
	if (en->vers & 0x1c) {
		strbuf_addch(parts, ',');
		add_vers(parts, en->vers & 0x1c);
	}
}

static int aix_entry(struct writer *W, const struct export_entry *en, struct strbuf *out)
{
	struct strbuf what = STRBUF_INIT, parts = STRBUF_INIT, line = STRBUF_INIT;
	struct strbuf t = STRBUF_INIT;
	struct strvec dropped = STRVEC_INIT;
	struct aix_host *hs = NULL, *ls = NULL;
	size_t nh = 0, ah = 0, nl = 0, nrw = 0, nroot = 0, k;
	const struct export_client *w = NULL;
	int r = -1, world_root = 0, w_rw = 0, w_root = 0;

	add_what(&what, en->path, en->vers);
	if (*en->path != '/' || !printable_word(en->path)) {
		r = lose(
		    W,
		    "%s: a path with blanks or control bytes cannot be written in AIX exports: "
		    "left out",
		    what.buf);
		goto cleanup;
	}
	for (size_t i = 0; i < en->nr && !w; i++)
		if (en->clients[i].kind == EXPORT_HOST_WORLD) {
			w = &en->clients[i];
			w_rw = w->rw;
			w_root = w->root;
		}
	for (size_t i = 0; i < en->nr; i++) {
		const struct export_client *c = &en->clients[i];

		if (seen_before(en, i)) {
			if (lose(W, "%s: host '%s' given twice: the later grant is left out",
				 what.buf, c->host) < 0)
				goto cleanup;
			continue;
		}
		for (size_t j = 0; j < c->opts.nr; j++)
			if (strvec_find(&dropped, c->opts.v[j]) < 0)
				strvec_push(&dropped, c->opts.v[j]);
		if (c->kind == EXPORT_HOST_WORLD)
			continue;
		strbuf_reset(&t);
		if (aix_host_text(c, &t) < 0) {
			/* Left out, it would get the world's grant: never more than its own. */
			int narrow = w && ((w_rw && !c->rw) || (w_root && !c->root));

			if (narrow) {
				w_rw = w_rw && c->rw;
				w_root = w_root && c->root;
			}
			if (lose(W, "%s: host '%s' cannot be named in AIX exports: left out%s",
				 what.buf, c->host,
				 narrow ? ", and the world narrowed to its grant" : "") < 0)
				goto cleanup;
			continue;
		}
		for (k = 0; k < nh && strcmp(hs[k].text, t.buf); k++)
			;
		if (k < nh) {
			/* a netgroup and a host of one name: AIX gets one entry, the narrower */
			if ((hs[k].rw != c->rw || hs[k].root != c->root) &&
			    lose(W,
				 "%s: '%s' names two clients in AIX exports: given the narrower "
				 "grant",
				 what.buf, t.buf) < 0)
				goto cleanup;
			hs[k].rw = hs[k].rw && c->rw;
			hs[k].root = hs[k].root && c->root;
			continue;
		}
		ALLOC_GROW(hs, nh + 1, ah);
		hs[nh].rw = c->rw;
		hs[nh].root = c->root;
		hs[nh++].text = strbuf_detach(&t, NULL);
	}
	for (k = 0; k < nh; k++) {
		nrw += hs[k].rw;
		nroot += hs[k].root;
	}
	if (dropped.nr) {
		strbuf_reset(&t);
		strvec_join(&dropped, ",", &t);
		if (lose(W, "%s: client options AIX exports do not have, left out: %s", what.buf,
			 t.buf) < 0)
			goto cleanup;
	}
	for (size_t i = 0; i < en->opts.nr; i++)
		if (!aix_popt_ok(en->opts.v[i]) &&
		    lose(W, "%s: option '%s' has no AIX equivalent: left out", what.buf,
			 en->opts.v[i]) < 0)
			goto cleanup;
	if ((en->vers & ~0x1cu) &&
	    lose(W, "%s: NFS versions other than 2, 3 and 4 left out", what.buf) < 0)
		goto cleanup;
	if (w && w_root) {
		world_root = nroot == nh;
		if (!world_root &&
		    lose(W,
			 "%s: root for the world cannot be written beside hosts without it: "
			 "narrowed to the hosts listed in root=",
			 what.buf) < 0)
			goto cleanup;
	}
	if (!w && !nh) {
		r = lose(W, "%s: no client AIX exports can name: left out", what.buf);
		goto cleanup;
	}
	aix_popts(en, &parts);
	if (w) {
		/* Anyone may mount: list only the hosts that differ from the world. */
		ls = xcalloc(nh ? nh : 1, sizeof(*ls));
		nroot = 0;
		for (size_t i = 0; i < nh; i++)
			if (hs[i].rw != w_rw || (hs[i].root && !world_root)) {
				ls[nl++] = hs[i];
				nroot += hs[i].root && !world_root;
			}
		aix_grants(&parts, ls, nl, w_rw, world_root, 0);
	} else {
		aix_grants(&parts, hs, nh, nrw == nh, 0, 1);
	}
	strbuf_addstr(&line, en->path);
	if (parts.len)
		strbuf_addf(&line, " -%s", parts.buf + 1);
	if (line.len > EXPORTS_AIX_MAX_LINE && !w && W->o->aix_open_mount) {
		strbuf_reset(&parts);
		aix_popts(en, &parts);
		aix_grants(&parts, hs, nh, nrw == nh, 0, 0);
		strbuf_setlen(&line, strlen(en->path));
		if (parts.len)
			strbuf_addf(&line, " -%s", parts.buf + 1);
		if (lose(W,
			 "%s: access= dropped to fit AIX's %d-byte line: any host may now mount "
			 "it",
			 what.buf, EXPORTS_AIX_MAX_LINE) < 0)
			goto cleanup;
	}
	if (line.len > EXPORTS_AIX_MAX_LINE) {
		r = lose(W, "%s: the line would be %zu bytes, AIX reads at most %d: left out",
			 what.buf, line.len, EXPORTS_AIX_MAX_LINE);
		goto cleanup;
	}
	if (nroot > EXPORTS_AIX_MAX_ROOT) {
		r = lose(W, "%s: %zu hosts in root=, AIX allows %d: left out (use a subnet)",
			 what.buf, nroot, EXPORTS_AIX_MAX_ROOT);
		goto cleanup;
	}
	strbuf_add(out, line.buf, line.len);
	strbuf_addch(out, '\n');
	r = 0;
cleanup:
	for (size_t i = 0; i < nh; i++)
		free(hs[i].text);
	free(hs);
	free(ls);
	strbuf_release(&what);
	strbuf_release(&parts);
	strbuf_release(&line);
	strbuf_release(&t);
	strvec_clear(&dropped);
	return r;
}

/*
 * Appends s as part of a Linux exports token: blanks, quotes, '\', '#',
 * control bytes and bytes outside ASCII as "\ooo", and so is an octal digit
 * that would otherwise complete a "\ooo" with a '\' decoded just before it.
 */
static void lx_escape(struct strbuf *sb, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		int esc = c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '#';

		if (!esc && is_oct((char)c))
			for (size_t k = 1; k <= 3 && k <= i; k++)
				if (s[i - k] == '\\')
					esc = 1;
		if (esc)
			strbuf_addf(sb, "\\%03o", c);
		else
			strbuf_addch(sb, (char)c);
	}
}

/*
 * Whether opt survives in a Linux client's "(...)": exportfs decodes the
 * token before it splits the options, so no escape can protect a ',' or a
 * ')', and the Linux parser refuses blanks and parentheses in an option.
 */
static int linux_opt_ok(const char *opt)
{
	size_t n = strlen(opt);

	return n && opt[0] != '=' && opt[n - 1] != '=' && !strpbrk(opt, " \t\r\f\v(),");
}

/* The Linux form of a path option, or 0 when Linux has none. */
static int linux_popt(const char *opt, struct strbuf *sb)
{
	static const char *const same[] = {"fsid=", "sec=", "replicas=", "refer="};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (starts_with(opt, same[i]) && opt[strlen(same[i])]) {
			strbuf_addstr(sb, opt);
			return 1;
		}
	if (starts_with(opt, "anon=") && opt[5]) {
		strbuf_addf(sb, "anonuid=%s", opt + 5);
		return 1;
	}
	return 0;
}

/*
 * The decoded "host(options)" token of c into t, with the world's grant
 * given by rw and root (c's own for other hosts). Returns 0, or -1 when
 * strict mode refuses an option that cannot be written.
 */
static int linux_token(struct writer *W, const char *what, const struct export_client *c, bool rw,
		       bool root, const struct strvec *popts, struct strbuf *t)
{
	strbuf_reset(t);
	strbuf_addf(t, "%s(%s,%s", c->kind == EXPORT_HOST_WORLD ? "*" : c->host, rw ? "rw" : "ro",
		    root ? "no_root_squash" : "root_squash");
	if (c->insecure || c->aix || W->o->insecure_all)
		strbuf_addstr(t, ",insecure");
	for (size_t j = 0; j < popts->nr; j++)
		if (!find_key(&c->opts, popts->v[j]))
			strbuf_addf(t, ",%s", popts->v[j]);
	for (size_t j = 0; j < c->opts.nr; j++) {
		if (linux_opt_ok(c->opts.v[j]))
			strbuf_addf(t, ",%s", c->opts.v[j]);
		else if (lose(W,
			      "%s: host '%s': option '%s' cannot be written in Linux exports: left "
			      "out",
			      what, c->host, c->opts.v[j]) < 0)
			return -1;
	}
	strbuf_addch(t, ')');
	return 0;
}

static int linux_entry(struct writer *W, const struct export_list *l, size_t idx,
		       struct strbuf *out)
{
	const struct export_entry *en = &l->entries[idx];
	struct strbuf what = STRBUF_INIT, line = STRBUF_INIT, tok = STRBUF_INIT, t = STRBUF_INIT;
	struct strvec popts = STRVEC_INIT, toks = STRVEC_INIT;
	const struct export_client *w = NULL;
	size_t col, wi = 0, ntok = 0;
	bool w_rw = false, w_root = false;
	int r = -1;

	add_what(&what, en->path, en->vers);
	if (*en->path != '/' || strlen(en->path) > LINUX_MAX_PATH) {
		r = lose(W, "%s: not an absolute path of at most %d bytes: left out", what.buf,
			 LINUX_MAX_PATH);
		goto cleanup;
	}
	for (size_t i = 0; i < idx; i++)
		if (!strcmp(l->entries[i].path, en->path)) {
			inform(
			    W,
			    "%s: path written more than once: exportfs keeps the first grant for "
			    "each host",
			    what.buf);
			break;
		}
	for (size_t i = 0; i < en->opts.nr; i++) {
		strbuf_reset(&t);
		if (linux_popt(en->opts.v[i], &t) && linux_opt_ok(t.buf))
			strvec_push(&popts, t.buf);
		else if (lose(W, "%s: option '%s' has no Linux equivalent: left out", what.buf,
			      en->opts.v[i]) < 0)
			goto cleanup;
	}
	if (en->vers && lose(W, "%s: Linux exports have no per-export NFS versions: vers left out",
			     what.buf) < 0)
		goto cleanup;
	for (size_t i = 0; i < en->nr && !w; i++)
		if (en->clients[i].kind == EXPORT_HOST_WORLD) {
			w = &en->clients[i];
			wi = i;
			w_rw = w->rw;
			w_root = w->root;
		}
	/* First pass: the tokens; a host left out narrows the world to its grant. */
	for (size_t i = 0; i < en->nr; i++) {
		const struct export_client *c = &en->clients[i];

		if (seen_before(en, i)) {
			if (lose(W, "%s: host '%s' given twice: the later grant is left out",
				 what.buf, c->host) < 0)
				goto cleanup;
			strvec_push(&toks, "");
			continue;
		}
		if (linux_token(W, what.buf, c, c->rw, c->root, &popts, &t) < 0)
			goto cleanup;
		if (t.len > LINUX_MAX_CLIENT) {
			int narrow = w && c != w && ((w_rw && !c->rw) || (w_root && !c->root));

			if (narrow) {
				w_rw = w_rw && c->rw;
				w_root = w_root && c->root;
			}
			if (lose(W,
				 "%s: host '%s' with its options is %zu bytes, exportfs reads at "
				 "most "
				 "%d: left out%s",
				 what.buf, c->host, t.len, LINUX_MAX_CLIENT,
				 narrow ? ", and the world narrowed to its grant" : "") < 0)
				goto cleanup;
			strvec_push(&toks, "");
			continue;
		}
		strvec_push(&toks, t.buf);
	}
	if (w && *toks.v[wi] && (w_rw != w->rw || w_root != w->root)) {
		if (linux_token(W, what.buf, w, w_rw, w_root, &popts, &t) < 0)
			goto cleanup;
		free(toks.v[wi]);
		toks.v[wi] = strbuf_detach(&t, NULL);
	}
	/* Second pass: the line, continued where it grows long. */
	lx_escape(&line, en->path);
	col = line.len;
	for (size_t i = 0; i < toks.nr; i++) {
		if (!*toks.v[i])
			continue;
		strbuf_reset(&tok);
		lx_escape(&tok, toks.v[i]);
		if (ntok++ && col + 1 + tok.len > LINUX_WRAP) {
			strbuf_addstr(&line, " \\\n\t");
			col = 8;
		} else {
			strbuf_addch(&line, ' ');
			col++;
		}
		strbuf_add(&line, tok.buf, tok.len);
		col += tok.len;
	}
	if (!ntok) {
		r = lose(W, "%s: no client: left out (a bare path would export it to the world)",
			 what.buf);
		goto cleanup;
	}
	strbuf_add(out, line.buf, line.len);
	strbuf_addch(out, '\n');
	r = 0;
cleanup:
	strbuf_release(&what);
	strbuf_release(&line);
	strbuf_release(&tok);
	strbuf_release(&t);
	strvec_clear(&popts);
	strvec_clear(&toks);
	return r;
}

int exports_write(const struct export_list *l, enum exports_flavor flavor,
		  const struct exports_write_opts *o, struct strbuf *out, struct strvec *warnings,
		  struct err *e)
{
	static const struct exports_write_opts defaults = EXPORTS_WRITE_OPTS_INIT;
	struct strvec local = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT;
	struct writer W = {o ? o : &defaults, warnings ? warnings : &local, e, 0};
	int r = 0;

	for (size_t i = 0; i < l->nr && r == 0; i++)
		r = flavor == EXPORTS_AIX ? aix_entry(&W, &l->entries[i], &text)
					  : linux_entry(&W, l, i, &text);
	if (r == 0)
		strbuf_add(out, text.buf, text.len);
	strbuf_release(&text);
	strvec_clear(&local);
	return r < 0 ? -1 : W.lost;
}

/* -------------------------------------------------------------- merging */

__attribute__((format(printf, 3, 4))) static void conflict(struct strvec *conflicts, int *n,
							   const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	(*n)++;
	if (conflicts)
		strvec_push_nodup(conflicts, strbuf_detach(&sb, NULL));
	strbuf_release(&sb);
}

static void join_opts(const struct strvec *v, struct strbuf *sb)
{
	if (!v->nr)
		strbuf_addstr(sb, "none");
	for (size_t i = 0; i < v->nr; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_addquoted(sb, v->v[i], strlen(v->v[i]));
	}
}

/* Reports the path options on which dst and src differ; dst keeps its own. */
static void merge_popts(const struct export_entry *dst, const struct export_entry *src,
			const char *what, struct strvec *conflicts, int *n)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct strvec keys = STRVEC_INIT;

	for (size_t i = 0; i < dst->opts.nr + src->opts.nr; i++) {
		const char *o = i < dst->opts.nr ? dst->opts.v[i] : src->opts.v[i - dst->opts.nr];
		const char *x, *y;
		int seen = 0;

		for (size_t k = 0; k < keys.nr && !seen; k++)
			seen = same_key(keys.v[k], o);
		if (seen)
			continue;
		strvec_push(&keys, o);
		x = find_key(&dst->opts, o);
		y = find_key(&src->opts, o);
		if (x && y && !strcmp(x, y))
			continue;
		strbuf_reset(&a);
		strbuf_reset(&b);
		add_where(&a, dst->file, dst->line);
		add_where(&b, src->file, src->line);
		if (x && y)
			conflict(conflicts, n,
				 "%s: option '%s' in %s but '%s' in %s: kept the first", what, x,
				 a.buf, y, b.buf);
		else if (x)
			conflict(conflicts, n, "%s: option '%s' in %s but none in %s: kept it",
				 what, x, a.buf, b.buf);
		else
			conflict(conflicts, n,
				 "%s: no option '%.*s' in %s but '%s' in %s: kept none", what,
				 (int)opt_keylen(y), y, a.buf, y, b.buf);
	}
	strvec_clear(&keys);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void merge_client(struct export_client *d, const struct export_client *s, const char *what,
			 struct strvec *conflicts, int *n)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	add_where(&a, d->file, d->line);
	add_where(&b, s->file, s->line);
	if (d->rw != s->rw) {
		conflict(conflicts, n, "%s: host '%s' is %s in %s but %s in %s: kept read-only",
			 what, d->host, d->rw ? "read-write" : "read-only", a.buf,
			 s->rw ? "read-write" : "read-only", b.buf);
		d->rw = false;
	}
	if (d->root != s->root) {
		conflict(conflicts, n,
			 "%s: host '%s' has root access in %s but not in %s: kept no root", what,
			 d->host, d->root ? a.buf : b.buf, d->root ? b.buf : a.buf);
		d->root = false;
	}
	if (d->insecure != s->insecure) {
		conflict(conflicts, n, "%s: host '%s' is insecure in %s but not in %s: kept secure",
			 what, d->host, d->insecure ? a.buf : b.buf, d->insecure ? b.buf : a.buf);
		d->insecure = false;
	}
	if (!strvec_equal(&d->opts, &s->opts)) {
		struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

		join_opts(&d->opts, &x);
		join_opts(&s->opts, &y);
		conflict(conflicts, n,
			 "%s: host '%s' has options %s in %s but %s in %s: kept the first", what,
			 d->host, x.buf, a.buf, y.buf, b.buf);
		strbuf_release(&x);
		strbuf_release(&y);
	}
	d->aix = d->aix || s->aix;
	strbuf_release(&a);
	strbuf_release(&b);
}

int exports_merge(const struct export_list *const *lists, size_t n, struct export_list *out,
		  struct strvec *conflicts, struct err *e)
{
	struct strmap index = STRMAP_INIT, hosts = STRMAP_INIT;
	struct strbuf key = STRBUF_INIT, what = STRBUF_INIT, prefix = STRBUF_INIT;
	int nconf = 0;

	(void)e;
	list_init(out);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < lists[i]->nr; j++) {
			const struct export_entry *src = &lists[i]->entries[j];
			struct export_entry *dst;
			void *at;

			strbuf_reset(&key);
			strbuf_addf(&key, "%u:%s", src->vers, src->path);
			at = strmap_get(&index, key.buf);
			if (!at) {
				export_list_add(out, src->path, src->vers, src->file, src->line);
				for (size_t k = 0; k < src->opts.nr; k++)
					strvec_push(&out->entries[out->nr - 1].opts,
						    src->opts.v[k]);
				at = (void *)(uintptr_t)out->nr;
				strmap_put(&index, key.buf, at);
			} else {
				dst = &out->entries[(uintptr_t)at - 1];
				strbuf_reset(&what);
				add_what(&what, dst->path, dst->vers);
				merge_popts(dst, src, what.buf, conflicts, &nconf);
			}
			dst = &out->entries[(uintptr_t)at - 1];
			strbuf_reset(&prefix);
			strbuf_addf(&prefix, "%zu:", (size_t)(uintptr_t)at);
			strbuf_reset(&what);
			add_what(&what, dst->path, dst->vers);
			for (size_t k = 0; k < src->nr; k++) {
				const struct export_client *s = &src->clients[k];
				void *ci;

				host_key(&key, prefix.buf, s->kind, s->host);
				ci = strmap_get(&hosts, key.buf);
				if (ci) {
					merge_client(&dst->clients[(uintptr_t)ci - 1], s, what.buf,
						     conflicts, &nconf);
				} else {
					client_copy(dst, s);
					strmap_put(&hosts, key.buf, (void *)(uintptr_t)dst->nr);
				}
			}
		}
	strmap_clear(&index);
	strmap_clear(&hosts);
	strbuf_release(&key);
	strbuf_release(&what);
	strbuf_release(&prefix);
	return nconf;
}

/* ---------------------------------------------------------------- audit */

/* Address and prefix of an address or subnet client; -1 for other kinds. */
static int client_net(const struct export_client *c, unsigned char a[16], int *fam,
		      unsigned *prefix)
{
	const char *slash = strchr(c->host, '/');
	unsigned long p;

	if (c->kind != EXPORT_HOST_IPV4 && c->kind != EXPORT_HOST_IPV6 &&
	    c->kind != EXPORT_HOST_CIDR)
		return -1;
	if (parse_addr(c->host, slash ? (size_t)(slash - c->host) : strlen(c->host), a, fam) < 0)
		return -1;
	if (slash && parse_ulong(slash + 1, &p))
		*prefix = (unsigned)p;
	else
		*prefix = *fam == AF_INET ? 32 : 128;
	return 0;
}

/*
 * How specifically b covers the host of a: 0 not at all, then the world,
 * a wildcard, a subnet (longer prefixes higher), the same host.
 */
static unsigned coverage(const struct export_client *b, const struct export_client *a)
{
	unsigned char x[16], y[16];
	unsigned px, py;
	int fx, fy;

	if (b->kind == a->kind && !strcmp(b->host, a->host))
		return 10000;
	switch (b->kind) {
	case EXPORT_HOST_WORLD:
		return 1;
	case EXPORT_HOST_WILDCARD:
		return a->kind == EXPORT_HOST_NAME && !fnmatch(b->host, a->host, 0) ? 2 : 0;
	case EXPORT_HOST_CIDR:
		if (client_net(b, x, &fx, &px) < 0 || client_net(a, y, &fy, &py) < 0 || fx != fy ||
		    py < px)
			return 0;
		mask_addr(y, fy, px);
		return memcmp(x, y, fx == AF_INET ? 4 : 16) ? 0 : 100 + px;
	default:
		return 0;
	}
}

static const struct export_entry *audit_match(const struct export_list *b, const char *path,
					      unsigned vers)
{
	const struct export_entry *any = NULL, *unversioned = NULL;

	for (size_t i = 0; i < b->nr; i++) {
		const struct export_entry *en = &b->entries[i];

		if (strcmp(en->path, path))
			continue;
		if (en->vers == vers)
			return en;
		if (!en->vers && !unversioned)
			unversioned = en;
		if (!any)
			any = en;
	}
	return vers ? unversioned : any;
}

static void diff_add(struct export_diff_list *out, enum export_diff_kind kind,
		     const struct export_entry *en, const char *host, char *detail,
		     const char *file, unsigned line)
{
	struct export_diff *d;

	ALLOC_GROW(out->d, out->nr + 1, out->alloc);
	d = &out->d[out->nr++];
	d->kind = kind;
	d->path = xstrdup(en->path);
	d->vers = en->vers;
	d->host = host ? xstrdup(host) : NULL;
	d->detail = detail;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
}

size_t exports_audit(const struct export_list *a, const struct export_list *b,
		     struct export_diff_list *out)
{
	size_t before = out->nr;

	for (size_t i = 0; i < a->nr; i++) {
		const struct export_entry *ea = &a->entries[i];
		const struct export_entry *eb = audit_match(b, ea->path, ea->vers);

		if (!eb) {
			diff_add(out, EXPORT_DIFF_ENTRY, ea, NULL, NULL, ea->file, ea->line);
			continue;
		}
		for (size_t k = 0; k < ea->opts.nr; k++) {
			const char *o = ea->opts.v[k], *other = find_key(&eb->opts, o);
			struct strbuf sb = STRBUF_INIT;

			if (strvec_find(&eb->opts, o) >= 0)
				continue;
			strbuf_addf(&sb, "%s (other: %s)", o, other ? other : "none");
			diff_add(out, EXPORT_DIFF_OPTION, ea, NULL, strbuf_detach(&sb, NULL),
				 ea->file, ea->line);
		}
		for (size_t k = 0; k < ea->nr; k++) {
			const struct export_client *ca = &ea->clients[k], *best = NULL;
			unsigned score = 0;

			for (size_t m = 0; m < eb->nr; m++) {
				unsigned s = coverage(&eb->clients[m], ca);

				if (s > score) {
					score = s;
					best = &eb->clients[m];
				}
			}
			if (!best)
				diff_add(out, EXPORT_DIFF_MOUNT, ea, ca->host, NULL, ca->file,
					 ca->line);
			else if (ca->rw && !best->rw)
				diff_add(out, EXPORT_DIFF_RW, ea, ca->host, NULL, ca->file,
					 ca->line);
			if (best && ca->root && !best->root)
				diff_add(out, EXPORT_DIFF_ROOT, ea, ca->host, NULL, ca->file,
					 ca->line);
		}
	}
	return out->nr - before;
}

void export_diff_describe(const struct export_diff *d, struct strbuf *sb)
{
	add_what(sb, d->path, d->vers);
	switch (d->kind) {
	case EXPORT_DIFF_ENTRY:
		strbuf_addstr(sb, ": exported, not by the other");
		break;
	case EXPORT_DIFF_MOUNT:
		strbuf_addf(sb, ": '%s' may mount", d->host);
		break;
	case EXPORT_DIFF_RW:
		strbuf_addf(sb, ": '%s' may write", d->host);
		break;
	case EXPORT_DIFF_ROOT:
		strbuf_addf(sb, ": '%s' has root access", d->host);
		break;
	case EXPORT_DIFF_OPTION:
		strbuf_addstr(sb, ": option ");
		strbuf_addquoted(sb, d->detail, strlen(d->detail));
		break;
	}
	strbuf_addstr(sb, " (");
	add_where(sb, d->file, d->line);
	strbuf_addch(sb, ')');
}

void export_diff_list_release(struct export_diff_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->d[i].path);
		free(l->d[i].host);
		free(l->d[i].detail);
		free(l->d[i].file);
	}
	free(l->d);
	l->d = NULL;
	l->nr = l->alloc = 0;
}

/* ------------------------------------------------------------- equality */

__attribute__((format(printf, 2, 3))) static bool differ(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		strbuf_vaddf(why, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool exports_equal(const struct export_list *a, const struct export_list *b, struct strbuf *why)
{
	if (a->nr != b->nr)
		return differ(why, "%zu entries against %zu", a->nr, b->nr);
	for (size_t i = 0; i < a->nr; i++) {
		const struct export_entry *x = &a->entries[i], *y = &b->entries[i];

		if (strcmp(x->path, y->path) || x->vers != y->vers)
			return differ(why, "entry %zu: path or vers differ", i);
		if (!strvec_equal(&x->opts, &y->opts))
			return differ(why, "entry %zu: path options differ", i);
		if (x->nr != y->nr)
			return differ(why, "entry %zu: %zu clients against %zu", i, x->nr, y->nr);
		for (size_t k = 0; k < x->nr; k++) {
			const struct export_client *c = &x->clients[k], *d = &y->clients[k];

			if (c->kind != d->kind || strcmp(c->host, d->host))
				return differ(why, "entry %zu client %zu: host differs", i, k);
			if (c->rw != d->rw || c->root != d->root || c->insecure != d->insecure ||
			    c->aix != d->aix)
				return differ(why, "entry %zu client %zu ('%s'): flags differ", i,
					      k, c->host);
			if (!strvec_equal(&c->opts, &d->opts))
				return differ(why, "entry %zu client %zu ('%s'): options differ", i,
					      k, c->host);
		}
	}
	return true;
}
