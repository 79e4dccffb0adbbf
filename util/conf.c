/*
 * conf.c: the configuration file, through inih. Each key is checked
 * against the keys its section may have, so a typo is an error with its
 * line instead of a silently ignored setting.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/conf.h"
#include "util/banned.h"

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->fanout = 8;
	c->nimname = xstrdup("node");
	c->statelite = xstrdup("pernode");
}

struct parse_state {
	struct conf *c;
	struct strbuf msg;
	int lineno;
};

static void set(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

/* Splits "host sn1" into kind and name; false when there is no name. */
static bool split_section(const char *section, struct strbuf *kind, const char **name)
{
	const char *sp = strchr(section, ' ');

	strbuf_reset(kind);
	if (!sp) {
		strbuf_addstr(kind, section);
		*name = NULL;
		return false;
	}
	strbuf_add(kind, section, (size_t)(sp - section));
	while (*sp == ' ')
		sp++;
	*name = sp;
	return *sp != '\0';
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse_state *ps = user;
	struct conf *c = ps->c;
	struct strbuf kind = STRBUF_INIT;
	const char *name;
	int ok = 0;

	split_section(section, &kind, &name);
	if (!strcmp(section, "global")) {
		if (!strcmp(key, "db")) {
			set(&c->db, value);
			ok = 1;
		} else if (!strcmp(key, "fanout")) {
			unsigned long n;
			if (!parse_ulong(value, &n) || n == 0 || n > 1024) {
				strbuf_addf(&ps->msg, "fanout must be a number from 1 to 1024, not '%s'", value);
				goto out;
			}
			c->fanout = (unsigned)n;
			ok = 1;
		} else if (!strcmp(key, "nimname")) {
			if (strcmp(value, "node") && strcmp(value, "node_image")) {
				strbuf_addf(&ps->msg, "nimname is 'node' or 'node_image', not '%s'", value);
				goto out;
			}
			set(&c->nimname, value);
			ok = 1;
		} else if (!strcmp(key, "statelite")) {
			if (strcmp(value, "pernode") && strcmp(value, "xcat")) {
				strbuf_addf(&ps->msg, "statelite is 'pernode' or 'xcat', not '%s'", value);
				goto out;
			}
			set(&c->statelite, value);
			ok = 1;
		} else if (!strcmp(key, "probe_exec")) {
			set(&c->probe_exec, value);
			ok = 1;
		}
	} else if (!strcmp(kind.buf, "host") && name) {
		struct conf_host *h = (struct conf_host *)conf_host(c, name);
		if (!h) {
			ALLOC_GROW(c->hosts, c->nhosts + 1, c->ahosts);
			h = &c->hosts[c->nhosts++];
			memset(h, 0, sizeof(*h));
			h->name = xstrdup(name);
			h->transport = xstrdup("local");
			h->line = (unsigned)ps->lineno;
		}
		ok = 1;
		if (!strcmp(key, "transport")) {
			if (strcmp(value, "local") && strcmp(value, "ssh")) {
				strbuf_addf(&ps->msg, "transport is 'local' or 'ssh', not '%s'", value);
				goto out;
			}
			set(&h->transport, value);
		} else if (!strcmp(key, "root"))
			set(&h->root, value);
		else if (!strcmp(key, "address"))
			set(&h->address, value);
		else if (!strcmp(key, "user"))
			set(&h->user, value);
		else if (!strcmp(key, "extnfs"))
			set(&h->extnfs, value);
		else if (!strcmp(key, "ssh"))
			set(&h->ssh, value);
		else
			ok = 0;
	} else if (!strcmp(kind.buf, "server") && name) {
		struct conf_server *s = (struct conf_server *)conf_server(c, name);
		if (!s) {
			ALLOC_GROW(c->servers, c->nservers + 1, c->aservers);
			s = &c->servers[c->nservers++];
			memset(s, 0, sizeof(*s));
			s->name = xstrdup(name);
			s->flavor = xstrdup("ganesha");
			s->reload = xstrdup("none");
			s->line = (unsigned)ps->lineno;
		}
		ok = 1;
		if (!strcmp(key, "dest")) {
			if (starts_with(value, "ssh://") && (!value[6] || value[6] == '/' || !strchr(value + 6, '/'))) {
				strbuf_addf(&ps->msg, "dest ssh:// is ssh://[user@]host[:port]/path, not '%s'", value);
				goto out;
			}
			set(&s->dest, value);
		}
		else if (!strcmp(key, "flavor")) {
			if (strcmp(value, "linux") && strcmp(value, "aix") && strcmp(value, "ganesha") &&
			    strcmp(value, "mmnfs")) {
				strbuf_addf(&ps->msg, "flavor is linux, aix, ganesha or mmnfs, not '%s'", value);
				goto out;
			}
			set(&s->flavor, value);
		} else if (!strcmp(key, "exports_file"))
			set(&s->exports_file, value);
		else if (!strcmp(key, "reload")) {
			if (strcmp(value, "exportfs") && strcmp(value, "sighup") && strcmp(value, "dbus") &&
			    strcmp(value, "none")) {
				strbuf_addf(&ps->msg, "reload is exportfs, sighup, dbus or none, not '%s'", value);
				goto out;
			}
			set(&s->reload, value);
		} else if (!strcmp(key, "pidfile"))
			set(&s->pidfile, value);
		else if (!strcmp(key, "admin"))
			set(&s->admin, value);
		else if (!strcmp(key, "ssh"))
			set(&s->ssh, value);
		else if (!strcmp(key, "control")) {
			if (!starts_with(value, "ssh://") || !value[6] || value[6] == '/' ||
			    !strchr(value + 6, '/')) {
				strbuf_addf(&ps->msg, "control is ssh://[user@]host[:port]/, not '%s'", value);
				goto out;
			}
			set(&s->control, value);
		} else if (!strcmp(key, "probe_url")) {
			if (!starts_with(value, "nfs://")) {
				strbuf_addf(&ps->msg, "probe_url is an nfs:// URL, not '%s'", value);
				goto out;
			}
			set(&s->probe_url, value);
		}
		else if (!strcmp(key, "resolve")) {
			if (strcmp(value, "yes") && strcmp(value, "no")) {
				strbuf_addf(&ps->msg, "resolve is yes or no, not '%s'", value);
				goto out;
			}
			s->resolve = !strcmp(value, "yes");
		}
		else
			ok = 0;
	} else if (!strcmp(kind.buf, "image") && name) {
		struct conf_image *im = (struct conf_image *)conf_image(c, name);
		if (!im) {
			ALLOC_GROW(c->images, c->nimages + 1, c->aimages);
			im = &c->images[c->nimages++];
			memset(im, 0, sizeof(*im));
			im->name = xstrdup(name);
			im->line = (unsigned)ps->lineno;
		}
		ok = !strcmp(key, "primary");
		if (ok)
			set(&im->primary, value);
	} else {
		strbuf_addf(&ps->msg, "unknown section [%s] (global, host NAME, server NAME, image NAME)",
			    section);
		goto out;
	}
	if (!ok)
		strbuf_addf(&ps->msg, "unknown key '%s' in [%s]", key, section);
out:
	/* a refused value of a known key is an error too */
	if (ps->msg.len)
		ok = 0;
	strbuf_release(&kind);
	return ok;
}

/* inih does not pass line numbers here: count them through a reader. */
struct reader {
	FILE *f;
	struct parse_state *ps;
	int too_long; /* inih's line limit, when a line is longer: reading stopped there */
};

static char *read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	char *s = fgets(str, num, r->f);
	size_t n = s ? strlen(s) : 0;

	if (!s)
		return NULL;
	r->ps->lineno++;
	/* inih would take the rest of a long line for the next line */
	if (n && s[n - 1] != '\n' && !feof(r->f)) {
		int c = getc(r->f);
		if (c != EOF) {
			r->too_long = num - 2;
			return NULL;
		}
	}
	return s;
}

int conf_load(struct conf *c, const char *path, bool must_exist, struct err *e)
{
	struct parse_state ps = { c, STRBUF_INIT, 0 };
	struct reader r = { NULL, &ps, 0 };
	int line, rc = -1;

	r.f = fopen(path, "r");
	if (!r.f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return err_set(e, "cannot read '%s': %s", path, strerror(errno));
	}
	set(&c->path, path);
	line = ini_parse_stream(read_line, &r, handler, &ps);
	if (!line && r.too_long) {
		err_set(e, "cannot read '%s' line %d: longer than %d characters, the most a line may have",
			path, ps.lineno, r.too_long);
		goto cleanup;
	}
	if (line > 0) {
		if (!ps.msg.len)
			strbuf_addstr(&ps.msg, "syntax error");
		err_set(e, "cannot read '%s' line %d: %s", path, line, ps.msg.buf);
		goto cleanup;
	}
	if (line < 0) {
		err_set(e, "cannot read '%s'", path);
		goto cleanup;
	}
	for (size_t i = 0; i < c->nhosts; i++)
		if (!strcmp(c->hosts[i].transport, "ssh") && !c->hosts[i].address) {
			err_set(e, "cannot use '%s' line %u: [host %s] has transport ssh but no address",
				path, c->hosts[i].line, c->hosts[i].name);
			goto cleanup;
		}
	rc = 0;
cleanup:
	fclose(r.f);
	strbuf_release(&ps.msg);
	return rc;
}

void conf_release(struct conf *c)
{
	for (size_t i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].transport);
		free(c->hosts[i].root);
		free(c->hosts[i].address);
		free(c->hosts[i].user);
		free(c->hosts[i].extnfs);
		free(c->hosts[i].ssh);
	}
	for (size_t i = 0; i < c->nservers; i++) {
		free(c->servers[i].name);
		free(c->servers[i].dest);
		free(c->servers[i].flavor);
		free(c->servers[i].exports_file);
		free(c->servers[i].reload);
		free(c->servers[i].pidfile);
		free(c->servers[i].admin);
		free(c->servers[i].probe_url);
		free(c->servers[i].ssh);
		free(c->servers[i].control);
		free(c->servers[i].root);
	}
	for (size_t i = 0; i < c->nimages; i++) {
		free(c->images[i].name);
		free(c->images[i].primary);
	}
	free(c->hosts);
	free(c->servers);
	free(c->images);
	free(c->path);
	free(c->db);
	free(c->nimname);
	free(c->statelite);
	free(c->probe_exec);
	memset(c, 0, sizeof(*c));
}

const struct conf_host *conf_host(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (!strcmp(c->hosts[i].name, name))
			return &c->hosts[i];
	return NULL;
}

const struct conf_server *conf_server(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nservers; i++)
		if (!strcmp(c->servers[i].name, name))
			return &c->servers[i];
	return NULL;
}

const struct conf_image *conf_image(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nimages; i++)
		if (!strcmp(c->images[i].name, name))
			return &c->images[i];
	return NULL;
}

const char *conf_server_root(const struct conf_server *cs)
{
	size_t n;

	if (!cs || !cs->dest || cs->dest[0] != '/')
		return NULL;
	n = strlen(cs->dest);
	while (n > 1 && cs->dest[n - 1] == '/')
		n--;
	if (n == 1)
		return NULL;
	if (!cs->root || strlen(cs->root) != n || strncmp(cs->root, cs->dest, n)) {
		free(cs->root);
		((struct conf_server *)cs)->root = xstrndup(cs->dest, n);
	}
	return cs->root;
}

char *conf_server_dest(const struct conf *c, const char *server, const char *path, struct err *e)
{
	const struct conf_server *s = conf_server(c, server);
	struct strbuf sb = STRBUF_INIT;
	const char *q;
	size_t n;

	if (!s || !s->dest) {
		err_set(e, "server '%s' has no dest in the configuration", server);
		return NULL;
	}
	if (s->dest[0] == '/') {
		n = strlen(s->dest);
		while (n > 1 && s->dest[n - 1] == '/')
			n--;
		if (n > 1)
			strbuf_add(&sb, s->dest, n);
		strbuf_addstr(&sb, path);
		return strbuf_detach(&sb, NULL);
	}
	if (starts_with(s->dest, "nfs://") || starts_with(s->dest, "ssh://")) {
		q = starts_with(s->dest, "nfs://") ? strchr(s->dest, '?') : NULL;
		n = q ? (size_t)(q - s->dest) : strlen(s->dest);
		while (n > 6 && s->dest[n - 1] == '/')
			n--;
		strbuf_add(&sb, s->dest, n);
		strbuf_addstr(&sb, path);
		if (q)
			strbuf_addstr(&sb, q);
		return strbuf_detach(&sb, NULL);
	}
	err_set(e, "server '%s' has dest '%s': extnfs writes to a local path, nfs:// or ssh:// only", server, s->dest);
	return NULL;
}
