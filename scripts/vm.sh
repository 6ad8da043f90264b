#!/bin/bash
# Run a command in a throw-away VM booting one of Debian's stock kernels,
# for hosts that cannot execute i386 code and to test on more than one kernel.
#
# Usage: scripts/vm.sh [--kernel 6.1|6.12] [--share DIR]... [--timeout SEC]
#                      [--mem MB] [--cpus N] [--append KERNEL-ARGS] -- COMMAND [ARGS...]
#
# The host's root is the VM's root, read-only over virtio-9p, with tmpfs on
# /tmp, /run, /root, /var/tmp and /mnt; the current folder and each --share DIR
# are shared read-write at the same path. COMMAND runs as root in the current
# folder with this environment; its output comes back on stdout, its exit
# status is vm.sh's. KVM when /dev/kvm is usable, TCG otherwise. The kernel's
# own modules (vivid, snd-dummy, uinput, scsi_debug, loop, tun, ...) load
# with modprobe inside. vm.sh's own failures exit 125 (the VM did not come up
# or died: the console's tail is shown) or 124 (the time limit passed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kernel=${COMPATBOX_VM_KERNEL:-6.1}
timeout=${COMPATBOX_VM_TIMEOUT:-3600}
mem=4096
cpus=$(nproc)
shares=("$PWD")
append=
usage() { sed -n '5,6p' "$0" | sed 's/^# //' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:?}; shift 2 ;;
	--share) shares+=("$(cd "${2:?}" && pwd)"); shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "vm.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || usage

"$here/deps.sh" qemu-system-x86 kmod cpio xz-utils zstd libc6-dev >&2
dir=$("$here/vm/prepare.sh" "$kernel")
kver=$(cat "$dir/kver")

ctl=$(mktemp -d "${TMPDIR:-/tmp}/compatbox-vm.XXXXXX")
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill -9 "$qemu_pid" 2>/dev/null
	rm -rf "$ctl"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What the VM runs: this environment, this folder, this command.
{
	if [ -t 0 ]; then
		echo "exec </dev/vport0p1"  # an interactive shell reads the host's terminal
	else
		echo "exec </dev/null"
	fi
	[ -n "${COMPATBOX_VM_DEBUG:-}" ] && echo "set -x"
	# The VM came up: a boot that dies before this line is tried again.
	echo ': >/run/cbctl/started'
	export -p | grep -vE '^declare -x (BASH_[A-Z_]*|HOSTNAME|OLDPWD|PWD|SHLVL|_|TMPDIR|XDG_RUNTIME_DIR|SSH_[A-Z_]*|DISPLAY)='
	printf 'cd %q || exit 125\n' "$PWD"
	printf 'ip link set lo up 2>/dev/null\n'
	# modprobe finds the VM kernel's modules (the host's root has none).
	echo 'export MODPROBE_OPTIONS="-d /run/cbmods"'
	# stdout and stderr both go to the host through the cb.out port.
	printf 'exec >/dev/vport0p1 2>&1 || exec >/dev/hvc0 2>&1\n'
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$ctl/run.sh"
sed -i 's/^declare -x /export /' "$ctl/run.sh"

fsdevs=(-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=root,mount_tag=cbroot
	-fsdev "local,id=ctl,path=$ctl,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=ctl,mount_tag=cbctl
	-fsdev "local,id=mods,path=$dir/modules,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=mods,mount_tag=cbmods)
: >"$ctl/shares"
i=0
declare -A seen=()
for s in "${shares[@]}"; do
	[ -n "${seen[$s]:-}" ] && continue
	seen[$s]=1
	fsdevs+=(-fsdev "local,id=share$i,path=$s,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=share$i,mount_tag=cbshare$i")
	echo "cbshare$i $s" >>"$ctl/shares"
	i=$((i + 1))
done

# qemu's stdio chardev closes at EOF on its stdin, and a closed port blocks
# the guest's writes: without a terminal, give it a stdin that stays open.
if [ -t 0 ]; then
	stdin_fd=0
else
	mkfifo "$ctl/stdin"
	exec {stdin_fd}<>"$ctl/stdin"
fi

# KVM only when a VM really boots with it: some hypervisors offer a
# /dev/kvm whose nested guests hang in early boot. The verdict is probed once
# (a kernel that panics for want of a root within 20 s) and cached.
kvm_usable() {
	[ -z "${COMPATBOX_VM_TCG:-}" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	local verdict="$dir/../kvm-$(uname -r)"
	if [ ! -f "$verdict" ]; then
		echo "vm: probing whether KVM guests boot here (once)" >&2
		if timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nodefaults -no-user-config \
			-display none -no-reboot -kernel "$dir/vmlinuz" -append "console=ttyS0 panic=-1" \
			-serial stdio </dev/null 2>/dev/null | grep -q "Kernel panic"; then
			echo yes >"$verdict"
		else
			echo no >"$verdict"
		fi
	fi
	[ "$(cat "$verdict")" = yes ]
}
accel=tcg,thread=multi
# Not "max": its features make every guest syscall ~10x slower under TCG
# (measured: 1000 trapped ioctls 3.4 s against 0.3 s with Nehalem).
cpu=${COMPATBOX_VM_CPU:-Nehalem}
if kvm_usable; then
	accel=kvm
	cpu=host
fi

# no_timer_check: under TCG on a loaded host the kernel's check that the
# IO-APIC timer ticks can miss its window and panic at boot ("IO-APIC +
# timer doesn't work"); the emulated timer works, the check is what fails.
boot() {
	qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -smp "$cpus" -m "$mem" -nodefaults -no-user-config \
		-display none -monitor none -no-reboot \
		-kernel "$dir/vmlinuz" -initrd "$dir/initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 mitigations=off no_timer_check cb.kver=$kver $append" \
		-serial "file:$ctl/console.log" \
		-device virtio-serial-pci -chardev stdio,id=out,signal=off -device virtserialport,chardev=out,name=cb.out \
		-device bochs-display \
		"${fsdevs[@]}" <&"$stdin_fd" &
	qemu_pid=$!

	# The time limit is the VM's own, so a hung guest never hangs the caller.
	# It holds none of our output open: a caller reading a pipe sees EOF when
	# vm.sh exits, not when the watchdog's sleep would have ended.
	( trap 'kill $! 2>/dev/null; exit' TERM
	  sleep "$timeout" & wait $!
	  kill -9 "$qemu_pid" 2>/dev/null && echo timeout >"$ctl/timedout" ) </dev/null >/dev/null 2>&1 &
	watchdog=$!
	wait "$qemu_pid" || true
	qemu_pid=
	kill "$watchdog" 2>/dev/null || true
	wait "$watchdog" 2>/dev/null || true
}
boot
# A kernel that dies while booting, before the command started, is booted
# once more: under TCG with several vCPUs Debian's 6.12 has been seen to
# oops in early boot (an int3 in sched_clock_cpu while code was patched),
# nothing of ours having run. A command that started is never run twice.
if [ ! -f "$ctl/rc" ] && [ ! -f "$ctl/started" ] && [ ! -f "$ctl/timedout" ]; then
	echo "vm.sh: linux $kernel died before the command started; booting it once more. The console's last lines:" >&2
	tail -n 8 "$ctl/console.log" | sed 's/^/  | /' >&2
	boot
fi

if [ -f "$ctl/rc" ]; then
	exit "$(cat "$ctl/rc")"
fi
if [ -f "$ctl/timedout" ]; then
	echo "vm.sh: the command did not finish within ${timeout}s (linux $kernel, $accel); the console's last lines:" >&2
	rc=124
else
	echo "vm.sh: the VM stopped before the command finished (linux $kernel, $accel); the console's last lines:" >&2
	rc=125
fi
tail -n 30 "$ctl/console.log" | sed 's/^/  | /' >&2
exit $rc
