/* Differential guest for POSIX message queues through glibc's mq_*
 * functions (mq_open 277, mq_timedsend 279, mq_timedreceive 280,
 * mq_getsetattr 282; glibc makes the time32 calls while a timeout fits 32
 * bits), and raw calls where glibc would itself touch a bad pointer.
 * Queue names carry the pid (never printed); fds, modes, attributes,
 * messages and errors are printed, times only as relations. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diffcase.h"

/* i386 numbers. */
enum { NR_mq_open = 277, NR_mq_timedsend = 279, NR_mq_timedreceive = 280, NR_mq_getsetattr = 282 };

static void *volatile bad = BAD_PTR;
static char qname[64];

static const char *name(const char *tag)
{
	snprintf(qname, sizeof(qname), "/cb-diff-%s-%d", tag, (int)getpid());
	return qname;
}

static mqd_t make(const char *tag, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	mq_unlink(name(tag));
	mqd_t q = mq_open(name(tag), O_CREAT | O_EXCL | flags, 0600, &a);
	res("mq_open O_CREAT|O_EXCL", q);
	return q;
}

static void show_attr(const char *what, const struct mq_attr *a)
{
	printf("%s: flags %#lx maxmsg %ld msgsize %ld curmsgs %ld\n", what, a->mq_flags,
	       a->mq_maxmsg, a->mq_msgsize, a->mq_curmsgs);
}

static void getattr(const char *what, mqd_t q)
{
	struct mq_attr a;
	memset(&a, 0xaa, sizeof(a));
	int r = mq_getattr(q, &a);
	res(what, r);
	if (!r)
		show_attr(what, &a);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct timespec in_ms(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += (long)ms * 1000000;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

/* Open, create (mode under the umask, attributes), get and set the
 * attributes, the raw 32-byte struct both ways. */
static void attrs_case(void)
{
	umask(022);
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	mq_unlink(name("attrs"));
	mqd_t q = mq_open(name("attrs"), O_CREAT | O_EXCL | O_RDWR, 0666, &a);
	res("mq_open create 0666 maxmsg 4 msgsize 64", q);
	printf("close-on-exec: %s\n", fcntl(q, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	struct stat st;
	if (fstat(q, &st) == 0)
		printf("mode %o, owner %s\n", st.st_mode & 07777,
		       st.st_uid == geteuid() ? "self" : "other");
	getattr("mq_getattr", q);
	struct mq_attr n = { .mq_flags = O_NONBLOCK }, o;
	memset(&o, 0xaa, sizeof(o));
	res("mq_setattr O_NONBLOCK", mq_setattr(q, &n, &o));
	show_attr("old", &o);
	getattr("mq_getattr after", q);
	printf("fd O_NONBLOCK: %s\n", fcntl(q, F_GETFL) & O_NONBLOCK ? "yes" : "no");
	n.mq_flags = O_NONBLOCK | 1;
	res("mq_setattr flags 0x801", mq_setattr(q, &n, &o));
	n.mq_flags = -1;
	res("mq_setattr flags -1", mq_setattr(q, &n, NULL));
	/* The raw i386 struct: 8 longs; the reserved ones ignored in, zeroed out. */
	int32_t raw_in[8] = { 0, 99, 99, 99, 1, 2, 3, 4 };
	unsigned char raw_out[40];
	memset(raw_out, 0xaa, sizeof(raw_out));
	res("raw mq_getsetattr", syscall(NR_mq_getsetattr, q, raw_in, raw_out));
	dump("raw old (32 bytes and 8 after)", raw_out, sizeof(raw_out));
	res("mq_getsetattr NULL NULL", syscall(NR_mq_getsetattr, q, NULL, NULL));
	mq_close(q);

	umask(077);
	q = mq_open(name("attrs"), O_RDONLY);
	res("mq_open existing O_RDONLY", q);
	getattr("its attributes", q);
	mq_close(q);
	res("mq_open existing O_CREAT|O_EXCL", mq_open(name("attrs"), O_CREAT | O_EXCL | O_RDWR, 0600, NULL));
	res("mq_open O_WRONLY|O_RDWR", mq_open(name("attrs"), O_WRONLY | O_RDWR));
	/* Without O_CREAT the compat entry never reads the attributes. */
	q = (mqd_t)syscall(NR_mq_open, name("attrs") + 1, O_RDWR, 0, bad);
	res("raw mq_open existing, bad attr, no O_CREAT", q);
	mq_close(q);
	res("mq_unlink", mq_unlink(name("attrs")));
	res("mq_open missing", mq_open(name("attrs"), O_RDWR));
	q = mq_open(name("attrs"), O_CREAT | O_RDWR, 0666, NULL);
	res("mq_open create default attrs, umask 077", q);
	if (fstat(q, &st) == 0)
		printf("mode %o\n", st.st_mode & 07777);
	getattr("default attributes", q);
	mq_close(q);
	mq_unlink(name("attrs"));
	umask(022);

	struct mq_attr z = { .mq_maxmsg = 0, .mq_msgsize = 8 };
	res("mq_open maxmsg 0", mq_open(name("attrs"), O_CREAT | O_RDWR, 0600, &z));
	struct mq_attr big = { .mq_maxmsg = 100000, .mq_msgsize = 8 };
	res("mq_open maxmsg 100000", mq_open(name("attrs"), O_CREAT | O_RDWR, 0600, &big));
	struct mq_attr neg = { .mq_maxmsg = 4, .mq_msgsize = -1 };
	res("mq_open msgsize -1", mq_open(name("attrs"), O_CREAT | O_RDWR, 0600, &neg));
	res("raw mq_open a/b", syscall(NR_mq_open, "a/b", O_CREAT | O_RDWR, 0600, NULL));
	res("raw mq_open empty name", syscall(NR_mq_open, "", O_CREAT | O_RDWR, 0600, NULL));
	char longname[5000];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	res("raw mq_open 4999-byte name", syscall(NR_mq_open, longname, O_CREAT | O_RDWR, 0600, NULL));
	longname[300] = 0;
	res("raw mq_open 300-byte name", syscall(NR_mq_open, longname, O_CREAT | O_RDWR, 0600, NULL));
}

/* Priorities, sizes, a full and an empty non-blocking queue, bad fds. */
static void sendrecv_case(void)
{
	mqd_t q = make("sr", O_RDWR, 4, 16);
	static const struct { const char *m; unsigned p; } in[] = {
		{ "one", 1 }, { "five", 5 }, { "three", 3 }, { "five again", 5 },
	};
	for (size_t i = 0; i < 4; i++)
		res("mq_send", mq_send(q, in[i].m, strlen(in[i].m), in[i].p));
	getattr("four queued", q);
	for (int i = 0; i < 4; i++) {
		char buf[17];
		unsigned prio = 0xaaaa;
		memset(buf, 0, sizeof(buf));
		ssize_t n = mq_receive(q, buf, 16, &prio);
		res("mq_receive", n);
		printf("  '%s' prio %u\n", buf, prio);
	}
	char big[64] = "0123456789abcdef0123";
	res("mq_send 17 bytes to msgsize 16", mq_send(q, big, 17, 0));
	res("mq_send 16 bytes", mq_send(q, big, 16, 0));
	res("mq_send 0 bytes", mq_send(q, big, 0, 7));
	res("mq_send prio 32768", mq_send(q, big, 1, 32768));
	res("mq_send prio 32767", mq_send(q, big, 1, 32767));
	res("mq_receive into 15 bytes", mq_receive(q, big, 15, NULL));
	unsigned prio;
	res("mq_receive", mq_receive(q, big, sizeof(big), &prio));
	printf("  prio %u\n", prio);
	res("mq_receive", mq_receive(q, big, sizeof(big), &prio));
	printf("  prio %u\n", prio);
	res("mq_receive", mq_receive(q, big, sizeof(big), &prio));
	printf("  prio %u\n", prio);
	/* A huge length is accepted: the message is at most msgsize. */
	res("mq_send 4 bytes", mq_send(q, "abcd", 4, 2));
	res("mq_receive with length 2^31", mq_receive(q, big, 0x80000000u, NULL));

	struct mq_attr nb = { .mq_flags = O_NONBLOCK };
	mq_setattr(q, &nb, NULL);
	res("mq_receive empty, O_NONBLOCK", mq_receive(q, big, sizeof(big), NULL));
	for (int i = 0; i < 4; i++)
		res("mq_send", mq_send(q, "x", 1, (unsigned)i));
	res("mq_send full, O_NONBLOCK", mq_send(q, "y", 1, 0));
	getattr("full", q);

	res("mq_send fd 999", mq_send(999, "x", 1, 0));
	res("mq_receive fd 999", mq_receive(999, big, sizeof(big), NULL));
	res("mq_getattr fd 999", mq_getattr(999, &nb));
	int p[2];
	if (pipe(p) == 0) {
		res("mq_send to a pipe", mq_send(p[1], "x", 1, 0));
		res("mq_receive from a pipe", mq_receive(p[0], big, sizeof(big), NULL));
		res("mq_getattr of a pipe", mq_getattr(p[0], &nb));
		close(p[0]);
		close(p[1]);
	}
	mqd_t ro = mq_open(name("sr"), O_RDONLY), wo = mq_open(name("sr"), O_WRONLY);
	res("mq_send on O_RDONLY", mq_send(ro, "x", 1, 0));
	res("mq_receive on O_WRONLY", mq_receive(wo, big, sizeof(big), NULL));
	getattr("O_WRONLY's attributes", wo);
	mq_close(ro);
	mq_close(wo);
	mq_close(q);
	mq_unlink(name("sr"));
}

/* Timeouts: an empty queue, a full one, a deadline passed, bad ones. */
static void timeout_case(void)
{
	mqd_t q = make("to", O_RDWR, 1, 8);
	char buf[8];
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec d = in_ms(100);
	res("mq_timedreceive empty, 100 ms", mq_timedreceive(q, buf, 8, NULL, &d));
	printf("waited 90 ms or more: %s\n", now_ns(CLOCK_MONOTONIC) - t0 >= 90000000 ? "yes" : "no");
	res("mq_send", mq_send(q, "a", 1, 0));
	t0 = now_ns(CLOCK_MONOTONIC);
	d = in_ms(100);
	res("mq_timedsend full, 100 ms", mq_timedsend(q, "b", 1, 0, &d));
	printf("waited 90 ms or more: %s\n", now_ns(CLOCK_MONOTONIC) - t0 >= 90000000 ? "yes" : "no");
	struct timespec past = { 1, 0 };
	res("mq_timedsend full, deadline 1970", mq_timedsend(q, "b", 1, 0, &past));
	res("mq_timedreceive, deadline 1970", mq_timedreceive(q, buf, 8, NULL, &past));
	res("mq_timedreceive empty, deadline 1970", mq_timedreceive(q, buf, 8, NULL, &past));
	struct timespec badns = { 1, 1000000000 }, negs = { -1, 0 }, negns = { 1, -1 };
	res("mq_timedreceive nsec 1e9", mq_timedreceive(q, buf, 8, NULL, &badns));
	res("mq_timedreceive sec -1", mq_timedreceive(q, buf, 8, NULL, &negs));
	res("mq_timedsend nsec -1", mq_timedsend(q, "b", 1, 0, &negns));
	/* The timeout is read before the fd is looked at. */
	res("mq_timedsend fd 999, nsec 1e9", mq_timedsend(999, "b", 1, 0, &badns));
	res("mq_timedreceive fd 999, nsec 1e9", mq_timedreceive(999, buf, 8, NULL, &badns));
	mq_close(q);
	mq_unlink(name("to"));
}

/* EFAULT for every pointer, and what the kernel did before it faulted. */
static void faults_case(void)
{
	mqd_t q = make("fa", O_RDWR, 2, 8);
	char buf[8];
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 8 };
	res("raw mq_open bad name", syscall(NR_mq_open, bad, O_CREAT | O_RDWR, 0600, &a));
	res("raw mq_open bad name, bad attr", syscall(NR_mq_open, bad, O_CREAT | O_RDWR, 0600, bad));
	res("mq_open O_CREAT bad attr", mq_open(name("fa2"), O_CREAT | O_RDWR, 0600, bad));
	res("mq_open missing, bad attr: ENOENT", mq_open(name("fa2"), O_RDWR, 0600, bad));
	res("mq_setattr bad new", mq_setattr(q, bad, NULL));
	res("mq_getattr bad old", mq_getattr(q, bad));
	struct mq_attr nb = { .mq_flags = O_NONBLOCK };
	res("mq_setattr O_NONBLOCK, bad old", mq_setattr(q, &nb, bad));
	getattr("set anyway", q);
	res("mq_setattr fd 999, bad new", mq_setattr(999, bad, NULL));
	res("mq_setattr fd 999, bad old", mq_setattr(999, &nb, bad));
	res("mq_send bad message", mq_send(q, bad, 4, 0));
	res("mq_send bad message of 0 bytes", mq_send(q, bad, 0, 0));
	res("mq_send fd 999, bad message", mq_send(999, bad, 4, 0));
	res("mq_send 9 bytes, bad message", mq_send(q, bad, 9, 0));
	res("mq_send bad message, prio 40000", mq_send(q, bad, 4, 40000));
	getattr("queued", q);
	res("mq_send", mq_send(q, "abc", 3, 9));
	res("mq_receive bad buffer", mq_receive(q, bad, 8, NULL));
	getattr("taken anyway", q);
	res("mq_send", mq_send(q, "abc", 3, 9));
	res("mq_receive bad prio", mq_receive(q, buf, 8, bad));
	getattr("taken anyway", q);
	res("mq_receive the 0-byte message, bad buffer", mq_receive(q, bad, 8, NULL));
	res("mq_send", mq_send(q, "", 0, 1));
	res("mq_receive another 0-byte message, bad buffer", mq_receive(q, bad, 8, NULL));
	res("raw mq_timedsend bad timeout", syscall(NR_mq_timedsend, q, "x", 1, 0, bad));
	res("raw mq_timedsend fd 999, bad timeout", syscall(NR_mq_timedsend, 999, "x", 1, 0, bad));
	res("raw mq_timedreceive bad timeout", syscall(NR_mq_timedreceive, q, buf, 8, NULL, bad));
	res("raw mq_timedreceive fd 999, bad timeout", syscall(NR_mq_timedreceive, 999, buf, 8, NULL, bad));
	getattr("at the end", q);
	mq_close(q);
	mq_unlink(name("fa"));
}

/* Blocking: another process sends or receives 100 ms later. */
static void block_case(void)
{
	mqd_t q = make("bl", O_RDWR, 1, 8);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(100000);
		mq_send(q, "late", 4, 3);
		_exit(0);
	}
	char buf[8] = { 0 };
	unsigned prio = 0;
	res("mq_receive, sent 100 ms later", mq_receive(q, buf, 8, &prio));
	printf("  '%s' prio %u\n", buf, prio);
	waitpid(pid, NULL, 0);
	res("mq_send", mq_send(q, "first", 5, 1));
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		char b[8];
		mq_receive(q, b, 8, NULL);
		_exit(0);
	}
	struct timespec d = in_ms(5000);
	res("mq_timedsend full, received 100 ms later", mq_timedsend(q, "second", 6, 2, &d));
	waitpid(pid, NULL, 0);
	memset(buf, 0, sizeof(buf));
	res("mq_receive", mq_receive(q, buf, 8, &prio));
	printf("  '%s' prio %u\n", buf, prio);
	mq_close(q);
	mq_unlink(name("bl"));
}

static volatile int caught;
static void on_alarm(int sig)
{
	(void)sig;
	caught++;
}

/* A handled signal: EINTR without SA_RESTART; with it the call goes on to
 * its absolute deadline. */
static void intr_case(void)
{
	mqd_t q = make("in", O_RDWR, 1, 8);
	char buf[8];
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	ualarm(50000, 0);
	res("mq_receive, signal after 50 ms", mq_receive(q, buf, 8, NULL));
	printf("handler ran %d\n", caught);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	caught = 0;
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec d = in_ms(300);
	ualarm(50000, 0);
	res("mq_timedreceive 300 ms, SA_RESTART signal after 50 ms", mq_timedreceive(q, buf, 8, NULL, &d));
	printf("handler ran %d, waited 290 ms or more: %s\n", caught,
	       now_ns(CLOCK_MONOTONIC) - t0 >= 290000000 ? "yes" : "no");
	res("mq_send", mq_send(q, "a", 1, 0));
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	caught = 0;
	ualarm(50000, 0);
	res("mq_send full, signal after 50 ms", mq_send(q, "b", 1, 0));
	printf("handler ran %d\n", caught);
	usleep(60000); /* the supervisor sees the abandoned send end */
	getattr("still one", q);
	mq_close(q);
	mq_unlink(name("in"));
}

static volatile pid_t notified_pid;
static void on_notify(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	notified_pid = si->si_pid;
}

/* A signal notification names the sender: the kernel sends to such a
 * queue. */
static void notify_case(void)
{
	mqd_t q = make("no", O_RDWR, 2, 8);
	struct sigaction sa = { .sa_sigaction = on_notify, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	res("mq_notify SIGEV_SIGNAL", mq_notify(q, &ev));
	res("mq_send", mq_send(q, "n", 1, 0));
	for (int i = 0; i < 100 && !notified_pid; i++)
		usleep(1000);
	printf("notified by %s\n", notified_pid == getpid() ? "self" : notified_pid ? "another" : "nobody");
	mq_close(q);
	mq_unlink(name("no"));
}

static const struct diff_case cases[] = {
	{ "attrs", attrs_case, "translated=mq_open,mq_getsetattr" },
	{ "sendrecv", sendrecv_case, "translated=mq_open,mq_timedsend,mq_timedreceive,mq_getsetattr" },
	{ "timeout", timeout_case, "translated=mq_timedsend,mq_timedreceive" },
	{ "faults", faults_case, "translated=mq_open,mq_timedsend,mq_timedreceive,mq_getsetattr" },
	{ "block", block_case, "translated=mq_timedsend,mq_timedreceive" },
	{ "intr", intr_case, "translated=mq_timedsend,mq_timedreceive" },
	{ "notify", notify_case, "kernel=mq_timedsend" },
};

DIFF_MAIN(cases)
