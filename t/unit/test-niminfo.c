/*
 * Unit tests for formats/niminfo.c: NIM .info / /etc/niminfo files.
 * Table-driven: parse cases (input -> rendered variables or an error),
 * set cases (input, NAME=value -> exact output bytes), and the sample
 * cluster's cn001.info redirected to extnfs1 the way redirect does it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats/niminfo.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define L(s) s, sizeof(s) - 1

/* The sample cluster's sn1/cn001.info, byte for byte. */
static const char sample[] =
	"#------------------ Network Install Manager ---------------\n"
	"# warning - this file contains NIM configuration information\n"
	"#       and should only be updated by NIM\n"
	"export NIM_NAME=cn001\n"
	"export NIM_HOSTNAME=cn001\n"
	"export NIM_CONFIGURATION=diskless\n"
	"export NIM_MASTER_HOSTNAME=sn1\n"
	"export NIM_MASTER_PORT=1058\n"
	"export NIM_REGISTRATION_PORT=1059\n"
	"export RC_CONFIG=rc.dd_boot\n"
	"export NIM_HOSTS=\" 127.0.0.1:loopback:localhost  10.1.0.1:cn001  10.0.0.11:sn1 \"\n"
	"export NIM_MOUNTS=\"\"\n"
	"export ROUTES=\" default:0:10.0.0.254 \"\n"
	"export ROOT=sn1:/install/nim/root/71Bcosi_root/cn001\n"
	"export SPOT=sn1:/install/nim/spot/71Bcosi/usr\n"
	"export DUMP=sn1:/install/nim/dump/71Bcosi_dump/cn001\n";

/* "NAME@line=[value]" per variable; q" or q' for quotes, '-' if not exported. */
static void render(const struct niminfo *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->nr; i++) {
		const struct niminfo_var *v = &f->vars[i];

		if (i)
			strbuf_addch(sb, ',');
		if (!v->exported)
			strbuf_addch(sb, '-');
		strbuf_addf(sb, "%s@%u=", v->name, v->line);
		if (v->quote)
			strbuf_addf(sb, "q%c", v->quote);
		strbuf_addch(sb, '[');
		strbuf_addquoted(sb, v->value, strlen(v->value));
		strbuf_addch(sb, ']');
	}
}

static void parse_ok(const char *in, size_t len, struct niminfo *f)
{
	struct err e = ERR_INIT;

	if (niminfo_parse(in, len, "cn001.info", f, &e))
		fail_msg("unexpected error: %s", e.msg.buf);
	err_release(&e);
}

static void assert_text(const struct niminfo *f, const char *want, size_t want_len)
{
	struct strbuf out = STRBUF_INIT;

	niminfo_write(f, &out);
	if (out.len != want_len || memcmp(out.buf, want, want_len))
		fail_msg("got\n[%s]\nwant\n[%.*s]", out.buf, (int)want_len, want);
	strbuf_release(&out);
}

static void check_positions(const struct niminfo *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		const struct niminfo_var *v = &f->vars[i];
		size_t n = strlen(v->value), q = v->quote ? 1 : 0;

		assert_int_equal(v->value_len, n + 2 * q);
		assert_memory_equal(f->text.buf + v->value_off + q, v->value, n);
		assert_true(v->value_off + v->value_len <= v->line_next);
	}
}

static const struct parse_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *want;
	const char *err;
} parse_cases[] = {
	{ "empty file", L(""), "", NULL },
	{ "comments and blank lines", L("#x\n\n   # y\n\t\n"), "", NULL },
	{ "plain value", L("export ROOT=sn1:/install/nim/root/x/cn001\n"),
	  "ROOT@1=[sn1:/install/nim/root/x/cn001]", NULL },
	{ "padded double quotes", L("export NIM_HOSTS=\" 1.2.3.4:a  5.6.7.8:b \"\n"),
	  "NIM_HOSTS@1=q\"[ 1.2.3.4:a  5.6.7.8:b ]", NULL },
	{ "empty values", L("export NIM_MOUNTS=\"\"\nexport X=\nexport Y=''\n"),
	  "NIM_MOUNTS@1=q\"[],X@2=[],Y@3=q'[]", NULL },
	{ "single quotes keep '\"' and '$'", L("export A='x \"$y\"'\n"), "A@1=q'[x \"$y\"]", NULL },
	{ "without export, indented, blanks after export", L("  NIM_NAME=cn001\nexport\t  B=1  \n"),
	  "-NIM_NAME@1=[cn001],B@2=[1]", NULL },
	{ "CRLF and no final newline", L("export A=1\r\n\r\nexport B=\"2 3\"\r\nexport C=4"),
	  "A@1=[1],B@3=q\"[2 3],C@4=[4]", NULL },
	{ "repeated variables kept", L("export A=1\nexport A=2\n"), "A@1=[1],A@2=[2]", NULL },
	{ "'#' inside a value", L("export A=x#y\nexport B=\"# z\"\n"), "A@1=[x#y],B@2=q\"[# z]", NULL },
	{ "'=' inside a value", L("export A=b=c\n"), "A@1=[b=c]", NULL },

	{ "a line that is no assignment", L("export A=1\nrm -rf /\n"), NULL,
	  "cannot read 'cn001.info' line 2: expected 'export NAME=value', got 'rm -rf /'" },
	{ "export alone", L("export\n"), NULL, "line 1: expected 'export NAME=value', got 'export'" },
	{ "export without a value", L("export A\n"), NULL, "line 1: expected 'export NAME=value', got 'A'" },
	{ "blanks around '='", L("export A = 1\n"), NULL, "line 1: expected 'export NAME=value'" },
	{ "bad name", L("export 1A=x\n"), NULL, "line 1: expected 'export NAME=value', got '1A=x'" },
	{ "unterminated double quote", L("\nexport NIM_HOSTS=\" 1.2.3.4:a\n"), NULL,
	  "cannot read 'cn001.info' line 2: unterminated double quote in the value of NIM_HOSTS" },
	{ "unterminated single quote", L("export A='x\n"), NULL, "unterminated single quote in the value of A" },
	{ "a lone quote", L("export A=\"\n"), NULL, "unterminated double quote in the value of A" },
	{ "text after the closing quote", L("export A=\"x\"y\n"), NULL,
	  "line 1: text after the closing quote in the value of A" },
	{ "blank in a plain value", L("export A=x y\n"), NULL, "line 1: a blank in the unquoted value of A" },
	{ "quote in a plain value", L("export A=x\"y\"\n"), NULL, "line 1: a quote in the unquoted value of A" },
	{ "NUL byte", L("export A=1\nexport B=\0\n"), NULL, "cannot read 'cn001.info' line 2 column 10: NUL byte" },
};

static void test_parse_cases(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct niminfo f = NIMINFO_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT;
		int r = niminfo_parse(c->in, c->len, "cn001.info", &f, &e);

		print_message("case %zu: %s\n", i, c->desc);
		if (c->err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->err);
			assert_int_equal(f.nr, 0);
			assert_null(f.vars);
			assert_int_equal(f.text.len, 0);
		} else {
			if (r)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
			render(&f, &got);
			if (strcmp(got.buf, c->want))
				fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
			check_positions(&f);
			assert_text(&f, c->in, c->len);
		}
		niminfo_release(&f);
		niminfo_release(&f);
		strbuf_release(&got);
		err_release(&e);
	}
}

static void test_sample(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct strvec hosts = STRVEC_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(f.nr, 13);
	assert_string_equal(niminfo_get(&f, "NIM_NAME"), "cn001");
	assert_string_equal(niminfo_get(&f, "ROOT"), "sn1:/install/nim/root/71Bcosi_root/cn001");
	assert_string_equal(niminfo_get(&f, "SPOT"), "sn1:/install/nim/spot/71Bcosi/usr");
	assert_string_equal(niminfo_get(&f, "NIM_MOUNTS"), "");
	assert_null(niminfo_get(&f, "PAGING"));
	niminfo_hosts(&f, &hosts);
	assert_int_equal(hosts.nr, 3);
	assert_string_equal(hosts.v[0], "127.0.0.1:loopback:localhost");
	assert_string_equal(hosts.v[1], "10.1.0.1:cn001");
	assert_string_equal(hosts.v[2], "10.0.0.11:sn1");
	assert_true(niminfo_hosts_has(&f, "10.0.0.11", "sn1"));
	assert_true(niminfo_hosts_has(&f, "127.0.0.1", "localhost"));
	assert_true(niminfo_hosts_has(&f, "127.0.0.1", "loopback"));
	assert_false(niminfo_hosts_has(&f, "10.0.0.11", "sn"));
	assert_false(niminfo_hosts_has(&f, "10.0.0.1", "sn1"));
	assert_false(niminfo_hosts_has(&f, "10.0.0.20", "extnfs1"));
	assert_int_equal(f.vars[7].line, 11);
	assert_int_equal(f.vars[7].quote, '"');
	check_positions(&f);
	strvec_clear(&hosts);
	niminfo_release(&f);
}

static void test_round_trip(void **state)
{
	FILE *fp = fopen("t/fixtures/sample-cluster/sn1/cn001.info", "rb");
	struct niminfo f = NIMINFO_INIT;

	parse_ok(L(sample), &f);
	assert_text(&f, L(sample));
	niminfo_release(&f);
	if (fp) {
		struct strbuf file = STRBUF_INIT;
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&file, buf, n);
		fclose(fp);
		assert_string_equal(file.buf, sample);
		parse_ok(file.buf, file.len, &f);
		assert_text(&f, file.buf, file.len);
		niminfo_release(&f);
		strbuf_release(&file);
	}
}

/* Redirect's edit: ROOT, SPOT, NIM_HOSTS; every other line identical. */
static void test_redirect_edit_lines(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strvec before = STRVEC_INIT, after = STRVEC_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(niminfo_set(&f, "ROOT", "extnfs1:/install/nim/root/71Bcosi_root/cn001", &e), 1);
	assert_int_equal(niminfo_set(&f, "SPOT", "extnfs1:/install/nim/spot/71Bcosi/usr", &e), 1);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 1);
	strvec_split(&before, sample, '\n', 0);
	strvec_split(&after, f.text.buf, '\n', 0);
	assert_int_equal(before.nr, after.nr);
	for (size_t i = 0; i < before.nr; i++) {
		if (i == 10)
			assert_string_equal(after.v[i], "export NIM_HOSTS=\" 127.0.0.1:loopback:localhost"
							"  10.1.0.1:cn001  10.0.0.11:sn1  10.0.0.20:extnfs1 \"");
		else if (i == 13)
			assert_string_equal(after.v[i], "export ROOT=extnfs1:/install/nim/root/71Bcosi_root/cn001");
		else if (i == 14)
			assert_string_equal(after.v[i], "export SPOT=extnfs1:/install/nim/spot/71Bcosi/usr");
		else
			assert_string_equal(after.v[i], before.v[i]);
	}
	check_positions(&f);
	strvec_clear(&before);
	strvec_clear(&after);
	niminfo_release(&f);
	err_release(&e);
}

/* Every edit twice: the second changes nothing, one NIM_HOSTS entry. */
static void test_idempotent(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strbuf once = STRBUF_INIT;
	struct strvec hosts = STRVEC_INIT;
	size_t n = 0;

	parse_ok(L(sample), &f);
	assert_int_equal(niminfo_set(&f, "ROOT", "extnfs1:/r", &e), 1);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 1);
	assert_int_equal(niminfo_set(&f, "PAGING", "extnfs1:/p", &e), 1);
	niminfo_write(&f, &once);
	assert_int_equal(niminfo_set(&f, "ROOT", "extnfs1:/r", &e), 0);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 0);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 0);
	assert_int_equal(niminfo_set(&f, "PAGING", "extnfs1:/p", &e), 0);
	assert_text(&f, once.buf, once.len);
	niminfo_hosts(&f, &hosts);
	for (size_t i = 0; i < hosts.nr; i++)
		n += !strcmp(hosts.v[i], "10.0.0.20:extnfs1");
	assert_int_equal(n, 1);
	strvec_clear(&hosts);
	strbuf_release(&once);
	niminfo_release(&f);
	err_release(&e);
}

static const struct set_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *var, *value;
	int ret;
	const char *want; /* output, or error substring when ret < 0 */
} set_cases[] = {
	{ "plain stays plain", L("export ROOT=sn1:/a\n"), "ROOT", "extnfs1:/a", 1,
	  "export ROOT=extnfs1:/a\n" },
	{ "quoted stays quoted", L("export ROOT=\"sn1:/a\"\n"), "ROOT", "x:/b", 1,
	  "export ROOT=\"x:/b\"\n" },
	{ "single quotes stay", L("export ROOT='sn1:/a'  \n"), "ROOT", "x:/b", 1,
	  "export ROOT='x:/b'  \n" },
	{ "plain becomes quoted when needed", L("export A=1\n"), "A", "a b", 1,
	  "export A=\"a b\"\n" },
	{ "an empty value is quoted", L("export A=1\n"), "A", "", 1, "export A=\"\"\n" },
	{ "every assignment is set", L("export A=1\n# c\nA=2\n"), "A", "3", 1,
	  "export A=3\n# c\nA=3\n" },
	{ "the same value", L("export A=\"1\"\n"), "A", "1", 0, "export A=\"1\"\n" },
	{ "a missing variable is appended", L("# c\nexport A=1\n"), "PAGING", "s:/p", 1,
	  "# c\nexport A=1\nexport PAGING=s:/p\n" },
	{ "appended after a last line without newline", L("export A=1"), "B", "2", 1,
	  "export A=1\nexport B=2\n" },
	{ "appended in a CRLF file", L("export A=1\r\n"), "B", "x y", 1,
	  "export A=1\r\nexport B=\"x y\"\r\n" },
	{ "appended to an empty file", L(""), "B", "2", 1, "export B=2\n" },
	{ "a bad name", L("export A=1\n"), "A-B", "1", -1,
	  "cannot set 'A-B' in 'cn001.info': not a shell variable name" },
	{ "a value with '$'", L("export A=1\n"), "A", "$(reboot)", -1,
	  "a quote, '\\', '$' or '`' in the value" },
	{ "a value with a quote", L("export A=1\n"), "A", "a\"b", -1, "a quote, '\\', '$' or '`'" },
	{ "a value with a newline", L("export A=1\n"), "A", "a\nexport B=1", -1,
	  "a control character in the value" },
};

static void test_set_cases(void **state)
{
	for (size_t i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
		const struct set_case *c = &set_cases[i];
		struct niminfo f = NIMINFO_INIT;
		struct err e = ERR_INIT;
		int r;

		print_message("case %zu: %s\n", i, c->desc);
		parse_ok(c->in, c->len, &f);
		r = niminfo_set(&f, c->var, c->value, &e);
		if (r != c->ret)
			fail_msg("case %zu (%s): returned %d, want %d (%s)", i, c->desc, r, c->ret,
				 e.msg.buf);
		if (r < 0) {
			if (!strstr(e.msg.buf, c->want))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->want);
			assert_text(&f, c->in, c->len);
		} else {
			assert_text(&f, c->want, strlen(c->want));
			assert_string_equal(niminfo_get(&f, c->var), c->value);
		}
		check_positions(&f);
		niminfo_release(&f);
		err_release(&e);
	}
}

static const struct hosts_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *ip, *host;
	int ret;
	const char *want;
} hosts_cases[] = {
	{ "NIM's padding", L("export NIM_HOSTS=\" 1.1.1.1:a  2.2.2.2:b \"\n"), "10.0.0.20", "extnfs1",
	  1, "export NIM_HOSTS=\" 1.1.1.1:a  2.2.2.2:b  10.0.0.20:extnfs1 \"\n" },
	{ "no padding", L("export NIM_HOSTS=\"1.1.1.1:a 2.2.2.2:b\"\n"), "10.0.0.20", "extnfs1", 1,
	  "export NIM_HOSTS=\"1.1.1.1:a 2.2.2.2:b 10.0.0.20:extnfs1\"\n" },
	{ "empty", L("export NIM_HOSTS=\"\"\n"), "10.0.0.20", "extnfs1", 1,
	  "export NIM_HOSTS=\" 10.0.0.20:extnfs1 \"\n" },
	{ "plain one entry becomes quoted", L("export NIM_HOSTS=1.1.1.1:a\n"), "10.0.0.20",
	  "extnfs1", 1, "export NIM_HOSTS=\"1.1.1.1:a 10.0.0.20:extnfs1\"\n" },
	{ "missing", L("export NIM_NAME=cn001\n"), "10.0.0.20", "extnfs1", 1,
	  "export NIM_NAME=cn001\nexport NIM_HOSTS=\" 10.0.0.20:extnfs1 \"\n" },
	{ "already there", L("export NIM_HOSTS=\" 10.0.0.20:extnfs1 \"\n"), "10.0.0.20", "extnfs1",
	  0, "export NIM_HOSTS=\" 10.0.0.20:extnfs1 \"\n" },
	{ "already there as an alias", L("export NIM_HOSTS=\" 10.0.0.20:nfs:extnfs1 \"\n"),
	  "10.0.0.20", "extnfs1", 0, "export NIM_HOSTS=\" 10.0.0.20:nfs:extnfs1 \"\n" },
	{ "another name on that address is fine", L("export NIM_HOSTS=\" 10.0.0.20:nfs \"\n"),
	  "10.0.0.20", "extnfs1", 1, "export NIM_HOSTS=\" 10.0.0.20:nfs  10.0.0.20:extnfs1 \"\n" },
	{ "a host on another address", L("\nexport NIM_HOSTS=\" 10.0.0.5:extnfs1 \"\n"), "10.0.0.20",
	  "extnfs1", -1,
	  "cannot add '10.0.0.20:extnfs1' to NIM_HOSTS in 'cn001.info' line 2: it has '10.0.0.5:extnfs1'" },
	{ "a host name matched exactly", L("export NIM_HOSTS=\" 10.0.0.5:extnfs10 \"\n"), "10.0.0.20",
	  "extnfs1", 1, "export NIM_HOSTS=\" 10.0.0.5:extnfs10  10.0.0.20:extnfs1 \"\n" },
	{ "a bad address", L(""), "10.0.0.256", "extnfs1", -1,
	  "cannot add '10.0.0.256' to NIM_HOSTS in 'cn001.info': not an IPv4 address" },
	{ "an IPv6 address", L(""), "fd00::1", "extnfs1", -1, "not an IPv4 address" },
	{ "a bad host", L(""), "10.0.0.20", "ext nfs", -1, "'ext nfs' to NIM_HOSTS in 'cn001.info': not a host name" },
	{ "a host with a colon", L(""), "10.0.0.20", "a:b", -1, "not a host name" },
	{ "an empty host", L(""), "10.0.0.20", "", -1, "not a host name" },
};

static void test_hosts_cases(void **state)
{
	for (size_t i = 0; i < sizeof(hosts_cases) / sizeof(hosts_cases[0]); i++) {
		const struct hosts_case *c = &hosts_cases[i];
		struct niminfo f = NIMINFO_INIT;
		struct err e = ERR_INIT;
		int r;

		print_message("case %zu: %s\n", i, c->desc);
		parse_ok(c->in, c->len, &f);
		r = niminfo_hosts_add(&f, c->ip, c->host, &e);
		if (r != c->ret)
			fail_msg("case %zu (%s): returned %d, want %d (%s)", i, c->desc, r, c->ret,
				 e.msg.buf);
		if (r < 0) {
			if (!strstr(e.msg.buf, c->want))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->want);
			assert_text(&f, c->in, c->len);
		} else {
			assert_text(&f, c->want, strlen(c->want));
			assert_true(niminfo_hosts_has(&f, c->ip, c->host));
		}
		niminfo_release(&f);
		err_release(&e);
	}
}

/* Undo: removing the entry gives back NIM's value exactly. */
static void test_hosts_remove(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 1);
	assert_int_equal(niminfo_hosts_remove(&f, "10.0.0.20", "extnfs1", &e), 1);
	assert_text(&f, L(sample));
	assert_int_equal(niminfo_hosts_remove(&f, "10.0.0.20", "extnfs1", &e), 0);
	assert_int_equal(niminfo_hosts_remove(&f, "10.0.0.11", "sn", &e), 0);
	assert_text(&f, L(sample));
	assert_int_equal(niminfo_hosts_remove(&f, "127.0.0.1", "loopback", &e), 0);
	assert_int_equal(niminfo_hosts_remove(&f, "10.1.0.1", "cn001", &e), 1);
	assert_string_equal(niminfo_get(&f, "NIM_HOSTS"), " 127.0.0.1:loopback:localhost  10.0.0.11:sn1 ");
	assert_int_equal(niminfo_hosts_remove(&f, "127.0.0.1", "loopback:localhost", &e), 1);
	assert_int_equal(niminfo_hosts_remove(&f, "10.0.0.11", "sn1", &e), 1);
	assert_string_equal(niminfo_get(&f, "NIM_HOSTS"), "");
	niminfo_release(&f);

	parse_ok(L("export NIM_HOSTS=\"a:b c:d e:f\"\n"), &f);
	assert_int_equal(niminfo_hosts_remove(&f, "c", "d", &e), 1);
	assert_text(&f, L("export NIM_HOSTS=\"a:b e:f\"\n"));
	niminfo_release(&f);
	parse_ok(L("export A=1\n"), &f);
	assert_int_equal(niminfo_hosts_remove(&f, "c", "d", &e), 0);
	niminfo_release(&f);
	err_release(&e);
}

/* The shell reads the last assignment; niminfo_get does too. */
static void test_last_assignment(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;

	parse_ok(L("export ROOT=a:/1\nexport NIM_HOSTS=\" 1.1.1.1:x \"\nexport ROOT=b:/2\n"
		   "export NIM_HOSTS=\" 2.2.2.2:y \"\n"), &f);
	assert_string_equal(niminfo_get(&f, "ROOT"), "b:/2");
	assert_false(niminfo_hosts_has(&f, "1.1.1.1", "x"));
	assert_true(niminfo_hosts_has(&f, "2.2.2.2", "y"));
	assert_int_equal(niminfo_set(&f, "ROOT", "c:/3", &e), 1);
	assert_text(&f, L("export ROOT=c:/3\nexport NIM_HOSTS=\" 1.1.1.1:x \"\nexport ROOT=c:/3\n"
			  "export NIM_HOSTS=\" 2.2.2.2:y \"\n"));
	niminfo_release(&f);
	err_release(&e);
}

static void test_unset(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;

	parse_ok(L("export A=1\nexport B=2\nA=3\r\nexport C=4\nexport A=5"), &f);
	assert_int_equal(niminfo_unset(&f, "A", &e), 3);
	assert_text(&f, L("export B=2\nexport C=4"));
	assert_null(niminfo_get(&f, "A"));
	assert_int_equal(niminfo_unset(&f, "A", &e), 0);
	assert_int_equal(niminfo_set(&f, "PAGING", "s:/p", &e), 1);
	assert_int_equal(niminfo_unset(&f, "PAGING", &e), 1);
	assert_text(&f, L("export B=2\nexport C=4\n"));
	niminfo_release(&f);
	err_release(&e);
}

static void test_error_names_file(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(niminfo_parse(L("# x\nexport A=1\n\nexport B=\"oops\n"),
				       "/tftpboot/10.1.0.1.info", &f, &e),
			 -1);
	assert_string_equal(e.msg.buf, "cannot read '/tftpboot/10.1.0.1.info' line 4: "
				       "unterminated double quote in the value of B");
	niminfo_release(&f);
	err_release(&e);
}

static void test_empty_and_release(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strvec hosts = STRVEC_INIT;

	assert_int_equal(niminfo_parse(NULL, 0, "empty", &f, &e), 0);
	assert_null(niminfo_get(&f, "ROOT"));
	niminfo_hosts(&f, &hosts);
	assert_int_equal(hosts.nr, 0);
	assert_false(niminfo_hosts_has(&f, "1.1.1.1", "a"));
	assert_int_equal(niminfo_unset(&f, "ROOT", &e), 0);
	niminfo_release(&f);
	niminfo_release(&f);
	err_release(&e);
}

/* Values read back after a set, through a fresh parse. */
static void test_values_read_back(void **state)
{
	static const char *values[] = {
		"extnfs1:/install/nim/root/71Bcosi_root/cn001", "", " ", "a b", "#x", "a=b", "~", "*",
		"\xc3\xa9", "x;y", "a|b", " 1.1.1.1:a  2.2.2.2:b ",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct niminfo f = NIMINFO_INIT, g = NIMINFO_INIT;
		struct err e = ERR_INIT;

		parse_ok(L(sample), &f);
		assert_int_equal(niminfo_set(&f, "ROOT", values[i], &e), 1);
		assert_int_equal(niminfo_set(&f, "NEW_VAR", values[i], &e), 1);
		parse_ok(f.text.buf, f.text.len, &g);
		assert_string_equal(niminfo_get(&g, "ROOT"), values[i]);
		assert_string_equal(niminfo_get(&g, "NEW_VAR"), values[i]);
		assert_int_equal(g.nr, 14);
		niminfo_release(&f);
		niminfo_release(&g);
		err_release(&e);
	}
}

/* Many clients' NIM_HOSTS: adding to a long list keeps every entry. */
static void test_long_hosts(void **state)
{
	struct strbuf in = STRBUF_INIT;
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strvec hosts = STRVEC_INIT;

	strbuf_addstr(&in, "export NIM_HOSTS=\"");
	for (int i = 0; i < 500; i++)
		strbuf_addf(&in, " 10.1.%d.%d:cn%03d ", i / 250, i % 250, i);
	strbuf_addstr(&in, "\"\n");
	parse_ok(in.buf, in.len, &f);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 1);
	assert_int_equal(niminfo_hosts_add(&f, "10.1.0.7", "cn007", &e), 0);
	assert_int_equal(niminfo_hosts_add(&f, "10.1.0.8", "cn007", &e), -1);
	niminfo_hosts(&f, &hosts);
	assert_int_equal(hosts.nr, 501);
	assert_string_equal(hosts.v[500], "10.0.0.20:extnfs1");
	assert_memory_equal(f.text.buf, in.buf, in.len - 2);
	strvec_clear(&hosts);
	strbuf_release(&in);
	niminfo_release(&f);
	err_release(&e);
}

/* The sample with CRLF line ends: the same edits, CRLF kept. */
static void test_crlf_redirect(void **state)
{
	struct strbuf crlf = STRBUF_INIT;
	struct niminfo f = NIMINFO_INIT;
	struct err e = ERR_INIT;
	struct strvec before = STRVEC_INIT, after = STRVEC_INIT;

	for (const char *p = sample; *p; p++) {
		if (*p == '\n')
			strbuf_addch(&crlf, '\r');
		strbuf_addch(&crlf, *p);
	}
	parse_ok(crlf.buf, crlf.len, &f);
	assert_string_equal(niminfo_get(&f, "SPOT"), "sn1:/install/nim/spot/71Bcosi/usr");
	assert_int_equal(niminfo_set(&f, "SPOT", "extnfs1:/install/nim/spot/71Bcosi/usr", &e), 1);
	assert_int_equal(niminfo_hosts_add(&f, "10.0.0.20", "extnfs1", &e), 1);
	assert_int_equal(niminfo_set(&f, "PAGING", "extnfs1:/p", &e), 1);
	strvec_split(&before, crlf.buf, '\n', 0);
	strvec_split(&after, f.text.buf, '\n', 0);
	assert_int_equal(after.nr, before.nr + 1);
	for (size_t i = 0; i + 1 < after.nr; i++) {
		if (i == 10)
			assert_non_null(strstr(after.v[i], "10.0.0.11:sn1  10.0.0.20:extnfs1 \"\r"));
		else if (i == 14)
			assert_string_equal(after.v[i], "export SPOT=extnfs1:/install/nim/spot/71Bcosi/usr\r");
		else if (i == 16)
			assert_string_equal(after.v[i], "export PAGING=extnfs1:/p\r");
		else
			assert_string_equal(after.v[i], before.v[i]);
	}
	strvec_clear(&before);
	strvec_clear(&after);
	strbuf_release(&crlf);
	niminfo_release(&f);
	err_release(&e);
}

/* NIM_HOSTS split at any blanks; odd entries are listed, never matched. */
static void test_hosts_query(void **state)
{
	struct niminfo f = NIMINFO_INIT;
	struct strvec hosts = STRVEC_INIT;

	parse_ok(L("export NIM_HOSTS=\"\t1.1.1.1:a\t \t2.2.2.2:b:c   junk  3.3.3.3: \"\n"), &f);
	niminfo_hosts(&f, &hosts);
	assert_int_equal(hosts.nr, 4);
	assert_string_equal(hosts.v[0], "1.1.1.1:a");
	assert_string_equal(hosts.v[1], "2.2.2.2:b:c");
	assert_string_equal(hosts.v[2], "junk");
	assert_string_equal(hosts.v[3], "3.3.3.3:");
	assert_true(niminfo_hosts_has(&f, "2.2.2.2", "c"));
	assert_false(niminfo_hosts_has(&f, "junk", "junk"));
	assert_false(niminfo_hosts_has(&f, "3.3.3.3", ""));
	assert_false(niminfo_hosts_has(&f, "2.2.2.2", "2.2.2.2"));
	strvec_clear(&hosts);
	niminfo_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_redirect_edit_lines),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_set_cases),
		cmocka_unit_test(test_hosts_cases),
		cmocka_unit_test(test_hosts_remove),
		cmocka_unit_test(test_last_assignment),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_error_names_file),
		cmocka_unit_test(test_empty_and_release),
		cmocka_unit_test(test_values_read_back),
		cmocka_unit_test(test_long_hosts),
		cmocka_unit_test(test_crlf_redirect),
		cmocka_unit_test(test_hosts_query),
	};
	return cmocka_run_group_tests_name("niminfo", tests, NULL, NULL);
}
