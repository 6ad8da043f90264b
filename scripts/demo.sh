#!/bin/bash
# The main job: build compatbox and run an i386 demo guest that issues a few
# ioctls under the default policy, then show what the supervisor logged.
# On a host whose kernel cannot execute i386 code it says so in one line and
# runs the same demo in a throw-away VM (scripts/vm.sh, Debian's 6.1 kernel).
set -euo pipefail
cd "$(dirname "$0")/.."

show() {
	local log
	log=$(mktemp /tmp/compatbox-demo.XXXXXX.json)
	echo "== build/compatbox run --log $log -- build/tests/guests/demo32"
	build/compatbox run --log "$log" -- build/tests/guests/demo32
	echo
	echo "== the ioctl log ($log), one JSON object per line, as a table:"
	python3 scripts/show-log.py "$log"
}

if [ "${1:-}" = --here ]; then
	show
	exit
fi
scripts/deps.sh
scripts/build.sh
if build/tests/guests/guest32-static exit 0 2>/dev/null; then
	show
else
	echo "== this kernel cannot execute i386 code (IA-32 emulation is off): running the demo in a VM with Debian's 6.1 kernel"
	exec scripts/vm.sh --kernel 6.1 -- scripts/demo.sh --here
fi
