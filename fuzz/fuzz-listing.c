/*
 * fuzz-listing: a tree listing (check/tree.h, what 'extnfs listing' prints
 * on an SN) read from arbitrary bytes. Properties: what is read is written
 * back and read again to the same listing, and written the same way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/tree.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tree_list a = TREE_LIST_INIT, b = TREE_LIST_INIT;
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	struct err e = ERR_INIT;

	if (tree_parse((const char *)data, size, "fuzz", &a, &e) == 0) {
		tree_write(&a, &x);
		if (tree_parse(x.buf, x.len, "again", &b, &e) < 0 || !tree_equal(&a, &b, "a", "b", NULL))
			abort();
		tree_write(&b, &y);
		if (strcmp(x.buf, y.buf))
			abort();
	}
	tree_list_release(&a);
	tree_list_release(&b);
	strbuf_release(&x);
	strbuf_release(&y);
	err_release(&e);
	return 0;
}
