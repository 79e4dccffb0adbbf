/*
 * engine.c: orchestration of one replication (see engine.h): the walker,
 * the worker pool, directory descriptors on both sides, the deletion
 * guard, the late phase (hard links, deletions, directory-to-file
 * replacements, directory times) and the manifest.
 *
 * Threads: the calling thread walks and decides; `jobs` workers run
 * batches (up to BATCH_MAX entries of one directory). One mutex guards the
 * queue, the node reference counts, the descriptor tables and the
 * statistics; another serialises the callbacks. A directory node is
 * complete when the walker, its batches and its subdirectories are done;
 * completing it sets its attributes (deepest first, since a parent waits
 * for its children) and closes its descriptors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sync/copyfile.h"
#include "sync/engine.h"
#include "sync/filter.h"
#include "sync/manifest.h"
#include "sync/nfs.h"
#include "sync/nfsurl.h"
#include "sync/ops.h"
#include "sync/walk.h"
#include "util/strmap.h"
#include "util/banned.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

#define BATCH_MAX 64
#define NFS_JOBS 16 /* default workers (one connection each) for nfs:// */
#define BATCH_BYTES ((uint64_t)32 << 20)
#define TMP_PREFIX ".extnfs-tmp."
#define TMP_RANDOM 6
#define NAME_MAX_BYTES 255

struct batch {
	struct batch *next;
	struct dnode *d;
	size_t n;
	struct ent *items[BATCH_MAX];
};

struct link_leader {
	struct ent *ent;
	struct dnode *parent;
};

struct engine {
	const struct sync_opts *o;
	struct sync_stats *st;
	struct dest *dest;
	struct walk_cmp cmp;
	struct manifest man;
	bool trusted;      /* compare with the manifest, do not list the destination */
	bool gated;        /* workers wait for the guard */
	char *src_canon, *dest_canon;
	struct dnode *root;
	struct dest_meta root_meta;
	uint64_t dest_root_dev, dest_root_ino;
	bool is_root;
	uid_t euid;
	gid_t egid;
	mode_t umask;

	pthread_mutex_t mu;
	pthread_cond_t cv;      /* workers wait here for work */
	pthread_cond_t done_cv; /* the walker waits here for a listing */
	int walker_waiting;
	struct batch *qhead, *qtail;
	struct dnode **scans; /* a stack of source directories to list ahead of the walker */
	size_t nscans, scans_alloc;
	struct dnode **dlists; /* a stack of destination directories to list ahead */
	size_t ndlists, dlists_alloc;
	int scans_ahead;      /* queued ahead and not yet walked */
	bool gate_open, walk_done;
	atomic_bool stopping;
	atomic_bool no_anon; /* the destination cannot make unnamed files */
	/* the manifest is marked "open" before the first change, and only then */
	pthread_mutex_t mark_mu;
	atomic_bool marked;
	struct strbuf mark_err;
	int open_fds, fd_budget;

	pthread_mutex_t out_mu;
	struct timespec t0;
	_Atomic int64_t last_progress_ms;

	struct strmap links; /* "dev:ino" -> struct link_leader */
};

struct worker {
	struct engine *g;
	struct copyfile cf;
	pthread_t tid;
	uint64_t rng;
};

/* ---- small helpers ---- */

static double elapsed(const struct engine *g)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - g->t0.tv_sec) + (double)(now.tv_nsec - g->t0.tv_nsec) / 1e9;
}

static bool stop_requested(struct engine *g)
{
	if (atomic_load(&g->stopping))
		return true;
	if (g->o->stop && *g->o->stop) {
		atomic_store(&g->stopping, true);
		return true;
	}
	return false;
}

static void path_of(struct strbuf *sb, const struct dnode *d, const char *name)
{
	strbuf_reset(sb);
	strbuf_addstr(sb, d->path);
	if (name) {
		if (*d->path)
			strbuf_addch(sb, '/');
		strbuf_addstr(sb, name);
	}
}

static char *path_dup(const struct dnode *d, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	path_of(&sb, d, name);
	return strbuf_detach(&sb, NULL);
}

static void emit(struct engine *g, enum sync_event_kind kind, char type, const char *path,
		 const char *detail)
{
	struct sync_event ev = { kind, type, path, detail };

	if (!g->o->on_event)
		return;
	pthread_mutex_lock(&g->out_mu);
	g->o->on_event(g->o->cb_arg, &ev);
	pthread_mutex_unlock(&g->out_mu);
}

static void report(struct engine *g, enum sync_event_kind kind, char type, const struct dnode *d,
		   const char *name, const char *detail)
{
	struct strbuf sb = STRBUF_INIT;

	if (!g->o->on_event)
		return;
	path_of(&sb, d, name);
	emit(g, kind, type, sb.buf, detail);
	strbuf_release(&sb);
}

#define STAT_ADD(g, field, n)                     \
	do {                                      \
		pthread_mutex_lock(&(g)->mu);     \
		(g)->st->field += (n);            \
		pthread_mutex_unlock(&(g)->mu);   \
	} while (0)

/* True when the backend lost the destination (a server that stopped answering). */
static bool dest_lost(struct engine *g)
{
	return g->dest && g->dest->ops->degraded && g->dest->ops->degraded(g->dest);
}

/* Reports one failed entry: "cannot VERB 'PATH': MESSAGE". */
static void fail_path(struct engine *g, const struct dnode *d, const char *name, char type,
		      const char *verb, const struct err *e)
{
	struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;

	path_of(&path, d, name);
	strbuf_addf(&msg, "cannot %s '", verb);
	strbuf_addquoted(&msg, path.len ? path.buf : ".", path.len ? path.len : 1);
	strbuf_addf(&msg, "': %s", e && e->msg.len ? e->msg.buf : "failed");
	emit(g, SYNC_EV_ERROR, type, path.buf, msg.buf);
	STAT_ADD(g, failed, 1);
	if (dest_lost(g))
		atomic_store(&g->stopping, true); /* every further entry would fail the same way */
	strbuf_release(&path);
	strbuf_release(&msg);
}

static void fail_ent(struct engine *g, struct dnode *d, struct ent *ent, const char *verb,
		     const struct err *e)
{
	ent->status = ST_FAILED;
	fail_path(g, d, ent->name, ent->type, verb, e);
}

static void set_errno_err(struct err *e, int errnum)
{
	err_set(e, "%s", strerror(errnum));
	e->code = errnum;
}

bool sync_is_tmp_name(const char *name)
{
	size_t n = strlen(name), p = strlen(TMP_PREFIX);

	if (n < p + 1 + TMP_RANDOM || strncmp(name, TMP_PREFIX, p) || name[n - TMP_RANDOM - 1] != '.')
		return false;
	for (size_t i = n - TMP_RANDOM; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static void tmp_name(struct worker *w, const char *name, struct strbuf *out)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t room = NAME_MAX_BYTES - strlen(TMP_PREFIX) - 1 - TMP_RANDOM, n = strlen(name);

	strbuf_reset(out);
	strbuf_addstr(out, TMP_PREFIX);
	strbuf_add(out, name, n < room ? n : room);
	strbuf_addch(out, '.');
	for (int i = 0; i < TMP_RANDOM; i++) {
		w->rng ^= w->rng << 13;
		w->rng ^= w->rng >> 7;
		w->rng ^= w->rng << 17;
		strbuf_addch(out, abc[w->rng % (sizeof(abc) - 1)]);
	}
}

static uint64_t seed(const void *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_nsec * 6364136223846793005ULL) ^ (uint64_t)(uintptr_t)p ^
	       ((uint64_t)getpid() << 32) ^ ((uint64_t)ts.tv_sec | 1);
}

/* ---- progress ---- */

static void progress(struct engine *g, bool force)
{
	struct sync_stats copy;
	double now;

	if (!g->o->on_progress)
		return;
	now = elapsed(g);
	if (!force && (int64_t)(now * 1000) - atomic_load(&g->last_progress_ms) < 200)
		return;
	if (pthread_mutex_trylock(&g->out_mu)) {
		if (!force)
			return;
		pthread_mutex_lock(&g->out_mu);
	}
	atomic_store(&g->last_progress_ms, (int64_t)(now * 1000));
	pthread_mutex_lock(&g->mu);
	copy = *g->st;
	pthread_mutex_unlock(&g->mu);
	copy.seconds = now;
	g->o->on_progress(g->o->cb_arg, &copy);
	pthread_mutex_unlock(&g->out_mu);
}

/* ---- descriptors of both sides (opened lazily, kept while useful) ---- */

static bool fd_pressure(const struct engine *g)
{
	return g->open_fds > g->fd_budget;
}

static void src_put_locked(struct engine *g, struct dnode *d);

/* A source directory's descriptor, opened from its parent's if needed. -1 on error. */
static int src_get(struct engine *g, struct dnode *d, struct err *e)
{
	int pfd, fd;
	struct stat st;

	pthread_mutex_lock(&g->mu);
	if (d->src_fd >= 0) {
		d->src_users++;
		pthread_mutex_unlock(&g->mu);
		return d->src_fd;
	}
	pthread_mutex_unlock(&g->mu);
	if (!d->parent) {
		set_errno_err(e, EBADF);
		return -1;
	}
	pfd = src_get(g, d->parent, e);
	if (pfd < 0)
		return -1;
	fd = openat(pfd, d->self->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != d->m->ino ||
			(uint64_t)st.st_dev != d->m->dev)) {
		close(fd);
		fd = -1;
		errno = ESTALE; /* replaced since the walk */
	}
	if (fd < 0)
		set_errno_err(e, errno);
	pthread_mutex_lock(&g->mu);
	if (fd >= 0) {
		if (d->src_fd >= 0) {
			close(fd);
		} else {
			d->src_fd = fd;
			g->open_fds++;
		}
		d->src_users++;
		fd = d->src_fd;
	}
	src_put_locked(g, d->parent); /* the parent may close now */
	pthread_mutex_unlock(&g->mu);
	return fd;
}

static void src_put_locked(struct engine *g, struct dnode *d)
{
	d->src_users--;
	if (!d->src_users && d->parent && d->src_fd >= 0 &&
	    (fd_pressure(g) || d->complete || (d->walked && !d->batches_left))) {
		close(d->src_fd);
		d->src_fd = -1;
		g->open_fds--;
	}
}

static void src_put(struct engine *g, struct dnode *d)
{
	pthread_mutex_lock(&g->mu);
	src_put_locked(g, d);
	pthread_mutex_unlock(&g->mu);
}

static void dest_put_locked(struct engine *g, struct dnode *d)
{
	d->dest_users--;
	if (!d->dest_users && d->parent && d->dd && (fd_pressure(g) || d->complete)) {
		g->dest->ops->close_dir(g->dest, d->dd);
		d->dd = NULL;
		g->open_fds--;
	}
}

static void dest_put(struct engine *g, struct dnode *d)
{
	pthread_mutex_lock(&g->mu);
	dest_put_locked(g, d);
	pthread_mutex_unlock(&g->mu);
}

/*
 * Called before the first change to the destination: marks the manifest
 * "open" (a crash from now on means a full comparison next time). False
 * when that failed; the run then stops.
 */
static bool mark_changing(struct engine *g)
{
	struct err e = ERR_INIT;

	if (atomic_load(&g->marked) || !g->o->db || g->o->dry_run)
		return true;
	pthread_mutex_lock(&g->mark_mu);
	if (!atomic_load(&g->marked) && !g->mark_err.len) {
		if (manifest_mark_open(g->o->db, g->dest_canon, g->dest_root_dev, g->dest_root_ino,
				       &e) < 0) {
			strbuf_addbuf(&g->mark_err, &e.msg);
			atomic_store(&g->stopping, true);
		} else {
			atomic_store(&g->marked, true);
		}
	}
	pthread_mutex_unlock(&g->mark_mu);
	err_release(&e);
	return atomic_load(&g->marked);
}

/*
 * The destination directory of d, made first when it must be (and, when
 * may_change, replacing a non-directory found in its place). NULL on error.
 */
static struct dest_dir *dest_get(struct engine *g, struct dnode *d, bool may_change, struct err *e)
{
	const struct dest_ops *ops = g->dest->ops;
	struct dest_dir *pdd, *dd = NULL;
	struct dest_meta m;

	if (may_change && !mark_changing(g)) {
		err_set(e, "the manifest could not be updated");
		return NULL;
	}
	pthread_mutex_lock(&g->mu);
	if (d->dd) {
		d->dest_users++;
		pthread_mutex_unlock(&g->mu);
		return d->dd;
	}
	if (d->dest_failed || !d->parent) {
		pthread_mutex_unlock(&g->mu);
		err_set(e, "not made");
		return NULL;
	}
	pthread_mutex_unlock(&g->mu);
	pdd = dest_get(g, d->parent, may_change, e);
	if (!pdd)
		return NULL;
	/* the engine lock serialises making and opening directories */
	pthread_mutex_lock(&g->mu);
	if (d->dd) {
		dd = d->dd;
		goto got;
	}
	if (d->create && !d->made && may_change) {
		if (ops->mkdir(g->dest, pdd, d->self->name, 0700, e) < 0) {
			if (e->code != EEXIST)
				goto failed;
			if (ops->lstat(g->dest, pdd, d->self->name, &m, e) < 0)
				goto failed;
			if (!S_ISDIR(m.mode)) {
				/* a non-directory where the directory goes: replace it */
				if (ops->unlink(g->dest, pdd, d->self->name, e) < 0 ||
				    ops->mkdir(g->dest, pdd, d->self->name, 0700, e) < 0)
					goto failed;
			}
		}
		atomic_store(&d->parent->dirty, true);
	}
	if (ops->open_dir(g->dest, pdd, d->self->name, &dd, e) < 0) {
		int code = e->code;
		if (!may_change || (code != ENOENT && code != ENOTDIR && code != ELOOP))
			goto failed;
		/* the manifest said it was there: repair */
		if (code != ENOENT && ops->unlink(g->dest, pdd, d->self->name, e) < 0)
			goto failed;
		if (ops->mkdir(g->dest, pdd, d->self->name, 0700, e) < 0 ||
		    ops->open_dir(g->dest, pdd, d->self->name, &dd, e) < 0)
			goto failed;
		d->create = true;
		atomic_store(&d->parent->dirty, true);
	}
	d->dd = dd;
	d->made = true;
	g->open_fds++;
got:
	d->dest_users++;
	dest_put_locked(g, d->parent);
	pthread_mutex_unlock(&g->mu);
	return dd;
failed:
	if (may_change)
		d->dest_failed = true;
	dest_put_locked(g, d->parent);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* ---- completion of directories ---- */

static void node_fixup(struct engine *g, struct dnode *d)
{
	struct err e = ERR_INIT;
	unsigned mask = d->meta_mask;
	struct dest_dir *dd;

	if (d->create)
		mask |= DEST_SET_MODE | DEST_SET_TIMES | (g->is_root ? DEST_SET_OWNER : 0);
	if (atomic_load(&d->dirty))
		mask |= DEST_SET_TIMES;
	if (!g->is_root)
		mask &= ~(unsigned)DEST_SET_OWNER;
	if (d == g->root && g->o->keep_root)
		mask = d->create ? mask & ~(unsigned)DEST_SET_TIMES : 0; /* other jobs own it */
	if (!mask || g->o->dry_run || stop_requested(g))
		return;
	dd = dest_get(g, d, true, &e);
	if (!dd) {
		fail_path(g, d, NULL, 'd', "make directory", &e);
		if (d->self)
			d->self->status = ST_FAILED;
		goto out;
	}
	if (g->dest->ops->setattr(g->dest, dd, NULL, d->m, mask, &e) < 0) {
		fail_path(g, d, NULL, 'd', "set attributes of", &e);
		if (d->self)
			d->self->status = ST_FAILED;
	} else if (d->self && d->create) {
		STAT_ADD(g, created, 1);
	} else if (d->meta_mask & (DEST_SET_MODE | DEST_SET_OWNER)) {
		STAT_ADD(g, metadata, 1);
	}
	dest_put(g, d);
out:
	err_release(&e);
}

static void node_close_locked(struct engine *g, struct dnode *d)
{
	if (d->parent && d->src_fd >= 0 && !d->src_users) {
		close(d->src_fd);
		d->src_fd = -1;
		g->open_fds--;
	}
	if (d->parent && d->dd && !d->dest_users) {
		g->dest->ops->close_dir(g->dest, d->dd);
		d->dd = NULL;
		g->open_fds--;
	}
}

/* Drops one reference; completes d (and maybe its parents) at zero. */
static void node_unref(struct engine *g, struct dnode *d)
{
	while (d) {
		int left;
		pthread_mutex_lock(&g->mu);
		left = --d->refs;
		pthread_mutex_unlock(&g->mu);
		if (left > 0)
			return;
		if (!d->late) {
			node_fixup(g, d);
		} else if (d->create && !d->made && !g->o->dry_run && !stop_requested(g)) {
			/* made now, while its parent's times are still to be set */
			struct err e = ERR_INIT;
			if (dest_get(g, d, true, &e))
				dest_put(g, d);
			else
				fail_path(g, d, NULL, 'd', "make directory", &e);
			err_release(&e);
		}
		if (d->self && d->self->status == ST_TODO && !d->dest_failed)
			d->self->status = ST_OK;
		pthread_mutex_lock(&g->mu);
		d->complete = true;
		node_close_locked(g, d);
		pthread_mutex_unlock(&g->mu);
		d = d->parent;
	}
}

/* ---- the work on one entry ---- */

static unsigned create_mask(struct engine *g, const struct dnode *d, const struct ent *ent)
{
	unsigned mask = ent->type == 'l' && g->cmp.no_link_times ? 0 : DEST_SET_TIMES;

	if (g->is_root && (ent->m.uid != g->euid || ent->m.gid != g->egid || d->dest_setgid))
		mask |= DEST_SET_OWNER;
	if (ent->type != 'l' && ((ent->m.mode & 07000) || (ent->m.mode & 0777 & g->umask)))
		mask |= DEST_SET_MODE;
	if ((mask & DEST_SET_OWNER) && ent->type != 'l')
		mask |= DEST_SET_MODE; /* chown may clear setuid/setgid */
	return mask;
}

static void mark_dirty(struct dnode *d)
{
	atomic_store(&d->dirty, true);
}

static void count_done(struct engine *g, const struct ent *ent, uint64_t bytes)
{
	pthread_mutex_lock(&g->mu);
	if (!ent->dest_present)
		g->st->created++;
	else if (ent->action == A_META || (ent->action == A_CHECK && !ent->rewritten))
		g->st->metadata++;
	else
		g->st->updated++;
	g->st->bytes += bytes;
	g->st->done_files++;
	pthread_mutex_unlock(&g->mu);
}

/* Writes a regular file under a temporary name and renames it into place. */
static int write_regular(struct worker *w, struct dnode *d, struct ent *ent, int sfd,
			 struct dest_dir *dd)
{
	struct engine *g = w->g;
	const struct dest_ops *ops = g->dest->ops;
	struct err e = ERR_INIT;
	struct strbuf tmp = STRBUF_INIT;
	struct dest_file *f = NULL;
	uint64_t written = 0;
	bool want_digest = g->o->checksum && !ent->has_digest, anon = false, published = false;
	int fd, rc = -1, tries = 0;

	fd = openat(sfd, ent->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			ent->status = ST_GONE;
			report(g, SYNC_EV_NOTE, 'f', d, ent->name, "vanished before it was copied");
			rc = 0;
			goto out;
		}
		set_errno_err(&e, errno);
		fail_ent(g, d, ent, "open", &e);
		goto out;
	}
	if (!ent->dest_present && ops->create_anon && !atomic_load(&g->no_anon)) {
		/* a new file: unnamed until complete, then linked in (one directory operation) */
		if (ops->create_anon(g->dest, dd, ent->m.mode & 0777, &f, &e) == 0) {
			anon = true;
		} else if (e.code == EOPNOTSUPP || e.code == EISDIR || e.code == EINVAL) {
			atomic_store(&g->no_anon, true);
			err_clear(&e);
		} else {
			fail_ent(g, d, ent, "create", &e);
			goto out;
		}
	}
	while (!anon) {
		tmp_name(w, ent->name, &tmp);
		if (ops->create(g->dest, dd, tmp.buf, ent->m.mode & 0777, &f, &e) == 0)
			break;
		if (e.code != EEXIST || ++tries > 5) {
			fail_ent(g, d, ent, "create", &e);
			goto out;
		}
	}
	mark_dirty(d);
	if (copyfile_data(&w->cf, g->dest, f, fd, ent->m.size, ent->m.blocks,
			  want_digest ? ent->digest : NULL, &written, &e) < 0) {
		if (e.code == EINTR) {
			/* stopped: not a failure of this file, which stays as it was */
			atomic_store(&g->stopping, true);
			goto unlink_tmp;
		}
		fail_ent(g, d, ent, "copy", &e);
		goto unlink_tmp;
	}
	if (want_digest)
		ent->has_digest = true;
	if (ops->fsetattr(g->dest, f, &ent->m, create_mask(g, d, ent), &e) < 0) {
		fail_ent(g, d, ent, "set attributes of", &e);
		goto unlink_tmp;
	}
	if (g->o->fsync && ops->fsync(g->dest, f, &e) < 0) {
		fail_ent(g, d, ent, "fsync", &e);
		goto unlink_tmp;
	}
	if (anon) {
		if (ops->publish(g->dest, f, dd, ent->name, &e) < 0) {
			if (e.code != EEXIST) {
				fail_ent(g, d, ent, "link into place", &e);
				goto unlink_tmp;
			}
			/* there after all (the manifest did not know): replace it */
			for (;;) {
				tmp_name(w, ent->name, &tmp);
				if (ops->publish(g->dest, f, dd, tmp.buf, &e) == 0)
					break;
				if (e.code != EEXIST || ++tries > 5) {
					fail_ent(g, d, ent, "link into place", &e);
					goto unlink_tmp;
				}
			}
			anon = false;
		} else {
			published = true;
		}
	}
	rc = ops->close(g->dest, f, &e);
	f = NULL;
	if (rc < 0) {
		fail_ent(g, d, ent, "write", &e);
		goto unlink_tmp;
	}
	if (!published && ops->rename(g->dest, dd, tmp.buf, dd, ent->name, &e) < 0) {
		rc = -1;
		fail_ent(g, d, ent, "rename into place", &e);
		goto unlink_tmp;
	}
	ent->rewritten = true;
	ent->status = ST_OK;
	count_done(g, ent, written);
	rc = 0;
	goto out;
unlink_tmp:
	if (f)
		ops->close(g->dest, f, NULL);
	f = NULL;
	if (!anon && !published)
		ops->unlink(g->dest, dd, tmp.buf, NULL);
	rc = -1;
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&tmp);
	err_release(&e);
	return rc;
}

/* Symlinks, device nodes and fifos: made in place when absent, else at a temporary name. */
static int write_special(struct worker *w, struct dnode *d, struct ent *ent, struct dest_dir *dd)
{
	struct engine *g = w->g;
	const struct dest_ops *ops = g->dest->ops;
	struct err e = ERR_INIT;
	struct strbuf tmp = STRBUF_INIT;
	const char *name = ent->name;
	int rc = -1, tries = 0;

	for (;;) {
		int r = ent->type == 'l' ? ops->symlink(g->dest, dd, name, ent->target, &e)
					 : ops->mknod(g->dest, dd, name, ent->m.mode, ent->m.rdev, &e);
		if (!r)
			break;
		if (e.code != EEXIST || ++tries > 5) {
			fail_ent(g, d, ent, "create", &e);
			goto out;
		}
		tmp_name(w, ent->name, &tmp);
		name = tmp.buf;
	}
	mark_dirty(d);
	if (ops->setattr(g->dest, dd, name, &ent->m, create_mask(g, d, ent), &e) < 0) {
		fail_ent(g, d, ent, "set attributes of", &e);
		if (name != ent->name)
			ops->unlink(g->dest, dd, name, NULL);
		goto out;
	}
	if (name != ent->name && ops->rename(g->dest, dd, name, dd, ent->name, &e) < 0) {
		fail_ent(g, d, ent, "rename into place", &e);
		ops->unlink(g->dest, dd, name, NULL);
		goto out;
	}
	ent->rewritten = true;
	ent->status = ST_OK;
	count_done(g, ent, 0);
	rc = 0;
out:
	strbuf_release(&tmp);
	err_release(&e);
	return rc;
}

static void do_meta(struct worker *w, struct dnode *d, struct ent *ent, struct dest_dir *dd)
{
	struct engine *g = w->g;
	struct err e = ERR_INIT;
	unsigned mask = ent->meta_mask;

	if ((mask & DEST_SET_OWNER) && ent->type != 'l')
		mask |= DEST_SET_MODE;
	if (g->dest->ops->setattr(g->dest, dd, ent->name, &ent->m, mask, &e) < 0) {
		fail_ent(g, d, ent, "set attributes of", &e);
	} else {
		ent->status = ST_OK;
		count_done(g, ent, 0);
	}
	err_release(&e);
}

static const char *reason_text(int r)
{
	static const char *const names[] = { "new", "size", "mtime", "type", "target", "rdev",
					     "links", "checksum" };
	return names[r];
}

static void meta_text(unsigned mask, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (mask & DEST_SET_MODE)
		strbuf_addstr(sb, "mode");
	if (mask & DEST_SET_OWNER)
		strbuf_addstr(sb, sb->len ? ",owner" : "owner");
	if (mask & DEST_SET_TIMES)
		strbuf_addstr(sb, sb->len ? ",mtime" : "mtime");
}

/* --checksum with equal sizes: compares content, then writes or fixes attributes. */
static void do_check(struct worker *w, struct dnode *d, struct ent *ent, int sfd,
		     struct dest_dir *dd)
{
	struct engine *g = w->g;
	const struct dest_ops *ops = g->dest->ops;
	struct err e = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	int fd;

	fd = openat(sfd, ent->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			ent->status = ST_GONE;
			goto out;
		}
		set_errno_err(&e, errno);
		fail_ent(g, d, ent, "open", &e);
		goto out;
	}
	if (copyfile_digest_fd(&w->cf, fd, ent->digest, &e) < 0) {
		close(fd);
		fail_ent(g, d, ent, "read", &e);
		goto out;
	}
	close(fd);
	ent->has_digest = true;
	if (!ent->dest_has_digest) {
		struct dest_file *f = NULL;
		if (ops->open_read(g->dest, dd, ent->name, &f, &e) < 0 ||
		    copyfile_digest_dest(&w->cf, g->dest, f, ent->dest_digest, &e) < 0) {
			ops->close(g->dest, f, NULL);
			if (e.code != ENOENT) {
				fail_ent(g, d, ent, "read", &e);
				goto out;
			}
			err_clear(&e);
			ent->dest_has_digest = false; /* gone: written below */
		} else {
			ops->close(g->dest, f, NULL);
			ent->dest_has_digest = true;
		}
	}
	if (!ent->dest_has_digest || memcmp(ent->digest, ent->dest_digest, COPYFILE_DIGEST_LEN)) {
		if (g->o->on_event)
			report(g, SYNC_EV_UPDATE_DATA, 'f', d, ent->name, "checksum");
		if (g->o->dry_run) {
			ent->status = ST_OK;
			STAT_ADD(g, updated, 1);
			goto out;
		}
		ent->reason = R_CHECKSUM;
		write_regular(w, d, ent, sfd, dd);
		goto out;
	}
	if (ent->meta_mask) {
		if (g->o->on_event) {
			meta_text(ent->meta_mask, &sb);
			report(g, SYNC_EV_UPDATE_META, 'f', d, ent->name, sb.buf);
		}
		if (g->o->dry_run) {
			ent->status = ST_OK;
			STAT_ADD(g, metadata, 1);
			goto out;
		}
		do_meta(w, d, ent, dd);
		goto out;
	}
	ent->status = ST_OK;
out:
	strbuf_release(&sb);
	err_release(&e);
}

static void run_batch(struct worker *w, struct batch *b)
{
	struct engine *g = w->g;
	struct dnode *d = b->d;
	struct err e = ERR_INIT;
	struct dest_dir *dd = NULL;
	int sfd = -1;

	if (stop_requested(g))
		goto done;
	sfd = src_get(g, d, &e);
	if (sfd < 0) {
		for (size_t i = 0; i < b->n; i++)
			fail_ent(g, d, b->items[i], "open the directory of", &e);
		goto done;
	}
	if (!g->o->dry_run || !d->create) {
		dd = dest_get(g, d, !g->o->dry_run, &e);
		if (!dd) {
			for (size_t i = 0; i < b->n; i++)
				fail_ent(g, d, b->items[i], "make the directory of", &e);
			goto done;
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		struct ent *ent = b->items[i];
		if (stop_requested(g))
			break;
		switch (ent->action) {
		case A_WRITE:
			if (ent->type == 'f')
				write_regular(w, d, ent, sfd, dd);
			else
				write_special(w, d, ent, dd);
			break;
		case A_META:
			do_meta(w, d, ent, dd);
			break;
		case A_CHECK:
			do_check(w, d, ent, sfd, dd);
			break;
		default:
			break;
		}
	}
done:
	if (dd)
		dest_put(g, d);
	pthread_mutex_lock(&g->mu);
	d->batches_left--;
	if (sfd >= 0)
		src_put_locked(g, d);
	pthread_mutex_unlock(&g->mu);
	err_release(&e);
	node_unref(g, d);
	progress(g, false);
}

static void scan_dir(struct engine *g, struct dnode *d);
static void list_dest(struct engine *g, struct dnode *d);

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *g = w->g;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct batch *b;
		/* listing ahead of the walker comes first: it feeds everything */
		if (g->ndlists) {
			struct dnode *d = g->dlists[--g->ndlists];
			if (d->dlist_state != SCAN_QUEUED)
				continue;
			d->dlist_state = SCAN_RUNNING;
			pthread_mutex_unlock(&g->mu);
			list_dest(g, d);
			pthread_mutex_lock(&g->mu);
			d->dlist_state = SCAN_DONE;
			if (g->walker_waiting)
				pthread_cond_signal(&g->done_cv);
			continue;
		}
		if (g->nscans) {
			struct dnode *d = g->scans[--g->nscans];
			if (d->scan_state != SCAN_QUEUED)
				continue;
			d->scan_state = SCAN_RUNNING;
			pthread_mutex_unlock(&g->mu);
			scan_dir(g, d);
			pthread_mutex_lock(&g->mu);
			d->scan_state = SCAN_DONE;
			if (g->walker_waiting)
				pthread_cond_signal(&g->done_cv);
			continue;
		}
		if (g->gate_open && g->qhead) {
			b = g->qhead;
			g->qhead = b->next;
			if (!g->qhead)
				g->qtail = NULL;
			pthread_mutex_unlock(&g->mu);
			run_batch(w, b);
			free(b);
			pthread_mutex_lock(&g->mu);
			continue;
		}
		if (g->walk_done)
			break; /* the walk is over and the queue empty (or abandoned) */
		pthread_cond_wait(&g->cv, &g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static void enqueue(struct engine *g, struct batch *b)
{
	pthread_mutex_lock(&g->mu);
	b->next = NULL;
	if (g->qtail)
		g->qtail->next = b;
	else
		g->qhead = b;
	g->qtail = b;
	b->d->batches_left++;
	b->d->refs++;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* ---- the walker ---- */

/* A destination listing: names with what they are. */
struct dlisting {
	struct dentry {
		char *name;
		struct dinfo info;
		char *target;
	} *v;
	size_t nr, alloc;
};

static int dl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dentry *)a)->name, ((const struct dentry *)b)->name);
}

static void dl_release(struct dlisting *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].target);
	}
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

struct list_ctx {
	struct dlisting *l;
	struct engine *g;
	struct dest_dir *dd;
};

static int list_cb(void *arg, const char *name, const struct dest_meta *m)
{
	struct list_ctx *c = arg;
	struct dentry *de;

	ALLOC_GROW(c->l->v, c->l->nr + 1, c->l->alloc);
	de = &c->l->v[c->l->nr++];
	memset(de, 0, sizeof(*de));
	de->name = xstrdup(name);
	de->info.present = true;
	de->info.type = walk_type_of(m->mode);
	de->info.m = *m;
	return 0;
}

/* Reads the destination's symlink targets of a listing. */
static int read_dest_targets(struct engine *g, struct dest_dir *dd, struct dlisting *l,
			     struct err *e);

static int64_t mtime_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void info_from_row(struct dinfo *di, const struct manifest_row *r)
{
	memset(di, 0, sizeof(*di));
	di->present = true;
	di->type = r->type;
	di->m.mode = r->mode;
	di->m.uid = r->uid;
	di->m.gid = r->gid;
	di->m.size = r->size;
	di->m.rdev = r->rdev;
	di->m.mtime.tv_sec = (time_t)(r->mtime_ns / 1000000000);
	di->m.mtime.tv_nsec = (long)(r->mtime_ns % 1000000000);
	if (di->m.mtime.tv_nsec < 0) {
		di->m.mtime.tv_nsec += 1000000000;
		di->m.mtime.tv_sec--;
	}
	di->m.nlink = 1;
	di->target = r->target;
	di->has_digest = r->has_digest;
	di->digest = r->digest;
	di->from_manifest = true;
}

/* Counts (and with the filter, keeps out) what lies below a destination directory. */
static uint64_t count_manifest_tree(struct engine *g, const char *path)
{
	const struct manifest_dir *md = manifest_children(&g->man, path);
	uint64_t n = 0;

	if (!md)
		return 0;
	for (size_t i = 0; i < md->nr; i++) {
		const struct manifest_row *r = &g->man.rows[md->idx[i]];
		if (!filter_included(g->o->filter, r->path, r->type == 'd'))
			continue;
		n++;
		if (r->type == 'd')
			n += count_manifest_tree(g, r->path);
	}
	return n;
}

struct count_ctx {
	struct engine *g;
	struct strbuf *path;
	struct strvec dirs;
	uint64_t n;
};

static int count_cb(void *arg, const char *name, const struct dest_meta *m)
{
	struct count_ctx *c = arg;
	size_t len = c->path->len;

	strbuf_addch(c->path, '/');
	strbuf_addstr(c->path, name);
	if (filter_included(c->g->o->filter, c->path->buf, S_ISDIR(m->mode))) {
		c->n++;
		if (S_ISDIR(m->mode))
			strvec_push(&c->dirs, name);
	}
	strbuf_setlen(c->path, len);
	return 0;
}

static uint64_t count_dest_tree(struct engine *g, struct dest_dir *parent, const char *name,
				struct strbuf *path)
{
	struct count_ctx c = { g, path, STRVEC_INIT, 0 };
	struct dest_dir *dd = NULL;
	struct err e = ERR_INIT;

	if (g->dest->ops->open_dir(g->dest, parent, name, &dd, &e) == 0) {
		g->dest->ops->list(g->dest, dd, count_cb, &c, &e);
		for (size_t i = 0; i < c.dirs.nr; i++) {
			size_t len = path->len;
			strbuf_addch(path, '/');
			strbuf_addstr(path, c.dirs.v[i]);
			c.n += count_dest_tree(g, dd, c.dirs.v[i], path);
			strbuf_setlen(path, len);
		}
		g->dest->ops->close_dir(g->dest, dd);
	}
	strvec_clear(&c.dirs);
	err_release(&e);
	return c.n;
}

static void mark_late(struct dnode *d)
{
	d->late = true;
	for (struct dnode *p = d->parent; p && !p->late_below; p = p->parent)
		p->late_below = true;
}

static void itemize_decision(struct engine *g, struct dnode *d, struct ent *ent,
			     const struct dinfo *di, struct strbuf *sb)
{
	if (!g->o->on_event)
		return;
	switch (ent->action) {
	case A_WRITE:
		if (!di->present)
			report(g, SYNC_EV_CREATE, ent->type, d, ent->name,
			       ent->type == 'l' ? ent->target : NULL);
		else if (ent->reason == R_TYPE)
			report(g, SYNC_EV_UPDATE_TYPE, ent->type, d, ent->name, NULL);
		else
			report(g, SYNC_EV_UPDATE_DATA, ent->type, d, ent->name,
			       ent->reason == R_TARGET ? ent->target : reason_text(ent->reason));
		break;
	case A_META:
		meta_text(ent->meta_mask, sb);
		report(g, SYNC_EV_UPDATE_META, ent->type, d, ent->name, sb->buf);
		break;
	default:
		break;
	}
}

static void plan_count(struct engine *g, const struct ent *ent, bool present)
{
	pthread_mutex_lock(&g->mu);
	g->st->todo_files++;
	if (ent->type == 'f' && ent->action == A_WRITE)
		g->st->todo_bytes += ent->m.blocks * 512 < ent->m.size ? ent->m.blocks * 512
									: ent->m.size;
	if (g->o->dry_run && ent->action != A_CHECK) {
		if (!present)
			g->st->created++;
		else if (ent->action == A_META)
			g->st->metadata++;
		else
			g->st->updated++;
		g->st->done_files++;
		if (ent->type == 'f' && ent->action == A_WRITE)
			g->st->bytes += ent->m.size;
	}
	pthread_mutex_unlock(&g->mu);
}

/* Hard links: registers ent; returns the leader when ent is a later name of an inode. */
static struct link_leader *link_lookup(struct engine *g, struct dnode *d, struct ent *ent)
{
	char key[64];
	struct link_leader *ll;

	if (ent->type == 'd' || ent->type == 's' || ent->m.nlink < 2)
		return NULL;
	snprintf(key, sizeof(key), "%llx:%llx", (unsigned long long)ent->m.dev,
		 (unsigned long long)ent->m.ino);
	ll = strmap_get(&g->links, key);
	if (ll)
		return ll;
	ll = xmalloc(sizeof(*ll));
	ll->ent = ent;
	ll->parent = d;
	strmap_put(&g->links, key, ll);
	return NULL;
}

static struct dnode *new_child(struct dnode *d, struct ent *ent)
{
	struct dnode *c = xcalloc(1, sizeof(*c));

	c->parent = d;
	c->self = ent;
	c->m = &ent->m;
	c->path = path_dup(d, ent->name);
	c->src_fd = -1;
	c->refs = 1; /* the walker */
	atomic_init(&c->dirty, false);
	ent->dir = c;
	return c;
}

static void walk_dir(struct engine *g, struct dnode *d);

/* Counts the entries in scope below a destination directory being deleted. */
static uint64_t count_below(struct engine *g, struct dest_dir *dd, const char *name,
			    struct strbuf *path, bool from_manifest)
{
	if (from_manifest)
		return count_manifest_tree(g, path->buf);
	return dd ? count_dest_tree(g, dd, name, path) : 0;
}

static void plan_dir(struct engine *g, struct dnode *d)
{
	struct dlisting dl = { 0 };
	const struct manifest_dir *md = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct err e = ERR_INIT;
	struct batch *b = NULL;
	struct dest_dir *dd = NULL;
	uint64_t batch_bytes = 0, scanned = 0, dest_entries = 0, deletes = 0, skipped = 0;
	size_t i, j, nd;

	/* what the destination has (listed with the source by scan_dir) */
	if (!d->create) {
		if (g->trusted) {
			md = manifest_children(&g->man, d->path);
		} else if (d->dest_err) {
			err_set(&e, "%s", d->dest_err);
			fail_path(g, d, NULL, 'd', "read destination directory", &e);
			/* compare with nothing: every entry is written again */
		} else if (d->dest_listing) {
			dl = *(struct dlisting *)d->dest_listing;
			free(d->dest_listing);
			d->dest_listing = NULL;
			/* kept open for counting what a deletion removes */
			if (g->o->del)
				dd = dest_get(g, d, false, &e);
		}
	}
	nd = md ? md->nr : dl.nr;
	i = j = 0;
	while (i < d->nents || j < nd) {
		const char *dname = NULL;
		struct dinfo di = { 0 };
		struct ent *ent;
		struct link_leader *ll;
		int c;

		if (j < nd)
			dname = md ? manifest_row_name(&g->man.rows[md->idx[j]]) : dl.v[j].name;
		if (i >= d->nents)
			c = 1;
		else if (j >= nd)
			c = -1;
		else
			c = strcmp(d->ents[i].name, dname);
		if (c > 0) {
			/* only in the destination */
			bool isdir = md ? g->man.rows[md->idx[j]].type == 'd'
					: dl.v[j].info.type == 'd';
			j++;
			if (!md && sync_is_tmp_name(dname)) {
				if (!g->o->dry_run) {
					strvec_push(&d->tmp_leftovers, dname);
					mark_late(d);
				}
				continue;
			}
			path_of(&sb, d, dname);
			if (!filter_included(g->o->filter, sb.buf, isdir))
				continue; /* outside the scope: neither deleted nor counted */
			dest_entries++;
			if (!g->o->del)
				continue;
			{
				uint64_t n = 1 + (isdir ? count_below(g, dd, dname, &sb, md != NULL) : 0);
				deletes += n;
				dest_entries += n - 1;
			}
			strvec_push(&d->deletes, dname);
			mark_late(d);
			continue;
		}
		ent = &d->ents[i++];
		if (c == 0) {
			if (md) {
				info_from_row(&di, &g->man.rows[md->idx[j]]);
			} else {
				di = dl.v[j].info;
				di.target = dl.v[j].target;
			}
			j++;
			dest_entries++;
		}
		ent->dest_present = di.present;
		ent->dest_dev = di.m.dev;
		ent->dest_ino = di.m.ino;
		scanned++;
		ll = link_lookup(g, d, ent);
		if (ll) {
			/* a later name of a hard-linked inode: linked in the late phase */
			path_of(&sb, ll->parent, ll->ent->name);
			ent->leader = ll->ent;
			ent->leader_parent = ll->parent;
			if (!di.present)
				ent->dest_follower_ok = false;
			else if (di.from_manifest)
				ent->dest_follower_ok = di.type == 'h' && di.target &&
							!strcmp(di.target, sb.buf);
			else
				ent->dest_follower_ok = ll->ent->dest_present && di.type != 'd' &&
							di.m.ino == ll->ent->dest_ino &&
							di.m.dev == ll->ent->dest_dev;
			ent->action = ent->dest_follower_ok ? A_NONE : A_LINK;
			ent->late = di.present && di.type == 'd';
			if (g->o->del && ent->late) {
				path_of(&sb, d, ent->name);
				deletes += count_below(g, dd, ent->name, &sb, md != NULL);
			}
			mark_late(d);
			continue;
		}
		if (ent->type == 'd') {
			struct dnode *c2 = ent->dir;
			unsigned mask = walk_decide(&g->cmp, ent, &di);
			c2->create = d->create || !di.present || di.type != 'd';
			c2->meta_mask = mask;
			c2->dest_setgid = c2->create ? d->dest_setgid : (di.m.mode & S_ISGID) != 0;
			if (c2->create) {
				if (g->o->on_event)
					report(g, di.present ? SYNC_EV_UPDATE_TYPE : SYNC_EV_CREATE, 'd',
					       d, ent->name, NULL);
				plan_count(g, ent, di.present);
			} else if (mask & (DEST_SET_MODE | DEST_SET_OWNER)) {
				if (g->o->on_event) {
					meta_text(mask & (DEST_SET_MODE | DEST_SET_OWNER), &sb);
					report(g, SYNC_EV_UPDATE_META, 'd', d, ent->name, sb.buf);
				}
				ent->action = A_META;
				plan_count(g, ent, true);
				ent->action = A_NONE;
			}
			continue;
		}
		walk_decide(&g->cmp, ent, &di);
		if (ent->action == A_NONE) {
			ent->status = ST_OK;
			continue;
		}
		if (ent->action == A_SKIP) {
			report(g, SYNC_EV_SKIP, 's', d, ent->name, "socket");
			skipped++;
			continue;
		}
		itemize_decision(g, d, ent, &di, &sb);
		plan_count(g, ent, di.present);
		if (g->o->dry_run && ent->action == A_WRITE)
			ent->rewritten = true; /* so that its other names show as linked again */
		if (ent->late) {
			if (g->o->del) {
				path_of(&sb, d, ent->name);
				deletes += count_below(g, dd, ent->name, &sb, md != NULL);
			}
			mark_late(d);
			continue;
		}
		if (g->o->dry_run && ent->action != A_CHECK) {
			ent->status = ST_OK;
			continue;
		}
		if (!b || b->n == BATCH_MAX || batch_bytes >= BATCH_BYTES) {
			if (b)
				enqueue(g, b);
			b = xcalloc(1, sizeof(*b));
			b->d = d;
			batch_bytes = 0;
		}
		b->items[b->n++] = ent;
		batch_bytes += ent->m.size;
	}
	if (b)
		enqueue(g, b);
	if (dd)
		dest_put(g, d);
	pthread_mutex_lock(&g->mu);
	g->st->scanned += scanned;
	g->st->dest_entries += dest_entries;
	g->st->planned_deletes += deletes;
	g->st->skipped += skipped;
	pthread_mutex_unlock(&g->mu);
	dl_release(&dl);
	strbuf_release(&sb);
	err_release(&e);
}

static int read_dest_targets(struct engine *g, struct dest_dir *dd, struct dlisting *l,
			     struct err *e)
{
	for (size_t i = 0; i < l->nr; i++) {
		struct dentry *de = &l->v[i];
		if (de->info.type != 'l')
			continue;
		if (g->dest->ops->readlink(g->dest, dd, de->name, &de->target, e) < 0) {
			if (e->code != ENOENT)
				return -1;
			de->target = NULL;
			err_clear(e);
		}
	}
	return 0;
}

#define SCANS_AHEAD_MAX 512

/* Queues the subdirectories of d for listing ahead, the first on top (lock held). */
static void push_scans_locked(struct engine *g, struct dnode *d)
{
	size_t first = g->nscans;

	for (size_t i = d->nents; i-- > 0;) {
		struct dnode *c = d->ents[i].dir;
		if (!c)
			continue;
		if (g->scans_ahead >= SCANS_AHEAD_MAX)
			break; /* the walker lists the rest when it gets there */
		g->scans_ahead++;
		c->prefetched = true;
		c->scan_state = SCAN_QUEUED;
		ALLOC_GROW(g->scans, g->nscans + 1, g->scans_alloc);
		g->scans[g->nscans++] = c;
	}
	for (size_t i = first; i < g->nscans && i < first + 4; i++)
		pthread_cond_signal(&g->cv);
}

/*
 * Lists the source directory d (sorted, filtered, stat'ed), makes the nodes
 * of its subdirectories and queues them for listing in turn. Run by a
 * worker ahead of the walker, or by the walker. On success the source
 * descriptor stays acquired for the walker (walk_dir releases it).
 */
static void scan_dir(struct engine *g, struct dnode *d)
{
	struct err e = ERR_INIT;
	int fd;

	if (stop_requested(g))
		goto out;
	fd = src_get(g, d, &e);
	if (fd < 0) {
		d->scan_err = xstrfmt("cannot open directory: %s", e.msg.buf);
		goto out;
	}
	if (walk_list_source(fd, d, g->o->filter, &e) < 0) {
		d->scan_err = xstrfmt("%s", e.msg.buf);
		d->nents = 0;
		src_put(g, d);
		goto out;
	}
	for (size_t i = 0; i < d->nents; i++)
		if (d->ents[i].type == 'd')
			new_child(d, &d->ents[i]);
	pthread_mutex_lock(&g->mu);
	push_scans_locked(g, d);
	pthread_mutex_unlock(&g->mu);
out:
	err_release(&e);
}

/* Lists the destination directory of d (when it is to be read). */
static void list_dest(struct engine *g, struct dnode *d)
{
	struct err e = ERR_INIT;
	struct dlisting *dl;
	struct list_ctx lc;
	struct dest_dir *dd;

	if (stop_requested(g))
		return;
	dl = xcalloc(1, sizeof(*dl));
	lc.l = dl;
	lc.g = g;
	dd = dest_get(g, d, false, &e);
	lc.dd = dd;
	if (!dd || g->dest->ops->list(g->dest, dd, list_cb, &lc, &e) < 0 ||
	    read_dest_targets(g, dd, dl, &e) < 0) {
		d->dest_err = xstrfmt("%s", e.msg.buf);
		dl_release(dl);
		free(dl);
	} else {
		if (dl->nr > 1)
			qsort(dl->v, dl->nr, sizeof(*dl->v), dl_cmp);
		d->dest_listing = dl;
	}
	if (dd)
		dest_put(g, d);
	err_release(&e);
}

/* Waits for (or does) one of the two listings of d; lock held. */
static void listing_wait_locked(struct engine *g, struct dnode *d, int *state,
				void (*fn)(struct engine *, struct dnode *))
{
	if (*state == SCAN_QUEUED || *state == SCAN_NONE) {
		*state = SCAN_RUNNING;
		pthread_mutex_unlock(&g->mu);
		fn(g, d);
		pthread_mutex_lock(&g->mu);
		*state = SCAN_DONE;
	}
	while (*state != SCAN_DONE) {
		g->walker_waiting++;
		pthread_cond_wait(&g->done_cv, &g->mu);
		g->walker_waiting--;
	}
}

static void walk_dir(struct engine *g, struct dnode *d)
{
	struct err e = ERR_INIT;
	bool listed_src;

	if (stop_requested(g))
		goto out;
	/* listed ahead by a worker, being listed, or to be listed here */
	pthread_mutex_lock(&g->mu);
	listing_wait_locked(g, d, &d->scan_state, scan_dir);
	if (d->prefetched) {
		g->scans_ahead--;
		d->prefetched = false;
	}
	listed_src = !d->scan_err;
	if (listed_src && !d->create && !g->trusted)
		listing_wait_locked(g, d, &d->dlist_state, list_dest);
	pthread_mutex_unlock(&g->mu);
	if (stop_requested(g))
		goto out;
	if (d->scan_err) {
		err_set(&e, "%s", d->scan_err);
		fail_path(g, d, NULL, 'd', "read directory", &e);
		if (d->self)
			d->self->status = ST_FAILED;
		/* nothing below is known: compare nothing, delete nothing */
		goto out;
	}
	plan_dir(g, d);
	pthread_mutex_lock(&g->mu);
	for (size_t i = 0; i < d->nents; i++) {
		struct dnode *c = d->ents[i].dir;
		if (!c)
			continue;
		d->refs++;
		/* the destination listings the walker will want next, the first on top */
	}
	if (!g->trusted) {
		size_t first = g->ndlists;
		for (size_t i = d->nents; i-- > 0;) {
			struct dnode *c = d->ents[i].dir;
			if (!c || c->create || c->dlist_state != SCAN_NONE)
				continue;
			c->dlist_state = SCAN_QUEUED;
			ALLOC_GROW(g->dlists, g->ndlists + 1, g->dlists_alloc);
			g->dlists[g->ndlists++] = c;
		}
		for (size_t i = first; i < g->ndlists && i < first + 4; i++)
			pthread_cond_signal(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
	for (size_t i = 0; i < d->nents; i++)
		if (d->ents[i].dir)
			walk_dir(g, d->ents[i].dir);
	pthread_mutex_lock(&g->mu);
	d->walked = true;
	src_put_locked(g, d);
	pthread_mutex_unlock(&g->mu);
	progress(g, false);
out:
	err_release(&e);
	if (!g->gated)
		node_unref(g, d);
}

/* Drops the walker's references after the guard (gated runs), deepest first. */
static void release_walker_refs(struct engine *g, struct dnode *d)
{
	for (size_t i = 0; i < d->nents; i++)
		if (d->ents[i].dir)
			release_walker_refs(g, d->ents[i].dir);
	node_unref(g, d);
}

void deletion_refused(struct err *e, uint64_t deletes, uint64_t entries, const char *dest,
		      uint64_t limit, int pct)
{
	char p[32] = "";

	if (pct >= 0)
		snprintf(p, sizeof(p), ", %d %%", pct);
	err_set(e,
		"refusing to delete %llu of %llu entries under '%s' (limit %llu%s); "
		"nothing was changed: check the source, or use --max-delete or --force",
		(unsigned long long)deletes, (unsigned long long)entries, dest,
		(unsigned long long)limit, p);
	e->code = EXIT_DELETE_LIMIT;
}

/* ---- the late phase: replacements of directories, hard links, deletions ---- */

struct rm_ctx {
	struct engine *g;
	struct strbuf *path;
	struct strvec names;
	struct strvec dirs;
};

static int rm_cb(void *arg, const char *name, const struct dest_meta *m)
{
	struct rm_ctx *c = arg;
	size_t len = c->path->len;

	strbuf_addch(c->path, '/');
	strbuf_addstr(c->path, name);
	if (filter_included(c->g->o->filter, c->path->buf, S_ISDIR(m->mode)))
		strvec_push(S_ISDIR(m->mode) ? &c->dirs : &c->names, name);
	strbuf_setlen(c->path, len);
	return 0;
}

/*
 * Removes name from dd: a directory with what it holds (recursive only
 * when deletions are allowed), keeping excluded entries. Returns 0 when
 * name is gone, -1 with e set when not.
 */
static int remove_entry(struct engine *g, struct dest_dir *dd, const char *name,
			struct strbuf *path, bool recursive, bool report_each, struct err *e)
{
	const struct dest_ops *ops = g->dest->ops;
	struct dest_meta m;
	struct dest_dir *sub = NULL;
	struct rm_ctx c = { g, path, STRVEC_INIT, STRVEC_INIT };
	int rc = -1, r;

	r = ops->lstat(g->dest, dd, name, &m, e);
	if (r <= 0)
		return r; /* already gone: fine */
	if (!S_ISDIR(m.mode)) {
		if (ops->unlink(g->dest, dd, name, e) < 0)
			return e->code == ENOENT ? 0 : -1;
		STAT_ADD(g, deleted, 1);
		if (report_each)
			emit(g, SYNC_EV_DELETE, walk_type_of(m.mode), path->buf, NULL);
		return 0;
	}
	if (recursive) {
		if (ops->open_dir(g->dest, dd, name, &sub, e) < 0)
			return -1;
		if (ops->list(g->dest, sub, rm_cb, &c, e) < 0)
			goto out;
		for (size_t i = 0; i < c.names.nr + c.dirs.nr; i++) {
			const char *n = i < c.names.nr ? c.names.v[i] : c.dirs.v[i - c.names.nr];
			size_t len = path->len;
			strbuf_addch(path, '/');
			strbuf_addstr(path, n);
			if (remove_entry(g, sub, n, path, true, false, e) < 0) {
				strbuf_setlen(path, len);
				goto out;
			}
			strbuf_setlen(path, len);
		}
	}
	if (ops->rmdir(g->dest, dd, name, e) < 0) {
		if (e->code == ENOTEMPTY || e->code == EEXIST) {
			err_set(e, "directory not empty (it holds excluded entries%s)",
				recursive ? "" : "; use --delete to remove what it holds");
		}
		goto out;
	}
	STAT_ADD(g, deleted, 1);
	if (report_each)
		emit(g, SYNC_EV_DELETE, 'd', path->buf, NULL);
	rc = 0;
out:
	if (sub)
		ops->close_dir(g->dest, sub);
	strvec_clear(&c.names);
	strvec_clear(&c.dirs);
	return rc;
}

static void late_link(struct worker *w, struct dnode *d, struct ent *ent, struct dest_dir *dd)
{
	struct engine *g = w->g;
	const struct dest_ops *ops = g->dest->ops;
	struct err e = ERR_INIT;
	struct strbuf tmp = STRBUF_INIT, lp = STRBUF_INIT;
	struct dest_dir *ldd = NULL;
	int tries = 0;

	path_of(&lp, ent->leader_parent, ent->leader->name);
	if (ent->action == A_NONE && !ent->leader->rewritten) {
		ent->status = ST_OK;
		goto out;
	}
	if (ent->leader->status != ST_OK || (!dd && !g->o->dry_run)) {
		err_set(&e, "its first name '%s' was not copied", lp.buf);
		fail_ent(g, d, ent, "link", &e);
		goto out;
	}
	if (g->o->on_event)
		report(g, ent->dest_present ? SYNC_EV_RELINK : SYNC_EV_CREATE, 'h', d, ent->name,
		       lp.buf);
	if (g->o->dry_run) {
		plan_count(g, ent, ent->dest_present);
		ent->status = ST_OK;
		goto out;
	}
	ldd = dest_get(g, ent->leader_parent, true, &e);
	if (!ldd) {
		fail_ent(g, d, ent, "link", &e);
		goto out;
	}
	/* a new name is made in place (a link is whole at once), an old one replaced */
	if (!ent->dest_present && ops->link(g->dest, ldd, ent->leader->name, dd, ent->name, &e) == 0) {
		mark_dirty(d);
		ent->status = ST_OK;
		ent->action = A_LINK;
		count_done(g, ent, 0);
		goto out;
	}
	for (;;) {
		tmp_name(w, ent->name, &tmp);
		if (ops->link(g->dest, ldd, ent->leader->name, dd, tmp.buf, &e) == 0)
			break;
		if (e.code != EEXIST || ++tries > 5) {
			fail_ent(g, d, ent, "link", &e);
			goto out;
		}
	}
	mark_dirty(d);
	if (ops->rename(g->dest, dd, tmp.buf, dd, ent->name, &e) < 0) {
		fail_ent(g, d, ent, "rename into place", &e);
		ops->unlink(g->dest, dd, tmp.buf, NULL);
		goto out;
	}
	ent->status = ST_OK;
	ent->action = A_LINK;
	count_done(g, ent, 0);
out:
	if (ldd)
		dest_put(g, ent->leader_parent);
	strbuf_release(&tmp);
	strbuf_release(&lp);
	err_release(&e);
}

static void late_dir(struct worker *w, struct dnode *d)
{
	struct engine *g = w->g;
	struct err e = ERR_INIT;
	struct strbuf path = STRBUF_INIT;
	struct dest_dir *dd = NULL;
	int sfd = -1;

	if (stop_requested(g))
		return;
	if (!g->o->dry_run && d->late) {
		bool changes = d->tmp_leftovers.nr || d->deletes.nr;
		for (size_t i = 0; i < d->nents && !changes; i++) {
			const struct ent *ent = &d->ents[i];
			changes = ent->late ||
				  (ent->leader && (ent->action != A_NONE || ent->leader->rewritten));
		}
		if (changes) {
			dd = dest_get(g, d, true, &e);
			if (!dd) {
				fail_path(g, d, NULL, 'd', "open directory", &e);
				goto out;
			}
		}
	}
	if (d->late) {
		/* our own temporaries from an interrupted run */
		for (size_t i = 0; dd && i < d->tmp_leftovers.nr; i++)
			if (g->dest->ops->unlink(g->dest, dd, d->tmp_leftovers.v[i], &e) == 0)
				mark_dirty(d);
		/* deletions */
		for (size_t i = 0; i < d->deletes.nr; i++) {
			const char *name = d->deletes.v[i];
			path_of(&path, d, name);
			if (g->o->dry_run) {
				emit(g, SYNC_EV_DELETE, 0, path.buf, NULL);
				continue;
			}
			if (remove_entry(g, dd, name, &path, true, true, &e) < 0)
				fail_path(g, d, name, 0, "delete", &e);
			mark_dirty(d);
		}
		/* replacements of directories by other types */
		for (size_t i = 0; i < d->nents && !g->o->dry_run; i++) {
			struct ent *ent = &d->ents[i];
			if (!ent->late)
				continue;
			path_of(&path, d, ent->name);
			if (remove_entry(g, dd, ent->name, &path, g->o->del, false, &e) < 0) {
				fail_ent(g, d, ent, "replace directory", &e);
				continue;
			}
			mark_dirty(d);
			if (ent->leader) {
				ent->action = A_LINK;
				continue; /* linked below */
			}
			if (ent->type == 'f') {
				if (sfd < 0)
					sfd = src_get(g, d, &e);
				if (sfd < 0)
					fail_ent(g, d, ent, "open the directory of", &e);
				else
					write_regular(w, d, ent, sfd, dd);
			} else {
				write_special(w, d, ent, dd);
			}
		}
		/* hard links */
		for (size_t i = 0; i < d->nents; i++)
			if (d->ents[i].leader && d->ents[i].status != ST_FAILED)
				late_link(w, d, &d->ents[i], dd);
	}
	for (size_t i = 0; i < d->nents; i++) {
		struct dnode *c = d->ents[i].dir;
		if (c && (c->late || c->late_below))
			late_dir(w, c);
	}
	if (d->late)
		node_fixup(g, d);
out:
	if (sfd >= 0)
		src_put(g, d);
	if (dd)
		dest_put(g, d);
	strbuf_release(&path);
	err_release(&e);
}

/* ---- manifest ---- */

static void row_from_ent(struct manifest_row *r, const char *path, const struct ent *ent,
			 const char *leader_path)
{
	memset(r, 0, sizeof(*r));
	r->path = (char *)path;
	r->type = leader_path ? 'h' : ent->type;
	r->size = ent->type == 'd' ? 0 : ent->m.size;
	r->mtime_ns = mtime_ns(&ent->m.mtime);
	r->mode = ent->m.mode;
	r->uid = ent->m.uid;
	r->gid = ent->m.gid;
	r->rdev = ent->m.rdev;
	r->has_digest = ent->has_digest;
	if (ent->has_digest)
		memcpy(r->digest, ent->digest, COPYFILE_DIGEST_LEN);
	r->target = (char *)(leader_path ? leader_path : ent->target);
}

/* Writes the rows of d's entries: all of them (rebuild) or the changed ones. */
static int manifest_dir(struct engine *g, struct manifest_writer *w, struct dnode *d, bool all,
			struct err *e)
{
	struct strbuf path = STRBUF_INIT, lp = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < d->deletes.nr && !all; i++) {
		path_of(&path, d, d->deletes.v[i]);
		if (manifest_del(w, path.buf, true, e) < 0)
			goto fail;
	}
	for (size_t i = 0; i < d->nents; i++) {
		struct ent *ent = &d->ents[i];
		struct manifest_row r;
		bool changed = ent->action != A_NONE || (ent->dir && (ent->dir->create ||
								  ent->dir->meta_mask)) ||
			       ent->leader;
		if (ent->type == 's')
			continue;
		if (ent->status == ST_OK && !all && !changed) {
			if (ent->dir && manifest_dir(g, w, ent->dir, all, e) < 0)
				goto fail;
			continue;
		}
		path_of(&path, d, ent->name);
		if (ent->status == ST_OK && (all || changed)) {
			if (ent->leader)
				path_of(&lp, ent->leader_parent, ent->leader->name);
			row_from_ent(&r, path.buf, ent, ent->leader ? lp.buf : NULL);
			if (manifest_put(w, &r, e) < 0)
				goto fail;
		} else if (!all && ent->status != ST_OK) {
			if (manifest_del(w, path.buf, ent->type == 'd', e) < 0)
				goto fail;
			continue; /* nothing below is known */
		}
		if (ent->dir && manifest_dir(g, w, ent->dir, all, e) < 0)
			goto fail;
	}
	goto out;
fail:
	rc = -1;
out:
	strbuf_release(&path);
	strbuf_release(&lp);
	return rc;
}

static int manifest_save(struct engine *g, bool clean, struct err *e)
{
	struct manifest_writer *w;
	struct manifest_row r;
	struct ent root_ent;

	w = manifest_writer_begin(g->o->db, g->dest_canon, !g->trusted, e);
	if (!w)
		return -1;
	if (manifest_dir(g, w, g->root, !g->trusted, e) < 0)
		goto fail;
	memset(&root_ent, 0, sizeof(root_ent));
	root_ent.m = g->root_meta;
	root_ent.type = 'd';
	row_from_ent(&r, "", &root_ent, NULL);
	r.dev = g->dest_root_dev;
	r.ino = g->dest_root_ino;
	if (manifest_put(w, &r, e) < 0)
		goto fail;
	if (!clean && manifest_mark_open(g->o->db, g->dest_canon, g->dest_root_dev,
					 g->dest_root_ino, e) < 0)
		goto fail;
	return manifest_writer_commit(w, e);
fail:
	manifest_writer_abort(w);
	return -1;
}

/* ---- setup ---- */

static char *canonical(const char *path, bool must_exist, struct err *e)
{
	char *r = realpath(path, NULL), *dir, *slash;
	struct strbuf sb = STRBUF_INIT;

	if (r || must_exist) {
		if (!r)
			err_set(e, "cannot resolve '%s': %s", path, strerror(errno));
		return r;
	}
	/* not there yet: its parent must be */
	dir = xstrdup(path);
	while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		r = realpath(*dir ? dir : "/", NULL);
		if (r) {
			strbuf_addstr(&sb, r);
			if (sb.len > 1)
				strbuf_addch(&sb, '/');
			strbuf_addstr(&sb, slash + 1);
		}
	} else {
		r = realpath(".", NULL);
		if (r) {
			strbuf_addstr(&sb, r);
			if (sb.len > 1)
				strbuf_addch(&sb, '/');
			strbuf_addstr(&sb, dir);
		}
	}
	if (!r) {
		err_set(e, "cannot create '%s': its parent directory does not exist", path);
		free(dir);
		strbuf_release(&sb);
		return NULL;
	}
	free(r);
	free(dir);
	return strbuf_detach(&sb, NULL);
}

static bool inside(const char *a, const char *b)
{
	size_t n = strlen(b);
	return !strcmp(a, b) || (!strncmp(a, b, n) && (a[n] == '/' || (n == 1 && b[0] == '/')));
}

static int guard_source(struct engine *g, int *fd_out, struct err *e)
{
	const struct sync_opts *o = g->o;
	struct stat st;
	struct dirent *de;
	DIR *dp;
	int fd, dupfd, any = 0;

	fd = open(o->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		if (err == ENOTDIR || (stat(o->src, &st) == 0 && !S_ISDIR(st.st_mode)))
			err_set(e, "source '%s' is not a directory: refusing to copy", o->src);
		else if (err == ENOENT)
			err_set(e, "source '%s' does not exist: refusing to copy (a missing source must "
				   "not empty the destination)", o->src);
		else
			err_set(e, "cannot open source '%s': %s", o->src, strerror(err));
		e->code = err == ENOENT || err == ENOTDIR ? EXIT_DELETE_LIMIT : EXIT_DATA;
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		err_set(e, "cannot stat source '%s': %s", o->src, strerror(errno));
		e->code = EXIT_DATA;
		close(fd);
		return -1;
	}
	dupfd = dup(fd);
	dp = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	if (!dp) {
		err_set(e, "cannot read source '%s': %s", o->src, strerror(errno));
		e->code = EXIT_DATA;
		if (dupfd >= 0)
			close(dupfd);
		close(fd);
		return -1;
	}
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			any = 1;
			break;
		}
	closedir(dp);
	if (!any && !o->force) {
		err_set(e, "source '%s' is empty: refusing to copy (use --force if it is meant to be)",
			o->src);
		e->code = EXIT_DELETE_LIMIT;
		close(fd);
		return -1;
	}
	g->root_meta.mode = st.st_mode;
	g->root_meta.uid = st.st_uid;
	g->root_meta.gid = st.st_gid;
	g->root_meta.atime = st.st_atim;
	g->root_meta.mtime = st.st_mtim;
	g->root_meta.dev = (uint64_t)st.st_dev;
	g->root_meta.ino = (uint64_t)st.st_ino;
	*fd_out = fd;
	return 0;
}

static int set_root_dest(struct engine *g, struct err *e)
{
	const struct dest_ops *ops = g->dest->ops;
	struct dest_meta m;
	struct err e2 = ERR_INIT;
	int r;

	r = ops->open_root(g->dest, g->o->dest, 0, &g->root->dd, &e2);
	if (r < 0 && e2.code == ENOENT) {
		/* a new destination */
		g->root->create = true;
		err_release(&e2);
		if (g->o->dry_run)
			return 0;
		if (ops->open_root(g->dest, g->o->dest, 1, &g->root->dd, e) < 0) {
			err_prefix(e, "cannot create destination '%s'", g->o->dest);
			e->code = EXIT_DATA;
			return -1;
		}
	} else if (r < 0) {
		err_set(e, "cannot open destination '%s': %s", g->o->dest, e2.msg.buf);
		e->code = EXIT_DATA;
		err_release(&e2);
		return -1;
	}
	err_release(&e2);
	g->root->made = true;
	if (ops->lstat(g->dest, g->root->dd, NULL, &m, e) < 0) {
		err_prefix(e, "cannot stat destination '%s'", g->o->dest);
		e->code = EXIT_DATA;
		return -1;
	}
	g->dest_root_dev = m.dev;
	g->dest_root_ino = m.ino;
	if (!g->root->create) {
		/* compare the root's own attributes */
		struct ent tmp;
		struct dinfo di = { 0 };
		memset(&tmp, 0, sizeof(tmp));
		tmp.type = 'd';
		tmp.m = g->root_meta;
		di.present = true;
		di.type = 'd';
		di.m = m;
		if (g->trusted && g->man.root_row)
			info_from_row(&di, g->man.root_row);
		g->root->meta_mask = walk_decide(&g->cmp, &tmp, &di);
		g->root->dest_setgid = (m.mode & S_ISGID) != 0;
	}
	return 0;
}

static int fd_budget(void)
{
	struct rlimit rl;
	long n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = (long)rl.rlim_cur;
	else if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		n = 65536;
	n = (n - 64) / 2;
	if (n > 16384)
		n = 16384;
	return n < 16 ? 16 : (int)n;
}

static void close_all(struct engine *g, struct dnode *d)
{
	if (!d)
		return;
	if (d->dest_listing) {
		dl_release(d->dest_listing);
		free(d->dest_listing);
		d->dest_listing = NULL;
	}
	for (size_t i = 0; i < d->nents; i++)
		close_all(g, d->ents[i].dir);
	if (d->src_fd >= 0)
		close(d->src_fd);
	d->src_fd = -1;
	if (d->dd)
		g->dest->ops->close_dir(g->dest, d->dd);
	d->dd = NULL;
}

int sync_tree(const struct sync_opts *o, struct sync_stats *st, struct err *e)
{
	struct engine g0, *g = &g0;
	struct worker *workers = NULL, main_w;
	int jobs = o->jobs, src_fd = -1, rc = -1, nstarted = 0;
	bool interrupted = false;

	memset(st, 0, sizeof(*st));
	memset(g, 0, sizeof(*g));
	st->dry_run = o->dry_run;
	g->o = o;
	g->st = st;
	g->man = (struct manifest)MANIFEST_INIT;
	g->links = (struct strmap)STRMAP_INIT;
	g->euid = geteuid();
	g->egid = getegid();
	g->is_root = g->euid == 0;
	g->umask = umask(022);
	umask(g->umask);
	g->cmp.checksum = o->checksum;
	g->cmp.owners = g->is_root;
	g->fd_budget = fd_budget();
	pthread_mutex_init(&g->mu, NULL);
	pthread_mutex_init(&g->out_mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	pthread_mutex_init(&g->mark_mu, NULL);
	g->mark_err = (struct strbuf)STRBUF_INIT;
	pthread_cond_init(&g->done_cv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &g->t0);
	memset(&main_w, 0, sizeof(main_w));
	main_w.g = g;
	main_w.cf = (struct copyfile)COPYFILE_INIT;
	main_w.cf.no_fastpath = o->no_fastpath;
	main_w.cf.stop = o->stop;
	main_w.rng = seed(&main_w);

	/* guards on the source come before anything else */
	if (guard_source(g, &src_fd, e) < 0)
		goto out;
	g->src_canon = canonical(o->src, true, e);
	if (g->src_canon && nfsurl_is(o->dest)) {
		/* an NFS destination: keyed by its normalised URL, never overlapping */
		struct nfsurl u = NFSURL_INIT;
		struct strbuf sb = STRBUF_INIT;
		if (nfsurl_parse(o->dest, &u, e) == 0) {
			nfsurl_canonical(&u, &sb);
			g->dest_canon = strbuf_detach(&sb, NULL);
			g->dest = dest_nfs_new(o->dest, o->no_fastpath, e);
		}
		nfsurl_release(&u);
		if (!g->dest) {
			e->code = EXIT_DATA;
			goto out;
		}
	} else {
		g->dest_canon = g->src_canon ? canonical(o->dest, false, e) : NULL;
		if (!g->dest_canon) {
			e->code = EXIT_DATA;
			goto out;
		}
		if (inside(g->dest_canon, g->src_canon) || inside(g->src_canon, g->dest_canon)) {
			err_set(e, "source '%s' and destination '%s' overlap", o->src, o->dest);
			e->code = EXIT_DATA;
			goto out;
		}
		g->dest = dest_local_new(o->no_fastpath);
	}
	g->root = xcalloc(1, sizeof(*g->root));
	g->root->path = xstrdup("");
	g->root->m = &g->root_meta;
	g->root->src_fd = src_fd;
	g->root->refs = 1;
	atomic_init(&g->root->dirty, false);
	src_fd = -1;

	/* copying waits until we know whether deletions must pass the guard */
	g->gated = true;
	g->gate_open = false;

	/* workers: they list the source ahead while the manifest loads */
	if (jobs <= 0 && nfsurl_is(o->dest)) {
		jobs = NFS_JOBS; /* waiting on the server, not on the CPU */
	} else if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (int)n : 1;
	}
	if (jobs > 64)
		jobs = 64;
	workers = xcalloc((size_t)jobs, sizeof(*workers));
	for (int i = 0; i < jobs; i++) {
		workers[i].g = g;
		workers[i].cf = (struct copyfile)COPYFILE_INIT;
		workers[i].cf.no_fastpath = o->no_fastpath;
		workers[i].cf.stop = o->stop;
		workers[i].rng = seed(&workers[i]) + (uint64_t)i * 0x9E3779B97F4A7C15ULL;
		if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i])) {
			err_set(e, "cannot start a worker thread");
			e->code = EXIT_DATA;
			goto abort;
		}
		nstarted++;
	}
	pthread_mutex_lock(&g->mu);
	g->root->scan_state = SCAN_RUNNING;
	pthread_mutex_unlock(&g->mu);
	scan_dir(g, g->root);
	pthread_mutex_lock(&g->mu);
	g->root->scan_state = SCAN_DONE;
	pthread_mutex_unlock(&g->mu);

	/* the manifest: trusted when it describes this very directory and is clean */
	if (o->db && manifest_load(o->db, g->dest_canon, &g->man, e) < 0) {
		e->code = EXIT_DATA;
		goto abort;
	}
	if (set_root_dest(g, e) < 0)
		goto abort;
	g->cmp.no_link_times = g->dest->ops->no_link_times && g->dest->ops->no_link_times(g->dest);
	if (o->db && !o->verify && !g->root->create && g->man.root_row && !g->man.root_row->open &&
	    g->man.root_row->dev == g->dest_root_dev && g->man.root_row->ino == g->dest_root_ino) {
		struct ent tmp;
		struct dinfo di;
		g->trusted = true;
		/* the root's attributes as recorded */
		memset(&tmp, 0, sizeof(tmp));
		tmp.type = 'd';
		tmp.m = g->root_meta;
		info_from_row(&di, g->man.root_row);
		g->root->meta_mask = walk_decide(&g->cmp, &tmp, &di);
		g->root->dest_setgid = (g->man.root_row->mode & S_ISGID) != 0;
	}
	if (o->keep_root)
		g->root->meta_mask = 0;
	st->walked_dest = !g->trusted;
	/* with deletions, nothing changes before the guard (a new destination has none) */
	pthread_mutex_lock(&g->mu);
	g->gated = o->del && !g->root->create;
	g->gate_open = !g->gated;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);

	/* walk (workers copy meanwhile unless gated) */
	walk_dir(g, g->root);
	interrupted = stop_requested(g);

	/* the deletion guard, before anything is deleted */
	if (o->del && !interrupted) {
		uint64_t limit = o->max_delete >= 0
					 ? (uint64_t)o->max_delete
					 : st->dest_entries * (uint64_t)(o->max_delete_pct) / 100;
		st->delete_limit = limit;
		if (st->planned_deletes > limit && !o->force) {
			deletion_refused(e, st->planned_deletes, st->dest_entries, o->dest, limit,
					 o->max_delete < 0 ? o->max_delete_pct : -1);
			pthread_mutex_lock(&g->mu);
			g->walk_done = true;
			g->gate_open = false;
			pthread_cond_broadcast(&g->cv);
			pthread_mutex_unlock(&g->mu);
			goto join;
		}
	}
	pthread_mutex_lock(&g->mu);
	g->gate_open = true;
	g->walk_done = true;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
	if (g->gated)
		release_walker_refs(g, g->root);
	/* the walker helps with the copying */
	worker_main(&main_w);
	rc = 0;
	goto join;
abort:
	atomic_store(&g->stopping, true);
	pthread_mutex_lock(&g->mu);
	g->walk_done = true;
	g->gate_open = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
join:
	for (int i = 0; i < nstarted; i++)
		pthread_join(workers[i].tid, NULL);
	if (rc < 0)
		goto out;
	/* all batches done: the root is complete unless late work holds it */
	interrupted = stop_requested(g);
	if (!interrupted && (g->root->late || g->root->late_below))
		late_dir(&main_w, g->root);
	if (o->dry_run)
		st->deleted = st->planned_deletes;
	interrupted = stop_requested(g);
	if (g->mark_err.len) {
		err_set(e, "%s", g->mark_err.buf);
		e->code = EXIT_DATA;
		rc = -1;
		goto out;
	}
	/* a trusted manifest of a run that changed nothing stays as it is */
	if (o->db && !o->dry_run && (atomic_load(&g->marked) || !g->trusted || o->checksum)) {
		if (manifest_save(g, !interrupted && !dest_lost(g), e) < 0) {
			e->code = EXIT_DATA;
			rc = -1;
			goto out;
		}
	}
	if (interrupted && dest_lost(g)) {
		err_set(e, "the destination went away: it is partly updated (every file in it is "
			   "whole); run again when it is back");
		e->code = EXIT_PARTIAL;
		rc = -1;
	} else if (interrupted) {
		err_set(e, "interrupted: the destination is partly updated (every file in it is whole)");
		e->code = EXIT_PARTIAL;
		rc = -1;
	}
out:
	st->seconds = elapsed(g);
	if (g->root)
		progress(g, true);
	free(g->scans);
	free(g->dlists);
	while (g->qhead) {
		struct batch *b = g->qhead;
		g->qhead = b->next;
		free(b);
	}
	for (int i = 0; workers && i < jobs; i++)
		copyfile_release(&workers[i].cf);
	copyfile_release(&main_w.cf);
	free(workers);
	if (src_fd >= 0)
		close(src_fd);
	if (g->root) {
		close_all(g, g->root);
		walk_free(g->root);
	}
	if (g->dest)
		g->dest->ops->release(g->dest);
	for (size_t i = 0; i < g->links.cap; i++)
		if (g->links.slots[i].key)
			free(g->links.slots[i].value);
	strmap_clear(&g->links);
	manifest_release(&g->man);
	free(g->src_canon);
	free(g->dest_canon);
	pthread_mutex_destroy(&g->mu);
	pthread_mutex_destroy(&g->out_mu);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mark_mu);
	strbuf_release(&g->mark_err);
	pthread_cond_destroy(&g->done_cv);
	return rc;
}
