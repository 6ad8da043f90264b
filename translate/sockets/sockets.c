/* The i386 socket calls, direct (359-373, recvmmsg, sendmmsg) and, through
 * socketcall.c, the same rows for socketcall's sub-calls. Each row is one
 * call; the hooks here shape what the rows cannot say: addresses whose
 * length lives in guest memory (move_addr_to_user), fds a call creates
 * (accept4: installed in the guest with ADDFD), sendto/recvfrom as a
 * one-buffer sendmsg/recvmsg (messages.c), and the mmsghdr arrays.
 *
 * socket, socketpair, bind, connect and listen are not here: the kernel
 * runs them (docs/translation.md says why: they record the caller). */
#include "../xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../supervisor/dispatch.h"
#include "../../guest/guest.h"
#include "../../supervisor/supervisor.h"
#include "../io.h"
#include "sockets.h"

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }

#define MSG_CMSG_COMPAT_ 0x80000000u
#define NAME_MAX_ 128u /* sizeof(struct sockaddr_storage) */
#define GMMSG 32u      /* i386 struct mmsghdr: msghdr + msg_len */

static int hold(struct cb_xctx *x, int i, int *hfd)
{
	return cb_xsys_hold_fd(x, (int32_t)x->c->args[i], hfd);
}

/* move_addr_to_user: the guest's length is read after the call did its
 * work, the address cut to it, and the kernel's length written back. */
static int put_addr(struct cb_call *c, const void *addr, uint32_t klen, uint64_t gaddr,
		    uint64_t glen)
{
	int32_t len;
	int rc = cb_guest_read(c, glen, &len, sizeof(len));
	if (rc)
		return rc;
	if (len > (int32_t)klen)
		len = (int32_t)klen;
	if (len < 0)
		return -EINVAL;
	if (len && (rc = cb_guest_write(c, gaddr, addr, (size_t)len)) != 0)
		return rc;
	return cb_guest_write(c, glen, &klen, sizeof(klen));
}

/* The fd is a socket: the first check of the calls that read their
 * arrays afterwards (sendmmsg, recvmmsg). */
static int sock_check(int hfd)
{
	int type;
	socklen_t l = sizeof(type);
	return hfd < 0 ? -EBADF : getsockopt(hfd, SOL_SOCKET, SO_TYPE, &type, &l) ? -errno : 0;
}

int cb_xs_gate_send(struct cb_xctx *x)
{
	/* As sendmsg's gate (messages.c): MSG_ZEROCOPY sends the caller's own
	 * pages after the call returns; only the kernel can. Safe to CONTINUE
	 * from a register. Through socketcall the flags were read from guest
	 * memory: performed from a zero-copy bounce (messages.c). */
	return !x->args_read && ((unsigned)x->c->args[3] & MSG_ZEROCOPY) ? CB_XSYS_KERNEL : 0;
}

int cb_xs_sendto(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd, rc = hold(x, 0, &hfd);
	if (rc)
		return rc;
	unsigned flags = (unsigned)c->args[3] & ~MSG_CMSG_COMPAT_;
	struct xio_gmsg m = { .name = (uint32_t)c->args[4], .namelen = (int32_t)c->args[5],
			      .iov = (uint32_t)c->args[1], .iovlen = (uint32_t)c->args[2] };
	if (!m.name) {
		m.namelen = 0;
	} else if (m.namelen < 0 || (uint32_t)m.namelen > NAME_MAX_) {
		/* move_addr_to_kernel's EINVAL, after the fd was looked up: the
		 * host says both in that order. */
		long r = syscall(SYS_sendto, hfd, NULL, 0, flags, xio_guard(), (socklen_t)m.namelen);
		return r < 0 ? -errno : (int)r;
	}
	return (int)xio_send(x, hfd, &m, flags, true);
}

int cb_xs_recvfrom(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd, rc = hold(x, 0, &hfd);
	if (rc)
		return rc;
	struct xio_gmsg m = { .iov = (uint32_t)c->args[1], .iovlen = (uint32_t)c->args[2] };
	struct xio_from from = { .want = c->args[4] != 0 };
	long r = xio_recv(x, hfd, &m, (unsigned)c->args[3] & ~MSG_CMSG_COMPAT_, &from);
	if (r >= 0 && from.want &&
	    (rc = put_addr(c, &from.name, from.namelen, c->args[4], c->args[5])) != 0)
		return rc;
	return (int)r;
}

static int sockname(struct cb_xctx *x, long nr)
{
	int hfd, rc = hold(x, 0, &hfd);
	if (rc)
		return rc;
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	if (syscall(nr, hfd, &ss, &l) < 0)
		return -errno;
	return put_addr(x->c, &ss, l, x->c->args[1], x->c->args[2]);
}

int cb_xs_getsockname(struct cb_xctx *x) { return sockname(x, SYS_getsockname); }
int cb_xs_getpeername(struct cb_xctx *x) { return sockname(x, SYS_getpeername); }

int cb_xs_accept4(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	unsigned flags = (unsigned)c->args[3];
	if (flags & ~(unsigned)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL; /* before the fd, as __sys_accept4 */
	int hfd, rc = hold(x, 0, &hfd);
	if (rc)
		return rc;
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	bool want = c->args[1] != 0;
	int type;
	long nfd;
	/* The supervisor's copy of the new socket is close-on-exec whatever
	 * the guest asked; ADDFD gives the guest its own flag. */
	long hflags = (long)(flags | SOCK_CLOEXEC);
	if (xio_how(hfd, &type) == XIO_WAIT) {
		/* The listener's O_NONBLOCK is the guest's to keep: wait until a
		 * connection is there, then accept under the slice timer (another
		 * thread may take it first). SO_RCVTIMEO is accept's timeout. */
		int w = xio_wait_fd(c, hfd, POLLIN, xio_sock_deadline(hfd, false));
		if (w <= 0)
			return w < 0 ? w : -EAGAIN;
		/* The new socket's inode is the caller's (its fsuid). */
		if ((rc = cb_xsys_as_guest(x)) != 0)
			return rc;
		nfd = xio_sliced(c, SYS_accept4, hfd, (long)&ss, (long)&l, hflags, 0, 0);
		cb_xsys_as_self(x);
	} else {
		if ((rc = cb_xsys_as_guest(x)) != 0)
			return rc;
		nfd = syscall(SYS_accept4, hfd, &ss, &l, hflags);
		nfd = nfd < 0 ? -errno : nfd;
		cb_xsys_as_self(x);
	}
	if (nfd < 0)
		return (int)nfd;
	/* An address that cannot be written drops the connection, as natively;
	 * the fd is installed last (fd_install comes after it too). */
	rc = want ? put_addr(c, &ss, l, c->args[1], c->args[2]) : 0;
	if (!rc)
		rc = cb_notif_addfd(&c->sup->l, c->n->id, (int)nfd,
				    (flags & SOCK_CLOEXEC) ? O_CLOEXEC : 0);
	close((int)nfd);
	return rc;
}

int cb_xs_sendmmsg(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd, rc = hold(x, 0, &hfd);
	if (rc || (rc = sock_check(hfd)) != 0)
		return rc;
	uint32_t vlen = (uint32_t)c->args[2];
	if (vlen > XIO_IOV_MAX)
		vlen = XIO_IOV_MAX;
	unsigned flags = (unsigned)c->args[3] & ~MSG_CMSG_COMPAT_;
	long err = 0;
	uint32_t n = 0;
	for (; n < vlen; n++) {
		uint64_t e = c->args[1] + (uint64_t)n * GMMSG;
		struct xio_gmsg m;
		if ((err = xio_read(c, e, &m, sizeof(m))) != 0)
			break;
		if ((err = xio_send(x, hfd, &m, flags, false)) < 0)
			break;
		uint32_t len = (uint32_t)err;
		if ((err = cb_guest_write(c, e + 28, &len, sizeof(len))) != 0)
			break;
	}
	if (err == -ENOENT)
		return -ENOENT;
	return n ? (int)n : (int)err;
}

/* recvmmsg's timeout: old 32-bit or 64-bit timespec in guest memory. */
struct mm_timeout {
	bool t64, set;
	int64_t end; /* CLOCK_MONOTONIC ns */
	int64_t left;
};

static int timeout_in(struct cb_call *c, uint64_t p, struct mm_timeout *t)
{
	if (!p)
		return 0;
	/* poll_select_set_timeout's checks: before the fd is looked up. */
	int64_t sec, nsec;
	int rc = xio_read_timeout(c, p, t->t64, &sec, &nsec);
	if (rc)
		return rc;
	t->set = true;
	t->left = sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX / 2 : sec * 1000000000 + nsec;
	t->end = xio_now_ns() + t->left;
	return 0;
}


static int recv_many(struct cb_xctx *x, bool t64)
{
	struct cb_call *c = x->c;
	struct mm_timeout t = { .t64 = t64 };
	int rc = timeout_in(c, c->args[4], &t);
	if (rc)
		return rc;
	int hfd;
	if ((rc = hold(x, 0, &hfd)) != 0 || (rc = sock_check(hfd)) != 0)
		return rc;
	uint32_t vlen = (uint32_t)c->args[2];
	if (vlen > XIO_IOV_MAX)
		vlen = XIO_IOV_MAX;
	unsigned flags = (unsigned)c->args[3] & ~MSG_CMSG_COMPAT_;
	if (!(flags & MSG_ERRQUEUE)) {
		/* sock_error: a pending error is the answer, and is cleared. */
		int e = 0;
		socklen_t l = sizeof(e);
		if (getsockopt(hfd, SOL_SOCKET, SO_ERROR, &e, &l) == 0 && e)
			return -e;
	}
	long err = 0;
	uint32_t n = 0;
	while (n < vlen) {
		uint64_t e = c->args[1] + (uint64_t)n * GMMSG;
		struct xio_gmsg m;
		if ((err = xio_read(c, e, &m, sizeof(m))) != 0)
			break;
		if ((err = xio_recv(x, hfd, &m, flags & ~(unsigned)MSG_WAITFORONE, NULL)) < 0)
			break;
		uint32_t len = (uint32_t)err;
		if ((err = cb_guest_write(c, e, &m, sizeof(m))) != 0 ||
		    (err = cb_guest_write(c, e + 28, &len, sizeof(len))) != 0)
			break;
		n++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (t.set) {
			/* The timeout is looked at between datagrams only, as
			 * do_recvmmsg does. */
			t.left = t.end - xio_now_ns();
			if (t.left <= 0) {
				t.left = 0;
				break;
			}
		}
		if (m.flags & MSG_OOB)
			break;
	}
	if (err == -ENOENT)
		return -ENOENT;
	if (n == 0)
		return (int)err;
	if (t.set && (rc = xio_write_timespec(c, c->args[4], t.t64, t.left)) != 0)
		return rc;
	return (int)n;
}

int cb_xs_recvmmsg(struct cb_xctx *x) { return recv_many(x, false); }
int cb_xs_recvmmsg64(struct cb_xctx *x) { return recv_many(x, true); }

int cb_xs_gate_sendmmsg(struct cb_xctx *x)
{
	return cb_xs_gate_send(x);
}

const struct cb_xsys cb_xsys_sockets[] = {
	{ "accept4", "accept4", { VAL, VAL, VAL, VAL }, .call = cb_xs_accept4,
	  .flags = CB_X_WAITS | CB_X_CREDS,
	  .why = "socket call: the new socket installed in the guest (ADDFD); sockaddr identical; "
		 "with the guest's credentials (the new socket's owner)" },
	{ "getsockname", "getsockname", { VAL, VAL, VAL }, .call = cb_xs_getsockname,
	  .why = "socket call: sockaddr identical, its length in guest memory" },
	{ "getpeername", "getpeername", { VAL, VAL, VAL }, .call = cb_xs_getpeername,
	  .why = "socket call: as getsockname" },
	{ "sendto", "sendto", { VAL, VAL, VAL, VAL, VAL, VAL }, .gate = cb_xs_gate_send,
	  .call = cb_xs_sendto, .flags = CB_X_WAITS,
	  .why = "socket call: a sendmsg of one buffer (waits, SIGPIPE, SO_MARK as sendmsg); "
		 "MSG_ZEROCOPY stays in the kernel" },
	{ "recvfrom", "recvfrom", { VAL, VAL, VAL, VAL, VAL, VAL }, .call = cb_xs_recvfrom,
	  .flags = CB_X_WAITS,
	  .why = "socket call: a recvmsg of one buffer; the address as move_addr_to_user" },
	{ "shutdown", "shutdown", { FD, SVAL },
	  .why = "socket call: identical" },
	{ "getsockopt", "getsockopt", { VAL, VAL, VAL, VAL, VAL }, .gate = cb_xs_gate_sockopt,
	  .call = cb_xs_getsockopt, .flags = CB_X_CREDS,
	  .why = "socket call: options by (level, name): 32-bit layouts converted, the rest as is; "
		 "netfilter's tables read with the guest's capabilities" },
	{ "setsockopt", "setsockopt", { VAL, VAL, VAL, VAL, VAL }, .gate = cb_xs_gate_sockopt,
	  .call = cb_xs_setsockopt, .flags = CB_X_CREDS,
	  .why = "socket call: as getsockopt, with the guest's capabilities" },
	{ "sendmmsg", "sendmmsg", { VAL, VAL, VAL, VAL }, .gate = cb_xs_gate_sendmmsg,
	  .call = cb_xs_sendmmsg, .flags = CB_X_WAITS,
	  .why = "socket call: mmsghdr 32 -> 64 bytes, each message as sendmsg" },
	{ "recvmmsg", "recvmmsg", { VAL, VAL, VAL, VAL, VAL }, .call = cb_xs_recvmmsg,
	  .flags = CB_X_WAITS,
	  .why = "socket call: each message as recvmsg; old 32-bit timeout, looked at between "
		 "messages" },
	{ "recvmmsg_time64", "recvmmsg", { VAL, VAL, VAL, VAL, VAL }, .call = cb_xs_recvmmsg64,
	  .flags = CB_X_WAITS,
	  .why = "socket call: as recvmmsg, 64-bit timeout" },
	{ NULL },
};
