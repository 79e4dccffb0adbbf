#!/bin/sh
# --dry-run changes nothing (not the destination, not what the next real run
# will do); --itemize lists exactly the entries that change, one line
# each; a dry run and the real run list the same.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# paths OUT: the path of each itemized line, sorted. The lines are
# "create KIND PATH [-> TARGET | => FIRST]", "update WHAT PATH [(why) | ->
# TARGET | => FIRST]", "delete PATH", "skip sock PATH" (the names used
# here have no spaces).
paths() {
	awk '{ print ($1 == "delete") ? $2 : $3 }' "$1" | LC_ALL=C sort
}

test_expect_success 'setup: a small tree and its copy' '
	mkdir -p src/dir src/sub src/keep &&
	for f in a dir/b dir/c dir/d sub/x old dir/old2; do
		det_content $f 1000 >src/$f || return 1
	done &&
	i=1 && while [ $i -le 40 ]; do det_content k$i 100 >src/keep/k$i; i=$((i + 1)); done &&
	find src -exec touch -h -d @1600000000 {} + &&
	extnfs -q copy src dst &&
	compare_trees src dst
'

# the changes: content (a), mode (dir/b), mtime only (dir/c), owner (dir/d,
# root only), a new file (sub/new), a new directory with a file
# (newdir, newdir/f), a new symlink (sub/link), deletions (old, dir/old2);
# directory times are put back, so no directory itself changes
change_source() {
	det_content a-v2 1200 >src/a &&
	chmod 0600 src/dir/b &&
	touch -d @1600000999 src/dir/c &&
	if test_have_prereq ROOT; then chown 1234:5678 src/dir/d; fi &&
	det_content new 10 >src/sub/new && touch -d @1600000000 src/sub/new &&
	mkdir src/newdir && det_content f 10 >src/newdir/f &&
	touch -d @1600000000 src/newdir/f src/newdir &&
	ln -s x src/sub/link && touch -h -d @1600000000 src/sub/link &&
	rm src/old src/dir/old2 &&
	touch -d @1600000000 src src/dir src/sub &&
	{
		echo a && echo dir/b && echo dir/c &&
		if test_have_prereq ROOT; then echo dir/d; fi &&
		echo sub/new && echo newdir && echo newdir/f && echo sub/link &&
		echo old && echo dir/old2
	} | LC_ALL=C sort >expect-all &&
	grep -v old expect-all >expect-nodelete
}

test_expect_success '--dry-run changes nothing in the destination' '
	change_source &&
	tree_state dst >before &&
	extnfs -q copy -n --delete src dst &&
	extnfs -q copy --dry-run --delete --checksum src dst &&
	tree_state dst >after &&
	compare_states before after
'

test_expect_success '--dry-run --itemize lists exactly the changes' '
	extnfs -q copy -n -i --delete src dst >dry &&
	paths dry >actual &&
	test_cmp expect-all actual
'

test_expect_success 'without --delete, deletions are not listed' '
	extnfs -q copy --dry-run --itemize src dst >dry-nodelete &&
	paths dry-nodelete >actual &&
	test_cmp expect-nodelete actual
'

test_expect_success 'a second dry run says the same: the first recorded nothing' '
	extnfs -q copy -n -i --delete src dst >dry2 &&
	test_cmp dry dry2
'

test_expect_success 'the real run itemizes what the dry run announced, and does it' '
	extnfs -q copy -i --delete src dst >real &&
	test_cmp dry real &&
	compare_trees src dst
'

test_expect_success 'a no-change run itemizes nothing' '
	extnfs -q copy -i --delete src dst >none &&
	test_cmp /dev/null none &&
	extnfs -q copy -n -i --delete src dst >none &&
	test_cmp /dev/null none
'

test_expect_success '--checksum itemizes a same-size same-mtime change, the quick check does not' '
	tr "a-z" "b-za" <src/keep/k1 >tmp && cat tmp >src/keep/k1 &&
	touch -d @1600000000 src/keep/k1 &&
	extnfs -q copy -n -i src dst >quick &&
	test_cmp /dev/null quick &&
	extnfs -q copy -n -i -c src dst >sum &&
	paths sum >actual && echo keep/k1 >expect && test_cmp expect actual &&
	extnfs -q copy -i -c src dst >sum-real &&
	test_cmp sum sum-real &&
	compare_trees src dst
'

test_expect_success '--dry-run on a missing destination creates nothing' '
	extnfs -q copy -n -i src fresh >fresh.out &&
	test ! -e fresh &&
	grep "dir/b" fresh.out
'

test_done
