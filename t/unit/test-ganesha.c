/*
 * Unit tests for formats/ganesha.c: the EXPORT block writer (exact output,
 * refusals) and the configuration reader (what it reads from written and
 * hand-written files, and its errors). Table-driven where the cases are
 * alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats/ganesha.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define L(s) s, sizeof(s) - 1

static void add_hosts(struct ganesha_client *c, const char *csv)
{
	strvec_split(&c->hosts, csv, ',', 1);
}

static void render_list(struct strbuf *sb, const char *key, const struct strvec *v)
{
	strbuf_addf(sb, " %s=[", key);
	strvec_join(v, ",", sb);
	strbuf_addch(sb, ']');
}

/* One line per export, fields that are set only. */
static void render(const struct ganesha_conf *c, struct strbuf *sb)
{
	for (size_t i = 0; i < c->nr; i++) {
		const struct ganesha_export *x = &c->exports[i];

		strbuf_addf(sb, "%u@%u path=[%s]", x->id, x->line, x->path);
		if (x->pseudo)
			strbuf_addf(sb, " pseudo=[%s]", x->pseudo);
		if (x->access)
			strbuf_addf(sb, " access=%s", ganesha_access_name(x->access));
		if (x->squash)
			strbuf_addf(sb, " squash=%s", ganesha_squash_name(x->squash));
		if (x->protocols.nr)
			render_list(sb, "proto", &x->protocols);
		if (x->transports.nr)
			render_list(sb, "transp", &x->transports);
		if (x->sectypes.nr)
			render_list(sb, "sec", &x->sectypes);
		if (x->fsal)
			strbuf_addf(sb, " fsal=%s", x->fsal);
		for (size_t j = 0; j < x->nr; j++) {
			const struct ganesha_client *cl = &x->clients[j];

			strbuf_addf(sb, " client@%u{", cl->line);
			strvec_join(&cl->hosts, ",", sb);
			if (cl->access)
				strbuf_addf(sb, " %s", ganesha_access_name(cl->access));
			if (cl->squash)
				strbuf_addf(sb, " %s", ganesha_squash_name(cl->squash));
			strbuf_addch(sb, '}');
		}
		strbuf_addch(sb, '\n');
	}
	for (size_t i = 0; i < c->inr; i++)
		strbuf_addf(sb, "%%%s %s@%u\n", c->includes[i].directive, c->includes[i].target,
			    c->includes[i].line);
}

static void parse_ok(const char *in, size_t len, struct ganesha_conf *c)
{
	struct err e = ERR_INIT;

	if (ganesha_parse(in, len, "extnfs.conf", c, &e))
		fail_msg("unexpected error: %s", e.msg.buf);
	err_release(&e);
}

static const char spot_want[] = "EXPORT {\n"
				"\tExport_Id = 101;\n"
				"\tPath = \"/install/nim/spot/71Bcosi/usr\";\n"
				"\tPseudo = \"/install/nim/spot/71Bcosi/usr\";\n"
				"\tAccess_Type = None;\n"
				"\tSquash = Root_Squash;\n"
				"\tProtocols = 3, 4;\n"
				"\tTransports = TCP;\n"
				"\tSecType = sys;\n"
				"\tFSAL {\n"
				"\t\tName = VFS;\n"
				"\t}\n"
				"\tCLIENT {\n"
				"\t\tClients = cn001, cn002;\n"
				"\t\tAccess_Type = RO;\n"
				"\t\tSquash = No_Root_Squash;\n"
				"\t}\n"
				"}\n";

static void spot_export(struct ganesha_export *x)
{
	ganesha_export_init(x, 101, "/install/nim/spot/71Bcosi/usr");
	add_hosts(ganesha_export_add_client(x, GANESHA_ACCESS_RO, GANESHA_SQUASH_NONE),
		  "cn001,cn002");
}

/* The default export, one CLIENT block: exact bytes. */
static void test_write_spot(void **state)
{
	struct ganesha_export x;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;

	spot_export(&x);
	assert_int_equal(ganesha_write_export(&x, &out, &e), 0);
	assert_string_equal(out.buf, spot_want);
	strbuf_reset(&out);
	assert_int_equal(ganesha_write(&x, 1, &out, &e), 0);
	assert_string_equal(out.buf, spot_want);
	ganesha_export_release(&x);
	ganesha_export_release(&x);
	strbuf_release(&out);
	err_release(&e);
}

/* A node's root: its own RW block first, then the others; long lists wrap. */
static void test_write_ordered_and_wrapped(void **state)
{
	static const char want[] =
		"EXPORT {\n"
		"\tExport_Id = 7;\n"
		"\tPath = \"/install/nim/shared_root/71Bsl_shared_root\";\n"
		"\tPseudo = \"/sr\";\n"
		"\tFSAL {\n"
		"\t\tName = VFS;\n"
		"\t}\n"
		"\tCLIENT {\n"
		"\t\tClients = cn001;\n"
		"\t\tAccess_Type = RW;\n"
		"\t\tSquash = No_Root_Squash;\n"
		"\t}\n"
		"\tCLIENT {\n"
		"\t\tClients = cn002, cn003, cn004, cn005, cn006, cn007, cn008, cn009,\n"
		"\t\t\tcn010, cn011, cn012, cn013, cn014, cn015, cn016, cn017,\n"
		"\t\t\t10.1.0.0/16;\n"
		"\t\tAccess_Type = RO;\n"
		"\t}\n"
		"}\n";
	struct ganesha_export x = GANESHA_EXPORT_INIT;
	struct ganesha_client *c;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;

	x.id = 7;
	x.path = xstrdup("/install/nim/shared_root/71Bsl_shared_root");
	x.pseudo = xstrdup("/sr");
	add_hosts(ganesha_export_add_client(&x, GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE), "cn001");
	c = ganesha_export_add_client(&x, GANESHA_ACCESS_RO, GANESHA_SQUASH_UNSET);
	for (int i = 2; i <= 17; i++)
		strvec_pushf(&c->hosts, "cn%03d", i);
	strvec_push(&c->hosts, "10.1.0.0/16");
	assert_int_equal(ganesha_write_export(&x, &out, &e), 0);
	assert_string_equal(out.buf, want);
	ganesha_export_release(&x);
	strbuf_release(&out);
	err_release(&e);
}

static const struct host_case {
	const char *host;
	bool ok;
} host_cases[] = {
	{ "cn001", true },        { "CN-01.cluster.example", true }, { "_svc", true },
	{ "*", true },            { "@aixnodes", true },             { "@ng.x-1", true },
	{ "10.1.0.1", true },     { "10.1.0.0/16", true },           { "10.0.0.0/9", true },
	{ "fd00::1", true },      { "fd00::/64", true },             { "::ffff:10.1.0.1", true },
	{ "cn*", true },          { "cn00?", true },                 { "*.example.com", true },
	{ "1node", false },       { "2001", false },                 { "10.1.0.256", false },
	{ "10.1.0.0/33", false }, { "10.1.0.0/016", false },         { "10.1.0.0/", false },
	{ "fd00::/129", false },  { "fd00:::1", false },             { "yes", false },
	{ "OFF", false },         { "True", false },                 { "", false },
	{ "?cn", false },         { "cn 1", false },                 { "\"cn1\"", false },
	{ "cn1;", false },        { "cn1,cn2", false },              { "@", false },
	{ "@1ng", false },        { "cn/1", false },                 { "cn\n", false },
	{ "a{b}", false },        { "héllo", false },                { "0.0.0.0", false },
	{ "10.*", true },         { "10.1.0.*", true },              { "128.0.0.0/1", true },
	{ "10.1.2.3/32", true },  { "fd00::/1", true },              { "2001:db8::/32", true },
	{ "0.0.0.0/0", false },   { "::/0", false },                 { "fd00::/100", false },
	{ "fd00::1/128", false }, { "10.0.0.0/8x", false },
};

static void test_host_ok(void **state)
{
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++)
		if (ganesha_host_ok(host_cases[i].host) != host_cases[i].ok)
			fail_msg("host '%s': want %s", host_cases[i].host,
				 host_cases[i].ok ? "ok" : "refused");
}

static const struct path_case {
	const char *path;
	const char *err;
} path_cases[] = {
	{ "/a\"b", "Path '/a\"b' holds a quote, '\\', ';', '{' or '}'" },
	{ "/a'b", "holds a quote" },
	{ "/a\\b", "holds a quote" },
	{ "/a;b", "holds a quote" },
	{ "/a{b", "holds a quote" },
	{ "/a}b", "holds a quote" },
	{ "/a\nb", "Path '/a\\nb' holds a control character" },
	{ "/a\tb", "holds a control character" },
	{ "relative/path", "Path 'relative/path' is not absolute" },
	{ "", "Path '' is empty" },
};

/* Paths that cannot be written are refused, naming the export. */
static void test_write_refuses_paths(void **state)
{
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		struct ganesha_export x;
		struct strbuf out = STRBUF_INIT;
		struct err e = ERR_INIT;

		ganesha_export_init(&x, 5, path_cases[i].path);
		strbuf_addstr(&out, "keep");
		assert_int_equal(ganesha_write_export(&x, &out, &e), -1);
		if (!strstr(e.msg.buf, path_cases[i].err) ||
		    !starts_with(e.msg.buf, "cannot write the Ganesha export of '"))
			fail_msg("path %zu: got \"%s\", want \"%s\"", i, e.msg.buf, path_cases[i].err);
		assert_string_equal(out.buf, "keep");
		/* the same in Pseudo */
		free(x.path);
		x.path = xstrdup("/ok");
		free(x.pseudo);
		x.pseudo = xstrdup(path_cases[i].path);
		assert_int_equal(ganesha_write_export(&x, &out, &e), -1);
		assert_non_null(strstr(e.msg.buf, "Pseudo '"));
		ganesha_export_release(&x);
		strbuf_release(&out);
		err_release(&e);
	}
}

static const struct refuse_case {
	const char *desc;
	unsigned id;
	const char *hosts1, *hosts2; /* CLIENT blocks; NULL: none */
	const char *proto, *transp, *sec, *fsal;
	const char *err;
} refuse_cases[] = {
	{ "Export_Id 0", 0, "cn1", NULL, NULL, NULL, NULL, NULL, "Export_Id 0 is not in 1..65535" },
	{ "Export_Id 65536", 65536, "cn1", NULL, NULL, NULL, NULL, NULL,
	  "Export_Id 65536 is not in 1..65535" },
	{ "a client in two blocks", 1, "cn1,cn2", "cn3,cn2", NULL, NULL, NULL, NULL,
	  "client 'cn2' is in CLIENT blocks 1 and 2" },
	{ "a client twice in one block", 1, "cn1,cn1", NULL, NULL, NULL, NULL, NULL,
	  "client 'cn1' is in CLIENT blocks 1 and 1" },
	{ "a client name starting with a digit", 1, "cn1,1node", NULL, NULL, NULL, NULL, NULL,
	  "client '1node' cannot be written as one Ganesha client (use its address)" },
	{ "an empty CLIENT block", 1, "", NULL, NULL, NULL, NULL, NULL, "CLIENT block 1 has no hosts" },
	{ "an unknown protocol", 1, "cn1", NULL, "5", NULL, NULL, NULL, "unknown protocol '5'" },
	{ "an unknown transport", 1, "cn1", NULL, NULL, "SCTP", NULL, NULL, "unknown transport 'SCTP'" },
	{ "an unknown security type", 1, "cn1", NULL, NULL, NULL, "krb6", NULL,
	  "unknown security type 'krb6'" },
	{ "a bad FSAL name", 1, "cn1", NULL, NULL, NULL, NULL, "V FS", "bad FSAL name" },
};

static void test_write_refusals(void **state)
{
	for (size_t i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]); i++) {
		const struct refuse_case *c = &refuse_cases[i];
		struct ganesha_export x;
		struct strbuf out = STRBUF_INIT;
		struct err e = ERR_INIT;

		ganesha_export_init(&x, c->id, "/install/x");
		add_hosts(ganesha_export_add_client(&x, GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE),
			  c->hosts1);
		if (c->hosts2)
			add_hosts(ganesha_export_add_client(&x, GANESHA_ACCESS_RO, GANESHA_SQUASH_ROOT),
				  c->hosts2);
		if (c->proto)
			strvec_push(&x.protocols, c->proto);
		if (c->transp)
			strvec_push(&x.transports, c->transp);
		if (c->sec)
			strvec_push(&x.sectypes, c->sec);
		if (c->fsal) {
			free(x.fsal);
			x.fsal = xstrdup(c->fsal);
		}
		assert_int_equal(ganesha_write_export(&x, &out, &e), -1);
		if (!strstr(e.msg.buf, c->err))
			fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i, c->desc, e.msg.buf, c->err);
		assert_int_equal(out.len, 0);
		ganesha_export_release(&x);
		strbuf_release(&out);
		err_release(&e);
	}
}

/* ganesha_write: no two exports share an id, a path or a pseudo path. */
static void test_write_uniqueness(void **state)
{
	static const struct {
		unsigned id2;
		const char *path2, *pseudo2;
		const char *err;
	} cases[] = {
		{ 1, "/b", NULL, "'/b': Export_Id 1 is used by another export too" },
		{ 2, "/a", NULL, "'/a': the path is exported twice" },
		{ 2, "/b", "/a", "'/b': Pseudo '/a' is used by another export too" },
		{ 2, "/b", NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ganesha_export x[2];
		struct strbuf out = STRBUF_INIT;
		struct err e = ERR_INIT;
		int r;

		ganesha_export_init(&x[0], 1, "/a");
		ganesha_export_init(&x[1], cases[i].id2, cases[i].path2);
		if (cases[i].pseudo2) {
			free(x[1].pseudo);
			x[1].pseudo = xstrdup(cases[i].pseudo2);
		}
		r = ganesha_write(x, 2, &out, &e);
		if (cases[i].err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, cases[i].err))
				fail_msg("case %zu: got \"%s\"", i, e.msg.buf);
			assert_int_equal(out.len, 0);
		} else {
			assert_int_equal(r, 0);
			assert_non_null(strstr(out.buf, "}\n\nEXPORT {\n\tExport_Id = 2;\n"));
		}
		ganesha_export_release(&x[0]);
		ganesha_export_release(&x[1]);
		strbuf_release(&out);
		err_release(&e);
	}
}

/* Written -> read -> equal; written again -> the same bytes. */
static void test_round_trip(void **state)
{
	struct ganesha_export x[3];
	struct ganesha_conf c = GANESHA_CONF_INIT, d = GANESHA_CONF_INIT;
	struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
	struct err e = ERR_INIT;

	spot_export(&x[0]);
	ganesha_export_init(&x[1], 102, "/install/nim/root/71Bcosi_root/cn001");
	add_hosts(ganesha_export_add_client(&x[1], GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE), "cn001");
	ganesha_export_init(&x[2], 65535, "/gpfs/fs0/dir with spaces/#x@y:z,w=v");
	free(x[2].pseudo);
	x[2].pseudo = NULL;
	x[2].access = GANESHA_ACCESS_UNSET;
	x[2].squash = GANESHA_SQUASH_ALL;
	strvec_clear(&x[2].protocols);
	strvec_push(&x[2].protocols, "NFSv4");
	strvec_push(&x[2].transports, "UDP");
	strvec_clear(&x[2].sectypes);
	free(x[2].fsal);
	x[2].fsal = xstrdup("GPFS");
	add_hosts(ganesha_export_add_client(&x[2], GANESHA_ACCESS_MDONLY, GANESHA_SQUASH_ROOT_ID),
		  "*");
	add_hosts(ganesha_export_add_client(&x[2], GANESHA_ACCESS_UNSET, GANESHA_SQUASH_UNSET),
		  "@ng,fd00::/64");
	assert_int_equal(ganesha_write(x, 3, &one, &e), 0);
	parse_ok(one.buf, one.len, &c);
	assert_int_equal(c.nr, 3);
	for (size_t i = 0; i < 3; i++)
		assert_true(ganesha_export_equal(&x[i], &c.exports[i]));
	assert_string_equal(c.exports[2].pseudo, "/gpfs/fs0/dir with spaces/#x@y:z,w=v");
	assert_int_equal(c.exports[1].line, 20);
	assert_int_equal(ganesha_write(c.exports, c.nr, &two, &e), 0);
	assert_string_equal(one.buf, two.buf);
	parse_ok(two.buf, two.len, &d);
	assert_int_equal(d.nr, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(ganesha_export_equal(&c.exports[i], &d.exports[i]));
		ganesha_export_release(&x[i]);
	}
	ganesha_conf_release(&c);
	ganesha_conf_release(&d);
	ganesha_conf_release(&d);
	strbuf_release(&one);
	strbuf_release(&two);
	err_release(&e);
}

/* NFS-Ganesha's own src/config_samples/export.txt, less its two "Export_Id - 0" typos. */
static const char ganesha_sample[] =
	"# Sample export config\n"
	"#\n"
	"# Access_Type (NONE):\tRW, RO, MDONLY, MDONLY_RO, NONE\n"
	"EXPORT_DEFAULTS\n"
	"{\n"
	"\tSecType = sys, krb5, krb5i, krb5p;\n"
	"\n"
	"\t# Restrict all exports to NFS v4 unless otherwise specified\n"
	"\tProtocols = 4;\n"
	"}\n"
	"\n"
	"EXPORT\n"
	"{\n"
	"\tExport_Id = 1;\n"
	"\tPath = /export/exp1;\n"
	"\tPseudo = /export/exp1;\n"
	"\tTag = exp1;\n"
	"\n"
	"\t# Override the default set in EXPORT_DEFAULTS\n"
	"\tProtocols = 3,4;\n"
	"\tMaxRead = 65536;\n"
	"\tAccess_Type = RW;\n"
	"\n"
	"\tFSAL\n"
	"\t{\n"
	"\t\tName = VFS;\n"
	"\t}\n"
	"\n"
	"\tCLIENT\n"
	"\t{\n"
	"\t\tClients = 192.168.0.10, 192.168.1.0/8;\n"
	"\t\tSquash = None;\n"
	"\t}\n"
	"\n"
	"\tCLIENT\n"
	"\t{\n"
	"\t\t# Note the following specification is a larger network\n"
	"\t\tClients = 192.168.0.0/16;\n"
	"\t\tSquash = All;\n"
	"\t\tAccess_Type = RO;\n"
	"\t}\n"
	"}\n"
	"\n"
	"EXPORT\n"
	"{\n"
	"\tExport_Id = 2;\n"
	"\tPath = /export;\n"
	"\tPseudo = /export;\n"
	"\tAccess_Type = RW;\n"
	"\tSquash = None;\n"
	"\tFSAL\n"
	"\t{\n"
	"\t\tName = VFS;\n"
	"\t}\n"
	"}\n"
	"\n"
	"EXPORT\n"
	"{\n"
	"\tExport_Id = 3;\n"
	"\tPath = /export2;\n"
	"\tPseudo = /export2;\n"
	"\tFSAL\n"
	"\t{\n"
	"\t\tName = VFS;\n"
	"\t}\n"
	"\tCLIENT\n"
	"\t{\n"
	"\t\tClients = your, list, of, clients;\n"
	"\t\tAccess_Type = RW;\n"
	"\t\tSquash = None;\n"
	"\t}\n"
	"}\n";

static void test_parse_ganesha_sample(void **state)
{
	struct ganesha_conf c = GANESHA_CONF_INIT;
	struct strbuf got = STRBUF_INIT;

	parse_ok(L(ganesha_sample), &c);
	render(&c, &got);
	assert_string_equal(
		got.buf,
		"1@12 path=[/export/exp1] pseudo=[/export/exp1] access=RW proto=[3,4] fsal=VFS"
		" client@29{192.168.0.10,192.168.1.0/8 No_Root_Squash}"
		" client@35{192.168.0.0/16 RO All_Squash}\n"
		"2@44 path=[/export] pseudo=[/export] access=RW squash=No_Root_Squash fsal=VFS\n"
		"3@57 path=[/export2] pseudo=[/export2] fsal=VFS"
		" client@66{your,list,of,clients RW No_Root_Squash}\n");
	assert_int_equal(ganesha_find_path(&c, "/export2")->id, 3);
	ganesha_conf_release(&c);
	strbuf_release(&got);
}

static const struct parse_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *want; /* render(), or NULL */
	const char *err;
} parse_cases[] = {
	{ "empty file", L(""), "", NULL },
	{ "comments only", L("# a\n   # b\n"), "", NULL },
	{ "other blocks are skipped", L("NFS_CORE_PARAM { Protocols = 3, 4; mount_path_pseudo = true; }\n"
					"LOG { COMPONENTS { ALL = INFO; } }\n"),
	  "", NULL },
	{ "one line, case-insensitive names",
	  L("export{export_id=5;path=\"/a\";ACCESS_TYPE=ro;fsal{name=vfs;}client{clients=x;}}"),
	  "5@1 path=[/a] access=RO fsal=vfs client@1{x}\n", NULL },
	{ "quoted strings: escapes, '#', ';', braces, single quotes",
	  L("EXPORT { Export_Id = 1; Path = \"/a \\\"b\\\\ #c;{}\"; Pseudo = '/p\"q'; }"),
	  "1@1 path=[/a \"b\\ #c;{}] pseudo=[/p\"q]\n", NULL },
	{ "comments after settings and inside lists",
	  L("EXPORT {\n Export_Id = 2; # id\n Path = /x; #\n CLIENT { Clients = a, # first\n b; }\n}\n"),
	  "2@1 path=[/x] client@4{a,b}\n", NULL },
	{ "Clients repeated, empty items skipped",
	  L("EXPORT { Export_Id = 3; Path = /x; CLIENT { Clients = a,,b; Clients = c; Access_Type = None; } }"),
	  "3@1 path=[/x] client@1{a,b,c None}\n", NULL },
	{ "squash synonyms",
	  L("EXPORT { Export_Id = 1; Path = /a; Squash = rootsquash; CLIENT { Clients = a; Squash = noidsquash; }"
	    " CLIENT { Clients = b; Squash = AllAnonymous; } CLIENT { Clients = c; Squash = root_id_squash; } }"),
	  "1@1 path=[/a] squash=Root_Squash client@1{a No_Root_Squash} client@1{b All_Squash}"
	  " client@1{c Root_Id_Squash}\n",
	  NULL },
	{ "unknown settings and nested blocks inside EXPORT are skipped",
	  L("EXPORT { Export_Id = 9; Path = /a; MaxRead = 65536; Tag = t; FSAL { Name = GPFS; FSAL { Name = VFS; } }"
	    " Other { Deep { x = 1; } } }"),
	  "9@1 path=[/a] fsal=GPFS\n", NULL },
	{ "Export_Id 0 and 65535", L("EXPORT { Export_Id = 0; Path = /; } EXPORT { Export_Id = 65535; Path = /b; }"),
	  "0@1 path=[/]\n65535@1 path=[/b]\n", NULL },
	{ "%include lines are recorded, not followed",
	  L("%include /etc/ganesha/extnfs.conf\n%include \"base.conf\"\n%url rados://pool/obj\n"
	    "EXPORT { Export_Id = 1; Path = /a; }\n%dir /etc/ganesha/conf.d\n"),
	  "1@4 path=[/a]\n%include /etc/ganesha/extnfs.conf@1\n%include base.conf@2\n"
	  "%url rados://pool/obj@3\n%dir /etc/ganesha/conf.d@5\n",
	  NULL },
	{ "an EXPORT inside another block is not an export",
	  L("PSEUDOFS { EXPORT { Export_Id = 1; Path = /a; } }"), "", NULL },
	{ "CRLF line ends", L("EXPORT {\r\n\tExport_Id = 4;\r\n\tPath = /a;\r\n}\r\n"), "4@1 path=[/a]\n", NULL },

	{ "NUL byte", L("EXPORT {\n Export_Id = 1;\0\n}"), NULL,
	  "cannot read 'extnfs.conf' line 2 column 16: NUL byte" },
	{ "missing ';'", L("EXPORT {\n\tExport_Id = 1\n\tPath = /a;\n}\n"), NULL,
	  "cannot read 'extnfs.conf' line 3: expected ',' or ';' in the value of 'Export_Id', got a word" },
	{ "ganesha sample's 'Export_Id - 0' typo", L("EXPORT\n{\n\tExport_Id - 0;\n}\n"), NULL,
	  "line 3: expected '=' or '{' after 'Export_Id', got a word" },
	{ "unclosed block", L("EXPORT {\n\tExport_Id = 1;\n"), NULL,
	  "cannot read 'extnfs.conf' line 1: block 'EXPORT' is not closed" },
	{ "unterminated string", L("EXPORT {\n Path = \"/a;\n}\n"), NULL,
	  "line 2: unterminated double-quoted string" },
	{ "stray '}'", L("EXPORT { Export_Id = 1; Path = /a; }\n}\n"), NULL,
	  "line 2: '}' without a block to close" },
	{ "stray ';' after a block", L("EXPORT { Export_Id = 1; Path = /a; };\n"), NULL,
	  "line 1: expected a name, got ';'" },
	{ "missing value end", L("EXPORT { Path = /a"), NULL, "line 1: missing ';' after the value of 'Path'" },
	{ "bad name", L("EXPORT { Path$ = /a; }"), NULL, "line 1: bad name 'Path$'" },
	{ "%include inside a block", L("EXPORT {\n%include x.conf\n}"), NULL,
	  "line 2: '%include' inside a block" },
	{ "unknown directive", L("%exec /bin/sh\n"), NULL, "line 1: unknown directive '%exec'" },
	{ "%include without a file", L("%include ;\n"), NULL, "expected a file after '%include', got ';'" },
	{ "EXPORT without Export_Id", L("\nEXPORT { Path = /a; }"), NULL,
	  "cannot read 'extnfs.conf' line 2: EXPORT block without Export_Id" },
	{ "EXPORT without Path", L("EXPORT { Export_Id = 1; }"), NULL, "EXPORT block without Path" },
	{ "Export_Id not a number", L("EXPORT { Export_Id = x1; Path = /a; }"), NULL,
	  "Export_Id 'x1' is not a number from 0 to 65535" },
	{ "Export_Id too big", L("EXPORT { Export_Id = 65536; Path = /a; }"), NULL,
	  "Export_Id '65536' is not a number from 0 to 65535" },
	{ "Export_Id with a leading zero", L("EXPORT { Export_Id = 010; Path = /a; }"), NULL,
	  "Export_Id '010' is not a number" },
	{ "Export_Id used twice", L("EXPORT { Export_Id = 5; Path = /a; }\n\nEXPORT { Export_Id = 5; Path = /b; }"),
	  NULL, "line 3: Export_Id 5 is used twice (first on line 1)" },
	{ "Path set twice", L("EXPORT { Export_Id = 5;\n Path = /a;\n Path = /b; }"), NULL,
	  "line 3: 'Path' is set twice (first on line 2)" },
	{ "Path with two values", L("EXPORT { Export_Id = 5; Path = /a, /b; }"), NULL,
	  "'Path' takes one value, got 2" },
	{ "unknown Access_Type", L("EXPORT { Export_Id = 5; Path = /a; Access_Type = ALL; }"), NULL,
	  "unknown Access_Type 'ALL'" },
	{ "unknown Squash", L("EXPORT { Export_Id = 5; Path = /a; CLIENT { Clients = a; Squash = some; } }"), NULL,
	  "unknown Squash 'some'" },
	{ "CLIENT without Clients", L("EXPORT { Export_Id = 5; Path = /a;\n CLIENT { Access_Type = RW; } }"), NULL,
	  "line 2: CLIENT block without Clients" },
	{ "FSAL without Name", L("EXPORT { Export_Id = 5; Path = /a; FSAL { x = 1; } }"), NULL,
	  "FSAL block without Name" },
	{ "Path as a block", L("EXPORT { Export_Id = 5; Path { x = 1; } }"), NULL,
	  "'Path' must be a setting, not a block" },
};

static void test_parse_cases(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct ganesha_conf conf = GANESHA_CONF_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT;
		int r = ganesha_parse(c->in, c->len, "extnfs.conf", &conf, &e);

		print_message("case %zu: %s\n", i, c->desc);
		if (c->err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->err);
			assert_true(starts_with(e.msg.buf, "cannot read 'extnfs.conf' line "));
			assert_int_equal(conf.nr, 0);
			assert_null(conf.exports);
			assert_int_equal(conf.inr, 0);
		} else {
			if (r)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
			render(&conf, &got);
			if (strcmp(got.buf, c->want))
				fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
		}
		ganesha_conf_release(&conf);
		strbuf_release(&got);
		err_release(&e);
	}
}

/* Recovering allocated Export_Ids by path from an applied file. */
static void test_recover_ids(void **state)
{
	struct ganesha_export x[40];
	struct ganesha_conf c = GANESHA_CONF_INIT;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	char path[64];

	for (unsigned i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/install/nim/root/71Bcosi_root/cn%03u", i);
		ganesha_export_init(&x[i], 1000 + 7 * i, path);
		strvec_pushf(&ganesha_export_add_client(&x[i], GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE)
				      ->hosts,
			     "cn%03u", i);
	}
	assert_int_equal(ganesha_write(x, 40, &out, &e), 0);
	parse_ok(out.buf, out.len, &c);
	for (unsigned i = 0; i < 40; i++) {
		const struct ganesha_export *f;

		snprintf(path, sizeof(path), "/install/nim/root/71Bcosi_root/cn%03u", i);
		f = ganesha_find_path(&c, path);
		assert_non_null(f);
		assert_int_equal(f->id, 1000 + 7 * i);
		assert_ptr_equal(ganesha_find_id(&c, 1000 + 7 * i), f);
		ganesha_export_release(&x[i]);
	}
	assert_null(ganesha_find_path(&c, "/install/nim/root/71Bcosi_root/cn1"));
	assert_null(ganesha_find_id(&c, 1001));
	ganesha_conf_release(&c);
	strbuf_release(&out);
	err_release(&e);
}

/* ganesha_export_equal notices every field that matters, and only those. */
static void test_export_equal(void **state)
{
	struct ganesha_export a, b;

	for (int k = 0; k < 11; k++) {
		spot_export(&a);
		spot_export(&b);
		assert_true(ganesha_export_equal(&a, &b));
		switch (k) {
		case 0: b.id = 102; break;
		case 1: free(b.path); b.path = xstrdup("/x"); break;
		case 2: free(b.pseudo); b.pseudo = xstrdup("/x"); break;
		case 3: b.access = GANESHA_ACCESS_RO; break;
		case 4: b.squash = GANESHA_SQUASH_ALL; break;
		case 5: strvec_pop(&b.protocols); break;
		case 6: strvec_push(&b.transports, "UDP"); break;
		case 7: free(b.fsal); b.fsal = xstrdup("GPFS"); break;
		case 8: b.clients[0].access = GANESHA_ACCESS_RW; break;
		case 9: strvec_push(&b.clients[0].hosts, "cn003"); break;
		case 10: ganesha_export_add_client(&b, GANESHA_ACCESS_RO, GANESHA_SQUASH_NONE); break;
		}
		if (ganesha_export_equal(&a, &b))
			fail_msg("change %d not noticed", k);
		ganesha_export_release(&a);
		ganesha_export_release(&b);
	}
	/* what does not matter: NULL pseudo vs the path, NULL FSAL vs VFS, case, lines */
	spot_export(&a);
	spot_export(&b);
	free(b.pseudo);
	b.pseudo = NULL;
	free(b.fsal);
	b.fsal = NULL;
	free(a.sectypes.v[0]);
	a.sectypes.v[0] = xstrdup("SYS");
	a.line = 99;
	a.clients[0].line = 3;
	assert_true(ganesha_export_equal(&a, &b));
	ganesha_export_release(&a);
	ganesha_export_release(&b);
}

/* Every spelling Ganesha knows reads as the value extnfs writes. */
static void test_names(void **state)
{
	assert_string_equal(ganesha_access_name(GANESHA_ACCESS_NONE), "None");
	assert_string_equal(ganesha_access_name(GANESHA_ACCESS_MDONLY_RO), "MDONLY_RO");
	assert_null(ganesha_access_name(GANESHA_ACCESS_UNSET));
	assert_string_equal(ganesha_squash_name(GANESHA_SQUASH_NONE), "No_Root_Squash");
	assert_string_equal(ganesha_squash_name(GANESHA_SQUASH_ROOT), "Root_Squash");
	assert_string_equal(ganesha_squash_name(GANESHA_SQUASH_ROOT_ID), "Root_Id_Squash");
	assert_string_equal(ganesha_squash_name(GANESHA_SQUASH_ALL), "All_Squash");
	assert_null(ganesha_squash_name(GANESHA_SQUASH_UNSET));
}

/* Empty input, NULL buffer, release twice. */
static void test_empty_and_release(void **state)
{
	struct ganesha_conf c = GANESHA_CONF_INIT;
	struct ganesha_export x = GANESHA_EXPORT_INIT;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(ganesha_parse(NULL, 0, "empty", &c, &e), 0);
	assert_int_equal(c.nr, 0);
	assert_null(ganesha_find_path(&c, "/"));
	assert_null(ganesha_find_id(&c, 0));
	ganesha_conf_release(&c);
	ganesha_conf_release(&c);
	assert_int_equal(ganesha_write(NULL, 0, &out, &e), 0);
	assert_int_equal(out.len, 0);
	/* an export with nothing set is refused, not crashed on */
	assert_int_equal(ganesha_write_export(&x, &out, &e), -1);
	assert_non_null(strstr(e.msg.buf, "Path '' is empty"));
	ganesha_export_release(&x);
	strbuf_release(&out);
	err_release(&e);
}

/* Deep nesting is refused with a message, not a stack overflow. */
static void test_deep_nesting(void **state)
{
	struct strbuf in = STRBUF_INIT;
	struct ganesha_conf c = GANESHA_CONF_INIT;
	struct err e = ERR_INIT;

	for (int i = 0; i < 10000; i++)
		strbuf_addstr(&in, "A {");
	assert_int_equal(ganesha_parse(in.buf, in.len, "deep.conf", &c, &e), -1);
	assert_non_null(strstr(e.msg.buf, "blocks nested more than 32 deep"));
	strbuf_release(&in);
	err_release(&e);
}

/* ganesha_export_init() sets what extnfs writes by default. */
static void test_init_defaults(void **state)
{
	struct ganesha_export x;

	ganesha_export_init(&x, 42, "/install/nim/spot/71Bcosi/usr");
	assert_int_equal(x.id, 42);
	assert_string_equal(x.path, "/install/nim/spot/71Bcosi/usr");
	assert_string_equal(x.pseudo, x.path);
	assert_int_equal(x.access, GANESHA_ACCESS_NONE);
	assert_int_equal(x.squash, GANESHA_SQUASH_ROOT);
	assert_int_equal(x.protocols.nr, 2);
	assert_string_equal(x.protocols.v[0], "3");
	assert_string_equal(x.protocols.v[1], "4");
	assert_string_equal(x.transports.v[0], "TCP");
	assert_string_equal(x.sectypes.v[0], "sys");
	assert_string_equal(x.fsal, "VFS");
	assert_int_equal(x.nr, 0);
	ganesha_export_release(&x);
	assert_null(x.path);
	assert_int_equal(x.protocols.nr, 0);
}

/* Every accepted host kind goes through writer and reader unchanged. */
static void test_host_kinds_round_trip(void **state)
{
	struct ganesha_export x;
	struct ganesha_client *c;
	struct ganesha_conf conf = GANESHA_CONF_INIT;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;
	size_t n = 0;

	ganesha_export_init(&x, 9, "/x");
	c = ganesha_export_add_client(&x, GANESHA_ACCESS_RW, GANESHA_SQUASH_NONE);
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		if (host_cases[i].ok) {
			strvec_push(&c->hosts, host_cases[i].host);
			n++;
		}
	}
	assert_int_equal(ganesha_write_export(&x, &out, &e), 0);
	parse_ok(out.buf, out.len, &conf);
	assert_int_equal(conf.nr, 1);
	assert_int_equal(conf.exports[0].clients[0].hosts.nr, n);
	assert_true(ganesha_export_equal(&x, &conf.exports[0]));
	ganesha_conf_release(&conf);
	ganesha_export_release(&x);
	strbuf_release(&out);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_spot),
		cmocka_unit_test(test_write_ordered_and_wrapped),
		cmocka_unit_test(test_host_ok),
		cmocka_unit_test(test_write_refuses_paths),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_write_uniqueness),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_ganesha_sample),
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_recover_ids),
		cmocka_unit_test(test_export_equal),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty_and_release),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_host_kinds_round_trip),
	};
	return cmocka_run_group_tests_name("ganesha", tests, NULL, NULL);
}
