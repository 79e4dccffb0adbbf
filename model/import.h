/*
 * import.h: bringing an xCAT cluster description into the model: tabdump
 * CSV files, xCAT's own per-table SQLite files, and the NIM resources
 * captured on each SN (lsnim -l / -Z). The caller owns the transaction:
 * every function here either changes what it was asked to or fails, and
 * the caller rolls back, so an import as a whole changes nothing on error.
 */
#ifndef EXTNFS_IMPORT_H
#define EXTNFS_IMPORT_H

#include <stdbool.h>

#include "util/util.h"

struct db;
struct csv_table;

struct import_opts {
	bool replace;        /* replace the table's rows instead of merging by key */
	bool ignore_unknown; /* skip columns extnfs does not know instead of failing */
	const char *table;   /* the table, instead of the file's base name */
};

struct import_stats {
	unsigned long rows;
	unsigned long tables;
	unsigned long skipped_columns;
};

/* Imports one tabdump CSV file. 0 or -1 with e naming file, line, column. */
int import_csv_file(struct db *db, const char *path, const struct import_opts *o,
		    struct import_stats *st, struct err *e);
/* Imports the parsed rows t into table (merge or replace). name is for messages. */
int import_csv_table(struct db *db, const char *table, const struct csv_table *t,
		     const char *name, const struct import_opts *o, struct import_stats *st,
		     struct err *e);
/* Imports every <table>.sqlite in dir that holds a table extnfs keeps. */
int import_xcat_db(struct db *db, const char *dir, const struct import_opts *o,
		   struct import_stats *st, struct err *e);
/* Replaces the NIM resources recorded for sn with those in the lsnim file. */
int import_lsnim(struct db *db, const char *sn, const char *path, struct import_stats *st,
		 struct err *e);

/* Reads a whole file into sb. 0 or -1 with e set. */
int read_file(const char *path, struct strbuf *sb, struct err *e);

#endif
