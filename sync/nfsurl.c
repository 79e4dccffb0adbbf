/*
 * nfsurl.c: parser of nfs:// destination URLs (see nfsurl.h). A cursor
 * walks the string once: scheme, host, optional port, path up to '?',
 * then name=value options separated by '&'.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sync/nfsurl.h"
#include "util/banned.h"

#define SCHEME "nfs://"

bool nfsurl_is(const char *s)
{
	return s && !strncmp(s, SCHEME, strlen(SCHEME));
}

void nfsurl_release(struct nfsurl *u)
{
	struct nfsurl empty = NFSURL_INIT;

	free(u->host);
	free(u->path);
	*u = empty;
}

static int bad(const char *url, struct nfsurl *u, struct err *e, const char *why)
{
	nfsurl_release(u);
	return err_set(e, "invalid NFS URL '%s': %s", url, why);
}

/* A decimal number in [min, max] spanning exactly [p, end); -1 when not. */
static long number(const char *p, const char *end, long min, long max)
{
	long v = 0;

	if (p == end || end - p > 9)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v < min || v > max ? -1 : v;
}

static bool host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* Appends the components of [p, end) to path, dropping "" and "."; false on "..". */
static bool add_path(struct strbuf *path, const char *p, const char *end)
{
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;
		size_t n = (size_t)(stop - p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		if (n && !(n == 1 && p[0] == '.')) {
			strbuf_addch(path, '/');
			strbuf_add(path, p, n);
		}
		p = slash ? slash + 1 : end;
	}
	return true;
}

static int option(const char *url, struct nfsurl *u, struct err *e, const char *p, const char *end)
{
	const char *eq = memchr(p, '=', (size_t)(end - p));
	size_t nlen;
	long v;

	if (!eq)
		return bad(url, u, e, "an option needs a value (name=value)");
	nlen = (size_t)(eq - p);
#define IS(name) (nlen == strlen(name) && !memcmp(p, name, nlen))
	if (IS("nfsport") || IS("mountport")) {
		v = number(eq + 1, end, 1, 65535);
		if (v < 0)
			return bad(url, u, e, "a port is a number from 1 to 65535");
		if (IS("mountport")) {
			u->mountport = (int)v;
		} else {
			if (u->nfsport && u->nfsport != v)
				return bad(url, u, e, "nfsport= differs from the port after the host");
			u->nfsport = (int)v;
		}
	} else if (IS("version")) {
		v = number(eq + 1, end, 3, 4);
		if (v < 0)
			return bad(url, u, e, "version must be 3 or 4");
		u->version = (int)v;
	} else if (IS("timeout")) {
		v = number(eq + 1, end, 1, 86400);
		if (v < 0)
			return bad(url, u, e, "timeout is a number of seconds from 1 to 86400");
		u->timeout = (int)v;
	} else if (IS("inflight")) {
		v = number(eq + 1, end, 1, 1024);
		if (v < 0)
			return bad(url, u, e, "inflight is a number from 1 to 1024");
		u->inflight = (int)v;
	} else {
		return bad(url, u, e,
			   "unknown option (known: nfsport, mountport, version, timeout, inflight)");
	}
#undef IS
	return 0;
}

int nfsurl_parse(const char *url, struct nfsurl *u, struct err *e)
{
	struct strbuf path = STRBUF_INIT;
	const char *p, *h, *hend, *q;

	nfsurl_release(u);
	if (!nfsurl_is(url))
		return bad(url, u, e, "it must start with nfs://");
	p = url + strlen(SCHEME);
	if (*p == '[') {
		h = ++p;
		while (isxdigit((unsigned char)*p) || *p == ':' || *p == '.')
			p++;
		if (*p != ']' || p == h)
			return bad(url, u, e, "a bracketed IPv6 address must be closed by ']'");
		hend = p++;
	} else {
		h = p;
		while (host_char((unsigned char)*p))
			p++;
		hend = p;
	}
	if (hend == h)
		return bad(url, u, e, "no server name");
	u->host = xstrndup(h, (size_t)(hend - h));
	for (char *c = u->host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (*p == ':') {
		const char *ps = ++p;
		long v;
		while (*p >= '0' && *p <= '9')
			p++;
		v = number(ps, p, 1, 65535);
		if (v < 0)
			return bad(url, u, e, "a port is a number from 1 to 65535");
		u->nfsport = (int)v;
	}
	if (*p != '/')
		return bad(url, u, e, "the server must be followed by an absolute path");
	q = strchr(p, '?');
	if (!add_path(&path, p, q ? q : p + strlen(p))) {
		strbuf_release(&path);
		return bad(url, u, e, "'..' is not allowed in the path");
	}
	if (!path.len)
		strbuf_addch(&path, '/');
	u->path = strbuf_detach(&path, NULL);
	if (q) {
		p = q + 1;
		if (!*p)
			return bad(url, u, e, "nothing after '?'");
		for (;;) {
			const char *amp = strchr(p, '&');
			const char *end = amp ? amp : p + strlen(p);
			if (end == p)
				return bad(url, u, e, "an empty option");
			if (option(url, u, e, p, end) < 0)
				return -1;
			if (!amp)
				break;
			p = amp + 1;
		}
	}
	return 0;
}

void nfsurl_canonical(const struct nfsurl *u, struct strbuf *sb)
{
	bool v6 = strchr(u->host, ':') != NULL;

	strbuf_addstr(sb, SCHEME);
	strbuf_addf(sb, v6 ? "[%s]" : "%s", u->host);
	if (u->nfsport)
		strbuf_addf(sb, ":%d", u->nfsport);
	strbuf_addstr(sb, u->path);
}
