/*
 * tabdump: write a table in xCAT's tabdump CSV form, disabled rows
 * included, in table order, so that import followed by tabdump gives a
 * canonical xCAT file back byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "formats/csv.h"
#include "model/db.h"
#include "model/schema.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs tabdump [TABLE]";
static const char desc[] =
	"Writes TABLE as xCAT's tabdump does: a '#col,...' header, then every row\n"
	"with values in double quotes and empty fields for unset values. Without\n"
	"TABLE, lists the tables extnfs keeps.";

int cmd_tabdump(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct strbuf sql = STRBUF_INIT, out = STRBUF_INIT;
	const struct xtable *xt;
	struct db_stmt *st = NULL;
	const char **vals = NULL;
	const struct opt opts[] = { OPT_END_ };
	int rc, r;

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (rest.nr > 1) {
		rc = cmd_usage("tabdump", "one table at a time");
		goto cleanup;
	}
	if (!rest.nr) {
		for (size_t i = 0; i < n_xcat_tables; i++)
			printf("%s\n", xcat_tables[i].name);
		rc = EXIT_OK;
		goto cleanup;
	}
	xt = xtable_find(rest.v[0]);
	if (!xt) {
		err_set(&ctx->err, "extnfs keeps no table '%s' (see 'extnfs tabdump')", rest.v[0]);
		rc = cmd_error(ctx, "tabdump", EXIT_USAGE);
		goto cleanup;
	}
	strbuf_addstr(&sql, "SELECT ");
	for (size_t c = 0; c < xt->ncols; c++)
		strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "", xt->cols[c]);
	strbuf_addf(&sql, " FROM \"%s\" ORDER BY rowid", xt->name);
	st = db_prepare(ctx->db, sql.buf, &ctx->err);
	if (!st) {
		rc = cmd_error(ctx, "tabdump", EXIT_DATA);
		goto cleanup;
	}
	vals = xcalloc(xt->ncols, sizeof(*vals));
	csv_write_header(&out, xt->cols, xt->ncols);
	while ((r = db_step(st, &ctx->err)) == 1) {
		for (size_t c = 0; c < xt->ncols; c++)
			vals[c] = db_column_text(st, (int)c);
		csv_write_row(&out, vals, xt->ncols);
		if (out.len > 65536) {
			fwrite(out.buf, 1, out.len, stdout);
			strbuf_reset(&out);
		}
	}
	if (r < 0) {
		rc = cmd_error(ctx, "tabdump", EXIT_DATA);
		goto cleanup;
	}
	fwrite(out.buf, 1, out.len, stdout);
	rc = EXIT_OK;
cleanup:
	free(vals);
	db_finalize(st);
	strbuf_release(&sql);
	strbuf_release(&out);
	strvec_clear(&rest);
	return rc;
}
