/*
 * ganesha.h: NFS-Ganesha export configuration: a writer of EXPORT blocks
 * from an in-memory description, and a reader of Ganesha's configuration
 * syntax that gives the EXPORT blocks back (to verify an applied file and
 * to recover the Export_Id already allocated to a path).
 *
 *	EXPORT {
 *		Export_Id = 12;
 *		Path = "/install/nim/spot/71Bcosi/usr";
 *		Pseudo = "/install/nim/spot/71Bcosi/usr";
 *		Access_Type = None;
 *		Squash = Root_Squash;
 *		Protocols = 3, 4;
 *		Transports = TCP;
 *		SecType = sys;
 *		FSAL {
 *			Name = VFS;
 *		}
 *		CLIENT {
 *			Clients = cn001, cn002;
 *			Access_Type = RO;
 *			Squash = No_Root_Squash;
 *		}
 *	}
 *
 * Ganesha tries CLIENT blocks in order and uses the first that matches a
 * client; a client no block matches gets the EXPORT block's own access.
 */
#ifndef EXTNFS_FORMATS_GANESHA_H
#define EXTNFS_FORMATS_GANESHA_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strvec.h"

struct err;
struct strbuf;

/* Access_Type. UNSET: not written / not in the block (Ganesha inherits). */
enum ganesha_access {
	GANESHA_ACCESS_UNSET = 0,
	GANESHA_ACCESS_NONE,
	GANESHA_ACCESS_RO,
	GANESHA_ACCESS_RW,
	GANESHA_ACCESS_MDONLY,
	GANESHA_ACCESS_MDONLY_RO,
};

/* Squash, with Ganesha's synonyms folded (see ganesha_squash_name()). */
enum ganesha_squash {
	GANESHA_SQUASH_UNSET = 0,
	GANESHA_SQUASH_NONE,    /* No_Root_Squash, None, NoIdSquash */
	GANESHA_SQUASH_ROOT,    /* Root_Squash, Root, RootSquash */
	GANESHA_SQUASH_ROOT_ID, /* Root_Id_Squash, RootId, RootIdSquash */
	GANESHA_SQUASH_ALL,     /* All_Squash, All, AllSquash, All_Anonymous, AllAnonymous */
};

/* One CLIENT block: hosts (names, addresses, CIDRs, @netgroups, *, wildcards). */
struct ganesha_client {
	struct strvec hosts;
	enum ganesha_access access;
	enum ganesha_squash squash;
	unsigned line; /* reader: line of the CLIENT block */
};

struct ganesha_export {
	unsigned id;  /* Export_Id: 1..65535 to be written (0 is the pseudo root) */
	char *path;   /* Path */
	char *pseudo; /* Pseudo; NULL: the writer writes path */
	enum ganesha_access access;
	enum ganesha_squash squash;
	struct strvec protocols;  /* Protocols (3, 4, NFS3, V4, 9P...); empty: not written */
	struct strvec transports; /* Transports (TCP, UDP, RDMA); empty: not written */
	struct strvec sectypes;   /* SecType (none, sys, krb5, krb5i, krb5p); empty: not written */
	char *fsal;               /* FSAL { Name }; NULL: VFS */
	struct ganesha_client *clients;
	size_t nr, alloc;
	unsigned line; /* reader: line of the EXPORT block */
};
#define GANESHA_EXPORT_INIT                                                                       \
	{                                                                                         \
		0, NULL, NULL, GANESHA_ACCESS_UNSET, GANESHA_SQUASH_UNSET, STRVEC_INIT,           \
			STRVEC_INIT, STRVEC_INIT, NULL, NULL, 0, 0, 0                              \
	}

/*
 * Initialises *x (overwriting it) to the export extnfs writes by default:
 * Export_Id id, Path path (copied), Pseudo the same, Access_Type None (a
 * client without a CLIENT block gets nothing), Squash Root_Squash,
 * Protocols 3, 4, Transports TCP, SecType sys, FSAL VFS, no CLIENT blocks.
 */
void ganesha_export_init(struct ganesha_export *x, unsigned id, const char *path);

/*
 * Appends an empty CLIENT block (access, squash) to x and returns it, to
 * push hosts into; the pointer is valid until the next call.
 */
struct ganesha_client *ganesha_export_add_client(struct ganesha_export *x,
						 enum ganesha_access access,
						 enum ganesha_squash squash);

/* Frees what x owns and leaves it as GANESHA_EXPORT_INIT. Safe twice. */
void ganesha_export_release(struct ganesha_export *x);

/*
 * Appends the EXPORT block of x to out. UNSET access or squash and empty
 * lists are not written. Returns 0, or -1 with e set and out unchanged
 * when x cannot be written safely: Export_Id not in 1..65535; a path or
 * pseudo path that is not absolute or holds a quote, '\', ';', '{', '}',
 * a newline or another control character; a protocol, transport, security
 * type or FSAL name Ganesha does not know; a CLIENT block without hosts; a
 * host Ganesha would not read as one client (see ganesha_host_ok()); a
 * host in two CLIENT blocks (only the first would apply) or twice in one.
 */
int ganesha_write_export(const struct ganesha_export *x, struct strbuf *out, struct err *e);

/*
 * Appends the EXPORT blocks of the n exports of x, a blank line between
 * two, after checking each as ganesha_write_export() does and that no two
 * share an Export_Id, a Path or a Pseudo path. Returns 0, or -1 with e set
 * and out unchanged.
 */
int ganesha_write(const struct ganesha_export *x, size_t n, struct strbuf *out, struct err *e);

/*
 * Whether host can be written unquoted as one Ganesha client of the
 * intended kind: "*", "@netgroup", an IPv4 or IPv6 address with an
 * optional /prefix (1..32 for IPv4, 1..99 for IPv6: Ganesha 4.3 misreads
 * "/0" and three-digit prefixes; write "*" or the bare address), a wildcard of letters, digits, ".-_" with '*' or a
 * '?' not first, or a host name (a letter or '_' first, then letters,
 * digits, ".-_"; not yes/no/true/false/on/off, which Ganesha reads as
 * booleans). A name starting with a digit is refused: Ganesha's lexer
 * splits it (write its address instead); so is "0.0.0.0", which Ganesha
 * reads as "*".
 */
bool ganesha_host_ok(const char *host);

/* Ganesha's spelling: "None", "RO", "RW", "MDONLY", "MDONLY_RO"; NULL for UNSET. */
const char *ganesha_access_name(enum ganesha_access a);
/* "No_Root_Squash", "Root_Squash", "Root_Id_Squash", "All_Squash"; NULL for UNSET. */
const char *ganesha_squash_name(enum ganesha_squash s);

/* A directive recorded by the reader, not followed. */
struct ganesha_include {
	char *directive; /* "include", "url", "dir" or "plugin" */
	char *target;    /* as written, without quotes */
	unsigned line;
};

struct ganesha_conf {
	struct ganesha_export *exports;
	size_t nr, alloc;
	struct ganesha_include *includes;
	size_t inr, ialloc;
};
#define GANESHA_CONF_INIT { NULL, 0, 0, NULL, 0, 0 }

/*
 * Parses len bytes of buf (no NUL terminator needed) in Ganesha's
 * configuration syntax into *out (need not be initialised; overwritten);
 * name is used in messages.
 *
 * Syntax (Ganesha's conf_lex.l/conf_yacc.y): "# comments" to the end of a
 * line; blocks "NAME { ... }" nested to any depth; statements
 * "NAME = term, term, ...;" whose terms are bare words, "double quoted"
 * strings (a backslash escapes the next byte) or 'single quoted' ones;
 * names are case-insensitive; "%include FILE" (and %url, %dir, %plugin)
 * at the top level, recorded in out->includes and not followed.
 *
 * Top-level EXPORT blocks are read into out->exports: Export_Id, Path,
 * Pseudo, Access_Type, Squash, Protocols, Transports, SecType, FSAL's
 * Name, CLIENT blocks (Clients, which may repeat, Access_Type, Squash);
 * other settings are skipped.
 *
 * Returns 0, or -1 with e set to "cannot read 'NAME' line N: ..." (a
 * syntax error, an unterminated string or block, a NUL byte, an EXPORT
 * without Export_Id or Path, an Export_Id that is no number in 0..65535
 * or is used twice, an unknown Access_Type or Squash, a setting given
 * twice, a CLIENT without Clients, an FSAL without Name); *out is then
 * empty.
 */
int ganesha_parse(const char *buf, size_t len, const char *name, struct ganesha_conf *out,
		  struct err *e);

/* The first export with that Path, or NULL. */
const struct ganesha_export *ganesha_find_path(const struct ganesha_conf *c, const char *path);
/* The export with that Export_Id, or NULL. */
const struct ganesha_export *ganesha_find_id(const struct ganesha_conf *c, unsigned id);

/*
 * Whether a and b grant the same thing: same id, path, pseudo path (NULL
 * counting as the path), access, squash, lists (case-insensitive), FSAL
 * (NULL counting as VFS, case-insensitive) and CLIENT blocks in the same
 * order with the same hosts, access and squash. Lines are not compared.
 */
bool ganesha_export_equal(const struct ganesha_export *a, const struct ganesha_export *b);

/* Frees everything c owns and leaves it as GANESHA_CONF_INIT. Safe twice. */
void ganesha_conf_release(struct ganesha_conf *c);

#endif
