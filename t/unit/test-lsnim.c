/*
 * Unit tests for formats/lsnim.c: lsnim -l and lsnim -Z output.
 * Table-driven: each case is an input and either the expected list,
 * rendered as text (see render()), or a substring of the expected error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "formats/lsnim.h"
#include "util/strbuf.h"
#include "util/util.h"

/* "name@line{attr=[value],attr=[value]}" per object, control bytes escaped. */
static void render(const struct nim_list *l, struct strbuf *sb)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct nim_object *o = &l->objs[i];

		strbuf_addquoted(sb, o->name, strlen(o->name));
		strbuf_addf(sb, "@%u{", o->line);
		for (size_t j = 0; j < o->nr; j++) {
			if (j)
				strbuf_addch(sb, ',');
			strbuf_addquoted(sb, o->attrs[j].name, strlen(o->attrs[j].name));
			strbuf_addstr(sb, "=[");
			strbuf_addquoted(sb, o->attrs[j].value, strlen(o->attrs[j].value));
			strbuf_addch(sb, ']');
		}
		strbuf_addch(sb, '}');
	}
}

#define L(s) s, sizeof(s) - 1

static const struct nim_case {
	const char *desc;
	const char *in;
	size_t len;
	const char *want; /* render() of the result, or NULL */
	const char *err;  /* substring of the message, or NULL */
} cases[] = {
	{ "empty input", L(""), "", NULL },
	{ "only blank lines", L("\n  \n\r\n"), "", NULL },
	{ "one stanza", L("spot1:\n   class = resources\n   location      = /install/nim/spot/spot1/usr\n"),
	  "spot1@1{class=[resources],location=[/install/nim/spot/spot1/usr]}", NULL },
	{ "repeated attributes kept in order",
	  L("master:\n   serves = 61_lpp\n   serves = 61_spot\n   info   = first\n   info   = second\n"),
	  "master@1{serves=[61_lpp],serves=[61_spot],info=[first],info=[second]}", NULL },
	{ "values keep inner blanks, '=' and ':', lose outer blanks",
	  L("cn001:\n   if1 = master_net cn001 0 ent0   \n   comments = a = b: c\t\n   mgmt_profile1 = hmc1 2 cec:x\n"),
	  "cn001@1{if1=[master_net cn001 0 ent0],comments=[a = b: c],mgmt_profile1=[hmc1 2 cec:x]}", NULL },
	{ "empty value", L("o:\n   comments =\n   x =   \n"), "o@1{comments=[],x=[]}", NULL },
	{ "tabs, CRLF, blank lines, an object without attributes",
	  L("a:\r\n\tclass\t=\tresources\r\n\r\nb:\r\n\r\nc:  \r\n  type = spot\r\n"),
	  "a@1{class=[resources]}b@4{}c@6{type=[spot]}", NULL },
	{ "no final newline", L("a:\n   type = spot"), "a@1{type=[spot]}", NULL },
	{ "-Z: one record", L("#name:location:server:\nlpp1:/export/lpp_source/lpp1:master:\n"),
	  "lpp1@2{location=[/export/lpp_source/lpp1],server=[master]}", NULL },
	{ "-Z: '#!:' is a colon in a value",
	  L("#name:mgmt_profile:\nhost1:hmc1 29 cec#!:serial:\n"),
	  "host1@2{mgmt_profile=[hmc1 29 cec:serial]}", NULL },
	{ "-Z: a value ending in a colon", L("#name:a:\nobj:x#!::\n"), "obj@2{a=[x:]}", NULL },
	{ "-Z: empty fields are absent attributes, blanks kept inside",
	  L("#name:Cstate:info:Cstate_result:\nvios1:ready for a NIM operation::success:\n"
	    "vios2:alt_disk_install operation is being performed: Creating lv  :success:\n"),
	  "vios1@2{Cstate=[ready for a NIM operation],Cstate_result=[success]}"
	  "vios2@3{Cstate=[alt_disk_install operation is being performed],"
	  "info=[ Creating lv],Cstate_result=[success]}", NULL },
	{ "-Z: without the terminating colons, CRLF",
	  L("#name:class:type\r\nspot1:resources:spot\r\n"), "spot1@2{class=[resources],type=[spot]}", NULL },
	{ "-Z: a header before each object",
	  L("#name:class:type:\nspot1:resources:spot:\n\n#name:location:\nlpp1:/export/lpp:\n"),
	  "spot1@2{class=[resources],type=[spot]}lpp1@5{location=[/export/lpp]}", NULL },
	{ "-Z: repeated columns", L("#name:serves:serves:\nmaster:a:b:\n"), "master@2{serves=[a],serves=[b]}", NULL },
	{ "-Z: header only", L("#name:\n"), "", NULL },
	{ "-Z: after leading blank lines", L("\n\n#name:type:\nx:spot:\n"), "x@4{type=[spot]}", NULL },

	{ "attribute before any object", L("   class = resources\nspot1:\n"), NULL,
	  "cannot read 'l.txt' line 1: attribute line before any object header" },
	{ "attribute after blank lines, before any object", L("\n\n\tclass = resources\n"), NULL,
	  "cannot read 'l.txt' line 3: attribute line before any object header" },
	{ "no '=' in a stanza", L("spot1:\n   class = resources\n   location /x\n"), NULL,
	  "cannot read 'l.txt' line 3: expected 'attribute = value'" },
	{ "unindented attribute", L("spot1:\nclass = resources\n"), NULL,
	  "cannot read 'l.txt' line 2: expected an object header 'name:'" },
	{ "empty attribute name", L("spot1:\n   = resources\n"), NULL, "line 2: empty attribute name" },
	{ "blank inside an attribute name", L("spot1:\n   some text = x\n"), NULL,
	  "line 2: blank inside the attribute name 'some text'" },
	{ "empty object name", L(":\n"), NULL, "line 1: empty object name" },
	{ "'#' line in -l output", L("a:\n   type = spot\n#name:type:\n"), NULL,
	  "line 3: unexpected '#' line" },
	{ "NUL byte", L("spot1:\n   class = res\0urces\n"), NULL,
	  "cannot read 'l.txt' line 2 column 15: NUL byte" },
	{ "NUL byte in -Z", L("#name:a:\nx:\0:\n"), NULL, "line 2 column 3: NUL byte" },
	{ "-Z: too few fields", L("#name:class:type:\nspot1:resources:\n"), NULL,
	  "cannot read 'l.txt' line 2: line 2 has 2 fields, the header on line 1 has 3" },
	{ "-Z: too many fields", L("#name:class:\n\nspot1:resources:spot:\n"), NULL,
	  "line 3: line 3 has 3 fields, the header on line 1 has 2" },
	{ "-Z: a later header not starting with #name", L("#name:a:\nx:1:\n#obj:a:\n"), NULL,
	  "line 3: a header line must start with '#name:'" },
	{ "-Z: empty column name", L("#name::a:\n"), NULL, "line 1: empty attribute name in field 2" },
	{ "-Z: empty object name", L("#name:a:\n:1:\n"), NULL, "line 2: empty object name" },
};

static void test_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct nim_case *c = &cases[i];
		struct nim_list l = NIM_LIST_INIT;
		struct err e = ERR_INIT;
		struct strbuf got = STRBUF_INIT;
		int r = lsnim_parse(c->in, c->len, "l.txt", &l, &e);

		print_message("case %zu: %s\n", i, c->desc);
		if (c->err) {
			assert_int_equal(r, -1);
			if (!strstr(e.msg.buf, c->err))
				fail_msg("case %zu (%s): got error \"%s\", want \"%s\"", i, c->desc,
					 e.msg.buf, c->err);
			assert_int_equal(l.nr, 0);
			assert_null(l.objs);
		} else {
			if (r)
				fail_msg("case %zu (%s): unexpected error: %s", i, c->desc, e.msg.buf);
			render(&l, &got);
			if (strcmp(got.buf, c->want))
				fail_msg("case %zu (%s): got\n%s\nwant\n%s", i, c->desc, got.buf, c->want);
		}
		nim_list_release(&l);
		nim_list_release(&l); /* safe twice */
		strbuf_release(&got);
		err_release(&e);
	}
}

/* lsnim -l of two service nodes of the sample cluster. */
static const char sample_sn1[] =
	"71Bcosi:\n"
	"   class         = resources\n"
	"   type          = spot\n"
	"   plat_defined  = chrp\n"
	"   Rstate        = ready for use\n"
	"   prev_state    = ready for use\n"
	"   location      = /install/nim/spot/71Bcosi/usr\n"
	"   version       = 7\n"
	"   release       = 1\n"
	"   mod           = 0\n"
	"   oslevel_r     = 7100-00\n"
	"   alloc_count   = 2\n"
	"   server        = master\n"
	"   if_supported  = chrp.64 ent\n"
	"   Rstate_result = success\n"
	"71Bsl:\n"
	"   class         = resources\n"
	"   type          = spot\n"
	"   plat_defined  = chrp\n"
	"   Rstate        = ready for use\n"
	"   prev_state    = ready for use\n"
	"   location      = /install/nim/spot/71Bsl/usr\n"
	"   version       = 7\n"
	"   release       = 1\n"
	"   mod           = 0\n"
	"   oslevel_r     = 7100-00\n"
	"   alloc_count   = 2\n"
	"   server        = master\n"
	"   if_supported  = chrp.64 ent\n"
	"   Rstate_result = success\n"
	"71Bcosi_root:\n"
	"   class       = resources\n"
	"   type        = root\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/root/71Bcosi_root\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"71Bcosi_paging:\n"
	"   class       = resources\n"
	"   type        = paging\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/paging/71Bcosi_paging\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"71Bsl_shared_root:\n"
	"   class       = resources\n"
	"   type        = shared_root\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/shared_root/71Bsl_shared_root\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"   spot        = 71Bsl\n";

static const char sample_sn2[] =
	"71Bcosi:\n"
	"   class         = resources\n"
	"   type          = spot\n"
	"   plat_defined  = chrp\n"
	"   Rstate        = ready for use\n"
	"   prev_state    = ready for use\n"
	"   location      = /install/nim/spot/71Bcosi/usr\n"
	"   version       = 7\n"
	"   release       = 1\n"
	"   mod           = 0\n"
	"   oslevel_r     = 7100-00\n"
	"   alloc_count   = 2\n"
	"   server        = master\n"
	"   if_supported  = chrp.64 ent\n"
	"   Rstate_result = success\n"
	"71Bsl:\n"
	"   class         = resources\n"
	"   type          = spot\n"
	"   plat_defined  = chrp\n"
	"   Rstate        = ready for use\n"
	"   prev_state    = ready for use\n"
	"   location      = /install/nim/spot/71Bsl/usr\n"
	"   version       = 7\n"
	"   release       = 1\n"
	"   mod           = 0\n"
	"   oslevel_r     = 7100-00\n"
	"   alloc_count   = 2\n"
	"   server        = master\n"
	"   if_supported  = chrp.64 ent\n"
	"   Rstate_result = success\n"
	"71Bsr:\n"
	"   class         = resources\n"
	"   type          = spot\n"
	"   plat_defined  = chrp\n"
	"   Rstate        = ready for use\n"
	"   prev_state    = ready for use\n"
	"   location      = /install/nim/spot/71Bsr/usr\n"
	"   version       = 7\n"
	"   release       = 1\n"
	"   mod           = 0\n"
	"   oslevel_r     = 7100-00\n"
	"   alloc_count   = 2\n"
	"   server        = master\n"
	"   if_supported  = chrp.64 ent\n"
	"   Rstate_result = success\n"
	"71Bcosi_root:\n"
	"   class       = resources\n"
	"   type        = root\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/root/71Bcosi_root\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"71Bcosi_paging:\n"
	"   class       = resources\n"
	"   type        = paging\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/paging/71Bcosi_paging\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"71Bsl_shared_root:\n"
	"   class       = resources\n"
	"   type        = shared_root\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/shared_root/71Bsl_shared_root\n"
	"   alloc_count = 2\n"
	"   server      = master\n"
	"   spot        = 71Bsl\n"
	"71Bsr_shared_root:\n"
	"   class       = resources\n"
	"   type        = shared_root\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/shared_root/71Bsr_shared_root\n"
	"   alloc_count = 1\n"
	"   server      = master\n"
	"   spot        = 71Bsr\n"
	"71Bsr_paging:\n"
	"   class       = resources\n"
	"   type        = paging\n"
	"   Rstate      = ready for use\n"
	"   prev_state  = unavailable for use\n"
	"   location    = /install/nim/paging/71Bsr_paging\n"
	"   alloc_count = 1\n"
	"   server      = master\n";

static const struct nim_object *find(const struct nim_list *l, const char *name)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->objs[i].name, name))
			return &l->objs[i];
	fail_msg("no object %s", name);
	return NULL;
}

static void test_samples(void **state)
{
	static const struct {
		const char *text;
		size_t nobjs;
		const char *obj, *attr, *want;
		unsigned line;
	} checks[] = {
		{ sample_sn1, 5, "71Bcosi", "location", "/install/nim/spot/71Bcosi/usr", 1 },
		{ sample_sn1, 5, "71Bcosi", "if_supported", "chrp.64 ent", 1 },
		{ sample_sn1, 5, "71Bcosi", "Rstate", "ready for use", 1 },
		{ sample_sn1, 5, "71Bcosi", "oslevel_r", "7100-00", 1 },
		{ sample_sn1, 5, "71Bsl_shared_root", "spot", "71Bsl", 47 },
		{ sample_sn1, 5, "71Bcosi_root", "prev_state", "unavailable for use", 31 },
		{ sample_sn1, 5, "71Bcosi_root", "spot", NULL, 31 },
		{ sample_sn2, 8, "71Bsr", "location", "/install/nim/spot/71Bsr/usr", 31 },
		{ sample_sn2, 8, "71Bsr_shared_root", "spot", "71Bsr", 71 },
		{ sample_sn2, 8, "71Bsr_paging", "location", "/install/nim/paging/71Bsr_paging", 80 },
		{ sample_sn2, 8, "71Bsr_paging", "alloc_count", "1", 80 },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct nim_list l = NIM_LIST_INIT;
		struct err e = ERR_INIT;
		const struct nim_object *o;

		if (lsnim_parse(checks[i].text, strlen(checks[i].text), "lsnim-l.txt", &l, &e))
			fail_msg("%s", e.msg.buf);
		assert_int_equal(l.nr, checks[i].nobjs);
		o = find(&l, checks[i].obj);
		assert_int_equal(o->line, checks[i].line);
		if (checks[i].want)
			assert_string_equal(nim_object_get(o, checks[i].attr), checks[i].want);
		else
			assert_null(nim_object_get(o, checks[i].attr));
		for (size_t j = 0; j < l.nr; j++) {
			assert_string_equal(l.objs[j].attrs[0].name, "class");
			assert_string_equal(nim_object_get(&l.objs[j], "class"), "resources");
			assert_string_equal(nim_object_get(&l.objs[j], "server"), "master");
		}
		nim_list_release(&l);
		err_release(&e);
	}
}

/* The same objects in -l and in -Z form read the same. */
static void test_l_and_z_agree(void **state)
{
	static const char l_form[] =
		"71Bsl_shared_root:\n"
		"   class       = resources\n"
		"   type        = shared_root\n"
		"   location    = /install/nim/shared_root/71Bsl_shared_root\n"
		"   spot        = 71Bsl\n"
		"hmc1:\n"
		"   class       = management\n"
		"   passwd_file = /etc/ibm/sysmgt/dsm/config/hmc1:x\n";
	static const char z_form[] =
		"#name:class:type:location:spot:\n"
		"71Bsl_shared_root:resources:shared_root:/install/nim/shared_root/71Bsl_shared_root:71Bsl:\n"
		"#name:class:passwd_file:\n"
		"hmc1:management:/etc/ibm/sysmgt/dsm/config/hmc1#!:x:\n";
	struct nim_list a = NIM_LIST_INIT, b = NIM_LIST_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(lsnim_parse(l_form, strlen(l_form), "l", &a, &e), 0);
	assert_int_equal(lsnim_parse(z_form, strlen(z_form), "z", &b, &e), 0);
	assert_int_equal(a.nr, 2);
	assert_int_equal(b.nr, 2);
	for (size_t i = 0; i < a.nr; i++) {
		assert_string_equal(a.objs[i].name, b.objs[i].name);
		assert_int_equal(a.objs[i].nr, b.objs[i].nr);
		for (size_t j = 0; j < a.objs[i].nr; j++) {
			assert_string_equal(a.objs[i].attrs[j].name, b.objs[i].attrs[j].name);
			assert_string_equal(a.objs[i].attrs[j].value, b.objs[i].attrs[j].value);
		}
	}
	nim_list_release(&a);
	nim_list_release(&b);
	err_release(&e);
}

/* An empty capture read into no buffer at all is an empty list. */
static void test_null_buffer(void **state)
{
	struct nim_list l = NIM_LIST_INIT;
	struct err e = ERR_INIT;

	assert_int_equal(lsnim_parse(NULL, 0, "empty.txt", &l, &e), 0);
	assert_int_equal(l.nr, 0);
	assert_null(nim_object_get(&(struct nim_object){ 0 }, "class"));
	nim_list_release(&l);
	err_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_l_and_z_agree),
		cmocka_unit_test(test_null_buffer),
	};
	return cmocka_run_group_tests_name("lsnim", tests, NULL, NULL);
}
