#!/bin/sh
# bench/check.sh: the static check against what an admin runs by hand to
# verify a copy, side by side in one run. The sample cluster with a
# generated SPOT (FILES files of ~4 KiB, default 20000, in 200 directories)
# is synced to a local server root; then, warm cache, median of 3 runs:
#   extnfs check            every node: all 12 trees compared with their SN
#                           copies (metadata), exports, statelite dirs, edits
#   rsync -aHSni --delete   dry run, itemized, of the SPOT alone (the
#                           biggest tree: what 'is the copy right?' costs
#                           with the reference tool)
#   extnfs check --deep     the same by content digest
#   rsync -aHSnic --delete  dry run with checksums, of the SPOT alone
# and the ratio rsync / extnfs for each pair (above 1: extnfs is faster,
# though it does more).
#
# Usage: sh bench/check.sh [WORKDIR]   (default /tmp/extnfs-bench-check)
#   FILES=N   the SPOT's size in files
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
W=${1:-/tmp/extnfs-bench-check}
FILES=${FILES:-20000}
make -s -j2 extnfs build/t/helper/tree-gen >/dev/null
X="$TOP/extnfs"
S="$TOP/t/fixtures/sample-cluster"
rm -rf "$W" && mkdir -p "$W" && cd "$W"
export EXTNFS_DB="$W/extnfs.db"

FIXTURES="$TOP/t/fixtures"
. "$TOP/t/lib-cluster.sh"
extnfs() { "$X" "$@"; }
import_sample && make_sn_trees && make_client_files
spot=sn1/install/nim/spot/71Bcosi/usr
python3 -c "
import sys
n = int(sys.argv[1])
for d in range(200):
    print('d\t%s/share/d%03d' % (sys.argv[2], d))
for i in range(n):
    print('f\t%d\t%d\t%s/share/d%03d/f%05d' % (1024 + (i * 7919) % 7168, i, sys.argv[2], i % 200, i))
" "$FILES" "$spot" | "$TOP/build/t/helper/tree-gen"
mkdir ext
cat >extnfs.conf <<EOF
[host sn1]
root = $W/sn1
[host sn2]
root = $W/sn2
[server extnfs1]
dest = $W/ext
EOF
"$X" --config extnfs.conf apply >/dev/null
"$X" --config extnfs.conf check >/dev/null || { echo "check failed after apply" >&2; exit 1; }

median() { sort -n | sed -n 2p; }
t() { # command...: seconds of one run
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}
run3() { for i in 1 2 3; do t "$@"; done | median; }

c=$(run3 "$X" --config extnfs.conf check)
r=$(run3 rsync -aHSni --delete --numeric-ids "$spot/" "ext/install/nim/spot/71Bcosi/usr/")
cd_=$(run3 "$X" --config extnfs.conf check --deep)
rd=$(run3 rsync -aHSnic --delete --numeric-ids "$spot/" "ext/install/nim/spot/71Bcosi/usr/")
printf '%-44s %8s\n' "what ($FILES-file SPOT, median of 3, s)" "seconds"
printf '%-44s %8.3f\n' "extnfs check (all nodes, all trees)" "$c"
printf '%-44s %8.3f   ratio %.2f\n' "rsync -aHSni --delete (SPOT only)" "$r" "$(echo "$r / $c" | bc -l)"
printf '%-44s %8.3f\n' "extnfs check --deep" "$cd_"
printf '%-44s %8.3f   ratio %.2f\n' "rsync -aHSnic --delete (SPOT only)" "$rd" "$(echo "$rd / $cd_" | bc -l)"
cd / && rm -rf "$W"
