#!/bin/sh
# check.sh: the README's test command. Installs what is missing, then runs
# everything CI runs: the whole suite built with -Werror, the whole suite
# under ASan+UBSan, and the portable build (no Linux fast paths, no libnfs).
# The last line is the suite's "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 2
sh scripts/install-deps.sh || exit 2
J=$(nproc 2>/dev/null || echo 2)
status=0

echo "=== portable build (-DEXTNFS_PORTABLE, no libnfs)"
make -j"$J" portable >/dev/null 2>portable.log || { cat portable.log; echo "portable build failed"; status=1; }
rm -f portable.log

echo "=== build and test (-Werror)"
make -j"$J" test-bins >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
EXTNFS_BUILD_DIR=build sh t/run-tests.sh >test.log 2>&1; rc1=$?
tail -n 40 test.log
p1=$(tail -n 1 test.log)

echo "=== build and test under ASan+UBSan"
make -j"$J" BUILD=build-asan OPT='-O1 -g' \
	SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	test-bins >/dev/null || { echo "asan build failed"; echo "0 passed, 1 failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1 EXTNFS_BUILD_DIR=build-asan sh t/run-tests.sh >test-asan.log 2>&1; rc2=$?
tail -n 40 test-asan.log
p2=$(tail -n 1 test-asan.log)
rm -f test.log test-asan.log

# one closing line counting both runs
pa=$(echo "$p1" | awk '{print $1}'); fa=$(echo "$p1" | awk '{print $3}'); sa=$(echo "$p1" | awk '{print $5}')
pb=$(echo "$p2" | awk '{print $1}'); fb=$(echo "$p2" | awk '{print $3}'); sb=$(echo "$p2" | awk '{print $5}')
failed=$(( ${fa:-1} + ${fb:-1} + status ))
echo "suite: $p1"
echo "asan:  $p2"
echo "$(( ${pa:-0} + ${pb:-0} )) passed, $failed failed, $(( ${sa:-0} + ${sb:-0} )) skipped"
[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$status" = 0 ]
