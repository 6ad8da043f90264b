#!/bin/bash
# As PID 1 (a container entrypoint) compatbox runs the guest, passes its
# status through and leaves no zombie behind.
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || skip "unshare(1) is not installed"
unshare --pid --fork --mount-proc true 2>/dev/null || \
	skip "cannot create a PID namespace here (needs root or user namespaces)"

one=$(abi_guests guest32 guest64 | cut -d' ' -f1)
out=$(unshare --pid --fork --mount-proc "$COMPATBOX" run -- sh -c \
	"echo pid=\$\$ ppid=\$PPID; '$GUESTS/$one' orphan; sleep 0.3; grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l; exit 5")
rc=$?
expect_eq "status passes through as PID 1" 5 "$rc"
expect_eq "no zombies in the namespace" 0 "$(tail -n 1 <<<"$out")"

# SIGTERM to PID 1 (as docker stop sends) reaches the guest.
unshare --pid --fork --mount-proc --kill-child=TERM "$COMPATBOX" run -- sleep 20 &
u=$!
sleep 0.5
init=$(pgrep -P $u | head -1)
kill -TERM "$init"
wait $u; expect_eq "SIGTERM to compatbox as PID 1 ends the guest" 143 "$?"
finish
