/*
 * redirect.c: per-file edits through the byte-preserving editors of
 * formats/ (stanza, hosts, niminfo). The new text is computed in memory
 * first; the file is only written when it differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/hosts.h"
#include "formats/niminfo.h"
#include "formats/stanza.h"
#include "model/import.h"
#include "plan/plan.h"
#include "redirect/redirect.h"
#include "util/conf.h"
#include "util/banned.h"

/* Where file of host sn lives on this machine; -1 when it cannot be reached. */
static int local_path(const struct conf *c, const char *sn, const char *file, struct strbuf *out,
		      struct err *e)
{
	const struct conf_host *h = conf_host(c, sn);

	strbuf_reset(out);
	if (h && !strcmp(h->transport, "ssh"))
		return err_set(e, "host '%s' uses ssh: redirect over ssh is not supported yet", sn);
	if (h && h->root)
		strbuf_addstr(out, h->root);
	strbuf_addstr(out, file);
	return 0;
}

/* mkdir -p of the directory part of path. 0 or -1 with e set. */
static int make_parents(const char *path, struct err *e)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = strchr(p + 1, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			rc = err_set(e, "cannot create '%s': %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
	return rc;
}

/*
 * Writes data over path atomically, keeping owner and mode; the old
 * version goes to backup (outside the image trees, so it is never synced
 * to the server nor seen by a node).
 */
static int replace_file(const char *path, const char *backup, const struct strbuf *old,
			const struct strbuf *data, struct err *e)
{
	struct strbuf tmp = STRBUF_INIT, bak = STRBUF_INIT;
	struct stat st;
	int fd = -1, rc = -1;

	if (stat(path, &st) < 0)
		return err_set(e, "cannot stat '%s': %s", path, strerror(errno));
	strbuf_addstr(&bak, backup);
	if (make_parents(bak.buf, e) < 0)
		goto cleanup;
	strbuf_addf(&tmp, "%s.extnfs-tmp.%ld", path, (long)getpid());
	for (int pass = 0; pass < 2; pass++) {
		const char *to = pass ? tmp.buf : bak.buf;
		const struct strbuf *what = pass ? data : old;
		unlink(to);
		fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, st.st_mode & 07777);
		if (fd < 0) {
			err_set(e, "cannot create '%s': %s", to, strerror(errno));
			goto cleanup;
		}
		if (write(fd, what->buf, what->len) != (ssize_t)what->len || fchown(fd, st.st_uid, st.st_gid) < 0 ||
		    fchmod(fd, st.st_mode & 07777) < 0 || fsync(fd) < 0) {
			err_set(e, "cannot write '%s': %s", to, strerror(errno));
			close(fd);
			unlink(to);
			goto cleanup;
		}
		close(fd);
	}
	if (rename(tmp.buf, path) < 0) {
		err_set(e, "cannot rename '%s' to '%s': %s", tmp.buf, path, strerror(errno));
		unlink(tmp.buf);
		goto cleanup;
	}
	rc = 0;
cleanup:
	strbuf_release(&tmp);
	strbuf_release(&bak);
	return rc;
}

/* "host:path" in NIM's SPOT=/ROOT= form */
static void nim_target(struct strbuf *sb, const char *host, const char *path)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s:%s", host, path);
}

/* Computes the edited text of one file into out. 1 changed, 0 same, -1 error. */
static int edit_text(const struct redirect_edit *ed, bool undo, const char *name,
		     const struct strbuf *in, struct strbuf *out, struct err *e)
{
	const char *to = undo ? ed->sn : ed->server;
	int rc = -1;

	strbuf_reset(out);
	if (ed->kind == EDIT_FILESYSTEMS) {
		struct stanza_file f = STANZA_FILE_INIT;
		int changed = 0, r;
		if (stanza_parse(in->buf, in->len, name, &f, e) < 0)
			return -1;
		if (!stanza_find(&f, "/")) {
			err_set(e, "'%s' has no '/' stanza", name);
			goto fs_done;
		}
		for (int i = 0; i < 2; i++) {
			const char *st = i ? "/usr" : "/";
			if (!stanza_find(&f, st))
				continue;
			r = stanza_set(&f, st, "nodename", to, e);
			if (r < 0)
				goto fs_done;
			changed |= r;
		}
		if (!undo) {
			r = stanza_add(&f, "/proc", stanza_aix_proc, STANZA_AIX_PROC_NR, e);
			if (r < 0)
				goto fs_done;
			changed |= r;
		}
		stanza_write(&f, out);
		rc = changed ? 1 : 0;
fs_done:
		stanza_file_release(&f);
		return rc;
	}
	if (ed->kind == EDIT_HOSTS)
		return undo ? hosts_remove(in->buf, in->len, name, ed->server, out, e)
			    : hosts_ensure(in->buf, in->len, name, ed->server_ip, ed->server, out, e);
	{
		struct niminfo f = NIMINFO_INIT;
		struct strbuf v = STRBUF_INIT;
		int changed = 0, r;
		if (niminfo_parse(in->buf, in->len, name, &f, e) < 0)
			return -1;
		if (ed->spot_path) {
			nim_target(&v, to, ed->spot_path);
			if ((r = niminfo_set(&f, "SPOT", v.buf, e)) < 0)
				goto info_done;
			changed |= r;
		}
		if (ed->root_path) {
			nim_target(&v, to, ed->root_path);
			if ((r = niminfo_set(&f, "ROOT", v.buf, e)) < 0)
				goto info_done;
			changed |= r;
		}
		r = undo ? niminfo_hosts_remove(&f, ed->server_ip, ed->server, e)
			 : niminfo_hosts_add(&f, ed->server_ip, ed->server, e);
		if (r < 0)
			goto info_done;
		changed |= r;
		niminfo_write(&f, out);
		rc = changed ? 1 : 0;
info_done:
		strbuf_release(&v);
		niminfo_release(&f);
		return rc;
	}
}

const char *redirect_kind_name(enum edit_kind k)
{
	return k == EDIT_FILESYSTEMS ? "filesystems" : k == EDIT_HOSTS ? "hosts" : "info";
}

int redirect_apply(const struct plan *p, const struct conf *c, const char *backup_dir, bool undo,
		   bool dry_run, struct redirect_report *r, struct err *e)
{
	struct strbuf path = STRBUF_INIT, in = STRBUF_INIT, out = STRBUF_INIT, bak = STRBUF_INIT;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		struct redirect_item *it;
		struct err fe = ERR_INIT;
		int rc;

		it = redirect_report_add(r, ed);
		strbuf_reset(&in);
		rc = local_path(c, ed->sn, ed->file, &path, &fe);
		if (rc == 0)
			rc = read_file(path.buf, &in, &fe);
		if (rc == 0)
			rc = edit_text(ed, undo, path.buf, &in, &out, &fe);
		strbuf_reset(&bak);
		strbuf_addf(&bak, "%s/%s%s", backup_dir, ed->sn, ed->file);
		if (rc == 1 && !dry_run && replace_file(path.buf, bak.buf, &in, &out, &fe) < 0)
			rc = -1;
		if (rc < 0) {
			it->state = REDIRECT_FAILED;
			it->msg = strbuf_detach(&fe.msg, NULL);
			r->failed++;
		} else {
			it->state = rc ? REDIRECT_CHANGED : REDIRECT_UNCHANGED;
			if (rc)
				r->changed++;
			else
				r->unchanged++;
		}
		err_release(&fe);
	}
	strbuf_release(&path);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&bak);
	(void)e;
	return 0;
}

struct redirect_item *redirect_report_add(struct redirect_report *r, const struct redirect_edit *ed)
{
	struct redirect_item *it;

	ALLOC_GROW(r->items, r->nr + 1, r->alloc);
	it = &r->items[r->nr++];
	memset(it, 0, sizeof(*it));
	it->sn = ed->sn;
	it->node = ed->node;
	it->file = ed->file;
	it->kind = redirect_kind_name(ed->kind);
	return it;
}

void redirect_report_release(struct redirect_report *r)
{
	for (size_t i = 0; i < r->nr; i++)
		free(r->items[i].msg);
	free(r->items);
	memset(r, 0, sizeof(*r));
}
