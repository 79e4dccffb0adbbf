/*
 * Unit tests for formats/exports.c: AIX and Linux exports files read into
 * the model, written back, merged and audited.
 *
 * Table-driven. A parsed list is rendered as one line per entry:
 *   PATH[ vers=N:M][ -OPT,OPT] = HOST(ro|rw[,root][,insecure][,aix][;OPT,OPT]) ...
 * Every case that parses is also written in its own flavor and read back,
 * and must come back equal (the round-trip property).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "formats/exports.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define AIX EXPORTS_AIX
#define LNX EXPORTS_LINUX

static void render(const struct export_list *l, struct strbuf *sb)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];

		if (i)
			strbuf_addch(sb, '\n');
		strbuf_addquoted(sb, en->path, strlen(en->path));
		if (en->vers) {
			const char *sep = " vers=";
			for (unsigned v = 0; v < 32; v++)
				if (en->vers & (1u << v)) {
					strbuf_addf(sb, "%s%u", sep, v);
					sep = ":";
				}
		}
		for (size_t k = 0; k < en->opts.nr; k++)
			strbuf_addf(sb, "%s%s", k ? "," : " -", en->opts.v[k]);
		strbuf_addstr(sb, " =");
		for (size_t k = 0; k < en->nr; k++) {
			const struct export_client *c = &en->clients[k];

			strbuf_addf(sb, " %s(%s%s%s%s", c->host, c->rw ? "rw" : "ro",
				    c->root ? ",root" : "", c->insecure ? ",insecure" : "",
				    c->aix ? ",aix" : "");
			for (size_t j = 0; j < c->opts.nr; j++)
				strbuf_addf(sb, "%s%s", j ? "," : ";", c->opts.v[j]);
			strbuf_addch(sb, ')');
		}
	}
}

static void join_lines(const struct strvec *v, struct strbuf *sb)
{
	for (size_t i = 0; i < v->nr; i++)
		strbuf_addf(sb, "%s%s", i ? "\n" : "", v->v[i]);
}

/* The sample cluster's service nodes (t/fixtures/sample-cluster/sn?/exports). */
static const char sample_sn1[] =
    "/install/nim/spot/71Bcosi/usr -ro,root=cn001:cn002,access=cn001:cn002\n"
    "/install/nim/root/71Bcosi_root/cn001 -root=cn001,access=cn001\n"
    "/install/nim/root/71Bcosi_root/cn002 -root=cn002,access=cn002\n"
    "/install/nim/paging/71Bcosi_paging/cn001 -root=cn001,access=cn001\n"
    "/install/nim/paging/71Bcosi_paging/cn002 -root=cn002,access=cn002\n"
    "/install/nim/spot/71Bsl/usr -ro,root=cn003:cn004,access=cn003:cn004\n"
    "/install/nim/shared_root/71Bsl_shared_root -ro,root=cn003:cn004,access=cn003:cn004\n"
    "/install -replicas=/install@10.0.0.11:/install@10.0.0.12,vers=4,ro,root=* \n";

static const char sample_sn2[] =
    "/install/nim/spot/71Bcosi/usr -ro,root=cn005,access=cn005\n"
    "/install/nim/root/71Bcosi_root/cn005 -root=cn005,access=cn005\n"
    "/install/nim/paging/71Bcosi_paging/cn005 -root=cn005,access=cn005\n"
    "/install/nim/spot/71Bsr/usr -ro,root=cn006,access=cn006\n"
    "/install/nim/shared_root/71Bsr_shared_root -ro,root=cn006,access=cn006\n"
    "/install/nim/paging/71Bsr_paging/cn006 -root=cn006,access=cn006\n"
    "/install/nim/spot/71Bsl/usr -ro,root=cn007:cn008,access=cn007:cn008\n"
    "/install/nim/shared_root/71Bsl_shared_root -ro,root=cn007:cn008,access=cn007:cn008\n"
    "/install -replicas=/install@10.0.0.12:/install@10.0.0.11,vers=4,ro,root=* \n";

#define L(s) s, sizeof(s) - 1

/* ------------------------------------------------------------- parsing */

static const struct parse_case {
	const char *desc;
	enum exports_flavor flavor;
	const char *in;
	size_t len;
	const char *want; /* render(), or NULL when err is set */
	const char *err;  /* substring of the message */
	const char *warn; /* substring of the warnings, or NULL for none */
} parse_cases[] = {
    /* AIX */
    {"aix: empty input", AIX, L(""), "", NULL, NULL},
    {"aix: comments, blank lines, CRLF", AIX, L("# c\n\n   \r\n#/x -ro\n"), "", NULL, NULL},
    {"aix: a path with no options is rw to the world", AIX, L("/export/home\n"),
     "/export/home = *(rw,aix)", NULL, NULL},
    {"aix: ro to the world", AIX, L("/a -ro\n"), "/a = *(ro,aix)", NULL, NULL},
    {"aix: access= alone is rw (the AIX default), only those hosts", AIX,
     L("/a -access=cn2:cn10:cn1\n"), "/a = cn1(rw,aix) cn2(rw,aix) cn10(rw,aix)", NULL, NULL},
    {"aix: NIM shape, options in any order, trailing blanks and a comment", AIX,
     L("/s -access=cn002:cn001,root=cn001:cn002,ro   # spot\n"),
     "/s = cn001(ro,root,aix) cn002(ro,root,aix)", NULL, NULL},
    {"aix: rw= list: those rw, everyone else ro", AIX, L("/a -rw=h1:h2\n"),
     "/a = *(ro,aix) h1(rw,aix) h2(rw,aix)", NULL, NULL},
    {"aix: ro= list: those ro, everyone else rw", AIX, L("/a -ro=h1\n"),
     "/a = *(rw,aix) h1(ro,aix)", NULL, NULL},
    {"aix: access=x,rw=y (IBM example): x ro, y rw, both may mount", AIX, L("/a -access=x,rw=y\n"),
     "/a = x(ro,aix) y(rw,aix)", NULL, NULL},
    {"aix: access=x,ro=y (IBM example): x rw, y ro", AIX, L("/a -access=x,ro=y\n"),
     "/a = x(rw,aix) y(ro,aix)", NULL, NULL},
    {"aix: root= grants no mount access: dropped with a warning", AIX,
     L("/a -access=cn1,root=cn1:cn9\n"), "/a = cn1(rw,root,aix)", NULL,
     "root= host 'cn9' may not mount '/a'"},
    {"aix: root= without access=: world plus the root hosts", AIX, L("/a -ro,root=cn1\n"),
     "/a = *(ro,aix) cn1(ro,root,aix)", NULL, NULL},
    {"aix: ro= host equal to the world's grant adds nothing", AIX, L("/a -rw=h1,ro=h1\n"), NULL,
     "exclude each other", NULL},
    {"aix: replicas kept whole, vers, root=* (xCAT sample)", AIX,
     L("/install -replicas=/install@10.0.0.11:/install@10.0.0.12,vers=4,ro,root=* \n"),
     "/install vers=4 -replicas=/install@10.0.0.11:/install@10.0.0.12 = *(ro,root,aix)", NULL,
     NULL},
    {"aix: same path for vers=3 and vers=4 kept twice", AIX,
     L("/d -vers=3,access=a\n/d -vers=4,sec=krb5,access=a\n"),
     "/d vers=3 = a(rw,aix)\n/d vers=4 -sec=krb5 = a(rw,aix)", NULL, NULL},
    {"aix: vers=3:4, anon, exname, noauto, public kept in order", AIX,
     L("/d -noauto,anon=-1,vers=3:4,exname=/x,public\n"),
     "/d vers=3:4 -noauto,anon=-1,exname=/x,public = *(rw,aix)", NULL, NULL},
    {"aix: subnets and addresses", AIX, L("/d -access=@10.1.2.3/24:10.0.0.5:@192.168.1.7\n"),
     "/d = 10.0.0.5(rw,aix) 10.1.2.0/24(rw,aix) 192.168.1.7/32(rw,aix)", NULL, NULL},
    {"aix: netmask in subnet too long", AIX, L("/d -access=@10.0.0.0/33\n"), NULL,
     "line 1 column 12: bad host spec '@10.0.0.0/33'", NULL},
    {"aix: unknown option", AIX, L("/a -ro\n/b -ro,sync\n"), NULL,
     "cannot read 'exports' line 2 column 8: unknown AIX option 'sync'", NULL},
    {"aix: option without value (root=)", AIX, L("/a -root=,access=a\n"), NULL,
     "line 1 column 5: option 'root=' without a value", NULL},
    {"aix: option needing a value given none", AIX, L("/a -access\n"), NULL,
     "option 'access' needs a value", NULL},
    {"aix: empty host in a list", AIX, L("/a -access=a::b\n"), NULL,
     "line 1 column 14: bad host spec '': empty host name in 'access='", NULL},
    {"aix: bad host", AIX, L("/a -access=a(b)\n"), NULL, "bad host spec 'a(b)'", NULL},
    {"aix: Linux-style subnet without '@'", AIX, L("/a -access=10.0.0.0/8\n"), NULL,
     "AIX writes a subnet as '@address/bits'", NULL},
    {"aix: wildcard", AIX, L("/a -access=*.cluster\n"), NULL, "wildcards are not part", NULL},
    {"aix: ro and rw together", AIX, L("/a -ro,rw\n"), NULL, "contradict each other", NULL},
    {"aix: two sec= (per-flavor options)", AIX, L("/a -sec=sys,ro,sec=krb5,rw\n"), NULL,
     "more than one 'sec='", NULL},
    {"aix: bad vers", AIX, L("/a -vers=5\n"), NULL, "bad vers value '5'", NULL},
    {"aix: relative path", AIX, L("export -ro\n"), NULL, "path 'export' is not absolute", NULL},
    {"aix: text after the options", AIX, L("/a -ro host1\n"), NULL,
     "line 1 column 8: unexpected 'host1' after the options", NULL},
    {"aix: NUL byte", AIX, L("/a -ro\n/b -r\0o\n"), NULL, "line 2 column 6: NUL byte", NULL},
    {"aix: flag given a value", AIX, L("/a -noauto=1\n"), NULL, "option 'noauto' takes no value",
     NULL},
    {"aix: no blank before '-' makes a path", AIX, L("/a-ro\n"), "/a-ro = *(rw,aix)", NULL, NULL},

    /* Linux */
    {"linux: host(opts), defaults ro and root_squash", LNX,
     L("/srv cn1(rw,no_root_squash,sync) cn2\n"), "/srv = cn1(rw,root;sync) cn2(ro)", NULL, NULL},
    {"linux: unknown options kept in order, insecure is a field", LNX,
     L("/srv 10.0.0.0/24(rw,insecure,no_subtree_check,fsid=7,sec=sys)\n"),
     "/srv = 10.0.0.0/24(rw,insecure;no_subtree_check,fsid=7,sec=sys)", NULL, NULL},
    {"linux: '-opts' defaults apply to the following hosts", LNX,
     L("/srv a(ro) -rw,no_root_squash b c(ro,async)\n"), "/srv = a(ro) b(rw,root) c(ro,root;async)",
     NULL, NULL},
    {"linux: the '/ host (rw)' trap: host gets defaults, the world rw", LNX, L("/ master (rw)\n"),
     "/ = master(ro) *(rw)", NULL,
     "'(rw)' grants the world, not 'master' (a blank stands before '(')"},
    {"linux: a path alone goes to the world with the defaults", LNX, L("/pub\n"), "/pub = *(ro)",
     NULL, "'/pub' has no client: exportfs exports it to the world"},
    {"linux: quoted path, octal escape, comment, continuation", LNX,
     L("# exports\n\"/a b\"\\\n    x(rw) # c\n/c\\040d   *.cluster(ro)\n"),
     "/a b = x(rw)\n/c d = *.cluster(ro)", NULL, NULL},
    {"linux: netgroup, wildcard, IPv6 bare and CIDR, dotted netmask", LNX,
     L("/d @grp(rw) cn[0-9]* fd00:0::1(rw) fd00::5/64 10.1.2.3/255.255.0.0\n"),
     "/d = @grp(rw) cn[0-9]*(ro) fd00::1(rw) fd00::/64(ro) 10.1.0.0/16(ro)", NULL, NULL},
    {"linux: IPv6 in brackets taken as the address, with a warning", LNX, L("/d [fe80::1](rw)\n"),
     "/d = fe80::1(rw)", NULL, "exportfs reads an IPv6 address in brackets as a wildcard"},
    {"linux: a host given twice keeps its first grant", LNX, L("/d a(ro) a(rw)\n"), "/d = a(ro)",
     NULL, "host 'a' given again for '/d'"},
    {"linux: '#' inside a token is not a comment", LNX, L("/a#b x(rw)\n"), "/a#b = x(rw)", NULL,
     NULL},
    {"linux: a continuation ending in a comment ends the entry", LNX,
     L("/a x(rw) \\\n  # note\n/b y\n"), "/a = x(rw)\n/b = y(ro)", NULL, NULL},
    {"linux: last option wins; '\\134' is a backslash", LNX,
     L("/a\\134b h(rw,ro,no_root_squash,root_squash,insecure,secure)\n"), "/a\\\\b = h(ro)", NULL,
     NULL},
    {"linux: unterminated quote", LNX, L("/a x(rw)\n\"/b y(ro)\n"), NULL,
     "cannot read 'exports' line 2 column 1: unterminated quote", NULL},
    {"linux: bad option list", LNX, L("/a x(rw\n"), NULL, "bad option list in 'x(rw'", NULL},
    {"linux: option without a value", LNX, L("/a x(rw,fsid=)\n"), NULL,
     "option 'fsid=' without a value", NULL},
    {"linux: empty option", LNX, L("/a x(rw,,sync)\n"), NULL, "empty option in 'rw,,sync'", NULL},
    {"linux: bad host spec", LNX, L("/a 10.0.0.0/40(rw)\n"), NULL,
     "line 1 column 4: bad host spec '10.0.0.0/40'", NULL},
    {"linux: two sec=", LNX, L("/a x(sec=sys,rw,sec=krb5)\n"), NULL, "more than one 'sec='", NULL},
    {"linux: escaped NUL", LNX, L("/a\\000 x\n"), NULL, "line 1 column 1: NUL byte", NULL},
    {"linux: raw NUL", LNX, L("/a x(rw)\0\n"), NULL, "line 1 column 9: NUL byte", NULL},
    {"linux: relative path", LNX, L("srv x(rw)\n"), NULL, "path 'srv' is not absolute", NULL},
};

static void test_parse(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct export_list l = EXPORT_LIST_INIT, l2 = EXPORT_LIST_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT, warn = STRBUF_INIT, text = STRBUF_INIT,
			      why = STRBUF_INIT;
		struct strvec wwarn = STRVEC_INIT;
		int r = exports_parse(c->in, c->len, "exports", c->flavor, &l, &e);

		print_message("parse case %zu: %s\n", i, c->desc);
		if (c->err) {
			if (r != -1 || !strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got %d \"%s\", want error \"%s\"", i,
					 c->desc, r, e.msg.buf, c->err);
			assert_int_equal(l.nr, 0);
			assert_null(l.entries);
			goto next;
		}
		if (r)
			fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
		render(&l, &got);
		if (strcmp(got.buf, c->want))
			fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
		join_lines(&l.warnings, &warn);
		if (c->warn ? !strstr(warn.buf, c->warn) : warn.len > 0)
			fail_msg("case %zu (%s): warnings\n%s\nwant %s", i, c->desc, warn.buf,
				 c->warn ? c->warn : "none");
		/* round trip in the same flavor */
		r = exports_write(&l, c->flavor, NULL, &text, &wwarn, &e);
		if (r != 0)
			fail_msg("case %zu (%s): write returned %d: %s", i, c->desc, r,
				 wwarn.nr ? wwarn.v[0] : e.msg.buf);
		if (exports_parse(text.buf, text.len, "written", c->flavor, &l2, &e))
			fail_msg("case %zu (%s): written form does not parse: %s\n%s", i, c->desc,
				 e.msg.buf, text.buf);
		if (!exports_equal(&l, &l2, &why))
			fail_msg("case %zu (%s): round trip differs (%s):\n%s", i, c->desc, why.buf,
				 text.buf);
	next:
		export_list_release(&l);
		export_list_release(&l); /* safe twice */
		export_list_release(&l2);
		strbuf_release(&got);
		strbuf_release(&warn);
		strbuf_release(&text);
		strbuf_release(&why);
		strvec_clear(&wwarn);
		err_release(&e);
	}
}

/* ------------------------------------------------------------- writing */

static const struct write_case {
	const char *desc;
	enum exports_flavor from;
	const char *in;
	enum exports_flavor to;
	bool insecure_all, strict, open_mount;
	const char *want; /* the written text, or a substring of the error */
	int lost;	  /* expected return; -1 for an error */
	const char *warn; /* substring of the warnings, or NULL for none */
} write_cases[] = {
    {"aix to aix: NIM shape", AIX, "/s -access=cn2:cn1,ro,root=cn1:cn2\n", AIX, 0, 0, 0,
     "/s -ro,root=cn1:cn2,access=cn1:cn2\n", 0, NULL},
    {"aix to aix: rw world is a bare path", AIX, "/a\n", AIX, 0, 0, 0, "/a\n", 0, NULL},
    {"aix to aix: mixed access uses rw=", AIX, "/a -access=x:y,rw=y,root=y\n", AIX, 0, 0, 0,
     "/a -rw=y,root=y,access=x:y\n", 0, NULL},
    {"aix to aix: options first, vers, then grants", AIX,
     "/install -replicas=/install@10.0.0.11:/install@10.0.0.12,vers=4,ro,root=*\n", AIX, 0, 0, 0,
     "/install -replicas=/install@10.0.0.11:/install@10.0.0.12,vers=4,ro,root=*\n", 0, NULL},
    {"aix to linux: insecure for AIX clients, never a blank before '('", AIX,
     "/s -ro,root=cn1:cn2,access=cn1:cn2\n/r -root=cn1,access=cn1\n", LNX, 0, 0, 0,
     "/s cn1(ro,no_root_squash,insecure) cn2(ro,no_root_squash,insecure)\n"
     "/r cn1(rw,no_root_squash,insecure)\n",
     0, NULL},
    {"aix to linux: options Linux lacks are left out and counted", AIX,
     "/install -replicas=/i@10.0.0.11,vers=4,noauto,anon=0,ro,root=*\n", LNX, 0, 0, 0,
     "/install *(ro,no_root_squash,insecure,replicas=/i@10.0.0.11,anonuid=0)\n", 2,
     "option 'noauto' has no Linux equivalent"},
    {"linux to linux: escaped path, options kept", LNX, "\"/a b#\\\\1\" x(rw,sync) *(ro,fsid=3)\n",
     LNX, 0, 0, 0, "/a\\040b\\043\\134\\134\\061 x(rw,root_squash,sync) *(ro,root_squash,fsid=3)\n",
     0, NULL},
    {"linux to linux: insecure_all", LNX, "/a x(rw)\n", LNX, 1, 0, 0,
     "/a x(rw,root_squash,insecure)\n", 0, NULL},
    {"linux to linux: long lines are continued", LNX,
     "/p aaaaaaaaaaaaaaaaaaaa(rw) bbbbbbbbbbbbbbbbbbbb(rw) cccccccccccccccccccc(rw) "
     "dddddddddddddddddddd(rw)\n",
     LNX, 0, 0, 0,
     "/p aaaaaaaaaaaaaaaaaaaa(rw,root_squash) bbbbbbbbbbbbbbbbbbbb(rw,root_squash) \\\n"
     "\tcccccccccccccccccccc(rw,root_squash) dddddddddddddddddddd(rw,root_squash)\n",
     0, NULL},
    {"linux to aix: IPv6 and wildcards cannot be named", LNX,
     "/a h(rw) fd00::1(rw) *.c(ro) @ng(rw,no_root_squash) 10.0.0.0/8(ro)\n", AIX, 0, 0, 0,
     "/a -rw=h:ng,root=ng,access=h:ng:@10.0.0.0/8\n", 2, "host 'fd00::1' cannot be named"},
    {"linux to aix: world with differing hosts", LNX, "/a *(ro) h(rw) g(ro,no_root_squash)\n", AIX,
     0, 0, 0, "/a -rw=h,root=g\n", 0, NULL},
    {"linux to aix: client options dropped and said", LNX, "/a h(rw,sync,no_subtree_check)\n", AIX,
     0, 0, 0, "/a -access=h\n", 1,
     "client options AIX exports do not have, left out: "
     "sync,no_subtree_check"},
    {"linux to aix: strict turns a loss into an error", LNX, "/a h(rw,sync)\n", AIX, 0, 1, 0,
     "cannot write exports: '/a': client options", -1, NULL},
    {"linux to aix: an unnameable host more restricted than the world narrows it", LNX,
     "/a *(rw,no_root_squash) h(rw,no_root_squash) fd00::1(ro)\n", AIX, 0, 0, 0,
     "/a -rw=h,root=h\n", 1,
     "host 'fd00::1' cannot be named in AIX exports: left out, and "
     "the world narrowed to its grant"},
    {"linux to aix: a name and a netgroup of one name get the narrower grant", LNX,
     "/a gr(ro) @gr(rw,no_root_squash)\n", AIX, 0, 0, 0, "/a -ro,access=gr\n", 1,
     "'gr' names two clients in AIX exports: given the narrower grant"},
    {"linux to aix: world root beside a squashed host is narrowed", LNX,
     "/a *(ro,no_root_squash) h(rw)\n", AIX, 0, 0, 0, "/a -rw=h\n", 1,
     "root for the world cannot be written"},
};

static void test_write(void **state)
{
	for (size_t i = 0; i < sizeof(write_cases) / sizeof(write_cases[0]); i++) {
		const struct write_case *c = &write_cases[i];
		struct export_list l = EXPORT_LIST_INIT;
		struct exports_write_opts o = EXPORTS_WRITE_OPTS_INIT;
		struct err e = ERR_INIT;
		struct strbuf out = STRBUF_INIT, warn = STRBUF_INIT;
		struct strvec w = STRVEC_INIT;
		int r;

		print_message("write case %zu: %s\n", i, c->desc);
		if (exports_parse(c->in, strlen(c->in), "in", c->from, &l, &e))
			fail_msg("case %zu (%s): %s", i, c->desc, e.msg.buf);
		o.insecure_all = c->insecure_all;
		o.strict = c->strict;
		o.aix_open_mount = c->open_mount;
		strbuf_addstr(&out, "");
		r = exports_write(&l, c->to, &o, &out, &w, &e);
		join_lines(&w, &warn);
		if (r != c->lost)
			fail_msg("case %zu (%s): returned %d, want %d (%s%s)", i, c->desc, r,
				 c->lost, warn.buf, e.msg.buf);
		if (r < 0) {
			if (!strstr(e.msg.buf, c->want))
				fail_msg("case %zu (%s): error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->want);
			assert_int_equal(out.len, 0);
		} else if (strcmp(out.buf, c->want)) {
			fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, out.buf, c->want);
		}
		if (r >= 0 && (c->warn ? !strstr(warn.buf, c->warn) : warn.len > 0))
			fail_msg("case %zu (%s): warnings\n%s\nwant %s", i, c->desc, warn.buf,
				 c->warn ? c->warn : "none");
		export_list_release(&l);
		strbuf_release(&out);
		strbuf_release(&warn);
		strvec_clear(&w);
		err_release(&e);
	}
}

/* A list of one entry /p with n hosts hostNNNNN, all root (or only one). */
static void many_hosts(struct export_list *l, size_t n, bool all_root, bool world)
{
	struct strbuf h = STRBUF_INIT;
	struct export_entry *en = export_list_add(l, "/p", 0, "gen", 1);

	if (world)
		export_entry_add(en, EXPORT_HOST_WORLD, "*", false, false, "gen", 1);
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&h);
		strbuf_addf(&h, "host%05zu", i);
		export_entry_add(en, EXPORT_HOST_NAME, h.buf, true, all_root || i == 0, "gen", 1);
	}
	strbuf_release(&h);
}

/* AIX limits: 256 hosts in root=, 32767-byte lines. */
static void test_aix_limits(void **state)
{
	static const struct {
		size_t n;
		bool all_root, world, open_mount;
		int lost;
		const char *warn; /* NULL: written, no warning */
	} cases[] = {
	    {256, true, false, false, 0, NULL},
	    {257, true, false, false, 1, "257 hosts in root=, AIX allows 256: left out"},
	    {257, true, true, false, 1, "257 hosts in root="},
	    {4000, false, false, false, 1,
	     "the line would be 40025 bytes, AIX reads at most 32767: left out"},
	    {4000, false, false, true, 1, "access= dropped to fit AIX's 32767-byte line"},
	    {4000, false, true, false, 1, "'/p': the line would be 40021 bytes"},
	    {2000, false, true, false, 0, NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct export_list l = EXPORT_LIST_INIT, back = EXPORT_LIST_INIT;
		struct strbuf out = STRBUF_INIT, warn = STRBUF_INIT;
		struct strvec w = STRVEC_INIT;
		struct exports_write_opts o = EXPORTS_WRITE_OPTS_INIT;
		struct err e = ERR_INIT;
		int r;

		print_message("limits case %zu\n", i);
		strvec_init(&l.warnings);
		many_hosts(&l, cases[i].n, cases[i].all_root, cases[i].world);
		o.aix_open_mount = cases[i].open_mount;
		r = exports_write(&l, EXPORTS_AIX, &o, &out, &w, &e);
		join_lines(&w, &warn);
		assert_int_equal(r, cases[i].lost);
		if (cases[i].warn) {
			if (!strstr(warn.buf, cases[i].warn))
				fail_msg("case %zu: warnings %s", i, warn.buf);
		} else {
			assert_int_equal(w.nr, 0);
		}
		/* Whatever is written fits and reads back. */
		for (const char *p = out.buf; *p;) {
			const char *nl = strchr(p, '\n');
			assert_true(nl - p <= EXPORTS_AIX_MAX_LINE);
			p = nl + 1;
		}
		if (exports_parse(out.buf, out.len, "w", EXPORTS_AIX, &back, &e))
			fail_msg("case %zu: %s", i, e.msg.buf);
		if (cases[i].open_mount) {
			assert_int_equal(back.nr, 1);
			assert_int_equal(back.entries[0].clients[0].kind, EXPORT_HOST_WORLD);
			assert_false(back.entries[0].clients[0].root);
		}
		export_list_release(&l);
		export_list_release(&back);
		strbuf_release(&out);
		strbuf_release(&warn);
		strvec_clear(&w);
		err_release(&e);
	}
}

/* ------------------------------------------------------------- merging */

static const struct merge_case {
	const char *desc;
	enum exports_flavor flavor;
	const char *in[3];
	const char *want;
	int nconf;
	const char *conflict; /* substring of the conflicts, or NULL */
} merge_cases[] = {
    {"disjoint hosts are united",
     AIX,
     {"/s -ro,root=a:b,access=a:b\n", "/s -ro,root=c,access=c\n", NULL},
     "/s = a(ro,root,aix) b(ro,root,aix) c(ro,root,aix)",
     0,
     NULL},
    {"ro in one, rw in another: kept ro and reported",
     AIX,
     {"/s -ro,access=a\n", "/s -access=a\n", NULL},
     "/s = a(ro,aix)",
     1,
     "'/s': host 'a' is read-only in a:1 but read-write in b:1: kept read-only"},
    {"root in one only: kept no root and reported",
     AIX,
     {"/s -access=a\n", "/s -root=a,access=a\n", NULL},
     "/s = a(rw,aix)",
     1,
     "host 'a' has root access in b:1 but not in a:1: kept no root"},
    {"sec=sys against sec=krb5: first kept, both sources named",
     AIX,
     {"/s -sec=sys,access=a\n", "\n/s -sec=krb5,access=b\n", NULL},
     "/s -sec=sys = a(rw,aix) b(rw,aix)",
     1,
     "'/s': option 'sec=sys' in a:1 but 'sec=krb5' in b:2: kept the first"},
    {"an option in one source only is a conflict",
     AIX,
     {"/s -access=a\n", "/s -anon=0,access=a\n", NULL},
     "/s = a(rw,aix)",
     1,
     "'/s': no option 'anon' in a:1 but 'anon=0' in b:1: kept none"},
    {"different vers stay apart",
     AIX,
     {"/d -vers=3,access=a\n", "/d -vers=4,access=b\n", NULL},
     "/d vers=3 = a(rw,aix)\n/d vers=4 = b(rw,aix)",
     0,
     NULL},
    {"world and hosts: union of grants",
     AIX,
     {"/x -ro\n", "/x -access=cn5\n", NULL},
     "/x = *(ro,aix) cn5(rw,aix)",
     0,
     NULL},
    {"linux: per-client options differ",
     LNX,
     {"/x a(rw,sync)\n", "/x a(rw,async) b\n", NULL},
     "/x = a(rw;sync) b(ro)",
     1,
     "host 'a' has options sync in a:1 but async in b:1"},
    {"three sources, the first's place kept",
     AIX,
     {"/y -access=a\n/x -access=a\n", "/x -access=b\n", "/z\n/x -access=c\n"},
     "/y = a(rw,aix)\n/x = a(rw,aix) b(rw,aix) c(rw,aix)\n/z = *(rw,aix)",
     0,
     NULL},
};

static void test_merge(void **state)
{
	static const char *const names[] = {"a", "b", "c"};

	for (size_t i = 0; i < sizeof(merge_cases) / sizeof(merge_cases[0]); i++) {
		const struct merge_case *c = &merge_cases[i];
		struct export_list in[3] = {EXPORT_LIST_INIT, EXPORT_LIST_INIT, EXPORT_LIST_INIT};
		const struct export_list *ptrs[3];
		struct export_list out = EXPORT_LIST_INIT;
		struct strvec conf = STRVEC_INIT;
		struct strbuf got = STRBUF_INIT, cs = STRBUF_INIT;
		struct err e = ERR_INIT;
		size_t n = 0;
		int r;

		print_message("merge case %zu: %s\n", i, c->desc);
		for (; n < 3 && c->in[n]; n++) {
			if (exports_parse(c->in[n], strlen(c->in[n]), names[n], c->flavor, &in[n],
					  &e))
				fail_msg("case %zu: %s", i, e.msg.buf);
			ptrs[n] = &in[n];
		}
		r = exports_merge(ptrs, n, &out, &conf, &e);
		render(&out, &got);
		join_lines(&conf, &cs);
		if (strcmp(got.buf, c->want))
			fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
		if (r != c->nconf || (int)conf.nr != c->nconf)
			fail_msg("case %zu (%s): %d conflicts, want %d:\n%s", i, c->desc, r,
				 c->nconf, cs.buf);
		if (c->conflict && !strstr(cs.buf, c->conflict))
			fail_msg("case %zu (%s): conflicts\n%s\nwant %s", i, c->desc, cs.buf,
				 c->conflict);
		for (size_t k = 0; k < n; k++)
			export_list_release(&in[k]);
		export_list_release(&out);
		strvec_clear(&conf);
		strbuf_release(&got);
		strbuf_release(&cs);
		err_release(&e);
	}
}

/* The two sample service nodes merge into one entry per path. */
static void test_merge_samples(void **state)
{
	struct export_list sn1 = EXPORT_LIST_INIT, sn2 = EXPORT_LIST_INIT, out = EXPORT_LIST_INIT;
	const struct export_list *lists[2] = {&sn1, &sn2};
	struct strvec conf = STRVEC_INIT, w = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT, cs = STRBUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(exports_parse(L(sample_sn1), "sn1/exports", EXPORTS_AIX, &sn1, &e), 0);
	assert_int_equal(exports_parse(L(sample_sn2), "sn2/exports", EXPORTS_AIX, &sn2, &e), 0);
	assert_int_equal(sn1.nr, 8);
	assert_int_equal(sn2.nr, 9);
	assert_int_equal(sn1.warnings.nr + sn2.warnings.nr, 0);
	/* Only the SNs' own replica lists differ (each names itself first). */
	assert_int_equal(exports_merge(lists, 2, &out, &conf, &e), 1);
	join_lines(&conf, &cs);
	assert_non_null(strstr(cs.buf,
			       "'/install' (vers=4): option "
			       "'replicas=/install@10.0.0.11:/install@10.0.0.12' in "
			       "sn1/exports:8 but 'replicas=/install@10.0.0.12:/install@10.0.0.11' "
			       "in sn2/exports:9: kept the first"));
	assert_int_equal(out.nr, 13);
	assert_int_equal(exports_write(&out, EXPORTS_AIX, NULL, &text, &w, &e), 0);
	assert_string_equal(
	    text.buf,
	    "/install/nim/spot/71Bcosi/usr -ro,root=cn001:cn002:cn005,access=cn001:cn002:cn005\n"
	    "/install/nim/root/71Bcosi_root/cn001 -root=cn001,access=cn001\n"
	    "/install/nim/root/71Bcosi_root/cn002 -root=cn002,access=cn002\n"
	    "/install/nim/paging/71Bcosi_paging/cn001 -root=cn001,access=cn001\n"
	    "/install/nim/paging/71Bcosi_paging/cn002 -root=cn002,access=cn002\n"
	    "/install/nim/spot/71Bsl/usr -ro,root=cn003:cn004:cn007:cn008,"
	    "access=cn003:cn004:cn007:cn008\n"
	    "/install/nim/shared_root/71Bsl_shared_root -ro,root=cn003:cn004:cn007:cn008,"
	    "access=cn003:cn004:cn007:cn008\n"
	    "/install -replicas=/install@10.0.0.11:/install@10.0.0.12,vers=4,ro,root=*\n"
	    "/install/nim/root/71Bcosi_root/cn005 -root=cn005,access=cn005\n"
	    "/install/nim/paging/71Bcosi_paging/cn005 -root=cn005,access=cn005\n"
	    "/install/nim/spot/71Bsr/usr -ro,root=cn006,access=cn006\n"
	    "/install/nim/shared_root/71Bsr_shared_root -ro,root=cn006,access=cn006\n"
	    "/install/nim/paging/71Bsr_paging/cn006 -root=cn006,access=cn006\n");
	/* The Linux flavor of the same, for the external server. */
	strbuf_reset(&text);
	strvec_clear(&w);
	assert_int_equal(exports_write(&out, EXPORTS_LINUX, NULL, &text, &w, &e), 1);
	assert_non_null(strstr(text.buf, "/install/nim/spot/71Bcosi/usr "
					 "cn001(ro,no_root_squash,insecure) "
					 "cn002(ro,no_root_squash,insecure) \\\n"
					 "\tcn005(ro,no_root_squash,insecure)\n"));
	assert_non_null(strstr(text.buf, "\n/install *(ro,no_root_squash,insecure,"
					 "replicas=/install@10.0.0.11:/install@10.0.0.12)\n"));
	assert_null(strstr(text.buf, " ("));
	assert_int_equal(w.nr, 1);
	assert_non_null(strstr(w.v[0], "no per-export NFS versions"));
	export_list_release(&sn1);
	export_list_release(&sn2);
	export_list_release(&out);
	strvec_clear(&conf);
	strvec_clear(&w);
	strbuf_release(&text);
	strbuf_release(&cs);
	err_release(&e);
}

/* --------------------------------------------------------------- audit */

static const struct audit_case {
	const char *desc;
	enum exports_flavor fa, fb;
	const char *a, *b;
	const char *want; /* described diffs, one per line */
} audit_cases[] = {
    {"equal lists differ in nothing", AIX, AIX, "/s -ro,root=a,access=a\n",
     "/s -ro,root=a,access=a\n", ""},
    {"a path the other lacks", AIX, AIX, "/s -access=a\n/t -access=a\n", "/s -access=a\n",
     "'/t': exported, not by the other (a:2)"},
    {"mount, write and root, substring names not matched", AIX, AIX,
     "/s -root=cn1:cn10,access=cn1:cn10:cn2\n", "/s -ro,access=cn1:cn2\n",
     "'/s': 'cn1' may write (a:1)\n'/s': 'cn1' has root access (a:1)\n"
     "'/s': 'cn2' may write (a:1)\n'/s': 'cn10' may mount (a:1)"},
    {"the other's world covers every host", AIX, AIX, "/s -ro,access=cn1\n", "/s -ro\n", ""},
    {"a subnet covers an address, a wildcard a name", LNX, LNX,
     "/s 10.1.2.3(ro) 10.2.0.0/24(ro) cn7.cluster(rw)\n",
     "/s 10.1.0.0/16(ro) 10.2.0.0/16(ro) *.cluster(ro)\n", "'/s': 'cn7.cluster' may write (a:1)"},
    {"path options and vers", AIX, AIX, "/d -vers=4,sec=krb5,access=a\n/e -vers=3\n",
     "/d -vers=4,sec=sys,access=a\n/e\n", "'/d' (vers=4): option sec=krb5 (other: sec=sys) (a:1)"},
    {"an AIX entry against the Linux file written from it", AIX, LNX,
     "/s -ro,root=cn1,access=cn1:cn2\n", "/s cn1(ro,no_root_squash) cn2(ro)\n", ""},
};

static void test_audit(void **state)
{
	for (size_t i = 0; i < sizeof(audit_cases) / sizeof(audit_cases[0]); i++) {
		const struct audit_case *c = &audit_cases[i];
		struct export_list a = EXPORT_LIST_INIT, b = EXPORT_LIST_INIT;
		struct export_diff_list d = EXPORT_DIFF_LIST_INIT;
		struct strbuf got = STRBUF_INIT;
		struct err e = ERR_INIT;
		size_t n;

		print_message("audit case %zu: %s\n", i, c->desc);
		assert_int_equal(exports_parse(c->a, strlen(c->a), "a", c->fa, &a, &e), 0);
		assert_int_equal(exports_parse(c->b, strlen(c->b), "b", c->fb, &b, &e), 0);
		n = exports_audit(&a, &b, &d);
		assert_int_equal(n, d.nr);
		for (size_t k = 0; k < d.nr; k++) {
			if (k)
				strbuf_addch(&got, '\n');
			export_diff_describe(&d.d[k], &got);
		}
		if (strcmp(got.buf, c->want))
			fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
		export_list_release(&a);
		export_list_release(&b);
		export_diff_list_release(&d);
		strbuf_release(&got);
		err_release(&e);
	}
}

/* The reverse direction and the kinds of the records. */
static void test_audit_kinds(void **state)
{
	struct export_list a = EXPORT_LIST_INIT, b = EXPORT_LIST_INIT;
	struct export_diff_list d = EXPORT_DIFF_LIST_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(exports_parse(L("/s -ro,access=a\n"), "a", EXPORTS_AIX, &a, &e), 0);
	assert_int_equal(
	    exports_parse(L("/s -root=a:b,access=a:b\n/t\n"), "b", EXPORTS_AIX, &b, &e), 0);
	assert_int_equal(exports_audit(&a, &b, &d), 0);
	assert_int_equal(exports_audit(&b, &a, &d), 4);
	assert_int_equal(d.d[0].kind, EXPORT_DIFF_RW);
	assert_string_equal(d.d[0].host, "a");
	assert_int_equal(d.d[1].kind, EXPORT_DIFF_ROOT);
	assert_int_equal(d.d[2].kind, EXPORT_DIFF_MOUNT);
	assert_string_equal(d.d[2].host, "b");
	assert_int_equal(d.d[3].kind, EXPORT_DIFF_ENTRY);
	assert_string_equal(d.d[3].path, "/t");
	assert_null(d.d[3].host);
	assert_int_equal(d.d[3].line, 2);
	export_list_release(&a);
	export_list_release(&b);
	export_diff_list_release(&d);
	err_release(&e);
}

/* --------------------------------------------------------------- misc */

static void test_host_parse(void **state)
{
	static const struct {
		const char *in;
		enum exports_flavor f;
		enum export_host_kind kind;
		const char *want; /* canonical, or error substring when kind is -1 */
		int ok;
	} cases[] = {
	    {"*", AIX, EXPORT_HOST_WORLD, "*", 1},
	    {"", LNX, EXPORT_HOST_WORLD, "*", 1},
	    {"", AIX, EXPORT_HOST_WORLD, "empty host name", 0},
	    {"FD00:0:0::0001", LNX, EXPORT_HOST_IPV6, "fd00::1", 1},
	    {"10.0.0.7/255.255.255.0", LNX, EXPORT_HOST_CIDR, "10.0.0.0/24", 1},
	    {"10.0.0.7/255.0.255.0", LNX, EXPORT_HOST_CIDR, "not contiguous", 0},
	    {"@10.0.0.7", AIX, EXPORT_HOST_CIDR, "10.0.0.7/32", 1},
	    {"@net.example/16", AIX, EXPORT_HOST_CIDR, "subnet by host name is not supported", 0},
	    {"@10.0.0.0/8", LNX, EXPORT_HOST_NETGROUP, "not a netgroup name", 0},
	    {"300.1.1.1", LNX, EXPORT_HOST_IPV4, "not an IPv4 address", 0},
	    {"gss/krb5", LNX, EXPORT_HOST_CIDR, "bad host spec 'gss/krb5'", 0},
	    {"node-01.cluster", AIX, EXPORT_HOST_NAME, "node-01.cluster", 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf canon = STRBUF_INIT;
		struct err e = ERR_INIT;
		enum export_host_kind k;
		int r = export_host_parse(cases[i].in, cases[i].f, &k, &canon, &e);

		print_message("host case %zu: '%s'\n", i, cases[i].in);
		if (cases[i].ok) {
			assert_int_equal(r, 0);
			assert_int_equal(k, cases[i].kind);
			assert_string_equal(canon.buf, cases[i].want);
		} else {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, cases[i].want))
				fail_msg("case %zu: got \"%s\"", i, e.msg.buf);
		}
		strbuf_release(&canon);
		err_release(&e);
	}
}

/* A physical line of 64 KiB is read; one byte more is refused. */
static void test_long_line(void **state)
{
	struct strbuf in = STRBUF_INIT;
	struct export_list l = EXPORT_LIST_INIT;
	struct err e = ERR_INIT;

	strbuf_addstr(&in, "/a -ro\n/");
	while (in.len < 7 + EXPORTS_MAX_LINE)
		strbuf_addch(&in, 'x');
	strbuf_addch(&in, '\n');
	assert_int_equal(exports_parse(in.buf, in.len, "big", EXPORTS_AIX, &l, &e), 0);
	export_list_release(&l);
	strbuf_setlen(&in, in.len - 1);
	strbuf_addstr(&in, "x\n");
	assert_int_equal(exports_parse(in.buf, in.len, "big", EXPORTS_LINUX, &l, &e), -1);
	assert_string_equal(e.msg.buf, "cannot read 'big' line 2: line longer than 65536 bytes");
	assert_int_equal(exports_parse(in.buf, in.len, "big", EXPORTS_AIX, &l, &e), -1);
	strbuf_release(&in);
	err_release(&e);
}

/* The model can be built by hand (as the planner does) and written. */
static void test_build(void **state)
{
	struct export_list l = EXPORT_LIST_INIT;
	struct export_entry *en;
	struct export_client *c;
	struct strbuf out = STRBUF_INIT;
	struct strvec w = STRVEC_INIT;
	struct err e = ERR_INIT;

	en = export_list_add(&l, "/install/nim/spot/71Bcosi/usr", 0, NULL, 0);
	strvec_push(&en->opts, "fsid=101");
	c = export_entry_add(en, EXPORT_HOST_NAME, "cn001", false, true, NULL, 0);
	c->aix = true;
	assert_ptr_equal(export_entry_add(en, EXPORT_HOST_NAME, "cn001", true, false, NULL, 0), c);
	assert_false(c->rw);
	assert_int_equal(exports_write(&l, EXPORTS_LINUX, NULL, &out, &w, &e), 0);
	assert_string_equal(
	    out.buf, "/install/nim/spot/71Bcosi/usr cn001(ro,no_root_squash,insecure,fsid=101)\n");
	strbuf_reset(&out);
	assert_int_equal(exports_write(&l, EXPORTS_AIX, NULL, &out, &w, &e), 1);
	assert_string_equal(out.buf, "/install/nim/spot/71Bcosi/usr -ro,root=cn001,access=cn001\n");
	assert_non_null(strstr(w.v[0], "option 'fsid=101' has no AIX equivalent"));
	/* an entry with no client is never written as a bare path */
	export_list_add(&l, "/empty", 0, NULL, 0);
	strbuf_reset(&out);
	assert_int_equal(exports_write(&l, EXPORTS_LINUX, NULL, &out, &w, &e), 1);
	assert_null(strstr(out.buf, "/empty"));
	export_list_release(&l);
	strbuf_release(&out);
	strvec_clear(&w);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	  cmocka_unit_test(test_write),
	    cmocka_unit_test(test_aix_limits),	  cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_merge_samples), cmocka_unit_test(test_audit),
	    cmocka_unit_test(test_audit_kinds),	  cmocka_unit_test(test_host_parse),
	    cmocka_unit_test(test_long_line),	  cmocka_unit_test(test_build),
	};
	return cmocka_run_group_tests_name("exports", tests, NULL, NULL);
}
