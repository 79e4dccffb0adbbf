/*
 * Unit tests for sync/filter.c: rule lists (in the order given, first match
 * wins) against paths, and the glob matcher alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sync/filter.h"

static void test_glob(void **state)
{
	static const struct {
		const char *pat, *s;
		bool match;
	} cases[] = {
		{ "abc", "abc", true },
		{ "abc", "abd", false },
		{ "*.o", "x.o", true },
		{ "*.o", "dir/x.o", false },  /* '*' does not cross '/' */
		{ "**.o", "dir/x.o", true },  /* '**' does */
		{ "a/**/z", "a/b/c/z", true },
		{ "a/**/z", "a/z", false },
		{ "a?c", "abc", true },
		{ "a?c", "a/c", false },
		{ "[ab]x", "bx", true },
		{ "[!ab]x", "bx", false },
		{ "[!ab]x", "cx", true },
		{ "[a-c]", "b", true },
		{ "[a-c]", "d", false },
		{ "\\*", "*", true },
		{ "\\*", "x", false },
		{ "dir/***", "dir", true },
		{ "dir/***", "dir/a/b", true },
		{ "dir/***", "dirx", false },
		{ "[unclosed", "[unclosed", true },
		{ "", "", true },
		{ "*", "", true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = filter_glob(cases[i].pat, cases[i].s);
		if (got != cases[i].match)
			fail_msg("glob '%s' on '%s': got %d", cases[i].pat, cases[i].s, got);
	}
}

/* A rule list: "+PAT" includes, "-PAT" excludes; NULL ends it. */
struct rules_case {
	const char *rules[6];
	const char *path;
	bool is_dir;
	bool included;
};

static void test_rules(void **state)
{
	static const struct rules_case cases[] = {
		/* no rules: everything */
		{ { NULL }, "a/b", false, true },
		/* a pattern without '/' matches the last component anywhere */
		{ { "-*.tmp", NULL }, "x.tmp", false, false },
		{ { "-*.tmp", NULL }, "a/b/x.tmp", false, false },
		{ { "-*.tmp", NULL }, "a/x.tmpl", false, true },
		/* a leading '/' anchors at the root */
		{ { "-/etc", NULL }, "etc", true, false },
		{ { "-/etc", NULL }, "usr/etc", true, true },
		{ { "-etc", NULL }, "usr/etc", true, false },
		/* a trailing '/' matches directories only */
		{ { "-cache/", NULL }, "var/cache", true, false },
		{ { "-cache/", NULL }, "var/cache", false, true },
		/* a '/' inside matches the whole path, at a directory boundary */
		{ { "-etc/.client_data", NULL }, "shared/etc/.client_data", true, false },
		{ { "-etc/.client_data", NULL }, "shared/xetc/.client_data", true, true },
		{ { "-/etc/.client_data", NULL }, "shared/etc/.client_data", true, true },
		/* first match wins, in the order given */
		{ { "+hosts.cn1", "-hosts.*", NULL }, "etc/hosts.cn1", false, true },
		{ { "+hosts.cn1", "-hosts.*", NULL }, "etc/hosts.cn10", false, false },
		{ { "-hosts.*", "+hosts.cn1", NULL }, "etc/hosts.cn1", false, false },
		/* node names exactly, never substrings */
		{ { "+/cn1/***", "-/*", NULL }, "cn1", true, true },
		{ { "+/cn1/***", "-/*", NULL }, "cn1/etc/hosts", false, true },
		{ { "+/cn1/***", "-/*", NULL }, "cn10", true, false },
		/* '**' crosses directories */
		{ { "-/usr/**/*.a", NULL }, "usr/lib/x/libc.a", false, false },
		{ { "-/usr/**/*.a", NULL }, "opt/lib/libc.a", false, true },
		/* the root is never excluded */
		{ { "-*", NULL }, "", true, true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter *f = filter_new();
		struct err e = ERR_INIT;
		bool got;
		for (const char *const *r = cases[i].rules; *r; r++)
			assert_int_equal(filter_add(f, (*r)[0] == '+', *r + 1, &e), 0);
		got = filter_included(f, cases[i].path, cases[i].is_dir);
		if (got != cases[i].included)
			fail_msg("case %zu: '%s' included=%d, expected %d", i, cases[i].path, got,
				 cases[i].included);
		filter_free(f);
		err_release(&e);
	}
}

static void test_bad_patterns(void **state)
{
	struct filter *f = filter_new();
	struct err e = ERR_INIT;

	assert_int_equal(filter_add(f, false, "", &e), -1);
	assert_non_null(strstr(e.msg.buf, "empty"));
	assert_int_equal(filter_add(f, true, "/", &e), -1);
	assert_true(filter_empty(f));
	filter_free(f);
	filter_free(NULL);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bad_patterns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
