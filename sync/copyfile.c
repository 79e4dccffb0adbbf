/*
 * copyfile.c: copies the data of one regular file, keeping holes; see
 * copyfile.h. Three ways, chosen per file: the data extents found with
 * SEEK_DATA/SEEK_HOLE (HAVE_SEEK_DATA), each sent with the backend's
 * copy_from (copy_file_range) or read/write; or, portably, read/write of the
 * whole file skipping all-zero blocks. The size is set with truncate at the
 * end whenever the file ends in a hole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <xxhash.h>

#include "sync/copyfile.h"
#include "util/config.h"
#include "util/banned.h"

#define BUF_SIZE (256 * 1024)
#define ZERO_BLOCK 4096
#define COPY_CHUNK ((size_t)1 << 30)
#define COPY_FROM_MIN ((uint64_t)BUF_SIZE)


void copyfile_release(struct copyfile *c)
{
	free(c->buf);
	c->buf = NULL;
	c->bufsz = 0;
}

static char *scratch(struct copyfile *c)
{
	if (!c->buf) {
		c->buf = xmalloc(BUF_SIZE);
		c->bufsz = BUF_SIZE;
	}
	return c->buf;
}

static int fail(struct err *e, int errnum, const char *what)
{
	err_set(e, "%s: %s", what, strerror(errnum));
	e->code = errnum;
	return -1;
}

static bool stopped(const struct copyfile *c)
{
	return c->stop && *c->stop;
}

bool copyfile_is_zero(const char *p, size_t n)
{
	uint64_t acc = 0;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		uint64_t w[4];
		memcpy(w, p + i, 32);
		acc |= w[0] | w[1] | w[2] | w[3];
		if (acc)
			return false;
	}
	for (; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Writes buf (len bytes at off) except its all-zero blocks. */
static int write_sparse(struct dest *d, struct dest_file *f, const char *buf, size_t len,
			uint64_t off, uint64_t *written, struct err *e)
{
	size_t i = 0;

	while (i < len) {
		size_t start, n = len - i < ZERO_BLOCK ? len - i : ZERO_BLOCK;
		if (copyfile_is_zero(buf + i, n)) {
			i += n;
			continue;
		}
		start = i;
		while (i < len) {
			n = len - i < ZERO_BLOCK ? len - i : ZERO_BLOCK;
			if (copyfile_is_zero(buf + i, n))
				break;
			i += n;
		}
		if (d->ops->write(d, f, buf + start, i - start, off + start, e) < 0)
			return -1;
		*written += i - start;
	}
	return 0;
}

/*
 * Copies [off, off + len) with read/write. skip_zero: leave all-zero
 * blocks unwritten. Returns 0, or -1. *end is where the data ended (short
 * when the source shrank).
 */
static int copy_rw(struct copyfile *c, struct dest *d, struct dest_file *f, int fd, uint64_t off,
		   uint64_t len, bool skip_zero, XXH3_state_t *h, uint64_t *written, uint64_t *end,
		   struct err *e)
{
	char *buf = scratch(c);

	while (len) {
		size_t want = len < c->bufsz ? (size_t)len : c->bufsz;
		ssize_t n;

		if (stopped(c))
			return fail(e, EINTR, "interrupted");
		n = pread(fd, buf, want, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(e, errno, "read");
		}
		if (n == 0)
			break;
		if (h)
			XXH3_128bits_update(h, buf, (size_t)n);
		if (skip_zero) {
			if (write_sparse(d, f, buf, (size_t)n, off, written, e) < 0)
				return -1;
		} else {
			if (d->ops->write(d, f, buf, (size_t)n, off, e) < 0)
				return -1;
			*written += (uint64_t)n;
		}
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	*end = off;
	return 0;
}

/* Copies one data extent, in the kernel when the backend can. */
static int copy_extent(struct copyfile *c, struct dest *d, struct dest_file *f, int fd,
		       uint64_t off, uint64_t len, XXH3_state_t *h, uint64_t *written, uint64_t *end,
		       struct err *e)
{
	if (!h && !c->no_fastpath && !c->no_copy_from && d->ops->copy_from) {
		while (len) {
			size_t want = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
			int64_t n;
			if (stopped(c))
				return fail(e, EINTR, "interrupted");
			n = d->ops->copy_from(d, f, fd, off, want, e);
			if (n < 0) {
				int code = e->code;
				if (code == ENOSYS || code == EXDEV || code == EINVAL ||
				    code == EOPNOTSUPP || code == ENOTSUP) {
					c->no_copy_from = true;
					err_clear(e);
					break; /* the rest by read/write */
				}
				return err_prefix(e, "copy");
			}
			if (n == 0) {
				*end = off;
				return 0;
			}
			*written += (uint64_t)n;
			off += (uint64_t)n;
			len -= (uint64_t)n;
		}
		if (!len) {
			*end = off;
			return 0;
		}
	}
	return copy_rw(c, d, f, fd, off, len, false, h, written, end, e);
}

#ifdef HAVE_SEEK_DATA
static const char zeros[ZERO_BLOCK];

/* Feeds n zero bytes (a hole) to the hash. */
static void hash_zeros(XXH3_state_t *h, uint64_t n)
{
	while (n) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		XXH3_128bits_update(h, zeros, k);
		n -= k;
	}
}
#endif

static void digest_out(XXH3_state_t *h, uint8_t *digest)
{
	XXH128_hash_t v = XXH3_128bits_digest(h);
	XXH128_canonical_t can;

	XXH128_canonicalFromHash(&can, v);
	memcpy(digest, can.digest, COPYFILE_DIGEST_LEN);
}

int copyfile_data(struct copyfile *c, struct dest *d, struct dest_file *f, int src_fd,
		  uint64_t size, uint64_t blocks, uint8_t *digest, uint64_t *written, struct err *e)
{
	XXH3_state_t *h = NULL;
	uint64_t end = 0;
	int rc = -1;

	*written = 0;
	if (digest) {
		h = XXH3_createState();
		if (!h)
			die_bug("out of memory");
		XXH3_128bits_reset(h);
	}
	if (!size) {
		rc = 0;
		goto done;
	}
#ifdef HAVE_SEEK_DATA
	if (!c->no_fastpath && blocks * 512 < size) {
		/* maybe sparse: copy the data extents only */
		uint64_t off = 0;
		for (;;) {
			off_t data, hole;
			if (off >= size)
				break;
			data = lseek(src_fd, (off_t)off, SEEK_DATA);
			if (data < 0) {
				if (errno == ENXIO) /* a hole up to the end */
					break;
				if (errno == EINVAL && off == 0)
					goto portable; /* the filesystem cannot tell */
				fail(e, errno, "seek");
				goto done;
			}
			if ((uint64_t)data >= size)
				break;
			hole = lseek(src_fd, data, SEEK_HOLE);
			if (hole < 0) {
				fail(e, errno, "seek");
				goto done;
			}
			if ((uint64_t)hole > size)
				hole = (off_t)size;
			if (h)
				hash_zeros(h, (uint64_t)data - off);
			if (copy_extent(c, d, f, src_fd, (uint64_t)data, (uint64_t)(hole - data), h,
					written, &end, e) < 0)
				goto done;
			if (end < (uint64_t)hole) { /* shrank while we copied */
				err_set(e, "changed size while being copied");
				e->code = EAGAIN;
				goto done;
			}
			off = (uint64_t)hole;
		}
		if (h && off < size)
			hash_zeros(h, size - off);
		if (d->ops->truncate(d, f, size, e) < 0) {
			err_prefix(e, "truncate");
			goto done;
		}
		rc = 0;
		goto done;
	}
portable:
#endif
	if (!c->no_fastpath && blocks * 512 >= size) {
		/*
		 * dense: in the kernel when the backend can, but small files with
		 * one read and one write (copy_file_range costs more per call)
		 */
		int r = size <= COPY_FROM_MIN
				? copy_rw(c, d, f, src_fd, 0, size, false, h, written, &end, e)
				: copy_extent(c, d, f, src_fd, 0, size, h, written, &end, e);
		if (r < 0)
			goto done;
		if (end < size) {
			err_set(e, "changed size while being copied");
			e->code = EAGAIN;
			goto done;
		}
		rc = 0;
		goto done;
	}
	if (copy_rw(c, d, f, src_fd, 0, size, true, h, written, &end, e) < 0)
		goto done;
	if (end < size) {
		err_set(e, "changed size while being copied");
		e->code = EAGAIN;
		goto done;
	}
	if (*written < size && d->ops->truncate(d, f, size, e) < 0) {
		err_prefix(e, "truncate");
		goto done;
	}
	rc = 0;
done:
	if (h) {
		if (!rc)
			digest_out(h, digest);
		XXH3_freeState(h);
	}
	return rc;
}

int copyfile_digest_fd(struct copyfile *c, int fd, uint8_t *digest, struct err *e)
{
	XXH3_state_t *h = XXH3_createState();
	char *buf = scratch(c);
	uint64_t off = 0;
	int rc = -1;

	if (!h)
		die_bug("out of memory");
	XXH3_128bits_reset(h);
	for (;;) {
		ssize_t n;
		if (stopped(c)) {
			fail(e, EINTR, "interrupted");
			goto done;
		}
		n = pread(fd, buf, c->bufsz, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail(e, errno, "read");
			goto done;
		}
		if (!n)
			break;
		XXH3_128bits_update(h, buf, (size_t)n);
		off += (uint64_t)n;
	}
	digest_out(h, digest);
	rc = 0;
done:
	XXH3_freeState(h);
	return rc;
}

int copyfile_digest_dest(struct copyfile *c, struct dest *d, struct dest_file *f, uint8_t *digest,
			 struct err *e)
{
	XXH3_state_t *h = XXH3_createState();
	char *buf = scratch(c);
	uint64_t off = 0;
	int rc = -1;

	if (!h)
		die_bug("out of memory");
	XXH3_128bits_reset(h);
	for (;;) {
		int64_t n;
		if (stopped(c)) {
			fail(e, EINTR, "interrupted");
			goto done;
		}
		n = d->ops->read(d, f, buf, c->bufsz, off, e);
		if (n < 0)
			goto done;
		if (!n)
			break;
		XXH3_128bits_update(h, buf, (size_t)n);
		off += (uint64_t)n;
	}
	digest_out(h, digest);
	rc = 0;
done:
	XXH3_freeState(h);
	return rc;
}

void copyfile_digest_hex(const uint8_t *digest, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < COPYFILE_DIGEST_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * COPYFILE_DIGEST_LEN] = '\0';
}
