/*
 * redirect.h: the plan's redirect edits applied on the SNs' copies of the
 * client files (what xCAT's mkdsklsnode does when nfsserver is set), and
 * undone: etc/filesystems (nodename of / and /usr, a /proc stanza),
 * etc/hosts (one line for the server), the .info file (SPOT=, ROOT=,
 * NIM_HOSTS). Each edit is structural, idempotent and atomic.
 */
#ifndef EXTNFS_REDIRECT_H
#define EXTNFS_REDIRECT_H

#include <stdbool.h>

#include "plan/plan.h"
#include "util/strvec.h"
#include "util/util.h"

struct plan;
struct redirect_edit;
struct conf;

enum redirect_state { REDIRECT_CHANGED, REDIRECT_UNCHANGED, REDIRECT_FAILED };

struct redirect_item {
	const char *sn, *node, *file, *kind; /* borrowed from the plan */
	enum redirect_state state;
	char *msg; /* why it failed, or what changed */
};

struct redirect_report {
	struct redirect_item *items;
	size_t nr, alloc;
	size_t changed, unchanged, failed;
};

/*
 * Applies (or with undo, reverts) every edit of p on the SNs' files, as
 * reached through c (a local host's root= prefix; ssh hosts are not
 * handled here and fail per file: jobs_redirect() sends theirs to the
 * SN's agent). Each file is rewritten through a
 * temporary file and rename, keeping its owner and mode, after copying
 * the old one to backup_dir/SN/FILE (outside the image trees); with
 * dry_run nothing is written. One file failing does not stop the others.
 * Returns 0, or -1 only when the report cannot be made.
 */
int redirect_apply(const struct plan *p, const struct conf *c, const char *backup_dir, bool undo,
		   bool dry_run, struct redirect_report *r, struct err *e);
/* A new item of r for edit ed (its state still to set). */
struct redirect_item *redirect_report_add(struct redirect_report *r, const struct redirect_edit *ed);
void redirect_report_release(struct redirect_report *r);
/* "filesystems", "hosts" or "info". */
const char *redirect_kind_name(enum edit_kind k);

#endif
