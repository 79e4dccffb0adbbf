#!/bin/sh
# check --probe on loopback: a node whose hosts.ip is this host's address
# (127.0.0.1) is probed over NFS against a real Ganesha; the others are
# reported as not probed (their address is elsewhere); probe_exec runs
# each node's probe under a wrapper.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-check.sh"

Q="'"

test_expect_success GANESHA 'setup: cn001 lives at 127.0.0.1; applied into a local Ganesha' '
	import_sample &&
	extnfs chdef cn001 ip=127.0.0.1 >/dev/null &&
	extnfs nodels cn001 hosts.ip >got &&
	echo "cn001: 127.0.0.1" >want && test_cmp want got &&
	check_prepare &&
	rm sn1/tftpboot/10.1.0.1.info &&
	node_files sn1 cn001 127.0.0.1 root &&
	check_apply &&
	sleep 1 &&
	cp ext.conf ext.conf.applied
'

R=/install/nim/root/71Bcosi_root

test_expect_success GANESHA 'the probe passes for cn001 after apply' '
	extnfs --config extnfs.conf check --probe cn001 >out 2>err &&
	cat >want <<-EOF &&
	cn001: ok
	check --probe: 1 node(s): 1 ok, 0 failed, 0 not checked
	EOF
	test_cmp want out &&
	test ! -s err &&
	# the write probe cleaned up after itself
	test -z "$(find ext -name ".extnfs-probe*")"
'

test_expect_success GANESHA 'nodes whose address is elsewhere are not probed (exit 1)' '
	test_expect_code 1 extnfs --config extnfs.conf check --probe cn001,cn005 >out &&
	grep "^cn001: ok$" out &&
	grep "^cn005: UNKNOWN: not probed: 10.1.0.5 is not an address of this host (run the probe where the node${Q}s address is, see \[global\] probe_exec)$" out &&
	grep "^check --probe: 2 node(s): 1 ok, 0 failed, 1 not checked$" out
'

test_expect_success GANESHA 'the export of its root removed: the probe fails for cn001' '
	test_when_finished "cp ext.conf.applied ext.conf && ganesha_reload" &&
	without_export ext.conf $R/cn001 &&
	! cmp ext.conf ext.conf.applied &&
	ganesha_reload &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: FAILED: cannot mount extnfs1:$R/cn001 (root): " out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: cannot mount extnfs1:$R/cn001 (root): mount_cb: RPC error: Mount failed with error MNT3ERR_ACCES(13) Permission denied(13)
	EOF
	test_cmp want got &&
	grep "^cn001: FAILED: extnfs1 does not export root $R/cn001 (run ${Q}extnfs exports --apply${Q})$" out
'

test_expect_success GANESHA 'after the exports are back the probe passes again' '
	extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: ok$" out
'

test_expect_success GANESHA 'another node'"'"'s root open to cn001: the probe says it could mount it' '
	test_when_finished "cp ext.conf.applied ext.conf && ganesha_reload" &&
	sed -i "s/Clients = 10.1.0.5;/Clients = 10.1.0.5, 127.0.0.1;/" ext.conf &&
	! cmp ext.conf ext.conf.applied &&
	ganesha_reload &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: FAILED: could mount cn005${Q}s root extnfs1:$R/cn005, which must refuse it$" out
'

test_expect_success GANESHA 'its root exported read-only: the write probe fails' '
	test_when_finished "cp ext.conf.applied ext.conf && ganesha_reload" &&
	python3 - <<-PY &&
	s = open("ext.conf").read()
	b = s.split("EXPORT {")
	b = [x.replace("Access_Type = RW;", "Access_Type = RO;") if "cn001\";" in x else x for x in b]
	open("ext.conf", "w").write("EXPORT {".join(b))
	PY
	ganesha_reload &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: FAILED: cannot write in extnfs1:$R/cn001 (root): " out |
		sed "s/probe\.cn001\.[0-9]*/probe.cn001.PID/" >got &&
	cat >want <<-EOF &&
	cn001: FAILED: cannot write in extnfs1:$R/cn001 (root): creat call failed with "NFS: CREATE of /.extnfs-probe.cn001.PID failed with NFS3ERR_ROFS(-30)"
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'the SPOT without lib/boot on the server: the read probe fails' '
	test_when_finished "mv boot.away ext/install/nim/spot/71Bcosi/usr/lib/boot" &&
	# behind Ganesha'"'"'s back: restart it so that its cache does not hide the change
	ganesha_stop &&
	mv ext/install/nim/spot/71Bcosi/usr/lib/boot boot.away &&
	ganesha_start "$TRASH/ext.conf" &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: FAILED: cannot read lib/boot in extnfs1:/install/nim/spot/71Bcosi/usr (spot): " out >got &&
	cat >want <<-EOF &&
	cn001: FAILED: cannot read lib/boot in extnfs1:/install/nim/spot/71Bcosi/usr (spot): opendir call failed with "NFS: Lookup of /lib/boot failed with NFS3ERR_NOENT(-2)"
	EOF
	test_cmp want got
'

test_expect_success GANESHA 'the server down: the static check passes, the probe does not' '
	test_when_finished "ganesha_start \"$TRASH/ext.conf\"" &&
	ganesha_stop &&
	extnfs --config extnfs.conf check cn001 >out &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: FAILED: cannot mount extnfs1:/install/nim/spot/71Bcosi/usr (spot): " out
'

test_expect_success GANESHA 'probe_exec: each node probed under the wrapper, the result read back' '
	cat >wrap.sh <<-\EOF &&
	echo "$1 $2" >>wrap.log
	shift 2
	exec "$@"
	EOF
	check_config "" "probe_exec = sh $TRASH/wrap.sh %n %i" &&
	cp ext.conf.applied ext.conf &&
	test_expect_code 1 extnfs --config extnfs.conf check --probe cn001,cn005 >out &&
	cat >want <<-EOF &&
	cn001 127.0.0.1
	cn005 10.1.0.5
	EOF
	test_cmp want wrap.log &&
	grep "^cn001: ok$" out &&
	grep "^cn005: UNKNOWN: not probed: 10.1.0.5 is not an address of this host" out
'

test_expect_success GANESHA 'probe_exec that prints nothing: the node is not probed, and says why' '
	check_config "" "probe_exec = false %n" &&
	test_expect_code 1 extnfs --config extnfs.conf check --probe cn001 >out &&
	grep "^cn001: UNKNOWN: not probed: ${Q}false ...${Q} exited with 1 and printed no result$" out
'

test_expect_success GANESHA '--probe-node prints one JSON result' '
	check_config &&
	extnfs --config extnfs.conf check --probe-node cn001 >out.json &&
	python3 -c "
import json
j = json.load(open(\"out.json\"))
assert j == {\"node\": \"cn001\", \"problems\": []}, j
" &&
	test_expect_code 3 extnfs --config extnfs.conf check --probe-node cn002 2>err &&
	grep "${Q}cn002${Q} is not a node the plan moves to an external server" err
'

test_done
