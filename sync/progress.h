/*
 * progress.h: the text of the progress line and of the summary line of a
 * replication, from its statistics (pure functions; the command decides
 * where and when they are printed).
 */
#ifndef EXTNFS_SYNC_PROGRESS_H
#define EXTNFS_SYNC_PROGRESS_H

#include "sync/engine.h"
#include "util/strbuf.h"

/* Appends a byte count for people: 512 B, 1.5 KiB, 12.3 MiB, 4.0 GiB. */
void progress_bytes(uint64_t n, struct strbuf *out);
/*
 * Appends the progress line: changes done of those planned so far, bytes,
 * rate and (once planning has made a total) the time left, e.g.
 * "1200/5000 changes, 180.0 MiB, 45.0 MiB/s, 0:08 left".
 */
void progress_line(const struct sync_stats *st, struct strbuf *out);
/*
 * Appends the summary line, e.g. "12 created, 3 updated, 1 metadata-only,
 * 0 deleted, 0 failed; 1.2 MiB (1234567 bytes) in 0.31 s" (prefixed with
 * "dry run: would have " for dry runs).
 */
void progress_summary(const struct sync_stats *st, struct strbuf *out);

#endif
