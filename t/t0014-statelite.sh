#!/bin/sh
# statelite --prepare: the planned directories appear on the server with
# owner and mode; what exists is never touched; no symlink is followed.
. "$(dirname "$0")/test-lib.sh"

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

test_expect_success 'a server without a local dest is an error per directory' '
	printf "[server extnfs1]\ndest = nfs://extnfs1/\n" >nfs.conf &&
	test_expect_code 7 extnfs --config nfs.conf statelite --prepare cn003 2>err &&
	grep "server '"'"'extnfs1'"'"' has no local dest" err
'

test_done
