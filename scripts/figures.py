#!/usr/bin/env python3
"""The suite's figures in one line (issue 13): escapes tried and stopped,
faults injected and survived, trapped calls under load, fuzz executions
and sanitizer findings.

Tests print machine-readable lines on their stdout, which meson keeps in
its JSON test log (meson-logs/testlog.json, or <logbase>.json):

    CB-FIGURE escapes tried=N stopped=N      adversarial guests (tests/integration)
    CB-FIGURE faults injected=N survived=N   fault injection (tests/integration)
    CB-FIGURE load calls=N seconds=N         load_held
    CB-FIGURE fuzz executions=N findings=N   the fuzz suite (tests/fuzz/run_fuzz.py)

Usage: figures.py LOG.json... (each a meson JSON test log; a missing file
is skipped). Logs of a sanitizer build (a path with "asan", as
scripts/sanitize.sh's build-asan) add every failed test to the sanitizer
findings. --self-test checks the summing on a made-up log.
"""
import json
import os
import re
import sys
import tempfile

LINE = re.compile(r"^CB-FIGURE (\w+)((?: \w+=\d+)+)\s*$")


def collect(paths):
    sums, seen, asan_failed, asan_logs = {}, 0, 0, 0
    for path in paths:
        if not os.path.exists(path):
            continue
        asan = "asan" in path
        asan_logs += asan
        for raw in open(path, errors="replace"):
            try:
                r = json.loads(raw)
            except ValueError:
                continue
            if asan and r.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
                asan_failed += 1
            for line in (r.get("stdout") or "").splitlines():
                m = LINE.match(line)
                if not m:
                    continue
                seen += 1
                kind = sums.setdefault(m.group(1), {})
                for kv in m.group(2).split():
                    k, v = kv.split("=")
                    kind[k] = kind.get(k, 0) + int(v)
    return sums, seen, asan_failed, asan_logs


def summary(sums, seen, asan_failed, asan_logs):
    g = lambda kind, key: sums.get(kind, {}).get(key, 0)
    parts = [
        f"escapes tried {g('escapes', 'tried')} stopped {g('escapes', 'stopped')}",
        f"faults injected {g('faults', 'injected')} survived {g('faults', 'survived')}",
        f"calls under load {g('load', 'calls')}",
        f"fuzz executions {g('fuzz', 'executions')}",
    ]
    findings = g("fuzz", "findings") + asan_failed
    where = "fuzz targets" + (" and the sanitizer build" if asan_logs else "")
    parts.append(f"sanitizer findings {findings} ({where})")
    return f"figures ({seen} figure lines): " + "; ".join(parts)


def self_test():
    log = [
        {"name": "a", "result": "OK", "stdout": "ok - x\nCB-FIGURE escapes tried=3 stopped=3\n"},
        {"name": "b", "result": "FAIL", "stdout": "CB-FIGURE faults injected=4 survived=3\n"},
        {"name": "c", "result": "OK", "stdout": "CB-FIGURE fuzz executions=1000 findings=0\n"
                                                "CB-FIGURE load calls=7 seconds=1\nCB-FIGURE bad\n"},
        {"name": "d", "result": "OK", "stdout": "CB-FIGURE escapes tried=2 stopped=1\n"},
    ]
    with tempfile.TemporaryDirectory() as d:
        host, asan = os.path.join(d, "host.json"), os.path.join(d, "build-asan.json")
        with open(host, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in log)
        with open(asan, "w") as f:
            f.write(json.dumps({"name": "u", "result": "FAIL", "stdout": ""}) + "\n")
        got = summary(*collect([host, asan, os.path.join(d, "absent.json")]))
    want = ("figures (5 figure lines): escapes tried 5 stopped 4; faults injected 4 survived 3; "
            "calls under load 7; fuzz executions 1000; "
            "sanitizer findings 1 (fuzz targets and the sanitizer build)")
    if got != want:
        print(f"figures.py self-test: got\n  {got}\nwant\n  {want}")
        return 1
    print("figures.py self-test: ok")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 2:
        print(__doc__.strip())
        return 2
    print(summary(*collect(argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
