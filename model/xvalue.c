/*
 * xvalue.c: per-node table values the way xCAT computes them.
 *
 * Regular expression values follow getNodeAttribs() in
 * perl-xCAT/xCAT/Table.pm: the form tests /^\/[^\/]*\/[^\/]*\/$/ and
 * /^\|.*\|$/, the split at the first separator, the "easy" pattern built
 * from the node's digit runs, Perl's s/// applied once to the node name with
 * the replacement interpolated once (so it is literal), and Text::Balanced's
 * extract_bracketed() finding each parenthesised part, which is then
 * evaluated by a Safe compartment under "use integer" (with mknum() shared
 * into it). Perl's regex engine is replaced by PCRE2 with limits, and Perl's
 * eval by a small evaluator of the arithmetic subset. Parts are found once,
 * left to right, in the replacement; xCAT rescans its growing result, which
 * differs only when a capture itself contains parentheses.
 *
 * Variable substitution follows xCAT::SvrUtils::subVars() and the callers
 * in xCAT-server/lib/xcat/plugins/litetree.pm (showSync) and anaconda.pm
 * (mknetboot, the statemnt): split at ':', then at '/', the variable text
 * matched by /([^\$]*)([^# ]*)(.*)/, the '$'-separated variables joined with
 * '.', "UNDEFINED" for false values, then the "#CMD=" pass over the whole
 * part and the "//" fold of the directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "model/xvalue.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"
#include "util/banned.h"

extern char **environ;

/*
 * Limits that keep a hostile value from hanging or exhausting the process:
 * the length of a node name a regex is applied to (a host name has at most
 * 253), PCRE2's backtracking steps, its backtracking depth and heap (KiB),
 * the nesting of an arithmetic part, and the output kept from a command.
 * PCRE2's cost per step grows with the subject, hence the first.
 */
enum {
	XV_NODE_MAX = 255,
	XV_MATCH_LIMIT = 100000,
	XV_DEPTH_LIMIT = 5000,
	XV_HEAP_LIMIT_KIB = 32768,
	XV_EXPR_DEPTH = 200,
	XV_CMD_OUTPUT_MAX = 1 << 20,
};

/* The regexes getNodeAttribs() tested the value with (Perl's s//.../). */
static const char rx_slash_form[] = "^\\/[^\\/]*\\/[^\\/]*\\/$";
static const char rx_pipe_form[] = "^\\|.*\\|$";

/*
 * Appends 's' (len bytes) in quotes for a message: control and non-ASCII
 * bytes as C escapes, but backslashes as they are, since regular
 * expressions are full of them.
 */
static void addq(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_addch(sb, '\'');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\')
			strbuf_addch(sb, '\\');
		else
			strbuf_addquoted(sb, s + i, 1);
	}
	strbuf_addch(sb, '\'');
}

static void addqs(struct strbuf *sb, const char *s)
{
	addq(sb, s, strlen(s));
}

/* Appends '$name' quoted. */
static void addvar(struct strbuf *sb, const char *name, size_t len)
{
	struct strbuf t = STRBUF_INIT;

	strbuf_addch(&t, '$');
	strbuf_add(&t, name, len);
	addq(sb, t.buf, t.len);
	strbuf_release(&t);
}

/* Sets e to the message in sb, for a problem with the value itself. */
static void data_error(struct err *e, const struct strbuf *sb)
{
	err_set(e, "%s", sb->buf);
	if (e)
		e->code = EXIT_DATA;
}

/* Perl's truth of a string: neither "" nor "0". */
static bool perl_true(const char *s, size_t len)
{
	return len && !(len == 1 && s[0] == '0');
}

/* ---- the form of a value ------------------------------------------------ */

enum form { FORM_PLAIN, FORM_SLASH, FORM_PIPE };

/*
 * Which of getNodeAttribs()'s tests value passes. Perl's '$' also matches
 * before a final newline, which is why end may stop short of len.
 */
static enum form classify(const char *v, size_t len)
{
	size_t end = len, slashes = 0;

	if (end && v[end - 1] == '\n')
		end--;
	if (end >= 1 && v[0] == '/' && v[end - 1] == '/') {
		for (size_t i = 0; i < len; i++)
			slashes += v[i] == '/';
		if (slashes == 3)
			return FORM_SLASH;
	}
	if (end >= 2 && v[0] == '|' && v[end - 1] == '|' && !memchr(v, '\n', end))
		return FORM_PIPE;
	return FORM_PLAIN;
}

bool xvalue_is_regex(const char *value)
{
	return value && classify(value, strlen(value)) != FORM_PLAIN;
}

/* ---- PCRE2 -------------------------------------------------------------- */

struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	bool matched;
	size_t start, end; /* of the match in the subject */
	const char *subject;
	PCRE2_SIZE *ov;
	uint32_t npairs;
};

static void rx_release(struct rx *rx)
{
	pcre2_match_data_free(rx->md);
	pcre2_match_context_free(rx->mctx);
	pcre2_code_free(rx->code);
	rx->md = NULL;
	rx->mctx = NULL;
	rx->code = NULL;
}

/*
 * Compiles pat as a Perl pattern on bytes. Returns 0, or -1 with e naming
 * the pattern, PCRE2's message and the offset.
 */
static int rx_compile(struct rx *rx, const char *pat, size_t len, const char *value, struct err *e)
{
	int code = 0;
	PCRE2_SIZE off = 0;
	PCRE2_UCHAR msg[256];
	struct strbuf sb = STRBUF_INIT;

	rx->code = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code,
				 &off, NULL);
	if (!rx->code) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		strbuf_addstr(&sb, "bad regex ");
		addq(&sb, pat, len);
		strbuf_addstr(&sb, " in value ");
		addqs(&sb, value);
		strbuf_addf(&sb, ": %s at offset %zu", (const char *)msg, (size_t)off);
		data_error(e, &sb);
		strbuf_release(&sb);
		return -1;
	}
	rx->md = pcre2_match_data_create_from_pattern(rx->code, NULL);
	rx->mctx = pcre2_match_context_create(NULL);
	if (!rx->md || !rx->mctx)
		die_bug("out of memory");
	pcre2_set_match_limit(rx->mctx, XV_MATCH_LIMIT);
	pcre2_set_depth_limit(rx->mctx, XV_DEPTH_LIMIT);
	pcre2_set_heap_limit(rx->mctx, XV_HEAP_LIMIT_KIB);
	return 0;
}

/* Matches once against node. Returns 0 (see rx->matched), or -1 with e set. */
static int rx_match(struct rx *rx, const char *pat, size_t patlen, const char *node,
		    const char *value, struct err *e)
{
	int rc;
	PCRE2_UCHAR msg[256];
	struct strbuf sb = STRBUF_INIT;

	rc = pcre2_match(rx->code, (PCRE2_SPTR)node, strlen(node), 0, 0, rx->md, rx->mctx);
	if (rc == PCRE2_ERROR_NOMATCH) {
		rx->matched = false;
		return 0;
	}
	if (rc < 0) {
		if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", rc);
		strbuf_addstr(&sb, "cannot match regex ");
		addq(&sb, pat, patlen);
		strbuf_addstr(&sb, " of value ");
		addqs(&sb, value);
		strbuf_addstr(&sb, " against node ");
		addqs(&sb, node);
		strbuf_addf(&sb, ": %s", (const char *)msg);
		data_error(e, &sb);
		strbuf_release(&sb);
		return -1;
	}
	rx->matched = true;
	rx->subject = node;
	rx->ov = pcre2_get_ovector_pointer(rx->md);
	rx->npairs = pcre2_get_ovector_count(rx->md);
	rx->start = rx->ov[0];
	rx->end = rx->ov[1];
	/* \K can put the start after the end; Perl then replaces nothing. */
	if (rx->end < rx->start)
		rx->end = rx->start;
	return 0;
}

/* ---- arithmetic of a parenthesised part --------------------------------- */

enum vkind { V_NUM, V_STR };

/* A Perl scalar as far as we need one: an integer, or text (undef is ""). */
struct val {
	enum vkind kind;
	int64_t n;
	const char *s;
	size_t len;
};

struct ev {
	const char *s; /* the expression */
	size_t len, pos;
	const struct rx *rx; /* the captures */
	int depth;
	struct strbuf msg; /* what went wrong, at errpos */
	size_t errpos;
	struct strvec pool; /* strings made while evaluating */
};

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

static int ev_fail(struct ev *ev, size_t pos, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int ev_fail(struct ev *ev, size_t pos, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(&ev->msg);
	va_start(ap, fmt);
	strbuf_vaddf(&ev->msg, fmt, ap);
	va_end(ap);
	ev->errpos = pos;
	return -1;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_idfirst(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static void skip_ws(struct ev *ev)
{
	while (ev->pos < ev->len && is_space((unsigned char)ev->s[ev->pos]))
		ev->pos++;
}

static int peek(struct ev *ev)
{
	skip_ws(ev);
	return ev->pos < ev->len ? (unsigned char)ev->s[ev->pos] : -1;
}

static int add_ov(int64_t a, int64_t b, int64_t *r)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*r = a + b;
	return 0;
}

static int sub_ov(int64_t a, int64_t b, int64_t *r)
{
	if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
		return -1;
	*r = a - b;
	return 0;
}

static int mul_ov(int64_t a, int64_t b, int64_t *r)
{
	if (a && b) {
		if (a > 0 ? (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
			  : (b > 0 ? a < INT64_MIN / b : b < INT64_MAX / a))
			return -1;
	}
	*r = a * b;
	return 0;
}

/*
 * The number a Perl string counts as: leading blanks, a sign, decimal
 * digits with an optional fraction and exponent; anything else ends it
 * ("12abc" is 12, "abc" is 0). Under "use integer" the fraction is
 * dropped. Returns 0, or -1 if it does not fit in 64 bits.
 */
static int numify(const char *s, size_t len, int64_t *out)
{
	size_t i = 0, mant = 0, ndig = 0;
	long point = 0, exp = 0;
	bool neg = false;
	int64_t v = 0;
	char dig[24];

	*out = 0;
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	/*
	 * The significant digits (leading zeros dropped) and where the point
	 * falls among them: "0.05" is digits "5" with the point at -1.
	 */
	for (; i < len && is_digit((unsigned char)s[i]); i++, mant++) {
		if (!ndig && s[i] == '0')
			continue;
		if (ndig < sizeof(dig))
			dig[ndig] = s[i];
		ndig++;
		point++;
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && is_digit((unsigned char)s[i]); i++, mant++) {
			if (!ndig && s[i] == '0') {
				point--;
				continue;
			}
			if (ndig < sizeof(dig))
				dig[ndig] = s[i];
			ndig++;
		}
	}
	if (!mant || !ndig)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		bool eneg = false;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			eneg = s[j++] == '-';
		for (; j < len && is_digit((unsigned char)s[j]); j++)
			if (exp < 100000)
				exp = exp * 10 + (s[j] - '0');
		if (eneg)
			exp = -exp;
	}
	/*
	 * The integer part: the digits before the point, zeros beyond the
	 * last one. The first digit is not 0, so 20 of them overflow.
	 */
	point += exp;
	for (long k = 0; k < point; k++) {
		int d = (size_t)k < ndig && (size_t)k < sizeof(dig) ? dig[k] - '0' : 0;

		if (mul_ov(v, 10, &v) < 0 || add_ov(v, d, &v) < 0)
			return -1;
	}
	*out = neg ? -v : v;
	return 0;
}

/* Perl's looks_like_number() for the strings unary minus cares about. */
static bool looks_like_number(const char *s, size_t len)
{
	size_t i = 0, mant = 0;

	while (i < len && is_space((unsigned char)s[i]))
		i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && is_digit((unsigned char)s[i]); i++)
		mant++;
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit((unsigned char)s[i]); i++)
			mant++;
	if (!mant)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < len && is_digit((unsigned char)s[j])) {
			while (j < len && is_digit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	return i == len;
}

static int as_num(struct ev *ev, const struct val *v, size_t pos, int64_t *out)
{
	if (v->kind == V_NUM) {
		*out = v->n;
		return 0;
	}
	if (numify(v->s, v->len, out) < 0)
		return ev_fail(ev, pos, "integer overflow");
	return 0;
}

/* The text of v; numbers are formatted into buf. */
static const char *as_str(const struct val *v, char *buf, size_t bufsz, size_t *len)
{
	if (v->kind == V_STR) {
		*len = v->len;
		return v->s ? v->s : "";
	}
	snprintf(buf, bufsz, "%" PRId64, v->n);
	*len = strlen(buf);
	return buf;
}

static void set_num(struct val *v, int64_t n)
{
	v->kind = V_NUM;
	v->n = n;
	v->s = NULL;
	v->len = 0;
}

static int parse_expr(struct ev *ev, struct val *v);

/*
 * A numeric literal as Perl reads one: 0x, 0b, 0o or 0 prefixes, '_'
 * between digits. Fractions and exponents are not supported.
 */
static int parse_number(struct ev *ev, struct val *v)
{
	size_t start = ev->pos, i = ev->pos, ndig = 0;
	const char *s = ev->s;
	int base = 10;
	const char *what = "decimal";
	int64_t n = 0;

	if (s[i] == '0' && i + 1 < ev->len) {
		char c = s[i + 1];

		if (c == 'x' || c == 'X')
			base = 16, what = "hexadecimal", i += 2;
		else if (c == 'b' || c == 'B')
			base = 2, what = "binary", i += 2;
		else if (c == 'o' || c == 'O')
			base = 8, what = "octal", i += 2;
		else if (is_digit((unsigned char)c) || c == '_')
			base = 8, what = "octal", i += 1;
	}
	for (; i < ev->len; i++) {
		int c = (unsigned char)s[i], d;

		if (c == '_')
			continue;
		if (is_digit(c))
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (d >= base) {
			if (base == 2 && d < 10)
				return ev_fail(ev, i, "illegal binary digit '%c'", c);
			if (base == 8)
				return ev_fail(ev, i, "illegal octal digit '%c'", c);
			break;
		}
		if (mul_ov(n, base, &n) < 0 || add_ov(n, d, &n) < 0)
			return ev_fail(ev, start, "integer overflow in %s number", what);
		ndig++;
	}
	if (!ndig && base != 8)
		return ev_fail(ev, start, "no digits in %s number", what);
	ev->pos = i;
	set_num(v, n);
	return 0;
}

/* $N or ${N}: the capture, undef (empty) if unset or beyond the pattern. */
static int parse_capture(struct ev *ev, struct val *v)
{
	size_t start = ev->pos, i = ev->pos + 1;
	bool brace = false;
	unsigned long n = 0;
	const struct rx *rx = ev->rx;

	if (i < ev->len && ev->s[i] == '{')
		brace = true, i++;
	if (i >= ev->len || !is_digit((unsigned char)ev->s[i]) || ev->s[i] == '0') {
		size_t end = i;

		while (end < ev->len && end - start < 8 && !is_space((unsigned char)ev->s[end]) &&
		       !(ev->s[end] && strchr("()+-*/%", ev->s[end])))
			end++;
		return ev_fail(ev, start, "unsupported variable '%.*s'", (int)(end - start),
			       ev->s + start);
	}
	for (; i < ev->len && is_digit((unsigned char)ev->s[i]); i++)
		if (n < 1000000)
			n = n * 10 + (unsigned long)(ev->s[i] - '0');
	if (brace) {
		if (i >= ev->len || ev->s[i] != '}')
			return ev_fail(ev, start, "missing '}' after '${'");
		i++;
	}
	ev->pos = i;
	v->kind = V_STR;
	v->n = 0;
	v->s = NULL;
	v->len = 0;
	if (n < rx->npairs && rx->ov[2 * n] != PCRE2_UNSET && rx->ov[2 * n + 1] >= rx->ov[2 * n]) {
		v->s = rx->subject + rx->ov[2 * n];
		v->len = rx->ov[2 * n + 1] - rx->ov[2 * n];
	}
	return 0;
}

/* mknum(expr): the sum of the bytes of expr's text (Table.pm's mknum). */
static int parse_mknum(struct ev *ev, struct val *v)
{
	struct val arg;
	char buf[32];
	size_t len;
	const char *s;
	int64_t sum = 0;

	if (peek(ev) != '(')
		return ev_fail(ev, ev->pos, "mknum needs '('");
	if (++ev->depth > XV_EXPR_DEPTH)
		return ev_fail(ev, ev->pos, "parentheses nested too deeply");
	ev->pos++;
	if (peek(ev) == ')') {
		arg.kind = V_STR;
		arg.s = NULL;
		arg.len = 0;
	} else if (parse_expr(ev, &arg) < 0) {
		return -1;
	}
	if (peek(ev) != ')')
		return ev_fail(ev, ev->pos, "missing ')' after mknum argument");
	ev->pos++;
	ev->depth--;
	s = as_str(&arg, buf, sizeof(buf), &len);
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)s[i]; /* len is far below INT64_MAX / 255 */
	set_num(v, sum);
	return 0;
}

static int parse_primary(struct ev *ev, struct val *v)
{
	int c = peek(ev);
	size_t start = ev->pos;

	if (c < 0)
		return ev_fail(ev, start, "unexpected end");
	if (c == '(') {
		if (++ev->depth > XV_EXPR_DEPTH)
			return ev_fail(ev, start, "parentheses nested too deeply");
		ev->pos++;
		if (peek(ev) == ')') {
			/* () is an empty list, undef in scalar context */
			v->kind = V_STR;
			v->s = NULL;
			v->len = 0;
		} else if (parse_expr(ev, v) < 0) {
			return -1;
		}
		if (peek(ev) != ')')
			return ev->pos < ev->len
				   ? ev_fail(ev, ev->pos, "unexpected '%c'", ev->s[ev->pos])
				   : ev_fail(ev, start, "missing ')'");
		ev->pos++;
		ev->depth--;
		return 0;
	}
	if (is_digit(c))
		return parse_number(ev, v);
	if (c == '$')
		return parse_capture(ev, v);
	if (is_idfirst(c)) {
		size_t end = start;

		while (end < ev->len && (is_idfirst((unsigned char)ev->s[end]) ||
					 is_digit((unsigned char)ev->s[end])))
			end++;
		if (end - start == 5 && !memcmp(ev->s + start, "mknum", 5)) {
			ev->pos = end;
			return parse_mknum(ev, v);
		}
		return ev_fail(ev, start, "unexpected '%.*s'",
			       (int)(end - start > 32 ? 32 : end - start), ev->s + start);
	}
	return ev_fail(ev, start, "unexpected '%c'", c);
}

/* Perl's unary minus: "-abc" of "abc", "+abc" of "-abc", else numeric. */
static int negate(struct ev *ev, struct val *v, size_t pos)
{
	int64_t n;

	if (v->kind == V_STR && v->len) {
		char *t;

		if (is_idfirst((unsigned char)v->s[0])) {
			t = xmalloc(st_add(v->len, 2));
			t[0] = '-';
			memcpy(t + 1, v->s, v->len);
			t[v->len + 1] = '\0';
			strvec_push_nodup(&ev->pool, t);
			v->s = t;
			v->len++;
			return 0;
		}
		if (v->s[0] == '+' || (v->s[0] == '-' && !looks_like_number(v->s, v->len))) {
			t = xstrndup(v->s, v->len);
			t[0] = t[0] == '+' ? '-' : '+';
			strvec_push_nodup(&ev->pool, t);
			v->s = t;
			return 0;
		}
	}
	if (as_num(ev, v, pos, &n) < 0)
		return -1;
	if (n == INT64_MIN)
		return ev_fail(ev, pos, "integer overflow");
	set_num(v, -n);
	return 0;
}

/* Perl reads "--" and "++" as one operator, which has no place here. */
static int check_doubled(struct ev *ev)
{
	char c = ev->s[ev->pos];

	if (ev->pos + 1 < ev->len && ev->s[ev->pos + 1] == c)
		return ev_fail(ev, ev->pos, "unsupported operator '%c%c'", c, c);
	return 0;
}

static int parse_unary(struct ev *ev, struct val *v)
{
	int c = peek(ev);
	size_t start = ev->pos;
	int rc;

	if (c != '-' && c != '+')
		return parse_primary(ev, v);
	if (check_doubled(ev) < 0)
		return -1;
	if (++ev->depth > XV_EXPR_DEPTH)
		return ev_fail(ev, start, "expression nested too deeply");
	ev->pos++;
	rc = parse_unary(ev, v);
	ev->depth--;
	if (rc < 0)
		return -1;
	/* unary plus does nothing in Perl, not even make a number */
	return c == '-' ? negate(ev, v, start) : 0;
}

static int parse_term(struct ev *ev, struct val *v)
{
	if (parse_unary(ev, v) < 0)
		return -1;
	for (;;) {
		int c = peek(ev);
		size_t opos = ev->pos;
		struct val r;
		int64_t a, b, n;

		if (c != '*' && c != '/' && c != '%')
			return 0;
		if (c == '*' && check_doubled(ev) < 0)
			return -1;
		ev->pos++;
		if (parse_unary(ev, &r) < 0)
			return -1;
		if (as_num(ev, v, opos, &a) < 0 || as_num(ev, &r, opos, &b) < 0)
			return -1;
		if (c == '*') {
			if (mul_ov(a, b, &n) < 0)
				return ev_fail(ev, opos, "integer overflow");
		} else if (!b) {
			return ev_fail(ev, opos, c == '/' ? "division by zero" : "modulus by zero");
		} else if (a == INT64_MIN && b == -1) {
			if (c == '/')
				return ev_fail(ev, opos, "integer overflow");
			n = 0;
		} else {
			n = c == '/' ? a / b : a % b;
		}
		set_num(v, n);
	}
}

static int parse_expr(struct ev *ev, struct val *v)
{
	if (parse_term(ev, v) < 0)
		return -1;
	for (;;) {
		int c = peek(ev);
		size_t opos = ev->pos;
		struct val r;
		int64_t a, b, n;

		if (c != '+' && c != '-')
			return 0;
		if (check_doubled(ev) < 0)
			return -1;
		ev->pos++;
		if (parse_term(ev, &r) < 0)
			return -1;
		if (as_num(ev, v, opos, &a) < 0 || as_num(ev, &r, opos, &b) < 0)
			return -1;
		if ((c == '+' ? add_ov(a, b, &n) : sub_ov(a, b, &n)) < 0)
			return ev_fail(ev, opos, "integer overflow");
		set_num(v, n);
	}
}

static void eval_error(const char *expr, size_t len, const struct ev *ev, const char *value,
		       const char *node, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "cannot evaluate ");
	addq(&sb, expr, len);
	strbuf_addstr(&sb, " from value ");
	addqs(&sb, value);
	strbuf_addstr(&sb, " for node ");
	addqs(&sb, node);
	strbuf_addf(&sb, ": %s at column %zu", ev->msg.buf, ev->errpos + 1);
	data_error(e, &sb);
	strbuf_release(&sb);
}

/*
 * Evaluates expr (len bytes) with the captures of rx and appends its value
 * to out. Returns 0, or -1 with e set.
 */
static int eval_part(const char *expr, size_t len, const struct rx *rx, const char *value,
		     const char *node, struct strbuf *out, struct err *e)
{
	struct ev ev = {expr, len, 0, rx, 0, STRBUF_INIT, 0, STRVEC_INIT};
	struct val v;
	char buf[32];
	const char *s;
	size_t n;
	int ret = -1;

	if (parse_expr(&ev, &v) < 0)
		goto fail;
	if (peek(&ev) >= 0) {
		ev_fail(&ev, ev.pos, "unexpected '%c'", ev.s[ev.pos]);
		goto fail;
	}
	s = as_str(&v, buf, sizeof(buf), &n);
	strbuf_add(out, s, n);
	ret = 0;
	goto cleanup;

fail:
	eval_error(expr, len, &ev, value, node, e);
cleanup:
	strbuf_release(&ev.msg);
	strvec_clear(&ev.pool);
	return ret;
}

/* ---- regular expression values ------------------------------------------ */

/* One piece of a replacement: literal text or a parenthesised part. */
struct piece {
	size_t off, len;
	bool part;
};

/*
 * Splits the replacement into literal text and balanced parenthesised
 * parts, as extract_bracketed($r, '()', qr/[^()]*) finds them: a backslash
 * escapes the next character inside a part only. Returns the number of
 * pieces (in *pieces, malloc'd), or -1 with e set for unbalanced
 * parentheses; col0 is where the replacement starts in the value.
 */
static long split_parts(const char *r, size_t len, size_t col0, const char *value,
			struct piece **pieces, struct err *e)
{
	struct piece *p = NULL;
	size_t nr = 0, alloc = 0, lit = 0, open = 0;
	int depth = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < len; i++) {
		char c = r[i];

		if (depth) {
			if (c == '\\' && i + 1 < len) {
				i++;
			} else if (c == '(') {
				if (depth == INT_MAX)
					goto unbalanced;
				depth++;
			} else if (c == ')' && !--depth) {
				ALLOC_GROW(p, nr + 1, alloc);
				p[nr++] = (struct piece){open, i + 1 - open, true};
				lit = i + 1;
			}
			continue;
		}
		if (c == ')') {
			open = i;
			goto unbalanced;
		}
		if (c == '(') {
			if (i > lit) {
				ALLOC_GROW(p, nr + 1, alloc);
				p[nr++] = (struct piece){lit, i - lit, false};
			}
			open = i;
			depth = 1;
		}
	}
	if (depth)
		goto unbalanced;
	if (len > lit) {
		ALLOC_GROW(p, nr + 1, alloc);
		p[nr++] = (struct piece){lit, len - lit, false};
	}
	*pieces = p;
	return (long)nr;

unbalanced:
	strbuf_addf(&sb, "unbalanced '%c' at column %zu of value ", r[open] == ')' ? ')' : '(',
		    col0 + open + 1);
	addqs(&sb, value);
	data_error(e, &sb);
	strbuf_release(&sb);
	free(p);
	*pieces = NULL;
	return -1;
}

char *xvalue_eval(const char *value, const char *node, struct err *e)
{
	size_t len, explen, patlen = 0, replen = 0, repcol = 0;
	enum form form;
	const char *exp, *pat = NULL, *rep = NULL, *bar;
	struct strbuf lhs = STRBUF_INIT, out = STRBUF_INIT, expr = STRBUF_INIT;
	struct rx rx = {0};
	struct piece *pieces = NULL;
	long npieces = 0;
	char *ret = NULL;

	if (!value || !node) {
		err_set(e, "no value or no node to evaluate");
		return NULL;
	}
	len = strlen(value);
	form = classify(value, len);
	if (form == FORM_PLAIN)
		return xstrdup(value);
	if (strlen(node) > XV_NODE_MAX) {
		strbuf_addstr(&out, "cannot apply value ");
		addqs(&out, value);
		strbuf_addstr(&out, " to node ");
		addq(&out, node, 32);
		strbuf_addf(&out, "...: node name longer than %d bytes", XV_NODE_MAX);
		data_error(e, &out);
		goto cleanup;
	}

	/* substr($v, 1), then chop: the last character goes, even a "\n" */
	exp = value + 1;
	explen = len - 2;
	if (form == FORM_SLASH) {
		/* split('/', $exp, 2); $exp always has a '/' here */
		bar = memchr(exp, '/', explen);
		pat = exp;
		patlen = (size_t)(bar - exp);
		rep = bar + 1;
		replen = explen - patlen - 1;
	} else if (explen && (bar = memchr(exp, '|', explen))) {
		pat = exp;
		patlen = (size_t)(bar - exp);
		rep = bar + 1;
		replen = explen - patlen - 1;
	} else {
		/* The easy form: one [\D0]*(\d+) per run of digits in node. */
		for (const char *p = node; *p; p++)
			if (is_digit((unsigned char)*p) && !is_digit((unsigned char)p[1]))
				strbuf_addstr(&lhs, "[\\D0]*(\\d+)");
		strbuf_addstr(&lhs, ".*$");
		pat = lhs.buf;
		patlen = lhs.len;
		rep = exp; /* split() of "" gives no fields: then rep is "" */
		replen = explen;
	}
	repcol = (size_t)(rep - value);
	if (!patlen) {
		/* Perl's empty pattern: the last successful one, the form test */
		pat = form == FORM_SLASH ? rx_slash_form : rx_pipe_form;
		patlen = strlen(pat);
	}

	if (form == FORM_PIPE) {
		npieces = split_parts(rep, replen, repcol, value, &pieces, e);
		if (npieces < 0)
			goto cleanup;
	}
	if (rx_compile(&rx, pat, patlen, value, e) < 0 ||
	    rx_match(&rx, pat, patlen, node, value, e) < 0)
		goto cleanup;
	if (!rx.matched) {
		ret = xstrdup(node);
		goto cleanup;
	}

	strbuf_add(&out, node, rx.start);
	for (long i = 0; i < npieces; i++) {
		const struct piece *p = &pieces[i];

		if (!p->part) {
			strbuf_add(&out, rep + p->off, p->len);
			continue;
		}
		/* xCAT evaluates the node name with the match replaced by the part */
		strbuf_reset(&expr);
		strbuf_add(&expr, node, rx.start);
		strbuf_add(&expr, rep + p->off, p->len);
		strbuf_addstr(&expr, node + rx.end);
		if (eval_part(expr.buf, expr.len, &rx, value, node, &out, e) < 0)
			goto cleanup;
	}
	if (form == FORM_SLASH)
		strbuf_add(&out, rep, replen);
	strbuf_addstr(&out, node + rx.end);
	ret = strbuf_detach(&out, NULL);

cleanup:
	free(pieces);
	rx_release(&rx);
	strbuf_release(&lhs);
	strbuf_release(&out);
	strbuf_release(&expr);
	return ret;
}

/* ---- statelite variables ------------------------------------------------- */

struct subst {
	const char *value; /* the whole value, for messages */
	const char *node;
	xvalue_lookup_fn fn;
	void *data;
	bool allow_cmd;
	struct strbuf tmp;
};

/*
 * Appends the value of one variable ("node", "table.col", "site.key"):
 * Returns 0, or -1 with e set.
 */
static int subst_var(struct subst *st, const char *name, size_t len, struct strbuf *out,
		     struct err *e)
{
	const char *dot, *col, *colend;
	char *table = NULL, *column = NULL;
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	if (len == 4 && !memcmp(name, "node", 4)) {
		strbuf_addstr(out, st->node);
		return 0;
	}
	/* my ($table, $col) = split('\.', $part): fields after the second go */
	dot = memchr(name, '.', len);
	if (dot) {
		col = dot + 1;
		colend = memchr(col, '.', len - (size_t)(col - name));
		if (!colend)
			colend = name + len;
		table = xstrndup(name, (size_t)(dot - name));
		column = xstrndup(col, (size_t)(colend - col));
	} else {
		table = xstrndup(name, len);
		column = xstrdup("");
	}
	if (!perl_true(column, strlen(column))) {
		free(column);
		column = xstrdup("UNDEFINED");
	}
	if (!*table) {
		strbuf_addstr(&sb, "empty table name in variable ");
		addvar(&sb, name, len);
		strbuf_addstr(&sb, " of value ");
		addqs(&sb, st->value);
		data_error(e, &sb);
		goto cleanup;
	}
	if (!st->fn) {
		strbuf_addstr(&sb, "no table lookup for variable ");
		addvar(&sb, name, len);
		strbuf_addstr(&sb, " of value ");
		addqs(&sb, st->value);
		data_error(e, &sb);
		goto cleanup;
	}
	strbuf_reset(&st->tmp);
	if (st->fn(st->data, st->node, table, column, &st->tmp, e) < 0) {
		strbuf_addstr(&sb, "cannot substitute ");
		addvar(&sb, name, len);
		strbuf_addstr(&sb, " in value ");
		addqs(&sb, st->value);
		strbuf_addstr(&sb, " for node ");
		addqs(&sb, st->node);
		err_prefix(e, "%s", sb.buf);
		goto cleanup;
	}
	/* unless ($val) { $val = "UNDEFINED" } */
	if (perl_true(st->tmp.buf, st->tmp.len))
		strbuf_add(out, st->tmp.buf, st->tmp.len);
	else
		strbuf_addstr(out, "UNDEFINED");
	ret = 0;

cleanup:
	free(table);
	free(column);
	strbuf_release(&sb);
	return ret;
}

static void cmd_error(const struct subst *st, const char *cmd, const char *why, struct err *e)
{
	struct strbuf m = STRBUF_INIT;

	strbuf_addstr(&m, "command ");
	addqs(&m, cmd);
	strbuf_addstr(&m, " from value ");
	addqs(&m, st->value);
	strbuf_addstr(&m, " for node ");
	addqs(&m, st->node);
	strbuf_addf(&m, " failed: %s", why);
	err_set(e, "%s", m.buf);
	strbuf_release(&m);
}

/*
 * Runs cmd as xCAT's backticks do (`$cmd 2>&1`) and appends its output
 * less one trailing newline. Returns 0, or -1 with e set.
 */
static int run_cmd(struct subst *st, const char *cmd, struct strbuf *out, struct err *e)
{
	struct strbuf line = STRBUF_INIT, buf = STRBUF_INIT, sb = STRBUF_INIT;
	int fds[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	bool fa_init = false, too_long = false;
	pid_t pid = -1;
	char *argv[4];
	int rc, status = 0, ret = -1;
	const char *why = NULL;

	strbuf_addstr(&line, cmd);
	strbuf_addstr(&line, " 2>&1");
	if (pipe(fds) < 0) {
		why = strerror(errno);
		goto fail;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	if ((rc = posix_spawn_file_actions_init(&fa))) {
		why = strerror(rc);
		goto fail;
	}
	fa_init = true;
	if ((rc = posix_spawn_file_actions_adddup2(&fa, fds[1], 1)) ||
	    (rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0))) {
		why = strerror(rc);
		goto fail;
	}
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = line.buf;
	argv[3] = NULL;
	if ((rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ))) {
		pid = -1;
		why = strerror(rc);
		goto fail;
	}
	close(fds[1]);
	fds[1] = -1;
	for (;;) {
		ssize_t n;

		strbuf_grow(&buf, 4096);
		n = read(fds[0], buf.buf + buf.len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			why = strerror(errno);
			break;
		}
		if (!n)
			break;
		strbuf_setlen(&buf, buf.len + (size_t)n);
		if (buf.len > XV_CMD_OUTPUT_MAX) {
			too_long = true;
			break;
		}
	}
	close(fds[0]);
	fds[0] = -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			if (!why)
				why = strerror(errno);
			status = 0;
			break;
		}
	}
	pid = -1;
	if (why)
		goto fail;
	if (too_long) {
		why = "output too long";
		goto fail;
	}
	if (WIFSIGNALED(status)) {
		strbuf_addf(&sb, "killed by signal %d", WTERMSIG(status));
		why = sb.buf;
		goto fail;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		strbuf_addf(&sb, "exit status %d", WEXITSTATUS(status));
		if (buf.len) {
			size_t n = strcspn(buf.buf, "\n");

			strbuf_addstr(&sb, ": ");
			strbuf_addquoted(&sb, buf.buf, n > 200 ? 200 : n);
		}
		why = sb.buf;
		goto fail;
	}
	/* chomp */
	if (buf.len && buf.buf[buf.len - 1] == '\n')
		strbuf_setlen(&buf, buf.len - 1);
	if (!buf.len) {
		why = "no output";
		goto fail;
	}
	strbuf_add(out, buf.buf, buf.len);
	ret = 0;
	goto cleanup;

fail:
	cmd_error(st, cmd, why, e);
cleanup:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	strbuf_release(&line);
	strbuf_release(&buf);
	strbuf_release(&sb);
	return ret;
}

/*
 * The "#CMD=" pass of subVars(): split at '#', run every piece with
 * "CMD=" in it. Replaces sb. Returns 0, or -1 with e set.
 */
static int subst_cmds(struct subst *st, struct strbuf *sb, struct err *e)
{
	struct strbuf out = STRBUF_INIT, cmd = STRBUF_INIT, m = STRBUF_INIT;
	size_t n = sb->len, i = 0;
	int ret = -1;

	/* split(/#/, ...) drops trailing empty fields; "" pieces add nothing */
	while (i < n) {
		const char *p = sb->buf + i, *hash = memchr(p, '#', n - i);
		size_t plen = hash ? (size_t)(hash - p) : n - i;
		const char *c = NULL;

		for (size_t k = 0; k + 4 <= plen; k++)
			if (!memcmp(p + k, "CMD=", 4)) {
				c = p + k;
				break;
			}
		if (!c) {
			strbuf_add(&out, p, plen);
		} else {
			strbuf_reset(&cmd);
			strbuf_add(&cmd, p, (size_t)(c - p));
			strbuf_add(&cmd, c + 4, plen - (size_t)(c - p) - 4);
			if (!st->allow_cmd) {
				strbuf_addstr(&m, "refusing to run command ");
				addq(&m, cmd.buf, cmd.len);
				strbuf_addstr(&m, " (#CMD=) from value ");
				addqs(&m, st->value);
				strbuf_addstr(&m, " for node ");
				addqs(&m, st->node);
				strbuf_addstr(&m, ": running commands is not allowed");
				data_error(e, &m);
				goto cleanup;
			}
			if (run_cmd(st, cmd.buf, &out, e) < 0)
				goto cleanup;
		}
		i += plen + 1;
	}
	strbuf_reset(sb);
	strbuf_add(sb, out.buf, out.len);
	ret = 0;

cleanup:
	strbuf_release(&out);
	strbuf_release(&cmd);
	strbuf_release(&m);
	return ret;
}

/*
 * One '/'-separated part p (plen bytes) that has a '$' in it, as subVars()
 * takes it apart with /([^\$]*)([^# ]*)(.*)/: the text before the first
 * '$', the variables up to a '#' or a space, the rest up to a newline
 * (Perl's '.' stops there; what follows is lost). Appends to out; returns
 * 0 or -1 with e set.
 */
static int subst_part(struct subst *st, const char *p, size_t plen, struct strbuf *out,
		      struct err *e)
{
	size_t v = 0, vend, sufend;
	bool first = true;

	while (v < plen && p[v] != '$')
		v++;
	for (vend = v; vend < plen && p[vend] != '#' && p[vend] != ' '; vend++)
		;
	for (sufend = vend; sufend < plen && p[sufend] != '\n'; sufend++)
		;
	strbuf_add(out, p, v);
	/* split('\$', $var): empty names skipped, the values joined by '.' */
	while (v < vend) {
		size_t name = v + 1, next = name;

		while (next < vend && p[next] != '$')
			next++;
		if (next > name) {
			if (!first)
				strbuf_addch(out, '.');
			first = false;
			if (subst_var(st, p + name, next - name, out, e) < 0)
				return -1;
		}
		v = next;
	}
	strbuf_add(out, p + vend, sufend - vend);
	return 0;
}

/*
 * subVars($s, $node, $type): is_dir selects type 'dir' over 'server'; both
 * give a part without '$' its '/' back, only 'dir' the others too. Then
 * the "#CMD=" pass. Appends to out; returns 0 or -1 with e set.
 */
static int subvars(struct subst *st, const char *s, size_t len, bool is_dir, struct strbuf *out,
		   struct err *e)
{
	struct strbuf fdir = STRBUF_INIT;
	size_t end = len, i = 0;
	int ret = -1;

	/* split("/", $s) drops trailing empty fields */
	while (end && s[end - 1] == '/')
		end--;
	while (i < end) {
		const char *p = s + i, *slash = memchr(p, '/', end - i);
		size_t plen = slash ? (size_t)(slash - p) : end - i;

		if (!memchr(p, '$', plen)) {
			strbuf_addch(&fdir, '/');
			strbuf_add(&fdir, p, plen);
		} else {
			if (is_dir)
				strbuf_addch(&fdir, '/');
			if (subst_part(st, p, plen, &fdir, e) < 0)
				goto cleanup;
		}
		i += plen + 1;
	}
	if (strstr(fdir.buf, "#CMD=") && subst_cmds(st, &fdir, e) < 0)
		goto cleanup;
	strbuf_add(out, fdir.buf, fdir.len);
	ret = 0;

cleanup:
	strbuf_release(&fdir);
	return ret;
}

char *xvalue_subst(const char *s, const char *node, xvalue_lookup_fn fn, void *data, bool allow_cmd,
		   struct err *e)
{
	struct subst st = {s, node, fn, data, allow_cmd, STRBUF_INIT};
	struct strbuf server = STRBUF_INIT, dir = STRBUF_INIT, tmp = STRBUF_INIT;
	const char *c1, *f2, *c2;
	bool has_server;
	char *ret = NULL;

	if (!s || !node) {
		err_set(e, "no value or no node to substitute");
		return NULL;
	}
	if (!strchr(s, '$') && !strstr(s, "#CMD"))
		return xstrdup(s);

	/* my ($server, $dir) = split(/:/, $s); further fields are dropped */
	c1 = strchr(s, ':');
	if (c1) {
		strbuf_add(&server, s, (size_t)(c1 - s));
		f2 = c1 + 1;
		c2 = strchr(f2, ':');
		strbuf_add(&dir, f2, c2 ? (size_t)(c2 - f2) : strlen(f2));
	} else {
		strbuf_addstr(&server, s);
	}
	/* unless ($dir) { $dir = $server; $server = '' } */
	if (!perl_true(dir.buf, dir.len)) {
		strbuf_reset(&dir);
		strbuf_add(&dir, server.buf, server.len);
		strbuf_reset(&server);
	}

	if (memchr(dir.buf, '$', dir.len) || strstr(dir.buf, "#CMD")) {
		const char *p;

		if (subvars(&st, dir.buf, dir.len, true, &tmp, e) < 0)
			goto cleanup;
		/* $dir =~ s/\/\//\//g */
		strbuf_reset(&dir);
		for (p = tmp.buf; *p; p++) {
			strbuf_addch(&dir, *p);
			if (p[0] == '/' && p[1] == '/')
				p++;
		}
		strbuf_reset(&tmp);
	}
	has_server = perl_true(server.buf, server.len);
	if (has_server && memchr(server.buf, '$', server.len)) {
		if (subvars(&st, server.buf, server.len, false, &tmp, e) < 0)
			goto cleanup;
		strbuf_reset(&server);
		strbuf_add(&server, tmp.buf, tmp.len);
	}

	strbuf_reset(&tmp);
	if (has_server) {
		strbuf_add(&tmp, server.buf, server.len);
		strbuf_addch(&tmp, ':');
	}
	strbuf_add(&tmp, dir.buf, dir.len);
	ret = strbuf_detach(&tmp, NULL);

cleanup:
	strbuf_release(&st.tmp);
	strbuf_release(&server);
	strbuf_release(&dir);
	strbuf_release(&tmp);
	return ret;
}
