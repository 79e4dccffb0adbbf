#!/bin/sh
# What an OS image needs, checked one property at a time on the directory
# Ganesha exports after extnfs copy to nfs://: hard links share an inode
# (LINK), device nodes and fifos keep type and numbers (MKNOD), symlinks
# keep their target byte for byte (SYMLINK), owners, setuid/setgid/sticky
# modes and nanosecond mtimes (SETATTR), holes stay holes (never sent; the
# size set with SETATTR), a large file arrives whole; --fsync (COMMIT)
# works; temporary names never stay behind.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"
. "$TEST_DIRECTORY/lib-ganesha.sh"
. "$TEST_DIRECTORY/lib-nfs.sh"

st() { stat -c "$1" "$2"; }

test_expect_success GANESHA 'setup: Ganesha and one entry of each kind' '
	nfs_setup &&
	mkdir -p src/bin src/dev src/tmp src/var &&
	det_content sh 20000 >src/bin/sh && chmod 6711 src/bin/sh &&
	ln src/bin/sh src/bin/ksh && ln src/bin/sh src/var/sh.link &&
	mknod src/dev/null c 1 3 && mknod src/dev/hd0 b 8 0 && mknod src/dev/big c 511 1048575 &&
	mkfifo src/dev/initctl && chmod 0620 src/dev/initctl &&
	ln -s "../bin/sh" src/tmp/rel && ln -s "$(printf "odd\\001target with space")" src/tmp/odd &&
	chmod 1777 src/tmp && chown 4321:8765 src/var && chown -h 99:98 src/tmp/rel &&
	make_sparse_file src/var/paging 65536 64 0 32768 &&
	head -c 50000000 /dev/urandom >src/var/large &&
	touch -d @1600000000.123456789 src/bin/sh src/var/large &&
	extnfs copy src "$(nfs_url export/s)"
'

test_expect_success GANESHA 'hard links: one inode, three names' '
	test $(st %i export/s/bin/sh) = $(st %i export/s/bin/ksh) &&
	test $(st %i export/s/bin/sh) = $(st %i export/s/var/sh.link) &&
	test $(st %h export/s/bin/sh) = 3
'

test_expect_success GANESHA 'device nodes and fifos: type, numbers, mode' '
	test "$(st "%F %t:%T %a" export/s/dev/null)" = "character special file 1:3 644" &&
	test "$(st "%F %t:%T" export/s/dev/hd0)" = "block special file 8:0" &&
	test "$(st "%F %Hr:%Lr" export/s/dev/big)" = "character special file 511:1048575" &&
	test "$(st "%F %a" export/s/dev/initctl)" = "fifo 620"
'

test_expect_success GANESHA 'symlinks: targets byte for byte, own owner' '
	test "$(readlink export/s/tmp/rel)" = "../bin/sh" &&
	test "$(readlink export/s/tmp/odd)" = "$(printf "odd\\001target with space")" &&
	test "$(st %u:%g export/s/tmp/rel)" = "99:98"
'

test_expect_success GANESHA 'modes, owners and nanosecond times' '
	test "$(st %a export/s/bin/sh)" = 6711 &&
	test "$(st %a export/s/tmp)" = 1777 &&
	test "$(st %u:%g export/s/var)" = "4321:8765" &&
	test "$(st %y export/s/bin/sh)" = "$(st %y src/bin/sh)" &&
	test "$(st %Y.%y export/s/var/large)" = "$(st %Y.%y src/var/large)"
'

test_expect_success GANESHA 'holes stay holes; the large file is whole' '
	test $(st %s export/s/var/paging) = $((65536 * 1024)) &&
	test $(st %b export/s/var/paging) -lt 1024 &&
	cmp src/var/paging export/s/var/paging &&
	cmp src/var/large export/s/var/large
'

test_expect_success GANESHA 'no temporary names left; --fsync (COMMIT) copies too' '
	! find export/s -name ".extnfs-tmp.*" | grep . &&
	! find export -name ".extnfs-probe.*" | grep . &&
	extnfs copy --fsync src "$(nfs_url export/f)" &&
	compare_trees $NFS_CMP src export/f
'

test_done
