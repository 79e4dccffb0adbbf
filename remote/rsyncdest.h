/*
 * rsyncdest.h: an agent job whose dest is ssh://[user@]host[:port]/path,
 * run with rsync over ssh (the design's fallback transport): the same
 * scope, guards and counts as the engine's jobs, as far as rsync has them.
 */
#ifndef EXTNFS_RSYNCDEST_H
#define EXTNFS_RSYNCDEST_H

#include <stdbool.h>

#include "sync/engine.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

struct agent_job;

/* An ssh:// URL taken apart: how to reach its host, and the path there. */
struct sshdest {
	struct strvec argv; /* the ssh command: [server] ssh, -o BatchMode=yes, -p PORT */
	char *host;         /* [user@]host */
	char *path;         /* ends with '/' */
};

/* Parses ssh://[user@]host[:port]/path with ssh (NULL: "ssh"). 0, or -1 with e set. */
int sshdest_parse(const char *url, const char *ssh, struct sshdest *d, struct err *e);
void sshdest_release(struct sshdest *d);

/*
 * Runs the POSIX sh script on d's host as 'sh -c SCRIPT extnfs ARGS...'
 * (args NULL-terminated, each quoted for the remote shell; they are $1...),
 * in (may be NULL) on its stdin; out (may be NULL) gets its stdout. 0 when
 * it exited 0, else -1 with e: ssh's reason ("cannot reach HOST over ssh:
 * ..."), or "WHAT failed (exit N): " and the script's last stderr line.
 */
int sshdest_sh(const struct sshdest *d, const char *what, const char *script,
	       const char *const *args, const struct strbuf *in, struct strbuf *out, struct err *e);

/* Whether dest is an ssh:// destination. */
bool rsyncdest_is(const char *dest);

/*
 * Runs rsync for j (dry_run: --dry-run) and counts the itemized changes
 * into st. 0, or -1 with e set to rsync's reason and exit code.
 */
int rsyncdest_run(const struct agent_job *j, bool dry_run, struct sync_stats *st, struct err *e);

#endif
