#!/bin/sh
# Version mismatch between the MN and an SN's agent, over ssh, detected
# on both ends: an agent of another version (its hello says so) and a
# request from another version (the agent refuses it). The SN's jobs
# fail naming both versions and the host; the other SN is synced.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

V=$(extnfs --version | awk "{print \$2}")

test_expect_success SSHD 'setup: sshd, model, SN trees, an extnfs of another version on sn2' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	mkdir ext &&
	# what an older extnfs on the SN answers: its hello, then it reads the request
	cat >old-extnfs <<-\EOF &&
	#!/bin/sh
	echo "{\"type\":\"hello\",\"version\":\"0.0.1\",\"protocol\":1,\"host\":\"sn2\"}"
	cat >/dev/null
	EOF
	chmod +x old-extnfs &&
	{ ssh_conf_host sn1 && ssh_conf_host sn2 "extnfs=$TRASH/old-extnfs" &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\n"; } >extnfs.conf
'

test_expect_success SSHD 'an agent of another version: the MN refuses it, sn2 fails, sn1 is synced' '
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 6 ok, 0 skipped, 6 failed; " out &&
	grep "^failed: " out | sed "s/^failed:  sn2 [^:]*: //" | sort -u >got &&
	echo "version mismatch: sn2 runs extnfs 0.0.1, this is extnfs $V" >want &&
	test_cmp want got &&
	test $(grep -c "^failed:  sn2 " out) = 6 &&
	test -f ext/install/nim/spot/71Bcosi/usr/bin/ls &&
	test ! -e ext/install/nim/spot/71Bsr
'

test_expect_success SSHD 'a request from another version: the agent refuses it, naming both and its host' '
	# an MN of another version, as seen by a real agent on sn2
	{ ssh_conf_host sn1 &&
	  ssh_conf_host sn2 "extnfs=sed s/$V/0.0.1/ | $EXTNFS_BIN --db $TRASH/sn2-state.db" &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\n"; } >extnfs.conf &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^failed: " out | sed "s/^failed:  sn2 [^:]*: //" | sort -u >got &&
	echo "version mismatch: the request comes from extnfs 0.0.1, the agent on '"'"'$(uname -n)'"'"' is extnfs $V" >want &&
	test_cmp want got &&
	test ! -e ext/install/nim/spot/71Bsr
'

test_expect_success SSHD 'with the same version on both ends the sync goes through' '
	{ ssh_conf_host sn1 && ssh_conf_host sn2 &&
	  printf "[server extnfs1]\ndest = $TRASH/ext\n"; } >extnfs.conf &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived ext
'

test_done
