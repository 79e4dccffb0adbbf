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

static const char usage_line[] = "extnfs check [NODERANGE] [--deep] [--probe] [--probe-node NODE]";
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
	"makes sure another node's root and statelite directory refuse it. A probe\n"
	"counts only from the node's own address: with [global] probe_exec each\n"
	"node's probe runs under that command (%n the node, %i its address), e.g.\n"
	"'ip netns exec %n-ns'; without it, nodes whose address is not on this host\n"
	"are reported as not probed. --probe-node runs one node's probe here and\n"
	"prints it as JSON (what probe_exec runs).\n"
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

/* What a child probe printed, into r; false when it is not a probe result. */
static bool take_child(const char *node, const char *out, struct check_report *r)
{
	json_error_t je;
	json_t *j = json_loads(out, 0, &je), *a;
	size_t i;
	json_t *v;

	if (!j)
		return false;
	a = json_object_get(j, "problems");
	if (!json_is_array(a)) {
		json_decref(j);
		return false;
	}
	json_array_foreach(a, i, v) {
		const char *what = json_string_value(json_object_get(v, "check"));
		const char *sev = json_string_value(json_object_get(v, "severity"));
		const char *msg = json_string_value(json_object_get(v, "message"));
		if (msg)
			check_add(r, node, what && !strcmp(what, "probe") ? "probe" : "probe",
				  sev && !strcmp(sev, "unknown") ? CHECK_UNKNOWN : CHECK_FAIL, "%s", msg);
	}
	json_decref(j);
	return true;
}

/* The probe_exec words for node, then this extnfs with its --db and --config. */
static void probe_argv(struct cmd_ctx *ctx, const char *node, const char *ip, struct strvec *av)
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
	strvec_clear(&words);
}

/* Runs one node's probe under probe_exec and takes its result. */
static void probe_child(struct cmd_ctx *ctx, const char *node, struct check_report *r)
{
	struct strvec av = STRVEC_INIT;
	struct strbuf ip = STRBUF_INIT, out = STRBUF_INIT;
	struct err e = ERR_INIT;
	int fds[2], status = 0;
	pid_t pid;

	model_attr(ctx->model, node, "hosts", "ip", &ip, &e);
	probe_argv(ctx, node, ip.buf, &av);
	if (pipe(fds) < 0) {
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: pipe: %s", strerror(errno));
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		close(fds[1]);
		execvp(av.v[0], av.v);
		fprintf(stderr, "extnfs check: cannot run '%s': %s\n", av.v[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		char buf[4096];
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(&out, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!take_child(node, out.buf, r))
		check_add(r, node, "probe", CHECK_UNKNOWN, "not probed: '%s ...' %s %d and printed no result",
			  av.v[0], WIFEXITED(status) ? "exited with" : "was killed by signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	strvec_clear(&av);
	strbuf_release(&ip);
	strbuf_release(&out);
	err_release(&e);
}

/* --probe-node: one node probed here, its result as JSON on stdout. */
static int probe_one(struct cmd_ctx *ctx, const struct plan *full, const char *node)
{
	struct check_opts o = { ctx->conf, ctx->model, ctx->db, false };
	struct check_report r = CHECK_REPORT_INIT;
	json_t *a, *j;
	int rc = EXIT_OK;

	if (strvec_find(&full->nodes, node) < 0) {
		err_set(&ctx->err, "'%s' is not a node the plan moves to an external server", node);
		return cmd_error(ctx, "check", EXIT_DATA);
	}
	if (check_probe_node(full, &o, node, &r, &ctx->err) < 0) {
		check_report_release(&r);
		return cmd_error(ctx, "check", EXIT_DATA);
	}
	a = json_array();
	for (size_t i = 0; i < r.nr; i++) {
		add_problem_json(a, &r.v[i]);
		if (r.v[i].sev == CHECK_FAIL)
			rc = EXIT_NOBOOT;
		else if (rc == EXIT_OK)
			rc = EXIT_SOME_FAILED;
	}
	j = json_pack("{s:s,s:o}", "node", node, "problems", a);
	json_dumpf(j, stdout, JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
	check_report_release(&r);
	return rc;
}

int cmd_check(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, none = STRVEC_INIT;
	struct plan sel = { 0 }, full = { 0 };
	struct check_report r = CHECK_REPORT_INIT;
	struct row *rows = NULL;
	const char *probe_node = NULL;
	int deep = 0, probe = 0, rc;
	size_t ok = 0, failed = 0, unknown = 0;
	const struct opt opts[] = {
		OPT_FLAG_(0, "deep", &deep, "compare trees by content digest too (reads every file)"),
		OPT_FLAG_(0, "probe", &probe, "mount every export over NFS as each node"),
		OPT_STR_(0, "probe-node", &probe_node, "NODE", "probe NODE from here and print the result as JSON"),
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
	rc = planned_nodes(ctx, "check", &none, 0, &full);
	if (rc >= 0)
		goto cleanup;
	if (probe_node) {
		rc = probe_one(ctx, &full, probe_node);
		goto cleanup;
	}
	rc = planned_nodes(ctx, "check", &rest, 0, &sel);
	if (rc >= 0)
		goto cleanup;
	{
		struct check_opts o = { ctx->conf, ctx->model, ctx->db, deep };
		if (check_static(&full, &o, &r, &ctx->err) < 0) {
			rc = cmd_error(ctx, "check", EXIT_DATA);
			goto cleanup;
		}
		for (size_t i = 0; probe && i < sel.nodes.nr; i++) {
			if (ctx->verbose)
				fprintf(stderr, "probing %s\n", sel.nodes.v[i]);
			if (ctx->conf->probe_exec)
				probe_child(ctx, sel.nodes.v[i], &r);
			else if (check_probe_node(&full, &o, sel.nodes.v[i], &r, &ctx->err) < 0) {
				rc = cmd_error(ctx, "check", EXIT_DATA);
				goto cleanup;
			}
		}
	}
	rows = xcalloc(sel.nodes.nr ? sel.nodes.nr : 1, sizeof(*rows));
	for (size_t i = 0; i < sel.nodes.nr; i++) {
		rows[i].node = sel.nodes.v[i];
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
		for (size_t i = 0; i < sel.nodes.nr; i++) {
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
			      "notes", notes, "summary", "nodes", (json_int_t)sel.nodes.nr, "ok", (json_int_t)ok,
			      "failed", (json_int_t)failed, "unknown", (json_int_t)unknown, "probe", probe, "deep",
			      deep);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet || failed || unknown) {
		for (size_t i = 0; i < sel.nodes.nr; i++) {
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
		       sel.nodes.nr, ok, failed, unknown);
	}
	rc = failed ? EXIT_NOBOOT : unknown ? EXIT_SOME_FAILED : EXIT_OK;
cleanup:
	free(rows);
	check_report_release(&r);
	plan_release(&sel);
	plan_release(&full);
	strvec_clear(&rest);
	strvec_clear(&none);
	return rc;
}
