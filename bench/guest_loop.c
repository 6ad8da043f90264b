/* guest_loop: the benchmark guest, built for i386 and x86_64.
 *
 *   guest_loop getppid|getpid N
 *
 * Makes N raw syscalls (through syscall(2), which no libc caches) after a
 * warm-up of N/10 (at least 1000, at most 100000), and prints the mean time per call over
 * the timed loop as "ns_per_call X" on stdout.
 *
 * The loop is timed in CHUNKS consecutive pieces (clock_gettime between
 * them costs nothing next to N calls) and a second line gives the mean per
 * call of the fastest piece, "ns_per_call_best_chunk Y": interference from
 * outside (other tasks, a noisy VM host) only ever adds time, so the best
 * piece is a steadier figure than the whole loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static __attribute__((noinline)) void loop(long nr, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		long r = syscall(nr);
		__asm__ volatile("" : : "r"(r) : "memory");
	}
}

int main(int argc, char **argv)
{
	if (argc != 3)
		goto usage;
	long nr;
	if (strcmp(argv[1], "getppid") == 0)
		nr = SYS_getppid;
	else if (strcmp(argv[1], "getpid") == 0)
		nr = SYS_getpid;
	else
		goto usage;
	char *end;
	errno = 0;
	unsigned long n = strtoul(argv[2], &end, 10);
	if (errno || *end || end == argv[2] || n == 0)
		goto usage;

	enum { CHUNKS = 100 };
	unsigned long warm = n / 10 < 1000 ? 1000 : n / 10 > 100000 ? 100000 : n / 10;
	loop(nr, warm);
	double best = -1;
	double t0 = now_ns(), t = t0;
	for (unsigned long c = 0, done = 0; c < CHUNKS; c++) {
		unsigned long k = (n - done) / (CHUNKS - c);
		if (k == 0)
			continue;
		loop(nr, k);
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
	fputs("usage: guest_loop getppid|getpid N\n", stderr);
	return 2;
}
