#!/bin/sh
# extnfs copy killed with SIGKILL in the middle of large files: what it left
# is never a torn file, the next run removes its temporaries and converges
# to an exact copy; and a reader running during a copy only ever sees a
# whole old or a whole new version of each file (their content embeds their
# own digest, so one read tells).
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

NBIG=10
KIB=16384 # 16 MiB each

# version V: every big file of src becomes version V (new content, same names)
version() {
	i=0
	while [ $i -lt $NBIG ]; do
		make_selfsum_file src/big/f$i $KIB "$1" || return 1
		i=$((i + 1))
	done
}

# every regular file of DIR that the source also has is whole (temporaries,
# whatever their names, are not looked at)
all_whole() {
	(cd src && find . -type f) | while read -r f; do
		[ -f "$1/$f" ] || continue
		case $f in ./big/*) check_selfsum "$1/$f" scratch || exit 1 ;; esac
	done
}

# start_copy LOG [options]: extnfs copy src dst in the background, its pid in
# $copy_pid; with STRACE_DELAY set, each rename is delayed that many
# microseconds (the run is slow, so events land in the middle of it)
start_copy() {
	_log=$1
	shift
	if [ -n "${STRACE_DELAY:-}" ]; then
		# strace runs a shell that writes its pid and becomes extnfs, so
		# copy_pid is extnfs itself (killing strace would leave it running)
		rm -f copy.pid
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o /dev/null -e inject=rename,renameat,renameat2:delay_enter="$STRACE_DELAY" \
			sh -c 'echo $$ >copy.pid && exec extnfs copy "$@"' sh "$@" src dst >"$_log" 2>&1 &
		copy_wrapper=$!
		wait_for "[ -s copy.pid ]" || return 1
		copy_pid=$(cat copy.pid)
	else
		extnfs copy "$@" src dst >"$_log" 2>&1 &
		copy_pid=$!
		copy_wrapper=$copy_pid
	fi
}

# kill_copy: SIGKILL the copy (extnfs: threads, one process); its status must
# say it was killed, i.e. it had not finished yet
kill_copy() {
	kill -9 "$copy_pid" 2>/dev/null
	wait "$copy_wrapper"
	_rc=$?
	[ "$_rc" -gt 128 ] || {
		echo "the copy was not killed in the middle (exit $_rc)"
		return 1
	}
}

# update_and_kill FIRST_VERSION: makes a new version, starts a copy, kills it
# once it has progressed; tries again (up to 5 versions) when the copy was
# too fast to be caught in the middle
update_and_kill() {
	_v=$1
	while :; do
		version $_v && start_copy "log$_v" && wait_for progressed || return 1
		if kill_copy; then
			return 0
		fi
		_v=$((_v + 1))
		[ $_v -lt $(($1 + 5)) ] || return 1
	done
}

# progressed: the running copy has done something visible in dst: a big
# file is already the new version, or a temporary file is there
progressed() {
	[ "$(find dst -type f 2>/dev/null | wc -l)" -gt $((NBIG + 50)) ] && return 0
	for _f in src/big/f*; do
		cmp -s "$_f" "dst/big/${_f##*/}" 2>/dev/null && return 0
	done
	return 1
}

# wait_for CMD: polls CMD every 10 ms for at most 20 s
wait_for() {
	_n=0
	until eval "$1"; do
		_n=$((_n + 1))
		[ $_n -lt 2000 ] || { echo "timed out waiting for: $1"; return 1; }
		sleep 0.01
	done
}

test_lazy_prereq STRACE 'strace -f -o /dev/null -e inject=rename:delay_enter=1 true'

test_expect_success 'setup: big self-checking files and a few small ones' '
	mkdir -p src/big src/small &&
	version 1 &&
	i=0 && while [ $i -lt 50 ]; do det_content s$i 3000 >src/small/s$i; i=$((i + 1)); done
'

test_expect_success 'killed during the first copy: no torn file, the next run converges' '
	start_copy log1 &&
	wait_for "[ -n \"\$(find dst -type f 2>/dev/null | head -n 1)\" ]" &&
	kill_copy &&
	all_whole dst &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success 'killed during an update: every file old or new, the next run converges' '
	update_and_kill 20 &&
	all_whole dst &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success STRACE 'killed with renames pending (slowed down): temporaries removed by the next run' '
	version 3 &&
	STRACE_DELAY=300000 && start_copy log3 && STRACE_DELAY= &&
	wait_for progressed &&
	kill_copy &&
	all_whole dst &&
	find dst -name ".extnfs-tmp.*" >leftovers &&
	test -s leftovers &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success STRACE 'killed again and again: converges all the same' '
	version 4 &&
	for delay in 300000 400000 500000; do
		STRACE_DELAY=$delay && start_copy log4 && STRACE_DELAY= &&
		wait_for progressed && kill_copy && all_whole dst || return 1
	done &&
	extnfs copy src dst &&
	compare_trees src dst
'

test_expect_success STRACE 'SIGTERM and SIGINT: exit 5 (partial), every file whole, the next run converges' '
	v=30 &&
	for sig in TERM INT; do
		version $v && v=$((v + 1)) &&
		STRACE_DELAY=300000 && start_copy log-$sig && STRACE_DELAY= &&
		wait_for progressed &&
		kill -$sig "$copy_pid" &&
		{ wait "$copy_wrapper"; rc=$?; } &&
		test "$rc" = 5 &&
		all_whole dst &&
		extnfs copy src dst &&
		compare_trees src dst || return 1
	done
'

# reader: checks every big file of dst until the file "stop" exists; writes
# "torn file: PATH" lines to torn.log and one line per pass to passes.log
reader() {
	: >torn.log
	while ! [ -e stop ]; do
		for f in dst/big/f*; do
			check_selfsum "$f" reader.scratch >>torn.log || true
		done
		echo pass >>passes.log
	done
}

test_expect_success 'a reader during a copy sees only whole old or new files' '
	version 5 &&
	trap "touch stop" EXIT &&
	rm -f stop passes.log
	(reader) &
	reader_pid=$!
	wait_for "[ -s passes.log ]" &&
	if test_have_prereq STRACE; then STRACE_DELAY=100000; fi &&
	start_copy log5 && STRACE_DELAY= &&
	wait "$copy_wrapper" &&
	touch stop && wait $reader_pid &&
	test_cmp /dev/null torn.log &&
	test $(wc -l <passes.log) -ge 2 &&
	compare_trees src dst
'

test_expect_success 'the same with several jobs and --checksum' '
	version 6 &&
	trap "touch stop" EXIT &&
	rm -f stop passes.log
	(reader) &
	reader_pid=$!
	wait_for "[ -s passes.log ]" &&
	if test_have_prereq STRACE; then STRACE_DELAY=100000; fi &&
	start_copy log6 -j 4 --checksum && STRACE_DELAY= &&
	wait "$copy_wrapper" &&
	touch stop && wait $reader_pid &&
	test_cmp /dev/null torn.log &&
	compare_trees src dst
'

test_done
