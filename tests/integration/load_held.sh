#!/bin/bash
# Load held (issue 13): CB_LOAD_CALLS trapped calls in all (default
# 1,000,000 on the host, split between the ABIs this run covers; 1,024
# under TCG, i386 only, from 16 processes of 4 threads, where starting the
# processes is most of the time), each run from 64 processes of 4 threads
# each (256 threads), every
# thread asking FIONREAD on a pipe that holds its own
# number of bytes: each answer must be the asker's (none lost, none
# crossed), no call may fail, and the supervisor's fds, threads and RSS
# after the run must be those after a warm-up, within the bounds below.
# CB_SOAK_SECONDS=3600 runs the same for that long instead of a count (by
# hand: meson test -C build load_held --timeout-multiplier 0).
. "$(dirname "$0")/lib.sh"

calls=${CB_LOAD_CALLS:-1000000}
procs=64 threads=256
# Under TCG starting the processes is most of the time: a quarter of them
# (the 1,000,000 calls of 64 processes run on the host).
grep -q 'cb\.kver=' /proc/cmdline 2>/dev/null && calls=${CB_LOAD_CALLS:-1024} procs=16 threads=64
# A sanitizer build's RSS is its shadow memory and its quarantine of freed
# blocks (256 MiB by default), not the supervisor's: there the RSS bound is
# not checked and a tenth of the calls are made (scripts/test.sh runs this
# test in the plain build on the host as well, suite 'rss').
asan=
ldd "$COMPATBOX" 2>/dev/null | grep -q libasan && asan=1 && calls=${CB_LOAD_CALLS:-100000}
soak=${CB_SOAK_SECONDS:-0}
fd_slack=4           # fds: the pool may hold a few more pidfds
rss_slack_kb=8192    # RSS: 8 MiB
thread_slack=8       # workers started under load and still idle

sample() { # fds threads rss_kb of the supervisor
	echo "$(ls "/proc/$1/fd" | wc -l) $(ls "/proc/$1/task" | wc -l)" \
		"$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")"
}

guests=$(abi_guests guest32 guest64)
# Under TCG one ABI is enough (i386 when covered: the host may lack it).
if grep -q 'cb\.kver=' /proc/cmdline 2>/dev/null; then guests=${guests%% *}; fi
calls=$(( calls / $(echo $guests | wc -w) ))
for g in $guests; do
	d="$tmp/$g"; mkdir -p "$d"
	start=$(date +%s)
	"$COMPATBOX" run -- "$GUESTS/$g" load "$calls" $procs $threads "$d" "$soak" > "$d/out" &
	sup=$!
	wait_for "$d/warm" 600 || bad "$g: the warm-up did not end"
	read -r fd0 th0 rss0 < <(sample $sup)
	touch "$d/go"
	wait_for "$d/end" $((soak + 3600)) || bad "$g: the load did not end"
	read -r fd1 th1 rss1 < <(sample $sup)
	touch "$d/finish"
	wait $sup; rc=$?
	secs=$(( $(date +%s) - start ))
	expect_eq "$g: compatbox exits 0" 0 "$rc"
	read -r _ threads _ want _ got _ own _ errors < "$d/out"
	[ "$soak" = 0 ] && expect_eq "$g: $(( calls / threads * threads )) calls made ($threads threads)" \
		"$(( calls / threads * threads ))" "$want"
	expect_eq "$g: every call answered ($got)" "$want" "$got"
	expect_eq "$g: every answer the asker's own" "$want" "$own"
	expect_eq "$g: no call failed" 0 "$errors"
	expect_true "$g: supervisor fds $fd0 -> $fd1 (at most +$fd_slack)" [ "$fd1" -le $((fd0 + fd_slack)) ]
	expect_true "$g: supervisor threads $th0 -> $th1 (at most +$thread_slack)" [ "$th1" -le $((th0 + thread_slack)) ]
	if [ -n "$asan" ]; then
		echo "# $g: supervisor RSS ${rss0} -> ${rss1} kB, not checked in a sanitizer build"
	else
		expect_true "$g: supervisor RSS ${rss0} -> ${rss1} kB (at most +$rss_slack_kb)" \
			[ "$rss1" -le $((rss0 + rss_slack_kb)) ]
	fi
	echo "# $g: $got calls, $threads threads in $procs processes, $secs s in all"
	echo "CB-FIGURE load calls=$got seconds=$secs"
done
finish
