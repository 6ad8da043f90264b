/* Shared by the translated i386 I/O calls (io.c and its hooks): guest buffers as
 * host buffers, cancellable waiting, fds inside arguments.
 *
 * Two rules run through all of it:
 *
 * - Errors are the kernel's. A guest pointer that cannot be read (or an
 *   array too long, a negative length) is not answered by the supervisor:
 *   the host call gets an equivalent bad host argument (an address in a
 *   PROT_NONE page, the same count, the same length), so the x86_64 kernel
 *   reports it at the same point of its checks as the i386 kernel would,
 *   after everything it checks first (a bad fd, a wrong file mode). A
 *   buffer that is readable only up to some page becomes a host buffer
 *   followed by a PROT_NONE page at the same offset: the kernel then copies
 *   as much as natively before it faults.
 *
 * - Nothing is consumed for a guest that is gone. A call that may wait
 *   first waits for readiness (poll, never consuming) in slices of
 *   XIO_SLICE_MS, checks that the guest's call is still pending, and only
 *   then moves data, without blocking (RWF_NOWAIT, MSG_DONTWAIT). Files
 *   that cannot do that without blocking (FIFOs, some devices) get a plain
 *   call once they are ready, under a timer that interrupts it every slice
 *   to check the guest again. */
#ifndef CB_XSYS_IO_H
#define CB_XSYS_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "xsys.h"

#define XIO_SLICE_MS 20
/* Data one call moves at most (a larger readv/writev is a short one). */
#define XIO_DATA_MAX (16u << 20)
#define XIO_IOV_MAX 1024 /* UIO_MAXIOV */

/* ---- guest memory ---- */

/* A page the supervisor can never access: the host address of a guest
 * buffer the guest cannot access. */
void *xio_guard(void);
/* Read LEN guest bytes at ADDR as the kernel would (no FOLL_FORCE: a
 * PROT_NONE page is a fault): *GOT receives how many could be read, from
 * the start, page by page. 0, or -ENOENT when the call is gone. */
int xio_read_prefix(struct cb_call *c, uint64_t addr, void *buf, size_t len, size_t *got);
/* ... all of them: 0, -EFAULT, -ENOENT. */
int xio_read(struct cb_call *c, uint64_t addr, void *buf, size_t len);
/* How many of LEN bytes at ADDR are accessible, from the start (a probe of
 * one byte per page, no copy): 0, -ENOENT. */
int xio_accessible(struct cb_call *c, uint64_t addr, size_t len, size_t *ok);

/* A host buffer for a guest buffer of LEN bytes of which the first OK are
 * accessible: LEN plain bytes when OK == LEN, else OK bytes right before a
 * PROT_NONE page (the guard page itself when OK is 0). */
struct xio_buf {
	uint8_t *p;
	size_t len, ok;
	void *map;   /* mapping to release, or NULL */
	size_t maplen;
	void *heap;  /* allocation p lies in, or NULL */
	size_t charged; /* bytes taken from the copy budget (copy_budget.h) */
};
/* -ENOMEM when the supervisor's copy budget is spent.
 * A whole buffer (OK == LEN) starts at the offset within a page of guest
 * address GADDR: O_DIRECT files need the guest's alignment. */
int xio_buf_make_at(struct xio_buf *b, uint64_t gaddr, size_t len, size_t ok);
#define xio_buf_make(b, len, ok) xio_buf_make_at(b, 0, len, ok)
void xio_buf_free(struct xio_buf *b);

/* ---- iovec arrays ---- */

struct xio_seg {
	uint64_t gbase;  /* the guest's iov_base */
	struct xio_buf b;
};

struct xio_iov {
	struct iovec *h;     /* host iovecs */
	struct xio_seg *s;
	uint32_t n;
	size_t total;        /* host bytes */
	bool faulty;         /* a segment is not wholly accessible */
	bool preimage;       /* output buffers hold the guest's bytes */
	uint64_t hptr;       /* what the host call is given: host iovecs, or a */
	uint64_t hcount;     /* stand-in that makes it fail as the kernel would */
	bool refused;        /* ... the stand-in: no data moves */
	struct iovec one;    /* cursor for partial writes */
};

/* The guest's COUNT iovecs at GADDR. OUT: the call fills the buffers
 * (readv); else they are read now (writev). PREIMAGE (OUT): read the
 * guest's bytes too, so that everything accessible can go back after a
 * call that may have written more than it reports. 0, -ENOENT, -ENOMEM. */
int xio_iov_in(struct cb_call *c, uint64_t gaddr, uint64_t count, bool out, bool preimage,
	       struct xio_iov *v);
/* One guest buffer of LEN bytes at GADDR (at most XIO_DATA_MAX of it), as
 * a one-segment array: pread64, pwrite64. */
int xio_iov_one(struct cb_call *c, uint64_t gaddr, size_t len, bool out, struct xio_iov *v);
/* After an OUT call that returned RESULT: the bytes the kernel wrote go
 * back (RESULT of them; everything accessible after a fault). */
int xio_iov_out(struct cb_call *c, const struct xio_iov *v, int64_t result);
/* The end of a vectored call whose host call on V returned R: after a
 * read (OUT) the bytes the kernel wrote go back, after a write the signal
 * it raised goes to the guest; V is freed. R, or the write-back's error. */
int xio_iov_done(struct cb_xctx *x, struct xio_iov *v, bool out, long r);
/* Skip N bytes already moved (a write that goes on). */
void xio_iov_advance(struct xio_iov *v, size_t n);
void xio_iov_free(struct xio_iov *v);

/* ---- files and waiting ---- */

enum xio_how {
	XIO_DIRECT,  /* never waits for events (regular files), or O_NONBLOCK */
	XIO_WAIT,    /* may wait: wait for readiness, then move data */
};
/* How a call on host fd HFD behaves; *SOCK_TYPE gets SOCK_STREAM etc. for
 * sockets (0 otherwise). */
enum xio_how xio_how(int hfd, int *sock_type);
/* The file depends on the calling task (a tty's job control, a signalfd
 * reads the caller's signals, fanotify installs fds in the reader): the
 * kernel must run calls on it. */
bool xio_task_tied(int hfd);
/* A signalfd: it polls the caller's signals too. */
bool xio_signalfd(int hfd);

int64_t xio_now_ns(void);
/* A guest's timeout at P (a __kernel_timespec when T64, else an old 32-bit
 * timespec; a compat caller's tv_nsec is its low 32 bits), checked as
 * poll_select_set_timeout does: 0, -EINVAL (negative or nsec out of
 * range), -EFAULT, -ENOENT when the call is gone. */
int xio_read_timeout(struct cb_call *c, uint64_t p, bool t64, int64_t *sec, int64_t *nsec);
/* The same timeout (P 0: none) as a deadline from now: *DEADLINE in
 * CLOCK_MONOTONIC ns (-1: none, or one too far to count), *ZERO for a
 * zero timeout. Returns as xio_read_timeout. */
int xio_read_deadline(struct cb_call *c, uint64_t p, bool t64, int64_t *deadline, bool *zero);
/* NS nanoseconds to the guest's timespec at P, of T64's layout: 0,
 * -EFAULT, -ENOENT. */
int xio_write_timespec(struct cb_call *c, uint64_t p, bool t64, int64_t ns);
/* Wait until HFD shows EVENTS (or an error or hang-up), never consuming:
 * 1 ready, 0 at DEADLINE (CLOCK_MONOTONIC ns, <0: none), -ENOENT when the
 * guest's call went away, -ENOMEM when no worker could take the lead
 * (cb_call_may_block). */
int xio_wait_fd(struct cb_call *c, int hfd, short events, int64_t deadline);
/* A socket's SO_RCVTIMEO / SO_SNDTIMEO as a deadline from now, or -1 (none,
 * or one past what 64-bit nanoseconds count: the same in effect). */
int64_t xio_sock_deadline(int hfd, bool send);
/* A blocking host syscall that a timer interrupts every slice, to give up
 * when the guest's call is gone (-ENOENT). For files that cannot be asked
 * not to block and were found ready. -ENOMEM as xio_wait_fd. */
long xio_sliced(struct cb_call *c, long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* Workers that write have SIGPIPE and SIGXFSZ blocked: a write of the
 * supervisor must not kill it. After a host call: the one the kernel raised
 * for it, if any, goes to the guest (sets x->signal_after, or is made
 * pending at once when the guest thread blocks it). */
void xio_signals_setup(void);
void xio_forward_signals(struct cb_xctx *x);

/* ---- the guest ---- */

struct xio_ids {
	pid_t tgid;
	pid_t nstgid;   /* the tgid in the guest's own PID namespace */
	int ns_depth;   /* how many PID namespaces NStgid lists (1: the host's) */
	uint32_t uid[3], gid[3];  /* real, effective, saved */
	uint64_t cap_eff;
	uint64_t sig_blk, sig_ign;
	uint64_t sig_pnd, shd_pnd; /* pending: the thread's, the process's */
	int fd_size;              /* FDSize: the fd table's size */
	int umask;                /* Umask: (-1 when the kernel does not say) */
};
/* From /proc/TID/status: 0 or -ENOENT. */
int xio_guest_ids(struct cb_call *c, struct xio_ids *ids);
/* Host pid PID as a process in the guest's PID namespace sees it (at depth
 * DEPTH, xio_ids.ns_depth): 0 when it is not in that namespace, as the
 * kernel reports pids a receiver cannot see. */
pid_t xio_pid_in_guest_ns(pid_t pid, int depth);
bool xio_cap(uint64_t caps, int cap);

/* The guest's fds among the arguments: a small map guest -> host copy,
 * one copy per guest fd, all closed by xio_fds_free. A guest fd that is
 * not open maps to -1. */
struct xio_fds {
	int *g, *h;
	int n, cap;
};
int xio_fds_get(struct cb_call *c, struct xio_fds *m, int gfd, int *hfd);
void xio_fds_free(struct xio_fds *m);

/* ---- signalfds inside poll and select ----
 * A signalfd polls the caller's pending signals: the supervisor's copy
 * would report the supervisor's. Its readiness is the guest thread's
 * pending signals (thread and process) in the signalfd's mask, re-read
 * every slice of the wait. */
struct xio_sigfds {
	int n;
	int *idx;        /* the caller's index of each signalfd */
	uint64_t *mask;  /* the signals it takes */
};
/* HFD is a signalfd: remember it as entry IDX (0), else 1; -ENOMEM. */
int xio_sigfds_add(struct xio_sigfds *s, int hfd, int idx);
/* Which of them are readable now: READY[i] for each; returns how many,
 * or -ENOENT. */
int xio_sigfds_ready(struct cb_call *c, const struct xio_sigfds *s, bool *ready);
void xio_sigfds_free(struct xio_sigfds *s);

/* ---- epoll instances that hold task-tied files (signalfd): the
 * kernel runs epoll_wait on them ---- */
void xio_epoll_taint(int hepfd);
bool xio_epoll_tainted(int hepfd);
/* ---- epoll instances that watch a file with EPOLLEXCLUSIVE (added
 * through the supervisor): epoll_wait waits inside epoll_wait on them ---- */
void xio_epoll_mark_exclusive(int hepfd);
bool xio_epoll_exclusive(int hepfd);

/* ---- messages (messages.c), for the socket calls (sockets.c) ---- */

/* The i386 struct msghdr (28 bytes). */
struct xio_gmsg {
	uint32_t name;
	int32_t namelen;
	uint32_t iov;
	uint32_t iovlen;
	uint32_t control;
	uint32_t controllen;
	int32_t flags;
};
_Static_assert(sizeof(struct xio_gmsg) == 28, "i386 msghdr");

/* Send the guest's message M (already read) on host fd HFD, as sendmsg
 * does, with FLAGS (no MSG_CMSG_COMPAT). ONE: M->iov is one buffer of
 * M->iovlen bytes (sendto), not an iovec array. The count or -errno. */
long xio_send(struct cb_xctx *x, int hfd, const struct xio_gmsg *m, unsigned flags, bool one);
/* recvfrom's source address, for its caller to write back. */
struct xio_from {
	bool want;                     /* the guest gave an address buffer */
	struct sockaddr_storage name;  /* out */
	uint32_t namelen;              /* out: the kernel's length */
};
/* Receive into the guest's message M as recvmsg does, with GFLAGS (no
 * MSG_CMSG_COMPAT); on success M holds what goes back to the guest's
 * msghdr (namelen, controllen, flags), written by the caller. FROM:
 * recvfrom, M->iov is one buffer of M->iovlen bytes and the name goes to
 * FROM. The count or -errno. */
long xio_recv(struct cb_xctx *x, int hfd, struct xio_gmsg *m, unsigned gflags,
	      struct xio_from *from);

/* ---- poll and select (readiness.c), for ppoll and pselect6 (pwait.c) ---- */

/* poll of the guest's NFDS pollfds at GADDR until DEADLINE (CLOCK_MONOTONIC
 * ns, <0: none; ZERO: do not wait): the count or -errno. */
int xio_poll_core(struct cb_call *c, uint64_t gaddr, uint32_t nfds, int64_t deadline, bool zero);
/* select of the guest's fd_sets at SET_ADDR (in, out, except) of N bits,
 * as xio_poll_core; TVP (0: none): the guest's old 8-byte timeval, kept
 * holding the time left while the call waits. */
int xio_select_core(struct cb_call *c, int n, const uint64_t set_addr[3], int64_t deadline,
		    bool zero_timeout, uint64_t tvp);

/* ---- the hooks (vectored.c, messages.c, readiness.c, pwait.c) ---- */
int cb_xio_gate_rw(struct cb_xctx *x);
int cb_xio_readv(struct cb_xctx *x);
int cb_xio_writev(struct cb_xctx *x);
int cb_xio_preadv(struct cb_xctx *x);
int cb_xio_pwritev(struct cb_xctx *x);
int cb_xio_gate_rw2(struct cb_xctx *x);
int cb_xio_preadv2(struct cb_xctx *x);
int cb_xio_pwritev2(struct cb_xctx *x);
int cb_xio_gate_sendmsg(struct cb_xctx *x);
int cb_xio_sendmsg(struct cb_xctx *x);
int cb_xio_recvmsg(struct cb_xctx *x);
int cb_xio_poll(struct cb_xctx *x);
int cb_xio_select(struct cb_xctx *x);
int cb_xio_old_select(struct cb_xctx *x);
int cb_xio_gate_pwait(struct cb_xctx *x);
int cb_xio_ppoll(struct cb_xctx *x);
int cb_xio_ppoll64(struct cb_xctx *x);
int cb_xio_pselect6(struct cb_xctx *x);
int cb_xio_pselect6_64(struct cb_xctx *x);
int cb_xio_gate_epoll_ctl(struct cb_xctx *x);
int cb_xio_epoll_ctl(struct cb_xctx *x);
int cb_xio_gate_epoll_wait(struct cb_xctx *x);
int cb_xio_epoll_wait(struct cb_xctx *x);
/* epoll_pwait2 without a signal mask: as epoll_wait, a 64-bit timespec. */
int cb_xio_gate_epoll_pwait2(struct cb_xctx *x);
int cb_xio_epoll_pwait2(struct cb_xctx *x);

#endif
