#!/bin/sh
# demo.sh: the README's demo command. Installs what is missing, builds
# extnfs, and runs the main job on the embedded defaults (SQLite and a
# local NFS-Ganesha) for the sample cluster: import the xCAT tables and the
# SNs' NIM resources, look at the cluster as an xCAT administrator does,
# plan, then 'extnfs apply' from two service nodes (directories here) into
# an external server (a directory served by ganesha.nfsd on loopback),
# apply again to show that nothing changes, check every node, show each
# tree's last sync (status), and let an SN copy drift for check to catch.
# Everything started is stopped.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
make -j"$(nproc 2>/dev/null || echo 2)" extnfs >/dev/null
TOP=$(pwd)
S="$TOP/t/fixtures/sample-cluster"
W=$(mktemp -d /tmp/extnfs-demo.XXXXXX)
GPID= RPID=
cleanup() {
	if [ -n "$GPID" ]; then kill "$GPID" 2>/dev/null || true; sleep 1; fi
	if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null || true; fi
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
EXTNFS_DB="$W/extnfs.db"
export EXTNFS_DB
x() { printf '\n$ extnfs %s\n' "$*"; "$TOP/extnfs" --config "$W/extnfs.conf" "$@"; }

echo "extnfs demo in $W (removed at the end)"
# two service nodes' trees, as mkdsklsnode leaves them
mk() { mkdir -p "$(dirname "$W/$1$2")"; printf '%s\n' "$3" >"$W/$1$2"; }
for sn in sn1 sn2; do
	for img in 71Bcosi 71Bsl; do
		mk $sn /install/nim/spot/$img/usr/lib/boot/unix_64 "AIX kernel ($img)"
	done
	mk $sn /install/nim/shared_root/71Bsl_shared_root/sbin/init "init (71Bsl)"
done
mk sn2 /install/nim/spot/71Bsr/usr/lib/boot/unix_64 "AIX kernel (71Bsr)"
mk sn2 /install/nim/shared_root/71Bsr_shared_root/sbin/init "init (71Bsr)"
# each moved node's client files: filesystems, hosts, the SN's .info
client() { # ip-suffix node sn kind(root|image)
	i=$1 node=$2 sn=$3 kind=$4
	if [ "$kind" = root ]; then
		d=/install/nim/root/71Bcosi_root/$node/etc fs=$d/filesystems hosts=$d/hosts
		root=/install/nim/root/71Bcosi_root/$node spot=71Bcosi
	else
		d=/install/nim/shared_root/${kind}_shared_root/etc/.client_data
		fs=$d/filesystems.$node hosts=$d/hosts.$node
		root=/install/nim/shared_root/${kind}_shared_root spot=$kind
	fi
	mkdir -p "$W/$sn$d" "$W/$sn/tftpboot"
	sed "s/cn001/$node/g; s/sn1/$sn/g" "$S/sn1/cn001.filesystems" >"$W/$sn$fs"
	printf '127.0.0.1 loopback localhost\n10.1.0.%s %s\n' "$i" "$node" >"$W/$sn$hosts"
	sed "s/cn001/$node/g; s/10.1.0.1:/10.1.0.$i:/; s/sn1/$sn/g; s|^export ROOT=.*|export ROOT=$sn:$root|; s|/spot/71Bcosi/|/spot/$spot/|" \
		"$S/sn1/cn001.info" >"$W/$sn/tftpboot/10.1.0.$i.info"
}
client 1 cn001 sn1 root
client 3 cn003 sn1 71Bsl
client 4 cn004 sn1 71Bsl
client 5 cn005 sn2 root
client 6 cn006 sn2 71Bsr
client 7 cn007 sn2 71Bsl
client 8 cn008 sn2 71Bsl
mkdir -p "$W/ext" "$W/ganesha"
{
	echo "[host sn1]"; echo "transport = local"; echo "root = $W/sn1"
	echo "[host sn2]"; echo "transport = local"; echo "root = $W/sn2"
	echo "[server extnfs1]"; echo "dest = $W/ext"; echo "flavor = ganesha"
	echo "exports_file = $W/ganesha/extnfs.conf"; echo "reload = sighup"
	echo "pidfile = $W/ganesha/ganesha.pid"; echo "resolve = yes"; echo "admin = 127.0.0.1"
} >"$W/extnfs.conf"
# a local NFS-Ganesha on loopback, unprivileged ports (started with one
# export: Ganesha 4.3 ignores SIGHUP additions when it starts with none)
printf 'EXPORT { Export_Id = 1; Path = "%s/ext"; Pseudo = "/seed"; Access_Type = None;\n\tFSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }\n' "$W" \
	>"$W/ganesha/extnfs.conf"
printf 'NFS_CORE_PARAM { NFS_Port = 22049; MNT_Port = 22050; NLM_Port = 22051; Rquota_Port = 22052;\n\tBind_addr = 127.0.0.1; Protocols = 3, 4; }\nNFSV4 { Graceless = true; }\n%%include "%s/ganesha/extnfs.conf"\n' "$W" \
	>"$W/ganesha/ganesha.conf"
if ! rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
	rpcbind -w -f &
	RPID=$!
	sleep 0.5
fi
ganesha.nfsd -F -f "$W/ganesha/ganesha.conf" -L "$W/ganesha/ganesha.log" -p "$W/ganesha/ganesha.pid" &
GPID=$!
i=0
until rpcinfo -n 22049 -t 127.0.0.1 100003 3 >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -ge 40 ]; then echo "ganesha did not start"; exit 1; fi
	sleep 0.5
done

x import "$S/tables"
x import --lsnim sn1 "$S/sn1/lsnim-l.txt"
x import --lsnim sn2 "$S/sn2/lsnim-l.txt"
x nodels compute@sn2nodes
x nodels cn005 hosts.ip
x lsdef -t node -o cn003 -i nfsserver,servicenode,provmethod
x plan
x apply
sleep 1
printf '\n$ nfs-ls -D nfs://127.0.0.1   (what the external server exports now, under %s/ext)\n' "$W"
nfs-ls -D "nfs://127.0.0.1?nfsport=22049&mountport=22050" | sed "s|$W/ext||"
printf '\n$ nfs-ls .../install/nim/root/71Bcosi_root/cn005/etc   (over NFS, as cn005 will)\n'
nfs-ls "nfs://127.0.0.1$W/ext/install/nim/root/71Bcosi_root/cn005/etc?nfsport=22049&mountport=22050"
x apply
x check
x status
printf '\n$ echo "changed after the sync" >>sn2/.../cn005/etc/hosts   (the SN copy drifts)\n'
echo "changed after the sync" >>"$W/sn2/install/nim/root/71Bcosi_root/cn005/etc/hosts"
x check cn005 || echo "(exit $?: cn005 would not boot as planned)"
echo
echo "demo done: the second apply changed nothing; check proved every node, then caught the drift."
echo "Probes over NFS from each node's own address: 'extnfs check --probe' with [global] probe_exec."
