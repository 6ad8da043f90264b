/* Vectored I/O of an i386 guest: readv, writev, preadv, pwritev. The
 * 8-byte iovecs become 16-byte host iovecs over host buffers (io.h
 * for faults and waiting); the data goes back to the guest afterwards. */
#include "io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../guest/guest.h"

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

/* HOLD: the fd comes from the row (FD) or is taken here (preadv: its
 * offset is checked before the fd). */
static int rw(struct cb_xctx *x, bool out, bool positional)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	int64_t pos = -1;
	if (positional) /* i386: the offset in two 32-bit registers, low first */
		pos = (int64_t)(((uint64_t)(uint32_t)c->args[4] << 32) | (uint32_t)c->args[3]);
	xio_signals_setup();
	struct xio_iov v;
	rc = xio_iov_in(c, c->args[1], c->args[2], out, false, &v);
	long r = rc;
	if (!rc) {
		if (positional)
			/* A negative offset is EINVAL before the fd is looked at:
			 * the host checks it in the same order. Seekable files
			 * only, so nothing waits. */
			r = v2(out ? SYS_preadv : SYS_pwritev, hfd, &v, pos, 0);
		else
			r = out ? read_wait(c, hfd, &v) : write_wait(c, hfd, &v);
		if (out && r != -ENOENT) {
			int o = xio_iov_out(c, &v, r);
			if (o)
				r = o;
		}
		if (!out)
			xio_forward_signals(x);
	}
	xio_iov_free(&v);
	return (int)r;
}

int cb_xio_readv(struct cb_xctx *x)
{
	return rw(x, true, false);
}

int cb_xio_writev(struct cb_xctx *x)
{
	return rw(x, false, false);
}

int cb_xio_preadv(struct cb_xctx *x)
{
	return rw(x, true, true);
}

int cb_xio_pwritev(struct cb_xctx *x)
{
	return rw(x, false, true);
}
