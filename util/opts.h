/*
 * opts.h: table-driven option parsing for commands (after curl's option
 * table). Each command declares its options once; the same table parses
 * argv and prints --help, so help cannot drift from the code.
 */
#ifndef EXTNFS_OPTS_H
#define EXTNFS_OPTS_H

#include "util/strvec.h"
#include "util/util.h"

enum opt_type {
	OPT_FLAG,   /* int *: set to 1 */
	OPT_STRING, /* const char **: the argument */
	OPT_LIST,   /* struct strvec *: each occurrence appended */
	OPT_END,
};

struct opt {
	char shrt;        /* 0: long only */
	const char *lng;  /* NULL: short only */
	enum opt_type type;
	void *ptr;
	const char *arg;  /* argument name shown in help */
	const char *help;
};

#define OPT_FLAG_(s, l, p, h) { s, l, OPT_FLAG, p, NULL, h }
#define OPT_STR_(s, l, p, a, h) { s, l, OPT_STRING, p, a, h }
#define OPT_LIST_(s, l, p, a, h) { s, l, OPT_LIST, p, a, h }
#define OPT_END_ { 0, NULL, OPT_END, NULL, NULL, NULL }

/*
 * Parses options from argv[1..] (argv[0] is the command name) until the
 * first non-option or "--"; the rest goes to rest. "--help"/"-h" sets
 * *help. Returns 0, or -1 with a usage message in e.
 */
int opts_parse(const struct opt *opts, int argc, char **argv, struct strvec *rest,
	       int *help, struct err *e);
/* Appends the help text: usage line, description, then the option table. */
void opts_help(const struct opt *opts, const char *usage, const char *desc, struct strbuf *out);

#endif
