/*
 * fuzz-probe-result: a probe result read from arbitrary bytes (what a
 * probe_exec child prints). Properties: what is read is written back and
 * read again to the same problems.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check_report a = CHECK_REPORT_INIT, b = CHECK_REPORT_INIT;
	struct strbuf out = STRBUF_INIT;
	struct err e = ERR_INIT;

	if (check_result_read((const char *)data, size, "cn001", &a, &e) == 0) {
		check_result_write(&a, "cn001", &out);
		if (check_result_read(out.buf, out.len, "cn001", &b, &e) < 0 || a.nr != b.nr)
			abort();
		for (size_t i = 0; i < a.nr; i++)
			if (strcmp(a.v[i].msg, b.v[i].msg) || a.v[i].sev != b.v[i].sev)
				abort();
	}
	check_report_release(&a);
	check_report_release(&b);
	strbuf_release(&out);
	err_release(&e);
	return 0;
}
