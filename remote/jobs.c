/*
 * jobs.c: a small process pool. Each job is one rsync child (argv built
 * here, no shell for local hosts), its output in a temporary file that is
 * read when it ends: the itemized changes are counted, the last error
 * line kept for the report.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/import.h"
#include "plan/plan.h"
#include "plan/render.h"
#include "remote/jobs.h"
#include "util/conf.h"
#include "util/banned.h"

#define GUARD_EXIT 97 /* the remote guard's exit status: source missing or empty */

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* True when dir exists and holds at least one entry. */
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

static int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s && rc == 0; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				rc = -1;
			*s = '/';
		}
	if (rc == 0 && mkdir(p, 0755) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* The rsync options every job shares, then its filters. */
static void rsync_args(const struct tree_job *j, bool dry_run, struct strvec *av)
{
	strvec_push(av, "rsync");
	strvec_push(av, "-aHS");
	strvec_push(av, "--numeric-ids");
	strvec_push(av, "--delete");
	strvec_push(av, "--itemize-changes");
	if (dry_run)
		strvec_push(av, "--dry-run");
	/*
	 * A job that owns only some names in its directory (a node's
	 * .client_data files) must leave the directory's own times alone:
	 * every SN's job would otherwise set them, and each run would change
	 * them back and forth.
	 */
	if (j->include.nr)
		strvec_push(av, "--omit-dir-times");
	for (size_t k = 0; k < j->include.nr; k++)
		strvec_pushf(av, "--include=/%s", j->include.v[k]);
	if (j->include.nr)
		strvec_push(av, "--exclude=*");
	/* the excluded directory itself stays in this job, its contents do not */
	for (size_t k = 0; k < j->exclude.nr; k++)
		strvec_pushf(av, "--exclude=/%s**", j->exclude.v[k]);
}

/* True when inner's tree lies strictly inside outer's (same server). */
static bool nested(const struct tree_job *inner, const struct tree_job *outer)
{
	size_t n = strlen(outer->path);

	return !strcmp(inner->server, outer->server) && !strncmp(inner->path, outer->path, n) &&
	       inner->path[n] == '/';
}

struct child {
	pid_t pid;
	size_t job;
	char *out; /* temporary file with the child's output */
	double start;
};

/* Builds the argv of job j into av; or sets r (skipped/failed) and returns 1. */
static int prepare(const struct tree_job *j, const struct run_opts *o, struct strvec *av,
		   struct job_result *r)
{
	const struct conf_host *h = conf_host(o->conf, j->src_host);
	const struct conf_server *s = conf_server(o->conf, j->server);
	struct strbuf src = STRBUF_INIT, dst = STRBUF_INIT, cmd = STRBUF_INIT;
	bool ssh = h && !strcmp(h->transport, "ssh");
	bool local_dest = s && s->dest && s->dest[0] == '/';
	int rc = 0;

	if (s && s->dest && starts_with(s->dest, "nfs://")) {
		r->state = JOB_FAILED;
		r->msg = xstrdup("nfs:// destinations need the replication engine (not in this build)");
		rc = 1;
		goto out;
	}
	if (!ssh && h && h->root)
		strbuf_addstr(&src, h->root);
	strbuf_addstr(&src, j->path);
	if (local_dest) {
		size_t n = strlen(s->dest);
		while (n > 1 && s->dest[n - 1] == '/')
			n--;
		if (n > 1)
			strbuf_add(&dst, s->dest, n);
		strbuf_addstr(&dst, j->path);
	} else {
		const char *host = j->server;
		if (s && s->dest && starts_with(s->dest, "ssh://")) {
			const char *hs = s->dest + 6, *slash = strchr(hs, '/');
			strbuf_add(&cmd, hs, slash ? (size_t)(slash - hs) : strlen(hs));
			host = cmd.buf;
		}
		strbuf_addf(&dst, "%s:%s", host, j->path);
		strbuf_reset(&cmd);
	}
	if (!ssh) {
		if (!has_entries(src.buf)) {
			r->state = JOB_SKIPPED;
			r->msg = xstrfmt("source '%s' is missing or empty: not synced", src.buf);
			rc = 1;
			goto out;
		}
		if (local_dest && !o->dry_run && mkdir_p(dst.buf) < 0) {
			r->state = JOB_FAILED;
			r->msg = xstrfmt("cannot create '%s': %s", dst.buf, strerror(errno));
			rc = 1;
			goto out;
		}
		rsync_args(j, o->dry_run, av);
		if (!local_dest)
			strvec_pushf(av, "--rsync-path=mkdir -p '%s' && rsync", j->path);
		strbuf_addch(&src, '/');
		strbuf_addch(&dst, '/');
		strvec_push(av, src.buf);
		strvec_push(av, dst.buf);
		goto out;
	}
	/* over ssh: the guard and rsync run on the SN, one command line */
	{
		struct strvec rav = STRVEC_INIT;
		strbuf_addstr(&cmd, "if test -z \"$(ls -A ");
		sh_quote(&cmd, src.buf);
		strbuf_addf(&cmd, " 2>/dev/null)\"; then exit %d; fi;", GUARD_EXIT);
		if (local_dest) {
			strbuf_addstr(&cmd, " mkdir -p ");
			sh_quote(&cmd, dst.buf);
			strbuf_addstr(&cmd, " &&");
		}
		rsync_args(j, o->dry_run, &rav);
		if (!local_dest)
			strvec_pushf(&rav, "--rsync-path=mkdir -p '%s' && rsync", j->path);
		strbuf_addch(&src, '/');
		strbuf_addch(&dst, '/');
		strvec_push(&rav, src.buf);
		strvec_push(&rav, dst.buf);
		for (size_t k = 0; k < rav.nr; k++) {
			strbuf_addch(&cmd, ' ');
			sh_quote(&cmd, rav.v[k]);
		}
		strvec_clear(&rav);
		strvec_push(av, "ssh");
		strvec_push(av, "-o");
		strvec_push(av, "BatchMode=yes");
		strvec_push(av, "-o");
		strvec_push(av, "ConnectTimeout=10");
		if (h->user)
			strvec_pushf(av, "%s@%s", h->user, h->address);
		else
			strvec_push(av, h->address);
		strvec_push(av, cmd.buf);
	}
out:
	strbuf_release(&src);
	strbuf_release(&dst);
	strbuf_release(&cmd);
	return rc;
}

static int start(struct child *c, const struct strvec *av, struct err *e)
{
	char tmpl[] = "/tmp/extnfs-job.XXXXXX";
	int fd = mkstemp(tmpl);

	if (fd < 0)
		return err_set(e, "cannot create a temporary file: %s", strerror(errno));
	c->out = xstrdup(tmpl);
	c->start = now();
	c->pid = fork();
	if (c->pid < 0) {
		close(fd);
		return err_set(e, "cannot fork: %s", strerror(errno));
	}
	if (c->pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(av->v[0], av->v);
		fprintf(stderr, "cannot run %s: %s\n", av->v[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	return 0;
}

/* Reads a finished child's output into its result. */
static void finish(struct child *c, int status, struct job_result *r)
{
	struct strbuf out = STRBUF_INIT;
	struct err ignore = ERR_INIT;
	const char *p;

	r->seconds = now() - c->start;
	read_file(c->out, &out, &ignore);
	unlink(c->out);
	free(c->out);
	c->out = NULL;
	/* itemized lines (YXcstpoguax name): one per entry created, changed or deleted */
	for (p = out.buf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if ((n > 12 && strchr("<>ch.", p[0]) && strchr("fdLDS", p[1])) ||
		    (n > 10 && !strncmp(p, "*deleting ", 10)))
			r->changes++;
		p += n + (nl ? 1 : 0);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r->state = JOB_OK;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == GUARD_EXIT) {
		r->state = JOB_SKIPPED;
		r->msg = xstrfmt("source '%s' on %s is missing or empty: not synced", r->job->path,
				 r->job->src_host);
	} else {
		size_t end = out.len;
		r->state = JOB_FAILED;
		while (end && out.buf[end - 1] == '\n')
			end--;
		p = end ? out.buf + end : out.buf;
		while (p > out.buf && p[-1] != '\n')
			p--;
		r->msg = xstrfmt("%.*s (exit %d)", end ? (int)(out.buf + end - p) : 6, end ? p : "failed",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	strbuf_release(&out);
	err_release(&ignore);
}

int jobs_run(const struct plan *p, const struct run_opts *o, struct job_result **results,
	     struct err *e)
{
	struct job_result *r = xcalloc(p->njobs ? p->njobs : 1, sizeof(*r));
	struct child *kids = xcalloc(o->fanout ? o->fanout : 1, sizeof(*kids));
	unsigned fanout = o->fanout ? o->fanout : 1, active = 0;
	bool *started = xcalloc(p->njobs ? p->njobs : 1, sizeof(bool));
	bool *finished = xcalloc(p->njobs ? p->njobs : 1, sizeof(bool));
	size_t done = 0;
	int rc = -1;

	for (size_t i = 0; i < p->njobs; i++)
		r[i].job = &p->jobs[i];
	while (done < p->njobs) {
		/* start what may start: a free slot, a host with nothing running */
		for (size_t i = 0; i < p->njobs && active < fanout; i++) {
			struct strvec av = STRVEC_INIT;
			bool busy = false;
			if (started[i])
				continue;
			for (unsigned k = 0; k < fanout; k++)
				if (kids[k].pid > 0 && !strcmp(p->jobs[kids[k].job].src_host, p->jobs[i].src_host))
					busy = true;
			/*
			 * A tree that holds other jobs' trees (a shared_root and its
			 * .client_data) goes last: it owns the directory times they
			 * disturb, so one run leaves them right.
			 */
			for (size_t d = 0; d < p->njobs && !busy; d++)
				if (d != i && !finished[d] && nested(&p->jobs[d], &p->jobs[i]))
					busy = true;
			if (busy)
				continue;
			started[i] = true;
			if (prepare(&p->jobs[i], o, &av, &r[i])) {
				done++;
				finished[i] = true;
				if (o->progress)
					o->progress(&r[i], o->data);
				strvec_clear(&av);
				continue;
			}
			for (unsigned k = 0; k < fanout; k++)
				if (kids[k].pid <= 0) {
					kids[k].job = i;
					if (start(&kids[k], &av, e) < 0) {
						r[i].state = JOB_FAILED;
						r[i].msg = xstrdup(e->msg.buf);
						kids[k].pid = 0;
						done++;
						finished[i] = true;
					} else {
						active++;
					}
					break;
				}
			strvec_clear(&av);
		}
		if (!active)
			continue;
		{
			int status;
			pid_t pid = waitpid(-1, &status, 0);
			if (pid < 0) {
				if (errno == EINTR)
					continue;
				err_set(e, "waitpid: %s", strerror(errno));
				goto cleanup;
			}
			for (unsigned k = 0; k < fanout; k++)
				if (kids[k].pid == pid) {
					finish(&kids[k], status, &r[kids[k].job]);
					if (o->progress)
						o->progress(&r[kids[k].job], o->data);
					kids[k].pid = 0;
					active--;
					done++;
					finished[kids[k].job] = true;
				}
		}
	}
	rc = 0;
cleanup:
	free(kids);
	free(started);
	free(finished);
	*results = r;
	return rc;
}

void job_results_release(struct job_result *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		free(r[i].msg);
	free(r);
}
