#!/bin/bash
# Install the Debian packages compatbox needs, when any is missing.
# Usage: scripts/deps.sh [--optional] [EXTRA-PACKAGE...]
#   --optional  also what optional tests need: chromium (report_html renders
#               the report's HTML page headless; without it the test skips)
set -euo pipefail
optional=()
if [ "${1:-}" = --optional ]; then
	optional=(chromium)
	shift
fi
need=(gcc gcc-multilib libc6-dev-i386 meson ninja-build pkg-config libseccomp-dev libcap-dev check libdrm-dev
      python3 procps util-linux libfuse3-dev fuse3 clang libclang-rt-dev cppcheck valgrind "${optional[@]}" "$@")
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "compatbox: installing missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=()
elif command -v sudo >/dev/null; then
	sudo=(sudo)
else
	echo "compatbox: run as root, or install them yourself: apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A mirror caught mid-sync fails the update; the lists already here may
# still name every package, so the install gets its chance.
"${sudo[@]}" apt-get update -qq || echo "compatbox: apt-get update failed; trying the package lists already here" >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
