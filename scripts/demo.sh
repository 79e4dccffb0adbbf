#!/bin/sh
# demo.sh: the README's demo command. Installs what is missing, builds
# extnfs, and runs the main job on the embedded defaults (SQLite) against
# the sample cluster: import the xCAT tables and the SNs' NIM resources,
# look at the cluster the way an xCAT administrator does, then show what
# the external server must hold and its exports.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
make -j"$(nproc 2>/dev/null || echo 2)" extnfs >/dev/null
TOP=$(pwd)
S="$TOP/t/fixtures/sample-cluster"
WORK=$(mktemp -d /tmp/extnfs-demo.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
EXTNFS_DB="$WORK/extnfs.db"
export EXTNFS_DB
x() { printf '\n$ extnfs %s\n' "$*"; "$TOP/extnfs" "$@"; }

echo "extnfs demo: database $EXTNFS_DB (removed at the end)"
x import "$S/tables"
x import --lsnim sn1 "$S/sn1/lsnim-l.txt"
x import --lsnim sn2 "$S/sn2/lsnim-l.txt"
x nodels
x nodels compute@sn2nodes
x nodels sn1nodes noderes.nfsserver
x nodels cn005 hosts.ip
x lsdef -t node -o cn003 -i nfsserver,servicenode,provmethod
x lsdef -t osimage -o 71Bsl
x lsdef -t group -o lite
x plan
x exports --flavor linux sn2nodes
x exports --flavor ganesha cn005
x exports --audit --merge "$S/sn1/exports" --merge "$S/sn2/exports" || true
echo
echo "demo done: the model and the plan are in place; replication, apply and checks come next."
