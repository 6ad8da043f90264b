#!/usr/bin/env python3
"""Syscall round-trip benchmark for compatbox.

Compares a trapped no-op syscall (getppid, answered with
SECCOMP_USER_NOTIF_FLAG_CONTINUE) under compatbox with the same call under
floor_supervisor, a minimal single-purpose supervisor measured in the same
run, and with strace -f; and an untrapped call (getpid) under compatbox with
the same call run natively. The guest (guest_loop32/64) times its own loop,
so start-up costs are not part of any number.

Cases run round-robin (one sample of every case per round, the order rotated
each round) so that drift of the machine hits all cases alike. A round
during which other processes kept a CPU busy is run again (up to
--redo-busy times) and left out of the statistics. Prints a table and writes
every raw sample to a JSON file. This is a report, not a
test: the exit status is 0 whatever the verdicts (2 only for bad options).

See docs/performance.md.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

TARGETS = {
    # ratio id: (numerator, denominator, comparison, target, description)
    "compatbox/floor(sync)": ("compatbox", "floor-sync", "<=", 1.2,
                              "trapped: compatbox vs minimal supervisor, sync wake-up"),
    "compatbox-nosync/floor(nosync)": ("compatbox-nosync", "floor-nosync", "<=", 1.2,
                                       "trapped: both without sync wake-up"),
    "strace/compatbox": ("strace", "compatbox", ">=", 8.0,
                         "trapped: strace -f vs compatbox"),
    "compatbox-untrapped/native": ("compatbox-getpid", "native-getpid", "<=", 1.03,
                                   "untrapped getpid under compatbox vs native"),
}
INFO_RATIOS = {
    # no target: explains the one above
    "floor-untrapped/native": ("floor-getpid", "native-getpid", None, None,
                               "untrapped getpid under a minimal filter vs native"),
    "compatbox-untrapped/floor-untr.": ("compatbox-getpid", "floor-getpid", None, None,
                                        "untrapped getpid: compatbox's filter vs a minimal one"),
    "strace/floor(sync)": ("strace", "floor-sync", None, None,
                           "trapped: strace -f vs the minimal supervisor"),
}
EXTRA_TARGETS = {
    "compatbox/floor(sync) x86_64": ("compatbox-64", "floor-sync-64", "<=", 1.2,
                                     "trapped x86_64: compatbox vs minimal supervisor"),
    "compatbox-untrapped/native x86_64": ("compatbox-getpid-64", "native-getpid-64", "<=", 1.03,
                                          "untrapped x86_64 getpid under compatbox vs native"),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=os.path.join(HERE, "..", "build"),
                   help="meson build directory (default: ../build from this script)")
    p.add_argument("--compatbox", help="compatbox binary (default: BUILD/compatbox)")
    p.add_argument("--reps", type=int, default=7,
                   help="quiet rounds, i.e. samples per case (default 7)")
    p.add_argument("--calls", type=int, default=200000,
                   help="trapped calls per sample (default 200000)")
    p.add_argument("--untrapped-calls", type=int, default=15000000,
                   help="untrapped calls per sample (default 15000000)")
    p.add_argument("--strace-calls", type=int,
                   help="calls per strace sample (default: --calls / 10; strace is slow)")
    p.add_argument("--taskset", metavar="CPULIST",
                   help="run every case under taskset -c CPULIST (default: no pinning)")
    p.add_argument("--extra", action="store_true",
                   help="also run x86_64 guest cases (informational)")
    p.add_argument("--only", metavar="IDS",
                   help="comma-separated case ids to run (for investigation)")
    p.add_argument("--busy-threshold", type=float, default=0.1, metavar="CPUS",
                   help="a round during which other processes kept more than CPUS busy "
                        "on average is busy (default 0.1)")
    p.add_argument("--wait-quiet", type=float, default=10, metavar="SECONDS",
                   help="before each round wait up to SECONDS for the machine to be "
                        "quiet (default 10; 0: do not wait)")
    p.add_argument("--redo-busy", type=int, default=3, metavar="N",
                   help="run up to N extra rounds in place of busy ones (default 3)")
    p.add_argument("--out", default=os.path.join(HERE, "results.json"),
                   help="where to write raw samples (default: bench/results.json)")
    a = p.parse_args()
    if a.reps < 1 or a.calls < 1 or a.untrapped_calls < 1:
        p.error("--reps, --calls and --untrapped-calls must be positive")
    if a.redo_busy < 0 or a.wait_quiet < 0:
        p.error("--redo-busy and --wait-quiet must not be negative")
    if a.strace_calls is None:
        a.strace_calls = max(1000, a.calls // 10)
    a.build = os.path.abspath(a.build)
    if a.compatbox is None:
        a.compatbox = os.path.join(a.build, "compatbox")
    return a


def make_cases(a):
    b = os.path.join(a.build, "bench")
    floor = os.path.join(b, "floor_supervisor")
    g32 = os.path.join(b, "guest_loop32")
    g64 = os.path.join(b, "guest_loop64")
    cb = a.compatbox
    n, u = str(a.calls), str(a.untrapped_calls)
    trap = [cb, "run", "--trap", "getppid", "--"]
    cases = [
        ("floor-nosync", "trapped getppid i386, floor_supervisor (no sync wake-up)",
         [floor, "--", g32, "getppid", n], a.calls),
        ("floor-sync", "trapped getppid i386, floor_supervisor --sync",
         [floor, "--sync", "--", g32, "getppid", n], a.calls),
        ("compatbox", "trapped getppid i386, compatbox (default: sync wake-up)",
         trap + [g32, "getppid", n], a.calls),
        ("compatbox-nosync", "trapped getppid i386, compatbox --no-sync-wakeup",
         [cb, "run", "--no-sync-wakeup", "--trap", "getppid", "--", g32, "getppid", n],
         a.calls),
        ("strace", "traced getppid i386, strace -f -o /dev/null",
         ["strace", "-f", "-o", "/dev/null", g32, "getppid", str(a.strace_calls)],
         a.strace_calls),
        ("native-getpid", "untrapped getpid i386, native",
         [g32, "getpid", u], a.untrapped_calls),
        ("compatbox-getpid", "untrapped getpid i386, compatbox (default policy)",
         [cb, "run", "--", g32, "getpid", u], a.untrapped_calls),
        # What any seccomp filter costs an untrapped call (a 10-instruction
        # filter): tells compatbox's own cost from the kernel's.
        ("floor-getpid", "untrapped getpid i386, floor_supervisor (info)",
         [floor, "--", g32, "getpid", u], a.untrapped_calls),
    ]
    if a.extra:
        cases += [
            ("floor-sync-64", "trapped getppid x86_64, floor_supervisor --sync",
             [floor, "--sync", "--", g64, "getppid", n], a.calls),
            ("compatbox-64", "trapped getppid x86_64, compatbox",
             trap + [g64, "getppid", n], a.calls),
            ("native-getpid-64", "untrapped getpid x86_64, native",
             [g64, "getpid", u], a.untrapped_calls),
            ("compatbox-getpid-64", "untrapped getpid x86_64, compatbox (default policy)",
             [cb, "run", "--", g64, "getpid", u], a.untrapped_calls),
        ]
    out = []
    for cid, label, argv, calls in cases:
        if a.taskset:
            argv = ["taskset", "-c", a.taskset] + argv
        out.append({"id": cid, "label": label, "argv": argv, "calls": calls})
    return out


def missing_tools(a, cases):
    """Case id -> reason it cannot run."""
    missing = {}
    need = [a.compatbox] + [os.path.join(a.build, "bench", x)
                            for x in ("floor_supervisor", "guest_loop32", "guest_loop64")]
    absent = [x for x in need if not os.access(x, os.X_OK)]
    for c in cases:
        if c["id"].startswith("strace") and shutil.which("strace") is None:
            missing[c["id"]] = "missing: strace"
        elif a.taskset and shutil.which("taskset") is None:
            missing[c["id"]] = "missing: taskset"
        else:
            gone = [x for x in absent if x in c["argv"]]
            if gone:
                missing[c["id"]] = "missing: %s (run ninja -C %s first)" % (", ".join(gone), a.build)
    return missing


def run_once(argv, timeout):
    """One sample: (ns per call, ns per call of the best chunk), or raise
    RuntimeError."""
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        raise RuntimeError("timed out after %ds" % timeout)
    except OSError as e:
        raise RuntimeError(str(e))
    got = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] in ("ns_per_call", "ns_per_call_best_chunk"):
            got[f[0]] = float(f[1])
    if "ns_per_call" in got:
        if r.returncode != 0:
            raise RuntimeError("exit status %d: %s" % (r.returncode, r.stderr.strip()[-300:]))
        return got["ns_per_call"], got.get("ns_per_call_best_chunk", got["ns_per_call"])
    raise RuntimeError("no ns_per_call (exit status %d): %s"
                       % (r.returncode, (r.stderr or r.stdout).strip()[-300:]))


def stats(samples):
    if not samples:
        return None
    med = statistics.median(samples)
    return {"median_ns": med, "min_ns": min(samples), "max_ns": max(samples),
            "spread_pct": 100.0 * (max(samples) - min(samples)) / med if med else 0.0}


def verdict(value, cmp, target):
    if value is None:
        return "n/a"
    if cmp is None:
        return "info"
    ok = value <= target if cmp == "<=" else value >= target
    return "PASS" if ok else "FAIL"


def cpu_seconds():
    """(busy, steal): CPU time all CPUs spent busy so far, and time a VM
    host took from them (from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    v += [0] * (8 - len(v))
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(v[:7]) - v[3] - v[4]) / hz, v[7] / hz


def other_load(cpu0, own0, wall0):
    """CPUs kept busy on average by anything but this process and its
    children since (cpu0, own0, wall0), or None."""
    cpu1, wall1 = cpu_seconds(), os.times().elapsed
    if cpu0 is None or cpu1 is None or wall1 <= wall0:
        return None
    return max(0.0, (cpu1[0] - cpu0[0]) - (own_cpu_seconds() - own0)) / (wall1 - wall0)


def wait_for_quiet(limit, threshold):
    """Wait up to LIMIT seconds for half a second of other load below
    THRESHOLD; return the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        c0, o0, w0 = cpu_seconds(), own_cpu_seconds(), os.times().elapsed
        time.sleep(0.5)
        load = other_load(c0, o0, w0)
        if load is None or load <= threshold:
            break
    return time.monotonic() - start


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def machine():
    info = {"kernel": platform.release(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def main():
    a = parse_args()
    cases = make_cases(a)
    if a.only:
        want = set(a.only.split(","))
        unknown = want - {c["id"] for c in cases}
        if unknown:
            sys.exit("run_bench.py: unknown case id(s): %s (known: %s)"
                     % (",".join(sorted(unknown)), ",".join(c["id"] for c in cases)))
        cases = [c for c in cases if c["id"] in want]
    missing = missing_tools(a, cases)
    runnable = [c for c in cases if c["id"] not in missing]
    for c in cases:
        c["rounds"] = []  # per round: (ns per call, best chunk), or None: failed
        c["errors"] = []

    started = datetime.datetime.now(datetime.timezone.utc)
    print("compatbox syscall benchmark: %d rounds; %d trapped / %d untrapped / %d strace "
          "calls per sample%s" % (a.reps, a.calls, a.untrapped_calls, a.strace_calls,
                                  "; pinned to CPUs " + a.taskset if a.taskset else ""),
          flush=True)
    for cid, why in missing.items():
        print("  %s: %s" % (cid, why), flush=True)

    # Warm the page cache and the dynamic loader with one short run of each.
    for c in runnable:
        short = [str(min(1000, c["calls"])) if x == str(c["calls"]) else x for x in c["argv"]]
        try:
            run_once(short, 60)
        except RuntimeError:
            pass  # reported by the real runs

    # A round during which something else kept a CPU busy (a build or test
    # run next door, on a 2-CPU machine) is noise in every case: wait a
    # little for quiet before each round, and run extra rounds in place of
    # busy ones (kept in the JSON, left out of the statistics).
    cpu0, own0, wall0 = cpu_seconds(), own_cpu_seconds(), os.times().elapsed
    rounds = []  # per round: {"load": other CPUs busy on average, "busy": bool}
    quiet = 0
    while quiet < a.reps and len(rounds) < a.reps + a.redo_busy:
        waited = wait_for_quiet(a.wait_quiet, a.busy_threshold)
        r0, o0, w0 = cpu_seconds(), own_cpu_seconds(), os.times().elapsed
        rnd = len(rounds)
        k = rnd % len(runnable) if runnable else 0
        for c in runnable[k:] + runnable[:k]:
            try:
                c["rounds"].append(run_once(c["argv"], 300))
            except RuntimeError as e:
                c["rounds"].append(None)
                c["errors"].append(str(e))
                print("  %s: round %d failed: %s" % (c["id"], rnd + 1, e), flush=True)
        for c in cases:
            if c not in runnable:
                c["rounds"].append(None)
        rload = other_load(r0, o0, w0)
        busy = rload is not None and rload > a.busy_threshold
        quiet += not busy
        rounds.append({"load": rload, "busy": busy, "waited_s": waited})
        print("  round %d: other load %s%s%s; %d/%d quiet rounds" % (
            rnd + 1, "%.2f CPUs" % rload if rload is not None else "unknown",
            " (busy: will not count)" if busy else "",
            " after waiting %.0f s for quiet" % waited if waited >= 1 else "", quiet, a.reps),
            flush=True)
    used = [i for i, r in enumerate(rounds) if not r["busy"]]
    if len(used) < min(3, a.reps):
        used = list(range(len(rounds)))
        note = ("WARNING: fewer than 3 quiet rounds; statistics are over all %d rounds, "
                "busy ones included, and unreliable" % len(rounds))
    elif len(used) < len(rounds):
        note = ("statistics over the %d quiet rounds; busy rounds %s left out"
                % (len(used), ",".join(str(i + 1) for i, r in enumerate(rounds) if r["busy"])))
    else:
        note = "statistics over all %d rounds, all quiet" % len(rounds)

    load = None
    cpu1 = cpu_seconds()
    if cpu0 is not None and cpu1 is not None:
        wall = os.times().elapsed - wall0
        foreign = max(0.0, (cpu1[0] - cpu0[0]) - (own_cpu_seconds() - own0))
        load = {"wall_s": wall, "foreign_cpu_s": foreign,
                "foreign_cpus_avg": foreign / wall if wall > 0 else 0.0,
                "steal_s": cpu1[1] - cpu0[1]}

    by_id = {c["id"]: c for c in cases}
    for c in cases:
        picked = [c["rounds"][i] for i in used if c["rounds"][i] is not None]
        c["samples"] = [x[0] for x in picked]
        c["best"] = [x[1] for x in picked]
        c["stats"] = stats(c["samples"])
        c["best_stats"] = stats(c["best"])

    # Table of cases.
    print()
    print(note)
    print("%-19s %10s %9s %9s %7s %10s  %s" % ("case", "median µs", "min µs", "max µs",
                                              "spread", "best-chunk", "what"))
    for c in cases:
        s = c["stats"]
        if s is None:
            why = missing.get(c["id"]) or ("failed: " + c["errors"][-1] if c["errors"] else "no data")
            print("%-19s %10s %9s %9s %7s %10s  %s [%s]" % (c["id"], "-", "-", "-", "-", "-",
                                                           c["label"], why))
            continue
        print("%-19s %10.3f %9.3f %9.3f %6.1f%% %10.3f  %s" % (
            c["id"], s["median_ns"] / 1000, s["min_ns"] / 1000, s["max_ns"] / 1000,
            s["spread_pct"], c["best_stats"]["median_ns"] / 1000, c["label"]))

    # Ratios: of the medians, and the range of per-round ratios (the cases
    # of one round ran back to back, so a round's ratio is a paired sample).
    targets = dict(TARGETS)
    if a.extra:
        targets.update(EXTRA_TARGETS)
    targets.update(INFO_RATIOS)
    ratios = {}
    print()
    print("%-35s %6s %13s %10s %7s %8s" % ("ratio (of medians)", "value", "per-round",
                                            "best-chunk", "target", "verdict"))
    for name, (num, den, cmp, target, desc) in targets.items():
        cn, cd = by_id.get(num), by_id.get(den)
        if cn is None or cd is None:
            continue
        value = robust = None
        paired = []
        if cn["stats"] and cd["stats"]:
            value = cn["stats"]["median_ns"] / cd["stats"]["median_ns"]
            robust = cn["best_stats"]["median_ns"] / cd["best_stats"]["median_ns"]
            paired = [cn["rounds"][i][0] / cd["rounds"][i][0] for i in used
                      if cn["rounds"][i] is not None and cd["rounds"][i] is not None]
        v = verdict(value, cmp, target)
        why = ""
        if value is None:
            why = "  (" + (missing.get(num) or missing.get(den) or "no data") + ")"
        rng = "%.2f..%.2f" % (min(paired), max(paired)) if paired else "-"
        tgt = "%s%g" % (cmp, target) if cmp else "-"
        print("%-35s %6s %13s %10s %7s %8s%s" % (
            name, "%.3f" % value if value is not None else "-", rng,
            "%.3f" % robust if robust is not None else "-", tgt, v, why))
        ratios[name] = {"numerator": num, "denominator": den, "value": value,
                        "per_round": paired, "best_chunk_value": robust,
                        "target": tgt if cmp else None, "verdict": v, "what": desc}
    print("(value: ratio of the median samples, which the verdict is on; per-round: range of\n"
          " the ratios within one round; best-chunk: ratio of the medians of each sample's\n"
          " fastest 1/100 of the loop, less sensitive to outside interference)")

    if load:
        print("\nother load during the run: %.1f CPU-seconds in %.0f s (%.2f CPUs on average); "
              "stolen by the VM host: %.1f s"
              % (load["foreign_cpu_s"], load["wall_s"], load["foreign_cpus_avg"], load["steal_s"]))

    result = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "config": {"reps": a.reps, "calls": a.calls, "untrapped_calls": a.untrapped_calls,
                   "strace_calls": a.strace_calls, "taskset": a.taskset,
                   "busy_threshold": a.busy_threshold, "wait_quiet": a.wait_quiet,
                   "redo_busy": a.redo_busy,
                   "compatbox": a.compatbox, "build": a.build},
        "cases": [{"id": c["id"], "label": c["label"], "argv": c["argv"],
                   "calls": c["calls"], "samples_ns_per_call": c["samples"],
                   "samples_best_chunk_ns_per_call": c["best"],
                   "by_round": [None if x is None else
                                {"ns_per_call": x[0], "best_chunk_ns_per_call": x[1]}
                                for x in c["rounds"]],
                   "stats": c["stats"], "best_chunk_stats": c["best_stats"],
                   "errors": c["errors"],
                   "missing": missing.get(c["id"])} for c in cases],
        "ratios": ratios,
        "rounds": rounds,
        "rounds_used": [i + 1 for i in used],
        "statistics_note": note,
        "foreign_load": load,
    }
    try:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        print("\nraw samples: %s" % a.out)
    except OSError as e:
        print("\ncannot write %s: %s" % (a.out, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
