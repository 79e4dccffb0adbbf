/*
 * status: per planned tree, when it was last synced and from which SN,
 * whether the SN's copy changed since (drift); per SN, whether it answers.
 * Reads the sync record (check/record.h) and the trees; changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/record.h"
#include "remote/ssh.h"
#include "check/tree.h"
#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs status [NODERANGE] [--with-paging] [--with-dump]";
static const char desc[] =
	"For each tree the plan copies for NODERANGE (all nodes when omitted): when\n"
	"it was last synced, from which SN, and whether the SN's copy changed since\n"
	"(drift: the next sync would change the server; the first difference is\n"
	"shown; on an ssh SN through 'extnfs listing' run there).\n"
	"For each SN: whether it is reachable (a local host's root exists; an ssh\n"
	"host answers 'ssh HOST true' within 5 seconds). Exit 0 when every tree was\n"
	"synced, none drifted and every SN is reachable, else 1.";

static void when(int64_t t, struct strbuf *sb)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];

	strbuf_reset(sb);
	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		strbuf_addstr(sb, "never");
	else
		strbuf_addstr(sb, buf);
}

/* "yes: why", "no", or "unknown: why" for job j and its record. */
static void drift_of(const struct conf *c, const struct tree_job *j, const struct sync_rec *rec,
		     struct strbuf *out)
{
	struct tree_list src = TREE_LIST_INIT, dst = TREE_LIST_INIT;
	struct err e = ERR_INIT;
	struct strbuf why = STRBUF_INIT;
	char *ddir = job_dst_dir(c, j);
	char fp[33];

	strbuf_reset(out);
	if (!rec->synced_at)
		strbuf_addstr(out, "unknown: never synced");
	else if (rec->src_host && strcmp(rec->src_host, j->src_host))
		strbuf_addf(out, "unknown: last synced from %s, planned from %s", rec->src_host, j->src_host);
	else if (!rec->src_fp)
		strbuf_addstr(out, "unknown: not recorded at the last sync");
	else if (job_scan_src(c, j, false, &src, &e) < 0)
		strbuf_addf(out, "unknown: %s", e.msg.buf);
	else {
		tree_fingerprint(&src, fp);
		if (!strcmp(fp, rec->src_fp))
			strbuf_addstr(out, "no");
		else if (ddir && job_scan(ddir, j, false, &dst, &e) == 0 &&
			 !tree_equal(&src, &dst, j->src_host, j->server, &why))
			strbuf_addf(out, "yes: %s", why.buf);
		else
			strbuf_addf(out, "yes: %s's copy changed since the last sync", j->src_host);
	}
	tree_list_release(&src);
	tree_list_release(&dst);
	strbuf_release(&why);
	err_release(&e);
	free(ddir);
}

/* Whether host answers: "reachable" or "unreachable: why". */
static bool reachable(const struct conf *c, const char *host, struct strbuf *out)
{
	const struct conf_host *h = conf_host(c, host);
	struct stat st;
	struct strvec av = STRVEC_INIT;
	struct err e = ERR_INIT;
	int status;

	strbuf_reset(out);
	if (!h || !h->transport || !strcmp(h->transport, "local")) {
		const char *root = h && h->root ? h->root : "/";
		if (stat(root, &st) == 0 && S_ISDIR(st.st_mode)) {
			strbuf_addstr(out, "reachable (local)");
			return true;
		}
		strbuf_addf(out, "unreachable: its root '%s' is not a directory here", root);
		return false;
	}
	ssh_argv(h, 5, &av);
	strvec_push(&av, "true");
	status = run_capture(&av, NULL, NULL, &e);
	strvec_clear(&av);
	if (status < 0) {
		strbuf_addf(out, "unknown: %s", e.msg.buf);
		err_release(&e);
		return false;
	}
	if (status == 0) {
		strbuf_addf(out, "reachable (ssh %s)", h->address);
		return true;
	}
	strbuf_addf(out, "unreachable: 'ssh %s true' failed (exit %d)", h->address, status);
	return false;
}

int cmd_status(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, hosts = STRVEC_INIT;
	struct plan p = { 0 };
	struct strbuf t = STRBUF_INIT, d = STRBUF_INIT, h = STRBUF_INIT;
	json_t *jt = NULL, *jh = NULL;
	size_t synced = 0, drifted = 0, up = 0;
	int rc, pw = 4, paging = 0, dump = 0;
	const struct opt opts[] = {
		OPT_FLAG_(0, "with-paging", &paging, "the paging resources too"),
		OPT_FLAG_(0, "with-dump", &dump, "the dump resources too"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = planned_nodes(ctx, "status", &rest, (paging ? PLAN_WITH_PAGING : 0) | (dump ? PLAN_WITH_DUMP : 0), &p);
	if (rc >= 0)
		goto cleanup;
	jt = json_array();
	jh = json_array();
	for (size_t i = 0; i < p.njobs; i++) {
		size_t w = strlen(p.jobs[i].path);
		for (size_t k = 0; k < p.jobs[i].include.nr; k++)
			w += strlen(p.jobs[i].include.v[k]) + (k ? 1 : 3);
		if (w > (size_t)pw)
			pw = (int)w;
	}
	if (!ctx->json && !ctx->quiet)
		printf("%-12s %-*s %-9s %-5s %-23s %s\n", "RESOURCE", pw, "PATH", "SERVER", "FROM", "SYNCED", "DRIFT");
	for (size_t i = 0; i < p.njobs; i++) {
		const struct tree_job *j = &p.jobs[i];
		struct sync_rec rec = { 0 };
		struct strbuf scope = STRBUF_INIT;
		const char *from;
		if (sync_record_get(ctx->db, j, &rec, &ctx->err) < 0) {
			rc = cmd_error(ctx, "status", EXIT_DATA);
			goto cleanup;
		}
		when(rec.synced_at, &t);
		drift_of(ctx->conf, j, &rec, &d);
		synced += rec.synced_at != 0;
		drifted += starts_with(d.buf, "yes");
		strvec_join(&j->include, ",", &scope);
		/* the host it was last synced from (another primary then), else the planned one */
		from = rec.synced_at && rec.src_host ? rec.src_host : j->src_host;
		if (ctx->json) {
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kind", j->kind, "path", j->path,
					      "scope", scope.buf, "server", j->server, "from", from, "synced",
					      t.buf, "drift", d.buf);
			if (rec.synced_at)
				json_object_set_new(o, "synced_at", json_integer(rec.synced_at));
			if (rec.last_state)
				json_object_set_new(o, "last_attempt", json_string(rec.last_state));
			if (rec.last_msg)
				json_object_set_new(o, "last_message", json_string(rec.last_msg));
			json_array_append_new(jt, o);
		} else if (!ctx->quiet) {
			struct strbuf path = STRBUF_INIT;
			strbuf_addstr(&path, j->path);
			if (scope.len)
				strbuf_addf(&path, " (%s)", scope.buf);
			printf("%-12s %-*s %-9s %-5s %-23s %s\n", j->kind, pw, path.buf, j->server, from, t.buf,
			       d.buf);
			if (rec.last_state && strcmp(rec.last_state, "ok"))
				printf("%-12s last attempt %s: %s\n", "", rec.last_state, rec.last_msg ? rec.last_msg : "");
			strbuf_release(&path);
		}
		if (strvec_find(&hosts, j->src_host) < 0)
			strvec_push(&hosts, j->src_host);
		strbuf_release(&scope);
		sync_rec_release(&rec);
	}
	strvec_sort(&hosts);
	if (!ctx->json && !ctx->quiet)
		printf("\n%-12s %s\n", "SN", "STATE");
	for (size_t i = 0; i < hosts.nr; i++) {
		bool ok = reachable(ctx->conf, hosts.v[i], &h);
		up += ok;
		if (ctx->json)
			json_array_append_new(jh, json_pack("{s:s,s:b,s:s}", "sn", hosts.v[i], "reachable", ok,
							    "state", h.buf));
		else if (!ctx->quiet)
			printf("%-12s %s\n", hosts.v[i], h.buf);
	}
	if (ctx->json) {
		json_t *j = json_pack("{s:O,s:O,s:{s:I,s:I,s:I,s:I,s:I}}", "trees", jt, "sns", jh, "summary", "trees",
				      (json_int_t)p.njobs, "synced", (json_int_t)synced, "drifted",
				      (json_int_t)drifted, "sns", (json_int_t)hosts.nr, "reachable", (json_int_t)up);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		printf("status: %zu tree(s): %zu synced, %zu drifted; %zu SN(s): %zu reachable\n", p.njobs, synced,
		       drifted, hosts.nr, up);
	}
	rc = synced == p.njobs && !drifted && up == hosts.nr ? EXIT_OK : EXIT_SOME_FAILED;
cleanup:
	json_decref(jt);
	json_decref(jh);
	plan_release(&p);
	strvec_clear(&rest);
	strvec_clear(&hosts);
	strbuf_release(&t);
	strbuf_release(&d);
	strbuf_release(&h);
	return rc;
}
