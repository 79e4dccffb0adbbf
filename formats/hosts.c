/*
 * hosts.c: line-preserving edits of hosts files; see hosts.h. Lines are
 * parsed only as far as needed: the address, the names, a comment. A line
 * that names the host is rebuilt; all others are copied as they are.
 */
#include <string.h>

#include "formats/hosts.h"
#include "util/strvec.h"
#include "util/util.h"
#include "util/banned.h"

#define HOSTS_MAX_LINE 65536

/* Splits the part of line before any '#' into blank-separated fields. */
static void fields(const char *line, size_t n, struct strvec *out)
{
	size_t i = 0;

	while (i < n && line[i] != '#') {
		size_t s;
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= n || line[i] == '#')
			break;
		s = i;
		while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '#')
			i++;
		strvec_push_nodup(out, xstrndup(line + s, i - s));
	}
}

static int check_token(const char *what, const char *v, struct err *e)
{
	if (!*v || strpbrk(v, " \t\r\n#"))
		return err_set(e, "bad %s '%s' for a hosts file", what, v);
	return 0;
}

/* ip NULL: remove every mapping of host; else keep exactly one "ip host". */
static int edit(const char *buf, size_t len, const char *name, const char *ip, const char *host,
		struct strbuf *out, struct err *e)
{
	size_t pos = 0;
	unsigned line = 0;
	int kept = 0;

	if (check_token("host", host, e) < 0 || (ip && check_token("address", ip, e) < 0))
		return -1;
	strbuf_reset(out);
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		struct strvec f = STRVEC_INIT;
		long at;

		line++;
		if (n > HOSTS_MAX_LINE)
			return err_set(e, "cannot read '%s' line %u: longer than %d bytes", name, line,
				       HOSTS_MAX_LINE);
		if (memchr(s, '\0', n))
			return err_set(e, "cannot read '%s' line %u column %zu: NUL byte", name, line,
				       (size_t)((const char *)memchr(s, '\0', n) - s) + 1);
		pos += n + (nl ? 1 : 0);
		fields(s, n, &f);
		at = f.nr >= 2 ? strvec_find(&f, host) : -1;
		if (at < 1) {
			strbuf_add(out, s, n);
			if (nl)
				strbuf_addch(out, '\n');
			strvec_clear(&f);
			continue;
		}
		if (ip && !kept && f.nr == 2) {
			/* the one line "ip host": keep it (its spacing too) or fix its address */
			if (!strcmp(f.v[0], ip))
				strbuf_add(out, s, n);
			else
				strbuf_addf(out, "%s %s", ip, host);
			strbuf_addch(out, '\n');
			kept = 1;
		} else if (f.nr > 2) {
			/* host among other names: drop every mention, keep the others */
			size_t left = 0;
			for (size_t i = 1; i < f.nr; i++)
				left += strcmp(f.v[i], host) != 0;
			if (left) {
				strbuf_addstr(out, f.v[0]);
				for (size_t i = 1; i < f.nr; i++)
					if (strcmp(f.v[i], host))
						strbuf_addf(out, " %s", f.v[i]);
				strbuf_addch(out, '\n');
			}
		}
		/* else: a duplicate or stale "x host" line goes */
		strvec_clear(&f);
	}
	if (ip && !kept) {
		if (out->len && out->buf[out->len - 1] != '\n')
			strbuf_addch(out, '\n');
		strbuf_addf(out, "%s %s\n", ip, host);
	}
	return out->len != len || memcmp(out->buf, buf, len) ? 1 : 0;
}

int hosts_ensure(const char *buf, size_t len, const char *name, const char *ip, const char *host,
		 struct strbuf *out, struct err *e)
{
	return edit(buf, len, name, ip, host, out, e);
}

int hosts_remove(const char *buf, size_t len, const char *name, const char *host,
		 struct strbuf *out, struct err *e)
{
	return edit(buf, len, name, NULL, host, out, e);
}
