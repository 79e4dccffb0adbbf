/*
 * filter.c: the include/exclude rule list and its glob matcher; see
 * filter.h for the syntax. Matching is by recursive descent over the
 * pattern, which is short; the path is the long side.
 */
#include <stdlib.h>
#include <string.h>

#include "sync/filter.h"
#include "util/banned.h"

struct rule {
	char *pat;     /* without the leading '/' and trailing '/' */
	bool include;
	bool anchored; /* leading '/' */
	bool dir_only; /* trailing '/' */
	bool full;     /* match the whole path, not the last component */
};

struct filter {
	struct rule *rules;
	size_t nr, alloc;
};

struct filter *filter_new(void)
{
	return xcalloc(1, sizeof(struct filter));
}

void filter_free(struct filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nr; i++)
		free(f->rules[i].pat);
	free(f->rules);
	free(f);
}

bool filter_empty(const struct filter *f)
{
	return !f || !f->nr;
}

/* Matches one bracket class at *pp against c; advances *pp past ']'. -1: malformed. */
static int match_class(const char **pp, unsigned char c)
{
	const char *p = *pp + 1;
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		hit = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		unsigned char lo = (unsigned char)*p, hi;
		if (*p == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return hit != neg && c != '/';
}

static bool glob(const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return !*s;
		case '*':
			if (p[1] == '*') {
				/* three stars at the end: the directory itself or anything in it */
				if (p[2] == '*' && !p[3])
					return true;
				while (*p == '*')
					p++;
				for (const char *t = s;; t++) {
					if (glob(p, t))
						return true;
					if (!*t)
						return false;
				}
			}
			p++;
			for (const char *t = s;; t++) {
				if (glob(p, t))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		case '?':
			if (!*s || *s == '/')
				return false;
			p++;
			s++;
			break;
		case '[': {
			int r;
			if (!*s)
				return false;
			r = match_class(&p, (unsigned char)*s);
			if (r < 0) { /* malformed: a literal '[' */
				if (*s != '[')
					return false;
				p++;
			} else if (!r) {
				return false;
			}
			s++;
			break;
		}
		case '/':
			/* "dir/" and three stars also match "dir" itself */
			if (!strcmp(p, "/***") && !*s)
				return true;
			if (*s != '/')
				return false;
			p++;
			s++;
			break;
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return false;
			p++;
			s++;
		}
	}
}

bool filter_glob(const char *pat, const char *s)
{
	return glob(pat, s);
}

int filter_add(struct filter *f, bool include, const char *pattern, struct err *e)
{
	struct rule r = { 0 };
	size_t n = strlen(pattern);
	const char *p = pattern;

	if (!n)
		return err_set(e, "empty %s pattern", include ? "include" : "exclude");
	if (*p == '/') {
		r.anchored = true;
		p++;
		n--;
	}
	if (n && p[n - 1] == '/' && !(n >= 2 && p[n - 2] == '\\')) {
		r.dir_only = true;
		n--;
	}
	if (!n)
		return err_set(e, "%s pattern '%s' matches nothing", include ? "include" : "exclude",
			       pattern);
	r.pat = xstrndup(p, n);
	r.include = include;
	r.full = r.anchored || strchr(r.pat, '/') || strstr(r.pat, "**");
	ALLOC_GROW(f->rules, f->nr + 1, f->alloc);
	f->rules[f->nr++] = r;
	return 0;
}

static bool rule_matches(const struct rule *r, const char *path, bool is_dir)
{
	if (r->dir_only && !is_dir && !ends_with(r->pat, "/***"))
		return false;
	if (!r->full) {
		const char *base = strrchr(path, '/');
		return glob(r->pat, base ? base + 1 : path);
	}
	if (glob(r->pat, path))
		return true;
	if (r->anchored)
		return false;
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/'))
		if (glob(r->pat, s + 1))
			return true;
	return false;
}

bool filter_included(const struct filter *f, const char *path, bool is_dir)
{
	if (!f || !*path)
		return true;
	for (size_t i = 0; i < f->nr; i++)
		if (rule_matches(&f->rules[i], path, is_dir))
			return f->rules[i].include;
	return true;
}
