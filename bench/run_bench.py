#!/usr/bin/env python3
"""compatbox's benchmarks, side by side with what users would pick instead.

Groups of cases, each run in the same invocation (see cbbench/g_*.py):

  syscall   per-call cost: the trapped no-op under compatbox against a minimal
            supervisor (floor_supervisor) and strace -f; untrapped calls
            against native; TCGETS translated, passed through and performed,
            against native, proot and qemu-i386
  cost      per kind of trapped call (no-op, performed, seen, translated ioctl,
            fd and path call): time per call and the supervisor's syscalls per
            call (strace -f -c)
  compute   a compute-bound i386 program: native, compatbox, qemu-i386
  threads   trapped calls from 1-8 guest threads against --workers 1/2/4, and
            with one more thread blocked in a performed nanosleep
  programs  i386 tar|gzip, sqlite3 and python3 start-up from Debian: native,
            compatbox, qemu-i386 (bench/fetch_i386.sh unpacks them)
  memory    the supervisor's peak RSS with 1 and with 64 guest processes
  containers  one agent serving 20 containers against one; the start-up
            compatbox as PID 1 adds to a container
  report    compatbox report on a 1,000,000-line audit trail against 3 s

The cases of a group run round-robin (one sample of every case per round,
the order rotated each round) so that drift of the machine hits all of them
alike; a round during which other processes kept a CPU busy is run again (up
to --redo-busy times) and left out of the statistics. Prints a table per
group and the checks (ratios and limits against the targets, PASS/FAIL),
writes every raw sample to a JSON file and the trapped-call latency chart
(SVG) next to it. This is a report, not a test: the exit status is 0
whatever the verdicts (2 only for bad options).

See docs/performance.md.
"""

import argparse
import datetime
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cbbench import (g_audit, g_compute, g_containers, g_cost, g_memory, g_policy, g_programs,  # noqa: E402
                     g_report, g_syscall, g_threads)
from cbbench import host, peers, plot, report, runner  # noqa: E402

GROUPS = [g_syscall, g_cost, g_audit, g_compute, g_threads, g_programs, g_memory, g_policy, g_containers,
          g_report]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"),
                   help="meson build directory (default: ../build from this script)")
    p.add_argument("--compatbox", help="compatbox binary (default: BUILD/compatbox)")
    p.add_argument("--only", metavar="IDS",
                   help="comma-separated case ids or group names (%s) to run"
                        % ", ".join(g.NAME for g in GROUPS))
    p.add_argument("--list", action="store_true", help="list the cases and exit")
    p.add_argument("--taskset", metavar="CPULIST",
                   help="run every case under taskset -c CPULIST (default: no pinning)")
    p.add_argument("--busy-threshold", type=float, default=0.1, metavar="CPUS",
                   help="a round during which other processes kept more than CPUS busy "
                        "on average is busy (default 0.1)")
    p.add_argument("--wait-quiet", type=float, default=10, metavar="SECONDS",
                   help="before each round wait up to SECONDS for the machine to be "
                        "quiet (default 10; 0: do not wait)")
    p.add_argument("--redo-busy", type=int, default=3, metavar="N",
                   help="run up to N extra rounds in place of busy ones, per group (default 3)")
    p.add_argument("--out", default=os.path.join(HERE, "results.json"),
                   help="where to write raw samples (default: bench/results.json)")
    p.add_argument("--svg", metavar="FILE",
                   help="where to write the latency chart (default: trapped-latency.svg "
                        "next to --out)")
    p.add_argument("--emulated", action="store_true",
                   help="say that this run is inside an emulated VM: every figure is "
                        "labelled 'emulated (TCG): not comparable' and no verdict is given")
    p.add_argument("--host-only", action="store_true",
                   help="on a host that cannot execute i386 code, do not run the i386 "
                        "cases in a VM (scripts/vm.sh)")
    for g in GROUPS:
        g.add_args(p)
    a = p.parse_args()
    if a.redo_busy < 0 or a.wait_quiet < 0:
        p.error("--redo-busy and --wait-quiet must not be negative")
    a.build = os.path.abspath(a.build)
    if a.compatbox is None:
        a.compatbox = os.path.join(a.build, "compatbox")
    for g in GROUPS:
        g.check_args(p, a)
    if a.svg is None:
        a.svg = os.path.join(os.path.dirname(os.path.abspath(a.out)), "trapped-latency.svg")
    return a


def log(msg=""):
    print(msg, flush=True)


EMULATED = "emulated (TCG): not comparable"


def needs_i386(c):
    """Whether case C runs i386 code: an i386 guest (its name ends in 32)
    or Debian's i386 programs."""
    if c.group == "programs":
        return True
    for x in c.argv or []:
        if isinstance(x, str) and os.sep in x:
            name = os.path.basename(x)
            name = name[:-len("-static")] if name.endswith("-static") else name
            if name.endswith("32"):
                return True
    return False


def run_emulated(a, cases):
    """Run CASES (all i386) in a VM with Debian's 6.12 kernel, labelled as
    emulated; their figures print as a report of their own."""
    out = os.path.join(a.build, "bench-emulated.json")
    vm = os.path.join(HERE, "..", "scripts", "vm.sh")
    argv = [vm, "--kernel", "6.12", "--share", a.build, "--",
            "python3", os.path.abspath(__file__), "--emulated", "--build", a.build,
            "--compatbox", a.compatbox, "--wait-quiet", "0", "--out", out,
            "--only", ",".join(c.id for c in cases)]
    log("\n== i386 cases: this kernel cannot execute i386 code; running them in a VM, "
        + EMULATED)
    import subprocess
    rc = subprocess.call(argv)
    log("== end of the emulated run (%s, exit %d)" % (out, rc))
    return out if rc == 0 else None


def main():
    a = parse_args()
    t_start = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    host_i386 = a.emulated or host.runs_i386(a.build)
    if not host_i386:
        a.extra = True  # the x86_64 guest cases give this host's real figures
    all_cases, checks = [], []
    for g in GROUPS:
        all_cases += g.cases(a)
        checks += g.checks(a)
    names = {g.NAME for g in GROUPS}
    if a.only:
        want = set(a.only.split(","))
        unknown = want - names - {c.id for c in all_cases}
        if unknown:
            sys.exit("run_bench.py: unknown case id(s) or group(s): %s (see --list)"
                     % ",".join(sorted(unknown)))
        cases = [c for c in all_cases if c.id in want or c.group in want]
    else:
        cases = all_cases
    if a.list:
        for c in cases:
            log("%-24s %-9s %s" % (c.id, c.group, c.label))
        return 0

    # What each case needs: a peer tool (reported with its Debian package)
    # and the programs built by ninja.
    tools = {t for c in cases for t in c.needs} | ({"taskset"} if a.taskset else set())
    found = peers.check(tools)
    for c in cases:
        if c.missing:
            continue
        gone = [found[t]["missing"] for t in c.needs + (["taskset"] if a.taskset else [])
                if found[t]["missing"]]
        files = runner.missing_files(c)
        if gone:
            c.missing = "; ".join(gone)
        elif files:
            c.missing = "missing: %s (run ninja -C %s first)" % (", ".join(files), a.build)

    # A host without i386 measures the rest for real and the i386 cases in
    # a VM, where the figures only show that they run.
    emulated_cases = []
    if not host_i386:
        for c in cases:
            if needs_i386(c) and not c.missing:
                c.missing = "i386: this kernel cannot execute it (run in the VM, %s)" % EMULATED
                if not a.host_only:
                    emulated_cases.append(c)
    if a.emulated:
        log("== EMULATED RUN: inside a TCG VM; every figure below is " + EMULATED)

    log("compatbox benchmarks, %s; %s" % (
        started.strftime("%Y-%m-%d %H:%M UTC"),
        "pinned to CPUs " + a.taskset if a.taskset else "unpinned"))
    for t, f in sorted(found.items()):
        log("  peer %-10s %s" % (t, f["missing"] or "%s (%s)" % (f["version"] or "?", f["path"])))
    # Groups that need more than their binaries (the i386 programs).
    for g in GROUPS:
        gc = [c for c in cases if c.group == g.NAME]
        if gc and hasattr(g, "prepare"):
            g.prepare(a, log, gc)

    by_id = {c.id: c for c in cases}
    groups = {}
    try:
        for g in GROUPS:
            gc = [c for c in cases if c.group == g.NAME]
            if not gc:
                continue
            rec = runner.run_group(g.NAME, gc, g.reps(a), a, log)
            groups[g.NAME] = rec
            for c in gc:
                c.stats = report.case_stats(c, rec["used"])
            report.print_table(log, gc, rec["used"], g.DISPLAY,
                               "%s: %s (%.0f s)" % (g.NAME, rec["note"], rec["wall_s"]))
            if hasattr(g, "extra_report"):
                g.extra_report(log, a, by_id)
    finally:
        for g in GROUPS:
            if hasattr(g, "cleanup"):
                g.cleanup()

    def used_of(c):
        return groups[c.group]["used"] if c.group in groups else []

    results = [r for r in (ch.evaluate(by_id, used_of) for ch in checks) if r is not None]
    if a.emulated:
        for r in results:
            r["verdict"] = "info"
            r["note"] = EMULATED
    log("\n== checks")
    report.print_checks(log, results)
    log("(value: ratio of the medians, which the verdict is on, or the median itself for a "
        "limit;\n per-round: range of the ratios within one round; 2nd: the same ratio of "
        "the best-chunk\n figures for per-call cases, of the fastest samples for compute, "
        "of the best bursts for\n threads, of CPU time for programs)")
    counts = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    log("verdicts: " + ", ".join("%d %s" % (counts.get(k, 0), k)
                                 for k in ("PASS", "FAIL", "n/a", "info")))

    wall = time.monotonic() - t_start
    fcpu = sum(g["foreign_cpu_s"] or 0 for g in groups.values())
    log("\nother load while measuring: %.1f CPU-seconds; stolen by the VM host: %.1f s; "
        "the whole run took %.0f s"
        % (fcpu, sum(g["steal_s"] or 0 for g in groups.values()), wall))

    emulated_out = run_emulated(a, emulated_cases) if emulated_cases else None

    out = {
        "emulated": a.emulated,
        "emulated_results": emulated_out,
        "date": started.isoformat(timespec="seconds"),
        "machine": host.machine(),
        "peers": found,
        "config": {k: v for k, v in vars(a).items() if not callable(v)},
        "groups": {k: {"rounds": v["rounds"], "rounds_used": [i + 1 for i in v["used"]],
                       "note": v["note"], "wall_s": v["wall_s"],
                       "foreign_cpu_s": v["foreign_cpu_s"], "steal_s": v["steal_s"]}
                   for k, v in groups.items()},
        "cases": [dict(c.to_json(), stats=getattr(c, "stats", None)) for c in cases],
        "checks": results,
        "wall_s": wall,
    }
    try:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        log("\nraw samples: %s" % a.out)
    except OSError as e:
        log("\ncannot write %s: %s" % (a.out, e))
    if "syscall" in groups:
        try:
            with open(a.svg, "w") as f:
                f.write(plot.svg(out))
            log("latency chart: %s" % a.svg)
        except OSError as e:
            log("cannot write %s: %s" % (a.svg, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
