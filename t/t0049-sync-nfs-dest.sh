#!/bin/sh
# sync over ssh into an nfs:// destination: each SN's agent writes
# straight to the NFS server (libnfs, no mount), the job's path joined
# into the URL before its options. The trees arrive exactly, the SNs'
# .client_data files share one directory, a second sync changes nothing.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-nfs.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

test_expect_success SSHD,GANESHA 'setup: sshd, Ganesha, model, SN trees, an nfs:// destination' '
	sshd_start &&
	nfs_setup &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	{ ssh_conf_host sn1 && ssh_conf_host sn2 &&
	  printf "[server extnfs1]\ndest = %s\n" "$(nfs_url export)"; } >extnfs.conf
'

test_expect_success SSHD,GANESHA 'sync over ssh into nfs:// fills the export from both SNs' '
	extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived export &&
	test ! -e export/install/nim/root/71Bcosi_root/cn002 &&
	# the parents the agents made over NFS are plain 0755 directories
	stat -c %a export/install export/install/nim export/install/nim/spot/71Bcosi >got &&
	printf "755\n755\n755\n" >want && test_cmp want got &&
	compare_trees $NFS_CMP sn1/install/nim/spot/71Bcosi/usr export/install/nim/spot/71Bcosi/usr &&
	compare_trees $NFS_CMP sn2/install/nim/root/71Bcosi_root/cn005 export/install/nim/root/71Bcosi_root/cn005 &&
	ls export/install/nim/shared_root/71Bsl_shared_root/etc/.client_data >got &&
	cat >want <<-EOF &&
	niminfo.cn003
	niminfo.cn004
	niminfo.cn007
	niminfo.cn008
	resolv.conf.cn003
	resolv.conf.cn004
	resolv.conf.cn007
	resolv.conf.cn008
	EOF
	grep -v "filesystems\|hosts" got >got2 &&
	test_cmp want got2
'

test_expect_success SSHD,GANESHA 'a second sync into nfs:// changes nothing' '
	find export -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >before &&
	sleep 1 &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	find export -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >after &&
	test_cmp before after
'

test_done
