/*
 * compute.h: the exports a server must have, from the plan: export ids
 * that never change for a path, the list in the normalized exports model
 * (formats/exports.h) for the Linux and AIX writers, and the Ganesha and
 * Spectrum Scale (mmnfs) forms.
 */
#ifndef EXTNFS_COMPUTE_H
#define EXTNFS_COMPUTE_H

#include <stdbool.h>

#include "util/strvec.h"
#include "util/util.h"

struct db;
struct model;
struct plan;
struct export_list;

/* First id handed out; Ganesha reserves 0 for its pseudo root. */
#define EXPORT_ID_FIRST 100

/*
 * The id of server:path, allocated (the highest so far plus one) and
 * stored when new; an id is never reused for another path. Writes through
 * db in the caller's transaction. 0, or -1 with e set.
 */
int export_id_get(struct db *db, const char *server, const char *path, unsigned *id, struct err *e);

struct export_opts {
	const char *server;   /* the server whose exports these are */
	bool resolve;         /* clients as hosts.ip addresses instead of names */
	bool fsid;            /* add fsid=<export id> (Linux: a stable file handle) */
	struct strvec admins; /* hosts given rw and root on every export (the copying SNs) */
	const char *root;     /* where the server's / is on the server (a local dest), or NULL */
};

/*
 * The plan's exports for o->server as an export list: one entry per path,
 * a client per node (rw and root as planned, flagged as AIX clients), the
 * admins, and with o->fsid a path option fsid=<export id>; with o->root
 * each path is prefixed by it (the directory as the server process sees it). 0, or -1 with e set (an
 * unresolvable node with resolve).
 */
int exports_from_plan(const struct plan *p, struct model *m, struct db *db,
		      const struct export_opts *o, struct export_list *out, struct err *e);

/*
 * The server's exports file in flavor ("linux", "aix", "ganesha", "mmnfs"):
 * the plan's exports for o->server, united with the extra lists (the SNs'
 * own files, may be none) host by host. Warnings and conflicts are
 * appended (may be NULL). Writes export ids through db (caller's
 * transaction). 0, or -1 with e set.
 */
int exports_render(const struct plan *p, struct model *m, struct db *db, const struct export_opts *o,
		   const char *flavor, const struct export_list *extra, size_t nextra,
		   struct strbuf *out, struct strvec *warnings, struct strvec *conflicts,
		   struct err *e);

/*
 * Ganesha EXPORT blocks for list (ids from export_id_get). With root, the
 * entries' paths start with it: Path is the real directory, Pseudo the
 * path the nodes mount. 0 or -1.
 */
int exports_write_ganesha(const struct export_list *l, struct db *db, const char *server,
			  const char *root, struct strbuf *out, struct err *e);
/* Spectrum Scale CES commands ("mmnfs export add ..."). 0 or -1. */
int exports_write_mmnfs(const struct export_list *l, struct strbuf *out, struct err *e);

#endif
