/* Readiness for an i386 guest: poll, _newselect, epoll_wait (and epoll_pwait2
 * without a signal mask), epoll_ctl.
 *
 * poll and select name guest fds inside their arguments: each is taken
 * with pidfd_getfd and the host call polls the copies (same open file
 * descriptions, so the same readiness); results go back under the guest's
 * numbers. They wait in slices (XIO_SLICE_MS) of the guest's timeout,
 * checking between slices that the guest's call is still pending.
 *
 * epoll_wait runs on a host copy of the guest's epoll fd: the same
 * instance. It waits by polling that fd (which consumes nothing) and only
 * then takes events, without blocking.
 *
 * The three answer a handled signal with EINTR natively, SA_RESTART or
 * not; a guest interrupted while the supervisor waits for it is entered
 * into the same call again by the kernel when the handler has SA_RESTART:
 * handlers/interrupted.h recognises that re-entry, answered EINTR (select
 * with the time left written), or after a stop, continued until the first
 * deadline (poll, select; epoll_wait is EINTR there too).
 *
 * epoll_ctl must register under the guest's fd number: the kernel keys an
 * interest by (file, fd number), so a registration made through a host
 * copy under another number is a different one (a later EPOLL_CTL_DEL
 * with the guest's number would not find it). A helper thread with a
 * private fd table (unshare(CLONE_FILES)) puts the target at the guest's
 * number and makes the call there. */
#include "../io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../handlers/interrupted.h"
#include "../../guest/guest.h"

#define EP_MAX_EVENTS_ (INT_MAX / 12) /* the kernel's bound on maxevents */
#define EV_HOST_MAX 65536             /* events one host call takes at most */
#define NOT_AN_FD INT_MAX              /* a host fd number never open: POLLNVAL */

/* Milliseconds for the next slice of a wait until DEADLINE (<0: none). */
static int slice_ms(int64_t deadline, int64_t now)
{
	if (deadline < 0)
		return XIO_SLICE_MS;
	int64_t left = deadline - now;
	if (left <= 0)
		return 0;
	return left < (int64_t)XIO_SLICE_MS * 1000000 ? (int)((left + 999999) / 1000000)
						       : XIO_SLICE_MS;
}

/* A wait of poll or select, slice by slice: each slice first looks at the
 * signalfds among the fds (answered from the guest's pending signals, not
 * by the host call), then waits in the host call for MS, then looks at the
 * signalfds again when it waited; the wait is over when something is
 * ready, at the deadline or for a zero timeout, and given up when the
 * guest's call is gone. */
struct slices {
	struct cb_call *c;
	const struct xio_sigfds *sf;
	bool *sready;     /* which signalfds are ready, this slice */
	bool zero;        /* do not wait */
	int64_t deadline; /* CLOCK_MONOTONIC ns, <0: none */
	int ms;           /* this slice's wait */
};

/* Before the host call: 0, or a negative errno. */
static int slice_begin(struct slices *w)
{
	int s = xio_sigfds_ready(w->c, w->sf, w->sready);
	if (s < 0)
		return s;
	w->ms = w->zero || s ? 0 : slice_ms(w->deadline, xio_now_ns());
	return w->ms ? cb_call_may_block(w->c) : 0;
}

/* Counts the signalfds of SF that READY says are ready for the call (and
 * marks them in its results, ARG). */
typedef int (*slice_count)(const struct xio_sigfds *sf, const bool *ready, void *arg);

/* After the host call that returned *R (its count, or -EINTR): the
 * signalfds looked at again when it waited, those COUNT finds added to *R;
 * then 1 when the wait is over (*R then 0 at least), 0 when it goes on, or
 * a negative errno (-ENOENT: the call is gone). */
static int slice_end(struct slices *w, int *r, slice_count count, void *arg)
{
	if (w->sf->n && w->ms) {
		int s = xio_sigfds_ready(w->c, w->sf, w->sready);
		if (s < 0)
			return s;
	}
	int n = count(w->sf, w->sready, arg);
	if (n)
		*r = (*r < 0 ? 0 : *r) + n;
	if (*r > 0 || w->zero || (w->deadline >= 0 && xio_now_ns() >= w->deadline)) {
		if (*r < 0)
			*r = 0;
		return 1;
	}
	return cb_call_live(w->c) ? -ENOENT : 0;
}

/* ---- poll ---- */

struct gpollfd {
	int32_t fd;
	int16_t events, revents;
};

/* signalfd_poll says EPOLLIN only; poll keeps what was asked. */
static int poll_sigs(const struct xio_sigfds *sf, const bool *ready, void *arg)
{
	struct pollfd *h = arg;
	int n = 0;
	for (int k = 0; k < sf->n; k++) {
		struct pollfd *e = &h[sf->idx[k]];
		e->revents = ready[k] && (e->events & POLLIN) ? POLLIN : 0;
		n += e->revents != 0;
	}
	return n;
}

int cb_xio_poll(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int timeout = (int32_t)c->args[2];
	int64_t deadline = timeout < 0 ? -1 : xio_now_ns() + (int64_t)timeout * 1000000;
	return xio_poll_core(c, c->args[0], (uint32_t)c->args[1], deadline, timeout == 0);
}

int xio_poll_core(struct cb_call *c, uint64_t gaddr, uint32_t nfds, int64_t deadline, bool zero)
{
	struct cb_wait_left left;
	if (cb_wait_resumed(c, &left)) {
		if (!left.stopped)
			return -EINTR;
		deadline = left.deadline; /* do_restart_poll: the time left */
	}
	if (nfds) {
		/* The guest's RLIMIT_NOFILE bounds the count. */
		struct rlimit rl;
		if (prlimit((pid_t)c->n->pid, RLIMIT_NOFILE, NULL, &rl))
			return -ENOENT;
		int rc = cb_call_live(c);
		if (rc)
			return rc;
		if (nfds > rl.rlim_cur)
			return -EINVAL;
	}
	struct gpollfd *g = malloc((size_t)nfds * sizeof(*g) + 1);
	struct pollfd *h = malloc((size_t)nfds * sizeof(*h) + 1);
	struct xio_fds fds = { 0 };
	struct xio_sigfds sf = { 0 };
	bool *sready = NULL;
	int r;
	if (!g || !h) {
		r = -ENOMEM;
		goto out;
	}
	r = xio_read(c, gaddr, g, (size_t)nfds * sizeof(*g));
	if (r)
		goto out;
	for (uint32_t i = 0; i < nfds; i++) {
		int hfd = -1;
		if (g[i].fd >= 0) {
			r = xio_fds_get(c, &fds, g[i].fd, &hfd);
			if (r)
				goto out;
			if (hfd < 0)
				hfd = NOT_AN_FD; /* not open in the guest: POLLNVAL */
			else if ((r = xio_sigfds_add(&sf, hfd, (int)i)) <= 0) {
				if (r < 0)
					goto out;
				hfd = -1; /* a signalfd: answered below, not by the host */
			}
		}
		h[i] = (struct pollfd){ .fd = hfd, .events = g[i].events };
	}
	r = 0;
	if (sf.n && !(sready = calloc((size_t)sf.n, sizeof(bool)))) {
		r = -ENOMEM;
		goto out;
	}
	if (!zero)
		cb_wait_begin(c, CLOCK_MONOTONIC, deadline);
	struct slices sl = { c, &sf, sready, zero, deadline, 0 };
	for (;;) {
		if ((r = slice_begin(&sl)) < 0)
			goto out;
		r = poll(h, nfds, sl.ms);
		if (r < 0) {
			r = -errno;
			if (r != -EINTR)
				goto out;
		}
		int s = slice_end(&sl, &r, poll_sigs, h);
		if (s < 0) {
			r = s;
			goto out;
		}
		if (s)
			break;
	}
	/* The kernel writes back every revents, zero or not. */
	for (uint32_t i = 0; i < nfds; i++)
		g[i].revents = h[i].revents;
	int w = cb_guest_write(c, gaddr, g, (size_t)nfds * sizeof(*g));
	if (w)
		r = w;
out:
	if (!zero)
		cb_wait_end(c, r == -ENOENT);
	xio_fds_free(&fds);
	xio_sigfds_free(&sf);
	free(sready);
	free(g);
	free(h);
	return r;
}

/* ---- _newselect: fd_set of 32-bit words, old 8-byte timeval ---- */

struct bits {
	unsigned long *w;
	size_t nw;
};

static bool bit_get(const uint32_t *s, int i)
{
	return s && (s[i / 32] >> (i % 32)) & 1;
}

/* A ready signalfd is readable (EPOLLIN), never writable: ARG is the
 * guest's read set. */
static int select_sigs(const struct xio_sigfds *sf, const bool *ready, void *arg)
{
	const uint32_t *in = arg;
	int n = 0;
	for (int j = 0; j < sf->n; j++)
		n += ready[j] && bit_get(in, sf->idx[j]);
	return n;
}

/* The guest's old timeval at TVP (0: none) gets the time left until DEADLINE. */
static int write_left(struct cb_call *c, uint64_t tvp, int64_t deadline)
{
	if (!tvp)
		return 0;
	int64_t left = deadline - xio_now_ns();
	if (left < 0)
		left = 0;
	int32_t tv[2] = { (int32_t)(left / 1000000000), (int32_t)(left % 1000000000 / 1000) };
	return cb_guest_write(c, tvp, tv, sizeof(tv));
}

/* TVP: the guest's timeout, kept current while the call waits (natively
 * it holds the time left when a signal interrupts the call, and the
 * supervisor hears of the interruption only after the guest does). */
int xio_select_core(struct cb_call *c, int n, const uint64_t set_addr[3], int64_t deadline,
		    bool zero_timeout, uint64_t tvp)
{
	if (n < 0)
		return -EINVAL;
	if (n > 64) {
		/* Bits past the guest's fd table size are not looked at, nor
		 * written back (FDSize: 64 at least). */
		struct xio_ids ids;
		int rc = xio_guest_ids(c, &ids);
		if (rc)
			return rc;
		if (ids.fd_size > 0 && n > ids.fd_size)
			n = ids.fd_size;
	}
	size_t words = ((size_t)n + 31) / 32;
	uint32_t *gs[3] = { 0 }, *res[3] = { 0 };
	int *hfd = NULL, r = 0;
	unsigned long *hin[3] = { 0 }, *hwork[3] = { 0 };
	struct xio_fds fds = { 0 };
	struct xio_sigfds sf = { 0 };
	bool *sready = NULL;
	for (int k = 0; k < 3; k++) {
		if (!set_addr[k])
			continue;
		gs[k] = calloc(words + 1, 4);
		res[k] = calloc(words + 1, 4);
		if (!gs[k] || !res[k]) {
			r = -ENOMEM;
			goto out;
		}
		r = xio_read(c, set_addr[k], gs[k], words * 4);
		if (r)
			goto out;
	}
	hfd = malloc(((size_t)n + 1) * sizeof(int));
	if (!hfd) {
		r = -ENOMEM;
		goto out;
	}
	int hmax = -1;
	for (int i = 0; i < n; i++) {
		hfd[i] = -1;
		if (!bit_get(gs[0], i) && !bit_get(gs[1], i) && !bit_get(gs[2], i))
			continue;
		r = xio_fds_get(c, &fds, i, &hfd[i]);
		if (r)
			goto out;
		if (hfd[i] < 0) {
			r = -EBADF; /* a set bit for an fd the guest does not have */
			goto out;
		}
		if ((r = xio_sigfds_add(&sf, hfd[i], i)) <= 0) {
			if (r < 0)
				goto out;
			hfd[i] = -1; /* a signalfd: answered below, not by the host */
			continue;
		}
		r = 0;
		if (hfd[i] > hmax)
			hmax = hfd[i];
	}
	if (sf.n && !(sready = calloc((size_t)sf.n, sizeof(bool)))) {
		r = -ENOMEM;
		goto out;
	}
	size_t hw = ((size_t)hmax + 1 + 63) / 64;
	for (int k = 0; k < 3; k++) {
		if (!gs[k])
			continue;
		hin[k] = calloc(hw + 1, sizeof(unsigned long));
		hwork[k] = calloc(hw + 1, sizeof(unsigned long));
		if (!hin[k] || !hwork[k]) {
			r = -ENOMEM;
			goto out;
		}
		for (int i = 0; i < n; i++)
			if (hfd[i] >= 0 && bit_get(gs[k], i))
				hin[k][hfd[i] / 64] |= 1ul << (hfd[i] % 64);
	}
	struct slices sl = { c, &sf, sready, zero_timeout, deadline, 0 };
	for (;;) {
		for (int k = 0; k < 3; k++)
			if (hin[k])
				memcpy(hwork[k], hin[k], hw * sizeof(unsigned long));
		if ((r = slice_begin(&sl)) < 0)
			goto out;
		if (sl.ms && deadline >= 0)
			write_left(c, tvp, deadline);
		struct timeval tv = { sl.ms / 1000, (sl.ms % 1000) * 1000 };
		long k = syscall(SYS_select, hmax + 1, hwork[0], hwork[1], hwork[2], &tv);
		r = k < 0 ? -errno : (int)k;
		if (r < 0 && r != -EINTR)
			goto out;
		int s = slice_end(&sl, &r, select_sigs, gs[0]);
		if (s < 0) {
			r = s;
			goto out;
		}
		if (s)
			break;
	}
	for (int i = 0; i < n; i++) {
		if (hfd[i] < 0)
			continue;
		for (int k = 0; k < 3; k++)
			if (hwork[k] && (hwork[k][hfd[i] / 64] >> (hfd[i] % 64)) & 1)
				res[k][i / 32] |= 1u << (i % 32);
	}
	for (int j = 0; j < sf.n; j++)
		if (sready[j] && bit_get(gs[0], sf.idx[j]))
			res[0][sf.idx[j] / 32] |= 1u << (sf.idx[j] % 32);
	/* Every set given goes back, whole words, bits past N cleared. */
	for (int k = 0; k < 3; k++) {
		if (!res[k])
			continue;
		int w = cb_guest_write(c, set_addr[k], res[k], words * 4);
		if (w) {
			r = w;
			break;
		}
	}
out:
	for (int k = 0; k < 3; k++) {
		free(gs[k]);
		free(res[k]);
		free(hin[k]);
		free(hwork[k]);
	}
	free(hfd);
	xio_fds_free(&fds);
	xio_sigfds_free(&sf);
	free(sready);
	return r;
}

/* select(N, SETS[0..2], TVP) with the guest's values, wherever they came
 * from (registers, or old select's block). */
static int select_call(struct cb_xctx *x, int32_t n, const uint64_t sets[3], uint64_t tvp)
{
	struct cb_call *c = x->c;
	int64_t deadline = -1;
	bool zero = false;
	struct cb_wait_left left;
	if (cb_wait_resumed(c, &left) && !left.stopped) {
		/* EINTR, the timeout holding what was left then. */
		int rc = tvp ? write_left(c, tvp, left.deadline - left.gone_at + xio_now_ns()) : 0;
		return rc == -ENOENT ? rc : -EINTR;
	}
	/* After a stop the kernel restarts select with the timeout it has
	 * updated, the stopped time not counted: the guest's timeval, kept
	 * current while it waited, already says so. */
	if (tvp) {
		int32_t tv[2];
		int rc = xio_read(c, tvp, tv, sizeof(tv));
		if (rc)
			return rc;
		/* As compat do_select: microseconds may carry into seconds; a
		 * negative part is EINVAL. */
		int64_t sec = (int64_t)tv[0] + tv[1] / 1000000, nsec = (int64_t)(tv[1] % 1000000) * 1000;
		if (sec < 0 || nsec < 0)
			return -EINVAL;
		zero = sec == 0 && nsec == 0;
		deadline = xio_now_ns() + sec * 1000000000 + nsec;
	}
	if (!zero)
		cb_wait_begin(c, CLOCK_MONOTONIC, deadline);
	int r = xio_select_core(c, n, sets, deadline, zero, tvp);
	if (!zero)
		cb_wait_end(c, r == -ENOENT);
	if (tvp && !zero && r != -ENOENT) {
		/* The time left goes back whatever the outcome (and a failure
		 * to write it is not one: poll_select_finish). */
		if (write_left(c, tvp, deadline) == -ENOENT)
			r = -ENOENT;
	}
	return r;
}

int cb_xio_select(struct cb_xctx *x)
{
	const uint64_t *a = x->c->args;
	const uint64_t sets[3] = { a[1], a[2], a[3] };
	return select_call(x, (int32_t)a[0], sets, a[4]);
}

/* select (82), old_select: its five arguments are 32-bit words behind one
 * pointer (compat_sel_arg_struct), read once (EFAULT before anything);
 * then it is _newselect (do_compat_select). The interrupted-wait
 * bookkeeping keys on the registers, which a restart repeats. */
int cb_xio_old_select(struct cb_xctx *x)
{
	uint32_t a[5];
	int r = xio_read(x->c, x->c->args[0], a, sizeof(a));
	if (r)
		return r;
	const uint64_t sets[3] = { a[1], a[2], a[3] };
	return select_call(x, (int32_t)a[0], sets, a[4]);
}

/* ---- epoll_wait ---- */

int cb_xio_gate_epoll_wait(struct cb_xctx *x)
{
	int hep;
	int rc = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &hep);
	if (rc)
		return rc;
	/* A signalfd in it polls the caller's signals: only the guest sees
	 * its own. */
	return hep >= 0 && xio_epoll_tainted(hep) ? CB_XSYS_KERNEL : 0;
}

/* do_epoll_wait on the guest's instance: DEADLINE CLOCK_MONOTONIC ns (-1:
 * none), ZERO: take what is ready without waiting. */
static int epoll_wait_core(struct cb_xctx *x, int64_t deadline, bool zero)
{
	struct cb_call *c = x->c;
	int hep;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hep);
	if (rc)
		return rc;
	uint64_t gev = c->args[1];
	int n = (int32_t)c->args[2];
	if (hep < 0 || n <= 0 || n > EP_MAX_EVENTS_) {
		/* The host checks the fd, the instance and the count in its own
		 * order (the fd first since 6.15, the count first before). */
		long k = syscall(SYS_epoll_wait, hep, xio_guard(), n, 0);
		return k < 0 ? -errno : (int)k; /* cannot succeed: no events fit */
	}
	if (n > EV_HOST_MAX)
		n = EV_HOST_MAX; /* fewer events per call: allowed */
	struct cb_wait_left left;
	if (cb_wait_resumed(c, &left))
		return -EINTR; /* ep_poll: after a handler and after a stop alike */
	size_t len = (size_t)n * sizeof(struct epoll_event), ok;
	struct xio_buf b;
	rc = xio_accessible(c, gev, len, &ok);
	if (rc)
		return rc;
	if ((rc = xio_buf_make(&b, len, ok)) != 0)
		return rc;
	size_t pre = 0;
	if (ok < len && (rc = xio_read_prefix(c, gev, b.p, ok, &pre)) != 0)
		goto out;
	bool excl = !zero && xio_epoll_exclusive(hep);
	for (;;) {
		if (excl) {
			/* Only a waiter inside epoll_wait counts as the one an
			 * exclusive wake-up stops at (ep_poll_callback); one that
			 * polls the instance lets it go on to the next instance.
			 * So wait inside, in slices; events that come in the
			 * instant the guest's call goes away are lost to it. */
			if ((rc = cb_call_may_block(c)) < 0)
				break;
			long k = syscall(SYS_epoll_wait, hep, b.p, n, slice_ms(deadline, xio_now_ns()));
			rc = k < 0 ? -errno : (int)k;
			if (rc == -EINTR)
				rc = 0;
			if (rc != 0 || (deadline >= 0 && xio_now_ns() >= deadline))
				break;
			if ((rc = cb_call_live(c)) != 0)
				break;
			continue;
		}
		/* Events are taken only once the wait is over and the guest is
		 * still there: edge-triggered ones are not lost to a slice. */
		long k = syscall(SYS_epoll_wait, hep, b.p, n, 0);
		rc = k < 0 ? -errno : (int)k;
		if (rc != 0 || zero)
			break;
		cb_wait_begin(c, CLOCK_MONOTONIC, deadline);
		int w = xio_wait_fd(c, hep, POLLIN, deadline);
		cb_wait_end(c, w == -ENOENT);
		if (w <= 0) {
			rc = w;
			break;
		}
	}
	if (rc >= 0 || ok < len) {
		/* After a fault, what the kernel managed to write goes back too. */
		size_t back = ok < len ? pre : (size_t)rc * sizeof(struct epoll_event);
		int w = cb_guest_write(c, gev, b.p, back);
		if (w)
			rc = w;
	}
out:
	xio_buf_free(&b);
	return rc;
}

int cb_xio_epoll_wait(struct cb_xctx *x)
{
	int timeout = (int32_t)x->c->args[3];
	int64_t deadline = timeout < 0 ? -1 : xio_now_ns() + (int64_t)timeout * 1000000;
	return epoll_wait_core(x, deadline, timeout == 0);
}

/* epoll_pwait2 without a signal mask (the gate leaves one to the kernel):
 * a 64-bit timespec on both ABIs, read and checked before the instance
 * (do_epoll_pwait2), never written back. */
int cb_xio_epoll_pwait2(struct cb_xctx *x)
{
	int64_t deadline;
	bool zero;
	int rc = xio_read_deadline(x->c, x->c->args[3], true, &deadline, &zero);
	return rc ? rc : epoll_wait_core(x, deadline, zero);
}

int cb_xio_gate_epoll_pwait2(struct cb_xctx *x)
{
	/* Safe to CONTINUE: a register, no guest memory, was looked at; the
	 * mask is the caller's for the wait. */
	if (x->c->args[4])
		return CB_XSYS_KERNEL;
	return cb_xio_gate_epoll_wait(x);
}

/* ---- epoll_ctl: the helper thread with a fd table of its own ---- */

struct ep_req {
	int32_t op, gfd;
	uint32_t flags;
	struct epoll_event ev;
};
enum { EP_HAS_EP = 1, EP_HAS_TGT = 2, EP_HAS_EV = 4 };

static int ep_sock = -1;
static pthread_mutex_t ep_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t ep_once = PTHREAD_ONCE_INIT;

/* Move FD to a number other than AVOID (it is closed). */
static int move_off(int fd, int avoid)
{
	if (fd != avoid)
		return fd;
	int n = fcntl(fd, F_DUPFD_CLOEXEC, avoid + 1);
	close(fd);
	return n;
}

static int32_t ep_perform(int *sock, const struct ep_req *q, int ep, int tgt)
{
	int key = -1;
	int32_t res = 0;
	if (tgt >= 0) {
		int g = q->gfd;
		if (tgt == g) {
			key = tgt;
		} else {
			/* Free the guest's number in this table, then put the
			 * target there. */
			*sock = move_off(*sock, g);
			ep = move_off(ep, g);
			if (dup3(tgt, g, O_CLOEXEC) < 0)
				res = -errno;
			else
				key = g;
			close(tgt);
		}
	}
	if (!res) {
		int r = epoll_ctl(ep, q->op, key, (q->flags & EP_HAS_EV) ? (struct epoll_event *)&q->ev
									 : NULL);
		res = r < 0 ? -errno : r;
	}
	if (key >= 0)
		close(key);
	if (ep >= 0)
		close(ep);
	return res;
}

static void *ep_main(void *arg)
{
	int s = (int)(intptr_t)arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	char ok = unshare(CLONE_FILES) == 0;
	if (ok) {
		/* Only the socket stays: no other file is kept open by this
		 * copy of the table (the listener above all). */
		if (s > 0)
			syscall(SYS_close_range, 0u, (unsigned)s - 1, 0u);
		syscall(SYS_close_range, (unsigned)s + 1, ~0u, 0u);
	}
	send(s, &ok, 1, MSG_NOSIGNAL);
	if (!ok)
		return NULL;
	for (;;) {
		struct ep_req q;
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(2 * sizeof(int))];
		} u;
		struct iovec io = { &q, sizeof(q) };
		struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = u.b,
				    .msg_controllen = sizeof(u.b) };
		ssize_t n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			return NULL;
		int fds[2] = { -1, -1 }, nf = 0;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) && nf < 2; i++)
					memcpy(&fds[nf++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		int k = 0;
		int ep = (q.flags & EP_HAS_EP) && k < nf ? fds[k++] : -1;
		int tgt = (q.flags & EP_HAS_TGT) && k < nf ? fds[k++] : -1;
		int32_t res = n == (ssize_t)sizeof(q) ? ep_perform(&s, &q, ep, tgt) : -EIO;
		if (send(s, &res, sizeof(res), MSG_NOSIGNAL) != (ssize_t)sizeof(res))
			return NULL;
	}
}

static void ep_start(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return;
	/* The guest's numbers may go up to its RLIMIT_NOFILE: the helper's
	 * table may have to reach as far (the process's soft limit). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 64 * 1024);
	int rc = pthread_create(&t, &a, ep_main, (void *)(intptr_t)sv[1]);
	pthread_attr_destroy(&a);
	char ok = 0;
	if (rc == 0 && recv(sv[0], &ok, 1, 0) == 1 && ok)
		ep_sock = sv[0];
	else
		close(sv[0]);
	close(sv[1]); /* the helper has its own */
}

/* epoll_ctl(HEP, OP, <the guest's number GFD for HTGT>, EV). */
static int ep_ctl(int hep, int op, int gfd, int htgt, const struct epoll_event *ev)
{
	pthread_once(&ep_once, ep_start);
	if (ep_sock < 0) {
		/* No helper (unshare refused): registered under the host
		 * copy's number, which a later call cannot find again. */
		int r = epoll_ctl(hep, op, htgt, (struct epoll_event *)ev);
		return r < 0 ? -errno : r;
	}
	struct ep_req q = { .op = op, .gfd = gfd };
	int fds[2], nf = 0;
	if (hep >= 0) {
		q.flags |= EP_HAS_EP;
		fds[nf++] = hep;
	}
	if (htgt >= 0) {
		q.flags |= EP_HAS_TGT;
		fds[nf++] = htgt;
	}
	if (ev) {
		q.flags |= EP_HAS_EV;
		q.ev = *ev;
	}
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec io = { &q, sizeof(q) };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	if (nf) {
		m.msg_control = u.b;
		m.msg_controllen = CMSG_SPACE((size_t)nf * sizeof(int));
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)nf * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)nf * sizeof(int));
	}
	int32_t res = -EIO;
	pthread_mutex_lock(&ep_mu);
	if (sendmsg(ep_sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(q))
		while (recv(ep_sock, &res, sizeof(res), 0) < 0 && errno == EINTR)
			;
	pthread_mutex_unlock(&ep_mu);
	return res;
}

int cb_xio_gate_epoll_ctl(struct cb_xctx *x)
{
	int op = (int32_t)x->c->args[1];
	int htgt, hep;
	int rc = cb_xsys_hold_fd(x, (int32_t)x->c->args[2], &htgt);
	if (rc)
		return rc;
	if (!xio_signalfd(htgt))
		return 0;
	/* A signalfd watched by epoll is bound to the process that added it
	 * (its wait queue and its poll are the caller's): only the guest can
	 * add it. The instance is remembered: the guest must wait on it
	 * itself too (cb_xio_gate_epoll_wait). */
	if (op != EPOLL_CTL_DEL) {
		rc = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &hep);
		if (rc)
			return rc;
		xio_epoll_taint(hep);
	}
	return CB_XSYS_KERNEL;
}

int cb_xio_epoll_ctl(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int op = (int32_t)c->args[1];
	struct epoll_event ev;
	bool has_ev = op != EPOLL_CTL_DEL;
	if (has_ev) {
		/* The very first thing the kernel does: EFAULT before any fd. */
		int rc = xio_read(c, c->args[3], &ev, sizeof(ev));
		if (rc)
			return rc;
		if (ev.events & EPOLLWAKEUP) {
			/* Dropped silently without CAP_BLOCK_SUSPEND: the
			 * guest's, not the supervisor's. */
			struct xio_ids ids;
			rc = xio_guest_ids(c, &ids);
			if (rc)
				return rc;
			if (!xio_cap(ids.cap_eff, 36 /* CAP_BLOCK_SUSPEND */))
				ev.events &= ~(uint32_t)EPOLLWAKEUP;
		}
	}
	int hep, htgt;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hep);
	if (!rc)
		rc = cb_xsys_hold_fd(x, (int32_t)c->args[2], &htgt);
	if (rc)
		return rc;
	rc = ep_ctl(hep, op, (int32_t)c->args[2], htgt, has_ev ? &ev : NULL);
	if (rc == 0 && op == EPOLL_CTL_ADD && (ev.events & EPOLLEXCLUSIVE))
		xio_epoll_mark_exclusive(hep);
	return rc;
}
