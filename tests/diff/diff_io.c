/* Differential guest for vectored I/O, messages and readiness: readv,
 * writev, preadv, pwritev, sendmsg, recvmsg (with SCM_RIGHTS and
 * SCM_CREDENTIALS), poll, _newselect, epoll_ctl, epoll_wait,
 * epoll_pwait2. Each case
 * prints every result, errno and field in a stable form; the harness runs
 * it natively (the kernel's compat layer is the oracle) and under
 * `compatbox run --translate` and compares the output byte for byte.
 * Built -m32; every call goes through syscall() so that the i386 entry
 * point tested is the one named. What differs between runs (pids, times)
 * is printed as a comparison ("pid is mine: yes"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diffcase.h"


static void text(const char *what, const void *p, size_t n)
{
	printf("%s: \"", what);
	fwrite(p, 1, n, stdout);
	printf("\"\n");
}

static long sys_readv(int fd, const struct iovec *iov, long n)
{
	return syscall(SYS_readv, fd, iov, n);
}

static long sys_writev(int fd, const struct iovec *iov, long n)
{
	return syscall(SYS_writev, fd, iov, n);
}

static long sys_preadv(int fd, const struct iovec *iov, long n, uint64_t off)
{
	return syscall(SYS_preadv, fd, iov, n, (uint32_t)off, (uint32_t)(off >> 32));
}

static long sys_pwritev(int fd, const struct iovec *iov, long n, uint64_t off)
{
	return syscall(SYS_pwritev, fd, iov, n, (uint32_t)off, (uint32_t)(off >> 32));
}

static long sys_sendmsg(int fd, const struct msghdr *m, int flags)
{
	return syscall(SYS_sendmsg, fd, m, flags);
}

static long sys_recvmsg(int fd, struct msghdr *m, int flags)
{
	return syscall(SYS_recvmsg, fd, m, flags);
}

static int inq(int fd)
{
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

/* A page followed by an unmapped one: buffers that end in a fault. */
static char *edge_page(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4096, 4096);
	memset(p, 'x', 4096);
	return p;
}

static int next_fd(void)
{
	int fd = dup(0);
	close(fd);
	return fd;
}

static void show_msg(const struct msghdr *m)
{
	printf("msg_namelen %u msg_controllen %u msg_flags 0x%x\n", (unsigned)m->msg_namelen,
	       (unsigned)m->msg_controllen, (unsigned)m->msg_flags);
}

/* Every control message: header, and the payload as ints. */
static void show_cmsgs(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		printf("cmsg len %u level %d type %d:", (unsigned)c->cmsg_len, c->cmsg_level,
		       c->cmsg_type);
		int n = ((int)c->cmsg_len - (int)CMSG_LEN(0)) / 4;
		for (int i = 0; i < n; i++) {
			int v;
			memcpy(&v, CMSG_DATA(c) + 4 * i, 4);
			if (c->cmsg_type == SCM_CREDENTIALS && i == 0)
				printf(" pid-is-mine:%s", v == getpid() ? "yes" : "no");
			else
				printf(" %d", v);
		}
		printf("\n");
	}
}

/* ---- readv ---- */

static void readv_case(void)
{
	int p[2];
	pipe(p);
	const char *msg = "hello, vectored world";
	write(p[1], msg, strlen(msg));
	char a[8] = { 0 }, b[8] = { 0 }, c[8] = { 0 };
	struct iovec iov[3] = { { a, 5 }, { b, 0 }, { c, 7 } };
	res("readv 3 segments, one empty", sys_readv(p[0], iov, 3));
	text("a", a, 5);
	text("c", c, 7);
	res("readv count 0", sys_readv(p[0], iov, 0));
	res("readv count 0, array NULL", sys_readv(p[0], NULL, 0));

	/* The bad pointers: nothing is consumed from a pipe, but what could
	 * be copied was. */
	printf("pipe holds %d\n", inq(p[0]));
	struct iovec bad1 = { BAD_PTR, 5 };
	res("readv bad iov_base", sys_readv(p[0], &bad1, 1));
	char g[4] = "----";
	struct iovec gb[2] = { { g, 3 }, { BAD_PTR, 5 } };
	res("readv good then bad iov_base", sys_readv(p[0], gb, 2));
	text("good segment", g, 4);
	char *e = edge_page();
	struct iovec st = { e + 4093, 6 };
	res("readv into a buffer that runs into an unmapped page", sys_readv(p[0], &st, 1));
	text("its mapped part", e + 4093, 3);
	printf("pipe holds %d\n", inq(p[0]));
	res("readv bad iovec array", sys_readv(p[0], BAD_PTR, 2));
	struct iovec *tail = (struct iovec *)(e + 4096 - sizeof(struct iovec));
	tail[0] = (struct iovec){ a, 2 };
	res("readv iovec array running into an unmapped page", sys_readv(p[0], tail, 2));
	tail[0] = (struct iovec){ a, (size_t)0x80000000u };
	res("readv negative length before the unmapped entry", sys_readv(p[0], tail, 2));
	struct iovec neg[2] = { { a, 2 }, { b, (size_t)0x80000000u } };
	res("readv negative length", sys_readv(p[0], neg, 2));
	res("readv 1025 segments", sys_readv(p[0], iov, 1025));
	res("readv bad fd", sys_readv(999, iov, 1));
	res("readv write end", sys_readv(p[1], iov, 1));
	res("readv write end, bad iovec array", sys_readv(p[1], BAD_PTR, 1));
	res("readv bad fd, 1025 segments", sys_readv(999, iov, 1025));
	printf("pipe holds %d\n", inq(p[0]));

	/* IOV_MAX single bytes. */
	char big[1500];
	for (int i = 0; i < 1500; i++)
		big[i] = (char)('a' + i % 26);
	write(p[1], big, sizeof(big));
	static struct iovec many[1025];
	static char one[1025];
	for (int i = 0; i < 1025; i++)
		many[i] = (struct iovec){ &one[i], 1 };
	printf("pipe holds %d\n", inq(p[0]));
	res("readv 1024 one-byte segments", sys_readv(p[0], many, 1024));
	text("first and last", (char[]){ one[0], one[1023] }, 2);
	printf("pipe holds %d\n", inq(p[0]));
	char rest[600];
	read(p[0], rest, sizeof(rest));

	int d = open("/", O_RDONLY | O_DIRECTORY);
	res("readv a directory", sys_readv(d, iov, 1));

	/* A regular file: the offset moves. */
	char path[] = "/tmp/diff_io_XXXXXX";
	int f = mkstemp(path);
	unlink(path);
	write(f, "0123456789abcdef", 16);
	lseek(f, 3, SEEK_SET);
	memset(a, 0, sizeof(a));
	memset(c, 0, sizeof(c));
	struct iovec fi[2] = { { a, 4 }, { c, 6 } };
	res("readv file", sys_readv(f, fi, 2));
	text("a", a, 4);
	text("c", c, 6);
	printf("offset %ld\n", (long)lseek(f, 0, SEEK_CUR));
	res("readv file at end", sys_readv(f, fi, 2) + sys_readv(f, fi, 2));

	/* End of file on a pipe, and a non-blocking empty one. */
	int q[2];
	pipe2(q, O_NONBLOCK);
	res("readv empty non-blocking pipe", sys_readv(q[0], iov, 1));
	close(q[1]);
	res("readv pipe without writers", sys_readv(q[0], iov, 1));

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	write(sv[0], "socket data", 11);
	memset(a, 0, sizeof(a));
	memset(c, 0, sizeof(c));
	res("readv socket", sys_readv(sv[1], fi, 2));
	text("a", a, 4);
	text("c", c, 6);
	memset(e + 4093, 'x', 3);
	write(sv[0], "abcdef", 6);
	res("readv socket into a buffer that runs into an unmapped page", sys_readv(sv[1], &st, 1));
	text("its mapped part", e + 4093, 3);
	printf("socket holds %d\n", inq(sv[1]));
}

/* ---- writev ---- */

static void writev_case(void)
{
	int p[2];
	pipe(p);
	struct iovec iov[3] = { { "alpha ", 6 }, { "", 0 }, { "omega", 5 } };
	res("writev 3 segments, one empty", sys_writev(p[1], iov, 3));
	char buf[64] = { 0 };
	int n = (int)read(p[0], buf, sizeof(buf));
	text("read back", buf, (size_t)n);
	res("writev count 0", sys_writev(p[1], iov, 0));

	static struct iovec many[1025];
	for (int i = 0; i < 1025; i++)
		many[i] = (struct iovec){ (char *)"0123456789" + i % 10, 1 };
	res("writev 1024 one-byte segments", sys_writev(p[1], many, 1024));
	printf("pipe holds %d\n", inq(p[0]));
	char drain[2048];
	n = (int)read(p[0], drain, sizeof(drain));
	text("first ten", drain, 10);
	res("writev 1025 segments", sys_writev(p[1], many, 1025));

	struct iovec bad1 = { BAD_PTR, 5 };
	res("writev bad iov_base", sys_writev(p[1], &bad1, 1));
	struct iovec gb[2] = { { "abc", 3 }, { BAD_PTR, 5 } };
	res("writev good then bad iov_base", sys_writev(p[1], gb, 2));
	printf("pipe holds %d\n", inq(p[0]));
	char *e = edge_page();
	memcpy(e + 4093, "XYZ", 3);
	struct iovec st = { e + 4093, 6 };
	res("writev from a buffer that runs into an unmapped page", sys_writev(p[1], &st, 1));
	printf("pipe holds %d\n", inq(p[0]));
	res("writev bad iovec array", sys_writev(p[1], BAD_PTR, 1));
	struct iovec neg = { "x", (size_t)0x80000000u };
	res("writev negative length", sys_writev(p[1], &neg, 1));
	res("writev bad fd", sys_writev(999, iov, 1));
	res("writev read end", sys_writev(p[0], iov, 1));
	res("writev read end, bad array", sys_writev(p[0], BAD_PTR, 1));

	/* A file: the data and the offset. */
	char path[] = "/tmp/diff_io_XXXXXX";
	int f = mkstemp(path);
	unlink(path);
	res("writev file", sys_writev(f, iov, 3));
	res("writev file again", sys_writev(f, iov, 3));
	printf("offset %ld\n", (long)lseek(f, 0, SEEK_CUR));
	memset(buf, 0, sizeof(buf));
	n = (int)pread(f, buf, sizeof(buf), 0);
	text("file", buf, (size_t)n);
	int ro = open("/proc/self/exe", O_RDONLY);
	res("writev read-only file", sys_writev(ro, iov, 1));

	/* A socket, data and a hole. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	res("writev socket", sys_writev(sv[0], iov, 3));
	n = (int)read(sv[1], buf, sizeof(buf));
	text("read back", buf, (size_t)n);
	res("writev socket, a buffer running into an unmapped page", sys_writev(sv[0], &st, 1));
	printf("socket holds %d\n", inq(sv[1]));
	struct iovec dg[2] = { { "datagram", 8 }, { "!", 1 } };
	int sd[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sd);
	res("writev datagram", sys_writev(sd[0], dg, 2));
	n = (int)read(sd[1], buf, sizeof(buf));
	text("datagram", buf, (size_t)n);

	/* No reader: EPIPE, and SIGPIPE, which stays pending while blocked. */
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	sigprocmask(SIG_BLOCK, &s, &old);
	close(p[0]);
	res("writev to a pipe without readers", sys_writev(p[1], iov, 1));
	sigset_t pend;
	sigpending(&pend);
	printf("SIGPIPE pending: %s\n", sigismember(&pend, SIGPIPE) ? "yes" : "no");
	int sig;
	if (sigismember(&pend, SIGPIPE))
		sigwait(&s, &sig);
	shutdown(sv[1], SHUT_RD);
	close(sv[1]);
	res("writev to a closed socket", sys_writev(sv[0], iov, 1));
	sigpending(&pend);
	printf("SIGPIPE pending: %s\n", sigismember(&pend, SIGPIPE) ? "yes" : "no");
	if (sigismember(&pend, SIGPIPE))
		sigwait(&s, &sig);
	signal(SIGPIPE, SIG_IGN);
	res("writev to a pipe without readers, SIGPIPE ignored", sys_writev(p[1], iov, 1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* The default action: the writer dies of it. */
	pid_t k = fork();
	if (k == 0) {
		sys_writev(p[1], iov, 1);
		usleep(500000); /* (a signal sent just after the answer lands here) */
		_exit(0);
	}
	int status;
	waitpid(k, &status, 0);
	printf("writer killed by SIGPIPE: %s\n",
	       WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE ? "yes" : "no");
}

/* ---- preadv, pwritev ---- */

static void prw_case(void)
{
	char path[] = "/tmp/diff_io_XXXXXX";
	int f = mkstemp(path);
	unlink(path);
	write(f, "................", 16);
	struct iovec w[2] = { { "ABC", 3 }, { "defg", 4 } };
	res("pwritev at 5", sys_pwritev(f, w, 2, 5));
	printf("offset %ld\n", (long)lseek(f, 0, SEEK_CUR));
	char a[8] = { 0 }, b[16] = { 0 };
	struct iovec r[2] = { { a, 6 }, { b, 12 } };
	res("preadv at 0", sys_preadv(f, r, 2, 0));
	text("a", a, 6);
	text("b", b, 10);
	res("preadv at 14", sys_preadv(f, r, 2, 14));
	text("a", a, 2);
	res("preadv past the end", sys_preadv(f, r, 2, 100));
	/* Past 4 GiB: the high register counts. */
	uint64_t far = (1ull << 32) + 3;
	res("pwritev at 4 GiB + 3", sys_pwritev(f, w, 2, far));
	struct stat sb;
	fstat(f, &sb);
	printf("size 0x%llx\n", (unsigned long long)sb.st_size);
	memset(a, 0, sizeof(a));
	res("preadv at 4 GiB + 3", sys_preadv(f, r, 1, far));
	text("a", a, 6);
	res("preadv at 4 GiB (a hole)", sys_preadv(f, r, 1, 1ull << 32));
	dump("a", a, 6);
	printf("offset %ld\n", (long)lseek(f, 0, SEEK_CUR));
	res("preadv negative offset", sys_preadv(f, r, 1, 0x8000000000000000ull));
	res("pwritev negative offset", sys_pwritev(f, w, 1, 0xffffffff00000000ull));
	res("preadv bad fd, negative offset", sys_preadv(999, r, 1, 0x8000000000000000ull));
	res("preadv bad fd", sys_preadv(999, r, 1, 0));
	res("preadv bad iovec array", sys_preadv(f, BAD_PTR, 1, 0));
	struct iovec bad = { BAD_PTR, 4 };
	res("preadv bad iov_base", sys_preadv(f, &bad, 1, 0));
	res("pwritev bad iov_base", sys_pwritev(f, &bad, 1, 0));
	res("preadv 1025 segments", sys_preadv(f, r, 1025, 0));
	res("preadv count 0", sys_preadv(f, r, 0, 0));
	int p[2];
	pipe(p);
	res("preadv a pipe", sys_preadv(p[0], r, 1, 0));
	res("pwritev a pipe", sys_pwritev(p[1], w, 1, 0));
	int ro = open("/proc/self/exe", O_RDONLY);
	res("pwritev read-only", sys_pwritev(ro, w, 1, 0));
	char *e = edge_page();
	struct iovec st = { e + 4093, 6 };
	res("preadv into a buffer that runs into an unmapped page", sys_preadv(f, &st, 1, 0));
	text("its mapped part", e + 4093, 3);
}

/* ---- blocking: the call waits, then completes ---- */

static void child_after(int ms, void (*fn)(int), int arg)
{
	if (fork() == 0) {
		usleep((useconds_t)ms * 1000);
		fn(arg);
		_exit(0);
	}
}

static void put_late(int fd)
{
	write(fd, "late", 4);
}

static void drain_all(int fd)
{
	char buf[4096];
	long total = 0, n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	_exit(total == 100000 + 65536 ? 0 : 1);
}

static void blocking_case(void)
{
	int p[2];
	pipe(p);
	child_after(100, put_late, p[1]);
	char a[16] = { 0 };
	struct iovec iov = { a, sizeof(a) };
	res("readv waits for data", sys_readv(p[0], &iov, 1));
	text("data", a, 4);
	wait(NULL);

	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	child_after(100, put_late, sv[0]);
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	res("recvmsg waits for data", sys_recvmsg(sv[1], &m, 0));
	show_msg(&m);
	wait(NULL);

	/* A full pipe: writev waits while a child drains it, and takes it all. */
	int q[2];
	pipe(q);
	static char fill[65536], more[100000];
	write(q[1], fill, sizeof(fill));
	if (fork() == 0) {
		close(q[1]);
		usleep(100000);
		drain_all(q[0]);
	}
	close(q[0]);
	struct iovec w[2] = { { more, 60000 }, { more, 40000 } };
	res("writev into a full pipe", sys_writev(q[1], w, 2));
	close(q[1]);
	int status;
	wait(&status);
	printf("the reader got everything: %s\n", WEXITSTATUS(status) == 0 ? "yes" : "no");

	/* A FIFO cannot be read with RWF_NOWAIT: the other way of waiting. */
	char fifo[64];
	snprintf(fifo, sizeof(fifo), "/tmp/diff_io_fifo_%d", getpid());
	mkfifo(fifo, 0600);
	int ff = open(fifo, O_RDWR);
	unlink(fifo);
	child_after(100, put_late, ff);
	memset(a, 0, sizeof(a));
	res("readv a FIFO waits for data", sys_readv(ff, &iov, 1));
	text("data", a, 4);
	wait(NULL);
	write(ff, fill, 65536);
	if (fork() == 0) {
		usleep(100000);
		char sink[4096];
		long got = 0;
		while (got < 65536 + 1000) {
			long k = read(ff, sink, sizeof(sink));
			if (k <= 0)
				break;
			got += k;
		}
		_exit(got == 65536 + 1000 ? 0 : 1);
	}
	struct iovec fw = { more, 1000 };
	res("writev a full FIFO", sys_writev(ff, &fw, 1));
	wait(&status);
	printf("the reader got everything: %s\n", WEXITSTATUS(status) == 0 ? "yes" : "no");
	close(ff);

	/* A receive timeout (SO_RCVTIMEO) ends the wait with EAGAIN. */
	struct timeval tv = { 0, 50000 };
	setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	res("recvmsg with SO_RCVTIMEO", sys_recvmsg(sv[1], &m, 0));
	res("readv with SO_RCVTIMEO", sys_readv(sv[1], &iov, 1));

	/* MSG_WAITALL: everything, from several writes. */
	int ss[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, ss);
	write(ss[0], "part", 4);
	child_after(60, put_late, ss[0]);
	memset(a, 0, sizeof(a));
	iov.iov_len = 8;
	struct msghdr mw = { .msg_iov = &iov, .msg_iovlen = 1 };
	res("recvmsg MSG_WAITALL", sys_recvmsg(ss[1], &mw, MSG_WAITALL));
	text("data", a, 8);
	show_msg(&mw);
	wait(NULL);
}

/* ---- interrupted: a signal ends the wait; the data that comes after is
 * the next call's, not an orphaned one's ---- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void arm(int ms, int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0 };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupt_case(void)
{
	int p[2];
	pipe(p);
	char a[16] = { 0 };
	struct iovec iov = { a, sizeof(a) };
	arm(50, 0);
	res("readv interrupted", sys_readv(p[0], &iov, 1));
	write(p[1], "after", 5);
	res("readv after the interruption", sys_readv(p[0], &iov, 1));
	text("data", a, 5);

	char fifo[64];
	snprintf(fifo, sizeof(fifo), "/tmp/diff_io_fifo_%d", getpid());
	mkfifo(fifo, 0600);
	int ff = open(fifo, O_RDWR);
	unlink(fifo);
	arm(50, 0);
	res("readv a FIFO interrupted", sys_readv(ff, &iov, 1));
	write(ff, "fifo!", 5);
	res("readv a FIFO after the interruption", sys_readv(ff, &iov, 1));
	text("data", a, 5);
	close(ff);

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	arm(50, 0);
	res("recvmsg interrupted", sys_recvmsg(sv[1], &m, 0));
	write(sv[0], "again", 5);
	res("recvmsg after the interruption", sys_recvmsg(sv[1], &m, 0));
	text("data", a, 5);

	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN | EPOLLET, { .u64 = 7 } };
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], &ev);
	struct epoll_event out[4];
	arm(50, 0);
	res("epoll_wait interrupted", syscall(SYS_epoll_wait, ep, out, 4, -1));
	write(p[1], "x", 1);
	res("epoll_wait after the interruption (edge-triggered)", syscall(SYS_epoll_wait, ep, out, 4, 1000));
	read(p[0], a, 1);

	struct pollfd pf = { p[0], POLLIN, 0 };
	arm(50, 0);
	res("poll interrupted", syscall(SYS_poll, &pf, 1, -1));
	uint32_t set[1] = { 1u << p[0] };
	arm(50, 0);
	res("select interrupted", syscall(SYS__newselect, p[0] + 1, set, NULL, NULL, NULL));

	/* With SA_RESTART the call goes on after the handler. */
	child_after(150, put_late, p[1]);
	arm(50, 1);
	res("readv restarted", sys_readv(p[0], &iov, 1));
	text("data", a, 4);
	wait(NULL);
	printf("alarms %d\n", (int)alarms);
}

/* ---- sendmsg, recvmsg ---- */

static void sendrecv_case(void)
{
	int sd[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sd);
	struct iovec w[2] = { { "first ", 6 }, { "second", 6 } };
	struct msghdr sm = { .msg_iov = w, .msg_iovlen = 2 };
	res("sendmsg datagram", sys_sendmsg(sd[0], &sm, 0));
	char a[5] = { 0 }, b[20] = { 0 };
	struct iovec r[2] = { { a, 5 }, { b, 20 } };
	struct sockaddr_un from;
	memset(&from, 0x5a, sizeof(from));
	struct msghdr rm = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = r,
			     .msg_iovlen = 2, .msg_flags = 0x7777 };
	res("recvmsg datagram", sys_recvmsg(sd[1], &rm, 0));
	text("a", a, 5);
	text("b", b, 7);
	show_msg(&rm);
	dump("name", &from, 4);

	/* Truncation: MSG_TRUNC in msg_flags, or the real length asked for. */
	sys_sendmsg(sd[0], &sm, 0);
	struct iovec small = { a, 4 };
	struct msghdr tm = { .msg_iov = &small, .msg_iovlen = 1 };
	res("recvmsg into 4 bytes", sys_recvmsg(sd[1], &tm, 0));
	show_msg(&tm);
	sys_sendmsg(sd[0], &sm, 0);
	res("recvmsg MSG_PEEK|MSG_TRUNC", sys_recvmsg(sd[1], &tm, MSG_PEEK | MSG_TRUNC));
	show_msg(&tm);
	res("recvmsg MSG_TRUNC", sys_recvmsg(sd[1], &tm, MSG_TRUNC));
	res("recvmsg MSG_DONTWAIT, nothing there", sys_recvmsg(sd[1], &tm, MSG_DONTWAIT));

	/* Addresses: abstract names, a short name buffer, no name buffer. */
	int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un n1 = { AF_UNIX, "" }, n2 = { AF_UNIX, "" };
	snprintf(n1.sun_path + 1, sizeof(n1.sun_path) - 1, "diff_io_a_%d", getpid());
	snprintf(n2.sun_path + 1, sizeof(n2.sun_path) - 1, "diff_io_b_%d", getpid());
	socklen_t l1 = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(n1.sun_path + 1));
	socklen_t l2 = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(n2.sun_path + 1));
	bind(s1, (struct sockaddr *)&n1, l1);
	bind(s2, (struct sockaddr *)&n2, l2);
	struct msghdr nm = { .msg_name = &n2, .msg_namelen = l2, .msg_iov = w, .msg_iovlen = 1 };
	res("sendmsg to a name", sys_sendmsg(s1, &nm, 0));
	memset(&from, 0x5a, sizeof(from));
	struct msghdr fm = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = r,
			     .msg_iovlen = 1 };
	res("recvmsg with a name", sys_recvmsg(s2, &fm, 0));
	printf("name is the sender's: %s\n",
	       fm.msg_namelen == l1 && !memcmp(&from, &n1, l1) ? "yes" : "no");
	printf("msg_namelen is the sender's length: %s\n", fm.msg_namelen == l1 ? "yes" : "no");
	sys_sendmsg(s1, &nm, 0);
	memset(&from, 0x5a, sizeof(from));
	fm.msg_namelen = 4;
	res("recvmsg with a 4-byte name buffer", sys_recvmsg(s2, &fm, 0));
	printf("msg_namelen is the full length: %s\n", fm.msg_namelen == l1 ? "yes" : "no");
	dump("name buffer", &from, 8);
	sys_sendmsg(s1, &nm, 0);
	fm.msg_name = NULL;
	fm.msg_namelen = 77;
	res("recvmsg without a name buffer", sys_recvmsg(s2, &fm, 0));
	printf("msg_namelen %u\n", (unsigned)fm.msg_namelen);
	nm.msg_namelen = 200;
	res("sendmsg namelen 200", sys_sendmsg(s1, &nm, 0));

	/* Errors, each alone, then two at once (the kernel's order). */
	int p[2];
	pipe(p);
	res("sendmsg bad fd", sys_sendmsg(999, &sm, 0));
	res("sendmsg not a socket", sys_sendmsg(p[1], &sm, 0));
	res("sendmsg bad msghdr", sys_sendmsg(sd[0], BAD_PTR, 0));
	res("sendmsg not a socket, bad msghdr", sys_sendmsg(p[1], BAD_PTR, 0));
	struct msghdr bad = sm;
	bad.msg_iov = BAD_PTR;
	res("sendmsg bad iovec array", sys_sendmsg(sd[0], &bad, 0));
	struct iovec bi = { BAD_PTR, 4 };
	bad = sm;
	bad.msg_iov = &bi;
	bad.msg_iovlen = 1;
	res("sendmsg bad iov_base", sys_sendmsg(sd[0], &bad, 0));
	bad = sm;
	bad.msg_iovlen = 1025;
	res("sendmsg 1025 iovecs", sys_sendmsg(sd[0], &bad, 0));
	bad = nm;
	bad.msg_namelen = (socklen_t)-1;
	res("sendmsg negative namelen", sys_sendmsg(s1, &bad, 0));
	bad.msg_name = BAD_PTR;
	bad.msg_namelen = 8;
	res("sendmsg bad name", sys_sendmsg(s1, &bad, 0));
	bad.msg_iovlen = 1025;
	res("sendmsg bad name and 1025 iovecs", sys_sendmsg(s1, &bad, 0));
	bad = sm;
	bad.msg_control = a;
	bad.msg_controllen = 0x80000000u;
	res("sendmsg controllen over INT_MAX", sys_sendmsg(sd[0], &bad, 0));
	res("recvmsg bad fd", sys_recvmsg(999, &rm, 0));
	res("recvmsg not a socket", sys_recvmsg(p[0], &rm, 0));
	res("recvmsg bad msghdr", sys_recvmsg(sd[1], BAD_PTR, 0));
	struct msghdr rbad = rm;
	rbad.msg_iovlen = 1025;
	res("recvmsg 1025 iovecs", sys_recvmsg(sd[1], &rbad, 0));
	rbad = rm;
	rbad.msg_iov = BAD_PTR;
	res("recvmsg bad iovec array", sys_recvmsg(sd[1], &rbad, 0));
	rbad = rm;
	rbad.msg_namelen = (socklen_t)-1;
	res("recvmsg negative namelen", sys_recvmsg(sd[1], &rbad, 0));
	/* Faults after the datagram was taken: it is gone. */
	sys_sendmsg(sd[0], &sm, 0);
	rbad = rm;
	rbad.msg_iov = &bi;
	rbad.msg_iovlen = 1;
	res("recvmsg bad iov_base", sys_recvmsg(sd[1], &rbad, 0));
	res("recvmsg then", sys_recvmsg(sd[1], &rm, MSG_DONTWAIT));
	sys_sendmsg(sd[0], &sm, 0);
	rbad = rm;
	rbad.msg_name = BAD_PTR;
	rbad.msg_namelen = 16;
	memset(a, '-', 5);
	res("recvmsg bad name", sys_recvmsg(sd[1], &rbad, 0));
	text("a", a, 5);
	res("recvmsg then", sys_recvmsg(sd[1], &rm, MSG_DONTWAIT));
	/* On a stream, a fault leaves the data. */
	int ss[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, ss);
	write(ss[0], "stream!", 7);
	char g[4] = "----";
	struct iovec gb[2] = { { g, 3 }, { BAD_PTR, 8 } };
	rbad = rm;
	rbad.msg_iov = gb;
	rbad.msg_iovlen = 2;
	rbad.msg_name = NULL;
	res("recvmsg stream, good then bad iov_base", sys_recvmsg(ss[1], &rbad, 0));
	text("good segment", g, 4);
	printf("socket holds %d\n", inq(ss[1]));
	res("recvmsg stream, MSG_DONTWAIT|MSG_CMSG_CLOEXEC", sys_recvmsg(ss[1], &tm, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
	show_msg(&tm);
}

/* ---- SCM_RIGHTS ---- */

static void send_fds(int s, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(64 * sizeof(int))];
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE((size_t)n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	res("sendmsg SCM_RIGHTS", sys_sendmsg(s, &m, 0));
}

static void recv_fds(int s, size_t controllen, int flags, const char *what)
{
	char cbuf[256];
	memset(cbuf, 0xee, sizeof(cbuf));
	char d;
	struct iovec iov = { &d, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = controllen == (size_t)-1 ? NULL : cbuf,
			    .msg_controllen = controllen == (size_t)-1 ? 16 : controllen };
	res(what, sys_recvmsg(s, &m, flags));
	show_msg(&m);
	if (m.msg_control && m.msg_controllen)
		show_cmsgs(&m);
	dump("control bytes", cbuf, controllen == (size_t)-1 ? 0 : controllen < 32 ? controllen : 32);
	for (struct cmsghdr *c = m.msg_control ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_type != SCM_RIGHTS)
			continue;
		for (int i = 0; i < ((int)c->cmsg_len - (int)CMSG_LEN(0)) / 4; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + 4 * i, 4);
			printf("fd %d close-on-exec %d\n", fd, (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
		}
	}
	printf("next free fd %d\n", next_fd());
}

static void rights_case(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	printf("pipe %d %d, next free fd %d\n", p[0], p[1], next_fd());
	int two[2] = { p[0], p[1] };
	send_fds(sv[0], two, 2);
	recv_fds(sv[1], CMSG_SPACE(2 * sizeof(int)), 0, "recvmsg two fds");
	/* The received write end is the same pipe. */
	write(next_fd() - 1, "through", 7);
	char buf[16] = { 0 };
	read(p[0], buf, sizeof(buf));
	text("through the received fd", buf, 7);

	send_fds(sv[0], two, 1);
	recv_fds(sv[1], CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC, "recvmsg MSG_CMSG_CLOEXEC");

	/* Truncated: two of three fit; the third is not installed. */
	int three[3] = { p[0], p[1], 0 };
	send_fds(sv[0], three, 3);
	recv_fds(sv[1], CMSG_SPACE(2 * sizeof(int)), 0, "recvmsg three fds, room for two");
	for (size_t room = 11; room <= 16; room++) {
		send_fds(sv[0], two, 2);
		char what[64];
		snprintf(what, sizeof(what), "recvmsg two fds, controllen %zu", room);
		recv_fds(sv[1], room, 0, what);
	}
	send_fds(sv[0], two, 2);
	recv_fds(sv[1], (size_t)-1, 0, "recvmsg two fds, no control buffer");
	send_fds(sv[0], two, 2);
	recv_fds(sv[1], 0, 0, "recvmsg two fds, controllen 0");

	/* The guest's limit: the fds past it are not delivered. */
	struct rlimit rl, low;
	getrlimit(RLIMIT_NOFILE, &rl);
	int nf = next_fd();
	low.rlim_cur = (rlim_t)nf + 1;
	low.rlim_max = rl.rlim_max;
	send_fds(sv[0], three, 3);
	setrlimit(RLIMIT_NOFILE, &low);
	recv_fds(sv[1], CMSG_SPACE(3 * sizeof(int)), 0, "recvmsg three fds, room for one in the fd table");
	setrlimit(RLIMIT_NOFILE, &rl);

	/* Sending: bad fds, bad messages. */
	int badfd[2] = { p[0], 999 };
	send_fds(sv[0], badfd, 2);
	char cbuf[512];
	struct iovec iov = { "F", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf };
	struct cmsghdr *c = (struct cmsghdr *)cbuf;
	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_len = 8;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	m.msg_controllen = 16;
	res("sendmsg cmsg_len 8", sys_sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[0], sizeof(int));
	m.msg_controllen = 40;
	res("sendmsg cmsg_len past the buffer", (c->cmsg_len = 41, sys_sendmsg(sv[0], &m, 0)));
	c->cmsg_len = CMSG_LEN(sizeof(int));
	for (size_t extra = 1; extra <= 12; extra += 5) {
		m.msg_controllen = CMSG_SPACE(sizeof(int)) + extra;
		char what[64];
		snprintf(what, sizeof(what), "sendmsg %zu bytes after the message", extra);
		res(what, sys_sendmsg(sv[0], &m, 0));
	}
	m.msg_controllen = 8;
	res("sendmsg controllen 8", sys_sendmsg(sv[0], &m, 0));
	m.msg_control = BAD_PTR;
	m.msg_controllen = 16;
	res("sendmsg bad control", sys_sendmsg(sv[0], &m, 0));
	m.msg_control = NULL;
	res("sendmsg control NULL, controllen 16", sys_sendmsg(sv[0], &m, 0));
	m.msg_controllen = 4;
	res("sendmsg control NULL, controllen 4", sys_sendmsg(sv[0], &m, 0));
	/* The control buffer's header readable, its payload not. */
	char *e = edge_page();
	struct cmsghdr *ec = (struct cmsghdr *)(e + 4096 - 12);
	ec->cmsg_len = CMSG_LEN(2 * sizeof(int));
	ec->cmsg_level = SOL_SOCKET;
	ec->cmsg_type = SCM_RIGHTS;
	m.msg_control = ec;
	m.msg_controllen = CMSG_SPACE(2 * sizeof(int));
	res("sendmsg control payload unmapped", sys_sendmsg(sv[0], &m, 0));
	c->cmsg_len = CMSG_LEN(254 * sizeof(int));
	m.msg_controllen = CMSG_SPACE(254 * sizeof(int));
	char *big = malloc(m.msg_controllen);
	memcpy(big, cbuf, sizeof(struct cmsghdr));
	for (int i = 0; i < 254; i++)
		memcpy(CMSG_DATA((struct cmsghdr *)big) + 4 * i, &p[0], 4);
	m.msg_control = big;
	res("sendmsg 254 fds", sys_sendmsg(sv[0], &m, 0));
	((struct cmsghdr *)big)->cmsg_len = CMSG_LEN(253 * sizeof(int));
	m.msg_controllen = CMSG_SPACE(253 * sizeof(int));
	res("sendmsg 253 fds", sys_sendmsg(sv[0], &m, 0));
	char d;
	struct iovec ri = { &d, 1 };
	char *rb = malloc(CMSG_SPACE(253 * sizeof(int)));
	struct msghdr rm = { .msg_iov = &ri, .msg_iovlen = 1, .msg_control = rb,
			     .msg_controllen = CMSG_SPACE(253 * sizeof(int)) };
	res("recvmsg 253 fds", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	int lo = 1 << 30, hi = -1, cnt = 0;
	for (struct cmsghdr *k = CMSG_FIRSTHDR(&rm); k; k = CMSG_NXTHDR(&rm, k))
		for (int i = 0; i < ((int)k->cmsg_len - (int)CMSG_LEN(0)) / 4; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(k) + 4 * i, 4);
			lo = fd < lo ? fd : lo;
			hi = fd > hi ? fd : hi;
			cnt++;
			close(fd);
		}
	printf("received %d fds, %d to %d\n", cnt, lo, hi);
	printf("next free fd %d\n", next_fd());
	/* Leftovers of the failed sends: none were queued. */
	res("recvmsg nothing left", sys_recvmsg(sv[1], &rm, MSG_DONTWAIT));
}

/* ---- SCM_CREDENTIALS ---- */

static void creds_case(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	/* The pids compared are only the guest's when the supervisor may name
	 * it (CAP_SYS_ADMIN); see docs/translation.md. */
	bool root = getuid() == 0;
	printf("pids compared: %s\n", root ? "yes" : "no (not root)");
	struct iovec iov = { "c", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	res("sendmsg without credentials", sys_sendmsg(sv[0], &m, 0));
	char cbuf[128], d;
	struct iovec ri = { &d, 1 };
	struct msghdr rm = { .msg_iov = &ri, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	res("recvmsg with SO_PASSCRED", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	if (root)
		show_cmsgs(&rm);
	struct ucred *uc = (struct ucred *)CMSG_DATA(CMSG_FIRSTHDR(&rm));
	printf("uid is mine: %s gid is mine: %s\n", uc->uid == getuid() ? "yes" : "no",
	       uc->gid == getgid() ? "yes" : "no");

	/* Explicit credentials: ours. */
	char sbuf[CMSG_SPACE(sizeof(struct ucred))];
	memset(sbuf, 0, sizeof(sbuf));
	struct msghdr sm = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = sbuf,
			     .msg_controllen = sizeof(sbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&sm);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	struct ucred me = { getpid(), getuid(), getgid() };
	memcpy(CMSG_DATA(c), &me, sizeof(me));
	res("sendmsg own credentials", sys_sendmsg(sv[0], &sm, 0));
	rm.msg_controllen = sizeof(cbuf);
	res("recvmsg", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	if (root)
		show_cmsgs(&rm);
	c->cmsg_len = CMSG_LEN(8);
	res("sendmsg credentials of 8 bytes", sys_sendmsg(sv[0], &sm, 0));
	c->cmsg_len = CMSG_LEN(sizeof(struct ucred));

	/* Room for the header and 4 bytes: cut, MSG_CTRUNC. */
	sys_sendmsg(sv[0], &sm, 0);
	memset(cbuf, 0xee, sizeof(cbuf));
	rm.msg_controllen = 16;
	res("recvmsg credentials into 16 bytes", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	dump("control header", cbuf, 12);
	int32_t first;
	memcpy(&first, cbuf + 12, 4);
	printf("then 4 bytes of the pid: %s\n", root ? (first == getpid() ? "mine" : "not mine") : "not compared");
	dump("and after them", cbuf + 16, 4);
	sys_sendmsg(sv[0], &sm, 0);
	rm.msg_controllen = 8;
	res("recvmsg credentials into 8 bytes", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	sys_sendmsg(sv[0], &sm, 0);
	rm.msg_control = NULL;
	res("recvmsg credentials, no control buffer", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	rm.msg_control = cbuf;

	/* Credentials and fds together: credentials come first. */
	int p[2];
	pipe(p);
	char both[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
	memset(both, 0, sizeof(both));
	sm.msg_control = both;
	sm.msg_controllen = sizeof(both);
	c = CMSG_FIRSTHDR(&sm);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	c = CMSG_NXTHDR(&sm, c);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	memcpy(CMSG_DATA(c), &me, sizeof(me));
	res("sendmsg fds and credentials", sys_sendmsg(sv[0], &sm, 0));
	rm.msg_controllen = sizeof(cbuf);
	res("recvmsg", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	for (struct cmsghdr *k = CMSG_FIRSTHDR(&rm); k; k = CMSG_NXTHDR(&rm, k))
		printf("cmsg len %u type %d\n", (unsigned)k->cmsg_len, k->cmsg_type);
	/* Room for the credentials only: the fd is dropped. */
	sys_sendmsg(sv[0], &sm, 0);
	rm.msg_controllen = CMSG_SPACE(sizeof(struct ucred)) + 4;
	res("recvmsg fds and credentials, room for the credentials", sys_recvmsg(sv[1], &rm, 0));
	show_msg(&rm);
	printf("next free fd %d\n", next_fd());
}

/* ---- epoll ---- */

static long ep_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
	return syscall(SYS_epoll_ctl, ep, op, fd, ev);
}

static long ep_wait(int ep, struct epoll_event *ev, int n, int timeout)
{
	return syscall(SYS_epoll_wait, ep, ev, n, timeout);
}

static void show_events(long n, const struct epoll_event *ev)
{
	for (long i = 0; i < n; i++)
		printf("event 0x%x data 0x%llx\n", ev[i].events, (unsigned long long)ev[i].data.u64);
}

static void epoll_case(void)
{
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	struct epoll_event ev = { EPOLLIN, { .u64 = 0x1122334455667788ull } }, out[8];
	memset(out, 0xaa, sizeof(out));
	res("epoll_ctl ADD", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	res("epoll_wait nothing ready", ep_wait(ep, out, 8, 0));
	write(p[1], "x", 1);
	long n = ep_wait(ep, out, 8, 0);
	res("epoll_wait", n);
	show_events(n, out);
	dump("untouched event", &out[1], sizeof(out[1]));
	res("epoll_ctl ADD again", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.u64 = 42;
	res("epoll_ctl MOD", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	n = ep_wait(ep, out, 8, 0);
	res("epoll_wait", n);
	show_events(n, out);
	res("epoll_ctl DEL", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	res("epoll_ctl DEL again", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	res("epoll_ctl MOD of what is not there", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));

	/* Registrations are by (file, fd number): through a dup, another one. */
	int d = dup(p[0]);
	res("epoll_ctl ADD a dup", ep_ctl(ep, EPOLL_CTL_ADD, d, &ev));
	res("epoll_ctl ADD the original", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	n = ep_wait(ep, out, 8, 0);
	res("epoll_wait: two registrations", n);
	show_events(n, out);
	res("epoll_ctl DEL the original", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	res("epoll_ctl DEL the original again", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	close(d);
	n = ep_wait(ep, out, 8, 0);
	res("epoll_wait: the dup's registration outlives its fd (same file)", n);
	show_events(n, out);
	res("epoll_ctl DEL the closed dup", ep_ctl(ep, EPOLL_CTL_DEL, d, NULL));
	int d2 = dup(p[0]);
	printf("dup again is %d (same number: %s)\n", d2, d2 == d ? "yes" : "no");
	res("epoll_ctl DEL through the same number", ep_ctl(ep, EPOLL_CTL_DEL, d2, NULL));
	close(d2);
	char c;
	read(p[0], &c, 1);

	/* Errors. */
	int f = open("/proc/self/exe", O_RDONLY);
	res("epoll_ctl ADD bad event", ep_ctl(ep, EPOLL_CTL_ADD, p[0], BAD_PTR));
	res("epoll_ctl DEL bad event", ep_ctl(ep, EPOLL_CTL_DEL, p[0], BAD_PTR));
	res("epoll_ctl bad fds and bad event", ep_ctl(999, EPOLL_CTL_ADD, 999, BAD_PTR));
	res("epoll_ctl bad epfd", ep_ctl(999, EPOLL_CTL_ADD, p[0], &ev));
	res("epoll_ctl bad target", ep_ctl(ep, EPOLL_CTL_ADD, 999, &ev));
	res("epoll_ctl target negative", ep_ctl(ep, EPOLL_CTL_ADD, -5, &ev));
	res("epoll_ctl epfd not an epoll", ep_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev));
	res("epoll_ctl itself", ep_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
	res("epoll_ctl regular file", ep_ctl(ep, EPOLL_CTL_ADD, f, &ev));
	res("epoll_ctl bad op", ep_ctl(ep, 99, p[0], &ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	res("epoll_ctl ADD EPOLLEXCLUSIVE", ep_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	res("epoll_ctl MOD with EPOLLEXCLUSIVE", ep_ctl(ep, EPOLL_CTL_MOD, p[1], &ev));
	ep_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
	res("epoll_wait maxevents 0", ep_wait(ep, out, 0, 0));
	res("epoll_wait maxevents -1", ep_wait(ep, out, -1, 0));
	res("epoll_wait maxevents 0, bad epfd", ep_wait(999, out, 0, 0));
	res("epoll_wait bad epfd", ep_wait(999, out, 8, 0));
	res("epoll_wait not an epoll", ep_wait(p[0], out, 8, 0));
	res("epoll_wait bad events, nothing ready", ep_wait(ep, BAD_PTR, 8, 0));
	ev.events = EPOLLIN;
	ev.data.u64 = 5;
	ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	write(p[1], "y", 1);
	res("epoll_wait bad events, one ready", ep_wait(ep, BAD_PTR, 8, 0));
	char *e = edge_page();
	struct epoll_event *tail = (struct epoll_event *)(e + 4096 - 6);
	res("epoll_wait events running into an unmapped page", ep_wait(ep, tail, 2, 0));
	dump("its mapped part", tail, 6);
	n = ep_wait(ep, out, 8, 0);
	res("epoll_wait: still there", n);

	/* Edge-triggered and one-shot: reported once. */
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 6;
	res("epoll_ctl MOD EPOLLET", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	write(p[1], "z", 1);
	res("epoll_wait edge", ep_wait(ep, out, 8, 0));
	res("epoll_wait edge again", ep_wait(ep, out, 8, 0));
	ev.events = EPOLLIN | EPOLLONESHOT;
	res("epoll_ctl MOD EPOLLONESHOT", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	res("epoll_wait one-shot", ep_wait(ep, out, 8, 0));
	res("epoll_wait one-shot again", ep_wait(ep, out, 8, 0));
	ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
	read(p[0], out, 8);

	/* Many ready, few asked for; a timeout; data that comes later. */
	int q[6][2];
	for (int i = 0; i < 6; i++) {
		pipe(q[i]);
		write(q[i][1], "!", 1);
		ev.events = EPOLLIN;
		ev.data.u64 = 100 + (uint64_t)i;
		ep_ctl(ep, EPOLL_CTL_ADD, q[i][0], &ev);
	}
	n = ep_wait(ep, out, 4, 0);
	res("epoll_wait 6 ready, maxevents 4", n);
	for (int i = 0; i < 6; i++)
		ep_ctl(ep, EPOLL_CTL_DEL, q[i][0], NULL);
	ev.events = EPOLLIN;
	ev.data.u64 = 9;
	ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	res("epoll_wait 30 ms, nothing", ep_wait(ep, out, 8, 30));
	child_after(50, put_late, p[1]);
	n = ep_wait(ep, out, 8, 2000);
	res("epoll_wait, data after 50 ms", n);
	show_events(n, out);
	wait(NULL);
	/* Closing the only fd of a file ends its registration. */
	close(p[0]);
	res("epoll_wait after close", ep_wait(ep, out, 8, 0));
	/* Nested: an epoll in an epoll. */
	int inner = epoll_create1(0), r[2];
	pipe(r);
	ev.data.u64 = 77;
	ep_ctl(inner, EPOLL_CTL_ADD, r[0], &ev);
	ev.data.u64 = 88;
	res("epoll_ctl ADD an epoll", ep_ctl(ep, EPOLL_CTL_ADD, inner, &ev));
	res("epoll_ctl ADD the outer to the inner (a loop)", ep_ctl(inner, EPOLL_CTL_ADD, ep, &ev));
	write(r[1], "n", 1);
	n = ep_wait(ep, out, 8, 0);
	res("epoll_wait outer", n);
	show_events(n, out);
}

/* ---- poll ---- */

static void poll_case(void)
{
	int p[2];
	pipe(p);
	struct pollfd f[5] = {
		{ p[0], POLLIN, 0x5555 }, { p[1], POLLOUT, 0x5555 }, { -1, POLLIN, 0x5555 },
		{ 999, POLLIN, 0x5555 }, { p[0], POLLIN | POLLPRI, 0x5555 },
	};
	res("poll", syscall(SYS_poll, f, 5, 0));
	for (int i = 0; i < 5; i++)
		printf("fd %d events 0x%x revents 0x%x\n", f[i].fd, f[i].events, (unsigned short)f[i].revents);
	write(p[1], "d", 1);
	res("poll with data", syscall(SYS_poll, f, 5, 0));
	for (int i = 0; i < 5; i++)
		printf("fd %d revents 0x%x\n", f[i].fd, (unsigned short)f[i].revents);
	res("poll nothing, 30 ms", syscall(SYS_poll, NULL, 0, 30));
	res("poll bad pointer", syscall(SYS_poll, BAD_PTR, 2, 0));
	res("poll bad pointer, 0 fds", syscall(SYS_poll, BAD_PTR, 0, 0));
	res("poll more fds than RLIMIT_NOFILE", syscall(SYS_poll, f, 0x100000, 0));
	char *e = edge_page();
	struct pollfd *tail = (struct pollfd *)(e + 4096 - 8);
	*tail = (struct pollfd){ p[0], POLLIN, 0 };
	res("poll array running into an unmapped page", syscall(SYS_poll, tail, 2, 0));
	printf("revents 0x%x\n", (unsigned short)tail->revents);
	char c;
	read(p[0], &c, 1);
	child_after(50, put_late, p[1]);
	struct pollfd one = { p[0], POLLIN, 0 };
	res("poll, data after 50 ms", syscall(SYS_poll, &one, 1, 2000));
	printf("revents 0x%x\n", (unsigned short)one.revents);
	wait(NULL);
	char buf[8];
	read(p[0], buf, 4);
	res("poll 30 ms, nothing", syscall(SYS_poll, &one, 1, 30));
	close(p[1]);
	res("poll, writer gone", syscall(SYS_poll, &one, 1, 0));
	printf("revents 0x%x\n", (unsigned short)one.revents);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct pollfd s = { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 };
	shutdown(sv[1], SHUT_WR);
	res("poll, peer shut down", syscall(SYS_poll, &s, 1, 0));
	printf("revents 0x%x\n", (unsigned short)s.revents);
}

/* ---- _newselect ---- */

struct tv32 {
	int32_t sec, usec;
};

static void show_sets(const char *what, const uint32_t *s, int words)
{
	printf("%s:", what);
	for (int i = 0; i < words; i++)
		printf(" %08x", s[i]);
	printf("\n");
}

static void select_case(void)
{
	int p[2];
	pipe(p);
	uint32_t in[2] = { 1u << p[0], 0xffffffffu }, out[2] = { 1u << p[1] | 1u << p[0], 0 },
		 ex[2] = { 1u << p[0], 0 };
	struct tv32 tv = { 0, 0 };
	res("select, zero timeout", syscall(SYS__newselect, p[1] + 1, in, out, ex, &tv));
	show_sets("in", in, 2);
	show_sets("out", out, 2);
	show_sets("ex", ex, 2);
	printf("tv %d %d\n", tv.sec, tv.usec);
	write(p[1], "s", 1);
	in[0] = 1u << p[0];
	out[0] = 1u << p[1];
	tv = (struct tv32){ 1, 0 };
	res("select, data ready, 1 s", syscall(SYS__newselect, p[1] + 1, in, out, NULL, &tv));
	show_sets("in", in, 1);
	show_sets("out", out, 1);
	printf("time left 0.9 s to 1 s: %s\n", tv.sec == 0 && tv.usec > 900000 ? "yes" : tv.sec == 1 && tv.usec == 0 ? "yes" : "no");
	char c;
	read(p[0], &c, 1);
	in[0] = 1u << p[0];
	tv = (struct tv32){ 0, 30000 };
	res("select 30 ms, nothing", syscall(SYS__newselect, p[0] + 1, in, NULL, NULL, &tv));
	show_sets("in", in, 1);
	printf("tv %d %d\n", tv.sec, tv.usec);
	tv = (struct tv32){ 0, 30000 };
	res("select nothing at all, 30 ms", syscall(SYS__newselect, 0, NULL, NULL, NULL, &tv));
	printf("tv %d %d\n", tv.sec, tv.usec);
	child_after(50, put_late, p[1]);
	in[0] = 1u << p[0];
	res("select no timeout, data after 50 ms", syscall(SYS__newselect, p[0] + 1, in, NULL, NULL, NULL));
	show_sets("in", in, 1);
	wait(NULL);
	char buf[8];
	read(p[0], buf, 4);

	/* Bits past n, and past the fd table (FDSize), are left alone. */
	static uint32_t big[64];
	memset(big, 0, sizeof(big));
	big[0] = 1u << p[1];
	big[40] = 0xffffffffu;
	tv = (struct tv32){ 0, 0 };
	res("select n 2048, bits past the fd table", syscall(SYS__newselect, 2048, NULL, big, NULL, &tv));
	printf("word 0 %08x word 1 %08x word 40 %08x\n", big[0], big[1], big[40]);
	uint32_t w3 = 1u << p[1] | 1u << 31;
	res("select n = p[1] + 1 with bit 31 set", syscall(SYS__newselect, p[1] + 1, NULL, &w3, NULL, &tv));
	printf("word %08x\n", w3);

	/* Errors. */
	uint32_t badbit[1] = { 1u << 30 };
	res("select a closed fd", syscall(SYS__newselect, 31, badbit, NULL, NULL, &tv));
	res("select n negative", syscall(SYS__newselect, -1, NULL, NULL, NULL, &tv));
	res("select bad set", syscall(SYS__newselect, 4, BAD_PTR, NULL, NULL, &tv));
	res("select bad timeval", syscall(SYS__newselect, 4, NULL, NULL, NULL, BAD_PTR));
	tv = (struct tv32){ 0, -1 };
	res("select negative usec", syscall(SYS__newselect, 0, NULL, NULL, NULL, &tv));
	tv = (struct tv32){ -1, 0 };
	res("select negative sec", syscall(SYS__newselect, 0, NULL, NULL, NULL, &tv));
	tv = (struct tv32){ -1, 0 };
	res("select negative sec, bad set", syscall(SYS__newselect, 4, BAD_PTR, NULL, NULL, &tv));
	tv = (struct tv32){ 0, 1050000 };
	in[0] = 1u << p[1];
	res("select usec over a second, ready at once", syscall(SYS__newselect, p[1] + 1, NULL, in, NULL, &tv));
	printf("time left 1 s to 1.05 s: %s\n", tv.sec == 1 && tv.usec > 0 && tv.usec <= 50000 ? "yes" : "no");
	/* The time left is written even when the call fails. */
	tv = (struct tv32){ 5, 0 };
	res("select bad set, 5 s", syscall(SYS__newselect, 4, BAD_PTR, NULL, NULL, &tv));
	printf("time left 4.9 s to 5 s: %s\n", (tv.sec == 4 && tv.usec > 900000) || (tv.sec == 5 && tv.usec == 0) ? "yes" : "no");
	tv = (struct tv32){ 5, 0 };
	res("select a closed fd, 5 s", syscall(SYS__newselect, 31, badbit, NULL, NULL, &tv));
	printf("time left 4.9 s to 5 s: %s\n", (tv.sec == 4 && tv.usec > 900000) || (tv.sec == 5 && tv.usec == 0) ? "yes" : "no");
}

/* ---- threads: several guest threads wait in translated calls at once ---- */

struct waiter {
	int fd;
	char got[8];
	long r;
};

static void *wait_readv(void *arg)
{
	struct waiter *w = arg;
	struct iovec iov = { w->got, 4 };
	w->r = sys_readv(w->fd, &iov, 1);
	return NULL;
}

static void *wait_poll(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pf = { w->fd, POLLIN, 0 };
	w->r = syscall(SYS_poll, &pf, 1, 5000);
	return NULL;
}

static void threads_case(void)
{
	int p[4][2];
	struct waiter w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		pipe(p[i]);
		w[i] = (struct waiter){ .fd = p[i][0], .r = -2 };
		pthread_create(&t[i], NULL, i % 2 ? wait_poll : wait_readv, &w[i]);
	}
	usleep(100000);
	/* Meanwhile this thread's calls are served. */
	struct iovec iov = { "main", 4 };
	int q[2];
	pipe(q);
	res("writev while four threads wait", sys_writev(q[1], &iov, 1));
	for (int i = 3; i >= 0; i--) {
		write(p[i][1], "thr", 3);
		pthread_join(t[i], NULL);
		printf("thread %d: %ld", i, w[i].r);
		if (i % 2 == 0)
			printf(" \"%.3s\"", w[i].got);
		printf("\n");
	}
}

/* ---- a signalfd: it reads and polls its caller's signals ---- */

static void send_usr1(int pid)
{
	kill(pid, SIGUSR1);
}

static void signalfd_case(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int sfd = signalfd(-1, &s, 0);
	int p[2];
	pipe(p);
	struct pollfd f[2] = { { sfd, POLLIN, 0 }, { p[0], POLLIN, 0 } };
	res("poll, no signal", syscall(SYS_poll, f, 2, 0));
	kill(getpid(), SIGUSR1);
	res("poll, SIGUSR1 pending", syscall(SYS_poll, f, 2, 0));
	printf("revents 0x%x 0x%x\n", (unsigned short)f[0].revents, (unsigned short)f[1].revents);
	uint32_t in[1] = { 1u << sfd | 1u << p[0] }, out[1] = { 1u << sfd };
	struct tv32 tv = { 0, 0 };
	res("select, SIGUSR1 pending", syscall(SYS__newselect, (sfd > p[0] ? sfd : p[0]) + 1, in, out, NULL, &tv));
	printf("in %08x out %08x\n", in[0], out[0]);
	struct signalfd_siginfo si;
	struct iovec iov = { &si, sizeof(si) };
	res("readv the signalfd", sys_readv(sfd, &iov, 1));
	printf("signal %u\n", si.ssi_signo);
	res("poll, taken", syscall(SYS_poll, f, 2, 0));
	child_after(50, send_usr1, getpid());
	res("poll, SIGUSR1 after 50 ms", syscall(SYS_poll, f, 1, 2000));
	wait(NULL);
	in[0] = 1u << sfd;
	res("select, still pending", syscall(SYS__newselect, sfd + 1, in, NULL, NULL, NULL));
	read(sfd, &si, sizeof(si));
	/* epoll: the kernel adds it and waits on that instance. */
	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u64 = 31 } }, outev[2];
	res("epoll_ctl ADD the signalfd", ep_ctl(ep, EPOLL_CTL_ADD, sfd, &ev));
	res("epoll_wait, no signal", ep_wait(ep, outev, 2, 0));
	child_after(50, send_usr1, getpid());
	long n = ep_wait(ep, outev, 2, 2000);
	res("epoll_wait, SIGUSR1 after 50 ms", n);
	show_events(n, outev);
	wait(NULL);
}

/* ---- a terminal: job control is the caller's, the kernel keeps it ---- */

static void tty_case(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	write(m, "line\n", 5);
	char a[8] = { 0 };
	struct iovec iov = { a, sizeof(a) };
	res("readv a terminal", sys_readv(s, &iov, 1));
	text("data", a, 5);
	struct iovec w = { "out\n", 4 };
	res("writev a terminal", sys_writev(s, &w, 1));
}

/* ---- MSG_ZEROCOPY ---- */

/* Pattern SEED over N bytes: no two runs of the same bytes. */
static void fill(char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(seed + i * 7 + i / 251);
}

/* With SO_ZEROCOPY, MSG_ZEROCOPY pins the sender's pages and the kernel
 * sends them when it can: here not before the receiver, whose window is
 * small, reads. What arrives must be the bytes the guest sent (whoever made
 * the call must not have handed the kernel a buffer it then reused), the
 * call returns what it does natively, and the completion comes on the
 * error queue. */
static void zerocopy_case(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	int small = 2048; /* inherited by the accepted socket: a small window */
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &al)) {
		perror("zerocopy: listen");
		return;
	}
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a))) {
		perror("zerocopy: connect");
		return;
	}
	int r = accept(l, NULL, NULL);
	int one = 1;
	res("SO_ZEROCOPY", setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)));
	enum { N = 4096 };
	static char zc[N], plain[N], want[3 * N], got[3 * N + 1];
	fill(zc, N, 1);
	fill(plain, N, 100);
	memcpy(want, zc, N);
	memcpy(want + N, plain, N);
	memcpy(want + 2 * N, zc, N);
	struct iovec zv = { zc, N }, pv = { plain, N };
	struct msghdr zm = { .msg_iov = &zv, .msg_iovlen = 1 };
	struct msghdr pm = { .msg_iov = &pv, .msg_iovlen = 1 };
	res("sendmsg MSG_ZEROCOPY 4096", sys_sendmsg(c, &zm, MSG_ZEROCOPY));
	res("sendmsg 4096", sys_sendmsg(c, &pm, 0));
	res("sendmsg MSG_ZEROCOPY|MSG_DONTWAIT 4096", sys_sendmsg(c, &zm, MSG_ZEROCOPY | MSG_DONTWAIT));
	usleep(200000);
	size_t n = 0;
	while (n < sizeof(want)) {
		struct iovec rv = { got + n, sizeof(got) - n };
		struct msghdr rm = { .msg_iov = &rv, .msg_iovlen = 1 };
		long k = sys_recvmsg(r, &rm, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	printf("received %zu bytes, the ones sent: %s\n", n,
	       n == sizeof(want) && !memcmp(got, want, n) ? "yes" : "no");
	/* The completions: ranges of send ids (0 and 1), merged or not
	 * depending on timing. Loopback copies on delivery: each says
	 * SO_EE_CODE_ZEROCOPY_COPIED. */
	unsigned next = 0;
	bool all_ok = true;
	for (int tries = 0; next < 2 && tries < 100; tries++) {
		char ctl[128];
		struct msghdr em = { .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		long k = sys_recvmsg(c, &em, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (k < 0) {
			usleep(10000);
			continue;
		}
		struct cmsghdr *cm = CMSG_FIRSTHDR(&em);
		if (!cm) {
			printf("completion without a message\n");
			break;
		}
		struct sock_extended_err ee;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		all_ok &= ee.ee_errno == 0 && ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY &&
			  ee.ee_info == next && ee.ee_code == SO_EE_CODE_ZEROCOPY_COPIED;
		next = ee.ee_data + 1;
	}
	printf("completions in order, copied: %s\n", all_ok ? "yes" : "no");
	printf("every zerocopy send completed: %s\n", next == 2 ? "yes" : "no");
	close(c);
	close(r);
	close(l);
}

/* ---- socket timeouts too long for 64-bit nanoseconds ---- */

/* SO_RCVTIMEO_NEW takes a 64-bit tv_sec (up to ~9e15 s at HZ 1000). This
 * one, times 1e9, wraps to 1024 ns: a deadline computed without saturating
 * would pass at once (EAGAIN). The kernel waits: the alarm ends it, EINTR
 * (a socket with a timeout is never restarted). */
static void sotimeo_case(void)
{
	int sp[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	struct { int64_t sec, usec; } tv = { 4394217352542426LL, 0 };
	res("SO_RCVTIMEO_NEW 4394217352542426 s", setsockopt(sp[0], SOL_SOCKET, 66, &tv, sizeof(tv)));
	char b[4];
	struct iovec v = { b, sizeof(b) };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	alarms = 0;
	arm(300, 0);
	res("recvmsg, nothing comes", sys_recvmsg(sp[0], &m, 0));
	printf("the alarm ended it: %s\n", alarms == 1 ? "yes" : "no");
	arm(300, 0);
	res("readv, nothing comes", sys_readv(sp[0], &v, 1));
	printf("the alarm ended it: %s\n", alarms == 2 ? "yes" : "no");
	close(sp[0]);
	close(sp[1]);
}

/* EPOLLEXCLUSIVE: two epoll instances watch one pipe exclusively, a
 * thread waits in each; one byte wakes exactly one of them (the kernel
 * stops at the first exclusive waiter that is really waiting). */
struct excl_arg {
	int ep;
	int got;
};

static void *excl_wait(void *p)
{
	struct excl_arg *a = p;
	struct epoll_event ev;
	a->got = epoll_wait(a->ep, &ev, 1, 400);
	return NULL;
}

static void exclusive_case(void)
{
	int p[2];
	pipe(p);
	struct excl_arg a[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		a[i].ep = epoll_create1(0);
		struct epoll_event ev = { EPOLLIN | EPOLLEXCLUSIVE, { .u32 = (uint32_t)i } };
		res("add exclusive", epoll_ctl(a[i].ep, EPOLL_CTL_ADD, p[0], &ev));
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, excl_wait, &a[i]);
	usleep(150000); /* both are waiting */
	write(p[1], "x", 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("woken: %d\n", (a[0].got == 1) + (a[1].got == 1));
	for (int i = 0; i < 2; i++)
		close(a[i].ep);
	close(p[0]);
	close(p[1]);
}

/* select (82), old_select: the five arguments in a block. */
static void old_select_case(void)
{
	struct {
		int32_t n;
		uint32_t in, out, ex, tv;
	} blk;
	struct {
		int32_t sec, usec;
	} tv;
	int p[2];
	if (pipe(p) < 0)
		return;
	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	blk = (typeof(blk)){ p[1] + 1, (uint32_t)(uintptr_t)&r, (uint32_t)(uintptr_t)&w, 0, 0 };
	res("select: write end ready", syscall(SYS_select, &blk));
	printf("  read set has the read end %d, write set the write end %d\n", FD_ISSET(p[0], &r),
	       FD_ISSET(p[1], &w));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv.sec = 0;
	tv.usec = 30000;
	blk = (typeof(blk)){ p[0] + 1, (uint32_t)(uintptr_t)&r, 0, 0, (uint32_t)(uintptr_t)&tv };
	res("select: empty pipe, 30 ms", syscall(SYS_select, &blk));
	printf("  time left %d.%06d, read set %d\n", tv.sec, tv.usec, FD_ISSET(p[0], &r));
	(void)!write(p[1], "x", 1);
	FD_SET(p[0], &r);
	tv.sec = 5;
	tv.usec = 0;
	res("select: data", syscall(SYS_select, &blk));
	printf("  time left under 5 s %d, read set %d\n", tv.sec < 5 || tv.usec == 0, FD_ISSET(p[0], &r));
	tv.sec = -1;
	res("select: negative timeout", syscall(SYS_select, &blk));
	FD_ZERO(&r);
	FD_SET(40, &r); /* within the fd table, which cuts n */
	blk = (typeof(blk)){ 41, (uint32_t)(uintptr_t)&r, 0, 0, 0 };
	res("select: an fd not open", syscall(SYS_select, &blk));
	blk.n = -1;
	res("select: n -1", syscall(SYS_select, &blk));
	blk = (typeof(blk)){ p[0] + 1, 16, 0, 0, 0 };
	res("select: bad set", syscall(SYS_select, &blk));
	res("select: bad block", syscall(SYS_select, BAD_PTR));
	res("select: NULL block", syscall(SYS_select, NULL));
	close(p[0]);
	close(p[1]);
}

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441 /* the same number on i386 and x86_64 */
#endif

/* epoll_pwait2: a 64-bit timespec on both ABIs, checked before the instance;
 * on i386 the kernel keeps tv_nsec's low 32 bits. */
static void pwait2_case(void)
{
	int ep = epoll_create1(0);
	int p[2];
	pipe(p);
	struct epoll_event ev = { EPOLLIN, { .u64 = 0x1122334455667788ull } }, out[4];
	memset(out, 0xaa, sizeof(out));
	ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	int64_t ts[2] = { 0, 0 };
	res("epoll_pwait2 zero timeout, nothing ready",
	    syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 0));
	ts[1] = 20 * 1000000;
	res("epoll_pwait2 20 ms, nothing ready", syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 0));
	write(p[1], "x", 1);
	long n = syscall(SYS_epoll_pwait2, ep, out, 4, NULL, NULL, 0);
	res("epoll_pwait2 no timeout, one ready", n);
	show_events(n, out);
	dump("untouched event", &out[1], sizeof(out[1]));
	ts[1] = (int64_t)1 << 32;
	res("epoll_pwait2 tv_nsec above 32 bits", syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 0));
	ts[1] = 1000000000;
	res("epoll_pwait2 tv_nsec too big", syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 0));
	ts[0] = -1, ts[1] = 0;
	res("epoll_pwait2 negative tv_sec", syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 0));
	res("epoll_pwait2 bad timeout", syscall(SYS_epoll_pwait2, ep, out, 4, BAD_PTR, NULL, 0));
	res("epoll_pwait2 bad timeout, bad epfd",
	    syscall(SYS_epoll_pwait2, 999, out, 4, BAD_PTR, NULL, 0));
	ts[0] = 0;
	res("epoll_pwait2 bad events", syscall(SYS_epoll_pwait2, ep, BAD_PTR, 4, ts, NULL, 0));
	res("epoll_pwait2 maxevents 0", syscall(SYS_epoll_pwait2, ep, out, 0, ts, NULL, 0));
	res("epoll_pwait2 bad epfd", syscall(SYS_epoll_pwait2, 999, out, 4, ts, NULL, 0));
	res("epoll_pwait2 not an epoll", syscall(SYS_epoll_pwait2, p[0], out, 4, ts, NULL, 0));
	res("epoll_pwait2 no mask, any sigsetsize",
	    syscall(SYS_epoll_pwait2, ep, out, 4, ts, NULL, 3));
	sigset_t none;
	sigemptyset(&none);
	res("epoll_pwait2 with a mask", syscall(SYS_epoll_pwait2, ep, out, 4, ts, &none, 8));
	close(p[0]);
	close(p[1]);
	close(ep);
}

/* One case for both: each costs two program starts, which a VM makes slow. */
static void select_and_old(void)
{
	select_case();
	old_select_case();
}

static const struct diff_case cases[] = {
	{ "readv", readv_case, "translated" },
	{ "writev", writev_case, "translated" },
	{ "prw", prw_case, "translated" },
	{ "blocking", blocking_case, "translated" },
	{ "interrupt", interrupt_case, "translated" },
	{ "sendrecv", sendrecv_case, "translated" },
	{ "rights", rights_case, "translated" },
	{ "creds", creds_case, "translated" },
	{ "epoll", epoll_case, "translated" },
	{ "exclusive", exclusive_case, "translated=epoll_wait" },
	{ "pwait2", pwait2_case, "translated=epoll_pwait2" },
	{ "poll", poll_case, "translated" },
	{ "select", select_and_old, "translated=select" },
	{ "threads", threads_case, "translated" },
	{ "signalfd", signalfd_case, "translated" },
	{ "zerocopy", zerocopy_case, "translated" },
	{ "sotimeo", sotimeo_case, "translated" },
	{ "tty", tty_case, "kernel" },
};

DIFF_MAIN(cases)
