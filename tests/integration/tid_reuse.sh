#!/bin/bash
# A result is written to the guest after an ID_VALID check. If the guest
# thread is killed between the check and the write, its tid is free for
# any new task: a write that names the thread by tid (process_vm_writev)
# then lands in whichever process has it now. Here the window is stretched
# by strace (4 s of delay before the supervisor's write), the thread is
# killed, and the test starts a victim process with the same tid (through
# ns_last_pid) and the same program: its variable must stay untouched.
# Needs root (strace -p on the non-dumpable supervisor, ns_last_pid).
. "$(dirname "$0")/lib.sh"
figure_kind faults

[ "$(id -u)" = 0 ] || skip "needs root (strace -p on compatbox, writing ns_last_pid)"
command -v strace >/dev/null || skip "strace is not installed"
[ -w /proc/sys/kernel/ns_last_pid ] || skip "/proc/sys/kernel/ns_last_pid is not writable here"
g="$GUESTS/guest64-static"
d="$tmp/v"; mkdir -p "$d"

"$COMPATBOX" run -- "$g" vanish "$d" &
cb_pid=$!
wait_for "$d/tid" || bad "the guest thread did not start"
read -r nstid addr <"$d/tid"
# The guest has a PID namespace of its own (the keeper is its init): the
# supervisor names the thread by its host tid, the one to reuse. The task
# of that namespace whose NSpid ends in the guest's tid has it first.
keeper=$(pgrep -P "$cb_pid" | head -1)
ns=$(readlink "/proc/$keeper/ns/pid" 2>/dev/null)
tid=$nstid
for st in /proc/[0-9]*/task/[0-9]*/status; do
	t=${st%/status}; t=${t##*/}
	[ "$(readlink "/proc/$t/ns/pid" 2>/dev/null)" = "$ns" ] || continue
	read -r _ host last < <(grep '^NSpid:' "$st" 2>/dev/null; echo)
	[ "${last:-}" = "$nstid" ] && { tid=$host; break; }
done
echo "# guest thread $nstid in its namespace, $tid on the host, target at $addr"
strace -f -qq -o /dev/null -e trace=process_vm_writev,pwrite64 \
	-e inject=process_vm_writev,pwrite64:delay_enter=4000000 -p "$cb_pid" 2>"$tmp/strace.err" &
st_pid=$!
# Attached when every thread of the supervisor has a tracer.
for _ in $(seq 500); do
	untraced=$(grep -l '^TracerPid:[[:space:]]*0$' /proc/"$cb_pid"/task/*/status 2>/dev/null | wc -l)
	[ "$untraced" = 0 ] && break
	sleep 0.01
done
touch "$d/go"
# The thread's FIONREAD is now held before the write; its process exits
# after a second and the thread's tid is free.
for _ in $(seq 500); do [ -e "/proc/$tid" ] || break; sleep 0.01; done
[ -e "/proc/$tid" ] && bad "the guest thread $tid did not exit"
victim=
for _ in $(seq 50); do
	echo $((tid - 1)) >/proc/sys/kernel/ns_last_pid
	"$g" victim "$d" >"$tmp/victim.out" &
	v=$!
	if [ "$v" = "$tid" ]; then victim=$v; break; fi
	# Another task took the tid first: again. SIGKILL, which no trap
	# catches: a SIGTERM before the child's exec ran lib.sh's EXIT trap
	# in it, which removed $tmp.
	kill -KILL "$v"; wait "$v" 2>/dev/null
done
if [ -z "$victim" ]; then
	touch "$d/done"; kill "$st_pid"; wait
	skip "could not start a process with tid $tid (other tasks kept taking it)"
fi
wait_for "$d/victim_ready" || bad "the victim did not start"
sleep 5 # the supervisor's delayed write has happened by now
touch "$d/done"
wait "$victim"
kill "$st_pid" 2>/dev/null; wait "$st_pid" 2>/dev/null
wait "$cb_pid"; rc=$?
expect_eq "compatbox exits 0" 0 "$rc"
expect_eq "the process that got the dead thread's tid was not written to" "target 0x5a5a5a5a" \
	"$(cat "$tmp/victim.out")"
finish
