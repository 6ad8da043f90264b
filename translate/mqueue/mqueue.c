/* POSIX message queues of i386 guests: mq_open (277), mq_timedsend (279)
 * and mq_timedreceive (280) with the old 32-bit timespec, mq_getsetattr
 * (282). ipc/mqueue.c is the specification (compat_sys_mq_*, do_mq_*).
 *
 * A queue is a file of the IPC namespace's mqueue mount: the supervisor's
 * copy of a guest's queue fd is the same open queue (its O_NONBLOCK, its
 * messages), so the fd calls are performed on it. mq_open resolves a name
 * in the caller's IPC namespace, checks the caller's fs ids and
 * capabilities, and a creation masks the mode with the caller's umask,
 * charges the queue to the caller's real uid and checks it against the
 * caller's RLIMIT_MSGQUEUE: performed with the guest's credentials when
 * the guest shares the supervisor's IPC and user namespaces and, for
 * O_CREAT, its real uid and RLIMIT_MSGQUEUE are the worker's and the
 * supervisor's umask strips no bit the guest's leaves (else the kernel
 * runs it, decided from registers and /proc). The new queue fd goes to the
 * guest with ADDFD, close-on-exec as do_mq_open's get_unused_fd_flags
 * (O_CLOEXEC) makes every queue fd.
 *
 * Sending and receiving may wait. The supervisor never waits inside the
 * kernel's queue: each attempt is made with an absolute timeout already
 * past (the epoch), which the kernel answers at once with ETIMEDOUT where
 * it would sleep; between attempts it polls the queue in slices and checks
 * that the guest's call is still pending. A guest interrupted while it
 * waits leaves with the seccomp wait's -ERESTARTSYS, which is what
 * wq_sleep returns natively: EINTR without SA_RESTART, the same call again
 * with it (or after a stop) — and the timeout is absolute, so a restarted
 * call waits until the same moment. The kernel runs a send to a queue with
 * a signal notification registered (mq_notify SIGEV_SIGNAL): the signal's
 * si_pid and si_uid are the sender's, which would be the supervisor's. */
#include "../xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mqueue.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../abi/builtin.h"
#include "../../guest/guest.h"
#include "../../supervisor/dispatch.h"
#include "../../supervisor/notify.h"
#include "../../supervisor/supervisor.h"
#include "../io.h"

#define MQUEUE_MAGIC 0x19800202
#define MQ_PRIO_MAX_ 32768
/* HARD_MSGSIZEMAX (include/linux/ipc_namespace.h): no queue has larger
 * messages, so no buffer of the supervisor is larger. */
#define MSGSIZE_HARD_MAX (16u << 20)

static long mq_getsetattr_(int fd, const struct mq_attr *new, struct mq_attr *old)
{
	long r = syscall(SYS_mq_getsetattr, fd, new, old);
	return r < 0 ? -errno : r;
}

/* ---- mq_open ---- */

/* The process's umask, from /proc/self/status: umask(2) would set it. */
static int own_umask(void)
{
	char line[256];
	int m = -1;
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Umask:", 6))
			m = (int)strtol(line + 6, NULL, 8);
	fclose(f);
	return m;
}

/* What a creation depends on besides the credentials the worker takes:
 * 1 when it is the same for the supervisor as for the guest. The umask
 * of the guest is kept in x->saved for the host call. */
static int creation_same(struct cb_xctx *x)
{
	struct xio_ids ids;
	int r = xio_guest_ids(x->c, &ids);
	if (r)
		return r;
	int sup = own_umask();
	if (ids.umask < 0 || sup < 0)
		return 0;
	/* vfs_mkobj gets mode & ~umask; the host call's mode is the guest's
	 * masked already, which the host then masks with the supervisor's. */
	unsigned mode = (unsigned)x->c->args[2] & 0xffff; /* compat_mode_t */
	if (mode & ~(unsigned)ids.umask & (unsigned)sup & 07777)
		return 0;
	/* mqueue_get_inode charges current_user() — the real uid's — and
	 * compares with rlimit(RLIMIT_MSGQUEUE) of the caller's process. */
	if (ids.uid[0] != getuid())
		return 0;
	struct rlimit theirs, mine;
	if (prlimit(ids.tgid, RLIMIT_MSGQUEUE, NULL, &theirs) || getrlimit(RLIMIT_MSGQUEUE, &mine) ||
	    theirs.rlim_cur != mine.rlim_cur)
		return 0;
	x->saved = ids.umask;
	return 1;
}

static int gate_open(struct cb_xctx *x)
{
	int ns = cb_guest_shared_ns(x->c);
	if (ns == -ENOENT)
		return ns;
	if (ns < 0 || !(ns & CB_NS_IPC)) {
		x->kernel_why = CB_OUT_K_NAMESPACE;
		return CB_XSYS_KERNEL; /* safe: registers and /proc only */
	}
	if (!((int)x->c->args[1] & O_CREAT))
		return 0;
	int same = creation_same(x);
	if (same < 0)
		return same;
	return same ? 0 : CB_XSYS_KERNEL; /* safe: registers and /proc only */
}

/* The name (arg 0) is a late string: compat_sys_mq_open reads the
 * attributes (only with O_CREAT: the x86_64 entry reads them whenever the
 * pointer is set, so the host gets NULL otherwise) before getname. */
static int do_open(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int oflag = (int)c->args[1];
	const char *name = (const char *)(uintptr_t)x->host[0];
	struct mq_attr *attr = NULL;
	if (c->args[3] && (oflag & O_CREAT)) {
		int r = cb_conv_in(x->cv, cb_abi_record_index(&cb_abi_builtin, "mq_attr"), c->args[3],
				   CB_DIR_IN, (void **)&attr);
		if (r)
			return r;
	}
	unsigned mode = ((unsigned)c->args[2] & 0xffff) & ~(unsigned)(oflag & O_CREAT ? x->saved : 0);
	int r = cb_xsys_as_guest(x);
	if (r)
		return r;
	long fd = syscall(SYS_mq_open, name, oflag, mode, attr);
	fd = fd < 0 ? -errno : fd;
	cb_xsys_as_self(x);
	if (fd < 0)
		return (int)fd;
	int g = cb_notif_addfd(&c->sup->l, c->n->id, (int)fd, O_CLOEXEC);
	close((int)fd);
	if (g == -EMFILE && (oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) &&
	    !(x->faulty & 1) && cb_xsys_as_guest(x) == 0) {
		/* The kernel takes the fd number first: with the guest's table
		 * full nothing is created. O_EXCL proves this call created the
		 * queue; it goes again. */
		syscall(SYS_mq_unlink, name);
		cb_xsys_as_self(x);
	}
	return g;
}

/* ---- mq_timedsend, mq_timedreceive ---- */

static int64_t realtime_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The guest's absolute CLOCK_REALTIME timeout at P (0: none, *DEADLINE
 * -1), read as compat_prepare_timeout does: EFAULT, EINVAL. */
static int read_deadline(struct cb_call *c, uint64_t p, int64_t *deadline)
{
	*deadline = -1;
	if (!p)
		return 0;
	int64_t sec, nsec;
	int r = xio_read_timeout(c, p, false, &sec, &nsec);
	if (!r)
		*deadline = sec * 1000000000 + nsec;
	return r;
}

/* Wait until HFD shows EVENTS, the guest's DEADLINE (CLOCK_REALTIME ns,
 * <0: none) passes (0) or its call goes away (-ENOENT). A slice at a time,
 * so that a change of the clock is seen. */
static int wait_queue(struct cb_call *c, int hfd, short events, int64_t deadline)
{
	int64_t until = -1;
	if (deadline >= 0) {
		int64_t left = deadline - realtime_ns();
		if (left <= 0)
			return 0;
		if (left < (int64_t)XIO_SLICE_MS * 1000000)
			until = xio_now_ns() + left;
	}
	if (until < 0)
		until = xio_now_ns() + (int64_t)XIO_SLICE_MS * 1000000;
	int w = xio_wait_fd(c, hfd, events, until);
	return w < 0 ? w : 1; /* 0: a slice is over; look again */
}

/* A message queue's status line (mqueue_read_file): whether a process
 * waits for a signal when a message comes (SIGNO: not 0). Read through a
 * copy of the queue opened for reading when HFD is not: 1 yes, 0 no,
 * -1 cannot be told. */
static int signal_registered(int hfd)
{
	struct statfs sf;
	if (fstatfs(hfd, &sf) || sf.f_type != MQUEUE_MAGIC)
		return 0; /* not a queue: EBADF from the host call */
	char buf[128];
	ssize_t n = pread(hfd, buf, sizeof(buf) - 1, 0);
	if (n < 0) {
		char p[40];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", hfd);
		int rfd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (rfd < 0)
			return -1;
		n = pread(rfd, buf, sizeof(buf) - 1, 0);
		close(rfd);
	}
	if (n <= 0)
		return -1;
	buf[n] = 0;
	const char *s = strstr(buf, "SIGNO:");
	return !s ? -1 : atoi(s + 6) != 0;
}

static int gate_send(struct cb_xctx *x)
{
	int hfd, r = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &hfd);
	if (r)
		return r;
	if (hfd < 0)
		return 0;
	cb_creds_settle(); /* the status is read as the supervisor */
	/* Safe (CONTINUE): registers and the queue's own status only. */
	return signal_registered(hfd) ? CB_XSYS_KERNEL : 0;
}

/* What send and receive begin with, in the kernel's order: the timeout
 * (*DEADLINE), then the queue (*HFD, the supervisor's copy). */
static int begin_timed(struct cb_xctx *x, int64_t *deadline, int *hfd)
{
	int r = read_deadline(x->c, x->c->args[4], deadline);
	return r ? r : cb_xsys_hold_fd(x, (int32_t)x->c->args[0], hfd);
}

/* ATTEMPT (the call with a deadline already past) until it does not time
 * out, waiting for EVENTS on HFD in between, up to DEADLINE: returns its
 * result or -errno. */
static long until_deadline(struct cb_call *c, int hfd, short events, int64_t deadline,
			   long (*attempt)(int hfd, void *arg), void *arg)
{
	for (;;) {
		long k = attempt(hfd, arg);
		if (k != -ETIMEDOUT)
			return k;
		if ((k = wait_queue(c, hfd, events, deadline)) <= 0)
			return k ? k : -ETIMEDOUT;
	}
}

static const struct timespec past = { 0, 0 };

struct msg_args {
	void *msg;
	size_t len;
	unsigned prio;
};

static long send_once(int hfd, void *arg)
{
	const struct msg_args *m = arg;
	long k = syscall(SYS_mq_timedsend, hfd, m->msg, m->len, m->prio, &past);
	return k < 0 ? -errno : k;
}

static long receive_once(int hfd, void *arg)
{
	struct msg_args *m = arg;
	long k = syscall(SYS_mq_timedreceive, hfd, m->msg, m->len, &m->prio, &past);
	return k < 0 ? -errno : k;
}

static int do_send(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int64_t deadline;
	int hfd;
	int r = begin_timed(x, &deadline, &hfd);
	if (r)
		return r;
	size_t len = (uint32_t)c->args[2]; /* compat_size_t */
	struct mq_attr a;
	struct xio_buf b = { 0 };
	const void *msg = xio_guard();
	/* A length over the queue's message size, a bad fd or priority: the
	 * host call says which before it reads the message, as natively. */
	if (mq_getsetattr_(hfd, NULL, &a) == 0 && len <= (size_t)a.mq_msgsize &&
	    len <= MSGSIZE_HARD_MAX && len) {
		if ((r = xio_buf_make(&b, len, len)))
			return r;
		r = xio_read(c, c->args[1], b.p, len);
		if (r == -ENOENT) {
			xio_buf_free(&b);
			return r;
		}
		if (!r)
			msg = b.p; /* else load_msg's EFAULT, after the checks */
	} else if (!len) {
		msg = NULL;
	}
	struct msg_args m = { (void *)msg, len, (unsigned)c->args[3] };
	long k = until_deadline(c, hfd, POLLOUT, deadline, send_once, &m);
	xio_buf_free(&b);
	return (int)k;
}

static int do_receive(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int64_t deadline;
	int hfd;
	int r = begin_timed(x, &deadline, &hfd);
	if (r)
		return r;
	size_t len = (uint32_t)c->args[2];
	struct mq_attr a;
	struct xio_buf b = { 0 };
	void *msg = xio_guard();
	if (mq_getsetattr_(hfd, NULL, &a) == 0 && len >= (size_t)a.mq_msgsize &&
	    a.mq_msgsize > 0 && (size_t)a.mq_msgsize <= MSGSIZE_HARD_MAX) {
		/* Room for the queue's largest message, whatever the guest's
		 * length: no message is longer. */
		len = (size_t)a.mq_msgsize;
		if ((r = xio_buf_make(&b, len, len)))
			return r;
		msg = b.p;
	}
	struct msg_args m = { msg, len, 0 };
	long k = until_deadline(c, hfd, POLLIN, deadline, receive_once, &m);
	/* The message is taken: the priority, then the bytes go to the guest
	 * (do_mq_timedreceive's order); a fault loses it, as natively. */
	if (k >= 0 && c->args[3])
		r = cb_guest_write(c, c->args[3], &m.prio, sizeof(m.prio));
	if (k > 0 && !r)
		r = cb_guest_write(c, c->args[1], b.p, (size_t)k);
	xio_buf_free(&b);
	return r ? r : (int)k;
}

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define LATE_STR { CB_XA_STR, .late = true }
#define IN_REC(r) { CB_XA_RECORD, CB_DIR_IN, r }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }

const struct cb_xsys cb_xsys_mqueue[] = {
	{ "mq_open", "mq_open", { LATE_STR, VAL, VAL, VAL }, .gate = gate_open, .call = do_open,
	  .flags = CB_X_CREDS,
	  .why = "global object (the IPC namespace's queues), with the guest's credentials; the fd "
		 "installed with ADDFD; another IPC namespace, and a creation whose umask, real uid "
		 "or RLIMIT_MSGQUEUE is not the supervisor's, stay in the kernel" },
	{ "mq_timedsend", "mq_timedsend", { FD, VAL, VAL, VAL, VAL }, .gate = gate_send,
	  .call = do_send, .flags = CB_X_WAITS,
	  .why = "fd call: old timespec; waits polling the queue; a queue with a signal "
		 "notification (si_pid is the sender's) stays in the kernel" },
	{ "mq_timedreceive", "mq_timedreceive", { FD, VAL, VAL, VAL, VAL }, .call = do_receive,
	  .flags = CB_X_WAITS, .why = "fd call: old timespec; waits polling the queue" },
	{ "mq_getsetattr", "mq_getsetattr", { FD, IN_REC("mq_attr"), OUT_REC("mq_attr") },
	  .why = "fd call: 32-bit mq_attr in and out" },
	{ NULL },
};
