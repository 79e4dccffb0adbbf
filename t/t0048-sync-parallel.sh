#!/bin/sh
# The SNs' agents run at the same time (up to --fanout): each SN's agent
# is held by a gate that opens only once the other SN's agent has started
# too, so the sync completes only if both run at once. One failing SN
# (its agent exits at once) does not stop or fail the other one's jobs.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-cluster.sh"

test_expect_success 'setup: model, SN trees, gates that need both agents running' '
	import_sample &&
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	for me in sn1 sn2; do
		other=sn1; [ $me = sn1 ] && other=sn2
		cat >gate-$me <<-EOF || return 1
		#!/bin/sh
		# $me'"'"'s agent starts once $other'"'"'s has started too (60 s at most)
		echo \$\$ >>"$TRASH/$me.entered"
		for i in \$(seq 1 600); do [ -e "$TRASH/$other.entered" ] && exec extnfs "\$@"; sleep 0.1; done
		echo "$other never started" >&2
		exit 1
		EOF
		chmod +x gate-$me || return 1
	done &&
	cat >extnfs.conf <<-EOF
	[host sn1]
	root = $TRASH/sn1
	extnfs = $TRASH/gate-sn1
	[host sn2]
	root = $TRASH/sn2
	extnfs = $TRASH/gate-sn2
	[server extnfs1]
	dest = $TRASH/ext
	EOF
'

test_expect_success 'with --fanout 2 both SNs'"'"' agents run at once and the sync completes' '
	extnfs --config extnfs.conf sync --fanout 2 >out 2>err &&
	grep "^sync: 12 job(s): 12 ok, 0 skipped, 0 failed; " out &&
	check_all_arrived ext
'

test_expect_success 'a progress line on a terminal, none on a pipe' '
	# script(1) gives the sync a terminal; the summary still goes to the file
	script -qec "extnfs --config extnfs.conf sync --dry-run >tty.out" tty.log >/dev/null &&
	grep "sync: 0/12 jobs, 2 host(s) running, " tty.log &&
	grep "sync: 12/12 jobs, 0 host(s) running, 0 change(s), 0 B" tty.log &&
	grep "^sync (dry run): 12 job(s): 12 ok" tty.out &&
	extnfs --config extnfs.conf sync --dry-run >pipe.out 2>pipe.err &&
	test ! -s pipe.err
'

test_expect_success 'an agent that dies at once fails its SN only; exit 1' '
	printf "#!/bin/sh\necho \"agent crashed\" >&2\nexit 70\n" >broken &&
	chmod +x broken &&
	sed -i "s|^extnfs = .*gate-sn1|extnfs = $TRASH/broken|; s|^extnfs = .*gate-sn2|extnfs = extnfs|" extnfs.conf &&
	echo new >sn2/install/nim/root/71Bcosi_root/cn005/etc/new &&
	test_expect_code 1 extnfs --config extnfs.conf sync >out 2>err &&
	grep "^sync: 12 job(s): 6 ok, 0 skipped, 6 failed; 1 change(s)$" out &&
	grep "^failed: " out | sed "s/^failed:  sn1 [^:]*: //" | sort -u >got &&
	echo "the agent did not start on sn1: agent crashed (exit 70)" >want &&
	test_cmp want got &&
	test -f ext/install/nim/root/71Bcosi_root/cn005/etc/new
'

test_done
