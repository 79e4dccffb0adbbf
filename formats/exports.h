/*
 * exports.h: NFS export tables. Reads AIX /etc/exports and Linux exports(5)
 * into one normalized model, writes either flavor back, merges the tables
 * of several service nodes and compares two tables (--audit).
 *
 * THE MODEL
 *
 * A list is entries in file order. An entry is one exported path (for one
 * set of NFS versions) and its clients:
 *
 *   entry   path     the directory, decoded (no quotes, no escapes)
 *           vers     AIX vers=: bit (1u << n) for NFS version n; 0 when not
 *                    given (the server's default). The same path may appear
 *                    twice, e.g. once for vers=3 and once for vers=4: the
 *                    pair (path, vers) is what merge and audit match on.
 *           opts     path-level options, in file order, as "key=value" or
 *                    "flag" (AIX: sec=, anon=, replicas=, refer=, exname=,
 *                    deleg=, noauto, public, secure; made by the planner:
 *                    fsid=). vers= and the access options are not kept
 *                    here: they are the vers field and the clients.
 *           file, line   where the entry starts.
 *   client  kind, host   who (see enum export_host_kind; host is the
 *                    canonical text, "*" for the world)
 *           rw       may write (false: read-only)
 *           root     root is not squashed (AIX root=, Linux no_root_squash)
 *           insecure Linux "insecure": requests from ports >= 1024 accepted
 *           aix      the client is an AIX node (set for every client read
 *                    from an AIX file): the Linux writer adds "insecure",
 *                    which AIX clients need
 *           opts     other per-client options in order (Linux: sync,
 *                    no_subtree_check, fsid=, sec=, anonuid=, ...)
 *           file, line   where this client was granted.
 *
 * A client is a grant: which host may mount, and how. Hosts are matched as
 * written (no name resolution, "cn1" is not "cn10"); a host appears at most
 * once in an entry. The world is a client like the others, so "mount access
 * for everyone" is a world client and "only these hosts" is the absence of
 * one. An entry with no client grants nothing.
 *
 * AIX (IBM, "exports File for NFS", AIX 7.1/7.2 Files Reference; "Increasing
 * the number of hosts to which NIM can NFS-export a resource", AIX 7.1
 * Installation and migration):
 *  - "Directory -Option[,Option]..." on one line; a Directory alone is
 *    exported read-write to everyone. Blanks separate the two fields; '#' at
 *    the start of a line or after a blank starts a comment; trailing blanks
 *    and CR are ignored; there are no quotes, escapes or continuation lines.
 *  - ro: read-only to everyone allowed. rw: read-write to everyone allowed
 *    (also the default). rw=h1:h2: read-write to those, read-only to the
 *    others. ro=h1:h2: read-only to those, read-write to the others. ro=
 *    and rw= lists exclude each other (IBM); "ro" with "rw", "ro" with
 *    "ro=" and "rw" with "rw=" contradict each other and are errors.
 *  - access=h1:h2: only those may mount; absent, anyone may. IBM: with
 *    "access=x,rw=y" x is read-only and y read-write, so the hosts of the
 *    rw= and ro= lists may mount too.
 *  - root=h1:h2: root is not squashed for those. It grants no mount access
 *    ("putting a host in the root list does not override the semantics of
 *    the other options"): a root= host that may not mount is dropped, with
 *    a warning. "*" (which xCAT's NFSv4 replication setup writes as root=*)
 *    is read as "every client"; IBM does not document it.
 *  - A host in a list is a host (or netgroup or network) name, a dotted
 *    IPv4 address, or a subnet "@address/bits" (no bits: all 32). IPv6
 *    addresses cannot be written (':' separates the list). "@name/bits"
 *    (a subnet by host name) is not supported: an error.
 *  - vers=n[:n]: the NFS versions (2, 3, 4) of the entry. sec= (once; the
 *    per-flavor form with several sec= is refused), anon=, replicas= and
 *    refer= (path@host[+host][:path@host[+host]]: ':' separates locations,
 *    so they are kept whole, never split into hosts), exname=, deleg=,
 *    noauto, public, secure are kept as path options. Any other option is
 *    an error.
 *  - Clients of an AIX entry are sorted: the world first, then by host in
 *    natural order (cn2 before cn10). A host whose grant equals the
 *    world's is left out (it adds nothing). There is no ordering among
 *    AIX lists, so this order is the normal form.
 *  - Written as "path -opts" with the path options, vers=, ro or rw=h or
 *    ro=h, root=h, access=h (when no world client), one entry per line;
 *    with a world client only the hosts whose grant differs are listed. A
 *    netgroup is written as its bare name (AIX looks names up as netgroups
 *    first); should that name also be a host of the entry, the one AIX
 *    name gets the narrower grant. A line is at most 32767 bytes and a root
 *    list at most 256 hosts (IBM); an entry past either limit is left out
 *    and reported (or, with aix_open_mount, written without its access=
 *    list, as NIM's restrict_nfs_exports=no does, and reported).
 *
 * Linux (exports(5) and exportfs of nfs-utils):
 *  - "path client(opts) client(opts) ...". The path may be quoted ("/a b")
 *    and any token may hold "\ooo" octal escapes (decoded as exportfs does,
 *    a '"' anywhere in a token opens or closes quoting). A '\' at the end
 *    of a line continues it. '#' where a token would start begins a
 *    comment. "-opts" tokens after the path set default options for the
 *    clients that follow them.
 *  - Client: "*" or nothing is the world, so "path (rw)" and "path host
 *    (rw)" grant the world (warned about: a blank before '(' is the classic
 *    trap); a path with no client at all is exported to the world with the
 *    defaults (warned). "@name" is a netgroup (unlike AIX, where '@' is a
 *    subnet), "addr/bits" or "addr/mask" a subnet, a name with '*', '?' or
 *    '[' a wildcard, an IPv4 or IPv6 address (bare, as exports(5) asks; an
 *    IPv6 address in brackets is taken as the address with a warning, since
 *    exportfs would read the brackets as a wildcard character class).
 *  - Defaults are ro and root_squash; ro/rw, root_squash/no_root_squash and
 *    secure/insecure set the fields (the last one wins). Every other option
 *    is kept, in order. Several sec= in one client (per-flavor options)
 *    are refused. A host given twice in one entry keeps its first grant
 *    (exportfs keeps the first and ignores the later one), with a warning.
 *  - Written as "path host(opts) host(opts)" with never a blank before
 *    '(' and never a bare path (which would export to the world); the path
 *    is escaped (\ooo) where it holds blanks, quotes, '\', '#' or bytes
 *    outside printable ASCII. A client's options are rw|ro,
 *    no_root_squash|root_squash, insecure (when set, for an AIX client, or
 *    with insecure_all), the path options that Linux has (fsid=, sec=,
 *    replicas=, refer=, anon= as anonuid=), then its own options. Long
 *    lines are continued with '\'.
 *
 * Errors name the file and line (and column): unterminated quote, unknown
 * AIX option, bad host spec, an option without a value ("root="), a
 * physical line longer than 64 KiB, NUL bytes.
 */
#ifndef EXTNFS_FORMATS_EXPORTS_H
#define EXTNFS_FORMATS_EXPORTS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strvec.h"

struct err;

enum exports_flavor {
	EXPORTS_AIX,
	EXPORTS_LINUX,
};

/* Longest physical line either parser accepts, in bytes. */
#define EXPORTS_MAX_LINE 65536
/* AIX limits (IBM, NIM documentation): line length, hosts in a root list. */
#define EXPORTS_AIX_MAX_LINE 32767
#define EXPORTS_AIX_MAX_ROOT 256

enum export_host_kind {
	EXPORT_HOST_WORLD,    /* everyone; host is "*" */
	EXPORT_HOST_NAME,     /* a host name (AIX: or netgroup/network name) */
	EXPORT_HOST_IPV4,     /* "10.0.0.1" */
	EXPORT_HOST_IPV6,     /* "fd00::1" (inet_ntop form, no brackets) */
	EXPORT_HOST_CIDR,     /* "10.0.0.0/24", "fd00::/64": host bits cleared */
	EXPORT_HOST_WILDCARD, /* Linux only: "*.cluster", "cn0??", "cn[12]*" */
	EXPORT_HOST_NETGROUP, /* Linux only: "@group" (the '@' kept) */
};

struct export_client {
	enum export_host_kind kind;
	char *host;
	bool rw;
	bool root;
	bool insecure;
	bool aix;
	struct strvec opts;
	char *file;
	unsigned line;
};

struct export_entry {
	char *path;
	unsigned vers;
	struct export_client *clients;
	size_t nr, alloc;
	struct strvec opts;
	char *file;
	unsigned line;
};

struct export_list {
	struct export_entry *entries;
	size_t nr, alloc;
	/* What a parser accepted but had to say ("cannot read" style, no exit). */
	struct strvec warnings;
};
#define EXPORT_LIST_INIT                                                                           \
	{                                                                                          \
		NULL, 0, 0, STRVEC_INIT                                                            \
	}

/*
 * Parses len bytes of buf (no NUL terminator needed) as an AIX or a Linux
 * exports file; name is used in messages and stored as the file of every
 * entry and client. *out is overwritten (it need not be initialised).
 * Returns 0, or -1 with e naming file, line and column; *out is then empty.
 */
int exports_parse(const char *buf, size_t len, const char *name, enum exports_flavor flavor,
		  struct export_list *out, struct err *e);

/*
 * Parses one host spec as it would appear in a flavor's file (an element
 * of an AIX list, or a Linux client without its options; "*" is the world
 * in both). Sets *kind and replaces canon with the canonical text.
 * Returns 0, or -1 with "bad host spec '...': why" in e.
 */
int export_host_parse(const char *spec, enum exports_flavor flavor, enum export_host_kind *kind,
		      struct strbuf *canon, struct err *e);

/*
 * Appends an empty entry (no client, no option) and returns it; the
 * pointer is valid until the next append. file may be NULL.
 */
struct export_entry *export_list_add(struct export_list *l, const char *path, unsigned vers,
				     const char *file, unsigned line);

/*
 * Appends a client to en and returns it (valid until the next append);
 * host must be canonical for kind (see export_host_parse). If en already
 * has that host, returns the existing client unchanged instead.
 */
struct export_client *export_entry_add(struct export_entry *en, enum export_host_kind kind,
				       const char *host, bool rw, bool root, const char *file,
				       unsigned line);

/* The client of en for exactly this host, or NULL. */
struct export_client *export_entry_find(const struct export_entry *en, enum export_host_kind kind,
					const char *host);

/* Frees everything l owns and leaves it as EXPORT_LIST_INIT. Safe twice. */
void export_list_release(struct export_list *l);

struct exports_write_opts {
	bool strict;	     /* what would be left out or narrowed is an error */
	bool insecure_all;   /* Linux: "insecure" for every client */
	bool aix_open_mount; /* AIX: drop access= from a line that is too long */
};
#define EXPORTS_WRITE_OPTS_INIT                                                                    \
	{                                                                                          \
		false, false, false                                                                \
	}

/*
 * Appends l to out in flavor's syntax. What the flavor cannot express is
 * left out and said in warnings, one line each: hosts it cannot name (AIX:
 * IPv6, wildcards), options it does not have, entries past AIX's limits,
 * entries with no client. Grants are never widened: a host left out that
 * was granted less than the entry's world client would get the world's
 * grant, so the world is narrowed to the host's grant instead (reported).
 * Options are not grants: dropping one (sec=, all_squash on the way to
 * AIX) may relax the server's checks, which the warning says.
 * o may be NULL (defaults).
 * Returns the number of grants or options it had to leave out or narrow
 * (0: the output says exactly what l says), or -1 with e set (strict mode
 * and something to leave out; out is then unchanged).
 */
int exports_write(const struct export_list *l, enum exports_flavor flavor,
		  const struct exports_write_opts *o, struct strbuf *out, struct strvec *warnings,
		  struct err *e);

/*
 * Merges n lists into *out (overwritten; it need not be initialised).
 * Entries with the same path and vers (also two in one list) become one,
 * at the place of the first; their clients are united host by host (same
 * kind and canonical host; no resolution), in order of first appearance.
 * Nothing is picked silently: where sources disagree, one line goes to
 * conflicts (may be NULL) naming both sources as file:line, e.g.
 *   '/s': host 'cn1' is read-write in sn1/exports:3 but read-only in
 *   sn2/exports:4: kept read-only
 *   '/s' (vers=4): option 'sec=sys' in sn1/exports:8 but 'sec=krb5' in
 *   sn2/exports:9: kept the first
 * and the merged entry keeps:
 *  - for one host read-only in one and read-write in another: read-only;
 *  - root in one but not the other: no root; secure vs insecure: secure;
 *  - different per-client options, or different path options (sec=sys vs
 *    sec=krb5, anon=, replicas=, ...; one present and one absent counts):
 *    those of the first source, in list order (there is no "more
 *    restrictive" among opaque options; the report is what matters).
 * The aix flags are united. Returns the number of conflicts (0: a clean
 * union); never fails for well-formed lists (e is for future use, may be
 * NULL).
 */
int exports_merge(const struct export_list *const *lists, size_t n, struct export_list *out,
		  struct strvec *conflicts, struct err *e);

enum export_diff_kind {
	EXPORT_DIFF_ENTRY,  /* b does not export the path (for that vers) */
	EXPORT_DIFF_MOUNT,  /* b does not let the host mount */
	EXPORT_DIFF_RW,	    /* a lets the host write, b only read */
	EXPORT_DIFF_ROOT,   /* a gives the host root, b squashes it */
	EXPORT_DIFF_OPTION, /* a has a path option that b lacks or has otherwise */
};

struct export_diff {
	enum export_diff_kind kind;
	char *path;
	unsigned vers;
	char *host;   /* ENTRY, OPTION: NULL */
	char *detail; /* OPTION: "sec=krb5 (other: sec=sys)"; else NULL */
	char *file;   /* where a grants it */
	unsigned line;
};

struct export_diff_list {
	struct export_diff *d;
	size_t nr, alloc;
};
#define EXPORT_DIFF_LIST_INIT                                                                      \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/*
 * Appends to out what a grants that b does not; call again with the lists
 * swapped for the reverse. An entry of a is matched with b's entry of the
 * same path and vers, else with b's entry of that path without vers (or,
 * when a's has no vers, b's first entry of that path). A host of a is
 * granted by b's client for the same host, else by the most specific of
 * b's clients that covers it: a subnet holding the address or subnet
 * (longest prefix first), a wildcard matching the name, the world. No
 * names are resolved. Returns the number of records appended.
 */
size_t exports_audit(const struct export_list *a, const struct export_list *b,
		     struct export_diff_list *out);

/* Appends one line describing d, e.g. "'/x': 'cn001' may mount (sn1:3)". */
void export_diff_describe(const struct export_diff *d, struct strbuf *sb);

void export_diff_list_release(struct export_diff_list *l);

/*
 * Whether a and b hold the same structure: entries, clients and options in
 * the same order with the same values; file, line and warnings are not
 * compared. Returns true, or false with the first difference described in
 * why (may be NULL).
 */
bool exports_equal(const struct export_list *a, const struct export_list *b, struct strbuf *why);

#endif
