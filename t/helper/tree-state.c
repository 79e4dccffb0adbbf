/*
 * tree-state: prints the state of a directory tree, one line per entry,
 * sorted by path bytes, so that two trees compare with diff (t/lib-tree.sh's
 * compare_trees). It is a test helper, not part of extnfs: it depends on
 * nothing but libc (and xxHash's header when there is one).
 *
 * Each line is the escaped path relative to the root ("." for the root
 * itself) followed by key=value fields:
 *   type    f d l c b p s (regular, dir, symlink, char, block, fifo, socket)
 *   mode    permission bits with setuid/setgid/sticky, octal
 *   uid gid numeric owner
 *   mtime   seconds.nanoseconds (lstat: the symlink's own time)
 *   size    bytes (not for directories: their size depends on history)
 *   hash    content digest of regular files
 *   target  symlink target, escaped
 *   rdev    major:minor of device nodes
 *   link    hard-link group: the first path (in sort order) of the inode's
 *           links inside the tree; only printed when there are several, so
 *           the structure compares across trees
 *   alloc   allocation of regular files; --alloc=map (default where
 *           SEEK_DATA exists) prints the bytes and the number of data
 *           segments SEEK_DATA/SEEK_HOLE report, which an exact sparse copy
 *           reproduces and a filled-in copy does not; --alloc=class prints
 *           empty/hole/sparse/full from st_blocks; --alloc=blocks prints
 *           st_blocks*512 (exact, but extent-tree blocks can make it differ
 *           between two equally sparse files)
 * Paths and targets escape every byte outside '!'..'~' and the backslash as
 * \xHH, so spaces, newlines and non-UTF-8 bytes are unambiguous.
 *
 * usage: tree-state [--ignore=FIELD,...] [--alloc=map|class|blocks] DIR
 * FIELD is one of the keys above, or root-mtime (the root's mtime only),
 * dir-mtime (every directory's mtime), link-mtime (every symlink's mtime:
 * NFS servers that cannot set it), root (no line for the root).
 * Exit: 0, 1 on an error reading the tree, 2 on usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sysmacros.h>
#endif

#if defined(__has_include)
#if __has_include(<xxhash.h>)
#define XXH_INLINE_ALL
#include <xxhash.h>
#define HAVE_XXHASH 1
#endif
#endif

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif

enum field {
	F_TYPE = 1 << 0,
	F_MODE = 1 << 1,
	F_UID = 1 << 2,
	F_GID = 1 << 3,
	F_MTIME = 1 << 4,
	F_SIZE = 1 << 5,
	F_HASH = 1 << 6,
	F_TARGET = 1 << 7,
	F_RDEV = 1 << 8,
	F_LINK = 1 << 9,
	F_ALLOC = 1 << 10,
	F_ROOT_MTIME = 1 << 11,
	F_DIR_MTIME = 1 << 12,
	F_LINK_MTIME = 1 << 13,
	F_ROOT = 1 << 13,
};

static const struct {
	const char *name;
	unsigned bit;
} field_names[] = {
    {"type", F_TYPE},
    {"mode", F_MODE},
    {"uid", F_UID},
    {"gid", F_GID},
    {"owner", F_UID | F_GID},
    {"mtime", F_MTIME},
    {"size", F_SIZE},
    {"hash", F_HASH},
    {"content", F_HASH},
    {"target", F_TARGET},
    {"rdev", F_RDEV},
    {"link", F_LINK},
    {"alloc", F_ALLOC},
    {"root-mtime", F_ROOT_MTIME},
    {"dir-mtime", F_DIR_MTIME},
    {"link-mtime", F_LINK_MTIME},
    {"root", F_ROOT},
};

enum alloc_mode { ALLOC_MAP, ALLOC_CLASS, ALLOC_BLOCKS };

struct entry {
	char *path; /* raw bytes, relative to the root; "." is the root */
	struct stat st;
	char *target;	   /* symlinks */
	uint64_t hash;	   /* regular files */
	uint64_t data;	   /* bytes in data segments (alloc map) */
	uint64_t segments; /* number of data segments */
	int have_map;
	size_t group; /* index of the first entry of its hard-link group, or SIZE_MAX */
};

struct ctx {
	struct entry *e;
	size_t nr, alloc;
	unsigned ignore;
	enum alloc_mode amode;
	int errors;
	unsigned char *buf;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("tree-state: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

static char *path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p;

	if (!strcmp(dir, "."))
		a = 0;
	p = xrealloc(NULL, a + b + 2);
	if (a) {
		memcpy(p, dir, a);
		p[a++] = '/';
	}
	memcpy(p + a, name, b + 1);
	return p;
}

static void print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c > ' ' && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

static void complain(struct ctx *c, const char *what, const char *path)
{
	int saved = errno;

	fprintf(stderr, "tree-state: cannot %s '", what);
	for (const char *p = path; *p; p++)
		fputc((unsigned char)*p >= ' ' ? *p : '?', stderr);
	fprintf(stderr, "': %s\n", strerror(saved));
	c->errors++;
}

/* Digest of the whole content, holes read as zeros (content only). */
static int hash_fd(struct ctx *c, int fd, uint64_t *out)
{
	ssize_t n;
#ifdef HAVE_XXHASH
	XXH3_state_t *s = XXH3_createState();
	if (!s)
		return -1;
	XXH3_64bits_reset(s);
	while ((n = read(fd, c->buf, 1 << 17)) > 0)
		XXH3_64bits_update(s, c->buf, (size_t)n);
	*out = XXH3_64bits_digest(s);
	XXH3_freeState(s);
#else
	uint64_t h = 14695981039346656037ULL;
	while ((n = read(fd, c->buf, 1 << 17)) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ c->buf[i]) * 1099511628211ULL;
	*out = h;
#endif
	return n < 0 ? -1 : 0;
}

/* Fills data/segments from SEEK_DATA/SEEK_HOLE; 0, or -1 when unsupported. */
static int data_map(int fd, const struct stat *st, struct entry *en)
{
#if defined(SEEK_DATA) && defined(SEEK_HOLE)
	off_t off = 0;

	en->data = 0;
	en->segments = 0;
	while (off < st->st_size) {
		off_t d = lseek(fd, off, SEEK_DATA), h;
		if (d < 0) {
			if (errno == ENXIO)
				break;
			return -1;
		}
		h = lseek(fd, d, SEEK_HOLE);
		if (h < 0)
			return -1;
		if (h <= d)
			break;
		en->data += (uint64_t)(h - d);
		en->segments++;
		off = h;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	en->have_map = 1;
	return 0;
#else
	(void)fd;
	(void)st;
	(void)en;
	return -1;
#endif
}

static struct entry *add_entry(struct ctx *c, char *path, const struct stat *st)
{
	struct entry *en;

	if (c->nr == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 1024;
		c->e = xrealloc(c->e, c->alloc * sizeof(*c->e));
	}
	en = &c->e[c->nr++];
	memset(en, 0, sizeof(*en));
	en->path = path;
	en->st = *st;
	en->group = SIZE_MAX;
	return en;
}

static void walk(struct ctx *c, int dfd, const char *rel);

static void visit(struct ctx *c, int dfd, const char *rel, const char *name)
{
	struct stat st;
	char *path = path_join(rel, name);
	struct entry *en;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		complain(c, "lstat", path);
		free(path);
		return;
	}
	en = add_entry(c, path, &st);
	if (S_ISREG(st.st_mode)) {
		int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY);
		if (fd < 0) {
			complain(c, "open", path);
			return;
		}
		if (c->amode == ALLOC_MAP && !(c->ignore & F_ALLOC))
			(void)data_map(fd, &st, en);
		if (!(c->ignore & F_HASH) && hash_fd(c, fd, &en->hash) < 0)
			complain(c, "read", path);
		close(fd);
	} else if (S_ISLNK(st.st_mode)) {
		size_t cap = (size_t)st.st_size + 2;
		ssize_t n;
		for (;;) {
			en->target = xrealloc(en->target, cap);
			n = readlinkat(dfd, name, en->target, cap);
			if (n < 0) {
				complain(c, "readlink", path);
				n = 0;
				break;
			}
			if ((size_t)n < cap)
				break;
			cap *= 2;
		}
		en->target[n] = '\0';
	} else if (S_ISDIR(st.st_mode)) {
		int cfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (cfd < 0) {
			complain(c, "open directory", path);
			return;
		}
		walk(c, cfd, path);
	}
}

/* Reads the directory open on dfd (and takes the descriptor), then recurses. */
static void walk(struct ctx *c, int dfd, const char *rel)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, alloc = 0;

	if (!d) {
		complain(c, "read directory", rel);
		close(dfd);
		return;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (nr == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			names = xrealloc(names, alloc * sizeof(*names));
		}
		names[nr] = strdup(de->d_name);
		if (!names[nr]) {
			fputs("tree-state: out of memory\n", stderr);
			exit(1);
		}
		nr++;
	}
	if (errno)
		complain(c, "read directory", rel);
	/* rel may point into c->e, which visit() reallocates: copy it */
	{
		char *dir = strdup(rel);
		if (!dir) {
			fputs("tree-state: out of memory\n", stderr);
			exit(1);
		}
		for (size_t i = 0; i < nr; i++) {
			visit(c, dirfd(d), dir, names[i]);
			free(names[i]);
		}
		free(dir);
	}
	free(names);
	closedir(d);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static const struct entry *sort_base;
static int cmp_inode(const void *a, const void *b)
{
	const struct entry *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];

	if (x->st.st_dev != y->st.st_dev)
		return x->st.st_dev < y->st.st_dev ? -1 : 1;
	if (x->st.st_ino != y->st.st_ino)
		return x->st.st_ino < y->st.st_ino ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Gives every entry that shares its inode with another the first one's index. */
static void find_groups(struct ctx *c)
{
	size_t *idx = xrealloc(NULL, c->nr * sizeof(*idx)), i, j;

	for (i = 0; i < c->nr; i++)
		idx[i] = i;
	sort_base = c->e;
	qsort(idx, c->nr, sizeof(*idx), cmp_inode);
	for (i = 0; i < c->nr; i = j) {
		for (j = i + 1; j < c->nr; j++)
			if (c->e[idx[j]].st.st_dev != c->e[idx[i]].st.st_dev ||
			    c->e[idx[j]].st.st_ino != c->e[idx[i]].st.st_ino)
				break;
		if (j - i > 1 && !S_ISDIR(c->e[idx[i]].st.st_mode))
			for (size_t k = i; k < j; k++)
				c->e[idx[k]].group = idx[i];
	}
	free(idx);
}

static char type_char(mode_t m)
{
	if (S_ISREG(m))
		return 'f';
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISSOCK(m))
		return 's';
	return '?';
}

static void print_alloc(const struct ctx *c, const struct entry *en)
{
	uint64_t blocks = (uint64_t)en->st.st_blocks * 512, size = (uint64_t)en->st.st_size;

	if (c->amode == ALLOC_BLOCKS) {
		printf(" alloc=blocks:%llu", (unsigned long long)blocks);
	} else if (c->amode == ALLOC_MAP && en->have_map) {
		printf(" alloc=map:%llu:%llu", (unsigned long long)en->data,
		       (unsigned long long)en->segments);
	} else {
		const char *cls = "full";
		if (size == 0)
			cls = "empty";
		else if (blocks == 0)
			cls = "hole";
		else if (blocks + 65536 < size && blocks < size - size / 16)
			cls = "sparse";
		printf(" alloc=class:%s", cls);
	}
}

static void print_entry(const struct ctx *c, const struct entry *en)
{
	const struct stat *st = &en->st;
	int is_root = !strcmp(en->path, ".");
	unsigned ig = c->ignore;

	if (is_root && (ig & F_ROOT))
		return;
	print_escaped(en->path, strlen(en->path));
	if (!(ig & F_TYPE))
		printf(" type=%c", type_char(st->st_mode));
	if (!(ig & F_MODE))
		printf(" mode=%04o", (unsigned)(st->st_mode & 07777));
	if (!(ig & F_UID))
		printf(" uid=%lu", (unsigned long)st->st_uid);
	if (!(ig & F_GID))
		printf(" gid=%lu", (unsigned long)st->st_gid);
	if (!(ig & F_MTIME) && !(is_root && (ig & F_ROOT_MTIME)) &&
	    !(S_ISDIR(st->st_mode) && (ig & F_DIR_MTIME)) &&
	    !(S_ISLNK(st->st_mode) && (ig & F_LINK_MTIME)))
		printf(" mtime=%lld.%09ld", (long long)st->st_mtim.tv_sec,
		       (long)st->st_mtim.tv_nsec);
	if (!S_ISDIR(st->st_mode) && !(ig & F_SIZE))
		printf(" size=%lld", (long long)st->st_size);
	if (S_ISREG(st->st_mode) && !(ig & F_HASH))
		printf(" hash=%016llx", (unsigned long long)en->hash);
	if (S_ISLNK(st->st_mode) && !(ig & F_TARGET) && en->target) {
		fputs(" target=", stdout);
		print_escaped(en->target, strlen(en->target));
	}
	if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) && !(ig & F_RDEV))
		printf(" rdev=%lu:%lu", (unsigned long)major(st->st_rdev),
		       (unsigned long)minor(st->st_rdev));
	if (en->group != SIZE_MAX && !(ig & F_LINK)) {
		const char *g = c->e[en->group].path;
		fputs(" link=", stdout);
		print_escaped(g, strlen(g));
	}
	if (S_ISREG(st->st_mode) && !(ig & F_ALLOC))
		print_alloc(c, en);
	putchar('\n');
}

static int parse_ignore(struct ctx *c, const char *list)
{
	while (*list) {
		size_t n = strcspn(list, ","), i;
		for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
			if (strlen(field_names[i].name) == n &&
			    !strncmp(field_names[i].name, list, n))
				break;
		if (i == sizeof(field_names) / sizeof(field_names[0])) {
			fprintf(stderr, "tree-state: unknown field '%.*s'\n", (int)n, list);
			return -1;
		}
		c->ignore |= field_names[i].bit;
		list += n;
		if (*list == ',')
			list++;
	}
	return 0;
}

static void usage(void)
{
	fputs("usage: tree-state [--ignore=FIELD,...] [--alloc=map|class|blocks] DIR\n"
	      "fields: type mode uid gid owner mtime size hash target rdev link alloc\n"
	      "        root-mtime dir-mtime link-mtime root\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct ctx c;
	const char *dir = NULL;
	struct stat st;
	int fd;

	memset(&c, 0, sizeof(c));
#if defined(SEEK_DATA)
	c.amode = ALLOC_MAP;
#else
	c.amode = ALLOC_CLASS;
#endif
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--ignore=", 9)) {
			if (parse_ignore(&c, a + 9) < 0)
				usage();
		} else if (!strcmp(a, "--ignore") && i + 1 < argc) {
			if (parse_ignore(&c, argv[++i]) < 0)
				usage();
		} else if (!strcmp(a, "--alloc=map")) {
			c.amode = ALLOC_MAP;
		} else if (!strcmp(a, "--alloc=class")) {
			c.amode = ALLOC_CLASS;
		} else if (!strcmp(a, "--alloc=blocks")) {
			c.amode = ALLOC_BLOCKS;
		} else if (!strcmp(a, "--") && i + 1 < argc && !dir) {
			dir = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			usage();
		} else if (!dir) {
			dir = a;
		} else {
			usage();
		}
	}
	if (!dir)
		usage();
	c.buf = xrealloc(NULL, 1 << 17);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tree-state: cannot open directory '%s': %s\n", dir,
			fd < 0 ? strerror(errno) : "not a directory");
		return 1;
	}
	{
		char *root = strdup(".");
		if (!root)
			return 1;
		add_entry(&c, root, &st);
	}
	walk(&c, fd, ".");
	qsort(c.e, c.nr, sizeof(*c.e), cmp_path);
	find_groups(&c);
	for (size_t i = 0; i < c.nr; i++)
		print_entry(&c, &c.e[i]);
	for (size_t i = 0; i < c.nr; i++) {
		free(c.e[i].path);
		free(c.e[i].target);
	}
	free(c.e);
	free(c.buf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("tree-state: write error\n", stderr);
		return 1;
	}
	return c.errors ? 1 : 0;
}
