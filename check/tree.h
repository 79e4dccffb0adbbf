/*
 * tree.h: a tree as check and status compare it: the entries of one tree
 * job's scope (its include names, minus its excluded subtrees), sorted by
 * path, with the attributes a booting node depends on; the first
 * difference between two listings in words; and a fingerprint of a
 * listing, which the sync record keeps so that a later run can tell which
 * side changed since (drift on the SN, damage on the server).
 *
 * Compared: type; regular files by size, mtime (seconds), mode, owner and,
 * when both sides have one, content digest; symlinks by target;
 * directories, devices and fifos by mode and owner. Directory times are
 * not compared (they do not affect a boot, and jobs that share a
 * directory disturb them).
 */
#ifndef EXTNFS_CHECK_TREE_H
#define EXTNFS_CHECK_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define TREE_DIGEST_LEN 16

struct tree_entry {
	char *path; /* relative to the tree; "" is the tree itself */
	char type;  /* f d l c b p s */
	uint64_t size;
	int64_t mtime;
	uint32_t mode, uid, gid;
	char *target; /* symlink target */
	bool has_digest;
	uint8_t digest[TREE_DIGEST_LEN];
};

struct tree_list {
	struct tree_entry *v;
	size_t nr, alloc;
};
#define TREE_LIST_INIT { NULL, 0, 0 }

/*
 * Lists dir within a job's scope: with include, only the top-level names
 * matching one of its patterns (fnmatch) and not the tree itself; without,
 * everything, minus the contents of each exclude subtree ("etc/.client_data/"
 * keeps the directory, drops what is inside). deep: digests of regular
 * files. Symlinks are never followed. Returns 0, or -1 with e set
 * (e->code ENOENT when dir does not exist).
 */
int tree_scan(const char *dir, const struct strvec *include, const struct strvec *exclude, bool deep,
	      struct tree_list *out, struct err *e);

/*
 * Whether a and b hold the same entries (see the file comment). When they
 * do not, why gets the first difference, naming a's side a_name and b's
 * side b_name: "'etc/motd': size 11 on sn2, 14 on extnfs1", "'etc/motd'
 * is missing on extnfs1".
 */
bool tree_equal(const struct tree_list *a, const struct tree_list *b, const char *a_name,
		const char *b_name, struct strbuf *why);

/* The listing's fingerprint: 32 hex digits (out holds 33 bytes). */
void tree_fingerprint(const struct tree_list *l, char *out);

void tree_list_release(struct tree_list *l);

#endif
