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
	import_sample &&
		mkdir -p netns-tables && cat >netns-tables/hosts.csv <<-EOF &&
		#node,ip,hostnames,otherinterfaces,comments,disable
		"compute","|\D+(\d+)|$NETNS_NET.(100+\$1)|",,,,
		"sn1","$NETNS_NET.11",,,,
		"sn2","$NETNS_NET.12",,,,
		"extnfs1","$NETNS_SERVER_IP","extnfs1.cluster.example",,,
		EOF
		extnfs import netns-tables/hosts.csv >/dev/null &&
		make_sn_trees &&
		node_files sn1 cn001 $NETNS_NET.101 root &&
		node_files sn1 cn003 $NETNS_NET.103 71Bsl &&
		node_files sn1 cn004 $NETNS_NET.104 71Bsl &&
		node_files sn2 cn005 $NETNS_NET.105 root &&
		node_files sn2 cn006 $NETNS_NET.106 71Bsr &&
		node_files sn2 cn007 $NETNS_NET.107 71Bsl &&
		node_files sn2 cn008 $NETNS_NET.108 71Bsl &&
		mkdir -p srv/install srv/statelite srv/stateliteroot || return 1
	# Ganesha 4.3 started without exports ignores SIGHUP: seed one (apply
	# replaces the file)
	cat >"$NETNS_EXPORTS" <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$NETNS_SERVED_PREFIX/install"; Pseudo = "/seed";
		Access_Type = None; FSAL { Name = VFS; }
		CLIENT { Clients = $NETNS_MN_IP; Access_Type = RO; } }
	EOF
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
	admin = $NETNS_NET.11,$NETNS_NET.12
	EOF
}
