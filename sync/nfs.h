/*
 * nfs.h: the NFS destination backend (sync/nfs.c), nfs://server/path
 * through libnfs; see sync/nfsurl.h for the URL and its options.
 */
#ifndef EXTNFS_SYNC_NFS_H
#define EXTNFS_SYNC_NFS_H

#include "sync/ops.h"
#include "util/util.h"

/*
 * A backend instance for url; nothing is contacted yet (open_root mounts
 * and probes for root squashing). NULL with e set for a bad URL, NFSv4,
 * or a build without libnfs. With no_fastpath there is no copy_from.
 */
struct dest *dest_nfs_new(const char *url, int no_fastpath, struct err *e);

#endif
