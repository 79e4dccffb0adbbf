/*
 * lsnim.h: the output of AIX NIM's "lsnim -l" (stanzas) and "lsnim -Z"
 * (colon-separated records), as captured on a service node, read into a
 * list of objects with their attributes in order.
 */
#ifndef EXTNFS_FORMATS_LSNIM_H
#define EXTNFS_FORMATS_LSNIM_H

#include <stddef.h>

struct err;

struct nim_attr {
	char *name;
	char *value;
};

struct nim_object {
	char *name;
	struct nim_attr *attrs;
	size_t nr, alloc;
	unsigned line; /* line of the "name:" header (-l) or of the record (-Z) */
};

struct nim_list {
	struct nim_object *objs;
	size_t nr, alloc;
};
#define NIM_LIST_INIT { NULL, 0, 0 }

/*
 * Parses lsnim -l (stanza: "name:" then indented "attr = value") or lsnim
 * -Z output (detected by a leading "#name:" header line). Values keep inner
 * spaces and colons; trailing blanks trimmed. Repeated attributes (lsnim -l
 * prints e.g. if1 several times, or "info" lines) are kept in order.
 *
 * In -l output the value is what follows the first '=', without the blanks
 * around it. In -Z output "#!:" in a name or value stands for ':' (the SMIT
 * colon format), one ':' ending a line is a terminator, not a separator, a
 * later '#' line starts a new header, and an empty field means the object
 * has no such attribute: it is left out, as it would be in -l output.
 *
 * len bytes of buf are read (no NUL terminator needed); name is used in
 * messages. *out is overwritten (it need not be initialised).
 * Returns 0 or -1 with e naming file and line; *out is then empty.
 */
int lsnim_parse(const char *buf, size_t len, const char *name, struct nim_list *out, struct err *e);

/* The first value of attribute attr of o, or NULL. */
const char *nim_object_get(const struct nim_object *o, const char *attr);

/* Frees everything l owns and leaves it as NIM_LIST_INIT. Safe twice. */
void nim_list_release(struct nim_list *l);

#endif
