#!/bin/sh
# prescript install: the xCAT prescript that runs apply after mkdsklsnode;
# it acts only for ACTION=diskless, and runs on every SN at once converge.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

test_expect_success 'setup: model, SN trees, a server root, exports without reload' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext pre &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = none
	resolve = yes
	EOF
'

test_expect_success 'install writes an executable script that calls this extnfs with this config' '
	extnfs --config extnfs.conf prescript install compute --dir pre >out &&
	cat >want <<-EOF &&
	$TRASH/pre/syncaixres written
	to run it at the end of mkdsklsnode:
	  chdef -t node -o compute prescripts-end="diskless:syncaixres"
	EOF
	test_cmp want out &&
	test -x pre/syncaixres &&
	test "$(stat -c %a pre/syncaixres)" = 755 &&
	head -n 1 pre/syncaixres >first && echo "#!/bin/sh" >want && test_cmp want first &&
	grep "^exec .*/extnfs. --config .$TRASH/extnfs.conf. --db .$TRASH/extnfs.db. apply \"\$NODES\" 2>&1$" pre/syncaixres
'

test_expect_success 'a second install leaves it alone; a foreign file is kept unless --force' '
	stat -c %Y.%y pre/syncaixres >before &&
	extnfs --config extnfs.conf prescript install --dir pre >out &&
	grep "^$TRASH/pre/syncaixres unchanged$" out &&
	stat -c %Y.%y pre/syncaixres >after && test_cmp before after &&
	echo "#!/bin/sh" >pre/mine && echo "echo mine" >>pre/mine &&
	cp pre/mine mine.before &&
	test_expect_code 3 extnfs --config extnfs.conf prescript install --dir pre --name mine 2>err &&
	echo "extnfs prescript: $TRASH/pre/mine exists and was not written by extnfs: left alone (--force replaces it)" >want &&
	test_cmp want err &&
	test_cmp mine.before pre/mine &&
	extnfs --config extnfs.conf prescript install --dir pre --name mine --force >out &&
	grep "^$TRASH/pre/mine replaced$" out &&
	grep "^exec " pre/mine
'

test_expect_success 'bad names, a missing directory and --dry-run change nothing' '
	test_expect_code 2 extnfs prescript install --name a/b 2>err &&
	grep "name is a file name" err &&
	test_expect_code 2 extnfs prescript 2>err &&
	grep "say .prescript install." err &&
	test_expect_code 3 extnfs prescript install --dir nothere 2>err &&
	grep "no directory nothere" err &&
	test ! -e nothere &&
	extnfs prescript install --dir pre --name dry --dry-run >out &&
	test ! -e pre/dry &&
	head -n 1 out >first && echo "#!/bin/sh" >want && test_cmp want first
'

test_expect_success 'other actions do nothing' '
	ACTION=standalone NODES=cn001 sh pre/syncaixres >out &&
	test ! -s out &&
	NODES=cn001 sh pre/syncaixres >out &&
	test ! -s out &&
	test -z "$(ls ext)" && test ! -e ext.conf
'

test_expect_success 'every SN running it at once for its own nodes: all succeed, one consistent server' '
	s1=$(extnfs nodels sn1nodes | paste -sd, -) &&
	s2=$(extnfs nodels sn2nodes | paste -sd, -) &&
	test -n "$s1" && test -n "$s2" || return 1
	# hold the server lock (fcntl, as extnfs takes it) until all three wait
	python3 -c "import fcntl, os, sys
f = open(sys.argv[1], \"a\"); fcntl.lockf(f, fcntl.LOCK_EX); open(\"held\", \"w\").close()
while not os.path.exists(\"release\"): os.system(\"sleep 0.1\")" "$EXTNFS_DB.extnfs1.lock" &
	holder=$!
	while ! test -e held; do sleep 0.1; done
	(ACTION=diskless NODES=$s1 sh pre/syncaixres >run1 2>&1; echo $? >rc1) &
	(ACTION=diskless NODES=$s2 sh pre/syncaixres >run2 2>&1; echo $? >rc2) &
	(ACTION=diskless NODES=$s1 sh pre/syncaixres >run3 2>&1; echo $? >rc3) &
	for i in $(seq 1 600); do
		test "$(cat run1 run2 run3 | grep -c "waiting$")" = 3 && break
		sleep 0.1
	done
	touch release && wait
	echo 0 >want && test_cmp want rc1 && test_cmp want rc2 && test_cmp want rc3 &&
	cat run1 run2 run3 >all &&
	test $(grep -c "^extnfs: another extnfs (pid [0-9]*) holds .*extnfs1.lock.; try again when it is done; waiting$" all) = 3 &&
	check_all_arrived ext &&
	extnfs --config extnfs.conf exports >whole &&
	test_cmp whole ext.conf &&
	ACTION=diskless NODES=$s1,$s2 sh pre/syncaixres >again &&
	grep "^apply: nothing changed$" again
'

test_done
