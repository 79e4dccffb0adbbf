/*
 * tree.c: listing a job's tree, comparing two listings, fingerprints (see
 * tree.h). Portable POSIX: lstat, opendir, no descriptor tricks; a check
 * reads each tree once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "check/tree.h"
#include "sync/copyfile.h"
#include "util/banned.h"

static char type_of(mode_t m)
{
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c'
	       : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : 's';
}

static bool excluded(const char *rel, const struct strvec *exclude)
{
	for (size_t i = 0; i < exclude->nr; i++) {
		size_t n = strlen(exclude->v[i]);
		while (n && exclude->v[i][n - 1] == '/')
			n--;
		/* inside the subtree (the subtree's own directory stays) */
		if (!strncmp(rel, exclude->v[i], n) && rel[n] == '/')
			return true;
	}
	return false;
}

static int add_entry(const char *full, const char *rel, bool deep, struct tree_list *out,
		     struct err *e)
{
	struct stat st;
	struct tree_entry *t;

	if (lstat(full, &st) < 0) {
		e->code = errno;
		return err_set(e, "cannot read '%s': %s", full, strerror(errno));
	}
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	t = &out->v[out->nr++];
	memset(t, 0, sizeof(*t));
	t->path = xstrdup(rel);
	t->type = type_of(st.st_mode);
	t->size = t->type == 'f' ? (uint64_t)st.st_size : 0;
	t->mtime = (int64_t)st.st_mtime;
	t->mode = (uint32_t)(st.st_mode & 07777);
	t->uid = (uint32_t)st.st_uid;
	t->gid = (uint32_t)st.st_gid;
	if (t->type == 'l') {
		struct strbuf sb = STRBUF_INIT;
		ssize_t n;
		strbuf_grow(&sb, (size_t)st.st_size + 1);
		n = readlink(full, sb.buf, sb.alloc - 1);
		if (n < 0) {
			strbuf_release(&sb);
			return err_set(e, "cannot read link '%s': %s", full, strerror(errno));
		}
		strbuf_setlen(&sb, (size_t)n);
		t->target = strbuf_detach(&sb, NULL);
	}
	if (deep && t->type == 'f') {
		struct copyfile c = COPYFILE_INIT;
		int fd = open(full, O_RDONLY | O_NOFOLLOW);
		int r = fd < 0 ? err_set(e, "cannot open '%s': %s", full, strerror(errno))
			       : copyfile_digest_fd(&c, fd, t->digest, e);
		if (fd >= 0)
			close(fd);
		copyfile_release(&c);
		if (r < 0)
			return err_prefix(e, "'%s'", full);
		t->has_digest = true;
	}
	return 0;
}

/* Adds everything below dir (full path) whose path relative to the tree is rel. */
static int walk(struct strbuf *full, struct strbuf *rel, const struct strvec *exclude, bool deep,
		struct tree_list *out, struct err *e)
{
	DIR *d = opendir(full->buf);
	struct dirent *de;
	size_t flen = full->len, rlen = rel->len;
	int rc = 0;

	if (!d)
		return err_set(e, "cannot read '%s': %s", full->buf, strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		size_t idx;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strbuf_addf(full, "/%s", de->d_name);
		strbuf_addf(rel, "%s%s", rlen ? "/" : "", de->d_name);
		if (!excluded(rel->buf, exclude)) {
			idx = out->nr;
			rc = add_entry(full->buf, rel->buf, deep, out, e);
			if (rc == 0 && out->v[idx].type == 'd')
				rc = walk(full, rel, exclude, deep, out, e);
		}
		strbuf_setlen(full, flen);
		strbuf_setlen(rel, rlen);
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct tree_entry *)a)->path, ((const struct tree_entry *)b)->path);
}

int tree_scan(const char *dir, const struct strvec *include, const struct strvec *exclude, bool deep,
	      struct tree_list *out, struct err *e)
{
	struct strbuf full = STRBUF_INIT, rel = STRBUF_INIT;
	struct stat st;
	int rc = -1;

	if (lstat(dir, &st) < 0) {
		e->code = errno;
		if (errno == ENOENT)
			return err_set(e, "'%s' does not exist", dir);
		return err_set(e, "cannot read '%s': %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		e->code = ENOTDIR;
		return err_set(e, "'%s' is not a directory", dir);
	}
	strbuf_addstr(&full, dir);
	if (include->nr) {
		/* only the matching names at the top; the directory belongs to another job */
		DIR *d = opendir(dir);
		struct dirent *de;
		if (!d) {
			err_set(e, "cannot read '%s': %s", dir, strerror(errno));
			goto cleanup;
		}
		rc = 0;
		while (rc == 0 && (de = readdir(d))) {
			bool match = false;
			for (size_t i = 0; i < include->nr && !match; i++)
				match = !fnmatch(include->v[i], de->d_name, FNM_PERIOD);
			if (!match || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			strbuf_setlen(&full, strlen(dir));
			strbuf_addf(&full, "/%s", de->d_name);
			strbuf_reset(&rel);
			strbuf_addstr(&rel, de->d_name);
			size_t idx = out->nr;
			rc = add_entry(full.buf, rel.buf, deep, out, e);
			if (rc == 0 && out->v[idx].type == 'd')
				rc = walk(&full, &rel, exclude, deep, out, e);
		}
		closedir(d);
		if (rc < 0)
			goto cleanup;
	} else {
		if (add_entry(dir, "", deep, out, e) < 0 || walk(&full, &rel, exclude, deep, out, e) < 0)
			goto cleanup;
	}
	qsort(out->v, out->nr, sizeof(*out->v), by_path);
	rc = 0;
cleanup:
	strbuf_release(&full);
	strbuf_release(&rel);
	return rc;
}

static const char *type_name(char t)
{
	switch (t) {
	case 'f': return "a file";
	case 'd': return "a directory";
	case 'l': return "a symlink";
	case 'c': return "a character device";
	case 'b': return "a block device";
	case 'p': return "a fifo";
	default: return "a socket";
	}
}

/* The first attribute of x and y that differs, or false. */
static bool entry_diff(const struct tree_entry *x, const struct tree_entry *y, const char *xn,
		       const char *yn, struct strbuf *why)
{
	const char *p = x->path[0] ? x->path : ".";

	if (x->type != y->type)
		strbuf_addf(why, "'%s' is %s on %s, %s on %s", p, type_name(x->type), xn,
			    type_name(y->type), yn);
	else if (x->type == 'f' && x->size != y->size)
		strbuf_addf(why, "'%s': size %" PRIu64 " on %s, %" PRIu64 " on %s", p, x->size, xn,
			    y->size, yn);
	else if (x->type == 'f' && x->has_digest && y->has_digest &&
		 memcmp(x->digest, y->digest, TREE_DIGEST_LEN))
		strbuf_addf(why, "'%s': content differs between %s and %s", p, xn, yn);
	else if (x->type == 'f' && x->mtime != y->mtime)
		strbuf_addf(why, "'%s': modified at another time on %s than on %s", p, xn, yn);
	else if (x->type == 'l' && strcmp(x->target, y->target))
		strbuf_addf(why, "'%s': points to '%s' on %s, '%s' on %s", p, x->target, xn, y->target, yn);
	else if (x->type != 'l' && x->mode != y->mode)
		strbuf_addf(why, "'%s': mode %04o on %s, %04o on %s", p, (unsigned)x->mode, xn,
			    (unsigned)y->mode, yn);
	else if (x->uid != y->uid || x->gid != y->gid)
		strbuf_addf(why, "'%s': owner %u:%u on %s, %u:%u on %s", p, (unsigned)x->uid,
			    (unsigned)x->gid, xn, (unsigned)y->uid, (unsigned)y->gid, yn);
	else
		return false;
	return true;
}

bool tree_equal(const struct tree_list *a, const struct tree_list *b, const char *a_name,
		const char *b_name, struct strbuf *why)
{
	size_t i = 0, j = 0;
	struct strbuf sink = STRBUF_INIT;
	bool eq = true;

	if (!why)
		why = &sink;
	while (eq && (i < a->nr || j < b->nr)) {
		int c = i >= a->nr ? 1 : j >= b->nr ? -1 : strcmp(a->v[i].path, b->v[j].path);
		if (c < 0) {
			strbuf_addf(why, "'%s' is missing on %s", a->v[i].path, b_name);
			eq = false;
		} else if (c > 0) {
			strbuf_addf(why, "'%s' is on %s but not on %s", b->v[j].path, b_name, a_name);
			eq = false;
		} else {
			eq = !entry_diff(&a->v[i], &b->v[j], a_name, b_name, why);
			i++;
			j++;
		}
	}
	strbuf_release(&sink);
	return eq;
}

void tree_fingerprint(const struct tree_list *l, char *out)
{
	XXH3_state_t *h = XXH3_createState();
	struct strbuf line = STRBUF_INIT;
	XXH128_hash_t d;

	if (!h)
		die_bug("out of memory");
	XXH3_128bits_reset(h);
	for (size_t i = 0; i < l->nr; i++) {
		const struct tree_entry *t = &l->v[i];
		strbuf_reset(&line);
		strbuf_addstr(&line, t->path);
		strbuf_addch(&line, '\0');
		strbuf_addf(&line, "%c %u %u %u", t->type, (unsigned)t->mode, (unsigned)t->uid,
			    (unsigned)t->gid);
		if (t->type == 'f')
			strbuf_addf(&line, " %" PRIu64 " %" PRId64, t->size, t->mtime);
		if (t->type == 'l') {
			strbuf_addch(&line, ' ');
			strbuf_addstr(&line, t->target);
		}
		strbuf_addch(&line, '\0');
		XXH3_128bits_update(h, line.buf, line.len);
	}
	d = XXH3_128bits_digest(h);
	snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, (uint64_t)d.high64, (uint64_t)d.low64);
	XXH3_freeState(h);
	strbuf_release(&line);
}

void tree_list_release(struct tree_list *l)
{
	for (size_t i = 0; i < l->nr; i++) {
		free(l->v[i].path);
		free(l->v[i].target);
	}
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}
