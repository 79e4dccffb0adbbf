# lib-netns.sh: a cluster of network namespaces for end-to-end tests:
# every host (the MN, SNs, the external NFS server, nodes) in a network
# namespace of its own, all on one bridge in 192.0.2.0/24. Source after
# test-lib.sh. Everything is torn down when the script ends (test_atexit),
# by pid and by name, even when a test failed midway.
#
# Nothing touches the root network namespace: this machine's own eth0 is
# in 192.0.2.0/24 (192.0.2.2, gateway 192.0.2.1), so the MN is a namespace
# too ("mn", 192.0.2.1), and the bridge lives in it. The MN keeps the
# machine's filesystem (it is the root mount namespace), so extnfs runs
# there exactly as on the machine: netns_exec mn extnfs ... Names are
# unique per run (derived from the test shell's pid) and every address
# lives inside this run's namespaces, so parallel runs never collide.
#
# A host may have a root tree: a directory whose top-level directories the
# host sees at the real paths (TREE/install as /install, ...). Its daemons
# and netns_exec run in one private mount namespace, chrooted into a tmpfs
# that holds bind mounts of the machine's own top-level entries, the
# tree's directories, and a private /run (so each host has its own rpcbind
# lock and /run/sshd). The machine's root filesystem is never written: the
# mounts live and die with the host's processes.
#
#   test_have_prereq NETNS     root, ip, unshare, nsenter, chroot, nc,
#                              sshd, ssh-keygen, ganesha.nfsd, rpcbind,
#                              nfs-ls
#   netns_setup                the MN's namespace with the bridge and
#                              $NETNS_MN_IP (192.0.2.1); the test's ssh keys
#   netns_add NAME IP [TREE]   a host: namespace, veth into the bridge,
#                              IP/24, loopback up; with TREE, its private
#                              mount namespace (see above)
#   netns_add_nodes NODE...    netns_add for nodes, addresses from
#                              $NETNS_NET.$NETNS_NODE_IP0 (192.0.2.101) on
#   netns_del NAME             kills every process of the host (by pid),
#                              deletes its veth and namespace
#   netns_ip NAME              the host's address
#   netns_name NAME            the host's network namespace (ip netns name)
#   netns_exec NAME CMD...     runs CMD on the host: in its network
#                              namespace, and in its mount namespace and
#                              root when it has a tree (mn: the MN)
#   netns_bind NAME SRC DST    one more bind mount in a host's root (DST
#                              must exist there, or be a new top-level dir)
#   netns_sshd_start NAME      sshd on the host's address, port 22, host
#                              and client keys made by the test
#   netns_ssh NAME CMD...      ssh from the MN to the host, as extnfs does
#   netns_nfs_start NAME EXPORTS_FILE
#                              rpcbind and ganesha.nfsd (standard ports,
#                              bound to the host's address) serving the
#                              %included EXPORTS_FILE; waits until it answers
#   netns_nfs_pidfile NAME     Ganesha's pid file (reload = sighup)
#   netns_stop NAME [SERVICE...]
#                              stops the host's services (sshd, nfs, which
#                              takes its rpcbind along) by pid, all of them
#                              when none is named; the host and its address
#                              stay (a failover drill)
#   netns_pids NAME            the pids of every process in the host's
#                              network namespace
#   netns_teardown             everything, in order; registered at exit
#
# ssh: $TRASH/bin/ssh (first in PATH) runs OpenSSH with -F
# $NETNS_SSH_CONFIG (the test's key, no host key checks, user root), so
# extnfs's plain "ssh ADDRESS" reaches the hosts. State (pid files, logs,
# keys, configurations) lives under $NETNS_DIR/<host>/.

test_lazy_prereq NETNS '
	[ "$(id -u)" = 0 ] &&
	for c in ip unshare nsenter chroot nc /usr/sbin/sshd ssh ssh-keygen ganesha.nfsd rpcbind rpcinfo nfs-ls; do
		command -v $c || exit 1
	done &&
	ip netns list
'

NETNS_ID=$$
NETNS_DIR="$TRASH/netns"
NETNS_PREFIX="extnfs$NETNS_ID"
NETNS_BRIDGE=xbr0
NETNS_NET=192.0.2
NETNS_MN_IP=$NETNS_NET.1
NETNS_NODE_IP0=101
NETNS_SSH_CONFIG="$NETNS_DIR/ssh/config"

netns_name() { echo "$NETNS_PREFIX-$1"; }
netns_ip() { cat "$NETNS_DIR/$1/ip"; }

# The holder: the process whose mount namespace and root are the host's.
_netns_holder() { cat "$NETNS_DIR/$1/holder.pid" 2>/dev/null; }

netns_setup() {
	_mn=$(netns_name mn)
	mkdir -p "$NETNS_DIR/ssh" "$NETNS_DIR/mn" &&
		echo "$NETNS_MN_IP" >"$NETNS_DIR/mn/ip" &&
		ip netns add "$_mn" &&
		: >"$NETNS_DIR/mn/netns" &&
		ip -n "$_mn" link set lo up &&
		ip -n "$_mn" link add "$NETNS_BRIDGE" type bridge &&
		ip -n "$_mn" addr add "$NETNS_MN_IP/24" dev "$NETNS_BRIDGE" &&
		ip -n "$_mn" link set "$NETNS_BRIDGE" up || return 1
	ssh-keygen -q -t ed25519 -N "" -C "extnfs-test-$NETNS_ID" -f "$NETNS_DIR/ssh/id" &&
		cp "$NETNS_DIR/ssh/id.pub" "$NETNS_DIR/ssh/authorized_keys" &&
		ssh-keygen -q -t ed25519 -N "" -f "$NETNS_DIR/ssh/host_ed25519" || return 1
	cat >"$NETNS_SSH_CONFIG" <<-EOF || return 1
	Host *
		User root
		IdentityFile $NETNS_DIR/ssh/id
		IdentitiesOnly yes
		StrictHostKeyChecking no
		UserKnownHostsFile /dev/null
		GlobalKnownHostsFile /dev/null
		LogLevel ERROR
		ConnectTimeout 10
	EOF
	printf '#!/bin/sh\nexec %s -F "%s" "$@"\n' "$(command -v ssh)" "$NETNS_SSH_CONFIG" >"$TRASH/bin/ssh" &&
		chmod +x "$TRASH/bin/ssh"
}

# The shell run (via unshare -m) before the holder chroots: a tmpfs root
# with the machine's top-level entries, a private /run, the tree's
# directories. $1 root, $2 tree ("" for none), $3 ready file.
_NETNS_MKROOT='
	set -e
	R=$1 T=$2
	mount -t tmpfs -o mode=0755 extnfs-root "$R"
	for e in /* /.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		n=${e#/}
		if [ -L "$e" ]; then
			cp -P "$e" "$R/$n"
		elif [ "$n" = run ]; then
			mkdir "$R/run" && mount -t tmpfs -o mode=0755 extnfs-run "$R/run"
			mkdir -m 0755 "$R/run/sshd" "$R/run/lock"
		elif [ -d "$e" ]; then
			mkdir "$R/$n" && mount --rbind "$e" "$R/$n"
		elif [ -f "$e" ]; then
			: >"$R/$n" && mount --bind "$e" "$R/$n"
		fi
	done
	if [ -n "$T" ]; then
		for d in "$T"/*/; do
			[ -d "$d" ] || continue
			n=$(basename "$d")
			mkdir -p "$R/$n"
			mount --bind "$d" "$R/$n"
		done
	fi
	: >"$3"
	exec chroot "$R" /bin/sh -c "exec sleep 2147483647"
'

netns_add() {
	_n=$1 _ip=$2 _tree=${3:-}
	_ns=$(netns_name "$_n")
	_oct=${_ip##*.}
	mkdir -p "$NETNS_DIR/$_n" &&
		echo "$_ip" >"$NETNS_DIR/$_n/ip" &&
		ip netns add "$_ns" &&
		: >"$NETNS_DIR/$_n/netns" &&
		ip -n "$(netns_name mn)" link add "xv$_oct" type veth peer name eth0 netns "$_ns" &&
		ip -n "$(netns_name mn)" link set "xv$_oct" master "$NETNS_BRIDGE" up &&
		ip -n "$_ns" addr add "$_ip/24" dev eth0 &&
		ip -n "$_ns" link set eth0 up &&
		ip -n "$_ns" link set lo up || return 1
	[ -n "$_tree" ] || return 0
	mkdir -p "$NETNS_DIR/$_n/root" &&
		rm -f "$NETNS_DIR/$_n/ready" || return 1
	ip netns exec "$_ns" unshare -m --propagation private sh -c "$_NETNS_MKROOT" sh \
		"$NETNS_DIR/$_n/root" "$_tree" "$NETNS_DIR/$_n/ready" </dev/null >"$NETNS_DIR/$_n/holder.log" 2>&1 &
	echo $! >"$NETNS_DIR/$_n/holder.pid"
	for _i in $(seq 1 100); do
		[ -e "$NETNS_DIR/$_n/ready" ] && return 0
		kill -0 $! 2>/dev/null || break
		sleep 0.05
	done
	echo "netns: the root of '$_n' was not set up:" >&2
	cat "$NETNS_DIR/$_n/holder.log" >&2
	return 1
}

netns_add_nodes() {
	_k=$NETNS_NODE_IP0
	for _node in "$@"; do
		netns_add "$_node" "$NETNS_NET.$_k" || return 1
		_k=$((_k + 1))
	done
}

netns_exec() {
	_n=$1
	shift
	_h=$(_netns_holder "$_n")
	if [ -n "$_h" ]; then
		nsenter -t "$_h" -n -m -r --wd="$PWD" "$@"
	else
		ip netns exec "$(netns_name "$_n")" "$@"
	fi
}

netns_bind() {
	_h=$(_netns_holder "$1")
	[ -n "$_h" ] || { echo "netns: host '$1' has no root tree" >&2; return 1; }
	case "$3" in
	/*/*) nsenter -t "$_h" -m -r test -d "$3" || { echo "netns: no '$3' on '$1'" >&2; return 1; } ;;
	*) nsenter -t "$_h" -m -r mkdir -p "$3" || return 1 ;;
	esac
	# the source is named as the machine sees it: the host's root binds /tmp, /work...
	nsenter -t "$_h" -m -r mount --bind "$2" "$3"
}

# _netns_daemon NAME SERVICE CMD...: starts CMD on the host in the
# background; its pid goes to NAME/SERVICE.pid (exec all the way down, so
# $! is the daemon itself)
_netns_daemon() {
	_n=$1 _svc=$2
	shift 2
	_h=$(_netns_holder "$_n")
	if [ -n "$_h" ]; then
		nsenter -t "$_h" -n -m -r --wd="$PWD" "$@" </dev/null >>"$NETNS_DIR/$_n/$_svc.log" 2>&1 &
	else
		ip netns exec "$(netns_name "$_n")" "$@" </dev/null >>"$NETNS_DIR/$_n/$_svc.log" 2>&1 &
	fi
	echo $! >>"$NETNS_DIR/$_n/$_svc.pid"
}

# _netns_wait_tcp NAME IP PORT: until something accepts on IP:PORT, seen
# from the MN (10 s at most)
_netns_wait_tcp() {
	for _i in $(seq 1 100); do
		netns_exec mn nc -z -w 1 "$2" "$3" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "netns: nothing answers on $2:$3 ($1)" >&2
	return 1
}

netns_sshd_start() {
	_n=$1
	_ip=$(netns_ip "$_n")
	cat >"$NETNS_DIR/$_n/sshd_config" <<-EOF
	ListenAddress $_ip
	Port 22
	HostKey $NETNS_DIR/ssh/host_ed25519
	AuthorizedKeysFile $NETNS_DIR/ssh/authorized_keys
	PidFile $NETNS_DIR/$_n/sshd.pidfile
	StrictModes no
	UsePAM no
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PrintMotd no
	AcceptEnv LANG LC_*
	EOF
	_netns_daemon "$_n" sshd /usr/sbin/sshd -D -e -f "$NETNS_DIR/$_n/sshd_config" &&
		_netns_wait_tcp "$_n" "$_ip" 22
}

netns_ssh() {
	_n=$1
	shift
	netns_exec mn "$TRASH/bin/ssh" "$(netns_ip "$_n")" "$@"
}

netns_nfs_pidfile() { echo "$NETNS_DIR/$1/ganesha.pidfile"; }

netns_nfs_start() {
	_n=$1 _exports=$2
	_ip=$(netns_ip "$_n")
	_d="$NETNS_DIR/$_n"
	mkdir -p "$_d/recovery" &&
		cat >"$_d/ganesha.conf" <<-EOF || return 1
	NFS_CORE_PARAM {
		Bind_addr = $_ip;
		Protocols = 3, 4;
	}
	NFSV4 {
		Graceless = true;
		RecoveryRoot = "$_d/recovery";
	}
	EXPORT_DEFAULTS { Access_Type = None; }
	%include "$_exports"
	EOF
	_netns_daemon "$_n" rpcbind rpcbind -w -f &&
		for _i in $(seq 1 50); do
			netns_exec "$_n" rpcinfo -p 127.0.0.1 >/dev/null 2>&1 && break
			sleep 0.1
		done &&
		_netns_daemon "$_n" nfs ganesha.nfsd -F -f "$_d/ganesha.conf" -L "$_d/ganesha.log" \
			-p "$_d/ganesha.pidfile" || return 1
	for _i in $(seq 1 100); do
		if netns_exec mn rpcinfo -t "$_ip" 100003 3 >/dev/null 2>&1; then
			kill -0 "$(tail -n 1 "$_d/nfs.pid")" 2>/dev/null && return 0
			break
		fi
		kill -0 "$(tail -n 1 "$_d/nfs.pid")" 2>/dev/null || break
		sleep 0.2
	done
	echo "netns: ganesha on '$_n' did not start; its log:" >&2
	tail -n 30 "$_d/ganesha.log" >&2
	return 1
}

netns_nfs_reload() {
	kill -HUP "$(tail -n 1 "$NETNS_DIR/$1/nfs.pid")"
}

# _netns_alive PID: true while PID runs (a zombie waiting for its reaper,
# pid 1 when the test body that started it has ended, counts as gone)
_netns_alive() {
	_st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	case "${_st##*) }" in Z* | X* | "") return 1 ;; esac
	return 0
}

# _netns_kill PIDFILE: each pid in it, TERM then KILL after 5 s
_netns_kill() {
	[ -s "$1" ] || return 0
	for _p in $(cat "$1"); do
		kill "$_p" 2>/dev/null
	done
	for _p in $(cat "$1"); do
		for _i in $(seq 1 50); do
			_netns_alive "$_p" || break
			sleep 0.1
		done
		kill -9 "$_p" 2>/dev/null
	done
	rm -f "$1"
}

netns_stop() {
	_n=$1
	shift
	[ $# -gt 0 ] || set -- nfs sshd
	for _svc in "$@"; do
		_netns_kill "$NETNS_DIR/$_n/$_svc.pid"
		# Ganesha's portmapper goes with it
		[ "$_svc" != nfs ] || _netns_kill "$NETNS_DIR/$_n/rpcbind.pid"
	done
	return 0
}

netns_pids() {
	ip netns pids "$(netns_name "$1")" 2>/dev/null
}

netns_del() {
	_n=$1
	_ns=$(netns_name "$_n")
	netns_stop "$_n"
	# whatever else runs there (ssh sessions, rsync): ours, by pid
	for _i in 1 2 3; do
		_pids=$(netns_pids "$_n")
		[ -n "$_pids" ] || break
		kill -9 $_pids 2>/dev/null
		sleep 0.1
	done
	_netns_kill "$NETNS_DIR/$_n/holder.pid"
	# its veth pair goes with the namespace
	ip netns del "$_ns" 2>/dev/null
	rm -f "$NETNS_DIR/$_n/netns"
	return 0
}

netns_teardown() {
	for _d in "$NETNS_DIR"/*/; do
		[ -e "$_d/netns" ] && [ "$(basename "$_d")" != mn ] || continue
		netns_del "$(basename "$_d")"
	done
	# last the MN, and the bridge with it
	[ -e "$NETNS_DIR/mn/netns" ] && netns_del mn
	rm -f "$TRASH/bin/ssh"
	return 0
}

test_atexit netns_teardown
# test-lib.sh cleans up on EXIT only: make the usual signals exit, so that
# a run stopped by ^C, kill or a closed pipe (| head) tears down too
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
