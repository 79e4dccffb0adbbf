#!/bin/sh
# An SN that cannot be reached (ssh to a port nobody listens on): its
# jobs fail with ssh's own reason, the other SN is synced, the exit
# status says some (1) or none (7); apply leaves the exports alone.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

test_expect_success SSHD 'setup: sshd, model, SN trees; sn2 behind a closed port' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	{ ssh_conf_host sn1 && ssh_conf_host sn2 "ssh=$(ssh_cmd $SSHD_CLOSED_PORT)" &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\nexports_file = $TRASH/ext.exports\nreload = none\n"; } >extnfs.conf
'

test_expect_success SSHD 'sn2 unreachable: its jobs fail with the reason, sn1 is synced, exit 1' '
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 6 ok, 0 skipped, 6 failed; " out &&
	grep "^failed: " out | sed "s/^failed:  sn2 [^:]*: //" | sort -u >got &&
	echo "cannot reach sn2 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused" >want &&
	test_cmp want got &&
	test $(grep -c "^failed:  sn2 " out) = 6 &&
	awk "\$1 == \"sn2\" && NF == 6 {print \$1, \$2, \$3, \$4, \$5}" out >got &&
	cat >want <<-EOF &&
	sn2 client_data 0 0 3
	sn2 root 0 0 1
	sn2 shared_root 0 0 1
	sn2 spot 0 0 1
	EOF
	test_cmp want got &&
	test -f ext/install/nim/root/71Bcosi_root/cn001/etc/motd &&
	test ! -e ext/install/nim/root/71Bcosi_root/cn005
'

test_expect_success SSHD 'the JSON report says the same per job' '
	test_expect_code 1 extnfs --json --config extnfs.conf sync >out.json &&
	jq -r ".jobs[] | \"\(.host) \(.state)\"" out.json | sort | uniq -c | awk "{print \$2, \$3, \$1}" >got &&
	printf "sn1 ok 6\nsn2 failed 6\n" >want &&
	test_cmp want got
'

test_expect_success SSHD 'apply with sn2 unreachable syncs sn1 and leaves the exports alone' '
	echo "# the exports before" >ext.exports && cp ext.exports exports.before &&
	test_expect_code 1 extnfs --config extnfs.conf apply >out 2>err &&
	grep "^sync: 12 job(s): 6 ok, 0 skipped, 6 failed; " out &&
	grep "^extnfs apply: some trees did not sync: exports left as they are$" err &&
	test_cmp exports.before ext.exports
'

test_expect_success SSHD 'both SNs unreachable: nothing synced, exit 7' '
	{ ssh_conf_host sn1 "ssh=$(ssh_cmd $SSHD_CLOSED_PORT)" &&
	  ssh_conf_host sn2 "ssh=$(ssh_cmd $SSHD_CLOSED_PORT)" &&
	  printf "[server extnfs1]\ndest = $TRASH/ext2\n"; } >extnfs.conf &&
	test_expect_code 7 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 0 ok, 0 skipped, 12 failed; 0 change(s)" out &&
	test ! -e ext2
'

test_expect_success SSHD 'sn2 reachable again: the next sync completes' '
	{ ssh_conf_host sn1 && ssh_conf_host sn2 &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\n"; } >extnfs.conf &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived ext
'

test_done
