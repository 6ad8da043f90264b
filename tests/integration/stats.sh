#!/bin/bash
# --stats counts what became of each trapped call, exactly: performed,
# translated, errors, denied, and left to the kernel with the reason; the
# same counts end --log's trail, as a stats record before end.
. "$(dirname "$0")/lib.sh"

# stat_of FILE ARCH SYSCALL KEY [ARCH SYSCALL KEY]...: counts of a
# --stats=FILE record, space-separated (0 for a call that is not there);
# SYSCALL "all" reads the totals, KEY kernel:WHY one reason's count.
stat_of() {
	python3 - "$@" <<'PY'
import json, sys
s = json.loads(open(sys.argv[1]).read())["stats"]
out = []
args = sys.argv[2:]
for arch, name, key in zip(args[0::3], args[1::3], args[2::3]):
    rows = [s["all"]] if name == "all" else \
           [r for r in s["calls"] if r["arch"] == arch and r["syscall"] == name]
    v = 0
    for r in rows:
        v += r["kernel_why"].get(key.split(":")[1], 0) if key.startswith("kernel:") else r[key]
    out.append(str(v))
print(" ".join(out))
PY
}

N=300
for g in $GUEST_VARIANTS; do
	arch=i386
	case $g in guest64*) arch=x86_64;; esac
	# Performed: the default policy performs FIONREAD on a pipe.
	out=$(cb --stats="$tmp/$g.json" --log "$tmp/$g.log" -- "$GUESTS/$g" ioctls $N); rc=$?
	expect_eq "$g ran" "0 ioctls $N" "$rc $out"
	# With a trail, the calls that change fd slots or make tasks are seen
	# too (kernel:watch, docs/audit.md "fd names"): the guest's execve
	# at least, and nothing but them and the ioctls.
	read -r perf total watch < <(stat_of "$tmp/$g.json" $arch ioctl performed - all total - all kernel:watch)
	expect_eq "$g: $N ioctls performed, nothing else trapped but watched calls" "$N $N" \
		"$perf $((total - watch))"
	expect_true "$g: the trail's watched calls counted (the execve at least)" [ "$watch" -ge 1 ]
	# The trail: start, process, N calls, then the same counts in an
	# audit record of kind stats, then end.
	expect_eq "$g: the log's stats record, before end, holds the same counts" "stats end True" \
		"$(tail -n 2 "$tmp/$g.log" | python3 -c 'import json, sys
s, e = [json.loads(l) for l in sys.stdin]
print(s["kind"], e["kind"], s["v"] == 1 and s["stats"] == json.load(open(sys.argv[1]))["stats"])' "$tmp/$g.json")"
	expect_eq "$g: one log line per call, and start, process, stats, end" $((N + 4)) "$(wc -l < "$tmp/$g.log")"
	expect_eq "$g: compatbox report reads the record as no call and no malformed line" "$N 0" \
		"$("$COMPATBOX" report --json "$tmp/$g.log" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["calls"], d["malformed"])')"
	# Left to the kernel by the policy's rule (audit: log every ioctl).
	# (stdout a pipe: on /dev/null, stdio asks TCGETS whether it is a tty)
	out=$(cb --passthrough --stats="$tmp/$g.pass.json" -- "$GUESTS/$g" ioctls 10)
	expect_eq "$g --passthrough: 10 left to the kernel by the rule" "10 10 0" \
		"$(stat_of "$tmp/$g.pass.json" $arch ioctl kernel $arch ioctl kernel:rule $arch ioctl performed)"
done

for b in $(abi_guests policy_guest32 policy_guest64); do
	arch=i386
	case $b in *64) arch=x86_64;; esac
	g=$GUESTS/$b
	# Trapped with no handler: the kernel runs it, counted as unhandled.
	cb --trap getppid --stats="$tmp/$b.trap.json" -- "$g" call getppid getppid getppid >/dev/null
	expect_eq "$b: --trap getppid, 3 unhandled" "3 3" \
		"$(stat_of "$tmp/$b.trap.json" $arch getppid total $arch getppid kernel:unhandled)"
	# Denied, and allowed by a rule the supervisor decides on.
	cat >"$tmp/sys.policy" <<'P'
default allow
allow socket if arg0 == AF_UNIX
deny EAFNOSUPPORT socket
P
	out=$(cb --policy "$tmp/sys.policy" --stats="$tmp/$b.pol.json" -- "$g" call socket-unix socket-packet socket-packet)
	expect_eq "$b: the policy's answers" "socket-unix 0
socket-packet -1 EAFNOSUPPORT
socket-packet -1 EAFNOSUPPORT" "$out"
	expect_eq "$b: 2 denied, 1 left to the kernel by a rule, nothing else" "2 1 3" \
		"$(stat_of "$tmp/$b.pol.json" - all denied - all kernel:rule - all total)"
done

if covers_abi 32; then
	# Translated, and a translated call answered with an errno. i386 glibc's
	# stat() is statx; its start-up asks for the stack limit (ugetrlimit).
	g=$GUESTS/policy_guest32
	cb --translate --stats="$tmp/tr.json" -- "$g" stat /etc/passwd >/dev/null
	cb --translate --stats="$tmp/tr.err.json" -- "$g" stat "$tmp/none" >/dev/null
	t=$(stat_of "$tmp/tr.json" i386 statx translated)
	expect_eq "i386 stat: every statx translated (stdio's fstat are statx too), no errors" "0 0" \
		"$(stat_of "$tmp/tr.json" i386 statx errors - all kernel)"
	expect_eq "i386 stat of a missing file: the same calls, one statx answered ENOENT" \
		"$((t - 1)) 1 $(stat_of "$tmp/tr.json" - all total)" \
		"$(stat_of "$tmp/tr.err.json" i386 statx translated i386 statx errors - all total)"
	# What another process cannot run for the caller is counted apart: its
	# fd table (fcntl's F_GETFD), a socket made through socketcall.
	out=$(cb --translate --stats="$tmp/task.json" -- "$g" call fcntl-getfd fcntl-getfl socketcall-socket tiocgpgrp ipc-semop)
	expect_eq "i386 fcntl, socketcall, TIOCGPGRP, ipc: the calls' answers" "fcntl-getfd 0
fcntl-getfl 0
socketcall-socket 0
tiocgpgrp 0
ipc-semop 0" "$out"
	expect_eq "F_GETFD, socketcall's socket, TIOCGPGRP and ipc's semop left to the kernel as the caller's (task), F_GETFL translated" \
		"1 1 1 1 1" "$(stat_of "$tmp/task.json" i386 fcntl64 kernel:task i386 fcntl64 translated i386 socketcall kernel:task i386 ioctl kernel:task i386 ipc kernel:task)"
fi

# Without =FILE: a table on stderr, the guest's streams untouched.
one=$(abi_guests guest32 guest64 | cut -d' ' -f1)
arch=i386
case $one in guest64*) arch=x86_64;; esac
out=$(cb --stats -- "$GUESTS/$one" ioctls 5 2>"$tmp/table")
expect_eq "--stats leaves stdout to the guest" "ioctls 5" "$out"
expect_eq "the table has the ioctl row" "$arch ioctl 5 100.0% 5 0 0 0 0 0" \
	"$(awk '$1=="'$arch'" && $2=="ioctl" {print $1,$2,$3,$4,$5,$6,$7,$8,$9,$10}' "$tmp/table")"
expect_eq "and the totals" "all 5" "$(awk '$1=="all" {print $1,$2}' "$tmp/table")"
out=$(cb --stats="$tmp/no/such/dir/s.json" -- true 2>&1); rc=$?
expect_eq "an unwritable --stats=FILE fails before the guest runs" 125 "$rc"
expect_true "and says which file ($out)" grep -q "no/such/dir/s.json" <<<"$out"
finish
