#!/bin/sh
# The manifest: extnfs copy remembers in the state database what it wrote,
# so a re-sync where the source has not changed does not walk the
# destination. Evidence without timings: a destination file changed behind
# its back stays as it is (nothing looked at it) until --verify walks the
# destination and repairs it; and, under strace, no system call of a
# no-change re-sync names anything below the destination root.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

S="$TRASH/src"
D="$TRASH/dst"

test_lazy_prereq STRACE 'strace -f -yy -o /dev/null true'

# traced LOG cmd...: runs cmd under strace -f -yy (LeakSanitizer, which
# cannot run under ptrace, off for an ASan build)
traced() {
	_log=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -yy -o "$_log" "$@"
}

# below_dest LOG: the lines of an strace -f -yy log that look at something
# below $D: a directory listing, a stat, readlink or open of an entry under
# it. Opening a directory below it without reading it (O_DIRECTORY, then
# close) is not looking; the root itself may be opened and fstat-ed.
below_dest() {
	grep -e "getdents" -e "<$D>, \"[^\"]" -e "$D/" "$1" | grep -F "$D" |
		grep -v -e "O_DIRECTORY" -e "^[0-9]* *close(" || true
}

test_expect_success 'setup: a tree and its copy, the manifest recorded' '
	make_os_tree src 80 &&
	extnfs copy "$S" "$D" &&
	compare_trees src dst &&
	test -s "$EXTNFS_DB"
'

test_expect_success 'no-change re-sync: nothing itemized, nothing changed' '
	tree_state dst >before &&
	extnfs -q copy -i "$S" "$D" >out &&
	test_cmp /dev/null out &&
	tree_state dst >after &&
	compare_states before after
'

test_expect_success 'a destination file changed behind its back stays as it is' '
	det_content tampered 777 >dst/etc/filesystems &&
	chmod 0600 dst/usr/bin/ls &&
	rm dst/usr/share/pkg03/file0010 &&
	tree_state dst >tampered &&
	extnfs -q copy -i "$S" "$D" >out &&
	test_cmp /dev/null out &&
	tree_state dst >after &&
	compare_states tampered after
'

test_expect_success '--verify walks the destination and repairs the drift' '
	extnfs -q copy -i --verify "$S" "$D" >out &&
	grep "etc/filesystems" out &&
	grep "bin/ls" out && # the first name of usr/bin/ls, bin/ls and usr/bin/dir
	grep "usr/share/pkg03/file0010" out &&
	compare_trees src dst
'

test_expect_success 'after --verify the next run is a no-change run again' '
	extnfs -q copy -i "$S" "$D" >out &&
	test_cmp /dev/null out &&
	compare_trees src dst
'

test_expect_success STRACE 'a no-change re-sync makes no system call below the destination root' '
	traced trace.log extnfs copy "$S" "$D" &&
	grep -F "$S/" trace.log >/dev/null &&
	below_dest trace.log >below &&
	test_cmp /dev/null below
'

test_expect_success STRACE 'while --verify does (the check above can see a walk)' '
	traced trace.log extnfs copy --verify "$S" "$D" &&
	below_dest trace.log >below &&
	test -s below &&
	grep -F "usr/share" below >/dev/null
'

test_expect_success 'a changed source is still copied' '
	det_content changed 900 >src/etc/hosts &&
	chmod 0755 src/usr/share/pkg01 &&
	extnfs -q copy -i "$S" "$D" >out &&
	grep "etc/hosts" out &&
	compare_trees src dst
'

test_expect_success STRACE 'and only the change is looked at in the destination' '
	touch -d @1700000000 src/usr/share/pkg05/file0005 &&
	traced trace.log extnfs copy "$S" "$D" &&
	compare_trees src dst &&
	below_dest trace.log >below &&
	test_must_fail grep -F "usr/share/pkg04" below
'

test_expect_success 'the manifest belongs to its destination: a new one gets a full copy' '
	extnfs copy "$S" "$TRASH/dst2" &&
	compare_trees src dst2 &&
	extnfs copy "$TRASH/src" "$TRASH/dst2/" &&
	compare_trees src dst2
'

test_expect_success 'a destination removed wholesale is noticed' '
	mv dst dst.gone &&
	extnfs copy "$S" "$D" &&
	compare_trees src dst
'

test_expect_success 'a fresh database means a full comparison' '
	det_content tampered 777 >dst/etc/filesystems &&
	EXTNFS_DB="$TRASH/other.db" extnfs copy "$S" "$D" &&
	compare_trees src dst
'

test_done
