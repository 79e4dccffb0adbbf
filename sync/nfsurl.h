/*
 * nfsurl.h: the destination URL of the NFS backend,
 * nfs://server[:port]/path[?option=value&...], parsed without libnfs (so
 * the portable build can say "not in this build" precisely, and the
 * parser has its own unit test and fuzz target).
 *
 * Options: nfsport=N (the NFS port, skipping the portmapper; the same as
 * :port), mountport=N (the MOUNT port), version=3|4, timeout=SECONDS (how
 * long a server that stopped answering is waited for, 1..86400, default
 * 60), inflight=N (requests in flight per connection, 1..1024, default
 * 32; each WRITE holds up to 1 MiB until answered). The path is
 * absolute; "//" and "." components are dropped, ".." is refused.
 */
#ifndef EXTNFS_SYNC_NFSURL_H
#define EXTNFS_SYNC_NFSURL_H

#include <stdbool.h>

#include "util/util.h"

struct nfsurl {
	char *host;    /* a name, an IPv4 address or a bracketed IPv6 address's inside */
	char *path;    /* normalised: "/" or "/a/b", no trailing slash */
	int nfsport;   /* 0: ask the portmapper */
	int mountport; /* 0: ask the portmapper */
	int version;   /* 3 or 4 */
	int timeout;   /* seconds */
	int inflight;
};
#define NFSURL_INIT { NULL, NULL, 0, 0, 3, 60, 32 }

/* True when s names an NFS destination (starts with "nfs://"). */
bool nfsurl_is(const char *s);

/*
 * Parses url into u (released first). Returns 0, or -1 with e set to
 * "invalid NFS URL 'URL': why" and u left empty.
 */
int nfsurl_parse(const char *url, struct nfsurl *u, struct err *e);

/*
 * The canonical form that names the destination in the manifest:
 * nfs://host[:nfsport]/path (lowercased host, normalised path, no other
 * options). Appended to sb.
 */
void nfsurl_canonical(const struct nfsurl *u, struct strbuf *sb);

void nfsurl_release(struct nfsurl *u);

#endif
