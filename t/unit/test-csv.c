/*
 * Unit tests for formats/csv.c: the xCAT tabdump reader and writer.
 * Table-driven: each case is an input and either the expected table,
 * rendered as text (see render()), or a substring of the expected error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "formats/csv.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

/*
 * The table as text: the header names joined by '|', then ';', then per row
 * "LINE:" and the values joined by ',' with each value in brackets (control
 * bytes escaped) and NULL as '~', each row ending in ';'.
 */
static void render(const struct csv_table *t, struct strbuf *sb)
{
	strvec_join(&t->header, "|", sb);
	strbuf_addch(sb, ';');
	for (size_t i = 0; i < t->nr; i++) {
		strbuf_addf(sb, "%u:", t->rows[i].line);
		for (size_t j = 0; j < t->header.nr; j++) {
			const char *v = t->rows[i].vals[j];
			if (j)
				strbuf_addch(sb, ',');
			if (!v) {
				strbuf_addch(sb, '~');
				continue;
			}
			strbuf_addch(sb, '[');
			strbuf_addquoted(sb, v, strlen(v));
			strbuf_addch(sb, ']');
		}
		strbuf_addch(sb, ';');
	}
}

/* Writes t back in tabdump form. */
static void write_table(const struct csv_table *t, struct strbuf *sb)
{
	csv_write_header(sb, (const char *const *)t->header.v, t->header.nr);
	for (size_t i = 0; i < t->nr; i++)
		csv_write_row(sb, (const char *const *)t->rows[i].vals, t->header.nr);
}

static void assert_empty(const struct csv_table *t)
{
	assert_int_equal(t->header.nr, 0);
	assert_int_equal(t->nr, 0);
	assert_null(t->rows);
}

#define L(s) s, sizeof(s) - 1

static const struct csv_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *want; /* render() of the result, or NULL */
	const char *err;  /* substring of the message, or NULL */
} cases[] = {
	{ "quoted values", L("#a,b\n\"x\",\"y\"\n"), "a|b;2:[x],[y];", NULL },
	{ "NULL is nothing, \"\" is the empty string",
	  L("#a,b,c,d\n,\"\",,\"\"\n"), "a|b|c|d;2:~,[],~,[];", NULL },
	{ "doubled quote", L("#a\n\"say \"\"hi\"\"\"\n"), "a;2:[say \"hi\"];", NULL },
	{ "a lone quote", L("#a,b\n\"\"\"\",\"\"\"\"\"\"\n"), "a|b;2:[\"],[\"\"];", NULL },
	{ "comma inside quotes", L("#a,b\n\"x,y\",z\n"), "a|b;2:[x,y],[z];", NULL },
	{ "value over several lines; row keeps its first line",
	  L("#a,b\n\"l1\nl2\n\nl4\",\"v\"\n\"n\",\n"), "a|b;2:[l1\\nl2\\n\\nl4],[v];6:[n],~;", NULL },
	{ "CRLF line endings", L("#a,b\r\n\"x\",\"y\"\r\n,\"z\"\r\n"), "a|b;2:[x],[y];3:~,[z];", NULL },
	{ "bytes inside quotes are verbatim, CR included",
	  L("#a\r\n\"x\r\ny\"\r\n"), "a;2:[x\\r\\ny];", NULL },
	{ "CR not before LF is data", L("#a,b\n\"x\ry\",z\rw\n"), "a|b;2:[x\\ry],[z\\rw];", NULL },
	{ "no newline at the end", L("#a,b\n\"x\",\"y\""), "a|b;2:[x],[y];", NULL },
	{ "no newline at the end, NULL last", L("#a,b\n\"x\","), "a|b;2:[x],~;", NULL },
	{ "blank lines are skipped", L("#a\n\n\"x\"\n   \n\r\n\t\n\"y\"\n\n"), "a;3:[x];7:[y];", NULL },
	{ "unquoted values keep blanks, but not at the end of the line",
	  L("#a,b,c\n x , y,z \t\n"), "a|b|c;2:[ x ],[ y],[z];", NULL },
	{ "blanks after the last closing quote", L("#a,b\n\"x\",\"y\"  \t\r\n"), "a|b;2:[x],[y];", NULL },
	{ "blank-only unquoted last field is NULL", L("#a,b\n\"x\",   \n"), "a|b;2:[x],~;", NULL },
	{ "all NULL", L("#a,b,c\n,,\n"), "a|b|c;2:~,~,~;", NULL },
	{ "header only", L("#a,b\n"), "a|b;", NULL },
	{ "header only, no newline", L("#a,b"), "a|b;", NULL },
	{ "header with trailing blanks and CRLF", L("#a,b \t\r\n"), "a|b;", NULL },
	{ "header names keep inner blanks", L("#a b, c\n,\n"), "a b| c;2:~,~;", NULL },
	{ "a '#' row is data", L("#a\n#x\n"), "a;2:[#x];", NULL },
	{ "UTF-8 passes through", L("#a\n\"caf\xc3\xa9\"\n"), "a;2:[caf\\xc3\\xa9];", NULL },

	{ "empty file", L(""), NULL, "cannot read 't.csv' line 1: empty file" },
	{ "no header", L("\"a\",\"b\"\n"), NULL,
	  "cannot read 't.csv' line 1 column 1: the first line must be the header" },
	{ "blank line before the header", L("\n#a\n"), NULL, "line 1 column 1: the first line must be the header" },
	{ "byte order mark", L("\xef\xbb\xbf#a\n"), NULL, "line 1 column 1: byte order mark" },
	{ "quoted column names", L("#\"a\",\"b\"\n"), NULL,
	  "line 1 column 2: quote in the header line (column names are not quoted)" },
	{ "empty header", L("#\n"), NULL, "line 1 column 2: empty column name" },
	{ "empty column name", L("#a,,b\n"), NULL, "line 1 column 4: empty column name" },
	{ "empty last column name", L("#a,b, \n"), NULL, "line 1 column 6: empty column name" },
	{ "duplicate column", L("#a,b,a\n"), NULL, "line 1 column 6: column 'a' appears twice" },
	{ "too few fields", L("#a,b,c,d,e,f\n\"1\",,,\n\n\n\"1\",,,\n"), NULL,
	  "cannot read 't.csv': line 2 has 4 fields, the header has 6" },
	{ "too few fields, later line", L("#a,b,c,d,e,f\n,,,,,\n,,,,,\n,,,,,\n\"1\",,,\n"), NULL,
	  "cannot read 't.csv': line 5 has 4 fields, the header has 6" },
	{ "too many fields", L("#a\n\"x\",\"y\"\n"), NULL, "line 2 has 2 fields, the header has 1" },
	{ "field count of a multi-line row names its first line",
	  L("#a,b\n\"x\",\"y\"\n\"p\nq\nr\"\n"), NULL, "line 3 has 1 field, the header has 2" },
	{ "unterminated quote names where it opened",
	  L("#a,b\n\"ok\",\"fine\"\n\"x\",\"never\nclosed\n,\n"), NULL,
	  "cannot read 't.csv' line 3 column 5: unterminated quote" },
	{ "unterminated quote at the end", L("#a\n\""), NULL, "line 2 column 1: unterminated quote" },
	{ "garbage after a closing quote", L("#a,b\n\"a\"b,\"c\"\n"), NULL,
	  "cannot read 't.csv' line 2 column 4: unexpected character after a closing quote" },
	{ "blank between closing quote and comma", L("#a,b\n\"a\" ,\"c\"\n"), NULL,
	  "line 2 column 4: unexpected character after a closing quote" },
	{ "garbage after a multi-line value", L("#a,b\n\"a\nbc\"d,\n"), NULL,
	  "line 3 column 4: unexpected character after a closing quote" },
	{ "quote inside an unquoted value", L("#a,b\nab\"c\",d\n"), NULL,
	  "line 2 column 3: quote inside an unquoted value" },
	{ "blank before an opening quote", L("#a,b\n\"x\", \"y\"\n"), NULL,
	  "line 2 column 6: quote inside an unquoted value" },
	{ "NUL in a value", L("#a,b\n\"x\",\"y\0z\"\n"), NULL, "cannot read 't.csv' line 2 column 7: NUL byte" },
	{ "NUL in the header", L("#a\0,b\n"), NULL, "line 1 column 3: NUL byte" },
	{ "NUL on a blank-looking line", L("#a\n\"x\"\n \0\n"), NULL, "line 3 column 2: NUL byte" },
	{ "NUL in a later line of a quoted value", L("#a\n\"x\ny\0\"\n"), NULL, "line 3 column 2: NUL byte" },
};

static void test_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct csv_case *c = &cases[i];
		struct csv_table t = CSV_TABLE_INIT, t2 = CSV_TABLE_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT, out = STRBUF_INIT, got2 = STRBUF_INIT;
		int r = csv_parse(c->in, c->len, "t.csv", &t, &e);

		print_message("case %zu: %s\n", i, c->desc);
		if (c->err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->err);
			assert_empty(&t);
		} else {
			if (r)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
			render(&t, &got);
			if (strcmp(got.buf, c->want))
				fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
			/* what we write reads back the same (line numbers aside) */
			write_table(&t, &out);
			assert_int_equal(csv_parse(out.buf, out.len, "w.csv", &t2, &e), 0);
			assert_int_equal(t2.nr, t.nr);
			for (size_t j = 0; j < t.nr; j++)
				t2.rows[j].line = t.rows[j].line;
			render(&t2, &got2);
			assert_string_equal(got2.buf, got.buf);
		}
		csv_table_release(&t);
		csv_table_release(&t2);
		csv_table_release(&t); /* safe twice */
		strbuf_release(&got);
		strbuf_release(&got2);
		strbuf_release(&out);
		err_release(&e);
	}
}

/* The sample tables of a real cluster, as tabdump wrote them. */
static const struct {
	const char *name;
	const char *text;
} samples[] = {
	{ "hosts.csv",
	  "#node,ip,hostnames,otherinterfaces,comments,disable\n"
	  "\"compute\",\"|\\D+(\\d+)|10.1.0.($1+0)|\",,,,\n"
	  "\"sn1\",\"10.0.0.11\",,,,\n"
	  "\"sn2\",\"10.0.0.12\",,,,\n"
	  "\"extnfs1\",\"10.0.0.50\",\"extnfs1.cluster.example\",,,\n" },
	{ "litefile.csv",
	  "#image,file,options,comments,disable\n"
	  "\"ALL\",\"/etc/basecust\",\"persistent\",,\n"
	  "\"ALL\",\"/var/adm/\",\"persistent\",,\n"
	  "\"ALL\",\"/etc/security/\",\"persistent\",,\n"
	  "\"ALL\",\"/tmp/\",\"tmpfs\",,\n"
	  "\"71Bsl\",\"/opt/app/etc/app.conf\",\"ro\",,\n" },
	{ "litetree.csv",
	  "#priority,image,directory,mntopts,comments,disable\n"
	  "\"1.0\",\"71Bsl\",\"$noderes.nfsserver:/statelite/litetree/$node\",\"soft\",,\n"
	  "\"2.0\",\"ALL\",\"$noderes.nfsserver:/statelite/litetree/common\",,,\n" },
	{ "nimimage.csv",
	  "#imagename,nimtype,lpp_source,spot,root,dump,paging,resolv_conf,tmp,home,shared_home,res_group,nimmethod,script,bosinst_data,installp_bundle,mksysb,fb_script,shared_root,otherpkgs,image_data,configdump,comments,disable\n"
	  "\"71Bcosi\",\"diskless\",\"71Bcosi_lpp_source\",\"71Bcosi\",\"71Bcosi_root\",,\"71Bcosi_paging\",,,,,,,,,,,,,,,,,\n"
	  "\"71Bsr\",\"diskless\",\"71Bcosi_lpp_source\",\"71Bsr\",,,\"71Bsr_paging\",,,,,,,,,,,,\"71Bsr_shared_root\",,,,,\n"
	  "\"71Bsl\",\"diskless\",\"71Bcosi_lpp_source\",\"71Bsl\",,,,,,,,,,,,,,,\"71Bsl_shared_root\",,,,,\n" },
	{ "nodelist.csv",
	  "#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable\n"
	  "\"sn1\",\"service,all\",,,,,,,,,,,\n"
	  "\"sn2\",\"service,all\",,,,,,,,,,,\n"
	  "\"cn001\",\"sn1nodes,compute,all\",,,,,,,,,,,\n"
	  "\"cn002\",\"sn1nodes,compute,all\",,,,,,,,,,,\n"
	  "\"cn003\",\"sn1nodes,compute,lite,all\",,,,,,,,,,,\n"
	  "\"cn004\",\"sn1nodes,compute,lite,all\",,,,,,,,,,,\n"
	  "\"cn005\",\"sn2nodes,compute,all\",,,,,,,,,,,\n"
	  "\"cn006\",\"sn2nodes,compute,all\",,,,,,,,,,,\n"
	  "\"cn007\",\"sn2nodes,compute,lite,all\",,,,,,,,,,,\n"
	  "\"cn008\",\"sn2nodes,compute,lite,all\",,,,,,,,,,,\n"
	  "\"cn010\",\"sn1nodes,compute,all\",,,,,,,,,,\"decommissioned, kept for \"\"history\"\"\",\"1\"\n" },
	{ "noderes.csv",
	  "#node,servicenode,netboot,tftpserver,tftpdir,nfsserver,monserver,nfsdir,installnic,primarynic,discoverynics,cmdinterface,xcatmaster,current_osimage,next_osimage,nimserver,routenames,nameservers,proxydhcp,syslog,comments,disable\n"
	  "\"sn1nodes\",\"sn1\",,,,\"extnfs1\",,,,,,,\"sn1\",,,,,,,,,\n"
	  "\"sn2nodes\",\"sn2\",,,,\"extnfs1\",,,,,,,\"sn2\",,,,,,,,,\n"
	  "\"cn002\",\"sn1\",,,,\"sn1\",,,,,,,\"sn1\",,,,,,,,\"stays on its SN for comparison\",\n" },
	{ "nodetype.csv",
	  "#node,os,arch,profile,provmethod,supportedarchs,nodetype,comments,disable\n"
	  "\"compute\",\"AIX\",\"ppc64\",,\"71Bcosi\",,\"osi\",,\n"
	  "\"cn003\",\"AIX\",\"ppc64\",,\"71Bsl\",,\"osi\",,\n"
	  "\"cn004\",\"AIX\",\"ppc64\",,\"71Bsl\",,\"osi\",,\n"
	  "\"cn005\",\"AIX\",\"ppc64\",,\"71Bcosi\",,\"osi\",,\n"
	  "\"cn006\",\"AIX\",\"ppc64\",,\"71Bsr\",,\"osi\",,\n"
	  "\"cn007\",\"AIX\",\"ppc64\",,\"71Bsl\",,\"osi\",,\n"
	  "\"cn008\",\"AIX\",\"ppc64\",,\"71Bsl\",,\"osi\",,\n" },
	{ "osimage.csv",
	  "#imagename,groups,profile,imagetype,description,provmethod,rootfstype,nfsrootopts,osdistroname,osupdatename,cfmdir,osname,osvers,osarch,synclists,postscripts,postbootscripts,serverrole,isdeletable,kitcomponents,environvar,comments,disable\n"
	  "\"71Bcosi\",,,\"NIM\",,\"diskless\",,,,,,\"AIX\",,,,,,,,,,,\n"
	  "\"71Bsr\",,,\"NIM\",,\"diskless\",,,,,,\"AIX\",,,,,,,,,,,\n"
	  "\"71Bsl\",,,\"NIM\",,\"diskless\",,,,,,\"AIX\",,,,,,,,,,,\n" },
	{ "prescripts.csv",
	  "#node,begin,end,comments,disable\n"
	  "\"compute\",,\"diskless:syncaixres\",,\n" },
	{ "site.csv",
	  "#key,value,comments,disable\n"
	  "\"master\",\"10.0.0.1\",,\n"
	  "\"installdir\",\"/install\",,\n"
	  "\"tftpdir\",\"/tftpboot\",,\n"
	  "\"domain\",\"cluster.example\",,\n"
	  "\"excludenodes\",,,\n" },
	{ "statelite.csv",
	  "#node,image,statemnt,mntopts,comments,disable\n"
	  "\"lite\",,\"$noderes.nfsserver:/stateliteroot\",\"soft\",,\n" },
};

static void test_samples_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct csv_table t = CSV_TABLE_INIT;
		struct err e = ERR_INIT;
		struct strbuf out = STRBUF_INIT;
		size_t lines = 0;

		for (const char *p = samples[i].text; *p; p++)
			lines += *p == '\n';
		if (csv_parse(samples[i].text, strlen(samples[i].text), samples[i].name, &t, &e))
			fail_msg("%s: %s", samples[i].name, e.msg.buf);
		assert_true(t.header.nr >= 4);
		assert_string_equal(t.header.v[t.header.nr - 1], "disable");
		assert_string_equal(t.header.v[t.header.nr - 2], "comments");
		assert_int_equal(t.nr, lines - 1);
		for (size_t j = 0; j < t.nr; j++)
			assert_int_equal(t.rows[j].line, j + 2);
		write_table(&t, &out);
		assert_string_equal(out.buf, samples[i].text);
		csv_table_release(&t);
		strbuf_release(&out);
		err_release(&e);
	}
}

static const char *sample(const char *name)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (!strcmp(samples[i].name, name))
			return samples[i].text;
	fail_msg("no sample %s", name);
	return NULL;
}

static void test_samples_values(void **state)
{
	struct csv_table t = CSV_TABLE_INIT;
	struct err e = ERR_INIT;
	const char *s = sample("nodelist.csv");
	char **last;

	assert_int_equal(csv_parse(s, strlen(s), "nodelist.csv", &t, &e), 0);
	assert_int_equal(t.header.nr, 13);
	assert_string_equal(t.header.v[0], "node");
	assert_int_equal(t.nr, 11);
	assert_string_equal(t.rows[0].vals[0], "sn1");
	assert_string_equal(t.rows[0].vals[1], "service,all");
	assert_null(t.rows[0].vals[2]);
	last = t.rows[10].vals;
	assert_string_equal(last[0], "cn010");
	assert_string_equal(last[11], "decommissioned, kept for \"history\"");
	assert_string_equal(last[12], "1");
	assert_int_equal(t.rows[10].line, 12);
	csv_table_release(&t);

	s = sample("hosts.csv");
	assert_int_equal(csv_parse(s, strlen(s), "hosts.csv", &t, &e), 0);
	assert_string_equal(t.rows[0].vals[1], "|\\D+(\\d+)|10.1.0.($1+0)|");
	csv_table_release(&t);

	s = sample("site.csv");
	assert_int_equal(csv_parse(s, strlen(s), "site.csv", &t, &e), 0);
	assert_string_equal(t.rows[4].vals[0], "excludenodes");
	assert_null(t.rows[4].vals[1]);
	csv_table_release(&t);
	err_release(&e);
}

static void test_write(void **state)
{
	static const struct {
		const char *vals[4];
		size_t n;
		const char *want;
	} rows[] = {
		{ { "a", "b", "c" }, 3, "\"a\",\"b\",\"c\"\n" },
		{ { NULL, "", NULL }, 3, ",\"\",\n" },
		{ { "x", NULL }, 2, "\"x\",\n" },
		{ { "\"", "a\"\"b", "\"q\"" }, 3, "\"\"\"\",\"a\"\"\"\"b\",\"\"\"q\"\"\"\n" },
		{ { "l1\nl2", "a,b" }, 2, "\"l1\nl2\",\"a,b\"\n" },
		{ { NULL }, 1, "\n" },
	};
	const char *cols[] = { "node", "groups", "comments" };
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		strbuf_reset(&sb);
		csv_write_row(&sb, rows[i].vals, rows[i].n);
		assert_string_equal(sb.buf, rows[i].want);
	}
	strbuf_reset(&sb);
	csv_write_header(&sb, cols, 3);
	assert_string_equal(sb.buf, "#node,groups,comments\n");
	strbuf_release(&sb);
}

static void test_long_line(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_table t = CSV_TABLE_INIT;
	struct err e = ERR_INIT;
	char *big = xmalloc(CSV_MAX_LINE + 2);

	/* exactly the limit: fine */
	memset(big, 'x', CSV_MAX_LINE + 1);
	big[CSV_MAX_LINE + 1] = '\0';
	strbuf_addstr(&sb, "#a,b\n\"1\",\"2\"\n");
	strbuf_add(&sb, big, CSV_MAX_LINE - 2);
	strbuf_addstr(&sb, ",y\n");
	assert_int_equal(csv_parse(sb.buf, sb.len, "big.csv", &t, &e), 0);
	assert_int_equal(t.nr, 2);
	assert_int_equal(strlen(t.rows[1].vals[0]), CSV_MAX_LINE - 2);
	csv_table_release(&t);

	/* one byte more, even without a final newline: an error, at once */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "#a,b\n\"1\",\"2\"\n\"");
	strbuf_add(&sb, big, CSV_MAX_LINE);
	assert_int_equal(csv_parse(sb.buf, sb.len, "big.csv", &t, &e), -1);
	assert_string_equal(e.msg.buf, "cannot read 'big.csv': line 3 is longer than 1048576 bytes");
	assert_empty(&t);

	/* the limit is per physical line, also inside a quoted value */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "#a\n\"x\n");
	strbuf_add(&sb, big, CSV_MAX_LINE + 1);
	strbuf_addstr(&sb, "\"\n");
	assert_int_equal(csv_parse(sb.buf, sb.len, "big.csv", &t, &e), -1);
	assert_string_equal(e.msg.buf, "cannot read 'big.csv': line 3 is longer than 1048576 bytes");

	free(big);
	strbuf_release(&sb);
	err_release(&e);
}

/* An empty file read into no buffer at all. */
static void test_null_buffer(void **state)
{
	struct csv_table t = CSV_TABLE_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(csv_parse(NULL, 0, "empty.csv", &t, &e), -1);
	assert_string_equal(e.msg.buf, "cannot read 'empty.csv' line 1: empty file, "
				       "expected the header line '#column,...'");
	assert_empty(&t);
	err_release(&e);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 100,000-node nodelist (about 8 MB) parses in well under half a second. */
static void test_big_nodelist(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv_table t = CSV_TABLE_INIT;
	struct err e = ERR_INIT;
	double t0, dt;

	strbuf_addstr(&sb, "#node,groups,status,statustime,appstatus,appstatustime,primarysn,"
			   "hidden,updatestatus,updatestatustime,zonename,comments,disable\n");
	for (int i = 0; i < 100000; i++)
		strbuf_addf(&sb, "\"cn%06d\",\"sn%dnodes,compute,rack%03d,all\",\"booted\","
				 "\"01-02-2024 10:11:12\",,,,,,,,\"frame %d, \"\"slot\"\" %d\",\n",
			    i, i % 40, i % 500, i / 16, i % 16);
	assert_true(sb.len > 8000000);
	t0 = now();
	assert_int_equal(csv_parse(sb.buf, sb.len, "nodelist.csv", &t, &e), 0);
	dt = now() - t0;
	print_message("parsed %zu bytes in %.3f s\n", sb.len, dt);
	assert_int_equal(t.nr, 100000);
	assert_string_equal(t.rows[99999].vals[0], "cn099999");
	assert_string_equal(t.rows[99999].vals[11], "frame 6249, \"slot\" 15");
	assert_int_equal(t.rows[99999].line, 100001);
	assert_true(dt < 0.5);
	csv_table_release(&t);
	strbuf_release(&sb);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_samples_round_trip),
		cmocka_unit_test(test_samples_values),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_null_buffer),
		cmocka_unit_test(test_big_nodelist),
	};
	return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
