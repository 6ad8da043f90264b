#!/usr/bin/env python3
"""Print a compatbox JSON-lines log as a table a person can read."""
import json
import sys


def result(r):
    res = r.get("result")
    if res is None:
        return "(kernel ran it)"
    return res.get("errno") or str(res.get("ret"))


def main(path):
    summary = None
    rows = [("pid", "arch", "call", "fd", "target", "request", "dir/size", "action", "result")]
    for line in open(path):
        r = json.loads(line)
        if "stats" in r:  # the run's counts (--stats), the last line
            a = r["stats"]["all"]
            summary = ", ".join(f"{k} {a[k]}" for k in ("performed", "translated", "errors",
                                                        "denied", "abandoned", "kernel"))
            continue
        req = r.get("request")
        if req:
            name = req["name"] or req["value"]
            dirsize = f'{req["dir"]}/{req["size"]}'
        else:
            name, dirsize = "", ""
        rows.append((str(r["pid"]), r["arch"], r["syscall"], str(r.get("fd", "")),
                     r.get("path", ""), name, dirsize, r["action"], result(r) if req else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(col.ljust(w) for col, w in zip(row, widths)).rstrip())
    if summary:
        print(f"calls: {summary}")


if __name__ == "__main__":
    main(sys.argv[1])
