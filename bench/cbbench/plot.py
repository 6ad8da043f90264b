"""The trapped-call latency chart: one horizontal bar per mode (median µs
per call), a whisker from the fastest to the slowest sample, written as SVG
directly from the results (no plotting library)."""

import math
from xml.sax.saxutils import escape

SECTIONS = [
    ("trapped no-op: getppid from an i386 guest, answered CONTINUE", [
        ("floor-nosync", "minimal supervisor, no sync wake-up", "floor"),
        ("floor-sync", "minimal supervisor, sync wake-up", "floor"),
        ("compatbox-nosync", "compatbox --no-sync-wakeup", "compatbox"),
        ("compatbox", "compatbox (sync wake-up)", "compatbox"),
        ("strace", "strace -f", "peer"),
    ]),
    ("ioctl(TCGETS) on a pseudo-terminal from an i386 guest", [
        ("tcgets-native", "native (kernel compat path)", "native"),
        ("tcgets-default", "compatbox default (performed)", "compatbox"),
        ("tcgets-translate", "compatbox --translate", "compatbox"),
        ("tcgets-passthrough", "compatbox --passthrough", "compatbox"),
        ("tcgets-proot", "proot", "peer"),
        ("tcgets-qemu", "qemu-i386", "peer"),
    ]),
]
COLOURS = {"floor": "#9e9e9e", "compatbox": "#1f6fb4", "peer": "#e07b24", "native": "#3a9a4a"}


def nice_step(top, ticks=8):
    raw = top / ticks
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def svg(results):
    """The chart for RESULTS (the dict written to results.json), as text."""
    cases = {c["id"]: c for c in results.get("cases", [])}
    rows = []  # (kind, ...) in drawing order
    top = 0.0
    for title, items in SECTIONS:
        rows.append(("title", title))
        for cid, label, kind in items:
            c = cases.get(cid)
            st = (c.get("stats") or {}).get("value") if c else None
            if st:
                top = max(top, st["max"] / 1000)
                rows.append(("bar", label, kind, st["median"] / 1000, st["min"] / 1000,
                             st["max"] / 1000))
            else:
                why = (c.get("missing") or (c.get("errors") or ["no data"])[-1]) if c \
                    else "not run"
                rows.append(("none", label, why))
    top = top or 1.0
    step = nice_step(top)
    top = step * math.ceil(top / step)

    left, right, width = 290, 30, 820
    plot_w = width - left - right
    y0, row_h = 70, 24
    height = y0 + row_h * len(rows) + 50

    def x(v):
        return left + plot_w * v / top

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
           % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>']
    m = results.get("machine", {})
    out.append('<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (
        10, escape("compatbox: cost of one call, µs (median; whisker: fastest..slowest sample)")))
    out.append('<text x="10" y="40" fill="#555">%s</text>' % escape(
        "%s, %s CPUs, Linux %s; %s" % (m.get("cpu_model", "?"), m.get("cpus", "?"),
                                      m.get("kernel", "?"), results.get("date", "?"))))
    lx = 10
    for kind, name in [("native", "native"), ("floor", "minimal supervisor"),
                       ("compatbox", "compatbox"), ("peer", "what users would pick instead")]:
        out.append('<rect x="%d" y="49" width="10" height="10" fill="%s"/>'
                   % (lx, COLOURS[kind]))
        out.append('<text x="%d" y="58" fill="#333">%s</text>' % (lx + 14, escape(name)))
        lx += 14 + 7 * len(name) + 24
    y_end = y0 + row_h * len(rows)
    v = 0.0
    while v <= top + 1e-9:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e4e4e4"/>'
                   % (x(v), y0, x(v), y_end))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%g</text>'
                   % (x(v), y_end + 16, round(v, 6)))
        v += step
    out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">µs per call</text>'
               % (left + plot_w / 2, y_end + 34))
    y = y0
    for r in rows:
        if r[0] == "title":
            out.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + 16, escape(r[1])))
        elif r[0] == "bar":
            _, label, kind, med, lo, hi = r
            out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                       % (left - 8, y + 16, escape(label)))
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (left, y + 5, max(1.0, x(med) - left), row_h - 10, COLOURS[kind]))
            cy = y + row_h / 2
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222"/>'
                       % (x(lo), cy, x(hi), cy))
            for e in (lo, hi):
                out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222"/>'
                           % (x(e), cy - 4, x(e), cy + 4))
            out.append('<text x="%.1f" y="%d" fill="#222">%s</text>'
                       % (x(hi) + 5, y + 16, "%.2f" % med if med < 10 else "%.1f" % med))
        else:
            _, label, why = r
            out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                       % (left - 8, y + 16, escape(label)))
            out.append('<text x="%d" y="%d" fill="#b00">%s</text>'
                       % (left + 4, y + 16, escape(why[:90])))
        y += row_h
    out.append("</svg>")
    return "\n".join(out) + "\n"
