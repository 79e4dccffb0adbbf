# lib-check.sh: the sample cluster applied into a local server root served
# by a real Ganesha on loopback (as in t0015), for the check and status
# tests. Source after test-lib.sh, lib-ganesha.sh and lib-cluster.sh.

# check_config [EXTRA-SERVER-LINES [EXTRA-GLOBAL-LINES]]: writes extnfs.conf
# and the seed exports file
check_config() {
	# Ganesha 4.3 started without any export ignores SIGHUP additions: seed one
	{ test -e ext.conf || cat >ext.conf; } <<-EOF &&
	EXPORT { Export_Id = 1; Path = "$TRASH/ext"; Pseudo = "/seed"; Access_Type = None;
		FSAL { Name = VFS; } CLIENT { Clients = 127.0.0.1; Access_Type = RO; } }
	EOF
	cat >extnfs.conf <<-EOF
	[global]
	${2:-}
	[host sn1]
	root = $TRASH/sn1
	[host sn2]
	root = $TRASH/sn2
	[server extnfs1]
	dest = $TRASH/ext
	flavor = ganesha
	exports_file = $TRASH/ext.conf
	reload = sighup
	pidfile = $GANESHA_DIR/ganesha.pid
	resolve = yes
	probe_url = nfs://127.0.0.1/?$GANESHA_URL_OPTS
	${1:-}
	EOF
}

# check_prepare [EXTRA-SERVER-LINES]: after import_sample, the SN trees, the
# client files and the configuration
check_prepare() {
	make_sn_trees &&
	make_client_files &&
	mkdir ext &&
	check_config "$@"
}

# check_apply: Ganesha started, apply done
check_apply() {
	ganesha_start "$TRASH/ext.conf" &&
	extnfs --config extnfs.conf apply >apply.out 2>&1 &&
	grep "^apply: done$" apply.out
}

check_setup() {
	check_prepare "$@" && check_apply
}

# without_client FILE HOST PATH-SUFFIX: FILE's EXPORT block whose Path ends
# with PATH-SUFFIX no longer lists HOST
without_client() {
	awk -v host="$2" -v suffix="$3" '
		/^EXPORT/ { inblk = 1; mine = 0 }
		inblk && /Path = / { p = $0; sub(/.*Path = "/, "", p); sub(/";.*/, "", p);
			mine = (substr(p, length(p) - length(suffix) + 1) == suffix) }
		inblk && mine && /Clients = / { gsub(", " host ";", ";"); gsub(host ", ", ""); }
		{ print }
		/^}/ { inblk = 0 }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# without_export FILE PATH-SUFFIX: FILE without the EXPORT block whose Path ends with PATH-SUFFIX
without_export() {
	awk -v suffix="$2" '
		/^EXPORT/ { inblk = 1; buf = ""; mine = 0 }
		inblk { buf = buf $0 "\n";
			if ($0 ~ /Path = /) { p = $0; sub(/.*Path = "/, "", p); sub(/";.*/, "", p);
				mine = (substr(p, length(p) - length(suffix) + 1) == suffix) }
			if ($0 ~ /^}/) { inblk = 0; if (!mine) printf "%s", buf }
			next }
		{ print }' "$1" >"$1.new" && mv "$1.new" "$1"
}
