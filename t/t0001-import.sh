#!/bin/sh
# import: tabdump CSV in, tabdump CSV out; bad files change nothing.
. "$(dirname "$0")/test-lib.sh"

T="$FIXTURES/sample-cluster/tables"

test_expect_success 'import the sample tables' '
	extnfs import "$T" >out &&
	grep "^imported 45 rows from 11 files$" out
'

test_expect_success 'tabdump gives every sample table back byte for byte' '
	for f in "$T"/*.csv; do
		t=$(basename "$f" .csv)
		extnfs tabdump "$t" >"$t.out" &&
		test_cmp "$f" "$t.out" || return 1
	done
'

test_expect_success 'tabdump without a table lists the tables' '
	extnfs tabdump >tables &&
	grep -x nodelist tables && grep -x litetree tables && test $(wc -l <tables) = 11
'

test_expect_success 'a second import merges by key (no duplicate rows)' '
	extnfs import "$T/nodelist.csv" &&
	extnfs tabdump nodelist >nl &&
	test_cmp "$T/nodelist.csv" nl
'

test_expect_success 'merge updates the columns a file has and keeps the others' '
	printf "#node,comments\n\"cn001\",\"rack 4\"\n" >nodelist-part.csv &&
	extnfs import --table nodelist nodelist-part.csv &&
	extnfs tabdump nodelist | grep "^\"cn001\"" >row &&
	echo "\"cn001\",\"sn1nodes,compute,all\",,,,,,,,,,\"rack 4\"," >expect &&
	test_cmp expect row
'

test_expect_success '--replace replaces the table' '
	printf "#node,groups\n\"x1\",\"all\"\n" >nodelist.csv &&
	extnfs import --replace nodelist.csv &&
	extnfs tabdump nodelist >nl &&
	printf "#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable\n\"x1\",\"all\",,,,,,,,,,,\n" >expect &&
	test_cmp expect nl &&
	extnfs import --replace "$T/nodelist.csv"
'

test_expect_success 'an older xCAT column set imports (columns matched by name)' '
	printf "#groups,node,comments\n\"all\",\"old1\",\"from 2.8\"\n" >old.csv &&
	extnfs import --table nodelist old.csv &&
	extnfs nodels old1 nodelist.comments >out &&
	echo "old1: from 2.8" >expect && test_cmp expect out
'

test_expect_success 'values with commas, quotes and newlines survive' '
	printf "#key,value,comments,disable\n\"motd\",\"a,b \"\"c\"\"\nline2\",,\n" >site.csv &&
	extnfs import site.csv &&
	extnfs tabdump site | tail -n 2 >got &&
	printf "\"motd\",\"a,b \"\"c\"\"\nline2\",,\n" >expect &&
	test_cmp expect got
'

# Each bad file must be refused with file:line and leave the database as it was.
check_refused() { # file expected-message-part
	db_snapshot >before &&
	test_expect_code 3 extnfs import "$1" 2>err &&
	grep -F -- "$2" err &&
	grep "nothing was imported" err &&
	db_snapshot >after &&
	test_cmp before after
}

test_expect_success 'unterminated quote: refused with its line, nothing changes' '
	printf "#node,groups\n\"a1\",\"all\"\n\"a2\",\"all\n" >nodelist.csv &&
	check_refused nodelist.csv "nodelist.csv'"'"' line 3"
'

test_expect_success 'wrong field count: refused with its line' '
	printf "#node,groups\n\"a1\",\"all\"\n\"a2\",\"all\",\"x\"\n" >nodelist.csv &&
	check_refused nodelist.csv "line 3"
'

test_expect_success 'unknown column: refused, accepted with --ignore-unknown' '
	printf "#node,groups,frobnicate\n\"a1\",\"all\",\"x\"\n" >nodelist.csv &&
	check_refused nodelist.csv "unknown column '"'"'frobnicate'"'"'" &&
	extnfs import --ignore-unknown nodelist.csv >out &&
	grep "1 unknown columns skipped" out &&
	extnfs nodels a1 >got && echo a1 >expect && test_cmp expect got &&
	extnfs rmdef a1
'

test_expect_success 'NUL byte: refused with line and column' '
	printf "#node,groups\n\"a1\",\"al\000l\"\n" >nodelist.csv &&
	check_refused nodelist.csv "line 2 column"
'

test_expect_success 'a 1 MB line: refused quickly' '
	{ printf "#node,groups\n\"a1\",\""; head -c 1100000 /dev/zero | tr "\0" x; printf "\"\n"; } >nodelist.csv &&
	check_refused nodelist.csv "line 2"
'

test_expect_success 'unknown table: refused' '
	printf "#node\n\"a1\"\n" >passwd.csv &&
	check_refused passwd.csv "no table '"'"'passwd'"'"'"
'

test_expect_success 'a bad file among good ones: nothing at all is imported' '
	mkdir -p mixed && cp "$T/site.csv" mixed/ &&
	printf "#key,value,comments,disable\n\"installdir\",\"/other\",,\n" >mixed/site.csv &&
	printf "#node,groups\n\"a1\n" >mixed/zz.csv &&
	db_snapshot >before &&
	test_must_fail extnfs import mixed 2>err &&
	db_snapshot >after && test_cmp before after
'

test_expect_success 'duplicate key inside one file: refused with both lines' '
	printf "#node,groups\n\"d1\",\"all\"\n\"d1\",\"x\"\n" >nodelist.csv &&
	check_refused nodelist.csv "line 3: duplicate key (first at line 2)"
'

test_expect_success 'a missing file: refused' '
	test_expect_code 3 extnfs import nosuch.csv 2>err &&
	grep "cannot open '"'"'nosuch.csv'"'"'" err
'

test_expect_success '--json reports the counts' '
	extnfs --json import "$T/site.csv" >out &&
	grep "\"rows\": 5" out && grep "\"tables\": 1" out
'

test_done
