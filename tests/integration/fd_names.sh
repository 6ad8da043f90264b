#!/bin/bash
# With a trail, what an fd names is kept between calls (docs/audit.md, "fd
# names"). One fd number is made to name a pty, /dev/null, a pipe, a
# socket, the pty's other end, a file then unlinked, /dev/zero, ... by
# close and open, dup2, dup3, close_range (one slot, and all), another
# thread, a child's own table, and execve's close-on-exec, with ioctls
# between: every record must name what the guest itself read in /proc just
# before its ioctl, with names kept and without
# (COMPATBOX_TEST_NO_FD_NAMES=1); the unlinked file's name once a kept
# name's second has passed.
. "$(dirname "$0")/lib.sh"

for g in $(abi_guests fd_names_guest32 fd_names_guest64); do
	for mode in kept read; do
		: >"$tmp/$g.$mode.want"
		no=; [ $mode = read ] && no=1
		COMPATBOX_TEST_NO_FD_NAMES=$no "$COMPATBOX" run --workers 1 --passthrough --log "$tmp/$g.$mode.jsonl" --stats="$tmp/$g.$mode.stats" \
			-- "$GUESTS/$g" "$tmp/$g.$mode.want"
		expect_eq "$g ($mode): ran" 0 "$?"
		python3 - "$tmp/$g.$mode.jsonl" "$tmp/$g.$mode.want" >"$tmp/check" 2>&1 <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
calls = sorted((r for r in recs if r["kind"] == "call" and r["syscall"] == "ioctl" and r["fd"] == 10),
               key=lambda r: r["t"])
got = ["%d %s" % (r["fd"], r["path"]) for r in calls]
want = [l.split(" ", 1)[1].rstrip("\n") for l in open(sys.argv[2])]
for i in range(max(len(got), len(want))):
    g = got[i] if i < len(got) else "(none)"
    w = want[i] if i < len(want) else "(none)"
    print(("ok" if g == w else "FAIL") + " - ioctl %d: trail says %s, the guest saw %s" % (i + 1, g, w))
print("ok - %d ioctls" % len(want) if len(got) == len(want) and len(want) == 16 else
      "FAIL - %d ioctls in the trail, %d seen by the guest, 16 made" % (len(got), len(want)))
PY
		while read -r line; do
			case $line in ok*) ok "$g ($mode): ${line#ok - }" ;; *) bad "$g ($mode): ${line#FAIL - }" ;; esac
		done <"$tmp/check"
	done
	# The calls that change fd slots were seen with names kept, not without.
	watch=$(python3 -c 'import json, sys
for f in sys.argv[1:]:
    print(json.load(open(f))["stats"]["all"]["kernel_why"].get("watch", 0), end=" ")' \
		"$tmp/$g.kept.stats" "$tmp/$g.read.stats")
	read -r w_kept w_read <<<"$watch"
	expect_true "$g: with names kept, the slot-changing calls reach the supervisor ($w_kept)" [ "$w_kept" -ge 10 ]
	expect_eq "$g: without, they do not" 0 "$w_read"
	# One worker serves every call, so its names serve the ioctls that
	# follow one on an unchanged slot: the 2nd, the 6th (the same again),
	# and the parent's after its thread's and after its child's (its own
	# table).
	reused=$(python3 -c 'import json, sys
for f in sys.argv[1:]:
    print([json.loads(l) for l in open(f)][-1]["names_reused"], end=" ")' \
		"$tmp/$g.kept.jsonl" "$tmp/$g.read.jsonl")
	read -r r_kept r_read <<<"$reused"
	expect_true "$g: kept names were used ($r_kept)" [ "$r_kept" -ge 2 ]
	expect_eq "$g: none without" 0 "$r_read"
done
finish
