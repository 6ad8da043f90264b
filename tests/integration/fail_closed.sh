#!/bin/bash
# When the supervisor is SIGKILLed, no guest process runs on unsupervised.
. "$(dirname "$0")/lib.sh"
figure_kind faults

# Every process below PID (the keeper, the shell, the heartbeats, the orphan).
descendants() {
	local t c
	for t in /proc/$1/task/*; do
		for c in $(cat "$t/children" 2>/dev/null); do echo $c; descendants $c; done
	done
}

alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:.*Z' /proc/$1/status 2>/dev/null; }

for g in $(abi_guests guest32 guest64); do
	hb="$tmp/$g.hb"
	# The guest forks a second heartbeat process and leaves an orphan.
	"$COMPATBOX" run -- sh -c "'$GUESTS/$g' heartbeat '$hb' & '$GUESTS/$g' orphan; '$GUESTS/$g' heartbeat '$hb.2'" &
	sup=$!
	wait_for "$hb" && wait_for "$hb.2" || bad "$g: heartbeats did not start"
	sleep 0.2
	pids=$(descendants $sup | tr '\n' ' ')
	expect_true "$g: keeper, shell, two heartbeats and the orphan found ($pids)" test "$(wc -w <<<"$pids")" -ge 5
	kill -KILL $sup
	wait $sup 2>/dev/null
	sleep 0.5
	n1=$(wc -l < "$hb"); n2=$(wc -l < "$hb.2")
	sleep 0.5
	expect_eq "$g: first heartbeat stopped" "$n1" "$(wc -l < "$hb")"
	expect_eq "$g: second heartbeat stopped" "$n2" "$(wc -l < "$hb.2")"
	left=""
	for p in $pids; do alive $p && left="$left $p"; done
	expect_eq "$g: no guest process left" "" "$left"
done
finish
