/*
 * apply.h: the stages of 'extnfs apply' that act on the plan, shared by
 * the sync, statelite and apply commands: locking the servers, running
 * the tree jobs with a summary, creating the statelite directories.
 */
#ifndef EXTNFS_APPLY_H
#define EXTNFS_APPLY_H

#include <stdbool.h>

#include "remote/jobs.h"
#include "util/lock.h"
#include "util/strbuf.h"
#include "util/util.h"

struct plan;
struct conf;

/*
 * Locks every server of p, in name order, with lock files beside the
 * database (dbpath.SERVER.lock): a second extnfs working on the same
 * server waits (saying so on stderr). locks gets one entry per server.
 */
int apply_lock_servers(const struct plan *p, const char *dbpath, struct lock **locks, size_t *n,
		       struct err *e);
void apply_unlock(struct lock *locks, size_t n);

/* The summary of a sync: per SN and resource kind, what was copied, skipped, failed. */
void sync_summary(const struct plan *p, const struct job_result *r, bool dry_run, struct strbuf *out);
/* EXIT_OK when every job succeeded, EXIT_ALL_FAILED when none did, else EXIT_SOME_FAILED. */
int sync_exit_code(const struct job_result *r, size_t n);

struct statelite_report {
	size_t created, existed, failed;
	struct strvec lines; /* "created SERVER:PATH (kind, node)" and error lines */
};

/*
 * Creates the plan's statelite directories on their servers through the
 * destination backends (a local dest, nfs://, or one ssh session per
 * ssh:// server; never following a
 * symlink; existing directories are not touched). 0, or -1 when the
 * report cannot be made.
 */
int statelite_prepare(const struct plan *p, const struct conf *c, bool dry_run,
		      struct statelite_report *r, struct err *e);
void statelite_report_release(struct statelite_report *r);

struct conf_server;

/*
 * Where the server's exports_file lives and its reload runs: NULL for this
 * machine, else an ssh:// URL ([server] control, or an ssh:// dest).
 */
const char *server_control(const struct conf_server *cs);
/*
 * Reads path on the server (this machine or over ssh). A missing file is
 * *exists false (exists NULL: an error). 0 or -1.
 */
int server_read_file(const struct conf_server *cs, const char *path, struct strbuf *out,
		     bool *exists, struct err *e);
/*
 * Reloads the server as its configuration says (exportfs -ra, SIGHUP to
 * the pid in pidfile), on the control host when it has one. 0 or -1.
 */
int reload_server(const struct conf_server *cs, struct err *e);
/*
 * Installs out as the server's exports_file (atomically, the previous one
 * kept as FILE.extnfs-bak) and reloads it; puts the old file back and
 * reloads again when the reload fails. 1 applied, 0 unchanged, -1 error.
 */
int apply_exports_file(const struct conf_server *cs, const struct strbuf *out, bool dry,
		       struct err *e);

#endif
