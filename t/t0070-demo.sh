#!/bin/sh
# make demo (scripts/demo.sh) end to end with this build: the sample
# cluster as namespaces, apply twice, check --probe from every node's
# namespace, the failover drill, the report; and nothing left behind (no
# namespace, no process, no mount, no file), after a whole run, a second
# run, and a run stopped by ^C in the middle of apply.
. "$(dirname "$0")/test-lib.sh"
# for the NETNS prerequisite (this script makes no namespace itself)
. "$TEST_DIRECTORY/lib-netns.sh"

test_lazy_prereq PERL 'command -v perl'
Q="'"

# The extnfs the demo runs: at its first apply (the cluster is up) it
# records the demo's namespaces and every process in them ("pid
# starttime"); with $TRASH/pause it then waits for ^C instead of applying.
mkdir -p tmp &&
	mkfifo never &&
	cat >extnfs-wrap <<-EOF &&
	#!/bin/sh
	case " \$* " in
	*" apply "*)
		if [ ! -e "$TRASH/recorded" ]; then
			mn=\$(ip netns identify \$\$)
			echo "\${mn%-mn}" >"$TRASH/prefix"
			for ns in \$(ip netns list | awk -v p="\${mn%-mn}-" 'index(\$1, p) == 1 {print \$1}'); do
				[ "\$ns" != "\$mn" ] || continue
				for pid in \$(ip netns pids "\$ns"); do
					echo "\$pid \$(cut -d " " -f 22 /proc/\$pid/stat) \$(cat /proc/\$pid/comm)"
				done
			done >"$TRASH/procs"
			: >"$TRASH/recorded"
			if [ -e "$TRASH/pause" ]; then
				: >"$TRASH/paused"
				read x <"$TRASH/never"
			fi
		fi
		;;
	esac
	exec "$BUILD_DIR/extnfs" "\$@"
	EOF
	chmod +x extnfs-wrap || exit 1

# run_demo OUT: the demo with this build, its work directory under tmp/
run_demo() {
	rm -f recorded &&
		TMPDIR=$TRASH/tmp EXTNFS_DEMO_BIN=$TRASH/extnfs-wrap sh "$TOP/scripts/demo.sh" >"$1" 2>&1
}

# nothing_left: no namespace of the last run, none of the processes it had
# in them, no mount of its work directory in any mount namespace, no file
nothing_left() {
	test -s prefix && test -s procs &&
		! ip netns list | grep "^$(cat prefix)-" &&
		while read pid start comm; do
			st=$(cat /proc/$pid/stat 2>/dev/null) || continue
			if [ "$(echo "$st" | cut -d " " -f 22)" = "$start" ]; then
				echo "left running: $pid $(cat /proc/$pid/comm)"
				exit 1
			fi
		done <procs &&
		for m in /proc/[0-9]*/mountinfo; do
			if grep -q "$TRASH/tmp/" "$m" 2>/dev/null; then
				echo "left mounted, seen in $m:"
				grep "$TRASH/tmp/" "$m"
				exit 1
			fi
		done &&
		test -z "$(ls -A tmp)"
}

test_expect_success NETNS 'the demo runs the whole story and says so' '
	run_demo out1 &&
	cat out1 &&
	# the cluster: hosts at their addresses
	grep "^   extnfs1  192.0.2.10  the external NFS server: rpcbind + ganesha.nfsd, / = $TRASH/tmp/extnfs-demo\.[^/]*/srv$" out1 &&
	grep "^cn005: 192.0.2.105$" out1 &&
	# apply, then again: nothing changed
	sed -n "/^== 2\./,/^== 3\./p" out1 >apply &&
	grep -x "sync: 12 job(s): 12 ok, 0 skipped, 0 failed; [1-9][0-9]* change(s)" apply &&
	grep -x "sync: 12 job(s): 12 ok, 0 skipped, 0 failed; 0 change(s): nothing changed" apply &&
	grep -x "extnfs1: exports written and reloaded" apply &&
	grep -x "extnfs1: exports unchanged (not reloaded)" apply &&
	grep -x "apply: done" apply &&
	grep -x "apply: nothing changed" apply &&
	grep -x "status: 12 tree(s): 12 synced, 0 drifted; 2 SN(s): 2 reachable" apply &&
	# the probe from each node namespace: the seven moved nodes and cn002 (on sn1) ok
	sed -n "/^== 3\./,/^== 4\./p" out1 >check &&
	grep -x "   probe_exec = ip netns exec $(cat prefix)-%n: each node${Q}s probe runs in its namespace;" check &&
	grep -x "   cn002, left on sn1, is probed as sn1 serves it" check &&
	grep -x "cn00[12345678]: ok" check >got &&
	printf "cn00%s: ok\n" 1 3 4 5 6 7 8 2 >want &&
	test_cmp want got &&
	grep -x "cn002: left on its SN: nfsserver is its service node ${Q}sn1${Q}" check &&
	grep -x "check --probe: 8 node(s): 8 ok, 0 failed, 0 not checked" check &&
	# the drill: cn002 reads from sn1, sn1 stops, its moved nodes still
	# pass, cn002 cannot mount any more
	sed -n "/^== 4\./,/^== 5\./p" out1 >drill &&
	sed -n "/^   stopping/q; p" drill | grep -x "motd cn002" &&
	sed -n "/^   stopping/,\$p" drill >after &&
	grep -x "cn00[134]: ok" after >got &&
	printf "cn00%s: ok\n" 1 3 4 >want &&
	test_cmp want got &&
	grep -x "check --probe: 4 node(s): 3 ok, 1 failed, 0 not checked" after &&
	grep -x "cn002: FAILED: cannot mount sn1:/install/nim/root/71Bcosi_root/cn002 (root): nfs_service failed" after &&
	grep -x "Failed to mount nfs share : nfs_service failed" after &&
	! grep -x "motd cn002" after &&
	# the report
	sed -n "/^== 5\./,\$p" out1 >report &&
	grep -x "   check --probe:  8 node(s): 8 ok, 0 failed, 0 not checked (exit 0)" report &&
	grep -x "   sn1 down:       sn1${Q}s nodes: 4 node(s): 3 ok, 1 failed, 0 not checked (exit 6)" report &&
	grep -x "   cn002 on sn1:   cannot mount its root any more (nfs-cat exit 10): it would not boot" report &&
	grep -x "demo: every moved node passes the probe, also with sn1 down; cn002, left on sn1, cannot mount its root" report &&
	tail -n 1 out1 | grep -x "   every process stopped by pid, every namespace deleted, the work directory removed"
'

test_expect_success NETNS 'nothing is left behind: namespaces, processes, mounts, files' '
	# what ran in the cluster (the MN runs only extnfs): three hosts
	# holding their private roots, sshd on both SNs, rpcbind and Ganesha
	# on the server and on sn1
	cut -d " " -f 3 procs | sort >got &&
	cat >want <<-EOF &&
	ganesha.nfsd
	ganesha.nfsd
	rpcbind
	rpcbind
	sleep
	sleep
	sleep
	sshd
	sshd
	EOF
	test_cmp want got &&
	nothing_left
'

test_expect_success NETNS 'a second run works the same (idempotent)' '
	cp prefix prefix1 &&
	run_demo out2 &&
	! test_cmp prefix1 prefix &&
	grep -x "check --probe: 8 node(s): 8 ok, 0 failed, 0 not checked" out2 &&
	grep -x "demo: every moved node passes the probe, also with sn1 down; cn002, left on sn1, cannot mount its root" out2 &&
	nothing_left
'

test_expect_success NETNS,PERL '^C in the middle of apply: exit 130, everything torn down' '
	: >pause &&
	rm -f paused recorded &&
	# a process group of its own with SIGINT as a terminal delivers it
	# (background jobs of a script start with SIGINT ignored)
	perl -e "\$SIG{INT} = q(DEFAULT); setpgrp(0, 0); exec @ARGV" \
		env TMPDIR=$TRASH/tmp EXTNFS_DEMO_BIN=$TRASH/extnfs-wrap sh "$TOP/scripts/demo.sh" >out3 2>&1 &
	pid=$! &&
	while [ ! -e paused ] && kill -0 $pid 2>/dev/null; do sleep 0.1; done &&
	test -e paused &&
	ip netns list | grep "^$(cat prefix)-srv" &&
	kill -INT -$pid &&
	rc=0 &&
	wait $pid || rc=$?
	rm -f pause &&
	cat out3 &&
	test $rc = 130 &&
	grep -x "\$ extnfs apply" out3 &&
	! grep "^== 3\." out3 &&
	nothing_left
'

test_done
