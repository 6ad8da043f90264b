#!/bin/bash
# A kept fd name belongs to a thread, and a tid names another task once
# its own is gone. A child of the guest keeps its fd 10's name (a pty) and
# exits; the next task the guest makes is given the same tid (through
# ns_last_pid), and has /dev/null at fd 10, put there without any call
# that changes a slot: its record must say /dev/null. The fork that made
# it is what tells the supervisor to prove the thread again (docs/audit.md,
# "fd names"). Needs root (ns_last_pid).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (writing ns_last_pid)"
[ -w /proc/sys/kernel/ns_last_pid ] || skip "/proc/sys/kernel/ns_last_pid is not writable here"
g=$(abi_guests fd_names_guest64 fd_names_guest32 | cut -d' ' -f1)

# host_tid NSTID: the host tid of the guest task whose own is NSTID (the
# guest has a PID namespace of its own).
host_tid() {
	local st t last
	for st in /proc/[0-9]*/status; do
		read -r _ t last < <(grep '^NSpid:' "$st" 2>/dev/null; echo)
		[ -n "${last:-}" ] && [ "$last" = "$1" ] && [ "$t" != "$1" ] && { echo "$t"; return; }
	done
	echo "$1"
}

for attempt in $(seq 10); do
	d="$tmp/r$attempt"; mkdir -p "$d"
	"$COMPATBOX" run --workers 1 --passthrough --log "$d/trail" -- "$GUESTS/$g" reuse "$d" &
	cb_pid=$!
	wait_for "$d/p1" || bad "the first child did not start"
	tid=$(host_tid "$(cat "$d/p1")")
	touch "$d/go"
	for _ in $(seq 500); do [ -e "/proc/$tid" ] || break; sleep 0.01; done
	echo $((tid - 1)) >/proc/sys/kernel/ns_last_pid
	: >"$d/fork" # a builtin: a touch process would take the tid
	wait "$cb_pid"; rc=$?
	expect_eq "attempt $attempt: the guest ran" 0 "$rc"
	# The records of tid $tid, in order: the first child's two, and the
	# second's when it got the tid.
	got=$(python3 - "$d/trail" "$tid" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
calls = sorted((r for r in recs if r["kind"] == "call" and r["syscall"] == "ioctl"
                and r["fd"] == 10 and r["tid"] == int(sys.argv[2])), key=lambda r: r["t"])
print(" ".join(r["path"] for r in calls))
PY
)
	if [ "$(echo "$got" | wc -w)" = 3 ]; then
		# (/dev/ptmx is /dev/pts/ptmx where it is a link to it)
		saw=$(cut -d' ' -f3 "$d/want" | tr '\n' ' ' | sed 's/ $//')
		case $saw in
		"/dev/ptmx /dev/ptmx /dev/null" | "/dev/pts/ptmx /dev/pts/ptmx /dev/null")
			ok "the guest saw its pty twice, then /dev/null" ;;
		*) bad "the guest saw its pty twice, then /dev/null: it saw $saw" ;;
		esac
		expect_eq "the task that took tid $tid has its own fd 10 in the trail, not the gone one's" \
			"$saw" "$got"
		finish
	fi
	echo "# attempt $attempt: another task took tid $tid first ($got)"
done
skip "the second child never got the first one's tid (other tasks kept taking it)"
