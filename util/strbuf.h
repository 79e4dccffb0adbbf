/*
 * strbuf.h: the one growable string buffer (after git's strbuf). The buffer
 * is always NUL-terminated; len excludes the NUL. STRBUF_INIT is a valid
 * empty buffer that owns no memory, so strbuf_release() is always safe.
 */
#ifndef EXTNFS_STRBUF_H
#define EXTNFS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the memory and leaves sb as STRBUF_INIT. */
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and leaves sb empty. Never NULL. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Makes room for extra more bytes; aborts on overflow or out of memory. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen(sb, 0)
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
#define strbuf_addbuf(sb, other) strbuf_add((sb), (other)->buf, (other)->len)
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s, showing control bytes and non-ASCII as C escapes (\n, \x01). */
void strbuf_addquoted(struct strbuf *sb, const char *s, size_t len);
/*
 * Sets sb to src with the del bytes at off replaced by the ins_len bytes of
 * ins (an edit of a text buffer); aborts when the range is outside src.
 */
void strbuf_splice(struct strbuf *sb, const struct strbuf *src, size_t off, size_t del,
		   const char *ins, size_t ins_len);
/* Removes trailing blanks (space, tab, CR, LF). */
void strbuf_rtrim(struct strbuf *sb);

#endif
