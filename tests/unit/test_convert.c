/* abi/convert.c: guest <-> host struct conversion driven by descriptors.
 *
 * The descriptors below are written by hand, with the real i386 and x86_64
 * offsets of the kernel structs they stand for (as `pahole` or offsetof
 * under -m32 / -m64 give them); they double as examples of the model in
 * abi/layout.h. Guest memory is a byte array at GUEST_BASE with an
 * optional unreadable hole. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../abi/convert.h"
#include "suites.h"

#define I CB_ARCH_I386
#define X CB_ARCH_X86_64

/* Per-ABI offset and size of a field; size and alignment of a record. */
#define AT(o32, o64, s32, s64) \
	.off = { [I] = (o32), [X] = (o64) }, .size = { [I] = (s32), [X] = (s64) }
#define RSIZE(s32, s64, a32, a64) \
	.size = { [I] = (s32), [X] = (s64) }, .align = { [I] = (a32), [X] = (a64) }
#define FIELDS(arr) .nfields = (int)(sizeof(arr) / sizeof(arr[0])), .fields = (arr)

/* ---- fake guest memory ---- */

#define GUEST_BASE 0x10000u
#define GUEST_SIZE 0x10000u

static struct {
	uint8_t b[GUEST_SIZE];
	uint64_t hole_lo, hole_hi; /* [lo, hi) is not mapped */
	int fail;                  /* when set, every access returns it */
	unsigned reads, writes;
} mem;

static bool mapped(uint64_t addr, size_t len)
{
	if (addr < GUEST_BASE || len > GUEST_SIZE || addr - GUEST_BASE > GUEST_SIZE - len)
		return false;
	return addr + len <= mem.hole_lo || addr >= mem.hole_hi;
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	mem.reads++;
	if (mem.fail)
		return mem.fail;
	if (!mapped(addr, len))
		return -EFAULT;
	memcpy(buf, mem.b + (addr - GUEST_BASE), len);
	return 0;
}

static int fake_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	mem.writes++;
	if (mem.fail)
		return mem.fail;
	if (!mapped(addr, len))
		return -EFAULT;
	memcpy(mem.b + (addr - GUEST_BASE), buf, len);
	return 0;
}

static const struct cb_guest_mem guest_mem = { fake_read, fake_write, NULL };

static uint8_t *at(uint64_t addr) { return mem.b + (addr - GUEST_BASE); }
static void put8(uint64_t a, uint8_t v) { *at(a) = v; }
static void put16(uint64_t a, uint16_t v) { memcpy(at(a), &v, 2); }
static void put32(uint64_t a, uint32_t v) { memcpy(at(a), &v, 4); }
static void put64(uint64_t a, uint64_t v) { memcpy(at(a), &v, 8); }
static uint16_t get16(uint64_t a) { uint16_t v; memcpy(&v, at(a), 2); return v; }
static uint32_t get32(uint64_t a) { uint32_t v; memcpy(&v, at(a), 4); return v; }
static uint64_t get64(uint64_t a) { uint64_t v; memcpy(&v, at(a), 8); return v; }
static uint16_t h16(const void *p, size_t o)
{
	uint16_t v;
	memcpy(&v, (const uint8_t *)p + o, 2);
	return v;
}
static uint32_t h32(const void *p, size_t o)
{
	uint32_t v;
	memcpy(&v, (const uint8_t *)p + o, 4);
	return v;
}
static uint64_t h64(const void *p, size_t o)
{
	uint64_t v;
	memcpy(&v, (const uint8_t *)p + o, 8);
	return v;
}
static void hput16(void *p, size_t o, uint16_t v) { memcpy((uint8_t *)p + o, &v, 2); }
static void hput32(void *p, size_t o, uint32_t v) { memcpy((uint8_t *)p + o, &v, 4); }
static void hput64(void *p, size_t o, uint64_t v) { memcpy((uint8_t *)p + o, &v, 8); }
static void *hptr(const void *p, size_t o) { return (void *)(uintptr_t)h64(p, o); }

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
}

/* ---- the descriptors ---- */

enum {
	R_TIMEVAL, R_STAT, R_FLOCK64, R_EPOLL, R_TAIL, R_RLIMIT, R_NARROW, R_SOCKADDR, R_IFMAP,
	R_IFRU, R_IFREQ, R_IFCU, R_IFCONF, R_TAGU, R_TAGGED, R_INNER, R_OUTER, R_IOVEC, R_MSGHDR,
	R_NODE, R_WRITEREQ, R_WRITEMAX, R_READREQ, R_FLEX, R_PATHREQ, R_FDREQ, R_IDU, R_IDTAGGED,
	R_MIXED, R_BADRAW, R_BADLEN, R_BADTARGET, R_OUTERP, R_INNERP, R_KEEP, R_COUNT
};

#define SIOCGIFCONF_ 0x8912u
#define SIOCGIFFLAGS_ 0x8913u
#define SIOCSIFFLAGS_ 0x8914u
#define SIOCGIFADDR_ 0x8915u
#define SIOCGIFINDEX_ 0x8933u
#define SIOCGIFMAP_ 0x8970u
/* A request whose number encodes sizeof(struct ifreq): 32 on i386, 40 on x86_64. */
#define FAKE_I386 0xc0208a01u
#define FAKE_X86_64 0xc0288a01u

/* struct timeval with the old 32-bit time_t on i386: 8 / 16 bytes. */
static const struct cb_field timeval_f[] = {
	{ .name = "tv_sec", .kind = CB_K_SLONG, AT(0, 0, 4, 8) },
	{ .name = "tv_usec", .kind = CB_K_SLONG, AT(4, 8, 4, 8) },
};

/* i386 struct stat64 (96 bytes, 64-bit members aligned to 4) against the
 * x86_64 struct stat (144): other order, other widths, and fields only one
 * ABI has (size 0 on the other, as the generator describes them). */
static const struct cb_field stat_f[] = {
	{ .name = "st_dev", .kind = CB_K_UINT, AT(0, 0, 8, 8) },
	{ .name = "__pad0", .kind = CB_K_PAD, AT(8, 36, 4, 4) },
	{ .name = "__st_ino", .kind = CB_K_ULONG, AT(12, 0, 4, 0) },
	{ .name = "st_mode", .kind = CB_K_UINT, AT(16, 24, 4, 4) },
	{ .name = "st_nlink", .kind = CB_K_ULONG, AT(20, 16, 4, 8) },
	{ .name = "st_uid", .kind = CB_K_UINT, AT(24, 28, 4, 4) },
	{ .name = "st_gid", .kind = CB_K_UINT, AT(28, 32, 4, 4) },
	{ .name = "st_rdev", .kind = CB_K_UINT, AT(32, 40, 8, 8) },
	{ .name = "__pad3", .kind = CB_K_PAD, AT(40, 0, 4, 0) },
	{ .name = "st_size", .kind = CB_K_SINT, AT(44, 48, 8, 8) },
	{ .name = "st_blksize", .kind = CB_K_SLONG, AT(52, 56, 4, 8) },
	{ .name = "st_blocks", .kind = CB_K_UINT, AT(56, 64, 8, 8) },
	{ .name = "st_atime", .kind = CB_K_SLONG, AT(64, 72, 4, 8) },
	{ .name = "st_atime_nsec", .kind = CB_K_ULONG, AT(68, 80, 4, 8) },
	{ .name = "st_mtime", .kind = CB_K_SLONG, AT(72, 88, 4, 8) },
	{ .name = "st_mtime_nsec", .kind = CB_K_ULONG, AT(76, 96, 4, 8) },
	{ .name = "st_ctime", .kind = CB_K_SLONG, AT(80, 104, 4, 8) },
	{ .name = "st_ctime_nsec", .kind = CB_K_ULONG, AT(84, 112, 4, 8) },
	{ .name = "st_ino", .kind = CB_K_UINT, AT(88, 8, 8, 8) },
	{ .name = "__unused", .kind = CB_K_ARRAY, AT(96, 120, 0, 24), .elem_kind = CB_K_SLONG,
	  .count = 3 },
};

/* struct flock64: l_start at 4 on i386, 8 on x86_64; 24 / 32 bytes. */
static const struct cb_field flock64_f[] = {
	{ .name = "l_type", .kind = CB_K_SINT, AT(0, 0, 2, 2) },
	{ .name = "l_whence", .kind = CB_K_SINT, AT(2, 2, 2, 2) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "l_start", .kind = CB_K_SINT, AT(4, 8, 8, 8) },
	{ .name = "l_len", .kind = CB_K_SINT, AT(12, 16, 8, 8) },
	{ .name = "l_pid", .kind = CB_K_SINT, AT(20, 24, 4, 4) },
	{ .name = "__tail", .kind = CB_K_PAD, AT(24, 28, 0, 4) },
};

/* struct epoll_event: packed on x86_64 so that both are 12 bytes. */
static const struct cb_field epoll_f[] = {
	{ .name = "events", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "data", .kind = CB_K_UINT, AT(4, 4, 8, 8) },
};

/* struct { long x; short y; }: 2 / 6 bytes of tail padding. */
static const struct cb_field tail_f[] = {
	{ .name = "x", .kind = CB_K_SLONG, AT(0, 0, 4, 8) },
	{ .name = "y", .kind = CB_K_SINT, AT(4, 8, 2, 2) },
	{ .name = "__tail", .kind = CB_K_PAD, AT(6, 10, 2, 6) },
};

/* struct rlimit (ugetrlimit): unsigned long, RLIM_INFINITY is all ones. */
static const struct cb_field rlimit_f[] = {
	{ .name = "rlim_cur", .kind = CB_K_ULONG, AT(0, 0, 4, 8), .a.narrow = CB_N_RLIM },
	{ .name = "rlim_max", .kind = CB_K_ULONG, AT(4, 8, 4, 8), .a.narrow = CB_N_RLIM },
};

static const struct cb_field narrow_f[] = {
	{ .name = "u", .kind = CB_K_ULONG, AT(0, 0, 4, 8), .a.narrow = CB_N_EOVERFLOW },
	{ .name = "s", .kind = CB_K_SLONG, AT(4, 8, 4, 8), .a.narrow = CB_N_EOVERFLOW },
	{ .name = "t", .kind = CB_K_ULONG, AT(8, 16, 4, 8), .a.narrow = CB_N_TRUNCATE },
};

static const struct cb_field sockaddr_f[] = {
	{ .name = "sa_family", .kind = CB_K_UINT, AT(0, 0, 2, 2) },
	{ .name = "sa_data", .kind = CB_K_RAW, AT(2, 2, 14, 14) },
};

/* struct ifmap: two unsigned longs first, so 16 / 24 bytes. */
static const struct cb_field ifmap_f[] = {
	{ .name = "mem_start", .kind = CB_K_ULONG, AT(0, 0, 4, 8) },
	{ .name = "mem_end", .kind = CB_K_ULONG, AT(4, 8, 4, 8) },
	{ .name = "base_addr", .kind = CB_K_UINT, AT(8, 16, 2, 2) },
	{ .name = "irq", .kind = CB_K_UINT, AT(10, 18, 1, 1) },
	{ .name = "dma", .kind = CB_K_UINT, AT(11, 19, 1, 1) },
	{ .name = "port", .kind = CB_K_UINT, AT(12, 20, 1, 1) },
	{ .name = "__tail", .kind = CB_K_PAD, AT(13, 21, 3, 3) },
};

/* ifreq's union: ifru_map makes it 16 / 24 bytes. */
static const struct cb_field ifru_f[] = {
	{ .name = "ifru_addr", .kind = CB_K_STRUCT, AT(0, 0, 16, 16), .record = R_SOCKADDR },
	{ .name = "ifru_flags", .kind = CB_K_SINT, AT(0, 0, 2, 2) },
	{ .name = "ifru_ivalue", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "ifru_map", .kind = CB_K_STRUCT, AT(0, 0, 16, 24), .record = R_IFMAP },
	{ .name = "ifru_newname", .kind = CB_K_ARRAY, AT(0, 0, 16, 16), .elem_kind = CB_K_UINT,
	  .count = 16 },
	{ .name = "ifru_data", .kind = CB_K_PTR, AT(0, 0, 4, 8) },
};

/* Cases hold host (x86_64) request numbers. */
static const struct cb_case ifru_cases[] = {
	{ SIOCGIFADDR_, 0 }, { SIOCGIFCONF_, 0 }, { SIOCGIFFLAGS_, 1 }, { SIOCSIFFLAGS_, 1 },
	{ SIOCGIFINDEX_, 2 }, { SIOCGIFMAP_, 3 }, { FAKE_X86_64, 2 },
};

static const struct cb_field ifreq_f[] = {
	{ .name = "ifr_name", .kind = CB_K_ARRAY, AT(0, 0, 16, 16), .elem_kind = CB_K_UINT,
	  .count = 16 },
	{ .name = "ifr_ifru", .kind = CB_K_UNION, AT(16, 16, 16, 24), .record = R_IFRU,
	  .a.select_cmd = true, .a.select_field = CB_NO_INDEX, .a.cases = ifru_cases,
	  .a.ncases = 7 },
};

/* ifconf's union: the pointer to the ifreq array, counted by ifc_len one
 * level out, in bytes. */
static const struct cb_field ifcu_f[] = {
	{ .name = "ifcu_buf", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 0, .a.len_up = 1, .a.dir = CB_DIR_OUT },
	{ .name = "ifcu_req", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_ARRAY,
	  .a.target_record = R_IFREQ, .a.len_field = 0, .a.len_up = 1, .a.len_in_bytes = true,
	  .a.dir = CB_DIR_OUT },
};

static const struct cb_case ifcu_cases[] = { { SIOCGIFCONF_, 1 } };

static const struct cb_field ifconf_f[] = {
	{ .name = "ifc_len", .kind = CB_K_SINT, AT(0, 0, 4, 4), .a.dir = CB_DIR_INOUT,
	  .a.len_updated = true },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "ifc_ifcu", .kind = CB_K_UNION, AT(4, 8, 4, 8), .record = R_IFCU,
	  .a.select_cmd = true, .a.select_field = CB_NO_INDEX, .a.cases = ifcu_cases,
	  .a.ncases = 1 },
};

/* A tagged union: `kind` (a sibling) says which member is live. */
static const struct cb_field tagu_f[] = {
	{ .name = "i", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "l", .kind = CB_K_SLONG, AT(0, 0, 4, 8) },
	{ .name = "tv", .kind = CB_K_STRUCT, AT(0, 0, 8, 16), .record = R_TIMEVAL },
};

static const struct cb_case tag_cases[] = { { 1, 0 }, { 2, 1 }, { 3, 2 } };

static const struct cb_field tagged_f[] = {
	{ .name = "kind", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "u", .kind = CB_K_UNION, AT(4, 8, 8, 16), .record = R_TAGU,
	  .a.select_field = 0, .a.select_up = 0, .a.cases = tag_cases, .a.ncases = 3 },
};

/* The same union one struct further in: its selector is one level out. */
static const struct cb_field inner_f[] = {
	{ .name = "x", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "u", .kind = CB_K_UNION, AT(4, 8, 8, 16), .record = R_TAGU,
	  .a.select_field = 0, .a.select_up = 1, .a.cases = tag_cases, .a.ncases = 3 },
};

static const struct cb_field outer_f[] = {
	{ .name = "kind", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "in", .kind = CB_K_STRUCT, AT(4, 8, 12, 24), .record = R_INNER },
};

/* recvmsg's struct iovec and struct msghdr: 8 / 16 and 28 / 56 bytes. */
static const struct cb_field iovec_f[] = {
	{ .name = "iov_base", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.dir = CB_DIR_OUT },
	{ .name = "iov_len", .kind = CB_K_ULONG, AT(4, 8, 4, 8) },
};

static const struct cb_field msghdr_f[] = {
	{ .name = "msg_name", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.max = 128, .a.dir = CB_DIR_OUT },
	{ .name = "msg_namelen", .kind = CB_K_UINT, AT(4, 8, 4, 4), .a.dir = CB_DIR_INOUT,
	  .a.len_updated = true },
	{ .name = "__pad0", .kind = CB_K_PAD, AT(8, 12, 0, 4) },
	{ .name = "msg_iov", .kind = CB_K_PTR, AT(8, 16, 4, 8), .a.target = CB_T_ARRAY,
	  .a.target_record = R_IOVEC, .a.len_field = 4, .a.max = 1024, .a.dir = CB_DIR_IN },
	{ .name = "msg_iovlen", .kind = CB_K_ULONG, AT(12, 24, 4, 8) },
	{ .name = "msg_control", .kind = CB_K_PTR, AT(16, 32, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 6, .a.dir = CB_DIR_OUT },
	{ .name = "msg_controllen", .kind = CB_K_ULONG, AT(20, 40, 4, 8), .a.dir = CB_DIR_INOUT,
	  .a.len_updated = true },
	{ .name = "msg_flags", .kind = CB_K_SINT, AT(24, 48, 4, 4), .a.dir = CB_DIR_OUT },
	{ .name = "__tail", .kind = CB_K_PAD, AT(28, 52, 0, 4) },
};

/* A linked list: each hop is one more level of pointers. */
static const struct cb_field node_f[] = {
	{ .name = "value", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "next", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_RECORD,
	  .a.target_record = R_NODE, .a.dir = CB_DIR_IN },
};

/* { int len; void *buf; }: a buffer counted by a signed sibling. */
static const struct cb_field writereq_f[] = {
	{ .name = "len", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "buf", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 0, .a.dir = CB_DIR_IN },
};

static const struct cb_field writemax_f[] = {
	{ .name = "len", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "buf", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 0, .a.max = 4096, .a.dir = CB_DIR_IN },
};

static const struct cb_field readreq_f[] = {
	{ .name = "len", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "buf", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 0, .a.dir = CB_DIR_OUT },
};

/* { unsigned n; long vals[]; }: a flexible array of longs. */
static const struct cb_field flex_f[] = {
	{ .name = "n", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "vals", .kind = CB_K_ARRAY, AT(4, 8, 4, 8), .elem_kind = CB_K_SLONG, .count = 0,
	  .a.flex = true, .a.len_field = 0 },
};

static const struct cb_field pathreq_f[] = {
	{ .name = "flags", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "path", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_STR, .a.max = 64,
	  .a.dir = CB_DIR_IN },
};

/* Identical on both ABIs, but holding fds: not a plain copy. */
static const struct cb_field fdreq_f[] = {
	{ .name = "fd", .kind = CB_K_SINT, AT(0, 0, 4, 4), .a.is_fd = true },
	{ .name = "flags", .kind = CB_K_UINT, AT(4, 4, 4, 4) },
	{ .name = "newfd", .kind = CB_K_SINT, AT(8, 8, 4, 4), .a.is_fd = true,
	  .a.dir = CB_DIR_OUT },
};

/* An identical union behind a selector: any value copies it raw. */
static const struct cb_field idu_f[] = {
	{ .name = "i", .kind = CB_K_SINT, AT(0, 0, 4, 4) },
	{ .name = "u", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
};

static const struct cb_field idtagged_f[] = {
	{ .name = "kind", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "v", .kind = CB_K_UNION, AT(4, 4, 4, 4), .record = R_IDU,
	  .a.select_field = 0, .a.cases = tag_cases, .a.ncases = 1 },
	{ .name = "l", .kind = CB_K_SLONG, AT(8, 8, 4, 8) },
};

/* An output struct with one input field (a request code, say). */
static const struct cb_field mixed_f[] = {
	{ .name = "code", .kind = CB_K_UINT, AT(0, 0, 4, 4), .a.dir = CB_DIR_IN },
	{ .name = "__pad", .kind = CB_K_PAD, AT(4, 4, 0, 4) },
	{ .name = "value", .kind = CB_K_ULONG, AT(4, 8, 4, 8) },
};

/* Lengths and selectors one level out, across the pointer that led here. */
static const struct cb_field outerp_f[] = {
	{ .name = "kind", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "n", .kind = CB_K_UINT, AT(4, 4, 4, 4) },
	{ .name = "p", .kind = CB_K_PTR, AT(8, 8, 4, 8), .a.target = CB_T_RECORD,
	  .a.target_record = R_INNERP, .a.dir = CB_DIR_INOUT },
};
static const struct cb_field innerp_f[] = {
	{ .name = "buf", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.len_up = 1, .a.dir = CB_DIR_OUT },
	{ .name = "u", .kind = CB_K_UNION, AT(4, 8, 8, 16), .record = R_TAGU,
	  .a.select_field = 0, .a.select_up = 1, .a.cases = tag_cases, .a.ncases = 3 },
};

/* What the kernel does not write, or writes twice (i386 stat64's pads and
 * __st_ino): kp only i386 has, kept; m only i386 has, the low bits of big;
 * kboth both have, kept on output but an input like any other. */
static const struct cb_field keep_f[] = {
	{ .name = "a", .kind = CB_K_UINT, AT(0, 0, 4, 4) },
	{ .name = "kp", .kind = CB_K_UINT, AT(4, 0, 4, 0), .a.keep = true },
	{ .name = "m", .kind = CB_K_ULONG, AT(8, 0, 4, 0), .a.mirror = true, .a.mirror_field = 4 },
	{ .name = "kboth", .kind = CB_K_UINT, AT(12, 4, 4, 4), .a.keep = true },
	{ .name = "big", .kind = CB_K_UINT, AT(16, 8, 8, 8) },
};

/* Broken descriptors: each must be refused, not followed. */
static const struct cb_field badraw_f[] = {
	{ .name = "blob", .kind = CB_K_RAW, AT(0, 0, 4, 8) },
};
static const struct cb_field badlen_f[] = {
	{ .name = "__pad", .kind = CB_K_PAD, AT(0, 0, 4, 4) },
	{ .name = "buf", .kind = CB_K_PTR, AT(4, 8, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 0, .a.dir = CB_DIR_IN },
};
static const struct cb_field badtarget_f[] = {
	{ .name = "p", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_RECORD,
	  .a.target_record = 999, .a.dir = CB_DIR_IN },
};

static const struct cb_record records[R_COUNT] = {
	[R_TIMEVAL] = { .name = "timeval", RSIZE(8, 16, 4, 8), FIELDS(timeval_f) },
	[R_STAT] = { .name = "stat64", RSIZE(96, 144, 4, 8), FIELDS(stat_f) },
	[R_FLOCK64] = { .name = "flock64", RSIZE(24, 32, 4, 8), FIELDS(flock64_f) },
	[R_EPOLL] = { .name = "epoll_event", RSIZE(12, 12, 4, 4), FIELDS(epoll_f),
		      .identical = true },
	[R_TAIL] = { .name = "tail", RSIZE(8, 16, 4, 8), FIELDS(tail_f) },
	[R_RLIMIT] = { .name = "rlimit", RSIZE(8, 16, 4, 8), FIELDS(rlimit_f) },
	[R_NARROW] = { .name = "narrow", RSIZE(12, 24, 4, 8), FIELDS(narrow_f) },
	[R_SOCKADDR] = { .name = "sockaddr", RSIZE(16, 16, 2, 2), FIELDS(sockaddr_f),
			 .identical = true },
	[R_IFMAP] = { .name = "ifmap", RSIZE(16, 24, 4, 8), FIELDS(ifmap_f) },
	[R_IFRU] = { .name = "ifreq.ifr_ifru", .is_union = true, RSIZE(16, 24, 4, 8),
		     FIELDS(ifru_f) },
	[R_IFREQ] = { .name = "ifreq", RSIZE(32, 40, 4, 8), FIELDS(ifreq_f) },
	[R_IFCU] = { .name = "ifconf.ifc_ifcu", .is_union = true, RSIZE(4, 8, 4, 8),
		     FIELDS(ifcu_f) },
	[R_IFCONF] = { .name = "ifconf", RSIZE(8, 16, 4, 8), FIELDS(ifconf_f) },
	[R_TAGU] = { .name = "tagged.u", .is_union = true, RSIZE(8, 16, 4, 8), FIELDS(tagu_f) },
	[R_TAGGED] = { .name = "tagged", RSIZE(12, 24, 4, 8), FIELDS(tagged_f) },
	[R_INNER] = { .name = "inner", RSIZE(12, 24, 4, 8), FIELDS(inner_f) },
	[R_OUTER] = { .name = "outer", RSIZE(16, 32, 4, 8), FIELDS(outer_f) },
	[R_IOVEC] = { .name = "iovec", RSIZE(8, 16, 4, 8), FIELDS(iovec_f) },
	[R_MSGHDR] = { .name = "msghdr", RSIZE(28, 56, 4, 8), FIELDS(msghdr_f) },
	[R_NODE] = { .name = "node", RSIZE(8, 16, 4, 8), FIELDS(node_f) },
	[R_WRITEREQ] = { .name = "writereq", RSIZE(8, 16, 4, 8), FIELDS(writereq_f) },
	[R_WRITEMAX] = { .name = "writemax", RSIZE(8, 16, 4, 8), FIELDS(writemax_f) },
	[R_READREQ] = { .name = "readreq", RSIZE(8, 16, 4, 8), FIELDS(readreq_f) },
	[R_FLEX] = { .name = "flex", RSIZE(4, 8, 4, 8), FIELDS(flex_f) },
	[R_PATHREQ] = { .name = "pathreq", RSIZE(8, 16, 4, 8), FIELDS(pathreq_f) },
	[R_FDREQ] = { .name = "fdreq", RSIZE(12, 12, 4, 4), FIELDS(fdreq_f), .identical = true },
	[R_IDU] = { .name = "idtagged.v", .is_union = true, RSIZE(4, 4, 4, 4), FIELDS(idu_f),
		    .identical = true },
	[R_IDTAGGED] = { .name = "idtagged", RSIZE(12, 16, 4, 8), FIELDS(idtagged_f) },
	[R_MIXED] = { .name = "mixed", RSIZE(8, 16, 4, 8), FIELDS(mixed_f) },
	[R_BADRAW] = { .name = "badraw", RSIZE(4, 8, 4, 8), FIELDS(badraw_f) },
	[R_BADLEN] = { .name = "badlen", RSIZE(8, 16, 4, 8), FIELDS(badlen_f) },
	[R_BADTARGET] = { .name = "badtarget", RSIZE(4, 8, 4, 8), FIELDS(badtarget_f) },
	[R_OUTERP] = { .name = "outerp", RSIZE(12, 16, 4, 8), FIELDS(outerp_f) },
	[R_INNERP] = { .name = "innerp", RSIZE(12, 24, 4, 8), FIELDS(innerp_f) },
	[R_KEEP] = { .name = "keep", RSIZE(24, 16, 4, 8), FIELDS(keep_f) },
};

static const struct cb_ioctl ioctls[] = {
	{ .name = "FAKE_IFREQ", .req = { [I] = FAKE_I386, [X] = FAKE_X86_64 },
	  .arg_record = R_IFREQ, .dir = CB_DIR_INOUT },
};

static const struct cb_abi_db db = { records, R_COUNT, ioctls, 1 };

static void start(struct cb_conv *cv, enum cb_arch guest, uint32_t cmd)
{
	ck_assert_int_eq(cb_conv_init(cv, &db, guest, cmd, &guest_mem, 0), 0);
}

/* ---- integers ---- */

START_TEST(test_timeval_sign_extends)
{
	/* Old 32-bit time_t: a negative tv_sec stays negative. */
	const uint64_t A = GUEST_BASE + 0x100;
	put32(A, (uint32_t)-5);
	put32(A + 4, 999999);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TIMEVAL, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h64(h, 0), 0xfffffffffffffffbull);
	ck_assert_uint_eq(h64(h, 8), 999999);
	hput64(h, 0, (uint64_t)-7);
	hput64(h, 8, 12);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 0xfffffff9u);
	ck_assert_uint_eq(get32(A + 4), 12);
	ck_assert_uint_eq(get32(A + 8), 0); /* nothing past the guest's 8 bytes */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_stat64_offsets)
{
	/* fstat64 on i386: an output the kernel fills in x86_64 layout. */
	const uint64_t A = GUEST_BASE + 0x200;
	memset(at(A), 0xaa, 100);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_STAT, A, CB_DIR_OUT, &h), 0);
	ck_assert_uint_eq(mem.reads, 0); /* output only: not read */
	hput64(h, 0, 0x803);                 /* st_dev */
	hput64(h, 8, 0x123456789abcull);     /* st_ino */
	hput64(h, 16, 2);                    /* st_nlink */
	hput32(h, 24, 0100644);              /* st_mode */
	hput32(h, 28, 1000);
	hput32(h, 32, 100);
	hput64(h, 48, 0x100000001ull);       /* st_size: above 4 GiB */
	hput64(h, 56, 4096);
	hput64(h, 64, 8);
	hput64(h, 72, 1700000000);
	hput64(h, 80, 123);
	hput64(h, 88, 1700000001);
	hput64(h, 96, 456);
	hput64(h, 104, 1700000002);
	hput64(h, 112, 789);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get64(A + 0), 0x803);
	ck_assert_uint_eq(get32(A + 8), 0);  /* padding zeroed */
	ck_assert_uint_eq(get32(A + 12), 0); /* __st_ino: the host has none */
	ck_assert_uint_eq(get32(A + 16), 0100644);
	ck_assert_uint_eq(get32(A + 20), 2);
	ck_assert_uint_eq(get32(A + 24), 1000);
	ck_assert_uint_eq(get32(A + 28), 100);
	ck_assert_uint_eq(get64(A + 32), 0);
	ck_assert_uint_eq(get32(A + 40), 0);
	ck_assert_uint_eq(get64(A + 44), 0x100000001ull); /* 64-bit at a 4-aligned offset */
	ck_assert_uint_eq(get32(A + 52), 4096);
	ck_assert_uint_eq(get64(A + 56), 8);
	ck_assert_uint_eq(get32(A + 64), 1700000000);
	ck_assert_uint_eq(get32(A + 68), 123);
	ck_assert_uint_eq(get32(A + 72), 1700000001);
	ck_assert_uint_eq(get32(A + 76), 456);
	ck_assert_uint_eq(get32(A + 80), 1700000002);
	ck_assert_uint_eq(get32(A + 84), 789);
	ck_assert_uint_eq(get64(A + 88), 0x123456789abcull);
	ck_assert_uint_eq(get32(A + 96), 0xaaaaaaaau); /* not one byte past 96 */
	cb_conv_free(&cv);
}
END_TEST

/* keep: never written back, even from an output-only record whose image
 * holds zeroes there; mirror: the sibling's host value, truncated. */
START_TEST(test_keep_and_mirror)
{
	const uint64_t A = GUEST_BASE + 0x200;
	memset(at(A), 0xaa, 32);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_KEEP, A, CB_DIR_OUT, &h), 0);
	ck_assert_uint_eq(mem.reads, 0); /* output only: still not read */
	hput32(h, 0, 1);
	hput32(h, 4, 0x55555555);        /* kboth: the kernel "wrote" it, but keep */
	hput64(h, 8, 0x1122334455667788ull);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A + 0), 1);
	ck_assert_uint_eq(get32(A + 4), 0xaaaaaaaau);  /* kp untouched */
	ck_assert_uint_eq(get32(A + 8), 0x55667788u);  /* m = low 32 bits of big */
	ck_assert_uint_eq(get32(A + 12), 0xaaaaaaaau); /* kboth untouched */
	ck_assert_uint_eq(get64(A + 16), 0x1122334455667788ull);
	ck_assert_uint_eq(get32(A + 24), 0xaaaaaaaau);
	/* Runs around the kept bytes, [0, 4) + [8, 12) and [16, 24): the
	 * record is read back and written whole, its kept bytes as they were. */
	ck_assert_uint_eq(mem.reads, 1);
	ck_assert_uint_eq(mem.writes, 1);
	cb_conv_free(&cv);

	/* In both directions a kept field is an input like any other. */
	put32(A + 12, 77);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_KEEP, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h32(h, 4), 77);
	hput32(h, 4, 78);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A + 12), 77);
	cb_conv_free(&cv);

	/* Arrays: every element keeps its own bytes. */
	memset(at(A), 0xaa, 64);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_array(&cv, R_KEEP, A, 2, CB_DIR_OUT, &h), 0);
	hput64(h, 8, 5);
	hput64(h, 16 + 8, 0x100000006ull);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A + 4), 0xaaaaaaaau);
	ck_assert_uint_eq(get32(A + 8), 5);
	ck_assert_uint_eq(get32(A + 24 + 4), 0xaaaaaaaau);
	ck_assert_uint_eq(get32(A + 24 + 8), 6);
	ck_assert_uint_eq(get32(A + 24 + 12), 0xaaaaaaaau);
	ck_assert_uint_eq(get64(A + 24 + 16), 0x100000006ull);
	cb_conv_free(&cv);

	/* A fault in a later run stops the write-back. */
	memset(at(A), 0xaa, 32);
	mem.hole_lo = A + 16;
	mem.hole_hi = A + 24;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_KEEP, A, CB_DIR_OUT, &h), 0);
	ck_assert_int_eq(cb_conv_out(&cv), -EFAULT);
	cb_conv_free(&cv);
}
END_TEST

/* Only what the kernel wrote goes back to a buffer: getdents, read. */
START_TEST(test_out_trim)
{
	const uint64_t A = GUEST_BASE + 0x200;
	memset(at(A), 0xaa, 64);
	struct cb_conv cv;
	void *h, *r;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_buf(&cv, A, 64, CB_DIR_OUT, &h), 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_KEEP, A + 128, CB_DIR_OUT, &r), 0);
	memset(h, 0x11, 64);
	ck_assert_int_eq(cb_conv_out_trim(&cv, r, 1), -EINVAL); /* one record: all or nothing */
	ck_assert_int_eq(cb_conv_out_trim(&cv, &cv, 1), -EINVAL); /* not a copy */
	ck_assert_int_eq(cb_conv_out_trim(&cv, h, 100), 0);        /* more than there is */
	ck_assert_int_eq(cb_conv_out_trim(&cv, h, 10), 0);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(at(A)[9], 0x11);
	ck_assert_uint_eq(at(A)[10], 0xaa);
	ck_assert_uint_eq(at(A)[63], 0xaa);
	ck_assert_int_eq(cb_conv_out_trim(&cv, h, 1), -EINVAL); /* after the fact */
	cb_conv_free(&cv);

	/* Nothing written: nothing goes back. */
	memset(at(A), 0xaa, 64);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_buf(&cv, A, 64, CB_DIR_OUT, &h), 0);
	ck_assert_int_eq(cb_conv_out_trim(&cv, h, 0), 0);
	unsigned writes = mem.writes;
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(mem.writes, writes);
	ck_assert_uint_eq(at(A)[0], 0xaa);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_flock64_offsets)
{
	const uint64_t A = GUEST_BASE + 0x300;
	put16(A, 1);                           /* F_WRLCK */
	put16(A + 2, 0);
	put64(A + 4, 0x100000010ull);          /* l_start at 4 on i386 */
	put64(A + 12, (uint64_t)-1);
	put32(A + 20, 0);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h16(h, 0), 1);
	ck_assert_uint_eq(h32(h, 4), 0);       /* host padding */
	ck_assert_uint_eq(h64(h, 8), 0x100000010ull);
	ck_assert_uint_eq(h64(h, 16), UINT64_MAX);
	ck_assert_uint_eq(h32(h, 28), 0);
	hput16(h, 0, 2);                       /* F_UNLCK */
	hput32(h, 24, 4321);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get16(A), 2);
	ck_assert_uint_eq(get64(A + 4), 0x100000010ull);
	ck_assert_uint_eq(get64(A + 12), UINT64_MAX);
	ck_assert_uint_eq(get32(A + 20), 4321);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_epoll_event_plain_copy)
{
	/* Identical records: one read, the same bytes. */
	const uint64_t A = GUEST_BASE + 0x400;
	for (int i = 0; i < 12; i++)
		put8(A + i, (uint8_t)(0x10 + i));
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_EPOLL, A, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(mem.reads, 1);
	ck_assert_mem_eq(h, at(A), 12);
	ck_assert_uint_eq(h64(h, 4), 0x1b1a191817161514ull); /* data at 4 on both */
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(mem.writes, 0); /* input only */
	cb_conv_free(&cv);

	/* epoll_wait's array: output only, not read, written as filled. */
	const uint64_t B = GUEST_BASE + 0x500;
	memset(at(B), 0xee, 40);
	mem.reads = 0;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_array(&cv, R_EPOLL, B, 3, CB_DIR_OUT, &h), 0);
	ck_assert_uint_eq(mem.reads, 0);
	ck_assert_uint_eq(h64(h, 4), 0);
	hput32(h, 12, 1);
	hput64(h, 16, 0xdeadbeefcafeull);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(mem.writes, 1);
	ck_assert_uint_eq(get32(B), 0);
	ck_assert_uint_eq(get32(B + 12), 1);
	ck_assert_uint_eq(get64(B + 16), 0xdeadbeefcafeull);
	ck_assert_uint_eq(get32(B + 36), 0xeeeeeeeeu);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_tail_padding_zeroed)
{
	const uint64_t A = GUEST_BASE + 0x600;
	memset(at(A), 0xaa, 16);
	put32(A, 77);
	put16(A + 4, 3);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TAIL, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h64(h, 0), 77);
	ck_assert_uint_eq(h16(h, 8), 3);
	for (int i = 10; i < 16; i++) /* the guest's junk is not the host's padding */
		ck_assert_uint_eq(((uint8_t *)h)[i], 0);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 77);
	ck_assert_uint_eq(get16(A + 4), 3);
	ck_assert_uint_eq(get16(A + 6), 0); /* the guest's tail padding zeroed */
	ck_assert_uint_eq(get32(A + 8), 0xaaaaaaaau);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_rlim_infinity)
{
	const uint64_t A = GUEST_BASE + 0x700;
	put32(A, 0xffffffffu); /* i386 RLIM_INFINITY */
	put32(A + 4, 1024);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_RLIMIT, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h64(h, 0), UINT64_MAX);
	ck_assert_uint_eq(h64(h, 8), 1024);
	hput64(h, 0, 0x100000000ull); /* does not fit: infinite */
	hput64(h, 8, UINT64_MAX);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 0xffffffffu);
	ck_assert_uint_eq(get32(A + 4), 0xffffffffu);
	cb_conv_free(&cv);

	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_RLIMIT, A, CB_DIR_OUT, &h), 0);
	hput64(h, 0, 0xfffffffeull); /* the largest finite value */
	hput64(h, 8, 0xffffffffull); /* equal to the narrow infinity */
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 0xfffffffeu);
	ck_assert_uint_eq(get32(A + 4), 0xffffffffu);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_narrowing_eoverflow)
{
	const uint64_t A = GUEST_BASE + 0x800;
	memset(at(A), 0x55, 12);
	struct cb_conv cv;
	void *h;

	/* Unsigned long above 4 GiB: EOVERFLOW, and the guest is untouched. */
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_NARROW, A, CB_DIR_OUT, &h), 0);
	hput64(h, 0, 0x100000000ull);
	ck_assert_int_eq(cb_conv_out(&cv), -EOVERFLOW);
	ck_assert_uint_eq(mem.writes, 0);
	ck_assert_uint_eq(get32(A), 0x55555555u);
	const char *rec, *field;
	cb_conv_where(&cv, &rec, &field);
	ck_assert_str_eq(rec, "narrow");
	ck_assert_str_eq(field, "u");
	cb_conv_free(&cv);

	/* Signed long: INT32_MIN fits, one less does not. */
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_NARROW, A, CB_DIR_OUT, &h), 0);
	hput64(h, 8, (uint64_t)INT32_MIN);
	hput64(h, 16, 0x123456789ull); /* TRUNCATE keeps the low bits */
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 0);
	ck_assert_uint_eq(get32(A + 4), 0x80000000u);
	ck_assert_uint_eq(get32(A + 8), 0x23456789u);
	cb_conv_free(&cv);

	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_NARROW, A, CB_DIR_OUT, &h), 0);
	hput64(h, 8, (uint64_t)INT32_MIN - 1);
	ck_assert_int_eq(cb_conv_out(&cv), -EOVERFLOW);
	ck_assert_int_eq(cb_conv_out(&cv), -EOVERFLOW); /* the call stays failed */
	cb_conv_free(&cv);

	/* An x86_64 guest has room for everything. */
	start(&cv, X, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_NARROW, A, CB_DIR_OUT, &h), 0);
	hput64(h, 0, 0x100000000ull);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get64(A), 0x100000000ull);
	cb_conv_free(&cv);
}
END_TEST

/* ---- unions ---- */

static void put_ifreq_name(uint64_t a, const char *name)
{
	memset(at(a), 0, 16);
	memcpy(at(a), name, strlen(name));
}

START_TEST(test_union_by_cmd_flags)
{
	const uint64_t A = GUEST_BASE + 0x900;
	memset(at(A), 0xcc, 40);
	put_ifreq_name(A, "eth0");
	struct cb_conv cv;
	void *h;
	start(&cv, I, SIOCGIFFLAGS_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), 0);
	ck_assert_str_eq((const char *)h, "eth0");
	ck_assert_uint_eq(h16(h, 16), 0xcccc); /* the live member, ifru_flags */
	ck_assert_uint_eq(h16(h, 18), 0);      /* the rest is not the guest's */
	hput16(h, 16, 0x1043);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_str_eq((const char *)at(A), "eth0");
	ck_assert_uint_eq(get16(A + 16), 0x1043);
	ck_assert_uint_eq(get16(A + 18), 0xcccc);
	ck_assert_uint_eq(get32(A + 32), 0xccccccccu); /* 32 bytes on i386 */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_union_by_cmd_map_and_addr)
{
	const uint64_t A = GUEST_BASE + 0xa00;
	memset(at(A), 0, 40);
	put_ifreq_name(A, "eth1");
	struct cb_conv cv;
	void *h;
	start(&cv, I, SIOCGIFMAP_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), 0);
	hput64(h, 16, 0xd0000);  /* mem_start */
	hput64(h, 24, 0xdffff);  /* mem_end */
	hput16(h, 32, 0x300);    /* base_addr */
	((uint8_t *)h)[34] = 5;  /* irq */
	((uint8_t *)h)[35] = 1;  /* dma */
	((uint8_t *)h)[36] = 2;  /* port */
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A + 16), 0xd0000);
	ck_assert_uint_eq(get32(A + 20), 0xdffff);
	ck_assert_uint_eq(get16(A + 24), 0x300);
	ck_assert_uint_eq(*at(A + 26), 5);
	ck_assert_uint_eq(*at(A + 27), 1);
	ck_assert_uint_eq(*at(A + 28), 2);
	cb_conv_free(&cv);

	/* SIOCGIFADDR: a sockaddr, the same bytes on both. */
	put16(A + 16, 2);
	memcpy(at(A + 18), "\x00\x50\x7f\x00\x00\x01", 6);
	start(&cv, I, SIOCGIFADDR_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), 0);
	ck_assert_mem_eq((uint8_t *)h + 16, at(A + 16), 16);
	cb_conv_free(&cv);

	/* A request no case names, on a union that differs: refused. */
	start(&cv, I, 0x89ffu);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), -EINVAL);
	ck_assert_int_eq(cb_conv_out(&cv), -EINVAL);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_union_cases_hold_host_numbers)
{
	/* The i386 number of FAKE differs (sizeof(ifreq) is in it); the case
	 * holds the x86_64 one; the converter translates through db.ioctls. */
	const uint64_t A = GUEST_BASE + 0xb00;
	put_ifreq_name(A, "lo");
	put32(A + 16, 0x01020304);
	struct cb_conv cv;
	void *h;
	start(&cv, I, FAKE_I386);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h32(h, 16), 0x01020304);
	ck_assert_uint_eq(h32(h, 20), 0); /* ifru_ivalue only */
	cb_conv_free(&cv);
	start(&cv, X, FAKE_X86_64);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h32(h, 16), 0x01020304);
	cb_conv_free(&cv);
	/* The x86_64 number from an i386 guest means nothing. */
	start(&cv, I, 0x12345678u);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFREQ, A, CB_DIR_INOUT, &h), -EINVAL);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_union_by_sibling)
{
	const uint64_t A = GUEST_BASE + 0xc00;
	struct cb_conv cv;
	void *h;

	put32(A, 2); /* long */
	put32(A + 4, (uint32_t)-7);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TAGGED, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h32(h, 0), 2);
	ck_assert_uint_eq(h64(h, 8), (uint64_t)-7);
	/* The kernel switches to a timeval: the way back reads the host's kind. */
	hput32(h, 0, 3);
	hput64(h, 8, 1700000000);
	hput64(h, 16, 250000);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 3);
	ck_assert_uint_eq(get32(A + 4), 1700000000);
	ck_assert_uint_eq(get32(A + 8), 250000);
	cb_conv_free(&cv);

	put32(A, 3);
	put32(A + 4, (uint32_t)-1);
	put32(A + 8, 5);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TAGGED, A, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h64(h, 8), UINT64_MAX);
	ck_assert_uint_eq(h64(h, 16), 5);
	cb_conv_free(&cv);

	put32(A, 9); /* no such case */
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TAGGED, A, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_union_selector_one_level_out)
{
	const uint64_t A = GUEST_BASE + 0xd00;
	put32(A, 2);      /* outer.kind: long */
	put32(A + 4, 11); /* in.x */
	put32(A + 8, (uint32_t)-3);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_OUTER, A, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h32(h, 8), 11);
	ck_assert_uint_eq(h64(h, 16), (uint64_t)-3);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_identical_union_raw_copy)
{
	/* No case for kind 7, but the union is the same on both: copied. */
	const uint64_t A = GUEST_BASE + 0xd80;
	put32(A, 7);
	put32(A + 4, 0xfeedf00d);
	put32(A + 8, (uint32_t)-2);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_IDTAGGED, A, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h32(h, 4), 0xfeedf00d);
	ck_assert_uint_eq(h64(h, 8), (uint64_t)-2);
	cb_conv_free(&cv);
}
END_TEST

/* ---- pointers ---- */

/* recvmsg's msghdr at M with three iovecs, a name and a control buffer. */
#define M (GUEST_BASE + 0x1000)
#define IOV (GUEST_BASE + 0x1100)
#define BUF0 (GUEST_BASE + 0x1200)
#define BUF1 (GUEST_BASE + 0x1300)
#define BUF2 (GUEST_BASE + 0x1400)
#define NAME (GUEST_BASE + 0x1500)
#define CTL (GUEST_BASE + 0x1600)

static void put_msghdr_i386(void)
{
	memset(at(BUF0), 0xee, 0x700);
	put32(M + 0, NAME);
	put32(M + 4, 16);
	put32(M + 8, IOV);
	put32(M + 12, 3);
	put32(M + 16, CTL);
	put32(M + 20, 64);
	put32(M + 24, 0x5a5a5a5a);
	put32(IOV + 0, BUF0);
	put32(IOV + 4, 4);
	put32(IOV + 8, BUF1);
	put32(IOV + 12, 8);
	put32(IOV + 16, BUF2);
	put32(IOV + 20, 16);
}

START_TEST(test_msghdr_iovec_buffers)
{
	put_msghdr_i386();
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h32(h, 8), 16);
	ck_assert_uint_eq(h64(h, 24), 3);
	ck_assert_uint_eq(h64(h, 40), 64);
	ck_assert_uint_eq(h32(h, 48), 0); /* msg_flags is out: the kernel only writes it */
	uint8_t *name = hptr(h, 0), *iov = hptr(h, 16), *ctl = hptr(h, 32);
	ck_assert_ptr_nonnull(name);
	ck_assert_ptr_nonnull(iov);
	ck_assert_ptr_nonnull(ctl);
	ck_assert_uint_eq(h64(iov, 8), 4);
	ck_assert_uint_eq(h64(iov, 24), 8);
	ck_assert_uint_eq(h64(iov, 40), 16);
	uint8_t *b0 = hptr(iov, 0), *b1 = hptr(iov, 16), *b2 = hptr(iov, 32);
	ck_assert_uint_eq(b0[0], 0); /* output buffers: zeroed, not read */
	ck_assert_uint_eq(ctl[63], 0);

	/* The kernel receives 20 bytes and a 20-byte control message. */
	memcpy(b0, "abcd", 4);
	memcpy(b1, "efghijkl", 8);
	memcpy(b2, "mnopqrst", 8);
	memset(ctl, 0x77, 20);
	memset(name, 0x42, 8);
	hput32(h, 8, 8);     /* msg_namelen */
	hput64(h, 40, 20);   /* msg_controllen */
	hput32(h, 48, 0x20); /* MSG_TRUNC */
	ck_assert_int_eq(cb_conv_out(&cv), 0);

	ck_assert_mem_eq(at(BUF0), "abcd", 4);
	ck_assert_uint_eq(*at(BUF0 + 4), 0xee);
	ck_assert_mem_eq(at(BUF1), "efghijkl", 8);
	ck_assert_mem_eq(at(BUF2), "mnopqrst\0\0\0\0\0\0\0\0", 16);
	ck_assert_uint_eq(*at(BUF2 + 16), 0xee);
	ck_assert_uint_eq(get32(M + 0), NAME); /* the guest's own pointers */
	ck_assert_uint_eq(get32(M + 4), 8);
	ck_assert_uint_eq(get32(M + 8), IOV);
	ck_assert_uint_eq(get32(M + 12), 3);
	ck_assert_uint_eq(get32(M + 16), CTL);
	ck_assert_uint_eq(get32(M + 20), 20);
	ck_assert_uint_eq(get32(M + 24), 0x20);
	ck_assert_uint_eq(get32(IOV), BUF0); /* input only: untouched */
	ck_assert_uint_eq(get32(IOV + 4), 4);
	ck_assert_uint_eq(get64(NAME), 0x4242424242424242ull);
	ck_assert_uint_eq(*at(NAME + 8), 0xee); /* namelen 8: 8 bytes back */
	ck_assert_uint_eq(*at(CTL + 19), 0x77);
	ck_assert_uint_eq(*at(CTL + 20), 0xee); /* controllen 20: 20 bytes back */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_msghdr_x86_64_guest)
{
	/* Same layout, but the pointers still lead to supervisor copies. */
	memset(at(BUF0), 0xee, 0x700);
	put64(M + 0, 0);
	put32(M + 8, 0);
	put64(M + 16, IOV);
	put64(M + 24, 1);
	put64(M + 32, 0);
	put64(M + 40, 0);
	put32(M + 48, 0);
	put64(IOV, BUF0);
	put64(IOV + 8, 5);
	struct cb_conv cv;
	void *h;
	start(&cv, X, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), 0);
	ck_assert_ptr_null(hptr(h, 0));
	ck_assert_ptr_null(hptr(h, 32));
	uint8_t *iov = hptr(h, 16);
	ck_assert_ptr_ne(iov, at(IOV));
	ck_assert_uint_eq(h64(iov, 8), 5);
	memcpy(hptr(iov, 0), "hello", 5);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_mem_eq(at(BUF0), "hello", 5);
	ck_assert_uint_eq(*at(BUF0 + 5), 0xee);
	ck_assert_uint_eq(get64(M + 16), IOV);
	cb_conv_free(&cv);
}
END_TEST

#define IFC (GUEST_BASE + 0x2000)
#define IFBUF (GUEST_BASE + 0x2100)

START_TEST(test_ifconf_len_updated)
{
	memset(at(IFBUF), 0xee, 0x100);
	put32(IFC, 70); /* two i386 ifreqs and 6 bytes */
	put32(IFC + 4, IFBUF);
	struct cb_conv cv;
	void *h;
	start(&cv, I, SIOCGIFCONF_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFCONF, IFC, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h32(h, 0), 80); /* two host ifreqs */
	uint8_t *req = hptr(h, 8);
	ck_assert_ptr_nonnull(req);
	/* The kernel fills one: "lo", AF_INET 127.0.0.1. */
	memcpy(req, "lo", 3);
	hput16(req, 16, 2);
	memcpy(req + 20, "\x7f\x00\x00\x01", 4);
	hput32(h, 0, 40);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(IFC), 32);
	ck_assert_uint_eq(get32(IFC + 4), IFBUF);
	ck_assert_str_eq((const char *)at(IFBUF), "lo");
	ck_assert_uint_eq(get16(IFBUF + 16), 2);
	ck_assert_mem_eq(at(IFBUF + 20), "\x7f\x00\x00\x01", 4);
	ck_assert_uint_eq(*at(IFBUF + 32), 0xee); /* one ifreq back, 32 bytes */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_ifconf_null_length_query)
{
	put32(IFC, 0);
	put32(IFC + 4, 0);
	struct cb_conv cv;
	void *h;
	start(&cv, I, SIOCGIFCONF_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFCONF, IFC, CB_DIR_IN, &h), 0);
	ck_assert_ptr_null(hptr(h, 8));
	hput32(h, 0, 3 * 40); /* the kernel: three interfaces, in host bytes */
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(IFC), 3 * 32);
	ck_assert_uint_eq(get32(IFC + 4), 0);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_len_and_selector_across_pointer)
{
	const uint64_t A = GUEST_BASE + 0x2300, B = A + 0x20, C = A + 0x40;
	memset(at(C), 0xee, 8);
	put32(A, 2);      /* kind: long */
	put32(A + 4, 5);  /* n: the buffer's length, one pointer up */
	put32(A + 8, B);
	put32(B, C);
	put32(B + 4, (uint32_t)-4);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_OUTERP, A, CB_DIR_IN, &h), 0);
	uint8_t *in = hptr(h, 8);
	ck_assert_uint_eq(h64(in, 8), (uint64_t)-4);
	memcpy(hptr(in, 0), "hello", 5);
	hput64(in, 8, (uint64_t)-9);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_mem_eq(at(C), "hello", 5);
	ck_assert_uint_eq(*at(C + 5), 0xee);
	ck_assert_uint_eq(get32(B), C);
	ck_assert_uint_eq(get32(B + 4), (uint32_t)-9); /* selected after the call */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_pointer_depth_bounded)
{
	/* A list of n nodes at N, N+16, ...: n - 1 hops. */
	const uint64_t N = GUEST_BASE + 0x2400;
	struct cb_conv cv;
	void *h;
	for (int n = 5; n <= 6; n++) {
		for (int i = 0; i < n; i++) {
			put32(N + 16 * i, (uint32_t)(100 + i));
			put32(N + 16 * i + 4, i + 1 < n ? (uint32_t)(N + 16 * (i + 1)) : 0);
		}
		start(&cv, I, 0);
		int r = cb_conv_in(&cv, R_NODE, N, CB_DIR_IN, &h);
		if (n == 5) {
			ck_assert_int_eq(r, 0);
			uint8_t *p = h;
			for (int i = 0; i < n; i++) {
				ck_assert_uint_eq(h32(p, 0), (uint32_t)(100 + i));
				p = hptr(p, 8);
			}
			ck_assert_ptr_null(p);
		} else {
			ck_assert_int_eq(r, -ELOOP);
		}
		cb_conv_free(&cv);
	}
}
END_TEST

/* Records that each hold 64 of the next, 16 deep, all over the same 4 or
 * 8 bytes (descriptors an .abi file could once give): 64^16 fields for
 * one small argument. The work bound ends the call with -E2BIG, at once. */
#define FAN 64
#define FAN_DEPTH CB_CONV_MAX_NEST
static struct cb_field fan_fields[FAN_DEPTH][FAN];
static const struct cb_field fan_leaf[] = {
	{ "v", CB_K_SLONG, AT(0, 0, 4, 8), .record = -1 },
};
static struct cb_record fan_recs[FAN_DEPTH + 1];

START_TEST(test_fan_out_bounded)
{
	for (int r = 0; r < FAN_DEPTH; r++) {
		for (int i = 0; i < FAN; i++)
			fan_fields[r][i] = (struct cb_field){ "f", CB_K_STRUCT, AT(0, 0, 4, 8),
							      .record = r + 1 };
		fan_recs[r] = (struct cb_record){ "fan", false, false, RSIZE(4, 8, 4, 8),
						  .nfields = FAN, .fields = fan_fields[r] };
	}
	fan_recs[FAN_DEPTH] = (struct cb_record){ "leaf", false, false, RSIZE(4, 8, 4, 8),
						  FIELDS(fan_leaf) };
	const struct cb_abi_db fdb = { fan_recs, FAN_DEPTH + 1, NULL, 0 };
	struct cb_conv cv;
	void *h;
	for (int dir = CB_DIR_IN; dir <= CB_DIR_INOUT; dir++) {
		ck_assert_int_eq(cb_conv_init(&cv, &fdb, I, 0, &guest_mem, 0), 0);
		ck_assert_int_eq(cb_conv_in(&cv, 0, GUEST_BASE, (enum cb_dir)dir, &h), -E2BIG);
		const char *rec, *field;
		cb_conv_where(&cv, &rec, &field);
		ck_assert_ptr_nonnull(rec);
		cb_conv_free(&cv);
	}
	/* The same records one level deep convert. */
	fan_recs[0].fields = fan_leaf;
	fan_recs[0].nfields = 1;
	put32(GUEST_BASE, (uint32_t)-5);
	ck_assert_int_eq(cb_conv_init(&cv, &fdb, I, 0, &guest_mem, 0), 0);
	ck_assert_int_eq(cb_conv_in(&cv, 0, GUEST_BASE, CB_DIR_IN, &h), 0);
	ck_assert_int_eq((int64_t)h64(h, 0), -5);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_flexible_array)
{
	const uint64_t A = GUEST_BASE + 0x2600;
	memset(at(A), 0xee, 32);
	put32(A, 3);
	put32(A + 4, (uint32_t)-1);
	put32(A + 8, 2);
	put32(A + 12, 0x7fffffff);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_FLEX, A, CB_DIR_INOUT, &h), 0);
	ck_assert_uint_eq(h32(h, 0), 3);
	ck_assert_uint_eq(h64(h, 8), UINT64_MAX);
	ck_assert_uint_eq(h64(h, 16), 2);
	ck_assert_uint_eq(h64(h, 24), 0x7fffffff);
	hput64(h, 16, (uint64_t)-9);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A + 8), (uint32_t)-9);
	ck_assert_uint_eq(get32(A + 16), 0xeeeeeeeeu); /* 4 + 3 * 4 bytes */
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_strings)
{
	const uint64_t A = GUEST_BASE + 0x2800, S = GUEST_BASE + 0x2900;
	put32(A, 0);
	put32(A + 4, S);
	strcpy((char *)at(S), "/etc/passwd");
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_PATHREQ, A, CB_DIR_IN, &h), 0);
	ck_assert_str_eq(hptr(h, 8), "/etc/passwd");
	cb_conv_free(&cv);

	/* 64 bytes without a NUL: longer than the field's max. */
	memset(at(S), 'a', 80);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_PATHREQ, A, CB_DIR_IN, &h), -ENAMETOOLONG);
	cb_conv_free(&cv);

	/* A string ending just before an unmapped page reads fine; one
	 * running into it faults. */
	const uint64_t P = GUEST_BASE + 0x4000;
	mem.hole_lo = P;
	mem.hole_hi = P + 0x1000;
	strcpy((char *)at(P - 4), "abc");
	const char *s;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_str(&cv, P - 4, 0, &s), 0);
	ck_assert_str_eq(s, "abc");
	cb_conv_free(&cv);
	memcpy(at(P - 4), "abcd", 4);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_str(&cv, P - 4, 0, &s), -EFAULT);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_fd_fields_listed)
{
	const uint64_t A = GUEST_BASE + 0x2a00;
	put32(A, 7);
	put32(A + 4, 0x80000);
	put32(A + 8, 0xffffffff);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_FDREQ, A, CB_DIR_IN, &h), 0);
	const struct cb_conv_fd *fd = cb_conv_fds(&cv);
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(fd->name, "fd");
	ck_assert_int_eq(fd->dir, CB_DIR_IN);
	ck_assert_int_eq(fd->guest, 7);
	ck_assert_uint_eq(fd->gaddr, A);
	cb_conv_fd_set(fd, 42); /* the caller's host fd */
	ck_assert_uint_eq(h32(h, 0), 42);
	fd = fd->next;
	ck_assert_ptr_nonnull(fd);
	ck_assert_str_eq(fd->name, "newfd");
	ck_assert_int_eq(fd->dir, CB_DIR_OUT);
	ck_assert_uint_eq(fd->gaddr, A + 8);
	ck_assert_ptr_null(fd->next);
	/* The kernel returns host fd 50; the caller installs it as guest fd 4. */
	hput32(h, 8, 50);
	ck_assert_int_eq(cb_conv_fd_get(fd), 50);
	cb_conv_fd_set(fd, 4);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 7); /* input: the guest's number stays */
	ck_assert_uint_eq(get32(A + 8), 4);
	cb_conv_free(&cv);
}
END_TEST

/* ---- lengths that lie, memory that is not there ---- */

START_TEST(test_length_larger_than_buffer)
{
	/* The guest says 8 KiB, but memory ends after 4: EFAULT, as the
	 * kernel's copy_from_user. */
	const uint64_t A = GUEST_BASE + 0x3000, B = GUEST_BASE + GUEST_SIZE - 0x1000;
	put32(A, 8192);
	put32(A + 4, B);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), -EFAULT);
	const char *rec, *field;
	cb_conv_where(&cv, &rec, &field);
	ck_assert_str_eq(rec, "writereq");
	ck_assert_str_eq(field, "buf");
	cb_conv_free(&cv);

	/* An output buffer is not read: the fault shows when writing back. */
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_READREQ, A, CB_DIR_IN, &h), 0);
	ck_assert_int_eq(cb_conv_out(&cv), -EFAULT);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_length_negative_or_huge)
{
	const uint64_t A = GUEST_BASE + 0x3000, B = GUEST_BASE + 0x3100;
	struct cb_conv cv;
	void *h;

	put32(A, (uint32_t)-1);
	put32(A + 4, B);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);

	/* Beyond the arena: refused before anything is allocated or read. */
	put32(A, 0x7fffffff);
	mem.reads = 0;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), -E2BIG);
	ck_assert_uint_lt(cb_conv_used(&cv), 1024);
	ck_assert_uint_eq(mem.reads, 1); /* the struct only */
	cb_conv_free(&cv);

	/* Beyond the field's max. */
	put32(A, 4097);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEMAX, A, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);
	put32(A, 4096);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEMAX, A, CB_DIR_IN, &h), 0);
	cb_conv_free(&cv);

	/* msg_iovlen above its max (UIO_MAXIOV). */
	put_msghdr_i386();
	put32(M + 12, 1025);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);

	/* ifc_len with a NULL buffer so large its host bytes would not fit. */
	put32(IFC, 0x7fffffe0);
	put32(IFC + 4, 0);
	start(&cv, I, SIOCGIFCONF_);
	ck_assert_int_eq(cb_conv_in(&cv, R_IFCONF, IFC, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_unreadable_memory)
{
	struct cb_conv cv;
	void *h;
	mem.hole_lo = GUEST_BASE + 0x5000;
	mem.hole_hi = GUEST_BASE + 0x6000;

	start(&cv, I, 0); /* the argument itself */
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, GUEST_BASE + 0x5010, CB_DIR_IN, &h), -EFAULT);
	cb_conv_free(&cv);
	start(&cv, I, 0); /* straddling into the hole */
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, GUEST_BASE + 0x4ff0, CB_DIR_IN, &h), -EFAULT);
	cb_conv_free(&cv);
	start(&cv, I, 0); /* a pointer into it */
	put_msghdr_i386();
	put32(M + 8, GUEST_BASE + 0x5800);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), -EFAULT);
	cb_conv_free(&cv);
	start(&cv, I, 0); /* past the i386 address space */
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, 0xfffffff0u, CB_DIR_IN, &h), -EFAULT);
	cb_conv_free(&cv);
	start(&cv, I, 0); /* writing back into it */
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, GUEST_BASE + 0x5010, CB_DIR_OUT, &h), 0);
	ck_assert_int_eq(cb_conv_out(&cv), -EFAULT);
	cb_conv_free(&cv);
	/* NULL: no copy, the host call sees NULL. */
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_FLOCK64, 0, CB_DIR_IN, &h), 0);
	ck_assert_ptr_null(h);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_call_gone_enoent)
{
	struct cb_conv cv;
	void *h;
	put_msghdr_i386();
	mem.fail = -ENOENT;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), -ENOENT);
	cb_conv_free(&cv);
	mem.fail = 0;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MSGHDR, M, CB_DIR_IN, &h), 0);
	mem.fail = -ENOENT;
	ck_assert_int_eq(cb_conv_out(&cv), -ENOENT);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_arena_limit)
{
	const uint64_t A = GUEST_BASE + 0x3000, B = GUEST_BASE + 0x3100;
	struct cb_conv cv;
	void *h;
	/* Two objects' bookkeeping, two 16-byte images and the buffer. */
	put32(A, 200);
	put32(A + 4, B);
	ck_assert_int_eq(cb_conv_init(&cv, &db, I, 0, &guest_mem, 1024), 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), 0);
	ck_assert_uint_le(cb_conv_used(&cv), 1024);
	cb_conv_free(&cv);
	put32(A, 800);
	ck_assert_int_eq(cb_conv_init(&cv, &db, I, 0, &guest_mem, 1024), 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), -E2BIG);
	cb_conv_free(&cv);

	/* Bigger than the inline arena: a chunk, bounded by the default limit. */
	put32(A, 40000);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_WRITEREQ, A, CB_DIR_IN, &h), 0);
	ck_assert_mem_eq(hptr(h, 8), at(B), 40000);
	ck_assert_uint_gt(cb_conv_used(&cv), 40000);
	cb_conv_free(&cv);
	void *buf;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_buf(&cv, B, CB_CONV_LIMIT_DEFAULT + 1, CB_DIR_OUT, &buf),
			 -E2BIG);
	cb_conv_free(&cv);
	/* Scratch space counts against the same limit. */
	ck_assert_int_eq(cb_conv_init(&cv, &db, I, 0, &guest_mem, 1024), 0);
	ck_assert_int_eq(cb_conv_scratch(&cv, 1000, &buf), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(((uint8_t *)buf)[999], 0);
	ck_assert_int_eq(cb_conv_scratch(&cv, 100, &buf), -E2BIG);
	cb_conv_free(&cv);
	ck_assert_int_eq(cb_conv_init(&cv, &db, I, 0, &guest_mem, CB_CONV_LIMIT_MAX + 1), -EINVAL);
	ck_assert_int_eq(cb_conv_init(&cv, &db, CB_ARCH_UNKNOWN, 0, &guest_mem, 0), -EINVAL);
}
END_TEST

START_TEST(test_buffers_and_arrays)
{
	const uint64_t A = GUEST_BASE + 0x3000;
	struct cb_conv cv;
	void *h;
	memcpy(at(A), "0123456789", 10);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_buf(&cv, A, 10, CB_DIR_INOUT, &h), 0);
	ck_assert_mem_eq(h, "0123456789", 10);
	memcpy(h, "ABC", 3);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_mem_eq(at(A), "ABC3456789", 10);
	cb_conv_free(&cv);

	/* readv's iovec array as an argument of its own. */
	put32(A, A + 0x100);
	put32(A + 4, 3);
	put32(A + 8, 0);
	put32(A + 12, 0);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in_array(&cv, R_IOVEC, A, 2, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h64(h, 8), 3);
	ck_assert_ptr_nonnull(hptr(h, 0));
	ck_assert_ptr_null(hptr(h, 16));
	memcpy(hptr(h, 0), "xyz", 3);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_mem_eq(at(A + 0x100), "xyz", 3);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_output_record_with_input_field)
{
	/* Called OUT, but `code` is input: read, kept, not written over. */
	const uint64_t A = GUEST_BASE + 0x3000;
	put32(A, 0x1234);
	put32(A + 4, 0xeeeeeeee);
	struct cb_conv cv;
	void *h;
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_MIXED, A, CB_DIR_OUT, &h), 0);
	ck_assert_uint_eq(h32(h, 0), 0x1234);
	hput32(h, 0, 0x9999); /* the kernel must not have written it */
	hput64(h, 8, 77);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 0x1234);
	ck_assert_uint_eq(get32(A + 4), 77);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_two_arguments_one_call)
{
	/* getrlimit-like and a timeval in one call: both go back. */
	const uint64_t A = GUEST_BASE + 0x3000, B = GUEST_BASE + 0x3100;
	struct cb_conv cv;
	void *h1, *h2;
	put32(B, 5);
	start(&cv, I, 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_RLIMIT, A, CB_DIR_OUT, &h1), 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TIMEVAL, B, CB_DIR_INOUT, &h2), 0);
	ck_assert_ptr_ne(h1, h2);
	hput64(h1, 0, 10);
	hput64(h1, 8, UINT64_MAX);
	hput64(h2, 0, 6);
	ck_assert_int_eq(cb_conv_out(&cv), 0);
	ck_assert_uint_eq(get32(A), 10);
	ck_assert_uint_eq(get32(A + 4), 0xffffffffu);
	ck_assert_uint_eq(get32(B), 6);
	ck_assert_int_eq(cb_conv_out(&cv), -EINVAL); /* once per call */
	ck_assert_int_eq(cb_conv_in(&cv, R_RLIMIT, A, CB_DIR_OUT, &h1), -EINVAL);
	cb_conv_free(&cv);
}
END_TEST

START_TEST(test_bad_descriptors_refused)
{
	const uint64_t A = GUEST_BASE + 0x3000;
	struct cb_conv cv;
	void *h;
	put32(A, 4);
	put32(A + 4, A);
	static const int bad[] = { R_BADRAW, R_BADLEN, R_BADTARGET, R_COUNT, -1 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		start(&cv, I, 0);
		ck_assert_int_eq(cb_conv_in(&cv, bad[i], A, CB_DIR_IN, &h), -EINVAL);
		cb_conv_free(&cv);
	}
	/* No database: records cannot be named, buffers still work. */
	ck_assert_int_eq(cb_conv_init(&cv, NULL, I, 0, &guest_mem, 0), 0);
	ck_assert_int_eq(cb_conv_in(&cv, R_TIMEVAL, A, CB_DIR_IN, &h), -EINVAL);
	cb_conv_free(&cv);
	ck_assert_int_eq(cb_conv_init(&cv, NULL, I, 0, &guest_mem, 0), 0);
	ck_assert_int_eq(cb_conv_in_buf(&cv, A, 8, CB_DIR_IN, &h), 0);
	ck_assert_uint_eq(h32(h, 4), A);
	cb_conv_free(&cv);
}
END_TEST

/* ---- control messages ---- */

START_TEST(test_cmsg_to_host)
{
	/* SCM_RIGHTS with two fds, then SCM_CREDENTIALS, as an i386 guest
	 * lays them out: 12-byte headers, 4-byte alignment. */
	uint8_t g[44] = { 0 }, h[128];
	memset(h, 0xee, sizeof(h));
	hput32(g, 0, 20); hput32(g, 4, 1); hput32(g, 8, 1);
	hput32(g, 12, 5); hput32(g, 16, 6);
	hput32(g, 20, 24); hput32(g, 24, 1); hput32(g, 28, 2);
	hput32(g, 32, 100); hput32(g, 36, 1000); hput32(g, 40, 1000);
	size_t hlen;
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, sizeof(g), h, sizeof(h), &hlen), 0);
	ck_assert_uint_eq(hlen, 24 + 32);
	ck_assert_uint_eq(h64(h, 0), 24);
	ck_assert_uint_eq(h32(h, 8), 1);
	ck_assert_uint_eq(h32(h, 12), 1);
	ck_assert_uint_eq(h32(h, 16), 5);
	ck_assert_uint_eq(h32(h, 20), 6);
	ck_assert_uint_eq(h64(h, 24), 28);
	ck_assert_uint_eq(h32(h, 32), 1);
	ck_assert_uint_eq(h32(h, 36), 2);
	ck_assert_uint_eq(h32(h, 40), 100);
	ck_assert_uint_eq(h32(h, 48), 1000);
	ck_assert_uint_eq(h32(h, 52), 0); /* alignment padding */
	ck_assert_uint_ge(cb_conv_cmsg_host_space(I, sizeof(g)), hlen);

	/* Malformed: a length below the header, or past the buffer. */
	hput32(g, 20, 8);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, sizeof(g), h, sizeof(h), &hlen), -EINVAL);
	hput32(g, 20, 25);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, sizeof(g), h, sizeof(h), &hlen), -EINVAL);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, 8, h, sizeof(h), &hlen), -EINVAL);
	hput32(g, 20, 24);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, sizeof(g), h, 40, &hlen), -ENOBUFS);
	/* An x86_64 guest's bytes are the host's. */
	ck_assert_int_eq(cb_conv_cmsg_to_host(X, g, sizeof(g), h, sizeof(h), &hlen), 0);
	ck_assert_uint_eq(hlen, sizeof(g));
	ck_assert_mem_eq(h, g, sizeof(g));
}
END_TEST

START_TEST(test_cmsg_to_guest)
{
	/* SO_TIMESTAMP_OLD (a 16-byte timeval on the host), then SCM_RIGHTS
	 * with three fds into a guest buffer with room for two. */
	uint8_t h[64] = { 0 }, g[64];
	memset(g, 0xee, sizeof(g));
	hput64(h, 0, 32); hput32(h, 8, 1); hput32(h, 12, 29);
	hput64(h, 16, 1700000000); hput64(h, 24, 123456);
	hput64(h, 32, 28); hput32(h, 40, 1); hput32(h, 44, 1);
	hput32(h, 48, 7); hput32(h, 52, 8); hput32(h, 56, 9);
	size_t glen, hused;
	bool ctrunc;
	ck_assert_int_eq(cb_conv_cmsg_to_guest(I, h, 60, g, 40, &glen, &ctrunc, &hused), 0);
	ck_assert_uint_eq(h32(g, 0), 20);
	ck_assert_uint_eq(h32(g, 4), 1);
	ck_assert_uint_eq(h32(g, 8), 29);
	ck_assert_uint_eq(h32(g, 12), 1700000000);
	ck_assert_uint_eq(h32(g, 16), 123456);
	ck_assert_uint_eq(h32(g, 20), 20); /* two fds fit */
	ck_assert_uint_eq(h32(g, 32), 7);
	ck_assert_uint_eq(h32(g, 36), 8);
	ck_assert_uint_eq(g[40], 0xee);
	ck_assert_uint_eq(glen, 40);
	ck_assert(ctrunc);
	ck_assert_uint_eq(hused, 56); /* fd 9 was not delivered */

	/* Everything fits. */
	ck_assert_int_eq(cb_conv_cmsg_to_guest(I, h, 60, g, 64, &glen, &ctrunc, &hused), 0);
	ck_assert(!ctrunc);
	ck_assert_uint_eq(glen, 44);
	ck_assert_uint_eq(hused, 60);
	ck_assert_uint_eq(h32(g, 40), 9);
	/* Not even a header's room. */
	ck_assert_int_eq(cb_conv_cmsg_to_guest(I, h, 60, g, 10, &glen, &ctrunc, &hused), 0);
	ck_assert(ctrunc);
	ck_assert_uint_eq(glen, 0);
	ck_assert_uint_eq(hused, 0);
	/* A malformed host buffer (cmsg_len past the end). */
	hput64(h, 32, 40);
	ck_assert_int_eq(cb_conv_cmsg_to_guest(I, h, 60, g, 64, &glen, &ctrunc, NULL), -EINVAL);
	/* An x86_64 guest gets the host's bytes. */
	ck_assert_int_eq(cb_conv_cmsg_to_guest(X, h, 60, g, 64, &glen, &ctrunc, &hused), 0);
	ck_assert(!ctrunc);
	ck_assert_uint_eq(glen, 60);
	ck_assert_mem_eq(g, h, 60);
	ck_assert_uint_eq(cb_conv_cmsg_host_space(X, 60), 60);
}
END_TEST

/* Where the kernel's compat code is stricter, or writes less, than a plain
 * re-framing would (checked against native i386 runs). */
START_TEST(test_cmsg_compat_edges)
{
	/* sendmsg: bytes after the last message too short for a header. */
	uint8_t g[32] = { 0 }, h[128];
	hput32(g, 0, 16); hput32(g, 4, 1); hput32(g, 8, 1); hput32(g, 12, 5);
	size_t hlen;
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, 16, h, sizeof(h), &hlen), 0);
	for (size_t extra = 1; extra < 12; extra++)
		ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, 16 + extra, h, sizeof(h), &hlen), -EINVAL);
	/* A length that is not a multiple of 4 may end the buffer unaligned. */
	hput32(g, 0, 13);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, 13, h, sizeof(h), &hlen), 0);
	ck_assert_int_eq(cb_conv_cmsg_to_host(I, g, 16, h, sizeof(h), &hlen), 0);

	/* recvmsg: SCM_RIGHTS into 12..15 bytes: not one fd fits, so no
	 * header is written, MSG_CTRUNC, and no fd is delivered. */
	uint8_t hh[24] = { 0 }, gg[16];
	hput64(hh, 0, 24); hput32(hh, 8, 1); hput32(hh, 12, 1);
	hput32(hh, 16, 7); hput32(hh, 20, 8);
	size_t glen, hused;
	bool ctrunc;
	for (size_t cap = 12; cap < 16; cap++) {
		memset(gg, 0xee, sizeof(gg));
		ck_assert_int_eq(cb_conv_cmsg_to_guest(I, hh, 24, gg, cap, &glen, &ctrunc, &hused), 0);
		ck_assert(ctrunc);
		ck_assert_uint_eq(glen, 0);
		ck_assert_uint_eq(hused, 16);
		ck_assert_uint_eq(gg[0], 0xee);
	}
	ck_assert_int_eq(cb_conv_cmsg_to_guest(I, hh, 24, gg, 16, &glen, &ctrunc, &hused), 0);
	ck_assert(ctrunc);
	ck_assert_uint_eq(glen, 16);
	ck_assert_uint_eq(h32(gg, 0), 16);
	ck_assert_uint_eq(h32(gg, 12), 7);
	ck_assert_uint_eq(hused, 20);
}
END_TEST

Suite *convert_suite(void)
{
	Suite *s = suite_create("convert");
	TCase *tc = tcase_create("integers");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_timeval_sign_extends);
	tcase_add_test(tc, test_stat64_offsets);
	tcase_add_test(tc, test_keep_and_mirror);
	tcase_add_test(tc, test_out_trim);
	tcase_add_test(tc, test_flock64_offsets);
	tcase_add_test(tc, test_epoll_event_plain_copy);
	tcase_add_test(tc, test_tail_padding_zeroed);
	tcase_add_test(tc, test_rlim_infinity);
	tcase_add_test(tc, test_narrowing_eoverflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("unions");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_union_by_cmd_flags);
	tcase_add_test(tc, test_union_by_cmd_map_and_addr);
	tcase_add_test(tc, test_union_cases_hold_host_numbers);
	tcase_add_test(tc, test_union_by_sibling);
	tcase_add_test(tc, test_union_selector_one_level_out);
	tcase_add_test(tc, test_identical_union_raw_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("pointers");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_msghdr_iovec_buffers);
	tcase_add_test(tc, test_msghdr_x86_64_guest);
	tcase_add_test(tc, test_ifconf_len_updated);
	tcase_add_test(tc, test_ifconf_null_length_query);
	tcase_add_test(tc, test_len_and_selector_across_pointer);
	tcase_add_test(tc, test_pointer_depth_bounded);
	tcase_add_test(tc, test_flexible_array);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_fd_fields_listed);
	tcase_add_test(tc, test_buffers_and_arrays);
	tcase_add_test(tc, test_output_record_with_input_field);
	tcase_add_test(tc, test_two_arguments_one_call);
	tcase_add_test(tc, test_bad_descriptors_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_length_larger_than_buffer);
	tcase_add_test(tc, test_length_negative_or_huge);
	tcase_add_test(tc, test_unreadable_memory);
	tcase_add_test(tc, test_call_gone_enoent);
	tcase_add_test(tc, test_arena_limit);
	tcase_add_test(tc, test_fan_out_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("cmsg");
	tcase_add_test(tc, test_cmsg_to_host);
	tcase_add_test(tc, test_cmsg_to_guest);
	tcase_add_test(tc, test_cmsg_compat_edges);
	suite_add_tcase(s, tc);
	return s;
}
