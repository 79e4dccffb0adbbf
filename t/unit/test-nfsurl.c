/*
 * Unit tests for sync/nfsurl.c: nfs:// destination URLs, table-driven
 * (input -> host, path, ports, options and canonical form, or the exact
 * error message).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sync/nfsurl.h"

struct url_case {
	const char *url;
	const char *host, *path; /* NULL host: an error is expected */
	int nfsport, mountport, version, timeout, inflight;
	const char *canonical_or_error;
};

static void test_parse(void **state)
{
	static const struct url_case cases[] = {
		{ "nfs://srv/export", "srv", "/export", 0, 0, 3, 60, 32, "nfs://srv/export" },
		{ "nfs://SRV.Example.com//a//./b/", "srv.example.com", "/a/b", 0, 0, 3, 60, 32,
		  "nfs://srv.example.com/a/b" },
		{ "nfs://10.0.0.1:2049/", "10.0.0.1", "/", 2049, 0, 3, 60, 32, "nfs://10.0.0.1:2049/" },
		{ "nfs://h/p?nfsport=20000&mountport=20001", "h", "/p", 20000, 20001, 3, 60, 32,
		  "nfs://h:20000/p" },
		{ "nfs://h:20000/p?nfsport=20000", "h", "/p", 20000, 0, 3, 60, 32, "nfs://h:20000/p" },
		{ "nfs://h/p?version=3&timeout=5&inflight=64", "h", "/p", 0, 0, 3, 5, 64, "nfs://h/p" },
		{ "nfs://h/p?version=4", "h", "/p", 0, 0, 4, 60, 32, "nfs://h/p" },
		{ "nfs://[fe80::1]:2049/x", "fe80::1", "/x", 2049, 0, 3, 60, 32, "nfs://[fe80::1]:2049/x" },
		{ "nfs://h/with space/x y", "h", "/with space/x y", 0, 0, 3, 60, 32,
		  "nfs://h/with space/x y" },
		{ "/local/path", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL '/local/path': it must start with nfs://" },
		{ "nfs:///p", NULL, NULL, 0, 0, 0, 0, 0, "invalid NFS URL 'nfs:///p': no server name" },
		{ "nfs://h", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h': the server must be followed by an absolute path" },
		{ "nfs://h:0/p", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h:0/p': a port is a number from 1 to 65535" },
		{ "nfs://h:99999/p", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h:99999/p': a port is a number from 1 to 65535" },
		{ "nfs://h/a/../b", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/a/../b': '..' is not allowed in the path" },
		{ "nfs://h/p?", NULL, NULL, 0, 0, 0, 0, 0, "invalid NFS URL 'nfs://h/p?': nothing after '?'" },
		{ "nfs://h/p?a=1&&b=2", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?a=1&&b=2': unknown option (known: nfsport, mountport, "
		  "version, timeout, inflight)" },
		{ "nfs://h/p?nfsport=1&&b=2", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?nfsport=1&&b=2': an empty option" },
		{ "nfs://h/p?nfsport", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?nfsport': an option needs a value (name=value)" },
		{ "nfs://h/p?version=2", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?version=2': version must be 3 or 4" },
		{ "nfs://h/p?timeout=0", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?timeout=0': timeout is a number of seconds from 1 to 86400" },
		{ "nfs://h/p?inflight=x", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h/p?inflight=x': inflight is a number from 1 to 1024" },
		{ "nfs://h:1/p?nfsport=2", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h:1/p?nfsport=2': nfsport= differs from the port after the "
		  "host" },
		{ "nfs://[fe80::1/p", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://[fe80::1/p': a bracketed IPv6 address must be closed by ']'" },
		{ "nfs://h$x/p", NULL, NULL, 0, 0, 0, 0, 0,
		  "invalid NFS URL 'nfs://h$x/p': the server must be followed by an absolute path" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct url_case *c = &cases[i];
		struct nfsurl u = NFSURL_INIT;
		struct err e = ERR_INIT;
		struct strbuf sb = STRBUF_INIT;
		int rc = nfsurl_parse(c->url, &u, &e);

		if (!c->host) {
			assert_int_equal(rc, -1);
			assert_string_equal(e.msg.buf, c->canonical_or_error);
			assert_null(u.host);
			assert_null(u.path);
		} else {
			if (rc)
				fail_msg("%s: %s", c->url, e.msg.buf);
			assert_string_equal(u.host, c->host);
			assert_string_equal(u.path, c->path);
			assert_int_equal(u.nfsport, c->nfsport);
			assert_int_equal(u.mountport, c->mountport);
			assert_int_equal(u.version, c->version);
			assert_int_equal(u.timeout, c->timeout);
			assert_int_equal(u.inflight, c->inflight);
			nfsurl_canonical(&u, &sb);
			assert_string_equal(sb.buf, c->canonical_or_error);
		}
		assert_int_equal(nfsurl_is(c->url), !strncmp(c->url, "nfs://", 6));
		strbuf_release(&sb);
		nfsurl_release(&u);
		err_release(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
