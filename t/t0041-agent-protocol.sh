#!/bin/sh
# extnfs agent alone: one JSON request on stdin, JSON lines on stdout
# (doc/agent-protocol.md). Results per job, the missing/empty source
# guard, keep_root on a shared directory, clear errors for malformed
# requests and for a request from another version.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-tree.sh"

V=$(extnfs --version | awk "{print \$2}")

# req JOBS...: a request from this version with the given job objects
req() {
	printf '{"protocol":1,"version":"%s","host":"sn1","jobs":[' "$V"
	sep=
	for j in "$@"; do printf '%s%s' "$sep" "$j"; sep=,; done
	printf ']}\n'
}

test_expect_success 'setup: a source tree, a shared directory with two nodes'"'"' files' '
	make_os_tree src 40 &&
	mkdir -p cd && echo a >cd/hosts.cn1 && echo b >cd/hosts.cn2 && echo c >cd/resolv.conf.cn1 &&
	touch -d "2001-02-03 04:05:06" cd && chmod 755 cd
'

test_expect_success 'the agent says hello first, then one result per job and an end line' '
	req "{\"src\":\"$TRASH/src\",\"dest\":\"$TRASH/dst\",\"delete\":true}" \
	    "{\"src\":\"$TRASH/nothing\",\"dest\":\"$TRASH/d2\",\"delete\":true}" >r.json &&
	test_expect_code 1 extnfs agent <r.json >out &&
	head -n 1 out | jq -r "\"\(.type) \(.version) \(.protocol)\"" >got &&
	echo "hello $V 1" >want && test_cmp want got &&
	grep "\"type\":\"result\"" out | jq -r "\"\(.job) \(.state) \(.message)\"" >got &&
	cat >want <<-EOF &&
	0 ok null
	1 skipped source '"'"'$TRASH/nothing'"'"' is missing or empty: not synced
	EOF
	test_cmp want got &&
	tail -n 1 out | jq -c . >got &&
	echo "{\"type\":\"end\",\"ok\":1,\"skipped\":1,\"failed\":0}" >want && test_cmp want got &&
	compare_trees src dst &&
	test ! -e d2
'

test_expect_success 'a second run of the same job changes nothing' '
	req "{\"src\":\"$TRASH/src\",\"dest\":\"$TRASH/dst\",\"delete\":true}" >r.json &&
	extnfs agent <r.json >out &&
	grep "\"type\":\"result\"" out | jq -r "\"\(.state) \(.created) \(.updated) \(.metadata) \(.deleted)\"" >got &&
	echo "ok 0 0 0 0" >want && test_cmp want got
'

test_expect_success 'include-scoped jobs with keep_root leave the shared directory alone' '
	mkdir -p shared && chmod 700 shared && touch -d "2010-01-01 00:00:00" shared &&
	req "{\"src\":\"$TRASH/cd\",\"dest\":\"$TRASH/shared\",\"include\":[\"*.cn1\"],\"delete\":true,\"keep_root\":true}" >r.json &&
	extnfs agent <r.json >out &&
	ls shared >got && printf "hosts.cn1\nresolv.conf.cn1\n" >want && test_cmp want got &&
	stat -c %a shared >got && echo 700 >want && test_cmp want got &&
	test "$(stat -c %Y shared)" != "$(stat -c %Y cd)" &&
	req "{\"src\":\"$TRASH/cd\",\"dest\":\"$TRASH/shared\",\"include\":[\"*.cn2\"],\"delete\":true,\"keep_root\":true}" >r.json &&
	extnfs agent <r.json >out &&
	ls shared >got && printf "hosts.cn1\nhosts.cn2\nresolv.conf.cn1\n" >want && test_cmp want got &&
	stat -c %a shared >got && echo 700 >want && test_cmp want got
'

test_expect_success 'without keep_root the job owns the directory: its mode and times follow the source' '
	req "{\"src\":\"$TRASH/cd\",\"dest\":\"$TRASH/shared\",\"include\":[\"*.cn2\"],\"delete\":true}" >r.json &&
	extnfs agent <r.json >out &&
	stat -c "%a %Y" cd >want && stat -c "%a %Y" shared >got && test_cmp want got
'

test_expect_success 'a deletion beyond the guard is refused and nothing changes' '
	rm -rf src/usr/share && test_when_finished "rm -rf src && make_os_tree src 40" &&
	tree_state dst >before &&
	req "{\"src\":\"$TRASH/src\",\"dest\":\"$TRASH/dst\",\"delete\":true}" >r.json &&
	test_expect_code 1 extnfs agent <r.json >out &&
	grep "\"type\":\"result\"" out | jq -r "\"\(.state) \(.message)\"" >got &&
	grep "^failed refusing to delete [0-9]* of [0-9]* entries under '"'"'$TRASH/dst'"'"' (limit [0-9]*, 10 %); nothing was changed: .*: not synced$" got &&
	tree_state dst >after && test_cmp before after
'

test_expect_success 'a request from another version is refused, naming both versions and the host' '
	printf "{\"protocol\":1,\"version\":\"0.0.1\",\"jobs\":[]}" >r.json &&
	test_expect_code 3 extnfs agent <r.json >out &&
	sed -n 2p out >got &&
	echo "{\"type\":\"error\",\"message\":\"version mismatch: the request comes from extnfs 0.0.1, the agent on '"'"'$(uname -n)'"'"' is extnfs $V\"}" >want &&
	test_cmp want got
'

test_expect_success 'malformed requests get a clear error line and change nothing' '
	cat >cases <<-EOF &&
	{"protocol":1,|request line 1 column 14: string or '"'"'}'"'"' expected near end of file
	[]|request: expected a JSON object
	{"version":"$V","jobs":[]}|request: protocol: missing
	{"protocol":2,"version":"$V","jobs":[]}|request: protocol 2 is not supported (this agent speaks 1)
	{"protocol":1,"jobs":[]}|request: version: missing
	{"protocol":1,"version":"$V"}|request: jobs: missing
	{"protocol":1,"version":"$V","jobs":{}}|request: jobs: expected a list
	{"protocol":1,"version":"$V","jobs":[],"extra":1}|request: unknown field '"'"'extra'"'"'
	{"protocol":1,"version":"$V","jobs":[{"dest":"/x"}]}|request: jobs[0].src: missing
	{"protocol":1,"version":"$V","jobs":[{"src":"rel","dest":"/x"}]}|request: jobs[0].src: '"'"'rel'"'"' is not an absolute path
	{"protocol":1,"version":"$V","jobs":[{"src":"/a","dest":"/x","delete":1}]}|request: jobs[0].delete: expected true or false
	{"protocol":1,"version":"$V","jobs":[{"src":"/a","dest":"/x","include":[""]}]}|request: jobs[0].include[0]: expected a non-empty string
	{"protocol":1,"version":"$V","jobs":[{"src":"/a","dest":"/x","max_delete_pct":101}]}|request: jobs[0].max_delete_pct: expected an integer from 0 to 100
	EOF
	while IFS="|" read -r in msg; do
		printf "%s" "$in" >r.json &&
		test_expect_code 3 extnfs agent <r.json >out &&
		sed -n 2p out | jq -r .message >got &&
		echo "$msg" >want &&
		test_cmp want got || return 1
	done <cases &&
	test ! -e x
'

test_done
