/* The guest of policy.sh and policy_races.sh: makes the calls a policy
 * decides on and prints what came back, one line per call.
 *
 *   policy_guest call NAME...      getppid, setns, socket-packet, socket-unix, clone3,
 *                                  init_module, keyctl, uname
 *   policy_guest open PATH [creat] open (O_CREAT with creat), print the fd's inode
 *   policy_guest stat|lstat|access|readlink PATH
 *   policy_guest ioctl PATH        FIONREAD on PATH opened read-only
 *   policy_guest race-path A B INO N  a thread flips a buffer between A and B
 *                                  while the main thread opens it N times; prints
 *                                  how many opens reached inode INO (B's)
 *   policy_guest race-fd N         a thread swaps fd 10 between a pipe and a pty
 *                                  while the main thread sets FIONBIO on it N times;
 *                                  prints whether the pty ever became non-blocking
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void result(const char *what, long r)
{
	if (r < 0)
		printf("%s -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s %ld\n", what, r);
}

static long one_call(const char *n)
{
	if (!strcmp(n, "getppid"))
		return syscall(SYS_getppid) > 0 ? 0 : -1;
	if (!strcmp(n, "setns"))
		return syscall(SYS_setns, -1, 0);
	if (!strcmp(n, "socket-packet"))
		return syscall(SYS_socket, AF_PACKET, SOCK_RAW, 0); /* not i386's socketcall */
	if (!strcmp(n, "socket-unix"))
		return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0) >= 0 ? 0 : -1;
#ifdef SYS_clone3
	if (!strcmp(n, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
#endif
	if (!strcmp(n, "init_module"))
		return syscall(SYS_init_module, NULL, 0, "");
	if (!strcmp(n, "keyctl"))
		return syscall(SYS_keyctl, 0, 0, 0, 0, 0);
	/* The fd table's close-on-exec flag (the caller's alone) and the open
	 * file's status flags (shared with any copy of the fd). */
#ifdef SYS_fcntl64
	if (!strcmp(n, "fcntl-getfd"))
		return syscall(SYS_fcntl64, 1, F_GETFD);
	if (!strcmp(n, "fcntl-getfl"))
		return syscall(SYS_fcntl64, 1, F_GETFL) >= 0 ? 0 : -1;
#endif
#ifdef SYS_socketcall
	if (!strcmp(n, "socketcall-socket")) {
		unsigned long a[3] = { AF_UNIX, SOCK_STREAM, 0 };
		return syscall(SYS_socketcall, 1 /* SYS_SOCKET */, a) >= 0 ? 0 : -1;
	}
#endif
#ifdef SYS_ipc
	/* semop through ipc(2): it records the caller (sempid). */
	if (!strcmp(n, "ipc-semop"))
		return syscall(SYS_ipc, 1 /* SEMOP */, -1, 0, 0, NULL) < 0 && errno != ENOSYS ? 0 : -1;
#endif
	/* A request about the caller: its terminal's foreground group. */
	if (!strcmp(n, "tiocgpgrp")) {
		pid_t pg;
		return ioctl(1, TIOCGPGRP, &pg) >= 0 || errno != EFAULT ? 0 : -1;
	}
	if (!strcmp(n, "uname")) {
		char buf[512];
		return syscall(SYS_uname, buf);
	}
	errno = EINVAL;
	return -1;
}

static int do_path(const char *op, const char *p, int argc, char **argv)
{
	struct stat st;
	if (!strcmp(op, "open")) {
		bool creat = argc > 3 && !strcmp(argv[3], "creat");
		int fd = open(p, creat ? O_RDWR | O_CREAT : O_RDONLY, 0666);
		if (fd < 0) {
			result("open", -1);
			return 0;
		}
		fstat(fd, &st);
		printf("open ok ino=%lu mode=%o cloexec=%d\n", (unsigned long)st.st_ino,
		       (unsigned)(st.st_mode & 07777), (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
		return 0;
	}
	if (!strcmp(op, "stat") || !strcmp(op, "lstat")) {
		int r = op[0] == 's' ? stat(p, &st) : lstat(p, &st);
		if (r < 0)
			result(op, -1);
		else
			printf("%s ok ino=%lu size=%lld link=%d\n", op, (unsigned long)st.st_ino,
			       (long long)st.st_size, S_ISLNK(st.st_mode));
		return 0;
	}
	if (!strcmp(op, "access")) {
		result("access", access(p, R_OK));
		return 0;
	}
	if (!strcmp(op, "readlink")) {
		char buf[256];
		ssize_t n = readlink(p, buf, sizeof(buf) - 1);
		if (n < 0)
			result("readlink", -1);
		else
			printf("readlink %.*s\n", (int)n, buf);
		return 0;
	}
	if (!strcmp(op, "ioctl")) {
		int fd = open(p, O_RDONLY | O_NONBLOCK);
		int v = -1;
		if (fd < 0) {
			result("open", -1);
			return 0;
		}
		result("ioctl", ioctl(fd, FIONREAD, &v));
		return 0;
	}
	return 2;
}

/* ---- races ---- */

static char race_buf[512];
static const char *race_a, *race_b;
static volatile int stop;

static void *flip_path(void *arg)
{
	(void)arg;
	size_t la = strlen(race_a), lb = strlen(race_b);
	while (!stop) {
		memcpy(race_buf, race_a, la + 1);
		sched_yield();
		memcpy(race_buf, race_b, lb + 1);
		sched_yield();
	}
	return NULL;
}

static int race_path_ino(const char *a, const char *b, unsigned long b_ino, long n)
{
	race_a = a;
	race_b = b;
	strcpy(race_buf, a);
	pthread_t t;
	pthread_create(&t, NULL, flip_path, NULL);
	long reached = 0, opened = 0, denied = 0;
	for (long i = 0; i < n; i++) {
		int fd = open(race_buf, O_RDONLY);
		if (fd < 0) {
			denied += errno == EACCES;
			continue;
		}
		struct stat st;
		fstat(fd, &st);
		opened++;
		reached += st.st_ino == b_ino;
		close(fd);
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("race-path opened=%ld denied=%ld reached-denied=%ld\n", opened, denied, reached);
	return 0;
}

static int pty_fd, pipe_fd;

static void *swap_fd(void *arg)
{
	(void)arg;
	while (!stop) {
		dup2(pipe_fd, 10);
		sched_yield();
		dup2(pty_fd, 10);
		sched_yield();
	}
	return NULL;
}

static int race_fd(long n)
{
	int p[2];
	pty_fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty_fd < 0 || pipe(p) < 0) {
		result("setup", -1);
		return 1;
	}
	pipe_fd = p[0];
	dup2(pipe_fd, 10);
	pthread_t t;
	pthread_create(&t, NULL, swap_fd, NULL);
	long ok = 0, refused = 0;
	for (long i = 0; i < n; i++) {
		int on = 1;
		if (ioctl(10, FIONBIO, &on) == 0)
			ok++;
		else
			refused++;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("race-fd ok=%ld refused=%ld pty-nonblocking=%d\n", ok, refused,
	       (fcntl(pty_fd, F_GETFL) & O_NONBLOCK) != 0);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "call")) {
		for (int i = 2; i < argc; i++)
			result(argv[i], one_call(argv[i]));
		return 0;
	}
	if (!strcmp(argv[1], "race-path") && argc > 5)
		return race_path_ino(argv[2], argv[3], strtoul(argv[4], NULL, 10), atol(argv[5]));
	if (!strcmp(argv[1], "race-fd"))
		return race_fd(atol(argv[2]));
	return do_path(argv[1], argv[2], argc, argv);
}
