/*
 * check.h: proving, before boot, that every node of a plan can mount what
 * it needs. The static check compares the external servers' real state
 * with the plan (trees, exports, statelite directories, redirect edits,
 * the server's name in each node's hosts file, 'insecure' for AIX
 * clients of a Linux server); the probe (probe.c) mounts over real NFS as
 * one node. Both add problems, each for one node, in words an admin can
 * act on; what could not be looked at goes to notes.
 */
#ifndef EXTNFS_CHECK_H
#define EXTNFS_CHECK_H

#include <stdbool.h>

#include "util/strvec.h"
#include "util/util.h"

struct plan;
struct conf;
struct model;
struct db;

enum check_sev {
	CHECK_FAIL,    /* the node would not boot (or not as planned) */
	CHECK_UNKNOWN, /* the check could not be made for this node */
};

struct check_problem {
	char *node;
	const char *what; /* "tree", "drift", "export", "insecure", "statelite", "redirect", "resolve", "probe" */
	enum check_sev sev;
	char *msg;
};

struct check_report {
	struct check_problem *v;
	size_t nr, alloc;
	struct strvec notes; /* what was not checked, and why (no node) */
};
#define CHECK_REPORT_INIT { NULL, 0, 0, STRVEC_INIT }

struct check_opts {
	const struct conf *conf;
	struct model *model;
	struct db *db;
	bool deep; /* trees compared by content digest too */
};

/*
 * Adds a problem for node (the same node and message twice is kept once).
 * what must be a string literal.
 */
void check_add(struct check_report *r, const char *node, const char *what, enum check_sev sev,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Adds a note (kept once). */
void check_note(struct check_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The static check of every node of p. Reads the servers with a local
 * dest, their exports files, the SNs with a local transport and the
 * database (nothing is written: export ids are looked up in a transaction
 * that is rolled back). 0, or -1 with e set when the check itself cannot
 * run.
 */
int check_static(const struct plan *p, const struct check_opts *o, struct check_report *r,
		 struct err *e);

/*
 * The probe of node over NFS from this process (see probe.c): every
 * export the node mounts is mounted, read and, where the node writes,
 * written; another node's root and statelite directory must refuse it.
 * Problems go to r. Without libnfs (portable builds) one CHECK_UNKNOWN
 * problem says so. 0, or -1 with e set when it cannot run at all.
 */
int check_probe_node(const struct plan *p, const struct check_opts *o, const char *node,
		     struct check_report *r, struct err *e);

void check_report_release(struct check_report *r);

#endif
