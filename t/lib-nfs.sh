# lib-nfs.sh: an NFS-Ganesha serving two exports for the nfs:// backend
# tests. Source after test-lib.sh and lib-ganesha.sh. nfs_setup starts it:
#   $TRASH/export  RW, Squash = No_Root_Squash (where copies go)
#   $TRASH/squash  RW, Squash = Root_Squash (must be refused up front)
# NFS_EXPORT_EXTRA, when set, goes into the first export's block.
# nfs_url PATH prints the URL of $TRASH/PATH with the test's ports.
# NFS-Ganesha's VFS FSAL cannot set a symlink's own times, so trees are
# compared with NFS_CMP (--ignore=link-mtime).

NFS_CMP=--ignore=link-mtime

nfs_setup() {
	mkdir -p "$TRASH/export" "$TRASH/squash" &&
	cat >"$TRASH/exports.conf" <<-EOF &&
	EXPORT {
		Export_Id = 1; Path = "$TRASH/export"; Pseudo = "/export";
		Protocols = 3; Access_Type = RW; Squash = No_Root_Squash; SecType = sys;
		${NFS_EXPORT_EXTRA:-}
		FSAL { Name = VFS; }
	}
	EXPORT {
		Export_Id = 2; Path = "$TRASH/squash"; Pseudo = "/squash";
		Protocols = 3; Access_Type = RW; Squash = Root_Squash; SecType = sys;
		FSAL { Name = VFS; }
	}
	EOF
	ganesha_start "$TRASH/exports.conf"
}

nfs_url() {
	echo "nfs://127.0.0.1$TRASH/$1?$GANESHA_URL_OPTS"
}

# nfs_ganesha_kill: stops ganesha.nfsd at once (SIGKILL: a crash), not rpcbind
nfs_ganesha_kill() {
	_pid=$(cat "$GANESHA_DIR/ganesha.started") &&
	kill -9 "$_pid" &&
	while kill -0 "$_pid" 2>/dev/null; do sleep 0.1; done
}

# nfs_ganesha_restart: starts ganesha.nfsd again on the same configuration
# and ports and waits until the export can be listed (20 s at most)
nfs_ganesha_restart() {
	ganesha.nfsd -F -f "$GANESHA_DIR/ganesha.conf" -L "$GANESHA_DIR/ganesha.log" \
		-p "$GANESHA_DIR/ganesha.pid" &
	echo $! >"$GANESHA_DIR/ganesha.started"
	for _i in $(seq 1 40); do
		nfs-ls "nfs://127.0.0.1$TRASH/export?$GANESHA_URL_OPTS" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}
