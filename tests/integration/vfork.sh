#!/bin/bash
# A vfork child that makes a trapped call before its execve shares its
# parent's mm at that moment; after the execve it has an mm of its own.
# Handles the supervisor opened on the shared mm must not serve the child's
# later calls: they would read the parent's memory and write into it.
. "$(dirname "$0")/lib.sh"
figure_kind faults

for g in $(abi_guests guest64-static guest32-static); do
	native=$("$GUESTS/$g" vforked)
	expect_eq "$g natively" "child: FIONREAD 0 target 0x3, FIONBIO 0 nonblocking 1
parent: target 0x5a5a5a5a" "$native"
	out=$(cb -- "$GUESTS/$g" vforked); rc=$?
	expect_eq "$g exits 0" 0 "$rc"
	expect_eq "$g: the child's calls reach the child's memory, never the parent's" "$native" "$out"
done
finish
