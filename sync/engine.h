/*
 * engine.h: the replication engine. sync_tree() makes a destination
 * directory an exact replica of a source directory's content (the source
 * root's own mode, owner and times included): regular files (holes kept),
 * directories, symlinks (never followed), hard links within the job,
 * device nodes and fifos (sockets are skipped with a note); mode with the
 * setuid/setgid/sticky bits, numeric owner, times to the nanosecond.
 *
 * How it runs: one thread walks the source (and, when the manifest cannot
 * be trusted, the destination) in sorted depth-first order and decides what
 * each entry needs; a pool of workers creates, copies and fixes entries
 * directory batch by directory batch, each file written under a temporary
 * name and renamed into place; directories get their mode and times after
 * their content, deepest first. Deletions (--delete), hard links and
 * directory-to-file replacements come last, after the deletion guard.
 * With deletions requested nothing is changed until the whole plan has
 * passed the guard.
 *
 * The library never prints: changes, notes and per-file errors go to
 * on_event, progress to on_progress (both called one at a time).
 */
#ifndef EXTNFS_SYNC_ENGINE_H
#define EXTNFS_SYNC_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct db;
struct filter;

enum sync_event_kind {
	SYNC_EV_CREATE,      /* a new entry */
	SYNC_EV_UPDATE_DATA, /* content, symlink target or device rewritten */
	SYNC_EV_UPDATE_TYPE, /* replaced by an entry of another type */
	SYNC_EV_UPDATE_META, /* mode, owner or times only */
	SYNC_EV_RELINK,      /* a hard link made again */
	SYNC_EV_DELETE,
	SYNC_EV_SKIP,        /* not copied (sockets) */
	SYNC_EV_NOTE,        /* something worth saying that is not a failure */
	SYNC_EV_ERROR,       /* one entry failed; the others go on */
};

struct sync_event {
	enum sync_event_kind kind;
	char type;          /* f d l c b p s, or h (hard link); 0 when none */
	const char *path;   /* relative to the roots (raw bytes); "" is the root */
	const char *detail; /* why (size, mode, ...), a link target, or the message */
};

struct sync_stats {
	uint64_t scanned;    /* source entries looked at */
	uint64_t created;    /* new entries */
	uint64_t updated;    /* rewritten or replaced entries, remade links */
	uint64_t metadata;   /* attribute-only changes */
	uint64_t deleted;    /* entries removed (each one below a removed directory too) */
	uint64_t skipped;    /* sockets */
	uint64_t failed;     /* entries that could not be done */
	uint64_t bytes;      /* data bytes written (holes are not) */
	uint64_t todo_files; /* changes planned so far (for the progress line) */
	uint64_t todo_bytes; /* bytes planned so far */
	uint64_t done_files; /* changes done so far */
	uint64_t dest_entries;  /* destination entries in scope (the guard's base) */
	uint64_t planned_deletes;
	uint64_t delete_limit;
	double seconds;
	bool dry_run;
	bool walked_dest;    /* false: compared with the manifest only */
};

struct sync_opts {
	const char *src;
	const char *dest;
	struct filter *filter; /* NULL: everything */
	struct db *db;         /* the manifest lives here; NULL: no manifest */
	int jobs;              /* workers; 0: the number of online CPUs */
	bool checksum;         /* compare content, not size and mtime */
	bool del;              /* delete what the source lacks (inside the scope) */
	bool force;            /* an empty source, and any number of deletions */
	bool dry_run;
	bool verify;           /* walk the destination even with a trusted manifest */
	bool fsync;
	bool no_fastpath;      /* POSIX paths only (no SEEK_DATA, copy_file_range) */
	bool keep_root;        /* leave the dest root's own mode, owner and times alone
				  (a directory shared with other jobs, each owning some
				  names in it); a root made here gets mode and owner */
	int64_t max_delete;    /* -1: max_delete_pct of the destination entries */
	int max_delete_pct;    /* default 10 */
	void (*on_event)(void *arg, const struct sync_event *ev);
	void (*on_progress)(void *arg, const struct sync_stats *st);
	void *cb_arg;
	const volatile int *stop; /* set (by a signal handler): finish what runs, stop */
};

/*
 * Runs one replication. Returns 0 when it ran to the end (st->failed
 * counts entries that failed; the rest are done), or -1 with e set and
 * e->code one of EXIT_DELETE_LIMIT (a guard refused: missing, non-directory
 * or empty source, too many deletions; nothing was changed), EXIT_DATA
 * (bad input: unusable destination, overlapping roots, database),
 * EXIT_PARTIAL (stopped through opts->stop). st is filled in all cases.
 */
int sync_tree(const struct sync_opts *o, struct sync_stats *st, struct err *e);

/* True when name is one of the engine's temporary names (.extnfs-tmp.NAME.XXXXXX). */
bool sync_is_tmp_name(const char *name);

/*
 * Sets e to the deletion guard's refusal (code EXIT_DELETE_LIMIT): deletes
 * of entries under dest beyond limit (pct >= 0: the limit is that
 * percentage), nothing changed.
 */
void deletion_refused(struct err *e, uint64_t deletes, uint64_t entries, const char *dest,
		      uint64_t limit, int pct);

#endif
