#!/bin/sh
# nodels: noderanges and attribute resolution against the sample cluster.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	extnfs import "$FIXTURES/sample-cluster/tables"
'

test_expect_success 'nodels lists every enabled node, sorted, not the disabled cn010' '
	extnfs nodels >out &&
	printf "cn001\ncn002\ncn003\ncn004\ncn005\ncn006\ncn007\ncn008\nsn1\nsn2\n" >expect &&
	test_cmp expect out &&
	extnfs nodels all >out2 && test_cmp expect out2
'

test_expect_success 'intersection: compute@sn2nodes' '
	extnfs nodels compute@sn2nodes >out &&
	printf "cn005\ncn006\ncn007\ncn008\n" >expect && test_cmp expect out
'

test_expect_success 'exclusion and ranges' '
	extnfs nodels "cn[001-004],-cn002" >out &&
	printf "cn001\ncn003\ncn004\n" >expect && test_cmp expect out &&
	extnfs nodels cn003-cn005 >out &&
	printf "cn003\ncn004\ncn005\n" >expect && test_cmp expect out
'

test_expect_success 'the regex row gives each node its own address' '
	extnfs nodels cn005 hosts.ip >out &&
	echo "cn005: 10.1.0.5" >expect && test_cmp expect out &&
	extnfs nodels sn1nodes hosts.ip >out &&
	printf "cn001: hosts.ip: 10.1.0.1\ncn002: hosts.ip: 10.1.0.2\ncn003: hosts.ip: 10.1.0.3\ncn004: hosts.ip: 10.1.0.4\n" >expect &&
	test_cmp expect out
'

test_expect_success 'node row first, then groups in order' '
	extnfs nodels cn002,cn003 noderes.nfsserver >out &&
	printf "cn002: noderes.nfsserver: sn1\ncn003: noderes.nfsserver: extnfs1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'an empty value at node level does not hide the group value' '
	printf "#node,servicenode,nfsserver\n\"cn004\",\"\",\n" >noderes.csv &&
	extnfs import noderes.csv &&
	extnfs nodels cn004 noderes.servicenode >out &&
	echo "cn004: sn1" >expect && test_cmp expect out
'

test_expect_success 'a disabled row is ignored' '
	printf "#node,servicenode,comments,disable\n\"cn006\",\"snX\",,\"1\"\n" >noderes.csv &&
	extnfs import noderes.csv &&
	extnfs nodels cn006 noderes.servicenode >out &&
	echo "cn006: sn2" >expect && test_cmp expect out
'

test_expect_success 'selection by attribute' '
	extnfs nodels compute noderes.nfsserver==sn1 >out &&
	echo cn002 >expect && test_cmp expect out &&
	extnfs nodels all nodetype.provmethod=~^71Bs >out &&
	printf "cn003\ncn004\ncn006\ncn007\ncn008\n" >expect && test_cmp expect out
'

test_expect_success 'a table name shows its set columns' '
	extnfs nodels cn005 noderes >out &&
	printf "cn005: noderes.servicenode: sn2\ncn005: noderes.nfsserver: extnfs1\ncn005: noderes.xcatmaster: sn2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'names that match nothing are reported, exit 1' '
	test_expect_code 1 extnfs nodels cn001,cn099 >out 2>err &&
	echo cn001 >expect && test_cmp expect out &&
	grep "cn099" err
'

test_expect_success 'cn1 is not cn10: no substring matching' '
	test_expect_code 1 extnfs nodels cn01 >out 2>err &&
	test ! -s out
'

test_expect_success 'a syntax error points at its position' '
	test_must_fail extnfs nodels "cn[001-" 2>err &&
	grep -i "column" err
'

test_expect_success '--json lists nodes and attributes' '
	extnfs --json nodels sn2nodes noderes.servicenode >out &&
	grep "\"cn008\": {" out && grep "\"noderes.servicenode\": \"sn2\"" out
'

test_done
