/*
 * plan.c: the planner. For each selected node it resolves the server,
 * SN, image and addresses, then applies the image type's resource rules:
 * per-node trees become one job each (scoped to the node's own part),
 * image-wide trees are gathered and become one job per image and server,
 * copied from one primary host. Statelite directories, exports and the
 * redirect edits follow from the same facts. Nothing here does I/O but
 * reading the model.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/xvalue.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/strmap.h"
#include "util/banned.h"

/* AIX NIM diskless and dataless images (osimage.imagetype NIM). */
static const struct res_rule nim_rules[] = {
	{ "spot", "spot", SCOPE_IMAGE, "%s/nim/spot/%s/usr", NULL, NULL, false, true, 0 },
	{ "root", "root", SCOPE_NODE_DIR, "%s/nim/root/%s", NULL, NULL, true, true, 0 },
	{ "shared_root", "shared_root", SCOPE_IMAGE, "%s/nim/shared_root/%s", "etc/.client_data/",
	  NULL, false, true, 0 },
	{ "client_data", "shared_root", SCOPE_NODE_FILES, "%s/nim/shared_root/%s", NULL,
	  "etc/.client_data", false, false, 0 },
	{ "paging", "paging", SCOPE_NODE_DIR, "%s/nim/paging/%s", NULL, NULL, true, true,
	  PLAN_WITH_PAGING },
	{ "dump", "dump", SCOPE_NODE_DIR, "%s/nim/dump/%s", NULL, NULL, true, true, PLAN_WITH_DUMP },
};

const struct res_rule *plan_rules(const char *imagetype, size_t *n)
{
	if (!imagetype || !strcmp(imagetype, "NIM")) {
		*n = sizeof(nim_rules) / sizeof(nim_rules[0]);
		return nim_rules;
	}
	*n = 0;
	return NULL;
}

/* An image-wide tree being gathered: one per (rule, image, server). */
struct gather {
	const struct res_rule *rule;
	char *image, *resource, *server;
	struct strvec nodes;
	struct strvec sns;       /* SNs of those nodes, sorted, unique */
	struct strvec locations; /* location as each SN reports it (parallel to sns) */
};

struct planner {
	struct model *m;
	const struct plan_opts *o;
	struct plan *p;
	struct err *e;
	const char *installdir;
	struct gather *g;
	size_t ng, ag;
	struct strmap exports; /* "server\x1fpath" -> index + 1 */
	struct strmap dirs;    /* "server\x1fpath" -> index + 1 */
};

static void note(struct plan_note **v, size_t *n, size_t *a, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void note(struct plan_note **v, size_t *n, size_t *a, const char *node, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* two rules may hit the same problem (shared_root and its .client_data) */
	for (size_t i = *n; i > 0 && !strcmp((*v)[i - 1].node, node); i--)
		if (!strcmp((*v)[i - 1].msg, sb.buf)) {
			strbuf_release(&sb);
			return;
		}
	ALLOC_GROW(*v, *n + 1, *a);
	(*v)[*n].node = xstrdup(node);
	(*v)[*n].msg = strbuf_detach(&sb, NULL);
	(*n)++;
}

#define ERROR(pl, node, ...) note(&(pl)->p->errors, &(pl)->p->nerrors, &(pl)->p->aerrors, node, __VA_ARGS__)

/* Resolves table.col for name into out; 1 set, 0 unset, -1 error. */
static int attr(struct planner *pl, const char *name, const char *table, const char *col,
		struct strbuf *out)
{
	strbuf_reset(out);
	return model_attr(pl->m, name, table, col, out, pl->e);
}

/* The first of a comma list (noderes.servicenode may name a pool). */
static void first_item(struct strbuf *sb)
{
	char *c = strchr(sb->buf, ',');
	if (c)
		strbuf_setlen(sb, (size_t)(c - sb->buf));
}

static void export_add(struct planner *pl, const char *server, const char *path, const char *kind,
		       bool rw, bool root, const char *node)
{
	struct strbuf key = STRBUF_INIT;
	uintptr_t i;
	struct export_req *x;

	strbuf_addf(&key, "%s\x1f%s", server, path);
	i = (uintptr_t)strmap_get(&pl->exports, key.buf);
	if (!i) {
		ALLOC_GROW(pl->p->exports, pl->p->nexports + 1, pl->p->aexports);
		x = &pl->p->exports[pl->p->nexports++];
		memset(x, 0, sizeof(*x));
		x->server = xstrdup(server);
		x->path = xstrdup(path);
		x->kind = kind;
		x->rw = rw;
		x->root = root;
		strvec_init(&x->clients);
		i = pl->p->nexports;
		strmap_put(&pl->exports, key.buf, (void *)i);
	}
	x = &pl->p->exports[i - 1];
	if (strvec_find(&x->clients, node) < 0)
		strvec_push(&x->clients, node);
	strbuf_release(&key);
}

static void dir_add(struct planner *pl, const char *server, const char *path, const char *node,
		    const char *kind, unsigned mode)
{
	struct strbuf key = STRBUF_INIT;
	struct plan_dir *d;

	strbuf_addf(&key, "%s\x1f%s", server, path);
	if (!strmap_get(&pl->dirs, key.buf)) {
		ALLOC_GROW(pl->p->dirs, pl->p->ndirs + 1, pl->p->adirs);
		d = &pl->p->dirs[pl->p->ndirs++];
		d->server = xstrdup(server);
		d->path = xstrdup(path);
		d->node = xstrdup(node);
		d->kind = kind;
		d->mode = mode;
		d->uid = 0;
		d->gid = 0;
		strmap_put(&pl->dirs, key.buf, (void *)1);
	}
	strbuf_release(&key);
}

static struct tree_job *job_new(struct planner *pl, const struct res_rule *r, const char *image,
				const char *resource, const char *host, const char *server,
				const char *path)
{
	struct tree_job *j;

	ALLOC_GROW(pl->p->jobs, pl->p->njobs + 1, pl->p->ajobs);
	j = &pl->p->jobs[pl->p->njobs++];
	j->kind = r->kind;
	j->image = xstrdup(image);
	j->resource = xstrdup(resource);
	j->src_host = xstrdup(host);
	j->server = xstrdup(server);
	j->path = xstrdup(path);
	strvec_init(&j->include);
	strvec_init(&j->exclude);
	strvec_init(&j->nodes);
	if (r->exclude)
		strvec_push(&j->exclude, r->exclude);
	return j;
}

/*
 * Where sn keeps resource: NIM's report, else the naming convention.
 * Returns 1 with out set, 0 after recording an error for node, -1 error.
 */
static int locate(struct planner *pl, const struct res_rule *r, const char *sn,
		  const char *resource, const char *node, struct strbuf *out)
{
	struct nim_res nr;
	int rc = model_nim(pl->m, sn, resource, &nr, pl->e);

	strbuf_reset(out);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		ERROR(pl, node, "service node '%s' has no NIM resource '%s' (%s)", sn, resource, r->column);
		return 0;
	}
	if (rc == 1) {
		if (!nr.location || !*nr.location) {
			ERROR(pl, node, "NIM resource '%s' on '%s' has no location", resource, sn);
			return 0;
		}
		strbuf_addstr(out, nr.location);
	} else {
		strbuf_addf(out, r->convention, pl->installdir, resource);
	}
	while (out->len > 1 && out->buf[out->len - 1] == '/')
		strbuf_setlen(out, out->len - 1);
	return 1;
}

static struct gather *gather_get(struct planner *pl, const struct res_rule *r, const char *image,
				 const char *resource, const char *server)
{
	struct gather *g;

	for (size_t i = 0; i < pl->ng; i++) {
		g = &pl->g[i];
		if (g->rule == r && !strcmp(g->image, image) && !strcmp(g->server, server))
			return g;
	}
	ALLOC_GROW(pl->g, pl->ng + 1, pl->ag);
	g = &pl->g[pl->ng++];
	g->rule = r;
	g->image = xstrdup(image);
	g->resource = xstrdup(resource);
	g->server = xstrdup(server);
	strvec_init(&g->nodes);
	strvec_init(&g->sns);
	strvec_init(&g->locations);
	return g;
}

/* statelite lookups for $table.column in values: resolved for the node */
static int subst_lookup(void *data, const char *node, const char *table, const char *col,
			struct strbuf *out, struct err *e)
{
	struct model *m = data;
	if (!strcmp(table, "site")) {
		const char *v = model_site(m, col);
		if (v)
			strbuf_addstr(out, v);
		return 0;
	}
	return model_attr(m, node, table, col, out, e) < 0 ? -1 : 0;
}

/* Splits "server:/dir" (server defaults to dflt) into server and dir. */
static void split_server_path(const char *v, const char *dflt, struct strbuf *server,
			      struct strbuf *dir)
{
	const char *colon = strchr(v, ':');

	strbuf_reset(server);
	strbuf_reset(dir);
	if (colon && colon != v && strchr(v, '/') > colon) {
		strbuf_add(server, v, (size_t)(colon - v));
		strbuf_addstr(dir, colon + 1);
	} else {
		strbuf_addstr(server, dflt);
		strbuf_addstr(dir, v);
	}
	while (dir->len > 1 && dir->buf[dir->len - 1] == '/')
		strbuf_setlen(dir, dir->len - 1);
}

/* True when litefile/litetree image column v applies to image. */
static bool image_matches(const char *v, const char *image)
{
	return v && (!strcmp(v, "ALL") || !strcmp(v, image));
}

/* Statelite: the node's statemnt dir, its persistent paths, its litetree dirs. */
static int plan_statelite(struct planner *pl, const char *node, const char *image,
			  const char *server)
{
	struct strbuf v = STRBUF_INIT, srv = STRBUF_INIT, dir = STRBUF_INIT, p = STRBUF_INIT;
	char ***rows;
	size_t nr;
	char *s = NULL;
	int r, rc = -1;
	bool xcat_mode = pl->o->conf && pl->o->conf->statelite && !strcmp(pl->o->conf->statelite, "xcat");

	r = attr(pl, node, "statelite", "statemnt", &v);
	if (r <= 0) {
		rc = r;
		goto cleanup;
	}
	s = xvalue_subst(v.buf, node, subst_lookup, pl->m, pl->o->flags & PLAN_ALLOW_CMD, pl->e);
	if (!s) {
		ERROR(pl, node, "statelite.statemnt: %s", pl->e->msg.buf);
		rc = 0;
		goto cleanup;
	}
	split_server_path(s, server, &srv, &dir);
	if (strcmp(srv.buf, server)) {
		ERROR(pl, node, "statelite.statemnt is on '%s', not on its nfsserver '%s'", srv.buf, server);
		rc = 0;
		goto cleanup;
	}
	strbuf_addf(&p, "%s/%s", dir.buf, node);
	dir_add(pl, srv.buf, p.buf, node, "statemnt", 0755);
	export_add(pl, srv.buf, xcat_mode ? dir.buf : p.buf, "statemnt", true, true, node);
	/* persistent litefile entries live under the node's statemnt dir */
	if (model_table(pl->m, "litefile", &rows, &nr, NULL, pl->e) < 0)
		goto cleanup;
	for (size_t i = 0; i < nr; i++) {
		const char *file = rows[i][1], *opts = rows[i][2];
		size_t n;
		if (!image_matches(rows[i][0], image) || !value_set(file) || !opts ||
		    !strstr(opts, "persistent"))
			continue;
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", dir.buf, node);
		n = strlen(file);
		if (file[n - 1] == '/') {
			strbuf_addstr(&p, file);
		} else {
			const char *slash = strrchr(file, '/');
			strbuf_add(&p, file, (size_t)(slash - file));
		}
		while (p.len > 1 && p.buf[p.len - 1] == '/')
			strbuf_setlen(&p, p.len - 1);
		dir_add(pl, srv.buf, p.buf, node, "persistent", 0755);
	}
	/* litetree directories must exist on the server and be exported read-only */
	if (model_table(pl->m, "litetree", &rows, &nr, NULL, pl->e) < 0)
		goto cleanup;
	for (size_t i = 0; i < nr; i++) {
		char *t;
		if (!image_matches(rows[i][1], image) || !value_set(rows[i][2]))
			continue;
		t = xvalue_subst(rows[i][2], node, subst_lookup, pl->m, pl->o->flags & PLAN_ALLOW_CMD, pl->e);
		if (!t) {
			ERROR(pl, node, "litetree.directory: %s", pl->e->msg.buf);
			continue;
		}
		split_server_path(t, server, &srv, &dir);
		free(t);
		if (strcmp(srv.buf, server)) {
			ERROR(pl, node, "litetree directory '%s' is on '%s', not on its nfsserver '%s'",
			      dir.buf, srv.buf, server);
			continue;
		}
		dir_add(pl, srv.buf, dir.buf, node, "litetree", 0755);
		export_add(pl, srv.buf, dir.buf, "litetree", false, true, node);
	}
	rc = 0;
cleanup:
	free(s);
	strbuf_release(&v);
	strbuf_release(&srv);
	strbuf_release(&dir);
	strbuf_release(&p);
	return rc;
}

static void edit_add(struct planner *pl, const char *sn, const char *file, const char *node,
		     enum edit_kind kind, const char *server, const char *server_ip,
		     const char *spot, const char *root)
{
	struct redirect_edit *ed;

	ALLOC_GROW(pl->p->edits, pl->p->nedits + 1, pl->p->aedits);
	ed = &pl->p->edits[pl->p->nedits++];
	ed->sn = xstrdup(sn);
	ed->file = xstrdup(file);
	ed->node = xstrdup(node);
	ed->kind = kind;
	ed->server = xstrdup(server);
	ed->server_ip = xstrdup(server_ip);
	ed->spot_path = spot ? xstrdup(spot) : NULL;
	ed->root_path = root ? xstrdup(root) : NULL;
}

static int plan_node(struct planner *pl, const char *node)
{
	struct strbuf server = STRBUF_INIT, sn = STRBUF_INIT, image = STRBUF_INIT, sip = STRBUF_INIT;
	struct strbuf nip = STRBUF_INIT, tftp = STRBUF_INIT, loc = STRBUF_INIT, path = STRBUF_INIT;
	struct strbuf nimname = STRBUF_INIT, v = STRBUF_INIT, spot = STRBUF_INIT, root = STRBUF_INIT;
	struct strbuf sroot = STRBUF_INIT;
	const struct res_rule *rules;
	char **img;
	size_t nrules, errors_before = pl->p->nerrors;
	int r, rc = -1;

	if ((r = attr(pl, node, "noderes", "nfsserver", &server)) < 0)
		goto cleanup;
	if ((r = attr(pl, node, "noderes", "servicenode", &sn)) < 0)
		goto cleanup;
	first_item(&sn);
	if (!server.len) {
		note(&pl->p->skipped, &pl->p->nskipped, &pl->p->askipped, node,
		     "no noderes.nfsserver: nothing to move");
		rc = 0;
		goto cleanup;
	}
	if (sn.len && !strcmp(server.buf, sn.buf) && !(pl->o->flags & PLAN_AS_SERVED)) {
		note(&pl->p->skipped, &pl->p->nskipped, &pl->p->askipped, node,
		     "nfsserver is its service node '%s'", sn.buf);
		rc = 0;
		goto cleanup;
	}
	if (!sn.len) {
		ERROR(pl, node, "no service node (noderes.servicenode)");
		rc = 0;
		goto cleanup;
	}
	/* addresses: the server's for hosts and NIM_HOSTS, the node's for its .info */
	if ((r = attr(pl, server.buf, "hosts", "ip", &sip)) < 0)
		goto cleanup;
	if (!sip.len)
		ERROR(pl, node, "nfsserver '%s' does not resolve (no hosts.ip)", server.buf);
	if ((r = attr(pl, node, "hosts", "ip", &nip)) < 0)
		goto cleanup;
	if (!nip.len)
		ERROR(pl, node, "no address (hosts.ip)");
	if ((r = attr(pl, node, "nodetype", "provmethod", &image)) < 0)
		goto cleanup;
	if (!image.len) {
		ERROR(pl, node, "no image (nodetype.provmethod)");
		rc = 0;
		goto cleanup;
	}
	err_clear(pl->e);
	img = model_row(pl->m, "nimimage", image.buf, pl->e);
	if (!img && pl->e->msg.len)
		goto cleanup; /* the table could not be read */
	if (!img) {
		ERROR(pl, node, "image '%s' is not defined in nimimage", image.buf);
		rc = 0;
		goto cleanup;
	}
	{
		char **os = model_row(pl->m, "osimage", image.buf, NULL);
		const char *type = os && value_set(os[3]) ? os[3] : "NIM";
		rules = plan_rules(type, &nrules);
		if (!rules) {
			ERROR(pl, node, "image '%s' has type '%s', which extnfs has no rules for",
			      image.buf, type);
			rc = 0;
			goto cleanup;
		}
	}
	if ((r = attr(pl, node, "noderes", "tftpdir", &tftp)) < 0)
		goto cleanup;
	if (!tftp.len)
		strbuf_addstr(&tftp, model_site(pl->m, "tftpdir") ? model_site(pl->m, "tftpdir") : "/tftpboot");
	strbuf_addstr(&nimname, node);
	if (pl->o->conf && pl->o->conf->nimname && !strcmp(pl->o->conf->nimname, "node_image"))
		strbuf_addf(&nimname, "_%s", image.buf);

	for (size_t i = 0; i < nrules; i++) {
		const struct res_rule *rule = &rules[i];
		int c = xtable_col(xtable_find("nimimage"), rule->column);
		const char *res = c >= 0 ? img[c] : NULL;
		struct tree_job *j;

		if (!value_set(res))
			continue;
		if (rule->needs_flag && !(pl->o->flags & rule->needs_flag))
			goto record; /* not copied, but its location still matters */
		r = locate(pl, rule, sn.buf, res, node, &loc);
		if (r < 0)
			goto cleanup;
		if (r == 0)
			continue;
		switch (rule->scope) {
		case SCOPE_IMAGE: {
			struct gather *g = gather_get(pl, rule, image.buf, res, server.buf);
			long at = strvec_find(&g->sns, sn.buf);
			strvec_push(&g->nodes, node);
			if (at < 0) {
				strvec_push(&g->sns, sn.buf);
				strvec_push(&g->locations, loc.buf);
			}
			break;
		}
		case SCOPE_NODE_DIR:
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", loc.buf, nimname.buf);
			j = job_new(pl, rule, image.buf, res, sn.buf, server.buf, path.buf);
			strvec_push(&j->nodes, node);
			if (rule->exported)
				export_add(pl, server.buf, path.buf, rule->kind, rule->rw, true, node);
			break;
		case SCOPE_NODE_FILES:
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/%s", loc.buf, rule->subdir);
			j = job_new(pl, rule, image.buf, res, sn.buf, server.buf, path.buf);
			strvec_pushf(&j->include, "*.%s", nimname.buf);
			strvec_push(&j->nodes, node);
			break;
		}
record:
		if (!strcmp(rule->kind, "spot") && loc.len)
			strbuf_addf(&spot, "%s", loc.buf);
		if (!strcmp(rule->kind, "root") && loc.len)
			strbuf_addf(&root, "%s/%s", loc.buf, nimname.buf);
		if (!strcmp(rule->kind, "shared_root") && loc.len)
			strbuf_addstr(&sroot, loc.buf);
	}
	if (plan_statelite(pl, node, image.buf, server.buf) < 0)
		goto cleanup;
	if (pl->p->nerrors == errors_before) {
		/* the redirect edits mkdsklsnode would make with nfsserver set */
		if (root.len) {
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/etc/filesystems", root.buf);
			edit_add(pl, sn.buf, path.buf, node, EDIT_FILESYSTEMS, server.buf, sip.buf, NULL, NULL);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/etc/hosts", root.buf);
			edit_add(pl, sn.buf, path.buf, node, EDIT_HOSTS, server.buf, sip.buf, NULL, NULL);
		} else if (sroot.len) {
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/etc/.client_data/filesystems.%s", sroot.buf, nimname.buf);
			edit_add(pl, sn.buf, path.buf, node, EDIT_FILESYSTEMS, server.buf, sip.buf, NULL, NULL);
			strbuf_reset(&path);
			strbuf_addf(&path, "%s/etc/.client_data/hosts.%s", sroot.buf, nimname.buf);
			edit_add(pl, sn.buf, path.buf, node, EDIT_HOSTS, server.buf, sip.buf, NULL, NULL);
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s.info", tftp.buf, nip.buf);
		edit_add(pl, sn.buf, path.buf, node, EDIT_INFO, server.buf, sip.buf,
			 spot.len ? spot.buf : NULL, root.len ? root.buf : sroot.len ? sroot.buf : NULL);
		strvec_push(&pl->p->nodes, node);
	}
	rc = 0;
cleanup:
	strbuf_release(&server);
	strbuf_release(&sn);
	strbuf_release(&image);
	strbuf_release(&sip);
	strbuf_release(&nip);
	strbuf_release(&tftp);
	strbuf_release(&loc);
	strbuf_release(&path);
	strbuf_release(&nimname);
	strbuf_release(&v);
	strbuf_release(&spot);
	strbuf_release(&root);
	strbuf_release(&sroot);
	return rc;
}

/* Turns each gathered image-wide tree into one job from its primary host. */
static void finish_gathers(struct planner *pl)
{
	for (size_t i = 0; i < pl->ng; i++) {
		struct gather *g = &pl->g[i];
		const struct conf_image *ci = pl->o->conf ? conf_image(pl->o->conf, g->image) : NULL;
		const char *primary = NULL, *loc = NULL;
		struct tree_job *j;
		size_t pick = 0;

		/* every SN must keep the tree at the same place */
		for (size_t s = 1; s < g->sns.nr; s++)
			if (strcmp(g->locations.v[s], g->locations.v[0])) {
				ERROR(pl, g->nodes.v[0], "service nodes disagree on where %s '%s' is: '%s' on %s, '%s' on %s",
				      g->rule->kind, g->resource, g->locations.v[0], g->sns.v[0],
				      g->locations.v[s], g->sns.v[s]);
				goto next;
			}
		if (ci && ci->primary) {
			long at = strvec_find(&g->sns, ci->primary);
			if (at < 0) {
				ERROR(pl, g->nodes.v[0], "[image %s] primary '%s' serves none of the image's nodes in this plan (%s)",
				      g->image, ci->primary, g->sns.v[0]);
				goto next;
			}
			pick = (size_t)at;
		} else {
			/* deterministic: the first SN by name */
			for (size_t s = 1; s < g->sns.nr; s++)
				if (strcmp(g->sns.v[s], g->sns.v[pick]) < 0)
					pick = s;
		}
		primary = g->sns.v[pick];
		loc = g->locations.v[pick];
		j = job_new(pl, g->rule, g->image, g->resource, primary, g->server, loc);
		for (size_t n = 0; n < g->nodes.nr; n++) {
			strvec_push(&j->nodes, g->nodes.v[n]);
			if (g->rule->exported)
				export_add(pl, g->server, loc, g->rule->kind, g->rule->rw, true, g->nodes.v[n]);
		}
next:
		;
	}
}

static int cmp_job(const void *a, const void *b)
{
	const struct tree_job *x = a, *y = b;
	int c = strcmp(x->server, y->server);

	if (!c)
		c = strcmp(x->path, y->path);
	if (!c && x->include.nr && y->include.nr)
		c = strcmp(x->include.v[0], y->include.v[0]);
	return c;
}

static int cmp_export(const void *a, const void *b)
{
	const struct export_req *x = a, *y = b;
	int c = strcmp(x->server, y->server);
	return c ? c : strcmp(x->path, y->path);
}

static int cmp_dir(const void *a, const void *b)
{
	const struct plan_dir *x = a, *y = b;
	int c = strcmp(x->server, y->server);
	return c ? c : strcmp(x->path, y->path);
}

int plan_build(struct model *m, const struct strvec *nodes, const struct plan_opts *o,
	       struct plan *p, struct err *e)
{
	struct planner pl = { 0 };
	int rc = -1;

	memset(p, 0, sizeof(*p));
	strvec_init(&p->nodes);
	pl.m = m;
	pl.o = o;
	pl.p = p;
	pl.e = e;
	pl.installdir = model_site(m, "installdir") ? model_site(m, "installdir") : "/install";
	for (size_t i = 0; i < nodes->nr; i++)
		if (plan_node(&pl, nodes->v[i]) < 0)
			goto cleanup;
	finish_gathers(&pl);
	if (p->njobs > 1)
		qsort(p->jobs, p->njobs, sizeof(*p->jobs), cmp_job);
	/* export indexes in the map are stale after sorting; the map is done */
	if (p->nexports > 1)
		qsort(p->exports, p->nexports, sizeof(*p->exports), cmp_export);
	if (p->ndirs > 1)
		qsort(p->dirs, p->ndirs, sizeof(*p->dirs), cmp_dir);
	err_clear(e);
	rc = 0;
cleanup:
	for (size_t i = 0; i < pl.ng; i++) {
		free(pl.g[i].image);
		free(pl.g[i].resource);
		free(pl.g[i].server);
		strvec_clear(&pl.g[i].nodes);
		strvec_clear(&pl.g[i].sns);
		strvec_clear(&pl.g[i].locations);
	}
	free(pl.g);
	strmap_clear(&pl.exports);
	strmap_clear(&pl.dirs);
	return rc;
}

static void notes_free(struct plan_note *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].node);
		free(v[i].msg);
	}
	free(v);
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->njobs; i++) {
		struct tree_job *j = &p->jobs[i];
		free(j->image);
		free(j->resource);
		free(j->src_host);
		free(j->server);
		free(j->path);
		strvec_clear(&j->include);
		strvec_clear(&j->exclude);
		strvec_clear(&j->nodes);
	}
	free(p->jobs);
	for (size_t i = 0; i < p->nexports; i++) {
		free(p->exports[i].server);
		free(p->exports[i].path);
		strvec_clear(&p->exports[i].clients);
	}
	free(p->exports);
	for (size_t i = 0; i < p->ndirs; i++) {
		free(p->dirs[i].server);
		free(p->dirs[i].path);
		free(p->dirs[i].node);
	}
	free(p->dirs);
	for (size_t i = 0; i < p->nedits; i++)
		plan_edit_release(&p->edits[i]);
	free(p->edits);
	notes_free(p->errors, p->nerrors);
	notes_free(p->skipped, p->nskipped);
	strvec_clear(&p->nodes);
	memset(p, 0, sizeof(*p));
}

void plan_edit_release(struct redirect_edit *ed)
{
	free(ed->sn);
	free(ed->file);
	free(ed->node);
	free(ed->server);
	free(ed->server_ip);
	free(ed->spot_path);
	free(ed->root_path);
	memset(ed, 0, sizeof(*ed));
}
