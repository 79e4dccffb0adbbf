#!/bin/sh
# bench/copy.sh: the replication engine against the tools it replaces,
# measured side by side in one run on three generated datasets:
#   spot   a SPOT-like tree: ~100,000 files, ~1 GiB, log-normal sizes
#          around 4 KiB, ~2 % symlinks, ~1 % hard links
#   roots  200 per-node root directories of ~300 small files each
#   sparse one 8 GiB paging-like file holding 64 MiB of data
# Cells (median of 3 runs each, seconds, warm cache):
#   initial copy into a new directory: extnfs copy, rsync -aHS --numeric-ids,
#     cp -a, tar -cf - | tar -xpf -
#   no-change re-sync: extnfs copy (manifest) and rsync (the reference)
#   re-sync after 1 % of the files changed: extnfs copy and rsync
#   the sparse file: copy time and allocated size for all four
# and a ratio column per tool: its time / extnfs time (above 1: extnfs wins).
# The first extnfs copy of each dataset is checked against its source with
# t/helper/tree-state (content, modes, owners, times, links, holes).
#
# ext4 without a journal makes a create-heavy copy right after a big rm -rf
# run 2-4x slower: no destination is deleted during the run (but the
# sparse copies, a handful of inodes). Old results are moved aside and
# deleted before the first timed run, followed by a pause
# (EXTNFS_BENCH_PAUSE, default 35 s, 10 s with --quick); the destinations
# of this run are deleted in the background when it ends. Needs about 4 x RUNS copies of
# the spot and roots datasets of free space (~15 GiB in full size).
#
# Usage: sh bench/copy.sh [--quick] [WORKDIR]   (default /tmp/extnfs-bench)
#   --quick   datasets 10x smaller (a smoke test of a minute or two)
# Datasets are kept in WORKDIR and reused by the next run of the same size.
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)

QUICK=0
if [ "${1:-}" = --quick ]; then QUICK=1; shift; fi
W=${1:-/tmp/extnfs-bench}
RUNS=${EXTNFS_BENCH_RUNS:-3}

if [ $QUICK = 1 ]; then
	SPOT_FILES=10000 NODES=20 NODE_FILES=300 SPARSE_MIB=819 SPARSE_DATA_MIB=7 TAG=quick
	PAUSE=${EXTNFS_BENCH_PAUSE:-10}
else
	SPOT_FILES=100000 NODES=200 NODE_FILES=300 SPARSE_MIB=8192 SPARSE_DATA_MIB=64 TAG=full
	PAUSE=${EXTNFS_BENCH_PAUSE:-35}
fi

make -s extnfs build/t/helper/tree-state build/t/helper/tree-gen
X=$TOP/extnfs
TS=$TOP/build/t/helper/tree-state
GEN=$TOP/build/t/helper/tree-gen
mkdir -p "$W"
W=$(cd "$W" && pwd)
D=$W/dst.$$ # this run's destinations
export EXTNFS_DB="$W/extnfs.db.$$"

log() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'; }

# ---- datasets -------------------------------------------------------------

# spec_spot N SEED: tree-gen spec of a SPOT-like tree under spot/
spec_spot() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed); pi = 3.141592653589793
		ndirs = int(n / 50) + 1
		for (d = 0; d < ndirs; d++) {
			# usr/<top>/<mid>/<leaf>: a few wide top directories, deeper leaves
			dir[d] = sprintf("spot/usr/%s/m%02d/l%03d", substr("bin lib share include sbin lpp", 1 + 4 * (d % 6), 3), int(d / 6) % 40, d)
			printf "d\t%s\n", dir[d]
		}
		nf = 0
		for (i = 0; i < n; i++) {
			p = sprintf("%s/f%06d", dir[int(rand() * ndirs)], i)
			r = rand()
			if (r < 0.02 && nf > 0) {          # symlink to an earlier file
				printf "l\t../../../../../%s\t%s\n", substr(file[int(rand() * nf)], 6), p
			} else if (r < 0.03 && nf > 0) {   # hard link to an earlier file
				printf "h\t%s\t%s\n", file[int(rand() * nf)], p
			} else {
				# log-normal: median 4 KiB, sigma 1.39 (mean ~10.7 KiB)
				u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
				z = sqrt(-2 * log(u1)) * cos(2 * pi * u2)
				size = int(exp(log(4096) + 1.39 * z))
				if (size > 64 * 1048576) size = 64 * 1048576
				printf "f\t%d\t%d\t%s\n", size, i, p
				file[nf++] = p
			}
		}
	}'
}

# spec_roots NODES FILES: per-node roots: roots/<node>/{etc,var,...}
spec_roots() {
	awk -v nodes="$1" -v files="$2" 'BEGIN {
		srand(7); pi = 3.141592653589793
		split("etc etc/security etc/objrepos var/adm var/spool/cron sbin home/root tmp dev lpp", sub_, " ")
		for (n = 1; n <= nodes; n++) {
			node = sprintf("roots/cn%03d", n)
			for (s = 1; s <= 10; s++) printf "d\t%s/%s\n", node, sub_[s]
			for (i = 0; i < files; i++) {
				p = sprintf("%s/%s/f%04d", node, sub_[1 + i % 10], i)
				if (i % 50 == 49) { printf "l\tf%04d\t%s\n", i - 10, p; continue }
				u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
				z = sqrt(-2 * log(u1)) * cos(2 * pi * u2)
				size = int(exp(log(1024) + 1.2 * z))
				if (size > 4 * 1048576) size = 4 * 1048576
				printf "f\t%d\t%d\t%s\n", size, n * 100000 + i, p
			}
		}
	}'
}

generate() {
	stamp="$W/data.$TAG"
	if [ -f "$stamp/done" ]; then
		log "datasets: reusing $stamp"
		return
	fi
	rm -rf "$stamp" && mkdir -p "$stamp/src"
	log "datasets: generating in $stamp (once)"
	spec_spot "$SPOT_FILES" 42 >"$stamp/spot.spec"
	spec_roots "$NODES" "$NODE_FILES" >"$stamp/roots.spec"
	(cd "$stamp/src" && "$GEN" <../spot.spec && "$GEN" <../roots.spec)
	mkdir -p "$stamp/src/sparse"
	printf 's\t%d\t%d\t%d\t%d\t%s\n' $((SPARSE_MIB * 1048576)) $((SPARSE_DATA_MIB * 1048576)) 1048576 9 \
		sparse/paging00 | (cd "$stamp/src" && "$GEN")
	touch "$stamp/done"
}

# ---- runs -----------------------------------------------------------------

# tool NAME SRC DST: one copy of SRC (a directory) into DST
tool() {
	case $1 in
	extnfs) "$X" copy "$2" "$3" ;;
	rsync) rsync -aHS --numeric-ids "$2/" "$3/" ;;
	cp) cp -a "$2" "$3" ;;
	tar) mkdir -p "$3" && (cd "$2" && tar -cf - .) | (cd "$3" && tar -xpf -) ;;
	esac
}

# timed NAME SRC DST: prints the seconds one copy took (output to the log)
timed() {
	sync
	t0=$(now)
	tool "$1" "$2" "$3" >>"$W/bench.log" 2>&1 || { log "$1 $2 -> $3 failed (see $W/bench.log)"; echo fail; return 0; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

warm() { # reads a tree so every tool starts from a warm cache
	(cd "$1" && tar -cf - .) | cat >/dev/null
}

# change_one_percent DATASET RUN: rewrites 1 % of the regular files (a
# different 1 % each run) with new content of the same size and a new mtime
change_one_percent() {
	awk -F '\t' -v run="$2" '$1 == "f" && (NR + run * 37) % 100 == 0 {
		printf "f\t%s\t%d\t%s\n", $2, $3 + 1000000 * (run + 1), $4
	}' "$W/data.$TAG/$1.spec" | (cd "$W/data.$TAG/src" && "$GEN")
}

# a result line per cell: R_<dataset>_<step>_<tool>
set_result() { eval "R_$1=\$2"; }
get_result() { eval "echo \${R_$1:--}"; }

check_copy() { # SRC DST: "identical" or "DIFFERS"
	if "$TS" "$1" >"$W/state.a" && "$TS" "$2" >"$W/state.b" && cmp -s "$W/state.a" "$W/state.b"; then
		echo identical
	else
		diff "$W/state.a" "$W/state.b" | head -n 10 >&2
		echo DIFFERS
	fi
}

bench_tree() { # DATASET
	ds=$1
	src=$W/data.$TAG/src/$ds
	warm "$src"
	# the first big copies after the dataset was made ran 3-6x slower in
	# two full runs (extnfs and rsync, the first two timed): an untimed
	# copy takes that hit instead
	log "  $ds: untimed warm-up copy"
	tool cp "$src" "$D/$ds.warmup" >>"$W/bench.log" 2>&1 || true
	for t in extnfs rsync cp tar; do : >"$W/times.$ds.init.$t"; done
	for run in $(seq 1 "$RUNS"); do
		for t in extnfs rsync cp tar; do
			timed $t "$src" "$D/$ds.$t.$run" >>"$W/times.$ds.init.$t"
			log "  $ds initial copy, $t, run $run: $(tail -n 1 "$W/times.$ds.init.$t") s"
		done
	done
	CHECK=$(check_copy "$src" "$D/$ds.extnfs.1")
	set_result "${ds}_check" "$CHECK"
	for t in extnfs rsync cp tar; do set_result "${ds}_init_$t" "$(median <"$W/times.$ds.init.$t")"; done

	: >"$W/times.$ds.nochange.extnfs"
	: >"$W/times.$ds.nochange.rsync"
	for run in $(seq 1 "$RUNS"); do
		timed extnfs "$src" "$D/$ds.extnfs.1" >>"$W/times.$ds.nochange.extnfs"
		timed rsync "$src" "$D/$ds.rsync.1" >>"$W/times.$ds.nochange.rsync"
	done
	for t in extnfs rsync; do set_result "${ds}_nochange_$t" "$(median <"$W/times.$ds.nochange.$t")"; done

	: >"$W/times.$ds.change.extnfs"
	: >"$W/times.$ds.change.rsync"
	for run in $(seq 1 "$RUNS"); do
		change_one_percent "$ds" "$run"
		warm "$src"
		timed extnfs "$src" "$D/$ds.extnfs.1" >>"$W/times.$ds.change.extnfs"
		timed rsync "$src" "$D/$ds.rsync.1" >>"$W/times.$ds.change.rsync"
	done
	for t in extnfs rsync; do set_result "${ds}_change_$t" "$(median <"$W/times.$ds.change.$t")"; done
	RECHECK=$(check_copy "$src" "$D/$ds.extnfs.1")
	set_result "${ds}_recheck" "$RECHECK"
}

bench_sparse() {
	src=$W/data.$TAG/src/sparse
	warm "$src"
	for t in extnfs rsync cp tar; do : >"$W/times.sparse.$t"; done
	for run in $(seq 1 "$RUNS"); do
		for t in extnfs rsync cp tar; do
			timed $t "$src" "$D/sparse.$t" >>"$W/times.sparse.$t"
			alloc=$(du -k "$D/sparse.$t/paging00" | cut -f1)
			set_result "sparse_alloc_$t" "$((alloc / 1024))"
			if [ $t = extnfs ] && [ "$run" = 1 ]; then
				set_result sparse_check "$(check_copy "$src" "$D/sparse.$t")"
			fi
			rm -rf "$D/sparse.$t" # a handful of inodes: no ext4 penalty
		done
	done
	for t in extnfs rsync cp tar; do set_result "sparse_init_$t" "$(median <"$W/times.sparse.$t")"; done
}

ratio() { # tool extnfs
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'
}

row() { # label key
	e=$(get_result "${2}_extnfs") r=$(get_result "${2}_rsync") c=$(get_result "${2}_cp") t=$(get_result "${2}_tar")
	printf '%-34s %8s %8s %8s %8s   %7s %7s %7s\n' "$1" "$e" "$r" "$c" "$t" \
		"$(ratio "$r" "$e")" "$(ratio "$c" "$e")" "$(ratio "$t" "$e")"
}

# ---- main -----------------------------------------------------------------

# old destinations go first, then a pause: see the ext4 note above
old=$(find "$W" -maxdepth 1 \( -name 'dst.*' -o -name 'old.*' \) 2>/dev/null)
rmpid=
if [ -n "$old" ]; then
	log "removing the destinations of an earlier run"
	mkdir -p "$W/old.$$"
	for o in $old; do mv "$o" "$W/old.$$/"; done
	rm -f "$W"/extnfs.db.*
	rm -rf "$W/old.$$" &
	rmpid=$!
fi
generate
: >"$W/bench.log"
mkdir -p "$D"
[ -z "$rmpid" ] || wait "$rmpid"
sync
# always: whatever was deleted on this filesystem just before (here or by
# anything else) must be older than ext4's 30 s window
log "pausing ${PAUSE}s so no recently deleted inode slows the first copy"
sleep "$PAUSE"

files=$(find "$W/data.$TAG/src/spot" -type f | wc -l)
spot_mib=$(du -sm "$W/data.$TAG/src/spot" | cut -f1)
rfiles=$(find "$W/data.$TAG/src/roots" -type f | wc -l)
log "spot: $files files, $spot_mib MiB; roots: $NODES nodes, $rfiles files"

bench_tree spot
bench_tree roots
bench_sparse

echo
echo "extnfs copy vs rsync -aHS --numeric-ids, cp -a, tar|tar ($TAG datasets, median of $RUNS runs, seconds)"
echo "spot: $files files, $spot_mib MiB; roots: $NODES x ~$NODE_FILES files; sparse: ${SPARSE_MIB} MiB file, ${SPARSE_DATA_MIB} MiB of data"
printf '%-34s %8s %8s %8s %8s   %7s %7s %7s\n' "" extnfs rsync "cp -a" "tar|tar" rsync/x cp/x tar/x
row "spot: initial copy" spot_init
row "spot: no-change re-sync" spot_nochange
row "spot: re-sync, 1 % changed" spot_change
row "roots: initial copy" roots_init
row "roots: no-change re-sync" roots_nochange
row "roots: re-sync, 1 % changed" roots_change
row "sparse: copy" sparse_init
row "sparse: allocated MiB (source $(($(du -k "$W/data.$TAG/src/sparse/paging00" | cut -f1) / 1024)))" sparse_alloc
echo "extnfs result vs source (tree-state): spot $(get_result spot_check), after re-syncs $(get_result spot_recheck);" \
	"roots $(get_result roots_check), after re-syncs $(get_result roots_recheck); sparse $(get_result sparse_check)"

# this run's destinations: deleted in the background (the next run waits)
mv "$D" "$W/old.done.$$"
rm -f "$EXTNFS_DB"
(rm -rf "$W/old.done.$$" >/dev/null 2>&1 &)
