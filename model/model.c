/*
 * model.c: the in-memory cluster model. Tables are read once, whole, in
 * table order; lookups go through hash maps so that a 100,000-node
 * cluster resolves and expands in milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "model/db.h"
#include "model/model.h"
#include "model/noderange.h"
#include "model/xvalue.h"
#include "util/strmap.h"
#include "util/banned.h"

struct tcache {
	int loaded;
	char ***rows;
	size_t nr, alloc;
	struct strmap by_key; /* first key column -> row (enabled rows only) */
};

struct nim_entry {
	char *type, *location;
};

struct model {
	struct db *db;
	int nim_loaded;
	struct strmap nim;     /* "sn\x1fname" -> struct nim_entry */
	struct strmap nim_sns; /* sn -> (void *)1 for SNs that reported */
	struct strvec nim_keys;
	struct tcache *tables; /* n_xcat_tables, indexed like xcat_tables[] */
	struct strvec nodes;
	struct strvec **node_groups; /* parallel to nodes */
	struct strmap node_idx;      /* node -> index + 1 */
	struct strvec group_names;
	struct strmap groups; /* group -> struct strvec * of members */
};

bool row_disabled(const char *disable)
{
	return disable && (!strcmp(disable, "1") || !strcmp(disable, "yes"));
}

static int load_table(struct model *m, size_t t, struct err *e)
{
	const struct xtable *xt = &xcat_tables[t];
	struct tcache *tc = &m->tables[t];
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	int dis = xtable_col(xt, "disable"), rc = -1, r;

	if (tc->loaded)
		return 0;
	strbuf_addstr(&sql, "SELECT ");
	for (size_t c = 0; c < xt->ncols; c++)
		strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "", xt->cols[c]);
	strbuf_addf(&sql, " FROM \"%s\" ORDER BY rowid", xt->name);
	st = db_prepare(m->db, sql.buf, e);
	if (!st)
		goto cleanup;
	while ((r = db_step(st, e)) == 1) {
		char **row;
		if (dis >= 0 && row_disabled(db_column_text(st, dis)))
			continue;
		row = xcalloc(xt->ncols, sizeof(*row));
		for (size_t c = 0; c < xt->ncols; c++) {
			const char *v = db_column_text(st, (int)c);
			row[c] = v ? xstrdup(v) : NULL;
		}
		ALLOC_GROW(tc->rows, tc->nr + 1, tc->alloc);
		tc->rows[tc->nr++] = row;
		if (row[xt->keys[0]] && !strmap_get(&tc->by_key, row[xt->keys[0]]))
			strmap_put(&tc->by_key, row[xt->keys[0]], row);
	}
	if (r < 0)
		goto cleanup;
	tc->loaded = 1;
	rc = 0;
cleanup:
	if (rc < 0)
		err_prefix(e, "cannot read table '%s'", xt->name);
	db_finalize(st);
	strbuf_release(&sql);
	return rc;
}

static size_t table_index(const char *name)
{
	const struct xtable *xt = xtable_find(name);
	return xt ? (size_t)(xt - xcat_tables) : n_xcat_tables;
}

int model_table(struct model *m, const char *table, char ****rows, size_t *nr,
		const struct xtable **def, struct err *e)
{
	size_t t = table_index(table);

	if (t == n_xcat_tables)
		return err_set(e, "unknown table '%s'", table);
	if (load_table(m, t, e) < 0)
		return -1;
	*rows = m->tables[t].rows;
	*nr = m->tables[t].nr;
	if (def)
		*def = &xcat_tables[t];
	return 0;
}

char **model_row(struct model *m, const char *table, const char *key, struct err *e)
{
	size_t t = table_index(table);

	if (t == n_xcat_tables) {
		err_set(e, "unknown table '%s'", table);
		return NULL;
	}
	if (load_table(m, t, e) < 0)
		return NULL;
	return strmap_get(&m->tables[t].by_key, key);
}

static void build_nodes(struct model *m)
{
	size_t t = table_index("nodelist");
	struct tcache *tc = &m->tables[t];
	int gcol = xtable_col(&xcat_tables[t], "groups");

	for (size_t i = 0; i < tc->nr; i++) {
		char **row = tc->rows[i];
		struct strvec *groups;
		if (!value_set(row[0]) || strmap_get(&m->node_idx, row[0]))
			continue;
		strvec_push(&m->nodes, row[0]);
		strmap_put(&m->node_idx, row[0], (void *)(uintptr_t)m->nodes.nr);
		groups = xcalloc(1, sizeof(*groups));
		strvec_init(groups);
		if (row[gcol])
			strvec_split(groups, row[gcol], ',', 1);
		m->node_groups = xrealloc(m->node_groups, st_mult(m->nodes.nr, sizeof(*m->node_groups)));
		m->node_groups[m->nodes.nr - 1] = groups;
		for (size_t g = 0; g < groups->nr; g++) {
			struct strvec *members = strmap_get(&m->groups, groups->v[g]);
			if (!members) {
				members = xcalloc(1, sizeof(*members));
				strvec_init(members);
				strmap_put(&m->groups, groups->v[g], members);
				strvec_push(&m->group_names, groups->v[g]);
			}
			strvec_push(members, row[0]);
		}
	}
}

int model_load(struct model **out, struct db *db, struct err *e)
{
	struct model *m = xcalloc(1, sizeof(*m));

	*out = NULL;
	m->db = db;
	m->tables = xcalloc(n_xcat_tables, sizeof(*m->tables));
	strvec_init(&m->nodes);
	strvec_init(&m->group_names);
	strvec_init(&m->nim_keys);
	if (load_table(m, table_index("nodelist"), e) < 0 ||
	    load_table(m, table_index("site"), e) < 0) {
		model_free(m);
		return -1;
	}
	build_nodes(m);
	*out = m;
	return 0;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (size_t t = 0; m->tables && t < n_xcat_tables; t++) {
		struct tcache *tc = &m->tables[t];
		for (size_t i = 0; i < tc->nr; i++) {
			for (size_t c = 0; c < xcat_tables[t].ncols; c++)
				free(tc->rows[i][c]);
			free(tc->rows[i]);
		}
		free(tc->rows);
		strmap_clear(&tc->by_key);
	}
	free(m->tables);
	for (size_t i = 0; i < m->nodes.nr; i++) {
		strvec_clear(m->node_groups[i]);
		free(m->node_groups[i]);
	}
	free(m->node_groups);
	for (size_t g = 0; g < m->group_names.nr; g++) {
		struct strvec *members = strmap_get(&m->groups, m->group_names.v[g]);
		strvec_clear(members);
		free(members);
	}
	strmap_clear(&m->groups);
	strvec_clear(&m->group_names);
	strmap_clear(&m->node_idx);
	strvec_clear(&m->nodes);
	for (size_t i = 0; i < m->nim_keys.nr; i++) {
		struct nim_entry *ne = strmap_get(&m->nim, m->nim_keys.v[i]);
		free(ne->type);
		free(ne->location);
		free(ne);
	}
	strvec_clear(&m->nim_keys);
	strmap_clear(&m->nim);
	strmap_clear(&m->nim_sns);
	free(m);
}

const struct strvec *model_nodes(struct model *m)
{
	return &m->nodes;
}

bool model_is_node(struct model *m, const char *name)
{
	return strmap_get(&m->node_idx, name) != NULL;
}

const struct strvec *model_node_groups(struct model *m, const char *node)
{
	uintptr_t i = (uintptr_t)strmap_get(&m->node_idx, node);
	return i ? m->node_groups[i - 1] : NULL;
}

const struct strvec *model_group_members(struct model *m, const char *group)
{
	return strmap_get(&m->groups, group);
}

const struct strvec *model_groups(struct model *m)
{
	return &m->group_names;
}

const char *model_site(struct model *m, const char *key)
{
	char **row = model_row(m, "site", key, NULL);
	return row && value_set(row[1]) ? row[1] : NULL;
}

/* The value of col in the row keyed by key, evaluated for node; 1, 0 or -1. */
static int row_value(struct model *m, size_t t, int col, const char *key, const char *node,
		     struct strbuf *out, struct err *e)
{
	char **row = strmap_get(&m->tables[t].by_key, key);
	char *v;

	if (!row || !value_set(row[col]))
		return 0;
	if (row[col][0] != '|' && row[col][0] != '/') {
		strbuf_addstr(out, row[col]);
		return 1;
	}
	v = xvalue_eval(row[col], node, e);
	if (!v)
		return err_prefix(e, "%s.%s of '%s'", xcat_tables[t].name, xcat_tables[t].cols[col], key);
	strbuf_addstr(out, v);
	free(v);
	return 1;
}

int model_attr(struct model *m, const char *node, const char *table, const char *col,
	       struct strbuf *out, struct err *e)
{
	size_t t = table_index(table);
	const struct strvec *groups;
	int c, rc;

	if (t == n_xcat_tables)
		return err_set(e, "unknown table '%s'", table);
	c = xtable_col(&xcat_tables[t], col);
	if (c < 0)
		return err_set(e, "table '%s' has no column '%s'", table, col);
	if (load_table(m, t, e) < 0)
		return -1;
	rc = row_value(m, t, c, node, node, out, e);
	if (rc || !xcat_tables[t].node_keyed || !strcmp(table, "nodelist"))
		return rc;
	groups = model_node_groups(m, node);
	for (size_t g = 0; groups && g < groups->nr; g++) {
		rc = row_value(m, t, c, groups->v[g], node, out, e);
		if (rc)
			return rc;
	}
	return 0;
}

static const struct strvec *env_all(void *data)
{
	return model_nodes(data);
}

static bool env_is_node(void *data, const char *name)
{
	return model_is_node(data, name);
}

static const struct strvec *env_members(void *data, const char *group)
{
	return model_group_members(data, group);
}

static int env_attr(void *data, const char *node, const char *table, const char *col,
		    struct strbuf *out, struct err *e)
{
	return model_attr(data, node, table, col, out, e) < 0 ? -1 : 0;
}

int model_noderange(struct model *m, const char *range, struct strvec *out,
		    struct strvec *unmatched, struct err *e)
{
	struct noderange_env env = { 0 };

	env.data = m;
	env.all_nodes = env_all;
	env.is_node = env_is_node;
	env.group_members = env_members;
	env.attr = env_attr;
	env.number_prefix = getenv("EXTNFS_NODE_PREFIX");
	env.excludenodes = model_site(m, "excludenodes");
	return noderange_expand(range, &env, out, unmatched, e);
}

static int load_nim(struct model *m, struct err *e)
{
	struct db_stmt *st;
	struct strbuf key = STRBUF_INIT;
	int r;

	if (m->nim_loaded)
		return 0;
	st = db_prepare(m->db, "SELECT sn, name, type, location FROM nim_resource", e);
	if (!st)
		return -1;
	while ((r = db_step(st, e)) == 1) {
		const char *sn = db_column_text(st, 0), *name = db_column_text(st, 1);
		const char *type = db_column_text(st, 2), *loc = db_column_text(st, 3);
		struct nim_entry *ne = xcalloc(1, sizeof(*ne));
		ne->type = type ? xstrdup(type) : NULL;
		ne->location = loc ? xstrdup(loc) : NULL;
		strbuf_reset(&key);
		strbuf_addf(&key, "%s\x1f%s", sn, name);
		strmap_put(&m->nim, key.buf, ne);
		strvec_push(&m->nim_keys, key.buf);
		strmap_put(&m->nim_sns, sn, (void *)1);
	}
	db_finalize(st);
	strbuf_release(&key);
	if (r < 0)
		return -1;
	m->nim_loaded = 1;
	return 0;
}

int model_nim(struct model *m, const char *sn, const char *name, struct nim_res *out,
	      struct err *e)
{
	struct strbuf key = STRBUF_INIT;
	struct nim_entry *ne;

	if (load_nim(m, e) < 0)
		return -1;
	if (!strmap_get(&m->nim_sns, sn))
		return 2;
	strbuf_addf(&key, "%s\x1f%s", sn, name);
	ne = strmap_get(&m->nim, key.buf);
	strbuf_release(&key);
	if (!ne)
		return 0;
	out->type = ne->type;
	out->location = ne->location;
	return 1;
}
