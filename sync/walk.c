/*
 * walk.c: listing one source directory (one readdir pass and one fstatat
 * per entry, relative to the directory's descriptor, never following a
 * symlink) and deciding, entry by entry, what the destination needs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync/filter.h"
#include "util/config.h"
#include "sync/walk.h"
#include "util/banned.h"

char walk_type_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	default:
		return '?';
	}
}

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

static char *read_link(int dfd, const char *name, size_t hint, struct err *e)
{
	size_t sz = hint + 1 > 64 ? hint + 1 : 64;

	for (;;) {
		char *buf = xmalloc(sz);
		ssize_t n = readlinkat(dfd, name, buf, sz);
		if (n < 0) {
			free(buf);
			err_set(e, "cannot read symlink: %s", strerror(errno));
			e->code = errno;
			return NULL;
		}
		if ((size_t)n < sz) {
			buf[n] = '\0';
			return buf;
		}
		free(buf);
		sz = st_mult(sz, 2);
	}
}

/* Adds one entry (name in the directory dfd) to d, unless filtered out or gone. */
static int add_entry(int dfd, struct dnode *d, const char *name, const struct filter *f,
		     struct strbuf *path, struct err *e)
{
	struct stat st;
	struct ent *ent;

	if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0; /* vanished meanwhile */
		err_set(e, "cannot stat '%s': %s", name, strerror(errno));
		e->code = errno;
		return -1;
	}
	if (!filter_empty(f)) {
		strbuf_reset(path);
		if (*d->path) {
			strbuf_addstr(path, d->path);
			strbuf_addch(path, '/');
		}
		strbuf_addstr(path, name);
		if (!filter_included(f, path->buf, S_ISDIR(st.st_mode)))
			return 0;
	}
	ALLOC_GROW(d->ents, d->nents + 1, d->alloc);
	ent = &d->ents[d->nents];
	memset(ent, 0, sizeof(*ent));
	ent->m.mode = st.st_mode;
	ent->m.uid = st.st_uid;
	ent->m.gid = st.st_gid;
	ent->m.size = (uint64_t)st.st_size;
	ent->m.rdev = (uint64_t)st.st_rdev;
	ent->m.atime = st.st_atim;
	ent->m.mtime = st.st_mtim;
	ent->m.dev = (uint64_t)st.st_dev;
	ent->m.ino = (uint64_t)st.st_ino;
	ent->m.nlink = (uint64_t)st.st_nlink;
	ent->m.blocks = (uint64_t)st.st_blocks;
	ent->type = walk_type_of(st.st_mode);
	if (ent->type == 'l') {
		ent->target = read_link(dfd, name, (size_t)st.st_size, e);
		if (!ent->target) {
			if (e->code == ENOENT) {
				err_clear(e);
				return 0;
			}
			return err_prefix(e, "'%s'", name);
		}
	}
	ent->name = xstrdup(name);
	d->nents++;
	return 0;
}

int walk_list_source(int dfd, struct dnode *d, const struct filter *f, struct err *e)
{
	struct strbuf path = STRBUF_INIT;
	int rc = -1;
#ifdef HAVE_GETDENTS64
	/* one system call per buffer, no DIR stream (and no lock per entry) */
	char buf[32768] __attribute__((aligned(8)));

	if (lseek(dfd, 0, SEEK_SET) < 0) {
		err_set(e, "%s", strerror(errno));
		e->code = errno;
		goto done;
	}
	for (;;) {
		ssize_t n = getdents64(dfd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "%s", strerror(errno));
			e->code = errno;
			goto done;
		}
		if (!n)
			break;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			off += de->d_reclen;
			if (add_entry(dfd, d, de->d_name, f, &path, e) < 0)
				goto done;
		}
	}
#else
	DIR *dp;
	int fd = dup(dfd);

	if (fd < 0) {
		err_set(e, "%s", strerror(errno));
		e->code = errno;
		goto done;
	}
	dp = fdopendir(fd);
	if (!dp) {
		err_set(e, "%s", strerror(errno));
		e->code = errno;
		close(fd);
		goto done;
	}
	rewinddir(dp);
	for (;;) {
		struct dirent *de;
		errno = 0;
		de = readdir(dp);
		if (!de) {
			if (errno) {
				err_set(e, "%s", strerror(errno));
				e->code = errno;
				closedir(dp);
				goto done;
			}
			break;
		}
		if (add_entry(dfd, d, de->d_name, f, &path, e) < 0) {
			closedir(dp);
			goto done;
		}
	}
	closedir(dp);
#endif
	if (d->nents > 1)
		qsort(d->ents, d->nents, sizeof(*d->ents), ent_cmp);
	rc = 0;
done:
	strbuf_release(&path);
	return rc;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Attribute differences: mode bits, owner, mtime. */
static unsigned meta_diff(const struct walk_cmp *c, const struct dest_meta *s,
			  const struct dest_meta *d, bool with_mode, bool with_times)
{
	unsigned mask = 0;

	if (with_mode && (s->mode & 07777) != (d->mode & 07777))
		mask |= DEST_SET_MODE;
	if (c->owners && (s->uid != d->uid || s->gid != d->gid))
		mask |= DEST_SET_OWNER;
	if (with_times && !same_time(&s->mtime, &d->mtime))
		mask |= DEST_SET_TIMES;
	return mask;
}

unsigned walk_decide(const struct walk_cmp *c, struct ent *ent, const struct dinfo *d)
{
	char dtype = d->present ? d->type : 0;

	ent->action = A_NONE;
	ent->meta_mask = 0;
	ent->late = false;
	ent->dest_present = d->present;
	if (ent->type == 's') {
		ent->action = A_SKIP;
		return 0;
	}
	if (ent->type == 'd') {
		if (dtype != 'd')
			return 0; /* the caller makes it */
		return meta_diff(c, &ent->m, &d->m, true, true);
	}
	if (!d->present) {
		ent->action = A_WRITE;
		ent->reason = R_NEW;
		return 0;
	}
	if (dtype == 'd') {
		/* a directory must go first: after the guard, in the late phase */
		ent->action = A_WRITE;
		ent->reason = R_TYPE;
		ent->late = true;
		return 0;
	}
	if (dtype == 'h' || dtype != ent->type) {
		ent->action = A_WRITE;
		ent->reason = dtype == 'h' && ent->type == 'f' ? R_LINKS : R_TYPE;
		return 0;
	}
	switch (ent->type) {
	case 'l':
		if (!d->target || strcmp(d->target, ent->target)) {
			ent->action = A_WRITE;
			ent->reason = R_TARGET;
			return 0;
		}
		ent->meta_mask = meta_diff(c, &ent->m, &d->m, false, !c->no_link_times);
		break;
	case 'c':
	case 'b':
		if (d->m.rdev != ent->m.rdev) {
			ent->action = A_WRITE;
			ent->reason = R_RDEV;
			return 0;
		}
		ent->meta_mask = meta_diff(c, &ent->m, &d->m, true, true);
		break;
	case 'p':
		ent->meta_mask = meta_diff(c, &ent->m, &d->m, true, true);
		break;
	case 'f':
		if (!d->from_manifest && d->m.nlink > 1 && !ent->leader && ent->m.nlink < 2) {
			/* linked in the destination, alone in the source */
			ent->action = A_WRITE;
			ent->reason = R_LINKS;
			return 0;
		}
		if (d->m.size != ent->m.size) {
			ent->action = A_WRITE;
			ent->reason = R_SIZE;
			return 0;
		}
		if (c->checksum) {
			ent->meta_mask = meta_diff(c, &ent->m, &d->m, true, true);
			ent->action = A_CHECK;
			if (d->has_digest) {
				ent->dest_has_digest = true;
				memcpy(ent->dest_digest, d->digest, COPYFILE_DIGEST_LEN);
			}
			return 0;
		}
		if (!same_time(&d->m.mtime, &ent->m.mtime)) {
			ent->action = A_WRITE;
			ent->reason = R_MTIME;
			return 0;
		}
		ent->meta_mask = meta_diff(c, &ent->m, &d->m, true, false);
		break;
	default:
		break;
	}
	if (ent->meta_mask)
		ent->action = A_META;
	return 0;
}

void walk_free(struct dnode *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nents; i++) {
		free(d->ents[i].name);
		free(d->ents[i].target);
		walk_free(d->ents[i].dir);
	}
	free(d->ents);
	free(d->path);
	free(d->scan_err);
	free(d->dest_err);
	strvec_clear(&d->deletes);
	strvec_clear(&d->tmp_leftovers);
	free(d);
}
