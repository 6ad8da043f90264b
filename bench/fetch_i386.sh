#!/bin/sh
# fetch_i386.sh: unpack Debian's i386 builds of the programs the "real
# programs" benchmark runs (gzip, tar, sqlite3, python3) and the libraries
# they need into a cache directory, without installing anything.
#
#   bench/fetch_i386.sh [CACHE]
#
# CACHE defaults to $CB_I386_CACHE, else build/bench-i386 in the source tree.
# Steps: the i386 architecture is added to dpkg when it is missing (root
# only), apt-get update (root only), the dependencies of the programs are
# resolved recursively with apt-cache depends, every i386 package among them
# is fetched with apt-get download and unpacked with dpkg -x into CACHE.
# The programs then run with the cache's own loader:
#
#   CACHE/lib/ld-linux.so.2 --library-path CACHE/lib/i386-linux-gnu:CACHE/usr/lib/i386-linux-gnu \
#       CACHE/bin/gzip ...
#
# On success CACHE/READY lists the packages; when the fetch is impossible
# CACHE/SKIPPED says why (the benchmark prints it) and the exit status is 77.
# Any other failure exits 1. Running it again re-uses what is there.
set -u

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${CB_I386_CACHE:-$here/../build/bench-i386}}
mkdir -p "$cache" || exit 1
cache=$(cd "$cache" && pwd)
rm -f "$cache/SKIPPED"

# The programs; everything else is found from their dependencies.
ROOTS="gzip:i386 tar:i386 sqlite3:i386 python3.11-minimal:i386"
# What the dependency walk reaches but no benchmark program loads.
EXCLUDE='^(dpkg|perl-base|debconf|debianutils|base-files|install-info|mime-support|media-types|tzdata|python3-minimal|python3|readline-common|gcc-[0-9]+-base|libc-bin|sensible-utils)(:i386)?$'

skip() {
	echo "fetch_i386: skipped: $*" >&2
	echo "$*" >"$cache/SKIPPED"
	exit 77
}

for t in dpkg apt-get apt-cache; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t: not a Debian system (apt-get install $t)"
done

root=false
[ "$(id -u)" = 0 ] && root=true

if ! dpkg --print-foreign-architectures | grep -qx i386; then
	$root || skip "dpkg has no i386 architecture and adding it needs root (as root: dpkg --add-architecture i386; apt-get update)"
	echo "fetch_i386: dpkg --add-architecture i386"
	dpkg --add-architecture i386 || skip "dpkg --add-architecture i386 failed"
fi
if $root; then
	echo "fetch_i386: apt-get update"
	# A partly failed update (one index mid-sync on the mirror) still
	# leaves usable lists: whether the programs are known is checked below.
	apt-get update -qq >"$cache/apt-update.log" 2>&1 ||
		echo "fetch_i386: warning: apt-get update failed in part (see $cache/apt-update.log); going on with the lists there are" >&2
else
	echo "fetch_i386: not root: using the package lists as they are (no apt-get update)"
fi

# Recursive dependencies (Depends and Pre-Depends) of the programs; only the
# i386 packages are fetched, architecture-independent ones hold no code the
# programs load. ($ROOTS and $need are lists: split on purpose.)
# shellcheck disable=SC2086
list=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $ROOTS 2>"$cache/apt-cache.log" |
	sed -n 's/^\([a-z0-9][a-z0-9.+-]*:i386\)$/\1/p' | sort -u | grep -Ev "$EXCLUDE")
for r in $ROOTS; do
	echo "$list" | grep -qx "$r" ||
		skip "apt-cache knows no $r (see $cache/apt-cache.log; is i386 in the package lists? apt-get update)"
done

debs="$cache/debs"
mkdir -p "$debs" || exit 1
need=""
for p in $list; do
	name=${p%:i386}
	[ -n "$(find "$debs" -maxdepth 1 -name "${name}_*_i386.deb")" ] || need="$need $p"
done
if [ -n "$need" ]; then
	echo "fetch_i386: apt-get download$need"
	# shellcheck disable=SC2086
	(cd "$debs" && apt-get download -q $need) >"$cache/apt-download.log" 2>&1 ||
		skip "apt-get download failed (see $cache/apt-download.log)"
fi

for p in $list; do
	name=${p%:i386}
	deb=$(find "$debs" -maxdepth 1 -name "${name}_*_i386.deb" | head -n 1)
	[ -n "$deb" ] || { echo "fetch_i386: $p was not downloaded" >&2; exit 1; }
	dpkg -x "$deb" "$cache" || { echo "fetch_i386: dpkg -x $deb failed" >&2; exit 1; }
done

# Debian 12 keeps the loader in /usr/lib (merged-/usr packages install it
# there, or in /lib); the benchmark looks for CACHE/lib/ld-linux.so.2.
if [ ! -e "$cache/lib/ld-linux.so.2" ]; then
	for l in "$cache/usr/lib/ld-linux.so.2" "$cache/lib/i386-linux-gnu/ld-linux.so.2" \
		"$cache/usr/lib/i386-linux-gnu/ld-linux.so.2"; do
		if [ -e "$l" ]; then
			mkdir -p "$cache/lib" &&
				ln -sf "$(realpath --relative-to="$cache/lib" "$l")" "$cache/lib/ld-linux.so.2"
			break
		fi
	done
fi
[ -e "$cache/lib/ld-linux.so.2" ] || { echo "fetch_i386: no ld-linux.so.2 in $cache" >&2; exit 1; }

ld="$cache/lib/ld-linux.so.2"
lp="$cache/lib/i386-linux-gnu:$cache/usr/lib/i386-linux-gnu"
for prog in bin/gzip bin/tar usr/bin/sqlite3 usr/bin/python3.11; do
	[ -x "$cache/$prog" ] || { echo "fetch_i386: $cache/$prog missing" >&2; exit 1; }
done
if ! "$ld" --library-path "$lp" "$cache/bin/gzip" --version >/dev/null 2>&1; then
	echo "fetch_i386: the i386 gzip does not run (IA32 emulation off?)" >&2
	"$ld" --library-path "$lp" "$cache/bin/gzip" --version >&2
	exit 1
fi

# An installed Debian python has its standard library byte-compiled (by the
# package's postinst, which dpkg -x does not run); without that every
# start-up would compile what it imports.
py="$cache/usr/bin/python3.11"
env -u PYTHONDONTWRITEBYTECODE -u PYTHONHOME -u PYTHONPATH "$ld" --library-path "$lp" "$py" \
	-m compileall -q "$cache/usr/lib/python3.11" >"$cache/compileall.log" 2>&1 ||
	{ echo "fetch_i386: compiling the i386 python's library failed (see $cache/compileall.log)" >&2; exit 1; }

echo "$list" >"$cache/READY"
echo "fetch_i386: $(echo "$list" | wc -w) packages in $cache"
