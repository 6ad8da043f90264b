#!/bin/bash
# Sleeps the supervisor performs do not end early when their length does
# not fit 64-bit nanoseconds: 1e10 s, and an absolute INT64_MAX s. The
# kernel clamps such times to "never"; a product that wrapped negative
# would return at once.
. "$(dirname "$0")/lib.sh"

traps=nanosleep,clock_nanosleep,clock_nanosleep_time64
for g in $(abi_guests guest32 guest64); do
	# The same options perform a short sleep: the huge ones are trapped too.
	log="$tmp/$g.json"
	out=$(cb --trap $traps --log "$log" -- "$GUESTS/$g" sleep short); rc=$?
	expect_eq "$g: a short sleep returns" "0 sleeping returned 0" "$rc $(echo $out)"
	expect_eq "$g: ... performed by the supervisor" 1 "$(json_count "$log" \
		"r['syscall'].endswith('sleep') or r['syscall'].endswith('sleep_time64')")"
	expect_eq "$g: ... logged as performed" 1 "$(json_count "$log" "r['action']=='performed'")"
	for how in rel abs; do
		out="$tmp/$g-$how.out"
		# Not through cb(): $! must be compatbox itself, not a subshell.
		"$COMPATBOX" run --trap $traps -- "$GUESTS/$g" sleep $how > "$out" &
		sup=$!
		sleep 1
		if kill -0 $sup 2>/dev/null; then
			ok "$g: the $how sleep is still sleeping after 1 s"
		else
			bad "$g: the $how sleep ended within 1 s: $(tr '\n' ' ' < "$out")"
		fi
		kill -TERM $sup 2>/dev/null
		wait $sup
		expect_eq "$g: the $how sleep never returned" "sleeping" "$(cat "$out")"
	done
done
finish
