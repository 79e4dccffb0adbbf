#!/bin/sh
# import --xcat-db (xCAT's own SQLite files) and schema migrations.
. "$(dirname "$0")/test-lib.sh"

T="$FIXTURES/sample-cluster/tables"

# An xCAT SQLite table file as xCAT writes it: one file per table, all TEXT.
# The shell's .import reads empty fields as '', xCAT stores NULL: fix that up.
make_xcat_sqlite() { # dir table csv
	names=$(head -n 1 "$3" | sed "s/^#//; s/,/ /g")
	cols=$(head -n 1 "$3" | sed "s/^#//; s/,/ TEXT,/g; s/\$/ TEXT/")
	nulls=$(for c in $names; do printf "UPDATE %s SET %s = NULL WHERE length(%s) = 0;" "$2" "$c" "$c"; done)
	sqlite3 "$1/$2.sqlite" "CREATE TABLE $2 ($cols);" ".mode csv" ".import --skip 1 $3 $2" "$nulls"
}

test_expect_success 'import --xcat-db reads every table file it knows' '
	mkdir xcatdb &&
	for t in nodelist noderes nodetype hosts site; do
		make_xcat_sqlite xcatdb $t "$T/$t.csv" || return 1
	done &&
	sqlite3 xcatdb/passwd.sqlite "CREATE TABLE passwd (key TEXT, username TEXT);" &&
	extnfs import --xcat-db xcatdb >out &&
	grep "^imported 30 rows from 5 files$" out &&
	extnfs nodels compute@sn2nodes hosts.ip >out &&
	printf "cn005: hosts.ip: 10.1.0.5\ncn006: hosts.ip: 10.1.0.6\ncn007: hosts.ip: 10.1.0.7\ncn008: hosts.ip: 10.1.0.8\n" >expect &&
	test_cmp expect out
'

test_expect_success 'xCAT SQLite NULLs stay unset, values equal the CSV import' '
	extnfs tabdump noderes >a &&
	rm -f "$EXTNFS_DB" && extnfs import "$T/noderes.csv" && extnfs tabdump noderes >b &&
	test_cmp b a
'

test_expect_success 'the xCAT files are opened read-only and left as they were' '
	sum1=$(cat xcatdb/*.sqlite | md5sum) &&
	extnfs import --xcat-db xcatdb &&
	sum2=$(cat xcatdb/*.sqlite | md5sum) &&
	test "$sum1" = "$sum2"
'

test_expect_success 'an xCAT table with an unknown column is refused' '
	mkdir bad && sqlite3 bad/nodelist.sqlite "CREATE TABLE nodelist (node TEXT, groups TEXT, shoesize TEXT); INSERT INTO nodelist VALUES (\"z1\",\"all\",\"9\");" &&
	db_snapshot >before &&
	test_expect_code 3 extnfs import --xcat-db bad 2>err &&
	grep "unknown column '"'"'shoesize'"'"'" err &&
	db_snapshot >after && test_cmp before after
'

test_expect_success 'a directory without table files is refused' '
	mkdir empty && test_expect_code 3 extnfs import --xcat-db empty 2>err &&
	grep "no xCAT table file" err
'

test_expect_success 'a schema-1 database is migrated and keeps its rows' '
	rm -f old.db && EXTNFS_DB=old.db extnfs import "$T/site.csv" &&
	sqlite3 old.db "DROP TABLE nim_resource; DROP TABLE nim_attr; DROP TABLE export_id; DROP TABLE manifest; DROP TABLE sync_record; PRAGMA user_version = 1;" &&
	EXTNFS_DB=old.db extnfs tabdump site >out &&
	test_cmp "$T/site.csv" out &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 5 &&
	sqlite3 old.db "SELECT count(*) FROM nim_resource" >n && echo 0 >expect && test_cmp expect n
'

test_expect_success 'a database from a newer extnfs is refused, untouched' '
	sqlite3 old.db "PRAGMA user_version = 99;" &&
	test_expect_code 3 extnfs --db old.db nodels 2>err &&
	grep "schema version 99 is newer" err &&
	test "$(sqlite3 old.db "PRAGMA user_version")" = 99
'

test_done
