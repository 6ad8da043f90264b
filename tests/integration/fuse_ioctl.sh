#!/bin/bash
# A driver without compat_ioctl: the FUSE fixture (tests/fixtures/mydev_fuse.c)
# understands only the x86_64 numbers of mydev.h's MYDEV_GET/MYDEV_SET. An
# i386 guest gets ENOTTY natively; under `compatbox run --abi` with a
# descriptor generated from the header, the supervisor performs its calls
# with the x86_64 numbers and converted structs, and every field round-trips.
# Environment besides lib.sh's: FIXTURES (see mount_fuse_fixture).
. "$(dirname "$0")/lib.sh"

header=$(cd "$(dirname "$0")/../fixtures" && pwd)/mydev.h
needs_abi 32
mount_fuse_fixture mydev
flog=$fixture_log
ok "fixture mounted: $(grep " $mnt " /proc/mounts | cut -d' ' -f1,3)"

# The numbers as each ABI encodes them (struct: 16 bytes on i386, 24 on x86_64).
GET32=0x80104d01 SET32=0x40104d02 GET64=0x80184d01 SET64=0x40184d02
init="a=0x11223344 b=0x5566778899aabbcc c=-2"
new="a=0xa1b2c3d4 b=0xfedcba9876543210 c=-123456789"
zero="a=0x00000000 b=0x0000000000000000 c=0"

# 1. Natively, the i386 guest's requests reach the fixture with FUSE's compat
#    flags and are refused: there is no compat_ioctl to convert them.
out=$("$GUESTS/mydev32" "$mnt/mydev"); rc=$?
printf '%s\n' "$out" | sed 's/^/# native i386: /'
expect_eq "native i386 guest fails" 1 "$rc"
expect_eq "native i386: every call ENOTTY" "sizeof(struct mydev_info) 16
MYDEV_GET $GET32 -1 ENOTTY $zero
MYDEV_SET $SET32 -1 ENOTTY $new
MYDEV_GET $GET32 -1 ENOTTY $zero" "$out"
expect_eq "fixture saw the i386 numbers as 32-bit compat calls of 16 bytes" \
"ioctl cmd=$GET32 unknown flags=0x9 compat 32bit in=0 out=16 -> ENOTTY
ioctl cmd=$SET32 unknown flags=0x9 compat 32bit in=16 out=0 -> ENOTTY
ioctl cmd=$GET32 unknown flags=0x9 compat 32bit in=0 out=16 -> ENOTTY" "$(cat "$flog")"
: >"$flog"

# 2. A descriptor from the vendor header.
"$COMPATBOX" abi gen --header "$header" --struct mydev_info --ioctl MYDEV_GET --ioctl MYDEV_SET \
	-o "$tmp/mydev.abi" 2>"$tmp/gen.err"
expect_eq "abi gen succeeded" 0 "$?"
sed 's/^/# mydev.abi: /' "$tmp/mydev.abi"
expect_true "mydev_info is 16 bytes on i386, 24 on x86_64" \
	grep -qx 'record mydev_info struct size 16 24 align 4 8' "$tmp/mydev.abi"
expect_true "MYDEV_GET pairs the two numbers" \
	grep -qx "ioctl MYDEV_GET req $GET32 $GET64 arg record mydev_info dir out" "$tmp/mydev.abi"
expect_true "MYDEV_SET pairs the two numbers" \
	grep -qx "ioctl MYDEV_SET req $SET32 $SET64 arg record mydev_info dir in" "$tmp/mydev.abi"

# 3. Under compatbox with it: performed natively as x86_64 calls.
log="$tmp/cb.json"
out=$(cb --abi "$tmp/mydev.abi" --log "$log" -- "$GUESTS/mydev32" "$mnt/mydev"); rc=$?
printf '%s\n' "$out" | sed 's/^/# translated i386: /'
expect_eq "translated i386 guest succeeds" 0 "$rc"
expect_eq "translated i386: initial pattern, then the values set, exactly" \
"sizeof(struct mydev_info) 16
MYDEV_GET $GET32 0 ok $init
MYDEV_SET $SET32 0 ok $new
MYDEV_GET $GET32 0 ok $new" "$out"
expect_eq "compatbox logged 3 translated ioctls, all returning 0" 3 "$(json_count "$log" \
	"r['arch']=='i386' and r['action']=='translated' and r['result']=={'ret':0} \
	 and r['path']=='$mnt/mydev' and r['request']['value'] in ('$GET32','$SET32')")"
expect_eq "the log names the requests from the .abi file" 3 "$(json_count "$log" \
	"r['path']=='$mnt/mydev' and r['request']['name'] in ('MYDEV_GET','MYDEV_SET')")"
expect_eq "and no other ioctl on the fixture" 3 "$(json_count "$log" "r['path']=='$mnt/mydev'")"
expect_eq "fixture saw x86_64 numbers, 24-byte structs, no compat flag" \
"ioctl cmd=$GET64 MYDEV_GET flags=0x0 in=0 out=24 -> 0 $init
ioctl cmd=$SET64 MYDEV_SET flags=0x0 in=24 out=0 -> 0 $new
ioctl cmd=$GET64 MYDEV_GET flags=0x0 in=0 out=24 -> 0 $new" "$(cat "$flog")"
: >"$flog"

# 4. The stored struct is what a native x86_64 caller sees too.
out=$("$GUESTS/mydev64" "$mnt/mydev"); rc=$?
expect_eq "native x86_64 guest succeeds" 0 "$rc"
expect_eq "native x86_64 guest reads what the i386 guest set" \
	"MYDEV_GET $GET64 0 ok $new" "$(sed -n 2p <<<"$out")"

# 5. A long the i386 guest cannot hold (2^40 + 5, set by an x86_64 caller):
#    EOVERFLOW by default; with narrow=truncate on the field, its low bits.
wide=1099511627781
expect_eq "x86_64 guest sets c = 2^40 + 5" "MYDEV_GET $GET64 0 ok a=0xa1b2c3d4 b=0xfedcba9876543210 c=$wide" \
	"$("$GUESTS/mydev64" "$mnt/mydev" $wide | tail -1)"
out=$(cb --abi "$tmp/mydev.abi" -- "$GUESTS/mydev32" "$mnt/mydev" | sed -n 2p)
expect_eq "translated i386 GET of a wide c: EOVERFLOW" "MYDEV_GET $GET32 -1 EOVERFLOW $zero" "$out"
"$GUESTS/mydev64" "$mnt/mydev" $wide >/dev/null
sed 's/^field c .*/& narrow=truncate/' "$tmp/mydev.abi" >"$tmp/truncate.abi"
out=$(cb --abi "$tmp/truncate.abi" -- "$GUESTS/mydev32" "$mnt/mydev" | sed -n 2p)
expect_eq "with narrow=truncate: the low 32 bits" \
	"MYDEV_GET $GET32 0 ok a=0xa1b2c3d4 b=0xfedcba9876543210 c=5" "$out"
finish
