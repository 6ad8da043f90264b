#!/bin/bash
# cppcheck over every C file the build compiles (its compile_commands.json),
# on a fixed set of checks: warning, performance and portability — the ones
# that name bugs. Any finding fails the test. What is left out, and why:
# - style (unusedStructMember, shadowFunction, variableScope, constParameter…):
#   many structs here mirror kernel ABIs field for field, and the compiler
#   already enforces -Wshadow; the rest is taste, not defects.
# - memleak: cppcheck does not model __attribute__((cleanup)), which frees
#   every cleanup_free buffer on return (common/cleanup.h); leaks are checked
#   by LeakSanitizer in the sanitizer run (scripts/sanitize.sh) instead.
# A finding that is wrong in one place is suppressed at that line with
# /* cppcheck-suppress ID */ and a comment saying why.
# Environment: BUILD_ROOT (the build dir), SOURCE_ROOT.
set -u
command -v cppcheck >/dev/null || { echo "SKIP: cppcheck is not installed (scripts/deps.sh installs it)"; exit 77; }
db=${BUILD_ROOT:?}/compile_commands.json
[ -r "$db" ] || { echo "SKIP: no $db (meson writes it at setup)"; exit 77; }
src=$(cd "${SOURCE_ROOT:?}" && pwd)
out=$(cppcheck --project="$db" --file-filter="$src/*" -i "$BUILD_ROOT" \
	--enable=warning,performance,portability --suppress=memleak --inline-suppr \
	--error-exitcode=1 --quiet -j "$(nproc)" \
	--template='{file}:{line}:{column}: {severity} [{id}] {message}' 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
n=$(printf '%s\n' "$out" | grep -cE '^[^ ]+:[0-9]+:[0-9]+: ')
echo "cppcheck: $n findings ($(cppcheck --version))"
[ $rc -eq 0 ] && [ "$n" -eq 0 ]
