#!/usr/bin/env python3
"""Print a compatbox audit trail (docs/audit.md) as a table a person can read:
one row per call record; dropped records are counted at the end."""
import json
import sys


def result(r):
    res = r.get("result")
    if res is None:
        return "(kernel ran it)"
    return res.get("errno") or str(res.get("ret"))


def main(path):
    summary = None
    rows = [("pid", "comm", "arch", "call", "fd", "target", "request", "dir/size", "action", "result")]
    dropped = 0
    for line in open(path):
        if not line.endswith("\n"):
            break  # a last record cut short: not a record
        r = json.loads(line)
        if r.get("kind") == "stats":  # the run's counts (--stats), before end
            a = r["stats"]["all"]
            summary = ", ".join(f"{k} {a[k]}" for k in ("performed", "translated", "errors",
                                                        "denied", "abandoned", "kernel"))
        if r.get("kind") == "dropped":
            dropped += r["count"]
        if r.get("kind", "call") != "call":
            continue
        req = r.get("request")
        if req:
            name = req["name"] or req["value"]
            dirsize = f'{req["dir"]}/{req["size"]}'
        else:
            name, dirsize = "", ""
        rows.append((str(r["pid"]), r.get("comm", ""), r["arch"], r["syscall"], str(r.get("fd", "")),
                     r.get("path", ""), name, dirsize, r["action"], result(r) if req else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(col.ljust(w) for col, w in zip(row, widths)).rstrip())
    if summary:
        print(f"calls: {summary}")
    if dropped:
        print("%d records dropped (the trail's destination did not keep up)" % dropped)


if __name__ == "__main__":
    main(sys.argv[1])
