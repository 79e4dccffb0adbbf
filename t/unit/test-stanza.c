/*
 * Unit tests for formats/stanza.c: AIX stanza files (/etc/filesystems).
 * Table-driven: parse cases (input -> rendered stanzas or an error), edit
 * cases (input, edit -> exact output bytes), and the sample cluster's
 * cn001.filesystems edited the way redirect edits it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats/stanza.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define L(s) s, sizeof(s) - 1

/* The sample cluster's sn1/cn001.filesystems, byte for byte. */
static const char sample[] =
	"* client filesystems written by NIM for a diskless client (shape constructed)\n"
	"\n"
	"/:\n"
	"\tnodename\t= sn1\n"
	"\tdev\t\t= /install/nim/root/71Bcosi_root/cn001\n"
	"\tvfs\t\t= nfs\n"
	"\tmount\t\t= automatic\n"
	"\ttype\t\t= bootfs\n"
	"\tvol\t\t= root\n"
	"\tcheck\t\t= false\n"
	"\n"
	"/usr:\n"
	"\tnodename\t= sn1\n"
	"\tdev\t\t= /install/nim/spot/71Bcosi/usr\n"
	"\tvfs\t\t= nfs\n"
	"\tmount\t\t= automatic\n"
	"\ttype\t\t= bootfs\n"
	"\tcheck\t\t= false\n"
	"\toptions\t\t= ro\n"
	"\n"
	"/tmp:\n"
	"\tdev\t\t= /dev/ramdisk0\n"
	"\tvfs\t\t= jfs2\n"
	"\tmount\t\t= automatic\n"
	"\tcheck\t\t= false\n";

/* AIX's own layout (bos /etc/filesystems): spaces, quoted vol. */
static const char aix_etc[] =
	"* @(#)filesystems @(#)29\t1.22  src/bos/etc/filesystems/filesystems, cmdfs\n"
	"* This version of /etc/filesystems assumes that only the root file system\n"
	"* is created and ready.\n"
	"\n"
	"/:\n"
	"\tdev       = /dev/hd4\n"
	"\tvol       = \"root\"\n"
	"\tmount     = automatic\n"
	"\tcheck     = false\n"
	"\tfree      = true\n"
	"\tvfs       = jfs2\n"
	"\tlog       = /dev/hd8\n"
	"\ttype      = bootfs\n"
	"\n"
	"/proc:\n"
	"\tdev       = /proc\n"
	"\tvol       = \"/proc\"\n"
	"\tmount     = true\n"
	"\tcheck     = false\n"
	"\tfree      = false\n"
	"\tvfs       = procfs\n";

/* "name@line{attr=[value],attr=\"[value]\"}" per stanza. */
static void render(const struct stanza_file *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->nr; i++) {
		const struct stanza *s = &f->stanzas[i];

		strbuf_addquoted(sb, s->name, strlen(s->name));
		strbuf_addf(sb, "@%u{", s->line);
		for (size_t j = 0; j < s->nr; j++) {
			if (j)
				strbuf_addch(sb, ',');
			strbuf_addquoted(sb, s->attrs[j].name, strlen(s->attrs[j].name));
			strbuf_addstr(sb, s->attrs[j].quoted ? "=\"[" : "=[");
			strbuf_addquoted(sb, s->attrs[j].value, strlen(s->attrs[j].value));
			strbuf_addstr(sb, s->attrs[j].quoted ? "]\"" : "]");
		}
		strbuf_addch(sb, '}');
	}
}

static void parse_ok(const char *in, size_t len, struct stanza_file *f)
{
	struct err e = ERR_INIT;

	if (stanza_parse(in, len, "fs", f, &e))
		fail_msg("unexpected error: %s", e.msg.buf);
	err_release(&e);
}

static void assert_text(const struct stanza_file *f, const char *want, size_t want_len)
{
	struct strbuf out = STRBUF_INIT;

	stanza_write(f, &out);
	if (out.len != want_len || memcmp(out.buf, want, want_len))
		fail_msg("got\n[%s]\nwant\n[%.*s]", out.buf, (int)want_len, want);
	strbuf_release(&out);
}

/* Every field of every attribute agrees with the bytes it points at. */
static void check_positions(const struct stanza_file *f)
{
	for (size_t i = 0; i < f->nr; i++) {
		const struct stanza *s = &f->stanzas[i];

		assert_true(s->line_off < s->line_next);
		assert_true(s->end >= s->line_next);
		for (size_t j = 0; j < s->nr; j++) {
			const struct stanza_attr *a = &s->attrs[j];
			const char *v = f->text.buf + a->value_off;
			size_t n = strlen(a->value);

			assert_true(a->value_off + a->value_len <= a->line_next);
			if (a->quoted) {
				assert_int_equal(a->value_len, n + 2);
				assert_memory_equal(v + 1, a->value, n);
			} else {
				assert_int_equal(a->value_len, n);
				assert_memory_equal(v, a->value, n);
			}
		}
	}
}

static const struct parse_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *want; /* render(), or NULL */
	const char *err;  /* substring of the message, or NULL */
} parse_cases[] = {
	{ "empty file", L(""), "", NULL },
	{ "comments and blank lines only", L("* a\n\n  * b\n# c\n \t\n"), "", NULL },
	{ "one stanza", L("/:\n\tdev = /dev/hd4\n"), "/@1{dev=[/dev/hd4]}", NULL },
	{ "any spacing around '='", L("/a:\n dev=x\n\tvfs\t=\t\tnfs  \n  log   =/dev/hd8\n"),
	  "/a@1{dev=[x],vfs=[nfs],log=[/dev/hd8]}", NULL },
	{ "quoted values keep inner blanks", L("/:\n\tvol = \"root\"\n\tc = \"a b \"\n"),
	  "/@1{vol=\"[root]\",c=\"[a b ]\"}", NULL },
	{ "a lone quote is a plain value", L("s:\n\ta = \"\n\tb = \"x\n"), "s@1{a=[\"],b=[\"x]}",
	  NULL },
	{ "empty values", L("s:\n\ta =\n\tb = \"\"\n"), "s@1{a=[],b=\"[]\"}", NULL },
	{ "values keep '=' and ':'", L("s:\n\toptions = ro,vers=3:x\n"), "s@1{options=[ro,vers=3:x]}",
	  NULL },
	{ "header with blanks, stanza without attributes",
	  L("  /home :  \n\n/var:\n\tvfs = jfs2\n"), "/home@1{}/var@3{vfs=[jfs2]}", NULL },
	{ "CRLF line ends", L("/:\r\n\tdev = x\r\n\r\n/usr:\r\n\tvfs = nfs\r\n"),
	  "/@1{dev=[x]}/usr@4{vfs=[nfs]}", NULL },
	{ "no final newline", L("/:\n\tdev = x"), "/@1{dev=[x]}", NULL },
	{ "comments inside a stanza", L("/:\n* note\n\tdev = x\n\t* more\n\tvfs = y\n"),
	  "/@1{dev=[x],vfs=[y]}", NULL },
	{ "repeated stanzas and attributes kept", L("a:\n\tx = 1\n\tx = 2\na:\n\ty = 3\n"),
	  "a@1{x=[1],x=[2]}a@4{y=[3]}", NULL },
	{ "a name with colons", L("a:b:\n\tx = 1\n"), "a:b@1{x=[1]}", NULL },
	{ "non-ASCII bytes", L("/d\xc3\xa9v:\n\tx = caf\xc3\xa9\n"),
	  "/d\\xc3\\xa9v@1{x=[caf\\xc3\\xa9]}", NULL },

	{ "attribute before any header", L("* c\n\tdev = /proc\n/proc:\n"), NULL,
	  "cannot read 'fs' line 2: attribute 'dev' before any stanza header" },
	{ "neither header nor attribute", L("/:\n\tdev = x\n\tjunk here\n"), NULL,
	  "cannot read 'fs' line 3: expected a stanza header 'name:' or 'attribute = value', got 'junk here'" },
	{ "empty stanza name", L("  :\n"), NULL, "cannot read 'fs' line 1: empty stanza name" },
	{ "empty attribute name", L("/:\n\t= x\n"), NULL,
	  "cannot read 'fs' line 2: empty attribute name" },
	{ "blank inside an attribute name", L("/:\n\tnode name = x\n"), NULL,
	  "cannot read 'fs' line 2: blank inside the attribute name 'node name'" },
	{ "NUL byte", L("/:\n\tdev = a\0b\n"), NULL,
	  "cannot read 'fs' line 2 column 9: NUL byte" },
	{ "NUL byte in a comment", L("* a\0\n"), NULL, "cannot read 'fs' line 1 column 4: NUL byte" },
};

static void test_parse_cases(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct stanza_file f = STANZA_FILE_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT;
		int r = stanza_parse(c->in, c->len, "fs", &f, &e);

		print_message("case %zu: %s\n", i, c->desc);
		if (c->err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->err);
			assert_int_equal(f.nr, 0);
			assert_null(f.stanzas);
			assert_int_equal(f.text.len, 0);
		} else {
			if (r)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
			render(&f, &got);
			if (strcmp(got.buf, c->want))
				fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
			check_positions(&f);
			assert_text(&f, c->in, c->len); /* round trip */
		}
		stanza_file_release(&f);
		strbuf_release(&got);
		err_release(&e);
	}
}

static void test_sample(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	const struct stanza *s;

	parse_ok(L(sample), &f);
	assert_int_equal(f.nr, 3);
	assert_string_equal(f.stanzas[0].name, "/");
	assert_string_equal(f.stanzas[1].name, "/usr");
	assert_string_equal(f.stanzas[2].name, "/tmp");
	assert_int_equal(f.stanzas[1].line, 12);
	assert_string_equal(stanza_get(&f, "/", "nodename"), "sn1");
	assert_string_equal(stanza_get(&f, "/", "dev"), "/install/nim/root/71Bcosi_root/cn001");
	assert_string_equal(stanza_get(&f, "/usr", "options"), "ro");
	assert_null(stanza_get(&f, "/tmp", "nodename"));
	assert_null(stanza_get(&f, "/proc", "dev"));
	assert_null(stanza_find(&f, "/proc"));
	s = stanza_find(&f, "/usr");
	assert_non_null(s);
	assert_int_equal(s->nr, 7);
	assert_int_equal(s->attrs[0].line, 13);
	check_positions(&f);
	stanza_file_release(&f);
}

/* Parse -> write is byte-identical, for the samples and the fixture file. */
static void test_round_trip(void **state)
{
	const char *texts[] = { sample, aix_etc };
	struct strbuf file = STRBUF_INIT;
	FILE *fp = fopen("t/fixtures/sample-cluster/sn1/cn001.filesystems", "rb");

	for (size_t i = 0; i < 2; i++) {
		struct stanza_file f = STANZA_FILE_INIT;

		parse_ok(texts[i], strlen(texts[i]), &f);
		assert_text(&f, texts[i], strlen(texts[i]));
		stanza_file_release(&f);
	}
	if (fp) {
		struct stanza_file f = STANZA_FILE_INIT;
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&file, buf, n);
		fclose(fp);
		assert_int_equal(file.len, strlen(sample));
		assert_memory_equal(file.buf, sample, file.len);
		parse_ok(file.buf, file.len, &f);
		assert_text(&f, file.buf, file.len);
		stanza_file_release(&f);
	}
	strbuf_release(&file);
}

/* Splits text into lines (without their '\n'). */
static void lines(const char *text, struct strvec *out)
{
	strvec_split(out, text, '\n', 0);
}

/* Redirect's edit: nodename of "/:" and "/usr:"; every other line identical. */
static void test_redirect_edit_lines(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	struct strvec before = STRVEC_INIT, after = STRVEC_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(stanza_set(&f, "/", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_set(&f, "/usr", "nodename", "extnfs1", &e), 1);
	stanza_write(&f, &out);
	lines(sample, &before);
	lines(out.buf, &after);
	assert_int_equal(before.nr, after.nr);
	for (size_t i = 0; i < before.nr; i++) {
		if (i == 3 || i == 12)
			assert_string_equal(after.v[i], "\tnodename\t= extnfs1");
		else
			assert_string_equal(after.v[i], before.v[i]);
	}
	assert_string_equal(stanza_get(&f, "/", "nodename"), "extnfs1");
	assert_string_equal(stanza_get(&f, "/usr", "nodename"), "extnfs1");
	check_positions(&f);
	strvec_clear(&before);
	strvec_clear(&after);
	strbuf_release(&out);
	stanza_file_release(&f);
	err_release(&e);
}

/* Setting the same value twice, adding the same stanza twice: no change. */
static void test_idempotent(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(stanza_set(&f, "/", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 1);
	assert_int_equal(stanza_set(&f, "/tmp", "nodename", "extnfs1", &e), 1);
	stanza_write(&f, &once);
	assert_int_equal(stanza_set(&f, "/", "nodename", "extnfs1", &e), 0);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 0);
	assert_int_equal(stanza_set(&f, "/tmp", "nodename", "extnfs1", &e), 0);
	assert_int_equal(stanza_add_attr(&f, "/tmp", "nodename", "extnfs1", &e), 0);
	stanza_write(&f, &twice);
	assert_string_equal(once.buf, twice.buf);
	strbuf_release(&once);
	strbuf_release(&twice);
	stanza_file_release(&f);
	err_release(&e);
}

/* The /proc stanza, appended in the file's own layout. */
static void test_add_proc(void **state)
{
	static const char want_tail[] = "\tcheck\t\t= false\n"
					"\n"
					"/proc:\n"
					"\tdev\t\t= /proc\n"
					"\tvol\t\t= \"/proc\"\n"
					"\tmount\t\t= true\n"
					"\tcheck\t\t= false\n"
					"\tfree\t\t= false\n"
					"\tvfs\t\t= procfs\n";
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT;
	size_t n = strlen(sample) - strlen("\tcheck\t\t= false\n");

	parse_ok(L(sample), &f);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 1);
	stanza_write(&f, &out);
	assert_memory_equal(out.buf, sample, strlen(sample)); /* the old bytes come first */
	assert_string_equal(out.buf + n, want_tail);
	assert_string_equal(stanza_get(&f, "/proc", "vfs"), "procfs");
	assert_string_equal(stanza_get(&f, "/proc", "vol"), "/proc");
	assert_true(stanza_find(&f, "/proc")->attrs[1].quoted);
	strbuf_release(&out);
	stanza_file_release(&f);

	/* AIX's /etc/filesystems already has one: nothing changes */
	parse_ok(L(aix_etc), &f);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 0);
	assert_text(&f, L(aix_etc));
	stanza_file_release(&f);
	err_release(&e);
}

enum op { SET, ADD_ATTR, ADD_PROC, DEL };

static const struct edit_case {
	const char *desc;
	const char *in;
	size_t len;
	enum op op;
	const char *stanza, *attr, *value;
	int ret;
	const char *want; /* the whole output, or the error substring when ret < 0 */
} edit_cases[] = {
	{ "set keeps the line's spacing", L("/:\n  nodename   =  sn1   \n\tdev = x\n"), SET, "/",
	  "nodename", "extnfs1", 1, "/:\n  nodename   =  extnfs1   \n\tdev = x\n" },
	{ "set a longer and a shorter value", L("/:\n\tnodename\t= a\n/usr:\n\tnodename\t= bbbbbbbb\n"),
	  SET, "/usr", "nodename", "c", 1, "/:\n\tnodename\t= a\n/usr:\n\tnodename\t= c\n" },
	{ "set a quoted value stays quoted", L("/:\n\tvol = \"root\"\n"), SET, "/", "vol", "r2", 1,
	  "/:\n\tvol = \"r2\"\n" },
	{ "set a value with a blank quotes it", L("/:\n\tx = a\n"), SET, "/", "x", "a b", 1,
	  "/:\n\tx = \"a b\"\n" },
	{ "set an empty value", L("/:\n\tx = a\n"), SET, "/", "x", "", 1, "/:\n\tx = \"\"\n" },
	{ "set a value that was empty", L("/:\n\tx =\n"), SET, "/", "x", "y", 1, "/:\n\tx =y\n" },
	{ "set every repeated line", L("/:\n\tx = 1\n\ty = 0\n\tx = 2\n"), SET, "/", "x", "3", 1,
	  "/:\n\tx = 3\n\ty = 0\n\tx = 3\n" },
	{ "set only the first stanza of that name", L("a:\n\tx = 1\na:\n\tx = 1\n"), SET, "a", "x",
	  "2", 1, "a:\n\tx = 2\na:\n\tx = 1\n" },
	{ "set the same value", L("/:\n\tx\t= 1\n"), SET, "/", "x", "1", 0, "/:\n\tx\t= 1\n" },
	{ "set a missing attribute adds it", L("/tmp:\n\tdev\t\t= /dev/ram\n\n/x:\n"), SET, "/tmp",
	  "nodename", "extnfs1", 1, "/tmp:\n\tdev\t\t= /dev/ram\n\tnodename\t= extnfs1\n\n/x:\n" },
	{ "set in a missing stanza", L("/:\n\tx = 1\n"), SET, "/usr", "x", "1", -1,
	  "cannot set 'x' in 'fs': no stanza '/usr:'" },
	{ "set a value with a quote", L("/:\n\tx = 1\n"), SET, "/", "x", "a\"b", -1,
	  "a double quote in the value" },
	{ "set a value with a newline", L("/:\n\tx = 1\n"), SET, "/", "x", "a\nb:", -1,
	  "a control character in the value" },
	{ "set a bad attribute name", L("/:\n\tx = 1\n"), SET, "/", "a b", "1", -1,
	  "blank, '=', '\"' or control character in the attribute name" },
	{ "add an attribute aligned with spaces", L("/:\n  dev       = /dev/hd4\n  vol       = \"root\"\n\n"),
	  ADD_ATTR, "/", "nodename", "extnfs1", 1,
	  "/:\n  dev       = /dev/hd4\n  vol       = \"root\"\n  nodename  = extnfs1\n\n" },
	{ "add an attribute longer than the column", L("/:\n\ta\t= 1\n"), ADD_ATTR, "/",
	  "verylongname", "2", 1, "/:\n\ta\t= 1\n\tverylongname\t= 2\n" },
	{ "add without padding, like the template", L("/:\n\ta=1\n"), ADD_ATTR, "/", "bb", "2", 1,
	  "/:\n\ta=1\n\tbb=2\n" },
	{ "add to a stanza without attributes", L("/a:\n* c\n/b:\n\tx\t= 1\n"), ADD_ATTR, "/a", "y",
	  "2", 1, "/a:\n\ty\t= 2\n* c\n/b:\n\tx\t= 1\n" },
	{ "add to the last line without a newline", L("/:\n\tx = 1"), ADD_ATTR, "/", "y", "2", 1,
	  "/:\n\tx = 1\n\ty = 2" },
	{ "add in a CRLF file", L("/:\r\n\tx = 1\r\n"), ADD_ATTR, "/", "y", "2", 1,
	  "/:\r\n\tx = 1\r\n\ty = 2\r\n" },
	{ "add an existing attribute with another value", L("/:\n\tx = 1\n"), ADD_ATTR, "/", "x", "2",
	  -1, "cannot add 'x = 2' to stanza '/:' of 'fs' line 2: it has 'x = 1'" },
	{ "add /proc to an empty file", L(""), ADD_PROC, NULL, NULL, NULL, 1,
	  "/proc:\n\tdev\t\t= /proc\n\tvol\t\t= \"/proc\"\n\tmount\t\t= true\n\tcheck\t\t= false\n"
	  "\tfree\t\t= false\n\tvfs\t\t= procfs\n" },
	{ "add /proc after a last line without newline", L("/:\n  a = 1"), ADD_PROC, NULL, NULL,
	  NULL, 1,
	  "/:\n  a = 1\n\n/proc:\n  dev = /proc\n  vol = \"/proc\"\n  mount = true\n  check = false\n"
	  "  free = false\n  vfs = procfs\n" },
	{ "add /proc after a blank last line", L("/:\r\n\ta = 1\r\n\r\n"), ADD_PROC, NULL, NULL, NULL,
	  1,
	  "/:\r\n\ta = 1\r\n\r\n/proc:\r\n\tdev = /proc\r\n\tvol = \"/proc\"\r\n\tmount = true\r\n"
	  "\tcheck = false\r\n\tfree = false\r\n\tvfs = procfs\r\n" },
	{ "delete an attribute", L("/:\n\tx = 1\n\ty = 2\n\tx = 3\n/b:\n\tx = 4\n"), DEL, "/", "x",
	  NULL, 2, "/:\n\ty = 2\n/b:\n\tx = 4\n" },
	{ "delete the last line without newline", L("/:\r\n\ty = 2\r\n\tx = 1"), DEL, "/", "x", NULL,
	  1, "/:\r\n\ty = 2" },
	{ "delete a missing attribute", L("/:\n\ty = 2\n"), DEL, "/", "x", NULL, 0, "/:\n\ty = 2\n" },
	{ "delete in a missing stanza", L("/:\n\ty = 2\n"), DEL, "/usr", "y", NULL, 0,
	  "/:\n\ty = 2\n" },
};

static void test_edit_cases(void **state)
{
	for (size_t i = 0; i < sizeof(edit_cases) / sizeof(edit_cases[0]); i++) {
		const struct edit_case *c = &edit_cases[i];
		struct stanza_file f = STANZA_FILE_INIT;
		struct err e = ERR_INIT;
		int r = -2;

		print_message("case %zu: %s\n", i, c->desc);
		parse_ok(c->in, c->len, &f);
		switch (c->op) {
		case SET:
			r = stanza_set(&f, c->stanza, c->attr, c->value, &e);
			break;
		case ADD_ATTR:
			r = stanza_add_attr(&f, c->stanza, c->attr, c->value, &e);
			break;
		case ADD_PROC:
			r = stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e);
			break;
		case DEL:
			r = stanza_del_attr(&f, c->stanza, c->attr, &e);
			break;
		}
		if (r != c->ret)
			fail_msg("case %zu (%s): returned %d, want %d (%s)", i, c->desc, r, c->ret,
				 e.msg.buf);
		if (r < 0) {
			if (!strstr(e.msg.buf, c->want))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->want);
			assert_text(&f, c->in, c->len); /* a failed edit changes nothing */
		} else {
			assert_text(&f, c->want, strlen(c->want));
			if (c->op == SET || c->op == ADD_ATTR)
				assert_string_equal(stanza_get(&f, c->stanza, c->attr), c->value);
			if (c->op == DEL)
				assert_null(stanza_get(&f, c->stanza, c->attr));
		}
		check_positions(&f);
		stanza_file_release(&f);
		err_release(&e);
	}
}

/* Deleting then setting back gives the same lines (the undo path). */
static void test_undo(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;

	parse_ok(L(sample), &f);
	assert_int_equal(stanza_set(&f, "/", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_set(&f, "/usr", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 1);
	assert_int_equal(stanza_set(&f, "/", "nodename", "sn1", &e), 1);
	assert_int_equal(stanza_set(&f, "/usr", "nodename", "sn1", &e), 1);
	for (size_t i = 0; i < STANZA_AIX_PROC_NR; i++)
		assert_int_equal(stanza_del_attr(&f, "/proc", stanza_aix_proc[i].name, &e), 1);
	assert_non_null(stanza_find(&f, "/proc"));
	assert_int_equal(stanza_find(&f, "/proc")->nr, 0);
	assert_int_equal(memcmp(f.text.buf, sample, strlen(sample)), 0);
	assert_string_equal(f.text.buf + strlen(sample), "\n/proc:\n");
	assert_int_equal(stanza_del(&f, "/proc", &e), 1);
	assert_text(&f, L(sample));
	assert_int_equal(stanza_del(&f, "/proc", &e), 0);
	/* a stanza in the middle: its lines only, comments after it stay */
	assert_int_equal(stanza_del(&f, "/usr", &e), 1);
	assert_null(stanza_find(&f, "/usr"));
	assert_non_null(strstr(f.text.buf, "\tcheck\t\t= false\n\n\n/tmp:\n"));
	stanza_file_release(&f);
	err_release(&e);
}

/* Bad stanza names for stanza_add; the file is left as it was. */
static void test_add_bad_names(void **state)
{
	static const struct {
		const char *name;
		const char *err;
	} bad[] = {
		{ "", "empty stanza name" },
		{ "* x", "cannot start with '*' or '#'" },
		{ " /x", "blank around the stanza name" },
		{ "/x ", "blank around the stanza name" },
		{ "/a=b", "'=' or control character in the stanza name" },
		{ "/a\nb", "'=' or control character in the stanza name" },
	};
	struct stanza_kv kv[] = { { "dev", "/x", false } };
	struct stanza_kv badkv[] = { { "dev", "a\"b", false } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct stanza_file f = STANZA_FILE_INIT;
		struct err e = ERR_INIT;

		parse_ok(L(sample), &f);
		assert_int_equal(stanza_add(&f, bad[i].name, kv, 1, &e), -1);
		if (!strstr(e.msg.buf, bad[i].err))
			fail_msg("%s: got \"%s\"", bad[i].name, e.msg.buf);
		assert_text(&f, L(sample));
		assert_int_equal(stanza_add(&f, "/ok", badkv, 1, &e), -1);
		assert_text(&f, L(sample));
		stanza_file_release(&f);
		err_release(&e);
	}
}

/* Values a reparse must read back exactly. */
static void test_values_read_back(void **state)
{
	static const char *values[] = {
		"x", "a b", " lead", "trail ", "", "=", "a=b", ":", "*star", "#hash", "\xc3\xa9",
		"/install/nim/root/71Bcosi_root/cn001", "'single'",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct stanza_file f = STANZA_FILE_INIT, g = STANZA_FILE_INIT;
		struct err e = ERR_INIT;
		struct strbuf out = STRBUF_INIT;

		parse_ok(L(sample), &f);
		assert_true(stanza_set(&f, "/tmp", "v", values[i], &e) == 1);
		assert_true(stanza_set(&f, "/", "nodename", values[i], &e) == 1);
		stanza_write(&f, &out);
		parse_ok(out.buf, out.len, &g);
		assert_string_equal(stanza_get(&g, "/tmp", "v"), values[i]);
		assert_string_equal(stanza_get(&g, "/", "nodename"), values[i]);
		assert_int_equal(g.nr, 3);
		strbuf_release(&out);
		stanza_file_release(&f);
		stanza_file_release(&g);
		err_release(&e);
	}
}

/* Line numbers and error text name the file given. */
static void test_error_names_file(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(stanza_parse(L("\n\n* c\n/:\n\tok = 1\nbad\n"),
				      "/install/nim/root/x/etc/filesystems", &f, &e),
			 -1);
	assert_string_equal(e.msg.buf, "cannot read '/install/nim/root/x/etc/filesystems' line 6: "
				       "expected a stanza header 'name:' or 'attribute = value', got 'bad'");
	err_release(&e);
	stanza_file_release(&f);
}

/* Long junk is cut in messages; control bytes are escaped. */
static void test_error_quoting(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strbuf in = STRBUF_INIT;

	strbuf_addstr(&in, "/:\n\x01");
	for (int i = 0; i < 100; i++)
		strbuf_addch(&in, 'x');
	assert_int_equal(stanza_parse(in.buf, in.len, "fs", &f, &e), -1);
	assert_non_null(strstr(e.msg.buf, "got '\\x01xxx"));
	assert_non_null(strstr(e.msg.buf, "xxx...'"));
	strbuf_release(&in);
	err_release(&e);
	stanza_file_release(&f);
}

/* NULL buffer of length 0, release twice, queries on an empty file. */
static void test_empty_and_release(void **state)
{
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(stanza_parse(NULL, 0, "empty", &f, &e), 0);
	assert_int_equal(f.nr, 0);
	assert_null(stanza_find(&f, "/"));
	assert_null(stanza_get(&f, "/", "dev"));
	assert_int_equal(stanza_del_attr(&f, "/", "dev", &e), 0);
	assert_int_equal(stanza_set(&f, "/", "dev", "x", &e), -1);
	stanza_file_release(&f);
	stanza_file_release(&f);
	stanza_file_release(&f);
	err_release(&e);
}

/* Many stanzas: edits in the middle keep every other stanza's bytes. */
static void test_many_stanzas(void **state)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;

	for (int i = 0; i < 300; i++) {
		char sn[16];

		snprintf(sn, sizeof(sn), "sn%d", i % 7);
		strbuf_addf(&in, "/fs%d:\n\tdev\t\t= /dev/lv%d\n\tnodename\t= %s\n\n", i, i, sn);
		strbuf_addf(&want, "/fs%d:\n\tdev\t\t= /dev/lv%d\n\tnodename\t= %s\n\n", i, i,
			    i == 150 ? "extnfs1" : sn);
	}
	parse_ok(in.buf, in.len, &f);
	assert_int_equal(f.nr, 300);
	assert_int_equal(stanza_set(&f, "/fs150", "nodename", "extnfs1", &e), 1);
	stanza_write(&f, &out);
	assert_string_equal(out.buf, want.buf);
	assert_int_equal(f.stanzas[299].line, 299 * 4 + 1);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&want);
	stanza_file_release(&f);
	err_release(&e);
}

/* The sample with CRLF line ends: the same edits, CRLF kept everywhere. */
static void test_crlf_redirect(void **state)
{
	struct strbuf crlf = STRBUF_INIT, want = STRBUF_INIT;
	struct stanza_file f = STANZA_FILE_INIT;
	struct err e = ERR_INIT;
	struct strvec before = STRVEC_INIT, after = STRVEC_INIT;

	for (const char *p = sample; *p; p++) {
		if (*p == '\n')
			strbuf_addch(&crlf, '\r');
		strbuf_addch(&crlf, *p);
	}
	parse_ok(crlf.buf, crlf.len, &f);
	assert_int_equal(f.nr, 3);
	assert_string_equal(stanza_get(&f, "/", "nodename"), "sn1");
	assert_int_equal(stanza_set(&f, "/", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_set(&f, "/usr", "nodename", "extnfs1", &e), 1);
	assert_int_equal(stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, &e), 1);
	strvec_split(&before, crlf.buf, '\n', 0);
	strvec_split(&after, f.text.buf, '\n', 0);
	assert_int_equal(after.nr, before.nr + 8);
	for (size_t i = 0; i + 1 < after.nr; i++) {
		size_t n = strlen(after.v[i]);

		assert_true(n > 0 && after.v[i][n - 1] == '\r');
		if (i == 3 || i == 12)
			assert_string_equal(after.v[i], "\tnodename\t= extnfs1\r");
		else if (i + 1 < before.nr)
			assert_string_equal(after.v[i], before.v[i]);
	}
	assert_string_equal(after.v[before.nr], "/proc:\r");
	assert_string_equal(after.v[before.nr + 2], "\tvol\t\t= \"/proc\"\r");
	strvec_clear(&before);
	strvec_clear(&after);
	strbuf_release(&crlf);
	strbuf_release(&want);
	stanza_file_release(&f);
	err_release(&e);
}

/* stanza_del: middle, first, last without newline, missing. */
static void test_del_stanza(void **state)
{
	static const struct {
		const char *in, *name;
		int ret;
		const char *want;
	} cases[] = {
		{ "a:\n\tx = 1\n* c\nb:\n\ty = 2\n", "a", 1, "* c\nb:\n\ty = 2\n" },
		{ "a:\n\tx = 1\n\nb:\n\ty = 2", "b", 1, "a:\n\tx = 1\n" },
		{ "a:\n\tx = 1\nb:\n\ty = 2\n", "b", 1, "a:\n\tx = 1\n" },
		{ "a:\r\n\tx = 1\r\n\r\nb:\r\n", "b", 1, "a:\r\n\tx = 1\r\n" },
		{ "a:\n\tx = 1\n", "c", 0, "a:\n\tx = 1\n" },
		{ "a:\n\tx = 1\na:\n\tx = 2\n", "a", 1, "a:\n\tx = 2\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stanza_file f = STANZA_FILE_INIT;
		struct err e = ERR_INIT;

		parse_ok(cases[i].in, strlen(cases[i].in), &f);
		assert_int_equal(stanza_del(&f, cases[i].name, &e), cases[i].ret);
		assert_text(&f, cases[i].want, strlen(cases[i].want));
		check_positions(&f);
		stanza_file_release(&f);
		err_release(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_redirect_edit_lines),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_add_proc),
		cmocka_unit_test(test_edit_cases),
		cmocka_unit_test(test_undo),
		cmocka_unit_test(test_add_bad_names),
		cmocka_unit_test(test_values_read_back),
		cmocka_unit_test(test_error_names_file),
		cmocka_unit_test(test_error_quoting),
		cmocka_unit_test(test_empty_and_release),
		cmocka_unit_test(test_many_stanzas),
		cmocka_unit_test(test_crlf_redirect),
		cmocka_unit_test(test_del_stanza),
	};
	return cmocka_run_group_tests_name("stanza", tests, NULL, NULL);
}
