# lib-netns-cluster.sh: the sample cluster (t/lib-cluster.sh) as network
# namespaces (t/lib-netns.sh), for the end-to-end tests of apply and check.
# Source after test-lib.sh; it sources lib-cluster.sh and lib-netns.sh.
#
#   host      namespace  address        what runs there
#   MN        mn         192.0.2.1      extnfs (the machine's filesystem)
#   extnfs1   srv        192.0.2.10     rpcbind + ganesha.nfsd; its / is
#                                       $TRASH/srv (/install, /statelite,
#                                       /stateliteroot at the real paths)
#   sn1, sn2  sn1, sn2   192.0.2.11/12  sshd; their / is $TRASH/sn1, sn2
#                                       (/install, /tftpboot)
#   cn00N     cn00N      192.0.2.10N    nothing (the nodes, N = 1..8)
#
#   netns_cluster_setup   the model (hosts at those addresses), the SN
#                         trees and client files, the namespaces, sshd on
#                         both SNs, Ganesha on the server (seeded with one
#                         export) and extnfs.conf; everything torn down at
#                         exit
#   mn CMD...             runs CMD on the MN (extnfs, ssh, nfs-ls...)
#   netns_served PATH     the path a node mounts for the plan's PATH
#   netns_cluster_nodes   the eight node names
#   netns_cluster_sn_nfs SN NODE...
#                         the SN's own NFS service (rpcbind, Ganesha on its
#                         address) for nodes left on it, as in the sample
#                         cn002 on sn1: each node's 71Bcosi root rw, the
#                         71Bcosi SPOT ro, to the node's address only; the
#                         failover drill stops it with netns_stop SN
#   netns_cluster_redirect_local [ARGS]
#                         extnfs redirect ARGS with the SNs' trees reached
#                         as the local paths they are on this machine
#                         (netns-local.conf: transport local, what the
#                         demo uses)
#
# The server's destination is one setting, $NETNS_SERVER_DEST: a path the
# MN and the SNs both see ($TRASH/srv, as if the server were NFS-mounted
# on each), or nfs://192.0.2.10/ to write through Ganesha. Export paths
# follow it: with a path dest the exports are under it (what NFSv3 MNT
# accepts), with nfs:// they are the real paths.

. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-netns.sh"

NETNS_SERVER_DEST=${NETNS_SERVER_DEST:-$TRASH/srv}
case "$NETNS_SERVER_DEST" in
nfs://*) NETNS_SERVED_PREFIX= ;;
*) NETNS_SERVED_PREFIX=${NETNS_SERVER_DEST%/} ;;
esac
NETNS_SERVER_IP=$NETNS_NET.10
NETNS_EXPORTS="$TRASH/srv-exports.conf"

mn() { netns_exec mn "$@"; }
netns_served() { echo "$NETNS_SERVED_PREFIX$1"; }
netns_cluster_nodes() { echo cn001 cn002 cn003 cn004 cn005 cn006 cn007 cn008; }

netns_cluster_setup() {
	mkdir -p netns-tables srv/install srv/statelite srv/stateliteroot &&
		cat >netns-tables/hosts.csv <<-EOF || return 1
	#node,ip,hostnames,otherinterfaces,comments,disable
	"compute","|\D+(\d+)|$NETNS_NET.(100+\$1)|",,,,
	"sn1","$NETNS_NET.11",,,,
	"sn2","$NETNS_NET.12",,,,
	"extnfs1","$NETNS_SERVER_IP","extnfs1.cluster.example",,,
	EOF
	import_sample &&
		extnfs import netns-tables/hosts.csv >/dev/null &&
		make_sn_trees &&
		node_files sn1 cn001 $NETNS_NET.101 root &&
		node_files sn1 cn003 $NETNS_NET.103 71Bsl &&
		node_files sn1 cn004 $NETNS_NET.104 71Bsl &&
		node_files sn2 cn005 $NETNS_NET.105 root &&
		node_files sn2 cn006 $NETNS_NET.106 71Bsr &&
		node_files sn2 cn007 $NETNS_NET.107 71Bsl &&
		node_files sn2 cn008 $NETNS_NET.108 71Bsl || return 1
	# Ganesha 4.3 started without exports ignores SIGHUP: seed the server's
	# top directories, writable by the MN and the SNs as root (what an
	# nfs:// dest needs before apply writes its exports; apply replaces them)
	_id=1
	for _top in install statelite stateliteroot; do
		echo "EXPORT { Export_Id = $_id; Path = \"$NETNS_SERVED_PREFIX/$_top\"; Pseudo = \"/seed/$_top\";"
		echo "	Access_Type = None; Squash = No_Root_Squash; FSAL { Name = VFS; }"
		echo "	CLIENT { Clients = $NETNS_MN_IP, $NETNS_NET.11, $NETNS_NET.12; Access_Type = RW; } }"
		_id=$((_id + 1))
	done >"$NETNS_EXPORTS" || return 1
	netns_setup &&
		netns_add srv $NETNS_SERVER_IP "$TRASH/srv" &&
		netns_add sn1 $NETNS_NET.11 "$TRASH/sn1" &&
		netns_add sn2 $NETNS_NET.12 "$TRASH/sn2" &&
		netns_add_nodes $(netns_cluster_nodes) &&
		netns_sshd_start sn1 &&
		netns_sshd_start sn2 &&
		netns_nfs_start srv "$NETNS_EXPORTS" || return 1
	cat >extnfs.conf <<-EOF
	[host sn1]
	transport = ssh
	address = $NETNS_NET.11
	extnfs = $BUILD_DIR/extnfs
	[host sn2]
	transport = ssh
	address = $NETNS_NET.12
	extnfs = $BUILD_DIR/extnfs
	[server extnfs1]
	dest = $NETNS_SERVER_DEST
	flavor = ganesha
	exports_file = $NETNS_EXPORTS
	reload = sighup
	pidfile = $(netns_nfs_pidfile srv)
	resolve = yes
	admin = $NETNS_MN_IP,$NETNS_NET.11,$NETNS_NET.12
	EOF
	cat >netns-local.conf <<-EOF &&
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	EOF
		sed -n "/^\[server /,\$p" extnfs.conf >>netns-local.conf
}

netns_cluster_redirect_local() {
	mn extnfs --config netns-local.conf redirect "$@"
}

netns_cluster_sn_nfs() {
	_sn=$1
	shift
	_ips= _id=1
	for _node in "$@"; do
		_ip=$(netns_ip "$_node") || return 1
		_ips="$_ips${_ips:+, }$_ip"
		cat <<-EOF
		EXPORT { Export_Id = $_id; Path = "/install/nim/root/71Bcosi_root/$_node";
			Pseudo = "/install/nim/root/71Bcosi_root/$_node"; Access_Type = None;
			Squash = No_Root_Squash; FSAL { Name = VFS; }
			CLIENT { Clients = $_ip; Access_Type = RW; } }
		EOF
		_id=$((_id + 1))
	done >"$TRASH/$_sn-exports.conf" &&
		cat >>"$TRASH/$_sn-exports.conf" <<-EOF &&
		EXPORT { Export_Id = $_id; Path = "/install/nim/spot/71Bcosi/usr";
			Pseudo = "/install/nim/spot/71Bcosi/usr"; Access_Type = None;
			Squash = No_Root_Squash; FSAL { Name = VFS; }
			CLIENT { Clients = $_ips; Access_Type = RO; } }
		EOF
		netns_nfs_start "$_sn" "$TRASH/$_sn-exports.conf"
}
