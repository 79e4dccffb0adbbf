/*
 * fuzz-exports-linux.c: libFuzzer target for the Linux side of formats/exports.c.
 *
 * Any input must either parse or fail with a message naming the file and
 * line, leaving nothing behind. What parses must be well formed (absolute
 * paths, canonical and unique hosts, no AIX flag), must write back in Linux
 * syntax (never a blank before '(') and read back equal when the writer
 * lost nothing, and, written as AIX exports and read back, must grant
 * nothing the Linux list does not (the writers only ever narrow; netgroups
 * become plain AIX names, so lists with netgroups skip that check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/exports.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/util.h"

#define FLAVOR EXPORTS_LINUX
#define OTHER  EXPORTS_AIX
#define TARGET "fuzz-exports-linux"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, TARGET ": %s\n", what);
		abort();
	}
}

/* Whether two entries of l share a path (and, unless any_vers, a vers). */
static int has_dup_paths(const struct export_list *l, int any_vers)
{
	for (size_t i = 0; i < l->nr; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(l->entries[i].path, l->entries[j].path) &&
			    (any_vers || l->entries[i].vers == l->entries[j].vers))
				return 1;
	return 0;
}

static int has_netgroup(const struct export_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		for (size_t k = 0; k < l->entries[i].nr; k++)
			if (l->entries[i].clients[k].kind == EXPORT_HOST_NETGROUP)
				return 1;
	return 0;
}

/*
 * Every host that l names gets no more from other than from l: a probe
 * list granting each of them everything is audited against other, and
 * what other does not deny must be granted by l.
 */
static void no_widening(const struct export_list *l, const struct export_list *other)
{
	struct export_list x = EXPORT_LIST_INIT;
	struct export_diff_list d = EXPORT_DIFF_LIST_INIT;

	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];
		struct export_entry *xe = export_list_add(&x, en->path, en->vers, NULL, 0);

		for (size_t k = 0; k < en->nr; k++)
			export_entry_add(xe, en->clients[k].kind, en->clients[k].host, true, true,
					 NULL, 0);
	}
	exports_audit(&x, other, &d);
	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];

		for (size_t k = 0; k < en->nr; k++) {
			const struct export_client *c = &en->clients[k];
			int rw = 1, root = 1;

			if (c->kind == EXPORT_HOST_NETGROUP)
				continue; /* AIX names "@ng" as "ng": not the same host to the audit
					   */

			for (size_t j = 0; j < d.nr; j++) {
				const struct export_diff *f = &d.d[j];

				if (strcmp(f->path, en->path) || f->vers != en->vers)
					continue;
				if (f->kind == EXPORT_DIFF_ENTRY)
					rw = root = 0;
				if (!f->host || strcmp(f->host, c->host))
					continue;
				if (f->kind == EXPORT_DIFF_MOUNT)
					rw = root = 0;
				if (f->kind == EXPORT_DIFF_RW)
					rw = 0;
				if (f->kind == EXPORT_DIFF_ROOT)
					root = 0;
			}
			check(!(rw && !c->rw) && !(root && !c->root),
			      "other flavor widens a grant");
		}
	}
	export_list_release(&x);
	export_diff_list_release(&d);
}

static void well_formed(const struct export_list *l)
{
	struct strbuf canon = STRBUF_INIT, spec = STRBUF_INIT;
	struct err e = ERR_INIT;

	for (size_t i = 0; i < l->nr; i++) {
		const struct export_entry *en = &l->entries[i];

		check(en->path[0] == '/', "path not absolute");
		check(en->line > 0, "entry without a line");
		for (size_t k = 0; k < en->nr; k++) {
			const struct export_client *c = &en->clients[k];
			enum export_host_kind kind;

			check(!c->aix, "Linux client flagged AIX");
			strbuf_reset(&spec);
			strbuf_addstr(&spec, c->host);
			check(export_host_parse(spec.buf, FLAVOR, &kind, &canon, &e) == 0,
			      "host does not parse again");
			check(kind == c->kind && !strcmp(canon.buf, c->host), "host not canonical");
			for (size_t j = 0; j < k; j++)
				check(en->clients[j].kind != c->kind ||
					  strcmp(en->clients[j].host, c->host),
				      "host twice in an entry");
			for (size_t j = 0; j < c->opts.nr; j++)
				check(c->opts.v[j][0] && !strpbrk(c->opts.v[j], ",() \t"),
				      "bad option kept");
		}
	}
	strbuf_release(&canon);
	strbuf_release(&spec);
	err_release(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct export_list l = EXPORT_LIST_INIT, back = EXPORT_LIST_INIT, other = EXPORT_LIST_INIT;
	struct export_list merged = EXPORT_LIST_INIT;
	struct export_diff_list d = EXPORT_DIFF_LIST_INIT;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	struct strvec w = STRVEC_INIT, conf = STRVEC_INIT;
	const struct export_list *one[1] = {&l};
	struct err e = ERR_INIT;
	int lost;

	if (exports_parse((const char *)data, size, "fuzz.txt", FLAVOR, &l, &e) < 0) {
		check(starts_with(e.msg.buf, "cannot read 'fuzz.txt' line "),
		      "error without file and line");
		check(!l.nr && !l.entries && !l.warnings.nr, "list not empty after an error");
		goto cleanup;
	}
	well_formed(&l);

	/* Same flavor: exact when nothing was lost. */
	lost = exports_write(&l, FLAVOR, NULL, &out, &w, &e);
	check(lost >= 0, "writer failed without strict mode");
	check(!strstr(out.buf, " ("), "blank before '(' in Linux output");
	if (exports_parse(out.buf, out.len, "fuzz-out.txt", FLAVOR, &back, &e) < 0) {
		fprintf(stderr, TARGET ": written form does not parse: %s\n%s", e.msg.buf, out.buf);
		abort();
	}
	if (!lost && !exports_equal(&l, &back, &why)) {
		fprintf(stderr, TARGET ": round trip differs: %s\n%s", why.buf, out.buf);
		abort();
	}

	/* Other flavor: parses, and grants nothing more. */
	strbuf_reset(&out);
	check(exports_write(&l, OTHER, NULL, &out, &w, &e) >= 0, "other writer failed");
	if (exports_parse(out.buf, out.len, "fuzz-other.txt", OTHER, &other, &e) < 0) {
		fprintf(stderr, TARGET ": other form does not parse: %s\n%s", e.msg.buf, out.buf);
		abort();
	}
	if (!has_dup_paths(&l, 1) && !has_netgroup(&l))
		check(exports_audit(&other, &l, &d) == 0, "AIX output grants more than the input");
	if (!has_dup_paths(&l, 1))
		no_widening(&l, &other);

	/* A list without repeated (path, vers) is its own merge and audit. */
	if (!has_dup_paths(&l, 0)) {
		check(exports_merge(one, 1, &merged, &conf, &e) == 0 && !conf.nr,
		      "conflicts in a merge of one");
		check(exports_equal(&l, &merged, NULL), "merge of one differs");
		check(exports_audit(&l, &l, &d) == 0, "a list grants more than itself");
	}
cleanup:
	export_list_release(&l);
	export_list_release(&back);
	export_list_release(&other);
	export_list_release(&merged);
	export_diff_list_release(&d);
	strbuf_release(&out);
	strbuf_release(&why);
	strvec_clear(&w);
	strvec_clear(&conf);
	err_release(&e);
	return 0;
}
