# Shared helpers for the integration tests. Each test sources this file.
# Environment: COMPATBOX (the binary), GUESTS (dir with guest32, guest64, ...).
set -u
fails=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cbtest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
skip() { echo "SKIP: $*"; exit 77; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}

# expect_true WHAT COMMAND...
expect_true() {
	local what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

finish() {
	if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
	exit 0
}

cb() { "$COMPATBOX" run "$@"; }

# Lines of a JSON log that match a python expression over `r` (one record).
json_count() {
	python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    try:
        n += bool(eval(sys.argv[2], {}, {"r": r}))
    except KeyError:
        pass  # a line of another kind (a translated syscall has no 'path'): no match
print(n)
PY
}

# wait_for FILE [SECONDS]
wait_for() {
	local i=0 limit=$(( ${2:-10} * 100 ))
	while [ ! -e "$1" ] && [ $i -lt $limit ]; do sleep 0.01; i=$((i + 1)); done
	[ -e "$1" ]
}

GUEST_VARIANTS="guest32 guest64 guest32-static guest64-static"
