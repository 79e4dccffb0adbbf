#!/bin/sh
# A symlink planted in the destination (a directory or a file replaced by a
# link to somewhere outside DEST, between runs or during a slow run) never
# makes extnfs copy write, chmod, chown, touch or delete anything outside
# DEST: the victim directory stays exactly as it was.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

V="$TRASH/victim"

victim_intact() {
	tree_state "$V" >victim.now &&
	compare_states victim.state victim.now victim-before victim-after
}

test_lazy_prereq STRACE 'strace -f -o /dev/null -e inject=rename:delay_enter=1 true'

test_expect_success 'setup: a source, its copy, and a victim outside the destination' '
	mkdir -p src/sub/deeper "$V" &&
	for f in a b precious; do det_content src-$f 3000 >src/sub/$f || return 1; done &&
	det_content c 2000 >src/sub/deeper/c &&
	det_content top 100 >src/file &&
	det_content top2 100 >src/file2 &&
	for f in a b precious only-victim file file2; do det_content victim-$f 500 >"$V/$f" || return 1; done &&
	mkdir "$V/deeper" && det_content victim-c 500 >"$V/deeper/c" &&
	chmod 0640 "$V/a" && touch -d @1500000000 "$V"/* "$V" &&
	tree_state "$V" >victim.state &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success 'a destination directory replaced by a symlink between runs' '
	rm -rf dst/sub && ln -s "$V" dst/sub &&
	det_content src-a-v2 3500 >src/sub/a &&
	det_content new 100 >src/sub/new &&
	chmod 0600 src/sub/b &&
	extnfs copy src dst || true &&
	victim_intact &&
	extnfs copy --verify src dst || true &&
	victim_intact &&
	test ! -L dst/sub &&
	compare_trees src dst
'

test_expect_success 'the same with --delete: nothing deleted through the link' '
	rm -rf dst/sub && ln -s "$V" dst/sub &&
	rm src/sub/precious &&
	extnfs copy --delete --force src dst || true &&
	victim_intact &&
	extnfs copy --verify --delete --force src dst || true &&
	victim_intact &&
	compare_trees src dst
'

test_expect_success 'a deeper directory replaced by a symlink' '
	rm -rf dst/sub/deeper && ln -s "$V/deeper" dst/sub/deeper &&
	det_content c-v2 2100 >src/sub/deeper/c &&
	extnfs copy --delete src dst || true &&
	victim_intact &&
	extnfs copy --verify --delete src dst || true &&
	victim_intact &&
	compare_trees src dst
'

test_expect_success 'destination files replaced by symlinks to victim files' '
	rm dst/file dst/file2 &&
	ln -s "$V/file" dst/file && ln -s "$V/file2" dst/file2 &&
	det_content top-v2 150 >src/file &&
	chmod 0700 src/file2 &&
	extnfs copy src dst || true &&
	victim_intact &&
	extnfs copy --verify src dst || true &&
	victim_intact &&
	test ! -L dst/file && test ! -L dst/file2 &&
	compare_trees src dst
'

test_expect_success 'a symlink as the parent of a temporary: the root of a subtree' '
	rm -rf dst/sub && ln -s "$V" dst/sub &&
	extnfs copy --verify --checksum src dst || true &&
	victim_intact &&
	compare_trees src dst
'

# swapper: until "stop" exists, replaces every dst/dNN directory by a
# symlink to the victim (and back to an empty directory), as fast as it can
swapper() {
	while ! [ -e stop ]; do
		for d in dst/d*; do
			[ -e stop ] && break
			if [ -L "$d" ]; then
				rm -f "$d" && mkdir "$d"
			else
				rm -rf "$d" && ln -s "$V" "$d"
			fi
		done 2>/dev/null
	done
}

test_expect_success STRACE 'directories swapped for symlinks during a slow run' '
	rm -rf src dst && mkdir src &&
	for d in 00 01 02 03 04 05 06 07 08 09; do
		mkdir src/d$d &&
		for f in a b precious only-victim file file2; do det_content $d$f 2000 >src/d$d/$f || return 1; done
	done &&
	extnfs copy src dst &&
	for d in src/d*; do for f in $d/*; do det_content "$f v2" 2500 >$f || return 1; done; done &&
	trap "touch stop" EXIT &&
	rm -f stop
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -o /dev/null -e inject=rename,renameat,renameat2,openat:delay_enter=20000 \
		extnfs copy --delete --force src dst >log 2>&1 &
	copy=$!
	sleep 0.3
	(swapper) &
	swap=$!
	wait $copy || true &&
	touch stop && { wait $swap || true; } &&
	victim_intact &&
	for d in dst/d*; do if [ -L $d ]; then rm $d; fi; done &&
	extnfs copy --verify --delete --force src dst &&
	victim_intact &&
	compare_trees src dst
'

test_expect_success 'the victim was never written during the whole script' '
	victim_intact
'

test_done
