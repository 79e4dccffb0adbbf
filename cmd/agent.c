/*
 * agent: the side of a sync that runs where the sources are (an SN, or
 * this machine for local hosts). Reads one JSON request on stdin, runs
 * its tree jobs with the replication engine and answers in JSON lines on
 * stdout (doc/agent-protocol.md). Started by 'extnfs sync' and 'extnfs
 * apply', over ssh for ssh hosts; not meant to be typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "remote/agent.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs [--db PATH] agent";
static const char desc[] =
	"Runs one request read on stdin (JSON: the caller's extnfs version, tree\n"
	"jobs, redirect edits of this host's client files): the edits first, then\n"
	"each job with the replication engine. Writes JSON lines on stdout: a hello\n"
	"with this version first, one line per redirect edit, progress lines, one\n"
	"result per job (ok, skipped or failed, with counts and a message), and an\n"
	"end line; or one error line when the request is malformed or comes from\n"
	"another version of extnfs (both ends must run the same version). A job\n"
	"whose source is missing or empty is skipped: it would empty the server.\n"
	"Manifests go to the database (--db), except for jobs that own only some\n"
	"names of a directory; redirect backups beside it. 'extnfs sync', 'extnfs\n"
	"redirect' and 'extnfs apply' start this command; the protocol is\n"
	"described in doc/agent-protocol.md. Exit 0 when every job succeeded, 1\n"
	"when some did not, 3 for a bad request or another version.";

int cmd_agent(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	const struct opt opts[] = { OPT_END_ };
	int rc;

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (rest.nr) {
		rc = cmd_usage("agent", "no operands expected (the request comes on stdin)");
		goto cleanup;
	}
	{
		char *bak = cmd_backup_dir(ctx);
		rc = agent_serve(stdin, stdout, ctx->db, bak, cmd_engine_begin());
		free(bak);
	}
	cmd_engine_end();
cleanup:
	strvec_clear(&rest);
	return rc;
}
