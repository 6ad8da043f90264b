#!/bin/bash
# A second guest thread rewrites the path, or swaps the fd, between the trap
# and the call: a denied path or request is never reached, for both ABIs.
# The supervisor decides on its own copy of the path (resolved to an fd) or
# of the fd, and performs the call on that copy.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

N=${RACE_N:-$((20000 / $(tcg_div)))}
mkdir -p "$tmp/d"
echo public >"$tmp/d/public"; echo secret >"$tmp/d/secret"
ino=$(stat -c %i "$tmp/d/secret")
printf 'default allow\npath deny EACCES %s\n' "$tmp/d/secret" >"$tmp/path.policy"
printf 'default allow\nioctl perform on pipe\nioctl default deny EPERM\n' >"$tmp/fd.policy"

# The flipping thread does reach the secret without compatbox: the race is real.
# The policy guests of the ABIs this run covers (CB_ABIS, lib.sh).
PGUESTS=$(abi_guests policy_guest32 policy_guest64)
native=$("$GUESTS/$(abi_guests policy_guest64 policy_guest32 | cut -d' ' -f1)" race-path "$tmp/d/public" "$tmp/d/secret" "$ino" "$N")
reached=$(sed -n 's/.*reached-denied=\([0-9]*\).*/\1/p' <<<"$native")
[ "${reached:-0}" -gt 0 ] || skip "the flipping thread never won natively ($native): the race cannot be shown here"
ok "natively the secret was reached $reached times in $N opens"

for b in $PGUESTS; do
	g=$GUESTS/$b
	bits=${b#policy_guest}
	out=$(cb --policy "$tmp/path.policy" -- "$g" race-path "$tmp/d/public" "$tmp/d/secret" "$ino" "$N")
	opened=$(sed -n 's/.*opened=\([0-9]*\).*/\1/p' <<<"$out")
	denied=$(sed -n 's/.*denied=\([0-9]*\) .*/\1/p' <<<"$out")
	expect_true "$bits: both paths were tried ($out)" test "${opened:-0}" -gt 0 -a "${denied:-0}" -gt 0
	expect_true "$bits: the denied file was never opened" grep -q "reached-denied=0$" <<<"$out"

	out=$(cb --policy "$tmp/fd.policy" -- "$g" race-fd "$N")
	expect_true "$bits: FIONBIO both performed on the pipe and refused on the pty ($out)" \
		grep -Eq "ok=[1-9][0-9]* refused=[1-9]" <<<"$out"
	expect_true "$bits: the pty never got the denied request" grep -q "pty-nonblocking=0$" <<<"$out"
done
finish
