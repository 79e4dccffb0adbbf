/*
 * lock.h: one extnfs at a time per resource (a destination, a server):
 * an fcntl() lock on a file, released when the process ends however it
 * ends, so a crash never leaves a stale lock. POSIX, works on AIX.
 */
#ifndef EXTNFS_LOCK_H
#define EXTNFS_LOCK_H

#include <stdbool.h>

#include "util/util.h"

struct lock {
	int fd;
	char *path;
};
#define LOCK_INIT { -1, NULL }

/*
 * Takes the lock on path (created if missing; the holder's pid is written
 * into it). When another process holds it: with wait, calls waiting (may
 * be NULL) with the message naming that process and blocks until it is
 * free; without, returns 1 (e names that process). 0 taken, -1 errors.
 */
int lock_take(struct lock *l, const char *path, bool wait, void (*waiting)(const char *msg),
	      struct err *e);
void lock_release(struct lock *l);

#endif
