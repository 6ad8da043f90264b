#!/bin/bash
# More guest threads wait in calls the supervisor performs than the pool
# has workers (64): one worker must keep receiving, so other calls are
# still answered and a call that would wake the waiters gets through.
. "$(dirname "$0")/lib.sh"
figure_kind faults

N=70
# 1. 70 i386 threads in readv on pipes (performed with --translate); the
#    main thread then writes to every pipe with writev (trapped too). With
#    every worker waiting, nothing received the writes: the guest hung.
if covers_abi 32; then
	log="$tmp/readv.json"
	out=$(timeout 60 "$COMPATBOX" run --translate --log "$log" -- "$GUESTS/guest32" crowd $N readv); rc=$?
	printf '%s\n' "$out" | sed 's/^/# readv: /'
	expect_eq "readv crowd: exits 0 within 60 s" 0 "$rc"
	expect_eq "readv crowd: every thread woke, with its byte" "woken $N of $N, failed 0" "$(grep '^woken' <<<"$out")"
	expect_true "readv crowd: the FIONREAD meanwhile answered 3 in under 1 s" \
		grep -Eq '^fionread_ms ([0-9]|[0-9][0-9]|[0-9][0-9][0-9]) \(0 3\)$' <<<"$out"
	# Those past the cap were left to the kernel, the others performed.
	performed=$(json_count "$log" "r['syscall']=='readv' and r['action']=='translated'")
	kernel=$(json_count "$log" "r['syscall']=='readv' and r['action']=='kernel'")
	expect_eq "readv crowd: all $N readv calls answered, performed or by the kernel ($performed + $kernel)" \
		$N $((performed + kernel))
	expect_true "readv crowd: at most 63 of them waited in the supervisor ($performed)" test "$performed" -le 63
else
	echo "not covered here - the i386 readv crowd (runs on the VM kernels)"
fi

# 2. 70 x86_64 threads in 4-second nanosleeps (performed with --trap): a
#    FIONREAD made meanwhile waited for the first sleep to end.
log="$tmp/sleep.json"
out=$(timeout 60 "$COMPATBOX" run --trap nanosleep,clock_nanosleep --log "$log" -- \
	"$GUESTS/guest64" crowd $N sleep 4); rc=$?
printf '%s\n' "$out" | sed 's/^/# sleep: /'
expect_eq "sleep crowd: exits 0" 0 "$rc"
expect_eq "sleep crowd: every sleep returned 0" "woken $N of $N, failed 0" "$(grep '^woken' <<<"$out")"
expect_true "sleep crowd: the FIONREAD meanwhile answered 3 in under 1 s" \
	grep -Eq '^fionread_ms ([0-9]|[0-9][0-9]|[0-9][0-9][0-9]) \(0 3\)$' <<<"$out"
expect_eq "sleep crowd: 63 sleeps performed, the 7 past the cap left to the kernel" "63 7" \
	"$(json_count "$log" "r['syscall'].endswith('nanosleep') and r['action']=='performed'") $(json_count "$log" "r['syscall'].endswith('nanosleep') and r['action']=='kernel'")"
finish
