/*
 * agent.h: the agent protocol between the MN and 'extnfs agent' on a host
 * that holds sources (doc/agent-protocol.md). The MN writes one JSON
 * request (its version and a list of tree jobs) on the agent's stdin; the
 * agent answers with JSON lines on stdout: a hello first, then progress
 * lines, one result per job, and an end line (or one error line when it
 * cannot run the request at all). Both ends compare versions and refuse
 * to work with another one.
 */
#ifndef EXTNFS_REMOTE_AGENT_H
#define EXTNFS_REMOTE_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/strvec.h"
#include "util/util.h"

#define AGENT_PROTOCOL 1

struct db;
struct redirect_edit;

/* One tree job: make dest a replica of src, within the job's scope. */
struct agent_job {
	char *src;             /* a directory on the agent's host */
	char *dest;            /* a local path or nfs://... (passed to the engine), or
				  ssh://[user@]host[:port]/path (run through rsync over ssh) */
	char *ssh;             /* ssh:// dest: the ssh command, words split at blanks
				  (NULL: ssh) */
	struct strvec include; /* only these names (globs) at the top of src; empty: all */
	struct strvec exclude; /* subtrees of src whose contents stay out ("etc/.client_data/") */
	bool del;              /* delete what src lacks, inside the scope */
	bool keep_root;        /* leave dest's own mode, owner and times alone */
	bool verify;           /* walk dest even when the manifest is trusted (other
				  jobs write inside this tree) */
	bool force;            /* guards: copy an empty source, any number of deletions */
	int64_t max_delete;    /* -1: max_delete_pct of the destination entries */
	int max_delete_pct;
};

struct agent_request {
	char *version;         /* the MN's extnfs version */
	char *host;            /* the name the MN knows this host by */
	bool dry_run;
	struct agent_job *jobs;
	size_t njobs, ajobs;
	/* redirect edits of the host's client files (paths as on the host) */
	bool redirect_undo;
	struct redirect_edit *edits;
	size_t nedits, aedits;
};

/*
 * Parses a request (one JSON object). 0, or -1 with e naming the line
 * and column of bad JSON, or the field ("jobs[2].src") that is missing or
 * of the wrong type. r is usable by agent_request_release() either way.
 */
int agent_request_parse(const char *buf, size_t len, struct agent_request *r, struct err *e);
/* Appends r as a JSON object and a newline to out. */
void agent_request_write(const struct agent_request *r, struct strbuf *out);
/* Adds a copy of ed to r's redirect edits, its file as prefix + ed->file. */
void agent_request_add_edit(struct agent_request *r, const struct redirect_edit *ed,
			    const char *prefix);
/* Adds an empty job (max_delete -1, 10 %) to r and returns it. */
struct agent_job *agent_request_add(struct agent_request *r);
void agent_request_release(struct agent_request *r);

/*
 * The agent's side: reads a request from in, applies its redirect edits
 * (previous versions kept under backup_dir), runs each job with the
 * engine (the manifest in db, NULL: none) and writes the JSON lines to
 * out. stop is polled (a signal handler sets it). Returns the exit code:
 * EXIT_OK when every job succeeded, EXIT_SOME_FAILED when some did not,
 * EXIT_DATA for a bad request or another version (an error line said so).
 */
int agent_serve(FILE *in, FILE *out, struct db *db, const char *backup_dir,
		const volatile int *stop);

enum agent_event_type { AEV_HELLO, AEV_PROGRESS, AEV_RESULT, AEV_REDIRECT, AEV_END, AEV_ERROR };
enum agent_state { AGENT_OK, AGENT_SKIPPED, AGENT_FAILED };

/* One line from an agent, parsed. Strings are owned (agent_event_release). */
struct agent_event {
	enum agent_event_type type;
	char *version; /* hello */
	char *host;    /* hello: the agent's host name */
	size_t job;    /* progress, result, redirect: index in the request's list */
	enum agent_state state; /* result; redirect: AGENT_OK changed, AGENT_SKIPPED unchanged */
	uint64_t created, updated, metadata, deleted, failed, bytes;
	uint64_t done_files, todo_files; /* progress */
	double seconds;
	char *message; /* result (why skipped or failed), error */
};

/* Parses one line. 0, or -1 with e saying what is wrong with it. */
int agent_event_parse(const char *line, size_t len, struct agent_event *ev, struct err *e);
void agent_event_release(struct agent_event *ev);

#endif
