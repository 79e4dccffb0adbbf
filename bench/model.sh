#!/bin/sh
# bench/model.sh: the model at scale. Generates a 100,000-node cluster
# (1,000 racks of 100 nodes, one SN per 2,000 nodes, a regex hosts row),
# then times, in one run:
#   - extnfs import of the tables, against the sqlite3 shell's raw .import
#     of the same nodelist file (the floor: no parsing rules, no checks);
#   - expanding a 100,000-node noderange (cn[000001-100000]);
#   - expanding a group and resolving hosts.ip through the regex row.
# Each figure is the median of 5 runs. Usage: sh bench/model.sh [NODES]
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
make -s extnfs
X=$(pwd)/extnfs
W=$(mktemp -d /tmp/extnfs-bench-model.XXXXXX)
trap 'rm -rf "$W"' EXIT

# generate
awk -v n="$N" 'BEGIN {
	print "#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable" > "'"$W"'/nodelist.csv"
	print "#node,servicenode,netboot,tftpserver,tftpdir,nfsserver,monserver,nfsdir,installnic,primarynic,discoverynics,cmdinterface,xcatmaster,current_osimage,next_osimage,nimserver,routenames,nameservers,proxydhcp,syslog,comments,disable" > "'"$W"'/noderes.csv"
	for (i = 1; i <= n; i++)
		printf "\"cn%06d\",\"rack%04d,sn%03dnodes,compute,all\",,,,,,,,,,,\n", i, int((i - 1) / 100), int((i - 1) / 2000) >> "'"$W"'/nodelist.csv"
	for (s = 0; s <= int((n - 1) / 2000); s++)
		printf "\"sn%03dnodes\",\"sn%03d\",,,,\"extnfs1\",,,,,,,,,,,,,,,,\n", s, s >> "'"$W"'/noderes.csv"
	print "#node,ip,hostnames,otherinterfaces,comments,disable" > "'"$W"'/hosts.csv"
	print "\"compute\",\"|\\D+(\\d+)|10.((($1-1)/65536)+1).((($1-1)/256)%256).(($1-1)%256)|\",,,," >> "'"$W"'/hosts.csv"
}'
echo "cluster: $N nodes, $(wc -c <"$W/nodelist.csv") bytes of nodelist.csv"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # runs "$@" 5 times, prints the median seconds
	for i in 1 2 3 4 5; do
		t0=$(now); "$@" >/dev/null; t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'
	done | median
}

imp() { rm -f "$W/db"*; EXTNFS_DB="$W/db" "$X" import "$W/nodelist.csv" "$W/noderes.csv" "$W/hosts.csv"; }
raw() {
	rm -f "$W/raw.db"
	sqlite3 "$W/raw.db" "CREATE TABLE nodelist (node TEXT, groups TEXT, status TEXT, statustime TEXT, appstatus TEXT, appstatustime TEXT, primarysn TEXT, hidden TEXT, updatestatus TEXT, updatestatustime TEXT, zonename TEXT, comments TEXT, disable TEXT);" \
		".mode csv" ".import --skip 1 $W/nodelist.csv nodelist"
}
t_imp=$(timeit imp)
t_raw=$(timeit raw)
imp
rows=$(EXTNFS_DB="$W/db" "$X" nodels "cn[000001-$(printf %06d "$N")]" | wc -l)
[ "$rows" = "$N" ] || { echo "expansion gave $rows nodes, expected $N" >&2; exit 1; }
t_range=$(timeit env EXTNFS_DB="$W/db" "$X" nodels "cn[000001-$(printf %06d "$N")]")
t_group=$(timeit env EXTNFS_DB="$W/db" "$X" nodels compute)
t_empty=$(timeit env EXTNFS_DB="$W/db" "$X" nodels cn000001)
t_ip=$(timeit env EXTNFS_DB="$W/db" "$X" nodels compute hosts.ip)
ip=$(EXTNFS_DB="$W/db" "$X" nodels cn070000 hosts.ip)

printf '\n%-52s %8s\n' "step (median of 5, seconds)" "time"
printf '%-52s %8.3f\n' "extnfs import (3 tables, $N nodes)" "$t_imp"
printf '%-52s %8.3f\n' "sqlite3 .import of nodelist.csv alone (reference)" "$t_raw"
printf '%-52s %8.2f\n' "ratio extnfs import / sqlite3 .import" "$(awk -v a="$t_imp" -v b="$t_raw" 'BEGIN {print a / b}')"
printf '%-52s %8.3f\n' "nodels of one node (load the model: the floor)" "$t_empty"
printf '%-52s %8.3f\n' "nodels cn[000001-$(printf %06d "$N")] (whole command)" "$t_range"
printf '%-52s %8.3f\n' "  of which expansion (minus the one-node floor)" "$(awk -v a="$t_range" -v b="$t_empty" 'BEGIN {print a - b}')"
printf '%-52s %8.3f\n' "nodels compute (group)" "$t_group"
printf '%-52s %8.3f\n' "nodels compute hosts.ip (regex row per node)" "$t_ip"
echo "sample: $ip"
