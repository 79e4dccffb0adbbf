/*
 * plan.h: what the external NFS servers must hold, as a pure function of
 * the model and a node selection: tree jobs (which host copies which
 * directory, and which part of the destination each job owns), exports,
 * statelite directories, and the redirect edits on the SNs. Building a
 * plan reads the model and nothing else.
 *
 * Resource rules are data (struct res_rule tables per image type), so a
 * new image type (Linux rootimg) is a new table, not new code paths.
 */
#ifndef EXTNFS_PLAN_H
#define EXTNFS_PLAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/strvec.h"
#include "util/util.h"

struct model;
struct conf;

enum res_scope {
	SCOPE_IMAGE,      /* one tree per image, from the image's primary host */
	SCOPE_NODE_DIR,   /* <location>/<nimname>/ per node, from the node's SN */
	SCOPE_NODE_FILES, /* the files <location>/<subdir>/(anything).<nimname> per node */
};

struct res_rule {
	const char *kind;       /* "spot", "root", "shared_root", "client_data", ... */
	const char *column;     /* nimimage column that names the NIM resource */
	enum res_scope scope;
	const char *convention; /* location when NIM reported nothing: printf(installdir, name) */
	const char *exclude;    /* a subtree this job leaves alone, or NULL */
	const char *subdir;     /* SCOPE_NODE_FILES: where the per-node files are */
	bool rw;                /* exported read-write (per node) or read-only */
	bool exported;          /* gets an export of its own */
	unsigned needs_flag;    /* PLAN_WITH_* that must be set, or 0 */
};

#define PLAN_WITH_PAGING (1u << 0)
#define PLAN_WITH_DUMP   (1u << 1)
#define PLAN_ALLOW_CMD   (1u << 2) /* let #CMD=...# run (xCAT's shell escape) */
#define PLAN_AS_SERVED   (1u << 3) /* nodes whose nfsserver is their SN planned as served by it
				      (what they mount today: check --probe of the nodes left there) */

struct tree_job {
	const char *kind;      /* the rule's kind */
	char *image;
	char *resource;        /* the NIM resource name */
	char *src_host;        /* the SN (or MN) the tree is copied from */
	char *server;          /* the external NFS server */
	char *path;            /* the tree: the same path on the source and the server */
	struct strvec include; /* only these names in path ("*.cn003"); empty: all */
	struct strvec exclude; /* subtrees of path left alone ("etc/.client_data/") */
	struct strvec nodes;   /* the nodes that need it */
};

struct export_req {
	char *server;
	char *path;
	const char *kind;      /* rule kind, "statemnt" or "litetree" */
	bool rw;
	bool root;             /* clients have root access (no root squash) */
	struct strvec clients; /* node names */
};

struct plan_dir {
	char *server;
	char *path;
	char *node;
	const char *kind; /* "statemnt", "persistent", "litetree" */
	unsigned mode;
	uid_t uid;
	gid_t gid;
};

enum edit_kind { EDIT_FILESYSTEMS, EDIT_HOSTS, EDIT_INFO };

struct redirect_edit {
	char *sn;
	char *file;       /* on the SN */
	char *node;
	enum edit_kind kind;
	char *server;     /* the NFS server name */
	char *server_ip;
	char *spot_path;  /* EDIT_INFO: SPOT= and ROOT= targets */
	char *root_path;
};

struct plan_note {
	char *node;
	char *msg;
};

struct plan {
	struct tree_job *jobs;
	size_t njobs, ajobs;
	struct export_req *exports;
	size_t nexports, aexports;
	struct plan_dir *dirs;
	size_t ndirs, adirs;
	struct redirect_edit *edits;
	size_t nedits, aedits;
	struct plan_note *errors; /* nodes the plan cannot serve, and why */
	size_t nerrors, aerrors;
	struct plan_note *skipped; /* nodes that stay on their SN, and why */
	size_t nskipped, askipped;
	struct strvec nodes;       /* the nodes the plan moves */
};

struct plan_opts {
	unsigned flags;
	const struct conf *conf; /* nimname convention, image primaries; may be NULL */
};

/*
 * Builds the plan for nodes (names of model nodes). Problems with nodes
 * go to p->errors (all of them, each naming its node) and the plan is
 * still returned; -1 only when the model cannot be read.
 */
int plan_build(struct model *m, const struct strvec *nodes, const struct plan_opts *o,
	       struct plan *p, struct err *e);
void plan_release(struct plan *p);
/* Frees the strings of one redirect edit (plan_release does it for a plan's). */
void plan_edit_release(struct redirect_edit *ed);

/* The rules of an image type (NIM diskless images: "NIM"). NULL if none. */
const struct res_rule *plan_rules(const char *imagetype, size_t *n);

#endif
