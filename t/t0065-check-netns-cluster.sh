#!/bin/sh
# check --probe in the namespace cluster (t/lib-netns-cluster.sh): eight
# nodes, each in its own network namespace at its own address, the server
# running Ganesha in another, the SNs over ssh. After apply every moved
# node passes (probed from its namespace through probe_exec); each fault
# injected on the server is reported for exactly the nodes it affects; and
# the failover drill: with SN1's services stopped, its nodes still pass,
# because everything they mount is on the external server.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-netns-cluster.sh"
. "$TEST_DIRECTORY/lib-check.sh"

Q="'"
SRV="$TRASH/srv"
R=/install/nim/root/71Bcosi_root
MOVED="cn001 cn003 cn004 cn005 cn006 cn007 cn008"

# failures OUT: the FAILED lines of a check's output
failures() { grep ": FAILED: " "$1"; }
reload() { netns_nfs_reload srv && sleep 1; }

test_expect_success NETNS 'setup: the cluster, redirected, applied; probes run in the nodes'"'"' namespaces' '
	netns_cluster_setup &&
	# cn002 stays on sn1: its client files, and sn1'"'"'s NFS stand-in serving it
	node_files sn1 cn002 $NETNS_NET.102 root &&
	cat >sn1-exports.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$R/cn002"; Pseudo = "$R/cn002"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = $NETNS_NET.102; Access_Type = RW; Squash = No_Root_Squash; } }
	EXPORT { Export_Id = 2; Path = "/install/nim/spot/71Bcosi/usr"; Pseudo = "/install/nim/spot/71Bcosi/usr";
		Access_Type = None; FSAL { Name = VFS; }
		CLIENT { Clients = $NETNS_NET.102; Access_Type = RO; Squash = No_Root_Squash; } }
	EOF
	netns_nfs_start sn1 "$TRASH/sn1-exports.conf" &&
	# redirect over ssh comes with the agent: edit the SNs files here
	# through a local view of their trees, as the agent will on the SNs
	cat >local.conf <<-EOF &&
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	EOF
	extnfs --config local.conf redirect >out &&
	grep "^21 file(s) changed" out &&
	{ mn extnfs --config extnfs.conf apply >apply.out 2>apply.err || :; } &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed" apply.out &&
	grep "^extnfs1: exports written and reloaded$" apply.out &&
	{ echo "[global]"; echo "probe_exec = ip netns exec $(netns_name X) " | sed "s/-X /-%n/"; cat extnfs.conf; } >c &&
	mv c extnfs.conf &&
	grep "^probe_exec = ip netns exec $NETNS_PREFIX-%n$" extnfs.conf &&
	cp "$NETNS_EXPORTS" exports.applied
'

test_expect_success NETNS 'after apply every node passes: the moved ones, and cn002 as sn1 serves it' '
	mn extnfs --config extnfs.conf check --probe >out 2>err &&
	for n in $MOVED cn002; do echo "$n: ok"; done >want &&
	grep ": ok$" out >got &&
	test_cmp want got &&
	grep "^cn002: left on its SN: nfsserver is its service node ${Q}sn1${Q}$" out &&
	grep "^check --probe: 8 node(s): 8 ok, 0 failed, 0 not checked$" out &&
	# without --probe, cn002 is only said to stay
	mn extnfs --config extnfs.conf check >out &&
	grep "^check: 7 node(s): 7 ok, 0 failed, 0 not checked$" out
'

test_expect_success NETNS 'an export missing a node: that node fails, statically and over NFS' '
	test_when_finished "cp exports.applied \"$NETNS_EXPORTS\" && reload" &&
	without_client "$NETNS_EXPORTS" $NETNS_NET.104 /spot/71Bsl/usr &&
	! cmp "$NETNS_EXPORTS" exports.applied &&
	reload &&
	test_expect_code 6 mn extnfs --config extnfs.conf check --probe >out &&
	failures out | sed "s/(spot): .*MNT3ERR_ACCES.*/(spot): MNT3ERR_ACCES/" >got &&
	cat >want <<-EOF &&
	cn004: FAILED: extnfs1${Q}s export of spot /install/nim/spot/71Bsl/usr does not let cn004 ($NETNS_NET.104) mount it (run ${Q}extnfs exports --apply${Q})
	cn004: FAILED: cannot mount extnfs1:/install/nim/spot/71Bsl/usr (spot): MNT3ERR_ACCES
	EOF
	test_cmp want got
'

test_expect_success NETNS 'a root directory deleted on the server: only its node fails' '
	test_when_finished "mv cn005.away $SRV$R/cn005" &&
	mv $SRV$R/cn005 cn005.away &&
	test_expect_code 6 mn extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn005: FAILED: root $R/cn005 is missing on extnfs1 (run ${Q}extnfs sync cn005${Q})
	EOF
	test_cmp want got
'

test_expect_success NETNS 'a statemnt directory with the wrong owner: only its node fails' '
	test_when_finished "chown 0:0 $SRV/stateliteroot/cn007" &&
	chown 1000:1000 $SRV/stateliteroot/cn007 &&
	test_expect_code 6 mn extnfs --config extnfs.conf check --probe >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn007: FAILED: statemnt directory /stateliteroot/cn007 on extnfs1 is owned by 1000:1000, not 0:0 (run ${Q}chown 0:0 /stateliteroot/cn007${Q} on extnfs1)
	EOF
	test_cmp want got
'

test_expect_success NETNS 'a node given another node'"'"'s root: both fail; the probe mounts it from cn003' '
	test_when_finished "cp exports.applied \"$NETNS_EXPORTS\" && reload" &&
	in_export "$NETNS_EXPORTS" $R/cn001 "Clients = $NETNS_NET.101," "Clients = $NETNS_NET.101, $NETNS_NET.103," &&
	! cmp "$NETNS_EXPORTS" exports.applied &&
	reload &&
	test_expect_code 6 mn extnfs --config extnfs.conf check --probe >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: its root $R/cn001 is also exported to cn003 ($NETNS_NET.103) (run ${Q}extnfs exports --apply${Q})
	cn003: FAILED: can also mount cn001${Q}s root $R/cn001 (granted to $NETNS_NET.103), which is not planned (run ${Q}extnfs exports --apply${Q})
	cn003: FAILED: could mount cn001${Q}s root extnfs1:$R/cn001, which must refuse it
	EOF
	test_cmp want got
'

test_expect_success NETNS 'an SN copy changed after sync: drift for its node, in check and status' '
	echo "motd cn005, changed on sn2" >sn2$R/cn005/etc/motd &&
	test_expect_code 6 mn extnfs --config extnfs.conf check >out &&
	failures out >got &&
	cat >want <<-EOF &&
	cn005: FAILED: drift: root $R/cn005 changed on sn2 since the last sync: ${Q}etc/motd${Q}: size 27 on sn2, 11 on extnfs1 (run ${Q}extnfs sync cn005${Q})
	EOF
	test_cmp want got &&
	test_expect_code 1 mn extnfs --config extnfs.conf status >st &&
	grep " yes: " st >got &&
	test $(wc -l <got) = 1 &&
	grep "^root  *$R/cn005  *extnfs1  *sn2  .* UTC yes: ${Q}etc/motd${Q}: size 27 on sn2, 11 on extnfs1$" got &&
	# the next sync (over ssh) ends it
	{ mn extnfs --config extnfs.conf sync >/dev/null || :; } &&
	mn extnfs --config extnfs.conf check cn005 >out &&
	grep "^cn005: ok$" out
'

test_expect_success NETNS 'failover drill: SN1 down, its moved nodes still pass, cn002 (left on it) fails' '
	test_when_finished "netns_sshd_start sn1" &&
	netns_stop sn1 &&
	test_expect_code 1 mn extnfs --config extnfs.conf status >st &&
	grep "^sn1  *unreachable: ${Q}ssh $NETNS_NET.11 true${Q} failed (exit 255)$" st &&
	grep "^sn2  *reachable (ssh $NETNS_NET.12)$" st &&
	test_expect_code 6 mn extnfs --config extnfs.conf check --probe sn1nodes >out &&
	grep -v "^note: " out | sed "s/ (spot): .*/ (spot): .../; s/ (root): .*/ (root): .../" >got &&
	cat >want <<-EOF &&
	cn001: ok
	cn003: ok
	cn004: ok
	cn002: FAILED: cannot mount sn1:$R/cn002 (root): ...
	cn002: FAILED: cannot mount sn1:/install/nim/spot/71Bcosi/usr (spot): ...
	cn002: left on its SN: nfsserver is its service node ${Q}sn1${Q}
	check --probe: 4 node(s): 3 ok, 1 failed, 0 not checked
	EOF
	test_cmp want got
'

test_done
