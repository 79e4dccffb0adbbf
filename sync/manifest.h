/*
 * manifest.h: what the engine wrote to a destination, kept in the state
 * database (table "manifest", through model/db.h) so that the next run can
 * compare the source with it instead of walking the destination. Rows are
 * keyed by the canonical absolute destination root and the path relative
 * to it ("" is the root itself, whose row also carries the root's identity
 * and a state: "open" while a run may be changing the tree, NULL after a
 * run finished cleanly). A manifest is trusted only when its root row is
 * clean and names the same directory (device and inode) as today's root.
 */
#ifndef EXTNFS_SYNC_MANIFEST_H
#define EXTNFS_SYNC_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "sync/copyfile.h"
#include "util/strmap.h"
#include "util/util.h"

struct db;

struct manifest_row {
	char *path;   /* relative; "" for the root */
	char type;    /* f d l c b p, or h: a hard link to target */
	uint64_t size;
	int64_t mtime_ns;
	uint32_t mode, uid, gid;
	uint64_t rdev;
	bool has_digest;
	uint8_t digest[COPYFILE_DIGEST_LEN];
	char *target; /* symlink target, or the first path of a hard link */
	uint64_t dev, ino; /* root row only */
	bool open;         /* root row only: state "open" */
};

/* A loaded manifest, children grouped by directory. */
struct manifest {
	struct manifest_row *rows;
	size_t nr, alloc;
	struct manifest_row *root_row; /* NULL when there is none */
	struct strmap dirs;            /* parent path -> struct manifest_dir * */
};
#define MANIFEST_INIT { NULL, 0, 0, NULL, STRMAP_INIT }

/* The rows of one directory, sorted by name (indices into rows). */
struct manifest_dir {
	size_t *idx;
	size_t nr, alloc;
};

/* Loads every row of root. 0, or -1 with e set. */
int manifest_load(struct db *db, const char *root, struct manifest *m, struct err *e);
/* The children rows of directory path, or NULL when it has none. */
const struct manifest_dir *manifest_children(const struct manifest *m, const char *path);
/* The last component of a row's path. */
const char *manifest_row_name(const struct manifest_row *r);
void manifest_release(struct manifest *m);

/* Marks root as being changed (state "open") with its identity, committed at once. */
int manifest_mark_open(struct db *db, const char *root, uint64_t dev, uint64_t ino,
		       struct err *e);

/* Batched writes in one transaction (prepared statements). */
struct manifest_writer;
/* Starts; replace_all first forgets every row of root. NULL with e set on error. */
struct manifest_writer *manifest_writer_begin(struct db *db, const char *root, bool replace_all,
					      struct err *e);
int manifest_put(struct manifest_writer *w, const struct manifest_row *r, struct err *e);
/* Forgets path, and with subtree everything below it. */
int manifest_del(struct manifest_writer *w, const char *path, bool subtree, struct err *e);
/* Commits and frees w (also on failure). 0 or -1. */
int manifest_writer_commit(struct manifest_writer *w, struct err *e);
/* Rolls back and frees w (NULL is fine). */
void manifest_writer_abort(struct manifest_writer *w);

#endif
