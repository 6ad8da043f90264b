#!/bin/bash
# The audit trail's sink: a destination nobody reads does not hold the
# guest up, and what could not be queued is counted in dropped records
# (calls written + dropped = calls made, exactly); a guest killed, or a
# supervisor told to stop with SIGTERM, still leaves a flushed trail with
# its end record.
. "$(dirname "$0")/lib.sh"

g=$(abi_guests guest32 guest64 | cut -d' ' -f1)

# 1. A FIFO whose reader reads nothing until the guest has finished: the
# queue (128 KiB here, 4 MiB normally) and the pipe hold far fewer than N
# records of ~650 bytes.
N=1500
mkfifo "$tmp/fifo"
python3 - "$tmp/fifo" "$tmp/out" "$tmp/trail" <<'PY' &
import os, sys, time
fifo, out, trail = sys.argv[1:]
fd = os.open(fifo, os.O_RDONLY)  # compatbox's open waits for this one
deadline = time.time() + 60
while time.time() < deadline:  # not a byte read while the guest runs
    if os.path.exists(out) and "ioctls" in open(out).read():
        break
    time.sleep(0.05)
with open(trail, "wb") as f:
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            break
        f.write(b)
PY
reader=$!
COMPATBOX_TEST_SINK_QUEUE=131072 "$COMPATBOX" audit --out "$tmp/fifo" -- "$GUESTS/$g" ioctls $N > "$tmp/out"; rc=$?
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

# 2. The guest killed (SIGKILL): every call is in the trail, then the end.
"$COMPATBOX" audit --out "$tmp/killed.jsonl" -- /bin/sh -c "\"$GUESTS/$g\" ioctls 200; kill -9 \$\$" >/dev/null
rc=$?
expect_eq "a guest killed by SIGKILL: exit 137" 137 "$rc"
expect_eq "... its 200 ioctls are in the trail" 200 "$(json_count "$tmp/killed.jsonl" \
	"r['kind']=='call' and r['request']['name']=='FIONREAD'")"
expect_eq "... and the end record says 137" 1 "$(json_count "$tmp/killed.jsonl" \
	"r['kind']=='end' and r['status']==137 and r['dropped']==0")"

echo "# part 2 done at ${SECONDS}s"

# 3. SIGTERM to compatbox: forwarded, the guest dies of it, the trail is whole.
: > "$tmp/hb"
"$COMPATBOX" audit --out "$tmp/term.jsonl" -- "$GUESTS/$g" heartbeat "$tmp/hb" &
cbpid=$!
wait_for_line() { for _ in $(seq 600); do [ "$(wc -l < "$1")" -ge "$2" ] && return 0; sleep 0.05; done; return 1; }
wait_for_line "$tmp/hb" 3
kill -TERM $cbpid
wait $cbpid; rc=$?
expect_eq "SIGTERM to compatbox: the guest dies of it (143)" 143 "$rc"
expect_eq "... and the trail ends with its end record" "end 143" "$(tail -1 "$tmp/term.jsonl" |
	python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["kind"], r["status"])')"

echo "# part 3 done at ${SECONDS}s"

# 4. Rotation: FILE.1 .. and FILE, each starting with a start record, none
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
