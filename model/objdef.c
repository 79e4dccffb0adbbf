/*
 * objdef.c: lsdef/mkdef/chdef/rmdef semantics over the xCAT tables.
 */
#include <stdlib.h>
#include <string.h>

#include "model/db.h"
#include "model/model.h"
#include "model/objdef.h"
#include "model/schema.h"
#include "util/banned.h"

bool objdef_type_known(const char *type)
{
	return !strcmp(type, "node") || !strcmp(type, "group") || !strcmp(type, "osimage");
}

int objdef_list(struct model *m, const char *type, struct strvec *out, struct err *e)
{
	const struct strvec *sv = NULL;
	char ***rows;
	size_t nr;

	if (!strcmp(type, "node"))
		sv = model_nodes(m);
	else if (!strcmp(type, "group"))
		sv = model_groups(m);
	if (sv) {
		for (size_t i = 0; i < sv->nr; i++)
			strvec_push(out, sv->v[i]);
		return 0;
	}
	if (strcmp(type, "osimage"))
		return err_set(e, "unknown object type '%s' (node, group or osimage)", type);
	if (model_table(m, "osimage", &rows, &nr, NULL, e) < 0)
		return -1;
	for (size_t i = 0; i < nr; i++)
		if (value_set(rows[i][0]))
			strvec_push(out, rows[i][0]);
	return 0;
}

bool objdef_exists(struct model *m, const char *type, const char *name)
{
	if (!strcmp(type, "node"))
		return model_is_node(m, name);
	if (!strcmp(type, "group"))
		return model_group_members(m, name) != NULL;
	return model_row(m, "osimage", name, NULL) != NULL;
}

/* The value stored at the object's own row for d, or NULL. */
static const char *stored(struct model *m, const struct defattr *d, const char *name)
{
	const struct xtable *xt = xtable_find(d->table);
	char **row = model_row(m, d->table, name, NULL);
	int c = xtable_col(xt, d->col);

	return row && value_set(row[c]) ? row[c] : NULL;
}

int objdef_get(struct model *m, const char *type, const char *name, struct strvec *names,
	       struct strvec *values, struct err *e)
{
	struct strbuf v = STRBUF_INIT;
	const char *dtype = !strcmp(type, "osimage") ? "osimage" : "node";
	int rc = -1;

	if (!objdef_exists(m, type, name)) {
		err_set(e, "no %s called '%s'", type, name);
		goto cleanup;
	}
	for (size_t i = 0; i < n_def_attrs; i++) {
		const struct defattr *d = &def_attrs[i];
		const char *s;
		if (strcmp(d->type, dtype))
			continue;
		if (!strcmp(type, "group") && !strcmp(d->attr, "groups")) {
			strvec_push(names, "grouptype");
			strvec_push(values, "static");
			continue;
		}
		if (!strcmp(type, "node")) {
			int r;
			strbuf_reset(&v);
			r = model_attr(m, name, d->table, d->col, &v, e);
			if (r < 0)
				goto cleanup;
			if (!r)
				continue;
			s = v.buf;
		} else {
			s = stored(m, d, name);
			if (!s)
				continue;
		}
		strvec_push(names, d->attr);
		strvec_push(values, s);
	}
	if (!strcmp(type, "group")) {
		/* "members" goes in its alphabetical place, as lsdef prints it */
		const struct strvec *mem = model_group_members(m, name);
		size_t pos = 0;
		strbuf_reset(&v);
		strvec_join(mem, ",", &v);
		while (pos < names->nr && strcmp(names->v[pos], "members") < 0)
			pos++;
		strvec_push(names, "");
		strvec_push(values, "");
		for (size_t k = names->nr - 1; k > pos; k--) {
			char *t = names->v[k];
			names->v[k] = names->v[k - 1];
			names->v[k - 1] = t;
			t = values->v[k];
			values->v[k] = values->v[k - 1];
			values->v[k - 1] = t;
		}
		free(names->v[pos]);
		names->v[pos] = xstrdup("members");
		free(values->v[pos]);
		values->v[pos] = xstrdup(v.buf);
	}
	rc = 0;
cleanup:
	strbuf_release(&v);
	return rc;
}

/* Sets table.col of the row keyed by key (NULL value: unset). 0 or -1. */
static int write_value(struct db *db, const char *table, const char *col, const char *key,
		       const char *value, struct err *e)
{
	const struct xtable *xt = xtable_find(table);
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st = NULL;
	const char *keycol = xt->cols[xt->keys[0]];
	int rc = -1;

	if (!strcmp(col, keycol))
		strbuf_addf(&sql, "INSERT INTO \"%s\" (\"%s\") VALUES (?1) ON CONFLICT DO NOTHING",
			    table, keycol);
	else
		strbuf_addf(&sql, "INSERT INTO \"%s\" (\"%s\", \"%s\") VALUES (?1, ?2)"
			    " ON CONFLICT (\"%s\") DO UPDATE SET \"%s\" = excluded.\"%s\"",
			    table, keycol, col, keycol, col, col);
	st = db_prepare(db, sql.buf, e);
	if (!st || db_bind_text(st, 1, key, e) < 0)
		goto cleanup;
	if (strcmp(col, keycol) && db_bind_text(st, 2, value && *value ? value : NULL, e) < 0)
		goto cleanup;
	if (db_step(st, e) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	db_finalize(st);
	strbuf_release(&sql);
	return rc;
}

/* Applies op to the comma list cur with items from value, into out. */
static void list_edit(const char *cur, const char *value, enum objdef_op op, struct strbuf *out)
{
	struct strvec have = STRVEC_INIT, items = STRVEC_INIT;

	if (cur)
		strvec_split(&have, cur, ',', 1);
	strvec_split(&items, value, ',', 1);
	for (size_t i = 0; i < items.nr; i++) {
		long at = strvec_find(&have, items.v[i]);
		if (op == OBJDEF_APPEND && at < 0)
			strvec_push(&have, items.v[i]);
		if (op == OBJDEF_REMOVE && at >= 0) {
			free(have.v[at]);
			memmove(&have.v[at], &have.v[at + 1], (have.nr - (size_t)at) * sizeof(char *));
			have.nr--;
		}
	}
	strvec_join(&have, ",", out);
	strvec_clear(&have);
	strvec_clear(&items);
}

/* Adds (op APPEND) or removes group from node's nodelist.groups. */
static int node_group_edit(struct db *db, struct model *m, const char *node, const char *group,
			   enum objdef_op op, struct err *e)
{
	const struct strvec *groups = model_node_groups(m, node);
	struct strbuf cur = STRBUF_INIT, out = STRBUF_INIT;
	int rc;

	if (!groups) {
		strbuf_release(&cur);
		return err_set(e, "no node called '%s'", node);
	}
	strvec_join(groups, ",", &cur);
	list_edit(cur.buf, group, op, &out);
	rc = write_value(db, "nodelist", "groups", node, out.buf, e);
	strbuf_release(&cur);
	strbuf_release(&out);
	return rc;
}

int objdef_set(struct db *db, struct model *m, const char *type, const char *name,
	       const char *attr, const char *value, enum objdef_op op, struct err *e)
{
	const struct defattr *d;
	struct strbuf out = STRBUF_INIT;
	int rc;

	if (!strcmp(type, "group") && !strcmp(attr, "members")) {
		struct strvec items = STRVEC_INIT;
		rc = 0;
		strvec_split(&items, value, ',', 1);
		if (op == OBJDEF_SET) {
			/* members= replaces: drop the group from current members first */
			const struct strvec *mem = model_group_members(m, name);
			for (size_t i = 0; mem && i < mem->nr && rc == 0; i++)
				if (strvec_find(&items, mem->v[i]) < 0)
					rc = node_group_edit(db, m, mem->v[i], name, OBJDEF_REMOVE, e);
		}
		for (size_t i = 0; i < items.nr && rc == 0; i++)
			rc = node_group_edit(db, m, items.v[i], name,
					     op == OBJDEF_REMOVE ? OBJDEF_REMOVE : OBJDEF_APPEND, e);
		strvec_clear(&items);
		return rc;
	}
	d = defattr_find(type, attr);
	if (!d)
		return err_set(e, "'%s' is not an attribute of a %s (see 'extnfs lsdef -t %s -h')",
			       attr, type, type);
	if (!strcmp(type, "group") && !strcmp(attr, "groups"))
		return err_set(e, "a group has no groups attribute");
	if (op != OBJDEF_SET) {
		list_edit(stored(m, d, name), value, op, &out);
		value = out.buf;
	}
	rc = write_value(db, d->table, d->col, name, value, e);
	strbuf_release(&out);
	return rc;
}

int objdef_create(struct db *db, const char *type, const char *name, struct err *e)
{
	if (!strcmp(type, "node"))
		return write_value(db, "nodelist", "node", name, NULL, e);
	if (!strcmp(type, "osimage"))
		return write_value(db, "osimage", "imagename", name, NULL, e);
	return 0; /* a group exists through its members */
}

static int delete_key(struct db *db, const char *table, const char *key, struct err *e)
{
	const struct xtable *xt = xtable_find(table);
	struct strbuf sql = STRBUF_INIT;
	struct db_stmt *st;
	int rc = -1;

	strbuf_addf(&sql, "DELETE FROM \"%s\" WHERE \"%s\" = ?1", table, xt->cols[xt->keys[0]]);
	st = db_prepare(db, sql.buf, e);
	if (st && db_bind_text(st, 1, key, e) == 0 && db_step(st, e) == 0)
		rc = 0;
	db_finalize(st);
	strbuf_release(&sql);
	return rc;
}

int objdef_remove(struct db *db, struct model *m, const char *type, const char *name,
		  struct err *e)
{
	if (!strcmp(type, "osimage"))
		return delete_key(db, "osimage", name, e) < 0 ? -1 : delete_key(db, "nimimage", name, e);
	if (!strcmp(type, "group")) {
		const struct strvec *mem = model_group_members(m, name);
		for (size_t i = 0; mem && i < mem->nr; i++)
			if (node_group_edit(db, m, mem->v[i], name, OBJDEF_REMOVE, e) < 0)
				return -1;
	}
	for (size_t t = 0; t < n_xcat_tables; t++)
		if (xcat_tables[t].node_keyed && delete_key(db, xcat_tables[t].name, name, e) < 0)
			return -1;
	return 0;
}
