#!/bin/sh
# extnfs copy to nfs:// refuses what it must before writing anything: an
# export that squashes root (a probe file shows it; the message names the
# export option), bad URLs, NFSv4, a server that does not answer, a path
# that is not exported; and the engine's guards hold against nfs:// too.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-nfs.sh"

HINT="the export must not squash root for this host (Ganesha: Squash = No_Root_Squash; Linux exports: no_root_squash)"

test_expect_success GANESHA 'setup' '
	nfs_setup &&
	mkdir -p src/a && echo x >src/a/f && ln -s f src/a/l &&
	mkdir squash/old && echo keep >squash/old/k
'

test_expect_success GANESHA 'a root-squashing export refuses the probe: new destination, nothing written' '
	tree_state squash >before &&
	test_expect_code 3 extnfs copy src "$(nfs_url squash/dst)" 2>err &&
	echo "extnfs copy: cannot create destination '\''$(nfs_url squash/dst)'\'': '\''$TRASH/squash/dst'\'' refuses root: a probe file created as uid 0 was refused (Permission denied); $HINT" >expect &&
	test_cmp expect err &&
	tree_state squash >after &&
	compare_states before after
'

test_expect_success GANESHA 'the same into an existing directory of that export' '
	tree_state squash >before &&
	test_expect_code 3 extnfs copy src "$(nfs_url squash/old)" 2>err &&
	echo "extnfs copy: cannot open destination '\''$(nfs_url squash/old)'\'': '\''$TRASH/squash/old'\'' refuses root: a probe file created as uid 0 was refused (Permission denied); $HINT" >expect &&
	test_cmp expect err &&
	tree_state squash >after &&
	compare_states before after
'

# a world-writable export lets the squashed root create the probe: its
# owner gives the squashing away (the probe is removed; the directory
# mtime cannot be put back by the squashed user, so it is not compared)
test_expect_success GANESHA 'a squashed root that may write: the probe owner shows it, nothing left' '
	chmod 1777 squash &&
	tree_state squash --ignore=root-mtime >before &&
	test_expect_code 3 extnfs copy src "$(nfs_url squash/dst)" 2>err &&
	grep "^extnfs copy: cannot create destination .*'\''$TRASH/squash/dst'\'' squashes root: a file created as uid 0 belongs to uid [0-9]* gid [0-9]*; $HINT\$" err &&
	! grep "belongs to uid 0 " err &&
	tree_state squash --ignore=root-mtime >after &&
	compare_states before after
'

test_expect_success GANESHA 'bad URLs and NFSv4 are refused with exit 3' '
	test_expect_code 3 extnfs copy src "nfs://127.0.0.1/x/../y" 2>err &&
	echo "extnfs copy: invalid NFS URL '\''nfs://127.0.0.1/x/../y'\'': '\''..'\'' is not allowed in the path" >expect &&
	test_cmp expect err &&
	test_expect_code 3 extnfs copy src "nfs://127.0.0.1/p?speed=9" 2>err &&
	echo "extnfs copy: invalid NFS URL '\''nfs://127.0.0.1/p?speed=9'\'': unknown option (known: nfsport, mountport, version, timeout, inflight)" >expect &&
	test_cmp expect err &&
	test_expect_code 3 extnfs copy src "nfs://127.0.0.1$TRASH/export/d?version=4" 2>err &&
	echo "extnfs copy: '\''nfs://127.0.0.1$TRASH/export/d?version=4'\'': NFSv4 is not supported (libnfs 4.0 speaks NFSv3 here): use version=3" >expect &&
	test_cmp expect err &&
	test ! -e export/d
'

test_expect_success GANESHA 'a server that does not answer, a path that is not exported' '
	test_expect_code 3 extnfs copy src "nfs://127.0.0.1$TRASH/export/d?nfsport=1&mountport=1&timeout=2" 2>err &&
	grep "^extnfs copy: cannot open destination .*: NFS server '\''127.0.0.1'\'' did not answer within 2 s (timeout=2 in the URL): " err &&
	test_expect_code 3 extnfs copy src "$(nfs_url nonexport/d)" 2>err &&
	grep "cannot mount '\''$TRASH/nonexport/d'\'' (or a directory above it) from NFS server '\''127.0.0.1'\'': .*MNT3ERR_ACCES" err &&
	test ! -e export/d
'

test_expect_success GANESHA 'guards: an empty source and too many deletions change nothing over NFS' '
	mkdir empty &&
	test_expect_code 4 extnfs copy --delete empty "$(nfs_url export/g)" &&
	test ! -e export/g &&
	mkdir -p big && for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i >big/f$i; done &&
	extnfs copy big "$(nfs_url export/g)" &&
	rm big/f1 big/f2 big/f3 &&
	tree_state export/g >before &&
	test_expect_code 4 extnfs copy --delete big "$(nfs_url export/g)" 2>err &&
	grep "refusing to delete 3 of 12 entries under '\''$(nfs_url export/g)'\'' (limit 1, 10 %); nothing was changed" err &&
	tree_state export/g >after &&
	compare_states before after &&
	extnfs copy --delete --force big "$(nfs_url export/g)" &&
	compare_trees $NFS_CMP big export/g
'

test_expect_success GANESHA 'manifest: a no-change run does not read the NFS tree; --verify does' '
	extnfs --json copy src "$(nfs_url export/m)" >out &&
	grep "\"walked_destination\": true" out &&
	echo behind-our-back >export/m/a/f &&
	extnfs --json copy src "$(nfs_url export/m)" >out &&
	grep "\"walked_destination\": false" out &&
	grep "\"created\": 0" out && grep "\"updated\": 0" out &&
	echo behind-our-back >expect && test_cmp expect export/m/a/f &&
	extnfs --json copy --verify src "$(nfs_url export/m)" >out &&
	grep "\"walked_destination\": true" out &&
	grep "\"updated\": 1" out &&
	compare_trees $NFS_CMP src export/m
'

test_done
