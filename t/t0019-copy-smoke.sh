#!/bin/sh
# extnfs copy, a quick round: every kind of entry arrives exactly, a second
# run and a dry run change nothing, the guards refuse with exit 4, the
# portable code paths (EXTNFS_NO_FASTPATH=1) make the same copy, and the
# summary comes as text or JSON. The thorough tests are t002x-copy-*.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

test_expect_success 'setup: a small tree with every kind of entry' '
	mkdir -p src/d/e src/empty &&
	printf "hello\n" >src/d/file &&
	ln src/d/file src/d/e/hardlink &&
	ln -s ../d/file src/d/sym &&
	ln -s /nowhere src/dangling &&
	mkfifo src/fifo &&
	chmod 4755 src/d/file && chmod 1777 src/empty &&
	make_sparse_file src/sparse 8192 64 0 4096 &&
	touch -h -d @1600000000.123456789 src/d/sym &&
	touch -d @1500000000.5 src/d/e src/d src
'

test_expect_success 'the first copy is exact' '
	extnfs copy src dst >out &&
	grep "^9 created, 0 updated, 0 metadata-only, 0 deleted, 0 failed" out &&
	compare_trees src dst
'

test_expect_success 'a second run changes nothing and itemizes nothing' '
	tree_state dst >before &&
	extnfs -q copy -i src dst >out &&
	test_cmp /dev/null out &&
	tree_state dst >after &&
	compare_states before after
'

test_expect_success 'a dry run shows the change and makes none' '
	printf "changed\n" >src/d/new &&
	chmod 0700 src/d/e &&
	extnfs -q copy -n -i src dst >out &&
	grep "^create file  d/new$" out &&
	grep "^update meta  d/e (mode)$" out &&
	tree_state dst >after &&
	compare_states before after &&
	extnfs -q copy -i src dst >out2 &&
	test_cmp out out2 &&
	compare_trees src dst
'

test_expect_success 'guards: a missing or empty source exits 4 and leaves the copy alone' '
	test_expect_code 4 extnfs copy nosuch dst 2>err &&
	grep "nosuch" err &&
	mkdir hollow &&
	test_expect_code 4 extnfs copy --delete hollow dst 2>err &&
	grep "hollow.*empty" err &&
	compare_trees src dst
'

test_expect_success 'guards: too many deletions exit 4 before anything changes' '
	rm -rf src/d/e &&
	test_expect_code 4 extnfs copy --delete --max-delete 1 src dst 2>err &&
	grep "refusing to delete 2 of" err &&
	test -f dst/d/e/hardlink &&
	extnfs -q copy --delete --max-delete 2 src dst &&
	compare_trees src dst
'

test_expect_success 'the portable paths make the same copy, holes included' '
	EXTNFS_NO_FASTPATH=1 extnfs copy src dst-portable &&
	compare_trees src dst-portable &&
	test $(du -k dst-portable/sparse | cut -f1) -lt 1024
'

test_expect_success 'the summary as JSON' '
	extnfs --json copy src dst >out &&
	grep "\"created\": 0" out &&
	grep "\"exit\": 0" out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 extnfs copy src &&
	test_expect_code 2 extnfs copy --jobs 0 src dst &&
	test_expect_code 2 extnfs copy --max-delete 5x src dst
'

test_done
