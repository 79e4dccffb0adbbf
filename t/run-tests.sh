#!/bin/sh
# run-tests.sh: runs every test (unit tests, fuzz corpus replays, t/*.sh),
# each of which prints TAP, and ends with "N passed, N failed, N skipped".
# Exits non-zero when anything failed. EXTNFS_BUILD_DIR names the build.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${EXTNFS_BUILD_DIR:-build}
LOG=${TMPDIR:-/tmp}/extnfs-tests.$$
mkdir -p "$LOG"
passed=0 failed=0 skipped=0 bad_suites=""

count() { # name log rc
	p=$(grep -c '^ok ' "$2" | tr -d ' ')
	s=$(grep -c '^ok .*# skip' "$2" | tr -d ' ')
	f=$(grep -c '^not ok ' "$2" | tr -d ' ')
	todo=$(grep -c '^not ok .*# TODO known breakage$' "$2" | tr -d ' ')
	f=$((f - todo)); p=$((p - s)); s=$((s + todo))
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1 # a suite that crashed or exited non-zero is a failure
		echo "not ok - $1 exited with status $3" >>"$2"
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" != 0 ]; then
		bad_suites="$bad_suites $1"
		printf '%-40s FAIL (%s passed, %s failed)\n' "$1" "$p" "$f"
		grep -v '^ok ' "$2" | sed 's/^/    /' | head -60
	else
		printf '%-40s ok (%s passed%s)\n' "$1" "$p" "$([ "$s" != 0 ] && echo ", $s skipped")"
	fi
}

for t in "$B"/t/test-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$LOG/$n" 2>&1
	count "unit/$n" "$LOG/$n" $?
done

for f in "$B"/fuzz/fuzz-*; do
	[ -x "$f" ] || continue
	n=$(basename "$f"); c=fuzz/corpus/${n#fuzz-}
	[ -d "$c" ] || { echo "not ok - no corpus $c" >"$LOG/$n"; count "fuzz/$n" "$LOG/$n" 1; continue; }
	"$f" "$c" >"$LOG/$n" 2>&1
	count "fuzz/$n" "$LOG/$n" $?
done

for s in t/t[0-9]*.sh; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .sh)
	EXTNFS_BUILD_DIR=$B sh "$s" >"$LOG/$n" 2>&1
	count "$n" "$LOG/$n" $?
done

rm -rf "$LOG"
[ -n "$bad_suites" ] && echo "failed suites:$bad_suites"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
