/*
 * cmd.h: what every command gets from main.c (the context built from the
 * global options) and the cmd_*() entry points listed in main.c's
 * commands[] table. Commands print; library code never does.
 */
#ifndef EXTNFS_CMD_H
#define EXTNFS_CMD_H

#include <stdio.h>

#include "util/opts.h"
#include "util/util.h"

struct db;
struct model;
struct conf;

struct cmd_ctx {
	const char *argv0;   /* how this extnfs was started (local agents run it again) */
	const char *db_path;
	const char *config_path;
	int verbose;
	int quiet;
	int json;
	struct db *db;       /* opened by main when the command's flags ask */
	struct model *model; /* loaded by main when the command's flags ask */
	struct conf *conf;   /* always read (defaults when there is no file) */
	struct err err;
};

/* Flags of commands[]: what main.c sets up before calling. */
#define CMD_NEED_DB    (1u << 0) /* open (and create/migrate) the database */
#define CMD_NEED_MODEL (1u << 1) /* load the model (implies CMD_NEED_DB) */

/*
 * For the commands that run the engine (copy, agent): raises the limit of
 * open files to its hard limit (deep trees keep many directories open)
 * and makes SIGINT and SIGTERM set the returned flag, which the engine
 * polls to stop cleanly. cmd_engine_end() puts the handlers back.
 */
const volatile int *cmd_engine_begin(void);
void cmd_engine_end(void);

/* Where redirect keeps the previous versions: DBDIR/backup (caller frees). */
char *cmd_backup_dir(const struct cmd_ctx *ctx);
/*
 * Prints "extnfs <name>: <ctx->err message>" to stderr and returns code
 * (EXIT_DATA when code is 0 and the error context has none).
 */
int cmd_error(struct cmd_ctx *ctx, const char *name, int code);
struct sync_opts;
/*
 * Parses a --max-delete value, a count N or a percentage P%, into
 * so->max_delete (-1 for a percentage) and so->max_delete_pct. 0 or -1.
 */
int parse_max_delete(const char *s, struct sync_opts *so);
/* Prints a usage error for name and returns EXIT_USAGE. */
int cmd_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Parses options for a command. Returns -1 to go on, or the exit code to
 * return at once (0 after printing --help, EXIT_USAGE on a bad option).
 */
int cmd_parse(const struct opt *opts, const char *usage, const char *desc, int argc,
	      char **argv, struct strvec *rest);

int cmd_import(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_tabdump(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_nodels(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_lsdef(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_mkdef(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_chdef(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_rmdef(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_plan(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_exports(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_copy(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_redirect(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_statelite(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_sync(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_apply(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_agent(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_prescript(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_check(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_status(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_listing(int argc, char **argv, struct cmd_ctx *ctx);

#endif
