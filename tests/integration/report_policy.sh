#!/bin/bash
# compatbox report on a real trail, and --suggest-policy's allow-list: the
# program the trail was made of passes under it, the same program making
# one ioctl more is refused that one. Per ABI.
. "$(dirname "$0")/lib.sh"

# The trail: compatbox audit's where there is one, else run --log's lines
# (which the report reads too).
audit() {
	local out=$1; shift
	if "$COMPATBOX" audit --help > /dev/null 2>&1; then
		"$COMPATBOX" audit --out "$out" -- "$@"
	else
		cb --passthrough --log "$out" -- "$@"
	fi
}

for g in $(abi_guests guest32 guest64); do
	trail=$tmp/$g.trail
	audit "$trail" "$GUESTS/$g" ioctls 5 > "$tmp/out" 2>&1
	expect_eq "$g: the audited run" "ioctls 5" "$(cat "$tmp/out")"
	"$COMPATBOX" report "$trail" > "$tmp/report" 2> "$tmp/err"
	expect_eq "$g: report exits 0" 0 $?
	arch=x86_64; [[ $g == *32* ]] && arch=i386
	# The table's ioctl line: device, ABI, request, name, dir, size, calls.
	line=$(grep -E "^  pipe +$arch +0x541b +FIONREAD +none +0 +5 " "$tmp/report")
	expect_true "$g: the table counts 5 FIONREAD on a pipe" test -n "$line"
	expect_eq "$g: ioctl per-syscall count" 1 "$(grep -cE "^  ioctl +$arch +5 +0$" "$tmp/report")"

	"$COMPATBOX" report --suggest-policy "$trail" > "$tmp/$g.policy"
	expect_eq "$g: a policy rule for what was seen" "ioctl allow [$arch] FIONREAD on pipe" \
		"$(grep '^ioctl allow' "$tmp/$g.policy")"
	expect_true "$g: policy check accepts it" "$COMPATBOX" policy check "$tmp/$g.policy"

	cb --policy "$tmp/$g.policy" -- "$GUESTS/$g" ioctls 5 > "$tmp/out" 2>&1
	expect_eq "$g: the same program passes (status)" 0 $?
	expect_eq "$g: the same program passes (output)" "ioctls 5" "$(cat "$tmp/out")"
	# Without the policy the extra ioctl works: the refusal below is the policy's.
	cb -- "$GUESTS/$g" ioctls 5 plus > "$tmp/out" 2>&1
	expect_eq "$g: the extra ioctl, unconfined" "FIONBIO 0 ok" "$(tail -n1 "$tmp/out")"
	cb --policy "$tmp/$g.policy" -- "$GUESTS/$g" ioctls 5 plus > "$tmp/out" 2>&1
	expect_eq "$g: the extra ioctl is refused" "FIONBIO -1 EPERM" "$(tail -n1 "$tmp/out")"

	# A trail of every syscall (a policy logging them all): the policy
	# restricts syscalls too, and one the run did not make gets ENOSYS.
	printf 'default log\nioctl default log\n' > "$tmp/logall.policy"
	cb --policy "$tmp/logall.policy" --log "$tmp/$g.all" -- "$GUESTS/$g" ioctls 5 > /dev/null 2>&1
	"$COMPATBOX" report --suggest-policy "$tmp/$g.all" > "$tmp/$g.all.policy"
	expect_eq "$g: every syscall recorded: default deny" 1 \
		"$(grep -c '^default deny ENOSYS$' "$tmp/$g.all.policy")"
	expect_true "$g: ... and exit_group allowed" grep -q "exit_group" "$tmp/$g.all.policy"
	expect_true "$g: policy check accepts it" "$COMPATBOX" policy check "$tmp/$g.all.policy"
	cb --policy "$tmp/$g.all.policy" -- "$GUESTS/$g" ioctls 5 > "$tmp/out" 2>&1
	expect_eq "$g: the same program passes" "0 ioctls 5" "$? $(cat "$tmp/out")"
	cb --policy "$tmp/$g.all.policy" -- "$GUESTS/$g" ioctls 5 plus > "$tmp/out" 2>&1
	expect_eq "$g: one ioctl more is refused" "FIONBIO -1 EPERM" "$(tail -n1 "$tmp/out")"
	cb --policy "$tmp/$g.all.policy" -- "$GUESTS/$g" dups > "$tmp/out" 2>&1
	expect_eq "$g: a syscall the run did not make gets ENOSYS" "dup -1 ENOSYS" \
		"$(grep -m1 '^dup ' "$tmp/out")"
done
finish
