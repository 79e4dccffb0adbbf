/*
 * fuzz-hosts: ensure and remove on arbitrary hosts files. Properties: an
 * edit that succeeds is idempotent, and after ensure there is a mapping
 * for remove to take away.
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
		if (hosts_ensure(a.buf, a.len, "fuzz", "10.0.0.50", "extnfs1", &b, &e) != 0)
			abort();
		/* a mapping exists now, so removing it changes the file ... */
		if (hosts_remove(a.buf, a.len, "fuzz", "extnfs1", &b, &e) != 1)
			abort();
		/* ... and removing is idempotent too */
		strbuf_reset(&a);
		strbuf_addbuf(&a, &b);
		if (hosts_remove(a.buf, a.len, "fuzz", "extnfs1", &b, &e) != 0)
			abort();
	}
	strbuf_release(&a);
	strbuf_release(&b);
	err_release(&e);
	return 0;
}
