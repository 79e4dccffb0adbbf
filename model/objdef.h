/*
 * objdef.h: xCAT data objects (node, group, osimage) over the tables, as
 * lsdef shows them and mkdef/chdef/rmdef change them. Attribute names and
 * their table.column homes come from schema.c's def_attrs[].
 */
#ifndef EXTNFS_OBJDEF_H
#define EXTNFS_OBJDEF_H

#include <stdbool.h>

#include "util/strvec.h"
#include "util/util.h"

struct db;
struct model;

/* True when type is one extnfs knows ("node", "group", "osimage"). */
bool objdef_type_known(const char *type);
/* Names of every object of type, in model order. */
int objdef_list(struct model *m, const char *type, struct strvec *out, struct err *e);
/* True when an object of type called name exists. */
bool objdef_exists(struct model *m, const char *type, const char *name);
/*
 * The attributes of one object, sorted by name, as lsdef shows them:
 * nodes resolved through their groups (regex values evaluated), groups
 * and osimages as stored. names[i] has value values[i]. 0 or -1.
 */
int objdef_get(struct model *m, const char *type, const char *name, struct strvec *names,
	       struct strvec *values, struct err *e);

enum objdef_op { OBJDEF_SET, OBJDEF_APPEND, OBJDEF_REMOVE };

/*
 * Changes attribute attr of object type/name (creating its row); APPEND and
 * REMOVE treat the value as a comma list. An empty value unsets. For
 * groups, "members" rewrites nodelist.groups of the nodes concerned.
 * Writes through db inside the caller's transaction. 0 or -1.
 */
int objdef_set(struct db *db, struct model *m, const char *type, const char *name,
	       const char *attr, const char *value, enum objdef_op op, struct err *e);
/* Creates the object's key row (nodelist for a node, osimage for an image). */
int objdef_create(struct db *db, const char *type, const char *name, struct err *e);
/* Removes every row keyed by the object (a group: from its members too). */
int objdef_remove(struct db *db, struct model *m, const char *type, const char *name,
		  struct err *e);

#endif
