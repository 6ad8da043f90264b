#!/bin/bash
# Forks, threads and execs of the guest stay supervised.
. "$(dirname "$0")/lib.sh"

N=500
for g in $(abi_guests guest32 guest64); do
	log="$tmp/$g.json"
	cb --log "$log" -- "$GUESTS/$g" family $N >/dev/null; rc=$?
	expect_eq "$g family exits 0" 0 "$rc"
	# main thread, a thread, a forked child, an exec'd child: 4 x N.
	expect_eq "$g: all ioctls of 4 tasks logged" $((4 * N)) "$(json_count "$log" "r['request']['name']=='FIONREAD'")"
	pids=$(python3 -c "import json,sys; print(len({json.loads(l)['pid'] for l in open(sys.argv[1]) if '\"FIONREAD\"' in l}))" "$log")
	tids=$(python3 -c "import json,sys; print(len({json.loads(l)['tid'] for l in open(sys.argv[1]) if '\"FIONREAD\"' in l}))" "$log")
	expect_eq "$g: three processes" 3 "$pids"
	expect_eq "$g: four threads" 4 "$tids"
done

# Zombies: orphans of the guest are reaped (the keeper is a subreaper).
# Only the guest's own: zombies of whatever else runs on the machine (tests
# in parallel) are not the keeper's to reap. The keeper is the init of the
# guest's PID namespace, so the shell's $PPID is 1 there while /proc (the
# host's) shows host pids: the keeper's host pid is the PPid of the shell,
# whose own host pid is the PPid of a command it execs (the keeper keeps
# the supervisor's name, compatbox).
out=$(cb -- sh -c "'$GUESTS/guest64' orphan; sleep 0.3
	sp=\$(exec awk '/^PPid/ { print \$2 }' /proc/self/status)
	kp=\$(awk '/^PPid/ { print \$2 }' /proc/\$sp/status)
	grep -q '^Name:[[:space:]]*compatbox\$' /proc/\$kp/status || echo 'not the keeper'
	grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | xargs -r grep -l \"^PPid:[[:space:]]*\$kp\$\" | wc -l")
expect_eq "no zombies left by orphans" 0 "$out"
finish
