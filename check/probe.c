/*
 * probe.c: mounting as one node over real NFS (libnfs, NFSv3, AUTH_SYS
 * uid 0 as a booting node), from this process's network position. libnfs
 * 4.0 can bind a socket to an interface (nfs_set_interface) but not to a
 * source address, so the probe is only "as the node" when it runs where
 * the node's address is a local address: on the node, or in the node's
 * network namespace (cmd/check.c runs each probe under [global]
 * probe_exec for that). Anywhere else the node is reported as not probed.
 *
 * For each export the node mounts at boot: mount it; read what the node
 * reads first (the SPOT's lib/boot entries, the root's filesystems file);
 * where it writes (an rw export: its root, paging, statemnt) create,
 * write and remove a file. Then another node's root and statelite
 * directory must refuse the mount.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/banned.h"

#ifdef HAVE_LIBNFS
#include <ifaddrs.h>
#include <netdb.h>
#include <nfsc/libnfs.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* Whether ip is an address of an interface here. */
static bool local_address(const char *ip)
{
	struct ifaddrs *ifa = NULL;
	char host[NI_MAXHOST];
	bool found = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (struct ifaddrs *i = ifa; i && !found; i = i->ifa_next) {
		socklen_t len;
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		len = i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		if (!getnameinfo(i->ifa_addr, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST))
			found = !strcmp(host, ip);
	}
	freeifaddrs(ifa);
	return found;
}

struct mount {
	struct nfs_context *nfs;
	struct nfs_url *url;
};

/* The URL that mounts path on server cs: probe_url (or nfs://ip/) with the path put in. */
static char *mount_url(const struct conf_server *cs, const char *server_ip, const char *path)
{
	const char *root = conf_server_root(cs);
	const char *base = cs && cs->probe_url ? cs->probe_url : NULL;
	struct strbuf sb = STRBUF_INIT;

	if (base) {
		const char *q = strchr(base, '?');
		size_t n = q ? (size_t)(q - base) : strlen(base);
		while (n > 6 && base[n - 1] == '/')
			n--;
		strbuf_add(&sb, base, n);
		strbuf_addf(&sb, "%s%s%s", root ? root : "", path, q ? q : "");
	} else {
		strbuf_addf(&sb, "nfs://%s%s%s", server_ip, root ? root : "", path);
	}
	return strbuf_detach(&sb, NULL);
}

/* Mounts url; 0, or -1 with the reason in why. */
static int do_mount(struct mount *m, const char *url, struct strbuf *why)
{
	memset(m, 0, sizeof(*m));
	m->nfs = nfs_init_context();
	if (!m->nfs) {
		strbuf_addstr(why, "cannot create an NFS context");
		return -1;
	}
	nfs_set_timeout(m->nfs, 10000);
	nfs_set_uid(m->nfs, 0);
	nfs_set_gid(m->nfs, 0);
	m->url = nfs_parse_url_dir(m->nfs, url);
	if (!m->url) {
		strbuf_addf(why, "bad URL '%s': %s", url, nfs_get_error(m->nfs));
		return -1;
	}
	if (nfs_mount(m->nfs, m->url->server, m->url->path) != 0) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		return -1;
	}
	return 0;
}

static void do_umount(struct mount *m)
{
	if (m->url)
		nfs_destroy_url(m->url);
	if (m->nfs)
		nfs_destroy_context(m->nfs);
	memset(m, 0, sizeof(*m));
}

/* Reads up to 64 KiB of path in the mount. 0, or -1 with why. */
static int read_some(struct mount *m, const char *path, struct strbuf *why)
{
	struct nfsfh *fh = NULL;
	char buf[65536];
	int n;

	if (nfs_open(m->nfs, path, O_RDONLY, &fh) != 0) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		return -1;
	}
	n = nfs_read(m->nfs, fh, sizeof(buf), buf);
	if (n < 0)
		strbuf_addstr(why, nfs_get_error(m->nfs));
	nfs_close(m->nfs, fh);
	return n < 0 ? -1 : 0;
}

/* The first few regular files of dir, read. 0, or -1 with why. */
static int read_dir(struct mount *m, const char *dir, struct strbuf *why)
{
	struct nfsdir *d = NULL;
	struct nfsdirent *de;
	struct strbuf p = STRBUF_INIT;
	int files = 0, rc = 0;

	if (nfs_opendir(m->nfs, dir, &d) != 0) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		return -1;
	}
	while (rc == 0 && files < 8 && (de = nfs_readdir(m->nfs, d))) {
		if (!S_ISREG(de->mode))
			continue;
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir, de->name);
		if (read_some(m, p.buf, why) < 0) {
			rc = -1;
			break;
		}
		files++;
	}
	nfs_closedir(m->nfs, d);
	if (rc == 0 && !files) {
		strbuf_addstr(why, "no file in it");
		rc = -1;
	}
	strbuf_release(&p);
	return rc;
}

/* Creates, writes and removes a file at the top of the mount. 0, or -1 with why. */
static int write_some(struct mount *m, const char *node, struct strbuf *why)
{
	struct nfsfh *fh = NULL;
	char *name = xstrfmt("/.extnfs-probe.%s.%ld", node, (long)getpid());
	int rc = -1;

	if (nfs_creat(m->nfs, name, 0600, &fh) != 0) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		goto out;
	}
	if (nfs_write(m->nfs, fh, 6, "probe\n") != 6) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		nfs_close(m->nfs, fh);
		nfs_unlink(m->nfs, name);
		goto out;
	}
	nfs_close(m->nfs, fh);
	if (nfs_unlink(m->nfs, name) != 0) {
		strbuf_addstr(why, nfs_get_error(m->nfs));
		goto out;
	}
	rc = 0;
out:
	free(name);
	return rc;
}

static bool has_client(const struct export_req *q, const char *node)
{
	return strvec_find(&q->clients, node) >= 0;
}

static void probe_export(const struct plan *p, const struct export_req *q, const char *node,
			 const char *url, struct check_report *r)
{
	struct mount m;
	struct strbuf why = STRBUF_INIT, file = STRBUF_INIT;
	size_t n = strlen(q->path);

	if (do_mount(&m, url, &why) < 0) {
		check_add(r, node, "probe", CHECK_FAIL, "cannot mount %s:%s (%s): %s", q->server, q->path, q->kind,
			  why.buf);
		goto out;
	}
	if (!strcmp(q->kind, "spot") && read_dir(&m, "/lib/boot", &why) < 0)
		check_add(r, node, "probe", CHECK_FAIL, "cannot read lib/boot in %s:%s (spot): %s", q->server,
			  q->path, why.buf);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		if (ed->kind != EDIT_FILESYSTEMS || strcmp(ed->node, node) || strcmp(ed->server, q->server) ||
		    strncmp(ed->file, q->path, n) || ed->file[n] != '/')
			continue;
		strbuf_reset(&why);
		if (read_some(&m, ed->file + n, &why) < 0)
			check_add(r, node, "probe", CHECK_FAIL, "cannot read %s from %s:%s (%s): %s", ed->file + n + 1,
				  q->server, q->path, q->kind, why.buf);
	}
	strbuf_reset(&why);
	if (q->rw && write_some(&m, node, &why) < 0)
		check_add(r, node, "probe", CHECK_FAIL, "cannot write in %s:%s (%s): %s", q->server, q->path,
			  q->kind, why.buf);
out:
	do_umount(&m);
	strbuf_release(&why);
	strbuf_release(&file);
}

int check_probe_node(const struct plan *p, const struct check_opts *o, const char *node,
		     struct check_report *r, struct err *e)
{
	struct strbuf ip = STRBUF_INIT, sip = STRBUF_INIT;
	int rc = -1;

	if (model_attr(o->model, node, "hosts", "ip", &ip, e) < 0)
		goto cleanup;
	if (!ip.len) {
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: %s has no hosts.ip", node);
		rc = 0;
		goto cleanup;
	}
	if (!local_address(ip.buf)) {
		check_add(r, node, "probe", CHECK_UNKNOWN,
			  "not probed: %s is not an address of this host (run the probe where the node's address is,"
			  " see [global] probe_exec)", ip.buf);
		rc = 0;
		goto cleanup;
	}
	for (size_t i = 0; i < p->nexports; i++) {
		const struct export_req *q = &p->exports[i];
		const struct conf_server *cs = conf_server(o->conf, q->server);
		char *url;
		strbuf_reset(&sip);
		if (!cs || (!cs->probe_url && model_attr(o->model, q->server, "hosts", "ip", &sip, e) <= 0)) {
			err_clear(e);
			check_add(r, node, "probe", CHECK_UNKNOWN,
				  "not probed: no address for %s (hosts.ip or [server %s] probe_url)", q->server,
				  q->server);
			continue;
		}
		url = mount_url(cs, sip.buf, q->path);
		if (has_client(q, node)) {
			probe_export(p, q, node, url, r);
		} else if (q->clients.nr == 1 && q->rw) {
			/* another node's own export: the first of each kind must refuse us */
			bool first = true;
			for (size_t k = 0; k < i && first; k++)
				if (!strcmp(p->exports[k].kind, q->kind) && p->exports[k].rw &&
				    p->exports[k].clients.nr == 1 && !has_client(&p->exports[k], node))
					first = false;
			if (first) {
				struct mount m;
				struct strbuf why = STRBUF_INIT;
				if (do_mount(&m, url, &why) == 0)
					check_add(r, node, "probe", CHECK_FAIL,
						  "could mount %s's %s %s:%s, which must refuse it", q->clients.v[0],
						  q->kind, q->server, q->path);
				do_umount(&m);
				strbuf_release(&why);
			}
		}
		free(url);
	}
	rc = 0;
cleanup:
	strbuf_release(&ip);
	strbuf_release(&sip);
	return rc;
}

#else /* !HAVE_LIBNFS */

int check_probe_node(const struct plan *p, const struct check_opts *o, const char *node,
		     struct check_report *r, struct err *e)
{
	(void)p;
	(void)o;
	(void)e;
	check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: this extnfs was built without libnfs");
	return 0;
}

#endif
