/*
 * agent.c: the agent protocol (see agent.h and doc/agent-protocol.md):
 * the request's parser and writer, the agent's loop that runs the jobs
 * with the replication engine, and the parser of the agent's lines that
 * the MN reads.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "plan/plan.h"
#include "redirect/redirect.h"
#include "remote/agent.h"
#include "remote/rsyncdest.h"
#include "sync/engine.h"
#include "sync/filter.h"
#include "sync/nfs.h"
#include "sync/nfsurl.h"
#include "sync/ops.h"
#include "util/conf.h"
#include "util/config.h"
#include "util/banned.h"

#define REQUEST_MAX (64u << 20)

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* ---- the request ---- */

struct agent_job *agent_request_add(struct agent_request *r)
{
	struct agent_job *j;

	ALLOC_GROW(r->jobs, r->njobs + 1, r->ajobs);
	j = &r->jobs[r->njobs++];
	memset(j, 0, sizeof(*j));
	strvec_init(&j->include);
	strvec_init(&j->exclude);
	j->max_delete = -1;
	j->max_delete_pct = 10;
	return j;
}

void agent_request_release(struct agent_request *r)
{
	for (size_t i = 0; i < r->njobs; i++) {
		free(r->jobs[i].src);
		free(r->jobs[i].dest);
		free(r->jobs[i].ssh);
		strvec_clear(&r->jobs[i].include);
		strvec_clear(&r->jobs[i].exclude);
	}
	free(r->jobs);
	for (size_t i = 0; i < r->nedits; i++)
		plan_edit_release(&r->edits[i]);
	free(r->edits);
	free(r->version);
	free(r->host);
	memset(r, 0, sizeof(*r));
}

void agent_request_add_edit(struct agent_request *r, const struct redirect_edit *ed,
			    const char *prefix)
{
	struct redirect_edit *c;

	ALLOC_GROW(r->edits, r->nedits + 1, r->aedits);
	c = &r->edits[r->nedits++];
	c->sn = xstrdup(ed->sn);
	c->file = xstrfmt("%s%s", prefix ? prefix : "", ed->file);
	c->node = xstrdup(ed->node);
	c->kind = ed->kind;
	c->server = xstrdup(ed->server);
	c->server_ip = ed->server_ip ? xstrdup(ed->server_ip) : NULL;
	c->spot_path = ed->spot_path ? xstrdup(ed->spot_path) : NULL;
	c->root_path = ed->root_path ? xstrdup(ed->root_path) : NULL;
}

static json_t *strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

void agent_request_write(const struct agent_request *r, struct strbuf *out)
{
	json_t *jobs = json_array(), *o;
	char *s;

	for (size_t i = 0; i < r->njobs; i++) {
		const struct agent_job *j = &r->jobs[i];
		json_array_append_new(
			jobs, json_pack("{s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:b,s:I,s:i}", "src", j->src,
					"dest", j->dest, "include", strvec_json(&j->include), "exclude",
					strvec_json(&j->exclude), "delete", j->del, "keep_root",
					j->keep_root, "verify", j->verify, "force", j->force, "max_delete",
					(json_int_t)j->max_delete, "max_delete_pct", j->max_delete_pct));
		if (j->ssh)
			json_object_set_new(json_array_get(jobs, i), "ssh", json_string(j->ssh));
	}
	o = json_pack("{s:i,s:s,s:s,s:b,s:o}", "protocol", AGENT_PROTOCOL, "version", r->version,
		      "host", r->host ? r->host : "", "dry_run", r->dry_run, "jobs", jobs);
	if (r->nedits) {
		json_t *edits = json_array();
		for (size_t i = 0; i < r->nedits; i++) {
			const struct redirect_edit *ed = &r->edits[i];
			json_t *e = json_pack("{s:s,s:s,s:s,s:s,s:s}", "sn", ed->sn, "node", ed->node,
					      "file", ed->file, "kind", redirect_kind_name(ed->kind),
					      "server", ed->server);
			if (ed->server_ip)
				json_object_set_new(e, "server_ip", json_string(ed->server_ip));
			if (ed->spot_path)
				json_object_set_new(e, "spot_path", json_string(ed->spot_path));
			if (ed->root_path)
				json_object_set_new(e, "root_path", json_string(ed->root_path));
			json_array_append_new(edits, e);
		}
		json_object_set_new(o, "redirect",
				    json_pack("{s:b,s:o}", "undo", r->redirect_undo, "edits", edits));
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		die_bug("agent request");
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(o);
}

/* Reads a string field; optional ones may be absent. 0, or -1 with e set. */
static int get_str(json_t *o, const char *where, const char *key, bool required, char **out,
		   struct err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return required ? err_set(e, "%s%s: missing", where, key) : 0;
	if (!json_is_string(v))
		return err_set(e, "%s%s: expected a string", where, key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(e, "%s%s: has a NUL byte", where, key);
	free(*out);
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_bool(json_t *o, const char *where, const char *key, bool *out, struct err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(e, "%s%s: expected true or false", where, key);
	*out = json_is_true(v);
	return 0;
}

static int get_int(json_t *o, const char *where, const char *key, int64_t lo, int64_t hi,
		   int64_t *out, struct err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return err_set(e, "%s%s: expected an integer from %lld to %lld", where, key,
			       (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return 0;
}

static int get_list(json_t *o, const char *where, const char *key, struct strvec *out,
		    struct err *e)
{
	json_t *v = json_object_get(o, key), *s;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return err_set(e, "%s%s: expected a list of strings", where, key);
	json_array_foreach(v, i, s) {
		if (!json_is_string(s) || !json_string_length(s) ||
		    strlen(json_string_value(s)) != json_string_length(s))
			return err_set(e, "%s%s[%zu]: expected a non-empty string", where, key, i);
		strvec_push(out, json_string_value(s));
	}
	return 0;
}

/* Refuses keys the protocol does not have (names, in order, end with NULL). */
static int only_keys(json_t *o, const char *where, const char *const *keys, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], k); i++)
			;
		if (!keys[i])
			return err_set(e, "%sunknown field '%s'", where, k);
	}
	return 0;
}

static int parse_job(json_t *o, size_t i, struct agent_job *j, struct err *e)
{
	static const char *const keys[] = { "src",       "dest",   "include", "exclude",
					    "delete",    "keep_root", "verify", "force",
					    "max_delete", "max_delete_pct", "ssh", NULL };
	char where[48];
	int64_t n;

	snprintf(where, sizeof(where), "jobs[%zu].", i);
	if (!json_is_object(o))
		return err_set(e, "jobs[%zu]: expected an object", i);
	if (only_keys(o, where, keys, e) < 0 || get_str(o, where, "src", true, &j->src, e) < 0 ||
	    get_str(o, where, "dest", true, &j->dest, e) < 0 ||
	    get_str(o, where, "ssh", false, &j->ssh, e) < 0 ||
	    get_list(o, where, "include", &j->include, e) < 0 ||
	    get_list(o, where, "exclude", &j->exclude, e) < 0 ||
	    get_bool(o, where, "delete", &j->del, e) < 0 ||
	    get_bool(o, where, "keep_root", &j->keep_root, e) < 0 ||
	    get_bool(o, where, "verify", &j->verify, e) < 0 ||
	    get_bool(o, where, "force", &j->force, e) < 0 ||
	    get_int(o, where, "max_delete", -1, INT64_MAX, &j->max_delete, e) < 0)
		return -1;
	n = j->max_delete_pct;
	if (get_int(o, where, "max_delete_pct", 0, 100, &n, e) < 0)
		return -1;
	j->max_delete_pct = (int)n;
	if (j->src[0] != '/')
		return err_set(e, "%ssrc: '%s' is not an absolute path", where, j->src);
	if (!j->dest[0])
		return err_set(e, "%sdest: empty", where);
	return 0;
}

static int parse_edit(json_t *o, size_t i, struct agent_request *r, struct err *e)
{
	static const char *const keys[] = { "sn",        "node",      "file",      "kind", "server",
					    "server_ip", "spot_path", "root_path", NULL };
	struct redirect_edit *ed;
	char where[48], *kind = NULL;
	int rc = -1;

	snprintf(where, sizeof(where), "redirect.edits[%zu].", i);
	if (!json_is_object(o))
		return err_set(e, "redirect.edits[%zu]: expected an object", i);
	ALLOC_GROW(r->edits, r->nedits + 1, r->aedits);
	ed = &r->edits[r->nedits++];
	memset(ed, 0, sizeof(*ed));
	if (only_keys(o, where, keys, e) < 0 || get_str(o, where, "sn", true, &ed->sn, e) < 0 ||
	    get_str(o, where, "node", true, &ed->node, e) < 0 ||
	    get_str(o, where, "file", true, &ed->file, e) < 0 ||
	    get_str(o, where, "kind", true, &kind, e) < 0 ||
	    get_str(o, where, "server", true, &ed->server, e) < 0 ||
	    get_str(o, where, "server_ip", false, &ed->server_ip, e) < 0 ||
	    get_str(o, where, "spot_path", false, &ed->spot_path, e) < 0 ||
	    get_str(o, where, "root_path", false, &ed->root_path, e) < 0)
		goto out;
	if (!strcmp(kind, "filesystems"))
		ed->kind = EDIT_FILESYSTEMS;
	else if (!strcmp(kind, "hosts"))
		ed->kind = EDIT_HOSTS;
	else if (!strcmp(kind, "info"))
		ed->kind = EDIT_INFO;
	else {
		err_set(e, "%skind: '%s' is not filesystems, hosts or info", where, kind);
		goto out;
	}
	if (ed->file[0] != '/') {
		err_set(e, "%sfile: '%s' is not an absolute path", where, ed->file);
		goto out;
	}
	if (ed->kind == EDIT_HOSTS && !ed->server_ip) {
		err_set(e, "%sserver_ip: missing", where);
		goto out;
	}
	rc = 0;
out:
	free(kind);
	return rc;
}

static int parse_redirect(json_t *o, struct agent_request *r, struct err *e)
{
	static const char *const keys[] = { "undo", "edits", NULL };
	json_t *edits, *x;
	size_t i;

	if (!json_is_object(o))
		return err_set(e, "redirect: expected an object");
	if (only_keys(o, "redirect.", keys, e) < 0 ||
	    get_bool(o, "redirect.", "undo", &r->redirect_undo, e) < 0)
		return -1;
	edits = json_object_get(o, "edits");
	if (!json_is_array(edits))
		return err_set(e, "redirect.edits: %s", edits ? "expected a list" : "missing");
	json_array_foreach(edits, i, x)
		if (parse_edit(x, i, r, e) < 0)
			return -1;
	return 0;
}

int agent_request_parse(const char *buf, size_t len, struct agent_request *r, struct err *e)
{
	static const char *const keys[] = { "protocol", "version", "host", "dry_run", "jobs", "redirect", NULL };
	json_error_t je;
	json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je), *jobs, *j;
	int64_t proto = -1;
	size_t i;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!o) {
		err_set(e, "request line %d column %d: %s", je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		err_set(e, "request: expected a JSON object");
		goto cleanup;
	}
	if (get_int(o, "", "protocol", 0, INT32_MAX, &proto, e) < 0)
		goto cleanup;
	if (proto != AGENT_PROTOCOL) {
		if (proto < 0)
			err_set(e, "request: protocol: missing");
		else
			err_set(e, "request: protocol %lld is not supported (this agent speaks %d)",
				(long long)proto, AGENT_PROTOCOL);
		goto cleanup;
	}
	if (only_keys(o, "request: ", keys, e) < 0 ||
	    get_str(o, "request: ", "version", true, &r->version, e) < 0 ||
	    get_str(o, "request: ", "host", false, &r->host, e) < 0 ||
	    get_bool(o, "request: ", "dry_run", &r->dry_run, e) < 0)
		goto cleanup;
	jobs = json_object_get(o, "jobs");
	if (!json_is_array(jobs)) {
		err_set(e, "request: jobs: %s", jobs ? "expected a list" : "missing");
		goto cleanup;
	}
	json_array_foreach(jobs, i, j) {
		if (parse_job(j, i, agent_request_add(r), e) < 0) {
			err_prefix(e, "request");
			goto cleanup;
		}
	}
	if (json_object_get(o, "redirect") && parse_redirect(json_object_get(o, "redirect"), r, e) < 0) {
		err_prefix(e, "request");
		goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(o);
	return rc;
}

/* ---- the agent ---- */

struct serve {
	FILE *out;
	size_t job;
	double last_progress;
	uint64_t errors;
	struct strbuf first_error;
};

/* Writes one JSON line and flushes it (the MN reads as they come). */
static void emit(FILE *out, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s) {
		fputs(s, out);
		fputc('\n', out);
		fflush(out);
		free(s);
	}
	json_decref(o);
}

static void emit_error(FILE *out, const char *msg)
{
	emit(out, json_pack("{s:s,s:s}", "type", "error", "message", msg));
}

static void on_event(void *arg, const struct sync_event *ev)
{
	struct serve *s = arg;

	if (ev->kind != SYNC_EV_ERROR)
		return;
	if (!s->errors++)
		strbuf_addstr(&s->first_error, ev->detail ? ev->detail : ev->path);
}

static void on_progress(void *arg, const struct sync_stats *st)
{
	struct serve *s = arg;
	double t = now();

	if (t - s->last_progress < 0.5)
		return;
	s->last_progress = t;
	emit(s->out, json_pack("{s:s,s:I,s:I,s:I,s:I}", "type", "progress", "job", (json_int_t)s->job,
			       "done_files", (json_int_t)st->done_files, "todo_files",
			       (json_int_t)st->todo_files, "bytes", (json_int_t)st->bytes));
}

/* True when dir is a directory that holds at least one entry. */
static bool has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool any = false;

	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return any;
}

/*
 * The parent of dest (a path, or an nfs:// URL whose path ends before its
 * ?options), or NULL at the top (caller frees).
 */
static char *parent_of(const char *dest)
{
	const char *q = nfsurl_is(dest) ? strchr(dest, '?') : NULL;
	size_t end = q ? (size_t)(q - dest) : strlen(dest), top = nfsurl_is(dest) ? 6 : 0;
	const char *slash;

	while (end > top + 1 && dest[end - 1] == '/')
		end--;
	for (slash = dest + end; slash > dest + top && slash[-1] != '/'; slash--)
		;
	if (slash <= dest + top + 1 || (top && !memchr(dest + top, '/', (size_t)(slash - 1 - dest - top))))
		return NULL; /* "/" or the server part of a URL */
	return xstrfmt("%.*s%s", (int)(slash - 1 - dest), dest, q ? q : "");
}

/*
 * Makes dir (a local path or nfs:// URL) and its missing parents through
 * the engine's own backend, which creates one level at a time. 0, or -1
 * with e set.
 */
static int make_dir_p(const char *dir, int depth, struct err *e)
{
	struct dest *d = nfsurl_is(dir) ? dest_nfs_new(dir, 0, e) : dest_local_new(0);
	struct dest_dir *dd = NULL;
	struct err e2 = ERR_INIT;
	int rc = -1;

	if (!d)
		return -1;
	if (d->ops->open_root(d, dir, 0, &dd, &e2) == 0) {
		rc = 0;
	} else if (e2.code == ENOENT && depth < 64) {
		char *up = parent_of(dir);
		struct dest_meta m;
		err_clear(&e2);
		memset(&m, 0, sizeof(m));
		m.mode = S_IFDIR | 0755;
		if ((!up || make_dir_p(up, depth + 1, e) == 0) &&
		    d->ops->open_root(d, dir, 1, &dd, &e2) == 0 &&
		    d->ops->setattr(d, dd, NULL, &m, DEST_SET_MODE, &e2) == 0)
			rc = 0;
		else if (e2.msg.len)
			err_set(e, "cannot create '%s': %s", dir, e2.msg.buf);
		free(up);
	} else {
		err_set(e, "cannot open '%s': %s", dir, e2.msg.buf);
	}
	if (dd)
		d->ops->close_dir(d, dd);
	d->ops->release(d);
	err_release(&e2);
	return rc;
}

/* Makes the missing parents of a job's destination. 0, or -1 with e set. */
static int make_parents(const char *dest, struct err *e)
{
	char *up = parent_of(dest);
	int rc = up ? make_dir_p(up, 0, e) : 0;

	free(up);
	return rc;
}

/* Builds the engine's filter from the job's scope. 0, or -1 with e set. */
static int job_filter(const struct agent_job *j, struct filter *f, struct err *e)
{
	struct strbuf pat = STRBUF_INIT;
	int rc = 0;

	/* the excluded directory itself stays in this job, its contents do not */
	for (size_t k = 0; k < j->exclude.nr && !rc; k++) {
		const char *x = j->exclude.v[k];
		strbuf_reset(&pat);
		strbuf_addf(&pat, "/%s%s**", x, ends_with(x, "/") ? "" : "/");
		rc = filter_add(f, false, pat.buf, e);
	}
	for (size_t k = 0; k < j->include.nr && !rc; k++) {
		strbuf_reset(&pat);
		strbuf_addf(&pat, "/%s", j->include.v[k]);
		rc = filter_add(f, true, pat.buf, e);
	}
	if (j->include.nr && !rc)
		rc = filter_add(f, false, "*", e);
	strbuf_release(&pat);
	return rc;
}

/* Runs job i and writes its result line. Returns its state. */
static enum agent_state run_job(const struct agent_request *r, size_t i, struct db *db, FILE *out,
				const volatile int *stop)
{
	const struct agent_job *j = &r->jobs[i];
	struct serve s = { out, i, 0, 0, STRBUF_INIT };
	struct sync_opts so = { 0 };
	struct sync_stats st;
	struct filter *f = filter_new();
	struct err e = ERR_INIT;
	enum agent_state state = AGENT_OK;
	char *msg = NULL;
	double t0 = now();
	struct strbuf parents_why = STRBUF_INIT;
	json_t *o;

	memset(&st, 0, sizeof(st));
	if (!has_entries(j->src) && !j->force) {
		/* an image directory missing or emptied on the SN must never empty the server */
		state = AGENT_SKIPPED;
		msg = xstrfmt("source '%s' is missing or empty: not synced", j->src);
		goto report;
	}
	/*
	 * Missing parents are made first. Failing that is not yet an error:
	 * over NFS the destination may be an export of its own whose parent
	 * no export reaches (after the first apply replaced the seed
	 * exports); the engine then opens it directly, and only when that
	 * fails too is the parents' reason given.
	 */
	if (rsyncdest_is(j->dest)) {
		/* ssh://: rsync over ssh does the whole job, parents included */
		if (rsyncdest_run(j, r->dry_run, &st, &e) < 0) {
			state = AGENT_FAILED;
			msg = xstrfmt("%s%s", e.msg.buf, e.code == EXIT_DELETE_LIMIT ? ": not synced" : "");
		}
		goto report;
	}
	if (!r->dry_run && make_parents(j->dest, &e) < 0) {
		strbuf_addbuf(&parents_why, &e.msg);
		err_clear(&e);
	}
	if (job_filter(j, f, &e) < 0) {
		state = AGENT_FAILED;
		msg = xstrdup(e.msg.buf);
		goto report;
	}
	so.src = j->src;
	so.dest = j->dest;
	so.filter = f;
	/* jobs that own only some names of a directory share its manifest key: none */
	so.db = j->include.nr ? NULL : db;
	so.del = j->del;
	so.force = j->force;
	so.dry_run = r->dry_run;
	so.keep_root = j->keep_root;
	so.verify = j->verify;
	so.max_delete = j->max_delete;
	so.max_delete_pct = j->max_delete_pct;
	so.on_event = on_event;
	so.on_progress = on_progress;
	so.cb_arg = &s;
	so.stop = stop;
	if (sync_tree(&so, &st, &e) < 0) {
		state = AGENT_FAILED;
		msg = xstrfmt("%s%s%s%s", e.msg.buf, e.code == EXIT_DELETE_LIMIT ? ": not synced" : "",
			      parents_why.len ? "; before that: " : "", parents_why.buf);
	} else if (st.failed) {
		state = AGENT_FAILED;
		msg = xstrfmt("%llu entr%s failed, the first: %s", (unsigned long long)st.failed,
			      st.failed == 1 ? "y" : "ies", s.first_error.buf);
	}
report:
	o = json_pack("{s:s,s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "type", "result", "job",
		      (json_int_t)i, "state",
		      state == AGENT_OK ? "ok" : state == AGENT_SKIPPED ? "skipped" : "failed",
		      "created", (json_int_t)st.created, "updated", (json_int_t)st.updated,
		      "metadata", (json_int_t)st.metadata, "deleted", (json_int_t)st.deleted,
		      "failed", (json_int_t)st.failed, "bytes", (json_int_t)st.bytes, "seconds",
		      (double)(int64_t)((now() - t0) * 1000 + 0.5) / 1000);
	if (msg)
		json_object_set_new(o, "message", json_string(msg));
	emit(out, o);
	free(msg);
	filter_free(f);
	err_release(&e);
	strbuf_release(&s.first_error);
	strbuf_release(&parents_why);
	return state;
}

static void host_name(char *buf, size_t n)
{
	if (gethostname(buf, n) < 0)
		snprintf(buf, n, "unknown");
	buf[n - 1] = '\0';
}

/* Applies r's redirect edits and writes one line per edit. Returns how many failed. */
static size_t serve_redirect(const struct agent_request *r, const char *backup_dir, FILE *out)
{
	struct plan p;
	struct conf c;
	struct redirect_report rr = { 0 };
	struct err e = ERR_INIT;
	size_t failed;

	/* the edits as a plan of their own, their files as paths on this host */
	memset(&p, 0, sizeof(p));
	p.edits = r->edits;
	p.nedits = r->nedits;
	conf_init(&c);
	redirect_apply(&p, &c, backup_dir, r->redirect_undo, r->dry_run, &rr, &e);
	for (size_t i = 0; i < rr.nr; i++) {
		const struct redirect_item *it = &rr.items[i];
		json_t *o = json_pack("{s:s,s:I,s:s}", "type", "redirect", "index", (json_int_t)i, "state",
				      it->state == REDIRECT_CHANGED     ? "changed"
				      : it->state == REDIRECT_UNCHANGED ? "unchanged"
									: "failed");
		if (it->msg)
			json_object_set_new(o, "message", json_string(it->msg));
		emit(out, o);
	}
	failed = rr.failed;
	redirect_report_release(&rr);
	conf_release(&c);
	err_release(&e);
	return failed;
}

int agent_serve(FILE *in, FILE *out, struct db *db, const char *backup_dir,
		const volatile int *stop)
{
	size_t redirect_failed = 0;
	struct agent_request r = { 0 };
	struct strbuf buf = STRBUF_INIT;
	struct err e = ERR_INIT;
	char host[256], chunk[8192];
	size_t n, counts[3] = { 0, 0, 0 };
	int rc = EXIT_DATA;

	host_name(host, sizeof(host));
	emit(out, json_pack("{s:s,s:s,s:i,s:s}", "type", "hello", "version", EXTNFS_VERSION,
			    "protocol", AGENT_PROTOCOL, "host", host));
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
		if (buf.len + n > REQUEST_MAX) {
			emit_error(out, "request: larger than 64 MiB");
			goto cleanup;
		}
		strbuf_add(&buf, chunk, n);
	}
	if (ferror(in)) {
		err_set(&e, "cannot read the request: %s", strerror(errno));
		emit_error(out, e.msg.buf);
		goto cleanup;
	}
	if (agent_request_parse(buf.buf, buf.len, &r, &e) < 0) {
		emit_error(out, e.msg.buf);
		goto cleanup;
	}
	if (strcmp(r.version, EXTNFS_VERSION)) {
		err_set(&e, "version mismatch: the request comes from extnfs %s, the agent on '%s' is extnfs %s",
			r.version, host, EXTNFS_VERSION);
		emit_error(out, e.msg.buf);
		goto cleanup;
	}
	if (r.nedits)
		redirect_failed = serve_redirect(&r, backup_dir, out);
	for (size_t i = 0; i < r.njobs; i++)
		counts[run_job(&r, i, db, out, stop)]++;
	emit(out, json_pack("{s:s,s:I,s:I,s:I}", "type", "end", "ok", (json_int_t)counts[AGENT_OK],
			    "skipped", (json_int_t)counts[AGENT_SKIPPED], "failed",
			    (json_int_t)counts[AGENT_FAILED]));
	rc = counts[AGENT_OK] == r.njobs && !redirect_failed ? EXIT_OK : EXIT_SOME_FAILED;
cleanup:
	agent_request_release(&r);
	strbuf_release(&buf);
	err_release(&e);
	return rc;
}

/* ---- the MN's side: the agent's lines ---- */

void agent_event_release(struct agent_event *ev)
{
	free(ev->version);
	free(ev->host);
	free(ev->message);
	memset(ev, 0, sizeof(*ev));
}

static uint64_t get_u64(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

int agent_event_parse(const char *line, size_t len, struct agent_event *ev, struct err *e)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, 0, &je);
	const char *type;
	int rc = -1;

	memset(ev, 0, sizeof(*ev));
	if (!o || !json_is_object(o) || !(type = json_string_value(json_object_get(o, "type")))) {
		/* the line is not NUL-terminated, and may hold anything */
		struct strbuf q = STRBUF_INIT;
		strbuf_addquoted(&q, line, len < 60 ? len : 60);
		err_set(e, "%s: %s%s", o && json_is_object(o) ? "a line without a type" : "not a JSON object",
			q.buf, len > 60 ? "..." : "");
		strbuf_release(&q);
		goto cleanup;
	}
	if (!strcmp(type, "hello")) {
		ev->type = AEV_HELLO;
		if (get_str(o, "hello: ", "version", true, &ev->version, e) < 0 ||
		    get_str(o, "hello: ", "host", false, &ev->host, e) < 0)
			goto cleanup;
	} else if (!strcmp(type, "progress") || !strcmp(type, "result")) {
		const char *state = json_string_value(json_object_get(o, "state"));
		ev->type = type[0] == 'p' ? AEV_PROGRESS : AEV_RESULT;
		if (!json_is_integer(json_object_get(o, "job"))) {
			err_set(e, "%s: job: expected an integer", type);
			goto cleanup;
		}
		ev->job = (size_t)get_u64(o, "job");
		ev->done_files = get_u64(o, "done_files");
		ev->todo_files = get_u64(o, "todo_files");
		ev->created = get_u64(o, "created");
		ev->updated = get_u64(o, "updated");
		ev->metadata = get_u64(o, "metadata");
		ev->deleted = get_u64(o, "deleted");
		ev->failed = get_u64(o, "failed");
		ev->bytes = get_u64(o, "bytes");
		ev->seconds = json_number_value(json_object_get(o, "seconds"));
		if (ev->type == AEV_RESULT) {
			if (!state || (strcmp(state, "ok") && strcmp(state, "skipped") && strcmp(state, "failed"))) {
				err_set(e, "result: state: expected ok, skipped or failed");
				goto cleanup;
			}
			ev->state = state[0] == 'o' ? AGENT_OK : state[0] == 's' ? AGENT_SKIPPED : AGENT_FAILED;
			if (get_str(o, "result: ", "message", false, &ev->message, e) < 0)
				goto cleanup;
		}
	} else if (!strcmp(type, "redirect")) {
		const char *state = json_string_value(json_object_get(o, "state"));
		ev->type = AEV_REDIRECT;
		if (!json_is_integer(json_object_get(o, "index")) || !state ||
		    (strcmp(state, "changed") && strcmp(state, "unchanged") && strcmp(state, "failed"))) {
			err_set(e, "redirect: expected an index and a state (changed, unchanged, failed)");
			goto cleanup;
		}
		ev->job = (size_t)get_u64(o, "index");
		ev->state = state[0] == 'c' ? AGENT_OK : state[0] == 'u' ? AGENT_SKIPPED : AGENT_FAILED;
		if (get_str(o, "redirect: ", "message", false, &ev->message, e) < 0)
			goto cleanup;
	} else if (!strcmp(type, "end")) {
		ev->type = AEV_END;
	} else if (!strcmp(type, "error")) {
		ev->type = AEV_ERROR;
		if (get_str(o, "error: ", "message", true, &ev->message, e) < 0)
			goto cleanup;
	} else {
		err_set(e, "unknown line type '%.40s'", type);
		goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(o);
	return rc;
}
