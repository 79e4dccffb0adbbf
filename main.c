/*
 * main.c: global options, the commands[] table, and the setup each
 * command's flags ask for (database, model), in one place.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "model/db.h"
#include "model/model.h"
#include "util/conf.h"
#include "util/config.h"
#include "util/banned.h"

#define DEFAULT_DB "/var/lib/extnfs/extnfs.db"
#define DEFAULT_CONFIG "/etc/extnfs.conf"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned flags;
	const char *summary;
};

static const struct command commands[] = {
	{ "import", cmd_import, CMD_NEED_DB, "import xCAT tables (tabdump CSV, xCAT SQLite) and lsnim output" },
	{ "tabdump", cmd_tabdump, CMD_NEED_DB, "write a table back in xCAT tabdump CSV form" },
	{ "nodels", cmd_nodels, CMD_NEED_MODEL, "list the nodes of a noderange, with attributes" },
	{ "lsdef", cmd_lsdef, CMD_NEED_MODEL, "show node, group and osimage definitions" },
	{ "mkdef", cmd_mkdef, CMD_NEED_MODEL, "define nodes, groups or osimages" },
	{ "chdef", cmd_chdef, CMD_NEED_MODEL, "change attributes of definitions" },
	{ "rmdef", cmd_rmdef, CMD_NEED_MODEL, "remove definitions" },
	{ "plan", cmd_plan, CMD_NEED_MODEL, "show what the external NFS servers must hold" },
	{ "exports", cmd_exports, CMD_NEED_MODEL, "print the exports an external server needs" },
	{ "copy", cmd_copy, CMD_NEED_DB, "replicate a directory tree exactly (the sync engine alone)" },
	{ "redirect", cmd_redirect, CMD_NEED_MODEL, "point the nodes' mounts at the external server (on the SNs)" },
	{ "statelite", cmd_statelite, CMD_NEED_MODEL, "create the statelite directories on the external server" },
	{ "sync", cmd_sync, CMD_NEED_MODEL, "copy the planned trees from the SNs to the external servers" },
	{ "apply", cmd_apply, CMD_NEED_MODEL, "redirect, sync, statelite, exports: the main job" },
	{ "agent", cmd_agent, CMD_NEED_DB, "the SN side of sync and redirect (a JSON request on stdin)" },
	{ "prescript", cmd_prescript, 0, "install the xCAT prescript that runs apply after mkdsklsnode" },
	{ "check", cmd_check, CMD_NEED_MODEL, "prove every node can mount what it needs (--probe: over NFS)" },
	{ "status", cmd_status, CMD_NEED_MODEL, "when each tree was last synced, drift, and whether the SNs answer" },
	{ "listing", cmd_listing, 0, "list a tree as check compares it (what check runs on an ssh SN)" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: extnfs [--db PATH] [--config PATH] [-v|-q] [--json] <command> [args]\n\n"
		   "Moves the NFS mounts of xCAT diskless nodes to an external, highly available\n"
		   "NFS server and keeps it right.\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options:\n"
		   "  --db PATH       the state database (default $EXTNFS_DB or " DEFAULT_DB ")\n"
		   "  --config PATH   the configuration (default $EXTNFS_CONFIG or /etc/extnfs.conf)\n"
		   "  -v, --verbose   say more\n"
		   "  -q, --quiet     say only errors\n"
		   "  --json          machine-readable output where a command reports\n"
		   "  --version       print the version\n"
		   "\n'extnfs <command> --help' describes each command; man extnfs has the rest.\n");
}

int cmd_error(struct cmd_ctx *ctx, const char *name, int code)
{
	fprintf(stderr, "extnfs %s: %s\n", name, ctx->err.msg.len ? ctx->err.msg.buf : "failed");
	if (!code)
		code = ctx->err.code ? ctx->err.code : EXIT_DATA;
	return code;
}

static volatile int engine_stop;
static struct sigaction engine_old_int, engine_old_term;

static void on_stop_signal(int sig)
{
	engine_stop = sig;
}

const volatile int *cmd_engine_begin(void)
{
	struct rlimit rl;
	struct sigaction sa;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	engine_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &engine_old_int);
	sigaction(SIGTERM, &sa, &engine_old_term);
	return &engine_stop;
}

void cmd_engine_end(void)
{
	sigaction(SIGINT, &engine_old_int, NULL);
	sigaction(SIGTERM, &engine_old_term, NULL);
}

char *cmd_backup_dir(const struct cmd_ctx *ctx)
{
	const char *slash = strrchr(ctx->db_path, '/');

	if (!slash)
		return xstrdup("backup");
	return xstrfmt("%.*s/backup", (int)(slash - ctx->db_path), ctx->db_path);
}

int cmd_usage(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "extnfs %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'extnfs %s --help')\n", name);
	return EXIT_USAGE;
}

int cmd_parse(const struct opt *opts, const char *usage_line, const char *desc, int argc,
	      char **argv, struct strvec *rest)
{
	struct err e = ERR_INIT;
	int help = 0;

	if (opts_parse(opts, argc, argv, rest, &help, &e) < 0) {
		int rc = cmd_usage(argv[0], "%s", e.msg.buf);
		err_release(&e);
		return rc;
	}
	if (help) {
		struct strbuf sb = STRBUF_INIT;
		opts_help(opts, usage_line, desc, &sb);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return EXIT_OK;
	}
	return -1;
}

/* Creates the directory of the default database when it is missing. */
static void make_parent(const char *path)
{
	char *dir = xstrdup(path), *s = strrchr(dir, '/');

	if (s && s != dir) {
		*s = '\0';
		for (char *p = dir + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		mkdir(dir, 0755);
	}
	free(dir);
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct cmd_ctx ctx = { 0 };
	struct conf conf;
	const struct command *cmd = NULL;
	int i, rc;

	ctx.err = (struct err)ERR_INIT;
	ctx.argv0 = argv[0];
	ctx.db_path = getenv("EXTNFS_DB");
	ctx.config_path = getenv("EXTNFS_CONFIG");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--db") || !strcmp(a, "--config")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "extnfs: option '%s' needs a value\n", a);
				return EXIT_USAGE;
			}
			*(!strcmp(a, "--db") ? &ctx.db_path : &ctx.config_path) = argv[++i];
		} else if (starts_with(a, "--db=")) {
			ctx.db_path = a + 5;
		} else if (starts_with(a, "--config=")) {
			ctx.config_path = a + 9;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			ctx.verbose++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			ctx.quiet = 1;
		} else if (!strcmp(a, "--json")) {
			ctx.json = 1;
		} else if (!strcmp(a, "--version")) {
			printf("extnfs %s (database schema %d)\n", EXTNFS_VERSION, db_schema_version());
			return EXIT_OK;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "extnfs: unknown option '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t c = 0; c < N_COMMANDS; c++)
		if (!strcmp(commands[c].name, argv[i]))
			cmd = &commands[c];
	if (!cmd) {
		fprintf(stderr, "extnfs: unknown command '%s' (see 'extnfs --help')\n", argv[i]);
		return EXIT_USAGE;
	}
	argc -= i;
	argv += i;
	conf_init(&conf);
	ctx.conf = &conf;
	/* --help needs no configuration and no database */
	if (!wants_help(argc, argv) &&
	    conf_load(&conf, ctx.config_path ? ctx.config_path : DEFAULT_CONFIG, ctx.config_path != NULL,
		      &ctx.err) < 0) {
		rc = cmd_error(&ctx, cmd->name, EXIT_USAGE);
		conf_release(&conf);
		err_release(&ctx.err);
		return rc;
	}
	if (!ctx.db_path && conf.db)
		ctx.db_path = conf.db;
	if (!wants_help(argc, argv) && (cmd->flags & (CMD_NEED_DB | CMD_NEED_MODEL))) {
		if (!ctx.db_path) {
			ctx.db_path = DEFAULT_DB;
			make_parent(ctx.db_path);
		}
		if (db_open(&ctx.db, ctx.db_path, &ctx.err) < 0) {
			rc = cmd_error(&ctx, cmd->name, EXIT_DATA);
			goto out;
		}
		if ((cmd->flags & CMD_NEED_MODEL) && model_load(&ctx.model, ctx.db, &ctx.err) < 0) {
			rc = cmd_error(&ctx, cmd->name, EXIT_DATA);
			goto out;
		}
	}
	rc = cmd->fn(argc, argv, &ctx);
	if (fflush(stdout) != 0 && rc == 0) {
		fprintf(stderr, "extnfs %s: cannot write output: %s\n", cmd->name, strerror(errno));
		rc = EXIT_SOME_FAILED;
	}
out:
	model_free(ctx.model);
	db_close(ctx.db);
	conf_release(&conf);
	err_release(&ctx.err);
	return rc;
}
