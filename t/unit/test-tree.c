/*
 * Unit tests for check/tree.c: the first difference between two listings
 * (table-driven), what the fingerprint covers, and a job's scope when a
 * real tree is listed (include names, excluded subtrees).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "check/tree.h"
#include "util/util.h"

/* One entry as "path type size mtime mode [target]" (uid and gid 0). */
static void add(struct tree_list *l, const char *path, char type, uint64_t size, int64_t mtime,
		unsigned mode, const char *target)
{
	struct tree_entry *t;

	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	t = &l->v[l->nr++];
	memset(t, 0, sizeof(*t));
	t->path = xstrdup(path);
	t->type = type;
	t->size = size;
	t->mtime = mtime;
	t->mode = mode;
	t->target = target ? xstrdup(target) : NULL;
}

static const struct {
	const char *what; /* the change made to b */
	const char *why;  /* "" when still equal */
} cases[] = {
	{ "none", "" },
	{ "dir-mtime", "" }, /* directory times are not compared */
	{ "size", "'etc/motd': size 11 on sn1, 12 on ext" },
	{ "mtime", "'etc/motd': modified at another time on sn1 than on ext" },
	{ "mode", "'etc/motd': mode 0644 on sn1, 0600 on ext" },
	{ "owner", "'etc/motd': owner 0:0 on sn1, 7:0 on ext" },
	{ "target", "'lib': points to 'usr/lib' on sn1, '/usr/lib' on ext" },
	{ "missing", "'etc/motd' is missing on ext" },
	{ "extra", "'etc/zz' is on ext but not on sn1" },
	{ "type", "'etc/motd' is a file on sn1, a directory on ext" },
	{ "root-mode", "'.': mode 0755 on sn1, 0700 on ext" },
};

static void build(struct tree_list *l, const char *change)
{
	add(l, "", 'd', 0, 100, !strcmp(change, "root-mode") ? 0700 : 0755, NULL);
	add(l, "etc", 'd', 0, !strcmp(change, "dir-mtime") ? 999 : 100, 0755, NULL);
	if (strcmp(change, "missing"))
		add(l, "etc/motd", !strcmp(change, "type") ? 'd' : 'f', !strcmp(change, "size") ? 12 : 11,
		    !strcmp(change, "mtime") ? 101 : 100, !strcmp(change, "mode") ? 0600 : 0644, NULL);
	if (!strcmp(change, "owner"))
		l->v[l->nr - 1].uid = 7;
	if (!strcmp(change, "extra"))
		add(l, "etc/zz", 'f', 1, 100, 0644, NULL);
	add(l, "lib", 'l', 0, 100, 0777, !strcmp(change, "target") ? "/usr/lib" : "usr/lib");
}

static void test_equal(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tree_list a = TREE_LIST_INIT, b = TREE_LIST_INIT;
		struct strbuf why = STRBUF_INIT;
		char fa[33], fb[33];
		bool eq;

		build(&a, "none");
		build(&b, cases[i].what);
		eq = tree_equal(&a, &b, "sn1", "ext", &why);
		if (eq != !cases[i].why[0] || strcmp(why.buf, cases[i].why))
			fail_msg("case %s: equal %d, why '%s', want '%s'", cases[i].what, eq, why.buf, cases[i].why);
		/* the fingerprint changes exactly when the listings differ */
		tree_fingerprint(&a, fa);
		tree_fingerprint(&b, fb);
		if (eq != !strcmp(fa, fb))
			fail_msg("case %s: fingerprints %s %s", cases[i].what, fa, fb);
		tree_list_release(&a);
		tree_list_release(&b);
		strbuf_release(&why);
	}
}

static void mk(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void paths(const struct tree_list *l, struct strbuf *out)
{
	for (size_t i = 0; i < l->nr; i++)
		strbuf_addf(out, "%s%s", i ? " " : "", l->v[i].path[0] ? l->v[i].path : ".");
}

static void test_scope(void **state)
{
	char tmpl[] = "/tmp/test-tree.XXXXXX";
	char *d = mkdtemp(tmpl), *p;
	struct strvec inc = STRVEC_INIT, exc = STRVEC_INIT;
	struct tree_list l = TREE_LIST_INIT;
	struct strbuf got = STRBUF_INIT;
	struct err e = ERR_INIT;

	assert_non_null(d);
	p = xstrfmt("%s/etc", d), mkdir(p, 0755), free(p);
	p = xstrfmt("%s/etc/.client_data", d), mkdir(p, 0755), free(p);
	p = xstrfmt("%s/etc/.client_data/hosts.cn1", d), mk(p, "a"), free(p);
	p = xstrfmt("%s/etc/.client_data/hosts.cn10", d), mk(p, "b"), free(p);
	p = xstrfmt("%s/etc/motd", d), mk(p, "m"), free(p);

	/* a shared_root job: everything but the contents of .client_data */
	strvec_push(&exc, "etc/.client_data/");
	assert_int_equal(tree_scan(d, &inc, &exc, false, &l, &e), 0);
	paths(&l, &got);
	assert_string_equal(got.buf, ". etc etc/.client_data etc/motd");
	tree_list_release(&l);
	strbuf_reset(&got);

	/* a node's .client_data job: its files only, not cn10's, not the directory */
	p = xstrfmt("%s/etc/.client_data", d);
	strvec_clear(&exc);
	strvec_push(&inc, "*.cn1");
	assert_int_equal(tree_scan(p, &inc, &exc, true, &l, &e), 0);
	paths(&l, &got);
	assert_string_equal(got.buf, "hosts.cn1");
	assert_true(l.v[0].has_digest);
	tree_list_release(&l);
	free(p);

	/* a missing tree says so, with ENOENT */
	p = xstrfmt("%s/nope", d);
	assert_int_equal(tree_scan(p, &inc, &exc, false, &l, &e), -1);
	assert_int_equal(e.code, 2);
	assert_non_null(strstr(e.msg.buf, "does not exist"));
	free(p);

	p = xstrfmt("rm -rf '%s'", d);
	assert_int_equal(system(p), 0);
	free(p);
	strvec_clear(&inc);
	strvec_clear(&exc);
	strbuf_release(&got);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_scope),
	};
	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
