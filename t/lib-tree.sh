# lib-tree.sh: comparing and generating directory trees, for the tests of
# the replication engine (extnfs copy). Source it after test-lib.sh.
#
#   tree_state DIR [OPTS]        one line per entry (t/helper/tree-state)
#   compare_trees [OPTS] A B     fails, printing the first differences,
#                                unless the trees are identical: type, mode,
#                                owner, mtime (ns), size, content, symlink
#                                target, device numbers, hard-link structure
#                                and holes. OPTS go to tree-state, e.g.
#                                --ignore=root-mtime,alloc
#   compare_states FILE1 FILE2   the same for two saved tree_state outputs
#   make_os_tree DIR [NFILES]    a deterministic tree with every kind of
#                                entry an OS image holds (see below)
#   make_selfsum_file PATH KIB VERSION / check_selfsum PATH
#                                files whose content embeds its own digest,
#                                so a torn file is detected on one read

TREE_STATE=${TREE_STATE:-"${BUILD_DIR:-build}/t/helper/tree-state"}
if ! [ -x "$TREE_STATE" ]; then
	echo "lib-tree.sh: no $TREE_STATE: run make test-bins" >&2
	exit 1
fi

_tree_tmp() { echo "${TRASH:-${TMPDIR:-/tmp}}/.tree-state.$$.$1"; }

tree_state() { # DIR [tree-state options]
	_ts_dir=$1
	shift
	"$TREE_STATE" "$@" -- "$_ts_dir"
}

compare_states() { # FILE1 FILE2 [label1 label2]
	if cmp -s "$1" "$2"; then
		return 0
	fi
	echo "compare_trees: ${3:-$1} and ${4:-$2} differ (- only in ${3:-$1}, + only in ${4:-$2}):"
	diff -u "$1" "$2" | sed -e '1,2d' -e '/^@@/d' -e '/^ /d' | head -n 40
	return 1
}

compare_trees() { # [tree-state options] A B
	_ct_opts=
	while [ $# -gt 2 ]; do
		_ct_opts="$_ct_opts $1"
		shift
	done
	_ct_a=$(_tree_tmp a)
	_ct_b=$(_tree_tmp b)
	# shellcheck disable=SC2086
	"$TREE_STATE" $_ct_opts -- "$1" >"$_ct_a" || { echo "compare_trees: cannot read '$1'"; return 1; }
	# shellcheck disable=SC2086
	"$TREE_STATE" $_ct_opts -- "$2" >"$_ct_b" || { echo "compare_trees: cannot read '$2'"; return 1; }
	compare_states "$_ct_a" "$_ct_b" "$1" "$2"
	_ct_rc=$?
	rm -f "$_ct_a" "$_ct_b"
	return $_ct_rc
}

# det_content NAME BYTES: deterministic text (no zero blocks), about BYTES long
det_content() {
	awk -v name="$1" -v n="$2" 'BEGIN {
		for (k = 0; len < n; k++) {
			line = sprintf("%s %d %x\n", name, k, (k * 2654435761) % 4294967296)
			printf "%s", line; len += length(line)
		}
	}'
}

# A sparse file: BYTES long, data (KiB each, non-zero) at the given KiB offsets.
make_sparse_file() { # PATH SIZE_KIB DATA_KIB OFFSET_KIB...
	_sp_path=$1 _sp_size=$2 _sp_data=$3
	shift 3
	: >"$_sp_path" || return 1
	for _sp_off in "$@"; do
		det_content "$_sp_path@$_sp_off" $((_sp_data * 1024)) |
			head -c $((_sp_data * 1024)) |
			dd of="$_sp_path" bs=1024 seek="$_sp_off" conv=notrunc 2>/dev/null || return 1
	done
	truncate -s "${_sp_size}K" "$_sp_path"
}

# make_selfsum_file PATH KIB VERSION: KIB KiB of text naming PATH and
# VERSION, then a line "sum <md5 of everything before it>".
make_selfsum_file() {
	_ss_tmp=$1.selfsum-gen
	yes "$1 version $3 $(printf "%0$(($3 % 50))d" 0)" | head -c $(($2 * 1024)) >"$_ss_tmp" &&
	printf 'sum %s\n' "$(md5sum <"$_ss_tmp" | cut -c1-32)" >>"$_ss_tmp" &&
	mv -f "$_ss_tmp" "$1"
}

# check_selfsum PATH [SCRATCH]: reads PATH once (cat: one open, so a rename
# during the read is harmless), fails unless its digest matches its content.
check_selfsum() {
	_cs_tmp=${2:-$(_tree_tmp selfsum)}
	cat "$1" >"$_cs_tmp" 2>/dev/null || return 0 # vanished or being replaced: not torn
	_cs_want=$(tail -c 37 "$_cs_tmp")
	_cs_have="sum $(head -c -37 "$_cs_tmp" | md5sum | cut -c1-32)"
	[ "$_cs_want" = "$_cs_have" ] || { echo "torn file: $1"; return 1; }
}

# make_os_tree DIR [NFILES]: what an OS image holds, deterministically
# (same content, modes, owners and times on every run, so two calls make
# trees that compare equal). NFILES (default 60) ordinary files spread over
# usr/, plus: setuid/setgid/sticky, odd owners (root only), hard links
# (three names in two directories), symlinks (relative, absolute pointing
# outside, dangling, to a directory, a loop), device nodes (root only) and
# a fifo, an empty file and directory, a mode-0 file and a read-only
# directory, a sparse file, hostile names (spaces, tab, newline, non-UTF-8
# bytes, leading dashes, glob and backslash characters), a 200-level deep
# path and a path of about 4000 bytes. No sockets: extnfs skips them.
make_os_tree() {
	_ot_n=${2:-60}
	mkdir -p "$1" && (
		set -e
		cd "$1"
		mkdir -p bin etc dev usr/bin usr/lib usr/share var/tmp var/adm tmp empty ro
		# the bulk: NFILES files, text, sizes from a few bytes to ~300 KiB
		awk -v n="$_ot_n" 'BEGIN {
			for (i = 0; i < n; i++) {
				p = sprintf("usr/share/pkg%02d", i % 7)
				if (!(p in made)) { system("mkdir -p " p); made[p] = 1 }
				f = sprintf("%s/file%04d", p, i)
				size = (i % 25 == 24) ? (i * 7919) % 300000 + 8192 : (i * 37) % 5000
				for (k = 0; len < size; k++) {
					line = sprintf("%s %d %x\n", f, k, (k * 2654435761 + i) % 4294967296)
					printf "%s", line > f; len += length(line)
				}
				if (size == 0) printf "" > f
				close(f); len = 0
			}
		}'
		det_content bin/sh 20000 >bin/sh
		det_content usr/bin/ls 12000 >usr/bin/ls
		det_content usr/bin/passwd 9000 >usr/bin/passwd
		det_content usr/bin/wall 7000 >usr/bin/wall
		det_content etc/filesystems 600 >etc/filesystems
		det_content etc/hosts 300 >etc/hosts
		det_content usr/lib/libc.a 150000 >usr/lib/libc.a
		: >etc/empty-file
		printf 'secret\n' >etc/mode0
		# special bits
		chmod 4755 usr/bin/passwd
		chmod 2755 usr/bin/wall
		chmod 6711 bin/sh
		chmod 1777 tmp var/tmp
		chmod 2775 var/adm
		chmod 0400 etc/mode0
		chmod 0640 etc/hosts
		# hard links: three names, two directories
		ln usr/bin/ls usr/bin/dir
		ln usr/bin/ls bin/ls
		ln etc/hosts etc/hosts.hardlink
		# symlinks
		ln -s usr/lib lib
		ln -s ../usr/bin/ls bin/ls-rel
		ln -s /etc/passwd etc/passwd-outside
		ln -s /nonexistent/target etc/dangling-abs
		ln -s ../missing etc/dangling-rel
		ln -s loop-b etc/loop-a
		ln -s loop-a etc/loop-b
		ln -s "$(printf '%0300d' 0)" etc/long-target
		# special files
		mkfifo dev/initctl
		if [ "$(id -u)" = 0 ]; then
			mknod dev/null c 1 3
			mknod dev/hd0 b 8 0
			mknod dev/big c 511 1048575
			chown 1234:5678 usr/lib/libc.a etc/filesystems
			chown 4321:8765 var/adm
			chown -h 99:98 bin/ls-rel
			chown 65534:65534 usr/bin/wall
			chmod 2755 usr/bin/wall # chown clears setgid
			chmod 0 etc/mode0 # unreadable but to root
		fi
		# a sparse file: 16 MiB, 64 KiB of data at 0 and 4 MiB, hole at the end
		make_sparse_file var/adm/paging 16384 64 0 4096
		# hostile names
		det_content sp 100 >"with space"
		det_content tab 100 >"$(printf 'tab\there')"
		det_content nl 100 >"$(printf 'new\nline')"
		det_content bad 100 >"$(printf 'bad\377\376utf8')"
		det_content dash 100 >./-rf
		det_content dashdash 100 >./--delete
		det_content glob 100 >'*?[a]'
		det_content bs 100 >'back\slash'
		mkdir "$(printf 'dir\nwith newline')"
		det_content in 100 >"$(printf 'dir\nwith newline')/inside"
		# 200 levels deep
		d=deep
		i=1
		while [ $i -lt 200 ]; do d=$d/d; i=$((i + 1)); done
		mkdir -p "$d"
		det_content bottom 50 >"$d/bottom"
		# a path of about 4000 bytes (relative; absolute it exceeds PATH_MAX)
		c=$(printf '%0200d' 0)
		(
			mkdir long && cd long
			i=0
			while [ $i -lt 19 ]; do mkdir "$c" && cd "$c"; i=$((i + 1)); done
			det_content longfile 50 >"$(printf '%0170d' 1)"
		)
		det_content ro 10 >ro/file
		chmod 0555 ro
		# deterministic times, directories last
		find . ! -type d -print0 | xargs -0 touch -h -d @1600000000.123456789
		touch -h -d @1600000123.987654321 usr/bin/ls etc/hosts var/adm/paging "with space"
		touch -h -d @1234567890.000000001 etc/loop-a usr/bin/passwd
		find . -depth -type d -print0 | xargs -0 touch -d @1600000500.5
	)
}
