/*
 * import: bring xCAT tables and NIM resources into the model, in one
 * transaction (any error changes nothing).
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "model/db.h"
#include "model/import.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs import [--replace] [--ignore-unknown] [--table TABLE] FILE.csv|DIR...\n"
	"   or: extnfs import --xcat-db DIR\n"
	"   or: extnfs import --lsnim SN FILE...";
static const char desc[] =
	"Reads xCAT 'tabdump' CSV files (the table is the file's base name, or\n"
	"--table), every *.csv file of a directory, xCAT's own per-table SQLite\n"
	"files (--xcat-db), or 'lsnim -l'/'lsnim -Z' output captured on service node\n"
	"SN (--lsnim). Rows are merged by key unless --replace. The whole import is\n"
	"one transaction: on any error nothing changes, and the message names the\n"
	"file, line and column.";

/* Appends path, or each *.csv in it (sorted) when it is a directory. */
static int expand_path(const char *path, struct strvec *files, struct err *e)
{
	struct stat st;
	struct strvec names = STRVEC_INIT;
	DIR *d;
	struct dirent *de;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		strvec_push(files, path);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return err_set(e, "cannot open directory '%s'", path);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && ends_with(de->d_name, ".csv"))
			strvec_pushf(&names, "%s/%s", path, de->d_name);
	closedir(d);
	strvec_sort(&names);
	if (!names.nr) {
		strvec_clear(&names);
		return err_set(e, "no *.csv file in '%s'", path);
	}
	for (size_t i = 0; i < names.nr; i++)
		strvec_push(files, names.v[i]);
	strvec_clear(&names);
	return 0;
}

int cmd_import(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct import_opts o = { 0 };
	struct import_stats st = { 0 };
	struct strvec rest = STRVEC_INIT, files = STRVEC_INIT;
	int replace = 0, ignore = 0, rc;
	const char *table = NULL, *xcatdb = NULL, *lsnim_sn = NULL;
	const struct opt opts[] = {
		OPT_FLAG_(0, "replace", &replace, "replace each table's rows instead of merging by key"),
		OPT_FLAG_(0, "ignore-unknown", &ignore, "skip columns extnfs does not keep"),
		OPT_STR_('t', "table", &table, "TABLE", "the table the CSV files belong to"),
		OPT_STR_(0, "xcat-db", &xcatdb, "DIR", "read xCAT's <table>.sqlite files in DIR"),
		OPT_STR_(0, "lsnim", &lsnim_sn, "SN", "the files are lsnim output from service node SN"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto out;
	o.replace = replace;
	o.ignore_unknown = ignore;
	o.table = table;
	if (!xcatdb && !rest.nr) {
		rc = cmd_usage("import", "nothing to import");
		goto out;
	}
	if (xcatdb && (rest.nr || lsnim_sn || table)) {
		rc = cmd_usage("import", "--xcat-db takes no files, --lsnim or --table");
		goto out;
	}
	if (lsnim_sn && (table || replace)) {
		rc = cmd_usage("import", "--lsnim replaces the SN's resources; --table and --replace do not apply");
		goto out;
	}
	if (db_begin(ctx->db, &ctx->err) < 0) {
		rc = cmd_error(ctx, "import", EXIT_DATA);
		goto out;
	}
	if (xcatdb) {
		rc = import_xcat_db(ctx->db, xcatdb, &o, &st, &ctx->err);
	} else {
		rc = 0;
		for (size_t i = 0; i < rest.nr && rc == 0; i++)
			rc = lsnim_sn ? (strvec_push(&files, rest.v[i]), 0)
				      : expand_path(rest.v[i], &files, &ctx->err);
		for (size_t i = 0; i < files.nr && rc == 0; i++)
			rc = lsnim_sn ? import_lsnim(ctx->db, lsnim_sn, files.v[i], &st, &ctx->err)
				      : import_csv_file(ctx->db, files.v[i], &o, &st, &ctx->err);
	}
	if (rc < 0 || db_commit(ctx->db, &ctx->err) < 0) {
		db_rollback(ctx->db);
		rc = cmd_error(ctx, "import", EXIT_DATA);
		if (!ctx->quiet)
			fprintf(stderr, "extnfs import: nothing was imported\n");
		goto out;
	}
	if (ctx->json) {
		json_t *j = json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)st.rows, "tables",
				      (json_int_t)st.tables, "skipped_columns", (json_int_t)st.skipped_columns);
		json_dumpf(j, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet) {
		printf("imported %lu %s from %lu %s", st.rows, lsnim_sn ? "NIM objects" : "rows",
		       st.tables, st.tables == 1 ? "file" : "files");
		if (st.skipped_columns)
			printf(" (%lu unknown columns skipped)", st.skipped_columns);
		printf("\n");
	}
	rc = EXIT_OK;
out:
	strvec_clear(&rest);
	strvec_clear(&files);
	return rc;
}
