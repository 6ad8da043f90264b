# Shared helpers for the integration tests. Each test sources this file.
# Environment: COMPATBOX (the binary), GUESTS (dir with guest32, guest64, ...).
set -u
fails=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cbtest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

checks=0
ok() { echo "ok - $*"; checks=$((checks + 1)); }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); checks=$((checks + 1)); }

# figure_kind escapes|faults: this test's checks are escapes the guest
# tries (each ok: stopped) or faults injected (each ok: survived, nothing
# lost); finish then prints the machine-readable line scripts/figures.py
# sums: "CB-FIGURE escapes tried=N stopped=N".
figure=
figure_kind() { figure=$1; }
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
	case $figure in
	escapes) echo "CB-FIGURE escapes tried=$checks stopped=$((checks - fails))" ;;
	faults) echo "CB-FIGURE faults injected=$checks survived=$((checks - fails))" ;;
	esac
	if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
	exit 0
}

cb() { "$COMPATBOX" run "$@"; }

# json_count LOG EXPR...: the lines of a JSON log that match each python
# expression over `r` (one record), space-separated (one python start for
# them all: under TCG each start takes seconds).
json_count() {
	python3 - "$@" <<'PY'
import json, sys
exprs = [compile(e, "expr", "eval") for e in sys.argv[2:]]
n = [0] * len(exprs)
for line in open(sys.argv[1]):
    r = json.loads(line)
    for i, e in enumerate(exprs):
        try:
            n[i] += bool(eval(e, {}, {"r": r}))
        except KeyError:
            pass  # a line of another kind (a translated syscall has no 'path'): no match
print(*n)
PY
}

# wait_for FILE [SECONDS]
wait_for() {
	local i=0 limit=$(( ${2:-10} * 100 ))
	while [ ! -e "$1" ] && [ $i -lt $limit ]; do sleep 0.01; i=$((i + 1)); done
	[ -e "$1" ]
}

# The guest ABIs this run covers: CB_ABIS, "32 64" unless the test command
# says otherwise (a host that cannot execute i386 code runs "64" and leaves
# i386 to the VM kernels; see docs/testing.md).
CB_ABIS=${CB_ABIS:-32 64}

# abi_guests NAME...: the NAMEs whose ABI (32 or 64 in the name) this run
# covers. A test left with none has nothing to do here: skip, saying why.
abi_guests() {
	local g out=()
	for g in "$@"; do
		case $g in
		*32*) [[ " $CB_ABIS " == *" 32 "* ]] && out+=("$g") ;;
		*64*) [[ " $CB_ABIS " == *" 64 "* ]] && out+=("$g") ;;
		*) out+=("$g") ;;
		esac
	done
	[ ${#out[@]} -gt 0 ] || skip "needs an ABI this run does not cover ($*; CB_ABIS='$CB_ABIS'): it runs on the VM kernels"
	echo "${out[@]}"
}

# covers_abi 32|64: whether this run covers that ABI.
covers_abi() { [[ " $CB_ABIS " == *" $1 "* ]]; }

# needs_abi 32|64: skip unless this run covers that ABI.
needs_abi() {
	covers_abi "$1" || skip "needs the ABI $1, which this run does not cover (CB_ABIS='$CB_ABIS'): it runs on the VM kernels"
}

GUEST_VARIANTS=$(abi_guests guest32 guest64 guest32-static guest64-static)

# Under TCG (scripts/vm.sh boots its kernels with cb.kver= on the command
# line) a trapped call costs 10-30 times what it does on the host: a test
# that repeats calls only to make a race or a load likely takes its count
# divided by tcg_div (1 on the host, 4 there), and says the count it ran.
tcg_div() { if grep -q 'cb\.kver=' /proc/cmdline 2>/dev/null; then echo 4; else echo 1; fi; }

# mount_fuse_fixture FILE [ARGS...]: start the FUSE fixture
# (tests/fixtures/mydev_fuse.c) on $tmp/mnt with ARGS after its log and
# mount point, and wait until FILE exists in it. Sets mnt, fpid and
# fixture_log; unmounts and stops it on every exit. Exits 77 saying why
# when the fixture was not built or FUSE cannot be used here.
# Environment: FIXTURES (dir with mydev_fuse; by default the build's
# tests/fixtures, next to GUESTS).
mount_fuse_fixture() {
	local file=$1; shift
	local fixture=${FIXTURES:-$GUESTS/../fixtures}/mydev_fuse
	[ -x "$fixture" ] ||
		skip "the FUSE fixture was not built (libfuse3-dev missing when meson configured?)"
	# In the VM fuse is a module; elsewhere modprobe may be absent or refused.
	[ -c /dev/fuse ] || modprobe fuse 2>/dev/null
	[ -c /dev/fuse ] || skip "/dev/fuse is missing (modprobe fuse did not help)"
	[ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "/dev/fuse is not accessible to $(id -un)"
	mnt="$tmp/mnt"
	fixture_log="$tmp/fixture.log"
	fpid=
	mkdir -p "$mnt"
	trap fuse_fixture_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	"$fixture" "$fixture_log" "$mnt" "$@" 2>"$tmp/fixture.err" &
	fpid=$!
	local i=0
	while [ ! -e "$mnt/$file" ] && kill -0 "$fpid" 2>/dev/null && [ $i -lt 1000 ]; do
		sleep 0.01; i=$((i + 1))
	done
	if [ ! -e "$mnt/$file" ]; then
		kill -0 "$fpid" 2>/dev/null || fpid=
		skip "could not mount the FUSE fixture on $mnt: $(tr '\n' ' ' <"$tmp/fixture.err")"
	fi
}

# Unmount (also a mount whose server died: "Transport endpoint is not
# connected"), stop the fixture, then remove $tmp.
fuse_fixture_cleanup() {
	if grep -qF " $mnt " /proc/mounts; then
		fusermount3 -u "$mnt" 2>/dev/null || umount "$mnt" 2>/dev/null || umount -l "$mnt"
	fi
	if [ -n "$fpid" ] && kill -0 "$fpid" 2>/dev/null; then
		kill "$fpid" 2>/dev/null
		wait "$fpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
