#!/bin/sh
# Two applies at once on the same server: the second waits on the
# server's lock, saying who holds it, and runs when the first is done;
# both end consistent (the second finds nothing to change). The first
# apply is held inside its sync by a gate in front of sn1's agent (the
# host's extnfs = key), so the overlap is certain, not a matter of timing.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

# wait_for FILE [PATTERN]: until FILE exists (and holds PATTERN); 60 s at most
wait_for() {
	for i in $(seq 1 600); do
		if [ -e "$1" ] && { [ $# = 1 ] || grep -q "$2" "$1"; }; then
			return 0
		fi
		sleep 0.1
	done
	echo "gave up waiting for $1" >&2
	return 1
}

test_expect_success 'setup: model, SN trees, a gate in front of sn1'"'"'s agent' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	cat >gate <<-EOF &&
	#!/bin/sh
	# sn1'"'"'s agent, held until the test opens the gate
	echo \$\$ >>"$TRASH/gate.entered"
	for i in \$(seq 1 600); do [ -e "$TRASH/gate.open" ] && break; sleep 0.1; done
	exec extnfs "\$@"
	EOF
	chmod +x gate &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	root = $TRASH/sn1
	extnfs = $TRASH/gate
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = linux
	exports_file = $TRASH/ext.exports
	reload = none
	EOF
'

test_expect_success 'the second apply waits on the lock with a clear message; both end consistent' '
	# (no && before a "&": it would put the whole chain in the background)
	{ extnfs --config extnfs.conf apply >out1 2>err1; echo $? >rc1; } &
	wait_for gate.entered || return 1
	pid1=$(cat "$TRASH/extnfs.db.extnfs1.lock") || return 1
	{ extnfs --config extnfs.conf apply >out2 2>err2; echo $? >rc2; } &
	wait_for err2 "waiting" &&
	echo "extnfs: another extnfs (pid $pid1) holds '"'"'$TRASH/extnfs.db.extnfs1.lock'"'"'; try again when it is done; waiting" >want &&
	test_cmp want err2 &&
	test ! -s out2 &&
	touch gate.open &&
	wait_for rc1 && wait_for rc2 && wait &&
	echo 0 >want && test_cmp want rc1 && test_cmp want rc2 &&
	grep "^apply: done$" out1 &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed$" out2 &&
	grep "^apply: nothing changed$" out2 &&
	check_all_arrived ext &&
	extnfs --config extnfs.conf exports --server extnfs1 --flavor linux >want.exports &&
	test_cmp want.exports ext.exports
'

test_done
