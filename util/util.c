/*
 * util.c: checked allocation, checked size arithmetic, error contexts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "util/banned.h"

void die_bug(const char *what)
{
	fprintf(stderr, "extnfs: BUG: %s\n", what);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_bug("out of memory");
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_bug("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_bug("out of memory");
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(st_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

size_t st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		die_bug("size overflow");
	return a + b;
}

size_t st_add3(size_t a, size_t b, size_t c)
{
	return st_add(st_add(a, b), c);
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		die_bug("size overflow");
	return a * b;
}

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	strbuf_reset(&e->msg);
	va_start(ap, fmt);
	strbuf_vaddf(&e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addstr(&sb, ": ");
	strbuf_add(&sb, e->msg.buf, e->msg.len);
	strbuf_release(&e->msg);
	e->msg = sb;
	return -1;
}

void err_clear(struct err *e)
{
	strbuf_reset(&e->msg);
	e->code = 0;
}

void err_release(struct err *e)
{
	strbuf_release(&e->msg);
	e->code = 0;
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

bool parse_ulong(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int write_file_atomic(const char *path, const struct strbuf *data, struct err *e)
{
	return write_file_mode(path, data, 0644, e);
}

int write_file_mode(const char *path, const struct strbuf *data, mode_t mode, struct err *e)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, rc = -1;

	strbuf_addf(&tmp, "%s.extnfs-tmp.%ld", path, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		err_set(e, "cannot create '%s': %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	if (fchmod(fd, mode) < 0) {
		err_set(e, "cannot set the mode of '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto cleanup;
	}
	if (write(fd, data->buf, data->len) != (ssize_t)data->len || fsync(fd) < 0) {
		err_set(e, "cannot write '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto cleanup;
	}
	close(fd);
	if (rename(tmp.buf, path) < 0) {
		err_set(e, "cannot rename '%s' to '%s': %s", tmp.buf, path, strerror(errno));
		unlink(tmp.buf);
		goto cleanup;
	}
	rc = 0;
cleanup:
	strbuf_release(&tmp);
	return rc;
}

