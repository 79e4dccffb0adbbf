# lib-cluster.sh: the sample cluster's SN trees on local disk, for tests of
# plan scripts, redirect, sync and apply. Source after test-lib.sh.

S="$FIXTURES/sample-cluster"

# mkfile SNROOT PATH CONTENT
mkfile() { mkdir -p "$(dirname "$1$2")" && printf "%s\n" "$3" >"$1$2"; }

# import_sample: the sample tables and both SNs' NIM resources
import_sample() {
	extnfs import "$S/tables" >/dev/null &&
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" >/dev/null &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt" >/dev/null
}

# make_sn_trees: sn1/ and sn2/ hold what the plan copies (SPOTs, roots,
# shared_roots and their .client_data), plus traps (cn002 stays, a
# look-alike hosts.cn0031)
make_sn_trees() {
	for sn in sn1 sn2; do
		for img in 71Bcosi 71Bsl; do
			mkfile $sn /install/nim/spot/$img/usr/lib/boot/unix_64 "kernel $img" &&
			mkfile $sn /install/nim/spot/$img/usr/bin/ls "ls $img" || return 1
		done
	done &&
	mkfile sn2 /install/nim/spot/71Bsr/usr/lib/boot/unix_64 "kernel 71Bsr" &&
	mkfile sn1 /install/nim/root/71Bcosi_root/cn001/etc/motd "motd cn001" &&
	mkfile sn1 /install/nim/root/71Bcosi_root/cn002/etc/motd "motd cn002" &&
	mkfile sn2 /install/nim/root/71Bcosi_root/cn005/etc/motd "motd cn005" &&
	for sn in sn1 sn2; do
		mkfile $sn /install/nim/shared_root/71Bsl_shared_root/sbin/init "init 71Bsl" || return 1
	done &&
	mkfile sn2 /install/nim/shared_root/71Bsr_shared_root/sbin/init "init 71Bsr" &&
	for n in cn003 cn004; do
		mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.$n "resolv $n" &&
		mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/niminfo.$n "niminfo $n" || return 1
	done &&
	mkfile sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn0031 "not cn003" &&
	for n in cn007 cn008; do
		mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.$n "resolv $n" &&
		mkfile sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/niminfo.$n "niminfo $n" || return 1
	done &&
	mkfile sn2 /install/nim/shared_root/71Bsr_shared_root/etc/.client_data/resolv.conf.cn006 "resolv cn006"
}

# check_all_arrived DEST: every node's files are on the server
check_all_arrived() {
	for f in \
		"spot/71Bcosi/usr/lib/boot/unix_64:kernel 71Bcosi" \
		"spot/71Bsl/usr/bin/ls:ls 71Bsl" \
		"spot/71Bsr/usr/lib/boot/unix_64:kernel 71Bsr" \
		"root/71Bcosi_root/cn001/etc/motd:motd cn001" \
		"root/71Bcosi_root/cn005/etc/motd:motd cn005" \
		"shared_root/71Bsl_shared_root/sbin/init:init 71Bsl" \
		"shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn003:resolv cn003" \
		"shared_root/71Bsl_shared_root/etc/.client_data/niminfo.cn004:niminfo cn004" \
		"shared_root/71Bsl_shared_root/etc/.client_data/resolv.conf.cn007:resolv cn007" \
		"shared_root/71Bsl_shared_root/etc/.client_data/niminfo.cn008:niminfo cn008" \
		"shared_root/71Bsr_shared_root/etc/.client_data/resolv.conf.cn006:resolv cn006"
	do
		echo "${f#*:}" >want &&
		test_cmp want "$1/install/nim/${f%%:*}" || return 1
	done
}

# node_files SN NODE IP KIND: the client files mkdsklsnode left on the SN
# (KIND root for a non-shared_root node, else the image of a shared_root)
node_files() {
	sn=$1 node=$2 ip=$3
	if [ "$4" = root ]; then
		d=$sn/install/nim/root/71Bcosi_root/$node/etc
		fs=$d/filesystems hosts=$d/hosts
	else
		d=$sn/install/nim/shared_root/$4_shared_root/etc/.client_data
		fs=$d/filesystems.$node hosts=$d/hosts.$node
	fi
	mkdir -p "$d" $sn/tftpboot &&
	sed "s/cn001/$node/g; s/sn1/$sn/g" "$S/sn1/cn001.filesystems" >"$fs" &&
	printf "127.0.0.1 loopback localhost\n%s %s\n" "$ip" "$node" >"$hosts" &&
	sed "s/cn001/$node/g; s/10.1.0.1:/$ip:/; s/sn1/$sn/g" "$S/sn1/cn001.info" >$sn/tftpboot/$ip.info &&
	if [ "$4" != root ]; then
		sed -i "s|^export ROOT=.*|export ROOT=$sn:/install/nim/shared_root/$4_shared_root|; s|/spot/71Bcosi/|/spot/$4/|" \
			$sn/tftpboot/$ip.info
	fi
}

# make_client_files: node_files for every moved node of the sample
make_client_files() {
	node_files sn1 cn001 10.1.0.1 root &&
	node_files sn1 cn003 10.1.0.3 71Bsl &&
	node_files sn1 cn004 10.1.0.4 71Bsl &&
	node_files sn2 cn005 10.1.0.5 root &&
	node_files sn2 cn006 10.1.0.6 71Bsr &&
	node_files sn2 cn007 10.1.0.7 71Bsl &&
	node_files sn2 cn008 10.1.0.8 71Bsl
}
