#!/bin/bash
# What the guest runs with: no_new_privs, a seccomp filter, the capabilities
# it was allowed, and no access to the supervisor.
. "$(dirname "$0")/lib.sh"

field() { awk -v f="$1:" '$1 == f {print $2}' <<<"$2"; }
st=$(cb -- cat /proc/self/status)
expect_eq "no_new_privs set" 1 "$(field NoNewPrivs "$st")"
expect_eq "seccomp filter mode" 2 "$(field Seccomp "$st")"
expect_eq "capabilities: effective empty" 0000000000000000 "$(field CapEff "$st")"
expect_eq "capabilities: permitted empty" 0000000000000000 "$(field CapPrm "$st")"
expect_eq "capabilities: ambient empty" 0000000000000000 "$(field CapAmb "$st")"

if [ "$(id -u)" = 0 ]; then
	expect_eq "capabilities: bounding empty" 0000000000000000 "$(field CapBnd "$st")"
	st=$(cb --keep-caps net_admin,cap_sys_time -- cat /proc/self/status)
	want=$(printf '%016x' $(( (1 << 12) | (1 << 25) )))
	expect_eq "--keep-caps keeps exactly net_admin and sys_time (effective)" "$want" "$(field CapEff "$st")"
	expect_eq "--keep-caps keeps exactly net_admin and sys_time (bounding)" "$want" "$(field CapBnd "$st")"
	st=$(cb --keep-caps net_admin,setuid,setgid -- setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_admin --ambient-caps=+net_admin cat /proc/self/status 2>&1)
	expect_eq "kept capability survives a switch to nobody via ambient" \
		"$(printf '%016x' $((1 << 12)))" "$(field CapEff "$st")"
else
	echo "# not root: bounding-set checks need CAP_SETPCAP, not run"
fi

# The supervisor is not dumpable: the guest cannot open its memory or fds.
# The keeper's host pid from /proc/self/stat: in the guest's PID namespace
# $PPID is 1 (the keeper as its init), /proc is the host's.
out=$(cb -- sh -c 'read -r _ _ _ kp _ </proc/self/stat; sup=$(awk "/^PPid:/ {print \$2}" /proc/$kp/status); cat /proc/$sup/mem 2>&1 >/dev/null; readlink /proc/$sup/fd/0 2>&1 || echo fd-denied; echo sup=$sup')
expect_true "guest cannot read the supervisor's memory" grep -q "mem: Permission denied" <<<"$out"
expect_true "guest cannot read the supervisor's fd links" grep -q "fd-denied" <<<"$out"
finish
