/*
 * record.h: the record of syncs (table sync_record, schema 5) that status
 * and check read: per tree job, when it last synced, from which host, and
 * fingerprints (check/tree.h) of the source and the server copy as they
 * were then. And where a job's tree is on this machine: on its source host
 * (a local host, under its root=) and on its server (a local dest).
 */
#ifndef EXTNFS_CHECK_RECORD_H
#define EXTNFS_CHECK_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "check/tree.h"
#include "remote/jobs.h"
#include "util/util.h"

struct db;
struct conf;
struct plan;
struct tree_job;

struct sync_rec {
	char *src_host;
	int64_t synced_at; /* last success, seconds since the epoch; 0: never */
	char *src_fp;      /* NULL: not readable from here then */
	char *dst_fp;
	char *last_state;  /* "ok", "skipped", "failed" */
	int64_t last_at;
	char *last_msg;
};

/*
 * Where j's tree is on this machine: on its source host (local transport
 * only) or on its server (a local dest), newly allocated; NULL when it is
 * not reachable as a path here.
 */
char *job_src_dir(const struct conf *c, const struct tree_job *j);
char *job_dst_dir(const struct conf *c, const struct tree_job *j);
/* tree_scan() of dir with j's scope. */
int job_scan(const char *dir, const struct tree_job *j, bool deep, struct tree_list *out,
	     struct err *e);
/*
 * Lists j's tree on its source host: a local host's under its root=, an
 * ssh host's by running 'extnfs listing' there (through ssh_argv(), its
 * [host] extnfs command line, under its root=). 0, or -1 with e set (e->code ENOENT when a local tree does
 * not exist).
 */
int job_scan_src(const struct conf *c, const struct tree_job *j, bool deep, struct tree_list *out,
		 struct err *e);

struct strvec;
struct conf_host;
/*
 * Runs argv (no shell) with stdin from /dev/null, its stdout into out and
 * its stderr into errout (may be NULL: discarded). Returns its exit
 * status (128 + signal when killed), or -1 with e set when it cannot run.
 */
int run_capture(const struct strvec *argv, struct strbuf *out, struct strbuf *errout, struct err *e);

/*
 * Records the outcome of the n = p->njobs results r of a sync that ran
 * (not a dry run), in one transaction: every attempt's state, and for a
 * successful job the time and the fingerprints of both sides now (NULL
 * where a side cannot be read from here). 0, or -1 with e set.
 */
int sync_record(struct db *db, const struct conf *c, const struct plan *p,
		const struct job_result *r, struct err *e);

/* The record of j: 1 found, 0 none, -1 with e set. Release with sync_rec_release. */
int sync_record_get(struct db *db, const struct tree_job *j, struct sync_rec *out, struct err *e);
void sync_rec_release(struct sync_rec *r);

#endif
