/*
 * strmap.h: a hash map from strings to pointers (open addressing). Keys are
 * copied and owned by the map; values are not.
 */
#ifndef EXTNFS_STRMAP_H
#define EXTNFS_STRMAP_H

#include <stddef.h>

struct strmap_entry {
	char *key; /* NULL: empty slot */
	void *value;
};

struct strmap {
	struct strmap_entry *slots;
	size_t cap; /* a power of two, or 0 */
	size_t nr;
};
#define STRMAP_INIT { NULL, 0, 0 }

/* Returns the value for key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Like strmap_get, for a key of n bytes that need not be terminated. */
void *strmap_getn(const struct strmap *m, const char *key, size_t n);
/* Sets key to value; returns the previous value or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Frees keys and slots (not the values). */
void strmap_clear(struct strmap *m);

#endif
