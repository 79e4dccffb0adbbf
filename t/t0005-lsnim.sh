#!/bin/sh
# import --lsnim: the NIM resources each SN reports.
. "$(dirname "$0")/test-lib.sh"

S="$FIXTURES/sample-cluster"
q() { sqlite3 -separator "|" "$EXTNFS_DB" "$1"; }

test_expect_success 'import lsnim -l from two SNs' '
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" >out &&
	grep "^imported 5 NIM objects from 1 file$" out &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt" &&
	q "SELECT sn, name, type, location FROM nim_resource ORDER BY sn, name" >got &&
	cat >expect <<-\EOF &&
	sn1|71Bcosi|spot|/install/nim/spot/71Bcosi/usr
	sn1|71Bcosi_paging|paging|/install/nim/paging/71Bcosi_paging
	sn1|71Bcosi_root|root|/install/nim/root/71Bcosi_root
	sn1|71Bsl|spot|/install/nim/spot/71Bsl/usr
	sn1|71Bsl_shared_root|shared_root|/install/nim/shared_root/71Bsl_shared_root
	sn2|71Bcosi|spot|/install/nim/spot/71Bcosi/usr
	sn2|71Bcosi_paging|paging|/install/nim/paging/71Bcosi_paging
	sn2|71Bcosi_root|root|/install/nim/root/71Bcosi_root
	sn2|71Bsl|spot|/install/nim/spot/71Bsl/usr
	sn2|71Bsl_shared_root|shared_root|/install/nim/shared_root/71Bsl_shared_root
	sn2|71Bsr|spot|/install/nim/spot/71Bsr/usr
	sn2|71Bsr_paging|paging|/install/nim/paging/71Bsr_paging
	sn2|71Bsr_shared_root|shared_root|/install/nim/shared_root/71Bsr_shared_root
	EOF
	test_cmp expect got
'

test_expect_success 'values keep inner spaces; every attribute is kept' '
	q "SELECT value FROM nim_attr WHERE sn = '"'"'sn1'"'"' AND name = '"'"'71Bcosi'"'"' AND attr = '"'"'Rstate'"'"'" >got &&
	echo "ready for use" >expect && test_cmp expect got &&
	q "SELECT count(*) FROM nim_attr WHERE sn = '"'"'sn1'"'"' AND name = '"'"'71Bcosi'"'"'" >got &&
	echo 14 >expect && test_cmp expect got
'

test_expect_success 're-importing an SN replaces only that SN' '
	printf "71Bcosi:\n   class = resources\n   type = spot\n   location = /other/usr\n" >sn1-new.txt &&
	extnfs import --lsnim sn1 sn1-new.txt &&
	q "SELECT count(*) FROM nim_resource WHERE sn = '"'"'sn1'"'"'" >got && echo 1 >expect && test_cmp expect got &&
	q "SELECT count(*) FROM nim_resource WHERE sn = '"'"'sn2'"'"'" >got && echo 8 >expect && test_cmp expect got
'

test_expect_success 'lsnim -Z output imports too (values with colons)' '
	printf "#name:class:type:location:comments:\n71Bx:resources:spot:/install/nim/spot/71Bx/usr:a#!:b:\n" >z.txt &&
	extnfs import --lsnim sn3 z.txt &&
	q "SELECT location FROM nim_resource WHERE sn = '"'"'sn3'"'"'" >got &&
	echo /install/nim/spot/71Bx/usr >expect && test_cmp expect got &&
	q "SELECT value FROM nim_attr WHERE sn = '"'"'sn3'"'"' AND attr = '"'"'comments'"'"'" >got &&
	echo "a:b" >expect && test_cmp expect got
'

test_expect_success 'a malformed lsnim file is refused with its line, nothing changes' '
	printf "71By:\n   class = resources\n   this line has no equals sign\n" >bad.txt &&
	q "SELECT * FROM nim_attr" >before &&
	test_expect_code 3 extnfs import --lsnim sn1 bad.txt 2>err &&
	grep "bad.txt'"'"' line 3" err &&
	q "SELECT * FROM nim_attr" >after && test_cmp before after
'

test_done
