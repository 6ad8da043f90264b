#!/bin/bash
# The unit and integration suites under AddressSanitizer and UBSan, in a
# build dir of their own (build-asan). CB_ABIS from the environment, as for
# scripts/test.sh; ARGS are passed to meson test (scripts/test.sh gives
# --logbase asan). Ends with one line: N passed, N failed, N skipped.
# Usage: scripts/sanitize.sh [MESON-TEST-ARGS...]
set -u
cd "$(dirname "$0")/.."
if [ ! -d build-asan ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 125
fi
ninja -C build-asan >/dev/null || { echo "build-asan: build failed"; exit 125; }
# Any report fails the test that caused it: ASan exits non-zero on its own,
# UBSan is made to.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CB_ABIS=${CB_ABIS:-32 64}
out=$(meson test -C build-asan --suite unit --suite integration --print-errorlogs \
	--num-processes "$(nproc)" "$@" 2>&1)
rc=$?
echo "$out" | grep -E "^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)" || true
# meson's summary: "Ok:  N", "Fail:  N", "Unexpected Pass:  N", ...
n() { echo "$out" | awk -F: -v k="$1" '$1 == k { gsub(/ /, "", $2); v = $2 } END { print v + 0 }'; }
pass=$(n Ok); fail=$(( $(n Fail) + $(n Timeout) + $(n "Unexpected Pass") ))
echo "$pass passed, $fail failed, $(n Skipped) skipped"
exit $rc
