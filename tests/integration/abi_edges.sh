#!/bin/bash
# The filter covers the i386 table also when a 64-bit process enters it with
# int $0x80, and kills x32 syscalls.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

# int $0x80 enters the i386 table only where the kernel runs i386 code.
if covers_abi 32; then
	log="$tmp/int80.json"
	out=$(cb --log "$log" -- "$GUESTS/abi_edges" int80); rc=$?
	expect_eq "int 0x80 ioctl from a 64-bit guest works" "0 int80 ioctl 0 5" "$rc $out"
	expect_eq "it was trapped and logged as an i386 ioctl" 1 \
		"$(json_count "$log" "r['arch']=='i386' and r['nr']==54 and r['request']['name']=='FIONREAD'")"
else
	echo "not covered here - int \$0x80 (needs i386; runs on the VM kernels)"
fi

out=$(cb -- "$GUESTS/abi_edges" x32 2>&1); rc=$?
expect_eq "an x32 syscall kills the guest with SIGSYS" 159 "$rc"
expect_true "the x32 call never returned" test -z "$(grep 'x32 getpid returned' <<<"$out")"
finish
