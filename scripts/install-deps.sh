#!/bin/sh
# install-deps.sh: installs the Debian packages extnfs builds, tests and
# demonstrates with, when any is missing (idempotent; needs root only when
# something has to be installed).
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev
libsqlite3-dev sqlite3 libjansson-dev libpcre2-dev libcmocka-dev
libinih-dev libxxhash-dev libnfs-dev libnfs-utils
nfs-ganesha nfs-ganesha-vfs rpcbind rsync openssh-server openssh-client
iproute2 netcat-openbsd strace python3 jq bc"

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# services (rpcbind, ganesha, ssh) must not start from the package scripts:
# the tests start what they need themselves
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends $missing
