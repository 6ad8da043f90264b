#!/bin/bash
# A performed or translated ioctl that blocks must not stall the other
# guest threads' trapped calls. The FUSE fixture's "slow" file answers every
# ioctl after 3 s (tests/fixtures/mydev_fuse.c); while one guest thread
# waits there, another makes FIONREADs, which must go on at a rate
# comparable to a reference window without the blocker in the same run
# (relative, not absolute: the CPU may be a slow emulated one).
# Environment besides lib.sh's: FIXTURES (see mount_fuse_fixture).
. "$(dirname "$0")/lib.sh"
figure_kind faults

header=$(cd "$(dirname "$0")/../fixtures" && pwd)/mydev.h
mount_fuse_fixture slow 3000

"$COMPATBOX" abi gen --header "$header" --struct mydev_info --ioctl MYDEV_GET --ioctl MYDEV_SET \
	-o "$tmp/mydev.abi" 2>"$tmp/gen.err" || bad "abi gen failed: $(cat "$tmp/gen.err")"

# stall WHAT EXPECTED-RESULT COMPATBOX-ARGS...
stall() {
	local what=$1 want=$2; shift 2
	local out ref blk
	out=$(cb "$@" -- "$GUESTS/${guest}" --stall "$mnt/slow" "$what"); rc=$?
	printf '%s\n' "$out" | sed "s/^/# $name: /"
	expect_eq "$name exits 0" 0 "$rc"
	ref=$(awk '$1 == "reference" {print $2}' <<<"$out")
	blk=$(awk '$1 == "blocked" {print $2}' <<<"$out")
	expect_eq "$name: the ioctl was still waiting when the window ended" 1 \
		"$(awk '$1 == "blocker_waited_through_window" {print $2}' <<<"$out")"
	expect_eq "$name: the blocked ioctl's own result" "$what $want" "$(grep "^$what " <<<"$out")"
	expect_true "$name: reference window made progress ($ref calls)" test "${ref:-0}" -ge 20
	# A stalled supervisor answers nothing while the ioctl waits: 0.
	expect_true "$name: FIONREADs meanwhile at >= 1/4 of the reference ($blk vs $ref)" \
		test $(( ${blk:-0} * 4 )) -ge "${ref:-0}"
}

# Performed: TCGETS is in the performed table; on a FUSE file it goes to
# the file system (ENOTTY after the wait, as natively).
for guest in $(abi_guests mydev64 mydev32); do
	for w in 1 2; do
		name="$guest performed TCGETS --workers $w"
		stall tcgets "-1 ENOTTY" --workers $w
	done
done
# Performed on the copy of the fd an ioctl rule decided on (--policy): the
# lead is handed off before the host call all the same.
printf 'default allow\nioctl perform on %s/*\nioctl default perform\n' "$mnt" >"$tmp/fd.policy"
guest=$(abi_guests mydev64 mydev32 | cut -d' ' -f1)
name="$guest performed TCGETS under an fd-keyed rule"
stall tcgets "-1 ENOTTY" --workers 1 --policy "$tmp/fd.policy" --log "$tmp/fd.json"
expect_eq "$name: performed on the copy the rule decided on" 1 "$(json_count "$tmp/fd.json" \
	"r['request']['name']=='TCGETS' and r['action']=='performed' and r['rule'].endswith('fd.policy:2:7')")"

if covers_abi 32; then
	guest=mydev32 name="mydev32 translated MYDEV_GET"
	stall get "0 ok" --abi "$tmp/mydev.abi"
else
	echo "not covered here - translated MYDEV_GET (i386; runs on the VM kernels)"
fi
finish
