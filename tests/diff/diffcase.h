/* What every differential guest shares: printing results in a stable form,
 * the clocks the clock cases read, and the case table with its `list` /
 * `CASE` command line. */
#ifndef CB_DIFFCASE_H
#define CB_DIFFCASE_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BAD_PTR ((void *)16) /* never mapped */

/* "WHAT = R" or "WHAT = -1 ERRNO". */
static inline void res(const char *what, long r)
{
	if (r < 0)
		printf("%s = -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s = %ld\n", what, r);
}

/* N bytes as hex, 16 to a group. */
static inline void dump(const char *what, const void *p, size_t n)
{
	const unsigned char *b = p;
	printf("%s:", what);
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i % 16 ? "" : " ", b[i]);
	printf("\n");
}

/* A clock and the name a case prints for it. */
struct diff_clock {
	clockid_t id;
	const char *name;
};

/* The clocks that read the same for every caller (not the CPU-time ones,
 * which measure the caller): the ones the supervisor answers. */
static const struct diff_clock diff_wall_clocks[] = {
	{ CLOCK_REALTIME, "REALTIME" },
	{ CLOCK_MONOTONIC, "MONOTONIC" },
	{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
	{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
	{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
	{ CLOCK_BOOTTIME, "BOOTTIME" },
	{ CLOCK_TAI, "TAI" },
};
#define DIFF_WALL_CLOCKS (sizeof(diff_wall_clocks) / sizeof(diff_wall_clocks[0]))

/* A case names how its calls must be handled ("translated" or "performed"
 * by the supervisor, or left to the "kernel" because they depend on the
 * caller), optionally followed by compatbox options it needs; NEED, when
 * set, says why this machine cannot run it (NULL: it can). */
struct diff_case {
	const char *name;
	void (*fn)(void);
	const char *how;
	const char *(*need)(void);
};

/* `GUEST list` prints "CASE HOW [OPTION...]" or "# skip CASE: why" lines;
 * `GUEST CASE` runs one case. */
static inline int diff_main(int argc, char **argv, const struct diff_case *cases, size_t n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < n; i++) {
			const char *why = cases[i].need ? cases[i].need() : NULL;
			if (why)
				printf("# skip %s: %s\n", cases[i].name, why);
			else
				printf("%s %s\n", cases[i].name, cases[i].how);
		}
		return 0;
	}
	for (size_t i = 0; argc == 2 && i < n; i++) {
		if (!strcmp(argv[1], cases[i].name)) {
			cases[i].fn();
			return 0;
		}
	}
	fprintf(stderr, "usage: %s list|CASE\n", argv[0]);
	return 2;
}

#define DIFF_MAIN(cases)                                                         \
	int main(int argc, char **argv)                                          \
	{                                                                        \
		return diff_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0])); \
	}

#endif
