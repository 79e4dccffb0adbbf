/*
 * strvec.h: the one vector type, a NULL-terminated array of owned strings
 * (after git's strvec). STRVEC_INIT is empty and owns nothing.
 */
#ifndef EXTNFS_STRVEC_H
#define EXTNFS_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { (char **)strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
/* Appends a copy of s; returns the copy. */
const char *strvec_push(struct strvec *sv, const char *s);
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s without copying; the vector takes ownership. */
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Splits s at every sep byte (empty fields kept unless skip_empty). */
void strvec_split(struct strvec *sv, const char *s, char sep, int skip_empty);
/* Index of s in sv, or -1. */
long strvec_find(const struct strvec *sv, const char *s);
/* Sorts with strcmp. */
void strvec_sort(struct strvec *sv);
/* Joins with sep into out (appended). */
struct strbuf;
void strvec_join(const struct strvec *sv, const char *sep, struct strbuf *out);

#endif
