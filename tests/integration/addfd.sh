#!/bin/bash
# dup/dup2/dup3 performed by the supervisor through pidfd_getfd and
# SECCOMP_IOCTL_NOTIF_ADDFD(+SEND) behave exactly as natively: fd numbers,
# close-on-exec, shared offsets, EBADF/EINVAL, and EMFILE at RLIMIT_NOFILE.
. "$(dirname "$0")/lib.sh"

for g in $GUEST_VARIANTS; do
	native=$("$GUESTS/$g" dups)
	log="$tmp/$g.json"
	under=$(cb --trap dup,dup2,dup3 --log "$log" -- "$GUESTS/$g" dups); rc=$?
	expect_eq "$g exits 0" 0 "$rc"
	expect_eq "$g: same results as natively" "$native" "$under"
	expect_true "$g: native run reached EMFILE" grep -q "dups until EMFILE" <<<"$native"
	performed=$(json_count "$log" "r['syscall'] in ('dup','dup2','dup3') and r['action']=='performed'")
	expect_true "$g: dups were performed by the supervisor ($performed)" test "$performed" -ge 60
done
finish
