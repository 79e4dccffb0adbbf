/*
 * redirect: point the nodes' mount configuration at the external server,
 * on the SNs' copies (the source of truth, so the next sync carries it).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/planned.h"
#include "model/model.h"
#include "plan/plan.h"
#include "redirect/redirect.h"
#include "remote/jobs.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs redirect [NODERANGE] [--undo] [--dry-run]";
static const char desc[] =
	"Applies the plan's redirect edits on each SN's copy of the client files:\n"
	"in etc/filesystems (or .client_data/filesystems.<nimname>) the nodename of\n"
	"the / and /usr stanzas becomes the NFS server and a /proc stanza is added\n"
	"when missing; etc/hosts (or hosts.<nimname>) gets exactly one line for the\n"
	"server; the SN's <tftpdir>/<ip>.info gets SPOT= and ROOT= on the server and\n"
	"the server in NIM_HOSTS. Edits keep every other byte, are idempotent (a\n"
	"second run changes nothing) and atomic (temporary file and rename; the\n"
	"previous version is kept under the database's directory, in\n"
	"backup/SN/FILE). Local hosts are edited here (under their root=), ssh\n"
	"hosts by 'extnfs agent' on the SN (backups beside its database). --undo\n"
	"makes the SN the server again. Exit 1 when some files failed (the others\n"
	"are done).";

int cmd_redirect(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct plan p = { 0 };
	struct redirect_report r = { 0 };
	int undo = 0, dry = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_(0, "undo", &undo, "make each node's SN its NFS server again"),
		OPT_FLAG_('n', "dry-run", &dry, "show what would change, change nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	rc = planned_nodes(ctx, "redirect", &rest, 0, &p);
	if (rc >= 0)
		goto cleanup;
	{
		char *bak = cmd_backup_dir(ctx);
		char *self = planned_self(ctx);
		struct run_opts ro = { .conf = ctx->conf, .self = self, .db_path = ctx->db_path, .dry_run = dry };
		jobs_redirect(&p, &ro, bak, undo, &r, &ctx->err);
		free(self);
		free(bak);
	}
	if (ctx->json) {
		json_t *a = json_array(), *j;
		for (size_t i = 0; i < r.nr; i++) {
			const struct redirect_item *it = &r.items[i];
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "host", it->sn, "node", it->node,
					      "kind", it->kind, "file", it->file, "state",
					      it->state == REDIRECT_CHANGED ? "changed"
					      : it->state == REDIRECT_UNCHANGED ? "unchanged" : "failed");
			if (it->msg)
				json_object_set_new(o, "error", json_string(it->msg));
			json_array_append_new(a, o);
		}
		j = json_pack("{s:o,s:I,s:I,s:I,s:b,s:b}", "files", a, "changed", (json_int_t)r.changed,
			      "unchanged", (json_int_t)r.unchanged, "failed", (json_int_t)r.failed,
			      "undo", undo, "dry_run", dry);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else {
		for (size_t i = 0; i < r.nr; i++) {
			const struct redirect_item *it = &r.items[i];
			if (it->state == REDIRECT_FAILED)
				fprintf(stderr, "extnfs redirect: %s %s: %s\n", it->sn, it->node, it->msg);
			else if (ctx->verbose || (it->state == REDIRECT_CHANGED && !ctx->quiet))
				printf("%-9s %-5s %-6s %-11s %s\n",
				       it->state == REDIRECT_CHANGED ? (dry ? "would edit" : "edited") : "unchanged",
				       it->sn, it->node, it->kind, it->file);
		}
		if (!ctx->quiet)
			printf("%s%zu file(s) %s, %zu unchanged, %zu failed\n", undo ? "undo: " : "", r.changed,
			       dry ? "would change" : "changed", r.unchanged, r.failed);
	}
	rc = r.failed ? (r.failed == r.nr ? EXIT_ALL_FAILED : EXIT_SOME_FAILED) : EXIT_OK;
cleanup:
	redirect_report_release(&r);
	plan_release(&p);
	strvec_clear(&rest);
	return rc;
}
