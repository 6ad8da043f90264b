#!/bin/bash
# Fetch the kernel's i386 syscall table (arch/x86/entry/syscalls/syscall_32.tbl)
# from Debian's linux-source package, once; prints its path. For
# `scripts/syscall-classes.py entries`, which makes translate/i386_syscalls.tsv.
# Usage: scripts/syscall-tbl.sh [SUITE]   (default trixie: Linux 6.12)
# Changes nothing on the system: a private apt sources list and state folder,
# the package unpacked with dpkg-deb into the cache (~150 MB download).
set -euo pipefail
suite=${1:-trixie}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/compatbox/syscall-tbl-$suite
if [ -f "$cache/syscall_32.tbl" ]; then echo "$cache/syscall_32.tbl"; exit 0; fi
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
key=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$key] http://deb.debian.org/debian $suite main" >"$apt_dir/sources.list"
: >"$apt_dir/status"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::Status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
	-o APT::Architectures=amd64 -o APT::Sandbox::User=root -qq)
apt-get "${apt_opts[@]}" update >&2
pkg=$(apt-cache "${apt_opts[@]}" depends linux-source | sed -n 's/^ *Depends: \(linux-source-[0-9.]*\)$/\1/p' | head -1)
[ -n "$pkg" ] || { echo "syscall-tbl: no linux-source package in $suite" >&2; exit 1; }
(cd "$apt_dir/archives" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download "$pkg" >&2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --fsys-tarfile "$apt_dir"/archives/"$pkg"_*.deb |
	tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | xz -dc |
	tar -x -C "$work" --wildcards '*/arch/x86/entry/syscalls/syscall_32.tbl' '*/Makefile' 2>/dev/null || true
tbl=$(find "$work" -path '*/arch/x86/entry/syscalls/syscall_32.tbl' | head -1)
[ -n "$tbl" ] || { echo "syscall-tbl: no syscall_32.tbl in $pkg" >&2; exit 1; }
src=${tbl%/arch/x86/entry/syscalls/syscall_32.tbl}
cp "$tbl" "$cache/syscall_32.tbl"
# The version it comes from, for the generated file's header.
printf 'Linux %s.%s.%s\n' "$(sed -n 's/^VERSION = //p' "$src/Makefile")" \
	"$(sed -n 's/^PATCHLEVEL = //p' "$src/Makefile")" "$(sed -n 's/^SUBLEVEL = //p' "$src/Makefile")" >"$cache/VERSION"
rm -f "$apt_dir"/archives/*.deb
echo "$cache/syscall_32.tbl"
