"""Containers: one compatbox agent serving many containers at once, and
what compatbox as the entrypoint adds to a container's start.

  agent-1, agent-20   trapped-call latency (FIONREAD, performed by the
                      agent) of x86_64 guest_loop containers sent to one
                      `compatbox agent` by tests/fixtures/oci_client (what
                      runc does): one container alone, then 20 at once.
                      Every guest calls at the same fixed, moderate rate
                      (one call every --containers-pace-us, 2 ms by
                      default, on absolute deadlines from a random phase,
                      so that 20 guests do not call in step) and times each
                      call alone; a container's figure is the median of its
                      calls, the case's value the median over its
                      containers ("p90": the same of each container's 90th
                      percentile). Spinning guests would measure how 2 CPUs
                      are shared among 20 busy processes, not the agent.
  entry-bare, entry-cb  the wall time of `unshare --pid --fork --mount-proc`
                      running a trivial program, without and with
                      `compatbox run` as its PID 1; entry-overhead is the
                      difference, sample by sample."""

import os
import statistics
import subprocess
import tempfile
import time

from .report import Check, Display
from .runner import Case, parse_keys, run_cmd, taskset

NAME = "containers"
DISPLAY = Display("value", "us", 1e-3, "%.1f", "p90", "p90 us")


def add_args(p):
    g = p.add_argument_group("containers group (agent, entrypoint)")
    g.add_argument("--containers-reps", type=int, default=5, metavar="N",
                   help="quiet rounds (default 5)")
    g.add_argument("--containers-calls", type=int, default=1500, metavar="N",
                   help="paced trapped calls per container (default 1500)")
    g.add_argument("--containers-pace-us", type=int, default=2000, metavar="US",
                   help="each container makes one call every US microseconds (default 2000)")
    g.add_argument("--containers-many", type=int, default=20, metavar="N",
                   help="containers at once in the large case (default 20)")


def check_args(p, a):
    if a.containers_reps < 1 or a.containers_calls < 10 or a.containers_many < 2 or \
            a.containers_pace_us < 100:
        p.error("--containers-reps >= 1, --containers-calls >= 10, --containers-many >= 2, "
                "--containers-pace-us >= 100")


def reps(a):
    return a.containers_reps


def agent_sampler(a, n_ctr):
    client = os.path.join(a.build, "tests", "fixtures", "oci_client")
    loop = os.path.join(a.build, "bench", "guest_loop64")

    def sample(timeout):
        with tempfile.TemporaryDirectory(prefix="cbbench-agent.") as d:
            sock = os.path.join(d, "agent.sock")
            agent = subprocess.Popen(taskset(a, [a.compatbox, "agent", "--socket", sock]),
                                     stderr=subprocess.DEVNULL)
            try:
                for _ in range(500):
                    if os.path.exists(sock):
                        break
                    time.sleep(0.01)
                env = dict(os.environ, GUEST_LOOP_PACE_US=str(a.containers_pace_us))
                argv = taskset(a, [client, sock, "bench", "ioctl", loop, "fionread",
                                   str(a.containers_calls)])
                procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, env=env) for _ in range(n_ctr)]
                got_all = []
                for p in procs:
                    out, err = p.communicate(timeout=timeout)
                    got = parse_keys(out)
                    if p.returncode != 0 or "ns_p50" not in got:
                        raise RuntimeError("container failed (%d): %s" % (
                            p.returncode, (err or out).strip()[-300:]))
                    got_all.append(got)
            finally:
                agent.terminate()
                agent.wait()

        def med(key):
            return statistics.median(g[key] for g in got_all)
        return {"value": med("ns_p50"), "p90": med("ns_p90"), "mean": med("ns_per_call"),
                "worst": max(g["ns_p50"] for g in got_all)}
    return sample


def entry_argv(a, with_cb):
    prog = [os.path.join(a.build, "bench", "guest_loop64"), "getpid", "1"]
    cb = [a.compatbox, "run", "--"] if with_cb else []
    return taskset(a, ["unshare", "--pid", "--fork", "--mount-proc"] + cb + prog)


def entry_sampler(a, with_cb):
    argv = entry_argv(a, with_cb)

    def sample(timeout):
        _, _, secs = run_cmd(argv, timeout)
        return {"value": secs * 1e9}
    return sample


def overhead_sampler(a):
    bare, cb = entry_sampler(a, False), entry_sampler(a, True)

    def sample(timeout):
        b = bare(timeout)["value"]
        c = cb(timeout)["value"]
        return {"value": max(c - b, 0.0), "signed": c - b}
    return sample


def cases(a):
    client = os.path.join(a.build, "tests", "fixtures", "oci_client")
    loop = os.path.join(a.build, "bench", "guest_loop64")
    k = a.containers_many
    out = [
        Case("agent-1", NAME, "agent: paced FIONREAD latency (median call), 1 container",
             agent_sampler(a, 1), files=[client, loop, a.compatbox]),
        Case("agent-%d" % k, NAME, "agent: paced FIONREAD latency (median call), median of %d containers" % k,
             agent_sampler(a, k), files=[client, loop, a.compatbox]),
        Case("entry-bare", NAME, "PID namespace start, program as PID 1",
             entry_sampler(a, False), files=[loop], argv=entry_argv(a, False)),
        Case("entry-cb", NAME, "PID namespace start, compatbox run as PID 1",
             entry_sampler(a, True), files=[loop, a.compatbox], argv=entry_argv(a, True)),
        Case("entry-overhead", NAME, "what compatbox as PID 1 adds to the start (cb - bare)",
             overhead_sampler(a), files=[loop, a.compatbox]),
    ]
    if os.geteuid() != 0 and subprocess.run(["unshare", "--pid", "--fork", "true"],
                                            stderr=subprocess.DEVNULL).returncode != 0:
        for c in out[2:]:
            c.missing = "cannot create a PID namespace here (needs root or user namespaces)"
    return out


def checks(a):
    k = a.containers_many
    return [
        Check("agent latency, %d containers/1" % k, "agent-%d" % k, "agent-1", "<=", 1.5,
              "median call of %d paced containers at once against one's" % k, second="p90"),
        Check("entrypoint start, compatbox/bare", "entry-cb", "entry-bare", None, None,
              "a container start with compatbox as PID 1 against without", second=None),
        Check("entrypoint adds (ms)", "entry-overhead", None, "<=", 20.0,
              "median of (with - without) per round", second=None, scale=1e-6),
    ]
