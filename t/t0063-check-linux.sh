#!/bin/sh
# check against Linux and AIX exports files (read back with the exports
# parser): the planned grants, and 'insecure' for the AIX nodes of a Linux
# server.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

Q="'"

test_expect_success 'setup: applied with the linux flavor (no reload)' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	cat >extnfs.conf <<-EOF &&
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = linux
	exports_file = $TRASH/exports
	reload = none
	resolve = yes
	EOF
	extnfs --config extnfs.conf apply >out 2>&1 &&
	grep "^apply: done$" out &&
	grep "10.1.0.3(.*insecure" exports &&
	cp exports exports.applied
'

test_expect_success 'every node ok against the Linux file' '
	extnfs --config extnfs.conf check >out &&
	tail -n 1 out | grep "^check: 7 node(s): 7 ok, 0 failed, 0 not checked$"
'

test_expect_success 'an AIX node without insecure on a Linux server fails, only that node' '
	test_when_finished "cp exports.applied exports" &&
	sed -i "/stateliteroot\/cn003/s/10.1.0.3(\([^)]*\),insecure/10.1.0.3(\1/" exports &&
	! cmp exports exports.applied &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	grep ": FAILED: " out >got &&
	cat >want <<-EOF &&
	cn003: FAILED: extnfs1 exports /stateliteroot/cn003 to cn003 (10.1.0.3) without ${Q}insecure${Q}: AIX clients mount from ports above 1023 and are refused (run ${Q}extnfs exports --apply${Q})
	EOF
	test_cmp want got
'

test_expect_success 'a node written as the world (a space before the parenthesis) fails the nodes it exposes' '
	test_when_finished "cp exports.applied exports" &&
	sed -i "s|^\(.*/stateliteroot/cn004\) 10.1.0.4(|\1 10.1.0.4 (|" exports &&
	! cmp exports exports.applied &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	grep "^cn004: FAILED: its statemnt /stateliteroot/cn004 is also exported to ${Q}\*${Q} (run ${Q}extnfs exports --apply${Q})$" out
'

test_expect_success 'an unreadable exports file fails every node it serves, naming the file and line' '
	test_when_finished "cp exports.applied exports" &&
	printf "\"/unterminated 10.1.0.1(rw)\n" >>exports &&
	test_expect_code 6 extnfs --config extnfs.conf check >out &&
	test $(grep -c ": FAILED: cannot read ${Q}$TRASH/exports${Q} line " out) = 7
'

test_done
