# test-lib.sh: the end-to-end test harness (after git's t/test-lib.sh).
# A test script sources this, calls test_expect_success for each case and
# test_done at the end; it prints TAP. Each script runs in its own scratch
# directory (removed afterwards unless --keep or the script failed).
#
#   test_expect_success 'what it shows' 'commands'
#   test_expect_failure  known breakage, reported but not counted as pass
#   test_cmp expected actual       diff, fails on any difference
#   test_when_finished 'cmd'       cleanup after the current test
#   test_atexit 'cmd'              cleanup when the script ends (servers it started)
#   test_have_prereq NAME          lazy prerequisites (ROOT, GANESHA, NETNS...)
#   test_must_fail cmd             fails unless cmd exits 1..125 (no crash)

set -u

TEST_NAME=$(basename "$0" .sh)
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TEST_DIRECTORY/.." && pwd)
BUILD_DIR=${EXTNFS_BUILD_DIR:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$TOP/$BUILD_DIR" ;; esac
FIXTURES="$TEST_DIRECTORY/fixtures"
TRASH="${TMPDIR:-/tmp}/extnfs-t.$TEST_NAME.$$"

rm -rf "$TRASH" && mkdir -p "$TRASH/bin" || exit 1
# tests call "extnfs" from the build being tested
ln -s "$BUILD_DIR/extnfs" "$TRASH/bin/extnfs"
PATH="$TRASH/bin:$PATH"
export PATH
EXTNFS_DB="$TRASH/extnfs.db"
export EXTNFS_DB
unset EXTNFS_CONFIG EXTNFS_NODE_PREFIX
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_skipped=0
test_prereqs_ok=" "
test_prereqs_bad=" "

say() { printf '%s\n' "$*"; }

test_atexit_cmds=
test_atexit() {
	test_atexit_cmds="$1
$test_atexit_cmds"
}
_run_atexit() {
	if [ -n "$test_atexit_cmds" ]; then
		(eval "$test_atexit_cmds") >/dev/null 2>&1
		test_atexit_cmds=
	fi
}
trap '_run_atexit' EXIT

# Test bodies run in a subshell, so the cleanup commands go through a file
# (newest first), not a variable the parent would never see.
test_when_finished() {
	{ printf '%s\n' "$1"; cat "$TRASH/.cleanup" 2>/dev/null || true; } >"$TRASH/.cleanup.new" &&
		mv "$TRASH/.cleanup.new" "$TRASH/.cleanup"
}

_run_cleanup() {
	if [ -s "$TRASH/.cleanup" ]; then
		(cd "$TRASH" && . "$TRASH/.cleanup") >/dev/null 2>&1
	fi
	rm -f "$TRASH/.cleanup"
}

# test_lazy_prereq NAME 'script': the script decides, once, on first use.
test_lazy_prereq() {
	eval "_lazy_prereq_$1=\$2"
}

test_have_prereq() {
	for p in "$@"; do
		case "$test_prereqs_ok" in *" $p "*) continue ;; esac
		case "$test_prereqs_bad" in *" $p "*) return 1 ;; esac
		eval "script=\${_lazy_prereq_$p:-}"
		if [ -n "$script" ] && (eval "$script") >/dev/null 2>&1; then
			test_prereqs_ok="$test_prereqs_ok$p "
		else
			test_prereqs_bad="$test_prereqs_bad$p "
			return 1
		fi
	done
	return 0
}

test_lazy_prereq ROOT '[ "$(id -u)" = 0 ]'

# test_expect_success [PREREQ,...] 'title' 'body'
test_expect_success() {
	prereq=
	if [ $# = 3 ]; then prereq=$1; shift; fi
	test_count=$((test_count + 1))
	if [ -n "$prereq" ] && ! test_have_prereq $(echo "$prereq" | tr , ' '); then
		test_skipped=$((test_skipped + 1))
		say "ok $test_count # skip $1 (missing $prereq)"
		return 0
	fi
	if (set -e; eval "$2") >"$TRASH/.out" 2>&1; then
		_run_cleanup
		say "ok $test_count - $1"
	else
		_run_cleanup
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
		printf '%s\n' "$2" | sed 's/^/#   > /'
	fi
}

test_expect_failure() {
	test_count=$((test_count + 1))
	if (set -e; eval "$2") >"$TRASH/.out" 2>&1; then
		_run_cleanup
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1 # TODO known breakage vanished: update the test"
	else
		_run_cleanup
		test_skipped=$((test_skipped + 1))
		say "not ok $test_count - $1 # TODO known breakage"
	fi
}

test_cmp() {
	diff -u "$1" "$2"
}

# Fails when cmd succeeds, or dies of a signal (a crash is never "failing well").
test_must_fail() {
	"$@"
	rc=$?
	if [ $rc = 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $rc -gt 125 ]; then
		echo "test_must_fail: command died (exit $rc): $*" >&2
		return 1
	fi
	return 0
}

# Fails unless cmd exits with exactly code.
test_expect_code() {
	want=$1; shift
	"$@"
	rc=$?
	if [ $rc != "$want" ]; then
		echo "test_expect_code: wanted exit $want, got $rc: $*" >&2
		return 1
	fi
	return 0
}

# The model's tables, dumped, so a test can prove a failed command changed nothing.
db_snapshot() {
	for t in $(extnfs tabdump); do
		echo "== $t"
		extnfs tabdump "$t"
	done
}

test_done() {
	_run_atexit
	say "1..$test_count"
	if [ "$test_failed" = 0 ]; then
		rm -rf "$TRASH"
		exit 0
	fi
	say "# failed $test_failed among $test_count test(s); scratch kept in $TRASH"
	exit 1
}
