/*
 * static.c: the static check (check.h): the servers' real state against
 * the plan, without NFS. Each part adds problems for the nodes it
 * affects; a part that cannot look (an ssh host, a server that is not a
 * local path) adds a note instead.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/check.h"
#include "check/record.h"
#include "check/tree.h"
#include "exports/compute.h"
#include "formats/exports.h"
#include "formats/ganesha.h"
#include "formats/hosts.h"
#include "model/db.h"
#include "model/import.h"
#include "model/model.h"
#include "plan/plan.h"
#include "redirect/redirect.h"
#include "remote/apply.h"
#include "util/conf.h"
#include "util/strmap.h"
#include "util/banned.h"

void check_add(struct check_report *r, const char *node, const char *what, enum check_sev sev,
	       const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct check_problem *c;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->v[i].node, node) && !strcmp(r->v[i].msg, sb.buf)) {
			strbuf_release(&sb);
			return;
		}
	ALLOC_GROW(r->v, r->nr + 1, r->alloc);
	c = &r->v[r->nr++];
	c->node = xstrdup(node);
	c->what = what;
	c->sev = sev;
	c->msg = strbuf_detach(&sb, NULL);
}

void check_note(struct check_report *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (strvec_find(&r->notes, sb.buf) < 0)
		strvec_push(&r->notes, sb.buf);
	strbuf_release(&sb);
}

void check_report_release(struct check_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->v[i].node);
		free(r->v[i].msg);
	}
	free(r->v);
	r->v = NULL;
	r->nr = r->alloc = 0;
	strvec_clear(&r->notes);
}

static bool wanted(const struct check_opts *o, const char *node)
{
	return !o->only || strvec_find(o->only, node) >= 0;
}

static bool any_wanted(const struct check_opts *o, const struct strvec *nodes)
{
	for (size_t i = 0; i < nodes->nr; i++)
		if (wanted(o, nodes->v[i]))
			return true;
	return false;
}

/* ---- trees ---- */

static void check_tree(const struct tree_job *j, const struct check_opts *o, struct check_report *r)
{
	struct tree_list src = TREE_LIST_INIT, dst = TREE_LIST_INIT;
	struct err e = ERR_INIT;
	struct strbuf why = STRBUF_INIT;
	struct sync_rec rec = { 0 };
	char *ddir = job_dst_dir(o->conf, j);
	char sfp[33], dfp[33];
	int have_rec = 0;

	if (!ddir) {
		check_note(r, "trees on %s not checked: its dest is not a local path", j->server);
		goto cleanup;
	}
	if (job_scan(ddir, j, o->deep, &dst, &e) < 0) {
		for (size_t n = 0; n < j->nodes.nr; n++)
			check_add(r, j->nodes.v[n], "tree", CHECK_FAIL, "%s %s is %s on %s (run 'extnfs sync %s')",
				  j->kind, j->path, e.code == ENOENT ? "missing" : "not readable", j->server,
				  j->nodes.v[n]);
		goto cleanup;
	}
	have_rec = o->db ? sync_record_get(o->db, j, &rec, &e) : 0;
	if (have_rec < 0) {
		check_note(r, "%s", e.msg.buf);
		have_rec = 0;
	}
	/* a record of a sync from another host (another primary then) says nothing of this one */
	if (have_rec == 1 && rec.src_host && strcmp(rec.src_host, j->src_host))
		have_rec = 0;
	tree_fingerprint(&dst, dfp);
	if (job_scan_src(o->conf, j, o->deep, &src, &e) < 0) {
		check_note(r, "%s %s not compared with %s's copy: %s", j->kind, j->path, j->src_host, e.msg.buf);
		if (have_rec == 1 && rec.dst_fp && strcmp(rec.dst_fp, dfp))
			for (size_t n = 0; n < j->nodes.nr; n++)
				check_add(r, j->nodes.v[n], "tree", CHECK_FAIL,
					  "%s %s on %s changed since the last sync (run 'extnfs sync --verify %s')", j->kind,
					  j->path, j->server, j->nodes.v[n]);
		goto cleanup;
	}
	if (tree_equal(&src, &dst, j->src_host, j->server, &why))
		goto cleanup;
	tree_fingerprint(&src, sfp);
	for (size_t n = 0; n < j->nodes.nr; n++) {
		const char *node = j->nodes.v[n];
		if (have_rec == 1 && rec.src_fp && strcmp(rec.src_fp, sfp) &&
		    (!rec.dst_fp || !strcmp(rec.dst_fp, dfp)))
			check_add(r, node, "drift", CHECK_FAIL,
				  "drift: %s %s changed on %s since the last sync: %s (run 'extnfs sync %s')",
				  j->kind, j->path, j->src_host, why.buf, node);
		else if (have_rec == 1 && rec.dst_fp && strcmp(rec.dst_fp, dfp))
			check_add(r, node, "tree", CHECK_FAIL,
				  "%s %s changed on %s since the last sync: %s (run 'extnfs sync --verify %s')", j->kind,
				  j->path, j->server, why.buf, node);
		else
			check_add(r, node, "tree", CHECK_FAIL,
				  "%s %s on %s differs from %s's copy: %s (run 'extnfs sync --verify %s')",
				  j->kind, j->path, j->server, j->src_host, why.buf, node);
	}
cleanup:
	sync_rec_release(&rec);
	tree_list_release(&src);
	tree_list_release(&dst);
	strbuf_release(&why);
	err_release(&e);
	free(ddir);
}

/* ---- exports ---- */

/*
 * Reads a Ganesha file into the exports model: the first CLIENT block that
 * names a host decides for it, as in Ganesha; an EXPORT's own RO or RW
 * access is a world client. (EXPORT_DEFAULTS in the main configuration
 * are not seen: an unset access counts as none.)
 */
static int ganesha_to_list(const struct ganesha_conf *g, struct export_list *out, struct err *e)
{
	struct strbuf canon = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < g->nr && rc == 0; i++) {
		const struct ganesha_export *x = &g->exports[i];
		struct export_entry *en = export_list_add(out, x->path, 0, "exports", x->line);
		struct strvec denied = STRVEC_INIT;

		for (size_t c = 0; c < x->nr && rc == 0; c++) {
			const struct ganesha_client *gc = &x->clients[c];
			enum ganesha_access a = gc->access ? gc->access : x->access;
			enum ganesha_squash s = gc->squash ? gc->squash : x->squash;
			for (size_t h = 0; h < gc->hosts.nr && rc == 0; h++) {
				enum export_host_kind kind;
				strbuf_reset(&canon);
				if (export_host_parse(gc->hosts.v[h], EXPORTS_LINUX, &kind, &canon, e) < 0) {
					rc = -1;
					break;
				}
				if (strvec_find(&denied, canon.buf) >= 0 || export_entry_find(en, kind, canon.buf))
					continue;
				/* metadata-only access cannot boot a node: counted as none */
				if (a != GANESHA_ACCESS_RO && a != GANESHA_ACCESS_RW)
					strvec_push(&denied, canon.buf);
				else
					export_entry_add(en, kind, canon.buf, a == GANESHA_ACCESS_RW,
							 s == GANESHA_SQUASH_NONE, "exports", gc->line);
			}
		}
		if (x->access == GANESHA_ACCESS_RO || x->access == GANESHA_ACCESS_RW)
			export_entry_add(en, EXPORT_HOST_WORLD, "*", x->access == GANESHA_ACCESS_RW,
					 x->squash == GANESHA_SQUASH_NONE, "exports", x->line);
		strvec_clear(&denied);
	}
	strbuf_release(&canon);
	return rc;
}

struct exports_ctx {
	const struct plan *p;
	const char *server;
	const char *root; /* the server root prefix of the paths, or NULL */
	struct strmap host_node; /* client spelling -> node name */
	struct strvec admins;
};

static const char *shown(const struct exports_ctx *x, const char *path)
{
	size_t n = x->root ? strlen(x->root) : 0;

	return n && !strncmp(path, x->root, n) && path[n] == '/' ? path + n : path;
}

static const struct export_req *planned_req(const struct exports_ctx *x, const char *path)
{
	const char *p = shown(x, path);

	for (size_t i = 0; i < x->p->nexports; i++)
		if (!strcmp(x->p->exports[i].server, x->server) && !strcmp(x->p->exports[i].path, p))
			return &x->p->exports[i];
	return NULL;
}

static bool per_node(const struct export_req *q)
{
	return q && q->rw && q->clients.nr == 1;
}

/* "cn001 (10.1.0.1)" or "cn001" when the spelling is the name. */
static void who(struct strbuf *sb, const char *node, const char *host)
{
	strbuf_reset(sb);
	if (!strcmp(node, host))
		strbuf_addstr(sb, node);
	else
		strbuf_addf(sb, "%s (%s)", node, host);
}

static void report_missing(const struct exports_ctx *x, const struct export_diff *d,
			   const struct export_list *planned, struct check_report *r)
{
	const struct export_req *q = planned_req(x, d->path);
	const char *kind = q ? q->kind : "export";
	const char *path = shown(x, d->path);
	struct strbuf w = STRBUF_INIT;

	if (d->kind == EXPORT_DIFF_ENTRY) {
		for (size_t i = 0; i < planned->nr; i++) {
			const struct export_entry *en = &planned->entries[i];
			if (strcmp(en->path, d->path))
				continue;
			for (size_t c = 0; c < en->nr; c++) {
				const char *node = strmap_get(&x->host_node, en->clients[c].host);
				if (node)
					check_add(r, node, "export", CHECK_FAIL,
						  "%s does not export %s %s (run 'extnfs exports --apply')", x->server,
						  kind, path);
			}
		}
		goto out;
	}
	{
		const char *node = d->host ? strmap_get(&x->host_node, d->host) : NULL;
		if (!node)
			goto out; /* an admin: not a boot problem */
		who(&w, node, d->host);
		if (d->kind == EXPORT_DIFF_MOUNT)
			check_add(r, node, "export", CHECK_FAIL,
				  "%s's export of %s %s does not let %s mount it (run 'extnfs exports --apply')",
				  x->server, kind, path, w.buf);
		else if (d->kind == EXPORT_DIFF_RW)
			check_add(r, node, "export", CHECK_FAIL,
				  "%s exports %s %s read-only to %s, who must write there (run 'extnfs exports --apply')",
				  x->server, kind, path, w.buf);
		else if (d->kind == EXPORT_DIFF_ROOT)
			check_add(r, node, "export", CHECK_FAIL,
				  "%s squashes root on %s %s for %s, who needs root access (run 'extnfs exports --apply')",
				  x->server, kind, path, w.buf);
	}
out:
	strbuf_release(&w);
}

static void report_extra(const struct exports_ctx *x, const struct export_diff *d, struct check_report *r)
{
	const struct export_req *q = planned_req(x, d->path);
	const char *path = shown(x, d->path);
	const char *node = d->host ? strmap_get(&x->host_node, d->host) : NULL;
	struct strbuf w = STRBUF_INIT;

	if (d->kind == EXPORT_DIFF_ENTRY || d->kind == EXPORT_DIFF_OPTION) {
		if (d->kind == EXPORT_DIFF_ENTRY)
			check_note(r, "%s exports %s, which the plan does not", x->server, path);
		goto out;
	}
	if (!q || (!node && strvec_find(&x->admins, d->host) >= 0))
		goto out;
	if (node)
		who(&w, node, d->host);
	else
		strbuf_addf(&w, "'%s'", d->host);
	if (d->kind == EXPORT_DIFF_MOUNT) {
		if (node && per_node(q))
			check_add(r, node, "export", CHECK_FAIL,
				  "can also mount %s's %s %s (granted to %s), which is not planned (run 'extnfs exports --apply')",
				  q->clients.v[0], q->kind, path, d->host);
		else if (node)
			check_add(r, node, "export", CHECK_FAIL,
				  "can also mount %s %s (granted to %s), which is not planned (run 'extnfs exports --apply')",
				  q->kind, path, d->host);
		if (per_node(q))
			check_add(r, q->clients.v[0], "export", CHECK_FAIL,
				  "its %s %s is also exported to %s (run 'extnfs exports --apply')", q->kind, path,
				  w.buf);
		else if (!node)
			check_note(r, "%s exports %s %s to %s too", x->server, q->kind, path, w.buf);
	} else if (d->kind == EXPORT_DIFF_RW && node) {
		check_add(r, node, "export", CHECK_FAIL,
			  "%s exports %s %s read-write to %s; the plan says read-only (run 'extnfs exports --apply')",
			  x->server, q->kind, path, w.buf);
	}
out:
	strbuf_release(&w);
}

static void check_insecure(const struct exports_ctx *x, const struct export_list *planned,
			   const struct export_list *actual, struct check_report *r)
{
	struct strbuf w = STRBUF_INIT;

	for (size_t i = 0; i < planned->nr; i++) {
		const struct export_entry *pe = &planned->entries[i];
		const struct export_entry *ae = NULL;
		for (size_t k = 0; k < actual->nr && !ae; k++)
			if (!strcmp(actual->entries[k].path, pe->path))
				ae = &actual->entries[k];
		for (size_t c = 0; ae && c < pe->nr; c++) {
			const char *node = strmap_get(&x->host_node, pe->clients[c].host);
			const struct export_client *ac = export_entry_find(ae, pe->clients[c].kind, pe->clients[c].host);
			if (!node || !ac || ac->insecure)
				continue;
			who(&w, node, ac->host);
			check_add(r, node, "insecure", CHECK_FAIL,
				  "%s exports %s to %s without 'insecure': AIX clients mount from ports above 1023"
				  " and are refused (run 'extnfs exports --apply')",
				  x->server, shown(x, pe->path), w.buf);
		}
	}
	strbuf_release(&w);
}

static void check_exports_of(const struct plan *p, const struct check_opts *o, const char *server,
			     struct check_report *r)
{
	const struct conf_server *cs = conf_server(o->conf, server);
	struct export_list planned = EXPORT_LIST_INIT, actual = EXPORT_LIST_INIT;
	struct export_diff_list d1 = EXPORT_DIFF_LIST_INIT, d2 = EXPORT_DIFF_LIST_INIT;
	struct export_opts eo = { server, false, false, STRVEC_INIT, NULL };
	struct exports_ctx x = { p, server, NULL, STRMAP_INIT, STRVEC_INIT };
	struct strbuf buf = STRBUF_INIT, canon = STRBUF_INIT;
	struct strvec names = STRVEC_INIT;
	struct err e = ERR_INIT;
	int rc;

	/* read where apply writes it: this machine, or the server's control host over ssh */
	if (!cs || !cs->exports_file) {
		check_note(r, "exports of %s not checked: no exports_file configured", server);
		goto cleanup;
	}
	if (!strcmp(cs->flavor, "mmnfs")) {
		check_note(r, "exports of %s not checked: the mmnfs flavor is not read back", server);
		goto cleanup;
	}
	eo.resolve = cs->resolve;
	eo.root = conf_server_root(cs);
	x.root = eo.root;
	if (cs->admin) {
		strvec_split(&eo.admins, cs->admin, ',', 1);
		strvec_split(&x.admins, cs->admin, ',', 1);
	}
	/* the planned grants, export ids looked up in a transaction that is undone */
	if (db_begin(o->db, &e) < 0)
		goto fail;
	rc = exports_from_plan(p, o->model, o->db, &eo, &planned, &e);
	db_rollback(o->db);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < p->nodes.nr; i++) {
		const char *node = p->nodes.v[i];
		enum export_host_kind kind;
		strbuf_reset(&buf);
		if (eo.resolve) {
			if (model_attr(o->model, node, "hosts", "ip", &buf, &e) <= 0)
				continue;
		} else {
			strbuf_addstr(&buf, node);
		}
		strbuf_reset(&canon);
		if (export_host_parse(buf.buf, EXPORTS_LINUX, &kind, &canon, &e) < 0)
			continue;
		strvec_push(&names, node);
		strmap_put(&x.host_node, canon.buf, names.v[names.nr - 1]);
	}
	err_clear(&e);
	/* the real file */
	strbuf_reset(&buf);
	if (server_read_file(cs, cs->exports_file, &buf, NULL, &e) < 0) {
		for (size_t i = 0; i < p->nexports; i++)
			if (!strcmp(p->exports[i].server, server))
				for (size_t c = 0; c < p->exports[i].clients.nr; c++)
					check_add(r, p->exports[i].clients.v[c], "export", CHECK_FAIL,
						  "exports of %s cannot be read: %s", server, e.msg.buf);
		goto cleanup;
	}
	if (!strcmp(cs->flavor, "ganesha")) {
		struct ganesha_conf g = GANESHA_CONF_INIT;
		rc = ganesha_parse(buf.buf, buf.len, cs->exports_file, &g, &e);
		if (rc == 0)
			rc = ganesha_to_list(&g, &actual, &e);
		ganesha_conf_release(&g);
	} else {
		rc = exports_parse(buf.buf, buf.len, cs->exports_file,
				   !strcmp(cs->flavor, "aix") ? EXPORTS_AIX : EXPORTS_LINUX, &actual, &e);
	}
	if (rc < 0) {
		for (size_t i = 0; i < p->nexports; i++)
			if (!strcmp(p->exports[i].server, server))
				for (size_t c = 0; c < p->exports[i].clients.nr; c++)
					check_add(r, p->exports[i].clients.v[c], "export", CHECK_FAIL, "%s", e.msg.buf);
		goto cleanup;
	}
	exports_audit(&planned, &actual, &d1);
	exports_audit(&actual, &planned, &d2);
	for (size_t i = 0; i < d1.nr; i++)
		report_missing(&x, &d1.d[i], &planned, r);
	for (size_t i = 0; i < d2.nr; i++)
		report_extra(&x, &d2.d[i], r);
	if (!strcmp(cs->flavor, "linux"))
		check_insecure(&x, &planned, &actual, r);
	goto cleanup;
fail:
	check_note(r, "exports of %s not checked: %s", server, e.msg.buf);
cleanup:
	export_list_release(&planned);
	export_list_release(&actual);
	export_diff_list_release(&d1);
	export_diff_list_release(&d2);
	strvec_clear(&eo.admins);
	strvec_clear(&x.admins);
	strmap_clear(&x.host_node);
	strvec_clear(&names);
	strbuf_release(&buf);
	strbuf_release(&canon);
	err_release(&e);
}

/* ---- statelite directories ---- */

static void check_dir(const struct plan *p, const struct plan_dir *d, const struct check_opts *o,
		      struct check_report *r)
{
	const struct conf_server *cs = conf_server(o->conf, d->server);
	const struct export_req *q = NULL;
	const struct strvec *nodes;
	struct strvec one = STRVEC_INIT;
	struct strbuf path = STRBUF_INIT, why = STRBUF_INIT;
	struct stat st;
	const char *root;

	if (!cs || !cs->dest || cs->dest[0] != '/') {
		check_note(r, "statelite directories on %s not checked: its dest is not a local path", d->server);
		return;
	}
	root = conf_server_root(cs);
	strbuf_addf(&path, "%s%s", root ? root : "", d->path);
	/* a directory exported to several nodes (litetree common) matters to all of them */
	for (size_t i = 0; i < p->nexports && !q; i++)
		if (!strcmp(p->exports[i].server, d->server) && !strcmp(p->exports[i].path, d->path))
			q = &p->exports[i];
	strvec_push(&one, d->node);
	nodes = q ? &q->clients : &one;
	if (!any_wanted(o, nodes))
		goto out;
	if (lstat(path.buf, &st) < 0)
		strbuf_addf(&why, "is missing on %s (run 'extnfs statelite --prepare')", d->server);
	else if (!S_ISDIR(st.st_mode))
		strbuf_addf(&why, "on %s is not a directory", d->server);
	else if (st.st_uid != d->uid || st.st_gid != d->gid)
		strbuf_addf(&why, "on %s is owned by %u:%u, not %u:%u (run 'chown %u:%u %s' on %s)", d->server,
			    (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)d->uid, (unsigned)d->gid,
			    (unsigned)d->uid, (unsigned)d->gid, d->path, d->server);
	else if ((st.st_mode & 07777) != d->mode)
		strbuf_addf(&why, "on %s has mode %04o, not %04o (run 'chmod %04o %s' on %s)", d->server,
			    (unsigned)(st.st_mode & 07777), d->mode, d->mode, d->path, d->server);
	for (size_t n = 0; why.len && n < nodes->nr; n++)
		check_add(r, nodes->v[n], "statelite", CHECK_FAIL, "%s directory %s %s", d->kind, d->path, why.buf);
out:
	strvec_clear(&one);
	strbuf_release(&path);
	strbuf_release(&why);
}

/* ---- redirect edits and the server's name ---- */

static void check_redirect(const struct plan *p, const struct check_opts *o, struct check_report *r)
{
	struct redirect_report rr = { 0 };
	struct err e = ERR_INIT;

	redirect_apply(p, o->conf, "", false, true, &rr, &e);
	for (size_t i = 0; i < rr.nr; i++) {
		const struct redirect_item *it = &rr.items[i];
		const struct conf_host *h = conf_host(o->conf, it->sn);
		if (!wanted(o, it->node))
			continue;
		if (h && h->transport && strcmp(h->transport, "local")) {
			check_note(r, "redirect edits on %s not checked: not a local host", it->sn);
			continue;
		}
		if (it->state == REDIRECT_CHANGED)
			check_add(r, it->node, "redirect", CHECK_FAIL,
				  "%s:%s (%s) does not point at the NFS server yet (run 'extnfs redirect')", it->sn,
				  it->file, it->kind);
		else if (it->state == REDIRECT_FAILED)
			check_add(r, it->node, "redirect", CHECK_FAIL, "%s:%s (%s): %s", it->sn, it->file, it->kind,
				  it->msg);
	}
	redirect_report_release(&rr);
	err_release(&e);
}

/* The node's hosts file as the server serves it maps the server's name to its address. */
static void check_resolve(const struct plan *p, const struct check_opts *o, struct check_report *r)
{
	struct strbuf path = STRBUF_INIT, in = STRBUF_INIT, out = STRBUF_INIT;

	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		const struct conf_server *cs = conf_server(o->conf, ed->server);
		const char *root;
		struct err e = ERR_INIT;
		int rc;

		bool lost = false;

		if (ed->kind != EDIT_HOSTS || !wanted(o, ed->node))
			continue;
		/* a node whose tree is missing has that problem already */
		for (size_t k = 0; k < r->nr && !lost; k++)
			lost = !strcmp(r->v[k].node, ed->node) && !strcmp(r->v[k].what, "tree") &&
			       strstr(r->v[k].msg, " is missing on ");
		if (lost)
			continue;
		if (!cs || !cs->dest || cs->dest[0] != '/') {
			check_note(r, "hosts files on %s not checked: its dest is not a local path", ed->server);
			continue;
		}
		root = conf_server_root(cs);
		strbuf_reset(&path);
		strbuf_addf(&path, "%s%s", root ? root : "", ed->file);
		strbuf_reset(&in);
		strbuf_reset(&out);
		{
			struct stat st;
			if (lstat(path.buf, &st) < 0 && errno == ENOENT)
				e.code = ENOENT;
		}
		rc = e.code == ENOENT ? -1 : read_file(path.buf, &in, &e);
		if (rc == 0)
			rc = hosts_ensure(in.buf, in.len, ed->file, ed->server_ip, ed->server, &out, &e);
		if (rc < 0 && e.code == ENOENT)
			check_add(r, ed->node, "resolve", CHECK_FAIL,
				  "%s has no %s: the node cannot resolve %s (run 'extnfs apply')", ed->server, ed->file,
				  ed->server);
		else if (rc < 0)
			check_add(r, ed->node, "resolve", CHECK_FAIL, "%s", e.msg.buf);
		else if (rc == 1)
			check_add(r, ed->node, "resolve", CHECK_FAIL,
				  "%s as served by %s does not map %s to %s, the address in hosts.ip"
				  " (run 'extnfs redirect' then 'extnfs sync --verify %s')",
				  ed->file, ed->server, ed->server, ed->server_ip, ed->node);
		err_release(&e);
	}
	strbuf_release(&path);
	strbuf_release(&in);
	strbuf_release(&out);
}

int check_static(const struct plan *p, const struct check_opts *o, struct check_report *r,
		 struct err *e)
{
	struct strvec servers = STRVEC_INIT;

	for (size_t i = 0; i < p->njobs; i++)
		if (any_wanted(o, &p->jobs[i].nodes))
			check_tree(&p->jobs[i], o, r);
	for (size_t i = 0; i < p->nexports; i++)
		if (strvec_find(&servers, p->exports[i].server) < 0)
			strvec_push(&servers, p->exports[i].server);
	for (size_t i = 0; i < servers.nr; i++)
		check_exports_of(p, o, servers.v[i], r);
	for (size_t i = 0; i < p->ndirs; i++)
		check_dir(p, &p->dirs[i], o, r);
	check_redirect(p, o, r);
	check_resolve(p, o, r);
	strvec_clear(&servers);
	(void)e;
	return 0;
}
