/* The audit trail's guest (tests/integration/audit_trail.sh): a known
 * number of known and unknown ioctls on a pty, /dev/null, a pipe, a
 * socket and /dev/net/tun when it opens, from two processes and a second
 * thread. Only raw syscalls and write(2): no library call may add an
 * ioctl of its own (stdio's isatty would). Prints
 * "parent=PID child=PID thread=TID tun=0|1" at the end. */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define K 3 /* each repeated call, this many times */

/* A request no driver knows, whose argument holds a pointer into the
 * caller's memory at offset 0 and a length after it. */
struct embedded {
	void *buf;
	uint32_t len;
};
#define AUDIT_UNKNOWN_PTR _IOW('Z', 7, struct embedded)
/* FS_IOC_GETFLAGS as the other ABI numbers it (its size is a long). */
#if defined(__i386__)
#define OTHER_ABI_GETFLAGS 0x80086601u
#else
#define OTHER_ABI_GETFLAGS 0x80046601u
#endif
/* No direction, type or number anyone uses; the argument is NULL. */
#define BOGUS 0xdeadbeefu

static int pipe_r;
static pid_t thread_tid;

static void die(const char *what)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "audit_guest: %s failed\n", what);
	(void)!write(2, buf, (size_t)n);
	_exit(2);
}

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = (pid_t)syscall(SYS_gettid);
	int v;
	for (int i = 0; i < K; i++)
		ioctl(pipe_r, FIONREAD, &v);
	return NULL;
}

/* Parent: the pty, /dev/null, the pipe, the bogus number. */
static void parent_part(void)
{
	int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (m < 0)
		die("open /dev/ptmx");
	int unlock = 0;
	unsigned ptn = 0;
	ioctl(m, TIOCSPTLCK, &unlock);
	ioctl(m, TIOCGPTN, &ptn);
	char name[32];
	snprintf(name, sizeof(name), "/dev/pts/%u", ptn);
	int s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0)
		die("open the pty slave");
	struct termios t;
	struct winsize ws;
	for (int i = 0; i < K; i++) {
		ioctl(s, TCGETS, &t);
		ioctl(s, TIOCGWINSZ, &ws);
	}
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		die("open /dev/null");
	for (int i = 0; i < K; i++)
		ioctl(null, TCGETS, &t); /* ENOTTY */
	int v;
	for (int i = 0; i < K; i++)
		ioctl(pipe_r, FIONREAD, &v);
	ioctl(pipe_r, BOGUS, NULL);
}

/* Child: the socket, tun, the unknown requests, and a second thread. */
static int child_part(void)
{
	int sk = socket(AF_INET, SOCK_DGRAM, 0);
	if (sk < 0)
		die("socket");
	struct ifreq ifr;
	int v;
	for (int i = 0; i < K; i++) {
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "lo");
		ioctl(sk, SIOCGIFFLAGS, &ifr);
		ioctl(sk, FIONREAD, &v);
	}
	int tun = open("/dev/net/tun", O_RDWR);
	if (tun >= 0) {
		unsigned features;
		for (int i = 0; i < K; i++)
			ioctl(tun, TUNGETFEATURES, &features);
	}
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		die("open /dev/null");
	static char target[64];
	struct embedded e = { target, sizeof(target) };
	for (int i = 0; i < K; i++)
		ioctl(null, AUDIT_UNKNOWN_PTR, &e); /* ENOTTY */
	unsigned long flags;
	ioctl(pipe_r, OTHER_ABI_GETFLAGS, &flags);
	ioctl(null, BOGUS, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, thread_main, NULL) != 0)
		die("pthread_create");
	pthread_join(th, NULL);
	return tun >= 0;
}

int main(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pipe_r = p[0];
	/* The child's answer: whether tun opened, and its thread's tid. */
	int back[2];
	if (pipe(back) < 0)
		die("pipe");
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		int r[2] = { child_part(), thread_tid };
		(void)!write(back[1], r, sizeof(r));
		_exit(0);
	}
	parent_part();
	int st, r[2] = { -1, -1 };
	waitpid(child, &st, 0);
	if (read(back[0], r, sizeof(r)) != sizeof(r) || !WIFEXITED(st) || WEXITSTATUS(st))
		die("the child");
	char out[128];
	int n = snprintf(out, sizeof(out), "parent=%d child=%d thread=%d tun=%d\n", (int)getpid(),
			 (int)child, r[1], r[0]);
	(void)!write(1, out, (size_t)n);
	return 0;
}
