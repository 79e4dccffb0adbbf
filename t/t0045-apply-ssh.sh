#!/bin/sh
# apply over the ssh transport, into a real Ganesha: both SNs are ssh
# hosts; the server is filled from both, exports only what the plan says
# and serves it; a second apply changes nothing (file times included).
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

test_expect_success SSHD,GANESHA 'setup: sshd, Ganesha with a seed export, model, SN trees, configuration' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	cat >ext.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/ext"; Pseudo = "/seed"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }
	EOF
	{ ssh_conf_host sn1 && ssh_conf_host sn2 && cat <<-EOF; } >extnfs.conf &&
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $GANESHA_DIR/ganesha.pid
	resolve = yes
	admin = 127.0.0.1
	EOF
	ganesha_start "$TRASH/ext.conf"
'

test_expect_success SSHD,GANESHA 'apply over ssh fills the server from both SNs and exports the plan' '
	extnfs --config extnfs.conf apply >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed" out &&
	grep "^extnfs1: exports written and reloaded$" out &&
	grep "^apply: done$" out &&
	check_all_arrived ext &&
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	grep "nodename	= extnfs1" sn2/install/nim/root/71Bcosi_root/cn005/etc/filesystems &&
	test_cmp sn2/install/nim/root/71Bcosi_root/cn005/etc/filesystems \
		ext/install/nim/root/71Bcosi_root/cn005/etc/filesystems
'

test_expect_success SSHD,GANESHA 'the exports file holds exactly the planned paths, and Ganesha serves them' '
	extnfs --config extnfs.conf plan >plan &&
	sed -n "/^EXPORTS/,/^\$/p" plan | awk "NF > 2 {print \"$TRASH/ext\" \$2}" | sort >want &&
	test $(wc -l <want) = 16 &&
	sed -n "s/.*Path = \"\([^\"]*\)\".*/\1/p" ext.conf | sort >got &&
	test_cmp want got &&
	sleep 1 &&
	ganesha_ls "$TRASH/ext/install/nim/root/71Bcosi_root/cn005/etc" >ls.out &&
	grep filesystems ls.out &&
	ganesha_ls "$TRASH/ext/install/nim/spot/71Bsr/usr/lib/boot" >ls.out &&
	grep unix_64 ls.out
'

test_expect_success SSHD,GANESHA 'a second apply over ssh changes nothing (not even mtimes)' '
	find ext -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >before &&
	cp ext.conf exports.before &&
	sleep 1 &&
	extnfs --config extnfs.conf apply >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	grep "^extnfs1: exports unchanged (not reloaded)$" out &&
	grep "^apply: nothing changed$" out &&
	find ext -exec stat -c "%n %Y.%y %a %u %i" {} + | sort >after &&
	test_cmp before after &&
	test_cmp exports.before ext.conf
'

test_expect_success SSHD,GANESHA 'redirect --undo over ssh puts the SNs back, redirect again is idempotent' '
	F=install/nim/root/71Bcosi_root/cn005/etc/filesystems &&
	extnfs --config extnfs.conf redirect --undo >out &&
	grep "^undo: 21 file(s) changed, 0 unchanged, 0 failed$" out &&
	grep "nodename	= sn2" sn2/$F && ! grep "nodename	= extnfs1" sn2/$F &&
	extnfs --config extnfs.conf redirect >out &&
	grep "^21 file(s) changed, 0 unchanged, 0 failed$" out &&
	extnfs --config extnfs.conf redirect >out &&
	grep "^0 file(s) changed, 21 unchanged, 0 failed$" out &&
	test $(grep -c extnfs1 sn2/install/nim/root/71Bcosi_root/cn005/etc/hosts) = 1
'

test_expect_success SSHD,GANESHA 'redirect with sn2 unreachable: its files fail with the reason, sn1'"'"'s are done' '
	{ ssh_conf_host sn1 && ssh_conf_host sn2 "ssh=$(ssh_cmd $SSHD_CLOSED_PORT)"; } >unreach.conf &&
	test_expect_code 1 extnfs --config unreach.conf redirect --undo >out 2>err &&
	grep "^undo: 9 file(s) changed, 0 unchanged, 12 failed$" out &&
	sed "s/^extnfs redirect: sn2 cn00[5-8]: //" err | sort -u >got &&
	echo "cannot reach sn2 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused" >want &&
	test_cmp want got &&
	extnfs --config extnfs.conf redirect >out &&
	grep "^9 file(s) changed, 12 unchanged, 0 failed$" out
'

test_done
