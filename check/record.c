/*
 * record.c: the sync record (see record.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/record.h"
#include "remote/ssh.h"
#include "model/db.h"
#include "plan/plan.h"
#include "plan/render.h"
#include "util/conf.h"
#include "util/banned.h"

char *job_src_dir(const struct conf *c, const struct tree_job *j)
{
	const struct conf_host *h = conf_host(c, j->src_host);

	if (h && h->transport && strcmp(h->transport, "local"))
		return NULL;
	return xstrfmt("%s%s", h && h->root ? h->root : "", j->path);
}

char *job_dst_dir(const struct conf *c, const struct tree_job *j)
{
	const struct conf_server *s = conf_server(c, j->server);
	const char *root;

	if (!s || !s->dest || s->dest[0] != '/')
		return NULL;
	root = conf_server_root(s);
	return xstrfmt("%s%s", root ? root : "", j->path);
}

int job_scan(const char *dir, const struct tree_job *j, bool deep, struct tree_list *out,
	     struct err *e)
{
	return tree_scan(dir, &j->include, &j->exclude, deep, out, e);
}

/* Reads fd to its end into sb (may be NULL: discarded). */
static void drain(int fd, struct strbuf *sb)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (sb)
			strbuf_add(sb, buf, (size_t)n);
	}
}

int run_capture(const struct strvec *argv, struct strbuf *out, struct strbuf *errout, struct err *e)
{
	char tmpl[] = "/tmp/extnfs-err.XXXXXX";
	int fds[2], efd = mkstemp(tmpl), status = 0;
	pid_t pid;

	if (efd < 0)
		return err_set(e, "cannot create a temporary file: %s", strerror(errno));
	unlink(tmpl);
	if (pipe(fds) < 0) {
		close(efd);
		return err_set(e, "pipe: %s", strerror(errno));
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		close(efd);
		return err_set(e, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(fds[1], 1);
		dup2(efd, 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv->v[0], argv->v);
		fprintf(stderr, "cannot run '%s': %s\n", argv->v[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	drain(fds[0], out);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (errout && lseek(efd, 0, SEEK_SET) == 0)
		drain(efd, errout);
	close(efd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int job_scan_src(const struct conf *c, const struct tree_job *j, bool deep, struct tree_list *out,
		 struct err *e)
{
	const struct conf_host *h = conf_host(c, j->src_host);
	struct strvec av = STRVEC_INIT;
	struct strbuf cmd = STRBUF_INIT, o = STRBUF_INIT, er = STRBUF_INIT;
	char *dir;
	int rc = -1, st;

	if (!h || !h->transport || !strcmp(h->transport, "local")) {
		dir = job_src_dir(c, j);
		rc = job_scan(dir, j, deep, out, e);
		free(dir);
		return rc;
	}
	/* [host] extnfs is a command line for the remote shell, as for the agent */
	strbuf_addstr(&cmd, h->extnfs ? h->extnfs : "extnfs");
	strbuf_addstr(&cmd, " listing ");
	/* root= is the prefix of every source path on an ssh host too */
	dir = xstrfmt("%s%s", h->root ? h->root : "", j->path);
	sh_quote(&cmd, dir);
	free(dir);
	for (size_t i = 0; i < j->include.nr; i++) {
		strbuf_addstr(&cmd, " --include ");
		sh_quote(&cmd, j->include.v[i]);
	}
	for (size_t i = 0; i < j->exclude.nr; i++) {
		strbuf_addstr(&cmd, " --exclude ");
		sh_quote(&cmd, j->exclude.v[i]);
	}
	if (deep)
		strbuf_addstr(&cmd, " --deep");
	ssh_argv(h, 10, &av);
	strvec_push(&av, cmd.buf);
	st = run_capture(&av, &o, &er, e);
	if (st < 0)
		goto cleanup;
	if (st != 0) {
		strbuf_rtrim(&er);
		{
			const char *last = strrchr(er.buf, '\n');
			err_set(e, "cannot list '%s' on %s: %s", j->path, j->src_host,
				er.len ? (last ? last + 1 : er.buf) : "no answer");
		}
		goto cleanup;
	}
	{
		char *name = xstrfmt("%s:%s", j->src_host, j->path);
		rc = tree_parse(o.buf, o.len, name, out, e);
		free(name);
	}
cleanup:
	strvec_clear(&av);
	strbuf_release(&cmd);
	strbuf_release(&o);
	strbuf_release(&er);
	return rc;
}

static char *scope_of(const struct tree_job *j)
{
	struct strbuf sb = STRBUF_INIT;

	strvec_join(&j->include, ",", &sb);
	return strbuf_detach(&sb, NULL);
}

/*
 * The fingerprint of j's tree in dir (NULL: on its source host), or NULL
 * when it cannot be read.
 */
static char *fingerprint(const struct conf *c, const char *dir, const struct tree_job *j)
{
	struct tree_list l = TREE_LIST_INIT;
	struct err ignore = ERR_INIT;
	char fp[33], *res = NULL;

	if ((dir ? job_scan(dir, j, false, &l, &ignore) : job_scan_src(c, j, false, &l, &ignore)) == 0) {
		tree_fingerprint(&l, fp);
		res = xstrdup(fp);
	}
	tree_list_release(&l);
	err_release(&ignore);
	return res;
}

int sync_record(struct db *db, const struct conf *c, const struct plan *p,
		const struct job_result *r, struct err *e)
{
	struct db_stmt *ok = NULL, *other = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = -1;

	if (db_begin(db, e) < 0)
		return -1;
	ok = db_prepare(db, "INSERT INTO sync_record (server, path, scope, kind, src_host, synced_at,"
			" src_fp, dst_fp, last_state, last_at, last_msg)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ok', ?6, NULL)"
			" ON CONFLICT (server, path, scope) DO UPDATE SET kind = ?4, src_host = ?5,"
			" synced_at = ?6, src_fp = ?7, dst_fp = ?8, last_state = 'ok', last_at = ?6,"
			" last_msg = NULL", e);
	other = db_prepare(db, "INSERT INTO sync_record (server, path, scope, kind, src_host,"
			   " last_state, last_at, last_msg) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			   " ON CONFLICT (server, path, scope) DO UPDATE SET last_state = ?6,"
			   " last_at = ?7, last_msg = ?8", e);
	if (!ok || !other)
		goto cleanup;
	for (size_t i = 0; i < p->njobs; i++) {
		const struct tree_job *j = &p->jobs[i];
		char *scope = scope_of(j), *dst = NULL, *sfp = NULL, *dfp = NULL;
		struct db_stmt *st = r[i].state == JOB_OK ? ok : other;
		int bad;

		if (r[i].state == JOB_OK) {
			dst = job_dst_dir(c, j);
			sfp = fingerprint(c, NULL, j);
			dfp = dst ? fingerprint(c, dst, j) : NULL;
		}
		bad = db_bind_text(st, 1, j->server, e) < 0 || db_bind_text(st, 2, j->path, e) < 0 ||
		      db_bind_text(st, 3, scope, e) < 0 || db_bind_text(st, 4, j->kind, e) < 0 ||
		      db_bind_text(st, 5, j->src_host, e) < 0;
		if (!bad && r[i].state == JOB_OK)
			bad = db_bind_int(st, 6, now, e) < 0 || db_bind_text(st, 7, sfp, e) < 0 ||
			      db_bind_text(st, 8, dfp, e) < 0;
		else if (!bad)
			bad = db_bind_text(st, 6, r[i].state == JOB_SKIPPED ? "skipped" : "failed", e) < 0 ||
			      db_bind_int(st, 7, now, e) < 0 || db_bind_text(st, 8, r[i].msg, e) < 0;
		if (!bad)
			bad = db_step(st, e) < 0;
		db_reset(st);
		free(scope);
		free(dst);
		free(sfp);
		free(dfp);
		if (bad)
			goto cleanup;
	}
	rc = db_commit(db, e);
cleanup:
	db_finalize(ok);
	db_finalize(other);
	if (rc < 0)
		db_rollback(db);
	return rc;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int sync_record_get(struct db *db, const struct tree_job *j, struct sync_rec *out, struct err *e)
{
	struct db_stmt *st;
	char *scope = scope_of(j);
	int r = -1;

	memset(out, 0, sizeof(*out));
	st = db_prepare(db, "SELECT src_host, synced_at, src_fp, dst_fp, last_state, last_at, last_msg"
			" FROM sync_record WHERE server = ?1 AND path = ?2 AND scope = ?3", e);
	if (st && db_bind_text(st, 1, j->server, e) == 0 && db_bind_text(st, 2, j->path, e) == 0 &&
	    db_bind_text(st, 3, scope, e) == 0)
		r = db_step(st, e);
	if (r == 1) {
		out->src_host = dup_or_null(db_column_text(st, 0));
		out->synced_at = db_column_int(st, 1);
		out->src_fp = dup_or_null(db_column_text(st, 2));
		out->dst_fp = dup_or_null(db_column_text(st, 3));
		out->last_state = dup_or_null(db_column_text(st, 4));
		out->last_at = db_column_int(st, 5);
		out->last_msg = dup_or_null(db_column_text(st, 6));
	}
	db_finalize(st);
	free(scope);
	return r;
}

void sync_rec_release(struct sync_rec *r)
{
	free(r->src_host);
	free(r->src_fp);
	free(r->dst_fp);
	free(r->last_state);
	free(r->last_msg);
	memset(r, 0, sizeof(*r));
}
