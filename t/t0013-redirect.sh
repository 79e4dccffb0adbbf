#!/bin/sh
# redirect: the SNs' client files point at the external server; idempotent,
# byte-preserving, atomic, reversible.
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-cluster.sh"

test_expect_success 'setup: the sample cluster and its SNs client files' '
	import_sample &&
	make_client_files &&
	printf "[host sn1]\nroot = $TRASH/sn1\n[host sn2]\nroot = $TRASH/sn2\n" >extnfs.conf &&
	cp -a sn1 sn1.orig && cp -a sn2 sn2.orig
'

test_expect_success 'redirect edits every planned file' '
	extnfs --config extnfs.conf redirect >out &&
	tail -n 1 out >summary &&
	echo "21 file(s) changed, 0 unchanged, 0 failed" >expect && test_cmp expect summary
'

test_expect_success 'filesystems: nodename of / and /usr is the server, /proc added, nothing else changed' '
	f=install/nim/root/71Bcosi_root/cn001/etc/filesystems &&
	diff sn1.orig/$f sn1/$f >d ;
	grep "^< 	nodename	= sn1$" d >old && test $(wc -l <old) = 2 &&
	grep "^> 	nodename	= extnfs1$" d >new && test $(wc -l <new) = 2 &&
	grep "^> /proc:$" d &&
	test $(grep -c "^[<>]" d) = 12
'

test_expect_success 'shared_root nodes: their .client_data files are edited' '
	f=install/nim/shared_root/71Bsl_shared_root/etc/.client_data &&
	grep "nodename	= extnfs1" sn2/$f/filesystems.cn007 &&
	grep -x "10.0.0.50 extnfs1" sn2/$f/hosts.cn007 &&
	! grep extnfs1 sn1/$f/filesystems.cn007 2>/dev/null
'

test_expect_success '.info: SPOT, ROOT and NIM_HOSTS point at the server' '
	grep -x "export SPOT=extnfs1:/install/nim/spot/71Bcosi/usr" sn2/tftpboot/10.1.0.5.info &&
	grep -x "export ROOT=extnfs1:/install/nim/root/71Bcosi_root/cn005" sn2/tftpboot/10.1.0.5.info &&
	grep "^export NIM_HOSTS=\".*10.0.0.50:extnfs1 \"$" sn2/tftpboot/10.1.0.5.info &&
	grep -x "export ROOT=extnfs1:/install/nim/shared_root/71Bsl_shared_root" sn1/tftpboot/10.1.0.3.info &&
	grep -x "export DUMP=sn2:/install/nim/dump/71Bcosi_dump/cn005" sn2/tftpboot/10.1.0.5.info
'

test_expect_success 'a second run changes nothing, not even mtimes' '
	find sn1 sn2 -type f -newer out >/dev/null &&
	ls -l --time-style=full-iso -R sn1 sn2 >before &&
	sleep 1 &&
	extnfs --config extnfs.conf redirect >out2 &&
	tail -n 1 out2 >summary &&
	echo "0 file(s) changed, 21 unchanged, 0 failed" >expect && test_cmp expect summary &&
	ls -l --time-style=full-iso -R sn1 sn2 >after && test_cmp before after
'

test_expect_success 'the server line appended by xCAT on every run collapses to one' '
	h=sn1/install/nim/root/71Bcosi_root/cn001/etc/hosts &&
	echo "10.0.0.50 extnfs1" >>$h && echo "10.0.0.50 extnfs1" >>$h &&
	extnfs --config extnfs.conf redirect cn001 >/dev/null &&
	test $(grep -c extnfs1 $h) = 1 &&
	b=backup/sn1/install/nim/root/71Bcosi_root/cn001/etc/hosts &&
	test -f $b && test $(grep -c extnfs1 $b) = 3 &&
	! ls sn1/install/nim/root/71Bcosi_root/cn001/etc/*bak*
'

test_expect_success '--dry-run changes nothing' '
	ls -l --time-style=full-iso -R sn1 sn2 >before &&
	extnfs --config extnfs.conf redirect --undo --dry-run >out &&
	grep "21 file(s) would change" out &&
	ls -l --time-style=full-iso -R sn1 sn2 >after && test_cmp before after
'

test_expect_success '--undo gives the SN back (the /proc stanza stays)' '
	extnfs --config extnfs.conf redirect --undo >out &&
	grep "^undo: 21 file(s) changed" out &&
	for f in tftpboot/10.1.0.1.info tftpboot/10.1.0.3.info install/nim/root/71Bcosi_root/cn001/etc/hosts \
		install/nim/shared_root/71Bsl_shared_root/etc/.client_data/hosts.cn004; do
		test_cmp sn1.orig/$f sn1/$f || return 1
	done &&
	f=install/nim/root/71Bcosi_root/cn001/etc/filesystems &&
	diff sn1.orig/$f sn1/$f >d ; ! grep "^<" d && grep "^> /proc:$" d
'

test_expect_success 'a missing file fails for its node only; exit 1' '
	rm sn2/tftpboot/10.1.0.8.info &&
	test_expect_code 1 extnfs --config extnfs.conf redirect >out 2>err &&
	grep "sn2 cn008: cannot open .*10.1.0.8.info" err &&
	grep "20 file(s) changed, 0 unchanged, 1 failed" out &&
	grep -x "export ROOT=extnfs1:/install/nim/shared_root/71Bsl_shared_root" sn2/tftpboot/10.1.0.7.info
'

test_expect_success 'a malformed filesystems file is refused with its line; file untouched' '
	f=sn1/install/nim/root/71Bcosi_root/cn001/etc/filesystems &&
	printf "\tnodename = x\n" >$f && cp $f before &&
	test_expect_code 1 extnfs --config extnfs.conf redirect cn001 2>err &&
	grep "filesystems'"'"' line 1" err &&
	test_cmp before $f
'

test_expect_success '--json reports every file' '
	extnfs --config extnfs.conf --json redirect cn005 >j ;
	grep "\"state\": \"unchanged\"" j && grep "\"failed\": 0" j
'

test_done
