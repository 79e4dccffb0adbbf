#!/bin/sh
# sync over the ssh transport: both SNs are ssh hosts (a real sshd on
# loopback); each runs 'extnfs agent' through ssh, which copies with the
# engine. The trees arrive exactly, a second sync changes nothing, a
# change on an SN travels, and the agents kept their manifests on their
# side (their own databases).
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

test_expect_success SSHD 'setup: sshd, model, SN trees, configuration with ssh hosts' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	transport = ssh
	address = 127.0.0.1
	ssh = $SSH_CMD
	extnfs = $EXTNFS_BIN --db $TRASH/sn1-state.db
	root = $TRASH/sn1
	[host sn2]
	transport = ssh
	address = 127.0.0.1
	user = root
	ssh = $SSH_CMD
	extnfs = $EXTNFS_BIN --db $TRASH/sn2-state.db
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	EOF
'

test_expect_success SSHD 'sync over ssh fills the server from both SNs, exactly' '
	extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived ext &&
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	test ! -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn0031 &&
	compare_trees sn1/install/nim/spot/71Bcosi/usr ext/install/nim/spot/71Bcosi/usr &&
	compare_trees sn2/install/nim/root/71Bcosi_root/cn005 ext/install/nim/root/71Bcosi_root/cn005 &&
	compare_trees sn2/install/nim/spot/71Bsr/usr ext/install/nim/spot/71Bsr/usr &&
	compare_trees sn1/install/nim/shared_root/71Bsl_shared_root/sbin \
		ext/install/nim/shared_root/71Bsl_shared_root/sbin
'

test_expect_success SSHD 'the agents ran on the SN side: their manifests are in their own databases' '
	test -s sn1-state.db && test -s sn2-state.db &&
	sqlite3 sn1-state.db "select count(*) from manifest" >n1 &&
	test "$(cat n1)" -gt 0 &&
	sqlite3 sn2-state.db "select count(*) from manifest where root like \"%cn005\"" >n2 &&
	test "$(cat n2)" -gt 0 &&
	sqlite3 extnfs.db "select count(*) from manifest" >n0 &&
	test "$(cat n0)" = 0
'

test_expect_success SSHD 'the per-SN summary lists hosts and resources (ok, skipped, failed)' '
	awk "NF == 6 {print \$1, \$2, \$3, \$4, \$5}" out >got &&
	cat >want <<-EOF &&
	HOST RESOURCE OK SKIPPED FAILED
	sn1 client_data 2 0 0
	sn1 root 1 0 0
	sn1 shared_root 1 0 0
	sn1 spot 2 0 0
	sn2 client_data 3 0 0
	sn2 root 1 0 0
	sn2 shared_root 1 0 0
	sn2 spot 1 0 0
	EOF
	test_cmp want got
'

test_expect_success SSHD 'a second sync over ssh changes nothing, not even times' '
	find ext -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >before &&
	sleep 1 &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	find ext -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >after &&
	test_cmp before after
'

test_expect_success SSHD 'a change on an SN travels over ssh, only that' '
	echo "motd cn005 v2" >sn2/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	echo "resolv cn007 v2" >sn2/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn007 &&
	extnfs --json --config extnfs.conf sync >out.json &&
	echo "motd cn005 v2" >want && test_cmp want ext/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	echo "resolv cn007 v2" >want &&
	test_cmp want ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn007 &&
	jq -r ".jobs[] | select(.changes > 0) | \"\(.host) \(.kind) \(.path) \(.changes)\"" out.json | sort >got &&
	cat >want <<-EOF &&
	sn2 client_data /install/nim/shared_root/71Bsl_shared_root/etc/.client_data 1
	sn2 root /install/nim/root/71Bcosi_root/cn005 1
	EOF
	test_cmp want got &&
	f=install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn007 &&
	stat -c "%Y.%y %a %s" sn2/$f >want && stat -c "%Y.%y %a %s" ext/$f >got &&
	test_cmp want got
'

test_expect_success SSHD 'the shared .client_data directory keeps the shared_root job'"'"'s times' '
	d=install/nim/shared_root/71Bsl_shared_root/etc/.client_data &&
	stat -c "%Y.%y %a" sn1/$d >want && stat -c "%Y.%y %a" ext/$d >got &&
	test_cmp want got
'

test_expect_success SSHD 'a change made on the server behind extnfs'"'"'s back: sync --verify repairs it' '
	f=ext/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	echo "edited on the server" >$f &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	extnfs --config extnfs.conf sync --verify >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 1 change(s)$" out &&
	test_cmp sn2/install/nim/root/71Bcosi_root/cn005/etc/motd $f
'

test_expect_success SSHD 'sync --dry-run over ssh reports and changes nothing' '
	echo new >sn1/install/nim/spot/71Bcosi/usr/bin/new &&
	find ext -exec stat -c "%n %Y.%y %a" {} + | sort >before &&
	extnfs --config extnfs.conf sync --dry-run >out &&
	grep "^sync (dry run): 12 job(s): 12 ok, 0 skipped, 0 failed; [1-9]" out &&
	find ext -exec stat -c "%n %Y.%y %a" {} + | sort >after &&
	test_cmp before after &&
	rm sn1/install/nim/spot/71Bcosi/usr/bin/new
'

test_expect_success SSHD 'status reaches the ssh SNs the way sync does (their ssh command, their root=) and sees drift there' '
	extnfs --config extnfs.conf status >out &&
	grep "^sn1 *reachable (ssh 127.0.0.1)$" out &&
	grep "^sn2 *reachable (ssh 127.0.0.1)$" out &&
	grep "^status: 12 tree(s): 12 synced, 0 drifted; 2 SN(s): 2 reachable$" out &&
	echo "motd cn005 drifted" >sn2/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	extnfs --config extnfs.conf status >out ;
	grep "^status: 12 tree(s): 12 synced, 1 drifted; 2 SN(s): 2 reachable$" out
'

test_done
