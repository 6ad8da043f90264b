"""Real i386 programs from Debian (unpacked by bench/fetch_i386.sh, run with
the cache's own ld-linux.so.2): a compression run (tar c | gzip over a
generated tree of files), an sqlite3 workload (50 000 inserted rows, an
index, a few queries) and python3 start-up (python3.11 -c pass), each
natively, under floor_supervisor (what any supervisor costs: information),
under compatbox's default policy, under qemu-i386, and under an audit
trail (--passthrough --log) with fd names kept and with every name read
(what keeping them costs a program: the calls that change fd slots go to
the supervisor). The value is wall
time; the CPU time of the whole process tree (supervisor included) is
shown beside it."""

import os
import random
import shutil
import subprocess
import tempfile
import time

from .report import Check, Display
from .runner import Case, taskset

NAME = "programs"
DISPLAY = Display("value", "ms", 1e3, "%.1f", "cpu", "cpu ms")
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = ("gzip", "sqlite", "python")
MODES = ("native", "floor", "compatbox", "qemu", "trail", "trail-read")
# The trail modes' --log file (the audit policy: every ioctl recorded).
TRAIL = os.path.join(tempfile.gettempdir(), "cbbench-programs-trail.jsonl")


def add_args(p):
    g = p.add_argument_group("programs group (real i386 programs from Debian)")
    g.add_argument("--program-reps", type=int, default=5, metavar="N",
                   help="quiet rounds (default 5)")
    g.add_argument("--i386-cache", metavar="DIR",
                   help="where bench/fetch_i386.sh unpacked the programs (default: "
                        "$CB_I386_CACHE, else BUILD/bench-i386)")
    g.add_argument("--no-fetch", action="store_true",
                   help="do not run bench/fetch_i386.sh when the cache is not ready")
    g.add_argument("--tree-mb", type=float, default=6.0, metavar="MB",
                   help="size of the generated tree that tar | gzip compresses (default 6)")
    g.add_argument("--sqlite-rows", type=int, default=50000, metavar="N",
                   help="rows the sqlite3 workload inserts (default 50000)")
    g.add_argument("--python-starts", type=int, default=10, metavar="N",
                   help="python3 start-ups per sample (default 10; qemu: a fifth of that)")


def check_args(p, a):
    if a.program_reps < 1 or a.tree_mb <= 0 or a.sqlite_rows < 1 or a.python_starts < 1:
        p.error("--program-reps, --tree-mb, --sqlite-rows and --python-starts must be positive")
    if a.i386_cache is None:
        a.i386_cache = os.environ.get("CB_I386_CACHE") or os.path.join(a.build, "bench-i386")
    a.i386_cache = os.path.abspath(a.i386_cache)


def reps(a):
    return a.program_reps


def prepare_cache(a, log):
    """None when the cache is ready, else why the group cannot run."""
    c = a.i386_cache
    if os.path.exists(os.path.join(c, "READY")):
        return None
    if not a.no_fetch:
        log("  i386 programs not in %s: running bench/fetch_i386.sh" % c)
        try:
            r = subprocess.run(["sh", os.path.join(HERE, "fetch_i386.sh"), c],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=600)
            for line in r.stdout.strip().splitlines():
                log("    " + line)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "skipped: bench/fetch_i386.sh failed: %s" % e
        if os.path.exists(os.path.join(c, "READY")):
            return None
    try:
        with open(os.path.join(c, "SKIPPED")) as f:
            return "skipped: " + f.read().strip()
    except OSError:
        pass
    return "skipped: no i386 programs in %s (run bench/fetch_i386.sh%s)" % (
        c, "" if a.no_fetch else "; it failed: see its output above")


WORDS = None


def words(rng):
    global WORDS
    if WORDS is None:
        letters = "etaoinshrdlucmfwypvbgkjqxz"
        WORDS = ["".join(rng.choice(letters[:10 + i % 16]) for _ in range(2 + i % 9))
                 for i in range(3000)]
    return WORDS


def make_tree(root, mb, rng):
    """A tree of text files (words, numbers, a few hex lines) of about MB
    megabytes in 12 directories: gzip gets about 3:1 out of it."""
    w = words(rng)
    total, n = 0, 0
    limit = int(mb * 1e6)
    while total < limit:
        d = os.path.join(root, "dir%02d" % (n % 12), "sub%d" % (n % 3))
        os.makedirs(d, exist_ok=True)
        size = rng.randint(4000, 60000)
        lines = []
        got = 0
        while got < size:
            if rng.random() < 0.05:
                line = "%08x %s" % (rng.getrandbits(32), "".join(
                    "%02x" % rng.getrandbits(8) for _ in range(24)))
            else:
                line = " ".join(rng.choice(w) for _ in range(rng.randint(4, 14)))
                if rng.random() < 0.3:
                    line += " %d" % rng.randint(0, 10 ** 6)
            lines.append(line)
            got += len(line) + 1
        with open(os.path.join(d, "f%04d.txt" % n), "w") as f:
            f.write("\n".join(lines) + "\n")
        total += got
        n += 1
    return n, total


def make_sql(path, rows, rng):
    """The sqlite3 script: ROWS inserts in 5 transactions, an index and
    queries whose answers show the work was done."""
    w = words(rng)
    per = max(1, rows // 5)
    with open(path, "w") as f:
        f.write("CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, score REAL);\n")
        for i in range(rows):
            if i % per == 0:
                f.write("BEGIN;\n")
            f.write("INSERT INTO t(k, name, score) VALUES(%d, '%s %s', %.3f);\n"
                    % (rng.randint(0, rows), rng.choice(w), rng.choice(w), rng.random() * 100))
            if i % per == per - 1 or i == rows - 1:
                f.write("COMMIT;\n")
        f.write("CREATE INDEX t_k ON t(k);\n")
        f.write("SELECT count(*), sum(k), round(avg(score), 3) FROM t;\n")
        f.write("SELECT k % 7, count(*), round(max(score), 3) FROM t GROUP BY 1 ORDER BY 1;\n")
        f.write("SELECT count(*) FROM t WHERE name LIKE '%ea%';\n")
        f.write("SELECT count(*) FROM t a JOIN t b ON b.id = a.k WHERE a.id % 10 = 0;\n")
        f.write("SELECT 'rows', count(*) FROM t;\n")


def wait_rusage(procs, timeout):
    """Wait for every Popen in PROCS; (their CPU seconds, failures)."""
    deadline = time.monotonic() + timeout
    cpu, bad = 0.0, []
    for p in procs:
        while True:
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                for q in procs:
                    try:
                        q.kill()
                    except OSError:
                        pass
                raise RuntimeError("timed out after %ds" % timeout)
            time.sleep(0.002)
        p.returncode = os.waitstatus_to_exitcode(st)
        cpu += ru.ru_utime + ru.ru_stime
        if p.returncode != 0:
            bad.append(p.returncode)
    return cpu, bad


class Programs:
    def __init__(self, a):
        self.a = a
        self.log = print
        self.work = None
        self.sizes = {}  # program -> output: every mode must produce the same
        c = a.i386_cache
        self.ld = [os.path.join(c, "lib", "ld-linux.so.2"), "--library-path",
                   "%s/lib/i386-linux-gnu:%s/usr/lib/i386-linux-gnu" % (c, c)]
        self.bin = {"tar": os.path.join(c, "bin", "tar"), "gzip": os.path.join(c, "bin", "gzip"),
                    "sqlite3": os.path.join(c, "usr", "bin", "sqlite3"),
                    "python3": os.path.join(c, "usr", "bin", "python3.11")}
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["LC_ALL"] = "C"
        self.env = env

    def setup(self):
        if self.work:
            return
        self.work = tempfile.mkdtemp(prefix="compatbox-bench-")
        self.env["HOME"] = self.work  # no ~/.sqliterc
        rng = random.Random(20261122)
        t0 = time.monotonic()
        files, size = make_tree(os.path.join(self.work, "tree"), self.a.tree_mb, rng)
        make_sql(os.path.join(self.work, "load.sql"), self.a.sqlite_rows, rng)
        self.log("  generated %d files (%.1f MB) and a %d-row sqlite script in %s (%.1f s)"
                 % (files, size / 1e6, self.a.sqlite_rows, self.work, time.monotonic() - t0))

    def cleanup(self):
        if os.path.exists(TRAIL):
            os.unlink(TRAIL)
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None

    def wrap(self, mode):
        a = self.a
        floor = os.path.join(a.build, "bench", "floor_supervisor")
        trail = [a.compatbox, "run", "--passthrough", "--log", TRAIL, "--"]
        return taskset(a, {"native": [], "floor": [floor, "--"],
                           "compatbox": [a.compatbox, "run", "--"],
                           "qemu": ["qemu-i386"],
                           "trail": trail,
                           "trail-read": ["env", "COMPATBOX_TEST_NO_FD_NAMES=1"] + trail}[mode])

    def argv(self, mode, prog):
        w = self.wrap(mode) + self.ld
        if prog == "gzip":
            return [w + [self.bin["tar"], "cf", "-", "-C", "TREE", "."],
                    w + [self.bin["gzip"], "-6", "-c"]]
        if prog == "sqlite":
            return [w + [self.bin["sqlite3"], "DB"]]
        return [w + [self.bin["python3"], "-c", "pass"]]

    def same_output(self, prog, mode, what):
        want = self.sizes.setdefault(prog, what)
        if what != want:
            raise RuntimeError("%s under %s gave %r, natively %r" % (prog, mode, what, want))

    def run_gzip(self, mode, timeout):
        tar, gz = self.argv(mode, "gzip")
        tar = [os.path.join(self.work, "tree") if x == "TREE" else x for x in tar]
        out = os.path.join(self.work, "out-%s.tar.gz" % mode)
        with open(out, "wb") as fo, tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            p1 = subprocess.Popen(tar, stdout=subprocess.PIPE, stderr=err, env=self.env)
            p2 = subprocess.Popen(gz, stdin=p1.stdout, stdout=fo, stderr=err, env=self.env)
            p1.stdout.close()
            cpu, bad = wait_rusage([p1, p2], timeout)
            wall = time.perf_counter() - t0
            if bad:
                err.seek(0)
                raise RuntimeError("exit status %s: %s" % (
                    bad, err.read().decode(errors="replace").strip()[-300:]))
        size = os.path.getsize(out)
        os.unlink(out)
        self.same_output("gzip", mode, size)
        return {"value": wall, "cpu": cpu, "bytes": size}

    def run_sqlite(self, mode, timeout):
        (argv,) = self.argv(mode, "sqlite")
        db = os.path.join(self.work, "bench-%s.db" % mode)
        for f in (db, db + "-journal"):
            if os.path.exists(f):
                os.unlink(f)
        argv = [db if x == "DB" else x for x in argv]
        with open(os.path.join(self.work, "load.sql")) as fi, tempfile.TemporaryFile() as fo, \
                tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdin=fi, stdout=fo, stderr=err, env=self.env)
            cpu, bad = wait_rusage([p], timeout)
            wall = time.perf_counter() - t0
            fo.seek(0)
            text = fo.read().decode(errors="replace")
            err.seek(0)
            etext = err.read().decode(errors="replace").strip()
        os.unlink(db)
        if bad or etext:
            raise RuntimeError("exit status %s: %s" % (bad or 0, etext[-300:]))
        last = text.strip().splitlines()[-1] if text.strip() else ""
        if last != "rows|%d" % self.a.sqlite_rows:
            raise RuntimeError("unexpected output: %r" % text[-200:])
        self.same_output("sqlite", mode, text)
        return {"value": wall, "cpu": cpu}

    def run_python(self, mode, timeout, starts):
        (argv,) = self.argv(mode, "python")
        cpu = 0.0
        t0 = time.perf_counter()
        for _ in range(starts):
            with tempfile.TemporaryFile() as err:
                p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                     env=self.env)
                c, bad = wait_rusage([p], timeout)
                if bad:
                    err.seek(0)
                    raise RuntimeError("exit status %s: %s" % (
                        bad, err.read().decode(errors="replace").strip()[-300:]))
            cpu += c
        wall = time.perf_counter() - t0
        return {"value": wall / starts, "cpu": cpu / starts}

    def sampler(self, mode, prog, warm=False):
        def sample(timeout):
            self.setup()
            if prog == "gzip":
                return self.run_gzip(mode, timeout)
            if prog == "sqlite":
                return self.run_sqlite(mode, timeout)
            starts = self.a.python_starts if mode != "qemu" else max(1, self.a.python_starts // 5)
            return self.run_python(mode, timeout, 1 if warm else starts)
        return sample


PR = None  # the Programs of this run


def prepare(a, log, selected):
    """Make sure the i386 programs are there (fetching them when they are
    not), or mark the SELECTED cases with the reason they cannot run."""
    PR.log = log
    why = prepare_cache(a, log)
    if why:
        for c in selected:
            c.missing = why


def cleanup():
    if PR:
        PR.cleanup()


def cases(a):
    global PR
    pr = PR = Programs(a)
    labels = {"gzip": "tar c | gzip -6 of a %g MB tree" % a.tree_mb,
              "sqlite": "sqlite3: %d inserts, index, queries" % a.sqlite_rows,
              "python": "python3.11 -c pass (start-up)"}
    how = {"native": "native", "floor": "floor_supervisor (info)",
           "compatbox": "compatbox run (default policy)", "qemu": "qemu-i386",
           "trail": "compatbox run --passthrough --log (fd names kept)",
           "trail-read": "compatbox run --passthrough --log (every fd name read)"}
    out = []
    for prog in PROGRAMS:
        for mode in MODES:
            needs = ("qemu-i386",) if mode == "qemu" else ()
            files = [x for x in pr.wrap(mode) if x.startswith("/") and x != TRAIL]
            # Warm-up: one native run of each (the page cache, the .pyc
            # files) and a start of each wrapper; a whole extra round of
            # qemu's sqlite would cost more than it helps.
            warm = pr.sampler(mode, prog, warm=True) if mode == "native" or prog == "python" \
                else None
            c = Case("%s-%s" % (prog, mode), NAME, "i386 %s, %s" % (labels[prog], how[mode]),
                     pr.sampler(mode, prog), needs=needs, files=files,
                     argv=pr.argv(mode, prog), warm=warm, info=mode in ("floor", "trail-read"))
            out.append(c)
    return out


def checks(a):
    c = [Check("%s compatbox/native" % p, "%s-compatbox" % p, "%s-native" % p, "<=", 1.3,
               "i386 %s, wall time: compatbox (default policy) vs native" % p, second="cpu")
         for p in PROGRAMS]
    for p in PROGRAMS:
        c += [Check("%s floor/native" % p, "%s-floor" % p, "%s-native" % p, None, None,
                    "i386 %s, wall time: any supervisor (the floor) vs native" % p, second="cpu"),
              Check("%s qemu/native" % p, "%s-qemu" % p, "%s-native" % p, None, None,
                    "i386 %s, wall time: qemu-i386 vs native" % p, second="cpu"),
              Check("%s trail kept/read" % p, "%s-trail" % p, "%s-trail-read" % p, None, None,
                    "i386 %s under an audit trail, wall time: fd names kept (the calls that "
                    "change fd slots trapped) vs every name read" % p, second="cpu")]
    return c
