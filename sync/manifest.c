/*
 * manifest.c: the manifest table through model/db.h; see manifest.h.
 * Loading reads one root's rows in one query and groups them by parent
 * directory (sorted), so the engine can list a destination directory from
 * memory. Writing is one transaction with prepared statements.
 */
#include <stdlib.h>
#include <string.h>

#include "model/db.h"
#include "sync/manifest.h"
#include "util/banned.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool parse_digest(const char *s, uint8_t *out)
{
	if (!s || strlen(s) != 2 * COPYFILE_DIGEST_LEN)
		return false;
	for (int i = 0; i < COPYFILE_DIGEST_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

const char *manifest_row_name(const struct manifest_row *r)
{
	const char *s = strrchr(r->path, '/');
	return s ? s + 1 : r->path;
}

int manifest_load(struct db *db, const char *root, struct manifest *m, struct err *e)
{
	struct db_stmt *st;
	int rc;

	st = db_prepare(db,
			"SELECT path, type, size, mtime_ns, mode, uid, gid, rdev, digest, target"
			" FROM manifest WHERE root = ?1 ORDER BY path",
			e);
	if (!st || db_bind_text(st, 1, root, e) < 0)
		goto fail;
	while ((rc = db_step(st, e)) == 1) {
		struct manifest_row *r;
		const char *s;
		ALLOC_GROW(m->rows, m->nr + 1, m->alloc);
		r = &m->rows[m->nr++];
		memset(r, 0, sizeof(*r));
		s = db_column_text(st, 0);
		r->path = xstrdup(s ? s : "");
		s = db_column_text(st, 1);
		r->type = s && *s ? *s : '?';
		r->size = (uint64_t)db_column_int(st, 2);
		r->mtime_ns = db_column_int(st, 3);
		r->mode = (uint32_t)db_column_int(st, 4);
		r->uid = (uint32_t)db_column_int(st, 5);
		r->gid = (uint32_t)db_column_int(st, 6);
		r->rdev = (uint64_t)db_column_int(st, 7);
		r->has_digest = parse_digest(db_column_text(st, 8), r->digest);
		s = db_column_text(st, 9);
		r->target = s ? xstrdup(s) : NULL;
	}
	if (rc < 0)
		goto fail;
	db_finalize(st);
	st = NULL;
	/* the root row's identity and state (the other rows have none) */
	if (m->nr && !*m->rows[0].path) {
		struct manifest_row *r = &m->rows[0];
		st = db_prepare(db, "SELECT dev, ino, state FROM manifest WHERE root = ?1 AND path = ''",
				e);
		if (!st || db_bind_text(st, 1, root, e) < 0 || (rc = db_step(st, e)) < 0)
			goto fail;
		if (rc == 1) {
			const char *state = db_column_text(st, 2);
			r->dev = (uint64_t)db_column_int(st, 0);
			r->ino = (uint64_t)db_column_int(st, 1);
			r->open = state && !strcmp(state, "open");
		}
		db_finalize(st);
		st = NULL;
	}
	/*
	 * Rows come in path order, in which the children of one directory are
	 * in name order (their common prefix then the name decides), though
	 * not next to each other: group them by parent.
	 */
	{
		const char *last_parent = NULL;
		size_t last_len = 0;
		struct manifest_dir *md = NULL;
		for (size_t i = 0; i < m->nr; i++) {
			struct manifest_row *r = &m->rows[i];
			const char *slash = strrchr(r->path, '/');
			size_t pl = slash ? (size_t)(slash - r->path) : 0;
			if (!*r->path) {
				m->root_row = r;
				continue;
			}
			if (!md || pl != last_len || memcmp(r->path, last_parent, pl)) {
				md = strmap_getn(&m->dirs, r->path, pl);
				if (!md) {
					char *parent = xstrndup(r->path, pl);
					md = xcalloc(1, sizeof(*md));
					strmap_put(&m->dirs, parent, md);
					free(parent);
				}
				last_parent = r->path;
				last_len = pl;
			}
			ALLOC_GROW(md->idx, md->nr + 1, md->alloc);
			md->idx[md->nr++] = i;
		}
	}
	return 0;
fail:
	db_finalize(st);
	err_prefix(e, "cannot read the manifest of '%s'", root);
	return -1;
}

const struct manifest_dir *manifest_children(const struct manifest *m, const char *path)
{
	return strmap_get(&m->dirs, path);
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		free(m->rows[i].path);
		free(m->rows[i].target);
	}
	free(m->rows);
	for (size_t i = 0; i < m->dirs.cap; i++)
		if (m->dirs.slots[i].key) {
			struct manifest_dir *md = m->dirs.slots[i].value;
			free(md->idx);
			free(md);
		}
	strmap_clear(&m->dirs);
	m->rows = NULL;
	m->nr = m->alloc = 0;
	m->root_row = NULL;
}

int manifest_mark_open(struct db *db, const char *root, uint64_t dev, uint64_t ino,
		       struct err *e)
{
	struct db_stmt *st;
	int rc = -1;

	st = db_prepare(db,
			"INSERT INTO manifest (root, path, type, dev, ino, state)"
			" VALUES (?1, '', 'd', ?2, ?3, 'open')"
			" ON CONFLICT (root, path) DO UPDATE SET dev = ?2, ino = ?3, state = 'open'",
			e);
	if (st && db_bind_text(st, 1, root, e) == 0 && db_bind_int(st, 2, (int64_t)dev, e) == 0 &&
	    db_bind_int(st, 3, (int64_t)ino, e) == 0 && db_step(st, e) == 0)
		rc = 0;
	db_finalize(st);
	if (rc < 0)
		err_prefix(e, "cannot update the manifest of '%s'", root);
	return rc;
}

struct manifest_writer {
	struct db *db;
	char *root;
	struct db_stmt *put, *del, *del_tree;
};

void manifest_writer_abort(struct manifest_writer *w)
{
	if (!w)
		return;
	db_finalize(w->put);
	db_finalize(w->del);
	db_finalize(w->del_tree);
	db_rollback(w->db);
	free(w->root);
	free(w);
}

struct manifest_writer *manifest_writer_begin(struct db *db, const char *root, bool replace_all,
					      struct err *e)
{
	struct manifest_writer *w = xcalloc(1, sizeof(*w));

	w->db = db;
	w->root = xstrdup(root);
	if (db_begin(db, e) < 0) {
		free(w->root);
		free(w);
		return NULL;
	}
	w->put = db_prepare(db,
			    "INSERT OR REPLACE INTO manifest (root, path, type, size, mtime_ns, mode,"
			    " uid, gid, rdev, digest, target, dev, ino, state)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL)",
			    e);
	w->del = db_prepare(db, "DELETE FROM manifest WHERE root = ?1 AND path = ?2", e);
	w->del_tree = db_prepare(db,
				 "DELETE FROM manifest WHERE root = ?1 AND path > ?2 || '/'"
				 " AND path < ?2 || '0'",
				 e);
	if (!w->put || !w->del || !w->del_tree)
		goto fail;
	if (replace_all) {
		struct db_stmt *st = db_prepare(db, "DELETE FROM manifest WHERE root = ?1", e);
		int rc = st && db_bind_text(st, 1, root, e) == 0 && db_step(st, e) == 0 ? 0 : -1;
		db_finalize(st);
		if (rc < 0)
			goto fail;
	}
	return w;
fail:
	err_prefix(e, "cannot update the manifest of '%s'", root);
	manifest_writer_abort(w);
	return NULL;
}

int manifest_put(struct manifest_writer *w, const struct manifest_row *r, struct err *e)
{
	struct db_stmt *st = w->put;
	char type[2] = { r->type, '\0' }, hex[2 * COPYFILE_DIGEST_LEN + 1];
	int rc;

	if (r->has_digest)
		copyfile_digest_hex(r->digest, hex);
	db_reset(st);
	rc = db_bind_text(st, 1, w->root, e) | db_bind_text(st, 2, r->path, e) |
	     db_bind_text(st, 3, type, e) | db_bind_int(st, 4, (int64_t)r->size, e) |
	     db_bind_int(st, 5, r->mtime_ns, e) | db_bind_int(st, 6, r->mode, e) |
	     db_bind_int(st, 7, r->uid, e) | db_bind_int(st, 8, r->gid, e) |
	     db_bind_int(st, 9, (int64_t)r->rdev, e) |
	     db_bind_text(st, 10, r->has_digest ? hex : NULL, e) |
	     db_bind_text(st, 11, r->target, e) | db_bind_int(st, 12, (int64_t)r->dev, e) |
	     db_bind_int(st, 13, (int64_t)r->ino, e);
	if (rc < 0 || db_step(st, e) < 0)
		return err_prefix(e, "cannot update the manifest of '%s'", w->root);
	return 0;
}

int manifest_del(struct manifest_writer *w, const char *path, bool subtree, struct err *e)
{
	db_reset(w->del);
	if (db_bind_text(w->del, 1, w->root, e) < 0 || db_bind_text(w->del, 2, path, e) < 0 ||
	    db_step(w->del, e) < 0)
		return err_prefix(e, "cannot update the manifest of '%s'", w->root);
	if (!subtree)
		return 0;
	db_reset(w->del_tree);
	if (db_bind_text(w->del_tree, 1, w->root, e) < 0 ||
	    db_bind_text(w->del_tree, 2, path, e) < 0 || db_step(w->del_tree, e) < 0)
		return err_prefix(e, "cannot update the manifest of '%s'", w->root);
	return 0;
}

int manifest_writer_commit(struct manifest_writer *w, struct err *e)
{
	int rc;

	db_finalize(w->put);
	db_finalize(w->del);
	db_finalize(w->del_tree);
	w->put = w->del = w->del_tree = NULL;
	rc = db_commit(w->db, e);
	if (rc < 0)
		err_prefix(e, "cannot update the manifest of '%s'", w->root);
	free(w->root);
	free(w);
	return rc;
}
