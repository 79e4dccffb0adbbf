#!/bin/sh
# apply with transport local: two SN trees, an external server whose / is a
# local directory, served by a real ganesha.nfsd; a second apply changes
# nothing; an emptied source is refused and the server copy stays.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

test_expect_success 'setup: model, SN trees and client files, server root, configuration' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	# Ganesha 4.3 started without any export does not pick new ones up on
	# SIGHUP: start it with one export of the server root (apply replaces it)
	cat >ext.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/ext"; Pseudo = "/seed"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }
	EOF
	cat >extnfs.conf <<-EOF
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $GANESHA_DIR/ganesha.pid
	resolve = yes
	admin = 127.0.0.1
	EOF
'

test_expect_success GANESHA 'apply fills the server from both SNs and exports exactly the plan' '
	ganesha_start "$TRASH/ext.conf" &&
	extnfs --config extnfs.conf apply >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed" out &&
	grep "^21 file(s) changed, 0 unchanged, 0 failed$" out &&
	grep "^21 directories created, 0 existed, 0 failed$" out &&
	grep "^extnfs1: exports written and reloaded$" out &&
	grep "^apply: done$" out &&
	check_all_arrived ext &&
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	test -d ext/stateliteroot/cn008/var/adm &&
	grep "nodename	= extnfs1" sn1/install/nim/root/71Bcosi_root/cn001/etc/filesystems &&
	test_cmp sn1/install/nim/root/71Bcosi_root/cn001/etc/filesystems \
		ext/install/nim/root/71Bcosi_root/cn001/etc/filesystems
'

test_expect_success GANESHA 'the served exports are the planned ones, under the server root' '
	sleep 1 &&
	ganesha_exports >got &&
	extnfs --config extnfs.conf plan >plan &&
	sed -n "/^EXPORTS/,/^\$/p" plan | awk "NF > 2 {print \"$TRASH/ext\" \$2}" | sort >want &&
	test $(wc -l <want) = 16 &&
	test_cmp want got &&
	ganesha_ls "$TRASH/ext/install/nim/root/71Bcosi_root/cn005/etc" | grep filesystems
'

test_expect_success GANESHA 'a second apply changes nothing (not even mtimes on the server)' '
	find ext -exec stat -c "%n %Y.%y %a %u" {} + | sort >before &&
	sleep 1 &&
	extnfs --config extnfs.conf apply >out &&
	grep "^0 file(s) changed, 21 unchanged, 0 failed$" out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	grep "^0 directories created, 21 existed, 0 failed$" out &&
	grep "^extnfs1: exports unchanged (not reloaded)$" out &&
	grep "^apply: nothing changed$" out &&
	find ext -exec stat -c "%n %Y.%y %a %u" {} + | sort >after &&
	test_cmp before after
'

test_expect_success GANESHA 'an emptied SN source is refused; the server copy stays; exports untouched' '
	mv sn2/install/nim/root/71Bcosi_root/cn005 cn005.away &&
	mkdir sn2/install/nim/root/71Bcosi_root/cn005 &&
	cp ext.conf exports.before &&
	test_expect_code 1 extnfs --config extnfs.conf apply >out 2>err &&
	grep "skipped: sn2 /install/nim/root/71Bcosi_root/cn005: source .* is missing or empty: not synced" out &&
	grep "some trees did not sync: exports left as they are" err &&
	echo "motd cn005" >want && test_cmp want ext/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	test_cmp exports.before ext.conf &&
	rmdir sn2/install/nim/root/71Bcosi_root/cn005 && mv cn005.away sn2/install/nim/root/71Bcosi_root/cn005
'

test_expect_success GANESHA 'a change on an SN reaches the server on the next apply, only that' '
	echo "motd cn005 v2" >sn2/install/nim/root/71Bcosi_root/cn005/etc/motd &&
	extnfs --config extnfs.conf apply >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 1 change(s)$" out &&
	echo "motd cn005 v2" >want && test_cmp want ext/install/nim/root/71Bcosi_root/cn005/etc/motd
'

test_expect_success GANESHA 'an apply for some nodes keeps every other node in the exports' '
	cp ext.conf exports.before &&
	grep -c "Path = \"$TRASH/ext/install/nim/root/71Bcosi_root/cn00[15]\"" ext.conf >n &&
	echo 2 >want && test_cmp want n &&
	extnfs --config extnfs.conf apply cn005 >out &&
	grep "^extnfs1: exports unchanged (not reloaded)$" out &&
	test_cmp exports.before ext.conf &&
	test_must_fail extnfs --config extnfs.conf exports --apply cn005 2>err &&
	grep "apply writes the server.s whole file: it takes no noderange" err &&
	test_cmp exports.before ext.conf
'

test_expect_success 'apply --dry-run changes nothing' '
	find ext sn1 sn2 -exec stat -c "%n %Y.%y %a" {} + | sort >before &&
	echo new >sn1/install/nim/spot/71Bcosi/usr/bin/new &&
	extnfs --config extnfs.conf apply --dry-run >out 2>&1 ;
	grep "^sync (dry run): " out &&
	test ! -e ext/install/nim/spot/71Bcosi/usr/bin/new &&
	rm sn1/install/nim/spot/71Bcosi/usr/bin/new
'

test_expect_success 'sync alone: per-SN summary, exit codes all/some/none' '
	extnfs --config extnfs.conf sync sn1nodes >out &&
	grep "^sn1      spot" out &&
	mv sn1 sn1.away &&
	test_expect_code 7 extnfs --config extnfs.conf sync sn1nodes >out 2>&1 &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>&1 &&
	mv sn1.away sn1
'

test_done
