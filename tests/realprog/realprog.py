#!/usr/bin/env python3
"""Real programs, differential: Debian 12's i386 builds of everyday programs
(scripts/realprog-root.sh unpacks them and their libraries into a root), each
command run natively and under `compatbox run --translate`, with that root's
ld-linux.so.2: the same output on stdout and stderr, the same exit status,
the same files left behind.

The translated runs also trap every other i386 call that natively enters the
kernel through compat_sys_*, sys_ia32_* or *_time32 (a `perform` rule: the
kernel still runs what nothing performs), so their --stats say which share
of those calls was performed in user space. Printed at the end, with the
calls still left to the kernel.

  realprog.py COMPATBOX [--only NAME,...] [--stats-out FILE]
"""
import concurrent.futures
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


def fixture(d):
    """The files every command starts from (the same bytes every run)."""
    os.makedirs(os.path.join(d, "data", "sub", "deep"))
    words = ["apple", "banana", "cherry", "date", "elder", "fig", "grape", "apple", "banana"]
    with open(os.path.join(d, "data", "words.txt"), "w") as f:
        for i in range(200):
            f.write(f"{words[i % len(words)]} {i} {i * 7919 % 1000}\n")
    with open(os.path.join(d, "data", "passwd"), "w") as f:
        for i in range(20):
            f.write(f"user{i}:x:{1000 + i}:{100 + i % 3}:User {i}:/home/user{i}:/bin/sh\n")
    with open(os.path.join(d, "data", "blob.bin"), "wb") as f:
        f.write(bytes((i * 37 + i // 256) % 256 for i in range(100000)))
    with open(os.path.join(d, "data", "a.txt"), "w") as f:
        f.write("one\ntwo\nthree\nfour\nfive\n")
    with open(os.path.join(d, "data", "b.txt"), "w") as f:
        f.write("one\n2\nthree\nfour\nfive\nsix\n")
    with open(os.path.join(d, "data", "sub", "notes.md"), "w") as f:
        f.write("# notes\nneedle here\n")
    with open(os.path.join(d, "data", "sub", "deep", "x.txt"), "w") as f:
        f.write("deep needle\n")
    os.symlink("words.txt", os.path.join(d, "data", "link"))
    os.chmod(os.path.join(d, "data", "passwd"), 0o640)
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            os.utime(os.path.join(root, n), (1700000000, 1700000000), follow_symlinks=False)


def commands(port, sleeper):
    """(name, [step, ...]): a step is (program, args[, stdin bytes])."""
    url = f"http://127.0.0.1:{port}"
    one = lambda name, prog, *args, stdin=None: (name, [(prog, list(args), stdin)])
    return [
        # coreutils
        one("ls", "ls", "-lnR", "--time-style=+%s", "data"),
        one("cat", "cat", "data/words.txt", "data/a.txt"),
        one("wc", "wc", "-lwc", "data/words.txt", "data/blob.bin"),
        one("sort", "sort", "-k3n", "-k1", "data/words.txt"),
        one("uniq", "uniq", "-c", stdin=b"a\na\nb\nc\nc\nc\n"),
        one("head-tail", "tail", "-n", "3", "data/passwd"),
        one("cut", "cut", "-d:", "-f1,3,6", "data/passwd"),
        one("tr", "tr", "a-z", "A-Z", stdin=b"hello, world\n"),
        one("sha256sum", "sha256sum", "data/blob.bin", "data/words.txt"),
        one("md5sum-check", "md5sum", "-c", stdin=b"5d41402abc4b2a76b9719d911017c592  missing\n"),
        one("stat", "stat", "-c", "%n %s %a %F %h %Y", "data/words.txt", "data/link", "data/sub"),
        one("stat-L", "stat", "-L", "-c", "%n %s %F", "data/link"),
        one("du", "du", "-ab", "data"),
        one("df-type", "df", "--output=fstype", "data"),
        one("od", "od", "-An", "-tx1", "-N32", "data/blob.bin"),
        one("date", "date", "-u", "-d", "@1234567890", "+%F %T %s"),
        one("seq", "seq", "-s", ",", "1", "7", "100"),
        one("expr", "expr", "6", "*", "7"),
        one("id", "id", "-u"),
        one("missing-file", "cat", "data/nope"),
        ("cp-mv-rm", [("cp", ["-a", "data/sub", "copy"], None), ("mv", ["copy/notes.md", "copy/n.md"], None),
                      ("rm", ["-r", "copy/deep"], None), ("ls", ["-ln", "--time-style=+%s", "copy"], None)]),
        ("mkdir-ln", [("mkdir", ["-p", "m/a/b"], None), ("ln", ["-s", "../../data/a.txt", "m/a/l"], None),
                      ("readlink", ["m/a/l"], None), ("cat", ["m/a/l"], None)]),
        ("truncate-touch", [("truncate", ["-s", "12345", "t"], None), ("chmod", ["600", "t"], None),
                            ("touch", ["-d", "@1000", "t"], None), ("stat", ["-c", "%s %a %Y", "t"], None)]),
        ("dd-split", [("dd", ["if=data/blob.bin", "of=d.bin", "bs=4096", "skip=3", "count=5", "status=none"], None),
                      ("split", ["-b", "7000", "d.bin", "part."], None), ("ls", ["-n", "--time-style=+", "."], None)]),
        # findutils
        one("find", "find", "data", "-name", "*.txt", "-printf", "%p %s %m\n"),
        one("find-type", "find", "data", "-type", "l", "-o", "-type", "d"),
        one("xargs", "xargs", "-n", "2", "echo", stdin=b"a b c d e\n"),
        # grep, sed
        one("grep-r", "grep", "-rn", "needle", "data"),
        one("grep-c", "grep", "-cE", "^(apple|fig) ", "data/words.txt"),
        one("grep-none", "grep", "zzz", "data/a.txt"),
        one("sed", "sed", "-n", "s/^user\\([0-9]*\\):.*/u\\1/p", "data/passwd"),
        ("sed-i", [("sed", ["-i", "s/one/ONE/", "data/a.txt"], None), ("cat", ["data/a.txt"], None)]),
        # tar, compressors
        ("tar", [("tar", ["-cf", "x.tar", "--owner=0", "--group=0", "data"], None), ("tar", ["-tvf", "x.tar"], None),
                 ("mkdir", ["out"], None), ("tar", ["-xf", "x.tar", "-C", "out"], None),
                 ("diff", ["-r", "data", "out/data"], None)]),
        ("gzip", [("gzip", ["-9", "-k", "data/blob.bin"], None), ("gzip", ["-l", "data/blob.bin.gz"], None),
                  ("gzip", ["-dc", "data/blob.bin.gz"], None)]),
        ("bzip2", [("bzip2", ["-k", "data/words.txt"], None), ("bzip2", ["-dc", "data/words.txt.bz2"], None)]),
        ("xz", [("xz", ["-k", "-T1", "data/blob.bin"], None), ("xz", ["-l", "data/blob.bin.xz"], None),
                ("xz", ["-dc", "data/blob.bin.xz"], None)]),
        one("tar-c", "tar", "-cf", "-", "--owner=0", "--group=0", "--sort=name", "data"),
        one("gzip-c", "gzip", "-9c", "data/words.txt"),
        one("bzip2-c", "bzip2", "-c", "data/words.txt"),
        one("xz-c", "xz", "-T1", "-c", "data/words.txt"),
        # diffutils
        one("diff", "diff", "-u", "data/a.txt", "data/b.txt"),
        one("cmp", "cmp", "data/a.txt", "data/b.txt"),
        # sqlite3: file I/O with POSIX locks
        one("sqlite3", "sqlite3", "db.sqlite",
            "create table t(a, b); insert into t values (1, 'x'), (2, 'y'); "
            "update t set b = b || b; select a, b, length(b) from t order by a;"),
        # python3: the interpreter, its modules, a socketpair, select, files
        one("python3", "python3.11", "-c",
            "import os, json, hashlib, socket, select, time, zlib\n"
            "a, b = socket.socketpair(); a.sendall(b'ping'); r, _, _ = select.select([b], [], [], 5)\n"
            "print(len(r), b.recv(4), sorted(os.listdir('data')))\n"
            "print(hashlib.sha1(open('data/blob.bin', 'rb').read()).hexdigest(), len(zlib.compress(b'x' * 1000)))\n"
            "print(json.dumps({'st': os.stat('data/passwd').st_mode, 'sz': os.path.getsize('data/words.txt')}))\n"
            "os.makedirs('py/a'); open('py/a/f', 'w').write('z' * 10); print(os.stat('py/a/f').st_size)"),
        one("python3-S", "python3.11", "-S", "-c", "import os; print(os.getcwd() != '', len(os.listdir('data')))"),
        one("sqlite3-mem", "sqlite3", ":memory:", "select 6 * 7, upper('ok');"),
        one("python3-error", "python3.11", "-c", "import sys; print('out'); sys.exit(3)"),
        # busybox
        one("busybox-ls", "busybox", "ls", "-ln", "data"),
        one("busybox-wc", "busybox", "wc", "data/words.txt"),
        one("busybox-sha1", "busybox", "sha1sum", "data/blob.bin"),
        one("busybox-find", "busybox", "find", "data", "-name", "*.md"),
        # iproute2: netlink sockets
        one("ip-link", "ip", "-o", "link", "show", "dev", "lo"),
        one("ip-addr", "ip", "-4", "-o", "addr", "show", "dev", "lo"),
        # procps
        one("ps", "ps", "-o", "comm=,stat=", "-p", str(sleeper)),
        one("sysctl", "sysctl", "-n", "kernel.ostype"),
        one("pgrep-none", "pgrep", "-x", "no-such-process-here"),
        # util-linux
        one("rev", "rev", "data/a.txt"),
        one("namei", "namei", "-m", "data/sub/deep/x.txt"),
        one("prlimit", "prlimit", "--nofile", "--stack", "--noheadings", "--output", "RESOURCE,SOFT,HARD"),
        ("fallocate", [("fallocate", ["-l", "1M", "f"], None), ("fallocate", ["-p", "-o", "4096", "-l", "8192", "f"], None),
                       ("stat", ["-c", "%s", "f"], None)]),
        one("findmnt", "findmnt", "-n", "-o", "FSTYPE", "--target", "data"),
        one("getopt", "getopt", "-o", "ab:", "-l", "long", "--", "-a", "-b", "x", "--long", "rest"),
        # openssl
        one("openssl-dgst", "openssl", "dgst", "-sha256", "data/blob.bin"),
        ("openssl-enc", [("openssl", ["enc", "-aes-256-cbc", "-nosalt", "-K", "00" * 32, "-iv", "11" * 16,
                                      "-in", "data/words.txt", "-out", "e.bin"], None),
                         ("openssl", ["base64", "-in", "e.bin"], None)]),
        one("openssl-prime", "openssl", "prime", "1000003"),
        # curl against a local server
        one("curl", "curl", "-sS", f"{url}/data/words.txt"),
        one("curl-w", "curl", "-sS", "-o", "got", "-w", "%{http_code} %{size_download}\n", f"{url}/data/blob.bin"),
        one("curl-404", "curl", "-sS", "-f", "-o", "/dev/null", f"{url}/data/none"),
        # iptables from a root of its own, in a network namespace (NETNS)
        ("iptables", [(NETNS, [IPTABLES], None)]),
    ]


# A step whose program is NETNS runs `sh -c ARG` (the host's sh; the i386
# programs it starts are the ones compared) in a new network namespace,
# natively as root and translated with the capabilities the native run
# has; its environment names the iptables root (realprog-root.sh iptables).
NETNS = "@netns"
IPTABLES = r'''
ipt() { p=$1; shift; "$CB_LD" --library-path "$CB_LIBS" "$CB_IPT/usr/sbin/$p" "$@"; echo "exit $?"; }
ipt iptables-legacy -N mychain
ipt iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT
ipt iptables-legacy -A INPUT -s 10.1.0.0/16 -j mychain
ipt iptables-legacy -A mychain -p udp --dport 53 -m comment --comment dns -j RETURN
ipt iptables-legacy -A mychain -j DROP
ipt iptables-legacy -P FORWARD DROP
ipt iptables-legacy -S
ipt iptables-legacy -L -n -v -x --line-numbers
ipt iptables-legacy -Z
ipt iptables-legacy -D INPUT 1
ipt iptables-legacy -S INPUT
ipt iptables-legacy -F
ipt iptables-legacy -X mychain
ipt iptables-legacy -S
ipt ip6tables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT
ipt ip6tables-legacy -S
'''


# In the VMs (TCG: 10 to 30 times slower, more on a busy machine) a command
# costs 1 to 25 s: there 13 commands run, one of each of 13 packages, to stay
# near a minute; the others (findutils, tar, gzip, bzip2, procps) on the host.
VM_SET = ("cat", "grep-c", "sed", "xz-c", "diff", "sqlite3-mem", "python3-S", "busybox-ls", "ip-addr",
          "namei", "openssl-dgst", "curl", "iptables")


def in_vm():
    """scripts/vm.sh boots its kernels with cb.kver= on the command line."""
    try:
        return "cb.kver=" in open("/proc/cmdline").read()
    except OSError:
        return False


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def snapshot(d):
    """What a command left behind: names, kinds, modes, sizes, contents."""
    out = []
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for n in sorted(dirs + files):
            p = os.path.join(root, n)
            st = os.lstat(p)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out.append((rel, "l", os.readlink(p)))
            elif os.path.isdir(p):
                out.append((rel, "d", oct(st.st_mode)))
            else:
                out.append((rel, "f", oct(st.st_mode), open(p, "rb").read()))
    return out


def main(argv):
    compatbox = os.path.abspath(argv[1])
    only = None
    stats_out = None
    i = 2
    while i < len(argv):
        if argv[i] == "--only":
            only = set(argv[i + 1].split(","))
            i += 2
        elif argv[i] == "--stats-out":
            stats_out = argv[i + 1]
            i += 2
        else:
            sys.exit(__doc__)
    if only is None and in_vm() and not os.environ.get("REALPROG_ALL"):
        only = set(VM_SET)
        print(f"# in a VM: {len(only)} of the commands (REALPROG_ALL=1: all)")
    # Made first, also where this run does not cover i386: the VMs, which
    # see this machine's cache read-only, use the root it makes.
    p = subprocess.run([os.path.join(SRC, "scripts", "realprog-root.sh")], stdout=subprocess.PIPE,
                       text=True)
    if p.returncode == 3:
        print("SKIP: Debian's i386 packages cannot be fetched (offline?) or unpacked (a read-only "
              "cache) and ~/.cache/compatbox/i386root is not there: run scripts/realprog-root.sh "
              "once online")
        return 77
    if p.returncode != 0:
        print(f"scripts/realprog-root.sh failed (exit {p.returncode})")
        return 1
    if "32" not in os.environ.get("CB_ABIS", "32 64").split():
        print("SKIP: this run does not cover i386 (CB_ABIS); the real programs run on the VM kernels")
        return 77
    root = p.stdout.strip()
    ld = os.path.join(root, "lib", "ld-linux.so.2")
    libpath = f"{root}/lib/i386-linux-gnu:{root}/usr/lib/i386-linux-gnu"
    compat_calls = subprocess.run([os.path.join(SRC, "scripts", "syscall-classes.py"), "compat-calls"],
                                  stdout=subprocess.PIPE, text=True, check=True).stdout.strip()

    def binary(prog):
        for d in ("usr/bin", "bin", "usr/sbin", "sbin"):
            b = os.path.join(root, d, prog)
            if os.path.exists(b):
                return b
        raise SystemExit(f"{prog} is not in {root}: remove {root} and rerun")

    tmp = tempfile.mkdtemp(prefix="realprog.")
    try:
        fix = os.path.join(tmp, "fixture")
        fixture(fix)
        policy = os.path.join(tmp, "count.policy")
        with open(policy, "w") as f:
            # --translate, and every other call with a compat entry trapped:
            # nothing performs those, so the kernel runs them (counted).
            # Not ioctl: translate's own ioctl rule traps every request, and
            # a perform rule would take its place (performed as is, never
            # translated).
            calls = [n for n in compat_calls.split(",") if n != "ioctl"]
            f.write("include translate\nperform [i386] " + ", ".join(calls) + "\n")
        srv = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), lambda *a: Quiet(*a, directory=fix))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        sleeper = subprocess.Popen(["sleep", "120"])
        env = {"LC_ALL": "C", "TZ": "UTC", "PATH": "/usr/bin:/bin", "HOME": tmp, "TERM": "dumb",
               "PYTHONHOME": os.path.join(root, "usr"), "PYTHONDONTWRITEBYTECODE": "1"}
        cmds = [(n, st) for n, st in commands(srv.server_address[1], sleeper.pid)
                if not only or n in only]
        # The iptables command: root (a network namespace, its tables) and
        # its own root of packages; the modules where they are modules.
        ipt_env = {}
        if any(n == "iptables" for n, _ in cmds):
            why = None
            q = subprocess.run([os.path.join(SRC, "scripts", "realprog-root.sh"), "iptables"],
                               stdout=subprocess.PIPE, text=True)
            if os.geteuid() != 0:
                why = "needs root (a network namespace and its tables)"
            elif q.returncode != 0:
                why = f"scripts/realprog-root.sh iptables failed (exit {q.returncode})"
            else:
                ipt = q.stdout.strip()
                ipt_env = {"CB_LD": os.path.join(ipt, "lib", "ld-linux.so.2"),
                           "CB_LIBS": f"{ipt}/lib/i386-linux-gnu:{ipt}/usr/lib/i386-linux-gnu",
                           "CB_IPT": ipt, "XTABLES_LIBDIR": f"{ipt}/usr/lib/i386-linux-gnu/xtables"}
                for mod in ("ip_tables", "iptable_filter", "ip6_tables", "ip6table_filter",
                            "xt_tcpudp", "xt_comment"):
                    subprocess.run(["modprobe", mod], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, check=False)
                # (A kernel without xtables compat, Debian's 6.12, refuses
                # the i386 tables natively: compared all the same.)
                if subprocess.run(["unshare", "-n", ipt_env["CB_LD"], "--library-path",
                                   ipt_env["CB_LIBS"], f"{ipt}/usr/sbin/iptables-legacy", "--version"],
                                  env=dict(env, **ipt_env), capture_output=True).returncode != 0:
                    why = "iptables-legacy cannot run here (no network namespace?)"
            if why:
                print(f"skip - iptables: {why}")
                cmds = [(n, st) for n, st in cmds if n != "iptables"]

        def run_one(name, steps):
            """Native, then translated, each from a fresh copy of the fixture
            (the same path both times): the outputs, files and counts."""
            work = os.path.join(tmp, "w-" + name)
            results, counts = [], []
            t0 = time.monotonic()
            for mode in ("native", "translated"):
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(fix, work, symlinks=True)
                outs = []
                for n, (prog, args, stdin) in enumerate(steps):
                    netns = prog == NETNS
                    cmd = ["sh", "-c"] + args if netns else [ld, "--library-path", libpath, binary(prog)] + args
                    if mode == "translated":
                        st = os.path.join(tmp, f"stats.{name}.{n}.json")
                        caps = ["--keep-caps=net_admin,net_raw"] if netns else []
                        cmd = [compatbox, "run", "--policy", policy, f"--stats={st}"] + caps + ["--"] + cmd
                    if netns:
                        cmd = ["unshare", "-n"] + cmd
                    r = subprocess.run(cmd, cwd=work, env=dict(env, **ipt_env) if netns else env,
                                       input=stdin or b"", capture_output=True, timeout=120)
                    outs.append((r.returncode, r.stdout, r.stderr))
                    if mode == "translated" and os.path.exists(st):
                        counts += [c for c in json.load(open(st))["stats"]["calls"] if c["arch"] == "i386"]
                results.append((outs, snapshot(work)))
            shutil.rmtree(work, ignore_errors=True)
            return results, counts, time.monotonic() - t0

        # As many commands at a time as there are CPUs: the VMs' TCG runs
        # one thread per virtual CPU.
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = [pool.submit(run_one, name, steps) for name, steps in cmds]
        totals = {}
        same = 0
        failed = []
        for (name, steps), fut in zip(cmds, futures):
            ((n_outs, n_snap), (c_outs, c_snap)), counts, secs = fut.result()
            for c in counts:
                t = totals.setdefault(c["syscall"], {})
                for k in ("total", "performed", "translated", "errors", "kernel"):
                    t[k] = t.get(k, 0) + c[k]
                t["task"] = t.get("task", 0) + c.get("kernel_why", {}).get("task", 0)
            if n_outs != c_outs:
                failed.append(name)
                for k, (a, b) in enumerate(zip(n_outs, c_outs)):
                    if a != b:
                        print(f"not ok - {name}: step {k + 1} differs")
                        print(f"  native:     exit {a[0]}, stdout {a[1][:300]!r}, stderr {a[2][:300]!r}")
                        print(f"  translated: exit {b[0]}, stdout {b[1][:300]!r}, stderr {b[2][:300]!r}")
                        break
            elif n_snap != c_snap:
                failed.append(name)
                diff = sorted({x[0] for x in set(n_snap) ^ set(c_snap)})[:5]
                print(f"not ok - {name}: the files left behind differ: {', '.join(diff)}")
            else:
                same += 1
                codes = ",".join(str(o[0]) for o in n_outs)
                print(f"ok - {name} (exit {codes}, {sum(len(o[1]) for o in n_outs)} bytes out, {secs:.2f} s)")
        sleeper.kill()
        srv.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Of the calls with a compat, ia32 or time32 entry, the share performed
    # in user space.
    compat = set(compat_calls.split(","))
    tot = sum(t["total"] for n, t in totals.items() if n in compat)
    user = sum(t["performed"] + t["translated"] + t["errors"] for n, t in totals.items() if n in compat)
    left = sorted(((t["kernel"], n) for n, t in totals.items() if n in compat and t["kernel"]), reverse=True)
    print(f"# compat/ia32/time32 calls: {tot}, performed in user space: {user} "
          f"({100.0 * user / tot if tot else 0:.1f}%)")
    # The same over the calls another process can perform (translate/classes.tsv:
    # fd, path, global); task-tied ones (rt_sigaction, futex...) never are.
    cls = {}
    for line in open(os.path.join(SRC, "translate", "classes.tsv")):
        f = line.rstrip("\n").split("\t")
        if len(f) == 3 and not line.startswith("#"):
            cls[f[0]] = f[1]
    perf = [n for n in totals if n in compat and cls.get(n) in ("fd", "path", "global")]
    ptot = sum(totals[n]["total"] for n in perf)
    puser = sum(totals[n]["performed"] + totals[n]["translated"] + totals[n]["errors"] for n in perf)
    print(f"# of them performable (fd, path, global): {ptot}, performed in user space: {puser} "
          f"({100.0 * puser / ptot if ptot else 0:.1f}%)")
    # Some commands and sub-calls of those calls are the caller's alone
    # (fcntl's fd-table, POSIX-lock and owner commands; socketcall's socket,
    # bind, connect, listen, socketpair): --stats counts them "task".
    ttask = sum(totals[n].get("task", 0) for n in perf)
    print(f"# of those, by command not tied to the caller: {ptot - ttask}, performed in user space: "
          f"{puser} ({100.0 * puser / (ptot - ttask) if ptot > ttask else 0:.1f}%)")
    print("# still left to the kernel: " + ", ".join(f"{n} {k} ({cls.get(n, '?')})" for k, n in left[:15]))
    if stats_out:
        with open(stats_out, "w") as f:
            json.dump({"compat_total": tot, "user": user, "performable_total": ptot,
                       "performable_user": puser, "performable_task": ttask, "calls": totals},
                      f, indent=1, sort_keys=True)
    print(f"{same} commands identical, {len(failed)} differ" + (f": {', '.join(failed)}" if failed else ""))
    # Identical outputs prove something only if the supervisor did the work.
    done = sum(t["translated"] + t["performed"] for t in totals.values())
    if same and not done:
        print("not ok - no call was performed in user space: the comparison proved nothing")
        return 1
    # Every command on the host; the subset in a VM (or with --only).
    return 1 if failed or (same < 40 and not only) or same == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
