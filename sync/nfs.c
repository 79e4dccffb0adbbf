/*
 * nfs.c: the NFS destination backend (nfs://server/path), through libnfs
 * and the NFSv3 protocol itself: every operation is one or a few RPCs on
 * file handles (LOOKUP, CREATE, WRITE, SETATTR, RENAME, LINK, MKNOD, ...),
 * so, as with the local backend's *at() calls, no path is ever resolved
 * on the server and a symlink in the destination is never followed. The
 * only file of extnfs that includes libnfs.
 *
 * Connections: a pool of libnfs contexts, each mounted once and used by
 * one thread at a time; an operation borrows one, an open file keeps one
 * from create to close. The engine's worker threads therefore each talk
 * on their own TCP connection. Calls are the asynchronous RPC functions
 * driven by our own poll loop; file data is sent as UNSTABLE WRITEs, up to
 * `inflight` per connection, and collected before the file's attributes
 * are set (fsetattr) or at close, so a large file streams with many
 * requests in flight. Holes are never written: the engine sets the size.
 *
 * Ownership: every call carries AUTH_SYS uid 0 / gid 0. The first
 * open_root() creates a probe file, reads its owner back and removes it:
 * when the server squashes root the copy stops there with a message that
 * names the export option, before anything of the tree is written.
 *
 * The server going away: libnfs reconnects on its own and sends again what
 * was in flight; an operation waits while requests are outstanding and at
 * most `timeout` seconds without any answer. Then the destination is
 * marked down, the waiting connection is dropped and every later
 * operation fails at once with the same message, so the engine ends
 * quickly and the manifest stays "open" (the next run compares
 * everything). Requests sent again after a restart are made safe to
 * repeat: files are created EXCLUSIVE with a verifier, and a RENAME of a
 * temporary name that reports ENOENT while the target exists is done.
 */
#include "util/config.h"

#ifdef HAVE_LIBNFS

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-nfs.h>

#include "sync/engine.h"
#include "sync/nfs.h"
#include "sync/nfsurl.h"
#include "sync/ops.h"
#include "util/banned.h"

#define POLL_MS 100
#define READDIR_DIRCOUNT 65536
#define READDIR_MAXCOUNT 262144
#define PROBE_PREFIX ".extnfs-probe."
#define SQUASH_HINT                                                                              \
	"the export must not squash root for this host (Ganesha: Squash = No_Root_Squash; "     \
	"Linux exports: no_root_squash)"

struct conn {
	struct conn *next;
	struct nfs_context *nfs;
	struct rpc_context *rpc;
	int inflight;             /* queued WRITEs */
	struct timespec progress; /* the last answer (or the start of waiting) */
	bool dead;
};

struct nd {
	struct dest d;
	struct dest_ops ops;
	struct nfsurl url;
	char *export;  /* the mounted export path */
	char *sub;     /* the destination below it ("" or "a/b") */
	pthread_mutex_t mu;
	struct conn *idle;
	int nconns;
	uint32_t wsize, rsize;
	atomic_bool down;
	char down_msg[512];
	bool probed;
	bool no_link_times; /* the server leaves a symlink's own times (probed) */
	uint64_t verf; /* EXCLUSIVE create verifiers */
};

struct dest_dir {
	nfs_fh3 fh;
};

struct dest_file {
	struct conn *c;
	nfs_fh3 fh;
	int err;          /* the first failed WRITE's errno */
	char errmsg[200];
	uint32_t mode;    /* set with the attributes (EXCLUSIVE create sets none) */
	bool mode_pending;
};

/* ---- errors ---- */

static int nfs3_errno(int st)
{
	switch (st) {
	case NFS3ERR_PERM: return EPERM;
	case NFS3ERR_NOENT: return ENOENT;
	case NFS3ERR_NXIO: return ENXIO;
	case NFS3ERR_ACCES: return EACCES;
	case NFS3ERR_EXIST: return EEXIST;
	case NFS3ERR_XDEV: return EXDEV;
	case NFS3ERR_NODEV: return ENODEV;
	case NFS3ERR_NOTDIR: return ENOTDIR;
	case NFS3ERR_ISDIR: return EISDIR;
	case NFS3ERR_INVAL: return EINVAL;
	case NFS3ERR_FBIG: return EFBIG;
	case NFS3ERR_NOSPC: return ENOSPC;
	case NFS3ERR_ROFS: return EROFS;
	case NFS3ERR_MLINK: return EMLINK;
	case NFS3ERR_NAMETOOLONG: return ENAMETOOLONG;
	case NFS3ERR_NOTEMPTY: return ENOTEMPTY;
	case NFS3ERR_DQUOT: return EDQUOT;
	case NFS3ERR_STALE: return ESTALE;
	case NFS3ERR_NOTSUPP: return EOPNOTSUPP;
	default: return EIO;
	}
}

static int fail(struct err *e, int errnum)
{
	err_set(e, "%s", strerror(errnum));
	e->code = errnum;
	return -1;
}

static int fail_msg(struct err *e, int errnum, const char *msg)
{
	err_set(e, "%s", msg);
	e->code = errnum;
	return -1;
}

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int down_fail(struct nd *n, struct err *e)
{
	return fail_msg(e, ETIMEDOUT, n->down_msg);
}

/* ---- file handles ---- */

static void fh_copy(nfs_fh3 *to, const nfs_fh3 *from)
{
	to->data.data_len = from->data.data_len;
	to->data.data_val = xmalloc(from->data.data_len ? from->data.data_len : 1);
	memcpy(to->data.data_val, from->data.data_val, from->data.data_len);
}

static void fh_free(nfs_fh3 *fh)
{
	free(fh->data.data_val);
	fh->data.data_val = NULL;
	fh->data.data_len = 0;
}

static struct dest_dir *dir_new(const nfs_fh3 *fh)
{
	struct dest_dir *dd = xcalloc(1, sizeof(*dd));

	fh_copy(&dd->fh, fh);
	return dd;
}

/* ---- connections ---- */

static void conn_destroy(struct conn *c)
{
	if (!c)
		return;
	/* pending callbacks run now (cancelled), while their waiters still exist */
	if (c->nfs)
		nfs_destroy_context(c->nfs);
	free(c);
}

/* Mounts export on a new context. NULL with e set. */
static struct conn *conn_open(struct nd *n, const char *export, struct err *e)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	struct strbuf url = STRBUF_INIT;
	struct nfs_url *parsed;

	c->nfs = nfs_init_context();
	if (!c->nfs) {
		free(c);
		err_set(e, "cannot create an NFS context");
		return NULL;
	}
	/* the options libnfs only takes from a URL */
	strbuf_addstr(&url, "nfs://h/?auto-traverse-mounts=0&autoreconnect=-1&uid=0&gid=0");
	if (n->url.nfsport)
		strbuf_addf(&url, "&nfsport=%d", n->url.nfsport);
	if (n->url.mountport)
		strbuf_addf(&url, "&mountport=%d", n->url.mountport);
	parsed = nfs_parse_url_incomplete(c->nfs, url.buf);
	strbuf_release(&url);
	if (!parsed) {
		err_set(e, "libnfs refused the options: %s", nfs_get_error(c->nfs));
		goto fail;
	}
	nfs_destroy_url(parsed);
	nfs_set_uid(c->nfs, 0);
	nfs_set_gid(c->nfs, 0);
	nfs_set_dircache(c->nfs, 0);
	if (nfs_mount(c->nfs, n->url.host, export) != 0) {
		err_set(e, "%s", nfs_get_error(c->nfs));
		goto fail;
	}
	c->rpc = nfs_get_rpc_context(c->nfs);
	return c;
fail:
	nfs_destroy_context(c->nfs);
	free(c);
	return NULL;
}

static struct conn *conn_get(struct nd *n, struct err *e)
{
	struct conn *c;

	if (atomic_load(&n->down)) {
		down_fail(n, e);
		return NULL;
	}
	pthread_mutex_lock(&n->mu);
	c = n->idle;
	if (c)
		n->idle = c->next;
	pthread_mutex_unlock(&n->mu);
	if (c)
		return c;
	c = conn_open(n, n->export, e);
	if (!c) {
		err_prefix(e, "cannot mount '%s' from NFS server '%s'", n->export, n->url.host);
		e->code = EIO;
		return NULL;
	}
	pthread_mutex_lock(&n->mu);
	n->nconns++;
	pthread_mutex_unlock(&n->mu);
	return c;
}

static void conn_put(struct nd *n, struct conn *c)
{
	if (!c)
		return;
	if (c->dead) {
		conn_destroy(c);
		pthread_mutex_lock(&n->mu);
		n->nconns--;
		pthread_mutex_unlock(&n->mu);
		return;
	}
	pthread_mutex_lock(&n->mu);
	c->next = n->idle;
	n->idle = c;
	pthread_mutex_unlock(&n->mu);
}

/* Marks the destination down (the first message wins) and drops c. */
static void mark_down(struct nd *n, struct conn *c, const char *why)
{
	pthread_mutex_lock(&n->mu);
	if (!atomic_load(&n->down)) {
		snprintf(n->down_msg, sizeof(n->down_msg), "NFS server '%s' %s", n->url.host, why);
		atomic_store(&n->down, true);
	}
	pthread_mutex_unlock(&n->mu);
	c->dead = true;
	if (c->nfs) {
		nfs_destroy_context(c->nfs); /* cancels what is pending */
		c->nfs = NULL;
		c->rpc = NULL;
	}
}

/*
 * One round of the event loop on c: waits up to POLL_MS for the socket,
 * lets libnfs read, write, reconnect and call back. -1 with e set when
 * the destination is (now) down.
 */
static int pump(struct nd *n, struct conn *c, struct err *e)
{
	struct pollfd pfd;
	int revents = 0;

	if (c->dead || atomic_load(&n->down)) {
		if (!c->dead)
			mark_down(n, c, "is down");
		return down_fail(n, e);
	}
	pfd.fd = rpc_get_fd(c->rpc);
	pfd.events = (short)rpc_which_events(c->rpc);
	pfd.revents = 0;
	if (pfd.fd >= 0) {
		if (poll(&pfd, 1, POLL_MS) > 0)
			revents = pfd.revents;
	} else {
		struct timespec ts = { 0, POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rpc_service(c->rpc, revents) < 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "failed: %s", rpc_get_error(c->rpc));
		mark_down(n, c, msg);
		return down_fail(n, e);
	}
	if (since(&c->progress) > n->url.timeout) {
		char msg[200];
		snprintf(msg, sizeof(msg), "did not answer for %d s (timeout=%d in the URL)",
			 n->url.timeout, n->url.timeout);
		mark_down(n, c, msg);
		return down_fail(n, e);
	}
	return 0;
}

/* ---- one synchronous call ---- */

struct rdent {
	char *name;
	struct dest_meta m;
	bool has_meta;
};

struct call {
	struct conn *c;
	int done;
	int rpc_status;
	int nfs_status;
	char msg[200];
	void (*extract)(struct call *call, void *res);
	/* results */
	struct dest_meta m;
	bool has_meta;
	nfs_fh3 fh;
	bool has_fh;
	char *str;
	char *buf;     /* READ: where to put the data (size cap) */
	size_t cap, got;
	bool eof;
	/* READDIRPLUS */
	struct rdent *ents;
	size_t nents, ents_alloc;
	uint64_t cookie;
	char cookieverf[NFS3_COOKIEVERFSIZE];
};

static void meta_from_fattr(struct dest_meta *m, const fattr3 *a)
{
	static const uint32_t types[] = { 0, S_IFREG, S_IFDIR, S_IFBLK, S_IFCHR, S_IFLNK, S_IFSOCK,
					  S_IFIFO };

	memset(m, 0, sizeof(*m));
	m->mode = (a->type < sizeof(types) / sizeof(types[0]) ? types[a->type] : 0) |
		  (a->mode & 07777);
	m->uid = a->uid;
	m->gid = a->gid;
	m->size = a->size;
	m->rdev = (uint64_t)makedev(a->rdev.specdata1, a->rdev.specdata2);
	m->atime.tv_sec = a->atime.seconds;
	m->atime.tv_nsec = a->atime.nseconds;
	m->mtime.tv_sec = a->mtime.seconds;
	m->mtime.tv_nsec = a->mtime.nseconds;
	m->dev = a->fsid;
	m->ino = a->fileid;
	m->nlink = a->nlink;
	m->blocks = a->used / 512;
}

static void take_attr(struct call *call, const post_op_attr *a)
{
	if (a->attributes_follow) {
		meta_from_fattr(&call->m, &a->post_op_attr_u.attributes);
		call->has_meta = true;
	}
}

static void take_fh(struct call *call, const post_op_fh3 *h)
{
	if (h->handle_follows) {
		fh_copy(&call->fh, &h->post_op_fh3_u.handle);
		call->has_fh = true;
	}
}

static void call_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct call *call = priv;

	call->rpc_status = status;
	if (status == RPC_STATUS_SUCCESS) {
		call->nfs_status = *(int *)data; /* every NFSv3 result starts with its status */
		if (call->nfs_status == NFS3_OK && call->extract)
			call->extract(call, data);
	} else if (status == RPC_STATUS_ERROR && data) {
		snprintf(call->msg, sizeof(call->msg), "%s", (const char *)data);
	}
	clock_gettime(CLOCK_MONOTONIC, &call->c->progress);
	call->done = 1;
}

/*
 * Waits for the call queued with result `queued` (the rpc_*_async return
 * value). 0 when the server answered NFS3_OK, else -1 with e set (e->code
 * the errno value).
 */
static int finish(struct nd *n, struct call *call, int queued, struct err *e)
{
	struct conn *c = call->c;

	if (queued < 0) {
		err_set(e, "cannot send a request: %s", rpc_get_error(c->rpc));
		e->code = EIO;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->progress);
	while (!call->done)
		if (pump(n, c, e) < 0)
			return -1;
	if (call->rpc_status == RPC_STATUS_CANCEL)
		return down_fail(n, e);
	if (call->rpc_status != RPC_STATUS_SUCCESS) {
		err_set(e, "RPC failed: %s", call->msg[0] ? call->msg : "no reason given");
		e->code = EIO;
		return -1;
	}
	if (call->nfs_status != NFS3_OK)
		return fail(e, nfs3_errno(call->nfs_status));
	return 0;
}

static void call_release(struct call *call)
{
	fh_free(&call->fh);
	free(call->str);
	for (size_t i = 0; i < call->nents; i++)
		free(call->ents[i].name);
	free(call->ents);
}

#define CALL_INIT(conn) { .c = (conn) }

/* ---- the RPCs ---- */

static void x_lookup(struct call *call, void *res)
{
	LOOKUP3resok *ok = &((LOOKUP3res *)res)->LOOKUP3res_u.resok;

	fh_copy(&call->fh, &ok->object);
	call->has_fh = true;
	take_attr(call, &ok->obj_attributes);
}

static void x_getattr(struct call *call, void *res)
{
	meta_from_fattr(&call->m, &((GETATTR3res *)res)->GETATTR3res_u.resok.obj_attributes);
	call->has_meta = true;
}

static int getattr_fh(struct nd *n, struct conn *c, const nfs_fh3 *fh, struct dest_meta *m,
		      struct err *e)
{
	struct call call = CALL_INIT(c);
	GETATTR3args a;
	int rc;

	call.extract = x_getattr;
	a.object = *fh;
	rc = finish(n, &call, rpc_nfs3_getattr_async(c->rpc, call_cb, &a, &call), e);
	if (!rc)
		*m = call.m;
	call_release(&call);
	return rc;
}

/* LOOKUP of name in dir: the handle (caller frees) and attributes. */
static int lookup(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		  nfs_fh3 *fh, struct dest_meta *m, struct err *e)
{
	struct call call = CALL_INIT(c);
	LOOKUP3args a;
	int rc;

	call.extract = x_lookup;
	a.what.dir = *dir;
	a.what.name = (char *)name;
	rc = finish(n, &call, rpc_nfs3_lookup_async(c->rpc, call_cb, &a, &call), e);
	if (!rc && !call.has_meta)
		rc = getattr_fh(n, c, &call.fh, &call.m, e);
	if (!rc) {
		*fh = call.fh;
		call.fh.data.data_val = NULL;
		call.fh.data.data_len = 0;
		if (m)
			*m = call.m;
	}
	call_release(&call);
	return rc;
}

static void sattr_none(sattr3 *s)
{
	memset(s, 0, sizeof(*s));
}

static void sattr_from(sattr3 *s, const struct dest_meta *m, unsigned mask)
{
	sattr_none(s);
	if (mask & DEST_SET_MODE) {
		s->mode.set_it = 1;
		s->mode.set_mode3_u.mode = m->mode & 07777;
	}
	if (mask & DEST_SET_OWNER) {
		s->uid.set_it = 1;
		s->uid.set_uid3_u.uid = m->uid;
		s->gid.set_it = 1;
		s->gid.set_gid3_u.gid = m->gid;
	}
	if (mask & DEST_SET_TIMES) {
		s->atime.set_it = SET_TO_CLIENT_TIME;
		s->atime.set_atime_u.atime.seconds = (u_int)m->atime.tv_sec;
		s->atime.set_atime_u.atime.nseconds = (u_int)m->atime.tv_nsec;
		s->mtime.set_it = SET_TO_CLIENT_TIME;
		s->mtime.set_mtime_u.mtime.seconds = (u_int)m->mtime.tv_sec;
		s->mtime.set_mtime_u.mtime.nseconds = (u_int)m->mtime.tv_nsec;
	}
}

static int setattr_raw(struct nd *n, struct conn *c, const nfs_fh3 *fh, const sattr3 *s,
		       struct err *e)
{
	struct call call = CALL_INIT(c);
	SETATTR3args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.object = *fh;
	a.new_attributes = *s;
	rc = finish(n, &call, rpc_nfs3_setattr_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	return rc;
}

/*
 * Sets the attributes in mask on fh: the owner first (a change of owner
 * clears setuid/setgid), then mode and times in one more call.
 */
static int setattr_fh(struct nd *n, struct conn *c, const nfs_fh3 *fh, const struct dest_meta *m,
		      unsigned mask, struct err *e)
{
	sattr3 s;

	if (!mask)
		return 0;
	if ((mask & DEST_SET_OWNER) && (mask & DEST_SET_MODE) && (m->mode & 06000)) {
		sattr_from(&s, m, DEST_SET_OWNER);
		if (setattr_raw(n, c, fh, &s, e) < 0)
			return -1;
		mask &= ~(unsigned)DEST_SET_OWNER;
	}
	sattr_from(&s, m, mask);
	return setattr_raw(n, c, fh, &s, e);
}

/* ---- directories ---- */

/* Looks up subdirectory name of dir without following a symlink. */
static int lookup_dir(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		      nfs_fh3 *fh, struct err *e)
{
	struct dest_meta m;

	if (lookup(n, c, dir, name, fh, &m, e) < 0)
		return -1;
	if (!S_ISDIR(m.mode)) {
		fh_free(fh);
		return fail(e, S_ISLNK(m.mode) ? ELOOP : ENOTDIR);
	}
	return 0;
}

static int mkdir_fh(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		    uint32_t mode, struct err *e)
{
	struct call call = CALL_INIT(c);
	MKDIR3args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.where.dir = *dir;
	a.where.name = (char *)name;
	a.attributes.mode.set_it = 1;
	a.attributes.mode.set_mode3_u.mode = mode & 07777;
	rc = finish(n, &call, rpc_nfs3_mkdir_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	return rc;
}

static int remove_fh(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		     struct err *e)
{
	struct call call = CALL_INIT(c);
	REMOVE3args a;
	int rc;

	a.object.dir = *dir;
	a.object.name = (char *)name;
	rc = finish(n, &call, rpc_nfs3_remove_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	return rc;
}

static void x_create(struct call *call, void *res)
{
	CREATE3resok *ok = &((CREATE3res *)res)->CREATE3res_u.resok;

	take_fh(call, &ok->obj);
	take_attr(call, &ok->obj_attributes);
}

/*
 * Creates name in dir: EXCLUSIVE with a fresh verifier (safe to send
 * again after a reconnect), or GUARDED with attributes when s is given.
 * The new handle in *fh (caller frees), its attributes in *m when m.
 */
static int create_fh(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		     const sattr3 *s, nfs_fh3 *fh, struct dest_meta *m, struct err *e)
{
	struct call call = CALL_INIT(c);
	CREATE3args a;
	int rc;

	memset(&a, 0, sizeof(a));
	call.extract = x_create;
	a.where.dir = *dir;
	a.where.name = (char *)name;
	if (s) {
		a.how.mode = GUARDED;
		a.how.createhow3_u.obj_attributes = *s;
	} else {
		uint64_t v;
		pthread_mutex_lock(&n->mu);
		v = ++n->verf;
		pthread_mutex_unlock(&n->mu);
		a.how.mode = EXCLUSIVE;
		memcpy(a.how.createhow3_u.verf, &v, sizeof(v) < NFS3_CREATEVERFSIZE ? sizeof(v)
										 : NFS3_CREATEVERFSIZE);
	}
	rc = finish(n, &call, rpc_nfs3_create_async(c->rpc, call_cb, &a, &call), e);
	if (!rc && !call.has_fh) {
		rc = lookup(n, c, dir, name, &call.fh, &call.m, e);
		call.has_fh = call.has_meta = rc == 0;
	}
	if (!rc && m && !call.has_meta) {
		rc = getattr_fh(n, c, &call.fh, &call.m, e);
		call.has_meta = rc == 0;
	}
	if (!rc) {
		*fh = call.fh;
		call.fh.data.data_val = NULL;
		call.fh.data.data_len = 0;
		if (m)
			*m = call.m;
	}
	call_release(&call);
	return rc;
}

/* ---- the operations ---- */

static int symlink_fh(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		      const char *target, struct err *e);

/*
 * Whether the server sets a symlink's own times (NFS-Ganesha's VFS
 * answers SETATTR but leaves them): a probe symlink, given a time, read
 * back, removed. Undecided (false) when any step fails.
 */
static void probe_link_times(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name)
{
	struct err e2 = ERR_INIT;
	nfs_fh3 fh = { { 0, NULL } };
	struct dest_meta want, m;

	memset(&want, 0, sizeof(want));
	want.atime.tv_sec = want.mtime.tv_sec = 1000000000;
	if (symlink_fh(n, c, dir, name, "extnfs-probe", &e2) < 0)
		goto out;
	if (lookup(n, c, dir, name, &fh, NULL, &e2) == 0 &&
	    setattr_fh(n, c, &fh, &want, DEST_SET_TIMES, &e2) == 0 &&
	    getattr_fh(n, c, &fh, &m, &e2) == 0)
		n->no_link_times = m.mtime.tv_sec != want.mtime.tv_sec;
	remove_fh(n, c, dir, name, &e2);
out:
	fh_free(&fh);
	err_release(&e2);
}

static struct nd *ND(struct dest *d)
{
	return (struct nd *)d;
}

/*
 * Before anything is written: a file created as root must belong to root.
 * The directory's times are put back afterwards.
 */
static int probe_squash(struct nd *n, struct conn *c, const nfs_fh3 *dir, struct err *e)
{
	char name[64];
	struct dest_meta before, m;
	nfs_fh3 fh = { { 0, NULL } };
	sattr3 s;
	struct err e2 = ERR_INIT;
	int rc = -1;

	if (getattr_fh(n, c, dir, &before, e) < 0)
		return -1;
	snprintf(name, sizeof(name), PROBE_PREFIX "%ld.%ld", (long)getpid(), (long)time(NULL));
	sattr_none(&s);
	s.mode.set_it = 1;
	s.mode.set_mode3_u.mode = 0600;
	s.uid.set_it = 1;
	s.uid.set_uid3_u.uid = 0;
	s.gid.set_it = 1;
	s.gid.set_gid3_u.gid = 0;
	if (create_fh(n, c, dir, name, &s, &fh, &m, &e2) < 0) {
		if (e2.code == EACCES || e2.code == EPERM) {
			err_set(e, "'%s' refuses root: a probe file created as uid 0 was refused (%s); %s",
				n->url.path, e2.msg.buf, SQUASH_HINT);
			e->code = EACCES;
		} else {
			err_set(e, "cannot create a probe file in '%s': %s", n->url.path, e2.msg.buf);
			e->code = e2.code;
		}
		goto out;
	}
	if (remove_fh(n, c, dir, name, &e2) < 0) {
		err_set(e, "cannot remove the probe file '%s' in '%s': %s", name, n->url.path,
			e2.msg.buf);
		e->code = e2.code;
		goto out;
	}
	if (m.uid == 0 && m.gid == 0) {
		snprintf(name + strlen(name), sizeof(name) - strlen(name), ".l");
		probe_link_times(n, c, dir, name);
	}
	/* put the directory's times back */
	if (setattr_fh(n, c, dir, &before, DEST_SET_TIMES, &e2) < 0)
		err_clear(&e2); /* not worth failing for */
	if (m.uid != 0 || m.gid != 0) {
		err_set(e,
			"'%s' squashes root: a file created as uid 0 belongs to uid %u gid %u; %s",
			n->url.path, (unsigned)m.uid, (unsigned)m.gid, SQUASH_HINT);
		e->code = EPERM;
		goto out;
	}
	rc = 0;
out:
	fh_free(&fh);
	err_release(&e2);
	return rc;
}

/* The first mount: the longest leading part of the path the server exports. */
static int mount_export(struct nd *n, struct err *e)
{
	struct strbuf exp = STRBUF_INIT;
	struct err e2 = ERR_INIT;
	struct conn *c = NULL;
	struct timespec t0;
	int rc = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	strbuf_addstr(&exp, n->url.path);
	for (;;) {
		char *slash;
		err_clear(&e2);
		c = conn_open(n, exp.buf, &e2);
		if (c)
			break;
		if (!strstr(e2.msg.buf, "MNT3ERR")) {
			/* no answer (a server starting or restarting): again, up to timeout */
			if (since(&t0) + 1 > n->url.timeout)
				break;
			sleep(1);
			continue;
		}
		if (!strcmp(exp.buf, "/"))
			break;
		slash = strrchr(exp.buf, '/');
		strbuf_setlen(&exp, slash == exp.buf ? 1 : (size_t)(slash - exp.buf));
	}
	if (!c && !strstr(e2.msg.buf, "MNT3ERR")) {
		err_set(e, "NFS server '%s' did not answer within %d s (timeout=%d in the URL): %s",
			n->url.host, n->url.timeout, n->url.timeout, e2.msg.buf);
		e->code = EIO;
		goto out;
	}
	if (!c) {
		err_set(e, "cannot mount '%s' (or a directory above it) from NFS server '%s': %s",
			n->url.path, n->url.host, e2.msg.buf);
		e->code = EACCES; /* the server answers, but exports none of it to us */
		goto out;
	}
	n->export = strbuf_detach(&exp, NULL);
	{
		const char *rest = n->url.path + strlen(n->export);
		n->sub = xstrdup(*rest == '/' ? rest + 1 : rest);
	}
	n->wsize = (uint32_t)nfs_get_writemax(c->nfs);
	n->rsize = (uint32_t)nfs_get_readmax(c->nfs);
	if (!n->wsize || n->wsize > (1u << 20))
		n->wsize = n->wsize ? 1u << 20 : 65536;
	if (!n->rsize || n->rsize > (1u << 20))
		n->rsize = n->rsize ? 1u << 20 : 65536;
	n->nconns = 1;
	conn_put(n, c);
	rc = 0;
out:
	strbuf_release(&exp);
	err_release(&e2);
	return rc;
}

/*
 * The mounted export's root handle. libnfs exports nfs_get_rootfh() but
 * declares it (and its struct nfs_fh) only in its private header.
 */
struct nfs_fh {
	int len;
	char *val;
};
const struct nfs_fh *nfs_get_rootfh(struct nfs_context *nfs);

static void root_fh(struct conn *c, nfs_fh3 *out)
{
	const struct nfs_fh *r = nfs_get_rootfh(c->nfs);
	nfs_fh3 tmp;

	tmp.data.data_len = (u_int)r->len;
	tmp.data.data_val = r->val;
	fh_copy(out, &tmp);
}

static int open_root(struct dest *d, const char *path, int create, struct dest_dir **out,
		     struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = NULL;
	nfs_fh3 cur = { { 0, NULL } }, next;
	char *sub = NULL, *p, *slash;
	int rc = -1;

	if (!n->export && mount_export(n, e) < 0)
		return -1;
	c = conn_get(n, e);
	if (!c)
		return -1;
	root_fh(c, &cur);
	sub = xstrdup(n->sub);
	for (p = sub; *p; p = slash ? slash + 1 : p + strlen(p)) {
		struct err e2 = ERR_INIT;
		bool last;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		last = !slash;
		if (lookup_dir(n, c, &cur, p, &next, &e2) < 0) {
			if (!(last && create && e2.code == ENOENT)) {
				err_set(e, "%s", e2.msg.buf);
				e->code = e2.code;
				err_release(&e2);
				goto out;
			}
			err_release(&e2);
			/* a new destination root: the probe goes into its parent */
			if (!n->probed) {
				if (probe_squash(n, c, &cur, e) < 0)
					goto out;
				n->probed = true;
			}
			if (mkdir_fh(n, c, &cur, p, 0700, e) < 0 && e->code != EEXIST)
				goto out;
			err_clear(e);
			if (lookup_dir(n, c, &cur, p, &next, e) < 0)
				goto out;
		}
		fh_free(&cur);
		cur = next;
		if (!slash)
			break;
	}
	if (!n->probed) {
		if (probe_squash(n, c, &cur, e) < 0)
			goto out;
		n->probed = true;
	}
	*out = dir_new(&cur);
	rc = 0;
out:
	fh_free(&cur);
	free(sub);
	conn_put(n, c);
	return rc;
}

static int open_dir(struct dest *d, struct dest_dir *dir, const char *name, struct dest_dir **out,
		    struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	nfs_fh3 fh;
	int rc = -1;

	if (!c)
		return -1;
	if (lookup_dir(n, c, &dir->fh, name, &fh, e) == 0) {
		*out = xcalloc(1, sizeof(**out));
		(*out)->fh = fh;
		rc = 0;
	}
	conn_put(n, c);
	return rc;
}

static void close_dir(struct dest *d, struct dest_dir *dir)
{
	if (!dir)
		return;
	fh_free(&dir->fh);
	free(dir);
}

static int lstat_(struct dest *d, struct dest_dir *dir, const char *name, struct dest_meta *m,
		  struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	nfs_fh3 fh;
	int rc;

	if (!c)
		return -1;
	if (!name) {
		rc = getattr_fh(n, c, &dir->fh, m, e) < 0 ? -1 : 1;
	} else if (lookup(n, c, &dir->fh, name, &fh, m, e) < 0) {
		rc = e->code == ENOENT ? 0 : -1;
		if (!rc)
			err_clear(e);
	} else {
		fh_free(&fh);
		rc = 1;
	}
	conn_put(n, c);
	return rc;
}

static void x_readdirplus(struct call *call, void *res)
{
	READDIRPLUS3resok *ok = &((READDIRPLUS3res *)res)->READDIRPLUS3res_u.resok;

	memcpy(call->cookieverf, ok->cookieverf, NFS3_COOKIEVERFSIZE);
	call->eof = ok->reply.eof;
	/*
	 * libnfs 4.0 decodes the entries into its own buffer at 4-byte
	 * alignment: each is copied out before its 8-byte fields are read.
	 */
	for (const void *p = ok->reply.entries; p;) {
		entryplus3 ent, *en = &ent;
		struct rdent *r;
		memcpy(&ent, p, sizeof(ent));
		p = ent.nextentry;
		call->cookie = en->cookie;
		if (en->name[0] == '.' &&
		    (!en->name[1] || (en->name[1] == '.' && !en->name[2])))
			continue;
		ALLOC_GROW(call->ents, call->nents + 1, call->ents_alloc);
		r = &call->ents[call->nents++];
		r->name = xstrdup(en->name);
		r->has_meta = en->name_attributes.attributes_follow;
		if (r->has_meta)
			meta_from_fattr(&r->m, &en->name_attributes.post_op_attr_u.attributes);
	}
}

/* How often a listing is started again after an entry changed under it. */
#define LIST_RESTARTS 5

/*
 * Reads every page of dir into *out. Ganesha fails a whole READDIRPLUS
 * with STALE (or NOENT) when an entry is removed while the page is read;
 * such a page is not an error of dir (see list()).
 */
static int list_pages(struct nd *n, struct conn *c, struct dest_dir *dir, struct call *out,
		      struct err *e)
{
	uint64_t cookie = 0;
	char verf[NFS3_COOKIEVERFSIZE];

	memset(verf, 0, sizeof(verf));
	for (;;) {
		struct call call = CALL_INIT(c);
		READDIRPLUS3args a;
		bool last;
		memset(&a, 0, sizeof(a));
		call.extract = x_readdirplus;
		call.ents = out->ents;
		call.nents = out->nents;
		call.ents_alloc = out->ents_alloc;
		call.cookie = cookie;
		a.dir = dir->fh;
		a.cookie = cookie;
		memcpy(a.cookieverf, verf, sizeof(verf));
		a.dircount = READDIR_DIRCOUNT;
		a.maxcount = READDIR_MAXCOUNT;
		int rc = finish(n, &call, rpc_nfs3_readdirplus_async(c->rpc, call_cb, &a, &call), e);
		last = call.eof || call.cookie == cookie; /* the end, or a page with nothing new */
		out->ents = call.ents;
		out->nents = call.nents;
		out->ents_alloc = call.ents_alloc;
		call.ents = NULL;
		call.nents = 0;
		cookie = call.cookie;
		memcpy(verf, call.cookieverf, sizeof(verf));
		call_release(&call);
		if (rc < 0)
			return -1;
		if (last)
			return 0;
	}
}

static int list(struct dest *d, struct dest_dir *dir, dest_list_fn *fn, void *arg, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call all = CALL_INIT(c);
	int rc = -1;

	if (!c)
		return -1;
	for (int attempt = 0;; attempt++) {
		struct err e2 = ERR_INIT;
		struct dest_meta m;
		int again;
		if (list_pages(n, c, dir, &all, e) == 0)
			break;
		if ((e->code != ESTALE && e->code != ENOENT) || attempt == LIST_RESTARTS)
			goto out;
		/* the directory itself still answers: something in it changed, read it again */
		again = getattr_fh(n, c, &dir->fh, &m, &e2) == 0;
		err_release(&e2);
		if (!again)
			goto out;
		for (size_t i = 0; i < all.nents; i++)
			free(all.ents[i].name);
		all.nents = 0;
		err_clear(e);
		nanosleep(&(struct timespec){ 0, 10000000L << attempt }, NULL);
	}
	for (size_t i = 0; i < all.nents; i++) {
		struct rdent *r = &all.ents[i];
		if (!r->has_meta) {
			nfs_fh3 fh;
			if (lookup(n, c, &dir->fh, r->name, &fh, &r->m, e) < 0) {
				if (e->code == ENOENT || e->code == ESTALE) {
					err_clear(e);
					continue; /* gone meanwhile */
				}
				goto out;
			}
			fh_free(&fh);
		}
		if (fn(arg, r->name, &r->m))
			break;
	}
	rc = 0;
out:
	call_release(&all);
	conn_put(n, c);
	return rc;
}

static void x_readlink(struct call *call, void *res)
{
	call->str = xstrdup(((READLINK3res *)res)->READLINK3res_u.resok.data);
}

static int readlink_(struct dest *d, struct dest_dir *dir, const char *name, char **out,
		     struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call call;
	READLINK3args a;
	nfs_fh3 fh = { { 0, NULL } };
	struct dest_meta m;
	int rc = -1;

	if (!c)
		return -1;
	memset(&call, 0, sizeof(call));
	call.c = c;
	if (lookup(n, c, &dir->fh, name, &fh, &m, e) < 0)
		goto out;
	if (!S_ISLNK(m.mode)) {
		fail(e, EINVAL);
		goto out;
	}
	call.extract = x_readlink;
	a.symlink = fh;
	if (finish(n, &call, rpc_nfs3_readlink_async(c->rpc, call_cb, &a, &call), e) < 0)
		goto out;
	*out = call.str;
	call.str = NULL;
	rc = 0;
out:
	call_release(&call);
	fh_free(&fh);
	conn_put(n, c);
	return rc;
}

static int mkdir_(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	int rc;

	if (!c)
		return -1;
	rc = mkdir_fh(n, c, &dir->fh, name, mode, e);
	conn_put(n, c);
	return rc;
}

static int symlink_fh(struct nd *n, struct conn *c, const nfs_fh3 *dir, const char *name,
		      const char *target, struct err *e)
{
	struct call call = CALL_INIT(c);
	SYMLINK3args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.where.dir = *dir;
	a.where.name = (char *)name;
	a.symlink.symlink_attributes.mode.set_it = 1;
	a.symlink.symlink_attributes.mode.set_mode3_u.mode = 0777;
	a.symlink.symlink_data = (char *)target;
	rc = finish(n, &call, rpc_nfs3_symlink_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	return rc;
}

static int symlink_(struct dest *d, struct dest_dir *dir, const char *name, const char *target,
		    struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	int rc;

	if (!c)
		return -1;
	rc = symlink_fh(n, c, &dir->fh, name, target, e);
	conn_put(n, c);
	return rc;
}

static int link_(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		 struct dest_dir *to_dir, const char *to_name, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call call;
	LINK3args a;
	nfs_fh3 fh = { { 0, NULL } };
	int rc = -1;

	if (!c)
		return -1;
	memset(&call, 0, sizeof(call));
	call.c = c;
	if (lookup(n, c, &from_dir->fh, from_name, &fh, NULL, e) < 0)
		goto out;
	a.file = fh;
	a.link.dir = to_dir->fh;
	a.link.name = (char *)to_name;
	rc = finish(n, &call, rpc_nfs3_link_async(c->rpc, call_cb, &a, &call), e);
out:
	call_release(&call);
	fh_free(&fh);
	conn_put(n, c);
	return rc;
}

static int mknod_(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  uint64_t rdev, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call call = CALL_INIT(c);
	MKNOD3args a;
	sattr3 s;
	int rc;

	if (!c)
		return -1;
	memset(&a, 0, sizeof(a));
	sattr_none(&s);
	s.mode.set_it = 1;
	s.mode.set_mode3_u.mode = mode & 07777;
	a.where.dir = dir->fh;
	a.where.name = (char *)name;
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		devicedata3 *dv = S_ISCHR(mode) ? &a.what.mknoddata3_u.chr_device
						: &a.what.mknoddata3_u.blk_device;
		a.what.type = S_ISCHR(mode) ? NF3CHR : NF3BLK;
		dv->dev_attributes = s;
		dv->spec.specdata1 = major((dev_t)rdev);
		dv->spec.specdata2 = minor((dev_t)rdev);
	} else if (S_ISFIFO(mode)) {
		a.what.type = NF3FIFO;
		a.what.mknoddata3_u.pipe_attributes = s;
	} else if (S_ISSOCK(mode)) {
		a.what.type = NF3SOCK;
		a.what.mknoddata3_u.sock_attributes = s;
	} else {
		conn_put(n, c);
		return fail(e, EINVAL);
	}
	rc = finish(n, &call, rpc_nfs3_mknod_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	conn_put(n, c);
	return rc;
}

static int rename_(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		   struct dest_dir *to_dir, const char *to_name, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call call = CALL_INIT(c);
	RENAME3args a;
	int rc;

	if (!c)
		return -1;
	a.from.dir = from_dir->fh;
	a.from.name = (char *)from_name;
	a.to.dir = to_dir->fh;
	a.to.name = (char *)to_name;
	rc = finish(n, &call, rpc_nfs3_rename_async(c->rpc, call_cb, &a, &call), e);
	if (rc < 0 && e->code == ENOENT && sync_is_tmp_name(from_name)) {
		/* sent again after a reconnect, done the first time? */
		struct err e2 = ERR_INIT;
		nfs_fh3 fh;
		if (lookup(n, c, &to_dir->fh, to_name, &fh, NULL, &e2) == 0) {
			fh_free(&fh);
			err_clear(e);
			rc = 0;
		}
		err_release(&e2);
	}
	call_release(&call);
	conn_put(n, c);
	return rc;
}

/* e may be NULL: the engine removes leftovers without caring why that failed. */
static int unlink_(struct dest *d, struct dest_dir *dir, const char *name, struct err *e)
{
	struct nd *n = ND(d);
	struct err tmp = ERR_INIT;
	struct conn *c;
	int rc = -1;

	if (!e)
		e = &tmp;
	c = conn_get(n, e);
	if (c) {
		rc = remove_fh(n, c, &dir->fh, name, e);
		conn_put(n, c);
	}
	err_release(&tmp);
	return rc;
}

static int rmdir_(struct dest *d, struct dest_dir *dir, const char *name, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct call call = CALL_INIT(c);
	RMDIR3args a;
	int rc;

	if (!c)
		return -1;
	a.object.dir = dir->fh;
	a.object.name = (char *)name;
	rc = finish(n, &call, rpc_nfs3_rmdir_async(c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	conn_put(n, c);
	return rc;
}

static int setattr(struct dest *d, struct dest_dir *dir, const char *name,
		   const struct dest_meta *m, unsigned mask, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	nfs_fh3 fh = { { 0, NULL } };
	int rc = -1;

	if (!c)
		return -1;
	if (!name) {
		rc = setattr_fh(n, c, &dir->fh, m, mask, e);
	} else if (lookup(n, c, &dir->fh, name, &fh, NULL, e) == 0) {
		/* a symlink's own attributes: NFS never follows; its mode is not ours to set */
		if (S_ISLNK(m->mode))
			mask &= ~(unsigned)(DEST_SET_MODE | (n->no_link_times ? DEST_SET_TIMES : 0));
		rc = setattr_fh(n, c, &fh, m, mask, e);
	}
	fh_free(&fh);
	conn_put(n, c);
	return rc;
}

/* ---- files ---- */

static struct dest_file *file_new(struct conn *c, nfs_fh3 *fh)
{
	struct dest_file *f = xcalloc(1, sizeof(*f));

	f->c = c;
	f->fh = *fh;
	return f;
}

static int create(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  struct dest_file **out, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	nfs_fh3 fh;

	if (!c)
		return -1;
	if (create_fh(n, c, &dir->fh, name, NULL, &fh, NULL, e) < 0) {
		/*
		 * A temporary name (random, ours) that exists: our own CREATE,
		 * done by a server that died before it could answer, sent
		 * again after the reconnect. Take the file over, emptied.
		 */
		struct dest_meta m;
		sattr3 s;
		if (e->code != EEXIST || !sync_is_tmp_name(name) ||
		    lookup(n, c, &dir->fh, name, &fh, &m, e) < 0) {
			conn_put(n, c);
			return -1;
		}
		sattr_none(&s);
		s.size.set_it = 1;
		s.size.set_size3_u.size = 0;
		if (!S_ISREG(m.mode) || m.nlink != 1 || setattr_raw(n, c, &fh, &s, e) < 0) {
			if (!S_ISREG(m.mode) || m.nlink != 1)
				fail(e, EEXIST);
			fh_free(&fh);
			conn_put(n, c);
			return -1;
		}
		err_clear(e);
	}
	*out = file_new(c, &fh);
	(*out)->mode = mode & 07777;
	(*out)->mode_pending = true;
	return 0;
}

static int open_read(struct dest *d, struct dest_dir *dir, const char *name,
		     struct dest_file **out, struct err *e)
{
	struct nd *n = ND(d);
	struct conn *c = conn_get(n, e);
	struct dest_meta m;
	nfs_fh3 fh;

	if (!c)
		return -1;
	if (lookup(n, c, &dir->fh, name, &fh, &m, e) < 0) {
		conn_put(n, c);
		return -1;
	}
	if (!S_ISREG(m.mode)) {
		fh_free(&fh);
		conn_put(n, c);
		return fail(e, S_ISDIR(m.mode) ? EISDIR : ELOOP);
	}
	*out = file_new(c, &fh);
	return 0;
}

static void x_read(struct call *call, void *res)
{
	READ3resok *ok = &((READ3res *)res)->READ3res_u.resok;
	size_t k = ok->data.data_len < call->cap ? ok->data.data_len : call->cap;

	memcpy(call->buf, ok->data.data_val, k);
	call->got = k;
	call->eof = ok->eof;
}

static int64_t read_(struct dest *d, struct dest_file *f, void *buf, size_t len, uint64_t off,
		     struct err *e)
{
	struct nd *n = ND(d);
	size_t done = 0;

	if (f->c->dead)
		return down_fail(n, e);
	while (done < len) {
		struct call call = CALL_INIT(f->c);
		READ3args a;
		size_t want = len - done < n->rsize ? len - done : n->rsize;
		call.extract = x_read;
		call.buf = (char *)buf + done;
		call.cap = want;
		a.file = f->fh;
		a.offset = off + done;
		a.count = (count3)want;
		if (finish(n, &call, rpc_nfs3_read_async(f->c->rpc, call_cb, &a, &call), e) < 0) {
			call_release(&call);
			return -1;
		}
		call_release(&call);
		done += call.got;
		if (call.eof || !call.got)
			break;
	}
	return (int64_t)done;
}

/* One queued WRITE: owns its copy of the data until answered. */
struct wreq {
	struct dest_file *f;
	char *data;
	uint32_t len;
};

static void write_cb(struct rpc_context *rpc, int status, void *data, void *priv)
{
	struct wreq *w = priv;
	struct dest_file *f = w->f;
	int err = 0;
	const char *msg = NULL;

	if (status == RPC_STATUS_SUCCESS) {
		WRITE3res *res = data;
		if (res->status != NFS3_OK)
			err = nfs3_errno(res->status);
		else if (res->WRITE3res_u.resok.count < w->len)
			err = EIO, msg = "the server wrote less than it was sent";
	} else if (status == RPC_STATUS_CANCEL) {
		err = ETIMEDOUT, msg = "cancelled: the connection was dropped";
	} else {
		err = EIO, msg = data ? (const char *)data : "RPC failed";
	}
	if (err && !f->err) {
		f->err = err;
		snprintf(f->errmsg, sizeof(f->errmsg), "%s", msg ? msg : strerror(err));
	}
	clock_gettime(CLOCK_MONOTONIC, &f->c->progress);
	f->c->inflight--;
	free(w->data);
	free(w);
}

/* Waits until at most max WRITEs are in flight on f's connection. */
static int drain(struct nd *n, struct dest_file *f, int max, struct err *e)
{
	if (f->c->dead)
		return down_fail(n, e);
	if (f->c->inflight > max)
		clock_gettime(CLOCK_MONOTONIC, &f->c->progress);
	while (f->c->inflight > max)
		if (pump(n, f->c, e) < 0)
			return -1;
	if (f->err)
		return fail_msg(e, f->err, f->errmsg);
	return 0;
}

/* Queues a WRITE of data (taken over) at off. */
static int queue_write(struct nd *n, struct dest_file *f, char *data, uint32_t len, uint64_t off,
		       struct err *e)
{
	struct wreq *w;
	WRITE3args a;

	if (drain(n, f, n->url.inflight - 1, e) < 0) {
		free(data);
		return -1;
	}
	w = xmalloc(sizeof(*w));
	w->f = f;
	w->data = data;
	w->len = len;
	memset(&a, 0, sizeof(a));
	a.file = f->fh;
	a.offset = off;
	a.count = len;
	a.stable = UNSTABLE;
	a.data.data_len = len;
	a.data.data_val = data;
	if (rpc_nfs3_write_async(f->c->rpc, write_cb, &a, w) < 0) {
		free(data);
		free(w);
		err_set(e, "cannot send a WRITE: %s", rpc_get_error(f->c->rpc));
		e->code = EIO;
		return -1;
	}
	f->c->inflight++;
	return 0;
}

static int write_(struct dest *d, struct dest_file *f, const void *buf, size_t len, uint64_t off,
		  struct err *e)
{
	struct nd *n = ND(d);
	const char *p = buf;

	while (len) {
		uint32_t k = len < n->wsize ? (uint32_t)len : n->wsize;
		char *copy = xmalloc(k);
		memcpy(copy, p, k);
		if (queue_write(n, f, copy, k, off, e) < 0)
			return -1;
		p += k;
		off += k;
		len -= k;
	}
	return 0;
}

/* Reads the local file straight into queued WRITEs: no extra copy, many in flight. */
static int64_t copy_from(struct dest *d, struct dest_file *f, int src_fd, uint64_t off, size_t len,
			 struct err *e)
{
	struct nd *n = ND(d);
	uint64_t done = 0;

	while (done < len) {
		uint32_t want = len - done < n->wsize ? (uint32_t)(len - done) : n->wsize;
		char *data = xmalloc(want);
		ssize_t got;
		do
			got = pread(src_fd, data, want, (off_t)(off + done));
		while (got < 0 && errno == EINTR);
		if (got <= 0) {
			int saved = errno;
			free(data);
			if (got < 0)
				return fail(e, saved);
			break;
		}
		if (queue_write(n, f, data, (uint32_t)got, off + done, e) < 0)
			return -1;
		done += (uint64_t)got;
		if ((uint32_t)got < want)
			break;
	}
	return (int64_t)done;
}

static int truncate_(struct dest *d, struct dest_file *f, uint64_t size, struct err *e)
{
	struct nd *n = ND(d);
	sattr3 s;

	if (drain(n, f, 0, e) < 0)
		return -1;
	sattr_none(&s);
	s.size.set_it = 1;
	s.size.set_size3_u.size = size;
	return setattr_raw(n, f->c, &f->fh, &s, e);
}

static int fsetattr(struct dest *d, struct dest_file *f, const struct dest_meta *m, unsigned mask,
		    struct err *e)
{
	struct nd *n = ND(d);
	struct dest_meta mm = *m;

	/* after the data, or a WRITE answered later would change the mtime */
	if (drain(n, f, 0, e) < 0)
		return -1;
	if (f->mode_pending && !(mask & DEST_SET_MODE)) {
		mm.mode = (m->mode & ~07777u) | f->mode;
		mask |= DEST_SET_MODE;
	}
	if (setattr_fh(n, f->c, &f->fh, &mm, mask, e) < 0)
		return -1;
	f->mode_pending = false;
	return 0;
}

static int fsync_(struct dest *d, struct dest_file *f, struct err *e)
{
	struct nd *n = ND(d);
	struct call call = CALL_INIT(f->c);
	COMMIT3args a;
	int rc;

	if (drain(n, f, 0, e) < 0)
		return -1;
	a.file = f->fh;
	a.offset = 0;
	a.count = 0;
	rc = finish(n, &call, rpc_nfs3_commit_async(f->c->rpc, call_cb, &a, &call), e);
	call_release(&call);
	return rc;
}

static int close_(struct dest *d, struct dest_file *f, struct err *e)
{
	struct nd *n = ND(d);
	struct err tmp = ERR_INIT;
	int rc = 0;

	if (!f)
		return 0;
	if (drain(n, f, 0, e ? e : &tmp) < 0)
		rc = -1;
	if (!rc && f->mode_pending) {
		/* created, written, never given attributes: at least its mode */
		struct dest_meta m;
		memset(&m, 0, sizeof(m));
		m.mode = f->mode;
		rc = setattr_fh(n, f->c, &f->fh, &m, DEST_SET_MODE, e ? e : &tmp);
	}
	err_release(&tmp);
	conn_put(n, f->c);
	fh_free(&f->fh);
	free(f);
	return rc;
}

static void release(struct dest *d)
{
	struct nd *n = ND(d);

	if (!n)
		return;
	while (n->idle) {
		struct conn *c = n->idle;
		n->idle = c->next;
		conn_destroy(c);
	}
	pthread_mutex_destroy(&n->mu);
	nfsurl_release(&n->url);
	free(n->export);
	free(n->sub);
	free(n);
}

static bool degraded(struct dest *d)
{
	return atomic_load(&ND(d)->down);
}

static bool no_link_times(struct dest *d)
{
	return ND(d)->no_link_times;
}

static const struct dest_ops nfs_ops = {
	.name = "nfs",
	.open_root = open_root,
	.open_dir = open_dir,
	.close_dir = close_dir,
	.lstat = lstat_,
	.readlink = readlink_,
	.list = list,
	.mkdir = mkdir_,
	.symlink = symlink_,
	.link = link_,
	.mknod = mknod_,
	.rename = rename_,
	.unlink = unlink_,
	.rmdir = rmdir_,
	.setattr = setattr,
	.create = create,
	/* no create_anon/publish: WRITE errors surface only at close */
	.open_read = open_read,
	.read = read_,
	.write = write_,
	.copy_from = copy_from,
	.truncate = truncate_,
	.fsetattr = fsetattr,
	.fsync = fsync_,
	.close = close_,
	.degraded = degraded,
	.no_link_times = no_link_times,
	.release = release,
};

struct dest *dest_nfs_new(const char *url, int no_fastpath, struct err *e)
{
	struct nd *n = xcalloc(1, sizeof(*n));
	struct nfsurl empty = NFSURL_INIT;

	n->url = empty;
	if (nfsurl_parse(url, &n->url, e) < 0) {
		free(n);
		return NULL;
	}
	if (n->url.version != 3) {
		err_set(e, "'%s': NFSv%d is not supported (libnfs %s speaks NFSv3 here): use version=3",
			url, n->url.version, "4.0");
		nfsurl_release(&n->url);
		free(n);
		return NULL;
	}
	pthread_mutex_init(&n->mu, NULL);
	n->verf = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
	n->ops = nfs_ops;
	if (no_fastpath)
		n->ops.copy_from = NULL;
	n->d.ops = &n->ops;
	n->d.priv = n;
	return &n->d;
}

#else /* !HAVE_LIBNFS */

#include "sync/nfs.h"

struct dest *dest_nfs_new(const char *url, int no_fastpath, struct err *e)
{
	err_set(e, "cannot copy to '%s': NFS destinations are not in this build (no libnfs)", url);
	return NULL;
}

#endif
