#!/bin/bash
# compatbox as a container's entrypoint (PID 1): docker stop's SIGTERM lets
# the guest shut down cleanly; a second SIGTERM or --stop-timeout kills all
# of it; the guest's status is compatbox's; and all of this works rootless,
# in a user namespace without CAP_SYS_ADMIN on the host.
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || skip "unshare(1) is not installed"
unshare --pid --fork --mount-proc true 2>/dev/null || \
	skip "cannot create a PID namespace here (needs root or user namespaces)"
guests=$(abi_guests guest32 guest64)
# The guests run through links in this test's own directory: their path
# tells them from guests of tests running at the same time.
G=$tmp/g
mkdir "$G"
for g in guest32 guest64; do ln -s "$GUESTS/$g" "$G/$g"; done

# start_pid1 [UNSHARE-PREFIX...] -- COMPATBOX-ARGS...: compatbox as PID 1 of
# a new PID namespace, in the background; sets u (unshare) and init (compatbox).
start_pid1() {
	local pre=()
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	shift
	"${pre[@]}" unshare --pid --fork --mount-proc --kill-child=KILL "$COMPATBOX" run "$@" &
	u=$!
	init=
	for _ in $(seq 200); do
		init=$(pgrep -P "$u" | head -1)
		[ -n "$init" ] && grep -q "^sleeping" "$tmp/out" 2>/dev/null && return 0
		sleep 0.02
	done
	bad "the guest did not start"
}
# guest_left: this test's guest processes still alive anywhere.
guest_left() { pgrep -f "$G/guest[36][24] sleep rel" | wc -l; }

for g in $guests; do
	# A guest that handles SIGTERM ends cleanly with its own status.
	: >"$tmp/out"
	start_pid1 -- -- sh -c "trap 'echo clean >>$tmp/out; exit 3' TERM; \
		'$G/$g' sleep rel >>$tmp/out & wait \$!; echo after >>$tmp/out"
	kill -TERM "$init"
	wait "$u"; rc=$?
	expect_eq "$g: SIGTERM shuts the guest down cleanly (its status)" 3 "$rc"
	expect_true "$g: the guest's handler ran" grep -qx clean "$tmp/out"

	# A guest that ignores SIGTERM: the second one kills the whole guest.
	: >"$tmp/out"
	start_pid1 -- -- sh -c "trap '' TERM; '$G/$g' sleep rel >>$tmp/out & \
		'$G/$g' sleep rel >/dev/null & wait"
	kill -TERM "$init"
	sleep 0.3
	expect_eq "$g: one SIGTERM leaves a guest that ignores it running" 2 "$(guest_left)"
	kill -TERM "$init"
	wait "$u"; rc=$?
	expect_eq "$g: a second SIGTERM kills the guest (128+SIGKILL)" 137 "$rc"
	expect_eq "$g: no guest process survives" 0 "$(guest_left)"

	# --stop-timeout: the deadline after the first SIGTERM kills it all.
	: >"$tmp/out"
	start_pid1 -- --stop-timeout 0.3 -- sh -c "trap '' TERM; '$G/$g' sleep rel >>$tmp/out"
	kill -TERM "$init"
	wait "$u"; rc=$?
	expect_eq "$g: --stop-timeout escalates to SIGKILL" 137 "$rc"
	expect_eq "$g: no guest process survives the timeout" 0 "$(guest_left)"
done

# Rootless: an unprivileged user's own user and PID namespaces.
one=${guests%% *}
if ! command -v setpriv >/dev/null; then
	echo "SKIP (part): rootless checks need setpriv(1) to become an unprivileged user"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --pid --fork --mount-proc true 2>"$tmp/err"; then
	echo "SKIP (part): unprivileged user namespaces are refused here: $(cat "$tmp/err")"
else
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user)
	out=$("${nobody[@]}" unshare --pid --fork --mount-proc "$COMPATBOX" run -- sh -c \
		"grep CapEff /proc/1/status; '$GUESTS/$one' orphan; sleep 0.3; \
		 grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l; exit 7" 2>&1)
	rc=$?
	echo "$out"
	expect_eq "rootless: the guest's status passes through" 7 "$rc"
	expect_eq "rootless: no zombies in the namespace" 0 "$(tail -n 1 <<<"$out")"
	host_caps=$(setpriv --reuid=65534 --regid=65534 --clear-groups grep CapEff /proc/self/status)
	expect_eq "rootless: the user has no capability on the host" "CapEff:	0000000000000000" "$host_caps"
	chmod 777 "$tmp"
	: >"$tmp/out"; chmod 666 "$tmp/out"
	start_pid1 "${nobody[@]}" -- -- sh -c "trap '' TERM; '$G/$one' sleep rel >>$tmp/out"
	kill -TERM "$init"
	sleep 0.2
	kill -TERM "$init"
	wait "$u"; rc=$?
	expect_eq "rootless: a second SIGTERM kills the guest" 137 "$rc"
	expect_eq "rootless: no guest process survives" 0 "$(guest_left)"
fi
finish
