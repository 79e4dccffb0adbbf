#!/bin/sh
# An SN's source emptied or gone, over ssh: the guard refuses the job
# (skipped, never synced) and the server copy that nodes use stays
# intact, file by file; the other jobs run. A mass deletion on an SN is
# refused by the engine's deletion guard, the server copy intact too.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

R=install/nim/root/71Bcosi_root/cn005

test_expect_success SSHD 'setup: sshd, model, SN trees, a first sync over ssh' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	{ ssh_conf_host sn1 && ssh_conf_host sn2 &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\nexports_file = $TRASH/ext.exports\nreload = none\n"; } >extnfs.conf &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	tree_state ext >ext.before
'

test_expect_success SSHD 'an emptied source on sn2: skipped with the reason, the server copy intact' '
	mv sn2/$R cn005.away && mkdir sn2/$R &&
	test_when_finished "rmdir sn2/$R && mv cn005.away sn2/$R" &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 11 ok, 1 skipped, 0 failed; 0 change(s)$" out &&
	grep "^skipped" out >got &&
	echo "skipped: sn2 /$R: source '"'"'$TRASH/sn2/$R'"'"' is missing or empty: not synced" >want &&
	test_cmp want got &&
	tree_state ext >ext.after &&
	test_cmp ext.before ext.after
'

test_expect_success SSHD 'a missing source on sn2: the same' '
	mv sn2/$R cn005.away &&
	test_when_finished "mv cn005.away sn2/$R" &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^skipped" out >got &&
	echo "skipped: sn2 /$R: source '"'"'$TRASH/sn2/$R'"'"' is missing or empty: not synced" >want &&
	test_cmp want got &&
	tree_state ext >ext.after &&
	test_cmp ext.before ext.after
'

test_expect_success SSHD 'apply with an emptied source leaves the exports alone' '
	mv sn2/$R cn005.away && mkdir sn2/$R &&
	test_when_finished "rmdir sn2/$R && mv cn005.away sn2/$R" &&
	echo "# the exports before" >ext.exports && cp ext.exports exports.before &&
	test_expect_code 1 extnfs --config extnfs.conf apply >out 2>err &&
	grep "^extnfs apply: some trees did not sync: exports left as they are$" err &&
	test_cmp exports.before ext.exports &&
	echo "motd cn005" >want && test_cmp want ext/$R/etc/motd
'

SP=install/nim/spot/71Bcosi/usr

test_expect_success SSHD 'a mass deletion on an SN is refused by the deletion guard; the copy stays' '

	for i in 1 2 3 4 5 6 7 8 9 10; do echo $i >sn1/$SP/bin/f$i; done &&
	extnfs --config extnfs.conf sync >out &&
	tree_state ext >ext.before &&
	mv sn1/$SP/bin sn1.bin.away && mkdir sn1/$SP/bin &&
	test_when_finished "rmdir sn1/$SP/bin && mv sn1.bin.away sn1/$SP/bin" &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^failed: " out >got &&
	echo "failed:  sn1 /$SP: refusing to delete 11 of 15 entries under '"'"'$TRASH/ext/$SP'"'"' (limit 1, 10 %); nothing was changed: check the source, or use --max-delete or --force: not synced" >want &&
	test_cmp want got &&
	tree_state ext >ext.after &&
	test_cmp ext.before ext.after
'

test_expect_success SSHD 'the admin lets a wanted mass deletion through with --max-delete' '
	mv sn1/$SP/bin sn1.bin.away && mkdir sn1/$SP/bin &&
	test_when_finished "rmdir sn1/$SP/bin && mv sn1.bin.away sn1/$SP/bin" &&
	test_expect_code 2 extnfs --config extnfs.conf sync --max-delete 10x 2>err &&
	echo "extnfs sync: bad --max-delete '"'"'10x'"'"' (a count N or a percentage P%)" >want &&
	head -n 1 err >got && test_cmp want got &&
	test_expect_code 1 extnfs --config extnfs.conf sync --max-delete 10 >out &&
	test -f ext/$SP/bin/ls &&
	extnfs --config extnfs.conf sync --max-delete 11 >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 11 change(s)$" out &&
	test ! -e ext/$SP/bin/ls && test ! -e ext/$SP/bin/f1 && test -d ext/$SP/bin
'

test_done
