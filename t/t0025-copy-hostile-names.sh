#!/bin/sh
# Names that break naive tools: newlines, carriage returns, tabs, non-UTF-8
# bytes, leading dashes, shell and glob characters, 255-byte components, a
# path of about 4000 bytes and a 200-level deep one. extnfs copy carries
# them exactly, runs no shell on them, and deletes exactly the right ones.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

# the names, one per line, in printf syntax (so newlines can be written)
cat >names <<\EOF
new\nline
\nleading-newline
trailing-newline\n
cr\rreturn
tab\there
bad\377\376utf8
latin1-caf\351
\300\200overlong-nul
-rf
--delete
-
--
-n
 leading space
trailing space 
*
?
[a-z]
back\\slash
'quote
"dquote
$(touch PWNED)
`touch PWNED`
;touch PWNED
|touch PWNED
&
~tilde
#hash
.hidden
..dotdot
...
EOF

mkname() { printf -- "$1"; } # names are printf formats on purpose

test_expect_success 'setup: hostile names as files, directories and symlink targets' '
	mkdir src &&
	while IFS= read -r n; do
		name=$(mkname "$n"; echo x) && name=${name%x} &&
		det_content "file $n" 100 >"src/$name" &&
		mkdir "src/dir $name" &&
		det_content "in $n" 50 >"src/dir $name/$name" &&
		ln -s -- "$name" "src/link $name" || return 1
	done <names &&
	long255=$(printf "%0255d" 7) &&
	det_content l255 10 >src/$long255 &&
	mkdir -p src/deep &&
	d=src/deep && i=1 && while [ $i -lt 200 ]; do d=$d/$i; i=$((i + 1)); done &&
	mkdir -p "$d" && det_content bottom 10 >"$d/bottom" &&
	(
		mkdir src/long && cd src/long &&
		c=$(printf "%0250d" 0) && i=0 &&
		while [ $i -lt 15 ]; do mkdir "$c" && cd "$c" || exit 1; i=$((i + 1)); done &&
		det_content longfile 10 >"$(printf "%0200d" 1)"
	) &&
	find src -type d -exec touch -d @1600000000 {} + &&
	n=$(tree_state src | wc -l) && test $n -gt 300
'

test_expect_success 'the copy is exact' '
	extnfs copy src dst &&
	compare_trees src dst &&
	test ! -e PWNED && test ! -e src/PWNED && test ! -e dst/PWNED
'

test_expect_success 'and the same as rsync makes' '
	sleep 1 && # rsync compares times to the second (see t0021)
	rsync -aHS --numeric-ids src/ ref/ &&
	compare_trees ref dst
'

test_expect_success 'a second run changes nothing' '
	tree_state dst >before &&
	extnfs copy --delete src dst &&
	tree_state dst >after &&
	compare_states before after
'

test_expect_success 'changed files with hostile names are updated' '
	while IFS= read -r n; do
		name=$(mkname "$n"; echo x) && name=${name%x} &&
		det_content "changed $n" 120 >"src/dir $name/$name" || return 1
	done <names &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success '--itemize: one line per change, names escaped (no raw newline or 8-bit byte)' '
	det_content v3 130 >"src/dir $(printf "new\nline")/$(printf "new\nline")" &&
	det_content v3 130 >"src/dir $(printf "bad\377\376utf8")/$(printf "bad\377\376utf8")" &&
	det_content v3 130 >"src/dir back\\slash/back\\slash" &&
	extnfs -q copy -i src dst >out &&
	test $(wc -l <out) = 3 &&
	grep -F "new\nline" out &&
	grep -F "back\\\\slash" out &&
	! grep "$(printf "\377")" out &&
	compare_trees src dst
'

test_expect_success '--delete removes exactly the entries gone from the source' '
	rm "src/$(printf "new\nline")" "src/-rf" "src/link $(printf "bad\377\376utf8")" &&
	rm -rf "src/dir --delete" src/deep/2/3/4/5 src/long/*/*/*/*/*/* &&
	extnfs copy --delete --force src dst &&
	compare_trees src dst &&
	test -e "dst/$(printf "\nleading-newline")" &&
	test ! -e PWNED
'

test_expect_success 'source and destination whose names start with a dash' '
	cp -a src ./-src &&
	extnfs copy -- -src -dst &&
	compare_trees ./-src ./-dst
'

test_expect_success 'source and destination with spaces and a newline in their names' '
	cp -a src "s r
c" &&
	extnfs copy "s r
c" "d s
t" &&
	compare_trees "s r
c" "d s
t"
'

test_done
