/*
 * check: prove before boot that every node can mount what it needs. The
 * static check (check/static.c) compares the servers with the plan; with
 * --probe each node is also probed over NFS (check/probe.c), in this
 * process or, with [global] probe_exec, in a child run where the node's
 * address is ("ip netns exec %n-ns ..."), which prints its result as JSON
 * (--probe-node). One row per node, a summary, --json.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check/check.h"
#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] =
	"extnfs check [NODERANGE] [--deep] [--probe] [--probe-node NODE] [--with-paging] [--with-dump]";
static const char desc[] =
	"Proves, before boot, that every node of NODERANGE (all when omitted) can\n"
	"mount what it needs from the external servers. Static checks, per node:\n"
	"every planned tree is on the server and equal to its SN's copy (--deep:\n"
	"by content too), with drift (the SN copy changed since the last sync) told\n"
	"apart; every export grants exactly the planned access (ro/rw, root) to the\n"
	"node and nothing of another node's; the statelite directories exist with\n"
	"their owner and mode; the redirect edits are in place on the SN; the node's\n"
	"hosts file, as the server serves it, maps the server's name to its hosts.ip;\n"
	"Linux servers export with 'insecure' to the AIX nodes.\n"
	"--probe also mounts every export over NFS as the node: reads the SPOT's\n"
	"lib/boot and the node's filesystems file, writes where the node writes, and\n"
	"makes sure another node's root and statelite directory refuse it; nodes\n"
	"left on their SN (nfsserver is their SN) are probed as their SN serves\n"
	"them, so a failover drill shows who depends on an SN. A probe\n"
	"counts only from the node's own address: with [global] probe_exec each\n"
	"node's probe runs under that command (%n the node, %i its address), e.g.\n"
	"'ip netns exec %n-ns', up to [global] fanout at once; without it, nodes\n"
	"whose address is not on this host are reported as not probed.\n"
	"--probe-node runs one node's probe here and prints it as JSON (what\n"
	"probe_exec runs).\n"
	"Exit 0 when every node is ok, 6 when some node would not boot, 1 when\n"
	"some node could not be checked.";

struct row {
	const char *node;
	size_t fails, unknowns;
};

static void add_problem_json(json_t *a, const struct check_problem *c)
{
	json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "check", c->what, "severity",
					   c->sev == CHECK_FAIL ? "fail" : "unknown", "message", c->msg));
}

/* The probe_exec words for node, then this extnfs with its --db and --config. */
static void probe_argv(struct cmd_ctx *ctx, const char *node, const char *ip, unsigned flags,
		       struct strvec *av)
{
	struct strvec words = STRVEC_INIT;
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	strvec_split(&words, ctx->conf->probe_exec, ' ', 1);
	for (size_t i = 0; i < words.nr; i++) {
		struct strbuf w = STRBUF_INIT;
		for (const char *s = words.v[i]; *s; s++) {
			if (*s == '%' && s[1] == 'n')
				strbuf_addstr(&w, node), s++;
			else if (*s == '%' && s[1] == 'i')
				strbuf_addstr(&w, ip), s++;
			else if (*s == '%' && s[1] == '%')
				strbuf_addch(&w, '%'), s++;
			else
				strbuf_addch(&w, *s);
		}
		strvec_push(av, w.buf);
		strbuf_release(&w);
	}
	if (n > 0) {
		self[n] = '\0';
		strvec_push(av, self);
	} else {
		strvec_push(av, "extnfs");
	}
	strvec_push(av, "--db");
	strvec_push(av, ctx->db_path);
	if (ctx->conf->path) {
		strvec_push(av, "--config");
		strvec_push(av, ctx->conf->path);
	}
	strvec_push(av, "check");
	strvec_push(av, "--probe-node");
	strvec_push(av, node);
	if (flags & PLAN_WITH_PAGING)
		strvec_push(av, "--with-paging");
	if (flags & PLAN_WITH_DUMP)
		strvec_push(av, "--with-dump");
	strvec_clear(&words);
}

struct kid {
	pid_t pid;
	int fd;
	const char *node;
	char *argv0;
	struct strbuf out;
};

/* Starts node's probe under probe_exec, its stdout on k->fd. 0, or -1 (problem added). */
static int kid_start(struct cmd_ctx *ctx, const char *node, unsigned flags, struct kid *k,
		     struct check_report *r)
{
	struct strvec av = STRVEC_INIT;
	struct strbuf ip = STRBUF_INIT;
	struct err e = ERR_INIT;
	int fds[2] = { -1, -1 }, rc = -1;

	k->node = node;
	k->pid = -1;
	k->fd = -1;
	strbuf_init(&k->out, 0);
	model_attr(ctx->model, node, "hosts", "ip", &ip, &e);
	probe_argv(ctx, node, ip.buf, flags, &av);
	k->argv0 = xstrdup(av.v[0]);
	if (pipe(fds) < 0) {
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: pipe: %s", strerror(errno));
		goto out;
	}
	fflush(stdout);
	k->pid = fork();
	if (k->pid < 0) {
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (k->pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		close(fds[1]);
		execvp(av.v[0], av.v);
		fprintf(stderr, "extnfs check: cannot run '%s': %s\n", av.v[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	k->fd = fds[0];
	rc = 0;
out:
	strvec_clear(&av);
	strbuf_release(&ip);
	err_release(&e);
	return rc;
}

/* Reads what is there of k's output; at its end reaps k and takes its result. */
static void kid_read(struct kid *k, struct check_report *r)
{
	char buf[4096];
	ssize_t n = read(k->fd, buf, sizeof(buf));
	struct err e = ERR_INIT;
	int status = 0;

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0) {
		strbuf_add(&k->out, buf, (size_t)n);
		return;
	}
	close(k->fd);
	k->fd = -1;
	while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR)
		;
	k->pid = -1;
	if (check_result_read(k->out.buf, k->out.len, k->node, r, &e) < 0)
		check_add(r, k->node, "probe", CHECK_UNKNOWN, "not probed: '%s ...' %s %d and printed no result",
			  k->argv0, WIFEXITED(status) ? "exited with" : "was killed by signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	err_release(&e);
	strbuf_release(&k->out);
	free(k->argv0);
	k->argv0 = NULL;
}

/*
 * Probes nodes under probe_exec, up to [global] fanout at once, each
 * child's JSON result taken into r; a progress line on a terminal.
 */
static void probe_children(struct cmd_ctx *ctx, const struct strvec *nodes, unsigned flags,
			   struct check_report *r)
{
	unsigned fanout = ctx->conf->fanout ? ctx->conf->fanout : 1;
	struct kid *kids = xcalloc(fanout, sizeof(*kids));
	struct pollfd *pfd = xcalloc(fanout, sizeof(*pfd));
	bool tty = isatty(2) && !ctx->quiet;
	size_t next = 0, done = 0;

	for (unsigned i = 0; i < fanout; i++)
		kids[i].fd = -1;
	while (done < nodes->nr) {
		nfds_t n = 0;
		for (unsigned i = 0; i < fanout && next < nodes->nr; i++)
			if (kids[i].fd < 0 && kid_start(ctx, nodes->v[next++], flags, &kids[i], r) < 0) {
				free(kids[i].argv0);
				kids[i].argv0 = NULL;
				done++;
			}
		for (unsigned i = 0; i < fanout; i++) {
			pfd[i].fd = kids[i].fd;
			pfd[i].events = POLLIN;
			n += kids[i].fd >= 0;
		}
		if (!n)
			continue;
		if (poll(pfd, fanout, -1) < 0)
			continue;
		for (unsigned i = 0; i < fanout; i++)
			if (kids[i].fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				kid_read(&kids[i], r);
				if (kids[i].fd < 0) {
					done++;
					if (tty)
						fprintf(stderr, "\rprobed %zu of %zu node(s)", done, nodes->nr);
				}
			}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	free(kids);
	free(pfd);
}

/*
 * The plan of nodes left on their SN, as their SN serves them (what they
 * mount today), for their probe. 0, or -1 with ctx->err set.
 */
static int stay_plan(struct cmd_ctx *ctx, const struct strvec *nodes, unsigned flags, struct plan *out)
{
	struct plan_opts po = { flags | PLAN_AS_SERVED, ctx->conf };

	return plan_build(ctx->model, nodes, &po, out, &ctx->err);
}

/* --probe-node: one node probed here, its result as JSON on stdout. */
static int probe_one(struct cmd_ctx *ctx, const struct plan *full, unsigned flags, const char *node)
{
	struct check_opts o = { ctx->conf, ctx->model, ctx->db, false, NULL };
	struct check_report r = CHECK_REPORT_INIT;
	struct strbuf out = STRBUF_INIT;
	int rc = EXIT_OK;

	struct plan stay = { 0 };
	const struct plan *p = full;

	if (strvec_find(&full->nodes, node) < 0) {
		/* a node left on its SN: probed as its SN serves it */
		struct strvec one = STRVEC_INIT;
		strvec_push(&one, node);
		rc = stay_plan(ctx, &one, flags, &stay);
		strvec_clear(&one);
		if (rc < 0 || strvec_find(&stay.nodes, node) < 0) {
			plan_release(&stay);
			if (rc == 0)
				err_set(&ctx->err, "'%s' is not a node the plan moves or its SN serves", node);
			return cmd_error(ctx, "check", EXIT_DATA);
		}
		p = &stay;
	}
	if (check_probe_node(p, &o, node, &r, &ctx->err) < 0) {
		check_report_release(&r);
		plan_release(&stay);
		return cmd_error(ctx, "check", EXIT_DATA);
	}
	plan_release(&stay);
	for (size_t i = 0; i < r.nr; i++) {
		if (r.v[i].sev == CHECK_FAIL)
			rc = EXIT_NOBOOT;
		else if (rc == EXIT_OK)
			rc = EXIT_SOME_FAILED;
	}
	check_result_write(&r, node, &out);
	fputs(out.buf, stdout);
	strbuf_release(&out);
	check_report_release(&r);
	return rc;
}

int cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, none = STRVEC_INIT;
	struct plan sel = { 0 }, full = { 0 }, stay = { 0 };
	struct strvec staying = STRVEC_INIT, probed = STRVEC_INIT;
	const struct strvec *rn;
	struct check_report r = CHECK_REPORT_INIT;
	struct row *rows = NULL;
	const char *probe_node = NULL;
	int deep = 0, probe = 0, paging = 0, dump = 0, rc;
	unsigned flags;
	size_t ok = 0, failed = 0, unknown = 0;
	const struct opt opts[] = {
		OPT_FLAG_(0, "deep", &deep, "compare trees by content digest too (reads every file)"),
		OPT_FLAG_(0, "probe", &probe, "mount every export over NFS as each node"),
		OPT_STR_(0, "probe-node", &probe_node, "NODE", "probe NODE from here and print the result as JSON"),
		OPT_FLAG_(0, "with-paging", &paging, "the paging resources too (as apply --with-paging)"),
		OPT_FLAG_(0, "with-dump", &dump, "the dump resources too (as apply --with-dump)"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (probe_node && rest.nr) {
		rc = cmd_usage("check", "--probe-node takes no noderange");
		goto cleanup;
	}
	/* the whole plan: exports and probes need every node's grants */
	flags = (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0);
	rc = planned_nodes(ctx, "check", &none, flags, &full);
	if (rc >= 0)
		goto cleanup;
	if (probe_node) {
		rc = probe_one(ctx, &full, flags, probe_node);
		goto cleanup;
	}
	rc = planned_nodes(ctx, "check", &rest, flags, &sel);
	if (rc >= 0)
		goto cleanup;
	{
		struct check_opts o = { ctx->conf, ctx->model, ctx->db, deep, rest.nr ? &sel.nodes : NULL };
		if (check_static(&full, &o, &r, &ctx->err) < 0) {
			rc = cmd_error(ctx, "check", EXIT_DATA);
			goto cleanup;
		}
		/* with --probe, the nodes left on their SN too, as their SN serves them */
		for (size_t i = 0; probe && i < sel.nskipped; i++)
			if (starts_with(sel.skipped[i].msg, "nfsserver is its service node"))
				strvec_push(&staying, sel.skipped[i].node);
		if (staying.nr && stay_plan(ctx, &staying, flags, &stay) < 0) {
			rc = cmd_error(ctx, "check", EXIT_DATA);
			goto cleanup;
		}
		for (size_t i = 0; i < stay.nerrors; i++)
			check_add(&r, stay.errors[i].node, "probe", CHECK_UNKNOWN, "not probed: %s", stay.errors[i].msg);
		for (size_t i = 0; i < staying.nr; i++)
			if (strvec_find(&stay.nodes, staying.v[i]) < 0)
				check_add(&r, staying.v[i], "probe", CHECK_UNKNOWN, "not probed: its SN's plan failed");
		for (size_t i = 0; i < sel.nodes.nr; i++)
			strvec_push(&probed, sel.nodes.v[i]);
		for (size_t i = 0; i < staying.nr; i++)
			strvec_push(&probed, staying.v[i]);
		if (probe && ctx->conf->probe_exec)
			probe_children(ctx, &probed, flags, &r);
		for (size_t i = 0; probe && !ctx->conf->probe_exec && i < probed.nr; i++) {
			const struct plan *pp = i < sel.nodes.nr ? &full : &stay;
			if (isatty(2) && !ctx->quiet)
				fprintf(stderr, "\rprobing %s (%zu of %zu)\033[K", probed.v[i], i + 1, probed.nr);
			if (strvec_find(&pp->nodes, probed.v[i]) < 0)
				continue;
			if (check_probe_node(pp, &o, probed.v[i], &r, &ctx->err) < 0) {
				rc = cmd_error(ctx, "check", EXIT_DATA);
				goto cleanup;
			}
		}
		if (probe && !ctx->conf->probe_exec && isatty(2) && !ctx->quiet)
			fprintf(stderr, "\r\033[K");
	}
	/* the rows: the moved nodes, and with --probe the nodes probed on their SN */
	rn = probe ? &probed : &sel.nodes;
	rows = xcalloc(rn->nr ? rn->nr : 1, sizeof(*rows));
	for (size_t i = 0; i < rn->nr; i++) {
		rows[i].node = rn->v[i];
		for (size_t k = 0; k < r.nr; k++)
			if (!strcmp(r.v[k].node, rows[i].node)) {
				if (r.v[k].sev == CHECK_FAIL)
					rows[i].fails++;
				else
					rows[i].unknowns++;
			}
		if (rows[i].fails)
			failed++;
		else if (rows[i].unknowns)
			unknown++;
		else
			ok++;
	}
	if (ctx->json) {
		json_t *nodes = json_array(), *skipped = json_array(), *notes = json_array(), *j;
		for (size_t i = 0; i < rn->nr; i++) {
			json_t *a = json_array();
			for (size_t k = 0; k < r.nr; k++)
				if (!strcmp(r.v[k].node, rows[i].node))
					add_problem_json(a, &r.v[k]);
			json_array_append_new(nodes, json_pack("{s:s,s:s,s:o}", "node", rows[i].node, "state",
							       rows[i].fails ? "failed" : rows[i].unknowns ? "unknown" : "ok",
							       "problems", a));
		}
		for (size_t i = 0; i < sel.nskipped; i++)
			json_array_append_new(skipped, json_pack("{s:s,s:s}", "node", sel.skipped[i].node, "reason",
								 sel.skipped[i].msg));
		for (size_t i = 0; i < r.notes.nr; i++)
			json_array_append_new(notes, json_string(r.notes.v[i]));
		j = json_pack("{s:o,s:o,s:o,s:{s:I,s:I,s:I,s:I},s:b,s:b}", "nodes", nodes, "skipped", skipped,
			      "notes", notes, "summary", "nodes", (json_int_t)rn->nr, "ok", (json_int_t)ok,
			      "failed", (json_int_t)failed, "unknown", (json_int_t)unknown, "probe", probe, "deep",
			      deep);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet || failed || unknown) {
		for (size_t i = 0; i < rn->nr; i++) {
			if (!rows[i].fails && !rows[i].unknowns) {
				if (!ctx->quiet)
					printf("%s: ok\n", rows[i].node);
				continue;
			}
			for (size_t k = 0; k < r.nr; k++)
				if (!strcmp(r.v[k].node, rows[i].node))
					printf("%s: %s: %s\n", rows[i].node, r.v[k].sev == CHECK_FAIL ? "FAILED" : "UNKNOWN",
					       r.v[k].msg);
		}
		for (size_t i = 0; !ctx->quiet && i < sel.nskipped; i++)
			printf("%s: left on its SN: %s\n", sel.skipped[i].node, sel.skipped[i].msg);
		for (size_t i = 0; !ctx->quiet && i < r.notes.nr; i++)
			printf("note: %s\n", r.notes.v[i]);
		printf("check%s: %zu node(s): %zu ok, %zu failed, %zu not checked\n", probe ? " --probe" : "",
		       rn->nr, ok, failed, unknown);
	}
	rc = failed ? EXIT_NOBOOT : unknown ? EXIT_SOME_FAILED : EXIT_OK;
cleanup:
	free(rows);
	check_report_release(&r);
	plan_release(&sel);
	plan_release(&full);
	plan_release(&stay);
	strvec_clear(&staying);
	strvec_clear(&probed);
	strvec_clear(&rest);
	strvec_clear(&none);
	return rc;
}
