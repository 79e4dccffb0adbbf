#!/bin/sh
# status: when each tree was last synced and from which SN, drift of the SN
# copy since, the last attempt when it failed, and whether the SNs answer.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

Q="'"
R=/install/nim/root/71Bcosi_root

test_expect_success 'setup: model, SN trees and client files, a server root' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	EOF
'

test_expect_success 'before any sync: every tree never synced, exit 1' '
	test_expect_code 1 extnfs --config extnfs.conf status >out &&
	test $(grep -c " never  *unknown: never synced$" out) = 12 &&
	tail -n 1 out >got &&
	echo "status: 12 tree(s): 0 synced, 0 drifted; 2 SN(s): 2 reachable" >want &&
	test_cmp want got
'

test_expect_success 'after a sync: every tree synced from its SN, no drift, SNs reachable, exit 0' '
	extnfs --config extnfs.conf sync >/dev/null &&
	extnfs --config extnfs.conf status >out &&
	grep "^root  *$R/cn005  *extnfs1  *sn2  *20[0-9-]* [0-9:]* UTC no$" out &&
	grep "^client_data  *.*/etc/.client_data (\*.cn007)  *extnfs1  *sn2  .* UTC no$" out &&
	test $(grep -c " UTC no$" out) = 12 &&
	grep "^sn1  *reachable (local)$" out &&
	grep "^sn2  *reachable (local)$" out &&
	tail -n 1 out >got &&
	echo "status: 12 tree(s): 12 synced, 0 drifted; 2 SN(s): 2 reachable" >want &&
	test_cmp want got
'

test_expect_success 'an SN copy changed after the sync: drift on that tree only, exit 1' '
	echo "motd cn005 v2" >sn2$R/cn005/etc/motd &&
	test_expect_code 1 extnfs --config extnfs.conf status >out &&
	grep " yes: " out >got &&
	test $(wc -l <got) = 1 &&
	grep "^root  *$R/cn005  *extnfs1  *sn2  .* UTC yes: ${Q}etc/motd${Q}: size 14 on sn2, 11 on extnfs1$" got &&
	tail -n 1 out | grep "^status: 12 tree(s): 12 synced, 1 drifted; 2 SN(s): 2 reachable$" &&
	extnfs --config extnfs.conf sync cn005 >/dev/null &&
	extnfs --config extnfs.conf status >out
'

test_expect_success 'a skipped sync keeps the last success and shows the attempt' '
	mv sn2$R/cn005 cn005.away && mkdir sn2$R/cn005 &&
	test_when_finished "rmdir sn2$R/cn005 && mv cn005.away sn2$R/cn005 && extnfs --config extnfs.conf sync" &&
	test_expect_code 1 extnfs --config extnfs.conf sync cn005 >/dev/null &&
	test_expect_code 1 extnfs --config extnfs.conf status cn005 >out &&
	grep "^root  *$R/cn005  *extnfs1  *sn2  .* UTC yes: ${Q}etc${Q} is on extnfs1 but not on sn2$" out &&
	grep "^  *last attempt skipped: source ${Q}$TRASH/sn2$R/cn005${Q} is missing or empty: not synced$" out
'

test_expect_success 'an unreachable ssh SN is said so, its drift unknown' '
	sed "s|^root = $TRASH/sn2|transport = ssh\naddress = 127.0.0.1\nuser = nobody-extnfs-test|" extnfs.conf >ssh.conf &&
	grep "^transport = ssh" ssh.conf &&
	test_expect_code 1 extnfs --config ssh.conf status >out &&
	grep "^sn2  *unreachable: ${Q}ssh 127.0.0.1 true${Q} failed (exit 255)$" out &&
	grep "^root  *$R/cn005  .* UTC unknown: sn2 is not a local host$" out &&
	tail -n 1 out | grep "^status: 12 tree(s): 12 synced, 0 drifted; 2 SN(s): 1 reachable$"
'

test_expect_success 'status --json' '
	extnfs --config extnfs.conf --json status >out.json &&
	python3 -c "
import json
j = json.load(open(\"out.json\"))
assert j[\"summary\"] == {\"trees\": 12, \"synced\": 12, \"drifted\": 0, \"sns\": 2, \"reachable\": 2}, j[\"summary\"]
t = [x for x in j[\"trees\"] if x[\"path\"].endswith(\"/cn005\")][0]
assert t[\"from\"] == \"sn2\" and t[\"drift\"] == \"no\" and t[\"last_attempt\"] == \"ok\", t
assert isinstance(t[\"synced_at\"], int)
assert [s[\"sn\"] for s in j[\"sns\"]] == [\"sn1\", \"sn2\"]
"
'

test_done
