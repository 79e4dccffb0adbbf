/*
 * opts.c: the option table parser; see opts.h.
 */
#include <string.h>

#include "util/opts.h"
#include "util/banned.h"

static int take(const struct opt *o, const char *val, struct err *e)
{
	switch (o->type) {
	case OPT_FLAG:
		*(int *)o->ptr = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->ptr = val;
		return 0;
	case OPT_LIST:
		strvec_push((struct strvec *)o->ptr, val);
		return 0;
	default:
		return err_set(e, "bad option table");
	}
}

int opts_parse(const struct opt *opts, int argc, char **argv, struct strvec *rest,
	       int *help, struct err *e)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt *o = NULL;
		const char *val = NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			*help = 1;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			/* options may follow operands, as users of xCAT commands expect */
			strvec_push(rest, a);
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			for (const struct opt *p = opts; p->type != OPT_END; p++)
				if (p->lng && strlen(p->lng) == n && !strncmp(p->lng, name, n))
					o = p;
			if (!o)
				return err_set(e, "unknown option '--%.*s'", (int)n, name);
			if (eq) {
				if (o->type == OPT_FLAG)
					return err_set(e, "option '--%s' takes no value", o->lng);
				val = eq + 1;
			}
		} else {
			for (const struct opt *p = opts; p->type != OPT_END; p++)
				if (p->shrt && p->shrt == a[1])
					o = p;
			if (!o)
				return err_set(e, "unknown option '-%c'", a[1]);
			if (a[2]) {
				if (o->type == OPT_FLAG)
					return err_set(e, "option '-%c' takes no value", a[1]);
				val = a + 2;
			}
		}
		if (o->type != OPT_FLAG && !val) {
			if (i + 1 >= argc)
				return o->lng ? err_set(e, "option '--%s' needs a value", o->lng)
					      : err_set(e, "option '-%c' needs a value", o->shrt);
			val = argv[++i];
		}
		if (take(o, val, e) < 0)
			return -1;
	}
	for (; i < argc; i++)
		strvec_push(rest, argv[i]);
	return 0;
}

void opts_help(const struct opt *opts, const char *usage, const char *desc, struct strbuf *out)
{
	strbuf_addf(out, "usage: %s\n", usage);
	if (desc)
		strbuf_addf(out, "\n%s\n", desc);
	if (opts->type == OPT_END)
		return;
	strbuf_addstr(out, "\noptions:\n");
	for (const struct opt *o = opts; o->type != OPT_END; o++) {
		struct strbuf left = STRBUF_INIT;
		if (o->shrt)
			strbuf_addf(&left, "-%c", o->shrt);
		if (o->shrt && o->lng)
			strbuf_addstr(&left, ", ");
		if (o->lng)
			strbuf_addf(&left, "--%s", o->lng);
		if (o->arg)
			strbuf_addf(&left, " %s", o->arg);
		strbuf_addf(out, "  %-26s %s\n", left.buf, o->help);
		strbuf_release(&left);
	}
}
