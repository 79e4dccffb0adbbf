#!/bin/sh
# demo.sh: the README's demo command (make demo). Installs what is missing,
# builds extnfs, and runs the whole story on the embedded defaults (SQLite,
# NFS-Ganesha) in the sample cluster, every host in a network namespace of
# its own (t/lib-netns-cluster.sh): the MN (192.0.2.1, where extnfs runs),
# the external server extnfs1 (.10, rpcbind + Ganesha), the service nodes
# sn1 and sn2 (.11, .12) and eight nodes cn001-cn008 (.101-.108).
#
#   1. the cluster: the sample xCAT tables and both SNs' NIM resources
#      imported, the SNs' trees as mkdsklsnode leaves them
#   2. extnfs apply: redirect, sync from both SNs, statelite, exports
#      (reloaded in Ganesha); then again, to show that nothing changes
#   3. extnfs check --probe: every node mounts what it needs over NFS from
#      its own address (probe_exec runs each probe in its namespace); cn002,
#      left on sn1, is probed as sn1 serves it
#   4. failover drill: sn1's services stopped; sn1's moved nodes still pass
#      the probe, cn002 (left on sn1) fails it and cannot mount its root
#   5. the report
#
# Everything runs as root in namespaces and private mount namespaces: the
# machine's own network and /install are not touched, and everything
# started is stopped (also on ^C). Environment: EXTNFS_DEMO_BIN=PATH runs
# that extnfs binary and skips installing and building (the test suite).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi
if [ -n "${EXTNFS_DEMO_BIN:-}" ]; then
	DEMO_EXTNFS=$EXTNFS_DEMO_BIN
else
	sh "$TOP/scripts/install-deps.sh"
	echo "demo: building extnfs"
	make -C "$TOP" -j"$(nproc 2>/dev/null || echo 2)" extnfs >/dev/null
	DEMO_EXTNFS="$TOP/extnfs"
fi
DEMO_TOP=$TOP
. "$TOP/scripts/demo-lib.sh"

EXTNFS_CONFIG="$TRASH/extnfs.conf"
R=/install/nim/root/71Bcosi_root

step() { printf '\n== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }
# x_out FILE ARGS: shows and runs 'extnfs ARGS' on the MN, its output
# (also kept in FILE) after it; its exit status in $rc
x_out() {
	_f=$1
	shift
	printf '\n$ extnfs %s\n' "$*"
	rc=0
	mn extnfs "$@" >"$_f" 2>&1 || rc=$?
	cat "$_f"
}
x() { x_out last.out "$@"; }
die() {
	echo "demo: $*" >&2
	exit 1
}

echo "extnfs demo: the sample cluster, each host in a network namespace of its own"
say "work directory $TRASH (removed at the end)"
say "EXTNFS_DB=$EXTNFS_DB"
say "EXTNFS_CONFIG=$EXTNFS_CONFIG"

step "1. the cluster"
netns_cluster_setup >setup.log 2>&1 || {
	cat setup.log >&2
	die "the namespace cluster did not start"
}
# The SNs' trees are local directories here (what each SN namespace sees
# as /install and /tftpboot): apply reaches them with transport local.
# The same story over ssh (each SN running 'extnfs agent') and into
# nfs:// is what t/t0050-apply-netns.sh and t/t0052-apply-netns-nfs.sh run.
{
	echo "[global]"
	echo "probe_exec = ip netns exec $(netns_name %n)"
	cat netns-local.conf
} >extnfs.conf
export EXTNFS_CONFIG
# cn002 stays on sn1: its client files as mkdsklsnode leaves them, and sn1
# serves it itself (its root rw, the SPOT ro)
node_files sn1 cn002 "$(netns_ip cn002)" root >>setup.log 2>&1 &&
netns_cluster_sn_nfs sn1 cn002 >>setup.log 2>&1 || {
	cat setup.log >&2
	die "sn1's NFS service did not start"
}
say "imported: the sample xCAT tables and both SNs' NIM resources (t/fixtures/sample-cluster),"
say "the nodes' addresses in 192.0.2.0/24; written: the SNs' trees as mkdsklsnode leaves them"
say "MN       $NETNS_MN_IP   extnfs (this machine's files, its own network)"
say "extnfs1  $NETNS_SERVER_IP  the external NFS server: rpcbind + ganesha.nfsd, / = $TRASH/srv"
say "sn1      $(netns_ip sn1)  service node: sshd, and NFS (rpcbind + ganesha.nfsd) for cn002, which stays on it"
say "sn2      $(netns_ip sn2)  service node: sshd"
say "cn001-cn008  $(netns_ip cn001)-$(netns_ip cn008)  the diskless nodes (nothing runs there)"
say "(network namespaces $NETNS_PREFIX-<host>: see 'ip netns list')"
x nodels compute@sn1nodes
x lsdef -t node -o cn003 -i nfsserver,servicenode,provmethod
x nodels cn005 hosts.ip

step "2. apply: the external server brought to the plan"
say "the SNs' trees are reached as the local paths they are here (transport local:"
say "$TRASH/sn1 is what sn1 sees as /; transport ssh runs 'extnfs agent' on each SN)."
say "dest = $TRASH/srv: what extnfs1 serves as /"
x_out apply1.out apply
[ "$rc" = 0 ] || die "apply failed (exit $rc)"
x_out apply2.out apply
[ "$rc" = 0 ] || die "the second apply failed (exit $rc)"
x status
[ "$rc" = 0 ] || die "status is not clean after apply (exit $rc)"

step "3. check --probe: every node mounts what it needs, over NFS, from its own address"
say "$(grep '^probe_exec' extnfs.conf): each node's probe runs in its namespace;"
say "cn002, left on sn1, is probed as sn1 serves it"
x_out check1.out check --probe
check1_rc=$rc

step "4. failover drill: sn1 goes down"
say "before: cn002 (left on sn1) reads its root from sn1 over NFS:"
printf '\n$ ip netns exec %s nfs-cat nfs://%s%s/cn002/etc/motd\n' "$(netns_name cn002)" "$(netns_ip sn1)" "$R"
netns_exec cn002 nfs-cat "nfs://$(netns_ip sn1)$R/cn002/etc/motd" 2>&1 || die "cn002 cannot read its root from sn1 before the drill"
say "stopping every service of sn1 (sshd, rpcbind, ganesha.nfsd)"
netns_stop sn1
# what is left in sn1's namespace is the process that holds its mount
# namespace (sleep), nothing that serves
left=$(netns_pids sn1 | grep -vx "$(cat netns/sn1/holder.pid)" || :)
[ -z "$left" ] || die "sn1 still runs processes: $left"
say "sn1 serves nothing any more (its address stays; extnfs still reads sn1's"
say "files as the local directory they are here: only what the nodes reach changes)"
x_out check2.out check --probe sn1nodes
check2_rc=$rc
say "and cn002, left on sn1:"
printf '\n$ ip netns exec %s nfs-cat nfs://%s%s/cn002/etc/motd\n' "$(netns_name cn002)" "$(netns_ip sn1)" "$R"
cn002_rc=0
netns_exec cn002 nfs-cat "nfs://$(netns_ip sn1)$R/cn002/etc/motd" >cn002.out 2>&1 || cn002_rc=$?
cat cn002.out

step "5. report"
# last LINE: the last line of FILE starting with PREFIX, without it
last() { grep "^$1" "$2" | tail -n 1 | sed "s/^$1//"; }
say "apply:          $(last 'apply: ' apply1.out) (sync: $(last 'sync: ' apply1.out))"
say "apply again:    $(last 'apply: ' apply2.out) (sync: $(last 'sync: ' apply2.out))"
say "check --probe:  $(last 'check --probe: ' check1.out) (exit $check1_rc)"
say "sn1 down:       sn1's nodes: $(last 'check --probe: ' check2.out) (exit $check2_rc)"
if [ "$cn002_rc" = 0 ]; then
	say "cn002 on sn1:   still reads its root from the stopped sn1 (unexpected)"
else
	say "cn002 on sn1:   cannot mount its root any more (nfs-cat exit $cn002_rc): it would not boot"
fi
ok=yes
# with sn1 down exactly cn002 fails: the moved nodes are ok, cn002 is not
moved_ok=$(grep -c '^cn00[134]: ok$' check2.out || :)
failed=$(grep '^cn[0-9]*: FAILED' check2.out | cut -d: -f1 | sort -u | tr '\n' ' ')
[ "$check1_rc" = 0 ] && [ "$check2_rc" = 6 ] && [ "$moved_ok" = 3 ] && [ "$failed" = "cn002 " ] &&
	[ "$cn002_rc" != 0 ] || ok=no
if [ $ok = yes ]; then
	echo "demo: every moved node passes the probe, also with sn1 down; cn002, left on sn1, cannot mount its root"
else
	echo "demo: something did not go as it should (see above)"
fi
step "teardown"
demo_exit
trap - EXIT
left=$(ip netns list | grep "^$NETNS_PREFIX-" || :)
[ -z "$left" ] || die "namespaces left behind: $left"
[ ! -e "$TRASH" ] || die "$TRASH left behind"
say "every process stopped by pid, every namespace deleted, the work directory removed"
[ $ok = yes ]
