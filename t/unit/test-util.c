/*
 * Unit tests for util/: strbuf, strvec, strmap, checked sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/strvec.h"
#include "util/util.h"

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_addf(&sb, "%d:%s", 42, "x");
	assert_string_equal(sb.buf, "abc-42:x");
	assert_int_equal(sb.len, 8);
	strbuf_reset(&sb);
	strbuf_addquoted(&sb, "a\nb\x01", 4);
	assert_string_equal(sb.buf, "a\\nb\\x01");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "x \t\r\n");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "x");
	strbuf_release(&sb);
	strbuf_release(&sb); /* safe twice */
}

static void test_strvec(void **state)
{
	static const struct {
		const char *in;
		int skip;
		int nr;
		const char *joined;
	} cases[] = {
		{ "a,b,c", 0, 3, "a|b|c" },
		{ "a,,c", 0, 3, "a||c" },
		{ "a,,c", 1, 2, "a|c" },
		{ "", 0, 1, "" },
		{ "", 1, 0, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strvec sv = STRVEC_INIT;
		struct strbuf sb = STRBUF_INIT;
		strvec_split(&sv, cases[i].in, ',', cases[i].skip);
		assert_int_equal(sv.nr, cases[i].nr);
		assert_null(sv.v[sv.nr]);
		strvec_join(&sv, "|", &sb);
		assert_string_equal(sb.buf, cases[i].joined);
		strvec_clear(&sv);
		strbuf_release(&sb);
	}
}

static void test_strmap(void **state)
{
	struct strmap m = STRMAP_INIT;
	char buf[32];
	int vals[1000];

	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "cn%04d", i);
		vals[i] = i;
		assert_null(strmap_put(&m, buf, &vals[i]));
	}
	assert_int_equal(m.nr, 1000);
	assert_ptr_equal(strmap_get(&m, "cn0007"), &vals[7]);
	assert_ptr_equal(strmap_getn(&m, "cn0999xyz", 6), &vals[999]);
	assert_null(strmap_get(&m, "cn1"));
	assert_null(strmap_get(&m, "cn00070"));
	assert_ptr_equal(strmap_put(&m, "cn0007", &vals[8]), &vals[7]);
	strmap_clear(&m);
	assert_null(strmap_get(&m, "cn0007"));
}

static void test_err(void **state)
{
	struct err e = ERR_INIT;

	assert_int_equal(err_set(&e, "cannot read '%s'", "x.csv"), -1);
	err_prefix(&e, "import");
	assert_string_equal(e.msg.buf, "import: cannot read 'x.csv'");
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_err),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
