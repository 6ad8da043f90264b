#!/bin/bash
# What the supervisor keeps of a guest thread between its calls (its
# credentials and namespaces for path calls, guest/task_view.c) is
# forgotten when the thread changes them: a guest that changes its fsuid,
# groups or euid between two path calls gets the new credentials' answer,
# and a thread with other ids that execs (taking the leader's tid, whose
# credentials were kept) gets its own. And an ioctl on fd N after N was
# closed and reopened reaches the new file; a thread that enters user and
# mount namespaces of its own is not served in the supervisor's; a chroot by
# another thread changes the root the next path call resolves from when the
# guest keeps CAP_SYS_CHROOT, and fails without it (the supervisor then
# takes its own root for the guest's, looking at nothing). Both ABIs; the
# path calls performed under path rules and, for i386, translated.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root: the guest switches between uid 0 and 65534 and a group's directory"
GS=$(abi_guests view_guest32 view_guest64)
chmod 755 "$tmp"
mkdir -p "$tmp/a" "$tmp/b"
touch "$tmp/a/f" "$tmp/b/f"
chmod 700 "$tmp/a"                     # its owner (root) only
chown 0:4242 "$tmp/b" && chmod 070 "$tmp/b" # group 4242 only
printf 'default allow\npath deny EACCES /etc/shadow\n' >"$tmp/path.policy"
CAPS=(--workers 1 --keep-caps setuid,setgid) # one worker: every call meets what it kept

expected_creds="root-stat-a 0 0
fsuid-nobody-stat-a -1 EACCES
fsuid-root-stat-a 0 0
no-groups-stat-b -1 EACCES
group-stat-b 0 0
groups-dropped-stat-b -1 EACCES
euid-nobody-stat-a -1 EACCES
euid-root-stat-a 0 0"
expected_exec="leader-root-stat-a 0 0
after-exec-stat-a -1 EACCES"
expected_fds="pty-tcgets 0 0
pipe-tcgets -1 ENOTTY
pipe3-fionread 3 0
pipe5-fionread 5 0
closed-fionread -1 EBADF"

for b in $GS; do
	g=$GUESTS/$b
	bits=${b#view_guest}
	# Natively first: the steps do tell the credentials apart.
	expect_eq "$bits native: credentials" "$expected_creds" "$("$g" creds "$tmp/a" "$tmp/b" 4242)"
	expect_eq "$bits native: exec in a thread" "$expected_exec" "$("$g" exec-thread "$tmp/a")"
	expect_eq "$bits native: fds" "$expected_fds" "$("$g" fds)"

	modes=("--policy $tmp/path.policy")
	[ "$bits" = 32 ] && modes+=("--translate")
	for m in "${modes[@]}"; do
		rm -f "$tmp/log"
		# shellcheck disable=SC2086 # $m is two words
		out=$(cb "${CAPS[@]}" --log "$tmp/log" $m -- "$g" creds "$tmp/a" "$tmp/b" 4242)
		expect_eq "$bits ${m%% *}: each stat sees the credentials of its moment" "$expected_creds" "$out"
		n=$(json_count "$tmp/log" 'r["syscall"] in ("stat", "stat64") and r["action"] in ("performed", "translated")')
		expect_eq "$bits ${m%% *}: ... every stat performed by the supervisor" 8 "$n"
		# shellcheck disable=SC2086
		out=$(cb "${CAPS[@]}" $m -- "$g" exec-thread "$tmp/a")
		expect_eq "$bits ${m%% *}: after another thread's execve, the leader's tid has its credentials" "$expected_exec" "$out"
		# The supervisor's mount namespace has f under a/, the guest's new
		# one a tmpfs there. Translated: the kernel runs the call (ENOENT);
		# under path rules the call is refused (EPERM): the guest's
		# capabilities are its own user namespace's, and must not become
		# the worker's in the supervisor's. Never the supervisor's view (0).
		# shellcheck disable=SC2086
		out=$(cb "${CAPS[@]}" $m -- "$g" unshare "$tmp/a")
		if grep -q -- "-failed" <<<"$out"; then
			echo "SKIP part: $bits ${m%% *}: $out (no unprivileged user namespaces here)"
		else
			want="-1 EPERM"; [ "$m" = --translate ] && want="-1 ENOENT"
			expect_eq "$bits ${m%% *}: after unshare, not the supervisor's namespace" \
				"before-stat-a 0 0
own-ns-stat-a $want" "$out"
		fi
	done
	# /f does not exist in the real root (the test needs that), and does
	# in the chroot.
	if [ ! -e /f ]; then
		mkdir -p "$tmp/r"
		touch "$tmp/r/f"
		expected_chroot="before-stat-f -1 ENOENT
thread-chroot 0 0
after-stat-f 0 0"
		expect_eq "$bits native: chroot in a thread" "$expected_chroot" "$("$g" chroot-thread "$tmp/r")"
		for m in "${modes[@]}"; do
			# shellcheck disable=SC2086
			out=$(cb --workers 1 --keep-caps sys_chroot $m -- "$g" chroot-thread "$tmp/r")
			expect_eq "$bits ${m%% *}: with CAP_SYS_CHROOT kept, the next stat resolves in the new root" \
				"$expected_chroot" "$out"
			# shellcheck disable=SC2086
			out=$(cb --workers 1 $m -- "$g" chroot-thread "$tmp/r")
			expect_eq "$bits ${m%% *}: without it the chroot fails and the root stays" \
				"before-stat-f -1 ENOENT
thread-chroot -1 EPERM
after-stat-f -1 ENOENT" "$out"
		done
	else
		echo "SKIP part: /f exists on this machine"
	fi
	rm -f "$tmp/log"
	out=$(cb --workers 1 --log "$tmp/log" -- "$g" fds)
	expect_eq "$bits default policy: fd N closed and reopened between ioctls" "$expected_fds" "$out"
	n=$(json_count "$tmp/log" 'r["syscall"] == "ioctl" and r["action"] == "performed"')
	expect_true "$bits: ... the ioctls were performed by the supervisor ($n)" test "$n" -ge 4
done
finish
