#!/bin/sh
# The namespace cluster library (t/lib-netns.sh) itself: hosts and nodes
# added in one line and reachable only at their own addresses, private
# trees at real paths, services stopped and restarted for a failover drill,
# and a complete teardown even when a script fails midway, is stopped by a
# signal or loses its output pipe.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-netns.sh"

# ns_exists NAMESPACE
ns_exists() {
	ip netns list | awk "{print \$1}" | grep -qx "$1" && return 0
	echo "no namespace $1"
	return 1
}

test_expect_success NETNS 'one line adds nodes, each at its own address; one line removes one' '
	netns_setup &&
	netns_add_nodes cn001 cn002 cn003 &&
	test "$(netns_ip cn002)" = $NETNS_NET.102 &&
	netns_exec cn002 ip -4 -o addr show dev eth0 >out &&
	grep " inet $NETNS_NET.102/24 " out
	netns_exec cn003 sh -c "nc -l $NETNS_NET.103 4000 >got" &
	listener=$!
	netns_exec cn001 sh -c "
		for i in \$(seq 1 50); do
			echo from-cn001 | nc -N -s $NETNS_NET.101 $NETNS_NET.103 4000 && exit 0
			sleep 0.1
		done; exit 1" &&
	wait $listener &&
	echo from-cn001 >want && test_cmp want got &&
	netns_del cn002 &&
	! ns_exists $(netns_name cn002) &&
	ns_exists $(netns_name cn003) &&
	test_must_fail netns_exec cn001 nc -z -w 1 $NETNS_NET.102 22 2>/dev/null
'

test_expect_success NETNS 'a host with a tree sees it at the real paths; the machine and the other hosts do not' '
	mkdir -p a/install/nim b/install/nim b/tftpboot extra &&
	echo a >a/install/nim/who && echo b >b/install/nim/who && echo extra >extra/file &&
	netns_add hosta $NETNS_NET.21 "$TRASH/a" &&
	netns_add hostb $NETNS_NET.22 "$TRASH/b" &&
	test "$(netns_exec hosta cat /install/nim/who)" = a &&
	test "$(netns_exec hostb cat /install/nim/who)" = b &&
	test_must_fail netns_exec hosta test -e /tftpboot &&
	netns_exec hostb test -d /tftpboot &&
	test ! -e /install && test ! -e /tftpboot &&
	# the host writes where the tree is, nowhere else
	netns_exec hosta sh -c "echo written >/install/nim/new" &&
	test "$(cat a/install/nim/new)" = written &&
	# one more directory, later
	netns_bind hosta "$TRASH/extra" /extra &&
	test "$(netns_exec hosta cat /extra/file)" = extra &&
	test ! -e /extra &&
	test_must_fail netns_exec hostb test -e /extra/file &&
	# and its own /run, and an empty home for root
	test -z "$(netns_exec hosta ls -A /root)" &&
	test "$(netns_exec hosta stat -c %d:%i /root)" != "$(stat -c %d:%i /root)" &&
	netns_exec hosta test -d /run/sshd &&
	test "$(netns_exec hosta stat -c %d:%i /run)" != "$(stat -c %d:%i /run)" &&
	test "$(netns_exec hosta stat -c %d:%i /run)" != "$(netns_exec hostb stat -c %d:%i /run)"
'

test_expect_success NETNS 'failover drill: sshd stopped on a host refuses ssh, the host stays; it starts again' '
	netns_sshd_start hosta &&
	test "$(netns_ssh hosta cat /install/nim/who)" = a &&
	pid=$(cat netns/hosta/sshd.pid) &&
	netns_stop hosta sshd &&
	! kill -0 $pid 2>/dev/null &&
	test_expect_code 255 netns_ssh hosta true 2>err &&
	grep "Connection refused" err &&
	netns_exec hosta true &&
	test "$(netns_pids hosta)" = "$(cat netns/hosta/holder.pid)" &&
	netns_sshd_start hosta &&
	test "$(netns_ssh hosta cat /install/nim/who)" = a
'

test_expect_success NETNS 'an SN serving NFS too (its own rpcbind): all its services stop at once' '
	cat >exports-a <<-EOF &&
	EXPORT { Export_Id = 1; Path = "/install"; Pseudo = "/install"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = $NETNS_NET.101; Access_Type = RO; } }
	EOF
	netns_nfs_start hosta "$TRASH/exports-a" &&
	netns_exec cn001 nfs-cat nfs://$NETNS_NET.21/install/nim/who >out &&
	echo a >want && test_cmp want out &&
	! netns_exec cn003 nfs-cat nfs://$NETNS_NET.21/install/nim/who 2>err &&
	grep MNT3ERR_ACCES err &&
	# its rpcbind is not the machine'"'"'s, nor the other host'"'"'s
	netns_exec hosta rpcinfo -p 127.0.0.1 | grep -w nfs &&
	! netns_exec hostb rpcinfo -p 127.0.0.1 2>/dev/null | grep -w nfs &&
	netns_stop hosta &&
	test "$(netns_pids hosta)" = "$(cat netns/hosta/holder.pid)" &&
	! netns_exec cn001 nfs-cat nfs://$NETNS_NET.21/install/nim/who 2>/dev/null &&
	test_expect_code 255 netns_ssh hosta true 2>/dev/null
'

# A script using the library that dies midway ($1: how), in its own scratch
# directory; it writes what it started to started.
cat >child.sh <<'EOF'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-netns.sh"
netns_setup || exit 9
mkdir -p sn/install && echo x >sn/install/f
echo 'EXPORT { Export_Id = 1; Path = "/install"; Pseudo = "/i"; Access_Type = RO; FSAL { Name = VFS; } }' >exports
netns_add sn $NETNS_NET.11 "$TRASH/sn" && netns_sshd_start sn &&
	netns_add srv $NETNS_NET.10 "$TRASH/sn" && netns_nfs_start srv "$TRASH/exports" &&
	netns_add_nodes cn001 || exit 9
{
	echo "prefix $NETNS_PREFIX"
	for p in $(for h in mn sn srv cn001; do netns_pids $h; done); do echo "pid $p"; done
} >"$STARTED"
netns_ssh sn true || exit 9
test_expect_success 'a test that fails' 'false'
case "$1" in
exit) exit 3 ;;
term) kill -TERM $$; sleep 5 ;;
pipe) while :; do echo line; done ;;
hang) while :; do sleep 1; done ;;
esac
test_done
EOF
for f in test-lib.sh lib-netns.sh; do
	mkdir -p child && ln -s "$TEST_DIRECTORY/$f" child/$f
done
cp child.sh child/child.sh

# check_all_gone: nothing the child started is left
check_all_gone() {
	test -s started &&
	prefix=$(awk "/^prefix / {print \$2}" started) &&
	test -n "$prefix" &&
	! ip netns list | grep "^$prefix-" &&
	for p in $(awk "/^pid / {print \$2}" started); do
		if [ -e /proc/$p ] && ! grep -q ") Z" /proc/$p/stat; then
			echo "pid $p still runs: $(cat /proc/$p/comm)"; return 1
		fi
	done &&
	test "$(grep -c . started)" -ge 5 &&
	test ! -e /install &&
	# no mount left in the machine'"'"'s namespace (others'"'"' netns come and go)
	! grep -e "$prefix-" -e "$TRASH/child" /proc/self/mounts
}

for how in exit term pipe; do
	test_expect_success NETNS "teardown is complete when a script stops midway ($how)" '
		rm -f started &&
		if [ '$how' = pipe ]; then
			STARTED=$TRASH/started TMPDIR=$TRASH/child EXTNFS_BUILD_DIR=$BUILD_DIR \
				sh child/child.sh '$how' | head -n 3 >/dev/null
		else
			test_expect_code $(test '$how' = exit && echo 3 || echo 143) env STARTED=$TRASH/started \
				TMPDIR=$TRASH/child EXTNFS_BUILD_DIR=$BUILD_DIR sh child/child.sh '$how' >/dev/null
		fi &&
		check_all_gone
	'
done

test_expect_success NETNS 'netns_sweep removes what a killed run (SIGKILL) left, only that' '
	test_when_finished netns_sweep &&
	rm -f started
	(STARTED=$TRASH/started TMPDIR=$TRASH/child EXTNFS_BUILD_DIR=$BUILD_DIR exec sh child/child.sh hang) >/dev/null &
	for i in $(seq 1 600); do test -s started && break; sleep 0.1; done &&
	victim=$(awk "/^prefix / {print \$2}" started) &&
	test -n "$victim" &&
	kill -9 ${victim#extnfs} &&
	sleep 0.2 &&
	ns_exists $victim-sn &&
	netns_sweep &&
	check_all_gone &&
	ns_exists $(netns_name cn001)
'

test_done
