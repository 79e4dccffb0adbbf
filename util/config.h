/*
 * config.h: the one place where platform features are decided. Everything
 * Linux-only sits behind a HAVE_* macro set here; building with
 * -DEXTNFS_PORTABLE turns all of them off so the POSIX fallbacks are built
 * and tested (the AIX service nodes have none of the Linux fast paths).
 */
#ifndef EXTNFS_CONFIG_H
#define EXTNFS_CONFIG_H

#define EXTNFS_VERSION "0.1.0"

#if defined(__linux__) && !defined(EXTNFS_PORTABLE)
#define HAVE_COPY_FILE_RANGE 1
#define HAVE_SEEK_DATA 1
#define HAVE_STATX 1
#define HAVE_O_TMPFILE 1
#define HAVE_GETDENTS64 1
#endif

/* libnfs is decided by the Makefile (HAVE_LIBNFS=1 unless portable). */

#endif
