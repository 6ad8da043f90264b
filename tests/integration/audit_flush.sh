#!/bin/bash
# The audit trail is flushed however the guest ends: killed by SIGKILL, or
# by the SIGTERM the supervisor was sent and forwarded; every call is in
# it, then the end record with the exit status.
. "$(dirname "$0")/lib.sh"

g=$(abi_guests guest32 guest64 | cut -d' ' -f1)

# 1. The guest killed (SIGKILL): every call is in the trail, then the end.
"$COMPATBOX" audit --out "$tmp/killed.jsonl" -- /bin/sh -c "\"$GUESTS/$g\" ioctls 200; kill -9 \$\$" >/dev/null
rc=$?
expect_eq "a guest killed by SIGKILL: exit 137" 137 "$rc"
expect_eq "... its 200 ioctls are in the trail" 200 "$(json_count "$tmp/killed.jsonl" \
	"r['kind']=='call' and r['request']['name']=='FIONREAD'")"
expect_eq "... and the end record says 137" 1 "$(json_count "$tmp/killed.jsonl" \
	"r['kind']=='end' and r['status']==137 and r['dropped']==0")"

echo "# part 1 done at ${SECONDS}s"

# 2. SIGTERM to compatbox: forwarded, the guest dies of it, the trail is whole.
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


finish
