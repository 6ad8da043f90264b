#!/bin/bash
# Policies: the shipped ones and the shorthands, syscall/ioctl/path rules
# acting on real guests of both ABIs, strict under real programs, and bad
# policies refused before the guest starts (exit 125).
. "$(dirname "$0")/lib.sh"

# The policy guests of the ABIs this run covers (CB_ABIS, lib.sh).
PGUESTS=$(abi_guests policy_guest32 policy_guest64)

# ---- syscall rules, in the filter and in the supervisor ----
cat >"$tmp/sys.policy" <<'P'
default allow
deny EACCES getppid
deny ENOSYS setns
allow socket if arg0 == AF_UNIX
deny EAFNOSUPPORT socket
P
for b in $PGUESTS; do
	g=$GUESTS/$b
	out=$(cb --policy "$tmp/sys.policy" --log "$tmp/$b.sys.json" -- "$g" call getppid setns socket-unix socket-packet uname)
	expect_eq "$b: syscall rules" "getppid -1 EACCES
setns -1 ENOSYS
socket-unix 0
socket-packet -1 EAFNOSUPPORT
uname 0" "$out"
	# socket's rules need the order: the supervisor decided, and logged the rule.
	expect_eq "$b: the supervisor's socket denial names its rule" 1 "$(json_count "$tmp/$b.sys.json" \
		"r['syscall']=='socket' and r['action']=='denied' and r['rule'].endswith('sys.policy:5:19')")"
done

# ---- ioctl rules by what the fd refers to ----
cat >"$tmp/ioctl.policy" <<P
default allow
ioctl deny ENOTTY on /dev/null
ioctl perform on pipe
ioctl deny EPERM on char 1:3
ioctl default log
P
mkfifo "$tmp/fifo"
# Held open read-write here, with a byte in it: the guest's open and
# FIONREAD never wait for a writer (a writer started in the background
# could come after the guest had gone, and wait for ever in its open).
exec 7<>"$tmp/fifo"
echo x >&7
for b in $PGUESTS; do
	g=$GUESTS/$b
	expect_eq "$b: ioctl on /dev/null denied by path glob" "ioctl -1 ENOTTY" \
		"$(cb --policy "$tmp/ioctl.policy" -- "$g" ioctl /dev/null)"
	expect_eq "$b: ioctl on /dev/zero (char 1:5) left to the kernel" "ioctl -1 ENOTTY" \
		"$(cb --policy "$tmp/ioctl.policy" -- "$g" ioctl /dev/zero)"
	log="$tmp/$b.ioctl.json"
	out=$(cb --policy "$tmp/ioctl.policy" --log "$log" -- "$g" ioctl "$tmp/fifo" 7>&-)
	expect_eq "$b: FIONREAD on a pipe performed" "ioctl 0" "$out"
	expect_eq "$b: ... by the supervisor, on its copy" 1 "$(json_count "$log" \
		"r['syscall']=='ioctl' and r['request']['name']=='FIONREAD' and r['action']=='performed' and r['rule'].endswith(':3:7')")"
done
exec 7>&-

# ---- path rules: resolved by the supervisor, decided on what they name ----
mkdir -p "$tmp/d"
echo public >"$tmp/d/public"; echo secret >"$tmp/d/secret"
ln -s "$tmp/d/secret" "$tmp/d/link"; ln -s secret "$tmp/d/rel"
cat >"$tmp/path.policy" <<P
default allow
path deny EACCES $tmp/d/secret
path deny $tmp/d/sub/**
P
for b in $PGUESTS; do
	g=$GUESTS/$b
	run() { cb --policy "$tmp/path.policy" --log "$tmp/$b.path.json" -- "$g" "$@"; }
	expect_true "$b: open of an allowed file" grep -q "^open ok" <<<"$(run open "$tmp/d/public")"
	expect_eq "$b: open of the denied file" "open -1 EACCES" "$(run open "$tmp/d/secret")"
	expect_eq "$b: ... through an absolute symlink" "open -1 EACCES" "$(run open "$tmp/d/link")"
	expect_eq "$b: ... through a relative one" "open -1 EACCES" "$(cd "$tmp/d" && run open rel)"
	expect_eq "$b: ... through .." "open -1 EACCES" "$(cd "$tmp/d" && run open "../d/./secret")"
	expect_eq "$b: stat follows to the denied file" "stat -1 EACCES" "$(run stat "$tmp/d/link")"
	expect_true "$b: lstat of the link itself is allowed" grep -q "^lstat ok .* link=1" <<<"$(run lstat "$tmp/d/link")"
	expect_eq "$b: readlink of it too" "readlink $tmp/d/secret" "$(run readlink "$tmp/d/link")"
	expect_eq "$b: access of the denied file" "access -1 EACCES" "$(run access "$tmp/d/secret")"
	mkdir -p "$tmp/d/sub"
	expect_eq "$b: creating under a denied tree" "open -1 EPERM" "$(run open "$tmp/d/sub/new" creat)"
	expect_true "$b: ... nothing was created" test ! -e "$tmp/d/sub/new"
	rm -f "$tmp/d/new"
	out=$(cd "$tmp/d" && umask 027 && run open new creat)
	expect_true "$b: creating an allowed file, with the guest's umask ($out)" grep -q "^open ok .*mode=640 cloexec=0" <<<"$out"
	expect_eq "$b: the log names the resolved path and the rule" 1 "$(json_count "$tmp/$b.path.json" \
		"r['action']=='denied' and r['path']=='$tmp/d/secret' and r['syscall'] in ('open','openat') and r['rule'].endswith('path.policy:2:18')" | head -1 | sed 's/^[1-9][0-9]*$/1/')"
done

# ---- the shipped policies ----
expect_eq "policy list" "audit
default
strict
translate" "$("$COMPATBOX" policy list)"
for p in default audit translate strict; do
	expect_true "policy check $p" "$COMPATBOX" policy check "$p"
done
# default: ioctls performed where known (as without --policy).
cb --policy default --log "$tmp/def.json" -- "$GUESTS/$(abi_guests guest64 guest32 | cut -d' ' -f1)" ioctls 5 >/dev/null
expect_eq "default: FIONREAD performed" 5 "$(json_count "$tmp/def.json" \
	"r['action']=='performed' and r['request']['name']=='FIONREAD'")"
# audit (and --passthrough, which is it): every ioctl logged, none performed
# (on an i386 guest where this run has them).
cb --policy audit --log "$tmp/audit.json" -- "$GUESTS/$(abi_guests guest32 guest64 | cut -d' ' -f1)" ioctls 5 >/dev/null
expect_eq "audit: FIONREAD logged, run by the kernel" 5 "$(json_count "$tmp/audit.json" \
	"r['action']=='kernel' and r['request']['name']=='FIONREAD'")"
# translate (and --translate): i386 stat64 performed as newfstatat.
if covers_abi 32; then
	cb --policy translate --log "$tmp/tr.json" -- "$GUESTS/policy_guest32" stat /etc/hostname >/dev/null
	n2=$(json_count "$tmp/tr.json" "r['action']=='translated'")
	expect_true "translate: i386 calls translated ($n2)" test "$n2" -ge 1
else
	echo "SKIP: translate on an i386 guest (CB_ABIS='$CB_ABIS')"
fi
out=$(cb --translate --policy strict -- true 2>&1); rc=$?
expect_eq "--translate with --policy refused" 125 "$rc"

# strict: what it denies, on both ABIs ...
for b in $PGUESTS; do
	g=$GUESTS/$b
	expect_eq "$b: strict denials" "setns -1 EPERM
clone3 -1 ENOSYS
init_module -1 EPERM
keyctl -1 EPERM
getppid 0" "$(cb --policy strict -- "$g" call setns clone3 init_module keyctl getppid)"
done
# ... and TIOCSTI on a terminal (a pty), refused by the policy's rule (the
# kernel may refuse it too: the log says who did).
if python3 -c 'import pty' 2>/dev/null; then
	out=$(python3 - "$COMPATBOX" "$tmp/sti.json" <<'PY'
import pty, subprocess, sys
m, s = pty.openpty()
code = "import fcntl,termios\ntry:\n fcntl.ioctl(0, termios.TIOCSTI, b'x'); print('pushed')\nexcept OSError as e: print('refused', e.errno)\n"
r = subprocess.run([sys.argv[1], "run", "--policy", "strict", "--log", sys.argv[2], "--",
                    "/usr/bin/python3", "-c", code], stdin=s, capture_output=True, text=True)
print(r.stdout.strip())
PY
)
	expect_eq "strict: TIOCSTI on a terminal refused (python3)" "refused 1" "$out"
	expect_eq "... by strict's rule" 1 "$(json_count "$tmp/sti.json" \
		"r['request']['name']=='TIOCSTI' and r['action']=='denied' and r['rule'].startswith('strict:')")"
fi

# ... and real programs pass it: x86_64 coreutils, python3, sqlite3.
strict() { cb --policy strict -- "$@"; }
expect_eq "strict: ls" "$tmp/d/public" "$(strict ls "$tmp/d/public")"
expect_eq "strict: sort | uniq -c" "      2 a" "$(printf 'a\na\n' | strict sh -c 'sort | uniq -c')"
expect_true "strict: cp, stat, rm" strict sh -c "cp $tmp/d/public $tmp/cp && stat -c %s $tmp/cp >/dev/null && rm $tmp/cp"
expect_eq "strict: date, id, uname" 3 "$(strict sh -c 'date +%s; id -u; uname -m' | wc -l)"
PY3=/usr/bin/python3
[ -x $PY3 ] || PY3=python3
expect_eq "strict: python3 with threads and a subprocess" "42 b'sub\\n'" \
	"$(strict $PY3 -c 'import threading,subprocess,json; r=[]; t=threading.Thread(target=r.append,args=(42,)); t.start(); t.join(); print(r[0], subprocess.run(["echo","sub"],capture_output=True).stdout)')"
if command -v sqlite3 >/dev/null; then
	expect_eq "strict: sqlite3 on a file" 3 "$(strict sqlite3 "$tmp/db" 'create table t(a); insert into t values(1),(2); select sum(a) from t;')"
else
	echo "SKIP: sqlite3 not installed (x86_64 strict)"
fi
# i386 ones: Debian's, unpacked by bench/fetch_i386.sh (gzip, tar, sqlite3, python3.11).
cache=${CB_I386_CACHE:-$GUESTS/../../bench-i386}
if ! covers_abi 32; then
	echo "SKIP: i386 programs under strict (CB_ABIS='$CB_ABIS')"
elif [ -e "$cache/READY" ]; then
	ld=("$cache/lib/ld-linux.so.2" --library-path "$cache/lib/i386-linux-gnu:$cache/usr/lib/i386-linux-gnu")
	expect_eq "strict i386: sqlite3" 3 "$(strict "${ld[@]}" "$cache/usr/bin/sqlite3" "$tmp/db32" \
		'create table t(a); insert into t values(1),(2); select sum(a) from t;')"
	expect_eq "strict i386: python3 with threads and a subprocess" "42 b'sub\\n'" "$(env -u PYTHONPATH -u PYTHONHOME \
		"$COMPATBOX" run --policy strict -- "${ld[@]}" "$cache/usr/bin/python3.11" -c \
		'import threading,subprocess; r=[]; t=threading.Thread(target=r.append,args=(42,)); t.start(); t.join(); print(r[0], subprocess.run(["/bin/echo","sub"],capture_output=True).stdout)')"
	expect_eq "strict i386: tar | gzip" "$tmp/d/public" "$(strict "${ld[@]}" "$cache/bin/tar" cf - "$tmp/d/public" 2>/dev/null |
		strict "${ld[@]}" "$cache/bin/gzip" -c | gunzip | tar tf - | sed 's|^|/|')"
else
	echo "SKIP: no i386 programs for strict (run bench/fetch_i386.sh; $cache/READY missing)"
fi

# ---- bad policies: a clear error, exit 125, the guest never runs ----
bad_policy() { # TEXT EXPECTED-MESSAGE (lib.sh's bad() counts failures)
	printf '%s\n' "$1" >"$tmp/bad.policy"
	rm -f "$tmp/ran"
	local out rc
	out=$(cb --policy "$tmp/bad.policy" -- touch "$tmp/ran" 2>&1); rc=$?
	expect_eq "bad policy '$1': exit 125" 125 "$rc"
	expect_true "... says: $2" grep -qF "$2" <<<"$out"
	expect_true "... the guest did not run" test ! -e "$tmp/ran"
}
bad_policy "allow opne" "bad.policy:1:7: unknown syscall 'opne'"
bad_policy "default alow" "bad.policy:1:9: expected an action"
bad_policy "ioctl deny TIOCFOO" "bad.policy:1:12: unknown ioctl request 'TIOCFOO'"
bad_policy 'include "missing.policy"' "bad.policy:1:9: cannot include"
out=$(cb --policy no-such -- true 2>&1); rc=$?
expect_eq "unknown policy name: 125" 125 "$rc"
expect_true "... names the shipped ones" grep -q "shipped: default, audit, translate, strict" <<<"$out"
# A shorthand names the shipped policy, never a file of that name in the
# current directory (a directory called translate/, a file called default).
mkdir -p "$tmp/cwd/translate"
printf 'default kill\n' >"$tmp/cwd/default"
out=$(cd "$tmp/cwd" && cb --translate -- true 2>&1); rc=$?
expect_eq "--translate beside a directory named translate: runs" 0 "$rc"
out=$(cd "$tmp/cwd" && cb -- true 2>&1); rc=$?
expect_eq "no policy option beside a file named default: the shipped default" 0 "$rc"
out=$("$COMPATBOX" policy check "$tmp/bad.policy" 2>&1); rc=$?
expect_eq "policy check of a bad policy fails" 1 "$rc"
printf 'default deny\nallow read\nallow read\n' >"$tmp/warn.policy"
out=$("$COMPATBOX" policy check "$tmp/warn.policy" 2>&1); rc=$?
expect_eq "policy check with warnings passes" 0 "$rc"
expect_true "... and warns of the shadowed rule" grep -q "warn.policy:3:7: warning: rule for read never applies" <<<"$out"
out=$("$COMPATBOX" policy show strict)
expect_true "policy show: the filter in PFC" grep -q "pseudo filter code start" <<<"$out"
expect_true "policy show: the supervisor's rules" grep -q "x86_64 socket (41): the rules in order" <<<"$out"
finish
