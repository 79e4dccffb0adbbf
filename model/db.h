/*
 * db.h: the state database. db.c is the only file that includes sqlite3.h;
 * everything else goes through this small statement API. Opening a
 * database creates it if needed and migrates its schema to the current
 * version, inside one transaction.
 */
#ifndef EXTNFS_DB_H
#define EXTNFS_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct db;
struct db_stmt;

/* The schema version this build writes (PRAGMA user_version). */
int db_schema_version(void);

/*
 * Opens (creating parent-less files only) and migrates path. Returns 0 and
 * *out, or -1 with e set; a database from a newer extnfs is refused.
 */
int db_open(struct db **out, const char *path, struct err *e);
void db_close(struct db *db);

/* Transactions: 0 or -1 with e set. db_rollback never fails. */
int db_begin(struct db *db, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);

/* Runs one or more statements without results. 0 or -1. */
int db_exec(struct db *db, const char *sql, struct err *e);

/* Prepares sql; NULL with e set on error. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);
/* Binds text (NULL binds SQL NULL) to the 1-based parameter idx. */
int db_bind_text(struct db_stmt *st, int idx, const char *s, struct err *e);
int db_bind_int(struct db_stmt *st, int idx, int64_t v, struct err *e);
/* Steps: 1 a row is ready, 0 done, -1 error with e set. */
int db_step(struct db_stmt *st, struct err *e);
/* Resets a statement for reuse with new bindings. */
void db_reset(struct db_stmt *st);
int db_column_count(struct db_stmt *st);
const char *db_column_name(struct db_stmt *st, int i);
/* Text of column i of the current row, or NULL for SQL NULL. */
const char *db_column_text(struct db_stmt *st, int i);
int64_t db_column_int(struct db_stmt *st, int i);
void db_finalize(struct db_stmt *st);
/* Rows changed by the last statement. */
int db_changes(struct db *db);

/*
 * Opens someone else's SQLite file (xCAT's tables) read-only, without
 * migrations. 0 and *out, or -1 with e set. Close with db_close().
 */
int db_open_foreign(struct db **out, const char *path, struct err *e);

#endif
