/*
 * conf.h: /etc/extnfs.conf, the INI configuration (parsed with inih):
 * [global], one [host NAME] per service node, one [server NAME] per
 * external NFS server, optional [image NAME] overrides. Unknown sections
 * and keys are errors that name the file and line.
 */
#ifndef EXTNFS_CONF_H
#define EXTNFS_CONF_H

#include <stdbool.h>

#include "util/util.h"

struct conf_host {
	char *name;
	char *transport; /* "local" (default) or "ssh" */
	char *root;      /* where the host's / lives (local: on this machine; ssh: on that
			    host, a prefix of every source path there) */
	char *address;   /* ssh: where to connect */
	char *user;      /* ssh: login (default root) */
	char *extnfs;    /* the extnfs binary on the host (ssh: a command line run by the
			    remote shell, default extnfs; local: default this binary) */
	char *ssh;       /* ssh: the ssh command, words split at blanks (default ssh) */
	unsigned line;
};

struct conf_server {
	char *name;
	char *dest;         /* nfs://..., ssh://host/, or a local path (the server's /) */
	char *flavor;       /* linux | aix | ganesha | mmnfs (default ganesha) */
	char *exports_file; /* where the exports go on the server */
	char *reload;       /* exportfs | sighup | dbus | none */
	char *pidfile;      /* sighup: the server's pid file */
	bool resolve;       /* exports name clients by hosts.ip address */
	char *admin;        /* hosts given rw and root on every export (comma list) */
	char *probe_url;    /* check --probe: nfs://ADDRESS/?OPTIONS (default nfs://<hosts.ip>/) */
	char *ssh;          /* dest ssh://: the ssh command, words split at blanks (default ssh) */
	char *control;      /* ssh://[user@]host[:port]/ where exports_file is and the reload runs */
	char *root;         /* dest without trailing '/', when dest is a local path */
	unsigned line;
};

struct conf_image {
	char *name;
	char *primary; /* the SN the image-wide trees are copied from */
	unsigned line;
};

struct conf {
	char *path;      /* NULL when no file was read */
	char *db;
	unsigned fanout;
	char *nimname;   /* "node" (default) or "node_image" (mkdsklsnode -n) */
	char *statelite; /* "pernode" (default) or "xcat" (whole statemnt dir exported) */
	char *probe_exec; /* check --probe: run each node's probe under this (%n node, %i its ip) */
	struct conf_host *hosts;
	size_t nhosts, ahosts;
	struct conf_server *servers;
	size_t nservers, aservers;
	struct conf_image *images;
	size_t nimages, aimages;
};

/* Sets the defaults. conf_release() frees and zeroes; safe twice. */
void conf_init(struct conf *c);
/*
 * Reads path. A missing file is an error only when must_exist (the
 * defaults stand otherwise). 0, or -1 with e naming file and line.
 */
int conf_load(struct conf *c, const char *path, bool must_exist, struct err *e);
void conf_release(struct conf *c);

const struct conf_host *conf_host(const struct conf *c, const char *name);
const struct conf_server *conf_server(const struct conf *c, const char *name);
const struct conf_image *conf_image(const struct conf *c, const char *name);
/*
 * Where the server's / is on this machine: its dest when that is a local
 * path other than "/" (trailing slashes removed), else NULL. Static
 * storage is not used: the result points into a buffer owned by cs.
 */
const char *conf_server_root(const struct conf_server *cs);

/*
 * Where path (absolute, as the plan names it) of server is for the engine:
 * the server's local dest with path appended, its nfs:// URL with path
 * appended before the ?options, or its ssh:// URL with path appended. The caller frees it; NULL with e set when
 * the server is unknown or has no such dest.
 */
char *conf_server_dest(const struct conf *c, const char *server, const char *path, struct err *e);

#endif
