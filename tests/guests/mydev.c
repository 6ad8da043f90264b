/* The guest of tests/integration/fuse_ioctl.sh, built -m32 and -m64:
 *
 *   mydev FILE [C]
 *
 * on FILE (the fixture's mydev): MYDEV_GET, MYDEV_SET with new values (c = C
 * when given, e.g. one wider than an i386 long), MYDEV_GET again; one line
 * per call with its request number as this ABI encodes it, the result, the
 * errno name, and every field. Exits 0 when every call succeeded and the
 * second GET returned what SET stored.
 *
 *   mydev --stall FILE tcgets|get
 *
 * on FILE (the fixture's slow file, whose every ioctl takes seconds): how
 * far a thread's trapped calls get while another thread waits in an ioctl
 * on FILE (TCGETS, or MYDEV_GET). A counter thread makes FIONREAD on a
 * pipe for a window of WINDOW_MS twice: alone (the reference), then while
 * the other thread waits. Prints "reference N", "blocked M" (calls in each
 * window), "blocker_waited_through_window 1" when the window ended before
 * the ioctl did, and the ioctl's result. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../fixtures/mydev.h"

static int call(int fd, const char *what, unsigned long req, struct mydev_info *v)
{
	int r = ioctl(fd, req, v);
	int e = errno;
	printf("%s 0x%08lx %d %s a=0x%08" PRIx32 " b=0x%016" PRIx64 " c=%ld\n", what, req, r,
	       r < 0 ? strerrorname_np(e) : "ok", (uint32_t)v->a, (uint64_t)v->b, v->c);
	return r;
}

#define WINDOW_MS 1000

static volatile int stop, blocker_started, blocker_done;
static volatile long count;
static int stall_fd;
static unsigned long stall_req;
static char stall_result[64];

/* Not nanosleep: with --translate or --abi an i386 guest's sleeps are
 * trapped too, and a stalled supervisor would stretch the window itself.
 * No signal comes for this set: sigtimedwait just waits. */
static void sleep_ms(long ms)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGURG);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }, start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		sigtimedwait(&s, NULL, &t);
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = ms * 1000000L - ((now.tv_sec - start.tv_sec) * 1000000000L +
					     (now.tv_nsec - start.tv_nsec));
		if (left <= 0)
			return;
		t = (struct timespec){ left / 1000000000L, left % 1000000000L };
	}
}

static void *counter(void *arg)
{
	(void)arg;
	int p[2];
	if (pipe(p) != 0 || write(p[1], "x", 1) != 1)
		return NULL;
	while (!stop) {
		int v;
		if (ioctl(p[0], FIONREAD, &v) == 0 && v == 1)
			count++;
	}
	return NULL;
}

static void *blocker(void *arg)
{
	(void)arg;
	union { struct termios t; struct mydev_info m; char pad[64]; } buf;
	blocker_started = 1;
	int r = ioctl(stall_fd, stall_req, &buf);
	snprintf(stall_result, sizeof(stall_result), "%d %s", r, r < 0 ? strerrorname_np(errno) : "ok");
	blocker_done = 1;
	return NULL;
}

static long window(void)
{
	long before = count;
	sleep_ms(WINDOW_MS);
	return count - before;
}

static int stall(const char *file, const char *what)
{
	stall_fd = open(file, O_RDWR);
	if (stall_fd < 0) {
		printf("open %s: %s\n", file, strerrorname_np(errno));
		return 2;
	}
	stall_req = strcmp(what, "get") == 0 ? MYDEV_GET : TCGETS;
	pthread_t c, b;
	pthread_create(&c, NULL, counter, NULL);
	sleep_ms(200); /* the counter is under way */
	printf("reference %ld\n", window());
	pthread_create(&b, NULL, blocker, NULL);
	while (!blocker_started)
		sleep_ms(10);
	sleep_ms(300); /* the blocker is in its ioctl */
	long blocked = window();
	int waited = !blocker_done;
	stop = 1;
	pthread_join(c, NULL);
	pthread_join(b, NULL);
	printf("blocked %ld\nblocker_waited_through_window %d\n%s %s\n", blocked, waited, what,
	       stall_result);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--stall") == 0)
		return stall(argv[2], argv[3]);
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s MYDEV-FILE [C]\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		printf("open %s: %s\n", argv[1], strerrorname_np(errno));
		return 2;
	}
	printf("sizeof(struct mydev_info) %zu\n", sizeof(struct mydev_info));
	struct mydev_info got = { 0 };
	int bad = call(fd, "MYDEV_GET", MYDEV_GET, &got) != 0;
	/* A u64 above 2^32 and a negative long (what i386 has of one). */
	struct mydev_info set = { .a = 0xa1b2c3d4, .b = 0xfedcba9876543210ULL, .c = -123456789 };
	if (argc == 3)
		set.c = strtol(argv[2], NULL, 0);
	bad |= call(fd, "MYDEV_SET", MYDEV_SET, &set) != 0;
	struct mydev_info again = { 0 };
	bad |= call(fd, "MYDEV_GET", MYDEV_GET, &again) != 0;
	bad |= again.a != set.a || again.b != set.b || again.c != set.c;
	close(fd);
	return bad;
}
