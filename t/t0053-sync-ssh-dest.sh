#!/bin/sh
# sync into an ssh:// destination: local SNs, the external server reached
# through a real sshd on loopback, each job run by the agent with rsync
# over ssh ([server] ssh carries the key and port). The server is filled
# exactly, a second sync changes nothing, a change travels, the SNs'
# .client_data jobs leave each other's files and the directory's times,
# mode and owner alone, an emptied source is skipped, an unreachable server fails each
# job with ssh's reason. statelite --prepare over ssh:// makes what a local
# dest gets, in one ssh session per server.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-sshd.sh"

R=install/nim/root/71Bcosi_root/cn005
CD=install/nim/shared_root/71Bsl_shared_root/etc/.client_data

conf() { # PORT
	printf "[host sn1]\nroot = %s\n[host sn2]\nroot = %s\n" "$TRASH/sn1" "$TRASH/sn2" &&
	printf "[server extnfs1]\ndest = ssh://127.0.0.1%s/ext/\nssh = %s\n" "$TRASH" "$(ssh_cmd $1)"
}

snapshot() { find ext -exec stat -c "%n %Y.%y %a %u %g %s" {} + | sort; }

test_expect_success SSHD 'setup: sshd, model, SN trees, an ssh:// destination' '
	sshd_start &&
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	# rsync takes a directory time within the same second as the one it
	# has (nanoseconds apart) for equal: times from the past, as on an SN
	find sn1 sn2 -exec touch -h -d "2026-01-02 03:04:05.678901234" {} + &&
	conf $SSHD_PORT >extnfs.conf
'

test_expect_success SSHD 'a bad ssh:// dest is refused with its line' '
	printf "[server x]\ndest = ssh://hostonly\n" >bad.conf &&
	test_expect_code 2 extnfs --config bad.conf sync >out 2>err &&
	echo "extnfs sync: cannot read '"'"'bad.conf'"'"' line 2: dest ssh:// is ssh://[user@]host[:port]/path, not '"'"'ssh://hostonly'"'"'" >want &&
	test_cmp want err
'

test_expect_success SSHD 'sync into ssh:// fills the server from both SNs, its parents made' '
	extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived ext &&
	test ! -e ext/install/nim/root/71Bcosi_root/cn002 &&
	compare_trees sn1/install/nim/spot/71Bcosi/usr ext/install/nim/spot/71Bcosi/usr &&
	compare_trees sn2/install/nim/spot/71Bsr/usr ext/install/nim/spot/71Bsr/usr &&
	compare_trees sn1/install/nim/root/71Bcosi_root/cn001 ext/install/nim/root/71Bcosi_root/cn001 &&
	compare_trees sn2/$R ext/$R &&
	ls ext/$CD >got &&
	cat >want <<-EOF &&
	filesystems.cn003
	filesystems.cn004
	filesystems.cn007
	filesystems.cn008
	hosts.cn003
	hosts.cn004
	hosts.cn007
	hosts.cn008
	niminfo.cn003
	niminfo.cn004
	niminfo.cn007
	niminfo.cn008
	resolv.conf.cn003
	resolv.conf.cn004
	resolv.conf.cn007
	resolv.conf.cn008
	EOF
	test_cmp want got
'

test_expect_success SSHD 'a second sync changes nothing, times of every entry identical' '
	snapshot >before &&
	sleep 1 &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	snapshot >after &&
	test_cmp before after &&
	# the .client_data jobs of both SNs leave its times to the shared_root job (sn1)
	stat -c %y sn1/$CD ext/$CD >got &&
	test $(sort -u got | wc -l) = 1
'

test_expect_success SSHD 'sn2'"'"'s .client_data with another mode and owner: the server keeps sn1'"'"'s' '
	chmod 2711 sn2/$CD && chown 1234:5678 sn2/$CD &&
	test_when_finished "chown 0:0 sn2/$CD && chmod u=rwx,go=rx,g-s sn2/$CD" &&
	extnfs --config extnfs.conf sync >out &&
	stat -c "%a %u %g" sn1/$CD >want &&
	stat -c "%a %u %g" ext/$CD >got &&
	test_cmp want got &&
	snapshot >before &&
	extnfs --config extnfs.conf sync >out &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success SSHD 'a change on an SN travels, and only it' '
	echo "motd cn005 v2" >sn2/$R/etc/motd &&
	echo "resolv cn007 v2" >sn2/$CD/resolv.conf.cn007 &&
	rm sn1/$CD/niminfo.cn004 &&
	test_when_finished "echo \"niminfo cn004\" >sn1/$CD/niminfo.cn004" &&
	snapshot >before &&
	# one deletion among the few files of sn1'"'"'s .client_data job is more
	# than the default 10 %: allowed by count, as the guard asks
	extnfs --config extnfs.conf sync --max-delete 1 >out &&
	# the three, and the time of sn1'"'"'s .client_data (its shared_root job)
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 4 change(s)" out &&
	grep "^sn1      shared_root       1        0       0        1$" out &&
	compare_trees sn2/$R ext/$R &&
	test_cmp sn2/$CD/resolv.conf.cn007 ext/$CD/resolv.conf.cn007 &&
	test ! -e ext/$CD/niminfo.cn004 &&
	test_cmp sn1/$CD/niminfo.cn003 ext/$CD/niminfo.cn003 &&
	test_cmp sn2/$CD/niminfo.cn008 ext/$CD/niminfo.cn008 &&
	snapshot >before &&
	extnfs --config extnfs.conf sync >out &&
	grep "0 change(s): nothing changed$" out &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success SSHD 'sync --dry-run reports a change and makes none' '
	extnfs --config extnfs.conf sync >out &&
	echo "motd cn001 v2" >sn1/install/nim/root/71Bcosi_root/cn001/etc/motd &&
	snapshot >before &&
	extnfs --config extnfs.conf sync --dry-run >out &&
	grep "^sync (dry run): 12 job(s): 12 ok, 0 skipped, 0 failed; 1 change(s)$" out &&
	grep "^sn1      root              1        0       0        1$" out &&
	snapshot >after &&
	test_cmp before after &&
	extnfs --config extnfs.conf sync >out &&
	test_cmp sn1/install/nim/root/71Bcosi_root/cn001/etc/motd ext/install/nim/root/71Bcosi_root/cn001/etc/motd
'

test_expect_success SSHD 'the deletion guards hold over ssh://: refused before anything changes' '
	rm sn2/$R/etc/hosts sn2/$R/etc/filesystems &&
	snapshot >before &&
	refused="refusing to delete 2 of 4 entries under '"'"'ssh://127.0.0.1$TRASH/ext/$R'"'"'" &&
	test_expect_code 1 extnfs --config extnfs.conf sync --max-delete 1 >out 2>err &&
	grep -x "failed:  sn2 /$R: $refused (limit 1); nothing was changed: check the source, or use --max-delete or --force: not synced" out &&
	grep "^sync: 12 job(s): 11 ok, 0 skipped, 1 failed; 0 change(s)$" out &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep -x "failed:  sn2 /$R: $refused (limit 0, 10 %); nothing was changed: check the source, or use --max-delete or --force: not synced" out &&
	extnfs --config extnfs.conf sync --dry-run >out 2>err || true &&
	grep "^failed:  sn2 /$R: $refused" out &&
	snapshot >after &&
	test_cmp before after &&
	extnfs --config extnfs.conf sync --max-delete 2 >out &&
	compare_trees sn2/$R ext/$R
'

test_expect_success SSHD 'an emptied source is skipped, the server copy intact' '
	extnfs --config extnfs.conf sync >out &&
	snapshot >before &&
	mv sn2/$R cn005.away && mkdir sn2/$R &&
	test_when_finished "rmdir sn2/$R && mv cn005.away sn2/$R" &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 11 ok, 1 skipped, 0 failed; 0 change(s)$" out &&
	grep "^skipped" out >got &&
	echo "skipped: sn2 /$R: source '"'"'$TRASH/sn2/$R'"'"' is missing or empty: not synced" >want &&
	test_cmp want got &&
	snapshot >after &&
	test_cmp before after
'

test_expect_success SSHD 'an unreachable server fails each job with ssh'"'"'s reason' '
	conf $SSHD_CLOSED_PORT >closed.conf &&
	snapshot >before &&
	test_expect_code 7 extnfs --config closed.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 0 ok, 0 skipped, 12 failed" out &&
	grep "^failed:  sn2 /$R: " out >got &&
	echo "failed:  sn2 /$R: cannot reach 127.0.0.1 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused" >want &&
	test_cmp want got &&
	test $(grep -c "^failed:  sn[12] /[^ ]*: cannot reach 127.0.0.1 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused$" out) = 12 &&
	snapshot >after &&
	test_cmp before after
'

# statelite_state DIR: the statelite trees under DIR with mode and owner
statelite_state() {
	(cd "$1" && find stateliteroot statelite -exec stat -c "%n %F %a %u %g" {} + | sort)
}

test_expect_success SSHD 'statelite --prepare --dry-run over ssh:// says what it would make, makes nothing' '
	conf $SSHD_PORT >extnfs.conf &&
	extnfs --config extnfs.conf statelite --prepare --dry-run >out 2>err &&
	grep "^21 directories would be created, 0 existed, 0 failed$" out &&
	test ! -e ext/stateliteroot && test ! -e ext/statelite
'

test_expect_success SSHD 'statelite --prepare over ssh:// makes what a local dest gets, in one ssh session' '
	printf "[server extnfs1]\ndest = %s/ref\n" "$TRASH" >ref.conf && mkdir ref &&
	extnfs --config ref.conf statelite --prepare >ref.out &&
	grep "^21 directories created, 0 existed, 0 failed$" ref.out &&
	extnfs --config extnfs.conf statelite --prepare >out 2>err &&
	grep "^21 directories created, 0 existed, 0 failed$" out &&
	statelite_state ref >want &&
	test $(wc -l <want) -ge 21 &&
	statelite_state ext >got &&
	test_cmp want got
'

test_expect_success SSHD 'a second --prepare over ssh:// finds them all and touches nothing' '
	find ext/stateliteroot ext/statelite -exec stat -c "%n %y %z" {} + | sort >before &&
	extnfs --config extnfs.conf statelite --prepare >out 2>err &&
	grep "^0 directories created, 21 existed, 0 failed$" out &&
	find ext/stateliteroot ext/statelite -exec stat -c "%n %y %z" {} + | sort >after &&
	test_cmp before after
'

test_expect_success SSHD 'over ssh://, a symlink in the way is refused and its target untouched' '
	rm -rf ext/stateliteroot/cn007 && mkdir victim &&
	ln -s "$TRASH/victim" ext/stateliteroot/cn007 &&
	test_expect_code 1 extnfs --config extnfs.conf statelite --prepare >out 2>err &&
	grep "^0 directories created, 17 existed, 4 failed$" out &&
	grep -x "extnfs statelite: extnfs1 /stateliteroot/cn007: cannot create '"'"'/stateliteroot/cn007'"'"': '"'"'cn007'"'"' is in the way: not a directory (or a symbolic link)" err &&
	test $(grep -c "^extnfs statelite: extnfs1 /stateliteroot/cn007.*is in the way" err) = 4 &&
	test -z "$(ls victim)"
'

test_expect_success SSHD 'over ssh://, an unreachable server fails each directory with ssh'"'"'s reason' '
	conf $SSHD_CLOSED_PORT >closed.conf &&
	test_expect_code 7 extnfs --config closed.conf statelite --prepare >out 2>err &&
	grep "^0 directories created, 0 existed, 21 failed$" out &&
	test $(grep -c "^extnfs statelite: extnfs1 /[^ ]*: cannot reach 127.0.0.1 over ssh: ssh: connect to host 127.0.0.1 port $SSHD_CLOSED_PORT: Connection refused$" err) = 21
'

test_done
