"""The figures of policies (x86_64 guests, timed by the guest itself):

* an allowed, untrapped getpid under a 300-rule policy against a one-rule
  policy: the filter's binary tree keeps the cost flat;
* a stat of a short path performed by the supervisor under path rules
  (resolved with openat2, decided, performed on what was resolved)
  against the trapped no-op (getppid answered CONTINUE);
* parsing and compiling 1,000 rules (compatbox policy check's own timing)
  against the 50 ms budget.
"""

import ctypes
import ctypes.util
import os

from .report import Check, Display
from .runner import Case, loop_sampler, run_cmd, taskset

NAME = "policy"
DISPLAY = Display("value", "µs", 1e-3, "%.3f", "best", "best-chunk")


def add_args(p):
    g = p.add_argument_group("policy group (filter size, performed path calls, compile time)")
    g.add_argument("--policy-reps", type=int, default=7, help="samples per case (default 7)")
    g.add_argument("--policy-calls", type=int, default=100000,
                   help="trapped calls per sample (default 100000)")
    g.add_argument("--policy-untrapped-calls", type=int, default=5000000,
                   help="untrapped calls per sample (default 5000000)")


def check_args(p, a):
    if a.policy_reps < 1 or a.policy_calls < 1 or a.policy_untrapped_calls < 1:
        p.error("--policy-reps, --policy-calls and --policy-untrapped-calls must be positive")


def reps(a):
    return a.policy_reps


def syscall_names():
    """x86_64 syscall names, from libseccomp."""
    lib = ctypes.CDLL(ctypes.util.find_library("seccomp") or "libseccomp.so.2")
    lib.seccomp_syscall_resolve_num_arch.restype = ctypes.c_void_p
    libc = ctypes.CDLL(None)
    names = []
    for nr in range(0, 460):
        ptr = lib.seccomp_syscall_resolve_num_arch(0xc000003e, nr)
        if ptr:
            names.append(ctypes.string_at(ptr).decode())
            libc.free(ctypes.c_void_p(ptr))
    return names


def write_policies(d):
    os.makedirs(d, exist_ok=True)
    names = syscall_names()
    files = {}

    def put(name, text):
        files[name] = os.path.join(d, name + ".policy")
        with open(files[name], "w") as f:
            f.write(text)

    put("one", "default allow\nioctl default perform\n")
    # 300 rules over as many syscalls, getpid among them; the rest denied.
    many = [n for n in names if n not in ("getpid",)][:299] + ["getpid"]
    put("r300", "default deny ENOSYS\n" + "".join("allow %s\n" % n for n in many))
    put("path", "default allow\npath deny EACCES /etc/shadow\n")
    # 1,000 rules: three conditional ones per syscall.
    lines, k = [], 0
    for n in names:
        for v in range(3):
            if k < 1000:
                lines.append("allow %s if arg0 == %d\n" % (n, v))
                k += 1
    put("r1000", "default deny\n" + "".join(lines))
    return files


def compile_sampler(cb, path):
    def sample(timeout):
        out, err, _ = run_cmd([cb, "policy", "check", path], timeout)
        for word in out.split(";"):
            if "compiled in" in word:
                ms = float(word.split("compiled in")[1].split()[0])
                return {"value": ms * 1e6, "best": ms * 1e6}
        raise RuntimeError("no compile time: %s" % (err or out).strip()[-300:])
    return sample


def budget_sampler(ms):
    def sample(timeout):
        return {"value": ms * 1e6, "best": ms * 1e6}
    return sample


def cases(a):
    b = os.path.join(a.build, "bench")
    g64 = os.path.join(b, "guest_loop64")
    cb = a.compatbox
    pol = write_policies(os.path.join(a.build, "bench-policy"))
    n, u = a.policy_calls, a.policy_untrapped_calls
    spec = [
        ("getpid-1rule", "untrapped getpid x86_64, one-rule policy",
         [cb, "run", "--policy", pol["one"], "--", g64, "getpid"], u),
        ("getpid-300rules", "untrapped getpid x86_64, 300-rule policy",
         [cb, "run", "--policy", pol["r300"], "--", g64, "getpid"], u),
        ("noop-trapped", "trapped getppid x86_64, compatbox (CONTINUE)",
         [cb, "run", "--trap", "getppid", "--", g64, "getppid"], n),
        ("stat-performed", "stat(\"/\") x86_64 under path rules (performed)",
         [cb, "run", "--policy", pol["path"], "--", g64, "stat"], n),
    ]
    out = []
    for cid, label, argv, calls in spec:
        full = taskset(a, argv + [str(calls)])
        short = taskset(a, argv + [str(min(1000, calls))])
        out.append(Case(cid, NAME, label, loop_sampler(full), files=[cb, g64], argv=full,
                        calls=calls, warm=loop_sampler(short)))
    out.append(Case("compile-1000", NAME, "parse and compile 1,000 rules (policy check)",
                    compile_sampler(cb, pol["r1000"]), files=[cb],
                    argv=[cb, "policy", "check", pol["r1000"]]))
    out.append(Case("budget-50ms", NAME, "the budget: 50 ms", budget_sampler(50.0), info=True))
    return out


def checks(a):
    return [
        Check("getpid 300 rules/1 rule", "getpid-300rules", "getpid-1rule", "<=", 1.05,
              "allowed untrapped call: 300-rule vs one-rule filter"),
        Check("stat performed/trapped no-op", "stat-performed", "noop-trapped", None, None,
              "stat of a short path performed under path rules vs the trapped no-op "
              "(target: at most 8 µs more; see the table)"),
        Check("compile 1000 rules/50 ms", "compile-1000", "budget-50ms", "<=", 1.0,
              "parsing and compiling 1,000 rules vs 50 ms"),
    ]
