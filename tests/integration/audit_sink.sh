#!/bin/bash
# The audit trail's sink: a destination nobody reads does not hold the
# guest up, and what could not be queued is counted in dropped records
# (calls written + dropped = calls made, exactly); --log-max-size rotates.
# (audit_flush.sh: the trail of a killed guest.)
. "$(dirname "$0")/lib.sh"

g=$(abi_guests guest32 guest64 | cut -d' ' -f1)

# 1. A FIFO whose reader reads nothing until the guest has finished: the
# queue (64 KiB here, 4 MiB normally) and the pipe hold far fewer than N
# records of ~650 bytes.
N=600
mkfifo "$tmp/fifo"
# The reader in the shell, not python: it must be there at once (a
# python start-up takes seconds in the VMs).
(
	exec 3<"$tmp/fifo"  # compatbox's open waits for this one
	for _ in $(seq 1200); do  # not a byte read while the guest runs
		grep -q ioctls "$tmp/out" 2>/dev/null && break
		sleep 0.05
	done
	cat <&3 > "$tmp/trail"
) &
reader=$!
COMPATBOX_TEST_SINK_QUEUE=65536 "$COMPATBOX" audit --out "$tmp/fifo" -- "$GUESTS/$g" ioctls $N > "$tmp/out"; rc=$?
wait $reader
expect_eq "$g ran to the end with the trail's reader asleep" "0 ioctls $N" "$rc $(cat "$tmp/out")"
python3 - "$tmp/trail" "$N" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
calls = sum(r["kind"] == "call" for r in recs)
dropped = sum(r["count"] for r in recs if r["kind"] == "dropped")
end = recs[-1]
print("calls written %d, dropped %d (in %d dropped records), end %s" %
      (calls, dropped, sum(r["kind"] == "dropped" for r in recs), end))
ok = dropped > 0 and calls + dropped == n and end["kind"] == "end" and end["dropped"] == dropped \
     and end["calls"] == n
sys.exit(0 if ok else 1)
PY
expect_eq "a stalled sink: dropped records count exactly what was not written" 0 $?
echo "# part 1 done at ${SECONDS}s"

# 2. Rotation: FILE.1 .. and FILE, each starting with a start record, none
# past the limit, every call in one of them.
"$COMPATBOX" audit --out "$tmp/rot.jsonl" --log-max-size 16k -- "$GUESTS/$g" ioctls 150 >/dev/null
files=$(ls "$tmp"/rot.jsonl* | wc -l)
expect_true "--log-max-size 16k: rotated into several files ($files)" test "$files" -ge 3
python3 - "$tmp" <<'PY'
import glob, json, os, sys
fs = sorted(glob.glob(sys.argv[1] + "/rot.jsonl*"))
calls = 0
for f in fs:
    recs = [json.loads(l) for l in open(f)]
    assert recs[0]["kind"] == "start", f
    assert os.path.getsize(f) <= 16384, f
    calls += sum(r["kind"] == "call" and r["request"]["name"] == "FIONREAD" for r in recs)
sys.exit(0 if calls == 150 else 1)
PY
expect_eq "... each starts with a start record, stays under 16 KiB, 150 calls in all" 0 $?
finish
