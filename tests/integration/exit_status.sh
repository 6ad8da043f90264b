#!/bin/bash
# The guest's exit status passes through; signals become 128+N; compatbox's
# own errors use env(1)'s codes.
. "$(dirname "$0")/lib.sh"

for g in $GUEST_VARIANTS; do
	for code in 0 3 42 255; do
		cb -- "$GUESTS/$g" exit $code; expect_eq "$g exit $code" "$code" "$?"
	done
	cb -- "$GUESTS/$g" kill 9; expect_eq "$g killed by SIGKILL" 137 "$?"
	cb -- "$GUESTS/$g" kill 15; expect_eq "$g killed by SIGTERM" 143 "$?"
	cb -- "$GUESTS/$g" kill 11 2>/dev/null; expect_eq "$g killed by SIGSEGV" 139 "$?"
done

out=$(cb -- /nonexistent/program 2>&1); rc=$?
expect_eq "missing program exits 127" 127 "$rc"
expect_true "missing program message names it" grep -q "compatbox: /nonexistent/program: No such file" <<<"$out"
out=$(cb -- no-such-command-xyz 2>&1); expect_eq "command not in PATH exits 127" 127 "$?"
printf 'plain text\n' > "$tmp/notexec"; chmod 644 "$tmp/notexec"
out=$(cb -- "$tmp/notexec" 2>&1); rc=$?
expect_eq "non-executable exits 126" 126 "$rc"
expect_true "non-executable message" grep -q "Permission denied" <<<"$out"
out=$(cb -- "$tmp" 2>&1); expect_eq "directory exits 126" 126 "$?"
out=$(cb --bogus -- true 2>&1); rc=$?
expect_eq "unknown option exits 125" 125 "$rc"
expect_true "unknown option message" grep -q "unknown option '--bogus'" <<<"$out"
out=$(cb 2>&1); expect_eq "no program exits 125" 125 "$?"
out=$(cb --trap not_a_syscall -- true 2>&1); rc=$?
expect_eq "unknown --trap name exits 125" 125 "$rc"
expect_true "unknown --trap message" grep -q "unknown syscall 'not_a_syscall'" <<<"$out"
out=$(cb --keep-caps bogus -- true 2>&1); expect_eq "unknown capability exits 125" 125 "$?"
out=$(cb --log /nonexistent-dir/x.json -- true 2>&1); rc=$?
expect_eq "unwritable log exits 125" 125 "$rc"
expect_true "unwritable log message names the file" grep -q "/nonexistent-dir/x.json" <<<"$out"
out=$(cb --help); expect_eq "--help exits 0" 0 "$?"
expect_true "--help goes to stdout" grep -q "Usage: compatbox run" <<<"$out"

# A shell script and a dynamic system binary run too.
printf '#!/bin/sh\nexit 7\n' > "$tmp/script"; chmod 755 "$tmp/script"
cb -- "$tmp/script"; expect_eq "shell script exit status" 7 "$?"
out=$(echo hello | cb -- cat); expect_eq "stdin and stdout pass through" hello "$out"
finish
