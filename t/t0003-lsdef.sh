#!/bin/sh
# lsdef, mkdef, chdef, rmdef in xCAT's forms.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	extnfs import "$FIXTURES/sample-cluster/tables"
'

test_expect_success 'lsdef -i shows resolved attributes in lsdef form' '
	extnfs lsdef -t node -o cn003 -i nfsserver,servicenode,provmethod >out &&
	cat >expect <<-\EOF &&
	Object name: cn003
	    nfsserver=extnfs1
	    provmethod=71Bsl
	    servicenode=sn1
	EOF
	test_cmp expect out
'

test_expect_success 'lsdef NODE -l shows the whole definition, sorted' '
	extnfs lsdef cn005 >out &&
	cat >expect <<-\EOF &&
	Object name: cn005
	    arch=ppc64
	    groups=sn2nodes,compute,all
	    ip=10.1.0.5
	    nfsserver=extnfs1
	    nodetype=osi
	    os=AIX
	    prescripts-end=diskless:syncaixres
	    provmethod=71Bcosi
	    servicenode=sn2
	    xcatmaster=sn2
	EOF
	test_cmp expect out
'

test_expect_success 'lsdef -t node lists names' '
	extnfs lsdef -t node >out &&
	head -n 2 out >got && printf "sn1  (node)\nsn2  (node)\n" >expect && test_cmp expect got &&
	test $(wc -l <out) = 10
'

test_expect_success 'lsdef -t osimage shows NIM resources of the image' '
	extnfs lsdef -t osimage -o 71Bsl -i spot,shared_root,nimtype >out &&
	printf "Object name: 71Bsl\n    nimtype=diskless\n    shared_root=71Bsl_shared_root\n    spot=71Bsl\n" >expect &&
	test_cmp expect out
'

test_expect_success 'lsdef -t group shows members and group-level attributes' '
	extnfs lsdef -t group -o sn2nodes >out &&
	printf "Object name: sn2nodes\n    grouptype=static\n    members=cn005,cn006,cn007,cn008\n    nfsserver=extnfs1\n    servicenode=sn2\n    xcatmaster=sn2\n" >expect &&
	test_cmp expect out
'

test_expect_success 'lsdef -w selects' '
	extnfs lsdef -t node -w nfsserver==sn1 -s >out &&
	echo "cn002  (node)" >expect && test_cmp expect out
'

test_expect_success 'lsdef of an unknown object fails clearly' '
	test_expect_code 3 extnfs lsdef -t osimage -o nosuch 2>err &&
	grep "could not find an object named '"'"'nosuch'"'"' of type '"'"'osimage'"'"'" err
'

test_expect_success 'mkdef defines nodes from a range; lsdef sees them' '
	extnfs mkdef -t node "cn[011-012]" groups=sn1nodes,compute,all nodetype=osi &&
	extnfs nodels sn1nodes >out &&
	printf "cn001\ncn002\ncn003\ncn004\ncn011\ncn012\n" >expect && test_cmp expect out &&
	extnfs nodels cn012 noderes.nfsserver >out &&
	echo "cn012: extnfs1" >expect && test_cmp expect out
'

test_expect_success 'mkdef refuses an existing node and changes nothing' '
	db_snapshot >before &&
	test_must_fail extnfs mkdef -t node cn011,cn013 groups=all 2>err &&
	grep "already exists" err &&
	db_snapshot >after && test_cmp before after
'

test_expect_success 'chdef sets, -p adds to and -m removes from lists' '
	extnfs chdef cn011 nfsserver=sn1 &&
	extnfs nodels cn011 noderes.nfsserver >out && echo "cn011: sn1" >expect && test_cmp expect out &&
	extnfs chdef -p cn011 groups=lite &&
	extnfs nodels cn011 groups >out && echo "cn011: sn1nodes,compute,all,lite" >expect && test_cmp expect out &&
	extnfs chdef -m cn011 groups=compute &&
	extnfs nodels cn011 groups >out && echo "cn011: sn1nodes,all,lite" >expect && test_cmp expect out
'

test_expect_success 'chdef attr= unsets at node level; the group value shows again' '
	extnfs chdef cn011 nfsserver= &&
	extnfs nodels cn011 noderes.nfsserver >out && echo "cn011: extnfs1" >expect && test_cmp expect out
'

test_expect_success 'chdef --dry-run changes nothing' '
	db_snapshot >before &&
	extnfs chdef --dry-run cn011 nfsserver=zzz >out &&
	grep "dry run" out &&
	db_snapshot >after && test_cmp before after
'

test_expect_success 'chdef of an unknown attribute is refused' '
	test_must_fail extnfs chdef cn011 frob=1 2>err &&
	grep "'"'"'frob'"'"' is not an attribute of a node" err
'

test_expect_success 'mkdef -t group sets members through nodelist.groups' '
	extnfs mkdef -t group -o rack9 members=cn011,cn012 &&
	extnfs nodels rack9 >out && printf "cn011\ncn012\n" >expect && test_cmp expect out &&
	extnfs chdef -t group -o rack9 nfsserver=extnfs2 &&
	extnfs nodels cn012 noderes.nfsserver >out && echo "cn012: extnfs1" >expect && test_cmp expect out
'

test_expect_success 'rmdef removes nodes from every table' '
	extnfs rmdef cn011,cn012 &&
	test_expect_code 1 extnfs nodels cn011 2>err &&
	extnfs tabdump nodelist >nl && ! grep cn011 nl &&
	extnfs tabdump noderes >nr && ! grep cn011 nr
'

test_expect_success 'mkdef, chdef and rmdef report in JSON' '
	extnfs --json mkdef -t node cn020 groups=all >out &&
	grep "\"action\": \"created\"" out && grep "\"cn020\"" out &&
	extnfs --json rmdef --dry-run cn020 >out &&
	grep "\"dry_run\": true" out &&
	extnfs nodels cn020 &&
	extnfs --json rmdef cn020 >out && grep "\"action\": \"removed\"" out
'

test_expect_success 'rmdef -t group takes the group off its members' '
	extnfs chdef -p cn001 groups=tmpgrp &&
	extnfs rmdef -t group -o tmpgrp &&
	extnfs nodels cn001 groups >out && echo "cn001: sn1nodes,compute,all" >expect && test_cmp expect out
'

test_done
