/*
 * Unit tests for sync/walk.c's comparison (walk_decide): what an entry
 * needs given what the destination holds, from a table; and the progress
 * and summary lines of sync/progress.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "sync/progress.h"
#include "sync/walk.h"

struct decide_case {
	const char *what;
	char stype;        /* source type */
	uint32_t smode;    /* permission bits */
	uint64_t ssize;
	long smtime;
	const char *starget;
	bool present;
	char dtype;        /* destination type (h: a manifest hard link) */
	uint32_t dmode;
	uint64_t dsize;
	long dmtime;
	const char *dtarget;
	uint32_t duid;
	uint64_t dnlink;
	bool checksum;
	int action;        /* expected */
	int reason;
	unsigned mask;
	bool late;
};

static uint32_t type_bits(char t)
{
	switch (t) {
	case 'd':
		return S_IFDIR;
	case 'l':
		return S_IFLNK;
	case 'p':
		return S_IFIFO;
	case 'c':
		return S_IFCHR;
	case 's':
		return S_IFSOCK;
	default:
		return S_IFREG;
	}
}

static void test_decide(void **state)
{
	static const struct decide_case cases[] = {
		{ "absent", 'f', 0644, 10, 5, NULL, false, 0, 0, 0, 0, NULL, 0, 1, false, A_WRITE, R_NEW, 0, false },
		{ "same", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 10, 5, NULL, 0, 1, false, A_NONE, 0, 0, false },
		{ "size", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 11, 5, NULL, 0, 1, false, A_WRITE, R_SIZE, 0, false },
		{ "mtime", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 10, 6, NULL, 0, 1, false, A_WRITE, R_MTIME, 0, false },
		{ "mode only", 'f', 04755, 10, 5, NULL, true, 'f', 0755, 10, 5, NULL, 0, 1, false, A_META, 0, DEST_SET_MODE, false },
		{ "owner only", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 10, 5, NULL, 7, 1, false, A_META, 0, DEST_SET_OWNER, false },
		{ "checksum, same size", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 10, 9, NULL, 0, 1, true, A_CHECK, 0, DEST_SET_TIMES, false },
		{ "checksum, other size", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 12, 5, NULL, 0, 1, true, A_WRITE, R_SIZE, 0, false },
		{ "linked in dest only", 'f', 0644, 10, 5, NULL, true, 'f', 0644, 10, 5, NULL, 0, 2, false, A_WRITE, R_LINKS, 0, false },
		{ "manifest link, now alone", 'f', 0644, 10, 5, NULL, true, 'h', 0644, 10, 5, "a", 0, 1, false, A_WRITE, R_LINKS, 0, false },
		{ "file over a directory", 'f', 0644, 10, 5, NULL, true, 'd', 0755, 0, 5, NULL, 0, 1, false, A_WRITE, R_TYPE, 0, true },
		{ "symlink over a file", 'l', 0777, 1, 5, "x", true, 'f', 0644, 1, 5, NULL, 0, 1, false, A_WRITE, R_TYPE, 0, false },
		{ "symlink target", 'l', 0777, 1, 5, "x", true, 'l', 0777, 1, 5, "y", 0, 1, false, A_WRITE, R_TARGET, 0, false },
		{ "symlink mtime", 'l', 0777, 1, 5, "x", true, 'l', 0777, 1, 6, "x", 0, 1, false, A_META, 0, DEST_SET_TIMES, false },
		{ "symlink mode ignored", 'l', 0777, 1, 5, "x", true, 'l', 0700, 1, 5, "x", 0, 1, false, A_NONE, 0, 0, false },
		{ "fifo mode and time", 'p', 0600, 0, 5, NULL, true, 'p', 0644, 0, 6, NULL, 0, 1, false, A_META, 0, DEST_SET_MODE | DEST_SET_TIMES, false },
		{ "socket", 's', 0755, 0, 5, NULL, false, 0, 0, 0, 0, NULL, 0, 1, false, A_SKIP, 0, 0, false },
	};
	struct walk_cmp c = { false, true, false };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct decide_case *k = &cases[i];
		struct ent ent;
		struct dinfo d;
		memset(&ent, 0, sizeof(ent));
		memset(&d, 0, sizeof(d));
		ent.type = k->stype;
		ent.m.mode = type_bits(k->stype) | k->smode;
		ent.m.size = k->ssize;
		ent.m.mtime.tv_sec = k->smtime;
		ent.m.nlink = 1;
		ent.target = (char *)k->starget;
		d.present = k->present;
		d.type = k->dtype;
		d.m.mode = type_bits(k->dtype == 'h' ? 'f' : k->dtype) | k->dmode;
		d.m.size = k->dsize;
		d.m.mtime.tv_sec = k->dmtime;
		d.m.uid = k->duid;
		d.m.nlink = k->dnlink;
		d.target = k->dtarget;
		d.from_manifest = k->dtype == 'h';
		c.checksum = k->checksum;
		walk_decide(&c, &ent, &d);
		if (ent.action != k->action || (k->action == A_WRITE && ent.reason != k->reason) ||
		    (k->action != A_WRITE && ent.meta_mask != k->mask) || ent.late != k->late)
			fail_msg("%s: action %d reason %d mask %u late %d", k->what, ent.action,
				 ent.reason, ent.meta_mask, ent.late);
	}
}

/* A destination that cannot set a symlink's times: their mtimes are not compared. */
static void test_decide_no_link_times(void **state)
{
	struct walk_cmp c = { false, true, true };
	struct ent ent;
	struct dinfo d;

	memset(&ent, 0, sizeof(ent));
	memset(&d, 0, sizeof(d));
	ent.type = 'l';
	ent.m.mode = S_IFLNK | 0777;
	ent.m.mtime.tv_sec = 5;
	ent.target = (char *)"x";
	d.present = true;
	d.type = 'l';
	d.m.mode = S_IFLNK | 0777;
	d.m.mtime.tv_sec = 6;
	d.target = "x";
	walk_decide(&c, &ent, &d);
	assert_int_equal(ent.action, A_NONE);
	assert_int_equal(ent.meta_mask, 0);
	d.m.uid = 7; /* the owner still counts */
	walk_decide(&c, &ent, &d);
	assert_int_equal(ent.action, A_META);
	assert_int_equal(ent.meta_mask, DEST_SET_OWNER);
	c.no_link_times = false;
	walk_decide(&c, &ent, &d);
	assert_int_equal(ent.meta_mask, DEST_SET_OWNER | DEST_SET_TIMES);
}

static void test_decide_dirs(void **state)
{
	struct walk_cmp c = { false, true, false };
	struct ent ent;
	struct dinfo d;
	unsigned mask;

	memset(&ent, 0, sizeof(ent));
	memset(&d, 0, sizeof(d));
	ent.type = 'd';
	ent.m.mode = S_IFDIR | 02775;
	ent.m.mtime.tv_sec = 5;
	d.present = true;
	d.type = 'd';
	d.m.mode = S_IFDIR | 0755;
	d.m.mtime.tv_sec = 6;
	mask = walk_decide(&c, &ent, &d);
	assert_int_equal(mask, DEST_SET_MODE | DEST_SET_TIMES);
	assert_int_equal(ent.action, A_NONE);
	c.owners = false; /* not root: owners are neither compared nor set */
	d.m.uid = 9;
	d.m.mode = S_IFDIR | 02775;
	d.m.mtime.tv_sec = 5;
	assert_int_equal(walk_decide(&c, &ent, &d), 0);
}

static void test_progress(void **state)
{
	static const struct {
		uint64_t n;
		const char *text;
	} sizes[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1.0 KiB" }, { 1536, "1.5 KiB" },
		{ 10u << 20, "10.0 MiB" }, { 3ull << 30, "3.0 GiB" },
	};
	struct sync_stats st;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		strbuf_reset(&sb);
		progress_bytes(sizes[i].n, &sb);
		assert_string_equal(sb.buf, sizes[i].text);
	}
	memset(&st, 0, sizeof(st));
	st.done_files = 10;
	st.todo_files = 40;
	st.scanned = 100;
	st.bytes = 10u << 20;
	st.todo_bytes = 40u << 20;
	st.seconds = 2;
	strbuf_reset(&sb);
	progress_line(&st, &sb);
	assert_string_equal(sb.buf, "10/40 changes, 100 scanned, 10.0 MiB, 5.0 MiB/s, 0:06 left");
	st.created = 3;
	st.updated = 2;
	st.metadata = 1;
	st.deleted = 4;
	st.seconds = 1.5;
	strbuf_reset(&sb);
	progress_summary(&st, &sb);
	assert_string_equal(sb.buf, "3 created, 2 updated, 1 metadata-only, 4 deleted, 0 failed of "
				    "100 entries; 10.0 MiB (10485760 bytes) in 1.50 s");
	st.dry_run = true;
	strbuf_reset(&sb);
	progress_summary(&st, &sb);
	assert_true(!strncmp(sb.buf, "dry run: would have 3 created", 29));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_decide_no_link_times),
		cmocka_unit_test(test_decide_dirs),
		cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
