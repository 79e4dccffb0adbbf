#!/bin/sh
# --include/--exclude behave as rsync's: a leading '/' anchors at the root
# of the copy, a trailing '/' matches directories only, the first matching
# rule wins, and an excluded entry is neither copied nor deleted (--delete
# deletes only inside the scope). Each case is checked against rsync with
# the same rules on the same trees.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# filtered NAME RULES...: extnfs copy --delete RULES src d-NAME and
# rsync -aHS --numeric-ids --delete RULES src/ r-NAME/, both starting from
# the same pre-filled destination (seed), must give the same tree
filtered() {
	_n=$1
	shift
	rm -rf "d-$_n" "r-$_n" &&
	cp -a seed "d-$_n" && cp -a seed "r-$_n" &&
	extnfs copy --delete --force "$@" src "d-$_n" &&
	rsync -aHS --numeric-ids --delete "$@" src/ "r-$_n/" &&
	compare_trees "r-$_n" "d-$_n"
}

test_expect_success 'setup: a source, and a destination with extra and stale entries' '
	mkdir -p src/etc src/usr/share/doc src/usr/lib src/var/tmp src/var/log src/tmp src/a/tmp &&
	for f in etc/hosts etc/passwd etc/exports usr/lib/libc.a usr/lib/x.o usr/share/doc/README \
		var/log/messages var/log/old.o tmp/scratch a/tmp/in-a-tmp a/b.o; do
		det_content "$f" 500 >src/$f || return 1
	done &&
	det_content file-named-tmp 50 >src/usr/tmp &&
	mkdir -p src/usr/share/tmp && det_content in 50 >src/usr/share/tmp/in &&
	find src -exec touch -h -d @1600000000 {} + &&
	rsync -aHS --numeric-ids src/ seed/ &&
	det_content stale 600 >seed/etc/hosts &&
	det_content extra 100 >seed/extra.o &&
	det_content extra 100 >seed/etc/extra &&
	mkdir -p seed/var/tmp/keepme && det_content keep 100 >seed/var/tmp/keepme/f &&
	det_content extra 100 >seed/usr/share/doc/EXTRA &&
	find seed -exec touch -h -d @1500000000 {} +
'

test_expect_success 'no rules: an exact copy, extras deleted' '
	filtered none &&
	compare_trees src d-none
'

# every entry of the seed has mtime 1500000000, of the source 1600000000:
# untouched NAME PATH (left as the seed had it), updated NAME PATH (copied)
untouched() { [ "$(stat -c %Y "d-$1/$2")" = 1500000000 ]; }
updated() { [ "$(stat -c %Y "d-$1/$2")" = 1600000000 ] && cmp "src/$2" "d-$1/$2"; }

test_expect_success 'a name pattern matches at any depth: *.o' '
	filtered obj --exclude "*.o" &&
	untouched obj usr/lib/x.o && untouched obj var/log/old.o && untouched obj a/b.o &&
	updated obj usr/lib/libc.a &&
	test -e d-obj/extra.o
'

test_expect_success 'a trailing slash matches directories only: tmp/' '
	filtered tmpdir --exclude "tmp/" &&
	updated tmpdir usr/tmp &&
	untouched tmpdir a/tmp/in-a-tmp && untouched tmpdir tmp/scratch &&
	untouched tmpdir usr/share/tmp/in &&
	test -e d-tmpdir/var/tmp/keepme/f
'

test_expect_success 'a leading slash anchors at the root: /tmp/' '
	filtered anchored --exclude "/tmp/" &&
	untouched anchored tmp/scratch &&
	updated anchored a/tmp/in-a-tmp &&
	updated anchored usr/share/tmp/in
'

test_expect_success 'an anchored directory: excluded contents are neither copied nor deleted' '
	filtered share --exclude "/usr/share/" &&
	test -e d-share/usr/share/doc/EXTRA &&
	untouched share usr/share/doc/README &&
	updated share usr/lib/libc.a
'

test_expect_success 'the first matching rule wins: include before exclude' '
	filtered first --include "/etc/hosts" --exclude "/etc/*" &&
	updated first etc/hosts && untouched first etc/passwd &&
	test -e d-first/etc/extra
'

test_expect_success 'and the other way round' '
	filtered reverse --exclude "/etc/*" --include "/etc/hosts" &&
	untouched reverse etc/hosts && ! cmp -s src/etc/hosts d-reverse/etc/hosts &&
	untouched reverse etc/passwd
'

test_expect_success 'excluded entries in the destination survive --delete' '
	filtered keep --exclude "/var/tmp/" &&
	test -e d-keep/var/tmp/keepme/f &&
	test ! -e d-keep/extra.o && test ! -e d-keep/etc/extra
'

test_expect_success '** matches across directories, dir/*** a directory and all below it' '
	filtered stars --exclude "/usr/**/README" --exclude "/var/***" &&
	untouched stars usr/share/doc/README &&
	untouched stars var/log/messages && test -e d-stars/var/tmp/keepme/f &&
	updated stars usr/lib/libc.a
'

test_expect_success 'several rules together' '
	filtered many --exclude "*.o" --exclude "/var/log/" --include "/etc/hosts" --exclude "/etc/*" --exclude "tmp/"
'

test_expect_success 'excluded entries do not count towards the deletion limit' '
	rm -rf d-limit && cp -a seed d-limit &&
	rm d-limit/extra.o d-limit/etc/extra d-limit/usr/share/doc/EXTRA &&
	i=0 && while [ $i -lt 50 ]; do det_content x$i 10 >d-limit/var/tmp/keepme/x$i; i=$((i + 1)); done &&
	extnfs copy --delete --exclude "/var/tmp/" src d-limit &&
	test -e d-limit/var/tmp/keepme/x49
'

test_done
