#!/bin/bash
# A record keeps the fields that say which call it was however long its
# strings: an ioctl on a file whose path is ~4 KB of backslashes (8 KB once
# escaped) is logged with its fd, request, action and result, the path cut
# and marked "path_truncated", on one valid JSON line.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

# Components of 255 backslashes (NAME_MAX) until the path is near PATH_MAX.
comp=$(printf '\\%.0s' $(seq 255))
dir="$tmp"
while [ $(( 4094 - ${#dir} - 1 )) -gt 255 ]; do dir="$dir/$comp"; done
mkdir -p "$dir" || skip "cannot make a deep directory under $tmp"
file="$dir/${comp:0:$(( 4094 - ${#dir} - 1 ))}"
printf 'seven!\n' > "$file" || skip "cannot create a file of a ${#file}-byte path"
expect_eq "the path is ${#file} bytes" 4094 "${#file}"

for g in $(abi_guests guest32 guest64); do
	log="$tmp/$g.json"
	out=$(cb --log "$log" -- "$GUESTS/$g" ioctl_path "$file"); rc=$?
	fd=${out#fd }; fd=${fd%% *}
	expect_eq "$g ran" "0 fd $fd FIONREAD 7" "$rc $out"
	python3 - "$log" "$fd" "$file" <<'PY'
import json, sys
log, fd, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(log, "rb").read().split(b"\n")[:-1]
bad = []
recs = []
for line in lines:
    if len(line) + 1 > 8192:
        bad.append(f"a line of {len(line) + 1} bytes")
    try:
        recs.append(json.loads(line))
    except ValueError as e:
        bad.append(f"not JSON: {e}")
recs = [r for r in recs if r.get("syscall") == "ioctl" and r.get("fd") == fd]
if len(recs) != 1:
    bad.append(f"{len(recs)} ioctl records with fd {fd}, of {len(lines)} lines")
else:
    r = recs[0]
    want = {"action": "performed", "result": {"ret": 0}, "path_truncated": True}
    for k, v in want.items():
        if r.get(k) != v:
            bad.append(f"{k} is {r.get(k)!r}, not {v!r}")
    if r.get("request", {}).get("name") != "FIONREAD":
        bad.append(f"request is {r.get('request')!r}")
    p = r.get("path", "")
    if not (2048 <= len(p) < len(path) and path.startswith(p)):
        bad.append(f"path is not a long prefix of the real one ({len(p)} bytes)")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
	expect_eq "$g: the record has fd, request, action, result and a cut path" 0 $?
done
finish
