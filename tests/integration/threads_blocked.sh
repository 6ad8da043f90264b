#!/bin/bash
# 8 guest threads: one blocked for 2 s in a call the supervisor performs
# (nanosleep, trapped with --trap), the other seven keep making trapped calls.
. "$(dirname "$0")/lib.sh"
figure_kind faults

for g in $(abi_guests guest32 guest64); do
	for w in 1 2; do
		out=$(cb --workers $w --trap nanosleep,clock_nanosleep,clock_nanosleep_time64 --log "$tmp/$g.$w.json" -- "$GUESTS/$g" blocked 2); rc=$?
		expect_eq "$g --workers $w exits 0" 0 "$rc"
		read -r _ ret slept <<<"$(grep '^sleep' <<<"$out")"
		expect_eq "$g: nanosleep returned 0" 0 "$ret"
		expect_true "$g: slept about 2 s ($slept)" python3 -c "import sys; sys.exit(not 1.95 <= $slept <= 3.0)"
		# Each of the seven threads kept making trapped calls while the sleep
		# was in progress, at no less than a quarter of its rate in the
		# reference second before it (a stalled supervisor gives ~0; the
		# ratio holds on an emulated CPU, where absolute rates do not).
		low=$(awk '/^thread/ && !($3 > 0 && $4 >= 0.25 * $3) {n++} END {print n+0}' <<<"$out")
		expect_eq "$g --workers $w: all 7 threads kept >= 1/4 of their reference rate" 0 "$low"
		grep '^thread' <<<"$out" | sed 's/^/# ref\/s blocked\/s: /'
		expect_eq "$g: the sleep was performed by the supervisor" 1 \
			"$(json_count "$tmp/$g.$w.json" "r['syscall'].startswith('clock_nanosleep') and r['action']=='performed'")"
	done
done
finish
