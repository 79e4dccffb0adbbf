#!/bin/sh
# bench/nfs.sh: extnfs copy to nfs:// (libnfs into a local NFS-Ganesha)
# against the references, side by side in one run on the same data:
#   rsync -aHS   writing into the directory Ganesha exports (local disk:
#                the best rsync can do here, no NFS in the way)
#   nfs-cp       libnfs's own copy tool, one file at a time (a sample of
#                NFSCP_SAMPLE files, extrapolated as files/s)
# Datasets: the SPOT-like tree of bench/copy.sh (tree-gen, log-normal
# sizes around 4 KiB, symlinks, hard links; SPOT_FILES files, default
# 100000) and one 1 GiB file of random data. Prints seconds, files/s and
# MB/s per tool and the ratios the issue sets goals for:
#   extnfs files/s / nfs-cp files/s        (goal >= 10)
#   extnfs files/s / rsync-local files/s   (small files, goal >= 0.5)
#   extnfs MB/s / rsync-local MB/s         (the 1 GiB file, goal >= 0.8)
# Also the CPU seconds each run cost the client side and ganesha.nfsd (where
# the time goes). Each extnfs copy is checked against its source with
# tree-state. One run of each (the machine is shared: no loops). Needs root, ganesha.nfsd,
# rpcbind, nfs-cp (libnfs-utils), rsync.
#
# Usage: sh bench/nfs.sh [WORKDIR]   (default /tmp/extnfs-bench-nfs)
#   SPOT_FILES=N  size of the tree; NFSCP_SAMPLE=N (default 300)
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
W=${1:-/tmp/extnfs-bench-nfs}
SPOT_FILES=${SPOT_FILES:-100000}
NFSCP_SAMPLE=${NFSCP_SAMPLE:-300}

make -s extnfs build/t/helper/tree-state build/t/helper/tree-gen
X=$TOP/extnfs
TS=$TOP/build/t/helper/tree-state
GEN=$TOP/build/t/helper/tree-gen
mkdir -p "$W"
W=$(cd "$W" && pwd)
R=$W/run.$$
mkdir -p "$R/export" "$R/ganesha"
export EXTNFS_DB="$R/extnfs.db"

log() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
# the SPOT-like spec, taken from bench/copy.sh (one definition)
eval "$(sed -n '/^spec_spot() {/,/^}/p' bench/copy.sh)"

# ---- data ----------------------------------------------------------------
DATA=$W/data.$SPOT_FILES
if [ ! -f "$DATA/done" ]; then
	log "generating $SPOT_FILES files and a 1 GiB file in $DATA (once)"
	rm -rf "$DATA" && mkdir -p "$DATA/src" "$DATA/big"
	(cd "$DATA/src" && spec_spot "$SPOT_FILES" 42 | "$GEN")
	head -c 1073741824 /dev/urandom >"$DATA/big/one-gib"
	touch "$DATA/done"
fi
SPOT=$DATA/src/spot
NFILES=$(find "$SPOT" | wc -l)
SPOT_BYTES=$(du -sb --apparent-size "$SPOT" | cut -f1)
BIG_BYTES=$(stat -c %s "$DATA/big/one-gib")

# ---- Ganesha ---------------------------------------------------------------
NFS_PORT=$((30000 + ($$ % 1000) * 4))
MNT_PORT=$((NFS_PORT + 1))
OPTS="nfsport=$NFS_PORT&mountport=$MNT_PORT"
cat >"$R/ganesha/ganesha.conf" <<EOF
NFS_CORE_PARAM { NFS_Port = $NFS_PORT; MNT_Port = $MNT_PORT; NLM_Port = $((NFS_PORT + 2));
	Rquota_Port = $((NFS_PORT + 3)); Bind_addr = 127.0.0.1; Protocols = 3, 4; }
NFSV4 { Graceless = true; }
EXPORT { Export_Id = 1; Path = "$R/export"; Pseudo = "/export"; Protocols = 3;
	Access_Type = RW; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
EOF
RPCBIND_PID=
if ! rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
	rpcbind -w -f &
	RPCBIND_PID=$!
	sleep 0.3
fi
ganesha.nfsd -F -f "$R/ganesha/ganesha.conf" -L "$R/ganesha/log" -p "$R/ganesha/pid" &
GANESHA_PID=$!
cleanup() {
	kill "$GANESHA_PID" 2>/dev/null || true
	[ -n "$RPCBIND_PID" ] && kill "$RPCBIND_PID" 2>/dev/null || true
	# deleted in the background, after the timings (ext4 without a journal)
	(sleep 5; rm -rf "$R") >/dev/null 2>&1 &
}
trap cleanup EXIT
for i in $(seq 1 40); do
	nfs-ls "nfs://127.0.0.1$R/export?$OPTS" >/dev/null 2>&1 && break
	sleep 0.5
done
url() { echo "nfs://127.0.0.1$R/export/$1?$OPTS"; }

# warm the page cache of the sources, then let the disk settle
tar -cf - -C "$DATA" src big | cat >/dev/null
sync
sleep 5

# CPU seconds (user + sys) used so far by ganesha.nfsd and by our children
ganesha_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' /proc/$GANESHA_PID/stat; }
# (times must run in this shell, not in a $(...) subshell: through a file)
children_cpu() {
	times >"$R/times"
	awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$R/times"
}

timed() { # NAME CMD...: runs, prints the seconds; $R/NAME.cpu: client and server CPU s
	children_cpu >"$R/c0"
	_g0=$(ganesha_cpu) _t0=$(now)
	"$@" >"$R/$1.out" 2>"$R/$1.err" || { log "$1 failed:"; cat "$R/$1.err" >&2; exit 1; }
	_t1=$(now) _g1=$(ganesha_cpu)
	children_cpu >"$R/c1"
	_c0=$(cat "$R/c0") _c1=$(cat "$R/c1")
	echo "$_c0 $_c1 $_g0 $_g1" | awk '{ printf "%.1f %.1f\n", $2 - $1, $4 - $3 }' >"$R/$1.cpu"
	echo "$_t0 $_t1" | awk '{ printf "%.2f", $2 - $1 }'
}
run_rsync_spot() { rsync -aHS --numeric-ids "$SPOT/" "$R/export/rsync-spot/"; }
run_extnfs_spot() { "$X" copy "$SPOT" "$(url extnfs-spot)"; }
run_rsync_big() { rsync -aHS --numeric-ids "$DATA/big/" "$R/export/rsync-big/"; }
run_extnfs_big() { "$X" copy "$DATA/big" "$(url extnfs-big)"; }
run_nfscp() {
	mkdir -p "$R/export/nfscp"
	find "$SPOT" -type f | head -n "$NFSCP_SAMPLE" >"$R/sample"
	i=0
	while read -r f; do
		i=$((i + 1))
		nfs-cp "$f" "nfs://127.0.0.1$R/export/nfscp/f$i?$OPTS" >/dev/null
	done <"$R/sample"
}

log "spot: $NFILES entries, $SPOT_BYTES bytes"
T_RSYNC_SPOT=$(timed run_rsync_spot)
sleep 5
T_EXTNFS_SPOT=$(timed run_extnfs_spot)
sleep 5
T_NFSCP=$(timed run_nfscp)
NFSCP_BYTES=$(xargs -d '\n' cat <"$R/sample" | wc -c)
sleep 5
T_RSYNC_BIG=$(timed run_rsync_big)
sleep 5
T_EXTNFS_BIG=$(timed run_extnfs_big)

# the copies are exact (NFS-Ganesha cannot set a symlink's own times)
"$TS" --ignore=link-mtime -- "$SPOT" >"$R/a"
"$TS" --ignore=link-mtime -- "$R/export/extnfs-spot" >"$R/b"
cmp -s "$R/a" "$R/b" || { log "extnfs copy of the tree differs from its source"; exit 1; }
cmp -s "$DATA/big/one-gib" "$R/export/extnfs-big/one-gib" || { log "1 GiB file differs"; exit 1; }

echo "CPU seconds during each run (the tool and its children / ganesha.nfsd):"
for c in run_rsync_spot run_extnfs_spot run_nfscp run_rsync_big run_extnfs_big; do
	printf '  %-18s %s\n' "$c" "$(awk '{ printf "%s / %s", $1, $2 }' "$R/$c.cpu")"
done
echo

awk -v n="$NFILES" -v sb="$SPOT_BYTES" -v bb="$BIG_BYTES" -v ns="$NFSCP_SAMPLE" -v nb="$NFSCP_BYTES" \
    -v rs="$T_RSYNC_SPOT" -v es="$T_EXTNFS_SPOT" -v nc="$T_NFSCP" -v rb="$T_RSYNC_BIG" -v eb="$T_EXTNFS_BIG" '
BEGIN {
	printf "%-34s %9s %10s %9s\n", "", "seconds", "files/s", "MB/s"
	printf "%-34s %9.2f %10.0f %9.1f\n", "SPOT tree: rsync -aHS (local)", rs, n / rs, sb / rs / 1e6
	printf "%-34s %9.2f %10.0f %9.1f\n", "SPOT tree: extnfs -> nfs://", es, n / es, sb / es / 1e6
	printf "%-34s %9.2f %10.0f %9.1f\n", "nfs-cp, " ns " files, one at a time", nc, ns / nc, nb / nc / 1e6
	printf "%-34s %9.2f %10s %9.1f\n", "1 GiB file: rsync -aHS (local)", rb, "-", bb / rb / 1e6
	printf "%-34s %9.2f %10s %9.1f\n", "1 GiB file: extnfs -> nfs://", eb, "-", bb / eb / 1e6
	printf "\nratios (goal):\n"
	printf "  extnfs / nfs-cp files/s         %6.1f  (>= 10)\n", (n / es) / (ns / nc)
	printf "  extnfs / rsync-local files/s    %6.2f  (>= 0.5)\n", (n / es) / (n / rs)
	printf "  extnfs / rsync-local MB/s, 1GiB %6.2f  (>= 0.8)\n", (bb / eb) / (bb / rb)
}'
