"""Cases and rounds.

A case is one way of running one workload (natively, under compatbox,
under a peer). Taking a sample of it returns a dict of metrics; "value" is
the one verdicts use unless a ratio names another, and is always
lower-is-better (a time, or memory). The cases of a group run round-robin:
one sample of every case per round, the order rotated every round, so that
drift of the machine hits all of them alike. A round during which other
processes kept a CPU busy is run again (up to --redo-busy times) and left
out of the statistics (it stays in the JSON)."""

import os
import subprocess
import time

from . import host


class Case:
    """ID: unique; GROUP: the group it runs in; LABEL: what it is;
    SAMPLE(timeout) -> {metric: number}, or raises RuntimeError; NEEDS:
    tools (peers.PEERS names) and files it cannot run without; SHOW: the
    metric the group's table shows; ARGV: the command, for the report."""

    def __init__(self, cid, group, label, sample, needs=(), files=(), argv=None, calls=None,
                 warm=None, info=False):
        self.id = cid
        self.group = group
        self.label = label
        self.sample = sample
        self.needs = list(needs)
        self.files = list(files)
        self.argv = argv
        self.calls = calls
        self.warm = warm  # callable taking a short sample first, or None
        self.info = info
        self.missing = None  # why it cannot run, or None
        self.rounds = []  # per round: metrics, or None (failed or not run)
        self.errors = []

    def to_json(self):
        return {"id": self.id, "group": self.group, "label": self.label, "argv": self.argv,
                "calls": self.calls, "missing": self.missing, "errors": self.errors,
                "by_round": self.rounds}


def taskset(a, argv):
    return ["taskset", "-c", a.taskset] + argv if a.taskset else argv


def run_cmd(argv, timeout, env=None, stdin=None):
    """Run ARGV; (stdout, stderr, seconds of wall time). Raises
    RuntimeError on a timeout or a non-zero exit status."""
    t0 = time.perf_counter()
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
                           timeout=timeout, text=True, env=env)
    except subprocess.TimeoutExpired:
        raise RuntimeError("timed out after %ds" % timeout)
    except OSError as e:
        raise RuntimeError(str(e))
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError("exit status %d: %s" % (r.returncode,
                                                  (r.stderr or r.stdout).strip()[-300:]))
    return r.stdout, r.stderr, wall


def parse_keys(text):
    """Lines "key number" -> {key: float}."""
    got = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 2:
            try:
                got[f[0]] = float(f[1])
            except ValueError:
                got[f[0]] = f[1]
    return got


def loop_sampler(argv):
    """A sample of a guest_loop run: value = ns per call of the whole loop,
    best = ns per call of its fastest 1/100."""
    def sample(timeout):
        out, err, _ = run_cmd(argv, timeout)
        got = parse_keys(out)
        if "ns_per_call" not in got:
            raise RuntimeError("no ns_per_call: %s" % (err or out).strip()[-300:])
        return {"value": got["ns_per_call"],
                "best": got.get("ns_per_call_best_chunk", got["ns_per_call"])}
    return sample


def missing_files(case):
    """The programs CASE runs that are not there (or not executable)."""
    return [f for f in case.files if not os.access(f, os.X_OK)]


def run_group(name, cases, reps, a, log):
    """Run the cases of one group for REPS quiet rounds. Returns the
    group's record: its rounds, the ones used, and a note saying which."""
    runnable = [c for c in cases if c.missing is None]
    if not cases:
        return None
    log("\n== %s: %d cases, %d rounds%s" % (
        name, len(cases), reps,
        "" if len(runnable) == len(cases) else " (%d cannot run)" % (len(cases) - len(runnable))))
    for c in cases:
        if c.missing:
            log("  %s: %s" % (c.id, c.missing))

    # Warm the page cache and the dynamic loader with one short run of each.
    for c in runnable:
        if c.warm:
            try:
                c.warm(120)
            except RuntimeError:
                pass  # reported by the real runs

    t0 = time.monotonic()
    meter = host.LoadMeter()
    rounds = []
    quiet = 0
    while quiet < reps and len(rounds) < reps + a.redo_busy:
        waited = host.wait_for_quiet(a.wait_quiet, a.busy_threshold)
        rm = host.LoadMeter()
        rnd = len(rounds)
        k = rnd % len(runnable) if runnable else 0
        for c in runnable[k:] + runnable[:k]:
            try:
                c.rounds.append(c.sample(300))
            except RuntimeError as e:
                c.rounds.append(None)
                c.errors.append("round %d: %s" % (rnd + 1, e))
                log("  %s: round %d failed: %s" % (c.id, rnd + 1, e))
        for c in cases:
            if c not in runnable:
                c.rounds.append(None)
        rload = rm.load()
        busy = rload is not None and rload > a.busy_threshold
        quiet += not busy
        rounds.append({"load": rload, "busy": busy, "waited_s": waited,
                       "wall_s": rm.wall_s()})
        log("  round %d: other load %s%s%s; %d/%d quiet rounds" % (
            rnd + 1, "%.2f CPUs" % rload if rload is not None else "unknown",
            " (busy: will not count)" if busy else "",
            " after waiting %.0f s for quiet" % waited if waited >= 1 else "", quiet, reps))
    used = [i for i, r in enumerate(rounds) if not r["busy"]]
    if len(used) < min(3, reps):
        used = list(range(len(rounds)))
        note = ("WARNING: fewer than %d quiet rounds; statistics are over all %d rounds, "
                "busy ones included, and unreliable" % (min(3, reps), len(rounds)))
    elif len(used) < len(rounds):
        note = ("statistics over the %d quiet rounds; busy rounds %s left out"
                % (len(used), ",".join(str(i + 1) for i, r in enumerate(rounds) if r["busy"])))
    else:
        note = "statistics over all %d rounds, all quiet" % len(rounds)
    return {"name": name, "rounds": rounds, "used": used, "note": note,
            "wall_s": time.monotonic() - t0,
            "foreign_cpu_s": meter.foreign_cpu_s(), "steal_s": meter.steal_s()}
