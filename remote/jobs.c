/*
 * jobs.c: the pool of agents. For each host with nothing running (up to
 * fanout hosts at once) the jobs that may start now go to one agent as
 * one request: a child process ('ssh ... extnfs agent' for ssh hosts,
 * this extnfs for local ones) with the request in a temporary file as
 * its stdin, its stdout a pipe read line by line as the agent works, its
 * stderr a temporary file read when it ends (what ssh says when a host
 * cannot be reached). A tree that holds other jobs' trees (a shared_root
 * and its .client_data) waits until those are done: it owns the
 * directory times they disturb, so one run leaves them right.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/plan.h"
#include "redirect/redirect.h"
#include "remote/agent.h"
#include "remote/jobs.h"
#include "remote/ssh.h"
#include "util/conf.h"
#include "util/config.h"
#include "util/banned.h"

/* True when inner's tree lies strictly inside outer's (same server). */
static bool nested(const struct tree_job *inner, const struct tree_job *outer)
{
	size_t n = strlen(outer->path);

	return !strcmp(inner->server, outer->server) && !strncmp(inner->path, outer->path, n) &&
	       inner->path[n] == '/';
}

/* The agent's command line for host h (NULL: not configured, a local host). */
static void agent_argv(const struct conf_host *h, const struct run_opts *o, struct strvec *av)
{
	if (h && !strcmp(h->transport, "ssh")) {
		ssh_argv(h, 10, av);
		strvec_pushf(av, "%s agent", h->extnfs ? h->extnfs : "extnfs");
		return;
	}
	strvec_push(av, h && h->extnfs ? h->extnfs : o->self);
	if (o->db_path) {
		strvec_push(av, "--db");
		strvec_push(av, o->db_path);
	}
	strvec_push(av, "agent");
}

struct agent_proc {
	pid_t pid;
	int out;         /* the agent's stdout (a pipe), -1 once at its end */
	int err;         /* its stderr (an unlinked temporary file) */
	char *host;
	bool ssh;
	size_t *jobs;    /* plan indexes, in request order */
	size_t njobs;
	bool *has_result;
	struct strbuf line;
	bool hello;
	char *fail;      /* why the jobs without a result failed (version, error line) */
	uint64_t files, bytes; /* the running job's progress */
};

static void proc_release(struct agent_proc *a)
{
	if (a->out >= 0)
		close(a->out);
	if (a->err >= 0)
		close(a->err);
	free(a->host);
	free(a->jobs);
	free(a->has_result);
	free(a->fail);
	strbuf_release(&a->line);
	memset(a, 0, sizeof(*a));
	a->out = a->err = -1;
}

/* An unlinked temporary file holding data (rewound), or -1 with e set. */
static int temp_fd(const struct strbuf *data, struct err *e)
{
	const char *dir = getenv("TMPDIR");
	char *tmpl = xstrfmt("%s/extnfs-agent.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmpl);

	if (fd < 0) {
		err_set(e, "cannot create a temporary file in '%s': %s", dir && *dir ? dir : "/tmp",
			strerror(errno));
		free(tmpl);
		return -1;
	}
	unlink(tmpl);
	free(tmpl);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (data && (write(fd, data->buf, data->len) != (ssize_t)data->len || lseek(fd, 0, SEEK_SET) < 0)) {
		err_set(e, "cannot write a temporary file: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Starts the agent for the request in req. 0, or -1 with e set. */
static int proc_start(struct agent_proc *a, const struct strvec *av, const struct strbuf *req,
		      struct err *e)
{
	int in = -1, pfd[2] = { -1, -1 };

	if ((in = temp_fd(req, e)) < 0 || (a->err = temp_fd(NULL, e)) < 0)
		goto fail;
	if (pipe(pfd) < 0) {
		err_set(e, "cannot make a pipe: %s", strerror(errno));
		goto fail;
	}
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	a->pid = fork();
	if (a->pid < 0) {
		err_set(e, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (a->pid == 0) {
		dup2(in, 0);
		dup2(pfd[1], 1);
		dup2(a->err, 2);
		close(pfd[1]);
		execvp(av->v[0], av->v);
		fprintf(stderr, "cannot run '%s': %s\n", av->v[0], strerror(errno));
		_exit(127);
	}
	close(in);
	close(pfd[1]);
	a->out = pfd[0];
	return 0;
fail:
	if (in >= 0)
		close(in);
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	return -1;
}

struct run {
	const struct plan *p;
	const struct run_opts *o;
	struct job_result *r;
	bool *started, *finished;
	struct run_progress prog;
	uint64_t files_done, bytes_done;
};

static void job_done(struct run *run, size_t i)
{
	run->finished[i] = true;
	run->prog.jobs_done++;
	if (run->o->progress)
		run->o->progress(&run->r[i], run->o->data);
}

static void job_fail(struct run *run, size_t i, char *msg)
{
	run->r[i].state = JOB_FAILED;
	free(run->r[i].msg);
	run->r[i].msg = msg;
	job_done(run, i);
}

/* The first line of agent a: its hello, of this version, or a->fail says why not. */
static void check_hello(struct agent_proc *a, const struct agent_event *ev)
{
	if (ev->type != AEV_HELLO)
		a->fail = xstrfmt("the agent on %s did not say hello first", a->host);
	else if (strcmp(ev->version, EXTNFS_VERSION))
		a->fail = xstrfmt("version mismatch: %s runs extnfs %s, this is extnfs %s", a->host,
				  ev->version, EXTNFS_VERSION);
	a->hello = true;
}

/* One line from agent a. */
static void proc_line(struct run *run, struct agent_proc *a, const char *line, size_t len)
{
	struct agent_event ev;
	struct err e = ERR_INIT;

	if (a->fail)
		return;
	if (agent_event_parse(line, len, &ev, &e) < 0) {
		a->fail = xstrfmt("the agent on %s said something unexpected: %s", a->host, e.msg.buf);
		goto out;
	}
	if (!a->hello) {
		check_hello(a, &ev);
		goto out;
	}
	if (ev.type == AEV_ERROR) {
		a->fail = xstrfmt("%s", ev.message);
	} else if (ev.type == AEV_PROGRESS) {
		a->files = ev.done_files;
		a->bytes = ev.bytes;
	} else if (ev.type == AEV_RESULT) {
		struct job_result *r;
		size_t i;
		if (ev.job >= a->njobs || a->has_result[ev.job]) {
			a->fail = xstrfmt("the agent on %s answered for a job it was not given", a->host);
			goto out;
		}
		a->has_result[ev.job] = true;
		i = a->jobs[ev.job];
		r = &run->r[i];
		r->state = ev.state == AGENT_OK ? JOB_OK : ev.state == AGENT_SKIPPED ? JOB_SKIPPED : JOB_FAILED;
		r->changes = (unsigned long)(ev.created + ev.updated + ev.metadata + ev.deleted);
		r->bytes = ev.bytes;
		r->seconds = ev.seconds;
		r->msg = ev.message ? xstrdup(ev.message) : NULL;
		run->files_done += r->changes;
		run->bytes_done += ev.bytes;
		a->files = a->bytes = 0;
		job_done(run, i);
	}
out:
	if (a->fail)
		kill(a->pid, SIGTERM);
	agent_event_release(&ev);
	err_release(&e);
}

/* Reads what agent a wrote; at its end, returns 1. */
static int proc_read(struct run *run, struct agent_proc *a)
{
	char buf[8192];
	ssize_t n = read(a->out, buf, sizeof(buf));
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		close(a->out);
		a->out = -1;
		return 1;
	}
	strbuf_add(&a->line, buf, (size_t)n);
	while ((nl = memchr(a->line.buf, '\n', a->line.len))) {
		size_t len = (size_t)(nl - a->line.buf);
		proc_line(run, a, a->line.buf, len);
		memmove(a->line.buf, nl + 1, a->line.len - len - 1);
		strbuf_setlen(&a->line, a->line.len - len - 1);
	}
	return 0;
}

/* The last non-empty line of the agent's stderr (caller frees), or NULL. */
static char *last_err_line(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096], *s, *res = NULL;
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0 && sb.len < (1u << 20))
		strbuf_add(&sb, buf, (size_t)n);
	strbuf_rtrim(&sb);
	if (sb.len) {
		s = strrchr(sb.buf, '\n');
		res = xstrdup(s ? s + 1 : sb.buf);
		/* ssh ends its lines with \r on a terminal */
		for (size_t k = strlen(res); k && (res[k - 1] == '\r'); k--)
			res[k - 1] = '\0';
	}
	strbuf_release(&sb);
	return res;
}

/* Why what agent a (ended with status) did not answer for failed (caller frees). */
static char *proc_fail_msg(const struct agent_proc *a, int status)
{
	char *why = last_err_line(a->err), *msg;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	if (a->fail)
		msg = xstrdup(a->fail);
	else if (!a->hello && a->ssh && code == 255)
		msg = xstrfmt("cannot reach %s over ssh: %s", a->host, why ? why : "ssh failed");
	else if (!a->hello)
		msg = xstrfmt("the agent did not start on %s: %s (exit %d)", a->host,
			      why ? why : "no message", code);
	else
		msg = xstrfmt("the agent on %s stopped before this job: %s (exit %d)", a->host,
			      why ? why : "no message", code);
	free(why);
	return msg;
}

/* Agent a has ended with status: jobs without a result failed, and why. */
static void proc_end(struct run *run, struct agent_proc *a, int status)
{
	for (size_t k = 0; k < a->njobs; k++) {
		if (a->has_result[k])
			continue;
		run->r[a->jobs[k]].seconds = 0;
		job_fail(run, a->jobs[k], proc_fail_msg(a, status));
	}
}

/* True when job i may start now: every tree inside it is finished or in the wave. */
static bool may_start(const struct run *run, size_t i, const bool *in_wave)
{
	for (size_t d = 0; d < run->p->njobs; d++)
		if (d != i && !run->finished[d] && !in_wave[d] && nested(&run->p->jobs[d], &run->p->jobs[i]))
			return false;
	return true;
}

/*
 * Starts an agent in slot a for host's jobs that may start now. Returns
 * 1 started, 0 nothing to start (jobs that could not even be asked for
 * are finished as failed here).
 */
static int start_host(struct run *run, const char *host, struct agent_proc *a)
{
	const struct plan *p = run->p;
	const struct conf_host *h = conf_host(run->o->conf, host);
	struct agent_request req = { 0 };
	struct strvec av = STRVEC_INIT;
	struct strbuf body = STRBUF_INIT;
	bool *in_wave = xcalloc(p->njobs ? p->njobs : 1, sizeof(bool));
	bool grew = true;
	int rc = 0;

	a->jobs = xcalloc(p->njobs ? p->njobs : 1, sizeof(size_t));
	/* nested trees first: repeat until nothing more may join the wave */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < p->njobs; i++) {
			if (run->started[i] || in_wave[i] || strcmp(p->jobs[i].src_host, host) ||
			    !may_start(run, i, in_wave))
				continue;
			in_wave[i] = true;
			a->jobs[a->njobs++] = i;
			grew = true;
		}
	}
	if (!a->njobs)
		goto cleanup;
	req.version = xstrdup(EXTNFS_VERSION);
	req.host = xstrdup(host);
	req.dry_run = run->o->dry_run;
	a->ssh = h && !strcmp(h->transport, "ssh");
	for (size_t k = 0; k < a->njobs; k++) {
		size_t i = a->jobs[k];
		const struct tree_job *j = &p->jobs[i];
		struct agent_job *aj;
		struct err e = ERR_INIT;
		char *dest = conf_server_dest(run->o->conf, j->server, j->path, &e);

		run->started[i] = true;
		if (!dest) {
			job_fail(run, i, xstrdup(e.msg.buf));
			err_release(&e);
			a->jobs[k--] = a->jobs[--a->njobs];
			continue;
		}
		aj = agent_request_add(&req);
		aj->src = xstrfmt("%s%s", h && h->root ? h->root : "", j->path);
		aj->dest = dest;
		if (starts_with(dest, "ssh://") && conf_server(run->o->conf, j->server)->ssh)
			aj->ssh = xstrdup(conf_server(run->o->conf, j->server)->ssh);
		for (size_t x = 0; x < j->include.nr; x++)
			strvec_push(&aj->include, j->include.v[x]);
		for (size_t x = 0; x < j->exclude.nr; x++)
			strvec_push(&aj->exclude, j->exclude.v[x]);
		aj->del = true;
		aj->force = run->o->force;
		aj->max_delete = run->o->max_delete;
		aj->max_delete_pct = run->o->max_delete_pct;
		/* a job that owns only some names of its directory leaves the directory alone */
		aj->keep_root = j->include.nr > 0;
		/*
		 * A tree that holds other jobs' trees walks its destination every
		 * time: their writes disturb the times of its directories (the
		 * .client_data directory), which its manifest would not see.
		 */
		aj->verify = run->o->verify;
		for (size_t d = 0; d < p->njobs && !aj->verify; d++)
			aj->verify = d != i && nested(&p->jobs[d], j);
	}
	if (!a->njobs)
		goto cleanup;
	a->has_result = xcalloc(a->njobs, sizeof(bool));
	a->host = xstrdup(host);
	strbuf_init(&a->line, 0);
	agent_request_write(&req, &body);
	agent_argv(h, run->o, &av);
	{
		struct err e = ERR_INIT;
		if (proc_start(a, &av, &body, &e) < 0) {
			for (size_t k = 0; k < a->njobs; k++)
				job_fail(run, a->jobs[k], xstrfmt("cannot start the agent: %s", e.msg.buf));
			err_release(&e);
			goto cleanup;
		}
	}
	rc = 1;
cleanup:
	if (!rc)
		proc_release(a);
	agent_request_release(&req);
	strvec_clear(&av);
	strbuf_release(&body);
	free(in_wave);
	return rc;
}

static void report_status(struct run *run, struct agent_proc *kids, unsigned fanout)
{
	run->prog.files = run->files_done;
	run->prog.bytes = run->bytes_done;
	run->prog.hosts_running = 0;
	for (unsigned k = 0; k < fanout; k++)
		if (kids[k].pid > 0) {
			run->prog.hosts_running++;
			run->prog.files += kids[k].files;
			run->prog.bytes += kids[k].bytes;
		}
	if (run->o->status)
		run->o->status(&run->prog, run->o->data);
}

int jobs_run(const struct plan *p, const struct run_opts *o, struct job_result **results,
	     struct err *e)
{
	unsigned fanout = o->fanout ? o->fanout : 1, active = 0;
	struct agent_proc *kids = xcalloc(fanout, sizeof(*kids));
	struct pollfd *pfd = xcalloc(fanout, sizeof(*pfd));
	struct run run = { p, o, NULL, NULL, NULL, { 0, p->njobs, 0, 0, 0 }, 0, 0 };
	struct sigaction sa, old_pipe;
	struct strvec hosts = STRVEC_INIT;
	int rc = -1;

	run.r = xcalloc(p->njobs ? p->njobs : 1, sizeof(*run.r));
	run.started = xcalloc(p->njobs ? p->njobs : 1, sizeof(bool));
	run.finished = xcalloc(p->njobs ? p->njobs : 1, sizeof(bool));
	for (size_t i = 0; i < p->njobs; i++) {
		run.r[i].job = &p->jobs[i];
		if (strvec_find(&hosts, p->jobs[i].src_host) < 0)
			strvec_push(&hosts, p->jobs[i].src_host);
	}
	for (unsigned k = 0; k < fanout; k++)
		kids[k].out = kids[k].err = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &old_pipe);
	/* until every job has its result and every agent has ended */
	while (run.prog.jobs_done < p->njobs || active) {
		/* a free slot for each host with nothing running and jobs that may start */
		for (size_t h = 0; h < hosts.nr && active < fanout; h++) {
			bool busy = false;
			for (unsigned k = 0; k < fanout && !busy; k++)
				busy = kids[k].pid > 0 && !strcmp(kids[k].host, hosts.v[h]);
			if (busy)
				continue;
			for (unsigned k = 0; k < fanout; k++)
				if (kids[k].pid <= 0) {
					active += (unsigned)start_host(&run, hosts.v[h], &kids[k]);
					break;
				}
		}
		if (!active) {
			if (run.prog.jobs_done < p->njobs) {
				/* cannot happen: nested jobs always have an order */
				for (size_t i = 0; i < p->njobs; i++)
					if (!run.finished[i] && !run.started[i]) {
						run.started[i] = true;
						job_fail(&run, i, xstrdup("not run: it waits on itself"));
					}
			}
			continue;
		}
		report_status(&run, kids, fanout);
		for (unsigned k = 0; k < fanout; k++) {
			pfd[k].fd = kids[k].pid > 0 ? kids[k].out : -1;
			pfd[k].events = POLLIN;
			pfd[k].revents = 0;
		}
		if (poll(pfd, fanout, 1000) < 0 && errno != EINTR) {
			err_set(e, "poll: %s", strerror(errno));
			goto cleanup;
		}
		for (unsigned k = 0; k < fanout; k++) {
			int status;
			if (kids[k].pid <= 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!proc_read(&run, &kids[k]))
				continue;
			while (waitpid(kids[k].pid, &status, 0) < 0)
				if (errno != EINTR) {
					err_set(e, "waitpid: %s", strerror(errno));
					goto cleanup;
				}
			proc_end(&run, &kids[k], status);
			proc_release(&kids[k]);
			active--;
		}
	}
	report_status(&run, kids, fanout);
	rc = 0;
cleanup:
	for (unsigned k = 0; k < fanout; k++) {
		if (kids[k].pid > 0) {
			kill(kids[k].pid, SIGTERM);
			waitpid(kids[k].pid, NULL, 0);
		}
		proc_release(&kids[k]);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	free(kids);
	free(pfd);
	free(run.started);
	free(run.finished);
	strvec_clear(&hosts);
	*results = run.r;
	return rc;
}

void job_results_release(struct job_result *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		free(r[i].msg);
	free(r);
}

/*
 * Runs the redirect edits of host (an ssh host) through its agent, one
 * request, and appends one item per edit to r.
 */
static void redirect_host(const struct plan *p, const char *host, const struct run_opts *o,
			  bool undo, struct redirect_report *r)
{
	const struct conf_host *h = conf_host(o->conf, host);
	struct agent_request req = { 0 };
	struct agent_proc a;
	struct strvec av = STRVEC_INIT;
	struct strbuf body = STRBUF_INIT;
	struct err e = ERR_INIT;
	size_t first = r->nr, n = 0;
	char *fail = NULL;
	int status = 0;

	memset(&a, 0, sizeof(a));
	a.out = a.err = -1;
	req.version = xstrdup(EXTNFS_VERSION);
	req.host = xstrdup(host);
	req.dry_run = o->dry_run;
	req.redirect_undo = undo;
	for (size_t i = 0; i < p->nedits; i++) {
		const struct redirect_edit *ed = &p->edits[i];
		struct redirect_item *it;
		if (strcmp(ed->sn, host))
			continue;
		agent_request_add_edit(&req, ed, h && h->root ? h->root : NULL);
		n++;
		it = redirect_report_add(r, ed);
		it->state = REDIRECT_FAILED; /* until the agent says otherwise */
	}
	a.host = xstrdup(host);
	a.ssh = true;
	strbuf_init(&a.line, 0);
	agent_request_write(&req, &body);
	agent_argv(h, o, &av);
	if (proc_start(&a, &av, &body, &e) < 0) {
		fail = xstrfmt("cannot start the agent: %s", e.msg.buf);
		goto done;
	}
	for (;;) {
		char buf[8192], *nl;
		ssize_t got = read(a.out, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		strbuf_add(&a.line, buf, (size_t)got);
		while ((nl = memchr(a.line.buf, '\n', a.line.len))) {
			size_t len = (size_t)(nl - a.line.buf);
			struct agent_event ev;
			if (!a.fail && agent_event_parse(a.line.buf, len, &ev, &e) < 0) {
				a.fail = xstrfmt("the agent on %s said something unexpected: %s", host, e.msg.buf);
			} else if (!a.fail) {
				if (!a.hello) {
					check_hello(&a, &ev);
				} else if (ev.type == AEV_ERROR) {
					a.fail = xstrdup(ev.message);
				} else if (ev.type == AEV_REDIRECT && ev.job < n) {
					struct redirect_item *it = &r->items[first + ev.job];
					it->state = ev.state == AGENT_OK ? REDIRECT_CHANGED
						    : ev.state == AGENT_SKIPPED ? REDIRECT_UNCHANGED
										: REDIRECT_FAILED;
					free(it->msg);
					it->msg = ev.message ? xstrdup(ev.message) : NULL;
					if (it->state == REDIRECT_FAILED && !it->msg)
						it->msg = xstrdup("failed");
				}
				agent_event_release(&ev);
				if (a.fail)
					kill(a.pid, SIGTERM);
			}
			memmove(a.line.buf, nl + 1, a.line.len - len - 1);
			strbuf_setlen(&a.line, a.line.len - len - 1);
		}
	}
	while (waitpid(a.pid, &status, 0) < 0 && errno == EINTR)
		;
	fail = proc_fail_msg(&a, status);
done:
	for (size_t k = first; k < r->nr; k++) {
		struct redirect_item *it = &r->items[k];
		if (it->state == REDIRECT_FAILED && !it->msg)
			it->msg = xstrdup(fail ? fail : "failed");
		if (it->state == REDIRECT_FAILED)
			r->failed++;
		else if (it->state == REDIRECT_CHANGED)
			r->changed++;
		else
			r->unchanged++;
	}
	free(fail);
	proc_release(&a);
	agent_request_release(&req);
	strvec_clear(&av);
	strbuf_release(&body);
	err_release(&e);
}

int jobs_redirect(const struct plan *p, const struct run_opts *o, const char *backup_dir, bool undo,
		  struct redirect_report *r, struct err *e)
{
	struct plan local;
	struct strvec ssh_hosts = STRVEC_INIT;
	int rc;

	/* the edits of local hosts, here; each ssh host's through its agent */
	memset(&local, 0, sizeof(local));
	local.edits = xcalloc(p->nedits ? p->nedits : 1, sizeof(*local.edits));
	for (size_t i = 0; i < p->nedits; i++) {
		const struct conf_host *h = conf_host(o->conf, p->edits[i].sn);
		if (h && !strcmp(h->transport, "ssh")) {
			if (strvec_find(&ssh_hosts, p->edits[i].sn) < 0)
				strvec_push(&ssh_hosts, p->edits[i].sn);
		} else {
			local.edits[local.nedits++] = p->edits[i]; /* borrowed strings */
		}
	}
	rc = redirect_apply(&local, o->conf, backup_dir, undo, o->dry_run, r, e);
	for (size_t k = 0; rc == 0 && k < ssh_hosts.nr; k++)
		redirect_host(p, ssh_hosts.v[k], o, undo, r);
	free(local.edits);
	strvec_clear(&ssh_hosts);
	return rc;
}
