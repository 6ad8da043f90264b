#!/bin/bash
# Paths the supervisor resolves for the guest see /proc as the guest does
# (issue 13 finding 12). The supervisor is not dumpable, so natively the
# guest gets EACCES for its fds, cwd, root, environment...; a worker thread,
# in the supervisor's thread group, would be let in. The hostile guest
# probes the supervisor's /proc by stat, lstat, statfs, access, readlink
# and open, through its task directory, a symlink and a dirfd; the lines
# must be the same when the kernel runs the calls (default policy) and
# when the supervisor performs them (path rules on both ABIs, --translate
# for i386).
. "$(dirname "$0")/lib.sh"

printf 'default allow\npath deny /nonexistent-cb-proc-view/**\n' > "$tmp/paths.policy"
probe() { # NAME OPTIONS...: run the probe, the supervisor's pid in its file
	local name=$1; shift
	rm -f "$tmp/sup"
	(cd "$tmp" && exec "$COMPATBOX" run "$@" -- "$GUESTS/$g" procpeek "$tmp/sup" "$tmp" \
		> "$tmp/$name.out" 2>&1) &
	local pid=$!
	echo $pid > "$tmp/sup"
	wait $pid
}
n=0 same=0
for g in $(abi_guests hostile32 hostile64); do
	probe kernel
	expect_true "$g: the probe ran ($(wc -l < "$tmp/kernel.out") lines)" \
		[ "$(grep -c ': ' "$tmp/kernel.out")" -gt 70 ]
	expect_true "$g: natively its fd 0 is EACCES" grep -q '^stat /proc/%d/fd/0: EACCES' "$tmp/kernel.out"
	runs="rules"
	[ "$g" = hostile32 ] && runs="rules translated"
	for how in $runs; do
		case $how in
		rules) probe $how --policy "$tmp/paths.policy" --log "$tmp/$how.json" ;;
		translated) probe $how --translate --log "$tmp/$how.json" ;;
		esac
		expect_true "$g, $how: the supervisor performed path calls" \
			[ "$(json_count "$tmp/$how.json" "r['action'] in ('performed','translated')")" -gt 20 ]
		d=$(diff "$tmp/kernel.out" "$tmp/$how.out")
		expect_eq "$g, $how: every probe answered as natively" "" "$d"
		n=$((n + $(grep -c ': ' "$tmp/kernel.out")))
		same=$((same + $(grep -c ': ' "$tmp/kernel.out") - $(printf '%s\n' "$d" | grep -c '^<')))
	done
done
echo "CB-FIGURE escapes tried=$n stopped=$same"
finish
