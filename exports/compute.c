/*
 * compute.c: plan exports into the exports model and the Ganesha and
 * mmnfs forms. The Linux and AIX syntaxes are written by formats/exports.c
 * from the same list, so every flavor grants the same thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exports/compute.h"
#include "formats/exports.h"
#include "formats/ganesha.h"
#include "model/db.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/banned.h"

int export_id_get(struct db *db, const char *server, const char *path, unsigned *id, struct err *e)
{
	struct db_stmt *sel = NULL, *ins = NULL;
	int r, rc = -1;

	sel = db_prepare(db, "SELECT id FROM export_id WHERE server = ?1 AND path = ?2", e);
	if (!sel || db_bind_text(sel, 1, server, e) < 0 || db_bind_text(sel, 2, path, e) < 0)
		goto cleanup;
	r = db_step(sel, e);
	if (r < 0)
		goto cleanup;
	if (r == 1) {
		*id = (unsigned)db_column_int(sel, 0);
		rc = 0;
		goto cleanup;
	}
	ins = db_prepare(db, "INSERT INTO export_id (server, path, id) SELECT ?1, ?2,"
			 " max(coalesce(max(id) + 1, 0), ?3) FROM export_id WHERE server = ?1"
			 " RETURNING id", e);
	if (!ins || db_bind_text(ins, 1, server, e) < 0 || db_bind_text(ins, 2, path, e) < 0 ||
	    db_bind_int(ins, 3, EXPORT_ID_FIRST, e) < 0)
		goto cleanup;
	if (db_step(ins, e) != 1) {
		err_prefix(e, "cannot allocate an export id for '%s:%s'", server, path);
		goto cleanup;
	}
	*id = (unsigned)db_column_int(ins, 0);
	if (db_step(ins, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	db_finalize(sel);
	db_finalize(ins);
	return rc;
}

/* Adds host (a name or address) to en with its canonical spelling. */
static int add_client(struct export_entry *en, const char *host, bool rw, bool root, bool aix,
		      struct err *e)
{
	struct strbuf canon = STRBUF_INIT;
	enum export_host_kind kind;
	struct export_client *c;

	if (export_host_parse(host, EXPORTS_LINUX, &kind, &canon, e) < 0) {
		strbuf_release(&canon);
		return err_prefix(e, "export '%s'", en->path);
	}
	c = export_entry_add(en, kind, canon.buf, rw, root, NULL, 0);
	/* an admin that is also a node keeps the wider grant */
	c->rw |= rw;
	c->root |= root;
	c->aix |= aix;
	strbuf_release(&canon);
	return 0;
}

int exports_from_plan(const struct plan *p, struct model *m, struct db *db,
		      const struct export_opts *o, struct export_list *out, struct err *e)
{
	struct strbuf ip = STRBUF_INIT;
	int rc = -1;

	for (size_t i = 0; i < p->nexports; i++) {
		const struct export_req *x = &p->exports[i];
		struct export_entry *en;
		unsigned id;

		if (strcmp(x->server, o->server))
			continue;
		if (export_id_get(db, x->server, x->path, &id, e) < 0)
			goto cleanup;
		if (o->root) {
			strbuf_reset(&ip);
			strbuf_addf(&ip, "%s%s", o->root, x->path);
			en = export_list_add(out, ip.buf, 0, "plan", 0);
		} else {
			en = export_list_add(out, x->path, 0, "plan", 0);
		}
		if (o->fsid)
			strvec_pushf(&en->opts, "fsid=%u", id);
		for (size_t c = 0; c < x->clients.nr; c++) {
			const char *host = x->clients.v[c];
			if (o->resolve) {
				int r;
				strbuf_reset(&ip);
				r = model_attr(m, host, "hosts", "ip", &ip, e);
				if (r < 0)
					goto cleanup;
				if (!r) {
					err_set(e, "cannot resolve '%s': no hosts.ip", host);
					goto cleanup;
				}
				host = ip.buf;
			}
			if (add_client(en, host, x->rw, x->root, true, e) < 0)
				goto cleanup;
		}
		for (size_t a = 0; a < o->admins.nr; a++)
			if (add_client(en, o->admins.v[a], true, true, false, e) < 0)
				goto cleanup;
	}
	rc = 0;
cleanup:
	strbuf_release(&ip);
	return rc;
}

int exports_write_ganesha(const struct export_list *l, struct db *db, const char *server,
			  const char *root, struct strbuf *out, struct err *e)
{
	struct ganesha_export *gx = xcalloc(l->nr ? l->nr : 1, sizeof(*gx));
	size_t n = 0;
	int rc = -1;

	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];
		unsigned id;
		/* one CLIENT block per kind of grant, in a fixed order */
		static const struct {
			bool rw, root;
		} grants[] = { { true, true }, { true, false }, { false, true }, { false, false } };

		const char *pseudo = en->path;
		if (root && starts_with(en->path, root) && en->path[strlen(root)] == '/')
			pseudo = en->path + strlen(root);
		if (export_id_get(db, server, pseudo, &id, e) < 0)
			goto cleanup;
		ganesha_export_init(&gx[n], id, en->path);
		free(gx[n].pseudo);
		gx[n].pseudo = xstrdup(pseudo);
		n++;
		for (size_t g = 0; g < 4; g++) {
			struct ganesha_client *gc = NULL;
			for (size_t c = 0; c < en->nr; c++) {
				const struct export_client *cl = &en->clients[c];
				if (cl->rw != grants[g].rw || cl->root != grants[g].root)
					continue;
				if (!gc)
					gc = ganesha_export_add_client(&gx[n - 1],
								       cl->rw ? GANESHA_ACCESS_RW : GANESHA_ACCESS_RO,
								       cl->root ? GANESHA_SQUASH_NONE : GANESHA_SQUASH_ROOT);
				strvec_push(&gc->hosts, cl->host);
			}
		}
	}
	rc = ganesha_write(gx, n, out, e);
cleanup:
	for (size_t i = 0; i < n; i++)
		ganesha_export_release(&gx[i]);
	free(gx);
	return rc;
}

int exports_write_mmnfs(const struct export_list *l, struct strbuf *out, struct err *e)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];
		if (strpbrk(en->path, "'\n"))
			return err_set(e, "cannot write path '%s' as an mmnfs argument", en->path);
		strbuf_addf(out, "mmnfs export add '%s' --client '", en->path);
		for (size_t c = 0; c < en->nr; c++) {
			const struct export_client *cl = &en->clients[c];
			strbuf_addf(out, "%s%s(Access_Type=%s,Squash=%s,Protocols=3:4,SecType=sys)", c ? ";" : "",
				    cl->host, cl->rw ? "RW" : "RO", cl->root ? "no_root_squash" : "root_squash");
		}
		strbuf_addstr(out, "'\n");
	}
	return 0;
}

int exports_render(const struct plan *p, struct model *m, struct db *db, const struct export_opts *o,
		   const char *flavor, const struct export_list *extra, size_t nextra,
		   struct strbuf *out, struct strvec *warnings, struct strvec *conflicts,
		   struct err *e)
{
	struct export_list computed = EXPORT_LIST_INIT, merged = EXPORT_LIST_INIT;
	const struct export_list **lists = xcalloc(nextra + 1, sizeof(*lists));
	struct export_opts eo = *o;
	int rc = -1;

	eo.fsid = !strcmp(flavor, "linux");
	if (exports_from_plan(p, m, db, &eo, &computed, e) < 0)
		goto cleanup;
	lists[0] = &computed;
	for (size_t i = 0; i < nextra; i++)
		lists[i + 1] = &extra[i];
	exports_merge(lists, nextra + 1, &merged, conflicts, NULL);
	if (!strcmp(flavor, "ganesha"))
		rc = exports_write_ganesha(&merged, db, o->server, o->root, out, e);
	else if (!strcmp(flavor, "mmnfs"))
		rc = exports_write_mmnfs(&merged, out, e);
	else if (!strcmp(flavor, "linux") || !strcmp(flavor, "aix"))
		rc = exports_write(&merged, !strcmp(flavor, "aix") ? EXPORTS_AIX : EXPORTS_LINUX, NULL, out,
				   warnings, e) < 0 ? -1 : 0;
	else
		err_set(e, "unknown exports flavor '%s'", flavor);
cleanup:
	free(lists);
	export_list_release(&computed);
	export_list_release(&merged);
	return rc;
}
