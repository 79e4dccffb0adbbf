/*
 * import.c: tabdump CSV, xCAT SQLite and lsnim output into the database.
 * All three end in the same row writer, so column matching, key checks
 * and merge-versus-replace behave the same whatever the source.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/csv.h"
#include "formats/lsnim.h"
#include "model/db.h"
#include "model/import.h"
#include "model/schema.h"
#include "util/strmap.h"
#include "util/banned.h"

int read_file(const char *path, struct strbuf *sb, struct err *e)
{
	int fd = open(path, O_RDONLY);
	struct stat stt;
	int rc = -1;

	if (fd < 0)
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &stt) < 0 || S_ISDIR(stt.st_mode)) {
		err_set(e, "cannot read '%s': %s", path, S_ISDIR(stt.st_mode) ? "is a directory" : strerror(errno));
		goto cleanup;
	}
	strbuf_grow(sb, (size_t)stt.st_size);
	for (;;) {
		ssize_t n;
		strbuf_grow(sb, 65536);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "cannot read '%s': %s", path, strerror(errno));
			goto cleanup;
		}
		if (!n)
			break;
		strbuf_setlen(sb, sb->len + (size_t)n);
	}
	rc = 0;
cleanup:
	close(fd);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Table name from a file name: "dir/nodelist.csv" -> "nodelist". */
static char *table_from_path(const char *path, const char *suffix)
{
	const char *b = base_name(path);
	size_t n = strlen(b);

	if (ends_with(b, suffix))
		n -= strlen(suffix);
	return xstrndup(b, n);
}

int import_csv_table(struct db *db, const char *table, const struct csv_table *t,
		     const char *name, const struct import_opts *o, struct import_stats *st,
		     struct err *e)
{
	const struct xtable *xt = xtable_find(table);
	int *map = NULL; /* header index -> table column, -1 skipped */
	struct strbuf sql = STRBUF_INIT, key = STRBUF_INIT;
	struct strmap seen = STRMAP_INIT;
	struct db_stmt *ins = NULL;
	size_t nbound = 0;
	int rc = -1;

	if (!xt) {
		err_set(e, "cannot import '%s': extnfs keeps no table '%s'", name, table);
		goto cleanup;
	}
	map = xcalloc(t->header.nr ? t->header.nr : 1, sizeof(*map));
	for (size_t h = 0; h < t->header.nr; h++) {
		map[h] = xtable_col(xt, t->header.v[h]);
		for (size_t g = 0; g < h && map[h] >= 0; g++)
			if (map[g] == map[h]) {
				err_set(e, "cannot read '%s' line 1: column '%s' appears twice", name,
					t->header.v[h]);
				goto cleanup;
			}
		if (map[h] < 0) {
			if (!o->ignore_unknown) {
				err_set(e, "cannot read '%s' line 1: unknown column '%s' in table '%s'"
					" (use --ignore-unknown to skip it)", name, t->header.v[h], table);
				goto cleanup;
			}
			st->skipped_columns++;
		}
	}
	for (size_t k = 0; k < xt->nkeys; k++) {
		int found = 0;
		for (size_t h = 0; h < t->header.nr; h++)
			found |= map[h] == (int)xt->keys[k];
		if (!found) {
			err_set(e, "cannot read '%s' line 1: key column '%s' of table '%s' is missing",
				name, xt->cols[xt->keys[k]], table);
			goto cleanup;
		}
	}
	if (o->replace) {
		strbuf_addf(&sql, "DELETE FROM \"%s\"", table);
		if (db_exec(db, sql.buf, e) < 0)
			goto cleanup;
		strbuf_reset(&sql);
	}
	strbuf_addf(&sql, "INSERT INTO \"%s\" (", table);
	for (size_t h = 0; h < t->header.nr; h++)
		if (map[h] >= 0)
			strbuf_addf(&sql, "%s\"%s\"", nbound++ ? ", " : "", xt->cols[map[h]]);
	strbuf_addstr(&sql, ") VALUES (");
	for (size_t i = 0; i < nbound; i++)
		strbuf_addf(&sql, "%s?%zu", i ? ", " : "", i + 1);
	strbuf_addstr(&sql, ") ON CONFLICT (");
	for (size_t k = 0; k < xt->nkeys; k++)
		strbuf_addf(&sql, "%s\"%s\"", k ? ", " : "", xt->cols[xt->keys[k]]);
	strbuf_addstr(&sql, ") DO ");
	if (nbound > xt->nkeys) {
		size_t n = 0;
		strbuf_addstr(&sql, "UPDATE SET ");
		for (size_t h = 0; h < t->header.nr; h++)
			if (map[h] >= 0)
				strbuf_addf(&sql, "%s\"%s\" = excluded.\"%s\"", n++ ? ", " : "",
					    xt->cols[map[h]], xt->cols[map[h]]);
	} else {
		strbuf_addstr(&sql, "NOTHING");
	}
	ins = db_prepare(db, sql.buf, e);
	if (!ins)
		goto cleanup;
	for (size_t r = 0; r < t->nr; r++) {
		const struct csv_row *row = &t->rows[r];
		int idx = 1;

		strbuf_reset(&key);
		for (size_t k = 0; k < xt->nkeys; k++)
			for (size_t h = 0; h < t->header.nr; h++)
				if (map[h] == (int)xt->keys[k]) {
					strbuf_addstr(&key, row->vals[h] ? row->vals[h] : "");
					strbuf_addch(&key, '\x1f');
				}
		if (strmap_get(&seen, key.buf)) {
			err_set(e, "cannot read '%s' line %u: duplicate key (first at line %u)", name,
				row->line, (unsigned)(uintptr_t)strmap_get(&seen, key.buf));
			goto cleanup;
		}
		strmap_put(&seen, key.buf, (void *)(uintptr_t)row->line);
		for (size_t h = 0; h < t->header.nr; h++)
			if (map[h] >= 0 && db_bind_text(ins, idx++, row->vals[h], e) < 0)
				goto cleanup;
		if (db_step(ins, e) < 0) {
			err_prefix(e, "cannot import '%s' line %u", name, row->line);
			goto cleanup;
		}
		db_reset(ins);
		st->rows++;
	}
	st->tables++;
	rc = 0;
cleanup:
	db_finalize(ins);
	strmap_clear(&seen);
	strbuf_release(&key);
	strbuf_release(&sql);
	free(map);
	return rc;
}

int import_csv_file(struct db *db, const char *path, const struct import_opts *o,
		    struct import_stats *st, struct err *e)
{
	struct strbuf buf = STRBUF_INIT;
	struct csv_table t = CSV_TABLE_INIT;
	char *table = o->table ? xstrdup(o->table) : table_from_path(path, ".csv");
	int rc = -1;

	if (read_file(path, &buf, e) < 0)
		goto cleanup;
	if (csv_parse(buf.buf, buf.len, path, &t, e) < 0)
		goto cleanup;
	rc = import_csv_table(db, table, &t, path, o, st, e);
cleanup:
	csv_table_release(&t);
	strbuf_release(&buf);
	free(table);
	return rc;
}

/* Reads table of the SQLite file path into t (line numbers: row numbers + 1). */
static int read_sqlite_table(const char *path, const char *table, struct csv_table *t,
			     struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	struct db *src = NULL;
	struct db_stmt *st = NULL;
	int r, rc = -1;
	unsigned line = 1;

	if (db_open_foreign(&src, path, e) < 0)
		goto cleanup;
	strbuf_addf(&sql, "SELECT * FROM \"%s\"", table);
	st = db_prepare(src, sql.buf, e);
	if (!st)
		goto cleanup;
	for (int c = 0; c < db_column_count(st); c++)
		strvec_push(&t->header, db_column_name(st, c));
	while ((r = db_step(st, e)) == 1) {
		struct csv_row row;
		row.line = ++line;
		row.vals = xcalloc(t->header.nr ? t->header.nr : 1, sizeof(char *));
		for (size_t c = 0; c < t->header.nr; c++) {
			const char *v = db_column_text(st, (int)c);
			row.vals[c] = v ? xstrdup(v) : NULL;
		}
		ALLOC_GROW(t->rows, t->nr + 1, t->alloc);
		t->rows[t->nr++] = row;
	}
	rc = r < 0 ? -1 : 0;
cleanup:
	db_finalize(st);
	db_close(src);
	strbuf_release(&sql);
	return rc;
}

int import_xcat_db(struct db *db, const char *dir, const struct import_opts *o,
		   struct import_stats *st, struct err *e)
{
	struct strbuf path = STRBUF_INIT;
	int rc = -1, found = 0;

	for (size_t i = 0; i < n_xcat_tables; i++) {
		const char *table = xcat_tables[i].name;
		struct csv_table t = CSV_TABLE_INIT;
		struct import_opts one = *o;
		int r;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s.sqlite", dir, table);
		if (access(path.buf, F_OK) < 0)
			continue;
		found++;
		r = read_sqlite_table(path.buf, table, &t, e);
		one.table = NULL;
		if (r == 0)
			r = import_csv_table(db, table, &t, path.buf, &one, st, e);
		csv_table_release(&t);
		if (r < 0) {
			err_prefix(e, "cannot import '%s'", path.buf);
			goto cleanup;
		}
	}
	if (!found) {
		err_set(e, "cannot import '%s': no xCAT table file (<table>.sqlite) extnfs keeps", dir);
		goto cleanup;
	}
	rc = 0;
cleanup:
	strbuf_release(&path);
	return rc;
}

int import_lsnim(struct db *db, const char *sn, const char *path, struct import_stats *st,
		 struct err *e)
{
	struct strbuf buf = STRBUF_INIT;
	struct nim_list l = NIM_LIST_INIT;
	struct db_stmt *del1 = NULL, *del2 = NULL, *res = NULL, *attr = NULL;
	int rc = -1;

	if (read_file(path, &buf, e) < 0 || lsnim_parse(buf.buf, buf.len, path, &l, e) < 0)
		goto cleanup;
	del1 = db_prepare(db, "DELETE FROM nim_resource WHERE sn = ?1", e);
	del2 = db_prepare(db, "DELETE FROM nim_attr WHERE sn = ?1", e);
	res = db_prepare(db, "INSERT INTO nim_resource (sn, name, class, type, location, server)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", e);
	attr = db_prepare(db, "INSERT INTO nim_attr (sn, name, seq, attr, value)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)", e);
	if (!del1 || !del2 || !res || !attr)
		goto cleanup;
	if (db_bind_text(del1, 1, sn, e) < 0 || db_step(del1, e) < 0 ||
	    db_bind_text(del2, 1, sn, e) < 0 || db_step(del2, e) < 0)
		goto cleanup;
	for (size_t i = 0; i < l.nr; i++) {
		const struct nim_object *ob = &l.objs[i];
		if (db_bind_text(res, 1, sn, e) < 0 || db_bind_text(res, 2, ob->name, e) < 0 ||
		    db_bind_text(res, 3, nim_object_get(ob, "class"), e) < 0 ||
		    db_bind_text(res, 4, nim_object_get(ob, "type"), e) < 0 ||
		    db_bind_text(res, 5, nim_object_get(ob, "location"), e) < 0 ||
		    db_bind_text(res, 6, nim_object_get(ob, "server"), e) < 0)
			goto cleanup;
		if (db_step(res, e) < 0) {
			err_prefix(e, "cannot import '%s' line %u: object '%s'", path, ob->line, ob->name);
			goto cleanup;
		}
		db_reset(res);
		for (size_t a = 0; a < ob->nr; a++) {
			if (db_bind_text(attr, 1, sn, e) < 0 || db_bind_text(attr, 2, ob->name, e) < 0 ||
			    db_bind_int(attr, 3, (int64_t)a, e) < 0 ||
			    db_bind_text(attr, 4, ob->attrs[a].name, e) < 0 ||
			    db_bind_text(attr, 5, ob->attrs[a].value, e) < 0 || db_step(attr, e) < 0)
				goto cleanup;
			db_reset(attr);
		}
		st->rows++;
	}
	st->tables++;
	rc = 0;
cleanup:
	db_finalize(del1);
	db_finalize(del2);
	db_finalize(res);
	db_finalize(attr);
	nim_list_release(&l);
	strbuf_release(&buf);
	return rc;
}
