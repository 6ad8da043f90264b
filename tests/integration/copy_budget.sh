#!/bin/bash
# 40 processes blocked in translated writevs of 1024 iovecs that point at
# one 16 KiB buffer would make the supervisor hold 16 MiB of copies each:
# it holds 64 MiB of guest data at most (CB_COPY_BUDGET), the calls past it
# fail with ENOMEM, and its peak RSS stays under 64 MiB + 48 MiB.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

needs_abi 32 # only i386 calls are translated
ldd "$COMPATBOX" 2>/dev/null | grep -q libasan && \
	skip "an ASan build's RSS is its shadow memory and quarantine: the bound is for a plain build"
bound_kb=$(( (64 + 48) * 1024 ))
"$COMPATBOX" run --translate -- "$GUESTS/hostile32" amplify 40 2 "$tmp/done" >"$tmp/out" 2>&1 &
sup=$!
wait_for "$tmp/done" 60 || bad "the guest did not finish"
hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/$sup/status)
wait $sup
expect_eq "the guest exited 0" 0 "$?"
cat "$tmp/out"
echo "supervisor VmHWM ${hwm} kB (bound ${bound_kb} kB)"
expect_true "supervisor peak RSS ${hwm} kB < ${bound_kb} kB" test "${hwm:-999999999}" -lt "$bound_kb"
expect_true "some calls waited (and were interrupted)" grep -qv "^interrupted 0 " "$tmp/out"
expect_true "no call failed other than with ENOMEM" grep -q " other 0$" "$tmp/out"
finish
