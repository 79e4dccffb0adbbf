/*
 * jobs.h: running the plan's tree jobs on the hosts that hold the
 * sources, in parallel across hosts (one job at a time per host, up to
 * fanout hosts at once). Today each job is the equivalent rsync (the
 * DESIGN's fallback transport), run here for local hosts and over ssh for
 * ssh hosts; the replication engine replaces it behind the same call.
 */
#ifndef EXTNFS_JOBS_H
#define EXTNFS_JOBS_H

#include <stdbool.h>

#include "util/util.h"

struct plan;
struct tree_job;
struct conf;

enum job_state { JOB_OK, JOB_SKIPPED, JOB_FAILED };

struct job_result {
	const struct tree_job *job;
	enum job_state state;
	unsigned long changes; /* entries created, updated or deleted */
	double seconds;
	char *msg; /* why it was skipped or failed */
};

struct run_opts {
	const struct conf *conf;
	unsigned fanout;
	bool dry_run;
	void (*progress)(const struct job_result *r, void *data); /* after each job, may be NULL */
	void *data;
};

/*
 * Runs every job of p; results gets p->njobs entries (caller frees with
 * job_results_release). A job whose source is missing or empty is skipped
 * (never synced: it would wipe what live nodes mount). One job failing
 * does not stop the others. Returns 0, or -1 when nothing could be run.
 */
int jobs_run(const struct plan *p, const struct run_opts *o, struct job_result **results,
	     struct err *e);
void job_results_release(struct job_result *r, size_t n);

#endif
