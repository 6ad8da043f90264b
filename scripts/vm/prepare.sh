#!/bin/bash
# Fetch one of Debian's stock kernels and build the VM's initramfs, once.
# Usage: scripts/vm/prepare.sh 6.1|6.12   → prints the cache folder:
#   vmlinuz, initrd (the C init plus virtio/9p modules), modules/ (the
#   kernel's whole module tree, depmod'ed, shared into the VM), kver.
# Changes nothing on the system: Debian 13's kernel comes through a private
# apt sources list and state folder, and is unpacked with dpkg -x.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
series=${1:?usage: prepare.sh 6.1|6.12}
cache=${COMPATBOX_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/compatbox/vm}
dir=$cache/linux-$series
if [ -f "$dir/ready" ] && [ "$dir/initrd" -nt "$here/init.c" ] && [ "$dir/initrd" -nt "$0" ]; then
	echo "$dir"; exit 0
fi
mkdir -p "$dir"
say() { echo "vm: $*" >&2; }

case $series in
6.1) suite=bookworm ;;
6.12) suite=trixie ;;
*) say "unknown kernel series '$series' (use 6.1 or 6.12)"; exit 2 ;;
esac

if [ ! -f "$dir/kver" ]; then
	apt_dir=$cache/apt-$suite
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		echo "deb [signed-by=$key] http://deb.debian.org/debian $suite main"
		echo "deb [signed-by=$key] http://deb.debian.org/debian-security $suite-security main"
	} >"$apt_dir/sources.list"
	: >"$apt_dir/status"
	apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::Status=$apt_dir/status"
		-o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives"
		-o APT::Sandbox::User=root -qq)
	say "fetching Debian $suite's kernel package list"
	apt-get "${apt_opts[@]}" update >&2
	pkg=$(apt-cache "${apt_opts[@]}" depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
	[ -n "$pkg" ] || { say "no linux-image package found for $suite"; exit 1; }
	say "downloading $pkg"
	(cd "$apt_dir/archives" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download "$pkg" >&2)
	rm -rf "$dir/x" && mkdir -p "$dir/x"
	dpkg -x "$apt_dir"/archives/"$pkg"_*.deb "$dir/x"
	rm -f "$apt_dir"/archives/*.deb
	kver=${pkg#linux-image-}
	mods=$(ls -d "$dir"/x/lib/modules/"$kver" "$dir"/x/usr/lib/modules/"$kver" 2>/dev/null | head -1 || true)
	rm -rf "$dir/modules" && mv "$mods" "$dir/modules"
	cp "$dir/x/boot/vmlinuz-$kver" "$dir/vmlinuz"
	rm -rf "$dir/x"
	# depmod -b wants BASE/lib/modules/KVER.
	mkdir -p "$dir/depmod/lib/modules" && ln -sfn "$dir/modules" "$dir/depmod/lib/modules/$kver"
	depmod -b "$dir/depmod" "$kver"
	echo "$kver" >"$dir/kver"
fi
kver=$(cat "$dir/kver")

# The initramfs: the static C init and the modules that reach the 9p root.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/mod" "$work/root/proc" "$work/root/newroot" "$work/root/dev"
gcc -static -O2 -Wall -Wextra -Werror -o "$work/root/init" "$here/init.c"
: >"$work/root/modules.list"
for m in virtio_pci virtio_console 9pnet_virtio 9p; do
	/sbin/modprobe -S "$kver" -d "$dir/depmod" --show-depends "$m" | while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		name=$(basename "$path"); name=${name%.xz}; name=${name%.zst}
		grep -qx "/mod/$name" "$work/root/modules.list" && continue
		case $path in
		*.xz) xz -dc "$path" >"$work/root/mod/$name" ;;
		*.zst) zstd -qdc "$path" >"$work/root/mod/$name" ;;
		*) cp "$path" "$work/root/mod/$name" ;;
		esac
		echo "/mod/$name" >>"$work/root/modules.list"
	done
done
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initrd.tmp"
mv "$dir/initrd.tmp" "$dir/initrd"
touch "$dir/ready"
echo "$dir"
