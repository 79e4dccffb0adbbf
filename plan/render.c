/*
 * render.c: the four plan formats. None of them decides anything: all
 * facts come from the plan, so the formats cannot disagree.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/render.h"
#include "util/conf.h"
#include "util/banned.h"

static const char *edit_name(enum edit_kind k)
{
	return k == EDIT_FILESYSTEMS ? "filesystems" : k == EDIT_HOSTS ? "hosts" : "info";
}

static void join(const struct strvec *sv, struct strbuf *out)
{
	strvec_join(sv, ",", out);
}

static void job_scope(const struct tree_job *j, struct strbuf *out)
{
	if (j->include.nr) {
		strbuf_addstr(out, "only ");
		join(&j->include, out);
	} else if (j->exclude.nr) {
		strbuf_addstr(out, "all but ");
		join(&j->exclude, out);
	} else {
		strbuf_addstr(out, "whole tree");
	}
}

void plan_render_table(const struct plan *p, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	strbuf_addf(out, "TREES (%zu)\n", p->njobs);
	if (p->njobs)
		strbuf_addf(out, "  %-12s %-10s %-5s %-10s %-52s %-24s %s\n", "RESOURCE", "IMAGE", "FROM",
			    "TO", "PATH", "SCOPE", "NODES");
	for (size_t i = 0; i < p->njobs; i++) {
		const struct tree_job *j = &p->jobs[i];
		strbuf_reset(&a);
		strbuf_reset(&b);
		job_scope(j, &a);
		join(&j->nodes, &b);
		strbuf_addf(out, "  %-12s %-10s %-5s %-10s %-52s %-24s %s\n", j->kind, j->image,
			    j->src_host, j->server, j->path, a.buf, b.buf);
	}
	strbuf_addf(out, "\nEXPORTS (%zu)\n", p->nexports);
	for (size_t i = 0; i < p->nexports; i++) {
		const struct export_req *x = &p->exports[i];
		strbuf_reset(&b);
		join(&x->clients, &b);
		strbuf_addf(out, "  %-10s %-52s %-3s %-7s %-12s %s\n", x->server, x->path, x->rw ? "rw" : "ro",
			    x->root ? "root" : "squash", x->kind, b.buf);
	}
	strbuf_addf(out, "\nSTATELITE DIRECTORIES (%zu)\n", p->ndirs);
	for (size_t i = 0; i < p->ndirs; i++) {
		const struct plan_dir *d = &p->dirs[i];
		strbuf_addf(out, "  %-10s %-52s %-10s %04o %u:%u %s\n", d->server, d->path, d->kind,
			    d->mode, (unsigned)d->uid, (unsigned)d->gid, d->node);
	}
	strbuf_addf(out, "\nREDIRECT EDITS (%zu)\n", p->nedits);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		strbuf_addf(out, "  %-5s %-6s %-12s %s", ed->sn, ed->node, edit_name(ed->kind), ed->file);
		if (ed->kind == EDIT_FILESYSTEMS)
			strbuf_addf(out, ": nodename of / and /usr = %s\n", ed->server);
		else if (ed->kind == EDIT_HOSTS)
			strbuf_addf(out, ": line '%s %s'\n", ed->server_ip, ed->server);
		else
			strbuf_addf(out, ": SPOT=%s:%s ROOT=%s:%s NIM_HOSTS+=%s:%s\n", ed->server,
				    ed->spot_path ? ed->spot_path : "-", ed->server,
				    ed->root_path ? ed->root_path : "-", ed->server_ip, ed->server);
	}
	if (p->nskipped) {
		strbuf_addf(out, "\nLEFT ON THEIR SERVICE NODE (%zu)\n", p->nskipped);
		for (size_t i = 0; i < p->nskipped; i++)
			strbuf_addf(out, "  %s: %s\n", p->skipped[i].node, p->skipped[i].msg);
	}
	if (p->nerrors) {
		strbuf_addf(out, "\nERRORS (%zu)\n", p->nerrors);
		for (size_t i = 0; i < p->nerrors; i++)
			strbuf_addf(out, "  %s: %s\n", p->errors[i].node, p->errors[i].msg);
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

static json_t *jstrv(const struct strvec *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *jnotes(const struct plan_note *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "node", v[i].node, "message", v[i].msg));
	return a;
}

void plan_render_json(const struct plan *p, struct strbuf *out)
{
	json_t *root = json_object(), *a;
	char *s;

	json_object_set_new(root, "schema", json_string("extnfs-plan/1"));
	json_object_set_new(root, "nodes", jstrv(&p->nodes));
	a = json_array();
	for (size_t i = 0; i < p->njobs; i++) {
		const struct tree_job *j = &p->jobs[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "kind", j->kind,
						   "image", j->image, "resource", j->resource, "source",
						   j->src_host, "server", j->server, "path", j->path,
						   "include", jstrv(&j->include), "exclude",
						   jstrv(&j->exclude), "nodes", jstrv(&j->nodes)));
	}
	json_object_set_new(root, "trees", a);
	a = json_array();
	for (size_t i = 0; i < p->nexports; i++) {
		const struct export_req *x = &p->exports[i];
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "server", x->server, "path",
						   x->path, "kind", x->kind, "access", x->rw ? "rw" : "ro",
						   "root", x->root, "clients", jstrv(&x->clients)));
	}
	json_object_set_new(root, "exports", a);
	a = json_array();
	for (size_t i = 0; i < p->ndirs; i++) {
		const struct plan_dir *d = &p->dirs[i];
		char mode[8];
		snprintf(mode, sizeof(mode), "%04o", d->mode);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "server", d->server,
						   "path", d->path, "kind", d->kind, "node", d->node,
						   "mode", mode, "uid", (json_int_t)d->uid, "gid",
						   (json_int_t)d->gid));
	}
	json_object_set_new(root, "directories", a);
	a = json_array();
	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "host", ed->sn, "file", ed->file, "node",
				      ed->node, "kind", edit_name(ed->kind), "server", ed->server,
				      "server_ip", ed->server_ip);
		if (ed->kind == EDIT_INFO) {
			json_object_set_new(o, "spot", ed->spot_path ? json_string(ed->spot_path) : json_null());
			json_object_set_new(o, "root", ed->root_path ? json_string(ed->root_path) : json_null());
		}
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "edits", a);
	json_object_set_new(root, "skipped", jnotes(p->skipped, p->nskipped));
	json_object_set_new(root, "errors", jnotes(p->errors, p->nerrors));
	s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(root);
}

void sh_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

/* Where path of host lives as seen from the script: a local root= prefix. */
static void local_path(const struct conf *c, const char *host, const char *path, struct strbuf *out)
{
	const struct conf_host *h = c ? conf_host(c, host) : NULL;

	if (h && !strcmp(h->transport, "local") && h->root)
		strbuf_addstr(out, h->root);
	strbuf_addstr(out, path);
}

/* The destination as rsync on the source host names it. */
static void dest_path(const struct conf *c, const char *server, const char *path, bool *remote,
		      struct strbuf *out)
{
	const struct conf_server *s = c ? conf_server(c, server) : NULL;

	*remote = false;
	if (s && s->dest && s->dest[0] == '/') {
		const char *d = s->dest;
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			n--;
		if (n > 1)
			strbuf_add(out, d, n);
		strbuf_addstr(out, path);
		return;
	}
	*remote = true;
	if (s && s->dest && starts_with(s->dest, "ssh://")) {
		const char *h = s->dest + 6, *slash = strchr(h, '/');
		strbuf_add(out, h, slash ? (size_t)(slash - h) : strlen(h));
	} else {
		strbuf_addstr(out, server);
	}
	strbuf_addf(out, ":%s", path);
}

void plan_render_script(const struct plan *p, const struct conf *c, struct strbuf *out)
{
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT, cmd = STRBUF_INIT, dir = STRBUF_INIT;

	strbuf_addstr(out, "#!/bin/sh\n"
			   "# extnfs plan --format script: the rsync commands that bring the external\n"
			   "# NFS server(s) to the plan. Each job deletes only inside its own scope:\n"
			   "# one node's directory, or the files of one node (never another SN's nodes).\n"
			   "set -eu\n");
	for (size_t i = 0; i < p->njobs; i++) {
		const struct tree_job *j = &p->jobs[i];
		const struct conf_host *h = c ? conf_host(c, j->src_host) : NULL;
		bool ssh = h && !strcmp(h->transport, "ssh"), remote;

		strbuf_reset(&src);
		strbuf_reset(&dst);
		strbuf_reset(&cmd);
		strbuf_reset(&dir);
		if (ssh)
			strbuf_addstr(&src, j->path);
		else
			local_path(c, j->src_host, j->path, &src);
		dest_path(c, j->server, j->path, &remote, &dst);
		strbuf_addf(out, "\n# %s %s of %s from %s to %s\n", j->kind, j->resource,
			    j->nodes.nr == 1 ? j->nodes.v[0] : j->image, j->src_host, j->server);
		/* refuse to mirror a missing or empty source: it would wipe the copy */
		strbuf_addstr(&cmd, "if test -z \"$(ls -A ");
		sh_quote(&cmd, src.buf);
		strbuf_addstr(&cmd, " 2>/dev/null)\"; then echo ");
		strbuf_addf(&dir, "source '%s' is missing or empty: not synced", src.buf);
		sh_quote(&cmd, dir.buf);
		strbuf_reset(&dir);
		strbuf_addstr(&cmd, " >&2; exit 1; fi; ");
		if (!remote) {
			strbuf_addstr(&cmd, "mkdir -p ");
			sh_quote(&cmd, dst.buf);
			strbuf_addstr(&cmd, " && ");
		}
		strbuf_addstr(&cmd, "rsync -aHS --numeric-ids --delete");
		if (remote) {
			strbuf_addstr(&dir, "mkdir -p ");
			sh_quote(&dir, j->path);
			strbuf_addstr(&dir, " && rsync");
			strbuf_addstr(&cmd, " --rsync-path=");
			sh_quote(&cmd, dir.buf);
		}
		if (j->include.nr) /* the directory's own times belong to no single SN */
			strbuf_addstr(&cmd, " --omit-dir-times");
		for (size_t k = 0; k < j->include.nr; k++) {
			strbuf_addstr(&cmd, " --include=");
			strbuf_reset(&dir);
			strbuf_addf(&dir, "/%s", j->include.v[k]);
			sh_quote(&cmd, dir.buf);
		}
		if (j->include.nr)
			strbuf_addstr(&cmd, " --exclude='*'");
		for (size_t k = 0; k < j->exclude.nr; k++) {
			strbuf_addstr(&cmd, " --exclude=");
			strbuf_reset(&dir);
			strbuf_addf(&dir, "/%s**", j->exclude.v[k]);
			sh_quote(&cmd, dir.buf);
		}
		strbuf_addch(&cmd, ' ');
		strbuf_addch(&src, '/');
		sh_quote(&cmd, src.buf);
		strbuf_addch(&cmd, ' ');
		strbuf_addch(&dst, '/');
		sh_quote(&cmd, dst.buf);
		if (ssh) {
			strbuf_addstr(out, "ssh -o BatchMode=yes ");
			if (h->user)
				strbuf_addf(out, "%s@", h->user);
			sh_quote(out, h->address);
			strbuf_addch(out, ' ');
			sh_quote(out, cmd.buf);
			strbuf_addch(out, '\n');
		} else {
			strbuf_addbuf(out, &cmd);
			strbuf_addch(out, '\n');
		}
	}
	strbuf_release(&src);
	strbuf_release(&dst);
	strbuf_release(&cmd);
	strbuf_release(&dir);
}

void plan_render_dot(const struct plan *p, struct strbuf *out)
{
	struct strvec seen = STRVEC_INIT;

	strbuf_addstr(out, "digraph extnfs {\n\trankdir=LR;\n\tnode [shape=box];\n\t\"MN\" [shape=doubleoctagon];\n");
	for (size_t i = 0; i < p->njobs; i++) {
		const struct tree_job *j = &p->jobs[i];
		struct strbuf key = STRBUF_INIT;
		strbuf_addf(&key, "sn %s", j->src_host);
		if (strvec_find(&seen, key.buf) < 0) {
			strvec_push(&seen, key.buf);
			strbuf_addf(out, "\t\"MN\" -> \"%s\";\n", j->src_host);
		}
		strbuf_reset(&key);
		strbuf_addf(&key, "srv %s", j->server);
		if (strvec_find(&seen, key.buf) < 0) {
			strvec_push(&seen, key.buf);
			strbuf_addf(out, "\t\"%s\" [shape=cylinder];\n", j->server);
		}
		strbuf_addf(out, "\t\"%s\" -> \"%s\" [label=\"%s %s\"];\n", j->src_host, j->server, j->kind,
			    j->nodes.nr == 1 ? j->nodes.v[0] : j->image);
		strbuf_release(&key);
	}
	for (size_t i = 0; i < p->nexports; i++)
		for (size_t k = 0; k < p->exports[i].clients.nr; k++) {
			struct strbuf key = STRBUF_INIT;
			strbuf_addf(&key, "x %s %s", p->exports[i].server, p->exports[i].clients.v[k]);
			if (strvec_find(&seen, key.buf) < 0) {
				strvec_push(&seen, key.buf);
				strbuf_addf(out, "\t\"%s\" -> \"%s\" [style=dashed];\n", p->exports[i].server,
					    p->exports[i].clients.v[k]);
			}
			strbuf_release(&key);
		}
	strbuf_addstr(out, "}\n");
	strvec_clear(&seen);
}
