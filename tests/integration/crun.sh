#!/bin/bash
# A real engine: Debian's crun starts a container from a root filesystem
# made here, whose config.json sends SCMP_ACT_NOTIFY for ioctl (and mkdir)
# to the agent's socket; its listenerMetadata picks the policy in the
# agent's --policy-dir: "legacy" performs ioctls and denies the rest,
# "noread" denies FIONREAD as well.
. "$(dirname "$0")/lib.sh"

command -v crun >/dev/null || skip "crun is not installed (apt-get install crun)"
[ "$(id -u)" = 0 ] || skip "this test runs crun as root, and runs as uid $(id -u)"
bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" | grep -q "statically linked" || \
	skip "needs a static x86_64 busybox for the root filesystem (apt-get install busybox-static)"
unshare -m true 2>/dev/null || skip "cannot create a mount namespace here"

bundle=$tmp/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys"
cp "$bb" "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/sh"
for g in $(abi_guests guest32-static guest64-static); do cp "$GUESTS/$g" "$bundle/rootfs/bin/"; done
# The i386 programs in the container are the static test guests, under an
# x86_64 busybox: an i386 busybox needs Debian's busybox-static:i386, which
# this test does not fetch.
covers_abi 32 && echo "SKIP (part): no i386 busybox (busybox-static:i386 is not fetched); i386 runs as guest32-static"
sock=$tmp/agent.sock
# config ID ARGS-JSON [METADATA]: a config.json in the bundle for container ID.
config() {
	(cd "$bundle" && rm -f config.json && crun spec) || return 1
	python3 - "$bundle/config.json" "$sock" "$2" "${3:-legacy}" <<'PY'
import json, sys
path, sock, args, meta = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["root"]["readonly"] = False
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "listenerPath": sock, "listenerMetadata": meta,
    "syscalls": [{"names": ["ioctl", "mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}],
}
json.dump(c, open(path, "w"))
PY
}
# run_ctr ID: crun run in the bundle. This host may mount cgroup v1 and v2
# side by side, which crun refuses: a private mount namespace gives it v2
# alone (cgroups are not what is tested here).
run_ctr() {
	(cd "$bundle" && unshare -m --propagation private sh -c '
		if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
			umount -R /sys/fs/cgroup 2>/dev/null; mount -t cgroup2 none /sys/fs/cgroup || exit 90
		fi
		exec timeout 60 crun --cgroup-manager=disabled run "$0" </dev/null' "$1")
}

mkdir "$tmp/pol"
printf 'ioctl default perform\ndefault deny\n' >"$tmp/pol/legacy.policy"
printf 'ioctl deny EACCES FIONREAD\ninclude "legacy.policy"\n' >"$tmp/pol/noread.policy"
"$COMPATBOX" agent --socket "$sock" --log "$tmp/log" --policy-dir "$tmp/pol" 2>"$tmp/agent.err" &
agent=$!
wait_for "$sock" 10 || { cat "$tmp/agent.err"; bad "the agent did not listen"; finish; }
base_fds=$(ls /proc/$agent/fd | wc -l)

cmd='/bin/busybox stty size; echo stty=$?; mkdir /made; echo mkdir=$?'
for g in $(abi_guests guest32-static guest64-static); do cmd="$cmd; /bin/$g ioctls 2"; done
config ctr1 "$(python3 -c 'import json,sys; print(json.dumps(["/bin/sh","-c",sys.argv[1]+"; exit 4"]))' "$cmd")" ||
	skip "crun spec failed"
out=$(run_ctr "cbtest-$$-1" 2>&1); rc=$?
echo "$out"
[ "$rc" = 90 ] && skip "crun refuses this host's mixed cgroup v1/v2 mounts and cgroup2 could not be mounted alone"
if grep -q "cgroups in hybrid mode\|unknown version\|operation not permitted" <<<"$out" && [ "$rc" != 4 ]; then
	skip "crun cannot start a container here: $(head -n 1 <<<"$out")"
fi
expect_eq "the container's status passes through crun" 4 "$rc"
expect_true "the agent supervised the container crun sent" \
	grep -q "container cbtest-$$-1 (pid [0-9]*, metadata legacy) supervised" "$tmp/agent.err"
expect_true "the container's ioctls are in the audit trail" \
	test "$(json_count "$tmp/log" "r['syscall'] == 'ioctl' and r['request']['name'] == 'TCGETS'")" -ge 1
for g in $(abi_guests guest32-static guest64-static); do
	arch=$([ "$g" = guest32-static ] && echo i386 || echo x86_64)
	expect_eq "$g: its ioctls are in the audit trail" 2 \
		"$(json_count "$tmp/log" "r['syscall'] == 'ioctl' and r['arch'] == '$arch' and r['request']['name'] == 'FIONREAD'")"
done
expect_true "a call the policy denies fails inside the container" grep -q "mkdir=1" <<<"$out"
expect_true "and was not performed" test ! -e "$bundle/rootfs/made"

# A container whose policy denies an ioctl: the call fails inside it.
one=$(abi_guests guest32-static guest64-static | cut -d' ' -f1)
config ctr-noread "[\"/bin/sh\",\"-c\",\"/bin/$one ioctls 1; echo ioctls=\$?\"]" noread
out=$(run_ctr "cbtest-$$-noread" 2>&1)
echo "$out"
expect_true "a denied ioctl fails inside the container (EACCES)" grep -q "errno=13" <<<"$out"
expect_true "and the program sees it" grep -q "ioctls=1" <<<"$out"
expect_true "the denial is in the audit trail" test "$(json_count "$tmp/log" \
	"r['syscall'] == 'ioctl' and r['request']['name'] == 'FIONREAD' and r['action'] == 'denied' and r['result']['errno'] == 'EACCES'")" -ge 1

rep=$("$COMPATBOX" report "$tmp/log" 2>&1)
expect_true "compatbox report reads the agent's trail whole" grep -q ", 0 malformed lines" <<<"$rep"
expect_true "and counts the refusals" grep -qE "^Calls +[0-9]+ recorded, [1-9][0-9]* refused" <<<"$rep"

# The agent outlives the containers, released everything, and takes the next.
for _ in $(seq 100); do [ "$(ls /proc/$agent/fd | wc -l)" = "$base_fds" ] && break; sleep 0.05; done
expect_eq "the container's fds are released" "$base_fds" "$(ls /proc/$agent/fd | wc -l)"
expect_true "the agent outlives the container" kill -0 "$agent"
config ctr2 '["/bin/sh","-c","exit 0"]'
run_ctr "cbtest-$$-2" >/dev/null 2>&1
expect_eq "the next container runs" 0 "$?"
kill -TERM "$agent"; wait "$agent"
expect_eq "the agent stops cleanly" 0 "$?"
finish
