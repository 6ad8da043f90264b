#!/bin/bash
# compatbox agent: the receiving side of the OCI seccomp listener. The
# client (tests/fixtures/oci_client.c) does what runc does: a filter with
# SCMP_ACT_NOTIFY calls, the state JSON and the notify fd sent to the
# agent's socket. Many containers at once, each released when it exits;
# a call compatbox has no handler for is denied, never run unexamined;
# --policy-dir picks each container's policy by its listenerMetadata.
. "$(dirname "$0")/lib.sh"

client=$FIXTURES/oci_client
[ -x "$client" ] || skip "the oci_client fixture is not built"
guests=$(abi_guests guest32 guest64)
sock=$tmp/agent.sock
"$COMPATBOX" agent --socket "$sock" --log "$tmp/log" 2>"$tmp/agent.err" &
agent=$!
wait_for "$sock" 10 || { cat "$tmp/agent.err"; bad "the agent did not listen"; finish; }
fds_of() { ls "/proc/$agent/fd" | wc -l; }
threads_of() { ls "/proc/$agent/task" | wc -l; }
base_fds=$(fds_of)
base_threads=$(threads_of)

for g in $guests; do
	"$client" "$sock" "c-$g" ioctl "$GUESTS/$g" ioctls 3 >/dev/null
	expect_eq "$g: a container's process runs supervised" 0 "$?"
	arch=$([ "$g" = guest32 ] && echo i386 || echo x86_64)
	expect_eq "$g: its ioctls are in the agent's audit trail" 3 \
		"$(json_count "$tmp/log" "r['syscall'] == 'ioctl' and r['arch'] == '$arch' and r['request']['name'] == 'FIONREAD'")"
done

# A trapped call compatbox has no handler for fails; it does not run.
out=$("$client" "$sock" c-deny mkdir,mkdirat sh -c "mkdir '$tmp/made' 2>&1; echo rc=\$?")
expect_true "an unknown trapped call fails with EPERM" grep -q "Operation not permitted" <<<"$out"
expect_true "and is not performed" test ! -e "$tmp/made"
expect_true "and is logged as denied" \
	test "$(json_count "$tmp/log" "r['action'] == 'denied' and r['syscall'].startswith('mkdir')")" -ge 1

# Many containers at once, through one agent.
one=${guests%% *}
: >"$tmp/log"
pids=()
for i in $(seq 6); do
	"$client" "$sock" "many-$i" ioctl,nanosleep,clock_nanosleep sh -c \
		"'$GUESTS/$one' ioctls 10 >/dev/null && sleep 0.5 && '$GUESTS/$one' ioctls 10 >/dev/null" &
	pids+=($!)
done
sleep 0.3
most=$(grep -o '[0-9]* in all' "$tmp/agent.err" | sort -n | tail -1)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
expect_eq "6 containers at once all end well" 0 "$failed"
expect_true "the agent supervised several at once ($most)" test "${most% in all}" -ge 2
expect_eq "every container's ioctls are logged" 120 \
	"$(json_count "$tmp/log" "r['syscall'] == 'ioctl' and r['request']['name'] == 'FIONREAD'")"

# Garbage on the socket: the agent says why and goes on.
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.send(b"{\"fds\":[1,2"); s.close()' "$sock"
"$client" "$sock" after ioctl "$GUESTS/$one" ioctls 1 >/dev/null
expect_eq "the agent outlives a bad message" 0 "$?"
expect_true "and says why it ignored it" grep -q "container ignored: the container state is not valid JSON" "$tmp/agent.err"

# Everything a container held is released when it ends.
for _ in $(seq 100); do
	[ "$(threads_of)" = "$base_threads" ] && [ "$(fds_of)" = "$base_fds" ] && break
	sleep 0.05
done
expect_eq "no worker thread is left" "$base_threads" "$(threads_of)"
expect_eq "no fd is left" "$base_fds" "$(fds_of)"
expect_eq "the agent saw every container end" 0 \
	"$(tail -n 1 < <(grep -o '[0-9]* supervised$' "$tmp/agent.err") | cut -d' ' -f1)"

kill -TERM "$agent"
wait "$agent"
expect_eq "SIGTERM stops the agent cleanly" 0 "$?"
expect_true "and removes its socket" test ! -e "$sock"

# --policy-dir: the listenerMetadata names the policy; a name with no file
# there is refused (its trapped calls fail, ENOSYS), none means built-in.
mkdir "$tmp/pol"
printf 'ioctl deny EACCES FIONREAD\nioctl default perform\n' >"$tmp/pol/noread.policy"
"$COMPATBOX" agent --socket "$sock" --policy-dir "$tmp/pol" 2>"$tmp/agent2.err" &
agent=$!
wait_for "$sock" 10 || { cat "$tmp/agent2.err"; bad "the agent did not listen"; finish; }
OCI_METADATA=noread "$client" "$sock" c-noread ioctl "$GUESTS/$one" ioctls 1 2>"$tmp/err" >/dev/null
expect_true "metadata noread: noread.policy denies FIONREAD (EACCES)" grep -q "errno=13" "$tmp/err"
OCI_METADATA=nosuch "$client" "$sock" c-nosuch ioctl "$GUESTS/$one" ioctls 1 2>"$tmp/err" >/dev/null
expect_true "metadata with no policy file: the container's trapped calls fail (ENOSYS)" \
	grep -q "errno=38" "$tmp/err"
expect_true "and the agent says why" grep -q "container c-nosuch refused: .*nosuch.policy" "$tmp/agent2.err"
OCI_METADATA= "$client" "$sock" c-none ioctl "$GUESTS/$one" ioctls 1 >/dev/null
expect_eq "no metadata: compatbox's own handling" 0 "$?"
kill -TERM "$agent"
wait "$agent"
"$COMPATBOX" agent --socket "$sock" --policy "$tmp/pol/nosuch.policy" 2>"$tmp/err"
expect_eq "a bad --policy stops the agent before it listens" 125 "$?"
finish
