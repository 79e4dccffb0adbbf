#!/bin/sh
# t0050's scenario with the server's dest as nfs://: the SNs' agents write
# straight into Ganesha through libnfs (no path shared with the server),
# statelite directories are made over NFS from the MN, and a file apply
# changed is served fresh at once (Ganesha sees every write).
NETNS_SERVER_DEST=nfs://192.0.2.10/
. "$(dirname "$0")/t0050-apply-netns.sh"
