/*
 * noderange.h: expansion of xCAT noderanges ("cn[001-010],-cn005",
 * "rack1@compute", "/cn0.*", "^/tmp/nodes", "nodetype.os==rhels8") into
 * node names, against a model reached through a small table of callbacks.
 */
#ifndef EXTNFS_NODERANGE_H
#define EXTNFS_NODERANGE_H

#include <stdbool.h>

#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

/*
 * What a noderange is expanded against. The callbacks are called with data
 * and must not change the model while noderange_expand() runs; the vectors
 * they return are borrowed (valid until the call returns).
 */
struct noderange_env {
	void *data;
	/* every enabled node of the model, in model order */
	const struct strvec *(*all_nodes)(void *data);
	/* true when name is a node */
	bool (*is_node)(void *data, const char *name);
	/* members of group name in model order, or NULL when name is not a group */
	const struct strvec *(*group_members)(void *data, const char *group);
	/* resolved value of table.col for node into out (empty when unset); 0, or -1 with e set */
	int (*attr)(void *data, const char *node, const char *table, const char *col, struct strbuf *out, struct err *e);
	const char *number_prefix; /* prefix for bare numbers ("10-12" -> node10..node12); NULL means "node" */
	const char *excludenodes;  /* site.excludenodes (itself a noderange), or NULL */
	const char *cwd_base;      /* not used by noderange_expand() */
};

/* Most names one range, or one whole expansion, may generate. */
#define NODERANGE_MAX_NAMES 10000000UL

/*
 * Expands range into out (each node once, order as xCAT gives it). Names that
 * are neither node nor group are appended to unmatched (if non-NULL) and are
 * not an error. Syntax errors return -1 with a message that names the
 * position (column, 1-based). ^file errors name the file and line.
 *
 * "As xCAT gives it" is byte-wise sorted order (xCAT returns
 * sort(keys %nodes)). Both out and unmatched are appended to, never cleared;
 * on error neither is touched. Each unmatched name is appended once, in the
 * order it was met. A range, or the whole expansion, that would generate
 * more than NODERANGE_MAX_NAMES names (or 512 MiB of them, or one longer
 * than 255 bytes) is an error, caught before that range makes a name. An
 * env->attr failure is passed on, prefixed with the noderange.
 * env->excludenodes is removed from the result last; its own unknown names
 * are not reported. A relative ^file path is opened from the current
 * directory.
 */
int noderange_expand(const char *range, const struct noderange_env *env, struct strvec *out, struct strvec *unmatched, struct err *e);

#endif
