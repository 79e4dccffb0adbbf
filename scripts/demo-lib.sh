# demo-lib.sh: the few pieces of the test harness (t/test-lib.sh) that the
# namespace cluster (t/lib-netns-cluster.sh, which sources t/lib-cluster.sh
# and t/lib-netns.sh) needs, so that a script outside the test suite can
# build the same cluster. Source it with
#
#   DEMO_TOP     the source tree (its t/ holds the libraries and fixtures)
#   DEMO_EXTNFS  the extnfs binary to run (absolute path)
#
# It makes a work directory ($TRASH, under ${TMPDIR:-/tmp}), cds into it,
# puts extnfs first in PATH, sets EXTNFS_DB, and at exit (also after HUP,
# INT, PIPE or TERM: lib-netns.sh turns them into an exit) runs what the
# libraries registered with test_atexit (netns_teardown: every process by
# pid, every namespace) and removes the work directory.

TEST_DIRECTORY="$DEMO_TOP/t"
FIXTURES="$TEST_DIRECTORY/fixtures"
BUILD_DIR=$(dirname "$DEMO_EXTNFS")
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/extnfs-demo.XXXXXX") || exit 1
mkdir "$TRASH/bin" && ln -s "$DEMO_EXTNFS" "$TRASH/bin/extnfs" || exit 1
PATH="$TRASH/bin:$PATH"
EXTNFS_DB="$TRASH/extnfs.db"
export PATH EXTNFS_DB
cd "$TRASH" || exit 1

# the harness's prerequisites are the caller's business here
test_lazy_prereq() { :; }

demo_atexit_cmds=
test_atexit() {
	demo_atexit_cmds="$1
$demo_atexit_cmds"
}
demo_exit() {
	cd /
	(eval "$demo_atexit_cmds") >/dev/null 2>&1
	demo_atexit_cmds=
	rm -rf "$TRASH"
}
trap demo_exit EXIT

. "$TEST_DIRECTORY/lib-netns-cluster.sh"
