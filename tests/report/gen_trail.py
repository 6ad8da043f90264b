#!/usr/bin/env python3
"""Write a synthetic audit trail (docs/audit.md, schema v1) of N call lines:
for the report's benchmark and its bounded-memory test. Deterministic: the
same N gives the same bytes. Usage: gen_trail.py N OUT"""
import sys

T0 = 1764489600000000000
DEVICES = [  # fd, path, type, dev, request, name, dir, size, known
    (0, "/dev/pts/0", "chr", "136:0", 0x5401, "TCGETS", "none", 0, True),
    (0, "/dev/pts/0", "chr", "136:0", 0x5413, "TIOCGWINSZ", "none", 0, True),
    (3, "socket:[4242]", "sock", None, 0x541B, "FIONREAD", "none", 0, True),
    (4, "pipe:[77]", "fifo", None, 0x5421, "FIONBIO", "none", 0, True),
    (5, "/dev/mydev", "chr", "240:0", 0x80104D01, None, "r", 16, False),
    (6, "/dev/null", "chr", "1:3", 0xDEADBEEF, None, "rw", 7853, False),
    (7, "/dev/net/tun", "chr", "10:200", 0x400454CA, "TUNSETIFF", "w", 4, True),
]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    pids = [(1000 + k, 999 if k == 0 else 1000) for k in range(8)]
    with open(out, "w") as f:
        f.write('{"v":1,"kind":"start","t":%d,"argv":["./bench-guest","--many"],"policy":"audit",'
                '"compatbox":"0.1.0","host":{"kernel":"6.18.0"}}\n' % T0)
        for pid, ppid in pids:
            f.write('{"v":1,"kind":"process","t":%d,"pid":%d,"ppid":%d,"exe":"/usr/bin/bench-guest",'
                    '"comm":"bench-guest"}\n' % (T0 + 1, pid, ppid))
        lines = []
        for i in range(n):
            fd, path, typ, dev, req, name, d, size, known = DEVICES[i % len(DEVICES)]
            pid = pids[i % len(pids)][0]
            arch = "i386" if pid % 2 else "x86_64"
            target = '{"type":"%s","dev":"%s"}' % (typ, dev) if dev else '{"type":"%s"}' % typ
            namej = '"%s"' % name if name else "null"
            infer = ""
            if not known:
                infer = (',"infer":{"ptr_words":[8],"other_size":["MYDEV_GET(24)"],'
                         '"native_enotty":true}')
            payload = ('"payload":{"hex":"%s","len":16,"truncated":false,"when":"before"}' % ("00" * 16)) \
                if size else '"payload":{"fields":{"value":7},"when":"after"}'
            result = '{"ret":-1,"errno":"ENOTTY"}' if not known else '{"ret":0}'
            lines.append(
                '{"v":1,"kind":"call","t":%d,"pid":%d,"tid":%d,"comm":"bench-guest","exe":"/usr/bin/bench-guest",'
                '"arch":"%s","syscall":"ioctl","nr":54,"args":["0x%x","0x%x","0xffd01000","0x0","0x0","0x0"],'
                '"fd":%d,"path":"%s","target":%s,'
                '"request":{"value":"0x%x","name":%s,"dir":"%s","type":"T","nr":1,"size":%d,"known":%s},%s%s,'
                '"decision":"log","rule":"audit.policy:12:1","action":"performed",'
                '"result":%s,"dur_ns":%d}\n'
                % (T0 + 1000 * i, pid, pid, arch, fd, req, fd, path, target, req, namej, d, size,
                   "true" if known else "false", payload, infer, result, 2000 + i % 977))
            if len(lines) == 10000:
                f.write("".join(lines))
                lines = []
            if i % 100000 == 99999:
                f.write('{"v":1,"kind":"dropped","t":%d,"count":5}\n' % (T0 + 1000 * i))
        f.write("".join(lines))
        f.write('{"v":1,"kind":"end","t":%d,"status":0,"calls":%d,"dropped":%d}\n'
                % (T0 + 1000 * n, n, 5 * (n // 100000)))


main()
