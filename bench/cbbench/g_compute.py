"""A compute-bound i386 program (guest_compute: about a second of integer
hashing, a handful of syscalls), natively, under compatbox's default policy
and under qemu-i386. The value is the wall time of the whole process, start
and exit included; the guest's own timing of its loop is shown beside it."""

import os

from .report import Check, Display
from .runner import Case, parse_keys, run_cmd, taskset

NAME = "compute"
DISPLAY = Display("value", "s", 1.0, "%.3f", "loop", "loop s")


def add_args(p):
    g = p.add_argument_group("compute group (a compute-bound i386 program)")
    g.add_argument("--compute-reps", type=int, default=7, metavar="N",
                   help="quiet rounds (default 7)")
    g.add_argument("--compute-passes", type=int, default=80000, metavar="N",
                   help="passes of the hash over its 16 KiB buffer (default 80000, "
                        "about a second natively)")


def check_args(p, a):
    if a.compute_reps < 1 or a.compute_passes < 1:
        p.error("--compute-reps and --compute-passes must be positive")


def reps(a):
    return a.compute_reps


def cases(a):
    g = os.path.join(a.build, "bench", "guest_compute32")
    cb = a.compatbox
    checksums = {}  # passes -> checksum: every mode must compute the same

    def sampler(argv, passes):
        def sample(timeout):
            out, err, wall = run_cmd(argv, timeout)
            got = parse_keys(out)
            if "ns_total" not in got:
                raise RuntimeError("no ns_total: %s" % (err or out).strip()[-300:])
            want = checksums.setdefault(passes, got.get("checksum"))
            if got.get("checksum") != want:
                raise RuntimeError("checksum %s, not %s: the program computed something else"
                                   % (got.get("checksum"), want))
            return {"value": wall, "loop": got["ns_total"] / 1e9}
        return sample

    out = []
    n = a.compute_passes
    for cid, label, pre, needs in [
            ("compute-native", "i386 hash loop, native", [], ()),
            ("compute-compatbox", "i386 hash loop, compatbox run (default policy)",
             [cb, "run", "--"], ()),
            ("compute-qemu", "i386 hash loop, qemu-i386", ["qemu-i386"], ("qemu-i386",))]:
        full = taskset(a, pre + [g, str(n)])
        short = taskset(a, pre + [g, str(max(1, n // 100))])
        files = [x for x in pre + [g] if x in (cb, g)]
        out.append(Case(cid, NAME, label, sampler(full, n), needs=needs, files=files, argv=full,
                        calls=n, warm=sampler(short, max(1, n // 100))))
    return out


def checks(a):
    return [
        # 2nd: the fastest samples: outside interference only adds time
        Check("compute compatbox/native", "compute-compatbox", "compute-native", "<=", 1.02,
              "compute-bound program, wall time: compatbox vs native", second="value",
              second_stat="min"),
        Check("compute qemu/native", "compute-qemu", "compute-native", None, None,
              "compute-bound program, wall time: qemu-i386 vs native", second="value",
              second_stat="min"),
    ]
