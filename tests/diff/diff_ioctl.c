/* Differential guest: each mode exercises one call and prints every result
 * (return value, errno, every field of every struct) in a stable form. The
 * harness runs it natively (the kernel's compat layer is the oracle) and
 * under `compatbox run --translate`, and compares the output byte for byte.
 * Built -m32. Calls are made with syscall() so the exact i386 entry point is
 * the one tested, not whatever glibc prefers. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <sys/time.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <asm/termbits.h>

#include "diffcase.h"


static int pty_slave(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return -1;
	return open(ptsname(m), O_RDWR | O_NOCTTY);
}

static void tc(void)
{
	int t = pty_slave();
	struct termios k;
	memset(&k, 0xa5, sizeof(k));
	res("TCGETS", ioctl(t, TCGETS, &k));
	dump("termios", &k, sizeof(k));
	k.c_lflag &= ~(tcflag_t)ECHO;
	k.c_cc[VMIN] = 3;
	res("TCSETS", ioctl(t, TCSETS, &k));
	memset(&k, 0, sizeof(k));
	res("TCGETS again", ioctl(t, TCGETS, &k));
	dump("termios", &k, sizeof(k));
	res("TCGETS bad pointer", ioctl(t, TCGETS, BAD_PTR));
	res("TCSETS bad pointer", ioctl(t, TCSETS, BAD_PTR));
	res("TCGETS on /dev/null", ioctl(open("/dev/null", O_RDONLY), TCGETS, &k));
	res("TCGETS bad fd", ioctl(999, TCGETS, &k));
}

/* The pty master's own state, termios2, and task-tied requests next to
 * them (TCSETS2, TIOCGSID: the kernel answers for the caller). */
static void pty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	unsigned n = 0xa5a5a5a5;
	int one = 1, v = -7;
	res("TIOCSPTLCK lock", ioctl(m, TIOCSPTLCK, &one));
	res("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
	printf("pty number known %d\n", n != 0xa5a5a5a5);
	res("TIOCGPKT", ioctl(m, TIOCGPKT, &v));
	printf("pkt %d\n", v);
	res("TIOCGEXCL", ioctl(m, TIOCGEXCL, &v));
	printf("excl %d\n", v);
	int zero = 0;
	res("TIOCSPTLCK unlock", ioctl(m, TIOCSPTLCK, &zero));
	res("TIOCGPTN bad pointer", ioctl(m, TIOCGPTN, BAD_PTR));
	int t = open(ptsname(m), O_RDWR | O_NOCTTY);
	struct termios2 k2;
	memset(&k2, 0xa5, sizeof(k2));
	res("TCGETS2", ioctl(t, TCGETS2, &k2));
	dump("termios2", &k2, sizeof(k2));
	k2.c_ospeed = k2.c_ispeed = 57600;
	k2.c_cflag = (k2.c_cflag & ~(tcflag_t)CBAUD) | BOTHER;
	res("TCSETS2", ioctl(t, TCSETS2, &k2));
	memset(&k2, 0, sizeof(k2));
	res("TCGETS2 again", ioctl(t, TCGETS2, &k2));
	dump("termios2", &k2, sizeof(k2));
	res("TCGETS2 bad pointer", ioctl(t, TCGETS2, BAD_PTR));
	pid_t sid = -1;
	res("TIOCGSID not our tty", ioctl(t, TIOCGSID, &sid));
}

static void winsz(void)
{
	int t = pty_slave();
	struct winsize w = { 24, 80, 640, 480 };
	res("TIOCSWINSZ", ioctl(t, TIOCSWINSZ, &w));
	memset(&w, 0, sizeof(w));
	res("TIOCGWINSZ", ioctl(t, TIOCGWINSZ, &w));
	printf("winsize %u %u %u %u\n", w.ws_row, w.ws_col, w.ws_xpixel, w.ws_ypixel);
	res("TIOCGWINSZ bad pointer", ioctl(t, TIOCGWINSZ, BAD_PTR));
}

static void fion(void)
{
	int p[2];
	if (pipe(p))
		return;
	(void)!write(p[1], "0123456789", 10);
	int n = -1;
	res("FIONREAD", ioctl(p[0], FIONREAD, &n));
	printf("bytes %d\n", n);
	int on = 1;
	res("FIONBIO on", ioctl(p[0], FIONBIO, &on));
	printf("O_NONBLOCK %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	on = 0;
	res("FIONBIO off", ioctl(p[0], FIONBIO, &on));
	printf("O_NONBLOCK %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
	res("FIONREAD bad pointer", ioctl(p[0], FIONREAD, BAD_PTR));
	res("FIONBIO bad pointer", ioctl(p[0], FIONBIO, BAD_PTR));
}

static void pgrp(void)
{
	int t = pty_slave();
	pid_t g = 12345;
	long r = ioctl(t, TIOCGPGRP, &g);
	res("TIOCGPGRP on a pty that is not our terminal", r);
}

static void ifconf(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifconf ic = { .ifc_len = 0, .ifc_buf = NULL };
	res("SIOCGIFCONF length query", ioctl(s, SIOCGIFCONF, &ic));
	printf("ifc_len %d (%zu-byte ifreq records: %d)\n", ic.ifc_len, sizeof(struct ifreq),
	       ic.ifc_len / (int)sizeof(struct ifreq));
	struct ifreq rq[16];
	memset(rq, 0, sizeof(rq));
	ic.ifc_len = sizeof(rq);
	ic.ifc_req = rq;
	res("SIOCGIFCONF", ioctl(s, SIOCGIFCONF, &ic));
	printf("ifc_len %d\n", ic.ifc_len);
	for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++) {
		printf("if %s family %d\n", rq[i].ifr_name, rq[i].ifr_addr.sa_family);
		dump("addr", &rq[i].ifr_addr, sizeof(rq[i].ifr_addr));
	}
	ic.ifc_len = sizeof(struct ifreq); /* room for one only */
	res("SIOCGIFCONF short buffer", ioctl(s, SIOCGIFCONF, &ic));
	printf("ifc_len %d\n", ic.ifc_len);
	res("SIOCGIFCONF bad pointer", ioctl(s, SIOCGIFCONF, BAD_PTR));
	ic.ifc_len = sizeof(rq);
	ic.ifc_req = BAD_PTR;
	res("SIOCGIFCONF bad buffer", ioctl(s, SIOCGIFCONF, &ic));
}

static void ifreq_calls(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "lo");
	res("SIOCGIFFLAGS lo", ioctl(s, SIOCGIFFLAGS, &r));
	printf("flags 0x%x\n", (unsigned short)r.ifr_flags);
	memset(&r.ifr_ifru, 0, sizeof(r.ifr_ifru));
	res("SIOCGIFINDEX lo", ioctl(s, SIOCGIFINDEX, &r));
	printf("index %d\n", r.ifr_ifindex);
	memset(&r.ifr_ifru, 0, sizeof(r.ifr_ifru));
	res("SIOCGIFADDR lo", ioctl(s, SIOCGIFADDR, &r));
	dump("addr", &r.ifr_addr, sizeof(r.ifr_addr));
	memset(&r.ifr_ifru, 0, sizeof(r.ifr_ifru));
	res("SIOCGIFHWADDR lo", ioctl(s, SIOCGIFHWADDR, &r));
	dump("hwaddr", &r.ifr_hwaddr, sizeof(r.ifr_hwaddr));
	/* The other getters, each into an ifreq filled with 0x5a past the
	 * name: what comes back, pads and tail included, must match. */
	static const struct { unsigned long req; const char *what; } getters[] = {
		{ SIOCGIFDSTADDR, "SIOCGIFDSTADDR" }, { SIOCGIFBRDADDR, "SIOCGIFBRDADDR" },
		{ SIOCGIFNETMASK, "SIOCGIFNETMASK" }, { SIOCGIFMETRIC, "SIOCGIFMETRIC" },
		{ SIOCGIFMTU, "SIOCGIFMTU" },         { SIOCGIFTXQLEN, "SIOCGIFTXQLEN" },
		{ SIOCGIFMAP, "SIOCGIFMAP" },         { SIOCGIFPFLAGS, "SIOCGIFPFLAGS" },
	};
	for (size_t i = 0; i < sizeof(getters) / sizeof(getters[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		strcpy(r.ifr_name, "lo");
		char what[64];
		snprintf(what, sizeof(what), "%s lo", getters[i].what);
		res(what, ioctl(s, getters[i].req, &r));
		dump("ifreq", &r, sizeof(r));
		snprintf(what, sizeof(what), "%s bad pointer", getters[i].what);
		res(what, ioctl(s, getters[i].req, BAD_PTR));
	}
	strcpy(r.ifr_name, "nosuchif0");
	res("SIOCGIFFLAGS unknown interface", ioctl(s, SIOCGIFFLAGS, &r));
	res("SIOCGIFFLAGS bad pointer", ioctl(s, SIOCGIFFLAGS, BAD_PTR));
}

/* A setter stays with the kernel (the caller's CAP_NET_ADMIN): lo's MTU
 * set to what it is. */
static void ifset(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "lo");
	res("SIOCGIFMTU lo", ioctl(s, SIOCGIFMTU, &r));
	res("SIOCSIFMTU lo, unchanged", ioctl(s, SIOCSIFMTU, &r));
	res("SIOCSIFMTU bad pointer", ioctl(s, SIOCSIFMTU, BAD_PTR));
}

/* The last packet's time on a socket, in the caller's old struct timeval
 * and timespec (their sizes differ between the ABIs, the number does
 * not). The times differ between runs: only their shape is printed. */
static void stamp(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	bind(s, (struct sockaddr *)&a, sizeof(a));
	getsockname(s, (struct sockaddr *)&a, &al);
	unsigned char tv[32];
	memset(tv, 0x5a, sizeof(tv));
	res("SIOCGSTAMP before any packet", ioctl(s, SIOCGSTAMP_OLD, tv));
	sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	char c;
	recv(s, &c, 1, 0);
	struct timeval t;
	memset(&t, 0x5a, sizeof(t));
	res("SIOCGSTAMP", ioctl(s, SIOCGSTAMP_OLD, &t));
	printf("size %zu sec set %d usec in range %d\n", sizeof(t), t.tv_sec > 1000000000,
	       t.tv_usec >= 0 && t.tv_usec < 1000000);
	struct timespec ts;
	memset(&ts, 0x5a, sizeof(ts));
	res("SIOCGSTAMPNS", ioctl(s, SIOCGSTAMPNS_OLD, &ts));
	printf("size %zu sec set %d nsec in range %d\n", sizeof(ts), ts.tv_sec > 1000000000,
	       ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	res("SIOCGSTAMP bad pointer", ioctl(s, SIOCGSTAMP_OLD, BAD_PTR));
	close(s);
}

static void fsflags(void)
{
	int f = open("/proc/self/exe", O_RDONLY);
	long flags = 0x5a5a5a5a;
	printf("request 0x%lx\n", (unsigned long)FS_IOC_GETFLAGS);
	long r = ioctl(f, FS_IOC_GETFLAGS, &flags);
	res("FS_IOC_GETFLAGS", r);
	if (r == 0)
		printf("flags 0x%lx\n", flags);
	res("FS_IOC_GETFLAGS bad pointer", ioctl(f, FS_IOC_GETFLAGS, BAD_PTR));
}

/* FICLONE's argument is the source fd itself, a value of the caller's
 * table: the supervisor takes that fd too. Most file systems here cannot
 * share extents (EOPNOTSUPP, EXDEV across mounts); the errors before that
 * are the fds': a bad source (EBADF), a destination opened read-only. */
static void ficlone(void)
{
	char dir[] = "/tmp/cb-ficlone-XXXXXX";
	if (!mkdtemp(dir)) {
		res("mkdtemp", -1);
		return;
	}
	char a[64], b[64];
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	int src = open(a, O_RDWR | O_CREAT, 0600);
	int dst = open(b, O_RDWR | O_CREAT, 0600);
	int ro = open(b, O_RDONLY);
	int proc = open("/proc/self/stat", O_RDONLY);
	char buf[8192];
	memset(buf, 'x', sizeof(buf));
	res("write", write(src, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : -1);
	printf("request 0x%lx\n", (unsigned long)FICLONE);
	res("FICLONE", ioctl(dst, FICLONE, src));
	struct stat st;
	if (fstat(dst, &st) == 0)
		printf("dst size %lld\n", (long long)st.st_size);
	res("FICLONE itself", ioctl(src, FICLONE, src));
	res("FICLONE bad source", ioctl(dst, FICLONE, 999));
	res("FICLONE negative source", ioctl(dst, FICLONE, -1));
	res("FICLONE read-only destination", ioctl(ro, FICLONE, src));
	res("FICLONE from /proc", ioctl(dst, FICLONE, proc));
	close(src);
	close(dst);
	close(ro);
	close(proc);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

/* A tun device: TUNSETIFF checks the caller's CAP_NET_ADMIN and stays in
 * the kernel; TUNGETIFF reads the device back through the translator. */
/* A new device named NAME (a %d pattern) of kind FLAGS, its TUNSETIFF
 * printed as WHAT; the fd. */
static int tun_make(const char *what, const char *name, short flags, struct ifreq *r)
{
	int fd = open("/dev/net/tun", O_RDWR);
	memset(r, 0, sizeof(*r));
	strcpy(r->ifr_name, name);
	r->ifr_flags = flags;
	res(what, ioctl(fd, TUNSETIFF, r));
	return fd;
}

static void tun(void)
{
	struct ifreq r;
	int fd = tun_make("TUNSETIFF", "cbdiff%d", IFF_TUN | IFF_NO_PI, &r);
	memset(&r, 0x5a, sizeof(r));
	res("TUNGETIFF", ioctl(fd, TUNGETIFF, &r));
	printf("name %.16s flags 0x%x\n", r.ifr_name, (unsigned short)r.ifr_flags);
	res("TUNGETIFF bad pointer", ioctl(fd, TUNGETIFF, BAD_PTR));
	int plain = open("/dev/null", O_RDONLY);
	res("TUNGETIFF on /dev/null", ioctl(plain, TUNGETIFF, &r));
}

/* A TAP's socket filter. The kernel keeps the caller's sock_fprog, the
 * filter's address included (TUNGETFILTER hands it back, a queue attached
 * later reads the filter from it), so these stay with the kernel — whose
 * compat layer does not know their i386 numbers: EINVAL, even for a bad
 * filter pointer or a length past BPF_MAXINSNS. */
static void tunfilter(void)
{
	struct ifreq r;
	int fd = tun_make("TUNSETIFF tap", "cbdtap%d", IFF_TAP | IFF_NO_PI, &r);
	printf("request 0x%lx 0x%lx 0x%lx\n", (unsigned long)TUNATTACHFILTER,
	       (unsigned long)TUNDETACHFILTER, (unsigned long)TUNGETFILTER);
	struct sock_filter accept[2] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
					 BPF_STMT(BPF_RET | BPF_A, 0) };
	struct sock_fprog p = { .len = 2, .filter = accept };
	res("TUNATTACHFILTER", ioctl(fd, TUNATTACHFILTER, &p));
	struct sock_fprog got;
	memset(&got, 0x5a, sizeof(got));
	res("TUNGETFILTER", ioctl(fd, TUNGETFILTER, &got));
	printf("len %u filter is ours %d\n", got.len, got.filter == accept);
	res("TUNDETACHFILTER", ioctl(fd, TUNDETACHFILTER, &p));
	p.filter = BAD_PTR;
	res("TUNATTACHFILTER bad filter", ioctl(fd, TUNATTACHFILTER, &p));
	p.filter = accept;
	p.len = BPF_MAXINSNS + 1;
	res("TUNATTACHFILTER too long", ioctl(fd, TUNATTACHFILTER, &p));
	res("TUNATTACHFILTER bad struct", ioctl(fd, TUNATTACHFILTER, BAD_PTR));
	res("TUNGETFILTER bad struct", ioctl(fd, TUNGETFILTER, BAD_PTR));
}

static const char *need_tun(void)
{
	if (access("/dev/net/tun", R_OK | W_OK) != 0)
		return "no usable /dev/net/tun";
	int fd = open("/dev/net/tun", O_RDWR);
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "cbprobe%d");
	r.ifr_flags = IFF_TUN | IFF_NO_PI;
	int ok = fd >= 0 && ioctl(fd, TUNSETIFF, &r) == 0;
	if (fd >= 0)
		close(fd);
	return ok ? NULL : "creating a tun device is not permitted here (needs CAP_NET_ADMIN)";
}

/* Each case names how its calls must be handled: "translated" by the
 * supervisor, or left to the "kernel" because they depend on the caller
 * (TIOCGPGRP answers for the caller's controlling terminal). */
static const struct diff_case cases[] = {
	{ "tc", tc, "translated" },         { "winsz", winsz, "translated" },
	{ "pty", pty, "translated" },
	{ "fion", fion, "translated" },     { "pgrp", pgrp, "kernel" },
	{ "ifconf", ifconf, "translated" }, { "ifreq", ifreq_calls, "translated" },
	{ "ifset", ifset, "kernel --keep-caps=net_admin" }, { "stamp", stamp, "translated" },
	{ "fsflags", fsflags, "translated" },  { "ficlone", ficlone, "translated=ioctl" },
	/* The native run has root's CAP_NET_ADMIN; the guest keeps it. */
	{ "tun", tun, "translated --keep-caps=net_admin", need_tun },
	{ "tunfilter", tunfilter, "kernel --keep-caps=net_admin", need_tun },
};

DIFF_MAIN(cases)
