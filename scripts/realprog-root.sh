#!/bin/bash
# Unpack Debian 12's i386 builds of everyday programs and their libraries
# into a root folder, once; prints its path. tests/diff/realprog.py runs them
# with that root's ld-linux.so.2, natively and under compatbox --translate.
# Changes nothing on the system: a private apt sources list and state folder
# (APT::Architectures=i386), packages fetched with apt-get download and
# unpacked with dpkg -x. Exit 3 when the packages cannot be fetched (offline)
# or the cache cannot be written.
#
# `realprog-root.sh iptables`: a root of its own (i386root-iptables) with
# iptables (legacy and nft) and what it needs, so that the root above is
# not made again for it.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/compatbox
case ${1:-} in
"")
	root=$cache/i386root
	pkgs=(coreutils findutils grep sed tar gzip bzip2 xz-utils diffutils sqlite3 python3.11
	      busybox iproute2 procps util-linux openssl curl) ;;
iptables)
	root=$cache/i386root-iptables
	pkgs=(iptables) ;;
*)
	echo "usage: $0 [iptables]" >&2; exit 2 ;;
esac
# Ready when made from this list (bump the 1 when the way it is made changes).
stamp="1 ${pkgs[*]}"
if [ -f "$root/.ready" ] && [ "$(cat "$root/.ready")" = "$stamp" ]; then
	echo "$root"; exit 0
fi
say() { echo "realprog-root: $*" >&2; }
apt_dir=$cache/apt-i386-bookworm
{ mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" && touch "$apt_dir/status"; } 2>/dev/null ||
	{ say "cannot write $cache (read-only, as in the VMs?)"; exit 3; }
key=/usr/share/keyrings/debian-archive-keyring.gpg
{
	echo "deb [signed-by=$key] http://deb.debian.org/debian bookworm main"
	echo "deb [signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
} >"$apt_dir/sources.list"
: >"$apt_dir/status"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::Status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
	-o APT::Architecture=i386 -o APT::Architectures=i386 -o APT::Sandbox::User=root -qq)
say "fetching Debian 12's i386 package lists"
# A security mirror mid-sync fails its index; the main archive is enough.
apt-get "${apt_opts[@]}" update >&2 2>/dev/null || true
apt-cache "${apt_opts[@]}" show coreutils >/dev/null 2>&1 || { say "no package lists (offline?)"; exit 3; }
# The packages and every package they depend on (no recommends).
mapfile -t all < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances "${pkgs[@]}" |
	grep -E '^[a-z0-9]' | sort -u)
say "downloading ${#all[@]} packages"
(cd "$apt_dir/archives" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download "${all[@]}" >&2) ||
	{ say "download failed (offline?)"; exit 3; }
rm -rf "$root.tmp" && mkdir -p "$root.tmp"
for d in "$apt_dir"/archives/*.deb; do
	dpkg -x "$d" "$root.tmp"
done
rm -f "$apt_dir"/archives/*.deb
# usrmerge: /lib is /usr/lib in Debian 12; packages not yet moved still
# ship under /lib.
[ -e "$root.tmp/lib/ld-linux.so.2" ] || { say "no ld-linux.so.2 in the root"; exit 1; }
echo "$stamp" >"$root.tmp/.ready"
rm -rf "$root" && mv "$root.tmp" "$root"
echo "$root"
