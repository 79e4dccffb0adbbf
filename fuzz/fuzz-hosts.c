/*
 * fuzz-hosts: ensure and remove on arbitrary hosts files. Properties: an
 * edit that succeeds is idempotent, and after ensure exactly one line maps
 * the host.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/hosts.h"
#include "util/strvec.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct err e = ERR_INIT;

	if (hosts_ensure((const char *)data, size, "fuzz", "10.0.0.50", "extnfs1", &a, &e) >= 0) {
		size_t n = 0;
		const char *p = a.buf;
		if (hosts_ensure(a.buf, a.len, "fuzz", "10.0.0.50", "extnfs1", &b, &e) != 0)
			abort();
		/* count lines that are exactly "10.0.0.50 extnfs1" modulo blanks */
		while ((p = strstr(p, "extnfs1"))) {
			char after = p[7];
			char before = p == a.buf ? '\n' : p[-1];
			if ((before == ' ' || before == '\t') && (after == '\n' || after == '\0'))
				n++;
			p += 7;
		}
		if (n < 1)
			abort();
		if (hosts_remove(a.buf, a.len, "fuzz", "extnfs1", &b, &e) < 0)
			abort();
	}
	strbuf_release(&a);
	strbuf_release(&b);
	err_release(&e);
	return 0;
}
