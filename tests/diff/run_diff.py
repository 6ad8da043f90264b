#!/usr/bin/env python3
"""Differential harness: run each case of an i386 guest natively (the
kernel's compat layer is the oracle) and under `compatbox run --translate`,
and compare the output byte for byte. A case only counts when the log shows
that the supervisor really translated calls in it; otherwise an identical
output would prove nothing."""
import json
import os
import subprocess
import sys
import tempfile


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout


def main():
    compatbox, guest = sys.argv[1], sys.argv[2]
    extra = [a for a in sys.argv[3:] if not a.startswith("--modprobe=")]
    # "--modprobe=uinput,uhid": the drivers the cases need. In the VM they
    # are modules; elsewhere modprobe may be absent or refused, and a case
    # whose device is missing says so itself ("# skip").
    for arg in sys.argv[3:]:
        for mod in filter(None, arg.removeprefix("--modprobe=").split(",")
                          if arg.startswith("--modprobe=") else []):
            subprocess.run(["modprobe", mod], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
    # The native run is the oracle: without i386 on this kernel there is none.
    if "32" not in os.environ.get("CB_ABIS", "32 64").split():
        print("SKIP: this run does not cover i386 (CB_ABIS); the differential cases run on the VM kernels")
        return 77
    try:
        listing = subprocess.run([guest, "list"], stdout=subprocess.PIPE, check=True,
                                 text=True).stdout.split("\n")
    except OSError as e:
        print(f"SKIP: this kernel cannot execute the i386 guest ({e}); run it on the VM kernels")
        return 77
    # "# skip CASE: why" lines are cases this machine cannot run.
    skipped = [line for line in listing if line.startswith("#")]
    cases = [line.split() for line in listing if line.strip() and not line.startswith("#")]
    for line in skipped:
        print(f"skip - {line[1:].strip().removeprefix('skip ')}")
    if skipped and not cases:
        print("SKIP: no case can run here")
        return 77
    same = 0
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        # "CASE HOW [OPTION...]": options the case needs from compatbox run
        # (capabilities the native run has, e.g. --keep-caps=net_admin).
        for case, how, *opts in cases:
            log = os.path.join(tmp, case + ".json")
            n_rc, n_out = run([guest, case])
            c_rc, c_out = run([compatbox, "run", "--translate", "--log", log] + extra + opts +
                              ["--", guest, case])
            # "translated=statx,pread64": each named syscall must have been
            # handled that way at least once (glibc's real entry points);
            # "socketcall:sendto" names a sub-call of that multiplexer.
            how, _, names = how.partition("=")
            wanted = set(filter(None, names.split(",")))
            handled = 0
            seen = set()
            if os.path.exists(log):
                for line in open(log):
                    rec = json.loads(line)
                    if rec.get("action") == how:
                        handled += 1
                        seen.add(rec.get("syscall"))
                        # "socketcall:sendto": sendto reached through socketcall.
                        if rec.get("via"):
                            seen.add(rec["via"] + ":" + rec.get("syscall"))
            if wanted - seen:
                handled = 0
                how += " as " + ",".join(sorted(wanted - seen))
            if (n_rc, n_out) != (c_rc, c_out):
                failed.append(case)
                print(f"not ok - {case}: output differs (exit {n_rc} native, {c_rc} translated)")
                sys.stdout.write("  native:\n" + n_out.decode(errors="replace"))
                sys.stdout.write("  translated:\n" + c_out.decode(errors="replace"))
            elif handled == 0:
                failed.append(case)
                print(f"not ok - {case}: identical, but no call was {how}")
            else:
                same += 1
                print(f"ok - {case}: identical ({handled} calls {how})")
    print(f"differential: {same}/{len(cases)} cases identical"
          + (f", {len(skipped)} skipped" if skipped else ""))
    return 0 if same == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
