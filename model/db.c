/*
 * db.c: SQLite behind a narrow API (the only includer of sqlite3.h), the
 * schema migrations, and transactions. The xCAT tables are created from
 * the definitions in schema.c, so the SQL and the C view cannot disagree.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/db.h"
#include "model/schema.h"
#include "util/banned.h"

struct db {
	sqlite3 *h;
};

struct db_stmt {
	sqlite3_stmt *st;
	struct db *db;
};

/*
 * Migrations: entry i brings a database from version i to i + 1. Entry 0
 * is generated from schema.c (the xCAT tables). Never edit a released
 * entry; append a new one.
 */
static const char *const migrations[] = {
	NULL, /* 0 -> 1: xCAT tables, built by create_xcat_tables() */
	/* 1 -> 2: NIM resources reported by each SN */
	"CREATE TABLE nim_resource ("
	" sn TEXT NOT NULL, name TEXT NOT NULL, class TEXT, type TEXT,"
	" location TEXT, server TEXT, PRIMARY KEY (sn, name));"
	"CREATE TABLE nim_attr ("
	" sn TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL,"
	" attr TEXT NOT NULL, value TEXT, PRIMARY KEY (sn, name, seq));",
	/* 2 -> 3: export ids (Ganesha Export_Id, Linux fsid=), allocated once */
	"CREATE TABLE export_id ("
	" server TEXT NOT NULL, path TEXT NOT NULL, id INTEGER NOT NULL,"
	" PRIMARY KEY (server, path));"
	"CREATE UNIQUE INDEX export_id_unique ON export_id (server, id);",
	/*
	 * 3 -> 4: what the replication engine wrote under each destination
	 * root (sync/manifest.c); path '' is the root, with its identity
	 * (dev, ino) and state ('open' while a run may be changing it)
	 */
	"CREATE TABLE manifest ("
	" root TEXT NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL,"
	" size INTEGER, mtime_ns INTEGER, mode INTEGER, uid INTEGER, gid INTEGER,"
	" rdev INTEGER, digest TEXT, target TEXT, dev INTEGER, ino INTEGER, state TEXT,"
	" PRIMARY KEY (root, path)) WITHOUT ROWID;",
	/*
	 * 4 -> 5: the last sync of each tree job (check/record.c): when it
	 * last succeeded, from which host, the fingerprints of the source and
	 * of the server copy then (NULL when not readable from here), and the
	 * last attempt's outcome; scope is the job's include patterns
	 */
	"CREATE TABLE sync_record ("
	" server TEXT NOT NULL, path TEXT NOT NULL, scope TEXT NOT NULL,"
	" kind TEXT, src_host TEXT, synced_at INTEGER, src_fp TEXT, dst_fp TEXT,"
	" last_state TEXT, last_at INTEGER, last_msg TEXT,"
	" PRIMARY KEY (server, path, scope));",
};
#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

int db_schema_version(void)
{
	return (int)N_MIGRATIONS;
}

static int sqlerr(struct db *db, struct err *e, const char *what)
{
	return err_set(e, "database: %s: %s", what, sqlite3_errmsg(db->h));
}

int db_exec(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "database: %s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int create_xcat_tables(struct db *db, struct err *e)
{
	struct strbuf sql = STRBUF_INIT;
	int rc;

	for (size_t t = 0; t < n_xcat_tables; t++) {
		const struct xtable *xt = &xcat_tables[t];
		strbuf_addf(&sql, "CREATE TABLE \"%s\" (", xt->name);
		for (size_t c = 0; c < xt->ncols; c++)
			strbuf_addf(&sql, "%s\"%s\" TEXT", c ? ", " : "", xt->cols[c]);
		strbuf_addstr(&sql, ");");
		strbuf_addf(&sql, "CREATE UNIQUE INDEX \"%s_key\" ON \"%s\" (", xt->name, xt->name);
		for (size_t k = 0; k < xt->nkeys; k++)
			strbuf_addf(&sql, "%s\"%s\"", k ? ", " : "", xt->cols[xt->keys[k]]);
		strbuf_addstr(&sql, ");");
	}
	rc = db_exec(db, sql.buf, e);
	strbuf_release(&sql);
	return rc;
}

static int migrate(struct db *db, struct err *e)
{
	struct db_stmt *st;
	int version;

	st = db_prepare(db, "PRAGMA user_version", e);
	if (!st || db_step(st, e) != 1) {
		db_finalize(st);
		return -1;
	}
	version = (int)db_column_int(st, 0);
	db_finalize(st);
	if (version > (int)N_MIGRATIONS)
		return err_set(e, "database schema version %d is newer than this extnfs (%d)",
			       version, (int)N_MIGRATIONS);
	if (version == (int)N_MIGRATIONS)
		return 0;
	if (db_exec(db, "BEGIN IMMEDIATE", e) < 0)
		return -1;
	for (int v = version; v < (int)N_MIGRATIONS; v++) {
		int rc = migrations[v] ? db_exec(db, migrations[v], e) : create_xcat_tables(db, e);
		if (rc < 0) {
			err_prefix(e, "schema migration %d -> %d", v, v + 1);
			db_rollback(db);
			return -1;
		}
	}
	{
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", (int)N_MIGRATIONS);
		if (db_exec(db, sql, e) < 0) {
			db_rollback(db);
			return -1;
		}
	}
	return db_commit(db, e);
}

int db_open(struct db **out, const char *path, struct err *e)
{
	struct db *db = xcalloc(1, sizeof(*db));

	*out = NULL;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		err_set(e, "cannot open database '%s': %s", path,
			db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 10000);
	if (db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		    " PRAGMA foreign_keys = ON;", e) < 0 ||
	    migrate(db, e) < 0) {
		err_prefix(e, "cannot open database '%s'", path);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	db_close(db);
	return -1;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db);
}

int db_begin(struct db *db, struct err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

int db_commit(struct db *db, struct err *e)
{
	if (db_exec(db, "COMMIT", e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
	struct db_stmt *st = xcalloc(1, sizeof(*st));

	st->db = db;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st->st, NULL) != SQLITE_OK) {
		sqlerr(db, e, "prepare");
		free(st);
		return NULL;
	}
	return st;
}

int db_bind_text(struct db_stmt *st, int idx, const char *s, struct err *e)
{
	int rc = s ? sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT)
		   : sqlite3_bind_null(st->st, idx);
	return rc == SQLITE_OK ? 0 : sqlerr(st->db, e, "bind");
}

int db_bind_int(struct db_stmt *st, int idx, int64_t v, struct err *e)
{
	return sqlite3_bind_int64(st->st, idx, v) == SQLITE_OK ? 0 : sqlerr(st->db, e, "bind");
}

int db_step(struct db_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st->st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sqlerr(st->db, e, "step");
}

void db_reset(struct db_stmt *st)
{
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

int db_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(st->st);
}

const char *db_column_name(struct db_stmt *st, int i)
{
	return sqlite3_column_name(st->st, i);
}

const char *db_column_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->st, i);
}

int64_t db_column_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

int db_open_foreign(struct db **out, const char *path, struct err *e)
{
	struct db *db = xcalloc(1, sizeof(*db));

	*out = NULL;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(e, "cannot open '%s': %s", path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
		db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, 10000);
	*out = db;
	return 0;
}
