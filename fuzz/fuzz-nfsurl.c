/*
 * fuzz-nfsurl: the nfs:// URL parser on arbitrary strings. Properties: a
 * URL that parses has a host and an absolute normalised path (no "//",
 * no "." or ".." component, no trailing '/'), its options in range, and
 * its canonical form parses again to the same host, path and NFS port.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sync/nfsurl.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct nfsurl u = NFSURL_INIT, v = NFSURL_INIT;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (nfsurl_parse(s, &u, &e) == 0) {
		size_t n = strlen(u.path);
		if (!*u.host || u.path[0] != '/' || strstr(u.path, "//") || strstr(u.path, "/./") ||
		    strstr(u.path, "/../") || (n > 1 && u.path[n - 1] == '/'))
			abort();
		if (u.nfsport < 0 || u.nfsport > 65535 || u.mountport < 0 || u.mountport > 65535 ||
		    (u.version != 3 && u.version != 4) || u.timeout < 1 || u.inflight < 1)
			abort();
		nfsurl_canonical(&u, &sb);
		if (nfsurl_parse(sb.buf, &v, &e) != 0 || strcmp(u.host, v.host) ||
		    strcmp(u.path, v.path) || u.nfsport != v.nfsport)
			abort();
	} else if (u.host || u.path || !e.msg.len) {
		abort();
	}
	strbuf_release(&sb);
	nfsurl_release(&u);
	nfsurl_release(&v);
	err_release(&e);
	free(s);
	return 0;
}
