#!/bin/sh
# check --probe from the nodes' own addresses: a server namespace runs
# Ganesha (with its own rpcbind and /run) behind a bridge; cn001 and cn005
# each live in a network namespace of their own; probe_exec runs each
# node's probe in its namespace, so Ganesha judges every mount by the
# node's real address. (The eight-node cluster with SNs over ssh is
# t/lib-netns.sh's; this is the smallest setup that proves the design.)
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-check.sh"

test_lazy_prereq NETNS '
	[ "$(id -u)" = 0 ] && command -v ip && command -v unshare && ip netns add xck-probe-$$ &&
	ip netns del xck-probe-$$
'

Q="'"
R=/install/nim/root/71Bcosi_root
NS=xck$$
SRV=192.0.2.210
PORT=$GANESHA_NFS_PORT
URL_OPTS="nfsport=$PORT&mountport=$((PORT + 1))"

netns_stop() {
	for f in ganesha rpcbind; do
		[ -s "$TRASH/$f.nspid" ] && kill "$(cat "$TRASH/$f.nspid")" 2>/dev/null
	done
	sleep 1
	for f in ganesha rpcbind; do
		[ -s "$TRASH/$f.nspid" ] && kill -9 "$(cat "$TRASH/$f.nspid")" 2>/dev/null
	done
	for n in s cn001 cn003 cn005; do ip netns del $NS-$n 2>/dev/null; done
}
test_atexit netns_stop

# ns_ganesha: Ganesha and rpcbind in the server namespace, a private /run
ns_ganesha() {
	cat >gconf <<-EOF &&
	NFS_CORE_PARAM { NFS_Port = $PORT; MNT_Port = $((PORT + 1)); NLM_Port = $((PORT + 2));
		Rquota_Port = $((PORT + 3)); Bind_addr = $SRV; Protocols = 3, 4; }
	NFSV4 { Graceless = true; }
	EXPORT_DEFAULTS { Access_Type = None; }
	%include "$TRASH/ext.conf"
	EOF
	ip netns exec $NS-s unshare -m sh -c "
		mount -t tmpfs none /run && mkdir -p /run/ganesha /run/rpcbind &&
		{ rpcbind -w -f & echo \$! >$TRASH/rpcbind.nspid; } && sleep 0.3 &&
		exec ganesha.nfsd -F -f $TRASH/gconf -L $TRASH/ganesha.log -p $TRASH/ganesha.pid" &
	echo $! >ganesha.nspid &&
	for i in $(seq 1 40); do
		if ip netns exec $NS-cn001 rpcinfo -n $PORT -t $SRV 100003 3 >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	tail -n 20 ganesha.log >&2
	return 1
}

test_expect_success GANESHA,NETNS 'setup: a server namespace, cn001, cn003 and cn005 in their own' '
	import_sample &&
	extnfs chdef cn001 ip=192.0.2.201 >/dev/null &&
	extnfs chdef cn003 ip=192.0.2.203 >/dev/null &&
	extnfs chdef cn005 ip=192.0.2.205 >/dev/null &&
	check_prepare "" "probe_exec = ip netns exec $NS-%n" &&
	sed -i "s|^probe_url = .*|probe_url = nfs://$SRV/?$URL_OPTS|; s|^pidfile = .*|pidfile = $TRASH/ganesha.pid|" extnfs.conf &&
	rm sn1/tftpboot/10.1.0.1.info sn1/tftpboot/10.1.0.3.info sn2/tftpboot/10.1.0.5.info &&
	node_files sn1 cn001 192.0.2.201 root &&
	node_files sn1 cn003 192.0.2.203 71Bsl &&
	node_files sn2 cn005 192.0.2.205 root &&
	ip netns add $NS-s &&
	ip -n $NS-s link set lo up &&
	ip -n $NS-s link add br0 type bridge &&
	ip -n $NS-s addr add $SRV/24 dev br0 &&
	ip -n $NS-s link set br0 up &&
	for n in cn001:201 cn003:203 cn005:205; do
		ip netns add $NS-${n%:*} &&
		ip -n $NS-${n%:*} link set lo up &&
		ip link add xv$$${n#*:} type veth peer name eth0 netns $NS-${n%:*} &&
		ip link set xv$$${n#*:} netns $NS-s &&
		ip -n $NS-s link set xv$$${n#*:} master br0 up &&
		ip -n $NS-${n%:*} addr add 192.0.2.${n#*:}/24 dev eth0 &&
		ip -n $NS-${n%:*} link set eth0 up || return 1
	done &&
	ns_ganesha &&
	extnfs --config extnfs.conf apply >apply.out 2>&1 &&
	grep "^apply: done$" apply.out &&
	sleep 1 &&
	cp ext.conf ext.conf.applied
'

test_expect_success GANESHA,NETNS 'each node probed from its own address: all pass' '
	extnfs --config extnfs.conf check --probe cn001,cn003,cn005 >out 2>err &&
	cat >want <<-EOF &&
	cn001: ok
	cn003: ok
	cn005: ok
	check --probe: 3 node(s): 3 ok, 0 failed, 0 not checked
	EOF
	test_cmp want out
'

test_expect_success GANESHA,NETNS 'a statelite node whose statemnt is exported read-only fails the write probe' '
	test_when_finished "cp ext.conf.applied ext.conf && kill -HUP \$(cat ganesha.pid) && sleep 1" &&
	in_export ext.conf /stateliteroot/cn003 "Access_Type = RW;" "Access_Type = RO;" &&
	kill -HUP $(cat ganesha.pid) && sleep 1 &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn003,cn005 >out &&
	grep "^cn005: ok$" out &&
	grep "^cn003: FAILED: cannot write in extnfs1:/stateliteroot/cn003 (statemnt): creat call failed with .*NFS3ERR_ROFS" out
'

test_expect_success GANESHA,NETNS 'the addresses matter: cn001'"'"'s root mounts from its namespace only' '
	ip netns exec $NS-cn001 nfs-ls "nfs://$SRV$TRASH/ext$R/cn001?$URL_OPTS" >out 2>&1 &&
	grep "^d.* etc$" out &&
	! ip netns exec $NS-cn005 nfs-ls "nfs://$SRV$TRASH/ext$R/cn001?$URL_OPTS" >out 2>&1 &&
	grep "MNT3ERR_ACCES" out
'

test_expect_success GANESHA,NETNS 'cn001 removed from its root export: cn001 fails, cn005 still passes' '
	test_when_finished "cp ext.conf.applied ext.conf && kill -HUP \$(cat ganesha.pid) && sleep 1" &&
	without_export ext.conf $R/cn001 &&
	kill -HUP $(cat ganesha.pid) && sleep 1 &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001,cn005 >out &&
	grep "^cn005: ok$" out &&
	grep "^cn001: FAILED: cannot mount extnfs1:$R/cn001 (root): mount_cb: RPC error: Mount failed with error MNT3ERR_ACCES(13) Permission denied(13)$" out
'

test_expect_success GANESHA,NETNS 'cn005 given cn001'"'"'s root: cn005'"'"'s probe mounts it and says so' '
	test_when_finished "cp ext.conf.applied ext.conf && kill -HUP \$(cat ganesha.pid) && sleep 1" &&
	sed -i "s/Clients = 192.0.2.201;/Clients = 192.0.2.201, 192.0.2.205;/" ext.conf &&
	! cmp ext.conf ext.conf.applied &&
	kill -HUP $(cat ganesha.pid) && sleep 1 &&
	test_expect_code 6 extnfs --config extnfs.conf check --probe cn001,cn005 >out &&
	grep "^cn005: FAILED: could mount cn001${Q}s root extnfs1:$R/cn001, which must refuse it$" out &&
	! grep "^cn001: FAILED: could mount" out
'

test_done
