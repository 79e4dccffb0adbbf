#!/bin/sh
# extnfs copy makes the same tree as rsync -aHS --numeric-ids: on a tree
# with every kind of entry an OS image holds, and after each kind of change
# a re-sync must carry (content, mode, owner, times, hard links, type
# changes, deletions).
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# both [copy options]: extnfs copy src dst and the equivalent rsync src/ ref/,
# then dst must equal ref (and, when the options make an exact copy, src).
# rsync (3.5.0 here) compares directory and symlink times to the second: one
# whose source changed within the same second as the destination's is left
# with the wrong time, so rsync runs a second after the changes.
both() {
	extnfs copy "$@" src dst || return 1
	sleep 1
	_ropts=
	for _o in "$@"; do
		case $_o in
		-c | --checksum) _ropts="$_ropts --checksum" ;;
		--delete) _ropts="$_ropts --delete" ;;
		esac # --force: the deletion limit is extnfs's own
	done
	# shellcheck disable=SC2086
	rsync -aHS --numeric-ids $_ropts src/ ref/ || return 1
	compare_trees ref dst
}

test_expect_success 'setup: an OS-like tree' '
	make_os_tree src 120
'

test_expect_success 'the first copy is identical to rsync -aHS --numeric-ids' '
	both &&
	compare_trees src dst
'

test_expect_success 'a second copy changes nothing' '
	tree_state dst >before &&
	extnfs copy src dst &&
	tree_state dst >after &&
	compare_states before after
'

test_expect_success 'content changed with the same size and mtime: only --checksum sees it' '
	f=src/usr/share/pkg03/file0010 &&
	touch -r $f stamp &&
	tr "0-9" "1-90" <$f >tmp && cat tmp >$f && touch -r stamp $f &&
	! cmp -s $f dst/usr/share/pkg03/file0010 &&
	both &&
	test_must_fail compare_trees src dst &&
	both --checksum &&
	compare_trees src dst
'

test_expect_success 'mode, mtime and special bits changes' '
	chmod 0600 src/etc/filesystems &&
	chmod u-s src/usr/bin/passwd &&
	chmod 4711 src/usr/share/pkg01/file0001 &&
	chmod 0700 src/usr/share/pkg02 &&
	touch -d @1700000000.000000007 src/usr/share/pkg04/file0004 &&
	touch -h -d @1700000000.5 src/lib &&
	both &&
	compare_trees src dst
'

test_expect_success ROOT 'owner and group changes (numeric)' '
	chown 4242:4343 src/etc/filesystems &&
	chown 0:77 src/usr/share/pkg05/file0005 &&
	chown -h 7:8 src/etc/dangling-abs &&
	chown 31337 src/usr/share/pkg06 &&
	chmod 2755 src/usr/bin/wall && chown 0:0 src/usr/bin/wall && chmod 2755 src/usr/bin/wall &&
	both &&
	compare_trees src dst
'

test_expect_success 'new, grown and shrunk files; hard links made and broken' '
	det_content new 5000 >src/usr/share/pkg00/new-file &&
	det_content grown 90000 >>src/usr/share/pkg01/file0008 &&
	head -c 10 src/usr/share/pkg02/file0009 >tmp && cat tmp >src/usr/share/pkg02/file0009 &&
	det_content dir-v2 12000 >tmp && mv tmp src/usr/bin/dir &&
	ln src/usr/share/pkg00/new-file src/usr/share/pkg05/new-link &&
	ln -f src/usr/lib/libc.a src/usr/share/pkg06/file0006 &&
	both &&
	compare_trees src dst
'

# rsync does not see these (its quick check looks at each name alone): the
# link structure is part of an exact replica all the same
test_expect_success 'hard links broken and made with nothing else changed' '
	cp -p src/etc/hosts tmp && mv tmp src/etc/hosts &&
	touch -d @1600000500.5 src/etc &&
	rm src/usr/share/pkg04/file0011 && ln src/usr/share/pkg04/file0004 src/usr/share/pkg04/file0011 &&
	touch -d @1700000000 src/usr/share/pkg04 &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success 'type changes: file to dir, dir to symlink, symlink to file, fifo to file' '
	rm src/etc/hosts.hardlink && mkdir src/etc/hosts.hardlink &&
	det_content inside 100 >src/etc/hosts.hardlink/inside &&
	rm -rf src/usr/share/pkg01 && ln -s pkg00 src/usr/share/pkg01 &&
	rm src/etc/dangling-rel && det_content was-link 200 >src/etc/dangling-rel &&
	rm src/dev/initctl && det_content was-fifo 300 >src/dev/initctl &&
	rm src/usr/lib/libc.a && ln -s /usr/lib src/usr/lib/libc.a &&
	both --delete --force &&
	compare_trees src dst
'

test_expect_success 'deletions: kept without --delete, made with --delete' '
	rm -rf src/usr/share/pkg02 src/deep/d/d src/etc/loop-a src/bin/sh &&
	rm "src/$(printf "new\\nline")" &&
	both &&
	test -d dst/usr/share/pkg02 && test -f dst/bin/sh &&
	test -d dst/deep/d/d &&
	both --delete --force &&
	compare_trees src dst
'

test_expect_success 'back to the original tree in one run' '
	rm -rf src && make_os_tree src 120 &&
	both --delete --force --checksum &&
	compare_trees src dst
'

test_lazy_prereq PYTHON3 'python3 -c "import socket"'

test_expect_success PYTHON3 'sockets are skipped, everything around them copied' '
	mkdir -p s2/run && echo data >s2/run/pidfile &&
	python3 -c "import socket; socket.socket(socket.AF_UNIX).bind(\"s2/run/sock\")" &&
	test -S s2/run/sock &&
	extnfs copy s2 d2 &&
	test ! -e d2/run/sock &&
	test_cmp s2/run/pidfile d2/run/pidfile
'

test_done
