/* Differential guest for the socket entry points glibc does not use, or
 * not with these layouts: socketcall (102) called directly with its
 * argument block (bad call numbers, an unreadable block), the old 32-bit
 * option structs (SO_RCVTIMEO_OLD's timeval, sock_fprog with a 32-bit
 * pointer) through socketcall and the direct calls (365, 366), recvmmsg
 * (337) with an old 32-bit timeout, sendto (369) and recvfrom (371). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diffcase.h"

#define SO_RCVTIMEO_OLD_ 20
#define SO_SNDTIMEO_OLD_ 21

static void *volatile bad = BAD_PTR;

static long sc(int call, const uint32_t *a)
{
	return syscall(SYS_socketcall, call, a);
}

static uint32_t p32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* The block itself: call numbers, an unreadable or short block. */
static void block_case(void)
{
	int sv[2];
	uint32_t a[6] = { AF_UNIX, SOCK_DGRAM, 0, p32(sv) };
	res("socketcall 0", sc(0, a));
	res("socketcall 21", sc(21, a));
	res("socketcall -1", sc(-1, a));
	res("socketcall, unreadable block", sc(SYS_SEND, bad));
	res("socketpair through socketcall", sc(SYS_SOCKETPAIR, a));
	/* The block ends where a page ends: send reads 4 words, sendto 6. */
	char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(pg + 4096, 4096);
	uint32_t *end = (uint32_t *)(pg + 4096 - 16);
	end[0] = (uint32_t)sv[0], end[1] = p32("abc"), end[2] = 3, end[3] = 0;
	res("send, 4 words before the page end", sc(SYS_SEND, end));
	res("sendto, 6 words needed", sc(SYS_SENDTO, end));
	char buf[8] = { 0 };
	uint32_t r[4] = { (uint32_t)sv[1], p32(buf), sizeof(buf), MSG_DONTWAIT };
	res("recv", sc(SYS_RECV, r));
	printf("  %s\n", buf);
	res("recv, nothing there", sc(SYS_RECV, r));
	uint32_t sh[2] = { (uint32_t)sv[0], 99 };
	res("shutdown, bad how", sc(SYS_SHUTDOWN, sh));
	/* Direct sendto and recvfrom. */
	res("sendto (369)", syscall(SYS_sendto, sv[0], "direct", 6, 0, NULL, 0));
	memset(buf, 0, sizeof(buf));
	res("recvfrom (371)", syscall(SYS_recvfrom, sv[1], buf, sizeof(buf), 0, NULL, NULL));
	printf("  %s\n", buf);
	/* accept without flags: accept4 underneath. */
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in la = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t ll = sizeof(la);
	bind(l, (struct sockaddr *)&la, sizeof(la));
	listen(l, 1);
	getsockname(l, (struct sockaddr *)&la, &ll);
	int cl = socket(AF_INET, SOCK_STREAM, 0);
	connect(cl, (struct sockaddr *)&la, sizeof(la));
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint32_t ac[3] = { (uint32_t)l, p32(&from), p32(&fl) };
	long fd = sc(SYS_ACCEPT, ac);
	printf("accept: %s, length %u, cloexec %d\n", fd >= 0 ? "yes" : strerrorname_np(errno), fl,
	       fd >= 0 && (fcntl((int)fd, F_GETFD) & FD_CLOEXEC) != 0);
	close((int)fd);
	close(cl);
	close(l);
	close(sv[0]);
	close(sv[1]);
}

/* SO_RCVTIMEO_OLD: 8 bytes {s32 sec, s32 usec} for an i386 caller. */
static void timeo(const char *how, int fd, bool via)
{
	int32_t tv[2] = { 2, 500000 }, out[2] = { 0 };
	uint32_t len = sizeof(out);
	uint32_t a[5] = { (uint32_t)fd, SOL_SOCKET, SO_RCVTIMEO_OLD_, p32(tv), sizeof(tv) };
	uint32_t g[5] = { (uint32_t)fd, SOL_SOCKET, SO_RCVTIMEO_OLD_, p32(out), p32(&len) };
#define SET() (via ? sc(SYS_SETSOCKOPT, a) : syscall(SYS_setsockopt, a[0], a[1], a[2], a[3], a[4]))
#define GET() (via ? sc(SYS_GETSOCKOPT, g) : syscall(SYS_getsockopt, g[0], g[1], g[2], g[3], g[4]))
	printf("%s:\n", how);
	res("set SO_RCVTIMEO_OLD", SET());
	res("get SO_RCVTIMEO_OLD", GET());
	printf("  %d.%06d (%u bytes)\n", out[0], out[1], len);
	len = 4;
	memset(out, 0, sizeof(out));
	res("get, 4 bytes of room", GET());
	printf("  %d %d (%u bytes)\n", out[0], out[1], len);
	a[4] = 4;
	res("set, 4 bytes", SET());
	a[4] = 8;
	a[3] = p32(bad);
	res("set, bad buffer", SET());
	a[2] = SO_SNDTIMEO_OLD_;
	a[3] = p32(tv);
	tv[1] = 1000000;
	res("set SO_SNDTIMEO_OLD, usec out of range", SET());
	tv[0] = -1, tv[1] = 0;
	res("set SO_SNDTIMEO_OLD, negative", SET());
	/* sock_fprog {u16 len; u32 filter}: a filter that drops everything. */
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct { uint16_t len; uint16_t pad; uint32_t filter; } fp = { 1, 0, p32(drop) };
	a[2] = SO_ATTACH_FILTER, a[3] = p32(&fp), a[4] = sizeof(fp);
	res("SO_ATTACH_FILTER", SET());
	a[4] = 16;
	res("SO_ATTACH_FILTER, 16 bytes", SET());
	a[4] = sizeof(fp);
	fp.filter = p32(bad);
	res("SO_ATTACH_FILTER, bad filter", SET());
	fp.len = 5000;
	res("SO_ATTACH_FILTER, too long", SET());
#undef SET
#undef GET
}

static void sockopt_case(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	timeo("through socketcall", sv[0], true);
	timeo("direct", sv[1], false);
	/* The filter attached above through socketcall drops what comes;
	 * without it, it comes. */
	send(sv[1], "x", 1, 0);
	char b[4];
	res("recv, filtered out", recv(sv[0], b, sizeof(b), MSG_DONTWAIT));
	int zero = 0;
	setsockopt(sv[0], SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof(zero));
	send(sv[1], "y", 1, 0);
	res("recv, no filter", recv(sv[0], b, sizeof(b), MSG_DONTWAIT));
	/* Blocking with the old timeout: 250 ms, then EAGAIN. */
	int32_t tv[2] = { 0, 250000 };
	syscall(SYS_setsockopt, sv[1], SOL_SOCKET, SO_RCVTIMEO_OLD_, tv, sizeof(tv));
	res("recv waits for SO_RCVTIMEO", recv(sv[1], b, sizeof(b), 0));
	close(sv[0]);
	close(sv[1]);
}

/* recvmmsg with an old 32-bit timeout: direct (337) and socketcall's. */
static void recvmmsg_case(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "a", 1, 0);
	send(sv[0], "bb", 2, 0);
	char r[2][4];
	struct { uint32_t name, namelen, iov, iovlen, control, controllen, flags, len; } m[2];
	struct { uint32_t base, len; } v[2] = { { p32(r[0]), 4 }, { p32(r[1]), 4 } };
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 2; i++)
		m[i].iov = p32(&v[i]), m[i].iovlen = 1;
	int32_t ts[2] = { 3, 0 };
	res("recvmmsg (337), 2", syscall(SYS_recvmmsg, sv[1], m, 2, 0, ts));
	printf("  lengths %u %u, timeout changed %d\n", m[0].len, m[1].len, ts[0] != 3 || ts[1] != 0);
	send(sv[0], "ccc", 3, 0);
	ts[0] = 3, ts[1] = 0;
	uint32_t a[5] = { (uint32_t)sv[1], p32(m), 2, MSG_WAITFORONE, p32(ts) };
	res("recvmmsg through socketcall, MSG_WAITFORONE", sc(SYS_RECVMMSG, a));
	printf("  length %u\n", m[0].len);
	ts[1] = -1;
	res("recvmmsg, bad timeout", sc(SYS_RECVMMSG, a));
	a[4] = p32(bad);
	res("recvmmsg, unreadable timeout", syscall(SYS_recvmmsg, sv[1], m, 2, 0, bad));
	/* sendmmsg through socketcall. */
	struct { uint32_t name, namelen, iov, iovlen, control, controllen, flags, len; } sm[1] = { 0 };
	struct { uint32_t base, len; } sv_iov = { p32("dddd"), 4 };
	sm[0].iov = p32(&sv_iov), sm[0].iovlen = 1;
	uint32_t s[4] = { (uint32_t)sv[0], p32(sm), 1, 0 };
	res("sendmmsg through socketcall", sc(SYS_SENDMMSG, s));
	printf("  length %u\n", sm[0].len);
	close(sv[0]);
	close(sv[1]);
}

/* Options the kernel checks against the caller's capabilities are checked
 * against the guest's, not the supervisor's: without CAP_NET_ADMIN and
 * CAP_NET_RAW (dropped here, whoever runs the case) SO_MARK, a priority
 * above 6 and SO_RCVBUFFORCE are EPERM. */
static void capopts_case(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	syscall(SYS_capget, &h, d);
	d[0].effective &= ~(1u << CAP_NET_ADMIN | 1u << CAP_NET_RAW);
	res("drop CAP_NET_ADMIN, CAP_NET_RAW", syscall(SYS_capset, &h, d));
	int s = socket(AF_INET, SOCK_DGRAM, 0), v = 5;
	res("SO_MARK", setsockopt(s, SOL_SOCKET, SO_MARK, &v, sizeof(v)));
	v = 7;
	res("SO_PRIORITY 7", setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)));
	v = 3;
	res("SO_PRIORITY 3", setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof(v)));
	v = 65536;
	res("SO_RCVBUFFORCE", setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)));
	close(s);
}

static const struct diff_case cases[] = {
	{ "block", block_case,
	  "translated=socketcall,socketcall:sendto,socketcall:recvfrom,socketcall:accept4,"
	  "socketcall:shutdown,sendto,recvfrom" },
	{ "sockopt", sockopt_case,
	  "translated=socketcall:setsockopt,socketcall:getsockopt,setsockopt,getsockopt" },
	{ "capopts", capopts_case, "translated=socketcall:setsockopt" },
	{ "recvmmsg", recvmmsg_case, "translated=recvmmsg,socketcall:recvmmsg,socketcall:sendmmsg" },
};

DIFF_MAIN(cases)
