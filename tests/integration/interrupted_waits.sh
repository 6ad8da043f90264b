#!/bin/bash
# Waits the supervisor performs, interrupted as natively (issue 13 finding
# 10): a handled SIGALRM after 0.3 s of a 1 s wait gives EINTR, with and
# without SA_RESTART (these calls are never restarted after a handler), the
# time left in nanosleep's and relative clock_nanosleep's `rem` and in
# select's timeout; a stop and continue lets the wait go on (epoll_wait:
# EINTR). Each case runs natively and under compatbox; the lines must be
# the same, and where the native run was on time (the signal within 0.1 s
# of 0.3 s: the host, not TCG) the time left must agree within 0.1 s. The
# sleeps are trapped on both ABIs; poll, select and
# epoll_wait are performed for i386 guests under --translate.
. "$(dirname "$0")/lib.sh"
figure_kind faults

sleeps=nanosleep,clock_nanosleep,clock_nanosleep_time64
# Under TCG (scripts/vm.sh's kernel has cb.kver on its command line) a
# native run misses 0.3 s by more than the margins: every time 4 times
# longer there, fewer cases, and no comparison of values.
scale=1
grep -q 'cb\.kver=' /proc/cmdline 2>/dev/null && scale=4
export CB_WAIT_SCALE=$scale
# same WHAT OPTIONS -- GUEST MODE HOWS [RESTARTS]: native and compatbox runs
# side by side, every case in one process; the lines must match.
same() {
	local what=$1 opts=$2; shift 3
	rm -f "$tmp/log.json"
	"$@" > "$tmp/native" 2>&1 &
	(cd "$tmp" && "$COMPATBOX" run $opts --log "$tmp/log.json" -- "$@" > "$tmp/cb" 2>&1)
	wait
	local cases
	cases=$(grep -v '^#' "$tmp/native")
	expect_true "$what: $(echo "$cases" | wc -l) cases ran" [ -n "$cases" ]
	while IFS= read -r line; do
		local key=${line%%:*}
		expect_eq "$what: $key" "$line" "$(awk -v k="$key:" 'index($0, k) == 1' "$tmp/cb")"
	done <<< "$cases"
	# "# elapsed E left L" after each case line, in the same order
	paste -d' ' <(grep '^# elapsed' "$tmp/native") <(grep '^# elapsed' "$tmp/cb") |
	while read -r _ _ ne _ nl _ _ ce _ cl; do
		# Where the native run was on time (the signal within 0.1 s of
		# 0.3 s: the host, not TCG), the time left agrees within 0.1 s.
		if [ "$scale" = 1 ] && [ "$3" != stopped ] && awk -v e="$ne" -v l="$nl" 'BEGIN { exit !(e > 0.2 && e < 0.4 && l > 0 && l < 1) }'; then
			expect_true "$what: time left $cl, natively $nl (within 0.1 s)" \
				awk -v a="$nl" -v b="$cl" 'BEGIN { d = a - b; exit !(d < 0.1 && d > -0.1) }'
		fi
	done
}

for g in $(abi_guests guest32 guest64); do
	cases=nanosleep,clock_rel,clock_abs,libc_sleep
	[ "$scale" = 1 ] || cases=nanosleep,clock_abs
	[ "$g" = guest32 ] && cases=$cases,clock64_rel
	same "$g" "--trap $sleeps" -- "$GUESTS/$g" interrupted $cases 0,1
	# At least one record per case and restart mode: a restarted sleep
	# adds one, but under TCG's load a re-entry may find no worker free to
	# take the lead and go to the kernel (seen once on linux-6.1).
	runs=$(( $(printf '%s\n' "$cases" | awk -F, '{ print NF }') * 2 ))
	expect_true "$g: ... the sleeps went to the supervisor" [ "$(json_count "$tmp/log.json" \
		"'sleep' in r['syscall'] and r['action'] in ('performed','abandoned')")" -ge "$runs" ]
	same "$g" "--trap $sleeps" -- "$GUESTS/$g" stopped nanosleep
	if [ "$g" = guest32 ]; then
		same "$g translated" --translate -- "$GUESTS/$g" interrupted poll,select,epoll 0,1
		expect_true "$g: ... poll, select, epoll_wait went to the supervisor" [ "$(json_count "$tmp/log.json" \
			"r['syscall'] in ('poll','_newselect','epoll_wait')")" -ge 6 ]
		stops=poll,select,epoll
		[ "$scale" = 1 ] || stops=poll
		same "$g translated" --translate -- "$GUESTS/$g" stopped $stops
	fi
done
finish
