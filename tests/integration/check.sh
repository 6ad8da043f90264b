#!/bin/bash
# compatbox check says what this kernel offers, one line each, and exits 0
# where compatbox runs (every integration test runs it, so it must here).
. "$(dirname "$0")/lib.sh"

out=$("$COMPATBOX" check); rc=$?
echo "$out"
expect_eq "check exits 0 where compatbox runs" 0 "$rc"
expect_eq "one line per feature and a verdict" 9 "$(wc -l <<<"$out")"
expect_true "verdict says it runs" grep -qx "compatbox can run here" <<<"$out"
if covers_abi 32; then
	expect_true "IA-32 emulation found by executing an i386 program" \
		grep -q "^IA-32 emulation  *yes" <<<"$out"
fi
# The kernel answers for seccomp user notification are the same that run uses.
expect_true "user notification reported" grep -q "^seccomp user notification  *yes" <<<"$out"
"$COMPATBOX" check extra >/dev/null 2>&1
expect_eq "an unexpected argument is a usage error" 125 "$?"
v=$("$COMPATBOX" --version)
expect_true "--version names the version" grep -qE '^compatbox [0-9]+\.[0-9]+' <<<"$v"
finish
