"""The supervisor's memory: the peak resident set (VmHWM in
/proc/PID/status) of the compatbox process itself -- its threads included,
the keeper and the guest, separate processes, not -- with a guest of one
process and with one that forks 64 children, each making trapped ioctls
(FIONREAD, performed by the supervisor) and then waiting, all alive at once.
The guest (guest_procs) says "ready" when every call is done and waits on
its stdin, so the supervisor is read at the guest's largest; it is also
sampled every 5 ms while it runs, and the largest VmHWM seen is the value.
floor_supervisor with the same guest is shown for scale."""

import os
import subprocess
import threading

from .report import Check, Display
from .runner import Case, taskset

NAME = "memory"
DISPLAY = Display("value", "MiB", 1 / 1024, "%.2f", "rss", "RSS MiB")


def add_args(p):
    g = p.add_argument_group("memory group (the supervisor's peak RSS)")
    g.add_argument("--memory-reps", type=int, default=3, metavar="N",
                   help="quiet rounds (default 3)")
    g.add_argument("--memory-children", type=int, default=64, metavar="N",
                   help="guest processes of the large case (default 64)")
    g.add_argument("--memory-calls", type=int, default=2000, metavar="N",
                   help="trapped calls per guest process (default 2000)")


def check_args(p, a):
    if a.memory_reps < 1 or a.memory_children < 1 or a.memory_calls < 0:
        p.error("--memory-reps and --memory-children must be positive")


def reps(a):
    return a.memory_reps


def status(pid):
    """{field: value} from /proc/PID/status (kB fields as numbers), or {}."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                v = v.split()
                if v and v[0].isdigit():
                    out[k] = int(v[0])
    except OSError:
        pass
    return out


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def sampler(argv):
    def sample(timeout):
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        peak = {"hwm": 0}
        stop = threading.Event()

        def poll():
            while not stop.is_set():
                s = status(p.pid)
                if s.get("VmHWM", 0) > peak["hwm"]:
                    peak["hwm"] = s["VmHWM"]
                stop.wait(0.005)
        t = threading.Thread(target=poll, daemon=True)
        t.start()
        killer = threading.Timer(timeout, p.kill)  # a guest that never says ready
        killer.start()
        got = {}
        try:
            line = p.stdout.readline()  # "ready", or EOF when it failed
            if line.strip() == "ready":
                s = status(p.pid)
                got = {"hwm_ready": s.get("VmHWM"), "rss": s.get("VmRSS"),
                       "threads": s.get("Threads"), "fds": fd_count(p.pid)}
            try:
                _, err = p.communicate(input="go\n", timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
                raise RuntimeError("timed out after %ds" % timeout)
        finally:
            killer.cancel()
            stop.set()
            t.join()
        if p.returncode != 0 or not got:
            raise RuntimeError("exit status %d%s: %s" % (
                p.returncode, "" if got else " before ready", (err or "").strip()[-300:]))
        got["value"] = max(peak["hwm"], got["hwm_ready"] or 0)
        return got
    return sample


def cases(a):
    g = os.path.join(a.build, "bench", "guest_procs32")
    floor = os.path.join(a.build, "bench", "floor_supervisor")
    cb = a.compatbox
    n, k = a.memory_calls, a.memory_children
    spec = [
        ("mem-compatbox-1", "compatbox VmHWM, 1 guest process x %d FIONREAD" % n,
         [cb, "run", "--", g, "0", str(n)], [cb, g]),
        ("mem-compatbox-%d" % k, "compatbox VmHWM, %d guest processes x %d FIONREAD" % (k, n),
         [cb, "run", "--", g, str(k), str(n)], [cb, g]),
        ("mem-floor-1", "floor_supervisor VmHWM, the same 1-process guest (info)",
         [floor, "--", g, "0", str(n)], [floor, g]),
    ]
    return [Case(cid, NAME, label, sampler(taskset(a, argv)), files=files,
                 argv=taskset(a, argv), info=cid.startswith("mem-floor"))
            for cid, label, argv, files in spec]


def checks(a):
    k = a.memory_children
    return [
        Check("compatbox peak RSS, 1 guest (MiB)", "mem-compatbox-1", None, "<=", 8.0,
              "VmHWM of the supervisor process, one guest process", second=None,
              unit="", scale=1 / 1024),
        Check("compatbox peak RSS, %d guests (MiB)" % k, "mem-compatbox-%d" % k, None, None,
              None, "VmHWM of the supervisor process, %d guest processes" % k, second=None,
              unit="", scale=1 / 1024),
        Check("compatbox RSS %d guests/1 guest" % k, "mem-compatbox-%d" % k, "mem-compatbox-1",
              None, None, "how the supervisor grows with guest processes", second=None),
    ]
