#!/bin/sh
# extnfs copy to nfs:// survives the server going away: Ganesha killed in
# the middle of a copy and started again is reconnected to, what was in
# flight is sent again, and the copy ends with an exact tree; a server that
# stays away longer than timeout= stops the run (exit 5) with a clear message, and
# the next run (after the server is back) completes the tree exactly.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-nfs.sh"

# many small files: a copy that lasts a few seconds on two workers
test_expect_success GANESHA 'setup: Ganesha and 20000 files' '
	nfs_setup &&
	awk "BEGIN { for (d = 0; d < 100; d++) { system(\"mkdir -p src/d\" d);
		for (f = 0; f < 200; f++) { p = sprintf(\"src/d%d/f%d\", d, f);
			printf \"%d %d\\n\", d, f > p; close(p) } } }" &&
	test -f src/d99/f199
'

test_expect_success GANESHA 'Ganesha killed and restarted mid-copy: the copy goes on and ends exact' '
	extnfs copy -j 2 src "$(nfs_url export/r)" >out 2>err &
	cp=$! &&
	sleep 1 &&
	kill -0 $cp &&
	nfs_ganesha_kill &&
	sleep 2 &&
	kill -0 $cp &&
	nfs_ganesha_restart &&
	wait $cp &&
	grep "^20100 created, 0 updated, 0 metadata-only, 0 deleted, 0 failed" out &&
	test ! -s err &&
	compare_trees $NFS_CMP src export/r
'

test_expect_success GANESHA 'a server away longer than timeout=: clear error; the rerun completes' '
	U="nfs://127.0.0.1$TRASH/export/t?$GANESHA_URL_OPTS&timeout=3"
	nfs-ls "$(nfs_url export)" >/dev/null || exit 1
	extnfs copy -j 2 src "$U" >out 2>err &
	cp=$! &&
	sleep 1 &&
	{ kill -0 $cp || { cat out err; false; }; } &&
	nfs_ganesha_kill &&
	{ wait $cp; rc=$?; test $rc = 5 || { echo "exit $rc"; false; }; } &&
	grep "NFS server '\''127.0.0.1'\'' did not answer for 3 s (timeout=3 in the URL)\$" err &&
	tail -n 1 err >last &&
	echo "extnfs copy: the destination went away: it is partly updated (every file in it is whole); run again when it is back" >expect &&
	test_cmp expect last &&
	test $(grep -c "did not answer" err) -le 64 &&
	{ nfs_ganesha_restart || { echo "no restart"; false; }; } &&
	extnfs copy -j 2 src "$(nfs_url export/t)" >out &&
	extnfs --json copy src "$(nfs_url export/t)" >json &&
	grep "\"created\": 0" json && grep "\"updated\": 0" json &&
	compare_trees $NFS_CMP src export/t
'

test_done
