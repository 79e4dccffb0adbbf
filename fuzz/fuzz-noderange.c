/*
 * fuzz-noderange.c: noderange_expand() on arbitrary bytes against a fixed
 * small model, checking that a success gives sorted unique names and a
 * failure gives a message and touches nothing.
 *
 * Two things keep each run safe and fast. Every '^' is followed by a
 * directory that does not exist, so no input opens a real file (the error
 * path of ^file is still exercised). Inputs whose numbers could make more
 * than FUZZ_MAX_NAMES names are skipped: the library allows ten million,
 * which is correct but too slow to fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/noderange.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_NAMES 100000.0
#define NO_DIR	       "/nonexistent-extnfs-fuzz/"

static const char *const node_names[] = {
    "cn001", "cn002", "cn003",	"cn004",  "cn005",  "cn006", "cn007", "cn008",
    "cn009", "cn010", "cn1",	"cn10",	  "f1n1",   "f1n2",  "f1n3",  "f2n1",
    "f2n2",  "f2n3",  "node10", "node11", "node12", "rack2", "a-b",   "x.y",
};

static const struct {
	const char *name;
	const char *members; /* comma-separated */
} group_defs[] = {
    {"compute", "cn001,cn002,cn003,cn004,cn005,cn006,cn007,cn008,cn009,cn010"},
    {"rack1", "cn001,cn002,cn003,f1n1,f1n2,f1n3"},
    {"rack2", "cn004,cn005,cn006,f2n1,f2n2,f2n3"},
    {"sn1nodes", "cn001,cn002,cn003,cn004,cn005"},
    {"empty", ""},
};

struct fuzz_model {
	struct strvec nodes;
	struct strvec groups[sizeof(group_defs) / sizeof(group_defs[0])];
};

static const struct strvec *fz_all(void *data)
{
	return &((struct fuzz_model *)data)->nodes;
}

static bool fz_is_node(void *data, const char *name)
{
	return strvec_find(&((struct fuzz_model *)data)->nodes, name) >= 0;
}

static const struct strvec *fz_group(void *data, const char *group)
{
	struct fuzz_model *m = data;

	for (size_t i = 0; i < sizeof(group_defs) / sizeof(group_defs[0]); i++)
		if (!strcmp(group_defs[i].name, group))
			return &m->groups[i];
	return NULL;
}

static int fz_attr(void *data, const char *node, const char *table, const char *col,
		   struct strbuf *out, struct err *e)
{
	if (!strcmp(table, "nodetype") && !strcmp(col, "os")) {
		strbuf_addstr(out, node[0] == 'c' ? "rhels8" : node[0] == 'f' ? "sles15" : "");
		return 0;
	}
	if (!strcmp(table, "nodehm") || !strcmp(table, "nodelist")) {
		strbuf_addstr(out, node);
		return 0;
	}
	return err_set(e, "no table '%s'", table);
}

/*
 * An upper bound on the names the input's ranges can make. The input is cut
 * where the library could end an atom (',' or '@' outside brackets and
 * parentheses, tracked as the library does), never elsewhere. Within a
 * piece, a range or increment makes at most 1 + its largest number, a
 * bracket at most its item count times the ranges in it, and a product at
 * most the product of those.
 */
static bool too_big(const char *s)
{
	double total = 0, piece = 1, items = 1;
	int bd = 0, pd = 0;

	for (const char *p = s;; p++) {
		if (*p == '\\' && p[1] && !(p[1] >= '0' && p[1] <= '9')) {
			p++; /* escaped, as the library reads it; digits still count */
		} else if (*p >= '0' && *p <= '9') {
			double v = 0;
			for (; *p >= '0' && *p <= '9'; p++)
				if (v < 1e13)
					v = v * 10 + (*p - '0');
			p--;
			piece *= 1 + v;
		} else if (*p == '[') {
			if (!bd++)
				items = 1;
		} else if (bd) {
			if (*p == ',')
				items++;
			if (*p == ']' && !--bd)
				piece *= items;
			if (!*p)
				piece *= items;
		} else if (*p == '(') {
			pd++;
		} else if (*p == ')') {
			pd -= pd > 0;
		}
		if (piece > FUZZ_MAX_NAMES)
			return true;
		if (!*p || (!bd && !pd && (*p == ',' || *p == '@'))) {
			total += piece;
			piece = 1;
			if (total > FUZZ_MAX_NAMES)
				return true;
			if (!*p)
				return false;
		}
	}
}

static void check_sorted(const struct strvec *out)
{
	for (size_t i = 1; i < out->nr; i++)
		if (strcmp(out->v[i - 1], out->v[i]) >= 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_model m;
	struct noderange_env env = {0};
	struct strbuf range = STRBUF_INIT, bare = STRBUF_INIT;
	struct strvec out = STRVEC_INIT, missed = STRVEC_INIT;
	struct err e = ERR_INIT;
	int rc;

	if (size > 4096)
		return 0;
	for (size_t i = 0; i < size && data[i]; i++) {
		strbuf_addch(&range, data[i]);
		if (data[i] == '^')
			strbuf_addstr(&range, NO_DIR);
		if (data[i] != '\'' && data[i] != '"')
			strbuf_addch(&bare, data[i]);
	}
	if (too_big(bare.buf))
		goto done;

	strvec_init(&m.nodes);
	for (size_t i = 0; i < sizeof(node_names) / sizeof(node_names[0]); i++)
		strvec_push(&m.nodes, node_names[i]);
	for (size_t i = 0; i < sizeof(group_defs) / sizeof(group_defs[0]); i++) {
		strvec_init(&m.groups[i]);
		strvec_split(&m.groups[i], group_defs[i].members, ',', 1);
	}
	env.data = &m;
	env.all_nodes = fz_all;
	env.is_node = fz_is_node;
	env.group_members = fz_group;
	env.attr = fz_attr;
	env.number_prefix = size % 3 ? NULL : "cn0";
	env.excludenodes = size % 5 ? NULL : "cn010,f[1-2]n3,ghost";

	rc = noderange_expand(range.buf, &env, &out, size % 2 ? &missed : NULL, &e);
	if (rc == 0) {
		check_sorted(&out);
	} else if (rc != -1 || !e.msg.len || out.nr || missed.nr) {
		abort();
	}

	strvec_clear(&m.nodes);
	for (size_t i = 0; i < sizeof(group_defs) / sizeof(group_defs[0]); i++)
		strvec_clear(&m.groups[i]);
done:
	strvec_clear(&out);
	strvec_clear(&missed);
	strbuf_release(&range);
	strbuf_release(&bare);
	err_release(&e);
	return 0;
}
