/*
 * planned.h: what the commands that act on the plan share: the noderange
 * argument, building the plan, refusing it (all problems listed) when it
 * has errors, and running the sync stage.
 */
#ifndef EXTNFS_PLANNED_H
#define EXTNFS_PLANNED_H

#include <stdbool.h>

#include "cmd/cmd.h"

struct plan;

/*
 * Builds the plan for the noderange in rest (at most one argument; all
 * nodes when none) with flags (PLAN_WITH_*). Returns -1 to go on, or the
 * exit code after printing why (usage, unknown nodes, plan problems).
 */
int planned_nodes(struct cmd_ctx *ctx, const char *cmd, const struct strvec *rest, unsigned flags,
		  struct plan *p);

/* How sync runs the jobs: the options sync and apply share. */
struct sync_args {
	unsigned fanout;
	bool dry;
	bool force;         /* lift the guards (empty source, deletion limit) */
	bool verify;        /* read the destinations, repair what changed there */
	int64_t max_delete; /* -1: max_delete_pct of each destination */
	int max_delete_pct;
};

/*
 * Fills a from the option values of sync or apply (NULL: not given).
 * Returns -1 to go on, or EXIT_USAGE after saying what is wrong.
 */
int sync_args_parse(const struct cmd_ctx *ctx, const char *cmd, const char *fanout,
		    const char *max_delete, int dry, int force, int verify, struct sync_args *a);

/* This extnfs's own path, for local hosts' agents (caller frees). */
char *planned_self(const struct cmd_ctx *ctx);

/* Runs p's tree jobs and prints the summary; *exit_code says how it went. 0 or -1. */
int sync_run(struct cmd_ctx *ctx, const struct plan *p, const struct sync_args *a, int *exit_code);

#endif
