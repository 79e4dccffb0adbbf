/*
 * hosts.h: /etc/hosts as xCAT leaves it on a diskless root: "ip name
 * [alias...]" lines, '#' comments, blank lines, and (the trap) the same
 * server line appended on every run. The edits keep every other line
 * byte for byte.
 */
#ifndef EXTNFS_HOSTS_H
#define EXTNFS_HOSTS_H

#include <stddef.h>

#include "util/strbuf.h"

struct err;

/*
 * Writes into out the file buf (len bytes, called name in messages) made
 * to map host to ip on exactly one line: the first line that is just
 * "ip host" stays, a line mapping host to another address is corrected,
 * later lines naming host are dropped (host alone on them) or lose the
 * name (host among aliases); "ip host" is appended when no line is left.
 * Returns 1 when out differs from buf, 0 when it is the same, -1 with e
 * set (a NUL byte, a line over 64 KiB, a bad ip or host).
 */
int hosts_ensure(const char *buf, size_t len, const char *name, const char *ip, const char *host,
		 struct strbuf *out, struct err *e);

/*
 * Writes into out the file without any mapping of host (lines with host
 * alone go, host is dropped from alias lists). 1 changed, 0 same, -1.
 */
int hosts_remove(const char *buf, size_t len, const char *name, const char *host,
		 struct strbuf *out, struct err *e);

#endif
