#!/bin/sh
# extnfs copy to nfs:// (libnfs, against a real NFS-Ganesha) makes the same
# tree as rsync -aHS --numeric-ids makes locally, read back from the
# directory Ganesha exports: the cases of t0021 (every kind of entry, then
# each kind of change a re-sync must carry).
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-nfs.sh"

DST=$(nfs_url export/dst)

both() {
	extnfs copy "$@" src "$DST" || return 1
	sleep 1
	_ropts=
	for _o in "$@"; do
		case $_o in
		-c | --checksum) _ropts="$_ropts --checksum" ;;
		--delete) _ropts="$_ropts --delete" ;;
		esac
	done
	# shellcheck disable=SC2086
	rsync -aHS --numeric-ids $_ropts src/ ref/ || return 1
	compare_trees $NFS_CMP ref export/dst
}

test_expect_success GANESHA 'setup: Ganesha and an OS-like tree' '
	nfs_setup &&
	make_os_tree src 120
'

test_expect_success GANESHA 'the first copy is identical to rsync -aHS --numeric-ids' '
	both &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'a second copy changes nothing' '
	tree_state export/dst >before &&
	extnfs copy src "$DST" >out &&
	grep "^0 created, 0 updated, 0 metadata-only, 0 deleted, 0 failed" out &&
	tree_state export/dst >after &&
	compare_states before after
'

# Ganesha cannot set a symlink's own times (the probe finds out): they are
# not compared, so reading the tree back finds nothing to do
test_expect_success GANESHA 'a --verify run reads the tree back and changes nothing' '
	extnfs copy --verify src "$DST" >out &&
	grep "^0 created, 0 updated, 0 metadata-only, 0 deleted, 0 failed" out &&
	tree_state export/dst >after &&
	compare_states before after
'

test_expect_success GANESHA 'content changed with the same size and mtime: only --checksum sees it' '
	f=src/usr/share/pkg03/file0010 &&
	touch -r $f stamp &&
	tr "0-9" "1-90" <$f >tmp && cat tmp >$f && touch -r stamp $f &&
	both &&
	test_must_fail compare_trees $NFS_CMP src export/dst &&
	both --checksum &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'mode, mtime and special bits changes' '
	chmod 0600 src/etc/filesystems &&
	chmod u-s src/usr/bin/passwd &&
	chmod 4711 src/usr/share/pkg01/file0001 &&
	chmod 0700 src/usr/share/pkg02 &&
	touch -d @1700000000.000000007 src/usr/share/pkg04/file0004 &&
	both &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'owner and group changes (numeric)' '
	chown 4242:4343 src/etc/filesystems &&
	chown 0:77 src/usr/share/pkg05/file0005 &&
	chown -h 7:8 src/etc/dangling-abs &&
	chown 31337 src/usr/share/pkg06 &&
	chmod 2755 src/usr/bin/wall && chown 0:0 src/usr/bin/wall && chmod 2755 src/usr/bin/wall &&
	both &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'new, grown and shrunk files; hard links made and broken' '
	det_content new 5000 >src/usr/share/pkg00/new-file &&
	det_content grown 90000 >>src/usr/share/pkg01/file0008 &&
	head -c 10 src/usr/share/pkg02/file0009 >tmp && cat tmp >src/usr/share/pkg02/file0009 &&
	det_content dir-v2 12000 >tmp && mv tmp src/usr/bin/dir &&
	ln src/usr/share/pkg00/new-file src/usr/share/pkg05/new-link &&
	ln -f src/usr/lib/libc.a src/usr/share/pkg06/file0006 &&
	both &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'hard links broken and made with nothing else changed' '
	cp -p src/etc/hosts tmp && mv tmp src/etc/hosts &&
	touch -d @1600000500.5 src/etc &&
	rm src/usr/share/pkg04/file0011 && ln src/usr/share/pkg04/file0004 src/usr/share/pkg04/file0011 &&
	touch -d @1700000000 src/usr/share/pkg04 &&
	extnfs copy src "$DST" &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'type changes: file to dir, dir to symlink, symlink to file, fifo to file' '
	rm src/etc/hosts.hardlink && mkdir src/etc/hosts.hardlink &&
	det_content inside 100 >src/etc/hosts.hardlink/inside &&
	rm -rf src/usr/share/pkg01 && ln -s pkg00 src/usr/share/pkg01 &&
	rm src/etc/dangling-rel && det_content was-link 200 >src/etc/dangling-rel &&
	rm src/dev/initctl && det_content was-fifo 300 >src/dev/initctl &&
	rm src/usr/lib/libc.a && ln -s /usr/lib src/usr/lib/libc.a &&
	both --delete --force &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'deletions: kept without --delete, made with --delete' '
	rm -rf src/usr/share/pkg02 src/deep/d/d src/etc/loop-a src/bin/sh &&
	rm "src/$(printf "new\\nline")" &&
	both &&
	test -d export/dst/usr/share/pkg02 && test -f export/dst/bin/sh &&
	test -d export/dst/deep/d/d &&
	both --delete --force &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'back to the original tree in one run' '
	rm -rf src && make_os_tree src 120 &&
	both --delete --force --checksum &&
	compare_trees $NFS_CMP src export/dst
'

test_expect_success GANESHA 'the manifest is keyed by the normalised URL' '
	sqlite3 "$EXTNFS_DB" "select distinct root from manifest" >roots &&
	echo "nfs://127.0.0.1:$GANESHA_NFS_PORT$TRASH/export/dst" >expect &&
	test_cmp expect roots
'

test_done
