#!/bin/bash
# A worker whose SECCOMP_IOCTL_NOTIF_RECV fails with an error it cannot go
# on from (here injected with strace: EFAULT) must not leave the guest
# waiting forever for answers no one will send: the run ends, failing
# closed (exit 125, the keeper kills the guest).
# Needs root (strace -p on the non-dumpable supervisor).
. "$(dirname "$0")/lib.sh"
figure_kind faults

[ "$(id -u)" = 0 ] || skip "needs root (strace -p on compatbox)"
command -v strace >/dev/null || skip "strace is not installed"

d="$tmp/r"; mkdir -p "$d"
# The guest waits (no trapped call) until told, then makes a FIONREAD.
timeout 20 "$COMPATBOX" run --workers 1 -- sh -c \
	"while [ ! -e '$d/go' ]; do sleep 0.05; done; exec '$GUESTS/guest64' ioctls 1" \
	>"$tmp/out" 2>"$tmp/err" &
tmo=$!
cb_pid=
for _ in $(seq 200); do
	cb_pid=$(pgrep -P "$tmo" -x compatbox) && break
	sleep 0.01
done
[ -n "$cb_pid" ] || bad "compatbox did not start"
# The worker's next ioctl is its RECV (the guest makes no trapped call).
strace -f -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=EFAULT:when=1 \
	-p "$cb_pid" 2>"$tmp/strace.err" &
for _ in $(seq 500); do
	untraced=$(grep -l '^TracerPid:[[:space:]]*0$' /proc/"$cb_pid"/task/*/status 2>/dev/null | wc -l)
	[ "$untraced" = 0 ] && break
	sleep 0.01
done
touch "$d/go"
wait "$tmo"; rc=$?
sed 's/^/# stderr: /' "$tmp/err"
expect_eq "compatbox ends the run with 125 (124: it hung until timeout killed it)" 125 "$rc"
expect_true "and says why" grep -q "receiving notifications failed: Bad address" "$tmp/err"
sleep 0.2
expect_eq "the guest was killed with it" "" "$(pgrep -f "$d/go")"
finish
