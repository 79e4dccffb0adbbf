/*
 * model.h: the cluster model in memory, loaded from the database: nodes,
 * groups, the xCAT tables (enabled rows only), and attribute resolution
 * the way xCAT does it (node row, then the node's groups in order,
 * regex values evaluated for the node).
 */
#ifndef EXTNFS_MODEL_H
#define EXTNFS_MODEL_H

#include <stdbool.h>

#include "model/schema.h"
#include "util/strvec.h"
#include "util/util.h"

struct db;
struct model;

/* Loads nodelist and site; other tables load on first use. 0 or -1. */
int model_load(struct model **out, struct db *db, struct err *e);
void model_free(struct model *m);

/* Every enabled node, in nodelist order. */
const struct strvec *model_nodes(struct model *m);
bool model_is_node(struct model *m, const char *name);
/* The groups of node (nodelist.groups, in order), or NULL for a non-node. */
const struct strvec *model_node_groups(struct model *m, const char *node);
/* The members of group, in nodelist order, or NULL when no node has it. */
const struct strvec *model_group_members(struct model *m, const char *group);
/* Every group name, in order of first appearance. */
const struct strvec *model_groups(struct model *m);

/* A row's value: xCAT treats NULL and "" alike as unset. */
static inline bool value_set(const char *v)
{
	return v && *v;
}
/* True when a disable column value disables its row ("1" or "yes"). */
bool row_disabled(const char *disable);

/*
 * The enabled rows of table, in table order, or -1 with e set when the
 * table is unknown or cannot be read. *rows[i][c] is column c (NULL: SQL
 * NULL). The memory belongs to the model.
 */
int model_table(struct model *m, const char *table, char ****rows, size_t *nr,
		const struct xtable **def, struct err *e);
/* The enabled row of a single-key table whose key is key, or NULL. */
char **model_row(struct model *m, const char *table, const char *key, struct err *e);

/*
 * Resolves table.col for node: the node's own row, then its groups' rows
 * in nodelist.groups order; the first set value wins and regex values are
 * evaluated for node. Appends to out. Returns 1 found, 0 unset, -1 error.
 */
int model_attr(struct model *m, const char *node, const char *table, const char *col,
	       struct strbuf *out, struct err *e);
/* site.key, or NULL when unset. */
const char *model_site(struct model *m, const char *key);

/* A NIM resource as an SN reported it (import --lsnim). */
struct nim_res {
	const char *type;     /* spot, root, shared_root, paging, dump, ... */
	const char *location; /* NULL when lsnim gave none */
};
/*
 * The resource name as service node sn reported it: 1 found (*out set),
 * 0 sn reported resources but not this one, 2 sn reported nothing at all
 * (the caller falls back to NIM's naming convention), -1 error.
 */
int model_nim(struct model *m, const char *sn, const char *name, struct nim_res *out,
	      struct err *e);

/*
 * Expands a noderange against the model (see noderange.h). Names that are
 * neither node nor group go to unmatched. 0 or -1 with e set.
 */
int model_noderange(struct model *m, const char *range, struct strvec *out,
		    struct strvec *unmatched, struct err *e);

#endif
