#!/bin/bash
# scripts/vm.sh itself: a command's output, exit status and files written in
# the shared folder come back from the VM; the VM's kernel is the one asked
# for; a hung command ends at the time limit with the console's tail shown.
. "$(dirname "$0")/../integration/lib.sh"
vm="$(dirname "$0")/../../scripts/vm.sh"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (scripts/vm.sh installs it as root)"

cd "$tmp"
out=$("$vm" --kernel 6.1 -- sh -c 'echo "out $(uname -r)"; echo err >&2; echo made >"$PWD/file"; exit 7' 2>&1); rc=$?
expect_eq "exit status comes back" 7 "$rc"
expect_true "stdout and stderr come back ($out)" grep -q "^err$" <<<"$out"
expect_true "the VM ran Debian's 6.1 kernel" grep -q "^out 6\.1\." <<<"$out"
expect_eq "a file written in the shared folder comes back" made "$(cat "$tmp/file" 2>/dev/null)"

out=$("$vm" --kernel 6.1 -- sh -c 'touch /etc/cb-test 2>&1; test -w /tmp && echo tmp-writable'); rc=$?
expect_true "the host's root is read-only inside" grep -q "Read-only file system" <<<"$out"
expect_true "/tmp is writable inside" grep -q "^tmp-writable$" <<<"$out"

start=$(date +%s)
out=$("$vm" --kernel 6.1 --timeout 20 -- sleep 600 2>&1); rc=$?
expect_eq "a hung command ends at the time limit with 124" 124 "$rc"
expect_true "the time limit held ($(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -lt 120
expect_true "and the console's last lines are shown" grep -q "console's last lines" <<<"$out"
finish
