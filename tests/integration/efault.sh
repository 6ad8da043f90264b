#!/bin/bash
# A bad guest pointer is EFAULT for the guest, exactly as natively.
. "$(dirname "$0")/lib.sh"
figure_kind escapes

for g in $GUEST_VARIANTS; do
	native=$("$GUESTS/$g" efault)
	under=$(cb -- "$GUESTS/$g" efault); rc=$?
	expect_eq "$g survives bad pointers" 0 "$rc"
	expect_eq "$g EFAULT as natively" "$native" "$under"
	expect_true "$g native run gives EFAULT" grep -q "FIONREAD -1 EFAULT" <<<"$native"
done
# Before 6.11 (no PROCMAP_QUERY) protections come from /proc/TID/maps' text.
for g in $GUEST_VARIANTS; do
	native=$("$GUESTS/$g" efault)
	under=$(COMPATBOX_TEST_NO_PROCMAP_QUERY=1 cb -- "$GUESTS/$g" efault); rc=$?
	expect_eq "$g, maps text: EFAULT as natively" "$native" "$under"
done
finish
