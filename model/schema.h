/*
 * schema.h: the xCAT tables extnfs keeps, under xCAT's own names and
 * column names (so tabdump files import as they are), and the object
 * attributes lsdef/mkdef/chdef map onto them.
 */
#ifndef EXTNFS_SCHEMA_H
#define EXTNFS_SCHEMA_H

#include <stddef.h>

struct xtable {
	const char *name;
	const char *const *cols;
	size_t ncols;
	const size_t *keys; /* indexes into cols */
	size_t nkeys;
	int node_keyed;     /* key column holds node or group names */
};

extern const struct xtable xcat_tables[];
extern const size_t n_xcat_tables;

/* The table called name, or NULL. */
const struct xtable *xtable_find(const char *name);
/* Index of column col in t, or -1. */
int xtable_col(const struct xtable *t, const char *col);

/* An object attribute as lsdef shows it: attr=table.col for objects of type. */
struct defattr {
	const char *type; /* "node", "osimage", "group" share node's attrs */
	const char *attr;
	const char *table;
	const char *col;
};
extern const struct defattr def_attrs[];
extern const size_t n_def_attrs;

/* The attribute of object type called attr, or NULL. */
const struct defattr *defattr_find(const char *type, const char *attr);

#endif
