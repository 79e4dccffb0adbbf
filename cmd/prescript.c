/*
 * prescript: install the xCAT prescript that runs 'extnfs apply' for the
 * nodes mkdsklsnode has just defined. xCAT runs prescripts as root on the
 * node's SN (or the MN) with NODES (comma-separated node names, a valid
 * noderange) and ACTION (for AIX: "diskless" after mkdsklsnode,
 * "standalone" after nimnodeset) in the environment; a non-zero exit with
 * the reason on stdout makes the command fail.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "model/import.h"
#include "plan/render.h"
#include "util/config.h"
#include "util/banned.h"

#define MARKER "# written by 'extnfs prescript install'"

static const char usage_line[] =
	"extnfs prescript install [NODERANGE] [--dir DIR] [--name NAME] [--extnfs PATH] [--force] [--dry-run]";
static const char desc[] =
	"Writes the xCAT prescript DIR/NAME (default /install/prescripts/syncaixres,\n"
	"mode 0755) that runs 'extnfs apply \"$NODES\"' when ACTION is diskless (the\n"
	"end of mkdsklsnode) and does nothing for any other action, then prints the\n"
	"chdef line that makes xCAT run it for NODERANGE. The script calls this\n"
	"extnfs binary (or --extnfs) with this run's --config and --db, so it works\n"
	"from xCAT's bare environment. Every SN may run it at the same time: the\n"
	"applies are serialized by the servers' locks and each renders the whole\n"
	"exports file. A file at the path that extnfs did not write is kept unless\n"
	"--force; an identical one is left untouched. --dry-run prints the script.";

/* The absolute path of the running binary, or NULL. */
static char *self_path(void)
{
#ifdef __linux__
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
#endif
	return NULL;
}

/* An absolute version of path (relative to the current directory). */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xstrfmt("%s/%s", cwd, path);
}

static void script_text(struct strbuf *sb, const char *name, const char *extnfs, const char *config,
			const char *db)
{
	strbuf_addf(sb, "#!/bin/sh\n" MARKER " (extnfs %s).\n", EXTNFS_VERSION);
	strbuf_addstr(sb, "# xCAT runs it at the end of mkdsklsnode with NODES and ACTION set; for\n"
			  "# diskless nodes it brings the external NFS server to the plan for NODES.\n"
			  "# Runs on several SNs at once are serialized by extnfs's server locks.\n"
			  "case \"${ACTION:-}\" in\n"
			  "diskless) ;;\n"
			  "*) exit 0 ;;\n"
			  "esac\n");
	strbuf_addf(sb, "if [ -z \"${NODES:-}\" ]; then\n\techo \"%s: NODES is empty: nothing to apply\"\n\texit 0\nfi\n",
		    name);
	strbuf_addstr(sb, "exec ");
	sh_quote(sb, extnfs);
	if (config) {
		strbuf_addstr(sb, " --config ");
		sh_quote(sb, config);
	}
	if (db) {
		strbuf_addstr(sb, " --db ");
		sh_quote(sb, db);
	}
	/* xCAT shows a prescript's stdout: the errors go there too */
	strbuf_addstr(sb, " apply \"$NODES\" 2>&1\n");
}

int cmd_prescript(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT;
	struct strbuf text = STRBUF_INIT, old = STRBUF_INIT, path = STRBUF_INIT;
	const char *dir = "/install/prescripts", *name = "syncaixres", *bin_opt = NULL;
	char *bin = NULL, *config = NULL, *db = NULL, *chdef = NULL;
	int force = 0, dry = 0, rc, exists, changed;
	struct stat st;
	const struct opt opts[] = {
		OPT_STR_(0, "dir", &dir, "DIR", "xCAT's prescripts directory (default /install/prescripts)"),
		OPT_STR_(0, "name", &name, "NAME", "the script's name (default syncaixres)"),
		OPT_STR_(0, "extnfs", &bin_opt, "PATH", "the extnfs the script runs (default: this one)"),
		OPT_FLAG_(0, "force", &force, "replace a file that extnfs did not write"),
		OPT_FLAG_('n', "dry-run", &dry, "print the script, write nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	if (!rest.nr || strcmp(rest.v[0], "install")) {
		rc = cmd_usage("prescript", "say 'prescript install'");
		goto cleanup;
	}
	if (rest.nr > 2) {
		rc = cmd_usage("prescript", "one noderange at most");
		goto cleanup;
	}
	if (!*name || strchr(name, '/') || strchr(name, ',') || strchr(name, ':') || strchr(name, '|') ||
	    strchr(name, '\n')) {
		rc = cmd_usage("prescript", "--name is a file name without '/', ',', ':' or '|'");
		goto cleanup;
	}
	bin = bin_opt ? xstrdup(bin_opt) : self_path();
	if (!bin) {
		rc = cmd_usage("prescript", "cannot tell where this extnfs is: give --extnfs PATH");
		goto cleanup;
	}
	if (bin[0] != '/') {
		rc = cmd_usage("prescript", "--extnfs needs an absolute path (xCAT runs prescripts with a bare PATH)");
		goto cleanup;
	}
	if (ctx->config_path)
		config = absolute(ctx->config_path);
	if (ctx->db_path)
		db = absolute(ctx->db_path);
	script_text(&text, name, bin, config, db);
	chdef = xstrfmt("chdef -t node -o %s prescripts-end=\"diskless:%s\"", rest.nr > 1 ? rest.v[1] : "<noderange>",
			name);

	{
		char *adir = absolute(dir);
		strbuf_addf(&path, "%s/%s", adir, name);
		free(adir);
	}
	exists = lstat(path.buf, &st) == 0;
	if (exists && (!S_ISREG(st.st_mode) || read_file(path.buf, &old, &ctx->err) < 0)) {
		err_set(&ctx->err, "%s exists and is not a regular file: left alone", path.buf);
		rc = cmd_error(ctx, "prescript", EXIT_DATA);
		goto cleanup;
	}
	if (exists && !force && !strstr(old.buf, MARKER)) {
		err_set(&ctx->err, "%s exists and was not written by extnfs: left alone (--force replaces it)",
			path.buf);
		rc = cmd_error(ctx, "prescript", EXIT_DATA);
		goto cleanup;
	}
	changed = !exists || strcmp(old.buf, text.buf) || (st.st_mode & 07777) != 0755;
	if (dry && !ctx->json) {
		fputs(text.buf, stdout);
	} else if (changed && !dry) {
		struct stat ds;
		if (stat(dir, &ds) < 0 || !S_ISDIR(ds.st_mode)) {
			err_set(&ctx->err, "no directory %s (xCAT's prescripts directory; --dir names another)", dir);
			rc = cmd_error(ctx, "prescript", EXIT_DATA);
			goto cleanup;
		}
		if (write_file_mode(path.buf, &text, 0755, &ctx->err) < 0) {
			rc = cmd_error(ctx, "prescript", EXIT_SOME_FAILED);
			goto cleanup;
		}
	}
	if (ctx->json) {
		json_t *j = json_pack("{s:s,s:b,s:b,s:s,s:s}", "path", path.buf, "changed", changed, "dry_run",
				      dry, "chdef", chdef, "script", text.buf);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet) {
		printf("%s %s\n", path.buf,
		       !changed ? "unchanged" : dry ? "would be written" : exists ? "replaced" : "written");
		printf("to run it at the end of mkdsklsnode:\n  %s\n", chdef);
	}
	rc = EXIT_OK;
cleanup:
	free(bin);
	free(config);
	free(db);
	free(chdef);
	strbuf_release(&text);
	strbuf_release(&old);
	strbuf_release(&path);
	strvec_clear(&rest);
	return rc;
}
