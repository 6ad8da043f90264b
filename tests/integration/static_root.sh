#!/bin/bash
# The self-contained compatbox (-Dstatic=true, or the compatbox-static
# target) runs guests in a root that holds nothing but itself, the guest
# and an empty /proc mount point: what a FROM scratch image gives it.
. "$(dirname "$0")/lib.sh"

file -L "$COMPATBOX_STATIC" 2>/dev/null | grep -q "statically linked" || \
	skip "$COMPATBOX_STATIC is not statically linked"
unshare --mount --pid --fork true 2>/dev/null || \
	skip "cannot create mount and PID namespaces here (needs root or user namespaces)"
root=$tmp/root
mkdir -p "$root/proc"
cp "$COMPATBOX_STATIC" "$root/compatbox"
# in_root CMD...: CMD run chrooted in ROOT, with only /proc mounted.
in_root() {
	unshare --mount --pid --fork sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$root" "$@"
}
expect_true "--version runs in the empty root" in_root /compatbox --version
out=$(in_root /compatbox check); rc=$?
expect_eq "check runs in the empty root and says compatbox can run" 0 "$rc"
for g in $(abi_guests guest32-static guest64-static); do
	cp "$GUESTS/$g" "$root/"
	in_root /compatbox run "/$g" exit 9
	expect_eq "$g: runs supervised in the empty root" 9 "$?"
	out=$(in_root /compatbox run --translate --log - "/$g" ioctls 2 2>&1)
	# (the run's counts, the stats record, name ioctl too)
	expect_eq "$g: trapped ioctls are logged in the empty root" 2 \
		"$(grep -v '"kind":"stats"' <<<"$out" | grep -c '"ioctl"')"
done
expect_eq "nothing else came into the root" "compatbox $(abi_guests guest32-static guest64-static) proc" \
	"$(ls "$root" | tr '\n' ' ' | sed 's/ $//')"
finish
