/*
 * jobs.h: running the plan's tree jobs on the hosts that hold the
 * sources, in parallel across hosts (one agent at a time per host, up to
 * fanout hosts at once). Every job goes through the agent protocol
 * (remote/agent.h): ssh hosts run 'extnfs agent' over ssh, local hosts
 * run this extnfs as the agent in a child process.
 */
#ifndef EXTNFS_JOBS_H
#define EXTNFS_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct plan;
struct tree_job;
struct conf;

enum job_state { JOB_OK, JOB_SKIPPED, JOB_FAILED };

struct job_result {
	const struct tree_job *job;
	enum job_state state;
	unsigned long changes; /* entries created, updated or deleted */
	uint64_t bytes;        /* data bytes written */
	double seconds;
	char *msg; /* why it was skipped or failed */
};

/* Where a run stands, for a progress line. */
struct run_progress {
	size_t jobs_done, njobs;
	unsigned hosts_running;
	uint64_t files; /* changes done (finished jobs and running ones) */
	uint64_t bytes;
};

struct run_opts {
	const struct conf *conf;
	const char *self;    /* this extnfs (local hosts run it as the agent) */
	const char *db_path; /* local agents keep their manifests there; may be NULL */
	unsigned fanout;
	bool dry_run;
	bool verify;         /* every job reads its destination (repairs changes made there) */
	bool force;          /* the jobs' guards: see struct agent_job */
	int64_t max_delete;
	int max_delete_pct;
	void (*progress)(const struct job_result *r, void *data); /* after each job, may be NULL */
	void (*status)(const struct run_progress *p, void *data); /* now and then, may be NULL */
	void *data;
};

/*
 * Runs every job of p; results gets p->njobs entries (caller frees with
 * job_results_release). A job whose source is missing or empty is skipped
 * (never synced: it would wipe what live nodes mount). One job failing,
 * or one host failing, does not stop the others. Returns 0, or -1 when
 * the run itself broke down (results are filled for what ran).
 */
int jobs_run(const struct plan *p, const struct run_opts *o, struct job_result **results,
	     struct err *e);
void job_results_release(struct job_result *r, size_t n);

struct redirect_report;
/*
 * Applies (or with undo, reverts) p's redirect edits: those of local
 * hosts here (redirect_apply), those of each ssh host by its agent, one
 * request per host (o->conf, o->self, o->dry_run are used). r gets one
 * item per edit; a host that cannot be reached fails its items with the
 * reason. 0, or -1 when the report cannot be made.
 */
int jobs_redirect(const struct plan *p, const struct run_opts *o, const char *backup_dir, bool undo,
		  struct redirect_report *r, struct err *e);

#endif
