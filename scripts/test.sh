#!/bin/bash
# Build compatbox and run every test: on this host's kernel, then the tests
# that start guests on two of Debian's stock kernels in throw-away VMs
# (scripts/vm.sh). Ends with one line "N passed, N failed, N skipped" that
# counts every run; docs/testing.md says what runs where.
#
# Environment: COMPATBOX_TEST_KERNELS (default "6.1 6.12"; "none" runs the
# host part alone), COMPATBOX_TEST_HOST=no (the VM part alone),
# COMPATBOX_VM_TIMEOUT (seconds per VM run, default 1500).
set -uo pipefail
cd "$(dirname "$0")/.."
# --optional: also chromium, so that report_html runs rather than skips.
scripts/deps.sh --optional || exit 1
scripts/build.sh || exit 1

kernels=${COMPATBOX_TEST_KERNELS:-6.1 6.12}
[ "$kernels" = none ] && kernels=
logs=build/meson-logs
runs=()

# A host that cannot execute i386 code (IA-32 emulation off) tests the
# x86_64 guests here and leaves every i386 guest to the VM kernels.
if build/tests/guests/guest32-static exit 0 2>/dev/null; then
	host_abis="32 64"
else
	host_abis="64"
	echo "== this kernel cannot execute i386 code: i386 guests run on the VM kernels only" >&2
fi

rm -f "$logs"/host.json "$logs"/host-rss.json "$logs"/asan.json "$logs"/asan.failed "$logs"/memcheck-valgrind.json "$logs"/memcheck-valgrind.failed "$logs"/linux-*.json "$logs"/linux-*.failed build-asan/meson-logs/asan.json
if [ "${COMPATBOX_TEST_HOST:-yes}" != no ]; then
	echo "== host: linux $(uname -r), guest ABIs: $host_abis"
	# The integration suite runs on this host in the sanitizer build below
	# (and in the VMs in the plain one): once is enough for the time budget.
	CB_ABIS=$host_abis meson test -C build --no-rebuild --print-errorlogs --num-processes "$(nproc)" \
		--no-suite integration --logbase host
	runs+=(host)
	# ...but for the tests whose memory bounds only a plain build can show.
	CB_ABIS=$host_abis meson test -C build --no-rebuild --print-errorlogs --suite rss --logbase host-rss
	runs+=(host-rss)
	echo "== host, AddressSanitizer + UBSan build (scripts/sanitize.sh): unit and integration"
	start=$(date +%s)
	CB_ABIS=$host_abis scripts/sanitize.sh --logbase asan
	rc=$?
	echo "== sanitizers: exit $rc after $(( $(date +%s) - start )) s"
	if [ -s build-asan/meson-logs/asan.json ]; then
		cp build-asan/meson-logs/asan.json "$logs/asan.json"
	else
		echo "the sanitizer build or run did not complete (scripts/sanitize.sh exit $rc)" >"$logs/asan.failed"
	fi
	runs+=(asan)
	echo "== host, valgrind memcheck (scripts/memcheck.sh): the unit suites that need no seccomp"
	start=$(date +%s)
	scripts/memcheck.sh --logbase memcheck
	rc=$?
	echo "== memcheck: exit $rc after $(( $(date +%s) - start )) s"
	# meson names the log after the wrapper too: memcheck-valgrind.json.
	[ -s "$logs/memcheck-valgrind.json" ] ||
		echo "the valgrind run did not complete (scripts/memcheck.sh exit $rc)" >"$logs/memcheck-valgrind.failed"
	runs+=(memcheck-valgrind)
fi

# In the VMs Debian's python3 comes first on PATH: a version manager's shim
# (a shell script per call) costs seconds under TCG, and the tests call
# python3 hundreds of times. The kernels run one after the other: two VMs
# side by side on two cores were slower, not faster (measured: 22 and 30
# of 55 tests done after 650 s, where one VM alone does all 55 in 730 s).
for k in $kernels; do
	echo "== linux $k in a VM (scripts/vm.sh --kernel $k), guest ABIs: 32 64"
	start=$(date +%s)
	scripts/vm.sh --kernel "$k" --timeout "${COMPATBOX_VM_TIMEOUT:-1500}" -- \
		env CB_ABIS="32 64" PATH="/usr/sbin:/usr/bin:$PATH" meson test -C build --no-rebuild --print-errorlogs \
		--suite integration --suite diff --timeout-multiplier 4 --logbase "linux-$k"
	rc=$?
	echo "== linux $k: exit $rc after $(( $(date +%s) - start )) s"
	# A VM that never reported counts as one failure, with vm.sh's reason above.
	if [ ! -s "$logs/linux-$k.json" ] || [ $rc -eq 124 ] || [ $rc -eq 125 ]; then
		echo "the VM run on linux $k did not complete (vm.sh exit $rc)" >"$logs/linux-$k.failed"
	fi
	runs+=("linux-$k")
done

# The suite's figures (issue 13): escapes, faults, load, fuzz, sanitizer
# findings, summed over every run (scripts/figures.py says how).
fig_logs=()
for run in "${runs[@]}"; do fig_logs+=("$logs/$run.json"); done
python3 scripts/figures.py "${fig_logs[@]}"

python3 - "$logs" "${runs[@]}" <<'PY'
import json, os, sys
logs, runs = sys.argv[1], sys.argv[2:]
counts = {"passed": 0, "failed": 0, "skipped": 0}
print("\n== every result, by kernel")
for run in runs:
    path = os.path.join(logs, run + ".json")
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            verdict = {"OK": "passed", "EXPECTEDFAIL": "passed", "SKIP": "skipped"}.get(r["result"], "failed")
            counts[verdict] += 1
            print(f"{r['result']:8} {run}/{r['name']}")
    failed = os.path.join(logs, run + ".failed")
    if os.path.exists(failed):
        counts["failed"] += 1
        print(f"{'FAIL':8} {run}/vm: {open(failed).read().strip()}")
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
sys.exit(1 if counts["failed"] else 0)
PY
