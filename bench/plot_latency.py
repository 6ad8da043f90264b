#!/usr/bin/env python3
"""Redraw the trapped-call latency chart from a results.json written by
run_bench.py:

    python3 bench/plot_latency.py [RESULTS.json [OUT.svg]]

(defaults: bench/results.json, docs/trapped-latency.svg -- the committed
copy that docs/performance.md shows)."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cbbench import plot  # noqa: E402


def main():
    if len(sys.argv) > 3 or (len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 2
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results.json")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "docs",
                                                            "trapped-latency.svg")
    with open(src) as f:
        results = json.load(f)
    with open(dst, "w") as f:
        f.write(plot.svg(results))
    print(dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
