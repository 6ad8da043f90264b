"""What the audit trail costs per trapped ioctl: the same guest_loop run
with and without the trail, for an ioctl the supervisor performs (TCGETS
on a pty, default policy, --log FILE) and for one it only sees (the audit
policy: --passthrough, the kernel runs it, the trail records it), x86_64
and i386. Prints each pair's ratio and the microseconds the trail adds per
call; the figure to meet (issue: audit trail) is <= 1.5 µs added.
"""

import os
import subprocess
import tempfile

from .report import Check, Display
from .runner import Case, loop_sampler, taskset

NAME = "audit"
DISPLAY = Display("value", "µs", 1e-3, "%.3f", "best", "best-chunk")
TARGET_US = 1.5

# id, label, compatbox run options, guest bits
SPEC = [
    ("perf-64", "TCGETS x86_64, default policy (performed), no trail", [], 64),
    ("perf-log-64", "TCGETS x86_64, default policy (performed), --log FILE", ["--log", "@LOG"], 64),
    ("seen-64", "TCGETS x86_64, audit policy (kernel runs it), no trail", ["--passthrough"], 64),
    ("seen-log-64", "TCGETS x86_64, audit policy, --log FILE",
     ["--passthrough", "--log", "@LOG"], 64),
    ("seen-32", "TCGETS i386, audit policy (kernel runs it), no trail", ["--passthrough"], 32),
    ("seen-log-32", "TCGETS i386, audit policy, --log FILE", ["--passthrough", "--log", "@LOG"], 32),
]
PAIRS = [("perf-log-64", "perf-64"), ("seen-log-64", "seen-64"), ("seen-log-32", "seen-32")]


def add_args(p):
    g = p.add_argument_group("audit group (the audit trail's cost per trapped ioctl)")
    g.add_argument("--audit-reps", type=int, default=5, help="quiet rounds (default 5)")
    g.add_argument("--audit-calls", type=int, default=100000,
                   help="calls per timed sample (default 100000)")


def check_args(p, a):
    if a.audit_reps < 1 or a.audit_calls < 1:
        p.error("--audit-reps and --audit-calls must be positive")


def reps(a):
    return a.audit_reps


_tmp = None


def _log_path():
    global _tmp
    if _tmp is None:
        _tmp = tempfile.mkdtemp(prefix="cbbench-audit-")
    return os.path.join(_tmp, "trail.jsonl")


def _sampler(argv):
    """A loop sample, the trail removed after it: 100000 records a sample
    would fill the disk over many rounds."""
    inner = loop_sampler(argv)

    def sample(timeout):
        try:
            return inner(timeout)
        finally:
            if _tmp and os.path.exists(_log_path()):
                os.unlink(_log_path())
    return sample


def cases(a):
    out = []
    for cid, label, opts, bits in SPEC:
        g = os.path.join(a.build, "bench", "guest_loop%d" % bits)
        opts = [_log_path() if o == "@LOG" else o for o in opts]
        argv = [a.compatbox, "run"] + opts + ["--", g, "tcgets"]
        full = taskset(a, argv + [str(a.audit_calls)])
        short = taskset(a, argv + ["1000"])
        out.append(Case(cid, NAME, label, _sampler(full), files=[a.compatbox, g], argv=full,
                        calls=a.audit_calls, warm=_sampler(short)))
    return out


def extra_report(log, a, by_id):
    rows = []
    for num, den in PAIRS:
        cn, cd = by_id.get(num), by_id.get(den)
        if not (cn and cd and cn.stats and cd.stats):
            continue
        n = cn.stats.get("value", {}).get("median")
        d = cd.stats.get("value", {}).get("median")
        if not (n and d):
            continue
        added = (n - d) / 1e3
        cn.stats["added_us"] = round(added, 3)
        rows.append((num, n / 1e3, d / 1e3, n / d, added))
    if not rows:
        return
    log("")
    log("audit: the trail's cost per trapped ioctl (median of the rounds)")
    log("%-14s %12s %12s %7s %11s" % ("case", "with µs", "without µs", "ratio", "added µs"))
    for cid, n, d, r, added in rows:
        log("%-14s %12.3f %12.3f %7.3f %+11.3f  %s" % (
            cid, n, d, r, added, "PASS" if added <= TARGET_US else "FAIL (target <= %.1f)" % TARGET_US))


def checks(a):
    return [Check("audit: %s/%s" % (n, d), n, d, None, None,
                  "the same loop with the trail vs without (target: <= %.1f µs added)" % TARGET_US)
            for n, d in PAIRS]


def cleanup():
    global _tmp
    if _tmp:
        subprocess.run(["rm", "-rf", _tmp])
        _tmp = None
