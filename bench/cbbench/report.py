"""Statistics, the table of each group, and the checks: ratios of two cases'
medians (the cases of one round ran back to back, so a round's ratio is a
paired sample) and absolute limits, each with a verdict."""

import statistics


def stats(samples):
    if not samples:
        return None
    med = statistics.median(samples)
    return {"median": med, "min": min(samples), "max": max(samples), "n": len(samples),
            "spread_pct": 100.0 * (max(samples) - min(samples)) / med if med else 0.0}


def used_metric(case, used, metric):
    """CASE's samples of METRIC in the rounds USED."""
    return [r[metric] for r in (case.rounds[i] for i in used)
            if r is not None and isinstance(r.get(metric), (int, float))]


def case_stats(case, used):
    keys = set()
    for r in case.rounds:
        if r:
            keys.update(k for k, v in r.items() if isinstance(v, (int, float)))
    return {k: stats(used_metric(case, used, k)) for k in sorted(keys)}


class Display:
    """How a group's table shows its cases: METRIC in UNIT (value *
    SCALE), and a second metric beside it."""

    def __init__(self, metric, unit, scale, fmt, second=None, second_head=None):
        self.metric, self.unit, self.scale, self.fmt = metric, unit, scale, fmt
        self.second, self.second_head = second, second_head


def print_table(log, cases, used, disp, note):
    log("")
    log(note)
    w = max([19] + [len(c.id) for c in cases])
    head = "%-*s %11s %10s %10s %7s" % (w, "case", "median " + disp.unit, "min", "max", "spread")
    if disp.second:
        head += " %11s" % disp.second_head
    log(head + "  what")
    for c in cases:
        st = c.stats.get(disp.metric) if c.stats else None
        if st is None:
            why = c.missing or ("failed: " + c.errors[-1] if c.errors else "no data")
            log("%-*s %11s %10s %10s %7s%s  %s [%s]" % (
                w, c.id, "-", "-", "-", "-", " %11s" % "-" if disp.second else "", c.label, why))
            continue
        f = disp.fmt
        row = "%-*s %11s %10s %10s %6.1f%%" % (
            w, c.id, f % (st["median"] * disp.scale), f % (st["min"] * disp.scale),
            f % (st["max"] * disp.scale), st["spread_pct"])
        if disp.second:
            s2 = c.stats.get(disp.second)
            row += " %11s" % (f % (s2["median"] * disp.scale) if s2 else "-")
        log(row + "  " + c.label)


class Check:
    """A ratio NUM/DEN of the medians of METRIC (DEN None: NUM's median
    itself, shown times SCALE in UNIT), compared with TARGET by CMP ("<=",
    ">=", or None: information only). SECOND: the metric whose ratio is
    shown beside it (best-chunk, CPU time), if both cases have it, of its
    SECOND_STAT ("median", or "min": the fastest samples)."""

    def __init__(self, name, num, den, cmp, target, what, metric="value", second="best",
                 unit="", scale=1.0, second_stat="median"):
        self.name, self.num, self.den = name, num, den
        self.cmp, self.target, self.what = cmp, target, what
        self.metric, self.second, self.unit, self.scale = metric, second, unit, scale
        self.second_stat = second_stat

    def evaluate(self, by_id, used_of):
        """A dict for the report and the JSON."""
        cn = by_id.get(self.num)
        cd = by_id.get(self.den) if self.den else None
        res = {"name": self.name, "numerator": self.num, "denominator": self.den,
               "metric": self.metric, "what": self.what,
               "target": "%s%g%s" % (self.cmp, self.target, self.unit) if self.cmp else None,
               "value": None, "per_round": [], "second_value": None, "second": None,
               "why_none": None}
        if cn is None or (self.den and cd is None):
            return None  # a case not selected: the check is not made
        sn = cn.stats.get(self.metric) if cn.stats else None
        if self.den is None:
            if sn:
                res["value"] = sn["median"] * self.scale
                res["per_round"] = [x * self.scale
                                    for x in used_metric(cn, used_of(cn), self.metric)]
            else:
                res["why_none"] = cn.missing or "no data"
        else:
            sd = cd.stats.get(self.metric) if cd.stats else None
            if sn and sd and sd["median"]:
                res["value"] = sn["median"] / sd["median"]
                used = sorted(set(used_of(cn)) & set(used_of(cd)))
                for i in used:
                    a, b = cn.rounds[i], cd.rounds[i]
                    if a and b and b.get(self.metric):
                        res["per_round"].append(a[self.metric] / b[self.metric])
                s2n = cn.stats.get(self.second) if self.second else None
                s2d = cd.stats.get(self.second) if self.second else None
                k = self.second_stat
                if s2n and s2d and s2d[k]:
                    res["second_value"] = s2n[k] / s2d[k]
                    res["second"] = "%s of %s" % (k, self.second)
            else:
                res["why_none"] = (cn.missing or cd.missing or
                                   ("no data for " + (self.num if not sn else self.den)))
        v = res["value"]
        if v is None:
            res["verdict"] = "n/a"
        elif self.cmp is None:
            res["verdict"] = "info"
        else:
            ok = v <= self.target if self.cmp == "<=" else v >= self.target
            res["verdict"] = "PASS" if ok else "FAIL"
        return res


def print_checks(log, results):
    if not results:
        return
    w = max([35] + [len(r["name"]) for r in results])
    log("")
    log("%-*s %8s %13s %8s %9s %8s" % (w, "check (ratio of medians)", "value", "per-round",
                                       "2nd", "target", "verdict"))
    for r in results:
        v = r["value"]
        rng = ("%.2f..%.2f" % (min(r["per_round"]), max(r["per_round"]))
               if r["per_round"] else "-")
        log("%-*s %8s %13s %8s %9s %8s%s" % (
            w, r["name"], "%.3f" % v if v is not None else "-", rng,
            "%.3f" % r["second_value"] if r["second_value"] is not None else "-",
            r["target"] or "-", r["verdict"],
            "  (%s)" % r["why_none"] if r["why_none"] else ""))
