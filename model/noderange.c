/*
 * noderange.c: expands xCAT noderanges into node names.
 *
 * The grammar follows xCAT's xCAT::NodeRange (perl-xCAT/xCAT/NodeRange.pm)
 * and noderange(3), made strict where xCAT silently guesses:
 *
 *   range   := item? (',' item?)*        union; empty items are ignored
 *   item    := ['-'] term                 '-': removed once the range is done
 *   term    := operand ('@' operand)*     intersection, binds tighter than ','
 *   operand := '(' range ')' | '^' file | atom
 *
 * An atom is tried, in xCAT's order, as a node, a group, a /regex (anchored
 * on the whole node name), an attribute test (table.col==v, !=, =~, !~), a
 * bare number (number_prefix + number), a bracket product (cn[1-3,7]x[1-2]),
 * an increment (cn10+3) and a range (cn01-cn10, cn01:cn10). Generated names
 * are in turn nodes, groups (group ranges), prefixed numbers, or unmatched.
 * The result is deduplicated and sorted byte-wise, as xCAT returns
 * sort(keys %nodes). Quotes (' and ") are ignored, as xCAT strips them.
 *
 * Sets are string maps, so every operation is linear in the names involved;
 * ranges are generated lazily and bounded before any name is made.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/noderange.h"
#include "util/strmap.h"
#include "util/banned.h"

#define NAME_MAX_LEN 255	   /* longest name a range may generate (a hostname) */
#define MAX_BYTES    (512UL << 20) /* of names all ranges together may generate */
#define MAX_DEPTH    64		   /* nested '(' and ^file */
#define MAX_LINE     65536	   /* longest line of a ^file */
#define SHOW_MAX     200	   /* bytes of a noderange quoted in a message */

static char set_marker;
#define IN_SET ((void *)&set_marker)

/* One noderange string with the quotes taken out. */
struct src {
	char *orig; /* as given, for messages */
	char *s;    /* without ' and " */
	size_t len;
	size_t *col; /* col[i]: 1-based column of s[i] in orig; col[len]: past the end */
};

/*
 * Unmatched names, first seen first, each once. Unlike a strmap this keeps
 * one copy of each name and a small index, since a range can make ten
 * million of them.
 */
struct nameset {
	struct strvec names;
	uint32_t *slots; /* 1 + index into names; 0: empty */
	size_t cap;	 /* a power of two, or 0 */
};

struct ctx {
	const struct noderange_env *env;
	const char *prefix;
	bool collect; /* record unmatched names */
	struct nameset missed;
	size_t generated;	/* names made by ranges so far */
	size_t generated_bytes; /* and at most so many bytes of them */
	int depth;
	struct err *e;
};

/* One alternative of a generated position: a literal, or pre N suf for N in lo..hi. */
struct alt {
	const char *pre;
	size_t pre_len;
	const char *suf;
	size_t suf_len;
	uint64_t lo, hi;
	int width;    /* zero-pad numbers to this many digits */
	bool literal; /* just pre */
};

/* A position of a generated name: one of several alternatives. */
struct slot {
	struct alt *alts;
	size_t nr, alloc;
	uint64_t count;
	size_t maxlen;
};

struct gen {
	struct slot *slots;
	size_t nr, alloc;
};

enum { RANGE_OK = 0, RANGE_NOT = 1 };

static bool is_digit(int ch)
{
	return (unsigned)(ch - '0') < 10;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_digit(*s))
			return false;
	return true;
}

static void src_init(struct src *s, const char *text, size_t len)
{
	size_t n = 0;

	s->orig = xstrndup(text, len);
	s->s = xmalloc(st_add(len, 1));
	s->col = xmalloc(st_mult(st_add(len, 1), sizeof(*s->col)));
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\'' || text[i] == '"')
			continue;
		s->s[n] = text[i];
		s->col[n] = i + 1;
		n++;
	}
	s->s[n] = '\0';
	s->col[n] = len + 1;
	s->len = n;
}

static void src_release(struct src *s)
{
	free(s->orig);
	free(s->s);
	free(s->col);
	s->orig = s->s = NULL;
	s->col = NULL;
	s->len = 0;
}

static void add_subject(struct strbuf *sb, const struct src *s)
{
	size_t n = strlen(s->orig);

	strbuf_addstr(sb, "noderange '");
	strbuf_addquoted(sb, s->orig, n > SHOW_MAX ? SHOW_MAX : n);
	if (n > SHOW_MAX)
		strbuf_addstr(sb, "...");
	strbuf_addstr(sb, "': ");
}

/*
 * Sets "noderange 'S': <fmt> at column N" where N is the column of s->s[pos];
 * returns -1.
 */
static int syntax_err(struct ctx *c, const struct src *s, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int syntax_err(struct ctx *c, const struct src *s, size_t pos, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	add_subject(&sb, s);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addf(&sb, " at column %zu", s->col[pos > s->len ? s->len : pos]);
	err_set(c->e, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Like syntax_err() without a column; returns -1. */
static int range_err(struct ctx *c, const struct src *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int range_err(struct ctx *c, const struct src *s, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	add_subject(&sb, s);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_set(c->e, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static void set_add(struct strmap *set, const char *name)
{
	strmap_put(set, name, IN_SET);
}

/* Adds from (minus minus, if non-NULL) to into; from is emptied. */
static void set_take(struct strmap *into, struct strmap *from, const struct strmap *minus)
{
	if (!into->nr && (!minus || !minus->nr)) {
		struct strmap tmp = *into;
		*into = *from;
		*from = tmp;
	} else {
		for (size_t i = 0; i < from->cap; i++) {
			const char *k = from->slots[i].key;
			if (k && (!minus || !strmap_get(minus, k)))
				set_add(into, k);
		}
	}
	strmap_clear(from);
}

/* Keeps in a only what is also in b. */
static void set_intersect(struct strmap *a, const struct strmap *b)
{
	struct strmap r = STRMAP_INIT;

	for (size_t i = 0; i < a->cap; i++) {
		const char *k = a->slots[i].key;
		if (k && strmap_get(b, k))
			set_add(&r, k);
	}
	strmap_clear(a);
	*a = r;
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void nameset_grow(struct nameset *ns)
{
	size_t cap = ns->cap ? st_mult(ns->cap, 2) : 64;
	uint32_t *slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < ns->names.nr; i++) {
		size_t k = name_hash(ns->names.v[i]) & (cap - 1);
		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = (uint32_t)(i + 1);
	}
	free(ns->slots);
	ns->slots = slots;
	ns->cap = cap;
}

static void nameset_add(struct nameset *ns, const char *name)
{
	size_t k;

	if (ns->names.nr >= UINT32_MAX - 1)
		die_bug("too many unmatched names");
	if (st_mult(ns->names.nr + 1, 2) > ns->cap)
		nameset_grow(ns);
	k = name_hash(name) & (ns->cap - 1);
	for (; ns->slots[k]; k = (k + 1) & (ns->cap - 1))
		if (!strcmp(ns->names.v[ns->slots[k] - 1], name))
			return;
	strvec_push(&ns->names, name);
	ns->slots[k] = (uint32_t)ns->names.nr;
}

static void nameset_release(struct nameset *ns)
{
	strvec_clear(&ns->names);
	free(ns->slots);
	ns->slots = NULL;
	ns->cap = 0;
}

static void add_unmatched(struct ctx *c, const char *name)
{
	if (c->collect)
		nameset_add(&c->missed, name);
}

static bool env_is_node(struct ctx *c, const char *name)
{
	return c->env->is_node && c->env->is_node(c->env->data, name);
}

static const struct strvec *env_group(struct ctx *c, const char *name)
{
	return c->env->group_members ? c->env->group_members(c->env->data, name) : NULL;
}

/* A node, else a group's members; false when name is neither. */
static bool add_node_or_group(struct ctx *c, const char *name, struct strmap *into)
{
	const struct strvec *members;

	if (env_is_node(c, name)) {
		set_add(into, name);
		return true;
	}
	members = env_group(c, name);
	if (!members)
		return false;
	for (size_t i = 0; i < members->nr; i++)
		set_add(into, members->v[i]);
	return true;
}

/*
 * A name made by a range or given as a bare number: a node, a group, a bare
 * number with the prefix in front (NodeRange.pm expandatom: /^[0-9]+\z/),
 * or unmatched.
 */
static void resolve_name(struct ctx *c, const char *name, struct strmap *into)
{
	struct strbuf pn = STRBUF_INIT;

	if (add_node_or_group(c, name, into))
		return;
	if (all_digits(name)) {
		strbuf_addstr(&pn, c->prefix);
		strbuf_addstr(&pn, name);
		if (!add_node_or_group(c, pn.buf, into))
			add_unmatched(c, pn.buf);
		strbuf_release(&pn);
		return;
	}
	add_unmatched(c, name);
}

/* Parses n digits; false when the number needs more than 18 digits. */
static bool parse_number(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	while (n && *p == '0') {
		p++;
		n--;
	}
	if (n > 18)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	*out = v;
	return true;
}

static size_t digits_of(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static size_t alt_maxlen(const struct alt *a)
{
	size_t d;

	if (a->literal)
		return a->pre_len;
	d = digits_of(a->hi);
	if ((size_t)a->width > d)
		d = (size_t)a->width;
	return st_add3(a->pre_len, d, a->suf_len);
}

static void alt_literal(struct alt *a, const char *p, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->pre = p;
	a->pre_len = n;
	a->suf = "";
	a->literal = true;
}

static size_t run_end(const char *p, size_t i, size_t n)
{
	bool d = is_digit(p[i]);

	while (i < n && is_digit(p[i]) == d)
		i++;
	return i;
}

/*
 * Makes a range alternative from left..right, after NodeRange.pm's '-'
 * operator: both are cut into runs of digits and non-digits; the first run
 * that differs must be digits on both sides, and everything after it must
 * be the same. Numbers keep the width of the left one when it starts with
 * '0' (cn001-cn010). r must follow l and one separator in memory, so that
 * messages can show the whole range. Returns RANGE_OK, RANGE_NOT when
 * left..right is no range (then the caller decides), or -1 with the error
 * set (a range that counts down, too large a number).
 */
static int make_range(struct ctx *c, const struct src *s, size_t at, const char *l, size_t ln,
		      const char *r, size_t rn, struct alt *out)
{
	size_t li = 0, ri = 0;

	while (li < ln && ri < rn) {
		size_t le, re;
		bool ld = is_digit(l[li]);

		if (ld != is_digit(r[ri]))
			return RANGE_NOT;
		le = run_end(l, li, ln);
		re = run_end(r, ri, rn);
		if (le - li == re - ri && !memcmp(l + li, r + ri, le - li)) {
			li = le;
			ri = re;
			continue;
		}
		if (!ld)
			return RANGE_NOT;
		if (ln - le != rn - re || memcmp(l + le, r + re, ln - le))
			return RANGE_NOT;
		memset(out, 0, sizeof(*out));
		if (!parse_number(l + li, le - li, &out->lo) ||
		    !parse_number(r + ri, re - ri, &out->hi))
			return syntax_err(c, s, at, "number in range '%.*s' is too large",
					  (int)(r + rn - l), l);
		if (out->lo > out->hi)
			return syntax_err(c, s, at, "range '%.*s' counts down", (int)(r + rn - l),
					  l);
		out->pre = l;
		out->pre_len = li;
		out->suf = l + le;
		out->suf_len = ln - le;
		out->width = (le - li > 1 && l[li] == '0') ? (int)(le - li) : 0;
		return RANGE_OK;
	}
	if (li == ln && ri == rn) {
		alt_literal(out, l, ln);
		return RANGE_OK;
	}
	return RANGE_NOT;
}

static void gen_release(struct gen *g)
{
	for (size_t i = 0; i < g->nr; i++)
		free(g->slots[i].alts);
	free(g->slots);
	g->slots = NULL;
	g->nr = g->alloc = 0;
}

static struct slot *gen_slot(struct gen *g)
{
	struct slot *sl;

	ALLOC_GROW(g->slots, g->nr + 1, g->alloc);
	sl = &g->slots[g->nr++];
	memset(sl, 0, sizeof(*sl));
	return sl;
}

static void slot_add(struct slot *sl, const struct alt *a)
{
	size_t ml = alt_maxlen(a);

	ALLOC_GROW(sl->alts, sl->nr + 1, sl->alloc);
	sl->alts[sl->nr++] = *a;
	sl->count += a->literal ? 1 : a->hi - a->lo + 1;
	if (ml > sl->maxlen)
		sl->maxlen = ml;
}

static void alt_format(struct strbuf *sb, const struct alt *a, uint64_t v)
{
	char digits[24];
	size_t n = 0;

	strbuf_add(sb, a->pre, a->pre_len);
	if (a->literal)
		return;
	do {
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t pad = n; pad < (size_t)a->width; pad++)
		strbuf_addch(sb, '0');
	strbuf_add(sb, digits + sizeof(digits) - n, n);
	strbuf_add(sb, a->suf, a->suf_len);
}

/*
 * Makes every name of g (the product of its slots, left slot slowest) and
 * resolves each. what is the text shown when g is too large. Returns 0, or
 * -1 with the error set.
 */
static int generate(struct ctx *c, const struct src *s, size_t at, const char *what, struct gen *g,
		    struct strmap *into)
{
	struct strbuf name = STRBUF_INIT;
	size_t *ai = NULL;
	uint64_t *val = NULL;
	uint64_t total = 1;
	size_t maxlen = 0;
	int ret = -1;

	for (size_t i = 0; i < g->nr; i++) {
		uint64_t n = g->slots[i].count;
		if (n > NODERANGE_MAX_NAMES || total > NODERANGE_MAX_NAMES / n) {
			syntax_err(c, s, at, "'%s' makes more than %lu names", what,
				   NODERANGE_MAX_NAMES);
			goto cleanup;
		}
		total *= n;
		maxlen = st_add(maxlen, g->slots[i].maxlen);
	}
	if (total > NODERANGE_MAX_NAMES - c->generated) {
		syntax_err(c, s, at, "'%s' makes the noderange more than %lu names", what,
			   NODERANGE_MAX_NAMES);
		goto cleanup;
	}
	if (maxlen > NAME_MAX_LEN) {
		syntax_err(c, s, at, "'%s' makes names longer than %d bytes", what, NAME_MAX_LEN);
		goto cleanup;
	}
	if (total * (maxlen + 1) > MAX_BYTES - c->generated_bytes) {
		syntax_err(c, s, at, "'%s' makes more than %lu MiB of names", what,
			   MAX_BYTES >> 20);
		goto cleanup;
	}
	c->generated += total;
	c->generated_bytes += total * (maxlen + 1);
	ai = xcalloc(g->nr, sizeof(*ai));
	val = xcalloc(g->nr, sizeof(*val));
	for (size_t i = 0; i < g->nr; i++)
		val[i] = g->slots[i].alts[0].lo;
	for (uint64_t k = 0; k < total; k++) {
		strbuf_reset(&name);
		for (size_t i = 0; i < g->nr; i++)
			alt_format(&name, &g->slots[i].alts[ai[i]], val[i]);
		resolve_name(c, name.buf, into);
		for (size_t i = g->nr; i-- > 0;) {
			const struct slot *sl = &g->slots[i];
			if (!sl->alts[ai[i]].literal && val[i] < sl->alts[ai[i]].hi) {
				val[i]++;
				break;
			}
			if (++ai[i] < sl->nr) {
				val[i] = sl->alts[ai[i]].lo;
				break;
			}
			ai[i] = 0;
			val[i] = sl->alts[0].lo;
		}
	}
	ret = 0;
cleanup:
	free(ai);
	free(val);
	strbuf_release(&name);
	return ret;
}

/*
 * cn[1-3,7]n[01-02]: the text in and between brackets makes the slots of
 * the product. Where NodeRange.pm rewrites the first bracket into a '-'
 * range and recurses, each item here is a literal or a range of its own
 * (so "cn0[9-10]" is cn09,cn010, not Perl's string increment).
 */
static int expand_brackets(struct ctx *c, const struct src *s, size_t at, const char *t,
			   struct strmap *into)
{
	struct gen g = {0};
	size_t n = strlen(t), i = 0, lit = 0;
	struct alt a;
	int ret = -1;

	while (i < n) {
		size_t j, x;
		struct slot *sl;

		if (t[i] == '\\' && i + 1 < n) {
			i += 2;
			continue;
		}
		if (t[i] != '[') {
			i++;
			continue;
		}
		if (i > lit) {
			alt_literal(&a, t + lit, i - lit);
			slot_add(gen_slot(&g), &a);
		}
		for (j = i + 1; j < n && t[j] != ']'; j++) {
			if (t[j] == '[') {
				syntax_err(c, s, at + j, "'[' inside '[]'");
				goto cleanup;
			}
		}
		if (j >= n) {
			syntax_err(c, s, at + i, "unterminated '['");
			goto cleanup;
		}
		if (j == i + 1) {
			syntax_err(c, s, at + i, "empty '[]'");
			goto cleanup;
		}
		sl = gen_slot(&g);
		for (x = i + 1; x <= j;) {
			size_t y = x, sep;
			int r;

			while (y < j && t[y] != ',')
				y++;
			if (y == x) {
				syntax_err(c, s, at + x, "empty item in '[]'");
				goto cleanup;
			}
			for (sep = x; sep < y && t[sep] != ':'; sep++)
				;
			if (sep == y)
				for (sep = x; sep < y && t[sep] != '-'; sep++)
					;
			if (sep == y) {
				alt_literal(&a, t + x, y - x);
			} else {
				r = make_range(c, s, at + x, t + x, sep - x, t + sep + 1,
					       y - sep - 1, &a);
				if (r < 0)
					goto cleanup;
				if (r == RANGE_NOT) {
					syntax_err(c, s, at + x, "bad range '%.*s' in '[]'",
						   (int)(y - x), t + x);
					goto cleanup;
				}
			}
			slot_add(sl, &a);
			x = y + 1;
		}
		i = lit = j + 1;
	}
	if (n > lit) {
		alt_literal(&a, t + lit, n - lit);
		slot_add(gen_slot(&g), &a);
	}
	ret = generate(c, s, at, t, &g, into);
cleanup:
	gen_release(&g);
	return ret;
}

/*
 * cn10+3 is cn10..cn13: the number that ends the name (or comes before a
 * ".domain" tail) counts up by the increment (NodeRange.pm '+' operator).
 */
static int expand_plus(struct ctx *c, const struct src *s, size_t at, const char *t,
		       struct strmap *into)
{
	const char *plus = strchr(t, '+');
	size_t fn = (size_t)(plus - t), i, j = 0;
	uint64_t inc;
	struct gen g = {0};
	struct alt a;
	int ret = -1;

	if (!all_digits(plus + 1))
		return syntax_err(c, s, at + fn + 1, "increment after '+' is not a number");
	for (i = 0; i < fn; i++) {
		if (!is_digit(t[i]))
			continue;
		for (j = i; j < fn && is_digit(t[j]); j++)
			;
		if (j == fn || (t[j] == '.' && j + 1 < fn))
			break;
		i = j;
	}
	if (i >= fn)
		return syntax_err(c, s, at, "'%.*s' before '+' does not end in a number", (int)fn,
				  t);
	memset(&a, 0, sizeof(a));
	if (!parse_number(t + i, j - i, &a.lo) || !parse_number(plus + 1, strlen(plus + 1), &inc))
		return syntax_err(c, s, at, "number in '%s' is too large", t);
	if (inc >= NODERANGE_MAX_NAMES)
		return syntax_err(c, s, at, "'%s' makes more than %lu names", t,
				  NODERANGE_MAX_NAMES);
	a.hi = a.lo + inc;
	a.pre = t;
	a.pre_len = i;
	a.suf = t + j;
	a.suf_len = fn - j;
	a.width = (j - i > 1 && t[i] == '0') ? (int)(j - i) : 0;
	slot_add(gen_slot(&g), &a);
	ret = generate(c, s, at, t, &g, into);
	gen_release(&g);
	return ret;
}

/*
 * cn01-cn10 or cn01:cn10. With '-', an odd number of dashes is split at the
 * middle one (node1-eth-node9-eth); NodeRange.pm treats anything that is no
 * range as an unknown name, and so does this.
 */
static int expand_dash(struct ctx *c, const struct src *s, size_t at, const char *t,
		       struct strmap *into)
{
	const char *colon = strchr(t, ':');
	size_t n = strlen(t), k;
	struct gen g = {0};
	struct alt a;
	int r;

	if (colon) {
		k = (size_t)(colon - t);
		if (strchr(colon + 1, ':')) {
			add_unmatched(c, t);
			return 0;
		}
	} else {
		size_t dashes = 0, seen = 0;
		for (k = 0; k < n; k++)
			dashes += t[k] == '-';
		if (dashes % 2 == 0) {
			add_unmatched(c, t);
			return 0;
		}
		for (k = 0; k < n; k++)
			if (t[k] == '-' && seen++ == dashes / 2)
				break;
	}
	if (k == 0 || k + 1 >= n) {
		add_unmatched(c, t);
		return 0;
	}
	r = make_range(c, s, at, t, k, t + k + 1, n - k - 1, &a);
	if (r < 0)
		return -1;
	if (r == RANGE_NOT) {
		add_unmatched(c, t);
		return 0;
	}
	slot_add(gen_slot(&g), &a);
	r = generate(c, s, at, t, &g, into);
	gen_release(&g);
	return r;
}

static int regex_compile(struct ctx *c, const struct src *s, size_t at, const char *re,
			 uint32_t opts, pcre2_code **out)
{
	int code;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];

	*out = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, opts, &code, &off, NULL);
	if (*out)
		return 0;
	pcre2_get_error_message(code, msg, sizeof(msg)); /* truncated is fine */
	return syntax_err(c, s, at + off, "bad regex '%s': %s", re, (const char *)msg);
}

/* Returns 1 on a match, 0 on none, -1 with the error set. */
static int regex_match(struct ctx *c, const struct src *s, pcre2_code *re, pcre2_match_data *md,
		       const char *subject, size_t len)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
	PCRE2_UCHAR msg[256];

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, msg, sizeof(msg));
	return range_err(c, s, "regex failed on '%.*s': %s", (int)len, subject, (const char *)msg);
}

/* /re: every node whose whole name matches (NodeRange.pm: m/^${atom}$/). */
static int select_regex(struct ctx *c, const struct src *s, size_t at, const char *t,
			struct strmap *into)
{
	const struct strvec *all = c->env->all_nodes ? c->env->all_nodes(c->env->data) : NULL;
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	int ret = -1;

	if (regex_compile(c, s, at + 1, t + 1, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &re) < 0)
		goto cleanup;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md)
		die_bug("out of memory");
	for (size_t i = 0; all && i < all->nr; i++) {
		int m = regex_match(c, s, re, md, all->v[i], strlen(all->v[i]));
		if (m < 0)
			goto cleanup;
		if (m)
			set_add(into, all->v[i]);
	}
	ret = 0;
cleanup:
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return ret;
}

enum attr_op { OP_EQ, OP_NE, OP_RE, OP_NRE };

/*
 * table.col==v, table.col=v, table.col!=v, table.col=~re, table.col!~re over
 * every node (NodeRange.pm nodesbycriteria): the value is the attribute as
 * resolved by env->attr, empty when unset; regexes are unanchored, with one
 * leading and one trailing '/' dropped. "groups" and "tags" mean
 * nodelist.groups, "mgt" means nodehm.mgt.
 */
static int select_attr(struct ctx *c, const struct src *s, size_t at, const char *t,
		       struct strmap *into)
{
	const struct strvec *all;
	size_t k = strcspn(t, "=~"), name_end, vstart, vend;
	enum attr_op op;
	char *table = NULL, *col = NULL, *value = NULL;
	struct strbuf v = STRBUF_INIT;
	pcre2_code *re = NULL;
	pcre2_match_data *md = NULL;
	int ret = -1;

	if (t[k] == '=') {
		if (k > 0 && t[k - 1] == '!') {
			op = OP_NE;
			name_end = k - 1;
			vstart = k + 1;
		} else if (t[k + 1] == '~') {
			op = OP_RE;
			name_end = k;
			vstart = k + 2;
		} else {
			op = OP_EQ;
			name_end = k;
			vstart = k + (t[k + 1] == '=' ? 2 : 1);
		}
	} else if (k > 0 && t[k - 1] == '!') {
		op = OP_NRE;
		name_end = k - 1;
		vstart = k + 1;
	} else {
		return syntax_err(c, s, at + k, "expected ==, !=, =~ or !~");
	}
	if (!c->env->attr)
		return syntax_err(c, s, at, "attribute selection is not available");
	if ((name_end == 6 && !memcmp(t, "groups", 6)) ||
	    (name_end == 4 && !memcmp(t, "tags", 4))) {
		table = xstrdup("nodelist");
		col = xstrdup("groups");
	} else if (name_end == 3 && !memcmp(t, "mgt", 3)) {
		table = xstrdup("nodehm");
		col = xstrdup("mgt");
	} else {
		const char *dot = memchr(t, '.', name_end);
		if (!dot || dot == t || (size_t)(dot - t) + 1 >= name_end) {
			syntax_err(c, s, at, "'%.*s' is not table.column", (int)name_end, t);
			goto cleanup;
		}
		table = xstrndup(t, (size_t)(dot - t));
		col = xstrndup(dot + 1, name_end - (size_t)(dot - t) - 1);
	}
	vend = strlen(t);
	if (op == OP_RE || op == OP_NRE) {
		if (vstart < vend && t[vstart] == '/')
			vstart++;
		if (vend > vstart && t[vend - 1] == '/')
			vend--;
	}
	value = xstrndup(t + vstart, vend - vstart);
	if (op == OP_RE || op == OP_NRE) {
		if (regex_compile(c, s, at + vstart, value, 0, &re) < 0)
			goto cleanup;
		md = pcre2_match_data_create_from_pattern(re, NULL);
		if (!md)
			die_bug("out of memory");
	}
	all = c->env->all_nodes ? c->env->all_nodes(c->env->data) : NULL;
	for (size_t i = 0; all && i < all->nr; i++) {
		bool hit;
		int m;

		strbuf_reset(&v);
		if (c->env->attr(c->env->data, all->v[i], table, col, &v, c->e) < 0) {
			struct strbuf sb = STRBUF_INIT;
			add_subject(&sb, s);
			strbuf_setlen(&sb, sb.len - 2);
			err_prefix(c->e, "%s", sb.buf);
			strbuf_release(&sb);
			goto cleanup;
		}
		switch (op) {
		case OP_EQ:
		case OP_NE:
			hit = v.len == vend - vstart && !memcmp(v.buf, value, v.len);
			if (op == OP_NE)
				hit = !hit;
			break;
		default:
			m = regex_match(c, s, re, md, v.buf, v.len);
			if (m < 0)
				goto cleanup;
			hit = op == OP_RE ? m : !m;
			break;
		}
		if (hit)
			set_add(into, all->v[i]);
	}
	ret = 0;
cleanup:
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	strbuf_release(&v);
	free(table);
	free(col);
	free(value);
	return ret;
}

/* One atom s->s[a..b), in NodeRange.pm expandatom's order. */
static int eval_atom(struct ctx *c, const struct src *s, size_t a, size_t b, struct strmap *into)
{
	char *t = xstrndup(s->s + a, b - a);
	int ret = 0;

	if (add_node_or_group(c, t, into))
		;
	else if (t[0] == '/')
		ret = select_regex(c, s, a, t, into);
	else if (strpbrk(t, "=~"))
		ret = select_attr(c, s, a, t, into);
	else if (all_digits(t))
		resolve_name(c, t, into);
	else if (strchr(t, '['))
		ret = expand_brackets(c, s, a, t, into);
	else if (strchr(t, '+'))
		ret = expand_plus(c, s, a, t, into);
	else if (strpbrk(t, "-:"))
		ret = expand_dash(c, s, a, t, into);
	else
		add_unmatched(c, t);
	free(t);
	return ret;
}

static int parse_range(struct ctx *c, const struct src *s, size_t *pos, bool nested,
		       struct strmap *acc, struct strmap *excl);

/*
 * ^file: one noderange per line (only the text before the first blank),
 * lines starting with '#' or '^' ignored (noderange(3)). The lines make
 * one range: a "-name" line takes name out of what the file gives.
 */
static int eval_file(struct ctx *c, const struct src *s, size_t at, const char *path,
		     struct strmap *into)
{
	FILE *f = NULL;
	struct strbuf line = STRBUF_INIT;
	struct strmap acc = STRMAP_INIT, excl = STRMAP_INIT;
	struct src ls = {0};
	size_t lineno = 0;
	int ch = 0, ret = -1;

	if (c->depth >= MAX_DEPTH) {
		syntax_err(c, s, at, "files nested too deeply");
		goto cleanup;
	}
	f = fopen(path, "r");
	if (!f) {
		range_err(c, s, "cannot open '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	while (ch != EOF) {
		size_t b = 0, e, pos = 0;
		int r;

		strbuf_reset(&line);
		while ((ch = getc(f)) != EOF && ch != '\n') {
			if (line.len >= MAX_LINE) {
				err_set(c->e, "noderange file '%s' line %zu: line too long", path,
					lineno + 1);
				goto cleanup;
			}
			strbuf_addch(&line, ch);
		}
		if (ch == EOF && ferror(f)) {
			err_set(c->e, "cannot read noderange file '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		lineno++;
		while (b < line.len && (line.buf[b] == ' ' || line.buf[b] == '\t'))
			b++;
		for (e = b; e < line.len && !strchr(" \t\r", line.buf[e]) && line.buf[e]; e++)
			;
		if (e == b || line.buf[b] == '#' || line.buf[b] == '^')
			continue;
		src_init(&ls, line.buf + b, e - b);
		c->depth++;
		r = parse_range(c, &ls, &pos, false, &acc, &excl);
		c->depth--;
		src_release(&ls);
		if (r < 0) {
			err_prefix(c->e, "noderange file '%s' line %zu", path, lineno);
			goto cleanup;
		}
	}
	set_take(into, &acc, &excl);
	ret = 0;
cleanup:
	if (f)
		fclose(f);
	strbuf_release(&line);
	strmap_clear(&acc);
	strmap_clear(&excl);
	return ret;
}

static bool ends_operand(int ch)
{
	return ch == ',' || ch == '@' || ch == ')';
}

/* One operand at *pos into into; *pos is left after it. */
static int parse_operand(struct ctx *c, const struct src *s, size_t *pos, struct strmap *into)
{
	size_t start = *pos, i;
	int ch = start < s->len ? s->s[start] : 0;

	if (!ch || ends_operand(ch))
		return syntax_err(c, s, start, "expected a name");
	if (ch == '-')
		return syntax_err(c, s, start, "unexpected '-'");
	if (ch == '(') {
		struct strmap acc = STRMAP_INIT, excl = STRMAP_INIT;
		int r;

		if (c->depth >= MAX_DEPTH)
			return syntax_err(c, s, start, "'(' nested too deeply");
		*pos = start + 1;
		c->depth++;
		r = parse_range(c, s, pos, true, &acc, &excl);
		c->depth--;
		if (!r && *pos >= s->len)
			r = syntax_err(c, s, start, "unterminated '('");
		if (!r) {
			(*pos)++;
			if (*pos < s->len && !ends_operand(s->s[*pos]))
				r = syntax_err(c, s, *pos, "unexpected '%c' after ')'", s->s[*pos]);
		}
		if (!r)
			set_take(into, &acc, &excl);
		strmap_clear(&acc);
		strmap_clear(&excl);
		return r;
	}
	if (ch == '^') {
		char *path;
		int r;

		for (i = start + 1; i < s->len && !ends_operand(s->s[i]); i++)
			;
		if (i == start + 1)
			return syntax_err(c, s, start, "expected a file name after '^'");
		path = xstrndup(s->s + start + 1, i - start - 1);
		*pos = i;
		r = eval_file(c, s, start, path, into);
		free(path);
		return r;
	}
	{
		size_t bd = 0, pd = 0, open_b = 0, open_p = 0;

		for (i = start; i < s->len; i++) {
			ch = s->s[i];
			if (ch == '\\' && i + 1 < s->len) {
				i++;
			} else if (ch == '[') {
				if (!bd++)
					open_b = i;
			} else if (bd) {
				bd -= ch == ']';
			} else if (ch == '(') {
				if (!pd++)
					open_p = i;
			} else if (ch == ')') {
				if (!pd)
					break;
				pd--;
			} else if (!pd && (ch == ',' || ch == '@')) {
				break;
			}
		}
		if (bd)
			return syntax_err(c, s, open_b, "unterminated '['");
		if (pd)
			return syntax_err(c, s, open_p, "unterminated '('");
		*pos = i;
		return eval_atom(c, s, start, i, into);
	}
}

/* operand ('@' operand)* into sink. */
static int parse_term(struct ctx *c, const struct src *s, size_t *pos, struct strmap *sink)
{
	struct strmap cur = STRMAP_INIT, next = STRMAP_INIT;
	int ret = -1;

	if (parse_operand(c, s, pos, &cur) < 0)
		goto cleanup;
	while (*pos < s->len && s->s[*pos] == '@') {
		(*pos)++;
		if (parse_operand(c, s, pos, &next) < 0)
			goto cleanup;
		set_intersect(&cur, &next);
		strmap_clear(&next);
	}
	set_take(sink, &cur, NULL);
	ret = 0;
cleanup:
	strmap_clear(&cur);
	strmap_clear(&next);
	return ret;
}

/*
 * Items up to the end (or, when nested, up to the ')' left at *pos): what
 * they include goes to acc, what '-' items name goes to excl; the caller
 * takes excl out of acc.
 */
static int parse_range(struct ctx *c, const struct src *s, size_t *pos, bool nested,
		       struct strmap *acc, struct strmap *excl)
{
	while (*pos < s->len) {
		int ch = s->s[*pos];
		struct strmap *sink = acc;

		if (ch == ',') {
			(*pos)++;
			continue;
		}
		if (ch == ')') {
			if (nested)
				return 0;
			return syntax_err(c, s, *pos, "unexpected ')'");
		}
		if (ch == '@')
			return syntax_err(c, s, *pos, "expected a name before '@'");
		if (ch == '-') {
			sink = excl;
			(*pos)++;
		}
		if (parse_term(c, s, pos, sink) < 0)
			return -1;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int noderange_expand(const char *range, const struct noderange_env *env, struct strvec *out,
		     struct strvec *unmatched, struct err *e)
{
	struct ctx c = {0};
	struct src s = {0}, xs = {0};
	struct strmap acc = STRMAP_INIT, excl = STRMAP_INIT;
	struct strmap xacc = STRMAP_INIT, xexcl = STRMAP_INIT;
	char **names = NULL;
	size_t pos = 0, n = 0;
	int ret = -1;

	c.env = env;
	c.prefix = env->number_prefix ? env->number_prefix : "node";
	c.collect = unmatched != NULL;
	c.e = e;
	strvec_init(&c.missed.names);
	src_init(&s, range, strlen(range));
	if (parse_range(&c, &s, &pos, false, &acc, &excl) < 0)
		goto cleanup;
	if (env->excludenodes && *env->excludenodes) {
		/* NodeRange.pm: noderange($::XCATSITEVALS{excludenodes}, 1, 0) */
		c.collect = false;
		pos = 0;
		src_init(&xs, env->excludenodes, strlen(env->excludenodes));
		if (parse_range(&c, &xs, &pos, false, &xacc, &xexcl) < 0) {
			err_prefix(e, "site.excludenodes");
			goto cleanup;
		}
		set_take(&excl, &xacc, &xexcl);
	}
	names = xcalloc(acc.nr ? acc.nr : 1, sizeof(*names));
	for (size_t i = 0; i < acc.cap; i++) {
		char *k = acc.slots[i].key;
		if (k && !strmap_get(&excl, k))
			names[n++] = k;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++)
		strvec_push(out, names[i]);
	if (unmatched) {
		for (size_t i = 0; i < c.missed.names.nr; i++)
			strvec_push_nodup(unmatched, c.missed.names.v[i]);
		c.missed.names.nr = 0; /* the strings are unmatched's now */
	}
	ret = 0;
cleanup:
	free(names);
	src_release(&s);
	src_release(&xs);
	strmap_clear(&acc);
	strmap_clear(&excl);
	strmap_clear(&xacc);
	strmap_clear(&xexcl);
	nameset_release(&c.missed);
	return ret;
}
