#!/bin/bash
# compatbox run of an i386 program on a kernel with IA-32 emulation off
# (Debian's 6.12 booted with ia32_emulation=0, as some hosts are): exit 126
# and an error that says what the user can do.
. "$(dirname "$0")/../integration/lib.sh"
vm="$(dirname "$0")/../../scripts/vm.sh"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (scripts/vm.sh installs it as root)"

out=$("$vm" --kernel 6.12 --append ia32_emulation=0 -- "$COMPATBOX" run -- "$GUESTS/guest32" exit 0 2>&1); rc=$?
expect_eq "exit status 126" 126 "$rc"
expect_true "says i386 programs cannot run ($out)" grep -q "cannot run i386 programs" <<<"$out"
expect_true "names the boot option that turned it off" grep -q "ia32_emulation=0" <<<"$out"
out=$("$vm" --kernel 6.12 --append ia32_emulation=0 -- "$COMPATBOX" run -- "$GUESTS/guest64" exit 3 2>&1); rc=$?
expect_eq "an x86_64 guest still runs there" 3 "$rc"
# compatbox check finds it out by executing an i386 program, and says why.
out=$("$vm" --kernel 6.12 --append ia32_emulation=0 -- "$COMPATBOX" check 2>&1); rc=$?
expect_eq "check: compatbox can still run there (x86_64 programs)" 0 "$rc"
expect_true "check: IA-32 emulation is no, with the boot option ($out)" \
	grep -q "^IA-32 emulation  *no .*ia32_emulation=0" <<<"$out"
finish
