/*
 * fuzz-csv.c: libFuzzer target for formats/csv.c.
 *
 * Any input must either parse or fail with a message naming the file, and
 * leave nothing behind. What parses must survive a round trip: written back
 * with csv_write_header()/csv_write_row() and parsed again it gives the same
 * header and values, and writing that again gives the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"
#include "util/strbuf.h"
#include "util/util.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-csv: %s\n", what);
		abort();
	}
}

static void write_table(const struct csv_table *t, struct strbuf *sb)
{
	csv_write_header(sb, (const char *const *)t->header.v, t->header.nr);
	for (size_t i = 0; i < t->nr; i++)
		csv_write_row(sb, (const char *const *)t->rows[i].vals, t->header.nr);
}

static int same_value(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_table t = CSV_TABLE_INIT, t2 = CSV_TABLE_INIT;
	struct err e = ERR_INIT;
	struct strbuf out = STRBUF_INIT, out2 = STRBUF_INIT;

	if (csv_parse((const char *)data, size, "fuzz.csv", &t, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.csv'"),
		      "error without the file name");
		check(!t.header.nr && !t.nr && !t.rows, "table not empty after an error");
		goto cleanup;
	}
	check(t.header.nr > 0, "no columns");
	for (size_t i = 0; i < t.nr; i++) {
		check(t.rows[i].line >= 2, "row before the header");
		check(!i || t.rows[i].line > t.rows[i - 1].line, "row lines not increasing");
	}

	write_table(&t, &out);
	if (csv_parse(out.buf, out.len, "fuzz-out.csv", &t2, &e) < 0) {
		fprintf(stderr, "fuzz-csv: written table does not parse: %s\n", e.msg.buf);
		abort();
	}
	check(t2.header.nr == t.header.nr, "column count changed");
	for (size_t j = 0; j < t.header.nr; j++)
		check(!strcmp(t.header.v[j], t2.header.v[j]), "column name changed");
	check(t2.nr == t.nr, "row count changed");
	for (size_t i = 0; i < t.nr; i++)
		for (size_t j = 0; j < t.header.nr; j++)
			check(same_value(t.rows[i].vals[j], t2.rows[i].vals[j]), "value changed");

	write_table(&t2, &out2);
	check(out.len == out2.len && !memcmp(out.buf, out2.buf, out.len), "writing is not stable");
cleanup:
	csv_table_release(&t);
	csv_table_release(&t2);
	strbuf_release(&out);
	strbuf_release(&out2);
	err_release(&e);
	return 0;
}
