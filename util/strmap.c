/*
 * strmap.c: open-addressing string hash map with FNV-1a hashing and linear
 * probing, kept at most half full. No deletion: the model only grows maps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"
#include "util/util.h"
#include "util/banned.h"

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct strmap_entry *find(const struct strmap *m, const char *key, size_t n)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = hash_bytes(key, n) & (m->cap - 1);
	while (m->slots[i].key) {
		if (!strncmp(m->slots[i].key, key, n) && m->slots[i].key[n] == '\0')
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slots[i];
}

void *strmap_getn(const struct strmap *m, const char *key, size_t n)
{
	struct strmap_entry *e = find(m, key, n);
	return e && e->key ? e->value : NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

static void rehash(struct strmap *m, size_t cap)
{
	struct strmap old = *m;

	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key) {
			struct strmap_entry *e = find(m, old.slots[i].key, strlen(old.slots[i].key));
			*e = old.slots[i];
		}
	}
	free(old.slots);
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	struct strmap_entry *e;
	void *prev;

	if (st_mult(m->nr + 1, 2) > m->cap)
		rehash(m, m->cap ? st_mult(m->cap, 2) : 64);
	e = find(m, key, strlen(key));
	if (e->key) {
		prev = e->value;
		e->value = value;
		return prev;
	}
	e->key = xstrdup(key);
	e->value = value;
	m->nr++;
	return NULL;
}

void strmap_clear(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->nr = 0;
}
