#!/bin/sh
# exports --apply for a server reached over ssh ([server] control): the
# exports file is read, backed up, written (a temporary file renamed into
# place) and the server reloaded by commands run on the control host over
# ssh, never on this machine's files directly. A failed reload there puts
# the previous file back; an unreachable control host changes nothing.
# The "server" is this machine behind a loopback sshd; an ssh wrapper logs
# every command sent, which proves where the work went.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

# logssh NAME PORT: an ssh command that logs each remote command to ssh.log
logssh() {
	printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$*\" >>\"%s\"\nexec %s \"\$@\"\n" \
		"$TRASH/ssh.log" "$(ssh_cmd $2)" >$1 &&
	chmod +x $1
}

conf() { # PIDFILE [closed]: the control host on sshd, or on a closed port
	cat <<-EOF
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	control = ssh://127.0.0.1/
	ssh = $TRASH/logssh${2:+-closed}
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $1
	resolve = yes
	admin = 127.0.0.1
	EOF
}

test_expect_success GANESHA,SSHD 'setup: sshd, model, Ganesha serving a seed export' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext seed &&
	logssh logssh $SSHD_PORT &&
	logssh logssh-closed $SSHD_CLOSED_PORT &&
	cat >ext.conf <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/seed"; Pseudo = "/seed"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }
	EOF
	cp ext.conf exports.seed &&
	ganesha_start "$TRASH/ext.conf" &&
	conf "$GANESHA_DIR/ganesha.pid" >extnfs.conf &&
	extnfs --config extnfs.conf sync >/dev/null &&
	! ganesha_ls "$TRASH/ext" &&
	sh -c "echo \$\$" >dead.pid
'

test_expect_success GANESHA,SSHD 'a bad control value, a line too long: refused with their line' '
	printf "[server x]\ncontrol = root@ces1\n" >bad.conf &&
	test_expect_code 2 extnfs --config bad.conf exports --apply >out 2>err &&
	echo "extnfs exports: cannot read '"'"'bad.conf'"'"' line 2: control is ssh://[user@]host[:port]/, not '"'"'root@ces1'"'"'" >want &&
	test_cmp want err &&
	# inih reads at most 198 characters a line: a longer one is named, not
	# cut in two (the rest was taken for the next line)
	printf "[server x]\nssh = %s\n" "$(printf "%0192d" 0)" >ok.conf &&
	extnfs --config ok.conf plan >/dev/null &&
	printf "[server x]\nssh = %s\n[server y]\n" "$(printf "%0193d" 0)" >long.conf &&
	test_expect_code 2 extnfs --config long.conf plan >out 2>err &&
	echo "extnfs plan: cannot read '"'"'long.conf'"'"' line 2: longer than 198 characters, the most a line may have" >want &&
	test_cmp want err
'

test_expect_success GANESHA,SSHD 'the reload over ssh fails: the previous file is put back, Ganesha keeps it' '
	conf "$TRASH/dead.pid" >extnfs.conf &&
	: >ssh.log &&
	test_expect_code 7 extnfs --config extnfs.conf exports --apply >out 2>err &&
	echo "extnfs exports: reload of '"'"'extnfs1'"'"' failed, previous exports restored: signalling the NFS server (pid from '"'"'$TRASH/dead.pid'"'"') failed (exit 1): extnfs: 1: kill: No such process" >want &&
	test_cmp want err &&
	test_cmp exports.seed ext.conf &&
	test $(grep -c "127.0.0.1 sh -c" ssh.log) -ge 5 &&
	grep "kill -HUP" ssh.log &&
	ganesha_ls "$TRASH/seed" >/dev/null &&
	! ganesha_ls "$TRASH/ext"
'

test_expect_success GANESHA,SSHD 'exports --apply over ssh writes, keeps a backup and reloads Ganesha' '
	conf "$GANESHA_DIR/ganesha.pid" >extnfs.conf &&
	extnfs --config extnfs.conf exports >want.conf &&
	: >ssh.log &&
	extnfs --config extnfs.conf exports --apply >out 2>err &&
	echo "extnfs1: exports written and reloaded ($TRASH/ext.conf)" >want &&
	cat out && grep "^extnfs1: exports written and reloaded" out &&
	test_cmp want.conf ext.conf &&
	test_cmp exports.seed ext.conf.extnfs-bak &&
	# read, backup, write, reload: four commands, all over ssh
	test $(wc -l <ssh.log) = 4 &&
	test $(grep -c "127.0.0.1 sh -c" ssh.log) = 4 &&
	! ls ext.conf.extnfs-tmp.* 2>/dev/null &&
	sleep 1 &&
	ganesha_ls "$TRASH/ext/install/nim/root/71Bcosi_root/cn005/etc" >ls.out &&
	grep motd ls.out
'

test_expect_success GANESHA,SSHD 'the same exports again: read over ssh, not written, not reloaded' '
	cp ext.conf before.conf &&
	: >ssh.log &&
	extnfs --config extnfs.conf exports --apply >out 2>err &&
	grep "^extnfs1: exports unchanged (not reloaded)" out &&
	test $(wc -l <ssh.log) = 1 &&
	test_cmp before.conf ext.conf
'

test_expect_success GANESHA,SSHD 'check reads the exports back over ssh' '
	: >ssh.log &&
	extnfs --config extnfs.conf check >out 2>err;
	cat out err &&
	! grep "cannot be read" out &&
	grep "printf y" ssh.log
'

test_expect_success GANESHA,SSHD 'the control host unreachable: ssh says why, nothing changes' '
	conf "$GANESHA_DIR/ganesha.pid" closed >extnfs.conf &&
	printf "# changed\n" >>ext.conf && cp ext.conf before.conf &&
	test_expect_code 7 extnfs --config extnfs.conf exports --apply >out 2>err &&
	cat err &&
	grep "^extnfs exports: cannot reach 127.0.0.1 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused" err &&
	test_cmp before.conf ext.conf
'

test_done
