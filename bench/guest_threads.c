/* guest_threads: trapped calls from several threads at once (built for
 * i386), for the supervisor's worker pool.
 *
 *   guest_threads getppid|fionread THREADS CALLS [SLEEP_S]
 *
 * Starts THREADS threads; each makes CALLS raw syscalls (getppid, or ioctl
 * FIONREAD on a pipe of its own) in BURSTS bursts of CALLS/BURSTS. A burst
 * starts when every thread has reached a barrier and ends when the last one
 * is done; its throughput is THREADS * CALLS/BURSTS over that time. Prints
 * "calls_per_s X", the median burst's aggregate throughput, "ns_per_call
 * Y", its inverse (wall time per call, all threads together), and
 * "calls_per_s_best Z", the fastest burst's: interference from outside
 * only ever slows a burst down.
 *
 * With SLEEP_S, one more thread first calls nanosleep(SLEEP_S) through the
 * raw syscall: under `compatbox run --trap nanosleep,...` a worker of the
 * supervisor performs it and stays blocked. The measurement starts 100 ms
 * after that thread announced it was about to sleep (waited for with poll,
 * which no case traps), and the process exits (exit_group) while it still
 * sleeps; "sleeper_done 0" says it did not return early. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long nr;
static int use_pipe;
static unsigned long calls;
enum { BURSTS = 5 };
static pthread_barrier_t start, end;
static atomic_int sleeper_done;
static int started[2]; /* the sleeper writes a byte before it sleeps */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *caller(void *arg)
{
	(void)arg;
	int p[2] = { -1, -1 };
	int n;
	if (use_pipe && pipe(p) < 0) {
		perror("guest_threads: pipe");
		exit(1);
	}
	if (syscall(nr, p[0], FIONREAD, &n) < 0) { /* check once, before the start */
		perror("guest_threads: call");
		exit(1);
	}
	for (int b = 0; b < BURSTS; b++) {
		pthread_barrier_wait(&start);
		for (unsigned long k = 0; k < calls / BURSTS; k++) {
			long r = syscall(nr, p[0], FIONREAD, &n);
			__asm__ volatile("" : : "r"(r) : "memory");
		}
		pthread_barrier_wait(&end);
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void *sleeper(void *arg)
{
	struct timespec ts = { .tv_sec = (long)arg, .tv_nsec = 0 };
	if (write(started[1], "s", 1) != 1)
		exit(1);
	syscall(SYS_nanosleep, &ts, NULL);
	atomic_store(&sleeper_done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5)
		goto usage;
	if (strcmp(argv[1], "getppid") == 0)
		nr = SYS_getppid;
	else if (strcmp(argv[1], "fionread") == 0)
		nr = SYS_ioctl, use_pipe = 1;
	else
		goto usage;
	long threads = strtol(argv[2], NULL, 10);
	calls = strtoul(argv[3], NULL, 10);
	long sleep_s = argc == 5 ? strtol(argv[4], NULL, 10) : 0;
	if (threads < 1 || threads > 1024 || calls < BURSTS || sleep_s < 0)
		goto usage;

	static pthread_t t[1024];
	pthread_t s;
	if (sleep_s) {
		char c;
		if (pipe(started) < 0 || pthread_create(&s, NULL, sleeper, (void *)sleep_s) != 0 ||
		    read(started[0], &c, 1) != 1)
			return 1;
	}
	poll(NULL, 0, 100); /* the sleeper is in nanosleep by now; the same pause without */
	pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
	pthread_barrier_init(&end, NULL, (unsigned)threads + 1);
	for (long i = 0; i < threads; i++) {
		if (pthread_create(&t[i], NULL, caller, NULL) != 0) {
			fputs("guest_threads: cannot start a thread\n", stderr);
			return 1;
		}
	}
	double per[BURSTS]; /* ns per call, all threads together */
	for (int b = 0; b < BURSTS; b++) {
		pthread_barrier_wait(&start);
		double t0 = now_ns();
		pthread_barrier_wait(&end);
		per[b] = (now_ns() - t0) / ((double)threads * (double)(calls / BURSTS));
	}
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	qsort(per, BURSTS, sizeof(per[0]), cmp_double);
	printf("calls_per_s %.0f\nns_per_call %.1f\ncalls_per_s_best %.0f\n", 1e9 / per[BURSTS / 2],
	       per[BURSTS / 2], 1e9 / per[0]);
	if (sleep_s)
		printf("sleeper_done %d\n", atomic_load(&sleeper_done));
	fflush(stdout);
	_exit(0); /* exit_group: the sleeper is still asleep */
usage:
	fputs("usage: guest_threads getppid|fionread THREADS CALLS [SLEEP_S]\n", stderr);
	return 2;
}
