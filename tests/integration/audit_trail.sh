#!/bin/bash
# compatbox audit: the trail of a guest issuing known and unknown ioctls on
# a pty, /dev/null, a pipe, a socket and /dev/net/tun (when it opens), from
# two processes and a second thread, matches what the guest did exactly.
. "$(dirname "$0")/lib.sh"

# /dev/net/tun is covered where it opens: the VMs load the driver.
[ -e /dev/net/tun ] || modprobe tun 2>/dev/null
for g in $(abi_guests audit_guest32 audit_guest64); do
	log="$tmp/$g.jsonl"
	out=$("$COMPATBOX" audit --out "$log" -- "$GUESTS/$g"); rc=$?
	expect_eq "$g ran" 0 "$rc"
	tun=${out##*tun=}
	arch=i386; case $g in *64) arch=x86_64;; esac
	python3 - "$log" "$arch" "$tun" "$g" > "$tmp/check" 2>&1 <<'PY'
import collections, json, sys
log, arch, tun, g = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
recs = [json.loads(l) for l in open(log)]
bad = []
def check(what, ok):
    if not ok:
        bad.append(what)
    print(("ok - " if ok else "FAIL - ") + what)

check("first record is start, last is end", recs[0]["kind"] == "start" and recs[-1]["kind"] == "end")
check("every record has v 1 and an integer t", all(r["v"] == 1 and isinstance(r["t"], int) for r in recs))
procs = [r for r in recs if r["kind"] == "process"]
check("two process records", len(procs) == 2)
pids = {p["pid"] for p in procs}
parent = [p["pid"] for p in procs if p["ppid"] not in pids]
child = [p["pid"] for p in procs if p["ppid"] in pids]
check("one parent, one child of it", len(parent) == 1 and len(child) == 1)
calls = [r for r in recs if r["kind"] == "call"]
role = {}
for r in calls:
    if r["pid"] == parent[0]:
        role[id(r)] = "parent"
    elif r["pid"] == child[0]:
        role[id(r)] = "child" if r["tid"] == r["pid"] else "thread"
    else:
        role[id(r)] = "other"

def cls(path):
    for pre, c in (("/dev/ptmx", "ptmx"), ("/dev/pts/ptmx", "ptmx"), ("/dev/pts/", "pts"), ("/dev/null", "null"),
                   ("pipe:", "pipe"), ("socket:", "sock"), ("/dev/net/tun", "tun")):
        if path.startswith(pre):
            return c
    return path

got = collections.Counter((role[id(r)], cls(r["path"]), r["request"]["name"] or r["request"]["value"])
                          for r in calls if r["syscall"] == "ioctl")
unknown = "0x40085a07" if arch == "i386" else "0x40105a07"
mismatch = "0x80086601" if arch == "i386" else "FS_IOC32_GETFLAGS"
want = collections.Counter({
    ("parent", "ptmx", "TIOCSPTLCK"): 1, ("parent", "ptmx", "TIOCGPTN"): 1,
    ("parent", "pts", "TCGETS"): 3, ("parent", "pts", "TIOCGWINSZ"): 3,
    ("parent", "null", "TCGETS"): 3, ("parent", "pipe", "FIONREAD"): 3,
    ("parent", "pipe", "0xdeadbeef"): 1,
    ("child", "sock", "SIOCGIFFLAGS"): 3, ("child", "sock", "FIONREAD"): 3,
    ("child", "null", unknown): 3, ("child", "pipe", mismatch): 1,
    ("child", "null", "0xdeadbeef"): 1,
    ("thread", "pipe", "FIONREAD"): 3,
})
if tun:
    want[("child", "tun", "TUNGETFEATURES")] = 3
check("per process, device and request: %s" % sorted(got.items()), got == want)
check("every call: %s, comm, exe, log by default, run by the kernel" % arch,
      all(r["arch"] == arch and r["comm"] == g and r["exe"].endswith("/" + g) and
          r["decision"] == "log" and r["rule"] == "default" and r["action"] == "kernel" and
          r["result"] is None and r["dur_ns"] >= 0 and len(r["args"]) == 6 for r in calls))
def targets(c):
    return {(r["target"]["type"], r["target"].get("dev")) for r in calls if cls(r["path"]) == c}
check("/dev/null is chr 1:3", targets("null") == {("chr", "1:3")})
check("the pty slave is chr 136:N", all(t == "chr" and d.startswith("136:") for t, d in targets("pts")))
check("pipe is fifo, socket is sock", targets("pipe") == {("fifo", None)} and targets("sock") == {("sock", None)})
z = [r for r in calls if r["request"]["value"] == unknown]
check("unknown request: no name, no descriptor, direction w, size of the struct",
      all(r["request"]["name"] is None and not r["request"]["known"] and r["request"]["dir"] == "w"
          and r["request"]["size"] == (8 if arch == "i386" else 16) for r in z))
check("unknown request: its embedded pointer found at offset 0",
      all(r["infer"]["ptr_words"] == [0] and r["payload"]["len"] == r["request"]["size"] for r in z))
mm = [r for r in calls if (r["request"]["name"] or r["request"]["value"]) == mismatch]
other = "FS_IOC_GETFLAGS(%d)" % (4 if arch == "i386" else 8)
check("the other ABI's FS_IOC_GETFLAGS: same number under another size: %s" % [r["infer"] for r in mm],
      len(mm) == 1 and other in mm[0]["infer"]["other_size"])
ifr = [r for r in calls if r["request"]["name"] == "SIOCGIFFLAGS"]
check("SIOCGIFFLAGS: its ifreq decoded by the descriptor, ifrn_name 'lo'",
      all(r["request"]["known"] and r["payload"]["fields"]["ifr_ifrn"]["ifrn_name"] == "lo"
          and r["payload"]["len"] == (32 if arch == "i386" else 40) for r in ifr))
bogus = [r for r in calls if r["request"]["value"] == "0xdeadbeef"]
check("bogus request decoded: rw, type 0xbe, nr 239, size 7853, unknown",
      all(r["request"]["dir"] == "rw" and r["request"]["type"] == "0xbe" and r["request"]["nr"] == 239
          and r["request"]["size"] == 7853 and not r["request"]["known"] for r in bogus))
end = recs[-1]
check("end: %d calls, nothing dropped, status 0" % len(calls),
      end["calls"] == len(calls) and end["dropped"] == 0 and end["status"] == 0)
sys.exit(1 if bad else 0)
PY
	rc=$?
	sed "s/^/$g: /" "$tmp/check"
	[ $rc -eq 0 ] || fails=$((fails + 1))
done
finish
