#!/bin/bash
# The main job: build compatbox and run an i386 demo guest that issues a few
# ioctls under the default policy, then show what the supervisor logged.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
log=$(mktemp /tmp/compatbox-demo.XXXXXX.json)
echo "== build/compatbox run --log $log -- build/tests/guests/demo32"
build/compatbox run --log "$log" -- build/tests/guests/demo32
echo
echo "== the ioctl log ($log), one JSON object per line, as a table:"
python3 scripts/show-log.py "$log"
