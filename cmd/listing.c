/*
 * listing: a tree listed as check and status compare it (check/tree.h),
 * as text on stdout. The MN runs it on an ssh SN to compare the SN's copy
 * of a tree with the server's and to record its fingerprint at sync time.
 */
#include <stdio.h>

#include "check/tree.h"
#include "cmd/cmd.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs listing DIR [--include PATTERN]... [--exclude SUBDIR]... [--deep]";
static const char desc[] =
	"Lists DIR as 'extnfs check' compares trees: one line per entry (type,\n"
	"mode, owner, size, modification time, content digest with --deep, path,\n"
	"symlink target), sorted by path. --include keeps only the top-level names\n"
	"matching a pattern (a node's .client_data files); --exclude leaves out a\n"
	"subtree's contents. What check and status run on an ssh SN.";

int cmd_listing(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, inc = STRVEC_INIT, exc = STRVEC_INIT;
	struct tree_list l = TREE_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	int deep = 0, rc;
	const struct opt opts[] = {
		OPT_LIST_(0, "include", &inc, "PATTERN", "only the top-level names matching PATTERN"),
		OPT_LIST_(0, "exclude", &exc, "SUBDIR", "not the contents of SUBDIR"),
		OPT_FLAG_(0, "deep", &deep, "content digests too"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (rest.nr != 1) {
		rc = cmd_usage("listing", "one directory");
		goto cleanup;
	}
	if (tree_scan(rest.v[0], &inc, &exc, deep, &l, &ctx->err) < 0) {
		rc = cmd_error(ctx, "listing", EXIT_DATA);
		goto cleanup;
	}
	tree_write(&l, &out);
	fputs(out.buf, stdout);
	rc = EXIT_OK;
cleanup:
	tree_list_release(&l);
	strbuf_release(&out);
	strvec_clear(&rest);
	strvec_clear(&inc);
	strvec_clear(&exc);
	return rc;
}
