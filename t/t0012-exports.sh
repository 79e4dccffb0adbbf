#!/bin/sh
# exports: every flavor from the plan; SN files merged and audited; the
# Ganesha form loaded by a real ganesha.nfsd.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"

S="$FIXTURES/sample-cluster"

test_expect_success 'setup' '
	extnfs import "$S/tables" &&
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt"
'

test_expect_success 'linux: no blank before "(", insecure for AIX clients, fsid on every entry' '
	extnfs exports --flavor linux >ex &&
	! grep " (" ex &&
	grep "^/install/nim/root/71Bcosi_root/cn005 cn005(rw,no_root_squash,insecure,fsid=[0-9]*)$" ex &&
	grep "^/install/nim/spot/71Bcosi/usr cn001(ro,no_root_squash,insecure,fsid=[0-9]*) \\\\$" ex &&
	test $(grep -c "^/" ex) = 16
'

test_expect_success 'export ids are stable: the same ids on every run and after the model grows' '
	extnfs exports --flavor linux >a &&
	extnfs exports --flavor linux >b &&
	test_cmp a b &&
	grep "71Bcosi_root/cn001 " a | sed "s/.*fsid=//" >id1 &&
	extnfs mkdef -t node cn009 groups=sn1nodes,compute,all &&
	extnfs exports --flavor linux >c &&
	grep "71Bcosi_root/cn001 " c | sed "s/.*fsid=//" >id2 &&
	test_cmp id1 id2 &&
	grep "^/install/nim/root/71Bcosi_root/cn009 " c &&
	extnfs rmdef cn009
'

test_expect_success 'aix: the classic NIM form, root and access lists' '
	extnfs exports --flavor aix >ex 2>err &&
	grep -x "/install/nim/root/71Bcosi_root/cn001 -root=cn001,access=cn001" ex &&
	grep -x "/install/nim/spot/71Bsl/usr -ro,root=cn003:cn004:cn007:cn008,access=cn003:cn004:cn007:cn008" ex &&
	test ! -s err
'

test_expect_success '--resolve writes hosts.ip addresses' '
	extnfs exports --flavor aix --resolve cn005 >ex &&
	grep -x "/install/nim/root/71Bcosi_root/cn005 -root=10.1.0.5,access=10.1.0.5" ex
'

test_expect_success 'merging the SN files: one entry per path, lists united' '
	EXTNFS_DB=empty.db extnfs exports --flavor aix --merge "$S/sn1/exports" --merge "$S/sn2/exports" >ex 2>err ;
	test $? = 1 &&
	grep -x "/install/nim/spot/71Bcosi/usr -ro,root=cn001:cn002:cn005,access=cn001:cn002:cn005" ex &&
	grep -x "/install/nim/shared_root/71Bsl_shared_root -ro,root=cn003:cn004:cn007:cn008,access=cn003:cn004:cn007:cn008" ex &&
	test $(grep -c "^/install/nim/spot/71Bcosi/usr " ex) = 1 &&
	test $(grep -c "^/" ex) = 13 &&
	grep "conflict: .*/install.*replicas=.*sn1/exports:8.*sn2/exports:9" err
'

test_expect_success '--audit: what the SNs grant that the model does not, and the reverse' '
	extnfs exports --audit --merge "$S/sn1/exports" --merge "$S/sn2/exports" >audit 2>/dev/null ;
	sed -n "/granted by the SNs/,/needed by the model/p" audit >sns &&
	grep "/install/nim/spot/71Bcosi/usr.*cn002.*may mount" sns &&
	grep "/install/nim/root/71Bcosi_root/cn002" sns &&
	! grep "71Bcosi_root/cn001" sns &&
	sed -n "/needed by the model/,\$p" audit >model &&
	grep "/stateliteroot/cn003" model &&
	! grep "/install/nim/spot" model
'

test_expect_success 'a malformed SN exports file is refused with file and line' '
	printf "/a -ro\n/b -frobnicate\n" >bad &&
	test_expect_code 3 extnfs exports --merge bad 2>err &&
	grep "bad'"'"' line 2" err
'

test_expect_success '-o writes the file atomically; nothing on a failure' '
	extnfs exports --flavor linux -o out.exports &&
	extnfs exports --flavor linux >direct && test_cmp direct out.exports &&
	cp out.exports before &&
	test_must_fail extnfs exports --flavor linux --merge bad -o out.exports 2>/dev/null &&
	test_cmp before out.exports && ! ls out.exports.extnfs-tmp.* 2>/dev/null
'

# Ganesha: a cluster whose trees live under the scratch directory
test_expect_success GANESHA 'ganesha: the exports load into a real ganesha.nfsd and are served' '
	rm -f "$EXTNFS_DB" &&
	extnfs import "$S/tables" &&
	printf "#key,value,comments,disable\n\"installdir\",\"$TRASH/install\",,\n" >site.csv &&
	extnfs import site.csv &&
	printf "#node,image,statemnt,mntopts,comments,disable\n\"lite\",,\"\$noderes.nfsserver:$TRASH/stateliteroot\",,,\n" >statelite.csv &&
	printf "#priority,image,directory,mntopts,comments,disable\n\"1.0\",\"ALL\",\"\$noderes.nfsserver:$TRASH/litetree/\$node\",,,\n" >litetree.csv &&
	extnfs import --replace statelite.csv litetree.csv &&
	extnfs exports --flavor ganesha --resolve --admin 127.0.0.1 -o ext.conf &&
	extnfs plan --format json | sed -n "s/^ *\"path\": \"\\(.*\\)\",\$/\\1/p" | sort -u >paths &&
	while read p; do mkdir -p "$p" || return 1; done <paths &&
	grep "Path = " ext.conf | sed "s/.*\"\\(.*\\)\";/\\1/" | sort >want &&
	test $(wc -l <want) = 15 &&
	ganesha_start "$TRASH/ext.conf" &&
	ganesha_exports >got &&
	test_cmp want got &&
	! grep -i "error" "$GANESHA_DIR/ganesha.log" | grep -v -i "dbus" | grep -i "config"
'

test_expect_success GANESHA 'ganesha: a node added later appears after SIGHUP; ids stay' '
	grep "Export_Id" ext.conf >ids.before &&
	extnfs mkdef -t node cn009 groups=sn1nodes,compute,all &&
	extnfs exports --flavor ganesha --resolve --admin 127.0.0.1 -o ext.conf &&
	mkdir -p "$TRASH/install/nim/root/71Bcosi_root/cn009" &&
	grep "Export_Id" ext.conf >ids.after &&
	test $(wc -l <ids.after) = 16 &&
	grep -F -f ids.before ids.after >kept && test_cmp ids.before kept &&
	ganesha_reload &&
	ganesha_exports >got &&
	grep -x "$TRASH/install/nim/root/71Bcosi_root/cn009" got
'

test_expect_success GANESHA 'exports --apply: written, reloaded, served; a second apply changes nothing' '
	cat >apply.conf <<-EOF &&
	[server extnfs1]
	dest = /
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $GANESHA_DIR/ganesha.pid
	EOF
	extnfs mkdef -t node cn019 groups=sn2nodes,compute,all &&
	mkdir -p "$TRASH/install/nim/root/71Bcosi_root/cn019" &&
	extnfs --config apply.conf exports --apply --resolve --admin 127.0.0.1 >out &&
	grep "^extnfs1: exports written and reloaded$" out &&
	grep "cn009" ext.conf.extnfs-bak && ! grep "cn019" ext.conf.extnfs-bak &&
	sleep 1 && ganesha_exports >got &&
	grep -x "$TRASH/install/nim/root/71Bcosi_root/cn019" got &&
	extnfs --config apply.conf exports --apply --resolve --admin 127.0.0.1 >out &&
	grep "^extnfs1: exports unchanged (not reloaded)$" out
'

test_expect_success GANESHA 'exports --apply --dry-run changes nothing' '
	cp ext.conf before &&
	extnfs rmdef cn019 &&
	extnfs --config apply.conf exports --apply --dry-run --resolve --admin 127.0.0.1 >out &&
	grep "would be written and reloaded" out &&
	test_cmp before ext.conf
'

test_expect_success GANESHA 'a failed reload puts the previous exports back' '
	cp ext.conf before &&
	echo 999999 >bad.pid &&
	sed "s|^pidfile = .*|pidfile = $TRASH/bad.pid|" apply.conf >bad.conf &&
	test_expect_code 7 extnfs --config bad.conf exports --apply --resolve --admin 127.0.0.1 2>err &&
	grep "reload of '"'"'extnfs1'"'"' failed, previous exports restored: cannot signal" err &&
	test_cmp before ext.conf &&
	ganesha_exports >got && grep -x "$TRASH/install/nim/root/71Bcosi_root/cn019" got
'

test_done
