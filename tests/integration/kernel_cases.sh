#!/bin/bash
# The user-notification behaviours the kernel's seccomp selftests check
# (tools/testing/selftests/seccomp/seccomp_bpf.c, user_notification_*),
# each seen from a compatbox guest. Here: the listener closed (ENOSYS),
# a task killed in the middle of a performed call, FIFO order of answers,
# the guest gone while a call is performed (the listener's POLLHUP ends the
# run). Elsewhere: a signal (interrupted_waits, signals), ADDFD with SEND
# and RLIMIT_NOFILE (addfd, fd_limit); see docs/testing.md.
. "$(dirname "$0")/lib.sh"
figure_kind faults

for g in $(abi_guests guest32 guest64); do
	# -- closed listener: with no PID namespace to take the guest down, a
	# guest whose supervisor died gets ENOSYS for its trapped calls (the
	# kernel's answer once no listener is left), never a hang.
	d="$tmp/$g-orphan"; mkdir -p "$d"
	COMPATBOX_TEST_NO_PIDNS=1 "$COMPATBOX" run -- "$GUESTS/$g" orphaned "$d" &
	sup=$!
	wait_for "$d/ready" || bad "$g: orphaned guest did not start"
	keeper=$(pgrep -P "$sup" | head -1)
	guest=$(pgrep -P "$keeper" | head -1)
	sleep 0.3
	kill -STOP "$keeper"; kill -KILL "$sup"; wait "$sup" 2>/dev/null
	sleep 1
	expect_true "$g: trapped calls were answered while the supervisor lived" grep -q '^ok 3$' "$d/log"
	expect_eq "$g: after the listener closed, ENOSYS" ENOSYS "$(tail -1 "$d/log")"
	kill -KILL "$guest" "$keeper" 2>/dev/null; kill -CONT "$keeper" 2>/dev/null

	# -- killed in the middle: SIGKILL to a child whose sleep the supervisor
	# performs; the supervisor's answer finds no call, the rest goes on.
	native=$("$GUESTS/$g" killmid)
	out=$(cb --trap nanosleep --log "$tmp/$g-kill.json" -- "$GUESTS/$g" killmid); rc=$?
	expect_eq "$g: killed in the middle: as natively" "$native" "$out"
	expect_eq "$g: ... compatbox exits 0" 0 "$rc"
	expect_true "$g: ... the killed call was abandoned" \
		[ "$(json_count "$tmp/$g-kill.json" "r['syscall']=='nanosleep' and r['action']=='abandoned'")" -ge 1 ]

	# -- FIFO: four performed sleeps, asked 100 ms apart, answered in order.
	expect_eq "$g: answers in the order asked" "answered in the order: 0 1 2 3 " \
		"$(cb --trap nanosleep -- "$GUESTS/$g" order 4)"

	# -- the guest gone while its 30 s sleep is performed: compatbox ends
	# with it (the listener hangs up), long before the sleep would.
	d="$tmp/$g-hang"; mkdir -p "$d"
	"$COMPATBOX" run --trap nanosleep -- "$GUESTS/$g" hang "$d" > "$d/out" &
	sup=$!
	wait_for "$d/ready" || bad "$g: hanging guest did not start"
	keeper=$(pgrep -P "$sup" | head -1)
	guest=$(pgrep -P "$keeper" | head -1)
	sleep 0.3
	start=$(date +%s)
	kill -KILL "$guest"
	for _ in $(seq 200); do kill -0 "$sup" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$sup" 2>/dev/null; then
		bad "$g: compatbox still runs 10 s after its guest died"
		kill -KILL "$sup"
	else
		ok "$g: compatbox ended $(( $(date +%s) - start )) s after its guest died"
	fi
	wait "$sup"; rc=$?
	expect_eq "$g: ... with the guest's status (SIGKILL)" 137 "$rc"
done
finish
