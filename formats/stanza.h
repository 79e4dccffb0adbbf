/*
 * stanza.h: AIX stanza files (/etc/filesystems and its NIM copies
 * etc/.client_data/filesystems.<nimname>), read into stanzas with their
 * attributes and byte positions, edited in place, and written back with
 * every byte that was not edited left as it was.
 *
 *	* a comment (a first non-blank '*' or '#')
 *	/usr:
 *		nodename	= sn1
 *		vol		= "/usr"
 *
 * The file's bytes are the truth: a stanza_file holds them, the parsed
 * view indexes into them, and every edit changes the bytes and parses
 * them again (atomically: a failed edit leaves the file as it was).
 */
#ifndef EXTNFS_FORMATS_STANZA_H
#define EXTNFS_FORMATS_STANZA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct err;

struct stanza_attr {
	char *name;
	char *value;      /* without the quotes, if it was quoted */
	bool quoted;      /* written as "value" */
	unsigned line;    /* from 1 */
	size_t line_off;  /* first byte of the line */
	size_t line_next; /* first byte of the next line (after '\n'), or the end */
	size_t value_off; /* the value as written, quotes included ... */
	size_t value_len; /* ... without the blanks around it */
};

struct stanza {
	char *name; /* the header without its ':' and the blanks around it */
	unsigned line;
	size_t line_off, line_next; /* the header line */
	size_t end;                 /* line_next of the last attribute line, or of the header */
	struct stanza_attr *attrs;
	size_t nr, alloc;
};

struct stanza_file {
	char *name;         /* used in messages */
	struct strbuf text; /* the file, as edited */
	struct stanza *stanzas;
	size_t nr, alloc;
};
#define STANZA_FILE_INIT { NULL, STRBUF_INIT, NULL, 0, 0 }

/* An attribute to write; quote forces "value" even where it is not needed. */
struct stanza_kv {
	const char *name;
	const char *value;
	bool quote;
};

/*
 * The /proc stanza of AIX's own /etc/filesystems (bos, cmdfs):
 * dev = /proc, vol = "/proc", mount = true, check = false, free = false,
 * vfs = procfs. STANZA_AIX_PROC_NR entries.
 */
extern const struct stanza_kv stanza_aix_proc[];
#define STANZA_AIX_PROC_NR 6

/*
 * Parses len bytes of buf (no NUL terminator needed) into *out, which
 * need not be initialised and is overwritten; name is used in messages.
 *
 * Lines are: blank; comments (first non-blank '*' or '#'); attributes
 * "name = value" (any line with a '='; blanks around '=' and the value are
 * not part of it; a value written "..." is quoted, the quotes are not part
 * of it); headers "name:" (a line without '=' ending in ':'). CRLF line
 * ends are kept. Stanzas may repeat (the first is the one found).
 *
 * Returns 0, or -1 with e set to "cannot read 'NAME' line N: ..." (an
 * attribute before any header, a line that is neither, an empty name, a
 * blank inside an attribute name, a NUL byte); *out is then empty.
 */
int stanza_parse(const char *buf, size_t len, const char *name, struct stanza_file *out,
		 struct err *e);

/* Appends the file's bytes (as edited) to out. */
void stanza_write(const struct stanza_file *f, struct strbuf *out);

/* The first stanza called name, or NULL. */
const struct stanza *stanza_find(const struct stanza_file *f, const char *name);

/* The first value of attr in the first stanza called stanza, or NULL. */
const char *stanza_get(const struct stanza_file *f, const char *stanza, const char *attr);

/*
 * Sets attr of the first stanza called stanza to value: every line of
 * that attribute in the stanza gets the new value in place of its old
 * value bytes (indentation, spacing and the line's end are kept; a value
 * that was quoted stays quoted; a value is quoted when it is empty or holds
 * a blank). If the stanza has no such attribute, it is added as in
 * stanza_add_attr(). Returns 1 when the bytes changed, 0 when every line
 * already had that value, -1 with e set (no such stanza, a name or value
 * that cannot be written: control characters, '"', ...).
 */
int stanza_set(struct stanza_file *f, const char *stanza, const char *attr, const char *value,
	       struct err *e);

/*
 * Adds a line "attr = value" after the last attribute line of the first
 * stanza called stanza (right after its header if it has none), laid out
 * like the other attribute lines of the file (indentation, '=' column,
 * tabs or spaces, line end). Returns 1 when added, 0 when the stanza
 * already has attr with that value, -1 with e set (no such stanza, attr
 * already there with another value, bad name or value).
 */
int stanza_add_attr(struct stanza_file *f, const char *stanza, const char *attr,
		    const char *value, struct err *e);

/*
 * Appends a stanza "name:" with the n attributes of kv at the end of the
 * file, after a blank line, laid out like the file's attribute lines
 * (default: a tab, the name, tabs to column 24, "= ", the value).
 * Returns 1 when added, 0 when a stanza called name already exists (it is
 * left as it is), -1 with e set (bad name or value).
 */
int stanza_add(struct stanza_file *f, const char *name, const struct stanza_kv *kv, size_t n,
	       struct err *e);

/*
 * Deletes every line of attr in the first stanza called stanza. Returns
 * the number of lines deleted (0 when there is no such stanza or
 * attribute), or -1 with e set.
 */
int stanza_del_attr(struct stanza_file *f, const char *stanza, const char *attr, struct err *e);

/*
 * Deletes the first stanza called name: its header and every line up to
 * its last attribute line. When it ends the file, the blank line before it
 * goes too, so stanza_add() then stanza_del() gives back the same bytes.
 * Returns 1 when deleted, 0 when there is no such stanza, -1 with e set.
 */
int stanza_del(struct stanza_file *f, const char *name, struct err *e);

/* Frees everything f owns and leaves it as STANZA_FILE_INIT. Safe twice. */
void stanza_file_release(struct stanza_file *f);

#endif
