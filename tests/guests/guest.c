/* One small guest program with a mode per scenario, built -m32 and -m64
 * (and statically) so every integration test runs against both ABIs. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pipe_with(int bytes)
{
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(2);
	}
	char buf[64] = { 0 };
	if (bytes > 0 && write(p[1], buf, bytes) != bytes)
		exit(2);
	return p[0];
}

/* N FIONREAD ioctls; exits 1 if any returns a wrong count. */
static int do_ioctls(long n)
{
	int fd = pipe_with(7);
	for (long i = 0; i < n; i++) {
		int v = -1;
		if (ioctl(fd, FIONREAD, &v) != 0 || v != 7) {
			fprintf(stderr, "ioctl %ld: ret errno=%d v=%d\n", i, errno, v);
			return 1;
		}
	}
	printf("ioctls %ld\n", n);
	return 0;
}

static int do_efault(void)
{
	int fd = pipe_with(3);
	int r1 = ioctl(fd, FIONREAD, (void *)16); /* unmapped page */
	int e1 = errno;
	int r2 = ioctl(fd, FIONBIO, (void *)16);
	int e2 = errno;
	printf("FIONREAD %d %s\nFIONBIO %d %s\n", r1, strerrorname_np(e1), r2, strerrorname_np(e2));
	return 0;
}

static void touch(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void await(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	for (int i = 0; i < 30000 && access(p, F_OK) != 0; i++)
		usleep(1000);
}

/* Phases for the fd-leak test: the harness looks at the supervisor between
 * phase markers. Phase 2 makes N trapped calls from fresh processes and
 * threads too, so per-task caches are exercised. */
static void *thread_ioctls(void *arg)
{
	do_ioctls((long)arg);
	return NULL;
}

static int do_phases(const char *dir, long n)
{
	do_ioctls(10);
	touch(dir, "phase1");
	await(dir, "go1");
	long per = n / 4;
	for (int k = 0; k < 2; k++) {
		pid_t c = fork();
		if (c == 0)
			_exit(do_ioctls(per));
		waitpid(c, NULL, 0);
	}
	pthread_t t;
	pthread_create(&t, NULL, thread_ioctls, (void *)per);
	pthread_join(t, NULL);
	do_ioctls(n - 3 * per);
	touch(dir, "phase2");
	await(dir, "go2");
	return 0;
}

/* fork, exec and threads: every process and thread makes N ioctls. */
static int do_family(const char *self, long n)
{
	pid_t c = fork();
	if (c == 0)
		_exit(do_ioctls(n));
	pthread_t t;
	pthread_create(&t, NULL, thread_ioctls, (void *)n);
	pthread_join(t, NULL);
	int st;
	waitpid(c, &st, 0);
	pid_t e = fork();
	if (e == 0) {
		char num[32];
		snprintf(num, sizeof(num), "%ld", n);
		execl(self, self, "ioctls", num, (char *)NULL);
		_exit(127);
	}
	int st2;
	waitpid(e, &st2, 0);
	int bad = !WIFEXITED(st) || WEXITSTATUS(st) || !WIFEXITED(st2) || WEXITSTATUS(st2);
	return do_ioctls(n) || bad;
}

/* 8 threads: one sleeps SECONDS in nanosleep (trapped with --trap), the
 * other seven count trapped ioctls meanwhile. */
static volatile int stop;
static long counts[8];
static void *counter(void *arg)
{
	long i = (long)arg;
	int fd = pipe_with(1);
	while (!stop) {
		int v;
		if (ioctl(fd, FIONREAD, &v) == 0)
			counts[i]++;
	}
	return NULL;
}

static int do_blocked(int seconds)
{
	pthread_t t[8];
	for (long i = 1; i < 8; i++)
		pthread_create(&t[i], NULL, counter, (void *)i);
	struct timespec ts = { 0, 100000000 };
	nanosleep(&ts, NULL); /* let the counters start */
	long before[8];
	memcpy(before, counts, sizeof(before));
	struct timespec t0, t1, req = { seconds, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	stop = 1;
	for (long i = 1; i < 8; i++)
		pthread_join(t[i], NULL);
	double slept = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sleep %d %.2f\n", r, slept);
	for (int i = 1; i < 8; i++)
		printf("thread %d %ld\n", i, counts[i] - before[i]);
	return 0;
}

static volatile sig_atomic_t got[65];
static void on_sig(int s) { got[s]++; }

/* Report each signal received; exit on SIGTERM after reporting. */
static int do_signals(const char *ready)
{
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_sig);
	touch(ready, "ready");
	for (int ms = 0; ms < 20000; ms++) {
		usleep(1000);
		for (int s = 1; s < 65; s++) {
			while (got[s]) {
				got[s]--;
				printf("got %s\n", sigabbrev_np(s));
				fflush(stdout);
			}
		}
		if (access("/dev/null", F_OK) == 0 && got[SIGTERM] == 0) {
			/* keep going */
		}
		struct stat st;
		char p[4096];
		snprintf(p, sizeof(p), "%s/done", ready);
		if (stat(p, &st) == 0)
			return 0;
	}
	return 3;
}

/* Append a tick to FILE every 10 ms for up to 20 s. */
static int do_heartbeat(const char *file)
{
	for (int i = 0; i < 2000; i++) {
		int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			(void)!write(fd, "t\n", 2);
			close(fd);
		}
		int v;
		ioctl(1, FIONREAD, &v);
		usleep(10000);
	}
	return 0;
}

/* One sleep of HOW ("rel": 1e10 s; "abs": until CLOCK_MONOTONIC's
 * INT64_MAX s; "short": 10 ms), with a 64-bit timespec: x86_64's nanosleep
 * or clock_nanosleep, i386's clock_nanosleep_time64 (its nanosleep cannot
 * express 1e10 s). Prints what it returned. */
static int do_sleep(const char *how)
{
	struct { int64_t sec, nsec; } t = { 0, 10000000 };
	int flags = 0;
	if (!strcmp(how, "rel")) {
		t.sec = 10000000000LL;
		t.nsec = 0;
	} else if (!strcmp(how, "abs")) {
		t.sec = INT64_MAX;
		t.nsec = 999999999;
		flags = TIMER_ABSTIME;
	}
	printf("sleeping\n");
#ifdef SYS_clock_nanosleep_time64
	long r = syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, flags, &t, NULL);
#else
	long r = flags ? syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, flags, &t, NULL)
		       : syscall(SYS_nanosleep, &t, NULL);
#endif
	printf("returned %ld\n", r);
	return 0;
}

/* open PATH and FIONREAD on it: a record whose path may be long. */
static int do_ioctl_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int v = -1;
	if (fd < 0 || ioctl(fd, FIONREAD, &v) != 0) {
		perror("ioctl_path");
		return 1;
	}
	printf("fd %d FIONREAD %d\n", fd, v);
	return 0;
}

static void show_fd(const char *what, int r)
{
	if (r < 0)
		printf("%s -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s %d cloexec=%d\n", what, r, (fcntl(r, F_GETFD) & FD_CLOEXEC) != 0);
}

/* dup, dup2, dup3: results, flags, shared offsets and the fd limit. */
static int do_dups(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	show_fd("open", fd);
	int d = dup(fd);
	show_fd("dup", d);
	lseek(d, 100, SEEK_SET);
	printf("shared offset %ld\n", (long)lseek(fd, 0, SEEK_CUR));
	show_fd("dup2 to 100", dup2(fd, 100));
	show_fd("dup2 to itself", dup2(fd, fd));
	show_fd("dup2 of a closed fd", dup2(77, 101));
	show_fd("dup2 to -1", dup2(fd, -1));
	show_fd("dup3 cloexec", dup3(fd, 102, O_CLOEXEC));
	show_fd("dup3 to itself", dup3(fd, fd, 0));
	show_fd("dup3 bad flags", dup3(fd, 103, 12345));
	show_fd("dup of a closed fd", dup(78));
	struct rlimit rl = { 64, 64 };
	setrlimit(RLIMIT_NOFILE, &rl);
	show_fd("dup2 beyond the limit", dup2(fd, 64));
	int n = 0, last;
	while ((last = dup(fd)) >= 0)
		n++;
	printf("dups until %s: %d\n", strerrorname_np(errno), n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: guest MODE ...\n");
		return 2;
	}
	const char *m = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(m, "kill") && argc > 2) {
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 99;
	}
	if (!strcmp(m, "ioctls") && argc > 2)
		return do_ioctls(atol(argv[2]));
	if (!strcmp(m, "dups"))
		return do_dups();
	if (!strcmp(m, "efault"))
		return do_efault();
	if (!strcmp(m, "phases") && argc > 3)
		return do_phases(argv[2], atol(argv[3]));
	if (!strcmp(m, "family") && argc > 2)
		return do_family(argv[0], atol(argv[2]));
	if (!strcmp(m, "blocked") && argc > 2)
		return do_blocked(atoi(argv[2]));
	if (!strcmp(m, "signals") && argc > 2)
		return do_signals(argv[2]);
	if (!strcmp(m, "ioctl_path") && argc > 2)
		return do_ioctl_path(argv[2]);
	if (!strcmp(m, "sleep") && argc > 2)
		return do_sleep(argv[2]);
	if (!strcmp(m, "heartbeat") && argc > 2)
		return do_heartbeat(argv[2]);
	if (!strcmp(m, "orphan")) {
		/* Leave a grandchild behind, then exit. */
		if (fork() == 0) {
			if (fork() == 0) {
				sleep(30);
				_exit(0);
			}
			_exit(0);
		}
		wait(NULL);
		return 0;
	}
	fprintf(stderr, "guest: unknown mode %s\n", m);
	return 2;
}
