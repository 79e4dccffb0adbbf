# lib-sshd.sh: a real OpenSSH server on loopback for the ssh transport
# tests. Source after test-lib.sh; call sshd_start. Host and client keys
# are made by the test under its trash directory; the port is derived
# from the pid (SSHD_CLOSED_PORT is one nobody listens on); sshd is
# stopped by pid when the script ends. SSH_CMD is the ssh command line for
# a host's 'ssh =' key; EXTNFS_BIN the extnfs under test (absolute: the
# remote shell has its own PATH).

test_lazy_prereq SSHD '
	[ "$(id -u)" = 0 ] && test -x /usr/sbin/sshd && command -v ssh && command -v ssh-keygen
'

SSHD_DIR="$TRASH/sshd"
SSHD_PORT=$((30000 + ($$ % 2000) * 2))
SSHD_CLOSED_PORT=$((SSHD_PORT + 1))
EXTNFS_BIN="$BUILD_DIR/extnfs"
# ssh_cmd PORT: the ssh command line for a host at 127.0.0.1:PORT
ssh_cmd() {
	echo "ssh -F /dev/null -i $SSHD_DIR/id -p $1 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}
SSH_CMD=$(ssh_cmd $SSHD_PORT)

# ssh_conf_host NAME [KEY=VALUE...]: a [host NAME] block for an ssh SN at
# 127.0.0.1 whose / is $TRASH/NAME and whose agent keeps its manifests in
# $TRASH/NAME-state.db; extra keys override (e.g. ssh=..., extnfs=...)
ssh_conf_host() {
	_h=$1; shift
	_ssh=$SSH_CMD _ext="$EXTNFS_BIN --db $TRASH/$_h-state.db"
	for kv in "$@"; do
		case "$kv" in
		ssh=*) _ssh=${kv#ssh=} ;;
		extnfs=*) _ext=${kv#extnfs=} ;;
		esac
	done
	printf '[host %s]\ntransport = ssh\naddress = 127.0.0.1\nssh = %s\nextnfs = %s\nroot = %s\n' \
		"$_h" "$_ssh" "$_ext" "$TRASH/$_h"
}

sshd_stop() {
	if [ -s "$SSHD_DIR/sshd.started" ]; then
		pid=$(cat "$SSHD_DIR/sshd.started")
		kill "$pid" 2>/dev/null
		for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$SSHD_DIR/sshd.started"
	fi
}

# sshd_start: keys, configuration, sshd -D in the background; waits until
# a login works (10 s at most)
sshd_start() {
	# (the && chain ends before sshd: "a && b &" would put all of it in the background)
	mkdir -p "$SSHD_DIR" /run/sshd &&
	ssh-keygen -q -t ed25519 -N "" -f "$SSHD_DIR/host_key" &&
	ssh-keygen -q -t ed25519 -N "" -f "$SSHD_DIR/id" &&
	cp "$SSHD_DIR/id.pub" "$SSHD_DIR/authorized_keys" &&
	cat >"$SSHD_DIR/sshd_config" <<-EOF &&
	Port $SSHD_PORT
	ListenAddress 127.0.0.1
	HostKey $SSHD_DIR/host_key
	AuthorizedKeysFile $SSHD_DIR/authorized_keys
	PidFile $SSHD_DIR/sshd.pid
	StrictModes no
	UsePAM no
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PermitRootLogin prohibit-password
	LogLevel ERROR
	EOF
	: || return 1
	/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" >"$SSHD_DIR/sshd.log" 2>&1 &
	echo $! >"$SSHD_DIR/sshd.started"
	for i in $(seq 1 50); do
		if $SSH_CMD -o BatchMode=yes 127.0.0.1 true 2>/dev/null; then
			return 0
		fi
		kill -0 "$(cat "$SSHD_DIR/sshd.started")" 2>/dev/null || break
		sleep 0.2
	done
	echo "sshd did not start; its log:" >&2
	cat "$SSHD_DIR/sshd.log" >&2
	return 1
}

test_atexit sshd_stop
