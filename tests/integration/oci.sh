#!/bin/bash
# --oci-profile: a profile shaped like Docker's default (several hundred
# names, archMap, caps- and arch-conditioned entries, argument conditions)
# run with guests of both ABIs; names resolve per ABI; bad profiles are
# refused with FILE:LINE:COL and exit 125; a profile that lists only
# x86_64 decides i386 calls by name.
. "$(dirname "$0")/lib.sh"

# The policy guests of the ABIs this run covers (CB_ABIS, lib.sh).
PGUESTS=$(abi_guests policy_guest32 policy_guest64)

# Every syscall name of both ABIs from libseccomp, less what Docker's
# default profile leaves to its default (or conditions): allowed.
python3 - "$tmp/docker.json" <<'PY' || skip "cannot make the profile (no libseccomp for ctypes?)"
import ctypes, ctypes.util, json, sys
lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
libc = ctypes.CDLL(None)
names = set()
for arch in (0xc000003e, 0x40000003):  # x86_64, x86
    for nr in range(0, 460):
        p = lib.seccomp_syscall_resolve_num_arch(arch, nr)
        if p:
            names.add(ctypes.string_at(p).decode())
            libc.free(ctypes.c_void_p(p))
held = {"add_key", "keyctl", "request_key", "init_module", "finit_module", "delete_module",
        "mount", "umount", "umount2", "pivot_root", "reboot", "kexec_load", "kexec_file_load",
        "setns", "unshare", "clone", "clone3", "personality", "socket", "bpf", "perf_event_open",
        "ptrace", "acct", "swapon", "swapoff", "iopl", "ioperm", "syslog", "quotactl",
        "open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "userfaultfd", "vm86",
        "vm86old", "getppid", "settimeofday", "stime", "clock_settime", "clock_settime64",
        "uselib", "nfsservctl", "create_module", "get_kernel_syms", "query_module", "vhangup",
        "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
        "chroot", "sethostname", "setdomainname", "kcmp", "process_vm_readv", "process_vm_writev"}
allow = sorted(names - held)
CLONE_NS = 0x7E020000
prof = {
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    "archMap": [
        {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
        {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
    ],
    "syscalls": [
        {"names": allow, "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": CLONE_NS, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
         "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
         "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
        {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}]},
        {"names": ["setns", "unshare", "mount", "umount2", "clone", "clone3"], "action": "SCMP_ACT_ALLOW",
         "includes": {"caps": ["CAP_SYS_ADMIN"]}},
        {"names": ["arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush", "set_tls"],
         "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}},
        {"names": ["modify_ldt"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32", "x86"]}},
        {"names": ["getppid"], "action": "SCMP_ACT_NOTIFY",
         "comment": "the supervisor decides: recorded with --log"},
    ],
}
json.dump(prof, open(sys.argv[1], "w"), indent=1)
print(len(allow), file=sys.stderr)
PY
n=$(python3 -c 'import json,sys; print(sum(len(e["names"]) for e in json.load(open(sys.argv[1]))["syscalls"]))' "$tmp/docker.json")
expect_true "the profile has several hundred names ($n)" test "$n" -ge 300
expect_true "policy check --oci accepts it" "$COMPATBOX" policy check --oci "$tmp/docker.json"

for b in $PGUESTS; do
	g=$GUESTS/$b
	out=$(cb --oci-profile "$tmp/docker.json" --log "$tmp/$b.json" -- "$g" call getppid setns clone3 init_module keyctl uname socket-unix)
	expect_eq "$b: the profile's answers" "getppid 0
setns -1 EPERM
clone3 -1 ENOSYS
init_module -1 EPERM
keyctl -1 EPERM
uname 0
socket-unix 0" "$out"
	expect_eq "$b: SCMP_ACT_NOTIFY: the supervisor had getppid" 1 "$(json_count "$tmp/$b.json" \
		"r['syscall']=='getppid' and r['rule'].startswith('$tmp/docker.json:')")"
	# includes.caps: with CAP_SYS_ADMIN kept, setns reaches the kernel (EBADF for fd -1).
	expect_eq "$b: includes.caps follows --keep-caps" "setns -1 EBADF" \
		"$(cb --oci-profile "$tmp/docker.json" --keep-caps sys_admin -- "$g" call setns)"
done
# Real programs under it.
expect_eq "python3 under the profile" "ok" "$(cb --oci-profile "$tmp/docker.json" -- /usr/bin/python3 -c 'import threading,subprocess; subprocess.run(["true"]); print("ok")')"
expect_eq "sort under the profile" "a" "$(echo a | cb --oci-profile "$tmp/docker.json" -- sort)"
cache=${CB_I386_CACHE:-$GUESTS/../../bench-i386}
if ! covers_abi 32; then
	echo "SKIP: i386 programs under the profile (CB_ABIS='$CB_ABIS')"
elif [ -e "$cache/READY" ]; then
	expect_eq "i386 sqlite3 under the profile" 3 "$(cb --oci-profile "$tmp/docker.json" -- \
		"$cache/lib/ld-linux.so.2" --library-path "$cache/lib/i386-linux-gnu:$cache/usr/lib/i386-linux-gnu" \
		"$cache/usr/bin/sqlite3" :memory: 'select 1+2;')"
else
	echo "SKIP: no i386 programs (run bench/fetch_i386.sh)"
fi

# A profile that lists only x86_64 applies to both tables by name: an i386
# program gets the x86_64 decisions, not SIGSYS. x64only is Docker's list
# (which has i386 names too); x64pure has x86_64's names alone, so an i386
# program lives only if mmap2, fstat64, ... get their counterparts' rules.
python3 - "$tmp/docker.json" "$tmp/x64only.json" "$tmp/x64pure.json" <<'PY'
import ctypes, ctypes.util, json, sys
p = json.load(open(sys.argv[1]))
p.pop("archMap")
p["architectures"] = ["SCMP_ARCH_X86_64"]
json.dump(p, open(sys.argv[2], "w"))
lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
libc = ctypes.CDLL(None)
names = set()
for nr in range(0, 460):
    s = lib.seccomp_syscall_resolve_num_arch(0xc000003e, nr)
    if s:
        names.add(ctypes.string_at(s).decode())
        libc.free(ctypes.c_void_p(s))
names -= {"getppid", "keyctl", "setns"}
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
           "architectures": ["SCMP_ARCH_X86_64"],
           "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}]},
          open(sys.argv[3], "w"))
PY
for g in $PGUESTS; do
	expect_eq "$g under an x86_64-only profile: the decisions of Docker's (archMap) profile" \
		"$(cb --oci-profile "$tmp/docker.json" -- "$GUESTS/$g" call uname getppid keyctl setns)" \
		"$(cb --oci-profile "$tmp/x64only.json" -- "$GUESTS/$g" call uname getppid keyctl setns)"
	expect_eq "$g under x86_64's names alone: the same decisions by name" \
		"uname 0
getppid -1 EPERM
keyctl -1 EPERM" "$(cb --oci-profile "$tmp/x64pure.json" -- "$GUESTS/$g" call uname getppid keyctl)"
done
# Bad profiles: a clear error naming FILE:LINE:COL, exit 125, nothing run.
badp() { # JSON EXPECTED
	printf '%s\n' "$1" >"$tmp/bad.json"
	rm -f "$tmp/ran"
	local out rc
	out=$(cb --oci-profile "$tmp/bad.json" -- touch "$tmp/ran" 2>&1); rc=$?
	expect_eq "bad profile: exit 125 ($2)" 125 "$rc"
	expect_true "... says: $2" grep -qF "$2" <<<"$out"
	expect_true "... nothing ran" test ! -e "$tmp/ran"
}
badp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["opne"], "action": "SCMP_ACT_ERRNO"}]}' \
	'bad.json:1:61: unknown syscall "opne"'
badp '{"defaultAction": "SCMP_ACT_ALOW"}' 'bad.json:1:19: unknown action "SCMP_ACT_ALOW"'
badp '{"syscalls": []}' 'bad.json:1:1: a seccomp profile needs "defaultAction"'
badp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO",}]}' \
	'bad.json:1:97: not valid JSON: expected a key after'
badp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' \
	'index is an argument from 0 to 5'
badp '{"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": "SCMP_ACT_ALLOW"}' 'duplicate key "defaultAction"'
badp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1}' 'errnoRet is an errno number'
badp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}' 'unknown architecture "SCMP_ARCH_Z80"'
out=$(cb --oci-profile "$tmp/nope.json" -- true 2>&1); rc=$?
expect_eq "missing profile: 125" 125 "$rc"
expect_true "... says why" grep -q "cannot read OCI profile" <<<"$out"
finish
