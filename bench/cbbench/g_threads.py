"""Trapped calls from several guest threads at once (guest_threads):
aggregate throughput for 1, 2, 4 and 8 threads against --workers 1, 2 and 4;
and the same with one more thread blocked in a long nanosleep that the
supervisor performs (a slow call: its worker hands the lead to another), which
must not lower the others' throughput."""

import os

from .report import Check, Display
from .runner import Case, parse_keys, run_cmd, taskset

NAME = "threads"
DISPLAY = Display("calls_per_s", "calls/s", 1.0, "%.0f", "calls_per_s_best", "best burst")
SLEEP_TRAPS = "nanosleep,clock_nanosleep,clock_nanosleep_time64"


def int_list(text):
    return [int(x) for x in text.split(",") if x]


def add_args(p):
    g = p.add_argument_group("threads group (trapped calls from several threads)")
    g.add_argument("--thread-reps", type=int, default=5, metavar="N",
                   help="quiet rounds (default 5; each sample is the median of 5 bursts)")
    g.add_argument("--thread-calls", type=int, default=40000, metavar="N",
                   help="trapped calls per sample, shared among the threads (default 40000)")
    g.add_argument("--thread-call", choices=("fionread", "getppid"), default="fionread",
                   help="the trapped call: ioctl FIONREAD on a pipe, performed by the "
                        "supervisor (default), or getppid (--trap getppid, answered CONTINUE)")
    g.add_argument("--thread-counts", type=int_list, default=[1, 2, 4, 8], metavar="LIST",
                   help="guest threads (default 1,2,4,8)")
    g.add_argument("--thread-workers", type=int_list, default=[1, 2, 4], metavar="LIST",
                   help="--workers values (default 1,2,4)")
    g.add_argument("--sleeper-workers", type=int, default=2, metavar="N",
                   help="--workers for the blocked-sleeper comparison (default 2)")


def check_args(p, a):
    if a.thread_reps < 1 or a.thread_calls < 1:
        p.error("--thread-reps and --thread-calls must be positive")
    if not a.thread_counts or min(a.thread_counts) < 1 or max(a.thread_counts) > 1024:
        p.error("--thread-counts: numbers from 1 to 1024")
    if not a.thread_workers or min(a.thread_workers + [a.sleeper_workers]) < 1:
        p.error("--thread-workers and --sleeper-workers must be positive")


def reps(a):
    return a.thread_reps


def case_id(threads, workers, sleeper=False):
    return "thr-T%d-w%d%s" % (threads, workers, "-sleep" if sleeper else "")


def cases(a):
    g = os.path.join(a.build, "bench", "guest_threads32")
    cb = a.compatbox
    traps = SLEEP_TRAPS + (",getppid" if a.thread_call == "getppid" else "")

    def sampler(argv, sleeper):
        def sample(timeout):
            out, err, wall = run_cmd(argv, timeout)
            got = parse_keys(out)
            if "calls_per_s" not in got:
                raise RuntimeError("no calls_per_s: %s" % (err or out).strip()[-300:])
            if sleeper and got.get("sleeper_done") != 0:
                raise RuntimeError("the sleeping thread returned early: not a blocked call")
            return {"value": got["ns_per_call"], "calls_per_s": got["calls_per_s"],
                    "calls_per_s_best": got.get("calls_per_s_best", got["calls_per_s"]),
                    "wall": wall}
        return sample

    out = []
    plan = [(t, w, False) for t in a.thread_counts for w in a.thread_workers]
    plan += [(t, a.sleeper_workers, False) for t in a.thread_counts
             if a.sleeper_workers not in a.thread_workers]
    plan += [(t, a.sleeper_workers, True) for t in a.thread_counts]
    for t, w, sleeper in plan:
        per = max(1, a.thread_calls // t)
        base = [cb, "run", "--workers", str(w), "--trap", traps, "--", g, a.thread_call, str(t)]
        full = taskset(a, base + [str(per)] + (["600"] if sleeper else []))
        short = taskset(a, base + [str(max(5, 1000 // t))] + (["600"] if sleeper else []))
        label = "%d thread%s x %d %s, --workers %d%s" % (
            t, "s" if t > 1 else "", per, a.thread_call, w,
            " + 1 thread in a performed nanosleep" if sleeper else "")
        out.append(Case(case_id(t, w, sleeper), NAME, label, sampler(full, sleeper),
                        files=[cb, g], argv=full, calls=per * t, warm=sampler(short, sleeper)))
    return out


def checks(a):
    w = a.sleeper_workers
    c = [Check("threads T=%d: with blocked sleeper/without" % t, case_id(t, w, True),
               case_id(t, w), ">=", 0.9,
               "throughput of %d threads with one more thread blocked in a performed "
               "nanosleep vs without (--workers %d)" % (t, w),
               metric="calls_per_s", second="calls_per_s_best")
         for t in a.thread_counts]
    t0 = min(a.thread_counts)
    for t in a.thread_counts:
        if t != t0:
            c.append(Check("threads T=%d/T=%d (--workers %d)" % (t, t0, w), case_id(t, w),
                           case_id(t0, w), None, None,
                           "aggregate throughput, %d threads vs %d" % (t, t0),
                           metric="calls_per_s", second="calls_per_s_best"))
    return c


def extra_report(log, a, by_id):
    """The throughput matrix: threads down, --workers across."""
    cols = [(w, False) for w in a.thread_workers] + [(a.sleeper_workers, True)]
    log("")
    log("aggregate %s calls/s (median)   " % a.thread_call +
        " ".join("%11s" % ("w%d+sleeper" % w if s else "--workers %d" % w) for w, s in cols))
    for t in a.thread_counts:
        row = []
        for w, s in cols:
            c = by_id.get(case_id(t, w, s))
            st = c.stats.get("calls_per_s") if c and c.stats else None
            row.append("%11s" % ("%.0f" % st["median"] if st else "-"))
        log("%-32s " % ("%d thread%s" % (t, "s" if t > 1 else "")) + " ".join(row))
