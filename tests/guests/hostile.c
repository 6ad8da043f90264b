/* Adversarial guests: each mode tries to get past the supervisor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static void heartbeat(const char *file)
{
	for (int i = 0; i < 3000; i++) {
		int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			(void)!write(fd, "t\n", 2);
			close(fd);
		}
		int v;
		ioctl(1, FIONREAD, &v);
		usleep(10000);
	}
}

/* Stop and kill the keeper (our parent) and the supervisor (its pid in
 * SUPFILE, written by the test), by pid and through /proc as a pidfd; then
 * kill our own process group, where the supervisor is too, leaving a child
 * in a group of its own beating HB. */
static int attack(const char *supfile, const char *hb)
{
	pid_t keeper = getppid(), sup = 0;
	for (int i = 0; i < 500 && !sup; i++) {
		FILE *f = fopen(supfile, "re");
		if (f) {
			if (fscanf(f, "%d", &sup) != 1)
				sup = 0;
			fclose(f);
		}
		if (!sup)
			usleep(10000);
	}
	int stop = kill(keeper, SIGSTOP);
	int ksup = kill(sup, SIGKILL);
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d", sup);
	int d = open(p, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int psup = d < 0 ? -1 : (int)syscall(SYS_pidfd_send_signal, d, SIGKILL, NULL, 0);
	int kkeep = kill(keeper, SIGKILL);
	printf("keeper stop %d kill %d; supervisor kill %d pidfd %d\n", stop, kkeep, ksup, psup);
	int ready[2];
	if (pipe(ready))
		return 1;
	if (fork() == 0) {
		setpgid(0, 0);
		close(ready[0]);
		close(ready[1]);
		heartbeat(hb);
		_exit(0);
	}
	close(ready[1]);
	char c;
	(void)!read(ready[0], &c, 1); /* EOF once the child is in its group */
	kill(0, SIGKILL);
	return 3;
}

/* io_uring_setup, _enter and _register (the same numbers on both ABIs):
 * what each returned. Its operations would bypass the filter. */
static int uring(void)
{
	uint32_t params[30] = { 0 }; /* struct io_uring_params: 120 bytes */
	long fd = syscall(425, 4, params);
	printf("setup %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	long r = syscall(426, fd >= 0 ? (int)fd : -1, 0, 0, 0, NULL, 0);
	printf("enter %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	r = syscall(427, fd >= 0 ? (int)fd : -1, 0xffff, NULL, 0);
	printf("register %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	return 0;
}

static volatile sig_atomic_t rang;
static void ring(int sig)
{
	(void)sig;
	rang = 1;
}

/* NPROC processes each writing, into a full pipe nobody reads, 1024 iovecs
 * that all point at one 16 KiB buffer: 16 MiB the supervisor would copy
 * and hold while the call waits, for 16 KiB of the guest's memory. After
 * SECS seconds an alarm interrupts them; DONE is created and the guest
 * waits a second. Prints how the calls ended: interrupted, ENOMEM, other. */
static int amplify(int nproc, int secs, const char *done)
{
	static char buf[16384];
	static struct iovec iov[1024];
	for (int i = 0; i < 1024; i++)
		iov[i] = (struct iovec){ buf, sizeof(buf) };
	int out[2];
	if (pipe(out))
		return 1;
	for (int p = 0; p < nproc; p++) {
		if (fork() != 0)
			continue;
		int fds[2];
		if (pipe2(fds, O_NONBLOCK))
			_exit(1);
		while (write(fds[1], buf, sizeof(buf)) > 0) {
		}
		fcntl(fds[1], F_SETFL, 0);
		struct sigaction sa = { .sa_handler = ring };
		sigaction(SIGALRM, &sa, NULL);
		alarm(secs);
		long r[3] = { 0, 0, 0 };
		while (!rang) {
			ssize_t n = writev(fds[1], iov, 1024);
			if (n < 0 && errno == EINTR)
				r[0]++;
			else if (n < 0 && errno == ENOMEM)
				r[1]++, usleep(1000);
			else
				r[2]++;
		}
		(void)!write(out[1], r, sizeof(r));
		_exit(0);
	}
	close(out[1]);
	long intr = 0, nomem = 0, other = 0, r[3];
	while (read(out[0], r, sizeof(r)) == sizeof(r)) {
		intr += r[0];
		nomem += r[1];
		other += r[2];
	}
	while (wait(NULL) > 0) {
	}
	printf("interrupted %ld enomem %ld other %ld\n", intr, nomem, other);
	close(open(done, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	sleep(1);
	return 0;
}


static const char *res(int r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

/* Look into the supervisor's /proc (its pid in SUPFILE, written by the
 * test) by every path call compatbox may perform: its fds, cwd, root,
 * environment, through its task directory, a symlink of our own made in
 * DIR, and a dirfd on its /proc directory. Natively the supervisor is a
 * process that is not dumpable: EACCES wherever ptrace access is checked.
 * Each probe prints one line, to compare with and without performing. */
static int procpeek(const char *supfile, const char *dir)
{
	int sup = 0;
	for (int i = 0; i < 500 && sup <= 0; i++) {
		FILE *f = fopen(supfile, "re");
		if (f) {
			if (fscanf(f, "%d", &sup) != 1)
				sup = 0;
			fclose(f);
		}
		if (sup <= 0)
			usleep(10000);
	}
	if (sup <= 0)
		return 2;
	char p[17][128];
	const char *fmt[] = { "/proc/%d/fd/0", "/proc/%d/cwd", "/proc/%d/root/.", "/proc/%d/cwd/.",
			      "/proc/%d/task/%d/fd/0", "/proc/%d/environ", "/proc/%d/fd",
			      "/proc/%d/status", "/proc/%d", "/proc/%d/fd/0/", "/proc/%d/exe",
			      "/proc/%d/fd/../fd/0" };
	size_t n = sizeof(fmt) / sizeof(fmt[0]);
	for (size_t i = 0; i < n; i++)
		snprintf(p[i], sizeof(p[i]), fmt[i], sup, sup);
	char link[256];
	snprintf(link, sizeof(link), "%s/to-supervisor", dir);
	unlink(link);
	if (symlink(p[0], link))
		return 2;
	struct stat st;
	struct statfs sf;
	char buf[256];
	for (size_t i = 0; i < n; i++) {
		printf("stat %s: %s\n", fmt[i], res(stat(p[i], &st)));
		printf("lstat %s: %s\n", fmt[i], res(lstat(p[i], &st)));
		printf("statfs %s: %s\n", fmt[i], res(statfs(p[i], &sf)));
		printf("access %s: %s\n", fmt[i], res(access(p[i], R_OK)));
		printf("readlink %s: %s\n", fmt[i], res((int)readlink(p[i], buf, sizeof(buf))));
		int fd = open(p[i], O_RDONLY | O_CLOEXEC);
		printf("open %s: %s\n", fmt[i], res(fd));
		if (fd >= 0)
			close(fd);
	}
	printf("stat via our symlink: %s\n", res(stat(link, &st)));
	printf("statfs via our symlink: %s\n", res(statfs(link, &sf)));
	char d[64];
	snprintf(d, sizeof(d), "/proc/%d", sup);
	int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	printf("fstatat its /proc dir, fd/0: %s\n", res(fstatat(dfd, "fd/0", &st, 0)));
	printf("fstatat its /proc dir, fd/0 nofollow: %s\n",
	       res(fstatat(dfd, "fd/0", &st, AT_SYMLINK_NOFOLLOW)));
	printf("fstatat its /proc dir, cwd: %s\n", res(fstatat(dfd, "cwd", &st, 0)));
	/* Our own stay ours. */
	printf("stat /proc/self/fd/0: %s\n", res(stat("/proc/self/fd/0", &st)));
	printf("stat /proc/self/cwd: %s\n", res(stat("/proc/self/cwd", &st)));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 3 && !strcmp(argv[1], "attack"))
		return attack(argv[2], argv[3]);
	if (argc > 4 && !strcmp(argv[1], "amplify"))
		return amplify(atoi(argv[2]), atoi(argv[3]), argv[4]);
	if (argc > 3 && !strcmp(argv[1], "procpeek"))
		return procpeek(argv[2], argv[3]);
	if (argc > 1 && !strcmp(argv[1], "uring"))
		return uring();
	fprintf(stderr, "usage: hostile attack SUPFILE HB | uring\n");
	return 2;
}
