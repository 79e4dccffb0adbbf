/*
 * local.c: the local destination backend. Directories are file
 * descriptors opened one component at a time with O_NOFOLLOW|O_DIRECTORY;
 * everything else is an *at() call on such a descriptor with one name, so
 * no path is ever resolved through a symlink in the destination. Messages
 * are the bare strerror() text; the engine adds the operation and path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "sync/ops.h"
#include "util/config.h"
#include "util/banned.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

struct dest_dir {
	int fd;
};

struct dest_file {
	int fd;
};

static int fail(struct err *e, int errnum)
{
	err_set(e, "%s", strerror(errnum));
	e->code = errnum;
	return -1;
}

static int open_root(struct dest *d, const char *path, int create, struct dest_dir **out,
		     struct err *e)
{
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return fail(e, errno);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return fail(e, errno);
	*out = xmalloc(sizeof(**out));
	(*out)->fd = fd;
	return 0;
}

static int open_dir(struct dest *d, struct dest_dir *dir, const char *name, struct dest_dir **out,
		    struct err *e)
{
	int fd = openat(dir->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return fail(e, errno);
	*out = xmalloc(sizeof(**out));
	(*out)->fd = fd;
	return 0;
}

static void close_dir(struct dest *d, struct dest_dir *dir)
{
	if (!dir)
		return;
	close(dir->fd);
	free(dir);
}

static void meta_from_stat(struct dest_meta *m, const struct stat *st)
{
	m->mode = st->st_mode;
	m->uid = st->st_uid;
	m->gid = st->st_gid;
	m->size = (uint64_t)st->st_size;
	m->rdev = (uint64_t)st->st_rdev;
	m->atime = st->st_atim;
	m->mtime = st->st_mtim;
	m->dev = (uint64_t)st->st_dev;
	m->ino = (uint64_t)st->st_ino;
	m->nlink = (uint64_t)st->st_nlink;
	m->blocks = (uint64_t)st->st_blocks;
}

static int lstat_(struct dest *d, struct dest_dir *dir, const char *name, struct dest_meta *m,
		  struct err *e)
{
	struct stat st;
	int rc = name ? fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) : fstat(dir->fd, &st);

	if (rc < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(e, errno);
	}
	meta_from_stat(m, &st);
	return 1;
}

static int list(struct dest *d, struct dest_dir *dir, dest_list_fn *fn, void *arg, struct err *e)
{
	int fd = dup(dir->fd), rc = 0;
	DIR *dp;
	struct dirent *de;

	if (fd < 0)
		return fail(e, errno);
	dp = fdopendir(fd);
	if (!dp) {
		int saved = errno;
		close(fd);
		return fail(e, saved);
	}
	rewinddir(dp);
	for (;;) {
		struct stat st;
		struct dest_meta m;

		errno = 0;
		de = readdir(dp);
		if (!de) {
			if (errno)
				rc = fail(e, errno);
			break;
		}
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (fstatat(dir->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* gone meanwhile */
			rc = fail(e, errno);
			break;
		}
		meta_from_stat(&m, &st);
		if (fn(arg, de->d_name, &m))
			break;
	}
	closedir(dp);
	return rc;
}

static int readlink_(struct dest *d, struct dest_dir *dir, const char *name, char **out,
		     struct err *e)
{
	size_t sz = 256;

	for (;;) {
		char *buf = xmalloc(sz);
		ssize_t n = readlinkat(dir->fd, name, buf, sz);
		if (n < 0) {
			int saved = errno;
			free(buf);
			return fail(e, saved);
		}
		if ((size_t)n < sz) {
			buf[n] = '\0';
			*out = buf;
			return 0;
		}
		free(buf);
		sz = st_mult(sz, 2);
	}
}

static int mkdir_(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  struct err *e)
{
	return mkdirat(dir->fd, name, (mode_t)mode) < 0 ? fail(e, errno) : 0;
}

static int symlink_(struct dest *d, struct dest_dir *dir, const char *name, const char *target,
		    struct err *e)
{
	return symlinkat(target, dir->fd, name) < 0 ? fail(e, errno) : 0;
}

static int link_(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		 struct dest_dir *to_dir, const char *to_name, struct err *e)
{
	return linkat(from_dir->fd, from_name, to_dir->fd, to_name, 0) < 0 ? fail(e, errno) : 0;
}

static int mknod_(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  uint64_t rdev, struct err *e)
{
	int rc;

	if (S_ISFIFO(mode))
		rc = mkfifoat(dir->fd, name, (mode_t)(mode & 07777));
	else
		rc = mknodat(dir->fd, name, (mode_t)mode, (dev_t)rdev);
	return rc < 0 ? fail(e, errno) : 0;
}

static int rename_(struct dest *d, struct dest_dir *from_dir, const char *from_name,
		   struct dest_dir *to_dir, const char *to_name, struct err *e)
{
	return renameat(from_dir->fd, from_name, to_dir->fd, to_name) < 0 ? fail(e, errno) : 0;
}

static int unlink_(struct dest *d, struct dest_dir *dir, const char *name, struct err *e)
{
	return unlinkat(dir->fd, name, 0) < 0 ? fail(e, errno) : 0;
}

static int rmdir_(struct dest *d, struct dest_dir *dir, const char *name, struct err *e)
{
	return unlinkat(dir->fd, name, AT_REMOVEDIR) < 0 ? fail(e, errno) : 0;
}

/* Sets attributes through an open descriptor: the safe way for files and dirs. */
static int fd_setattr(int fd, const struct dest_meta *m, unsigned mask, struct err *e)
{
	if ((mask & DEST_SET_OWNER) && fchown(fd, (uid_t)m->uid, (gid_t)m->gid) < 0)
		return fail(e, errno);
	if ((mask & DEST_SET_MODE) && fchmod(fd, (mode_t)(m->mode & 07777)) < 0)
		return fail(e, errno);
	if (mask & DEST_SET_TIMES) {
		struct timespec ts[2] = { m->atime, m->mtime };
		if (futimens(fd, ts) < 0)
			return fail(e, errno);
	}
	return 0;
}

static int setattr(struct dest *d, struct dest_dir *dir, const char *name,
		   const struct dest_meta *m, unsigned mask, struct err *e)
{
	if (!name)
		return fd_setattr(dir->fd, m, mask, e);
	if (S_ISREG(m->mode)) {
		/* open without following, then act on the descriptor */
		int fd = openat(dir->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		int rc;
		if (fd < 0)
			return fail(e, errno);
		rc = fd_setattr(fd, m, mask, e);
		close(fd);
		return rc;
	}
	if ((mask & DEST_SET_OWNER) &&
	    fchownat(dir->fd, name, (uid_t)m->uid, (gid_t)m->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(e, errno);
	if ((mask & DEST_SET_MODE) && !S_ISLNK(m->mode)) {
		if (fchmodat(dir->fd, name, (mode_t)(m->mode & 07777), AT_SYMLINK_NOFOLLOW) < 0) {
			struct stat st;
			if (errno != ENOTSUP && errno != EOPNOTSUPP)
				return fail(e, errno);
			/* no AT_SYMLINK_NOFOLLOW support: refuse to act on a symlink */
			if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				return fail(e, errno);
			if (S_ISLNK(st.st_mode))
				return fail(e, ELOOP);
			if (fchmodat(dir->fd, name, (mode_t)(m->mode & 07777), 0) < 0)
				return fail(e, errno);
		}
	}
	if (mask & DEST_SET_TIMES) {
		struct timespec ts[2] = { m->atime, m->mtime };
		if (utimensat(dir->fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return fail(e, errno);
	}
	return 0;
}

static int create(struct dest *d, struct dest_dir *dir, const char *name, uint32_t mode,
		  struct dest_file **out, struct err *e)
{
	int fd = openat(dir->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			(mode_t)(mode & 0777));

	if (fd < 0)
		return fail(e, errno);
	*out = xmalloc(sizeof(**out));
	(*out)->fd = fd;
	return 0;
}

static int open_read(struct dest *d, struct dest_dir *dir, const char *name,
		     struct dest_file **out, struct err *e)
{
	int fd = openat(dir->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return fail(e, errno);
	*out = xmalloc(sizeof(**out));
	(*out)->fd = fd;
	return 0;
}

static int64_t read_(struct dest *d, struct dest_file *f, void *buf, size_t len, uint64_t off,
		     struct err *e)
{
	ssize_t n;

	do
		n = pread(f->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? fail(e, errno) : (int64_t)n;
}

static int write_(struct dest *d, struct dest_file *f, const void *buf, size_t len, uint64_t off,
		  struct err *e)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(f->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(e, errno);
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

#ifdef HAVE_COPY_FILE_RANGE
static int64_t copy_from(struct dest *d, struct dest_file *f, int src_fd, uint64_t off, size_t len,
			 struct err *e)
{
	loff_t in = (loff_t)off, outoff = (loff_t)off;
	ssize_t n;

	do
		n = copy_file_range(src_fd, &in, f->fd, &outoff, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? fail(e, errno) : (int64_t)n;
}
#endif

static int truncate_(struct dest *d, struct dest_file *f, uint64_t size, struct err *e)
{
	return ftruncate(f->fd, (off_t)size) < 0 ? fail(e, errno) : 0;
}

static int fsetattr(struct dest *d, struct dest_file *f, const struct dest_meta *m, unsigned mask,
		    struct err *e)
{
	return fd_setattr(f->fd, m, mask, e);
}

static int fsync_(struct dest *d, struct dest_file *f, struct err *e)
{
	return fsync(f->fd) < 0 ? fail(e, errno) : 0;
}

static int close_(struct dest *d, struct dest_file *f, struct err *e)
{
	int rc = 0;

	if (!f)
		return 0;
	if (close(f->fd) < 0 && errno != EINTR)
		rc = fail(e, errno);
	free(f);
	return rc;
}

static void release(struct dest *d);

#ifdef HAVE_O_TMPFILE
static int create_anon(struct dest *d, struct dest_dir *dir, uint32_t mode, struct dest_file **out,
		       struct err *e)
{
	int fd = openat(dir->fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)(mode & 0777));

	if (fd < 0)
		return fail(e, errno);
	*out = xmalloc(sizeof(**out));
	(*out)->fd = fd;
	return 0;
}

static int publish(struct dest *d, struct dest_file *f, struct dest_dir *dir, const char *name,
		   struct err *e)
{
	char proc[64];

	if (linkat(f->fd, "", dir->fd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != EPERM && errno != ENOENT && errno != EINVAL)
		return fail(e, errno);
	/* without CAP_DAC_READ_SEARCH: through /proc */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
	if (linkat(AT_FDCWD, proc, dir->fd, name, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return fail(e, errno);
}
#endif

static const struct dest_ops local_ops = {
	.name = "local",
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
#ifdef HAVE_O_TMPFILE
	.create_anon = create_anon,
	.publish = publish,
#endif
	.open_read = open_read,
	.read = read_,
	.write = write_,
#ifdef HAVE_COPY_FILE_RANGE
	.copy_from = copy_from,
#endif
	.truncate = truncate_,
	.fsetattr = fsetattr,
	.fsync = fsync_,
	.close = close_,
	.release = release,
};

/* An instance carries its own table: the portable one has no fast paths. */
struct local {
	struct dest d;
	struct dest_ops ops;
};

static void release(struct dest *d)
{
	free((struct local *)d);
}

struct dest *dest_local_new(int no_fastpath)
{
	struct local *l = xcalloc(1, sizeof(*l));

	l->ops = local_ops;
	if (no_fastpath) {
		l->ops.copy_from = NULL;
		l->ops.create_anon = NULL;
		l->ops.publish = NULL;
	}
	l->d.ops = &l->ops;
	return &l->d;
}
