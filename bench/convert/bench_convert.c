/* Benchmark of abi/convert.c: one round is what a recvmsg handler does
 * around the host call for an i386 guest — cb_conv_init, cb_conv_in of a
 * msghdr (8 iovecs of 64 bytes, a 64-byte control buffer, a 16-byte name),
 * the kernel's answer simulated in the host copy, cb_conv_out, cb_conv_free.
 * Guest memory is a byte array, so what is measured is the conversion.
 * Prints the median of several runs (thread CPU time) and checks it
 * against 1 µs. Then the same for built-in requests' arguments: V4L2's
 * QBUF/DQBUF (v4l2_buffer with its timeval and memory union) and ALSA's
 * SYNC_PTR and STATUS, SG_IO (a 512-byte read: the header, its CDB,
 * data and sense buffers), and DRM's VERSION (three 32-byte string
 * buffers behind size_t lengths) and MODE_GETCONNECTOR (4 modes, 8
 * properties and their values, 2 encoders, addresses in __u64s). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../abi/builtin.h"
#include "../../abi/convert.h"

#define I CB_ARCH_I386
#define X CB_ARCH_X86_64
#define AT(o32, o64, s32, s64) \
	.off = { [I] = (o32), [X] = (o64) }, .size = { [I] = (s32), [X] = (s64) }
#define RSIZE(s32, s64, a32, a64) \
	.size = { [I] = (s32), [X] = (s64) }, .align = { [I] = (a32), [X] = (a64) }

enum { R_IOVEC_OUT, R_IOVEC_IN, R_MSGHDR_RECV, R_MSGHDR_SEND, R_COUNT };

/* struct iovec, 8 / 16 bytes; recvmsg's buffers are written, sendmsg's read. */
static const struct cb_field iovec_out_f[] = {
	{ .name = "iov_base", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.dir = CB_DIR_OUT },
	{ .name = "iov_len", .kind = CB_K_ULONG, AT(4, 8, 4, 8) },
};
static const struct cb_field iovec_in_f[] = {
	{ .name = "iov_base", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.dir = CB_DIR_IN },
	{ .name = "iov_len", .kind = CB_K_ULONG, AT(4, 8, 4, 8) },
};

/* struct msghdr, 28 / 56 bytes. */
static const struct cb_field msghdr_recv_f[] = {
	{ .name = "msg_name", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.max = 128, .a.dir = CB_DIR_OUT },
	{ .name = "msg_namelen", .kind = CB_K_UINT, AT(4, 8, 4, 4), .a.dir = CB_DIR_INOUT,
	  .a.len_updated = true },
	{ .name = "__pad0", .kind = CB_K_PAD, AT(8, 12, 0, 4) },
	{ .name = "msg_iov", .kind = CB_K_PTR, AT(8, 16, 4, 8), .a.target = CB_T_ARRAY,
	  .a.target_record = R_IOVEC_OUT, .a.len_field = 4, .a.max = 1024, .a.dir = CB_DIR_IN },
	{ .name = "msg_iovlen", .kind = CB_K_ULONG, AT(12, 24, 4, 8) },
	{ .name = "msg_control", .kind = CB_K_PTR, AT(16, 32, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 6, .a.dir = CB_DIR_OUT },
	{ .name = "msg_controllen", .kind = CB_K_ULONG, AT(20, 40, 4, 8), .a.dir = CB_DIR_INOUT,
	  .a.len_updated = true },
	{ .name = "msg_flags", .kind = CB_K_SINT, AT(24, 48, 4, 4), .a.dir = CB_DIR_OUT },
	{ .name = "__tail", .kind = CB_K_PAD, AT(28, 52, 0, 4) },
};
static const struct cb_field msghdr_send_f[] = {
	{ .name = "msg_name", .kind = CB_K_PTR, AT(0, 0, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 1, .a.max = 128, .a.dir = CB_DIR_IN },
	{ .name = "msg_namelen", .kind = CB_K_UINT, AT(4, 8, 4, 4) },
	{ .name = "__pad0", .kind = CB_K_PAD, AT(8, 12, 0, 4) },
	{ .name = "msg_iov", .kind = CB_K_PTR, AT(8, 16, 4, 8), .a.target = CB_T_ARRAY,
	  .a.target_record = R_IOVEC_IN, .a.len_field = 4, .a.max = 1024, .a.dir = CB_DIR_IN },
	{ .name = "msg_iovlen", .kind = CB_K_ULONG, AT(12, 24, 4, 8) },
	{ .name = "msg_control", .kind = CB_K_PTR, AT(16, 32, 4, 8), .a.target = CB_T_BUF,
	  .a.len_field = 6, .a.dir = CB_DIR_IN },
	{ .name = "msg_controllen", .kind = CB_K_ULONG, AT(20, 40, 4, 8) },
	{ .name = "msg_flags", .kind = CB_K_SINT, AT(24, 48, 4, 4) },
	{ .name = "__tail", .kind = CB_K_PAD, AT(28, 52, 0, 4) },
};

#define NF(a) (int)(sizeof(a) / sizeof(a[0]))
static const struct cb_record records[R_COUNT] = {
	[R_IOVEC_OUT] = { .name = "iovec", RSIZE(8, 16, 4, 8), NF(iovec_out_f), iovec_out_f },
	[R_IOVEC_IN] = { .name = "iovec", RSIZE(8, 16, 4, 8), NF(iovec_in_f), iovec_in_f },
	[R_MSGHDR_RECV] = { .name = "msghdr", RSIZE(28, 56, 4, 8), NF(msghdr_recv_f),
			    msghdr_recv_f },
	[R_MSGHDR_SEND] = { .name = "msghdr", RSIZE(28, 56, 4, 8), NF(msghdr_send_f),
			    msghdr_send_f },
};
static const struct cb_abi_db db = { records, R_COUNT, NULL, 0 };

/* The guest's address space: 64 KiB from BASE. */
#define BASE 0x8000000u
#define SIZE 0x10000u
static uint8_t guest[SIZE];

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || len > SIZE || addr - BASE > SIZE - len)
		return -EFAULT;
	memcpy(buf, guest + (addr - BASE), len);
	return 0;
}

static int mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || len > SIZE || addr - BASE > SIZE - len)
		return -EFAULT;
	memcpy(guest + (addr - BASE), buf, len);
	return 0;
}

static const struct cb_guest_mem mem = { mem_read, mem_write, NULL };

#define NIOV 8
#define IOLEN 64
#define MSG 0x0000u
#define IOV 0x0100u
#define NAME 0x0200u
#define CTL 0x0300u
#define BUFS 0x1000u

static void put32(uint32_t off, uint32_t v) { memcpy(guest + off, &v, 4); }
static uint32_t get32(uint32_t off) { uint32_t v; memcpy(&v, guest + off, 4); return v; }
static uint64_t h64(const void *p, size_t o)
{
	uint64_t v;
	memcpy(&v, (const uint8_t *)p + o, 8);
	return v;
}

static void layout_i386(void)
{
	put32(MSG + 0, BASE + NAME);
	put32(MSG + 4, 16);
	put32(MSG + 8, BASE + IOV);
	put32(MSG + 12, NIOV);
	put32(MSG + 16, BASE + CTL);
	put32(MSG + 20, 64);
	put32(MSG + 24, 0);
	for (uint32_t i = 0; i < NIOV; i++) {
		put32(IOV + 8 * i, BASE + BUFS + IOLEN * i);
		put32(IOV + 8 * i + 4, IOLEN);
	}
}

/* The thread's CPU time: on a shared machine, time spent descheduled is
 * not the converter's. */
static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One round; the "kernel" writes a byte per buffer and the lengths. */
static int round_trip(int record, enum cb_arch arch, bool recv)
{
	struct cb_conv cv;
	void *h;
	int r = cb_conv_init(&cv, &db, arch, 0, &mem, 0);
	if (r == 0)
		r = cb_conv_in(&cv, record, BASE + MSG, CB_DIR_IN, &h);
	if (r == 0 && recv) {
		uint8_t *iov = (uint8_t *)(uintptr_t)h64(h, 16);
		for (int i = 0; i < NIOV; i++)
			*(uint8_t *)(uintptr_t)h64(iov, 16 * i) = (uint8_t)i;
		uint64_t ctl = 24;
		memcpy((uint8_t *)h + 40, &ctl, 8);
	}
	if (r == 0)
		r = cb_conv_out(&cv);
	cb_conv_free(&cv);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median µs per round over RUNS runs of ROUNDS rounds. */
static double measure(int record, enum cb_arch arch, bool recv, double *min, double *max)
{
	enum { RUNS = 9, ROUNDS = 200000 };
	double us[RUNS];
	for (int k = 0; k < 1000; k++) /* warm the caches and the branch predictor */
		round_trip(record, arch, recv);
	for (int run = 0; run < RUNS; run++) {
		double t0 = now_ns();
		for (int k = 0; k < ROUNDS; k++)
			if (round_trip(record, arch, recv) != 0)
				return -1;
		us[run] = (now_ns() - t0) / ROUNDS / 1000.0;
	}
	qsort(us, RUNS, sizeof(us[0]), cmp_double);
	*min = us[0];
	*max = us[RUNS - 1];
	return us[RUNS / 2];
}

/* A built-in request's argument at BASE + ARG, i386 -> x86_64 -> i386,
 * as the translator does it around the host call (which writes nothing
 * here: what is measured is the converter). */
#define ARG 0x2000u
static const struct cb_ioctl *bench_ioc;

static int ioctl_round(void)
{
	struct cb_conv cv;
	void *h;
	int r = cb_conv_init(&cv, &cb_abi_builtin, I, bench_ioc->req[I], &mem, 0);
	if (r == 0)
		r = cb_conv_in(&cv, bench_ioc->arg_record, BASE + ARG, bench_ioc->dir, &h);
	if (r == 0)
		r = cb_conv_out(&cv);
	cb_conv_free(&cv);
	return r;
}

/* Set FIELD of the i386 argument to V (4 bytes). */
static void set_field(const char *field, uint32_t v)
{
	const struct cb_record *r = &cb_abi_builtin.records[bench_ioc->arg_record];
	int f = cb_abi_field_index(r, field);
	if (f >= 0)
		put32(ARG + r->fields[f].off[I], v);
}

static double measure_ioctl(const char *name, double *min, double *max)
{
	enum { RUNS = 9, ROUNDS = 200000 };
	double us[RUNS];
	bench_ioc = cb_abi_ioctl_by_name(&cb_abi_builtin, name);
	if (!bench_ioc || bench_ioc->arg_record < 0)
		return -1;
	memset(guest + ARG, 0, 512);
	set_field("type", 1);   /* v4l2_buffer: VIDEO_CAPTURE */
	set_field("memory", 1); /* ... MMAP */
	/* SG_IO: a READ(10) of one 512-byte block, a 10-byte CDB and 32
	 * bytes for sense (cmd_len, mx_sb_len and iovec_count 0 in one word). */
	set_field("dxfer_direction", (uint32_t)-3); /* SG_DXFER_FROM_DEV */
	set_field("cmd_len", 10 | 32 << 8);
	set_field("dxfer_len", 512);
	set_field("dxferp", BASE + 0x3000);
	set_field("cmdp", BASE + 0x2800);
	set_field("sbp", BASE + 0x2900);
	/* DRM_IOCTL_VERSION: name, date and description, 32 bytes each. */
	set_field("name_len", 32);
	set_field("name", BASE + 0x3000);
	set_field("date_len", 32);
	set_field("date", BASE + 0x3100);
	set_field("desc_len", 32);
	set_field("desc", BASE + 0x3200);
	/* DRM_IOCTL_MODE_GETCONNECTOR: what a display client asks for once it
	 * knows the counts. */
	set_field("count_modes", 4);
	set_field("modes_ptr", BASE + 0x4000);
	set_field("count_props", 8);
	set_field("props_ptr", BASE + 0x4200);
	set_field("prop_values_ptr", BASE + 0x4300);
	set_field("count_encoders", 2);
	set_field("encoders_ptr", BASE + 0x4400);
	if (ioctl_round() != 0)
		return -1;
	for (int k = 0; k < 1000; k++)
		ioctl_round();
	for (int run = 0; run < RUNS; run++) {
		double t0 = now_ns();
		for (int k = 0; k < ROUNDS; k++)
			ioctl_round();
		us[run] = (now_ns() - t0) / ROUNDS / 1000.0;
	}
	qsort(us, RUNS, sizeof(us[0]), cmp_double);
	*min = us[0];
	*max = us[RUNS - 1];
	return us[RUNS / 2];
}

int main(void)
{
	layout_i386();
	if (round_trip(R_MSGHDR_RECV, I, true) != 0 || get32(MSG + 20) != 24 ||
	    guest[BUFS + IOLEN * 7] != 7) {
		fprintf(stderr, "bench_convert: the conversion does not do what it should\n");
		return 1;
	}
	double lo, hi;
	double recv = measure(R_MSGHDR_RECV, I, true, &lo, &hi);
	if (recv < 0) {
		fprintf(stderr, "bench_convert: a round failed\n");
		return 1;
	}
	printf("msghdr i386->x86_64->i386 round: %.2f us (target < 1 us): %s\n", recv,
	       recv < 1.0 ? "PASS" : "FAIL");
	printf("  recvmsg: 8 iovecs x %d bytes, 64-byte control, 16-byte name; median of 9 runs"
	       " of 200000 rounds, CPU time (min %.2f, max %.2f us)\n", IOLEN, lo, hi);
	double send = measure(R_MSGHDR_SEND, I, false, &lo, &hi);
	printf("  sendmsg, same shape (buffers read, nothing written back): %.2f us"
	       " (min %.2f, max %.2f)\n", send, lo, hi);
	static const char *const reqs[] = { "VIDIOC_DQBUF", "VIDIOC_QBUF", "SNDRV_PCM_IOCTL_SYNC_PTR",
					    "SNDRV_PCM_IOCTL_STATUS", "SG_IO", "DRM_IOCTL_VERSION",
					    "DRM_IOCTL_MODE_GETCONNECTOR" };
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		double t = measure_ioctl(reqs[i], &lo, &hi);
		if (t < 0) {
			fprintf(stderr, "bench_convert: %s does not convert\n", reqs[i]);
			return 1;
		}
		printf("%s i386->x86_64->i386 round: %.3f us, %.2fx the 1 us target: %s"
		       " (min %.3f, max %.3f)\n", reqs[i], t, t / 1.0, t < 1.0 ? "PASS" : "FAIL",
		       lo, hi);
	}
	return 0;
}
