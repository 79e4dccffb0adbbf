/*
 * Unit tests for sync/copyfile.c through the local backend: holes survive
 * on the fast path (SEEK_DATA, copy_file_range) and on the portable path
 * (read/write skipping zero blocks); files of zeros, files ending in a hole,
 * empty files; the content digest.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sync/copyfile.h"
#include "sync/ops.h"
#include "util/config.h"

static char dir[] = "/tmp/extnfs-test-copyfile.XXXXXX";

/* A file of size bytes with len bytes of non-zero data at each offset. */
static void make_file(const char *name, uint64_t size, const uint64_t *offs, size_t n, size_t len,
		      int fill_zeros)
{
	char path[256];
	char *buf = malloc(len ? len : 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (fill_zeros) {
		char z[65536] = { 0 };
		for (uint64_t o = 0; o < size; o += sizeof(z))
			assert_true(pwrite(fd, z, size - o < sizeof(z) ? size - o : sizeof(z),
					   (off_t)o) > 0);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < len; k++)
			buf[k] = (char)('a' + (k + i) % 26);
		assert_int_equal(pwrite(fd, buf, len, (off_t)offs[i]), (ssize_t)len);
	}
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);
	free(buf);
}

/* Copies name to name.copy; returns the copy's stat. */
static void copy(const char *name, bool no_fastpath, struct stat *src, struct stat *dst)
{
	struct dest *d = dest_local_new(no_fastpath);
	struct dest_dir *dd = NULL;
	struct dest_file *f = NULL;
	struct copyfile cf = COPYFILE_INIT;
	struct err e = ERR_INIT;
	char path[256], copyname[128];
	uint64_t written;
	uint8_t d1[COPYFILE_DIGEST_LEN], d2[COPYFILE_DIGEST_LEN], d3[COPYFILE_DIGEST_LEN];
	int fd, fd2;

	cf.no_fastpath = no_fastpath;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(copyname, sizeof(copyname), "%s.copy", name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, src), 0);
	assert_int_equal(d->ops->open_root(d, dir, 0, &dd, &e), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, copyname);
	unlink(path);
	assert_int_equal(d->ops->create(d, dd, copyname, 0644, &f, &e), 0);
	if (copyfile_data(&cf, d, f, fd, (uint64_t)src->st_size, (uint64_t)src->st_blocks, d1,
			  &written, &e) < 0)
		fail_msg("copy of %s: %s", name, e.msg.buf);
	assert_int_equal(d->ops->close(d, f, &e), 0);
	assert_int_equal(stat(path, dst), 0);
	/* the digest while copying equals the digest of either file */
	assert_int_equal(copyfile_digest_fd(&cf, fd, d2, &e), 0);
	fd2 = open(path, O_RDONLY);
	assert_true(fd2 >= 0);
	assert_int_equal(copyfile_digest_fd(&cf, fd2, d3, &e), 0);
	assert_memory_equal(d1, d2, COPYFILE_DIGEST_LEN);
	assert_memory_equal(d1, d3, COPYFILE_DIGEST_LEN);
	close(fd2);
	close(fd);
	copyfile_release(&cf);
	d->ops->close_dir(d, dd);
	d->ops->release(d);
	err_release(&e);
}

static void check_shapes(bool no_fastpath)
{
	static const uint64_t two[] = { 0, 4 << 20 };
	static const uint64_t mid[] = { 1 << 20 };
	struct stat s, c;

	/* 8 MiB, 64 KiB of data at 0 and 4 MiB, a hole at the end */
	make_file("sparse", 8 << 20, two, 2, 65536, 0);
	copy("sparse", no_fastpath, &s, &c);
	assert_int_equal(c.st_size, s.st_size);
	assert_true(c.st_blocks <= s.st_blocks + 64);
	assert_true(c.st_blocks * 512 < 1 << 20);

	/* data only in the middle: leading and trailing holes */
	make_file("middle", 3 << 20, mid, 1, 4096, 0);
	copy("middle", no_fastpath, &s, &c);
	assert_int_equal(c.st_size, 3 << 20);
	assert_true(c.st_blocks * 512 <= 65536);

	/* nothing but a hole */
	make_file("hole", 1 << 30, NULL, 0, 0, 0);
	copy("hole", no_fastpath, &s, &c);
	assert_int_equal(c.st_size, 1 << 30);
	assert_int_equal(c.st_blocks, 0);

	/* empty */
	make_file("empty", 0, NULL, 0, 0, 0);
	copy("empty", no_fastpath, &s, &c);
	assert_int_equal(c.st_size, 0);

	/* dense and odd-sized */
	make_file("dense", 100001, (const uint64_t[]){ 0 }, 1, 100001, 0);
	copy("dense", no_fastpath, &s, &c);
	assert_int_equal(c.st_size, 100001);
	assert_true(c.st_blocks * 512 >= 100001);
}

static void test_fast_path(void **state)
{
	check_shapes(false);
}

static void test_portable_path(void **state)
{
	struct stat s, c;

	check_shapes(true);
	/* written zeros (allocated in the source) become a hole: never written */
	make_file("zeros", 2 << 20, NULL, 0, 0, 1);
	copy("zeros", true, &s, &c);
	assert_true(s.st_blocks * 512 >= 2 << 20);
	assert_int_equal(c.st_size, 2 << 20);
	assert_int_equal(c.st_blocks, 0);
}

static void test_is_zero(void **state)
{
	char buf[100] = { 0 };

	assert_true(copyfile_is_zero(buf, sizeof(buf)));
	buf[99] = 1;
	assert_false(copyfile_is_zero(buf, sizeof(buf)));
	assert_true(copyfile_is_zero(buf, 99));
	buf[3] = 1;
	assert_false(copyfile_is_zero(buf, 40));
	assert_true(copyfile_is_zero(buf, 0));
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_portable_path),
		cmocka_unit_test(test_is_zero),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
