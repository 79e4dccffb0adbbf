/*
 * niminfo.h: NIM client information files: /etc/niminfo on a client and
 * <tftpdir>/<ip>.info on its NIM server (the file a diskless client reads
 * at network boot). Shell lines "export VAR=value", read into variables
 * with their byte positions, edited in place (ROOT, SPOT, NIM_HOSTS) and
 * written back with every byte that was not edited left as it was.
 *
 *	#------------------ Network Install Manager ---------------
 *	export NIM_NAME=cn001
 *	export NIM_HOSTS=" 127.0.0.1:loopback:localhost  10.1.0.1:cn001 "
 *	export ROOT=sn1:/install/nim/root/71Bcosi_root/cn001
 *
 * As in stanza.h, the bytes are the truth and every edit parses its
 * result again before it replaces them.
 */
#ifndef EXTNFS_FORMATS_NIMINFO_H
#define EXTNFS_FORMATS_NIMINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct err;
struct strvec;

struct niminfo_var {
	char *name;
	char *value;      /* without the quotes */
	char quote;       /* '"', '\'' or 0 */
	bool exported;    /* "export NAME=value" rather than "NAME=value" */
	unsigned line;    /* from 1 */
	size_t line_off;  /* first byte of the line */
	size_t line_next; /* first byte of the next line, or the end */
	size_t value_off; /* the value as written, quotes included */
	size_t value_len;
};

struct niminfo {
	char *name;         /* used in messages */
	struct strbuf text; /* the file, as edited */
	struct niminfo_var *vars;
	size_t nr, alloc;
};
#define NIMINFO_INIT { NULL, STRBUF_INIT, NULL, 0, 0 }

/*
 * Parses len bytes of buf (no NUL terminator needed) into *out, which need
 * not be initialised and is overwritten; name is used in messages.
 *
 * Lines are blank, comments (first non-blank '#'), or assignments
 * "export NAME=value" / "NAME=value" (NAME: a letter or '_', then letters,
 * digits, '_'; no blanks around '='). A value is "double quoted" (blanks
 * kept), 'single quoted', or plain up to the end of the line; trailing
 * blanks are not part of it. Quotes hold no escapes: NIM never writes any.
 *
 * Returns 0, or -1 with e set to "cannot read 'NAME' line N: ..." (a line
 * that is no assignment, a bad variable name, an unterminated quote, text
 * after a closing quote, a blank in a plain value, a NUL byte); *out is
 * then empty.
 */
int niminfo_parse(const char *buf, size_t len, const char *name, struct niminfo *out,
		  struct err *e);

/* Appends the file's bytes (as edited) to out. */
void niminfo_write(const struct niminfo *f, struct strbuf *out);

/* The value of var, or NULL: the last assignment, as the shell reads it. */
const char *niminfo_get(const struct niminfo *f, const char *var);

/*
 * Sets var to value: every assignment of var gets the new value in place
 * of its old value bytes; a quoted value keeps its quotes, a plain one
 * stays plain unless value needs quotes (anything but letters, digits and
 * "_./:@%+=,-", or empty). Without any assignment, a line
 * "export var=value" is appended. Returns 1 when the bytes changed, 0 when
 * every assignment already had that value, -1 with e set (a bad name, a
 * value with control characters, quotes, '\', '$' or '`').
 */
int niminfo_set(struct niminfo *f, const char *var, const char *value, struct err *e);

/*
 * Deletes every assignment of var. Returns the number of lines deleted
 * (0 when there is none) or -1 with e set.
 */
int niminfo_unset(struct niminfo *f, const char *var, struct err *e);

/*
 * Appends the entries of NIM_HOSTS ("ip:name[:alias...]", split at blanks)
 * to out; none when it is not set.
 */
void niminfo_hosts(const struct niminfo *f, struct strvec *out);

/* Whether NIM_HOSTS has an entry for ip that names host. */
bool niminfo_hosts_has(const struct niminfo *f, const char *ip, const char *host);

/*
 * Adds the entry "ip:host" to NIM_HOSTS, in NIM's layout: each entry
 * padded with one blank on both sides (" a  b  c "); NIM_HOSTS is created
 * when missing. Returns 1 when added, 0 when an entry for ip already names
 * host, -1 with e set: a bad ip (IPv4 only, as NIM writes) or host, or an
 * entry that maps host to another address (never silently picked).
 */
int niminfo_hosts_add(struct niminfo *f, const char *ip, const char *host, struct err *e);

/*
 * Removes every entry "ip:host" (exactly that: an entry naming other
 * hosts too stays) from NIM_HOSTS, with its padding. Returns the number
 * removed, or -1 with e set.
 */
int niminfo_hosts_remove(struct niminfo *f, const char *ip, const char *host, struct err *e);

/* Frees everything f owns and leaves it as NIMINFO_INIT. Safe twice. */
void niminfo_release(struct niminfo *f);

#endif
