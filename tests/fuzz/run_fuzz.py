#!/usr/bin/env python3
"""Run one libFuzzer target for a fixed time from a seed corpus, as a meson
test: FUZZER KIND SEEDS, where SEEDS is the built-in database for the
abifile and convert targets, the directory of seed policies (tests/fuzz/
corpus/policy) for the policy target. Fuzzes for
CB_FUZZ_SECONDS (default 20) seconds; a crash, leak or timeout fails the
test and prints the input that caused it (as text for .abi files), to be
turned into a unit test."""
import os
import re
import subprocess
import sys
import tempfile


def abi_seeds(builtin, out):
    """The whole database, each record alone, and each ioctl with its
    records: small files the fuzzer can grow from."""
    text = open(builtin).read()
    head = "compatbox-abi 1\nabis i386 x86_64\n"
    seeds = {"builtin": text}
    blocks = re.findall(r"^record .*?^end$", text, re.M | re.S)
    for i, b in enumerate(blocks):
        seeds[f"record{i}"] = head + b + "\n"
    ioctls = re.findall(r"^ioctl .*$", text, re.M)
    for i, line in enumerate(ioctls):
        m = re.search(r"arg record (\S+)", line)
        body = [b for b in blocks if m and b.startswith(f"record {m.group(1)} ")]
        seeds[f"ioctl{i}"] = head + "".join(b + "\n" for b in body) + line + "\n"
    for name, data in seeds.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(data)


def convert_seeds(builtin, out):
    """One per record and ioctl of the database (byte 0), each direction
    and ABI (byte 1), over memory with addresses into itself."""
    text = open(builtin).read()
    nrec = len(re.findall(r"^record ", text, re.M))
    nioc = len(re.findall(r"^ioctl ", text, re.M))
    mem = bytearray()
    for i in range(128):
        mem += ((0x10000 + 32 * (i % 16)) if i % 2 else (i % 7)).to_bytes(4, "little")
    for pick in range(max(nrec, nioc)):
        for how in (0, 1, 2, 4, 8, 12):
            with open(os.path.join(out, f"s{pick}_{how}"), "wb") as f:
                f.write(bytes([pick % 256, how]) + mem)


def policy_seeds(src, out):
    """The shipped policies and one with every construct, as they are."""
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name), "rb") as f, \
                open(os.path.join(out, name), "wb") as g:
            g.write(f.read())


SEEDERS = {"abifile": abi_seeds, "convert": convert_seeds, "policy": policy_seeds,
           "report": policy_seeds}  # report: the trails of tests/fuzz/corpus/report as they are


def main():
    fuzzer, kind, source = sys.argv[1:4]
    seconds = int(os.environ.get("CB_FUZZ_SECONDS", "20"))
    with tempfile.TemporaryDirectory() as tmp:
        corpus, seeds = os.path.join(tmp, "corpus"), os.path.join(tmp, "seeds")
        os.mkdir(corpus)
        os.mkdir(seeds)
        SEEDERS[kind](source, seeds)
        cmd = [fuzzer, f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
               "-max_len=65536", "-print_final_stats=1",
               f"-artifact_prefix={tmp}/"]
        if kind in ("abifile", "report"):
            cmd.append("-dict=" + os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "abi.dict" if kind == "abifile" else "report.dict"))
        cmd += [corpus, seeds]
        print(" ".join(cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace")
        execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", p.stdout)
        print(f"fuzz_{kind}: {execs.group(1) if execs else '?'} executions in {seconds} s, "
              f"exit {p.returncode}")
        # For scripts/figures.py; a crash, leak or sanitizer report is a finding.
        print(f"CB-FIGURE fuzz executions={execs.group(1) if execs else 0} "
              f"findings={0 if p.returncode == 0 else 1}")
        if p.returncode == 0:
            return 0
        sys.stdout.write(p.stdout[-6000:])
        for name in os.listdir(tmp):
            if re.match(r"(crash|leak|timeout|oom|slow-unit)-", name):
                data = open(os.path.join(tmp, name), "rb").read()
                print(f"--- {name} ({len(data)} bytes):")
                print(data.decode(errors="replace") if kind in ("abifile", "policy", "report")
                      else data.hex())
        return 1


if __name__ == "__main__":
    sys.exit(main())
