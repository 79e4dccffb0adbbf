#!/bin/sh
# The guards of extnfs copy: a missing or empty source, or a run that would
# delete more than --max-delete (default 10 % of the entries), exits 4 and
# leaves the destination exactly as it was; --force lifts the deletion limit.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# fresh NAME: a source s-NAME (copy of orig, 100 files under usr/share) and
# its first copy d-NAME (so each case has its own manifest)
fresh() {
	rm -rf "s-$1" "d-$1" &&
	cp -a orig "s-$1" &&
	extnfs copy "s-$1" "d-$1" &&
	compare_trees "s-$1" "d-$1"
}

# rm_files SRC N: removes the first N files of SRC/usr/share (sorted)
rm_files() {
	(cd "$1/usr/share" && find . -type f | LC_ALL=C sort | head -n "$2" | xargs rm -f)
}

# refused NAME [options]: exit 4 and d-NAME unchanged
refused() {
	_r=$1
	shift
	tree_state "d-$_r" >"before-$_r" &&
	test_expect_code 4 extnfs copy "$@" "s-$_r" "d-$_r" &&
	tree_state "d-$_r" >"after-$_r" &&
	compare_states "before-$_r" "after-$_r"
}

test_expect_success 'setup: a tree of about 200 entries' '
	mkdir orig &&
	(cd orig && mkdir -p etc usr/share &&
	 i=0 && while [ $i -lt 100 ]; do
		d=usr/share/d$((i % 10)) && mkdir -p $d &&
		det_content f$i $((i * 50)) >$d/f$i && i=$((i + 1)) || exit 1
	 done &&
	 det_content hosts 100 >etc/hosts) &&
	n=$(tree_state orig | wc -l) &&
	test $n -gt 100 && test $n -lt 130
'

test_expect_success 'a missing source: exit 4, destination unchanged' '
	fresh missing &&
	mv s-missing s-missing.away &&
	refused missing --delete &&
	refused missing
'

test_expect_success 'an empty source: exit 4, destination unchanged' '
	fresh empty &&
	rm -rf s-empty && mkdir s-empty &&
	refused empty --delete &&
	refused empty
'

test_expect_success 'default limit (10 %): deleting about 30 % is refused' '
	fresh default &&
	rm_files s-default 35 &&
	refused default --delete
'

test_expect_success 'default limit: deleting about 5 % goes through' '
	fresh small &&
	rm_files s-small 5 &&
	extnfs copy --delete s-small d-small &&
	compare_trees s-small d-small
'

test_expect_success 'without --delete nothing is deleted and no limit applies' '
	fresh nodelete &&
	rm_files s-nodelete 60 &&
	extnfs copy s-nodelete d-nodelete &&
	test $(find d-nodelete -type f | wc -l) = 101 &&
	compare_trees --ignore=dir-mtime orig d-nodelete
'

test_expect_success '--max-delete N: N+1 deletions refused, N allowed' '
	fresh count &&
	rm_files s-count 4 &&
	refused count --delete --max-delete 3 &&
	refused count --delete --max-delete=3 &&
	extnfs copy --delete --max-delete 4 s-count d-count &&
	compare_trees s-count d-count
'

test_expect_success '--max-delete 0 refuses any deletion' '
	fresh zero &&
	rm_files s-zero 1 &&
	refused zero --delete --max-delete 0
'

test_expect_success '--max-delete P%: 20 % deleted is refused under 15 %, allowed under 25 %' '
	fresh pct &&
	rm_files s-pct 24 &&
	refused pct --delete --max-delete 15% &&
	extnfs copy --delete --max-delete 25% s-pct d-pct &&
	compare_trees s-pct d-pct
'

test_expect_success 'a deleted directory counts with everything in it' '
	fresh subtree &&
	rm -rf s-subtree/usr/share/d1 s-subtree/usr/share/d2 s-subtree/usr/share/d3 &&
	refused subtree --delete --max-delete 5
'

test_expect_success '--force lifts the limit' '
	fresh force &&
	rm_files s-force 60 &&
	refused force --delete &&
	extnfs copy --delete --force s-force d-force &&
	compare_trees s-force d-force
'

test_expect_success 'a refused run does not poison the next one' '
	fresh again &&
	rm_files s-again 40 &&
	refused again --delete &&
	refused again --delete &&
	cp -a orig/usr/share/. s-again/usr/share/ &&
	touch -r orig s-again &&
	for d in orig/usr/share/d*; do touch -r $d s-again/usr/share/${d##*/}; done &&
	touch -r orig/usr/share s-again/usr/share &&
	extnfs copy --delete s-again d-again &&
	compare_trees orig d-again
'

test_expect_success 'a source that is a file: exit 4, destination unchanged' '
	fresh file &&
	rm -rf s-file && echo data >s-file &&
	refused file --delete &&
	refused file --force
'

test_expect_success 'overlapping source and destination: exit 3, nothing written' '
	fresh overlap &&
	tree_state s-overlap >before &&
	test_expect_code 3 extnfs copy s-overlap s-overlap/inside &&
	test_expect_code 3 extnfs copy s-overlap/usr s-overlap &&
	test_expect_code 3 extnfs copy --delete --force s-overlap s-overlap &&
	test_expect_code 3 extnfs copy --delete --force s-overlap ./s-overlap/ &&
	tree_state s-overlap >after &&
	compare_states before after
'

test_expect_success 'bad --max-delete values are usage errors' '
	fresh usage &&
	test_expect_code 2 extnfs copy --delete --max-delete abc s-usage d-usage &&
	test_expect_code 2 extnfs copy --delete --max-delete -3 s-usage d-usage &&
	test_expect_code 2 extnfs copy --delete --max-delete 10%% s-usage d-usage
'

test_done
