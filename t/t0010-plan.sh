#!/bin/sh
# plan: the desired state of the external server, from the model alone.
. "$(dirname "$0")/test-lib.sh"

S="$FIXTURES/sample-cluster"

test_expect_success 'setup: the sample cluster with both SNs NIM resources' '
	extnfs import "$S/tables" &&
	extnfs import --lsnim sn1 "$S/sn1/lsnim-l.txt" &&
	extnfs import --lsnim sn2 "$S/sn2/lsnim-l.txt"
'

# rows of the TREES section as "kind image from path scope nodes"
trees() {
	sed -n "/^TREES/,/^$/p" | sed "1,2d; /^$/d" | awk "{print \$1, \$2, \$3, \$5, \$6, \$NF}"
}

test_expect_success 'the sample plan: one SPOT per image, scoped roots and .client_data' '
	extnfs plan >plan &&
	trees <plan >got &&
	cat >expect <<-\EOF &&
	root 71Bcosi sn1 /install/nim/root/71Bcosi_root/cn001 whole cn001
	root 71Bcosi sn2 /install/nim/root/71Bcosi_root/cn005 whole cn005
	shared_root 71Bsl sn1 /install/nim/shared_root/71Bsl_shared_root all cn003,cn004,cn007,cn008
	client_data 71Bsl sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data only cn003
	client_data 71Bsl sn1 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data only cn004
	client_data 71Bsl sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data only cn007
	client_data 71Bsl sn2 /install/nim/shared_root/71Bsl_shared_root/etc/.client_data only cn008
	shared_root 71Bsr sn2 /install/nim/shared_root/71Bsr_shared_root all cn006
	client_data 71Bsr sn2 /install/nim/shared_root/71Bsr_shared_root/etc/.client_data only cn006
	spot 71Bcosi sn1 /install/nim/spot/71Bcosi/usr whole cn001,cn005
	spot 71Bsl sn1 /install/nim/spot/71Bsl/usr whole cn003,cn004,cn007,cn008
	spot 71Bsr sn2 /install/nim/spot/71Bsr/usr whole cn006
	EOF
	test_cmp expect got
'

test_expect_success 'nothing at all for cn002 (its nfsserver is its SN)' '
	grep "cn002: nfsserver is its service node '"'"'sn1'"'"'" plan &&
	! sed -n "/^TREES/,/^LEFT/p" plan | grep cn002
'

test_expect_success 'the .client_data jobs include only the node files' '
	extnfs plan --format json >plan.json &&
	grep -c "\"\\*\\.cn00[3478]\"" plan.json >n && echo 4 >expect && test_cmp expect n
'

test_expect_success 'statelite directories /stateliteroot/<node> on extnfs1' '
	sed -n "/^STATELITE/,/^$/p" plan | awk "\$3 == \"statemnt\" {print \$1, \$2}" >got &&
	printf "extnfs1 /stateliteroot/cn003\nextnfs1 /stateliteroot/cn004\nextnfs1 /stateliteroot/cn007\nextnfs1 /stateliteroot/cn008\n" >expect &&
	test_cmp expect got &&
	grep " /stateliteroot/cn003/var/adm  *persistent" plan &&
	grep " /statelite/litetree/common  *litetree" plan
'

test_expect_success 'exports: SPOT ro to every node of the image, root rw to its node only' '
	grep "^  extnfs1 *\\/install/nim/spot/71Bcosi/usr  *ro  *root  *spot  *cn001,cn005$" plan &&
	grep "^  extnfs1 *\\/install/nim/root/71Bcosi_root/cn005  *rw  *root  *root  *cn005$" plan &&
	grep "^  extnfs1 *\\/stateliteroot/cn007  *rw  *root  *statemnt  *cn007$" plan
'

test_expect_success 'redirect edits for a shared_root node go to its .client_data files' '
	grep "sn2   cn007  filesystems  /install/nim/shared_root/71Bsl_shared_root/etc/.client_data/filesystems.cn007" plan &&
	grep "sn1   cn001  info         /tftpboot/10.1.0.1.info: SPOT=extnfs1:/install/nim/spot/71Bcosi/usr ROOT=extnfs1:/install/nim/root/71Bcosi_root/cn001 NIM_HOSTS+=10.0.0.50:extnfs1" plan
'

test_expect_success 'a noderange plans only its nodes; paging only when asked' '
	extnfs plan sn2nodes >p2 &&
	! grep "cn00[1-4]" p2 &&
	! grep paging p2 &&
	extnfs plan --with-paging cn005 >p3 &&
	grep "paging  *71Bcosi  *sn2  *extnfs1  *\\/install/nim/paging/71Bcosi_paging/cn005" p3
'

test_expect_success 'the json plan is complete and stable' '
	extnfs plan --format json >a.json && extnfs --json plan >b.json &&
	test_cmp a.json b.json &&
	grep "\"schema\": \"extnfs-plan/1\"" a.json &&
	test $(grep -A1 "\"kind\": \"spot\"" a.json | grep -c "\"image\"") = 3
'

test_expect_success 'the dot graph links MN, SNs, the server and the nodes' '
	extnfs plan --format dot sn1nodes >g.dot &&
	head -n 1 g.dot | grep "^digraph extnfs {$" &&
	grep "\"MN\" -> \"sn1\";" g.dot &&
	grep "\"sn1\" -> \"extnfs1\" \[label=\"root cn001\"\];" g.dot &&
	grep "\"extnfs1\" -> \"cn004\" \[style=dashed\];" g.dot &&
	tail -n 1 g.dot | grep "^}$"
'

test_expect_success 'the mkdsklsnode -n naming: <node>_<image>' '
	printf "[global]\nnimname = node_image\n" >conf &&
	extnfs --config conf plan cn001 >p &&
	grep "/install/nim/root/71Bcosi_root/cn001_71Bcosi " p
'

test_expect_success 'a configured primary SN copies the image-wide trees' '
	printf "[image 71Bsl]\nprimary = sn2\n" >conf &&
	extnfs --config conf plan >p &&
	grep "^  spot  *71Bsl  *sn2 " p &&
	grep "^  shared_root  *71Bsl  *sn2 " p
'

test_expect_success 'errors are shown together, each naming its node, exit 3' '
	extnfs chdef cn005 provmethod= &&
	extnfs chdef -m cn005 groups=compute &&
	extnfs chdef cn001 nfsserver=nowhere &&
	printf "#node,image,statemnt,mntopts,comments,disable\n\"cn004\",,\"extnfs1:/x/#CMD=id#\",,,\n" >statelite.csv &&
	extnfs import statelite.csv &&
	test_expect_code 3 extnfs plan >p 2>err &&
	grep "cn005: no image (nodetype.provmethod)" p &&
	grep "cn005: no address (hosts.ip)" p &&
	grep "cn001: nfsserver '"'"'nowhere'"'"' does not resolve (no hosts.ip)" p &&
	grep "cn004: statelite.statemnt: .*#CMD" p &&
	test_expect_code 3 extnfs plan --format script >s 2>err &&
	test ! -s s && grep "no script written" err
'

test_expect_success 'a node without a service node is an error naming it' '
	printf "#node,servicenode,nfsserver\n\"cn008\",\"\",\"extnfs1\"\n" >noderes.csv &&
	extnfs import noderes.csv &&
	extnfs chdef -m cn008 groups=sn2nodes &&
	test_expect_code 3 extnfs plan cn008 >p &&
	grep "cn008: no service node (noderes.servicenode)" p &&
	extnfs chdef -p cn008 groups=sn2nodes
'

test_expect_success 'an SN missing a resource, and SNs disagreeing on a SPOT location' '
	extnfs import --replace "$S/tables/nodelist.csv" "$S/tables/nodetype.csv" "$S/tables/noderes.csv" "$S/tables/statelite.csv" &&
	printf "71Bsl:\n   class = resources\n   type = spot\n   location = /elsewhere/71Bsl/usr\n" >sn2.txt &&
	extnfs import --lsnim sn2 sn2.txt &&
	test_expect_code 3 extnfs plan >p &&
	grep "cn005: service node '"'"'sn2'"'"' has no NIM resource '"'"'71Bcosi'"'"' (spot)" p &&
	test $(grep -c "cn007: service node '"'"'sn2'"'"' has no NIM resource '"'"'71Bsl_shared_root'"'"'" p) = 1 &&
	grep "service nodes disagree on where spot '"'"'71Bsl'"'"' is: '"'"'/install/nim/spot/71Bsl/usr'"'"' on sn1, '"'"'/elsewhere/71Bsl/usr'"'"' on sn2" p
'

test_done
