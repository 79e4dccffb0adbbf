/*
 * strbuf.c: growable NUL-terminated strings; see strbuf.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/util.h"
#include "util/banned.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	int fresh = !sb->alloc;
	size_t need = st_add3(sb->len, extra, 1);

	if (fresh)
		sb->buf = NULL;
	if (need > sb->alloc) {
		size_t n = sb->alloc < 16 ? 16 : sb->alloc;
		while (n < need)
			n = st_mult(n, 2);
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len)
			die_bug("strbuf_setlen beyond an empty buffer");
		return;
	}
	if (len >= sb->alloc)
		die_bug("strbuf_setlen beyond allocation");
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die_bug("vsnprintf failed");
	strbuf_grow(sb, (size_t)n);
	if (vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap) != n)
		die_bug("vsnprintf changed its mind");
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_addquoted(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		case '\r': strbuf_addstr(sb, "\\r"); break;
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				strbuf_addf(sb, "\\x%02x", c);
			else
				strbuf_addch(sb, c);
		}
	}
}

void strbuf_splice(struct strbuf *sb, const struct strbuf *src, size_t off, size_t del,
		   const char *ins, size_t ins_len)
{
	if (off > src->len || del > src->len - off)
		die_bug("strbuf_splice out of range");
	strbuf_reset(sb);
	strbuf_grow(sb, st_add(src->len - del, ins_len));
	strbuf_add(sb, src->buf, off);
	strbuf_add(sb, ins, ins_len);
	strbuf_add(sb, src->buf + off + del, src->len - off - del);
}

void strbuf_rtrim(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && strchr(" \t\r\n", sb->buf[n - 1]))
		n--;
	if (sb->alloc)
		strbuf_setlen(sb, n);
}
