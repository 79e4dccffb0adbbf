# lib-ganesha.sh: a real NFS-Ganesha (FSAL VFS) on loopback for the tests,
# with rpcbind when none runs. Source after test-lib.sh; call
# ganesha_start EXPORTS_FILE (the file is %included, so a test can rewrite
# it and ganesha_reload); everything started is stopped by pid in
# test_done or on exit. Ports are unprivileged and derived from the pid,
# so parallel suites do not collide. Test bodies run in subshells, so the
# pids live in files, not in variables.

test_lazy_prereq GANESHA '
	[ "$(id -u)" = 0 ] && command -v ganesha.nfsd && command -v rpcbind && command -v rpcinfo && command -v nfs-ls
'

GANESHA_DIR="$TRASH/ganesha"
GANESHA_NFS_PORT=$((20000 + ($$ % 2000) * 4))
GANESHA_MNT_PORT=$((GANESHA_NFS_PORT + 1))
GANESHA_URL_OPTS="nfsport=$GANESHA_NFS_PORT&mountport=$GANESHA_MNT_PORT"

ganesha_stop() {
	if [ -s "$GANESHA_DIR/ganesha.started" ]; then
		pid=$(cat "$GANESHA_DIR/ganesha.started")
		kill "$pid" 2>/dev/null
		for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$GANESHA_DIR/ganesha.started"
	fi
	if [ -s "$GANESHA_DIR/rpcbind.started" ]; then
		kill "$(cat "$GANESHA_DIR/rpcbind.started")" 2>/dev/null
		rm -f "$GANESHA_DIR/rpcbind.started"
	fi
}

# ganesha_start EXPORTS_FILE: starts and waits until it answers (20 s at most)
ganesha_start() {
	mkdir -p "$GANESHA_DIR"
	cat >"$GANESHA_DIR/ganesha.conf" <<-EOF
	NFS_CORE_PARAM {
		NFS_Port = $GANESHA_NFS_PORT;
		MNT_Port = $GANESHA_MNT_PORT;
		NLM_Port = $((GANESHA_NFS_PORT + 2));
		Rquota_Port = $((GANESHA_NFS_PORT + 3));
		Bind_addr = 127.0.0.1;
		Protocols = 3, 4;
	}
	NFSV4 { Graceless = true; }
	EXPORT_DEFAULTS { Access_Type = None; }
	%include "$1"
	EOF
	if ! rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
		rpcbind -w -f &
		echo $! >"$GANESHA_DIR/rpcbind.started"
		sleep 0.3
	fi
	ganesha.nfsd -F -f "$GANESHA_DIR/ganesha.conf" -L "$GANESHA_DIR/ganesha.log" \
		-p "$GANESHA_DIR/ganesha.pid" &
	echo $! >"$GANESHA_DIR/ganesha.started"
	for i in $(seq 1 40); do
		if rpcinfo -n "$GANESHA_NFS_PORT" -t 127.0.0.1 100003 3 >/dev/null 2>&1; then
			sleep 0.5 # it answers: make sure it is ours, not a leftover on the port
			kill -0 "$(cat "$GANESHA_DIR/ganesha.started")" 2>/dev/null && return 0
			echo "another server answers on port $GANESHA_NFS_PORT" >&2
			return 1
		fi
		kill -0 "$(cat "$GANESHA_DIR/ganesha.started")" 2>/dev/null || break
		sleep 0.5
	done
	echo "ganesha did not start; its log:" >&2
	tail -n 30 "$GANESHA_DIR/ganesha.log" >&2
	return 1
}

# The exports Ganesha serves now, one path per line, sorted.
ganesha_exports() {
	nfs-ls -D "nfs://127.0.0.1?$GANESHA_URL_OPTS" | sed 's|^nfs://127.0.0.1||' | sort
}

# Lists a directory of an export over NFSv3 (as uid 0).
ganesha_ls() {
	nfs-ls "nfs://127.0.0.1$1?$GANESHA_URL_OPTS"
}

ganesha_reload() {
	kill -HUP "$(cat "$GANESHA_DIR/ganesha.started")"
	sleep 1
}

test_atexit ganesha_stop
