/*
 * apply.c: server locks, the sync summary, statelite directories; see
 * apply.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/import.h"
#include "plan/plan.h"
#include "remote/apply.h"
#include "remote/rsyncdest.h"
#include "sync/nfs.h"
#include "sync/nfsurl.h"
#include "sync/ops.h"
#include "util/conf.h"
#include "util/banned.h"

static void say_waiting(const char *msg)
{
	fprintf(stderr, "extnfs: %s; waiting\n", msg);
}

int apply_lock_servers(const struct plan *p, const char *dbpath, struct lock **locks, size_t *n,
		       struct err *e)
{
	struct strvec servers = STRVEC_INIT;
	struct strbuf path = STRBUF_INIT;
	int rc = -1;

	for (size_t i = 0; i < p->njobs; i++)
		if (strvec_find(&servers, p->jobs[i].server) < 0)
			strvec_push(&servers, p->jobs[i].server);
	for (size_t i = 0; i < p->nexports; i++)
		if (strvec_find(&servers, p->exports[i].server) < 0)
			strvec_push(&servers, p->exports[i].server);
	strvec_sort(&servers);
	*locks = xcalloc(servers.nr ? servers.nr : 1, sizeof(**locks));
	*n = 0;
	for (size_t i = 0; i < servers.nr; i++) {
		struct lock *l = &(*locks)[i];
		l->fd = -1;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s.%s.lock", dbpath, servers.v[i]);
		if (lock_take(l, path.buf, true, say_waiting, e) != 0)
			goto cleanup;
		(*n)++;
	}
	rc = 0;
cleanup:
	strvec_clear(&servers);
	strbuf_release(&path);
	return rc;
}

void apply_unlock(struct lock *locks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lock_release(&locks[i]);
	free(locks);
}

void sync_summary(const struct plan *p, const struct job_result *r, bool dry_run, struct strbuf *out)
{
	struct strvec keys = STRVEC_INIT;
	size_t ok = 0, skipped = 0, failed = 0;
	unsigned long changes = 0;

	for (size_t i = 0; i < p->njobs; i++) {
		const char *k = xstrfmt("%s\x1f%s", p->jobs[i].src_host, p->jobs[i].kind);
		if (strvec_find(&keys, k) < 0)
			strvec_push(&keys, k);
		free((char *)k);
	}
	strvec_sort(&keys);
	strbuf_addf(out, "%-8s %-12s %6s %8s %7s %8s\n", "HOST", "RESOURCE", "OK", "SKIPPED", "FAILED",
		    "CHANGES");
	for (size_t k = 0; k < keys.nr; k++) {
		const char *sep = strchr(keys.v[k], '\x1f');
		size_t n[3] = { 0, 0, 0 };
		unsigned long ch = 0;
		for (size_t i = 0; i < p->njobs; i++) {
			const struct tree_job *j = &p->jobs[i];
			if (strncmp(j->src_host, keys.v[k], (size_t)(sep - keys.v[k])) ||
			    j->src_host[sep - keys.v[k]] || strcmp(j->kind, sep + 1))
				continue;
			n[r[i].state]++;
			ch += r[i].changes;
		}
		strbuf_addf(out, "%-8.*s %-12s %6zu %8zu %7zu %8lu\n", (int)(sep - keys.v[k]), keys.v[k],
			    sep + 1, n[JOB_OK], n[JOB_SKIPPED], n[JOB_FAILED], ch);
	}
	for (size_t i = 0; i < p->njobs; i++) {
		ok += r[i].state == JOB_OK;
		skipped += r[i].state == JOB_SKIPPED;
		failed += r[i].state == JOB_FAILED;
		changes += r[i].changes;
		if (r[i].msg)
			strbuf_addf(out, "%s %s %s: %s\n", r[i].state == JOB_FAILED ? "failed: " : "skipped:",
				    p->jobs[i].src_host, p->jobs[i].path, r[i].msg);
	}
	strbuf_addf(out, "sync%s: %zu job(s): %zu ok, %zu skipped, %zu failed; %lu change(s)%s\n",
		    dry_run ? " (dry run)" : "", p->njobs, ok, skipped, failed, changes,
		    changes || failed || skipped ? "" : ": nothing changed");
	strvec_clear(&keys);
}

int sync_exit_code(const struct job_result *r, size_t n)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++)
		ok += r[i].state == JOB_OK;
	return ok == n ? EXIT_OK : ok == 0 ? EXIT_ALL_FAILED : EXIT_SOME_FAILED;
}

/* A backend opened at spec (a local path or an nfs:// URL), or NULL with e set. */
static struct dest *open_spec(const char *spec, struct dest_dir **dir, struct err *e)
{
	struct dest *d = nfsurl_is(spec) ? dest_nfs_new(spec, 0, e) : dest_local_new(0);

	if (d && d->ops->open_root(d, spec, 0, dir, e) < 0) {
		d->ops->release(d);
		d = NULL;
	}
	return d;
}

/* The backend opened at the first k components of a directory of server. */
static struct dest *open_level(const struct conf *c, const char *server, const struct strvec *comps,
			       size_t k, struct dest_dir **dir, struct err *e)
{
	struct strbuf prefix = STRBUF_INIT;
	struct dest *d = NULL;
	char *spec;

	for (size_t i = 0; i < k; i++)
		strbuf_addf(&prefix, "/%s", comps->v[i]);
	spec = conf_server_dest(c, server, prefix.len ? prefix.buf : "/", e);
	if (spec)
		d = open_spec(spec, dir, e);
	free(spec);
	strbuf_release(&prefix);
	return d;
}

/*
 * Creates pd's directory on its server (a local dest or nfs://) with its
 * mode and owner, missing parents 0755; never through a symlink (each
 * component is looked up in its parent); an existing directory is left as
 * it is. A local dest is walked from its root; over NFS from the deepest
 * existing directory an export reaches (the server decides what can be
 * mounted). 1 created, 0 existed, -1.
 */
static int make_dir(const struct conf *c, const struct plan_dir *pd, bool dry, struct err *e)
{
	struct strvec comps = STRVEC_INIT;
	struct dest *d = NULL;
	struct dest_dir *dir = NULL;
	char *spec = conf_server_dest(c, pd->server, "/", e);
	int rc = -1, created = 0;
	size_t k;

	if (!spec)
		goto out;
	strvec_split(&comps, pd->path, '/', 1);
	for (k = 0; k < comps.nr; k++)
		if (!strcmp(comps.v[k], ".") || !strcmp(comps.v[k], "..")) {
			err_set(e, "refusing path '%s': it has '%s' in it", pd->path, comps.v[k]);
			goto out;
		}
	/*
	 * Over NFS start at the parent, so that the directory itself is
	 * looked up without following a symlink; when no export reaches the
	 * parent (once apply has written the exports, a node's statemnt
	 * directory is an export of its own) try the directory itself. Then
	 * up, one level at a time, while a level does not exist.
	 */
	k = nfsurl_is(spec) && comps.nr ? comps.nr - 1 : 0;
	d = open_level(c, pd->server, &comps, k, &dir, e);
	if (!d && k && e->code != ENOENT) {
		err_clear(e);
		d = open_level(c, pd->server, &comps, comps.nr, &dir, e);
		k = comps.nr;
	}
	while (!d && k && e->code == ENOENT) {
		err_clear(e);
		d = open_level(c, pd->server, &comps, --k, &dir, e);
	}
	if (!d)
		goto out;
	for (; k < comps.nr; k++) {
		const char *name = comps.v[k];
		bool last = k + 1 == comps.nr;
		struct dest_meta m;
		struct dest_dir *next;
		int r = d->ops->lstat(d, dir, name, &m, e);

		if (r < 0)
			goto out;
		if (r && !S_ISDIR(m.mode)) {
			err_set(e, "cannot create '%s': '%s' is in the way: not a directory (or a symbolic link)",
				pd->path, name);
			goto out;
		}
		if (!r) {
			if (dry) {
				rc = 1;
				goto out;
			}
			if (d->ops->mkdir(d, dir, name, last ? pd->mode : 0755, e) < 0)
				goto out;
			memset(&m, 0, sizeof(m));
			m.mode = S_IFDIR | (last ? pd->mode : 0755);
			m.uid = last ? (uint32_t)pd->uid : 0;
			m.gid = last ? (uint32_t)pd->gid : 0;
			/* mkdir's mode is cut by the umask: set it, and the owner */
			if (d->ops->setattr(d, dir, name, &m, DEST_SET_OWNER | DEST_SET_MODE, e) < 0)
				goto out;
			created = 1;
		}
		if (last)
			break;
		if (d->ops->open_dir(d, dir, name, &next, e) < 0)
			goto out;
		d->ops->close_dir(d, dir);
		dir = next;
	}
	rc = created;
out:
	if (dir)
		d->ops->close_dir(d, dir);
	if (d)
		d->ops->release(d);
	free(spec);
	strvec_clear(&comps);
	return rc;
}

/*
 * The statelite directories of an ssh:// server, made in one ssh session:
 * stdin has "MODE UID GID PATH" lines, stdout one line each: created,
 * existed, "inway NAME" or "failed MESSAGE". The same rules as make_dir:
 * each component checked before it is entered (a symbolic link or a file
 * is in the way), missing parents 0755, the directory itself with its
 * mode and owner, an existing one not touched. $1 = 1: a dry run.
 */
static const char statelite_sh[] =
	"dry=$1; set -f\n"
	"while IFS=' ' read -r mode uid gid path; do\n"
	"  cur=; st=existed; out=\n"
	"  IFS=/; set -- $path; IFS=' '; n=$#; i=0\n"
	"  for c do\n"
	"    i=$((i + 1)); [ -n \"$c\" ] || continue; cur=$cur/$c\n"
	"    if [ -L \"$cur\" ] || { [ -e \"$cur\" ] && [ ! -d \"$cur\" ]; }; then out=\"inway $c\"; break; fi\n"
	"    [ -d \"$cur\" ] && continue\n"
	"    st=created; [ \"$dry\" = 1 ] && break\n"
	"    if [ $i = $n ]; then\n"
	"      e=$(mkdir -- \"$cur\" 2>&1 && chown \"$uid:$gid\" -- \"$cur\" 2>&1 && chmod \"$mode\" -- \"$cur\" 2>&1)\n"
	"    else e=$(mkdir -m 0755 -- \"$cur\" 2>&1); fi || { out=\"failed $e\"; break; }\n"
	"  done\n"
	"  echo \"${out:-$st}\"\n"
	"done\n";

/* The dirs of server (an ssh:// dest) into r; one ssh session. */
static void statelite_ssh(const struct plan *p, const struct conf *c, const char *server,
			  bool dry, struct statelite_report *r)
{
	const struct conf_server *cs = conf_server(c, server);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct strvec sent = STRVEC_INIT, lines = STRVEC_INIT;
	struct err e = ERR_INIT;
	struct sshdest d;
	const char *args[] = { dry ? "1" : "0", NULL };
	size_t k = 0;
	bool ok = sshdest_parse(cs->dest, cs->ssh, &d, &e) == 0;
	char *what = xstrfmt("making the statelite directories on %s", server);
	const char *base = ok ? d.path : "/";

	for (size_t i = 0; i < p->ndirs; i++) {
		const struct plan_dir *pd = &p->dirs[i];
		if (strcmp(pd->server, server))
			continue;
		if (strchr(pd->path, '\n') || strstr(pd->path, "/../") || strstr(pd->path, "/./") ||
		    ends_with(pd->path, "/..") || ends_with(pd->path, "/.")) {
			strvec_pushf(&r->lines, "failed: %s %s: refusing the path: it has '.', '..' or a newline in it",
				     server, pd->path);
			r->failed++;
			continue;
		}
		/* 00755: GNU chmod clears an inherited setgid bit only with two leading zeros */
		strbuf_addf(&in, "%05o %lu %lu %.*s%s\n", pd->mode, (unsigned long)pd->uid,
			    (unsigned long)pd->gid, (int)(strlen(base) - 1), base, pd->path);
		strvec_pushf(&sent, "%zu", i);
	}
	if (ok && sent.nr && sshdest_sh(&d, what, statelite_sh, args, &in, &out, &e) < 0)
		ok = false;
	strvec_split(&lines, out.buf, '\n', 1);
	for (size_t j = 0; j < sent.nr; j++) {
		const struct plan_dir *pd = &p->dirs[strtoul(sent.v[j], NULL, 10)];
		const char *l = ok && k < lines.nr ? lines.v[k++] : NULL;
		if (l && !strcmp(l, "existed")) {
			r->existed++;
		} else if (l && !strcmp(l, "created")) {
			strvec_pushf(&r->lines, "%s %s:%s (%s, %s)", dry ? "would create" : "created",
				     server, pd->path, pd->kind, pd->node);
			r->created++;
		} else {
			if (l && starts_with(l, "inway "))
				strvec_pushf(&r->lines,
					     "failed: %s %s: cannot create '%s': '%s' is in the way: not a "
					     "directory (or a symbolic link)",
					     server, pd->path, pd->path, l + 6);
			else
				strvec_pushf(&r->lines, "failed: %s %s: %s", server, pd->path,
					     l ? (starts_with(l, "failed ") ? l + 7 : l)
					       : e.msg.len ? e.msg.buf : "no answer");
			r->failed++;
		}
	}
	free(what);
	sshdest_release(&d);
	strbuf_release(&in);
	strbuf_release(&out);
	strvec_clear(&sent);
	strvec_clear(&lines);
	err_release(&e);
}

int statelite_prepare(const struct plan *p, const struct conf *c, bool dry_run,
		      struct statelite_report *r, struct err *e)
{
	/* a server that cannot be reached fails its other directories at once */
	struct strvec down = STRVEC_INIT, why = STRVEC_INIT;

	memset(r, 0, sizeof(*r));
	strvec_init(&r->lines);
	for (size_t i = 0; i < p->ndirs; i++) {
		const struct plan_dir *d = &p->dirs[i];
		const struct conf_server *cs = conf_server(c, d->server);
		struct err fe = ERR_INIT;
		int k = strvec_find(&down, d->server), rc;

		/*
		 * an ssh:// server gets all of its directories at once, at its
		 * first; then it is in down (done) with no reason of its own
		 */
		if (cs && cs->dest && starts_with(cs->dest, "ssh://")) {
			if (k < 0) {
				statelite_ssh(p, c, d->server, dry_run, r);
				strvec_push(&down, d->server);
				strvec_push(&why, "");
			}
			continue;
		}
		if (k >= 0)
			rc = err_set(&fe, "%s", why.v[k]);
		else
			rc = make_dir(c, d, dry_run, &fe);
		if (rc < 0 && k < 0 && fe.code == EIO) {
			strvec_push(&down, d->server);
			strvec_push(&why, fe.msg.buf);
		}
		if (rc < 0) {
			strvec_pushf(&r->lines, "failed: %s %s: %s", d->server, d->path, fe.msg.buf);
			r->failed++;
		} else if (rc) {
			strvec_pushf(&r->lines, "%s %s:%s (%s, %s)", dry_run ? "would create" : "created",
				     d->server, d->path, d->kind, d->node);
			r->created++;
		} else {
			r->existed++;
		}
		err_release(&fe);
	}
	strvec_clear(&down);
	strvec_clear(&why);
	(void)e;
	return 0;
}

void statelite_report_release(struct statelite_report *r)
{
	strvec_clear(&r->lines);
	memset(r, 0, sizeof(*r));
}

const char *server_control(const struct conf_server *cs)
{
	if (cs->control)
		return cs->control;
	return cs->dest && starts_with(cs->dest, "ssh://") ? cs->dest : NULL;
}

/*
 * Runs script on the server's control host (server_control) with args
 * ($1...); in on its stdin, out gets its stdout. 0, or -1 with e set.
 */
static int control_sh(const struct conf_server *cs, const char *what, const char *script,
		      const char *const *args, const struct strbuf *in, struct strbuf *out,
		      struct err *e)
{
	struct sshdest d;
	int rc;

	if (sshdest_parse(server_control(cs), cs->ssh, &d, e) < 0)
		return -1;
	rc = sshdest_sh(&d, what, script, args, in, out, e);
	sshdest_release(&d);
	return rc;
}

int server_read_file(const struct conf_server *cs, const char *path, struct strbuf *out,
		     bool *exists, struct err *e)
{
	const char *args[] = { path, NULL };
	struct strbuf buf = STRBUF_INIT;
	char *what;
	int rc;

	if (!server_control(cs)) {
		if (exists && !(*exists = access(path, F_OK) == 0))
			return 0;
		return read_file(path, out, e);
	}
	what = xstrfmt("reading '%s' on %s", path, cs->name);
	rc = control_sh(cs, what,
			"if [ -e \"$1\" ]; then printf y && cat -- \"$1\"; else printf n; fi", args,
			NULL, &buf, e);
	free(what);
	if (!rc && !buf.len)
		rc = err_set(e, "reading '%s' on %s: no answer", path, cs->name);
	if (!rc && buf.buf[0] != 'y' && !exists)
		rc = err_set(e, "cannot read '%s' on %s: %s", path, cs->name, strerror(ENOENT));
	if (!rc) {
		if (exists)
			*exists = buf.buf[0] == 'y';
		strbuf_add(out, buf.buf + 1, buf.len - 1);
	}
	strbuf_release(&buf);
	return rc;
}

/* Writes content as path on the server: a temporary file renamed into place. */
static int server_write_file(const struct conf_server *cs, const char *path,
			     const struct strbuf *content, struct err *e)
{
	const char *args[] = { path, NULL };
	char *what;
	int rc;

	if (!server_control(cs))
		return write_file_atomic(path, content, e);
	what = xstrfmt("writing '%s' on %s", path, cs->name);
	rc = control_sh(cs, what,
			"t=\"$1.extnfs-tmp.$$\"; cat >\"$t\" && mv -f -- \"$t\" \"$1\" || "
			"{ rm -f -- \"$t\"; exit 1; }",
			args, content, NULL, e);
	free(what);
	return rc;
}

static void server_remove_file(const struct conf_server *cs, const char *path)
{
	const char *args[] = { path, NULL };
	struct err ignore = ERR_INIT;

	if (!server_control(cs))
		unlink(path);
	else
		control_sh(cs, "rm", "rm -f -- \"$1\"", args, NULL, NULL, &ignore);
	err_release(&ignore);
}

/* Reloads a server reached over ssh: the same commands, run there. */
static int reload_remote(const struct conf_server *cs, struct err *e)
{
	const char *args[] = { cs->pidfile, NULL };
	char *what;
	int rc;

	if (!strcmp(cs->reload, "exportfs"))
		return control_sh(cs, "'exportfs -ra'", "exportfs -ra", NULL, NULL, NULL, e);
	if (!cs->pidfile)
		return err_set(e, "[server %s] reload = sighup needs pidfile", cs->name);
	what = xstrfmt("signalling the NFS server (pid from '%s')", cs->pidfile);
	rc = control_sh(cs, what, "p=$(cat -- \"$1\") && kill -HUP \"$p\"", args, NULL, NULL, e);
	free(what);
	return rc;
}

/* Reloads the server as its configuration says. 0, or -1 with e set. */
int reload_server(const struct conf_server *cs, struct err *e)
{
	if (!strcmp(cs->reload, "none"))
		return 0;
	if (server_control(cs) && strcmp(cs->reload, "dbus"))
		return reload_remote(cs, e);
	if (!strcmp(cs->reload, "sighup")) {
		struct strbuf pid = STRBUF_INIT;
		unsigned long n = 0;
		int rc = -1;
		if (!cs->pidfile)
			return err_set(e, "[server %s] reload = sighup needs pidfile", cs->name);
		if (read_file(cs->pidfile, &pid, e) < 0)
			goto out;
		strbuf_rtrim(&pid);
		if (!parse_ulong(pid.buf, &n) || n < 2 || n > 0x7fffffff) {
			err_set(e, "no process id in '%s'", cs->pidfile);
			goto out;
		}
		if (kill((pid_t)n, SIGHUP) < 0) {
			err_set(e, "cannot signal the NFS server (pid %lu from '%s'): %s", n, cs->pidfile,
				strerror(errno));
			goto out;
		}
		rc = 0;
out:
		strbuf_release(&pid);
		return rc;
	}
	if (!strcmp(cs->reload, "exportfs")) {
		pid_t pid = fork();
		int status;
		if (pid < 0)
			return err_set(e, "cannot run exportfs: %s", strerror(errno));
		if (pid == 0) {
			execlp("exportfs", "exportfs", "-ra", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return err_set(e, "'exportfs -ra' failed (status %d)",
				       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 0;
	}
	return err_set(e, "reload '%s' is not supported by this build", cs->reload);
}

/*
 * Installs out as the server's exports file and reloads it; puts the old
 * file back when the reload fails. Returns 1 applied, 0 unchanged, -1.
 */
int apply_exports_file(const struct conf_server *cs, const struct strbuf *out, bool dry,
			 struct err *e)
{
	struct strbuf old = STRBUF_INIT, bak = STRBUF_INIT;
	struct err ignore = ERR_INIT;
	bool had = false;
	int rc = -1;

	if (server_read_file(cs, cs->exports_file, &old, &had, e) < 0)
		goto cleanup;
	if (had && old.len == out->len && !memcmp(old.buf, out->buf, out->len)) {
		rc = 0;
		goto cleanup;
	}
	if (dry) {
		rc = 1;
		goto cleanup;
	}
	strbuf_addf(&bak, "%s.extnfs-bak", cs->exports_file);
	if (had && server_write_file(cs, bak.buf, &old, e) < 0)
		goto cleanup;
	if (server_write_file(cs, cs->exports_file, out, e) < 0)
		goto cleanup;
	if (reload_server(cs, e) < 0) {
		/* put the previous exports back and reload them, so the server is as it was */
		if (had)
			server_write_file(cs, cs->exports_file, &old, &ignore);
		else
			server_remove_file(cs, cs->exports_file);
		reload_server(cs, &ignore);
		err_prefix(e, "reload of '%s' failed, previous exports restored", cs->name);
		goto cleanup;
	}
	rc = 1;
cleanup:
	strbuf_release(&old);
	strbuf_release(&bak);
	err_release(&ignore);
	return rc;
}

