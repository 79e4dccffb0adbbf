/*
 * statelite: create the planned statelite directories on the external
 * server (per-node statemnt directories, persistent litefile paths,
 * litetree directories) with their owner and mode. Existing directories
 * and everything in them are never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "model/model.h"
#include "plan/plan.h"
#include "util/conf.h"
#include "util/banned.h"

static const char usage_line[] = "extnfs statelite --prepare [NODERANGE] [--dry-run]";
static const char desc[] =
	"Creates the plan's statelite directories on each external server whose\n"
	"dest is a local path (the server's / lives there): <statemnt>/<node> and\n"
	"the persistent litefile directories under it (mode 0755, root), and the\n"
	"litetree directories. A directory that exists is left as it is, owner,\n"
	"mode and contents included; a non-directory in the way is an error.\n"
	"Parents are created as needed; no symbolic link is followed.";

/*
 * Creates path (relative components under the open directory root, which
 * is the server's /) without following symlinks. 1 created, 0 existed, -1.
 */
static int make_dir(int root, const char *path, unsigned mode, uid_t uid, gid_t gid, bool dry,
		    struct err *e)
{
	char *copy = xstrdup(path), *p = copy, *slash;
	int fd = dup(root), rc = -1, created = 0;

	while (*p == '/')
		p++;
	while (*p) {
		int next;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (!strcmp(p, "..") || !strcmp(p, ".")) {
			err_set(e, "refusing path '%s': it has '%s' in it", path, p);
			goto cleanup;
		}
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (next < 0 && errno == ENOENT) {
			bool last = !slash || !slash[1];
			if (dry) {
				rc = 1;
				goto cleanup;
			}
			if (mkdirat(fd, p, last ? mode : 0755) < 0 && errno != EEXIST) {
				err_set(e, "cannot create '%s': %s", path, strerror(errno));
				goto cleanup;
			}
			next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (next >= 0 && last) {
				/* mkdir's mode is cut by the umask: set it, and the owner */
				if (fchown(next, uid, gid) < 0 || fchmod(next, mode) < 0) {
					err_set(e, "cannot set owner and mode of '%s': %s", path, strerror(errno));
					close(next);
					goto cleanup;
				}
			}
			created = 1;
		}
		if (next < 0) {
			err_set(e, "cannot open '%s' under '%s': %s", p, path,
				errno == ELOOP || errno == ENOTDIR ? "not a directory (or a symbolic link)"
								   : strerror(errno));
			goto cleanup;
		}
		close(fd);
		fd = next;
		if (!slash)
			break;
		p = slash + 1;
	}
	rc = created;
cleanup:
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int cmd_statelite(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct strvec rest = STRVEC_INIT, nodes = STRVEC_INIT, unmatched = STRVEC_INIT;
	struct plan p = { 0 };
	struct plan_opts po = { 0, NULL };
	size_t created = 0, existed = 0, failed = 0;
	json_t *ja = NULL;
	int prepare = 0, dry = 0, rc;
	const struct opt opts[] = {
		OPT_FLAG_(0, "prepare", &prepare, "create the planned directories"),
		OPT_FLAG_('n', "dry-run", &dry, "show what would be created, create nothing"),
		OPT_END_,
	};

	rc = cmd_parse(opts, usage_line, desc, argc, argv, &rest);
	if (rc >= 0)
		goto cleanup;
	rc = EXIT_DATA;
	if (!prepare) {
		rc = cmd_usage("statelite", "say --prepare");
		goto cleanup;
	}
	if (rest.nr > 1) {
		rc = cmd_usage("statelite", "one noderange at most");
		goto cleanup;
	}
	if (rest.nr) {
		if (model_noderange(ctx->model, rest.v[0], &nodes, &unmatched, &ctx->err) < 0) {
			rc = cmd_error(ctx, "statelite", EXIT_DATA);
			goto cleanup;
		}
		if (unmatched.nr) {
			err_set(&ctx->err, "no such nodes or groups: %s", unmatched.v[0]);
			rc = cmd_error(ctx, "statelite", EXIT_DATA);
			goto cleanup;
		}
	} else {
		for (size_t i = 0; i < model_nodes(ctx->model)->nr; i++)
			strvec_push(&nodes, model_nodes(ctx->model)->v[i]);
	}
	po.conf = ctx->conf;
	if (plan_build(ctx->model, &nodes, &po, &p, &ctx->err) < 0) {
		rc = cmd_error(ctx, "statelite", EXIT_DATA);
		goto cleanup;
	}
	if (p.nerrors) {
		for (size_t i = 0; i < p.nerrors; i++)
			fprintf(stderr, "extnfs statelite: %s: %s\n", p.errors[i].node, p.errors[i].msg);
		fprintf(stderr, "extnfs statelite: the plan has %zu problem(s); nothing created\n", p.nerrors);
		goto cleanup;
	}
	if (ctx->json)
		ja = json_array();
	for (size_t i = 0; i < p.ndirs; i++) {
		const struct plan_dir *d = &p.dirs[i];
		const struct conf_server *s = conf_server(ctx->conf, d->server);
		struct err e = ERR_INIT;
		int root = -1, r;

		if (!s || !s->dest || s->dest[0] != '/') {
			err_set(&e, "server '%s' has no local dest in the configuration", d->server);
			r = -1;
		} else if ((root = open(s->dest, O_RDONLY | O_DIRECTORY)) < 0) {
			err_set(&e, "cannot open '%s' (dest of %s): %s", s->dest, d->server, strerror(errno));
			r = -1;
		} else {
			r = make_dir(root, d->path, d->mode, d->uid, d->gid, dry, &e);
			close(root);
		}
		if (r < 0) {
			fprintf(stderr, "extnfs statelite: %s %s: %s\n", d->server, d->path, e.msg.buf);
			failed++;
		} else if (r) {
			created++;
			if (ctx->verbose || (!ctx->quiet && !ja))
				printf("%s %s:%s (%s, %s)\n", dry ? "would create" : "created", d->server, d->path,
				       d->kind, d->node);
		} else {
			existed++;
		}
		if (ja)
			json_array_append_new(ja, json_pack("{s:s,s:s,s:s,s:s,s:s}", "server", d->server,
							    "path", d->path, "kind", d->kind, "node", d->node,
							    "state", r < 0 ? "failed" : r ? "created" : "existed"));
		err_release(&e);
	}
	if (ja) {
		json_t *j = json_pack("{s:o,s:I,s:I,s:I,s:b}", "directories", ja, "created", (json_int_t)created,
				      "existed", (json_int_t)existed, "failed", (json_int_t)failed, "dry_run", dry);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(j);
	} else if (!ctx->quiet) {
		printf("%zu director%s %s, %zu existed, %zu failed\n", created, created == 1 ? "y" : "ies",
		       dry ? "would be created" : "created", existed, failed);
	}
	rc = failed ? (failed == p.ndirs ? EXIT_ALL_FAILED : EXIT_SOME_FAILED) : EXIT_OK;
cleanup:
	plan_release(&p);
	strvec_clear(&rest);
	strvec_clear(&nodes);
	strvec_clear(&unmatched);
	return rc;
}
