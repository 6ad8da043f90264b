/* One small guest program with a mode per scenario, built -m32 and -m64
 * (and statically) so every integration test runs against both ABIs. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
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


static void on_alarm(int sig)
{
	(void)sig;
}

/* A 64-bit timespec or the old 32-bit one, as each call of this ABI takes. */
struct ts64 {
	int64_t s, ns;
};
struct ts32 {
	int32_t s, ns;
};

/* One wait of 1 s (HOW: nanosleep, clock_rel, clock_abs, clock64_rel on
 * i386, poll, select, epoll; libc_sleep: sleep(2)), interrupted after 0.3 s by a SIGALRM handler
 * with SA_RESTART or without. Prints what a native run prints too: the
 * result, whether it came back early, and the time left the call wrote
 * (77 s before the call). */
static int do_interrupted(const char *how, int restart);

/* CB_WAIT_SCALE (default 1) stretches every time here: 1 s waits, 0.3 s
 * to the signal or stop. A VM under TCG runs them with 4. */
static int wait_scale(void)
{
	const char *e = getenv("CB_WAIT_SCALE");
	int k = e ? atoi(e) : 1;
	return k >= 1 && k <= 20 ? k : 1;
}

/* HOW's wait in a child stopped at 0.3 s and continued at 0.5 s: natively
 * it goes on until its first deadline (restart_syscall, do_restart_poll),
 * epoll_wait excepted (EINTR). */
static int do_stopped(const char *how)
{
	pid_t k = fork();
	if (k == 0) {
		signal(SIGALRM, SIG_IGN);
		_exit(do_interrupted(how, -1));
	}
	usleep(300000 * wait_scale());
	kill(k, SIGSTOP);
	usleep(200000 * wait_scale());
	kill(k, SIGCONT);
	int st;
	waitpid(k, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 3;
}

static int do_interrupted(const char *how, int restart)
{
	/* RESTART < 0: do_stopped's child, no handler and no timer. */
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart > 0 ? SA_RESTART : 0 };
	sigemptyset(&sa.sa_mask);
	if (restart >= 0)
		sigaction(SIGALRM, &sa, NULL);
	int p[2];
	if (pipe(p))
		return 2;
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int k = wait_scale();
	struct itimerval it = { .it_value = { 300000 * k / 1000000, 300000 * k % 1000000 } };
	if (restart >= 0)
		setitimer(ITIMER_REAL, &it, NULL);
	long r = -1;
	double left = -1;
	struct ts64 q64 = { k, 0 }, r64 = { 77, 0 };
	struct ts32 q32 = { k, 0 }, r32 = { 77, 0 };
	bool old = sizeof(long) == 4;
	if (!strcmp(how, "nanosleep")) {
		r = old ? syscall(SYS_nanosleep, &q32, &r32) : syscall(SYS_nanosleep, &q64, &r64);
	} else if (!strcmp(how, "clock_rel")) {
		r = old ? syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &q32, &r32)
			: syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &q64, &r64);
	} else if (!strcmp(how, "clock_abs")) {
		q64.s = t0.tv_sec + k;
		q64.ns = t0.tv_nsec;
		q32.s = (int32_t)q64.s;
		q32.ns = (int32_t)q64.ns;
		r = old ? syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &q32, &r32)
			: syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &q64, &r64);
#ifdef SYS_clock_nanosleep_time64
	} else if (!strcmp(how, "clock64_rel")) {
		old = false;
		r = syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, &q64, &r64);
#endif
	} else if (!strcmp(how, "libc_sleep")) {
		r = sleep(2 * (unsigned)k); /* glibc's own: returns the seconds left, rounded */
	} else if (!strcmp(how, "poll")) {
		struct pollfd f = { .fd = p[0], .events = POLLIN };
		r = syscall(SYS_poll, &f, 1, 1000 * k);
	} else if (!strcmp(how, "select")) {
		fd_set s;
		FD_ZERO(&s);
		FD_SET(p[0], &s);
		struct timeval tv = { k, 0 };
#ifdef SYS__newselect
		r = syscall(SYS__newselect, p[0] + 1, &s, NULL, NULL, &tv);
#else
		r = syscall(SYS_select, p[0] + 1, &s, NULL, NULL, &tv);
#endif
		left = tv.tv_sec + tv.tv_usec / 1e6;
	} else if (!strcmp(how, "epoll")) {
		struct epoll_event out;
		r = syscall(SYS_epoll_wait, ep, &out, 1, 1000 * k);
	} else {
		return 2;
	}
	int e = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double el = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (strstr(how, "_rel") || !strcmp(how, "nanosleep"))
		left = old ? r32.s + r32.ns / 1e9 : (double)r64.s + (double)r64.ns / 1e9;
	printf("%s restart=%d: ret %ld %s, %s", how, restart, r, r < 0 ? strerrorname_np(e) : "-",
	       el < 0.8 * k ? "early" : "full time");
	/* Classes, not values: under TCG the timings drift (a native run's
	 * too); the host run's values agree to 20 ms (docs/translation.md). */
	if (left >= 0)
		printf(", time left %s", left >= 77 ? "untouched" : left <= 0 ? "0" : left < k ? "in (0, all)" : "all");
	printf("\n# elapsed %.3f left %.3f", el, left);
	printf("\n");
	return 0;
}

/* Every wait of the comma-separated HOWS, each with every value of
 * RESTARTS (-1: stopped and continued instead of a handler): one process
 * for all, as starting one costs seconds under TCG. */
static int for_each_wait(const char *hows, const char *restarts)
{
	char h[256], r[64];
	snprintf(h, sizeof(h), "%s", hows);
	int rc = 0;
	for (char *sh = NULL, *how = strtok_r(h, ",", &sh); how; how = strtok_r(NULL, ",", &sh)) {
		snprintf(r, sizeof(r), "%s", restarts);
		for (char *sr = NULL, *x = strtok_r(r, ",", &sr); x; x = strtok_r(NULL, ",", &sr)) {
			int k = atoi(x);
			rc |= k < 0 ? do_stopped(how) : do_interrupted(how, k);
		}
	}
	return rc;
}

/* ---- the kernel selftests' user-notification cases, compatbox-level ---- */

static void wait_ms(int ms)
{
	poll(NULL, 0, ms); /* poll: not trapped in these runs */
}

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static long raw_sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	return syscall(SYS_nanosleep, &t, NULL);
}

/* orphaned DIR: FIONREADs every 20 ms for 4 s, each result a line of
 * DIR/log ("ok 3" or the errno's name). */
static int do_orphaned(const char *dir)
{
	int fd = pipe_with(3);
	char p[4096];
	snprintf(p, sizeof(p), "%s/log", dir);
	FILE *f = fopen(p, "w");
	if (!f)
		return 2;
	setvbuf(f, NULL, _IOLBF, 0);
	touch(dir, "ready");
	for (int i = 0; i < 200; i++) {
		int v = -1;
		int r = ioctl(fd, FIONREAD, &v);
		if (r < 0)
			fprintf(f, "%s\n", strerrorname_np(errno));
		else
			fprintf(f, "ok %d\n", v);
		wait_ms(20);
	}
	return 0;
}

/* killmid: a child SIGKILLed while the supervisor performs its 5 s sleep;
 * the supervisor goes on answering the parent. */
static int do_killmid(void)
{
	pid_t c = fork();
	if (c == 0) {
		raw_sleep_ms(5000);
		_exit(3);
	}
	wait_ms(300);
	kill(c, SIGKILL);
	int st;
	waitpid(c, &st, 0);
	int fd = pipe_with(5), ok = 0;
	for (int i = 0; i < 20; i++) {
		int v = -1;
		ok += ioctl(fd, FIONREAD, &v) == 0 && v == 5;
	}
	raw_sleep_ms(100); /* the worker notices within one 20 ms slice */
	printf("child killed by %d in its sleep; then %d of 20 FIONREADs answered\n",
	       WIFSIGNALED(st) ? WTERMSIG(st) : -1, ok);
	return 0;
}

/* order N: N children each start a 400 ms sleep, 100 ms after the
 * previous one is about to; their answers come back in the order the
 * calls were made. */
static int do_order(int n)
{
	int p[2], go[2];
	if (pipe(p) || pipe(go))
		return 2;
	for (int i = 0; i < n; i++) {
		if (fork() == 0) {
			(void)!write(go[1], "g", 1);
			raw_sleep_ms(400);
			char b[16];
			int l = snprintf(b, sizeof(b), "%d ", i);
			(void)!write(p[1], b, (size_t)l);
			_exit(0);
		}
		char c;
		(void)!read(go[0], &c, 1);
		wait_ms(100);
	}
	close(p[1]);
	while (wait(NULL) > 0) {
	}
	char buf[256] = { 0 };
	ssize_t k = read(p[0], buf, sizeof(buf) - 1);
	(void)k;
	printf("answered in the order: %s\n", buf);
	return 0;
}

/* hang DIR: touch DIR/ready, then a 30 s sleep the test kills us in. */
static int do_hang(const char *dir)
{
	touch(dir, "ready");
	double t = mono();
	raw_sleep_ms(30000);
	printf("slept %.0f s\n", mono() - t);
	return 0;
}

/* ---- load: many trapped calls, every answer checked ---- */

struct load_shared {
	atomic_long warm;    /* threads done with their warm-up */
	atomic_long calls;   /* answers received */
	atomic_long right;   /* answers that were this thread's own */
	atomic_long errors;  /* calls that failed */
};

struct load_arg {
	struct load_shared *sh;
	const char *dir;
	long calls, warmup;
	double until; /* soak: calls until this monotonic time instead */
	int want;     /* bytes in this thread's pipe: its FIONREAD answer */
};

static void *load_thread(void *p)
{
	struct load_arg *a = p;
	int fds[2];
	if (pipe(fds))
		return NULL;
	char buf[512] = { 0 };
	if (write(fds[1], buf, (size_t)a->want) != a->want)
		return NULL;
	long calls = 0, right = 0, errors = 0;
	for (long i = 0; a->until > 0 ? mono() < a->until : i < a->calls; i++) {
		if (i == a->warmup) {
			atomic_fetch_add(&a->sh->warm, 1);
			await(a->dir, "go");
		}
		int v = -1;
		if (ioctl(fds[0], FIONREAD, &v) < 0)
			errors++;
		calls++;
		right += v == a->want;
	}
	if (calls <= a->warmup) { /* counted as warm anyway: no one waits on us */
		atomic_fetch_add(&a->sh->warm, 1);
	}
	atomic_fetch_add(&a->sh->calls, calls);
	atomic_fetch_add(&a->sh->right, right);
	atomic_fetch_add(&a->sh->errors, errors);
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

/* load CALLS PROCS THREADS DIR [SECONDS]: PROCS processes of THREADS
 * threads each (THREADS counts all of them) make CALLS FIONREADs between
 * them (or as many as SECONDS allow), each thread on a pipe holding its own
 * number of bytes, so every answer is checked to be its own. After 1,000
 * calls each (the warm-up: a tenth of a thread's calls at most) DIR/warm appears and all wait for DIR/go; at
 * the end DIR/end appears and the process waits for DIR/finish. Prints
 * the counts. */
static int do_load(long calls, int procs, int threads, const char *dir, long seconds)
{
	struct load_shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || procs < 1 || threads < procs || threads > 4096)
		return 2;
	int per_proc = threads / procs;
	threads = per_proc * procs;
	long per_thread = calls / threads;
	double until = seconds > 0 ? mono() + (double)seconds : 0;
	for (int p = 0; p < procs; p++) {
		if (fork() != 0)
			continue;
		pthread_t t[4096];
		struct load_arg a[64];
		if (per_proc > 64)
			_exit(2);
		for (int i = 0; i < per_proc; i++) {
			long warm = until > 0 ? 1000 : per_thread / 10 < 1000 ? per_thread / 10 : 1000;
			a[i] = (struct load_arg){ sh, dir, per_thread, warm, until,
						  1 + (p * per_proc + i) % 509 };
			pthread_create(&t[i], NULL, load_thread, &a[i]);
		}
		for (int i = 0; i < per_proc; i++)
			pthread_join(t[i], NULL);
		_exit(0);
	}
	while (atomic_load(&sh->warm) < threads)
		wait_ms(10);
	touch(dir, "warm");
	while (wait(NULL) > 0) {
	}
	long want = seconds > 0 ? atomic_load(&sh->calls) : per_thread * threads;
	printf("threads %d calls %ld answered %ld own %ld errors %ld\n", threads, want,
	       atomic_load(&sh->calls), atomic_load(&sh->right), atomic_load(&sh->errors));
	touch(dir, "end");
	await(dir, "finish");
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
	if (!strcmp(m, "load") && argc > 5)
		return do_load(atol(argv[2]), atoi(argv[3]), atoi(argv[4]), argv[5],
			       argc > 6 ? atol(argv[6]) : 0);
	if (!strcmp(m, "orphaned") && argc > 2)
		return do_orphaned(argv[2]);
	if (!strcmp(m, "killmid"))
		return do_killmid();
	if (!strcmp(m, "order") && argc > 2)
		return do_order(atoi(argv[2]));
	if (!strcmp(m, "hang") && argc > 2)
		return do_hang(argv[2]);
	if (!strcmp(m, "stopped") && argc > 2)
		return for_each_wait(argv[2], "-1");
	if (!strcmp(m, "interrupted") && argc > 3)
		return for_each_wait(argv[2], argv[3]);
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
