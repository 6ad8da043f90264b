"""The figure of compatbox report: a 1,000,000-line audit trail (written
by tests/report/gen_trail.py, schema v1, ~570 MB) reported in under 3 s.

Each sample runs `compatbox report TRAIL > /dev/null` once and records its
wall time ("value") and its CPU time, user + system ("cpu"): on a shared
machine the wall time includes waiting for a CPU, the CPU time does not.
The trail is written once into the build directory and kept (its page
cache is warm after the first sample: the figure is the report's own
cost, not the disk's).
"""

import os
import resource
import subprocess
import sys
import time

from .report import Check, Display
from .runner import Case

NAME = "report"
DISPLAY = Display("value", "s", 1e-9, "%.3f", "cpu", "cpu s")


def add_args(p):
    g = p.add_argument_group("report group (compatbox report on a large trail)")
    g.add_argument("--report-reps", type=int, default=5, help="samples (default 5)")
    g.add_argument("--report-lines", type=int, default=1000000,
                   help="call lines in the trail (default 1000000)")


def check_args(p, a):
    if a.report_reps < 1 or a.report_lines < 1:
        p.error("--report-reps and --report-lines must be positive")


def reps(a):
    return a.report_reps


def trail(a):
    d = os.path.join(a.build, "bench-report")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "trail-%d.jsonl" % a.report_lines)
    if not os.path.exists(path):
        gen = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..",
                           "tests", "report", "gen_trail.py")
        subprocess.run([sys.executable, gen, str(a.report_lines), path + ".tmp"], check=True)
        os.rename(path + ".tmp", path)
    return path


def report_sampler(cb, path):
    def sample(timeout):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        with open(os.devnull, "w") as null:
            r = subprocess.run([cb, "report", path], stdout=null, stderr=subprocess.PIPE,
                               timeout=timeout, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r.returncode != 0:
            raise RuntimeError("exit status %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"value": wall * 1e9, "cpu": cpu * 1e9}
    return sample


def budget_sampler(s):
    def sample(timeout):
        return {"value": s * 1e9, "cpu": s * 1e9}
    return sample


def cases(a):
    cb = a.compatbox
    path = trail(a)
    return [
        Case("report-1M", NAME, "compatbox report, %d-line trail" % a.report_lines,
             report_sampler(cb, path), files=[cb], argv=[cb, "report", path]),
        Case("budget-3s", NAME, "the budget: 3 s", budget_sampler(3.0), info=True),
    ]


def checks(a):
    return [
        Check("report 1M lines/3 s", "report-1M", "budget-3s", "<=", 1.0,
              "wall time of compatbox report on the trail vs 3 s (2nd: CPU time vs 3 s)",
              second="cpu"),
    ]
