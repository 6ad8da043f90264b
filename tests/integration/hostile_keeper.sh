#!/bin/bash
# A guest that stops and kills the keeper and the supervisor (by pid, by a
# /proc pidfd, through its process group) is not left running unsupervised.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

command -v setsid >/dev/null || skip "setsid(1) is not installed"
# compatbox puts the guest in a PID namespace when it can; where it cannot,
# a guest of the same uid can do this (docs/threat-model.md).
[ "$(id -u)" = 0 ] || unshare --user --pid --fork true 2>/dev/null || \
	skip "neither root nor user namespaces here: the guest can kill its supervisor"

for g in $(abi_guests hostile32 hostile64); do
	hb="$tmp/$g.hb"
	# Its own session: the guest kills its whole process group.
	setsid "$COMPATBOX" run -- "$GUESTS/$g" attack "$tmp/$g.sup" "$hb" >"$tmp/$g.out" 2>&1 &
	sup=$!
	echo $sup > "$tmp/$g.sup"
	# The heartbeat may die before its first beat: the group kill ends
	# compatbox, and with it the guest.
	wait $sup 2>/dev/null
	sleep 2
	n=$(cat "$hb" 2>/dev/null | wc -l)
	sleep 0.5
	expect_eq "$g: heartbeat stopped 2 s after the attack" "$n" "$(cat "$hb" 2>/dev/null | wc -l)"
	expect_eq "$g: no guest process left" "" "$(pgrep -f "attack $tmp/$g.sup")"
	expect_true "$g: the guest ran its attack" grep -q "keeper stop" "$tmp/$g.out"
	cat "$tmp/$g.out"
	pkill -KILL -f "attack $tmp/$g.sup" 2>/dev/null
done
finish
