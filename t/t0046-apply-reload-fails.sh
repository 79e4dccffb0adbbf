#!/bin/sh
# apply when the NFS server's reload fails (its pid file names a process
# that is gone): the new exports file is rolled back byte for byte, the
# running Ganesha keeps serving the previous exports, apply says so and
# exits 1; once the reload works, the next apply installs the exports
# and Ganesha serves them.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

conf() { # PIDFILE
	cat <<-EOF
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $1
	resolve = yes
	admin = 127.0.0.1
	EOF
}

test_expect_success GANESHA 'setup: model, SN trees, Ganesha serving a seed export' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext seed &&
	# the seed export covers another directory: the server tree is
	# reachable only once apply'"'"'s exports are in force
	cat >ext.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/seed"; Pseudo = "/seed"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }
	EOF
	cp ext.conf exports.seed &&
	ganesha_start "$TRASH/ext.conf" &&
	ganesha_ls "$TRASH/seed" >/dev/null &&
	! ganesha_ls "$TRASH/ext" &&
	sh -c "echo \$\$" >dead.pid &&
	conf "$TRASH/dead.pid" >extnfs.conf
'

test_expect_success GANESHA 'the reload fails: the exports are rolled back, Ganesha serves the old ones' '
	test_expect_code 1 extnfs --config extnfs.conf apply >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed" out &&
	echo "extnfs apply: exports of extnfs1: reload of '"'"'extnfs1'"'"' failed, previous exports restored: cannot signal the NFS server (pid $(cat dead.pid) from '"'"'$TRASH/dead.pid'"'"'): No such process" >want &&
	test_cmp want err &&
	test_cmp exports.seed ext.conf &&
	! grep "^apply: " out &&
	sleep 1 &&
	ganesha_ls "$TRASH/seed" >/dev/null &&
	! ganesha_ls "$TRASH/ext/install/nim/root/71Bcosi_root/cn005/etc"
'

test_expect_success GANESHA 'the reload works again: the next apply installs the exports, Ganesha serves them' '
	conf "$GANESHA_DIR/ganesha.pid" >extnfs.conf &&
	extnfs --config extnfs.conf apply >out 2>err &&
	grep "^extnfs1: exports written and reloaded$" out &&
	grep "^apply: done$" out &&
	test_cmp exports.seed ext.conf.extnfs-bak &&
	sleep 1 &&
	ganesha_ls "$TRASH/ext/install/nim/root/71Bcosi_root/cn005/etc" >ls.out &&
	grep motd ls.out
'

test_done
