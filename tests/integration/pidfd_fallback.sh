#!/bin/bash
# Kernels before 6.9 have no thread pidfds (PIDFD_THREAD): a thread that is
# not its group's leader has no pidfd of its own, so the supervisor reaches
# its fds through the leader's pidfd, and only while the two share one fd
# table (kcmp KCMP_FILES). COMPATBOX_TEST_NO_PIDFD_THREAD=1 makes compatbox
# take that path on any kernel, so this test runs it on new kernels too.
. "$(dirname "$0")/lib.sh"
figure_kind faults

# kcmp(getpid, getpid, KCMP_FILES): 0 when the kernel has kcmp (CONFIG_KCMP).
kcmp=$(python3 -c 'import ctypes, os; l = ctypes.CDLL(None, use_errno=True); p = os.getpid(); print(l.syscall(312, p, p, 2, 0, 0))')
[ "$kcmp" = 0 ] || skip "kcmp(KCMP_FILES) is not available here: without thread pidfds the supervisor cannot reach a thread's fds"

old() { COMPATBOX_TEST_NO_PIDFD_THREAD=1 "$COMPATBOX" run "$@"; }
new() { env -u COMPATBOX_TEST_NO_PIDFD_THREAD "$COMPATBOX" run "$@"; }
# Whether this kernel has thread pidfds (pidfd_open with PIDFD_THREAD, 6.9+).
thread_pidfds=$(python3 -c 'import os; os.pidfd_open(os.getpid(), 0o200); print(1)' 2>/dev/null)

N=300
for g in $(abi_guests guest32 guest64); do
	# 1. The process_tree guest: ioctls from the main thread, a second
	#    thread, a forked child and an exec'd child, all performed.
	log="$tmp/$g.family.json"
	old --log "$log" -- "$GUESTS/$g" family $N >/dev/null; rc=$?
	expect_eq "$g family on the pre-6.9 path exits 0" 0 "$rc"
	expect_eq "$g: all ioctls of 4 tasks performed and returning 0" $((4 * N)) "$(json_count "$log" \
		"r['request']['name']=='FIONREAD' and r['action']=='performed' and r['result']=={'ret':0}")"
	tids=$(python3 -c "import json,sys; print(len({json.loads(l)['tid'] for l in open(sys.argv[1]) if '\"FIONREAD\"' in l}))" "$log")
	expect_eq "$g: from four threads" 4 "$tids"

	# 2. A thread with a table of its own must not have its fd numbers
	#    looked up in the leader's: its call fails with EOPNOTSUPP
	#    (documented in guest.h); threads sharing the leader's are served.
	native=$("$GUESTS/$g" unshared)
	expect_eq "$g natively" "unshared 0 ok 5
shared 0 ok 7
leader 0 ok 7" "$native"
	out=$(old -- "$GUESTS/$g" unshared)
	expect_eq "$g on the pre-6.9 path: the unshared thread's call refused, never the leader's 7" \
		"unshared -1 EOPNOTSUPP -1
shared 0 ok 7
leader 0 ok 7" "$out"
	if [ "$thread_pidfds" = 1 ]; then
		out=$(new -- "$GUESTS/$g" unshared)
		expect_eq "$g with thread pidfds (6.9+) as natively" "$native" "$out"
	fi

	# 3. The fd_leak guest: handles of threads that exited are closed
	#    although the leader's pidfd does not say when a thread exits.
	d="$tmp/$g"; mkdir -p "$d"
	COMPATBOX_TEST_NO_PIDFD_THREAD=1 "$COMPATBOX" run --log "$d/log.json" -- "$GUESTS/$g" phases "$d" 2000 >/dev/null &
	sup=$!
	wait_for "$d/phase1" || bad "$g: phase 1 not reached"
	before=$(ls /proc/$sup/fd | wc -l)
	touch "$d/go1"
	wait_for "$d/phase2" 60 || bad "$g: phase 2 not reached"
	after=$(ls /proc/$sup/fd | wc -l)
	touch "$d/go2"
	wait $sup; rc=$?
	expect_eq "$g phases exits 0" 0 "$rc"
	expect_eq "$g: supervisor fds unchanged after a thread's calls ($before)" "$before" "$after"
	expect_eq "$g: 2,010 FIONREADs performed and returning 0" 2010 "$(json_count "$d/log.json" \
		"r['request']['name']=='FIONREAD' and r['result']=={'ret':0}")"
done
finish
