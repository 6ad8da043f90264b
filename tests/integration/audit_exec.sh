#!/bin/bash
# The payload of a call the kernel runs is read after the answer, through
# the mem fd the supervisor holds for the thread. A thread that ran an
# execve since that fd was opened has another mm: the fd reads nothing, and
# the trail must read the new one (guest/guest.c, cb_guest_peek). Here the
# same thread sets TIOCSPTLCK to 1, runs an execve, and sets it to 0; the
# policy records the execve too, which opens the thread's handles before
# it. Both records must carry the value their call passed.
. "$(dirname "$0")/lib.sh"

printf 'default allow\nlog execve\nioctl default log\n' >"$tmp/p.policy"
for g in $(abi_guests fd_names_guest32 fd_names_guest64); do
	for pol in "$tmp/p.policy" audit; do
		"$COMPATBOX" run --policy "$pol" --log "$tmp/$g.jsonl" -- "$GUESTS/$g" payload
		expect_eq "$g ($pol): ran" 0 "$?"
		got=$(python3 - "$tmp/$g.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
calls = sorted((r for r in recs if r["kind"] == "call" and r["syscall"] == "ioctl"
                and (r["request"]["name"] or "") == "TIOCSPTLCK"), key=lambda r: r["t"])
print(" ".join(str(r.get("payload", {}).get("fields", {}).get("value", "none")) for r in calls))
PY
)
		expect_eq "$g ($pol): the value before the execve and after it" "1 0" "$got"
		rm -f "$tmp/$g.jsonl"
	done
done
finish
