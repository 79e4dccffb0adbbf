#!/bin/sh
# plan --format script: the rsync commands are a correct manual procedure,
# where the commands of xCAT's document lose the first SN's nodes.
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-cluster.sh"

test_expect_success 'setup: model, two SN trees, an empty destination, the configuration' '
	import_sample &&
	make_sn_trees &&
	mkdir ext &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	transport = local
	root = $TRASH/sn1
	[host sn2]
	transport = local
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	EOF
'

test_expect_success 'the plan script fills the destination from both SNs' '
	extnfs --config extnfs.conf plan --format script >sync.sh &&
	sh sync.sh &&
	check_all_arrived ext
'

test_expect_success 'it copies nothing it should not: cn002, other nodes, look-alike names' '
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	test ! -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn0031
'

test_expect_success 'running it again keeps every node (scoped deletes)' '
	sh sync.sh && check_all_arrived ext
'

test_expect_success 'a file removed on its SN goes from the server, nothing else does' '
	rm sn2/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn008 &&
	sh sync.sh &&
	test ! -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn008 &&
	test -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/niminfo.cn008 &&
	test -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn003 &&
	mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn008 "resolv cn008" &&
	sh sync.sh && check_all_arrived ext
'

test_expect_success 'an emptied SN directory stops the script; the copy stays' '
	mv sn2/install/nim/root/71Bcosi_root/cn005 cn005.away &&
	mkdir sn2/install/nim/root/71Bcosi_root/cn005 &&
	test_must_fail sh sync.sh 2>err &&
	grep "source .*sn2/install/nim/root/71Bcosi_root/cn005. is missing or empty: not synced" err &&
	echo "motd cn005" >want && test_cmp want ext/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	rmdir sn2/install/nim/root/71Bcosi_root/cn005 && mv cn005.away sn2/install/nim/root/71Bcosi_root/cn005
'

test_expect_success 'the rsync commands of the xCAT document lose the first SN nodes' '
	mkdir xdoc &&
	for sn in sn1 sn2; do
		mkdir -p xdoc/install/nim/root/71Bcosi_root xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data &&
		rsync -az --delete $sn/install/nim/root/71Bcosi_root/ xdoc/install/nim/root/71Bcosi_root/ &&
		rsync -az --delete $sn/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/ \
			xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/ || return 1
	done &&
	test -e xdoc/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	test ! -e xdoc/install/nim/root/71Bcosi_root/cn001 &&
	test -e xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn007 &&
	test ! -e xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn003
'

test_expect_success 'the script names ssh hosts and remote servers correctly' '
	cat >ssh.conf <<-\EOF &&
	[host sn1]
	transport = ssh
	address = 192.0.2.11
	[server extnfs1]
	dest = ssh://192.0.2.50/
	EOF
	extnfs --config ssh.conf plan --format script cn001 >s.sh &&
	grep "^ssh -o BatchMode=yes '"'"'192.0.2.11'"'"' " s.sh >line &&
	grep "192.0.2.50:/install/nim/root/71Bcosi_root/cn001/" line &&
	sh -n s.sh
'

test_done
