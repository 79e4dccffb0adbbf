/*
 * niminfo.c: reads and edits NIM client information files.
 *
 * NIM writes, for each diskless client, a file of shell assignments that
 * the client sources at network boot (the server's <tftpdir>/<ip>.info)
 * and keeps as /etc/niminfo: where its root and SPOT are mounted from
 * (ROOT=server:/path, SPOT=server:/path) and the hosts it must know before
 * name resolution works (NIM_HOSTS=" ip:name  ip:name "). Redirecting a
 * client to the external NFS server means pointing ROOT and SPOT there and
 * adding that server to NIM_HOSTS, and nothing else: the rest of the file
 * is NIM's and must come back byte for byte.
 *
 * The file is parsed line by line with a cursor; the parse records where
 * each value sits, edits splice new bytes in at those positions, and the
 * result is parsed again before it replaces the old bytes.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/niminfo.h"
#include "util/strvec.h"
#include "util/util.h"
#include "util/banned.h"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

struct nim_parser {
	const char *name;
	unsigned line;
	struct err *e;
};

__attribute__((format(printf, 2, 3))) static int fail(struct nim_parser *P, const char *fmt, ...)
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

static const char *shown(struct strbuf *sb, const char *p, size_t n)
{
	strbuf_reset(sb);
	strbuf_addquoted(sb, p, n > 64 ? 64 : n);
	if (n > 64)
		strbuf_addstr(sb, "...");
	return sb->buf;
}

static void free_vars(struct niminfo_var *v, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

/* One assignment line [s, t) (trimmed) starting at off; appends to f. */
static int parse_assignment(struct nim_parser *P, struct niminfo *f, size_t off, size_t next,
			    size_t s, size_t t)
{
	const char *buf = f->text.buf;
	struct strbuf q = STRBUF_INIT;
	struct niminfo_var *v;
	size_t ns, ne, vs, ve;
	bool exported = false;
	char quote = 0;
	int ret = -1;

	if (t - s > 6 && !memcmp(buf + s, "export", 6) && is_blank(buf[s + 6])) {
		exported = true;
		s += 6;
		while (s < t && is_blank(buf[s]))
			s++;
	}
	ns = ne = s;
	if (ne < t && is_name_start(buf[ne]))
		while (ne < t && is_name_char(buf[ne]))
			ne++;
	if (ne == ns || ne == t || buf[ne] != '=') {
		fail(P, "expected 'export NAME=value', got '%s'", shown(&q, buf + s, t - s));
		goto cleanup;
	}
	vs = ne + 1;
	ve = t;
	if (vs < ve && (buf[vs] == '"' || buf[vs] == '\'')) {
		const char *close = ve - vs > 1 ? memchr(buf + vs + 1, buf[vs], ve - vs - 1) : NULL;

		quote = buf[vs];
		if (!close) {
			fail(P, "unterminated %s quote in the value of %s",
			     quote == '"' ? "double" : "single", shown(&q, buf + ns, ne - ns));
			goto cleanup;
		}
		if ((size_t)(close - buf) + 1 != ve) {
			fail(P, "text after the closing quote in the value of %s",
			     shown(&q, buf + ns, ne - ns));
			goto cleanup;
		}
	} else {
		for (size_t i = vs; i < ve; i++) {
			if (is_blank(buf[i]) || buf[i] == '"' || buf[i] == '\'') {
				fail(P, "%s in the unquoted value of %s",
				     is_blank(buf[i]) ? "a blank" : "a quote",
				     shown(&q, buf + ns, ne - ns));
				goto cleanup;
			}
		}
	}
	ALLOC_GROW(f->vars, f->nr + 1, f->alloc);
	v = &f->vars[f->nr++];
	v->name = xstrndup(buf + ns, ne - ns);
	v->value = quote ? xstrndup(buf + vs + 1, ve - vs - 2) : xstrndup(buf + vs, ve - vs);
	v->quote = quote;
	v->exported = exported;
	v->line = P->line;
	v->line_off = off;
	v->line_next = next;
	v->value_off = vs;
	v->value_len = ve - vs;
	ret = 0;
cleanup:
	strbuf_release(&q);
	return ret;
}

/* Parses f->text into f->vars (empty). 0, or -1 with e set and no vars. */
static int parse_text(struct niminfo *f, struct err *e)
{
	struct nim_parser P = {f->name ? f->name : "", 0, e};
	const char *buf = f->text.buf;
	size_t off = 0, len = f->text.len;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t le = nl ? (size_t)(nl - buf) : len, next = nl ? le + 1 : len;
		size_t s = off, t = le;
		const char *nul;

		P.line++;
		nul = memchr(buf + off, '\0', le - off);
		if (nul) {
			err_set(e, "cannot read '%s' line %u column %zu: NUL byte", P.name, P.line,
				(size_t)(nul - (buf + off)) + 1);
			goto fail;
		}
		while (s < t && is_blank(buf[s]))
			s++;
		while (t > s && is_blank(buf[t - 1]))
			t--;
		if (s < t && buf[s] != '#' && parse_assignment(&P, f, off, next, s, t) < 0)
			goto fail;
		off = next;
	}
	return 0;
fail:
	free_vars(f->vars, f->nr);
	f->vars = NULL;
	f->nr = f->alloc = 0;
	return -1;
}

int niminfo_parse(const char *buf, size_t len, const char *name, struct niminfo *out, struct err *e)
{
	struct niminfo f = NIMINFO_INIT;

	*out = f;
	f.name = xstrdup(name ? name : "");
	strbuf_add(&f.text, buf, len);
	if (parse_text(&f, e) < 0) {
		niminfo_release(&f);
		return -1;
	}
	*out = f;
	return 0;
}

void niminfo_write(const struct niminfo *f, struct strbuf *out)
{
	strbuf_add(out, f->text.buf, f->text.len);
}

void niminfo_release(struct niminfo *f)
{
	free_vars(f->vars, f->nr);
	free(f->name);
	strbuf_release(&f->text);
	f->name = NULL;
	f->vars = NULL;
	f->nr = f->alloc = 0;
}

static const struct niminfo_var *last_var(const struct niminfo *f, const char *var)
{
	for (size_t i = f->nr; i > 0; i--)
		if (!strcmp(f->vars[i - 1].name, var))
			return &f->vars[i - 1];
	return NULL;
}

const char *niminfo_get(const struct niminfo *f, const char *var)
{
	const struct niminfo_var *v = last_var(f, var);

	return v ? v->value : NULL;
}

/* --- editing --- */

static const char *fname(const struct niminfo *f)
{
	return f->name ? f->name : "";
}

static int check_name(const struct niminfo *f, const char *var, struct err *e)
{
	const char *p = var;

	if (is_name_start(*p))
		while (is_name_char(*p))
			p++;
	if (p != var && !*p)
		return 0;
	{
		struct strbuf q = STRBUF_INIT;
		strbuf_addquoted(&q, var, strlen(var));
		err_set(e, "cannot set '%s' in '%s': not a shell variable name", q.buf, fname(f));
		strbuf_release(&q);
	}
	return -1;
}

static int check_value(const struct niminfo *f, const char *var, const char *value, struct err *e)
{
	for (const char *p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || strchr("\"'\\$`", c)) {
			struct strbuf q = STRBUF_INIT;
			strbuf_addquoted(&q, value, strlen(value));
			err_set(e, "cannot set %s='%s' in '%s': %s in the value", var, q.buf,
				fname(f),
				c < 0x20 || c == 0x7f ? "a control character"
						      : "a quote, '\\', '$' or '`'");
			strbuf_release(&q);
			return -1;
		}
	}
	return 0;
}

/* Whether value can be written without quotes. */
static bool plain_ok(const char *value)
{
	if (!*value)
		return false;
	for (const char *p = value; *p; p++)
		if (!is_name_char(*p) && !strchr("./:@%+=,-", *p))
			return false;
	return true;
}

static void render_value(struct strbuf *out, const char *value, char quote)
{
	if (!quote && !plain_ok(value))
		quote = '"';
	if (quote)
		strbuf_addch(out, quote);
	strbuf_addstr(out, value);
	if (quote)
		strbuf_addch(out, quote);
}

static const char *file_eol(const struct niminfo *f)
{
	const char *nl = memchr(f->text.buf, '\n', f->text.len);

	return nl && nl > f->text.buf && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* Replaces del bytes at off with ins; keeps the old text if the new one fails. */
static int splice(struct niminfo *f, size_t off, size_t del, const char *ins, size_t ins_len,
		  struct err *e)
{
	struct niminfo n = NIMINFO_INIT;
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
	free_vars(f->vars, f->nr);
	strbuf_release(&f->text);
	f->text = n.text;
	f->vars = n.vars;
	f->nr = n.nr;
	f->alloc = n.alloc;
	err_release(&pe);
	return 0;
}

int niminfo_set(struct niminfo *f, const char *var, const char *value, struct err *e)
{
	int changed = 0;

	if (check_name(f, var, e) < 0 || check_value(f, var, value, e) < 0)
		return -1;
	for (;;) {
		const struct niminfo_var *v = NULL;
		struct strbuf ins = STRBUF_INIT;
		bool seen = false;
		int r;

		for (size_t i = 0; i < f->nr && !v; i++) {
			if (strcmp(f->vars[i].name, var))
				continue;
			seen = true;
			if (strcmp(f->vars[i].value, value))
				v = &f->vars[i];
		}
		if (v) {
			render_value(&ins, value, v->quote);
			r = splice(f, v->value_off, v->value_len, ins.buf, ins.len, e);
		} else if (!seen) {
			if (f->text.len && f->text.buf[f->text.len - 1] != '\n')
				strbuf_addstr(&ins, file_eol(f));
			strbuf_addf(&ins, "export %s=", var);
			render_value(&ins, value, 0);
			strbuf_addstr(&ins, file_eol(f));
			r = splice(f, f->text.len, 0, ins.buf, ins.len, e);
		} else {
			return changed;
		}
		strbuf_release(&ins);
		if (r < 0)
			return -1;
		changed = 1;
		if (!seen)
			return changed;
	}
}

int niminfo_unset(struct niminfo *f, const char *var, struct err *e)
{
	int deleted = 0;

	for (;;) {
		const struct niminfo_var *v = last_var(f, var);
		size_t off, end;

		if (!v)
			return deleted;
		off = v->line_off;
		end = v->line_next;
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

/* --- NIM_HOSTS --- */

void niminfo_hosts(const struct niminfo *f, struct strvec *out)
{
	const char *v = niminfo_get(f, "NIM_HOSTS");

	while (v && *v) {
		const char *s = v;

		while (*s && is_blank(*s))
			s++;
		v = s;
		while (*v && !is_blank(*v))
			v++;
		if (v > s) {
			char *entry = xstrndup(s, (size_t)(v - s));
			strvec_push_nodup(out, entry);
		}
	}
}

/* Whether entry "ip:name:name..." has address ip (if ip) and names host. */
static bool entry_match(const char *entry, const char *ip, const char *host)
{
	struct strvec fields = STRVEC_INIT;
	bool found = false;

	if (!*host)
		return false;
	strvec_split(&fields, entry, ':', 0);
	if (fields.nr >= 2 && (!ip || !strcmp(fields.v[0], ip)))
		for (size_t i = 1; i < fields.nr && !found; i++)
			found = !strcmp(fields.v[i], host);
	strvec_clear(&fields);
	return found;
}

bool niminfo_hosts_has(const struct niminfo *f, const char *ip, const char *host)
{
	struct strvec entries = STRVEC_INIT;
	bool found = false;

	niminfo_hosts(f, &entries);
	for (size_t i = 0; i < entries.nr && !found; i++)
		found = entry_match(entries.v[i], ip, host);
	strvec_clear(&entries);
	return found;
}

static int check_host_entry(const struct niminfo *f, const char *ip, const char *host,
			    struct err *e)
{
	unsigned char addr[16];
	const char *p = host;

	if (inet_pton(AF_INET, ip, addr) != 1) {
		struct strbuf q = STRBUF_INIT;
		strbuf_addquoted(&q, ip, strlen(ip));
		err_set(e, "cannot add '%s' to NIM_HOSTS in '%s': not an IPv4 address", q.buf,
			fname(f));
		strbuf_release(&q);
		return -1;
	}
	while (is_name_char(*p) || *p == '.' || *p == '-')
		p++;
	if (p == host || *p || *host == '-' || *host == '.') {
		struct strbuf q = STRBUF_INIT;
		strbuf_addquoted(&q, host, strlen(host));
		err_set(e, "cannot add '%s' to NIM_HOSTS in '%s': not a host name", q.buf,
			fname(f));
		strbuf_release(&q);
		return -1;
	}
	return 0;
}

int niminfo_hosts_add(struct niminfo *f, const char *ip, const char *host, struct err *e)
{
	struct strvec entries = STRVEC_INIT;
	struct strbuf v = STRBUF_INIT;
	const char *old;
	int ret = -1;

	if (check_host_entry(f, ip, host, e) < 0)
		return -1;
	niminfo_hosts(f, &entries);
	for (size_t i = 0; i < entries.nr; i++) {
		if (entry_match(entries.v[i], ip, host)) {
			ret = 0;
			goto cleanup;
		}
	}
	for (size_t i = 0; i < entries.nr; i++) {
		if (entry_match(entries.v[i], NULL, host)) {
			const struct niminfo_var *nv = last_var(f, "NIM_HOSTS");
			err_set(e, "cannot add '%s:%s' to NIM_HOSTS in '%s' line %u: it has '%s'",
				ip, host, fname(f), nv->line, entries.v[i]);
			goto cleanup;
		}
	}
	old = niminfo_get(f, "NIM_HOSTS");
	if (!old)
		old = "";
	strbuf_addstr(&v, old);
	if (!v.len || is_blank(v.buf[v.len - 1]))
		strbuf_addf(&v, " %s:%s ", ip, host);
	else
		strbuf_addf(&v, " %s:%s", ip, host);
	if (niminfo_set(f, "NIM_HOSTS", v.buf, e) < 0)
		goto cleanup;
	ret = 1;
cleanup:
	strvec_clear(&entries);
	strbuf_release(&v);
	return ret;
}

int niminfo_hosts_remove(struct niminfo *f, const char *ip, const char *host, struct err *e)
{
	struct strvec entries = STRVEC_INIT, keep = STRVEC_INIT;
	struct strbuf want = STRBUF_INIT, v = STRBUF_INIT;
	const char *old = niminfo_get(f, "NIM_HOSTS");
	int removed = 0;

	if (!old)
		return 0;
	strbuf_addf(&want, "%s:%s", ip, host);
	niminfo_hosts(f, &entries);
	for (size_t i = 0; i < entries.nr; i++) {
		if (!strcmp(entries.v[i], want.buf))
			removed++;
		else
			strvec_push(&keep, entries.v[i]);
	}
	if (removed) {
		size_t n = strlen(old);
		bool padded = n && is_blank(old[0]) && is_blank(old[n - 1]);

		if (padded && keep.nr)
			strbuf_addch(&v, ' ');
		strvec_join(&keep, padded ? "  " : " ", &v);
		if (padded && keep.nr)
			strbuf_addch(&v, ' ');
		if (niminfo_set(f, "NIM_HOSTS", v.buf, e) < 0)
			removed = -1;
	}
	strvec_clear(&entries);
	strvec_clear(&keep);
	strbuf_release(&want);
	strbuf_release(&v);
	return removed;
}
