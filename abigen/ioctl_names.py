#!/usr/bin/env python3
"""Generate the ioctl name tables from the kernel's uapi headers.

Every `#define NAME _IO/_IOR/_IOW/_IOWR/_IOC(...)` in the uapi headers
(and the plain-number requests of asm-generic/ioctls.h and linux/sockios.h)
is compiled once per ABI (-m32, -m64) and its value read back from the
assembly the compiler emits, so that a size the ABI changes (a long, a
pointer, a struct with one) gives that ABI's number. Nothing is run: a host
that cannot execute i386 code builds the i386 table too.

A header that does not compile alone is retried after common system
headers; the definitions the compiler then still rejects (a struct the
header does not declare) are dropped one compile at a time.

usage: ioctl_names.py --cc "CC ARGS" --out FILE.c --depfile FILE.d [ROOT]
"""
import argparse
import concurrent.futures
import os
import re
import shlex
import subprocess
import sys

DIRS = ["asm-generic", "linux", "sound", "mtd", "rdma", "misc", "scsi", "video", "drm", "asm"]
# Plain-number requests that predate _IOC (the tty and socket ones).
NUMERIC = ["asm-generic/ioctls.h", "linux/sockios.h"]
IOC_DEF = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\s+_IO(?:C|R|W|WR)?\s*\(", re.M)
NUM_DEF = re.compile(r"^\s*#\s*define\s+([A-Z_][A-Z0-9_]*)\s+(0x[0-9A-Fa-f]+)\b", re.M)
PRELUDES = [
    ["linux/types.h", "linux/ioctl.h"],
    ["sys/types.h", "sys/time.h", "sys/socket.h", "stdint.h", "stddef.h", "linux/types.h",
     "linux/ioctl.h", "linux/posix_types.h", "linux/atm.h", "linux/fs.h"],
]
ABIS = [("i386", "-m32"), ("x86_64", "-m64")]


def headers(root):
    out = []
    for d in DIRS:
        base = os.path.join(root, d)
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith(".h"):
                    p = os.path.join(dirpath, f)
                    try:
                        text = open(p, errors="replace").read()
                    except OSError:
                        continue
                    names = IOC_DEF.findall(text)
                    if names:
                        out.append((os.path.relpath(p, root), sorted(set(names))))
    return sorted(out)


def compile_values(cc, flag, prelude, header, names):
    """Values of NAMES after including HEADER, or None and the rejected names."""
    src = "".join("#include <%s>\n" % h for h in prelude + [header])
    first = src.count("\n") + 1
    src += "".join("unsigned cb_v_%d = (unsigned)(%s);\n" % (i, n) for i, n in enumerate(names))
    p = subprocess.run(cc + [flag, "-w", "-S", "-O0", "-x", "c", "-o", "-", "-"],
                       input=src, capture_output=True, text=True)
    if p.returncode != 0:
        bad = set()
        for m in re.finditer(r"<stdin>:(\d+):\d+: error", p.stderr):
            line = int(m.group(1))
            if line >= first:
                bad.add(line - first)
        return None, bad
    vals = {}
    cur = None
    for line in p.stdout.splitlines():
        m = re.match(r"^cb_v_(\d+):", line)
        if m:
            cur = int(m.group(1))
            continue
        m = re.match(r"^\s*\.(?:long|int)\s+(-?\d+)", line)
        if m and cur is not None:
            vals[names[cur]] = int(m.group(1)) & 0xffffffff
            cur = None
        elif re.match(r"^\s*\.zero\s+4", line) and cur is not None:
            vals[names[cur]] = 0
            cur = None
    return vals, set()


def header_values(cc, flag, header, names):
    """Values of NAMES; those one prelude leaves out are tried after the next."""
    got = {}
    todo = list(names)
    for prelude in PRELUDES:
        for _ in range(4):
            if not todo:
                return got
            vals, bad = compile_values(cc, flag, prelude, header, todo)
            if vals is not None:
                got.update(vals)
                todo = [n for n in names if n not in got]
                break
            if not bad:
                break  # the header itself fails: try the next prelude
            todo = [n for i, n in enumerate(todo) if i not in bad]
        todo = [n for n in names if n not in got]
    return got


def numeric(root):
    out = []
    for h in NUMERIC:
        p = os.path.join(root, h)
        if os.path.exists(p):
            for name, val in NUM_DEF.findall(open(p).read()):
                v = int(val, 16)
                if 0x5400 <= v <= 0x54ff or 0x8900 <= v <= 0x89ff or 0x4500 <= v <= 0x45ff:
                    out.append((name, v))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--depfile")
    ap.add_argument("--header", default="ioctl_names.h", help="the header declaring the tables")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("root", nargs="?", default="/usr/include")
    a = ap.parse_args()
    cc = shlex.split(a.cc)
    hs = headers(a.root)
    tables = {}
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for abi, flag in ABIS:
            futs = [ex.submit(header_values, cc, flag, h, n) for h, n in hs]
            # Rank 0: the plain-number tty and socket requests, which win
            # over a newer _IOC name with the same number.
            entries = {(v, 0, n) for n, v in numeric(a.root)}
            seen = set()
            for f in futs:
                for n, v in f.result().items():
                    if n not in seen and v > 0xff:
                        seen.add(n)
                        # A compat alias (FS_IOC32_GETFLAGS) names the
                        # number after the request it stands for.
                        entries.add((v, 2 if "32" in n else 1, n))
            tables[abi] = sorted(entries)
    # The names go into one text, NUL-separated, and the tables hold
    # offsets into it: a table of pointers would be relocated, and so
    # copied, at every start of the program.
    offs, text = {}, []
    at = 0
    for abi, _ in ABIS:
        for _, _, n in tables[abi]:
            if n not in offs:
                offs[n] = at
                text.append(n)
                at += len(n) + 1
    with open(a.out, "w") as o:
        o.write("/* Generated by abigen/ioctl_names.py from %s: do not edit. */\n" % a.root)
        o.write('#include "%s"\n\n' % a.header)
        o.write("const char cb_ioctl_name_text[] =\n")
        for n in text:
            o.write('\t"%s\\0"\n' % n)
        o.write("\t;\n\n")
        for abi, _ in ABIS:
            t = tables[abi]
            o.write("const struct cb_ioctl_name cb_ioctl_names_%s[] = {\n" % abi)
            for v, _, n in t:
                o.write('\t{ 0x%08xu, %du },\n' % (v, offs[n]))
            o.write("};\nconst size_t cb_ioctl_names_%s_n = %d;\n\n" % (abi, len(t)))
    if a.depfile:
        deps = [os.path.join(a.root, h) for h, _ in hs] + [os.path.join(a.root, h) for h in NUMERIC]
        with open(a.depfile, "w") as d:
            d.write("%s: %s\n" % (a.out, " ".join(deps)))
    print("ioctl names: %s" % ", ".join("%s %d" % (abi, len(tables[abi])) for abi, _ in ABIS))
    return 0 if all(tables.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
