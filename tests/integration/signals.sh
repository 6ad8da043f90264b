#!/bin/bash
# Signals sent to compatbox reach the guest.
. "$(dirname "$0")/lib.sh"
figure_kind faults

for g in $(abi_guests guest32 guest64); do
	d="$tmp/$g"; mkdir -p "$d"
	"$COMPATBOX" run -- "$GUESTS/$g" signals "$d" > "$d/out" &
	sup=$!
	wait_for "$d/ready" || bad "$g: guest did not start"
	for s in INT TERM HUP QUIT USR1 USR2 WINCH; do
		kill -s $s $sup
		for i in $(seq 200); do grep -q "got $s" "$d/out" && break; sleep 0.01; done
	done
	touch "$d/done"
	wait $sup; rc=$?
	expect_eq "$g exits normally after the signals" 0 "$rc"
	for s in INT TERM HUP QUIT USR1 USR2 WINCH; do
		expect_eq "$g got SIG$s once" 1 "$(grep -c "^got $s\$" "$d/out")"
	done
done

# A guest that does not handle SIGTERM dies of it; compatbox reports 143.
"$COMPATBOX" run -- sleep 10 &
sup=$!
sleep 0.3
kill -TERM $sup
wait $sup; expect_eq "SIGTERM to compatbox ends an unhandling guest with 143" 143 "$?"
finish
