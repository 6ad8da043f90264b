"""The machine: a description for the report, and how much CPU processes
other than this one and its children use (from /proc/stat), so that rounds
measured while a build or test run next door kept a CPU busy can be told
apart."""

import os
import platform
import shutil
import subprocess
import time


def cpu_seconds():
    """(busy, steal): CPU time all CPUs spent busy so far, and time a VM
    host took from them (from /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    v += [0] * (8 - len(v))
    hz = os.sysconf("SC_CLK_TCK")
    return (sum(v[:7]) - v[3] - v[4]) / hz, v[7] / hz


def own_cpu_seconds():
    """CPU time of this process and of its children that have been waited
    for (a child's own children count once it waited for them)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class LoadMeter:
    """Measures the CPUs kept busy by anything but this process and its
    children between start() and load()."""

    def __init__(self):
        self.start()

    def start(self):
        self.cpu0, self.own0, self.wall0 = cpu_seconds(), own_cpu_seconds(), time.monotonic()

    def foreign_cpu_s(self):
        cpu1 = cpu_seconds()
        if self.cpu0 is None or cpu1 is None:
            return None
        return max(0.0, (cpu1[0] - self.cpu0[0]) - (own_cpu_seconds() - self.own0))

    def steal_s(self):
        cpu1 = cpu_seconds()
        if self.cpu0 is None or cpu1 is None:
            return None
        return cpu1[1] - self.cpu0[1]

    def wall_s(self):
        return time.monotonic() - self.wall0

    def load(self):
        """CPUs kept busy on average by others, or None."""
        f, w = self.foreign_cpu_s(), self.wall_s()
        if f is None or w <= 0:
            return None
        return f / w


def wait_for_quiet(limit, threshold):
    """Wait up to LIMIT seconds for half a second of other load below
    THRESHOLD; return the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        m = LoadMeter()
        time.sleep(0.5)
        load = m.load()
        if load is None or load <= threshold:
            break
    return time.monotonic() - start


def tool_output(argv):
    """What ARGV prints (stdout and stderr), or None."""
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout


def tool_version(argv):
    """The first non-empty line ARGV prints, or None."""
    for line in (tool_output(argv) or "").splitlines():
        if line.strip():
            return line.strip()
    return None


def machine():
    info = {"kernel": platform.release(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/sys/devices/system/cpu/vulnerabilities/spec_store_bypass") as f:
            info["spec_store_bypass"] = f.read().strip()
    except OSError:
        pass
    if shutil.which("gcc"):
        info["gcc"] = tool_version(["gcc", "--version"])
    return info


def runs_i386(build):
    """Whether this kernel executes i386 code (IA-32 emulation can be off:
    execve then fails with ENOEXEC). Asks a static i386 test guest."""
    guest = os.path.join(build, "tests", "guests", "guest32-static")
    try:
        return subprocess.run([guest, "exit", "0"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
