#!/bin/sh
# Holes in sparse files (AIX paging and dump files) survive extnfs copy: the
# copy has the same data segments (SEEK_DATA/SEEK_HOLE) and allocates what
# the source allocates, on the Linux fast path and on the portable path
# (EXTNFS_NO_FASTPATH=1), for a first copy and for an update.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# allocated KiB of a file
alloc_kib() { du -k "$1" | cut -f1; }

# same_alloc A B: every regular file of B allocates what the same file of A
# does, within 64 KiB (extent-tree blocks may differ)
same_alloc() {
	(cd "$1" && find . -type f) | while read -r f; do
		a=$(alloc_kib "$1/$f") && b=$(alloc_kib "$2/$f") || exit 1
		d=$((a - b))
		[ ${d#-} -le 64 ] || { echo "$f: $a KiB allocated in $1, $b KiB in $2"; exit 1; }
	done
}

test_lazy_prereq SEEK_HOLES '
	truncate -s 64M probe && printf x | dd of=probe bs=1 seek=1000000 conv=notrunc &&
	[ "$(du -k probe | cut -f1)" -lt 1024 ]
'

test_expect_success SEEK_HOLES 'setup: sparse files of every shape' '
	mkdir -p src/paging src/dump &&
	make_sparse_file src/paging/hd6 65536 1024 0 32768 &&
	make_sparse_file src/paging/lead-hole 16384 64 16320 &&
	make_sparse_file src/paging/many 1048576 64 0 1000 5000 100000 200000 300000 400000 500000 600000 700000 800000 900000 1048000 &&
	truncate -s 1G src/dump/all-hole &&
	make_sparse_file src/dump/unaligned 10000 4 3 4099 &&
	truncate -s 10001K src/dump/unaligned &&
	det_content dense 300000 >src/dense &&
	: >src/empty &&
	tree_state src >state &&
	grep "^paging/hd6 .*alloc=map:2097152:2$" state &&
	grep "^dump/all-hole .*alloc=map:0:0$" state &&
	test $(alloc_kib src/dump/all-hole) -eq 0 &&
	test $(alloc_kib src/paging/many) -lt 2048
'

test_expect_success SEEK_HOLES 'the copy keeps the holes (fast path)' '
	extnfs copy src dst &&
	compare_trees src dst &&
	same_alloc src dst
'

test_expect_success SEEK_HOLES 'as rsync -S does' '
	sleep 1 && # rsync compares directory times to the second
	rsync -aHS --numeric-ids src/ ref/ &&
	compare_trees ref dst
'

test_expect_success SEEK_HOLES 'the copy keeps the holes (portable path)' '
	EXTNFS_NO_FASTPATH=1 extnfs copy src dst-portable &&
	compare_trees src dst-portable &&
	same_alloc src dst-portable
'

test_expect_success SEEK_HOLES 'an update of a sparse file keeps its holes' '
	det_content update 4096 | head -c 4096 |
		dd of=src/paging/hd6 bs=4096 seek=4096 conv=notrunc 2>/dev/null &&
	det_content grow 4096 | head -c 4096 |
		dd of=src/paging/lead-hole bs=4096 seek=8192 2>/dev/null &&
	touch -d @1700000000 src/paging/hd6 src/paging/lead-hole &&
	extnfs copy src dst &&
	compare_trees src dst &&
	same_alloc src dst &&
	EXTNFS_NO_FASTPATH=1 extnfs copy src dst-portable &&
	compare_trees src dst-portable &&
	same_alloc src dst-portable
'

test_expect_success SEEK_HOLES 'with --checksum too' '
	det_content cs 4096 | head -c 4096 | dd of=src/paging/many bs=4096 seek=250 conv=notrunc 2>/dev/null &&
	touch -r dst/paging/many src/paging/many &&
	extnfs copy --checksum src dst &&
	compare_trees src dst &&
	same_alloc src dst
'

test_done
