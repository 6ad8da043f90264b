#!/bin/bash
# The supervisor's fds must fit its RLIMIT_NOFILE: each of up to 64 workers
# caches handles (pidfd, /proc/TID/mem, /proc/TID/maps) for up to 16 guest
# threads, which is more than 1024 fds. When the supervisor ran out, the
# guest's calls failed with EMFILE. 200 guest threads each make 100 (25
# under TCG) FIONREADs and performed 1 ms sleeps (every sleep hands the
# lead off, so every worker serves every thread), under a soft limit of
# 1024 with a hard limit of 1024 (the caches must fit) and of 4096.
. "$(dirname "$0")/lib.sh"
figure_kind faults

rounds=$((100 / $(tcg_div)))
for lim in 1024:1024 1024:4096; do
	out=$(prlimit --nofile=$lim -- "$COMPATBOX" run --trap nanosleep,clock_nanosleep -- \
		"$GUESTS/guest64" swarm 200 $rounds); rc=$?
	expect_eq "RLIMIT_NOFILE $lim: $((200 * rounds)) FIONREADs from 200 threads, none failed" \
		"0 failed 0 -" "$rc $out"
	# Raising the supervisor's soft limit must not raise the guest's.
	out=$(prlimit --nofile=$lim -- "$COMPATBOX" run -- sh -c 'ulimit -Sn; ulimit -Hn')
	expect_eq "RLIMIT_NOFILE $lim: the guest's limits are as given" "${lim/:/$'\n'}" "$out"
done
finish
