#!/bin/bash
# When the worker that would take the lead cannot be started (here:
# RLIMIT_NPROC), the worker about to wait must keep the lead rather than
# leave nobody receiving. One guest thread sleeps 3 s in a performed
# nanosleep while the main thread times a FIONREAD.
# Runs compatbox as user nobody (65534) with a process limit that leaves
# room for exactly the tasks it starts with: needs root and setpriv.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to run compatbox as another user with a process limit"
command -v setpriv >/dev/null && command -v prlimit >/dev/null || skip "setpriv or prlimit missing"
# RLIMIT_NPROC counts every task of the user: nobody must have none of its own.
others=$(ps -u 65534 -L --no-headers 2>/dev/null | wc -l)
[ "$others" = 0 ] || skip "user nobody (65534) runs $others task(s): its process count would not be ours"
setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$COMPATBOX" -a -x "$GUESTS/guest64" ||
	skip "user nobody cannot run $COMPATBOX or $GUESTS/guest64"

# compatbox's main thread, its one worker, the keeper, the guest and the
# guest's thread: 5 tasks; the second worker would be the sixth.
out=$(cd / && timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
	prlimit --nproc=5:5 -- "$COMPATBOX" run --workers 1 --trap nanosleep,clock_nanosleep -- \
	"$GUESTS/guest64" crowd 1 sleep 3 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
expect_eq "exits 0" 0 "$rc"
expect_eq "the sleep returned 0" "woken 1 of 1, failed 0" "$(grep '^woken' <<<"$out")"
expect_true "the FIONREAD made during the sleep answered 3 in under 1 s" \
	grep -Eq '^fionread_ms ([0-9]|[0-9][0-9]|[0-9][0-9][0-9]) \(0 3\)$' <<<"$out"
finish
