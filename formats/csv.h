/*
 * csv.h: xCAT tabdump CSV files, read and written.
 *
 * The format is the one xCAT's tabdump writes and tabrestore reads
 * (xCAT-server/lib/xcat/plugins/tabutils.pm): a header line "#col,col,...",
 * then one row per record; a value is either written in double quotes with
 * an embedded quote doubled, or left out entirely for NULL. An empty quoted
 * value ("") is the empty string, which is not NULL.
 */
#ifndef EXTNFS_FORMATS_CSV_H
#define EXTNFS_FORMATS_CSV_H

#include <stddef.h>

#include "util/strvec.h"

struct err;
struct strbuf;

/* The longest physical line csv_parse() accepts, in bytes without "\n". */
#define CSV_MAX_LINE 1048576

struct csv_row {
	char **vals;   /* ncols values; NULL = empty field (xCAT NULL); "" = quoted empty "" */
	unsigned line; /* line number where the row starts */
};

struct csv_table {
	struct strvec header; /* column names from the "#col,col,..." line */
	struct csv_row *rows;
	size_t nr, alloc;
};
#define CSV_TABLE_INIT { STRVEC_INIT, NULL, 0, 0 }

/*
 * Parses a whole tabdump file of len bytes (it need not be NUL-terminated).
 * name is used in messages. *out is overwritten (it need not be
 * initialised; anything it held is not freed). Every row has exactly
 * out->header.nr values.
 * Returns 0, or -1 with e set ("cannot read 'NAME' line L column C: ...");
 * *out is then empty (CSV_TABLE_INIT).
 */
int csv_parse(const char *buf, size_t len, const char *name, struct csv_table *out, struct err *e);

/* Frees everything t owns and leaves it as CSV_TABLE_INIT. Safe twice. */
void csv_table_release(struct csv_table *t);

/*
 * Appends one line in tabdump form (values quoted with "" doubling, NULL as
 * nothing, then "\n"). A one-column row whose value is NULL comes out as a
 * blank line, which csv_parse() skips: such a row cannot be represented.
 */
void csv_write_row(struct strbuf *out, const char *const *vals, size_t n);

/*
 * Appends the header line "#a,b,c\n". Column names are written as they are:
 * they must not be empty nor contain ',', '"', '\n' or NUL, and the last
 * must not end in a blank, or the result will not read back the same.
 */
void csv_write_header(struct strbuf *out, const char *const *cols, size_t n);

#endif
