#!/usr/bin/env bash
# The whole test suite from a fresh checkout: packages, a -Werror build,
# throwaway PostgreSQL and MariaDB servers, `make check`, the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer, `make distcheck`, and
# the libFuzzer harnesses for a bounded time each. Ends with one line
# "N passed, N failed" counting every test case run.
#   FUZZ_SECONDS=30  seconds per fuzz harness (0 skips fuzzing)
#   SKIP_ASAN=1      skip the sanitizer pass
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
JOBS=${JOBS:-2}
status=0
passed=0
failed=0

step() { printf '\n=== %s\n' "$*"; }

# Add the counts of one build's test-suite.log to the totals.
count() {
	local log=$1/test-suite.log p f e
	[ -f "$log" ] || { failed=$((failed + 1)); return; }
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
}

step "packages"
bash tests/packages.sh || exit 1

step "build (-Werror)"
./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }
mkdir -p build-check
(cd build-check && ../configure --enable-werror -q && make -j"$JOBS") || exit 1

step "test servers"
dbenv=$(bash tests/servers.sh start) || { echo "test servers did not start"; exit 1; }
eval "$dbenv"
trap 'bash "$ROOT/tests/servers.sh" stop "$DBTEST_DIR"' EXIT

step "make check"
(cd build-check && make -j"$JOBS" check) || status=1
count build-check
[ $status -eq 0 ] || cat build-check/test-suite.log | tail -100

if [ "${SKIP_ASAN:-}" != 1 ]; then
	step "make check under ASan + UBSan"
	san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
	mkdir -p build-asan
	if (cd build-asan && ../configure -q --enable-werror CFLAGS="-O1 -g $san" LDFLAGS="$san" &&
		make -j"$JOBS" &&
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0 \
		UBSAN_OPTIONS=print_stacktrace=1 make -j"$JOBS" check); then
		:
	else
		status=1
		tail -100 build-asan/test-suite.log 2>/dev/null
	fi
	count build-asan
fi

step "make distcheck (the tarball builds and installs; tests ran above)"
(cd build-check && make -j"$JOBS" distcheck TESTS= >/dev/null 2>&1) && passed=$((passed + 1)) || {
	echo "distcheck failed"; failed=$((failed + 1)); status=1; }

if [ "$FUZZ_SECONDS" -gt 0 ]; then
	step "fuzzing (${FUZZ_SECONDS}s per harness)"
	for h in tests/fuzz/fuzz_*.c; do
		if bash tests/fuzz/run.sh "$h" "$FUZZ_SECONDS" build-check; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1)); status=1
		fi
	done
fi

echo
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] || status=1
exit $status
