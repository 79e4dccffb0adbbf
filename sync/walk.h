/*
 * walk.h: the engine's view of a tree, the listing of one source
 * directory, and the comparison of one source entry with what the
 * destination holds (from a listing or from the manifest). The comparison
 * is a pure function so that its rules can be tested from a table.
 */
#ifndef EXTNFS_SYNC_WALK_H
#define EXTNFS_SYNC_WALK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sync/copyfile.h"
#include "sync/ops.h"
#include "util/strvec.h"
#include "util/util.h"

struct filter;
struct dnode;

/* What an entry needs. */
enum walk_action {
	A_NONE,  /* in sync */
	A_WRITE, /* create, or rewrite (temporary name + rename) */
	A_META,  /* attributes only (meta_mask) */
	A_CHECK, /* --checksum: equal size; a worker compares content */
	A_LINK,  /* hard link to the leader (late) */
	A_SKIP,  /* a socket */
};

enum walk_status { ST_TODO, ST_OK, ST_FAILED, ST_GONE };

/* Why an entry is written (for --itemize). */
enum walk_reason {
	R_NEW,
	R_SIZE,
	R_MTIME,
	R_TYPE,
	R_TARGET,
	R_RDEV,
	R_LINKS,
	R_CHECKSUM,
};

/* One source entry of a directory. */
struct ent {
	char *name;
	struct dest_meta m; /* source attributes */
	char *target;       /* symlink target */
	struct dnode *dir;  /* for directories: their node */
	struct ent *leader; /* hard link: the first name of the inode in the job */
	struct dnode *leader_parent;
	char type;          /* f d l c b p s */
	uint8_t action;     /* enum walk_action */
	uint8_t reason;     /* enum walk_reason, for A_WRITE */
	uint8_t status;     /* enum walk_status */
	unsigned meta_mask; /* DEST_SET_* for A_META (and after A_CHECK) */
	bool late;          /* the destination holds a directory here: replace it last */
	bool dest_present;
	bool dest_follower_ok; /* the destination already links it to its leader */
	bool rewritten;     /* a new inode was put in place (followers must relink) */
	bool has_digest;
	bool dest_has_digest;
	uint64_t dest_dev, dest_ino; /* destination identity (hard links) */
	uint8_t digest[COPYFILE_DIGEST_LEN];
	uint8_t dest_digest[COPYFILE_DIGEST_LEN];
};

/* One directory of the job, on both sides. */
struct dnode {
	struct dnode *parent;
	struct ent *self;           /* NULL for the root */
	const struct dest_meta *m;  /* source attributes of the directory */
	char *path;                 /* relative path ("" for the root) */
	struct ent *ents;
	size_t nents, alloc;
	/* below: owned by the engine, under its lock */
	int src_fd;
	int src_users;
	struct dest_dir *dd;
	int dest_users;
	int refs;            /* walker + batches + children not complete */
	int batches_left;
	bool create;         /* the destination directory must be made */
	bool made;           /* it exists now (made or opened) */
	bool dest_failed;    /* it could not be made or opened */
	bool walked;         /* the walker is done with it */
	bool complete;
	bool late;           /* deletions, links or replacements in the late phase */
	bool late_below;     /* some directory below has late work */
	bool dest_setgid;    /* the destination directory has the setgid bit */
	atomic_bool dirty;   /* entries changed: its times must be set again */
	unsigned meta_mask;  /* attributes to fix after the content */
	int scan_state;      /* SCAN_*: the source listing, maybe by a worker ahead of the walker */
	int dlist_state;     /* SCAN_*: the destination listing, likewise */
	bool prefetched;     /* queued ahead (counted in the engine's scans_ahead) */
	char *scan_err;      /* why the source listing failed (NULL: it did not) */
	void *dest_listing;  /* the destination's listing, made with the scan (engine.c) */
	char *dest_err;      /* why the destination listing failed */
	struct strvec deletes;     /* destination names to delete (late) */
	struct strvec tmp_leftovers; /* our temporaries from an earlier run (late) */
};

enum { SCAN_NONE, SCAN_QUEUED, SCAN_RUNNING, SCAN_DONE };

/* What the destination has under one name (from a listing or the manifest). */
struct dinfo {
	bool present;
	char type;           /* f d l c b p s, or h: a hard link (manifest) */
	struct dest_meta m;
	const char *target;  /* symlink target, or the leader's path for h */
	bool has_digest;
	const uint8_t *digest;
	bool from_manifest;
};

/* Settings of the comparison. */
struct walk_cmp {
	bool checksum;
	bool owners; /* compare owners (running as root) */
	bool no_link_times; /* symlink mtimes not compared: the destination cannot set them */
};

/* The type letter of a mode: f d l c b p s, '?' for anything else. */
char walk_type_of(uint32_t mode);

/*
 * Lists the source directory open as dfd into d->ents, sorted by name,
 * reading symlink targets; entries the filter excludes are left out (their
 * relative paths are d->path + "/" + name). Entries that vanish meanwhile
 * are left out too. Returns 0, or -1 with e set.
 */
int walk_list_source(int dfd, struct dnode *d, const struct filter *f, struct err *e);

/*
 * Decides what ent needs given what the destination has (d). Sets
 * ent->action, reason, meta_mask and late. For directories the decision is
 * about the directory's own attributes: the caller makes the child node
 * (with create when the destination has no directory there). Followers of
 * hard links are not decided here (their leader decides). Returns the
 * meta mask for directories (0 otherwise).
 */
unsigned walk_decide(const struct walk_cmp *c, struct ent *ent, const struct dinfo *d);

/* Frees a node's entries and children (recursively). */
void walk_free(struct dnode *d);

#endif
