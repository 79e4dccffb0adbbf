/*
 * copyfile.h: the data of one regular file, holes kept. The source is a
 * local descriptor; the destination is any backend's open file. With the
 * fast paths (HAVE_SEEK_DATA, a backend copy_from such as
 * copy_file_range) only the source's data extents are copied, in the
 * kernel; the portable path reads and writes and never writes an all-zero
 * block (it seeks over it and sets the size at the end), so holes survive
 * either way.
 */
#ifndef EXTNFS_SYNC_COPYFILE_H
#define EXTNFS_SYNC_COPYFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "sync/ops.h"

#define COPYFILE_DIGEST_LEN 16 /* XXH3 128-bit */

/* Per-thread scratch and settings; COPYFILE_INIT is ready to use. */
struct copyfile {
	char *buf;
	size_t bufsz;
	bool no_fastpath;     /* read/write with zero-block detection only */
	bool no_copy_from;    /* the backend refused copy_from once: stop trying */
	const volatile int *stop; /* non-zero: give up between chunks (EINTR) */
};
#define COPYFILE_INIT { NULL, 0, false, false, NULL }

void copyfile_release(struct copyfile *c);

/*
 * Copies size bytes of src_fd into the empty destination file f. blocks is
 * the source's st_blocks (a file with fewer blocks than its size may be
 * sparse). When digest is not NULL the content (holes read as zeros) is
 * hashed into it, which needs the read/write path. *written gets the data
 * bytes sent. Returns 0, or -1 with e set (e->code an errno value; EAGAIN
 * when the source changed size under us, EINTR when stopped).
 */
int copyfile_data(struct copyfile *c, struct dest *d, struct dest_file *f, int src_fd,
		  uint64_t size, uint64_t blocks, uint8_t *digest, uint64_t *written, struct err *e);

/* Digest of a local file's content. 0, or -1 with e set. */
int copyfile_digest_fd(struct copyfile *c, int fd, uint8_t *digest, struct err *e);
/* Digest of a destination file's content through the backend. 0 or -1. */
int copyfile_digest_dest(struct copyfile *c, struct dest *d, struct dest_file *f, uint8_t *digest,
			 struct err *e);
/* Formats a digest as 32 hex digits into out (33 bytes). */
void copyfile_digest_hex(const uint8_t *digest, char *out);

/* True when the n bytes at p are all zero. */
bool copyfile_is_zero(const char *p, size_t n);

#endif
