#!/bin/sh
# check (static): after a local apply every node is ok; each fault injected
# on the server or an SN is reported for exactly the nodes it affects, in
# words that say what to do; exit 6 when a node would not boot.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-check.sh"

R=/install/nim/root/71Bcosi_root
Q="'"

# failures OUT: the FAILED lines of a check's output
failures() { grep ": FAILED: " "$1"; }

test_expect_success GANESHA 'setup: the sample cluster applied into a local Ganesha' '
	import_sample &&
	check_setup &&
	cp ext.conf ext.conf.applied
'

test_expect_success GANESHA 'after apply every moved node is ok; the others are said to stay' '
	extnfs --config extnfs.conf check >out 2>err &&
	for n in cn001 cn003 cn004 cn005 cn006 cn007 cn008; do echo "$n: ok"; done >want &&
	grep ": ok$" out >got && test_cmp want got &&
	grep "^cn002: left on its SN: nfsserver is its service node .sn1.$" out &&
	tail -n 1 out >got && echo "check: 7 node(s): 7 ok, 0 failed, 0 not checked" >want && test_cmp want got &&
	test ! -s err
'

test_expect_success GANESHA 'an export missing a node: only that node fails, exit 6' '
	test_when_finished "cp ext.conf.applied ext.conf" &&
	without_client ext.conf 10.1.0.4 /spot/71Bsl/usr &&
	! cmp ext.conf ext.conf.applied &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn004: FAILED: extnfs1${Q}s export of spot /install/nim/spot/71Bsl/usr does not let cn004 (10.1.0.4) mount it (run ${Q}extnfs exports --apply${Q})
	EOF
	test_cmp want got &&
	tail -n 1 out >got && echo "check: 7 node(s): 6 ok, 1 failed, 0 not checked" >want && test_cmp want got
'

test_expect_success GANESHA 'a root directory deleted on the server: only its node fails' '
	test_when_finished "mv cn005.away ext$R/cn005" &&
	mv ext$R/cn005 cn005.away &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn005: FAILED: root $R/cn005 is missing on extnfs1 (run ${Q}extnfs sync cn005${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'a statemnt directory with the wrong owner: only its node fails' '
	test_when_finished "chown 0:0 ext/stateliteroot/cn007" &&
	chown 1000:1000 ext/stateliteroot/cn007 &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn007: FAILED: statemnt directory /stateliteroot/cn007 on extnfs1 is owned by 1000:1000, not 0:0 (run ${Q}chown 0:0 /stateliteroot/cn007${Q} on extnfs1)
	EOF
	test_cmp want got &&
	# a noderange without cn007 is not troubled by it
	extnfs --config extnfs.conf check cn001,cn008 >out &&
	printf "cn001: ok\ncn008: ok\ncheck: 2 node(s): 2 ok, 0 failed, 0 not checked\n" >want &&
	test_cmp want out
'

test_expect_success GANESHA 'a node given another node'"'"'s root: both nodes fail' '
	test_when_finished "cp ext.conf.applied ext.conf" &&
	sed -i "s/Clients = 10.1.0.1;/Clients = 10.1.0.1, 10.1.0.3;/" ext.conf &&
	! cmp ext.conf ext.conf.applied &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: its root $R/cn001 is also exported to cn003 (10.1.0.3) (run ${Q}extnfs exports --apply${Q})
	cn003: FAILED: can also mount cn001${Q}s root $R/cn001 (granted to 10.1.0.3), which is not planned (run ${Q}extnfs exports --apply${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'read-only where the node writes, and root squashed: told apart' '
	test_when_finished "cp ext.conf.applied ext.conf" &&
	in_export ext.conf /stateliteroot/cn008 "Access_Type = RW;" "Access_Type = RO;" &&
	in_export ext.conf /statelite/litetree/cn003 "Squash = No_Root_Squash;" "Squash = Root_Squash;" &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn003: FAILED: extnfs1 squashes root on litetree /statelite/litetree/cn003 for cn003 (10.1.0.3), who needs root access (run ${Q}extnfs exports --apply${Q})
	cn008: FAILED: extnfs1 exports statemnt /stateliteroot/cn008 read-only to cn008 (10.1.0.8), who must write there (run ${Q}extnfs exports --apply${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'metadata-only access (MDONLY) counts as none' '
	test_when_finished "cp ext.conf.applied ext.conf" &&
	in_export ext.conf /spot/71Bsr/usr "Access_Type = RO;" "Access_Type = MDONLY;" &&
	! cmp ext.conf ext.conf.applied &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn006: FAILED: extnfs1${Q}s export of spot /install/nim/spot/71Bsr/usr does not let cn006 (10.1.0.6) mount it (run ${Q}extnfs exports --apply${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'an SN copy changed after sync: drift for its node only' '
	echo "motd cn005 v2" >sn2$R/cn005/etc/motd &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn005: FAILED: drift: root $R/cn005 changed on sn2 since the last sync: ${Q}etc/motd${Q}: size 14 on sn2, 11 on extnfs1 (run ${Q}extnfs sync cn005${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'a sync ends the drift' '
	extnfs --config extnfs.conf sync cn005 >/dev/null &&
	extnfs --config extnfs.conf check >out &&
	! grep FAILED out
'

test_expect_success GANESHA 'a server copy changed after sync is not called drift' '
	test_when_finished "extnfs --config extnfs.conf sync --verify cn001 >/dev/null" &&
	echo tampered >ext$R/cn001/etc/motd &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: root $R/cn001 changed on extnfs1 since the last sync: ${Q}etc/motd${Q}: size 11 on sn1, 9 on extnfs1 (run ${Q}extnfs sync --verify cn001${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA '--deep finds a change that keeps size and time' '
	f=ext/install/nim/spot/71Bcosi/usr/bin/ls &&
	test_when_finished "extnfs --config extnfs.conf sync --verify cn001 >/dev/null" &&
	t=$(stat -c %Y $f) && printf "LS 71Bcosi\n" >$f && touch -d @$t $f &&
	extnfs --config extnfs.conf check >out &&
	test_expect_code 6 extnfs --config extnfs.conf check --deep >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: spot /install/nim/spot/71Bcosi/usr on extnfs1 differs from sn1${Q}s copy: ${Q}bin/ls${Q}: content differs between sn1 and extnfs1 (run ${Q}extnfs sync --verify cn001${Q})
	cn005: FAILED: spot /install/nim/spot/71Bcosi/usr on extnfs1 differs from sn1${Q}s copy: ${Q}bin/ls${Q}: content differs between sn1 and extnfs1 (run ${Q}extnfs sync --verify cn005${Q})
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'a redirect undone on the SN is reported for its node' '
	test_when_finished "extnfs --config extnfs.conf redirect cn006 >/dev/null && extnfs --config extnfs.conf sync cn006 >/dev/null" &&
	extnfs --config extnfs.conf redirect --undo cn006 >/dev/null &&
	test_expect_code 6 extnfs --config extnfs.conf check cn006 >out &&
	grep "^cn006: FAILED: sn2:/tftpboot/10.1.0.6.info (info) does not point at the NFS server yet (run ${Q}extnfs redirect${Q})$" out &&
	! grep -v "^cn006: \|^note: \|^check: " out
'

test_expect_success GANESHA 'the server name resolving elsewhere in the served hosts file' '
	test_when_finished "extnfs --config extnfs.conf sync --verify cn001 >/dev/null" &&
	sed -i "s/^10.0.0.50 extnfs1/10.0.0.99 extnfs1/" ext$R/cn001/etc/hosts &&
	test_expect_code 6 extnfs --config extnfs.conf check cn001 >out &&
	grep "^cn001: FAILED: $R/cn001/etc/hosts as served by extnfs1 does not map extnfs1 to 10.0.0.50, the address in hosts.ip (run ${Q}extnfs redirect${Q} then ${Q}extnfs sync --verify cn001${Q})$" out
'

test_expect_success GANESHA '--json: one object per node, the summary, exit 6' '
	test_when_finished "chown 0:0 ext/stateliteroot/cn004" &&
	chown 1:1 ext/stateliteroot/cn004 &&
	test_expect_code 6 extnfs --config extnfs.conf --json check >out.json &&
	python3 -c "
import json
j = json.load(open(\"out.json\"))
assert j[\"summary\"] == {\"nodes\": 7, \"ok\": 6, \"failed\": 1, \"unknown\": 0}, j[\"summary\"]
bad = [n for n in j[\"nodes\"] if n[\"state\"] != \"ok\"]
assert [n[\"node\"] for n in bad] == [\"cn004\"], bad
assert bad[0][\"problems\"][0][\"check\"] == \"statelite\"
assert bad[0][\"problems\"][0][\"severity\"] == \"fail\"
assert [s[\"node\"] for s in j[\"skipped\"]] == [\"sn1\", \"sn2\", \"cn002\"], j[\"skipped\"]
"
'

test_expect_success 'a noderange naming no node is a usage error that names it' '
	test_expect_code 3 extnfs --config extnfs.conf check nosuch 2>err &&
	grep "no such nodes or groups: nosuch" err
'

test_done
