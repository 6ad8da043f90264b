#!/bin/bash
# Every ioctl is trapped and logged once, with exact counts, for both ABIs.
. "$(dirname "$0")/lib.sh"

N=$((10000 / $(tcg_div)))
for g in $GUEST_VARIANTS; do
	log="$tmp/$g.json"
	out=$(cb --log "$log" -- "$GUESTS/$g" ioctls $N); rc=$?
	expect_eq "$g ran" "0 ioctls $N" "$rc $out"
	arch=i386; nr=54
	case $g in guest64*) arch=x86_64; nr=16;; esac
	# A start record, the guest's process record, N calls, the run's
	# counts (stats) and the end record.
	read -r calls fionread stats <<<"$(json_count "$log" "r['kind']=='call'" \
		"r['arch']=='$arch' and r['nr']==$nr and r['syscall']=='ioctl' and r['request']['name']=='FIONREAD' \
		 and r['request']['value']=='0x541b' and r['action']=='performed' and r['result']=={'ret':0} \
		 and r['path'].startswith('pipe:') and r['pid']==r['tid'] and r['pid']>0" \
		"r['kind']=='stats' and r['stats']['all']['performed']==$N")"
	expect_eq "$g log has $N call records" "$N" "$calls"
	expect_eq "$g log has $N + 4 lines in all" "$((N + 4))" "$(wc -l < "$log")"
	expect_eq "$g log ends with the counts, then end" "1 stats end" \
		"$stats $(tail -n 2 "$log" | sed -n 's/^{"v":[0-9]*,"kind":"\([a-z]*\)".*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
	expect_eq "$g: every line a performed FIONREAD returning 0" "$N" "$fionread"
done

# The log records requests the supervisor leaves to the kernel, and the
# 32-bit request decoding (direction, type, number, size).
one=$(abi_guests guest32 guest64 | cut -d' ' -f1)
log="$tmp/kernel.json"
cb --log "$log" -- "$GUESTS/$one" efault >/dev/null
expect_eq "$one: EFAULT results logged" 3 "$(json_count "$log" "r['result'] and r['result'].get('errno')=='EFAULT'")"
# python3's own start-up issues ioctls (TCGETS on stdin, ...): a real program.
cb --log "$log.py" -- python3 -c 'import fcntl, termios, sys; fcntl.ioctl(sys.stdin, termios.TIOCGWINSZ, bytes(8))' </dev/null 2>/dev/null
n=$(json_count "$log.py" "r['request']['name']=='TIOCGWINSZ' and r['path']=='/dev/null'")
expect_true "python3's TIOCGWINSZ on /dev/null logged ($n)" test "$n" -ge 1
expect_eq "each of them failed with ENOTTY" "$n" "$(json_count "$log.py" \
	"r['request']['name']=='TIOCGWINSZ' and r['path']=='/dev/null' and r['result']['errno']=='ENOTTY'")"
# --passthrough logs every ioctl but performs none of them.
log="$tmp/pass.json"
out=$(cb --passthrough --log "$log" -- "$GUESTS/$one" ioctls 100); rc=$?
expect_eq "--passthrough guest runs" "0 ioctls 100" "$rc $out"
expect_eq "--passthrough: all 100 left to the kernel" 100 "$(json_count "$log" \
	"r['request']['name']=='FIONREAD' and r['action']=='kernel' and r['result'] is None")"
out=$(cb --passthrough --translate -- true 2>&1); rc=$?
expect_eq "--passthrough with --translate is refused" 125 "$rc"
finish
