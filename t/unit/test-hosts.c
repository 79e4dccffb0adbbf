/*
 * Unit tests for formats/hosts.c: table-driven ensure/remove cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "formats/hosts.h"
#include "util/util.h"

static const struct {
	const char *in, *ip, *host; /* ip NULL: remove */
	int rc;
	const char *out; /* or the error substring when rc is -1 */
} cases[] = {
	{ "127.0.0.1 loopback localhost\n", "10.0.0.50", "extnfs1", 1,
	  "127.0.0.1 loopback localhost\n10.0.0.50 extnfs1\n" },
	{ "127.0.0.1 loopback\n10.0.0.50 extnfs1\n", "10.0.0.50", "extnfs1", 0,
	  "127.0.0.1 loopback\n10.0.0.50 extnfs1\n" },
	/* xCAT's trap: the line appended on every run collapses to one */
	{ "a 1\n10.0.0.50 extnfs1\n10.0.0.50 extnfs1\n10.0.0.50 extnfs1\n", "10.0.0.50", "extnfs1", 1,
	  "a 1\n10.0.0.50 extnfs1\n" },
	/* spacing of the kept line is kept */
	{ "10.0.0.50\textnfs1\n", "10.0.0.50", "extnfs1", 0, "10.0.0.50\textnfs1\n" },
	{ "10.0.0.9 extnfs1\n", "10.0.0.50", "extnfs1", 1, "10.0.0.50 extnfs1\n" },
	/* exact names: extnfs10 is another host */
	{ "10.0.0.51 extnfs10\n", "10.0.0.50", "extnfs1", 1, "10.0.0.51 extnfs10\n10.0.0.50 extnfs1\n" },
	/* an alias list loses the name, the line stays */
	{ "10.0.0.9 nfs extnfs1 other\n", "10.0.0.50", "extnfs1", 1,
	  "10.0.0.9 nfs other\n10.0.0.50 extnfs1\n" },
	/* comments and blank lines stay byte for byte; a comment is not a name */
	{ "# extnfs1 was here\n\n  \n", "10.0.0.50", "extnfs1", 1,
	  "# extnfs1 was here\n\n  \n10.0.0.50 extnfs1\n" },
	{ "10.0.0.50 extnfs1 # the server\n", "10.0.0.50", "extnfs1", 0, "10.0.0.50 extnfs1 # the server\n" },
	{ "no newline at end", "10.0.0.50", "extnfs1", 1, "no newline at end\n10.0.0.50 extnfs1\n" },
	{ "", "10.0.0.50", "extnfs1", 1, "10.0.0.50 extnfs1\n" },
	{ "10.0.0.50 extnfs1\n10.0.0.11 sn1\n", NULL, "extnfs1", 1, "10.0.0.11 sn1\n" },
	{ "10.0.0.11 sn1\n", NULL, "extnfs1", 0, "10.0.0.11 sn1\n" },
	{ "10.0.0.11 sn1 extnfs1\n", NULL, "extnfs1", 1, "10.0.0.11 sn1\n" },
	{ "a\0b\n", "10.0.0.50", "extnfs1", -1, "line 1 column 2: NUL byte" },
	{ "", "10.0.0.50", "bad host", -1, "bad host 'bad host'" },
	{ "", "", "extnfs1", -1, "bad address ''" },
};

static void test_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		struct err e = ERR_INIT;
		size_t len = i == 14 ? 4 : strlen(cases[i].in);
		int rc = cases[i].ip
			? hosts_ensure(cases[i].in, len, "hosts", cases[i].ip, cases[i].host, &out, &e)
			: hosts_remove(cases[i].in, len, "hosts", cases[i].host, &out, &e);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, e.msg.buf);
		if (rc < 0) {
			if (!strstr(e.msg.buf, cases[i].out))
				fail_msg("case %zu: error '%s' lacks '%s'", i, e.msg.buf, cases[i].out);
		} else {
			assert_string_equal(out.buf, cases[i].out);
			/* idempotent: a second edit changes nothing */
			struct strbuf again = STRBUF_INIT;
			int rc2 = cases[i].ip ? hosts_ensure(out.buf, out.len, "hosts", cases[i].ip,
							     cases[i].host, &again, &e)
					      : hosts_remove(out.buf, out.len, "hosts", cases[i].host,
							     &again, &e);
			assert_int_equal(rc2, 0);
			assert_string_equal(again.buf, out.buf);
			strbuf_release(&again);
		}
		strbuf_release(&out);
		err_release(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};
	return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
