#!/bin/bash
# io_uring's operations run in the kernel's workers, past the seccomp filter
# and the log: every mode answers its calls ENOSYS, as a kernel built
# without it (docs/threat-model.md).
. "$(dirname "$0")/lib.sh"
figure_kind escapes

for g in $(abi_guests hostile32 hostile64); do
	native=$("$GUESTS/$g" uring)
	case $native in
	"setup ok"*) ok "$g: natively io_uring_setup works" ;;
	*) echo "natively: $native (io_uring disabled here: only the supervised runs are checked)" ;;
	esac
	for mode in "" "--passthrough" "--translate" "--trap openat,read"; do
		# shellcheck disable=SC2086
		out=$(cb $mode -- "$GUESTS/$g" uring)
		expect_eq "$g ${mode:-default}: io_uring denied" \
			"setup ENOSYS enter ENOSYS register ENOSYS" "$(echo $out)"
	done
done
finish
