/* One small guest program with a mode per scenario, built -m32 and -m64
 * (and statically) so every integration test runs against both ABIs. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
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
	/* Mapped but not writable: the kernel does not write through that. */
	int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r3 = ioctl(fd, FIONREAD, ro);
	int e3 = errno;
	printf("FIONREAD into read-only memory %d %s, page still %d\n", r3, strerrorname_np(e3), *ro);
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

/* Fd tables: the leader's fd FD is a pipe holding 7 bytes; a thread that
 * unshared its table (unshare(CLONE_FILES)) puts a pipe holding 5 at the
 * same number; a thread that shares the leader's sees the 7. Each prints
 * its FIONREAD: "what ret errno value". */
static int unshared_fd;
static void report_fionread(const char *what, int fd)
{
	int v = -1;
	int r = ioctl(fd, FIONREAD, &v);
	printf("%s %d %s %d\n", what, r, r < 0 ? strerrorname_np(errno) : "ok", v);
}

static void *unshared_thread(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES) != 0) {
		printf("unshare %s\n", strerrorname_np(errno));
		return NULL;
	}
	int p = pipe_with(5);
	dup2(p, unshared_fd);
	close(p);
	report_fionread("unshared", unshared_fd);
	return NULL;
}

static void *shared_thread(void *arg)
{
	(void)arg;
	report_fionread("shared", unshared_fd);
	return NULL;
}

static int do_unshared(void)
{
	unshared_fd = pipe_with(7);
	pthread_t t;
	pthread_create(&t, NULL, unshared_thread, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, shared_thread, NULL);
	pthread_join(t, NULL);
	report_fionread("leader", unshared_fd);
	return 0;
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

/* Spin on the vDSO clock (never trapped) for SECONDS. */
static double spin(double seconds)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	return (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Seven threads make trapped calls; the main thread first spins for a
 * reference second (no call of its own in the supervisor), then sleeps for
 * SECONDS in a call the supervisor performs. Each thread's rate in both
 * phases is printed: a supervisor stalled by the sleep shows as a blocked
 * rate far below the reference one, however slow the CPU. */
static int do_blocked(int seconds)
{
	pthread_t t[8];
	for (long i = 1; i < 8; i++)
		pthread_create(&t[i], NULL, counter, (void *)i);
	spin(0.2); /* let the counters start */
	long c0[8], c1[8];
	memcpy(c0, counts, sizeof(c0));
	double ref = spin(1.0);
	memcpy(c1, counts, sizeof(c1));
	struct timespec t0, t1, req = { seconds, 0 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = nanosleep(&req, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long c2[8];
	memcpy(c2, counts, sizeof(c2));
	stop = 1;
	for (long i = 1; i < 8; i++)
		pthread_join(t[i], NULL);
	double slept = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sleep %d %.2f\n", r, slept);
	for (int i = 1; i < 8; i++)
		printf("thread %d %.0f %.0f\n", i, (c1[i] - c0[i]) / ref, (c2[i] - c1[i]) / slept);
	return 0;
}

/* A crowd of N threads, each waiting in a call the supervisor performs:
 * readv on a pipe of its own (an i386 guest with --translate), or a
 * nanosleep of SECONDS (with --trap nanosleep). Once all are about to wait,
 * and a second more, the main thread times a FIONREAD ("fionread_ms X"),
 * then (readv) writes a byte to every pipe with writev, and reports how
 * many threads came back within 20 s ("woken K of N"); exits 1 if not all. */
static int crowd_pipes[256][2];
static volatile int crowd_ready, crowd_woken, crowd_bad;
static long crowd_secs;

static void *crowd_thread(void *arg)
{
	long i = (long)arg;
	int r;
	__atomic_add_fetch(&crowd_ready, 1, __ATOMIC_SEQ_CST);
	if (crowd_secs) {
		struct timespec ts = { crowd_secs, 0 };
		r = nanosleep(&ts, NULL);
	} else {
		char c;
		struct iovec v = { &c, 1 };
		r = readv(crowd_pipes[i][0], &v, 1) == 1 ? 0 : -1;
	}
	if (r != 0)
		__atomic_add_fetch(&crowd_bad, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&crowd_woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Wait MS milliseconds without a call the supervisor could perform (the
 * sleeps are trapped in these runs): sigtimedwait on a signal nobody sends. */
static void quiet_wait_ms(long ms)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGURG);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
	sigtimedwait(&s, NULL, &t);
}

static double mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int do_crowd(int n, const char *how, long secs)
{
	if (n < 1 || n > 256)
		return 2;
	crowd_secs = strcmp(how, "sleep") == 0 ? secs : 0;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (!crowd_secs && pipe(crowd_pipes[i]) != 0)
			return 2;
		if (pthread_create(&t, &a, crowd_thread, (void *)i) != 0)
			return 2;
		pthread_detach(t);
	}
	while (crowd_ready < n)
		quiet_wait_ms(10);
	quiet_wait_ms(1000); /* each is in its call by now */
	int fd = pipe_with(3), v = -1;
	double t0 = mono_ms();
	int r = ioctl(fd, FIONREAD, &v);
	printf("fionread_ms %.0f (%d %d)\n", mono_ms() - t0, r, v);
	for (int i = 0; !crowd_secs && i < n; i++) {
		struct iovec w = { "x", 1 };
		if (writev(crowd_pipes[i][1], &w, 1) != 1)
			return 2;
	}
	t0 = mono_ms();
	while (crowd_woken < n && mono_ms() - t0 < 20000)
		quiet_wait_ms(10);
	printf("woken %d of %d, failed %d\n", crowd_woken, n, crowd_bad);
	return crowd_woken == n && crowd_bad == 0 ? 0 : 1;
}

/* N threads, each ROUNDS times: a FIONREAD (3 bytes pending), then a 1 ms
 * nanosleep (with --trap nanosleep a performed call that hands the lead
 * off, so over time every worker serves every thread). Prints how many
 * FIONREADs failed, and the first failure's errno; exits 1 if any did. */
static long swarm_rounds;
static volatile int swarm_failed, swarm_errno;

static void *swarm_thread(void *arg)
{
	(void)arg;
	int fd = pipe_with(3);
	for (long i = 0; i < swarm_rounds; i++) {
		int v = -1, r = ioctl(fd, FIONREAD, &v);
		if (r != 0 || v != 3) {
			int e = r != 0 ? errno : EPROTO;
			__atomic_compare_exchange_n(&swarm_errno, &(int){ 0 }, e, 0,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&swarm_failed, 1, __ATOMIC_SEQ_CST);
		}
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static int do_swarm(int n, long rounds)
{
	if (n < 1 || n > 1000)
		return 2;
	swarm_rounds = rounds;
	pthread_t t[1000];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &a, swarm_thread, NULL) != 0)
			return 2;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("failed %d %s\n", swarm_failed, swarm_errno ? strerrorname_np(swarm_errno) : "-");
	return swarm_failed != 0;
}

/* For tid_reuse.sh, built static and without PIE so that TARGET has the
 * same address in every process of this program.
 *   vanish DIR: a child process starts a thread, which writes "TID ADDR"
 *     (its tid, TARGET's address) to DIR/tid and, once DIR/go exists,
 *     makes a FIONREAD (3 bytes pending) into TARGET; a second later the
 *     child exits, killing the thread in its call. The guest itself stays
 *     until DIR/done exists.
 *   victim DIR: sets TARGET, touches DIR/victim_ready, and once DIR/done
 *     exists prints "target 0x..." (whoever else wrote there). */
static volatile int target;

static void *vanish_thread(void *arg)
{
	const char *dir = arg;
	char p[4096];
	snprintf(p, sizeof(p), "%s/tid.tmp", dir);
	FILE *f = fopen(p, "w");
	if (!f)
		return NULL;
	fprintf(f, "%ld %p\n", (long)syscall(SYS_gettid), (void *)&target);
	fclose(f);
	char q[4096];
	snprintf(q, sizeof(q), "%s/tid", dir);
	rename(p, q);
	await(dir, "go");
	int fd = pipe_with(3);
	ioctl(fd, FIONREAD, (int *)&target);
	return NULL;
}

static int do_vanish(char *dir)
{
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, vanish_thread, dir);
		await(dir, "go");
		usleep(1000000);
		_exit(0); /* exit_group: the thread dies in its call */
	}
	waitpid(c, NULL, 0);
	await(dir, "done");
	return 0;
}

static int do_victim(const char *dir)
{
	target = 0x5a5a5a5a;
	touch(dir, "victim_ready");
	await(dir, "done");
	printf("target 0x%x\n", (unsigned)target);
	return 0;
}

/* vforked: a vfork child makes a trapped call (its mm is still the
 * parent's), then execs this program as "vfork_child FD", which makes a
 * FIONREAD into TARGET and a FIONBIO reading NBFLAG; the parent then shows
 * its own TARGET. Static and without PIE, both programs have TARGET and
 * NBFLAG at the same addresses: a supervisor still using the parent's mm
 * for the child reads the parent's NBFLAG (0) and writes the parent's
 * TARGET. */
static volatile int nbflag;

static int do_vforked(const char *self)
{
	int fd = pipe_with(3);
	char num[16];
	snprintf(num, sizeof(num), "%d", fd);
	target = 0x5a5a5a5a;
	nbflag = 0;
	pid_t c = vfork();
	if (c == 0) {
		int v;
		ioctl(fd, FIONREAD, &v);
		execl(self, self, "vfork_child", num, (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(c, &st, 0);
	printf("parent: target 0x%x\n", (unsigned)target);
	return !WIFEXITED(st) || WEXITSTATUS(st);
}

static int do_vfork_child(int fd)
{
	int r1 = ioctl(fd, FIONREAD, (int *)&target);
	nbflag = 1;
	int r2 = ioctl(fd, FIONBIO, (int *)&nbflag);
	printf("child: FIONREAD %d target 0x%x, FIONBIO %d nonblocking %d\n", r1,
	       (unsigned)target, r2, (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
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
	if (!strcmp(m, "ioctls") && argc > 3 && !strcmp(argv[3], "plus")) {
		/* One request more than "ioctls N" makes: what a policy made
		 * from the trail of "ioctls N" must refuse (report_policy.sh). */
		int rc = do_ioctls(atol(argv[2]));
		int on = 1;
		int r = ioctl(pipe_with(0), FIONBIO, &on);
		printf("FIONBIO %d %s\n", r, r ? strerrorname_np(errno) : "ok");
		return rc;
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
	if (!strcmp(m, "crowd") && argc > 3)
		return do_crowd(atoi(argv[2]), argv[3], argc > 4 ? atol(argv[4]) : 0);
	if (!strcmp(m, "swarm") && argc > 3)
		return do_swarm(atoi(argv[2]), atol(argv[3]));
	if (!strcmp(m, "vforked"))
		return do_vforked(argv[0]);
	if (!strcmp(m, "vfork_child") && argc > 2)
		return do_vfork_child(atoi(argv[2]));
	if (!strcmp(m, "vanish") && argc > 2)
		return do_vanish(argv[2]);
	if (!strcmp(m, "victim") && argc > 2)
		return do_victim(argv[2]);
	if (!strcmp(m, "unshared"))
		return do_unshared();
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
