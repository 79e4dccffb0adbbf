/*
 * render.h: the plan for people and programs: a table grouped by
 * resource, stable JSON (schema in doc/plan-json.md), a shell script of
 * the equivalent rsync commands with the filters that make them safe, and
 * a Graphviz graph.
 */
#ifndef EXTNFS_RENDER_H
#define EXTNFS_RENDER_H

#include "util/strbuf.h"

struct plan;
struct conf;

void plan_render_table(const struct plan *p, struct strbuf *out);
/* The JSON document, pretty-printed, ending in a newline. */
void plan_render_json(const struct plan *p, struct strbuf *out);
/*
 * A POSIX sh script of rsync commands. Paths are mapped through the
 * configuration: a local host's root= prefixes its paths, a server's
 * local dest prefixes the destination; ssh hosts run rsync over ssh.
 */
void plan_render_script(const struct plan *p, const struct conf *c, struct strbuf *out);
void plan_render_dot(const struct plan *p, struct strbuf *out);

/* Appends s quoted for a POSIX shell ('...' with '\'' for quotes). */
void sh_quote(struct strbuf *out, const char *s);

#endif
