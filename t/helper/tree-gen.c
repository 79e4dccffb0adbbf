/*
 * tree-gen: makes large deterministic trees fast, for the benchmarks
 * (bench/copy.sh) and big test datasets. It reads a spec on stdin, one
 * entry per line, fields separated by tabs, the path last:
 *   d  PATH                     directory (parents made as needed)
 *   f  SIZE SEED PATH           regular file of SIZE bytes of pseudo-random
 *                               content from SEED (no zero blocks);
 *                               rewritten in place if it exists
 *   s  SIZE DATA CHUNK SEED PATH
 *                               sparse file: DATA bytes in CHUNK-sized
 *                               pieces spread evenly over SIZE, holes between
 *   l  TARGET PATH              symlink
 *   h  EXISTING PATH            hard link
 *   t  SECONDS PATH             set the mtime (not following symlinks)
 * Paths are relative to the current directory. Exit: 0, 1 on the first
 * error (with the line number), 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define BUF_SIZE (1 << 20)

static unsigned char buf[BUF_SIZE];
static unsigned long lineno;

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "tree-gen: line %lu: cannot %s '%s': %s\n", lineno, what, path,
		strerror(errno));
	exit(1);
}

/* Fills buf[0..n) from the generator state (xorshift64*). */
static void fill(uint64_t *s, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x = *s;
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		*s = x;
		x *= 0x2545F4914F6CDD1DULL;
		x |= 0x0101010101010101ULL; /* never a zero byte */
		memcpy(buf + i, &x, n - i < 8 ? n - i : 8);
	}
}

static uint64_t seed_state(uint64_t seed)
{
	uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
	return s ? s : 1;
}

/* mkdir -p of the parent directories of path */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail("create directory", path);
		*p = '/';
	}
}

static void write_at(int fd, uint64_t off, uint64_t len, uint64_t *s, const char *path)
{
	while (len > 0) {
		size_t n = len < BUF_SIZE ? (size_t)len : BUF_SIZE;
		fill(s, n);
		for (size_t done = 0; done < n;) {
			ssize_t w = pwrite(fd, buf + done, n - done, (off_t)(off + done));
			if (w < 0)
				fail("write", path);
			done += (size_t)w;
		}
		off += n;
		len -= n;
	}
}

static int open_file(char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 && errno == ENOENT) {
		make_parents(path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	}
	if (fd < 0)
		fail("create", path);
	return fd;
}

/* Splits line at tabs into at most max fields; returns the count. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (argc != 1) {
		fputs("usage: tree-gen <SPEC\n", stderr);
		return 2;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		char *f[8];
		int n;

		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len)
			continue;
		n = split(line, f, 8);
		if (!strcmp(f[0], "d") && n == 2) {
			make_parents(f[1]);
			if (mkdir(f[1], 0755) < 0 && errno != EEXIST)
				fail("create directory", f[1]);
		} else if (!strcmp(f[0], "f") && n == 4) {
			uint64_t s = seed_state(strtoull(f[2], NULL, 10));
			int fd = open_file(f[3]);
			write_at(fd, 0, strtoull(f[1], NULL, 10), &s, f[3]);
			if (close(fd) < 0)
				fail("close", f[3]);
		} else if (!strcmp(f[0], "s") && n == 6) {
			uint64_t size = strtoull(f[1], NULL, 10), data = strtoull(f[2], NULL, 10);
			uint64_t chunk = strtoull(f[3], NULL, 10),
				 s = seed_state(strtoull(f[4], NULL, 10));
			uint64_t pieces = chunk ? (data + chunk - 1) / chunk : 0;
			int fd = open_file(f[5]);
			for (uint64_t i = 0; i < pieces; i++) {
				uint64_t off = size / pieces * i;
				off -= off % 4096;
				write_at(fd, off, chunk, &s, f[5]);
			}
			if (ftruncate(fd, (off_t)size) < 0)
				fail("truncate", f[5]);
			if (close(fd) < 0)
				fail("close", f[5]);
		} else if (!strcmp(f[0], "l") && n == 3) {
			if (symlink(f[1], f[2]) < 0) {
				make_parents(f[2]);
				if (symlink(f[1], f[2]) < 0)
					fail("create symlink", f[2]);
			}
		} else if (!strcmp(f[0], "h") && n == 3) {
			if (link(f[1], f[2]) < 0) {
				make_parents(f[2]);
				if (link(f[1], f[2]) < 0)
					fail("link", f[2]);
			}
		} else if (!strcmp(f[0], "t") && n == 3) {
			struct timespec ts[2];
			ts[0].tv_sec = ts[1].tv_sec = (time_t)strtoll(f[1], NULL, 10);
			ts[0].tv_nsec = ts[1].tv_nsec = 0;
			if (utimensat(AT_FDCWD, f[2], ts, AT_SYMLINK_NOFOLLOW) < 0)
				fail("set the time of", f[2]);
		} else {
			fprintf(stderr, "tree-gen: line %lu: bad entry '%s'\n", lineno, f[0]);
			return 1;
		}
	}
	free(line);
	if (ferror(stdin)) {
		fputs("tree-gen: read error\n", stderr);
		return 1;
	}
	return 0;
}
