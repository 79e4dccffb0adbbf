/*
 * rsyncdest.h: an agent job whose dest is ssh://[user@]host[:port]/path,
 * run with rsync over ssh (the design's fallback transport): the same
 * scope, guards and counts as the engine's jobs, as far as rsync has them.
 */
#ifndef EXTNFS_RSYNCDEST_H
#define EXTNFS_RSYNCDEST_H

#include <stdbool.h>

#include "sync/engine.h"
#include "util/util.h"

struct agent_job;

/* Whether dest is an ssh:// destination. */
bool rsyncdest_is(const char *dest);

/*
 * Runs rsync for j (dry_run: --dry-run) and counts the itemized changes
 * into st. 0, or -1 with e set to rsync's reason and exit code.
 */
int rsyncdest_run(const struct agent_job *j, bool dry_run, struct sync_stats *st, struct err *e);

#endif
