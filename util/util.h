/*
 * util.h: allocation that cannot fail silently, overflow-checked sizes,
 * the one array-growth macro, and the error context every library
 * function reports into.
 */
#ifndef EXTNFS_UTIL_H
#define EXTNFS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/strbuf.h"

/* Aborts: for broken invariants and exhausted memory only, never for input. */
_Noreturn void die_bug(const char *what);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A newly allocated formatted string. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

size_t st_add(size_t a, size_t b);
size_t st_add3(size_t a, size_t b, size_t c);
size_t st_mult(size_t a, size_t b);

/* Grows array x (with nr used, alloc allocated) to hold at least n items. */
#define ALLOC_GROW(x, n, alloc)                                               \
	do {                                                                  \
		if ((n) > (alloc)) {                                          \
			size_t alloc_grow_new_ = (alloc) < 8 ? 16 : st_mult((alloc), 2); \
			if (alloc_grow_new_ < (n))                            \
				alloc_grow_new_ = (n);                        \
			(x) = xrealloc((x), st_mult(alloc_grow_new_, sizeof(*(x)))); \
			(alloc) = alloc_grow_new_;                            \
		}                                                             \
	} while (0)

/*
 * The error context. Library functions that fail set a message here and
 * return -1 (or NULL/false, as their comment says); only the command layer
 * prints it. A later err_set() replaces the message.
 */
struct err {
	struct strbuf msg;
	int code; /* an EXIT_* code suggested by the failing layer, or 0 */
};
#define ERR_INIT { STRBUF_INIT, 0 }

/* Sets the message; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts "prefix: " in front of the current message; returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
void err_release(struct err *e);

/* Documented exit codes (man page, EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_SOME_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_DATA = 3,      /* bad input: a table, file or noderange */
	EXIT_DELETE_LIMIT = 4,
	EXIT_PARTIAL = 5,
	EXIT_NOBOOT = 6,
	EXIT_ALL_FAILED = 7,
};

/*
 * Writes data to path atomically: a temporary file in the same directory,
 * fsync, rename (mode 0644 for a new file). 0, or -1 with e set; on
 * failure path is as it was.
 */
int write_file_atomic(const char *path, const struct strbuf *data, struct err *e);
/* The same with the new file's mode (not filtered by the umask). */
int write_file_mode(const char *path, const struct strbuf *data, mode_t mode, struct err *e);

bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
/* Parses a whole decimal string into *out; false on junk or overflow. */
bool parse_ulong(const char *s, unsigned long *out);

#endif
