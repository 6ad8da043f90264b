#!/bin/bash
# The supervisor's fd count is the same before and after 10,000 trapped
# calls from several processes and threads.
. "$(dirname "$0")/lib.sh"

for g in $(abi_guests guest32 guest64); do
	d="$tmp/$g"; mkdir -p "$d"
	"$COMPATBOX" run --log "$d/log.json" -- "$GUESTS/$g" phases "$d" 10000 >/dev/null &
	sup=$!
	wait_for "$d/phase1" || bad "$g: phase 1 not reached"
	before=$(ls /proc/$sup/fd | wc -l)
	touch "$d/go1"
	wait_for "$d/phase2" 60 || bad "$g: phase 2 not reached"
	after=$(ls /proc/$sup/fd | wc -l)
	touch "$d/go2"
	wait $sup; rc=$?
	expect_eq "$g exits 0" 0 "$rc"
	expect_eq "$g: supervisor fds unchanged after 10,000 calls ($before)" "$before" "$after"
	expect_eq "$g: 10,010 calls logged" 10010 "$(json_count "$d/log.json" "r['request']['name']=='FIONREAD'")"
done
finish
