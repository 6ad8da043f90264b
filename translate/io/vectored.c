/* Vectored I/O of an i386 guest: readv, writev, preadv, pwritev. The
 * 8-byte iovecs become 16-byte host iovecs over host buffers (io.h
 * for faults and waiting); the data goes back to the guest afterwards. */
#include "../io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../guest/guest.h"

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

/* A file whose calls depend on the caller (a terminal, a signalfd): the
 * kernel runs the call. Registers and fds only: see xsys.h's gate. */
int cb_xio_gate_rw(struct cb_xctx *x)
{
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &hfd);
	if (rc)
		return rc;
	return xio_task_tied(hfd) ? CB_XSYS_KERNEL : 0;
}

static long v2(long nr, int hfd, const struct xio_iov *v, int64_t pos, int flags)
{
	/* x86_64's preadv2/pwritev2 take the offset whole in pos_l (pos_h is
	 * shifted out: pos_from_hilo on a 64-bit long); -1: the file's. */
	long r = syscall(nr, hfd, (long)v->hptr, (long)v->hcount, (long)pos, 0L, (long)flags);
	return r < 0 ? -errno : r;
}

/* Read into V from HFD, waiting as the guest's file would. */
static long read_wait(struct cb_call *c, int hfd, struct xio_iov *v)
{
	int type;
	if (v->refused || xio_how(hfd, &type) == XIO_DIRECT)
		return v2(SYS_preadv2, hfd, v, -1, 0);
	int64_t deadline = type ? xio_sock_deadline(hfd, false) : -1;
	for (;;) {
		long r = v2(SYS_preadv2, hfd, v, -1, RWF_NOWAIT);
		if (r == -EOPNOTSUPP) {
			/* No non-blocking read for this file (a FIFO, a device):
			 * wait until it is readable, then a plain read that a
			 * timer keeps interruptible. */
			int w = xio_wait_fd(c, hfd, POLLIN, deadline);
			if (w <= 0)
				return w == 0 ? -EAGAIN : w;
			return xio_sliced(c, SYS_readv, hfd, (long)v->hptr, (long)v->hcount, 0, 0, 0);
		}
		if (r != -EAGAIN)
			return r;
		int w = xio_wait_fd(c, hfd, POLLIN, deadline);
		if (w <= 0)
			return w == 0 ? -EAGAIN : w; /* SO_RCVTIMEO ran out */
	}
}

/* Write V to HFD; a blocking file takes all of it, as natively, unless
 * an error (or the send timeout) comes after some was written. */
static long write_wait(struct cb_call *c, int hfd, struct xio_iov *v)
{
	int type;
	if (v->refused || xio_how(hfd, &type) == XIO_DIRECT)
		return v2(SYS_pwritev2, hfd, v, -1, 0);
	int64_t deadline = type ? xio_sock_deadline(hfd, true) : -1;
	/* Datagrams go whole or not at all. */
	bool stream = type == 0 || type == SOCK_STREAM;
	size_t done = 0, total = v->total;
	bool plain = false;
	for (;;) {
		long r;
		if (plain)
			r = xio_sliced(c, SYS_writev, hfd, (long)v->hptr, (long)v->hcount, 0, 0, 0);
		else
			r = v2(SYS_pwritev2, hfd, v, -1, RWF_NOWAIT);
		if (r == -EOPNOTSUPP && !plain) {
			plain = true; /* a FIFO, a device: see read_wait */
			r = -EAGAIN;
		}
		if (r >= 0) {
			done += (size_t)r;
			if (done >= total || !stream || r == 0)
				return (long)done;
			xio_iov_advance(v, (size_t)r);
			continue;
		}
		if (r != -EAGAIN)
			return done ? (long)done : r;
		int w = xio_wait_fd(c, hfd, POLLOUT, deadline);
		if (w < 0)
			return w;
		if (w == 0)
			return done ? (long)done : -EAGAIN; /* SO_SNDTIMEO ran out */
	}
}

static int64_t pos_of(const struct cb_call *c)
{
	return (int64_t)cb_xsys_join64(c, 3, 4); /* pos_l, pos_h */
}

/* POSITIONAL: preadv and pwritev's offset, V2: preadv2 and pwritev2's,
 * where -1 means the file's position, and their flags. The fd is taken
 * here (preadv: its offset is checked before the fd). */
static int rw(struct cb_xctx *x, bool out, bool positional, bool v2flags)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	int64_t pos = positional ? pos_of(c) : -1;
	int flags = v2flags ? (int)c->args[5] : 0;
	xio_signals_setup();
	struct xio_iov v;
	rc = xio_iov_in(c, c->args[1], c->args[2], out, false, &v);
	if (rc) {
		xio_iov_free(&v);
		return rc;
	}
	long r;
	if (positional && (!v2flags || pos != -1))
		/* A negative offset is EINVAL before the fd is looked at: the
		 * host checks it in the same order. Seekable files only, so
		 * nothing waits. */
		r = v2(out ? (v2flags ? SYS_preadv2 : SYS_preadv)
			   : (v2flags ? SYS_pwritev2 : SYS_pwritev),
		       hfd, &v, pos, flags);
	else if (flags)
		/* RWF_NOWAIT, or a file that never waits (the gate) */
		r = v2(out ? SYS_preadv2 : SYS_pwritev2, hfd, &v, -1, flags);
	else
		r = out ? read_wait(c, hfd, &v) : write_wait(c, hfd, &v);
	return xio_iov_done(x, &v, out, r);
}

/* preadv2 and pwritev2 at the file's position with flags wait only as the
 * flags say: RWF_NOWAIT never does, and a file that never waits neither;
 * on any other (a pipe, a socket) the kernel runs the call. Registers and
 * fds only, as cb_xio_gate_rw. */
int cb_xio_gate_rw2(struct cb_xctx *x)
{
	int r = cb_xio_gate_rw(x);
	int flags = (int)x->c->args[5], hfd, type;
	if (r || pos_of(x->c) != -1 || !flags || (flags & RWF_NOWAIT))
		return r;
	r = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &hfd);
	if (r || hfd < 0)
		return r;
	return xio_how(hfd, &type) == XIO_DIRECT ? 0 : CB_XSYS_KERNEL;
}

int cb_xio_readv(struct cb_xctx *x)
{
	return rw(x, true, false, false);
}

int cb_xio_writev(struct cb_xctx *x)
{
	return rw(x, false, false, false);
}

int cb_xio_preadv(struct cb_xctx *x)
{
	return rw(x, true, true, false);
}

int cb_xio_pwritev(struct cb_xctx *x)
{
	return rw(x, false, true, false);
}

int cb_xio_preadv2(struct cb_xctx *x)
{
	return rw(x, true, true, true);
}

int cb_xio_pwritev2(struct cb_xctx *x)
{
	return rw(x, false, true, true);
}
