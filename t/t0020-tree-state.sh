#!/bin/sh
# compare_trees (t/helper/tree-state) and make_os_tree, on their own: exact
# copies made by rsync -aHS --numeric-ids and cp -a compare equal, and every
# kind of damage a replication engine could do is caught. The copy tests
# (t0021..t0029) rely on this.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

test_expect_success 'make_os_tree is deterministic' '
	make_os_tree a 40 &&
	make_os_tree b 40 &&
	compare_trees a b
'

test_expect_success 'the tree holds what an OS image holds' '
	tree_state a >state &&
	grep "^usr/bin/passwd type=f mode=4755 " state &&
	grep "^usr/bin/wall type=f mode=2755 " state &&
	grep "^tmp type=d mode=1777 " state &&
	grep "^usr/bin/dir .* link=bin/ls " state &&
	grep "^etc/passwd-outside type=l .* target=/etc/passwd$" state &&
	grep "^etc/dangling-rel type=l .* target=../missing$" state &&
	grep "^dev/initctl type=p " state &&
	grep "^new\\\\x0aline type=f " state &&
	grep "^bad\\\\xff\\\\xfeutf8 type=f " state &&
	grep "^-rf type=f " state &&
	grep "^var/adm/paging type=f .* size=16777216 .*alloc=map:131072:2$" state &&
	grep "^deep\(/d\)\{199\}/bottom type=f " state &&
	long=$(grep "^long/.* type=f " state | cut -d" " -f1) &&
	test ${#long} -gt 3900
'

test_expect_success ROOT 'as root: device nodes and odd owners' '
	grep "^dev/null type=c .* rdev=1:3$" state &&
	grep "^dev/hd0 type=b .* rdev=8:0$" state &&
	grep "^usr/lib/libc.a type=f mode=0644 uid=1234 gid=5678 " state &&
	grep "^bin/ls-rel type=l mode=0777 uid=99 gid=98 " state
'

test_expect_success 'rsync -aHS --numeric-ids and cp -a copies compare equal' '
	rsync -aHS --numeric-ids a/ r/ &&
	compare_trees a r &&
	cp -a a c &&
	compare_trees a c
'

# broken TITLE 'commands run inside a fresh exact copy x/': compare must
# fail. Directory times are put back afterwards, so only the damage shows.
broken() {
	broken_cmd=$2
	test_expect_success "detects: $1" '
		rm -rf x && rsync -aHS --numeric-ids a/ x/ &&
		compare_trees a x &&
		(cd x && eval "$broken_cmd" && find . -type d -exec touch -d @1600000500.5 {} +) &&
		test_must_fail compare_trees a x >out &&
		cat out &&
		grep "^[-+]" out
	'
}

broken 'content changed, same size and mtime' '
	printf X | dd of=etc/filesystems bs=1 seek=10 conv=notrunc 2>/dev/null &&
	touch -d @1600000000.123456789 etc/filesystems'
broken 'mode changed' 'chmod 0600 etc/filesystems'
broken 'setuid bit lost' 'chmod u-s usr/bin/passwd'
broken 'sticky bit lost' 'chmod -t tmp'
broken 'mtime off by one nanosecond' 'touch -d @1600000000.123456790 etc/filesystems'
broken 'symlink mtime changed' 'touch -h -d @1600000001 lib'
broken 'symlink target changed' 'ln -sfn usr/bin lib'
broken 'symlink followed (became a directory)' 'rm lib && cp -a usr/lib lib'
broken 'hard link broken' 'cp -p usr/bin/dir d.tmp && mv d.tmp usr/bin/dir'
broken 'hard link added' 'rm etc/filesystems && ln usr/lib/libc.a etc/filesystems'
broken 'extra file' 'echo x >extra'
broken 'missing file' 'rm usr/share/pkg00/file0007'
broken 'file became a directory' 'rm etc/hosts.hardlink && mkdir etc/hosts.hardlink'
broken 'fifo became a regular file' 'rm dev/initctl && : >dev/initctl && touch -d @1600000000.123456789 dev/initctl'
broken 'sparse file filled in' 'cp --sparse=never var/adm/paging p.tmp && touch -r var/adm/paging p.tmp &&
	mv p.tmp var/adm/paging'
broken 'a name with a newline renamed to its escaped spelling' 'mv "$(printf "new\\nline")" "new\\x0aline"'
broken 'temporary file left behind' 'echo partial >usr/bin/.ls.tmp123'

test_expect_success ROOT 'detects: owner and group changes, device numbers' '
	rm -rf x && rsync -aHS --numeric-ids a/ x/ &&
	chown 1235 x/usr/lib/libc.a &&
	test_must_fail compare_trees a x &&
	chown 1234:5679 x/usr/lib/libc.a &&
	test_must_fail compare_trees a x &&
	chown 1234:5678 x/usr/lib/libc.a && compare_trees a x &&
	chown -h 0:0 x/bin/ls-rel && test_must_fail compare_trees a x &&
	chown -h 99:98 x/bin/ls-rel && compare_trees a x &&
	rm x/dev/null && mknod x/dev/null c 1 5 && touch -h -d @1600000000.123456789 x/dev/null &&
	touch -d @1600000500.5 x/dev && test_must_fail compare_trees a x
'

test_expect_success 'detects: directory times, the root directory time' '
	rm -rf x && rsync -aHS --numeric-ids a/ x/ &&
	touch -d @1600000500.6 x/usr/share &&
	test_must_fail compare_trees a x &&
	touch -d @1600000500.5 x/usr/share && compare_trees a x &&
	touch -d @1600000000 x &&
	test_must_fail compare_trees a x
'

test_expect_success 'rsync without -H or without -S is caught' '
	rm -rf x && rsync -aS --numeric-ids a/ x/ &&
	test_must_fail compare_trees a x >out && grep "link=" out &&
	rm -rf x && rsync -aH --numeric-ids a/ x/ &&
	test_must_fail compare_trees a x >out && grep "var/adm/paging" out
'

test_expect_success 'fields can be left out' '
	rm -rf x && rsync -aHS --numeric-ids a/ x/ &&
	touch -d @1 x &&
	test_must_fail compare_trees a x &&
	compare_trees --ignore=root-mtime a x &&
	touch -d @1 x/usr &&
	compare_trees --ignore=dir-mtime a x &&
	chmod 0600 x/etc/filesystems &&
	compare_trees --ignore=dir-mtime,mode a x
'

test_expect_success 'tree-state fails on a missing directory and on bad usage' '
	test_expect_code 1 "$TREE_STATE" nowhere &&
	test_expect_code 2 "$TREE_STATE" --ignore=colour a &&
	test_expect_code 2 "$TREE_STATE"
'

test_expect_success 'selfsum files: intact ones pass, torn ones fail' '
	make_selfsum_file f1 64 1 &&
	check_selfsum f1 &&
	make_selfsum_file f2 64 2 &&
	head -c 30000 f1 >torn && tail -c +30001 f2 >>torn &&
	test_must_fail check_selfsum torn &&
	head -c 50000 f1 >short && test_must_fail check_selfsum short
'

test_done
