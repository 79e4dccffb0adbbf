/*
	  * Unit tests for model/xvalue.c: xCAT's regular expression values and
	  * statelite variable substitution. The expected results of the successful
	  * cases are what xCAT's own code (Table.pm getNodeAttribs(), SvrUtils.pm
	  * subVars() with litetree.pm's split) gives for the same input.
	  */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model/xvalue.h"
#include "util/strbuf.h"
#include "util/util.h"

struct eval_case {
	const char *value, *node;
	const char *want;   /* NULL: an error is expected */
	const char *errsub; /* part of the expected message */
};

static const struct eval_case eval_cases[] = {
	/* not a regular expression: unchanged */
	{ "plainvalue", "cn1", "plainvalue", NULL },
	{ "", "cn1", "", NULL },
	{ "/install/netboot/x", "cn1", "/install/netboot/x", NULL },
	{ "/a/b/c/", "cn1", "/a/b/c/", NULL },
	{ "/a/b", "cn1", "/a/b", NULL },
	{ "|x", "cn1", "|x", NULL },
	{ "|", "cn1", "|", NULL },
	{ "|a\n|", "cn1", "|a\n|", NULL },
	/* /pattern/replacement/: one s///, replacement literal */
	{ "/\\z/-bmc/", "cn01", "cn01-bmc", NULL },
	{ "/^/x/", "cn01", "xcn01", NULL },
	{ "/cn/mgt/", "cn01", "mgt01", NULL },
	{ "/(cn)/$1-/", "cn01", "$1-01", NULL },
	{ "/node/x$1/", "node12", "x$112", NULL },
	{ "/nomatch/x/", "cn01", "cn01", NULL },
	/* a path with exactly three '/' is a substitution too, as in xCAT */
	{ "/install/netboot/", "cn1", "cn1", NULL },
	{ "/cn/install/", "cn1", "install1", NULL },
	{ "/(\\d)/X/", "n123", "nX23", NULL },
	{ "//x/", "node5", "node5", NULL },
	{ "//x/", "/a/b/", "x", NULL },
	{ "/c/d/\n", "abc", "abd/", NULL },
	/* |pattern|replacement| with arithmetic in parentheses */
	{ "|\\D+(\\d+)|10.1.0.($1+0)|", "cn005", "10.1.0.5", NULL },
	{ "|node(\\d+)|10.0.0.($1+0)|", "node1", "10.0.0.1", NULL },
	{ "|node(\\d+)|(($1-1)/16+1)|", "node33", "3", NULL },
	{ "|node(\\d+)|($1/16+1)|", "node33", "3", NULL },
	{ "|r(\\d+)n(\\d+)|($1*100+$2)|", "r2n07", "207", NULL },
	{ "|node(\\d+)|a($1+1)b($1*2)c|", "node5", "a6b10c", NULL },
	{ "|node(\\d+)|($1 + 1) ($1)|", "node5", "6 5", NULL },
	{ "|n(\\d+)|((1+2)*3)|", "n1", "9", NULL },
	{ "|node(\\d+)|($1-10)|", "node5", "-5", NULL },
	{ "|node(\\d+)|(-7/2).(-7%2)|", "node5", "-3.-1", NULL },
	{ "|n(\\d+)|($1%-3)|", "n7", "1", NULL },
	{ "|\\D+(\\d+)\\D+(\\d+)\\D+(\\d+)\\D+(\\d+)|c($1)f($2)x($3)|", "c01f02x03v04", "c01f02x03",
	  NULL },
	{ "|\\D+(\\d+)\\D+(\\d+)\\D+(\\d+)\\D+(\\d+)|dir:///install/vms/vm($4+0)|", "c01f02x03v04",
	  "dir:///install/vms/vm4", NULL },
	/* $N outside parentheses stays literal, as in xCAT */
	{ "|node(\\d+)|n$1-($1+1)|", "node12", "n$1-13", NULL },
	{ "|node(\\d+)|x$1($1)|", "node5", "x$15", NULL },
	/* text keeps its text until arithmetic touches it */
	{ "|node(\\d+)|($1)|", "node007", "007", NULL },
	{ "|n(\\d+)|((($1)))|", "n007", "007", NULL },
	{ "|n(\\d+)|(+$1)|", "n007", "007", NULL },
	{ "|n(\\d+)|(-$1)|", "n007", "-7", NULL },
	{ "|n(\\w+)|($1)|", "nabc", "abc", NULL },
	{ "|n(\\w+)|($1+1)|", "nabc", "1", NULL },
	{ "|n(\\w+)|(-$1)|", "nabc", "-abc", NULL },
	{ "|n(\\S+)|(-$1)|", "n-abc", "+abc", NULL },
	{ "|n(\\S+)|(-$1)|", "n+5", "-5", NULL },
	{ "|n(\\S+)|($1+1)|", "n1e3", "1001", NULL },
	{ "|n(\\S+)|($1+1)|", "n1.9", "2", NULL },
	{ "|node(\\d+)|($2)|", "node007", "", NULL },
	{ "|node(\\d+)|($2+1)|", "node007", "1", NULL },
	{ "|n(\\d+)|()|", "n7", "", NULL },
	{ "|n(\\d+)|(${1}+1)|", "n7", "8", NULL },
	{ "|n(\\d+)|($10+1)|", "n7", "1", NULL },
	/* Perl literals: octal, hex, binary, underscores */
	{ "|n(\\d+)|(010+1)|", "n5", "9", NULL },
	{ "|n(\\d+)|(0x10+$1)|", "n4", "20", NULL },
	{ "|n(\\d+)|(0b101)|", "n1", "5", NULL },
	{ "|n(\\d+)|(1_000+$1)|", "n4", "1004", NULL },
	{ "|n(\\d+)|(9223372036854775806+$1)|", "n1", "9223372036854775807", NULL },
	{ "|(.*)|(mknum($1)%4)|", "fred", "1", NULL },
	/* the easy form: the pattern comes from the node's numbers */
	{ "|10.0.0.($1+0)|", "cn005", "10.0.0.5", NULL },
	{ "|c($1)f($2)x($3)|", "c01f02x03v04", "c1f2x3", NULL },
	{ "|10.0.0.($1+0)|", "nodex", "10.0.0.0", NULL },
	{ "|bmc($1)|", "r1n10", "bmc1", NULL },
	{ "||", "node5", "", NULL },
	/* split at the first '|': the replacement may hold more */
	{ "|a|b|c|", "cab", "cb|cb", NULL },
	{ "|a|b|", "aaa", "baa", NULL },
	{ "|a||", "cab", "cb", NULL },
	{ "|||", "node5", "node5", NULL },
	{ "|||", "|ab|", "", NULL },
	{ "|node(\\d+)|a\\($1+1)|", "node5", "a\\6", NULL },
	/* no match: the node name */
	{ "|nomatch|xx|", "node5", "node5", NULL },
	{ "|nomatch|(1+1)|", "node5", "node5", NULL },
	/* errors */
	{ "|node(\\d+|x|", "node1", NULL,
	  "bad regex 'node(\\d+' in value '|node(\\d+|x|': missing closing parenthesis at offset 8" },
	{ "/a[/x/", "a", NULL, "bad regex 'a[' in value '/a[/x/': missing terminating ]" },
	{ "|x(\\d+)|($1/0)|", "x3", NULL,
	  "cannot evaluate '($1/0)' from value '|x(\\d+)|($1/0)|' for node 'x3': division by zero "
	  "at column 4" },
	{ "|x(\\d+)|($1%(1-1))|", "x3", NULL, "modulus by zero" },
	{ "|x|10.($1+1|", "node33", NULL, "unbalanced '(' at column 7 of value '|x|10.($1+1|'" },
	{ "|n(\\d+)|(1)x)|", "n1", NULL, "unbalanced ')' at column 13" },
	{ "|n(\\d+)|x)(1)|", "n1", NULL, "unbalanced ')' at column 10" },
	{ "|n(\\d+)|(9223372036854775807+$1)|", "n1", NULL, "integer overflow" },
	{ "|n(\\d+)|(-9223372036854775807-2)|", "n1", NULL, "integer overflow" },
	{ "|n(\\d+)|(99999999999999999999)|", "n1", NULL, "integer overflow" },
	{ "|n(\\d+)|(08)|", "n4", NULL, "illegal octal digit '8'" },
	{ "|n(\\d+)|(--$1)|", "n4", NULL, "unsupported operator '--'" },
	{ "|n(\\d+)|(2**3)|", "n4", NULL, "unsupported operator '**'" },
	{ "|n(\\d+)|($1 1)|", "n7", NULL, "unexpected '1' at column 5" },
	{ "|n(\\d+)|(system(1))|", "n7", NULL, "unexpected 'system'" },
	{ "|n(\\d+)|($node)|", "n7", NULL, "unsupported variable '$node'" },
	{ "|n(\\d+)|(1.5)|", "n7", NULL, "unexpected '.'" },
	/* a partial match leaves node text in the expression, as in xCAT */
	{ "|(\\d+)|($1+1)|", "cn5", NULL, "cannot evaluate 'cn($1+1)'" },
	/* a node name no host can have */
	{ "|x|y|", "n12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "1234567890123456",
	  NULL, "node name longer than 255 bytes" },
	{ "plain", "n12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "12345678901234567890123456789012345678901234567890123456789012345678901234567890"
		   "1234567890123456",
	  "plain", NULL },
	/* PCRE2's limits stop a runaway pattern */
	{ "|(a+)+$|x|", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", NULL, "limit" },
};

static void test_eval(void **state)
{
	for (size_t i = 0; i < sizeof(eval_cases) / sizeof(eval_cases[0]); i++) {
		const struct eval_case *c = &eval_cases[i];
		struct err e = ERR_INIT;
		char *got = xvalue_eval(c->value, c->node, &e);

		if (c->want) {
			if (!got || strcmp(got, c->want))
				fail_msg("case %zu: '%s' for '%s': got '%s' (%s), want '%s'", i,
					 c->value, c->node, got ? got : "NULL", e.msg.buf, c->want);
		} else {
			if (got)
				fail_msg("case %zu: '%s' for '%s': got '%s', want an error", i,
					 c->value, c->node, got);
			if (!strstr(e.msg.buf, c->errsub))
				fail_msg("case %zu: message '%s' lacks '%s'", i, e.msg.buf,
					 c->errsub);
		}
		free(got);
		err_release(&e);
	}
}

static void test_is_regex(void **state)
{
	static const struct {
		const char *value;
		bool want;
	} cases[] = {
		{ "|\\D+(\\d+)|10.0.0.($1+0)|", true },
		{ "|10.0.0.($1+0)|", true },
		{ "||", true },
		{ "|", false },
		{ "|a", false },
		{ "|a\n|", false },
		{ "|a|\n", true },
		{ "/\\z/-bmc/", true },
		{ "///", true },
		{ "/a/b/c/", false },
		{ "/a/b", false },
		{ "/a/b/\n", true },
		{ "a/b/", false },
		{ "", false },
		{ "cn01", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (xvalue_is_regex(cases[i].value) != cases[i].want)
			fail_msg("case %zu: '%s'", i, cases[i].value);
	assert_false(xvalue_is_regex(NULL));
}

/* ---- xvalue_subst --------------------------------------------------------- */

/*
	  * A small xCAT database for the lookups. Tables outside it do not exist,
	  * as in xCAT::Table->new(). Every call is logged as "table.col;".
	  */
static struct strbuf lookup_log = STRBUF_INIT;

static int lookup(void *data, const char *node, const char *table, const char *col,
		  struct strbuf *out, struct err *e)
{
	static const char *const db[][4] = {
		{ "cn003", "noderes", "nfsserver", "extnfs1" },
		{ "cn003", "noderes", "xcatmaster", "sn1" },
		{ "cn004", "noderes", "nfsserver", "extnfs2" },
		{ "*", "noderes", "zero", "0" },
		{ "*", "noderes", "empty", "" },
		{ "*", "nodetype", "os", "rhels7.9" },
		{ "*", "nodetype", "arch", "x86_64" },
		{ "*", "nodetype", "profile", "compute" },
		{ "*", "nodepos", "room", "r12" },
		{ "*", "site", "master", "10.0.0.1" },
	};

	strbuf_addf(&lookup_log, "%s.%s;", table, col);
	if (strcmp(table, "noderes") && strcmp(table, "nodetype") && strcmp(table, "nodepos") &&
	    strcmp(table, "site"))
		return err_set(e, "table '%s' does not exist", table);
	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if ((!strcmp(db[i][0], "*") || !strcmp(db[i][0], node)) &&
		    !strcmp(db[i][1], table) && !strcmp(db[i][2], col)) {
			strbuf_addstr(out, db[i][3]);
			break;
		}
	return 0;
}

struct subst_case {
	const char *value, *node;
	bool allow_cmd;
	const char *want; /* NULL: an error is expected */
	const char *errsub;
	const char *log; /* the lookups made, or NULL to not check */
};

static const struct subst_case subst_cases[] = {
	/* the examples from the xCAT statelite documentation */
	{ "$noderes.nfsserver:/stateliteroot", "cn003", false, "extnfs1:/stateliteroot", NULL,
	  "noderes.nfsserver;" },
	{ "$noderes.nfsserver:/statelite/litetree/$node", "cn003", false,
	  "extnfs1:/statelite/litetree/cn003", NULL, NULL },
	{ "$noderes.nfsserver:/statelite/litetree/$node", "cn004", false,
	  "extnfs2:/statelite/litetree/cn004", NULL, NULL },
	{ "10.0.0.1:/syncdirs/$nodepos.room/$nodetype.os/$nodetype.arch/$nodetype.profile", "cn003",
	  false, "10.0.0.1:/syncdirs/r12/rhels7.9/x86_64/compute", NULL,
	  "nodepos.room;nodetype.os;nodetype.arch;nodetype.profile;" },
	{ "$noderes.xcatmaster:/foo/$nodetype.os", "cn003", false, "sn1:/foo/rhels7.9", NULL, NULL },
	/* nothing to substitute: unchanged, no lookups */
	{ "cnfs:/gpfs/dallas/", "cn003", false, "cnfs:/gpfs/dallas/", NULL, "" },
	{ "srv:", "cn003", false, "srv:", NULL, "" },
	{ "/a/b#c#", "cn003", false, "/a/b#c#", NULL, "" },
	/* where a variable ends: '/', ':', '#', ' ' or the end */
	{ "$node:/a", "cn003", false, "cn003:/a", NULL, "" },
	{ "/x/a$node b$node/y", "cn003", false, "/x/acn003 b$node/y", NULL, NULL },
	{ "/a/$node#x#y", "cn003", false, "/a/cn003#x#y", NULL, NULL },
	{ "/a/x$node", "cn003", false, "/a/xcn003", NULL, NULL },
	{ "/x/$nodetype.os$nodetype.arch/y", "cn003", false, "/x/rhels7.9.x86_64/y", NULL, NULL },
	{ "/a/$node$node", "cn003", false, "/a/cn003.cn003", NULL, NULL },
	{ "/a/$$node", "cn003", false, "/a/cn003", NULL, NULL },
	{ "/a/cost$ 5", "cn003", false, "/a/cost 5", NULL, "" },
	{ "/a/$nodetype.os.x", "cn003", false, "/a/rhels7.9", NULL, "nodetype.os;" },
	{ "/x/$site.master", "cn003", false, "/x/10.0.0.1", NULL, "site.master;" },
	/* "$node." is table "node": it does not exist */
	{ "$noderes.nfsserver:/x/$node.img", "cn003", false, NULL,
	  "cannot substitute '$node.img' in value '$noderes.nfsserver:/x/$node.img' for node "
	  "'cn003': table 'node' does not exist",
	  NULL },
	{ "/x/$node.", "cn003", false, NULL, "table 'node' does not exist", "node.UNDEFINED;" },
	{ "/a/$.os", "cn003", false, NULL, "empty table name in variable '$.os'", "" },
	/* unknown or false values become UNDEFINED, as in xCAT */
	{ "/x/$noderes.zero/$noderes.empty/$noderes.nope/$nodetype", "cn003", false,
	  "/x/UNDEFINED/UNDEFINED/UNDEFINED/UNDEFINED", NULL,
	  "noderes.zero;noderes.empty;noderes.nope;nodetype.UNDEFINED;" },
	/* the directory: '/' put back, trailing '/' lost, "//" folded */
	{ "/statelite/$node/", "cn003", false, "/statelite/cn003", NULL, NULL },
	{ "a/$node", "cn003", false, "/a/cn003", NULL, NULL },
	{ "/a//b/$node", "cn003", false, "/a/b/cn003", NULL, NULL },
	{ "///$node", "cn003", false, "//cn003", NULL, NULL },
	{ "$noderes.xcatmaster", "cn003", false, "/sn1", NULL, NULL },
	/* the split at ':' */
	{ ":/a/$node", "cn003", false, "/a/cn003", NULL, NULL },
	{ "srv:/a/$node:extra", "cn003", false, "srv:/a/cn003", NULL, NULL },
	{ "srv::/a/$node", "cn003", false, "srv", NULL, "" },
	{ "0:/a/$node", "cn003", false, "/a/cn003", NULL, NULL },
	/* #TABLE: is not a statelite form; the ':' split takes it apart */
	{ "#TABLE:noderes:$node:nfsserver#:/x", "cn003", false, "#TABLE:noderes", NULL, "" },
	/* #CMD= */
	{ "$noderes.nfsserver:/install/#CMD=uname -r#/x", "cn003", false, NULL,
	  "refusing to run command 'uname -r' (#CMD=) from value "
	  "'$noderes.nfsserver:/install/#CMD=uname -r#/x' for node 'cn003': running commands "
	  "is not allowed",
	  NULL },
	{ "/a/#CMD=echo hi#/b", "cn003", false, NULL, "refusing to run command 'echo hi'", "" },
	{ "/a/#CMD=echo hi#/b", "cn003", true, "/a/hi/b", NULL, "" },
	{ "$noderes.nfsserver:/a/#CMD=echo hi#/$node", "cn003", true, "extnfs1:/a/hi/cn003", NULL, NULL },
	{ "/a/#CMD=echo hi/b", "cn003", true, "/a/hi/b", NULL, NULL },
	{ "/a/#CMD=echo a#CMD=echo b#", "cn003", true, "/a/ab", NULL, NULL },
	{ "/a/$node#CMD=echo hi#z", "cn003", true, "/a/cn003hiz", NULL, NULL },
	{ "/a/#CMD=echo x/y#/$node", "cn003", true, "/a/x/y/cn003", NULL, NULL },
	/* stderr too: xCAT runs `COMMAND 2>&1` */
	{ "/a/#CMD=sh -c 'echo err >&2'#", "cn003", true, "/a/err", NULL, NULL },
	{ "/a/#CMD=printf x#", "cn003", true, "/a/x", NULL, NULL },
	{ "/a/#CMD=true#", "cn003", true, NULL,
	  "command 'true' from value '/a/#CMD=true#' for node 'cn003' failed: no output", NULL },
	{ "/a/#CMD=echo oops; exit 3#", "cn003", true, NULL,
	  "command 'echo oops; exit 3' from value '/a/#CMD=echo oops; exit 3#' for node 'cn003' "
	  "failed: exit status 3: oops",
	  NULL },
	/* a '$' in a command is a variable too */
	{ "/a/#CMD=echo $node#", "cn003", true, "/a/cn003", NULL, "" },
	/* the server keeps a #CMD= unless it has a '$' */
	{ "srv#CMD=echo hi#:/a", "cn003", false, "srv#CMD=echo hi#:/a", NULL, "" },
};

static void test_subst(void **state)
{
	for (size_t i = 0; i < sizeof(subst_cases) / sizeof(subst_cases[0]); i++) {
		const struct subst_case *c = &subst_cases[i];
		struct err e = ERR_INIT;
		char *got;

		strbuf_reset(&lookup_log);
		got = xvalue_subst(c->value, c->node, lookup, NULL, c->allow_cmd, &e);
		if (c->want) {
			if (!got || strcmp(got, c->want))
				fail_msg("case %zu: '%s' for '%s': got '%s' (%s), want '%s'", i,
					 c->value, c->node, got ? got : "NULL", e.msg.buf, c->want);
		} else {
			if (got)
				fail_msg("case %zu: '%s' for '%s': got '%s', want an error", i,
					 c->value, c->node, got);
			if (!strstr(e.msg.buf, c->errsub))
				fail_msg("case %zu: message '%s' lacks '%s'", i, e.msg.buf,
					 c->errsub);
		}
		if (c->log && strcmp(lookup_log.buf, c->log))
			fail_msg("case %zu: lookups '%s', want '%s'", i, lookup_log.buf, c->log);
		free(got);
		err_release(&e);
	}
	strbuf_release(&lookup_log);
}

static void test_subst_no_lookup(void **state)
{
	struct err e = ERR_INIT;
	char *got;

	got = xvalue_subst("/statelite/$node", "cn7", NULL, NULL, false, &e);
	assert_string_equal(got, "/statelite/cn7");
	free(got);
	assert_null(xvalue_subst("$noderes.nfsserver:/x", "cn7", NULL, NULL, false, &e));
	assert_string_equal(e.msg.buf, "no table lookup for variable '$noderes.nfsserver' of value "
				       "'$noderes.nfsserver:/x'");
	assert_null(xvalue_subst(NULL, "cn7", NULL, NULL, false, &e));
	assert_null(xvalue_eval("x", NULL, &e));
	err_release(&e);
}

/* A refused command must not run. */
static void test_cmd_refused_does_not_run(void **state)
{
	char path[] = "/tmp/test-xvalue-XXXXXX";
	char *dir = mkdtemp(path);
	struct strbuf v = STRBUF_INIT, f = STRBUF_INIT;
	struct err e = ERR_INIT;
	char *got;

	assert_non_null(dir);
	strbuf_addf(&f, "%s/ran", dir);
	strbuf_addf(&v, "/a/#CMD=touch %s && echo ok#", f.buf);
	assert_null(xvalue_subst(v.buf, "cn1", lookup, NULL, false, &e));
	assert_int_not_equal(access(f.buf, F_OK), 0);
	got = xvalue_subst(v.buf, "cn1", lookup, NULL, true, &e);
	assert_string_equal(got, "/a/ok");
	assert_int_equal(access(f.buf, F_OK), 0);
	unlink(f.buf);
	rmdir(dir);
	free(got);
	strbuf_release(&v);
	strbuf_release(&f);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_is_regex),
		cmocka_unit_test(test_subst),
		cmocka_unit_test(test_subst_no_lookup),
		cmocka_unit_test(test_cmd_refused_does_not_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
