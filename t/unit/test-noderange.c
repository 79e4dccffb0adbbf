/*
 * Unit tests for model/noderange: every grammar item against a small fake
 * model, error messages with their columns, ^file, site.excludenodes and a
 * 100,000-node expansion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "model/noderange.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/strvec.h"
#include "util/util.h"

/* The fake model: nodes in model order, groups, and "node table.col" -> value. */
struct fake {
	struct strvec nodes;
	struct strmap node_set;
	struct strmap groups; /* name -> struct strvec * */
	struct strvec group_names;
	struct strmap attrs; /* "node table.col" -> char * */
};

static const struct strvec *fake_all(void *data)
{
	return &((struct fake *)data)->nodes;
}

static bool fake_is_node(void *data, const char *name)
{
	return strmap_get(&((struct fake *)data)->node_set, name) != NULL;
}

static const struct strvec *fake_group(void *data, const char *group)
{
	return strmap_get(&((struct fake *)data)->groups, group);
}

static int fake_attr(void *data, const char *node, const char *table, const char *col,
		     struct strbuf *out, struct err *e)
{
	struct fake *f = data;
	struct strbuf key = STRBUF_INIT;
	const char *v;

	if (strcmp(table, "nodetype") && strcmp(table, "nodehm") && strcmp(table, "nodelist"))
		return err_set(e, "no table '%s'", table);
	strbuf_addf(&key, "%s %s.%s", node, table, col);
	v = strmap_get(&f->attrs, key.buf);
	if (v)
		strbuf_addstr(out, v);
	strbuf_release(&key);
	return 0;
}

static void fake_node(struct fake *f, const char *name)
{
	strvec_push(&f->nodes, name);
	strmap_put(&f->node_set, name, (void *)1);
}

static void fake_member(struct fake *f, const char *group, const char *node)
{
	struct strvec *m = strmap_get(&f->groups, group);

	if (!m) {
		m = calloc(1, sizeof(*m));
		strvec_init(m);
		strmap_put(&f->groups, group, m);
		strvec_push(&f->group_names, group);
	}
	if (node)
		strvec_push(m, node);
}

static void fake_set(struct fake *f, const char *node, const char *tabcol, const char *value)
{
	struct strbuf key = STRBUF_INIT;

	strbuf_addf(&key, "%s %s", node, tabcol);
	strmap_put(&f->attrs, key.buf, (void *)value);
	strbuf_release(&key);
}

static void fake_free(struct fake *f)
{
	for (size_t i = 0; i < f->group_names.nr; i++) {
		struct strvec *m = strmap_get(&f->groups, f->group_names.v[i]);
		strvec_clear(m);
		free(m);
	}
	strvec_clear(&f->group_names);
	strvec_clear(&f->nodes);
	strmap_clear(&f->node_set);
	strmap_clear(&f->groups);
	strmap_clear(&f->attrs);
}

/*
 * Nodes cn001..cn010, cn1, cn10, f1n1..f2n3, node10..node12.
 * Groups: compute = cn001..cn010, sn1nodes = cn001..cn005,
 * rack1 = cn001..cn003 + f1n1..f1n3, rack2 = cn004..cn006 + f2n1..f2n3,
 * empty (no members), cn1 = f1n1 (shadowed by the node cn1).
 * nodetype.os: rhels8 on cn001..cn005, sles15 on cn006..cn010.
 * nodehm.mgt: ipmi on f*; nodelist.groups on cn001 = "compute,sn1nodes,rack1".
 */
static void fake_init(struct fake *f)
{
	char name[32];

	memset(f, 0, sizeof(*f));
	strvec_init(&f->nodes);
	strvec_init(&f->group_names);
	for (int i = 1; i <= 10; i++) {
		snprintf(name, sizeof(name), "cn%03d", i);
		fake_node(f, name);
		fake_member(f, "compute", name);
		if (i <= 5)
			fake_member(f, "sn1nodes", name);
		if (i <= 3)
			fake_member(f, "rack1", name);
		else if (i <= 6)
			fake_member(f, "rack2", name);
		fake_set(f, name, "nodetype.os", i <= 5 ? "rhels8" : "sles15");
	}
	fake_node(f, "cn1");
	fake_node(f, "cn10");
	for (int fr = 1; fr <= 2; fr++) {
		for (int n = 1; n <= 3; n++) {
			snprintf(name, sizeof(name), "f%dn%d", fr, n);
			fake_node(f, name);
			fake_member(f, fr == 1 ? "rack1" : "rack2", name);
			fake_set(f, name, "nodehm.mgt", "ipmi");
		}
	}
	for (int i = 10; i <= 12; i++) {
		snprintf(name, sizeof(name), "node%d", i);
		fake_node(f, name);
	}
	fake_member(f, "empty", NULL);
	fake_member(f, "cn1", "f1n1");
	fake_set(f, "cn001", "nodelist.groups", "compute,sn1nodes,rack1");
}

static void fake_env(struct fake *f, struct noderange_env *env)
{
	memset(env, 0, sizeof(*env));
	env->data = f;
	env->all_nodes = fake_all;
	env->is_node = fake_is_node;
	env->group_members = fake_group;
	env->attr = fake_attr;
}

struct nr_case {
	const char *range;
	const char *want;    /* comma-joined result, or NULL for an error */
	const char *missed;  /* comma-joined unmatched names; NULL: not checked */
	const char *err;     /* substring of the error message */
	const char *prefix;  /* number_prefix, NULL for the default */
	const char *exclude; /* site.excludenodes */
};

static const struct nr_case cases[] = {
    /* plain names, lists, dedup, sorted output */
    {"cn001", "cn001", "", NULL, NULL, NULL},
    {"cn003,cn001,cn003", "cn001,cn003", "", NULL, NULL, NULL},
    {"cn001,,cn002,", "cn001,cn002", "", NULL, NULL, NULL},
    {"'cn001',\"cn002\"", "cn001,cn002", "", NULL, NULL, NULL},
    {"", "", "", NULL, NULL, NULL},
    /* the substring trap: names match whole, never in part */
    {"cn1", "cn1", "", NULL, NULL, NULL},
    {"cn10", "cn10", "", NULL, NULL, NULL},
    {"cn0", "", "cn0", NULL, NULL, NULL},
    /* a node wins over a group of the same name */
    {"cn1,f1n2", "cn1,f1n2", "", NULL, NULL, NULL},
    /* ranges: '-', ':', brackets, padding */
    {"cn001-cn003", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"cn001:cn003", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"cn[001-003]", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"cn[001:003]", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"cn[008-010]", "cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"cn008-cn012", "cn008,cn009,cn010", "cn011,cn012", NULL, NULL, NULL},
    {"cn[1-3]", "cn1", "cn2,cn3", NULL, NULL, NULL},
    {"cn[9-11]", "cn10", "cn9,cn11", NULL, NULL, NULL},
    {"cn003-cn003", "cn003", "", NULL, NULL, NULL},
    {"cn[001,003,005]", "cn001,cn003,cn005", "", NULL, NULL, NULL},
    {"cn[001-003,007]", "cn001,cn002,cn003,cn007", "", NULL, NULL, NULL},
    {"cn[001-002,009-010],f1n1", "cn001,cn002,cn009,cn010,f1n1", "", NULL, NULL, NULL},
    {"f[1-2]n[1-3]", "f1n1,f1n2,f1n3,f2n1,f2n2,f2n3", "", NULL, NULL, NULL},
    {"f[1-2]n[2,3]", "f1n2,f1n3,f2n2,f2n3", "", NULL, NULL, NULL},
    {"f1n1-f1n3", "f1n1,f1n2,f1n3", "", NULL, NULL, NULL},
    /* two numbers differ: no range, just an unknown name (xCAT) */
    {"f1n1-f2n3", "", "f1n1-f2n3", NULL, NULL, NULL},
    {"a-b", "", "a-b", NULL, NULL, NULL},
    {"cn1-x-y", "", "cn1-x-y", NULL, NULL, NULL},
    {"cn001:cn002:cn003", "", "cn001:cn002:cn003", NULL, NULL, NULL},
    /* bracket items may be words; ranges may carry a suffix */
    {"f1n[1,x]", "f1n1", "f1nx", NULL, NULL, NULL},
    {"f[1n1-1n3]", "f1n1,f1n2,f1n3", "", NULL, NULL, NULL},
    {"cn0[09-10]", "cn009,cn010", "", NULL, NULL, NULL},
    /* '+': the start plus that many more */
    {"cn008+2", "cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"cn009+3", "cn009,cn010", "cn011,cn012", NULL, NULL, NULL},
    {"10+2", "node10,node11,node12", "", NULL, NULL, NULL},
    /* bare numbers take the prefix */
    {"10", "node10", "", NULL, NULL, NULL},
    {"10-12", "node10,node11,node12", "", NULL, NULL, NULL},
    {"11:13", "node11,node12", "node13", NULL, NULL, NULL},
    {"[10-12]", "node10,node11,node12", "", NULL, NULL, NULL},
    {"008-010", "cn008,cn009,cn010", "", NULL, "cn", NULL},
    {"1,10", "cn1,cn10", "", NULL, "cn", NULL},
    /* groups and group ranges */
    {"compute", "cn001,cn002,cn003,cn004,cn005,cn006,cn007,cn008,cn009,cn010", "", NULL, NULL,
     NULL},
    {"rack1-rack2", "cn001,cn002,cn003,cn004,cn005,cn006,f1n1,f1n2,f1n3,f2n1,f2n2,f2n3", "", NULL,
     NULL, NULL},
    {"rack[1-2]@sn1nodes", "cn001,cn002,cn003,cn004,cn005", "", NULL, NULL, NULL},
    {"rack1:rack3", "cn001,cn002,cn003,cn004,cn005,cn006,f1n1,f1n2,f1n3,f2n1,f2n2,f2n3", "rack3",
     NULL, NULL, NULL},
    {"empty", "", "", NULL, NULL, NULL},
    /* '@' intersection, tighter than ',' */
    {"compute@rack1", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"compute@rack2@sn1nodes", "cn004,cn005", "", NULL, NULL, NULL},
    {"rack1,compute@rack2", "cn001,cn002,cn003,cn004,cn005,cn006,f1n1,f1n2,f1n3", "", NULL, NULL,
     NULL},
    {"(rack1,rack2)@sn1nodes", "cn001,cn002,cn003,cn004,cn005", "", NULL, NULL, NULL},
    /* exclusions, applied after every inclusion */
    {"compute,-cn005,-cn[001-008]", "cn009,cn010", "", NULL, NULL, NULL},
    {"-cn002,sn1nodes", "cn001,cn003,cn004,cn005", "", NULL, NULL, NULL},
    {"cn001-cn010,-cn003-cn005,cn004", "cn001,cn002,cn006,cn007,cn008,cn009,cn010", "", NULL, NULL,
     NULL},
    {"compute,-rack1@sn1nodes", "cn004,cn005,cn006,cn007,cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"compute,-(rack1,rack2)", "cn007,cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"(compute,-cn001)@rack1", "cn002,cn003", "", NULL, NULL, NULL},
    {"cn001,-cn999", "cn001", "cn999", NULL, NULL, NULL},
    /* /regex, anchored on the whole name */
    {"/cn00[1-3]", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"/cn1", "cn1", "", NULL, NULL, NULL},
    {"/cn1|cn10", "cn1,cn10", "", NULL, NULL, NULL},
    {"/f.*@rack1", "f1n1,f1n2,f1n3", "", NULL, NULL, NULL},
    {"/node1[0,2]", "node10,node12", "", NULL, NULL, NULL},
    {"compute,-/cn00[2-9]", "cn001,cn010", "", NULL, NULL, NULL},
    /* attribute selection */
    {"nodetype.os==rhels8", "cn001,cn002,cn003,cn004,cn005", "", NULL, NULL, NULL},
    {"nodetype.os=sles15@rack2", "cn006", "", NULL, NULL, NULL},
    {"nodetype.os!=rhels8@compute", "cn006,cn007,cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"nodetype.os==@rack1", "f1n1,f1n2,f1n3", "", NULL, NULL, NULL},
    {"nodetype.os=~^sles", "cn006,cn007,cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"nodetype.os=~/hel/@rack1", "cn001,cn002,cn003", "", NULL, NULL, NULL},
    {"nodetype.os!~rhel@compute", "cn006,cn007,cn008,cn009,cn010", "", NULL, NULL, NULL},
    {"mgt==ipmi@rack2", "f2n1,f2n2,f2n3", "", NULL, NULL, NULL},
    {"groups=~sn1nodes", "cn001", "", NULL, NULL, NULL},
    /* unknown names */
    {"cn999,foo,cn999", "", "cn999,foo", NULL, NULL, NULL},
    {"99", "", "node99", NULL, NULL, NULL},
    /* site.excludenodes, removed last; its own unknown names are not reported */
    {"cn001-cn003", "cn001,cn003", "", NULL, NULL, "cn002,f[1-2]n1,ghost"},
    {"rack1", "cn001,cn003,f1n2,f1n3", "", NULL, NULL, "cn002,f[1-2]n1,ghost"},
    {"cn002", "", "", NULL, NULL, "compute@rack1"},

    /* errors name the column */
    {"cn[1-", NULL, NULL, "noderange 'cn[1-': unterminated '[' at column 3", NULL, NULL},
    {"cn001,cn[1-3", NULL, NULL, "unterminated '[' at column 9", NULL, NULL},
    {"'cn[1-", NULL, NULL, "unterminated '[' at column 4", NULL, NULL},
    {"(compute", NULL, NULL, "unterminated '(' at column 1", NULL, NULL},
    {"compute)", NULL, NULL, "unexpected ')' at column 8", NULL, NULL},
    {"(cn001)x", NULL, NULL, "unexpected 'x' after ')' at column 8", NULL, NULL},
    {"cn001@", NULL, NULL, "expected a name at column 7", NULL, NULL},
    {"@cn001", NULL, NULL, "expected a name before '@' at column 1", NULL, NULL},
    {"cn001,-", NULL, NULL, "expected a name at column 8", NULL, NULL},
    {"cn001@-cn002", NULL, NULL, "unexpected '-' at column 7", NULL, NULL},
    {"cn[]", NULL, NULL, "empty '[]' at column 3", NULL, NULL},
    {"cn[1,,2]", NULL, NULL, "empty item in '[]' at column 6", NULL, NULL},
    {"cn[a-c]", NULL, NULL, "bad range 'a-c' in '[]' at column 4", NULL, NULL},
    {"cn[[1]]", NULL, NULL, "'[' inside '[]' at column 4", NULL, NULL},
    {"cn[5-1]", NULL, NULL, "range '5-1' counts down at column 4", NULL, NULL},
    {"cn10-cn5", NULL, NULL, "range 'cn10-cn5' counts down at column 1", NULL, NULL},
    {"cn001,cn5:cn1", NULL, NULL, "range 'cn5:cn1' counts down at column 7", NULL, NULL},
    {"cn[1-20000000]", NULL, NULL, "makes more than 10000000 names at column 1", NULL, NULL},
    {"x,cn[1-5000]n[1-5000]", NULL, NULL, "makes more than 10000000 names at column 3", NULL, NULL},
    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij[1-9999999]", NULL, NULL,
     "makes more than 512 MiB of names at column 1", NULL, NULL},
    {"cn1+20000000", NULL, NULL, "makes more than 10000000 names", NULL, NULL},
    {"cn[1-99999999999999999999]", NULL, NULL, "too large at column 4", NULL, NULL},
    {"cn+3", NULL, NULL, "'cn' before '+' does not end in a number at column 1", NULL, NULL},
    {"cn1+x", NULL, NULL, "increment after '+' is not a number at column 5", NULL, NULL},
    {"/+cn", NULL, NULL,
     "bad regex '+cn': quantifier does not follow a repeatable item at column 2", NULL, NULL},
    {"foo=bar", NULL, NULL, "'foo' is not table.column at column 1", NULL, NULL},
    {"nodetype.os~x", NULL, NULL, "expected ==, !=, =~ or !~ at column 12", NULL, NULL},
    {"nodetype.os=~*x", NULL, NULL, "bad regex '*x'", NULL, NULL},
    {"nosuch.col==x", NULL, NULL, "noderange 'nosuch.col==x': no table 'nosuch'", NULL, NULL},
    {"^/nonexistent/extnfs/nodes", NULL, NULL,
     "cannot open '/nonexistent/extnfs/nodes': No such file", NULL, NULL},
    {"^", NULL, NULL, "expected a file name after '^' at column 1", NULL, NULL},
    {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx[1-2]",
     NULL, NULL, "makes names longer than 255 bytes at column 1", NULL, NULL},
    {"cn001", NULL, NULL, "site.excludenodes: noderange 'cn[': unterminated '[' at column 3", NULL,
     "cn["},
};

static void join(const struct strvec *sv, struct strbuf *sb)
{
	strbuf_reset(sb);
	strvec_join(sv, ",", sb);
}

static void test_cases(void **state)
{
	struct fake f;
	struct noderange_env env;

	fake_init(&f);
	fake_env(&f, &env);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct nr_case *tc = &cases[i];
		struct strvec out = STRVEC_INIT, missed = STRVEC_INIT;
		struct strbuf sb = STRBUF_INIT;
		struct err e = ERR_INIT;
		int rc;

		env.number_prefix = tc->prefix;
		env.excludenodes = tc->exclude;
		strvec_push(&out, "keep");
		rc = noderange_expand(tc->range, &env, &out, &missed, &e);
		if (tc->want) {
			if (rc)
				fail_msg("case %zu '%s': unexpected error: %s", i, tc->range,
					 e.msg.buf);
			assert_string_equal(out.v[0], "keep");
			strbuf_reset(&sb);
			for (size_t k = 1; k < out.nr; k++) {
				if (k > 1)
					strbuf_addch(&sb, ',');
				strbuf_addstr(&sb, out.v[k]);
			}
			if (strcmp(sb.buf, tc->want))
				fail_msg("case %zu '%s': got '%s', want '%s'", i, tc->range, sb.buf,
					 tc->want);
			join(&missed, &sb);
			if (tc->missed && strcmp(sb.buf, tc->missed))
				fail_msg("case %zu '%s': unmatched '%s', want '%s'", i, tc->range,
					 sb.buf, tc->missed);
		} else {
			if (rc != -1)
				fail_msg("case %zu '%s': no error, want '%s'", i, tc->range,
					 tc->err);
			if (!strstr(e.msg.buf, tc->err))
				fail_msg("case %zu '%s': error '%s', want '%s'", i, tc->range,
					 e.msg.buf, tc->err);
			assert_int_equal(out.nr, 1);
			assert_int_equal(missed.nr, 0);
		}
		strvec_clear(&out);
		strvec_clear(&missed);
		strbuf_release(&sb);
		err_release(&e);
	}
	fake_free(&f);
}

/* unmatched may be NULL; the result is the same. */
static void test_null_unmatched(void **state)
{
	struct fake f;
	struct noderange_env env;
	struct strvec out = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;

	fake_init(&f);
	fake_env(&f, &env);
	assert_int_equal(noderange_expand("cn008-cn012,ghost", &env, &out, NULL, &e), 0);
	join(&out, &sb);
	assert_string_equal(sb.buf, "cn008,cn009,cn010");
	strvec_clear(&out);
	strbuf_release(&sb);
	err_release(&e);
	fake_free(&f);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static int expand(const struct noderange_env *env, const char *range, struct strbuf *got,
		  struct strbuf *missed, struct err *e)
{
	struct strvec out = STRVEC_INIT, miss = STRVEC_INIT;
	int rc = noderange_expand(range, env, &out, &miss, e);

	join(&out, got);
	join(&miss, missed);
	strvec_clear(&out);
	strvec_clear(&miss);
	return rc;
}

static void test_file(void **state)
{
	struct fake f;
	struct noderange_env env;
	char dir[] = "/tmp/extnfs-nr.XXXXXX";
	char cwd[4096];
	struct strbuf path = STRBUF_INIT, bad = STRBUF_INIT, range = STRBUF_INIT;
	struct strbuf got = STRBUF_INIT, missed = STRBUF_INIT, want = STRBUF_INIT;
	struct err e = ERR_INIT;

	fake_init(&f);
	fake_env(&f, &env);
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	strbuf_addf(&path, "%s/nodes", dir);
	strbuf_addf(&bad, "%s/bad", dir);
	write_file(path.buf, "# my node list (this line ignored)\n"
			     "^/tmp/foo #ignored\n"
			     "cn001    #node comment\n"
			     "cn002-cn003\n"
			     "\n"
			     "   f1n1\n"
			     "/f2n.*\t\n"
			     "-f2n2\n"
			     "cn999\r\n");
	write_file(bad.buf, "cn001\n# fine\ncn[1-\n");

	strbuf_addf(&range, "^%s", path.buf);
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), 0);
	assert_string_equal(got.buf, "cn001,cn002,cn003,f1n1,f2n1,f2n3");
	assert_string_equal(missed.buf, "cn999");

	strbuf_reset(&range);
	strbuf_addf(&range, "compute,-^%s", path.buf);
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), 0);
	assert_string_equal(got.buf, "cn004,cn005,cn006,cn007,cn008,cn009,cn010");

	strbuf_reset(&range);
	strbuf_addf(&range, "cn010,^%s@rack1", path.buf);
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), 0);
	assert_string_equal(got.buf, "cn001,cn002,cn003,cn010,f1n1");

	/* a relative path is relative to the current directory */
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(expand(&env, "^nodes@sn1nodes", &got, &missed, &e), 0);
	assert_string_equal(got.buf, "cn001,cn002,cn003");
	assert_int_equal(chdir(cwd), 0);

	/* errors name the file and line */
	strbuf_reset(&range);
	strbuf_addf(&range, "cn001,^%s", bad.buf);
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), -1);
	strbuf_addf(&want,
		    "noderange file '%s' line 3: noderange 'cn[1-': unterminated '[' at column 3",
		    bad.buf);
	assert_string_equal(e.msg.buf, want.buf);

	/* a file that names itself stops, with an error */
	write_file(bad.buf, "cn001\n");
	{
		struct strbuf self = STRBUF_INIT;
		strbuf_addf(&self, "cn001,^%s\n", bad.buf);
		write_file(bad.buf, self.buf);
		strbuf_reset(&range);
		strbuf_addf(&range, "^%s", bad.buf);
		assert_int_equal(expand(&env, range.buf, &got, &missed, &e), -1);
		assert_non_null(strstr(e.msg.buf, "nested too deeply"));
		strbuf_release(&self);
	}

	unlink(path.buf);
	unlink(bad.buf);
	rmdir(dir);
	strbuf_release(&path);
	strbuf_release(&bad);
	strbuf_release(&range);
	strbuf_release(&got);
	strbuf_release(&missed);
	strbuf_release(&want);
	err_release(&e);
	fake_free(&f);
}

static void test_nesting(void **state)
{
	struct fake f;
	struct noderange_env env;
	struct strbuf range = STRBUF_INIT, got = STRBUF_INIT, missed = STRBUF_INIT;
	struct err e = ERR_INIT;

	fake_init(&f);
	fake_env(&f, &env);
	for (int i = 0; i < 20; i++)
		strbuf_addch(&range, '(');
	strbuf_addstr(&range, "cn001");
	for (int i = 0; i < 20; i++)
		strbuf_addch(&range, ')');
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), 0);
	assert_string_equal(got.buf, "cn001");
	strbuf_reset(&range);
	for (int i = 0; i < 10000; i++)
		strbuf_addch(&range, '(');
	assert_int_equal(expand(&env, range.buf, &got, &missed, &e), -1);
	assert_non_null(strstr(e.msg.buf, "'(' nested too deeply at column 65"));
	strbuf_release(&range);
	strbuf_release(&got);
	strbuf_release(&missed);
	err_release(&e);
	fake_free(&f);
}

/* 100,000 nodes: correctness of a large range, a large group, exclusions. */
static void test_large(void **state)
{
	struct fake f;
	struct noderange_env env;
	struct strvec out = STRVEC_INIT, missed = STRVEC_INIT;
	struct err e = ERR_INIT;
	char name[32];

	memset(&f, 0, sizeof(f));
	strvec_init(&f.nodes);
	strvec_init(&f.group_names);
	for (int i = 1; i <= 100000; i++) {
		snprintf(name, sizeof(name), "cn%06d", i);
		fake_node(&f, name);
		fake_member(&f, "all", name);
	}
	fake_env(&f, &env);

	assert_int_equal(noderange_expand("cn[000001-100000]", &env, &out, &missed, &e), 0);
	assert_int_equal(out.nr, 100000);
	assert_int_equal(missed.nr, 0);
	for (size_t i = 0; i < out.nr; i++) {
		snprintf(name, sizeof(name), "cn%06zu", i + 1);
		if (strcmp(out.v[i], name))
			fail_msg("node %zu is '%s', want '%s'", i, out.v[i], name);
	}
	strvec_clear(&out);

	assert_int_equal(
	    noderange_expand("all,-cn[000001-050000],cn100001+1", &env, &out, &missed, &e), 0);
	assert_int_equal(out.nr, 50000);
	assert_string_equal(out.v[0], "cn050001");
	assert_string_equal(out.v[49999], "cn100000");
	assert_int_equal(missed.nr, 2);
	assert_string_equal(missed.v[0], "cn100001");
	assert_string_equal(missed.v[1], "cn100002");
	strvec_clear(&out);
	strvec_clear(&missed);

	assert_int_equal(noderange_expand("/cn0999.*@all", &env, &out, &missed, &e), 0);
	assert_int_equal(out.nr, 100);
	strvec_clear(&out);

	err_release(&e);
	fake_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases), cmocka_unit_test(test_null_unmatched),
	    cmocka_unit_test(test_file),  cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_large),
	};
	return cmocka_run_group_tests_name("noderange", tests, NULL, NULL);
}
