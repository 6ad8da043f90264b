"""What one trapped call costs the supervisor: for each kind of call, the
time per guest call (timed by guest_loop, as in the syscall group) next to
the syscalls the supervisor makes per guest call.

The counts come from strace -f -c over two runs of the same command, with
few and with more calls: everything that happens once (start-up, the
keeper, the guest's exec) cancels in the difference, which divided by the
difference in guest calls is the per-call figure. An i386 guest's own
calls are in strace's 32-bit table, so the 64-bit one is the supervisor's;
an x86_64 guest's looped call (one per guest call) is taken off its row.
strace slows everything down but changes no count. The counts are taken
once per case, after the timed rounds.

Kinds of call: the trapped no-op (getppid, --trap, answered CONTINUE), an
identical-layout ioctl performed by the supervisor (TCGETS on a pty, the
default policy) and the same only seen (--passthrough: logged, run by the
kernel), with the log written to a file; an i386 guest's translated ioctl
(TCGETS), fd call (fstat64 of a pipe) and path call (stat64 of "/"), under
--translate, against the i386 trapped no-op; and an x86_64 guest's stat
of "/" performed under path rules (the policy's path handler). The figures to meet
(docs/performance.md): performed ioctl <= 1.5x the trapped no-op, a
translated path call <= 8 us over it.
"""

import os
import subprocess
import tempfile

from .report import Check, Display
from .runner import Case, loop_sampler, taskset

NAME = "cost"
DISPLAY = Display("value", "µs", 1e-3, "%.3f", "best", "best-chunk")

# Runs for the counts: guest_loop N makes N + max(1000, N/10) calls (warm-up).
COUNT_N = (2000, 7000)


def add_args(p):
    g = p.add_argument_group("cost group (supervisor syscalls per trapped call)")
    g.add_argument("--cost-reps", type=int, default=5,
                   help="quiet rounds of the cost group (default 5)")
    g.add_argument("--cost-calls", type=int, default=100000,
                   help="calls per timed sample of the cost group (default 100000)")
    g.add_argument("--no-count", action="store_true",
                   help="cost group: time only, do not count syscalls under strace")


def check_args(p, a):
    if a.cost_reps < 1 or a.cost_calls < 1:
        p.error("--cost-reps and --cost-calls must be positive")


def reps(a):
    return a.cost_reps


def guest_calls(n):
    return n + min(100000, max(1000, n // 10))


# id, label, compatbox options, guest bits, guest_loop mode, the guest's
# syscall name as strace names it (x86_64: taken off the supervisor's count)
SPEC = [
    ("noop-64", "trapped no-op: getppid x86_64 --trap getppid",
     ["--trap", "getppid"], 64, "getppid", "getppid"),
    ("ioctl-performed-64", "performed ioctl: TCGETS x86_64, default policy",
     [], 64, "tcgets", "ioctl"),
    ("ioctl-performed-log-64", "performed ioctl: TCGETS x86_64, default policy, --log FILE",
     ["--log", "@LOG"], 64, "tcgets", "ioctl"),
    ("ioctl-audit-log-64", "seen ioctl: TCGETS x86_64 --passthrough --log FILE (kernel runs it)",
     ["--passthrough", "--log", "@LOG"], 64, "tcgets", "ioctl"),
    ("noop-32", "trapped no-op: getppid i386 --trap getppid",
     ["--trap", "getppid"], 32, "getppid", None),
    ("ioctl-translated-32", "translated ioctl: TCGETS i386 --translate",
     ["--translate"], 32, "tcgets", None),
    ("fd-translated-32", "translated fd call: fstat64 of a pipe, i386 --translate",
     ["--translate"], 32, "fstat", None),
    ("path-translated-32", "translated path call: stat64 of /, i386 --translate",
     ["--translate"], 32, "stat", None),
    ("path-performed-64", "performed path call: stat of /, x86_64 under path rules",
     ["--policy", "@PATHPOL"], 64, "stat", "stat"),
]

_tmp = None


def _log_path():
    global _tmp
    if _tmp is None:
        _tmp = tempfile.mkdtemp(prefix="cbbench-cost-")
    return os.path.join(_tmp, "log.jsonl")


def _path_policy():
    """A policy with one path rule: every path call is performed (issue 10's
    figure: a stat of a short path under path rules)."""
    p = os.path.join(os.path.dirname(_log_path()), "path.policy")
    if not os.path.exists(p):
        with open(p, "w") as f:
            f.write("default allow\npath deny EACCES /etc/shadow\n")
    return p


def _argv(a, opts, bits, mode):
    g = os.path.join(a.build, "bench", "guest_loop%d" % bits)
    opts = [_log_path() if o == "@LOG" else _path_policy() if o == "@PATHPOL" else o
            for o in opts]
    return [a.compatbox, "run"] + opts + ["--", g, mode]


def cases(a):
    out = []
    for cid, label, opts, bits, mode, _ in SPEC:
        argv = _argv(a, opts, bits, mode)
        full = taskset(a, argv + [str(a.cost_calls)])
        short = taskset(a, argv + [str(1000)])
        c = Case(cid, NAME, label, loop_sampler(full), files=[argv[0], argv[-2]], argv=full,
                 calls=a.cost_calls, warm=loop_sampler(short))
        out.append(c)
    return out


def _strace_counts(argv, timeout=600):
    """{(bits, syscall): calls} of one run of ARGV under strace -f -c."""
    with tempfile.NamedTemporaryFile(prefix="cbbench-strace-", suffix=".txt") as f:
        r = subprocess.run(["strace", "-f", "-c", "-U", "calls,name", "-o", f.name] + argv,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError("exit status %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        text = open(f.name).read()
    bits, got = 64, {}
    for line in text.splitlines():
        if "32 bit mode" in line:
            bits = 32
        elif "x32 mode" in line:
            bits = 0
        fl = line.split()
        if len(fl) == 2 and fl[0].isdigit() and fl[1] != "total":
            got[(bits, fl[1])] = got.get((bits, fl[1]), 0) + int(fl[0])
    return got


def count(a, case_spec):
    """Supervisor syscalls per guest call, total and by name."""
    _, _, opts, bits, mode, own = case_spec
    argv = _argv(a, opts, bits, mode)
    runs = [_strace_counts(argv + [str(n)]) for n in COUNT_N]
    calls = guest_calls(COUNT_N[1]) - guest_calls(COUNT_N[0])
    by = {}
    for key in set(runs[0]) | set(runs[1]):
        if key[0] != 64:
            continue  # the i386 guest's own
        d = runs[1].get(key, 0) - runs[0].get(key, 0)
        if key[1] == own:
            d -= calls  # the x86_64 guest's looped call
        if d:
            by[key[1]] = d / calls
    by = {k: round(v, 2) for k, v in by.items() if abs(v) >= 0.005}
    return {"per_call": round(sum(by.values()), 2), "by_syscall": by}


def extra_report(log, a, by_id):
    ours = [c for c in by_id.values() if c.group == NAME]
    if not ours:
        return
    spec = {s[0]: s for s in SPEC}
    counted = not a.no_count and subprocess.run(
        ["sh", "-c", "command -v strace"], stdout=subprocess.DEVNULL).returncode == 0
    log("")
    log("cost: supervisor syscalls per guest call (strace -f -c, %d guest calls)%s"
        % (guest_calls(COUNT_N[1]) - guest_calls(COUNT_N[0]),
           "" if counted else " -- not counted (--no-count or no strace)"))
    log("%-24s %9s %9s %6s  %s" % ("case", "µs/call", "over no-op", "sysc.", "by syscall"))
    for c in ours:
        med = c.stats.get("value", {}) if c.stats else {}
        med = med and med.get("median")
        base_id = "noop-%s" % c.id.rsplit("-", 1)[1]
        base = by_id.get(base_id)
        bmed = base.stats.get("value", {}).get("median") if base and base.stats else None
        cnt = None
        if counted and not c.missing:
            try:
                cnt = count(a, spec[c.id])
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                c.errors.append("count: %s" % e)
        if c.stats is not None and cnt is not None:
            c.stats["syscalls"] = cnt
        over = (med - bmed) / 1e3 if med and bmed and c.id != base_id else None
        if c.stats is not None and over is not None:
            c.stats["over_noop_us"] = round(over, 3)
        log("%-24s %9s %9s %6s  %s" % (
            c.id, "%.3f" % (med / 1e3) if med else "-",
            "%+.3f" % over if over is not None else "-",
            "%.2f" % cnt["per_call"] if cnt else "-",
            " ".join("%s %.2f" % kv for kv in sorted(cnt["by_syscall"].items(),
                                                     key=lambda kv: -kv[1])) if cnt else ""))
    for pid, what in (("path-translated-32", "translated path call over the i386"),
                      ("path-performed-64", "performed path call over the x86_64")):
        p = by_id.get(pid)
        if p and p.stats and "over_noop_us" in p.stats:
            v = p.stats["over_noop_us"]
            log("%s trapped no-op: %.1f µs (target <= 8): %s"
                % (what, v, "PASS" if v <= 8 else "FAIL"))


def checks(a):
    return [
        Check("cost: performed ioctl/no-op", "ioctl-performed-64", "noop-64", "<=", 1.5,
              "TCGETS performed (x86_64, default policy) vs the trapped no-op"),
        Check("cost: performed+log/no-op", "ioctl-performed-log-64", "noop-64", None, None,
              "the same with --log FILE"),
        Check("cost: audit+log/no-op", "ioctl-audit-log-64", "noop-64", None, None,
              "TCGETS --passthrough --log FILE (the kernel runs it) vs the trapped no-op"),
        Check("cost: translated ioctl/no-op", "ioctl-translated-32", "noop-32", None, None,
              "TCGETS i386 --translate vs the i386 trapped no-op"),
        Check("cost: translated fd call/no-op", "fd-translated-32", "noop-32", None, None,
              "fstat64 i386 --translate vs the i386 trapped no-op"),
        Check("cost: translated path/no-op", "path-translated-32", "noop-32", None, None,
              "stat64 i386 --translate vs the i386 trapped no-op (target: <= 8 µs over)"),
        Check("cost: performed path/no-op", "path-performed-64", "noop-64", None, None,
              "stat x86_64 under path rules vs the trapped no-op (target: <= 8 µs over)"),
    ]


def cleanup():
    global _tmp
    if _tmp:
        subprocess.run(["rm", "-rf", _tmp])
        _tmp = None
