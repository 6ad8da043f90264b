"""Per-call cost of one syscall, timed by the guest itself (guest_loop), so
that start-up is not part of any number:

* the trapped no-op: getppid trapped and answered CONTINUE, by compatbox and
  by floor_supervisor (the minimal supervisor), with and without sync
  wake-up, and under strace -f;
* the untrapped call: getpid natively, under compatbox and under a minimal
  filter;
* a translated ioctl: TCGETS on a pseudo-terminal from the i386 guest,
  natively (the kernel's compat path), under compatbox --translate,
  --passthrough and the default policy, under proot and under qemu-i386.
"""

import os

from .report import Check, Display
from .runner import Case, loop_sampler, taskset

NAME = "syscall"
DISPLAY = Display("value", "µs", 1e-3, "%.3f", "best", "best-chunk")


def add_args(p):
    g = p.add_argument_group("syscall group (per-call cost, timed by the guest)")
    g.add_argument("--reps", type=int, default=7,
                   help="quiet rounds, i.e. samples per case (default 7)")
    g.add_argument("--calls", type=int, default=200000,
                   help="trapped calls per sample (default 200000)")
    g.add_argument("--untrapped-calls", type=int, default=10000000,
                   help="untrapped calls per sample (default 10000000)")
    g.add_argument("--strace-calls", type=int,
                   help="calls per strace or proot sample (default: --calls / 10; they are slow)")
    g.add_argument("--extra", action="store_true",
                   help="also run x86_64 guest cases (informational)")


def check_args(p, a):
    if a.reps < 1 or a.calls < 1 or a.untrapped_calls < 1:
        p.error("--reps, --calls and --untrapped-calls must be positive")
    if a.strace_calls is None:
        a.strace_calls = max(1000, a.calls // 10)


def reps(a):
    return a.reps


def cases(a):
    b = os.path.join(a.build, "bench")
    floor = os.path.join(b, "floor_supervisor")
    g32 = os.path.join(b, "guest_loop32")
    g64 = os.path.join(b, "guest_loop64")
    cb = a.compatbox
    n, u, s = a.calls, a.untrapped_calls, a.strace_calls
    tc_native = max(1000, u // 10)  # TCGETS costs about twice getpid natively
    tc_qemu = 5 * n  # qemu answers it in itself: ~1 µs
    trap = [cb, "run", "--trap", "getppid", "--"]
    spec = [
        ("floor-nosync", "trapped getppid i386, floor_supervisor (no sync wake-up)",
         [floor, "--", g32, "getppid"], n, ()),
        ("floor-sync", "trapped getppid i386, floor_supervisor --sync",
         [floor, "--sync", "--", g32, "getppid"], n, ()),
        ("compatbox", "trapped getppid i386, compatbox (default: sync wake-up)",
         trap + [g32, "getppid"], n, ()),
        ("compatbox-nosync", "trapped getppid i386, compatbox --no-sync-wakeup",
         [cb, "run", "--no-sync-wakeup", "--trap", "getppid", "--", g32, "getppid"], n, ()),
        ("strace", "traced getppid i386, strace -f -o /dev/null",
         ["strace", "-f", "-o", "/dev/null", g32, "getppid"], s, ("strace",)),
        ("native-getpid", "untrapped getpid i386, native", [g32, "getpid"], u, ()),
        ("compatbox-getpid", "untrapped getpid i386, compatbox (default policy)",
         [cb, "run", "--", g32, "getpid"], u, ()),
        # What any seccomp filter costs an untrapped call (a 10-instruction
        # filter): tells compatbox's own cost from the kernel's.
        ("floor-getpid", "untrapped getpid i386, floor_supervisor (info)",
         [floor, "--", g32, "getpid"], u, ()),
        ("tcgets-native", "TCGETS on a pty i386, native (kernel compat ioctl)",
         [g32, "tcgets"], tc_native, ()),
        ("tcgets-translate", "TCGETS i386, compatbox --translate (x86_64 call by the supervisor)",
         [cb, "run", "--translate", "--", g32, "tcgets"], n, ()),
        ("tcgets-passthrough", "TCGETS i386, compatbox --passthrough (logged, run by the kernel)",
         [cb, "run", "--passthrough", "--", g32, "tcgets"], n, ()),
        ("tcgets-default", "TCGETS i386, compatbox default (performed by the supervisor)",
         [cb, "run", "--", g32, "tcgets"], n, ()),
        ("tcgets-proot", "TCGETS i386, proot (ptrace)", ["proot", g32, "tcgets"], s, ("proot",)),
        ("tcgets-qemu", "TCGETS i386, qemu-i386 (emulated CPU, host ioctl)",
         ["qemu-i386", g32, "tcgets"], tc_qemu, ("qemu-i386",)),
    ]
    if a.extra:
        spec += [
            ("floor-sync-64", "trapped getppid x86_64, floor_supervisor --sync",
             [floor, "--sync", "--", g64, "getppid"], n, ()),
            ("compatbox-64", "trapped getppid x86_64, compatbox", trap + [g64, "getppid"], n, ()),
            ("native-getpid-64", "untrapped getpid x86_64, native", [g64, "getpid"], u, ()),
            ("compatbox-getpid-64", "untrapped getpid x86_64, compatbox (default policy)",
             [cb, "run", "--", g64, "getpid"], u, ()),
            ("tcgets-default-64", "TCGETS x86_64, compatbox default (performed by the supervisor)",
             [cb, "run", "--", g64, "tcgets"], n, ()),
        ]
    out = []
    for cid, label, argv, calls, needs in spec:
        full = taskset(a, argv + [str(calls)])
        short = taskset(a, argv + [str(min(1000, calls))])
        files = [x for x in argv if x in (cb, floor, g32, g64)]
        out.append(Case(cid, NAME, label, loop_sampler(full), needs=needs, files=files,
                        argv=full, calls=calls, warm=loop_sampler(short)))
    return out


def checks(a):
    c = [
        Check("compatbox/floor(sync)", "compatbox", "floor-sync", "<=", 1.2,
              "trapped: compatbox vs minimal supervisor, sync wake-up"),
        Check("compatbox-nosync/floor(nosync)", "compatbox-nosync", "floor-nosync", "<=", 1.2,
              "trapped: both without sync wake-up"),
        Check("strace/compatbox", "strace", "compatbox", ">=", 8.0,
              "trapped: strace -f vs compatbox"),
        Check("compatbox-untrapped/native", "compatbox-getpid", "native-getpid", "<=", 1.03,
              "untrapped getpid under compatbox vs native"),
        Check("tcgets translated/trapped no-op", "tcgets-translate", "compatbox", "<=", 2.0,
              "TCGETS --translate vs compatbox's trapped getppid"),
        Check("proot/tcgets translated", "tcgets-proot", "tcgets-translate", ">=", 3.0,
              "TCGETS under proot vs compatbox --translate"),
    ]
    if a.extra:
        c += [
            Check("compatbox/floor(sync) x86_64", "compatbox-64", "floor-sync-64", "<=", 1.2,
                  "trapped x86_64: compatbox vs minimal supervisor"),
            Check("compatbox-untrapped/native x86_64", "compatbox-getpid-64", "native-getpid-64",
                  "<=", 1.03, "untrapped x86_64 getpid under compatbox vs native"),
            Check("tcgets performed/trapped no-op x86_64", "tcgets-default-64", "compatbox-64",
                  None, None, "TCGETS performed vs trapped getppid, x86_64"),
        ]
    c += [
        # no target: they explain the ones above
        Check("floor-untrapped/native", "floor-getpid", "native-getpid", None, None,
              "untrapped getpid under a minimal filter vs native"),
        Check("compatbox-untrapped/floor-untr.", "compatbox-getpid", "floor-getpid", None, None,
              "untrapped getpid: compatbox's filter vs a minimal one"),
        Check("strace/floor(sync)", "strace", "floor-sync", None, None,
              "trapped: strace -f vs the minimal supervisor"),
        Check("tcgets passthrough/trapped no-op", "tcgets-passthrough", "compatbox", None, None,
              "TCGETS --passthrough vs trapped getppid"),
        Check("tcgets default/trapped no-op", "tcgets-default", "compatbox", None, None,
              "TCGETS default policy vs trapped getppid"),
        Check("tcgets translated/passthrough", "tcgets-translate", "tcgets-passthrough", None,
              None, "TCGETS: performing it vs letting the kernel run it"),
        Check("tcgets translated/native", "tcgets-translate", "tcgets-native", None, None,
              "TCGETS --translate vs the kernel's compat path"),
        Check("tcgets qemu/native", "tcgets-qemu", "tcgets-native", None, None,
              "TCGETS under qemu-i386 vs native"),
        Check("tcgets translated/qemu", "tcgets-translate", "tcgets-qemu", None, None,
              "TCGETS --translate vs qemu-i386"),
    ]
    return c
