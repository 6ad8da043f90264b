#!/bin/bash
# A crafted .abi file cannot make the converter act outside a record or
# run without end: `compatbox run --abi` refuses it before the guest
# starts, naming FILE:LINE, and exits 125.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

# FIONREAD (an i386 guest's, translated: --abi files come first) taking a
# struct whose union member claims to sit 1 MiB past the union.
cat > "$tmp/union.abi" <<'ABI'
compatbox-abi 1
abis i386 x86_64
record evil.u union size 8 8 align 4 4
field m sint off 1048576 1048576 size 4 4
end
record evil struct size 8 8 align 4 4
field u union off 0 0 size 8 8 record evil.u select=cmd case=FIONREAD:m
end
ioctl FIONREAD req 0x541b 0x541b arg record evil dir inout
ABI
out=$(cb --abi "$tmp/union.abi" -- "$GUESTS/guest32" ioctls 1 2>&1); rc=$?
expect_eq "a union member past its union: refused (125)" 125 "$rc"
expect_true "... naming the file and line ($out)" grep -q "union.abi:4: m: ends at 1048580, past evil.u's 8 bytes" <<<"$out"

# Records that each hold 200 of the next, 8 deep: 200^8 fields for 4 bytes.
{
	echo "compatbox-abi 1"; echo "abis i386 x86_64"
	for i in 0 1 2 3 4 5 6 7; do
		echo "record r$i union size 4 4 align 4 4"
		for j in $(seq 200); do echo "field m$j union off 0 0 size 4 4 record r$((i + 1))"; done
		echo "end"
	done
	echo "record r8 union size 4 4 align 4 4"; echo "field v sint off 0 0 size 4 4"; echo "end"
	echo "ioctl FIONREAD req 0x541b 0x541b arg record r0 dir inout"
} > "$tmp/fan.abi"
out=$(timeout 20 "$COMPATBOX" run --abi "$tmp/fan.abi" -- "$GUESTS/guest32" ioctls 1 2>&1); rc=$?
expect_eq "records fanning out: refused (125)" 125 "$rc"
expect_true "... naming the file and line ($out)" grep -q "fan.abi:[0-9]*: record r.: more than 65536 fields" <<<"$out"
finish
