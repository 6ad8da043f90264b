#!/bin/bash
# The unit suites under valgrind's memcheck, in the plain build (build/):
# any invalid read or write, use of uninitialised memory or definite leak
# fails the suite that caused it. Left out, because valgrind does not
# implement seccomp(2) (syscall 317 is "unhandled" in valgrind 3.19, so
# libseccomp and compatbox itself cannot start under it): the suites that
# build filters (meson suite 'seccomp') and every test that runs a guest.
# Those run under AddressSanitizer, LeakSanitizer and UBSan instead
# (scripts/sanitize.sh). ARGS are passed to meson test.
# Ends with one line: N passed, N failed, N skipped.
# Usage: scripts/memcheck.sh [MESON-TEST-ARGS...]
set -u
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (scripts/deps.sh installs it)"; exit 125; }
out=$(meson test -C build --no-rebuild --suite unit --no-suite seccomp --print-errorlogs \
	--num-processes "$(nproc)" --timeout-multiplier 4 \
	--wrapper 'valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite' \
	"$@" 2>&1)
rc=$?
echo "$out" | grep -E "^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT)" || true
n() { echo "$out" | awk -F: -v k="$1" '$1 == k { gsub(/ /, "", $2); v = $2 } END { print v + 0 }'; }
pass=$(n Ok); fail=$(( $(n Fail) + $(n Timeout) + $(n "Unexpected Pass") ))
echo "$pass passed, $fail failed, $(n Skipped) skipped"
exit $rc
