/* guest_compute: a compute-bound benchmark guest (built for i386), the kind
 * of program that spends its time in user space and makes a handful of
 * syscalls (loading, one clock_gettime pair, one write).
 *
 *   guest_compute N
 *
 * Hashes a 16 KiB buffer N times: four FNV-1a-style lanes (32-bit xor and
 * multiply) mixed into each other, the buffer changed by one byte after
 * every pass so that no pass repeats the one before. Prints "ns_total X"
 * (the loop, timed with CLOCK_MONOTONIC), "ns_per_byte Y" and "checksum Z"
 * (the loop cannot be optimised away, and a wrong result under an emulator
 * would show: the checksum depends only on N). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BUF = 16384 };
static unsigned char buf[BUF];

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static __attribute__((noinline)) uint32_t hash(unsigned long n)
{
	uint32_t a = 0x811c9dc5u, b = 1, c = 2, d = 3;
	for (unsigned long r = 0; r < n; r++) {
		for (unsigned i = 0; i < BUF; i += 4) {
			a = (a ^ buf[i]) * 0x01000193u;
			b = (b ^ buf[i + 1]) * 0x01000193u;
			c = (c ^ buf[i + 2]) * 0x01000193u;
			d = (d ^ buf[i + 3]) * 0x01000193u;
			b += c >> 3;
			c ^= d << 5;
		}
		buf[r & (BUF - 1)] ^= (unsigned char)(a ^ b ^ c ^ d);
	}
	return a ^ b ^ c ^ d;
}

int main(int argc, char **argv)
{
	char *end = NULL;
	errno = 0;
	unsigned long n = argc == 2 ? strtoul(argv[1], &end, 10) : 0;
	if (argc != 2 || errno || *end || n == 0) {
		fputs("usage: guest_compute N\n", stderr);
		return 2;
	}
	uint32_t x = 2463534242u;
	for (int i = 0; i < BUF; i++) { /* xorshift32 */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	double t0 = now_ns();
	uint32_t h = hash(n);
	double t1 = now_ns();
	printf("ns_total %.0f\nns_per_byte %.4f\nchecksum %08x\n", t1 - t0,
	       (t1 - t0) / ((double)n * BUF), (unsigned)h);
	return 0;
}
