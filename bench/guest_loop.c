/* guest_loop: the benchmark guest, built for i386 and x86_64.
 *
 *   guest_loop getppid|getpid|tcgets|fionread|fstat|stat N
 *
 * Makes N raw syscalls (through syscall(2), which no libc caches) after a
 * warm-up of N/10 (at least 1000, at most 100000), and prints the mean time per call over
 * the timed loop as "ns_per_call X" on stdout. The calls:
 *
 *   getppid, getpid  the syscall of that name (no arguments)
 *   tcgets           ioctl(fd, TCGETS, &termios) on the slave side of a new
 *                    pseudo-terminal (for an i386 guest natively, the kernel's
 *                    compat path: compat_sys_ioctl -> tty_compat_ioctl)
 *   fionread         ioctl(fd, FIONREAD, &int) on the read end of a pipe
 *   fstat            fstat (fstat64 on i386) of the read end of a pipe
 *   stat             stat (stat64 on i386) of "/"
 *
 * Every call must succeed (the result is checked once, before timing).
 *
 * The loop is timed in CHUNKS consecutive pieces (clock_gettime between
 * them costs nothing next to N calls) and a second line gives the mean per
 * call of the fastest piece, "ns_per_call_best_chunk Y": interference from
 * outside (other tasks, a noisy VM host) only ever adds time, so the best
 * piece is a steadier figure than the whole loop.
 *
 * With GUEST_LOOP_PACE_US=U in the environment, the guest makes one call
 * every U microseconds (a fixed schedule from a random phase) and times
 * each alone: the latency of a call when the guest is not busy all the
 * time (many guests at once on a few CPUs would otherwise measure
 * time-sharing, not the supervisor). It also prints the median and the
 * 90th percentile of the calls, "ns_p50" and "ns_p90". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* posix_openpt, ptsname (meson defines it for every file) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long nr, a0, a1, a2;

static __attribute__((noinline)) void loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		long r = syscall(nr, a0, a1, a2);
		__asm__ volatile("" : : "r"(r) : "memory");
	}
}

/* The slave side of a new pseudo-terminal, or -1. */
static int open_pty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	const char *name = ptsname(m);
	return name ? open(name, O_RDWR | O_NOCTTY) : -1;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* N calls on a fixed schedule: one every PACE_US, from a random phase
 * within the first period (so that many guests started together do not
 * call in step), on absolute deadlines (a slow call does not shift the
 * ones after it). Each call is timed alone. */
static int paced(unsigned long n, long pace_us)
{
	enum { CHUNKS = 10 };
	double *lat = malloc(n * sizeof(*lat));
	if (!lat) {
		perror("guest_loop");
		return 1;
	}
	for (unsigned long i = 0; i < 100; i++)
		loop(1); /* warm-up */
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	srand((unsigned)getpid() ^ (unsigned)next.tv_nsec);
	long long step = pace_us * 1000LL, at = next.tv_nsec + rand() % step;
	double total = 0, best = -1, chunk = 0;
	unsigned long in_chunk = 0, per_chunk = n / CHUNKS ? n / CHUNKS : 1;
	for (unsigned long i = 0; i < n; i++) {
		next.tv_sec += at / 1000000000;
		next.tv_nsec = at % 1000000000;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		double t = now_ns();
		loop(1);
		double d = now_ns() - t;
		lat[i] = d;
		total += d;
		chunk += d;
		if (++in_chunk == per_chunk) {
			if (best < 0 || chunk / (double)in_chunk < best)
				best = chunk / (double)in_chunk;
			chunk = 0;
			in_chunk = 0;
		}
		at = next.tv_nsec + step;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("ns_per_call %.1f\nns_per_call_best_chunk %.1f\nns_p50 %.1f\nns_p90 %.1f\n",
	       total / (double)n, best, lat[n / 2], lat[n * 9 / 10]);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		goto usage;
	static unsigned char buf[256]; /* termios is 36 bytes; glibc's 60 */
	if (strcmp(argv[1], "getppid") == 0) {
		nr = SYS_getppid;
	} else if (strcmp(argv[1], "getpid") == 0) {
		nr = SYS_getpid;
	} else if (strcmp(argv[1], "tcgets") == 0) {
		int fd = open_pty();
		if (fd < 0) {
			perror("guest_loop: pseudo-terminal");
			return 1;
		}
		nr = SYS_ioctl, a0 = fd, a1 = TCGETS, a2 = (long)buf;
	} else if (strcmp(argv[1], "fionread") == 0) {
		int p[2];
		if (pipe(p) < 0) {
			perror("guest_loop: pipe");
			return 1;
		}
		nr = SYS_ioctl, a0 = p[0], a1 = FIONREAD, a2 = (long)buf;
	} else if (strcmp(argv[1], "fstat") == 0) {
		int p[2];
		if (pipe(p) < 0) {
			perror("guest_loop: pipe");
			return 1;
		}
#ifdef SYS_fstat64
		nr = SYS_fstat64, a0 = p[0], a1 = (long)buf;
#else
		nr = SYS_fstat, a0 = p[0], a1 = (long)buf;
#endif
	} else if (strcmp(argv[1], "stat") == 0) {
#ifdef SYS_stat64
		nr = SYS_stat64, a0 = (long)"/", a1 = (long)buf;
#else
		nr = SYS_stat, a0 = (long)"/", a1 = (long)buf;
#endif
	} else {
		goto usage;
	}
	char *end;
	errno = 0;
	unsigned long n = strtoul(argv[2], &end, 10);
	if (errno || *end || end == argv[2] || n == 0)
		goto usage;

	const char *pace_env = getenv("GUEST_LOOP_PACE_US");
	long pace_us = pace_env ? atol(pace_env) : 0;
	if (pace_us > 0)
		return paced(n, pace_us);

	enum { CHUNKS = 100 };
	unsigned long warm = n / 10 < 1000 ? 1000 : n / 10 > 100000 ? 100000 : n / 10;
	if (syscall(nr, a0, a1, a2) < 0) {
		fprintf(stderr, "guest_loop: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	loop(warm);
	double best = -1;
	double t0 = now_ns(), t = t0;
	for (unsigned long c = 0, done = 0; c < CHUNKS; c++) {
		unsigned long k = (n - done) / (CHUNKS - c);
		if (k == 0)
			continue;
		loop(k);
		done += k;
		double u = now_ns();
		double per = (u - t) / (double)k;
		if (best < 0 || per < best)
			best = per;
		t = u;
	}
	printf("ns_per_call %.1f\nns_per_call_best_chunk %.1f\n", (t - t0) / (double)n, best);
	return 0;
usage:
	fputs("usage: guest_loop getppid|getpid|tcgets|fionread|fstat|stat N\n", stderr);
	return 2;
}
