#!/bin/sh
# plan --format script: the rsync commands are a correct manual procedure,
# where the commands of xCAT's document lose the first SN's nodes.
. "$(dirname "$0")/test-lib.sh"

S="$FIXTURES/sample-cluster"

# mkfile SNROOT PATH CONTENT
mkfile() { mkdir -p "$(dirname "$1$2")" && printf "%s\n" "$3" >"$1$2"; }

test_expect_success 'setup: model, two SN trees, an empty destination, the configuration' '
	extnfs import "$S/tables" &&
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt" &&
	for sn in sn1 sn2; do
		for img in 71Bcosi 71Bsl; do
			mkfile $sn /install/nim/spot/$img/usr/lib/boot/unix_64 "kernel $img" &&
			mkfile $sn /install/nim/spot/$img/usr/bin/ls "ls $img" || return 1
		done
	done &&
	mkfile sn2 /install/nim/spot/71Bsr/usr/lib/boot/unix_64 "kernel 71Bsr" &&
	mkfile sn1 /install/nim/root/71Bcosi_root/cn001/etc/filesystems "fs cn001" &&
	mkfile sn1 /install/nim/root/71Bcosi_root/cn002/etc/filesystems "fs cn002" &&
	mkfile sn2 /install/nim/root/71Bcosi_root/cn005/etc/filesystems "fs cn005" &&
	for sn in sn1 sn2; do
		mkfile $sn /install/nim/shared_root/71Bsl_shared_root/sbin/init "init 71Bsl" || return 1
	done &&
	mkfile sn2 /install/nim/shared_root/71Bsr_shared_root/sbin/init "init 71Bsr" &&
	for n in cn003 cn004; do
		mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.$n "hosts $n" &&
		mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/filesystems.$n "fs $n" || return 1
	done &&
	mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn0031 "not cn003" &&
	for n in cn007 cn008; do
		mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.$n "hosts $n" &&
		mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/filesystems.$n "fs $n" || return 1
	done &&
	mkfile sn2 /install/nim/shared_root/71Bsr_shared_root/etc/.client_data/hosts.cn006 "hosts cn006" &&
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

# every node gets its own files; everything the plan copies is there
check_all_arrived() { # destination root
	for f in \
		"spot/71Bcosi/usr/lib/boot/unix_64:kernel 71Bcosi" \
		"spot/71Bsl/usr/bin/ls:ls 71Bsl" \
		"spot/71Bsr/usr/lib/boot/unix_64:kernel 71Bsr" \
		"root/71Bcosi_root/cn001/etc/filesystems:fs cn001" \
		"root/71Bcosi_root/cn005/etc/filesystems:fs cn005" \
		"shared_root/71Bsl_shared_root/sbin/init:init 71Bsl" \
		"shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn003:hosts cn003" \
		"shared_root/71Bsl_shared_root/etc/.client_data/filesystems.cn004:fs cn004" \
		"shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn007:hosts cn007" \
		"shared_root/71Bsl_shared_root/etc/.client_data/filesystems.cn008:fs cn008" \
		"shared_root/71Bsr_shared_root/etc/.client_data/hosts.cn006:hosts cn006"
	do
		echo "${f#*:}" >want &&
		test_cmp want "$1/install/nim/${f%%:*}" || return 1
	done
}

test_expect_success 'the plan script fills the destination from both SNs' '
	extnfs --config extnfs.conf plan --format script >sync.sh &&
	sh sync.sh &&
	check_all_arrived ext
'

test_expect_success 'it copies nothing it should not: cn002, other nodes, look-alike names' '
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	test ! -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn0031
'

test_expect_success 'running it again keeps every node (scoped deletes)' '
	sh sync.sh && check_all_arrived ext
'

test_expect_success 'a file removed on its SN goes from the server, nothing else does' '
	rm sn2/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn008 &&
	sh sync.sh &&
	test ! -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn008 &&
	test -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/filesystems.cn008 &&
	test -e ext/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn003 &&
	mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn008 "hosts cn008" &&
	sh sync.sh && check_all_arrived ext
'

test_expect_success 'an emptied SN directory stops the script; the copy stays' '
	mv sn2/install/nim/root/71Bcosi_root/cn005 cn005.away &&
	mkdir sn2/install/nim/root/71Bcosi_root/cn005 &&
	test_must_fail sh sync.sh 2>err &&
	grep "source .*sn2/install/nim/root/71Bcosi_root/cn005. is missing or empty: not synced" err &&
	echo "fs cn005" >want && test_cmp want ext/install/nim/root/71Bcosi_root/cn005/etc/filesystems &&
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
	test -e xdoc/install/nim/root/71Bcosi_root/cn005/etc/filesystems &&
	test ! -e xdoc/install/nim/root/71Bcosi_root/cn001 &&
	test -e xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn007 &&
	test ! -e xdoc/install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn003
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
