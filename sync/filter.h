/*
 * filter.h: --include/--exclude rules, rsync-like. Rules are tried in the
 * order given and the first that matches decides; a path no rule matches
 * is included. An excluded directory is not descended into, and excluded
 * names are neither copied nor deleted.
 *
 * Pattern syntax: a leading '/' anchors at the transfer root; a trailing
 * '/' matches directories only; '*' and '?' do not match '/', '**' does,
 * '[...]' is a class ('!' or '^' negates), '\' quotes the next character,
 * and "dir/" followed by three stars matches dir itself and everything below it. A pattern with
 * a '/' (other than a trailing one) or a '**' is matched against the whole
 * path (at any directory boundary unless anchored); otherwise against the
 * last component only.
 */
#ifndef EXTNFS_SYNC_FILTER_H
#define EXTNFS_SYNC_FILTER_H

#include <stdbool.h>

#include "util/util.h"

struct filter;

/* A new empty rule list (includes everything). Never NULL. */
struct filter *filter_new(void);
/* Appends a rule. Returns 0, or -1 with e set for an empty or malformed pattern. */
int filter_add(struct filter *f, bool include, const char *pattern, struct err *e);
/* True when the list has no rules. */
bool filter_empty(const struct filter *f);
/*
 * Decides for path (relative to the transfer root, no leading '/'; "" is
 * the root and always included). Returns true when included.
 */
bool filter_included(const struct filter *f, const char *path, bool is_dir);
/* Frees f (NULL is fine). */
void filter_free(struct filter *f);
/* Matches one glob pattern against a whole string (exposed for tests). */
bool filter_glob(const char *pat, const char *s);

#endif
