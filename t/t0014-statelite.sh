#!/bin/sh
# statelite --prepare: the planned directories appear on the server with
# owner and mode; what exists is never touched; no symlink is followed.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"

S="$FIXTURES/sample-cluster"

test_expect_success 'setup' '
	extnfs import "$S/tables" &&
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt" &&
	mkdir ext &&
	printf "[server extnfs1]\ndest = $TRASH/ext\n" >extnfs.conf
'

test_expect_success '--dry-run creates nothing' '
	extnfs --config extnfs.conf statelite --prepare --dry-run >out &&
	grep "^21 directories would be created, 0 existed, 0 failed$" out &&
	test -z "$(ls ext)"
'

test_expect_success 'a statemnt directory that exists keeps its owner, mode and contents' '
	mkdir -p ext/stateliteroot/cn004 && chmod 0700 ext/stateliteroot/cn004 &&
	echo keep >ext/stateliteroot/cn004/data &&
	extnfs --config extnfs.conf statelite --prepare >out &&
	grep "^20 directories created, 1 existed, 0 failed$" out &&
	test "$(stat -c %a ext/stateliteroot/cn004)" = 700 &&
	echo keep >want && test_cmp want ext/stateliteroot/cn004/data
'

test_expect_success 'the planned directories are there with mode 0755' '
	for d in stateliteroot/cn003 stateliteroot/cn003/etc stateliteroot/cn003/var/adm \
		stateliteroot/cn008/etc/security statelite/litetree/cn007 statelite/litetree/common; do
		test -d ext/$d && test "$(stat -c %a ext/$d)" = 755 || return 1
	done
'

test_expect_success ROOT 'owned by root' '
	test "$(stat -c %u:%g ext/stateliteroot/cn003)" = 0:0
'

test_expect_success 'a second run creates nothing' '
	extnfs --config extnfs.conf statelite --prepare >out &&
	grep "^0 directories created, 21 existed, 0 failed$" out
'

test_expect_success 'a symlink in the way is refused and its target untouched' '
	rm -rf ext/stateliteroot/cn007 && mkdir victim &&
	ln -s "$TRASH/victim" ext/stateliteroot/cn007 &&
	test_expect_code 1 extnfs --config extnfs.conf statelite --prepare cn007 >out 2>err &&
	grep "stateliteroot/cn007.*not a directory (or a symbolic link)" err &&
	test -z "$(ls victim)"
'

test_expect_success 'an NFS server that does not answer: every directory fails with the reason' '
	printf "[server extnfs1]\ndest = nfs://127.0.0.1/?nfsport=1&mountport=1&timeout=1\n" >nfs.conf &&
	test_expect_code 7 extnfs --config nfs.conf statelite --prepare cn003 >out 2>err &&
	test $(grep -c "^extnfs statelite: extnfs1 /.*: NFS server .127.0.0.1. did not answer within 1 s (timeout=1 in the URL)" err) = 6 &&
	grep "^0 directories created, 0 existed, 6 failed$" out
'

test_expect_success GANESHA 'over nfs://: the directories appear through a real Ganesha, root-owned, 0755' '
	mkdir srv &&
	cat >srv.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/srv"; Pseudo = "/srv"; Squash = No_Root_Squash;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RW; } }
	EOF
	ganesha_start "$TRASH/srv.conf" &&
	printf "[server extnfs1]\ndest = nfs://127.0.0.1$TRASH/srv?$GANESHA_URL_OPTS\n" >ganesha.conf &&
	extnfs --config ganesha.conf statelite --prepare >out 2>err &&
	grep "^21 directories created, 0 existed, 0 failed$" out &&
	for d in stateliteroot/cn003 stateliteroot/cn003/var/adm statelite/litetree/common; do
		test "$(stat -c %F:%a:%u:%g srv/$d)" = "directory:755:0:0" || return 1
	done &&
	extnfs --config ganesha.conf statelite --prepare >out &&
	grep "^0 directories created, 21 existed, 0 failed$" out
'

test_expect_success GANESHA 'over nfs://: a symlink in the way is refused, its target untouched' '
	rm -rf srv/stateliteroot/cn007 &&
	ln -s "$TRASH/victim" srv/stateliteroot/cn007 &&
	test_expect_code 1 extnfs --config ganesha.conf statelite --prepare cn007 >out 2>err &&
	grep "stateliteroot/cn007.*not a directory (or a symbolic link)" err &&
	test -z "$(ls victim)"
'

test_done
