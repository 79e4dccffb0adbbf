/* rsyncdest.c: see rsyncdest.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "remote/agent.h"
#include "remote/rsyncdest.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/banned.h"

bool rsyncdest_is(const char *dest)
{
	return starts_with(dest, "ssh://");
}

/*
 * Splits ssh://[user@]host[:port]/path into "[user@]host:path/" (rsync's
 * remote destination) and the port (NULL: ssh's default). -1 with e set
 * when it has no host or no path.
 */
static int split_url(const char *dest, struct strbuf *remote, char **port, struct err *e)
{
	const char *hp = dest + 6, *slash = strchr(hp, '/'), *at, *colon;

	if (!slash || slash == hp)
		return err_set(e, "dest '%s': expected ssh://[user@]host[:port]/path", dest);
	at = memchr(hp, '@', (size_t)(slash - hp));
	colon = memchr(at ? at + 1 : hp, ':', (size_t)(slash - (at ? at + 1 : hp)));
	strbuf_add(remote, hp, (size_t)((colon ? colon : slash) - hp));
	strbuf_addf(remote, ":%s%s", slash, ends_with(slash, "/") ? "" : "/");
	*port = colon ? xstrndup(colon + 1, (size_t)(slash - colon - 1)) : NULL;
	return 0;
}

/* Counts one line of rsync's itemized output into st. */
static void count_item(const char *l, struct sync_stats *st)
{
	size_t k;

	if (starts_with(l, "*deleting")) {
		st->deleted++;
		return;
	}
	if (strlen(l) < 13 || l[11] != ' ' || !strchr("<>ch.", l[0]) || !strchr("fdLDS", l[1]))
		return;
	for (k = 2; k < 11 && l[k] == '+'; k++)
		;
	if (k == 11) {
		st->created++;
		return;
	}
	for (k = 2; k < 11 && l[k] == ' '; k++)
		;
	if (k == 11 && l[0] == '.')
		return; /* nothing changed */
	if (l[0] == '.')
		st->metadata++;
	else
		st->updated++;
}

/* The line that says why rsync failed: ssh's own first, else the last one. */
static void failure_line(FILE *f, struct strbuf *why)
{
	char line[4096];
	bool from_ssh = false;

	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || from_ssh)
			continue;
		strbuf_reset(why);
		strbuf_addstr(why, line);
		from_ssh = starts_with(line, "ssh:");
	}
}

/*
 * Runs av (stdout to out_fd, -1: to errf too), stderr into errf.
 * Returns the child's pid, or -1 with e set.
 */
static pid_t start(const struct strvec *av, int out_fd, FILE *errf, struct err *e)
{
	pid_t pid = fork();

	if (pid < 0) {
		err_set(e, "cannot run %s: %s", av->v[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(out_fd >= 0 ? out_fd : fileno(errf), 1);
		dup2(fileno(errf), 2);
		if (out_fd >= 0)
			close(out_fd);
		execvp(av->v[0], av->v);
		fprintf(stderr, "cannot run %s: %s\n", av->v[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static int wait_for(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Appends s to sb quoted for the remote shell. */
static void sq_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/*
 * The message for a failed child: ssh's own reason when ssh gave one
 * (the exit code then depends on when the other side noticed), else what
 * failed with its exit code and its last line.
 */
static void failure(int status, FILE *errf, const char *what, const char *host, struct err *e)
{
	struct strbuf why = STRBUF_INIT;

	failure_line(errf, &why);
	if (starts_with(why.buf, "ssh:"))
		err_set(e, "cannot reach %s over ssh: %s", host, why.buf);
	else if (WIFEXITED(status))
		err_set(e, "%s failed (exit %d): %s", what, WEXITSTATUS(status),
			why.len ? why.buf : "no message");
	else
		err_set(e, "%s was killed by signal %d", what, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	strbuf_release(&why);
}

int sshdest_parse(const char *url, const char *ssh, struct sshdest *d, struct err *e)
{
	struct strbuf remote = STRBUF_INIT;
	char *port = NULL;
	size_t hl;

	memset(d, 0, sizeof(*d));
	strvec_init(&d->argv);
	if (split_url(url, &remote, &port, e) < 0) {
		strbuf_release(&remote);
		return -1;
	}
	hl = strcspn(remote.buf, ":");
	d->host = xstrndup(remote.buf, hl);
	d->path = xstrdup(remote.buf + hl + 1);
	strvec_split(&d->argv, ssh ? ssh : "ssh", ' ', 1);
	strvec_push(&d->argv, "-o");
	strvec_push(&d->argv, "BatchMode=yes");
	if (port) {
		strvec_push(&d->argv, "-p");
		strvec_push(&d->argv, port);
	}
	free(port);
	strbuf_release(&remote);
	return 0;
}

void sshdest_release(struct sshdest *d)
{
	strvec_clear(&d->argv);
	free(d->host);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

int sshdest_sh(const struct sshdest *d, const char *what, const char *script,
	       const char *const *args, const struct strbuf *in, struct strbuf *out, struct err *e)
{
	struct strvec av = STRVEC_INIT;
	struct strbuf cmd = STRBUF_INIT;
	FILE *inf = NULL, *outf = NULL, *errf = NULL;
	int rc = -1, status;
	pid_t pid;

	inf = tmpfile();
	outf = tmpfile();
	errf = tmpfile();
	if (!inf || !outf || !errf ||
	    (in && in->len && (fwrite(in->buf, 1, in->len, inf) != in->len || fflush(inf)))) {
		err_set(e, "cannot run ssh: %s", strerror(errno));
		goto out;
	}
	rewind(inf);
	for (size_t i = 0; i < d->argv.nr; i++)
		strvec_push(&av, d->argv.v[i]);
	strvec_push(&av, d->host);
	/* one command line for the remote shell: sh -c SCRIPT extnfs ARGS... */
	strbuf_addstr(&cmd, "sh -c ");
	sq_quote(&cmd, script);
	strbuf_addstr(&cmd, " extnfs");
	for (size_t i = 0; args && args[i]; i++) {
		strbuf_addch(&cmd, ' ');
		sq_quote(&cmd, args[i]);
	}
	strvec_push(&av, cmd.buf);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err_set(e, "cannot run ssh: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		dup2(fileno(inf), 0);
		dup2(fileno(outf), 1);
		dup2(fileno(errf), 2);
		execvp(av.v[0], av.v);
		fprintf(stderr, "cannot run %s: %s\n", av.v[0], strerror(errno));
		_exit(127);
	}
	status = wait_for(pid);
	if (out) {
		char buf[8192];
		size_t n;
		rewind(outf);
		while ((n = fread(buf, 1, sizeof(buf), outf)) > 0)
			strbuf_add(out, buf, n);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = 0;
	else
		failure(status, errf, what, d->host, e);
out:
	if (inf)
		fclose(inf);
	if (outf)
		fclose(outf);
	if (errf)
		fclose(errf);
	strvec_clear(&av);
	strbuf_release(&cmd);
	return rc;
}

/*
 * Makes the parents of the job's directory on the server with mkdir -p:
 * jobs of several SNs make the same ones at the same time, which rsync's
 * --mkpath does not survive. 0, or -1 with e set.
 */
static int make_parents(const struct sshdest *d, struct err *e)
{
	struct strbuf up = STRBUF_INIT, what = STRBUF_INIT;
	size_t n = strlen(d->path);
	int rc = 0;

	while (n > 1 && d->path[n - 1] == '/')
		n--;
	while (n > 0 && d->path[n - 1] != '/')
		n--;
	while (n > 1 && d->path[n - 1] == '/')
		n--;
	if (n > 1) { /* else the parent is / */
		const char *args[] = { NULL, NULL };
		strbuf_add(&up, d->path, n);
		args[0] = up.buf;
		strbuf_addf(&what, "making '%s' on %s", up.buf, d->host);
		rc = sshdest_sh(d, what.buf, "mkdir -p -- \"$1\"", args, NULL, NULL, e);
	}
	strbuf_release(&up);
	strbuf_release(&what);
	return rc;
}

/* What rsync's --stats says about deletions: the guard's numbers. */
struct rsync_counts {
	uint64_t files, created, deleted;
};

/* The number after "LABEL: " in a --stats line (rsync writes 1,234). */
static bool stat_number(const char *line, const char *label, uint64_t *n)
{
	const char *p;

	if (!starts_with(line, label) || line[strlen(label)] != ':')
		return false;
	*n = 0;
	for (p = line + strlen(label) + 1; *p == ' '; p++)
		;
	for (; (*p >= '0' && *p <= '9') || *p == ','; p++)
		if (*p != ',')
			*n = *n * 10 + (uint64_t)(*p - '0');
	return true;
}

static void count_line(const char *l, struct sync_stats *st, struct rsync_counts *rc,
		       bool keep_root)
{
	if (stat_number(l, "Number of files", &rc->files) ||
	    stat_number(l, "Number of created files", &rc->created) ||
	    stat_number(l, "Number of deleted files", &rc->deleted))
		return;
	/* a kept root is put back after rsync: not a change */
	if (keep_root && strlen(l) == 14 && !strcmp(l + 12, "./"))
		return;
	count_item(l, st);
}

/*
 * One rsync run for j into d (dry: --dry-run; limit >= 0: --max-delete),
 * its itemized changes counted into st and its --stats into counts.
 */
static int run_rsync(const struct agent_job *j, const struct sshdest *d, bool dry, int64_t limit,
		     struct sync_stats *st, struct rsync_counts *counts, struct err *e)
{
	struct strvec av = STRVEC_INIT;
	struct strbuf sh = STRBUF_INIT, what = STRBUF_INIT, line = STRBUF_INIT;
	FILE *errf = NULL, *out = NULL;
	int fd[2] = { -1, -1 }, status, c, rc = -1;
	pid_t pid;

	for (size_t k = 0; k < d->argv.nr; k++)
		strbuf_addf(&sh, "%s%s", k ? " " : "", d->argv.v[k]);
	strvec_push(&av, "rsync");
	strvec_push(&av, "-aHS");
	strvec_push(&av, "--numeric-ids");
	strvec_push(&av, "--itemize-changes");
	strvec_push(&av, "--stats");
	if (j->del)
		strvec_push(&av, "--delete");
	if (dry)
		strvec_push(&av, "--dry-run");
	/* a directory shared with other jobs: its times are not this job's */
	if (j->keep_root)
		strvec_push(&av, "--omit-dir-times");
	if (limit >= 0)
		strvec_pushf(&av, "--max-delete=%lld", (long long)limit);
	strvec_push(&av, "-e");
	strvec_push(&av, sh.buf);
	/* the job's scope, as job_filter() gives it to the engine */
	for (size_t k = 0; k < j->exclude.nr; k++)
		strvec_pushf(&av, "--exclude=/%s%s**", j->exclude.v[k],
			     ends_with(j->exclude.v[k], "/") ? "" : "/");
	for (size_t k = 0; k < j->include.nr; k++)
		strvec_pushf(&av, "--include=/%s", j->include.v[k]);
	if (j->include.nr)
		strvec_push(&av, "--exclude=*");
	strvec_pushf(&av, "%s%s", j->src, ends_with(j->src, "/") ? "" : "/");
	strvec_pushf(&av, "%s:%s", d->host, d->path);

	errf = tmpfile();
	if (!errf || pipe(fd) < 0) {
		err_set(e, "cannot run rsync: %s", strerror(errno));
		goto out;
	}
	pid = start(&av, fd[1], errf, e);
	if (pid < 0)
		goto out;
	close(fd[1]);
	fd[1] = -1;
	out = fdopen(fd[0], "r");
	if (out) {
		fd[0] = -1;
		while ((c = getc(out)) != EOF) {
			if (c != '\n') {
				strbuf_addch(&line, (char)c);
				continue;
			}
			count_line(line.buf, st, counts, j->keep_root);
			strbuf_reset(&line);
		}
		if (line.len)
			count_line(line.buf, st, counts, j->keep_root);
	}
	status = wait_for(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
		goto out;
	}
	strbuf_addf(&what, "rsync to '%s'", j->dest);
	failure(status, errf, what.buf, d->host, e);
	/* rsync stops deleting at --max-delete and exits 25 */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 25)
		e->code = EXIT_DELETE_LIMIT;
out:
	if (out)
		fclose(out);
	if (fd[0] >= 0)
		close(fd[0]);
	if (fd[1] >= 0)
		close(fd[1]);
	if (errf)
		fclose(errf);
	strvec_clear(&av);
	strbuf_release(&sh);
	strbuf_release(&what);
	strbuf_release(&line);
	return rc;
}

/*
 * m as an absolute symbolic mode for chmod: a numeric one leaves a
 * directory's set-group-ID bit alone with GNU chmod.
 */
static char *symbolic_mode(unsigned m)
{
	struct strbuf sb = STRBUF_INIT;
	static const char who[] = "ugo";

	for (int w = 0; w < 3; w++) {
		unsigned p = (m >> (6 - 3 * w)) & 7;
		strbuf_addf(&sb, "%c=%s%s%s,", who[w], p & 4 ? "r" : "", p & 2 ? "w" : "",
			    p & 1 ? "x" : "");
	}
	strbuf_addf(&sb, "u%cs,g%cs,%ct", m & 04000 ? '+' : '-', m & 02000 ? '+' : '-',
		    m & 01000 ? '+' : '-');
	return strbuf_detach(&sb, NULL);
}

/*
 * The mode and owner of an existing dest root, from 'ls -ldn' (POSIX: any
 * server has it) as "UID:GID" and a symbolic mode; *exists false when there is
 * none yet. 0, or -1 with e set.
 */
static int root_attrs(const struct sshdest *d, const char *path, char **owner, char **mode,
		      bool *exists, struct err *e)
{
	static const char bits[] = "rwxrwxrwx";
	const char *args[] = { path, NULL };
	struct strbuf out = STRBUF_INIT;
	struct strvec f = STRVEC_INIT;
	unsigned m = 0;
	int rc = -1;

	*exists = false;
	if (sshdest_sh(d, "reading the mode of the shared directory",
		       "if [ -d \"$1\" ]; then ls -ldn -- \"$1\"; fi", args, NULL, &out, e) < 0)
		goto out;
	strbuf_rtrim(&out);
	if (!out.len) {
		rc = 0;
		goto out;
	}
	strvec_split(&f, out.buf, ' ', 1);
	if (f.nr < 4 || strlen(f.v[0]) < 10) {
		err_set(e, "cannot read 'ls -ldn' of '%s': '%s'", path, out.buf);
		goto out;
	}
	for (int i = 0; i < 9; i++) {
		char c = f.v[0][1 + i];
		bool x = (i % 3 == 2);
		if (c == bits[i] || (x && (c == 's' || c == 't')))
			m |= 1u << (8 - i);
		if (x && (c == 's' || c == 'S' || c == 't' || c == 'T'))
			m |= i == 2 ? 04000 : i == 5 ? 02000 : 01000;
	}
	*owner = xstrfmt("%s:%s", f.v[2], f.v[3]);
	*mode = symbolic_mode(m);
	*exists = true;
	rc = 0;
out:
	strbuf_release(&out);
	strvec_clear(&f);
	return rc;
}

int rsyncdest_run(const struct agent_job *j, bool dry_run, struct sync_stats *st, struct err *e)
{
	struct rsync_counts counts = { 0, 0, 0 };
	struct strbuf root = STRBUF_INIT;
	char *owner = NULL, *mode = NULL;
	bool had_root = false;
	struct sshdest d;
	int64_t limit = -1;
	int rc = -1;

	if (sshdest_parse(j->dest, j->ssh, &d, e) < 0)
		return -1;
	/*
	 * The engine's deletion guard: a dry run first counts what would be
	 * deleted against the entries the destination has in scope (rsync's
	 * files, less those it would create, plus those it would delete, less
	 * the root); refused, nothing is changed.
	 */
	if (j->del && !j->force) {
		struct sync_stats dry = { 0 };
		uint64_t base, lim;
		if (run_rsync(j, &d, true, -1, dry_run ? st : &dry, &counts, e) < 0)
			goto out;
		base = counts.files > counts.created ? counts.files - counts.created - 1 : 0;
		base += counts.deleted;
		lim = j->max_delete >= 0 ? (uint64_t)j->max_delete
					 : base * (uint64_t)j->max_delete_pct / 100;
		if (counts.deleted > lim) {
			deletion_refused(e, counts.deleted, base, j->dest, lim,
					 j->max_delete < 0 ? j->max_delete_pct : -1);
			goto out;
		}
		if (dry_run) {
			rc = 0;
			goto out;
		}
		limit = (int64_t)lim; /* deletions that appeared since still stop there */
	}
	if (!dry_run && make_parents(&d, e) < 0)
		goto out;
	/* a directory shared with other jobs keeps its mode and owner (rsync would set this SN's) */
	if (j->keep_root && !dry_run) {
		strbuf_add(&root, d.path, strlen(d.path) - 1);
		if (root_attrs(&d, root.buf, &owner, &mode, &had_root, e) < 0)
			goto out;
	}
	rc = run_rsync(j, &d, dry_run, limit, st, &counts, e);
	if (had_root) {
		const char *args[] = { root.buf, owner, mode, NULL };
		struct err e2 = ERR_INIT;
		if (sshdest_sh(&d, "putting back the mode of the shared directory",
			       "chown \"$2\" -- \"$1\" && chmod \"$3\" -- \"$1\"", args, NULL, NULL,
			       &e2) < 0 &&
		    !rc) {
			err_set(e, "%s", e2.msg.buf);
			rc = -1;
		}
		err_release(&e2);
	}
out:
	free(owner);
	free(mode);
	strbuf_release(&root);
	sshdest_release(&d);
	return rc;
}
