"""The tools the suite compares compatbox against, all from Debian packages.
A case whose tool is missing is reported as "missing: NAME (apt-get
install PACKAGE)" in every table it would have been in; it is never left
out silently."""

import re
import shutil

from . import host

# command -> (Debian package, arguments that print its version)
PEERS = {
    "strace": ("strace", ["strace", "-V"]),
    "proot": ("proot", ["proot", "--version"]),
    "qemu-i386": ("qemu-user", ["qemu-i386", "--version"]),
    "taskset": ("util-linux", None),
}


def missing_reason(tool):
    """None when TOOL is on PATH, else the line the report prints."""
    if shutil.which(tool):
        return None
    pkg = PEERS.get(tool, (tool, None))[0]
    return "missing: %s (apt-get install %s)" % (tool, pkg)


def check(tools):
    """{tool: {"path", "version", "missing"}} for the tools the selected
    cases need."""
    out = {}
    for t in sorted(tools):
        path = shutil.which(t)
        ver = None
        if path and PEERS.get(t, (None, None))[1]:
            if t == "proot":
                ver = proot_version()
            else:
                ver = host.tool_version(PEERS[t][1])
        out[t] = {"path": path, "version": ver, "missing": missing_reason(t)}
    return out


def proot_version():
    """proot --version draws a banner: take the version number from it, and
    whether its seccomp accelerator (which lets untraced syscalls run
    without a ptrace stop) is built in."""
    text = host.tool_output(PEERS["proot"][1]) or ""
    m = re.search(r"\b(\d+\.\d+(?:\.\d+)?)\s*$", text.split("\n\n")[0].strip())
    ver = "proot " + m.group(1) if m else "proot"
    m = re.search(r"seccomp_filter\s*=\s*(\w+)", text)
    if m:
        ver += " (seccomp_filter = %s)" % m.group(1)
    return ver
