/*
 * ops.h: how the replication engine talks to a destination. Every
 * operation is relative to an opaque directory handle and one name
 * component, never a path: a backend opens each directory from its parent
 * without following symlinks, so a symlink swapped into the destination
 * cannot redirect a write outside it. The local backend (sync/local.c)
 * uses directory file descriptors and the *at() calls; an NFS backend keeps
 * file handles and sends LOOKUP/CREATE/WRITE/SETATTR/RENAME.
 *
 * Contract for asynchronous backends: the engine writes a regular file as
 * create (exclusive, under a temporary name) -> write/copy_from chunks at
 * explicit offsets -> truncate -> fsetattr -> [fsync] -> close -> rename. A
 * backend may queue the chunk writes and report their errors at close();
 * the engine renames only after close() succeeded. (Or, for a new file
 * where create_anon exists: create_anon -> ... -> fsetattr -> publish ->
 * close.) Optional operations are NULL when a backend lacks them. A handle
 * is used by one thread at a time; different handles are used concurrently
 * by the worker threads.
 *
 * All functions return 0 (or a count) on success and -1 with e set on
 * failure; e->code holds the errno value where one exists, so callers can
 * tell ENOENT and EEXIST from real failures.
 */
#ifndef EXTNFS_SYNC_OPS_H
#define EXTNFS_SYNC_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "util/util.h"

struct dest;      /* one backend instance (connection, root) */
struct dest_dir;  /* an open directory */
struct dest_file; /* an open regular file */

/* What the engine knows about an entry on either side. */
struct dest_meta {
	uint32_t mode; /* type and permission bits, as st_mode */
	uint32_t uid, gid;
	uint64_t size;
	uint64_t rdev;
	struct timespec atime, mtime;
	uint64_t dev, ino; /* identity (hard links); 0 when unknown */
	uint64_t nlink;
	uint64_t blocks; /* 512-byte blocks allocated */
};

/* Which attributes setattr/fsetattr change. */
enum {
	DEST_SET_MODE = 1 << 0,
	DEST_SET_OWNER = 1 << 1,
	DEST_SET_TIMES = 1 << 2,
};

/* Called by list() for each entry but "." and ".."; return non-zero to stop. */
typedef int dest_list_fn(void *arg, const char *name, const struct dest_meta *m);

struct dest_ops {
	const char *name;
	/* Opens the root directory path; creates it (not its parents) when create. */
	int (*open_root)(struct dest *d, const char *path, int create, struct dest_dir **out,
			 struct err *e);
	/* Opens subdirectory name of dir; never follows a symlink (ELOOP/ENOTDIR). */
	int (*open_dir)(struct dest *d, struct dest_dir *dir, const char *name,
			struct dest_dir **out, struct err *e);
	void (*close_dir)(struct dest *d, struct dest_dir *dir);
	/* Attributes of name in dir (name NULL: dir itself). 1 found, 0 absent, -1 error. */
	int (*lstat)(struct dest *d, struct dest_dir *dir, const char *name, struct dest_meta *m,
		     struct err *e);
	/* The target of symlink name in dir (caller frees *out). */
	int (*readlink)(struct dest *d, struct dest_dir *dir, const char *name, char **out,
			struct err *e);
	/* Lists dir with each entry's attributes. */
	int (*list)(struct dest *d, struct dest_dir *dir, dest_list_fn *fn, void *arg, struct err *e);
	int (*mkdir)(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		     struct err *e);
	int (*symlink)(struct dest *d, struct dest_dir *dir, const char *name, const char *target,
		       struct err *e);
	/* Hard link: a new name to_name in to_dir for from_name in from_dir. */
	int (*link)(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		    struct dest_dir *to_dir, const char *to_name, struct err *e);
	/* Device node or fifo (mode carries the type). */
	int (*mknod)(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		     uint64_t rdev, struct err *e);
	/* Atomically replaces to_name (never a non-empty directory). */
	int (*rename)(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		      struct dest_dir *to_dir, const char *to_name, struct err *e);
	int (*unlink)(struct dest *d, struct dest_dir *dir, const char *name, struct err *e);
	int (*rmdir)(struct dest *d, struct dest_dir *dir, const char *name, struct err *e);
	/*
	 * Sets the attributes in mask on name in dir (NULL: dir itself) without
	 * following a symlink. Owner is set before mode (chown clears setuid).
	 */
	int (*setattr)(struct dest *d, struct dest_dir *dir, const char *name,
		       const struct dest_meta *m, unsigned mask, struct err *e);

	/* Creates name exclusively (never through a symlink), open for writing. */
	int (*create)(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		      struct dest_file **out, struct err *e);
	/*
	 * Optional (NULL when the backend has none): creates an unnamed file in
	 * dir, to be named by publish() once complete, so a new file appears
	 * whole with one directory operation. -1 with e->code EOPNOTSUPP,
	 * EISDIR or EINVAL means "not on this filesystem": use create().
	 */
	int (*create_anon)(struct dest *d, struct dest_dir *dir, uint32_t mode,
			   struct dest_file **out, struct err *e);
	/*
	 * Gives an unnamed file the name name in dir; EEXIST when it is taken.
	 * Called before close(): a backend that reports write errors only at
	 * close() must not offer create_anon.
	 */
	int (*publish)(struct dest *d, struct dest_file *f, struct dest_dir *dir, const char *name,
		       struct err *e);
	/* Opens an existing regular file for reading (--checksum, --verify). */
	int (*open_read)(struct dest *d, struct dest_dir *dir, const char *name,
			 struct dest_file **out, struct err *e);
	/* Reads up to len bytes at off; returns the count (0 at end) or -1. */
	int64_t (*read)(struct dest *d, struct dest_file *f, void *buf, size_t len, uint64_t off,
			struct err *e);
	/* Writes all of buf at off (may be queued; errors may surface at close). */
	int (*write)(struct dest *d, struct dest_file *f, const void *buf, size_t len, uint64_t off,
		     struct err *e);
	/*
	 * Optional (NULL when the backend has none): copies len bytes of the
	 * local file src_fd at off to the same offset, in the kernel. Returns
	 * the count copied (short at end of file), or -1; e->code ENOSYS,
	 * EXDEV, EINVAL or EOPNOTSUPP mean "use read/write instead".
	 */
	int64_t (*copy_from)(struct dest *d, struct dest_file *f, int src_fd, uint64_t off,
			     size_t len, struct err *e);
	int (*truncate)(struct dest *d, struct dest_file *f, uint64_t size, struct err *e);
	int (*fsetattr)(struct dest *d, struct dest_file *f, const struct dest_meta *m,
			unsigned mask, struct err *e);
	int (*fsync)(struct dest *d, struct dest_file *f, struct err *e);
	/* Closes f; reports any write error still pending. Always frees f. */
	int (*close)(struct dest *d, struct dest_file *f, struct err *e);
	/*
	 * Optional: true when the destination was lost during the run (a
	 * server that stopped answering). The engine then leaves the manifest
	 * "open", so the next run reads the destination and repairs it.
	 */
	bool (*degraded)(struct dest *d);
	/*
	 * Optional: true when the destination cannot set a symlink's own
	 * times (known once open_root succeeded); the engine then neither
	 * compares nor sets them.
	 */
	bool (*no_link_times)(struct dest *d);
	/* Frees the backend instance. */
	void (*release)(struct dest *d);
};

/* A backend instance: its ops and its private state. */
struct dest {
	const struct dest_ops *ops;
	void *priv;
};

/*
 * The local backend: directory file descriptors and *at() calls. With
 * no_fastpath, copy_from is absent (the engine then uses read/write), as on
 * systems without copy_file_range. Returns a new instance; never fails.
 */
struct dest *dest_local_new(int no_fastpath);

#endif
