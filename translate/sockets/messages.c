/* sendmsg and recvmsg of an i386 guest (the direct socketcalls 370 and
 * 372): its 28-byte msghdr, iovecs, name and control messages become the
 * host's; fds in SCM_RIGHTS are taken from the guest (send) or installed
 * in it with SECCOMP_IOCTL_NOTIF_ADDFD (receive); SCM_CREDENTIALS carry the
 * guest's identity, checked as the kernel checks its caller. */
#include "../io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../guest/guest.h"
#include "../../supervisor/supervisor.h"

#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04
#endif
/* The kernel's internal flag (not in the libc headers): the compat entry
 * points add it; a guest's own is ignored there, and refused by the host. */
#define MSG_CMSG_COMPAT 0x80000000u

#define G_HDR 12u  /* i386 cmsghdr */
#define H_HDR 16u  /* x86_64 cmsghdr */
#define CTL_MAX (1u << 20) /* guest control bytes read at most */
#define NAME_MAX_ 128u     /* sockaddr_storage: the kernel's cap on msg_namelen */
#define SCM_MAX_FD_ 253

static size_t align4(size_t v) { return (v + 3) & ~(size_t)3; }
static size_t align8(size_t v) { return (v + 7) & ~(size_t)7; }

/* The header of the control message at OFF of B[0..N), in the host's
 * layout (HOST: an 8-byte length, 16 bytes in all) or the guest's (i386: a
 * 4-byte length, 12): false when none fits there or its length is short of
 * a header or runs past the end, which ends a walk. */
static bool cmsg_at(const uint8_t *b, size_t n, size_t off, bool host, uint64_t *len,
		    int32_t *level, int32_t *type)
{
	size_t hdr = host ? H_HDR : G_HDR, lw = host ? 8 : 4;
	if (off + hdr > n)
		return false;
	if (host) {
		memcpy(len, b + off, 8);
	} else {
		uint32_t l32;
		memcpy(&l32, b + off, 4);
		*len = l32;
	}
	memcpy(level, b + off + lw, 4);
	memcpy(type, b + off + lw + 4, 4);
	return *len >= hdr && *len <= n - off;
}

/* MSG_ZEROCOPY only from a zero-copy bounce (ZC): with SO_ZEROCOPY the
 * kernel pins the pages it is given and sends them after the call
 * returned; a supervisor buffer that is freed and reused would send heap
 * bytes to the peer. cb_xio_gate_sendmsg leaves direct calls with the flag
 * to the kernel; through socketcall xio_send bounces. */
static long host_call_zc(long nr, int hfd, const struct msghdr *h, unsigned flags, bool zc)
{
	long r = syscall(nr, hfd, h, zc ? flags : flags & ~(unsigned)MSG_ZEROCOPY);
	return r < 0 ? -errno : r;
}

static long host_call(long nr, int hfd, const struct msghdr *h, unsigned flags)
{
	return host_call_zc(nr, hfd, h, flags, false);
}

/* A zero-copy send's data, gathered into pages of its own that are
 * unmapped after the call and never reused: what the kernel pinned stays
 * its until it is sent (the completion then comes on the guest's socket,
 * the same one). NULL when there is nothing to send or no memory. */
static void *zc_bounce(const struct xio_iov *v, struct iovec *one)
{
	if (!v->total || v->refused || v->faulty)
		return NULL;
	void *p = mmap(NULL, v->total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	size_t o = 0;
	for (uint32_t i = 0; i < v->n; i++) {
		memcpy((char *)p + o, v->h[i].iov_base, v->h[i].iov_len);
		o += v->h[i].iov_len;
	}
	*one = (struct iovec){ p, v->total };
	return p;
}

/* May the supervisor name another process in SCM_CREDENTIALS? Then the
 * guest's identity is what a receiver sees (else the supervisor's). */
static bool sup_privileged(void)
{
	static int known = -1;
	if (known < 0) {
		struct __user_cap_header_struct hd = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		known = 0;
		if (syscall(SYS_capget, &hd, d) == 0) {
			uint64_t eff = d[0].effective | (uint64_t)d[1].effective << 32;
			known = xio_cap(eff, CAP_SYS_ADMIN) && xio_cap(eff, CAP_SETUID) &&
				xio_cap(eff, CAP_SETGID);
		}
	}
	return known == 1;
}

/* ---- sendmsg: the guest's control buffer ---- */

struct ctl_out {
	uint8_t *h;          /* host control messages */
	size_t hlen;
	int err;             /* the compat conversion's verdict (0: none) */
	bool has_creds;
	uint8_t creds[32];   /* the credentials message, for every chunk */
	size_t creds_len;
};

/* What the kernel's cmsghdr_from_user_compat_to_kern says of the guest's
 * GLEN bytes, of which GOT could be read: its first loop reads only the
 * lengths (-EFAULT, -EINVAL for a bogus one or bytes too short for a
 * header after the last message), its second the messages. */
static int compat_walk(struct cb_call *c, uint64_t gctl, const uint8_t *g, size_t glen,
		       size_t got)
{
	/* No first header (CMSG_COMPAT_FIRSTHDR is NULL for a NULL buffer
	 * too): nothing converted. */
	if (glen < G_HDR || !gctl)
		return -EINVAL;
	size_t o = 0, end_read = 0;
	for (;;) {
		uint32_t len;
		if (o + 4 <= got) {
			memcpy(&len, g + o, 4);
		} else {
			int rc = xio_read(c, gctl + o, &len, 4); /* may lie past GLEN */
			if (rc)
				return rc;
		}
		if (len < G_HDR || len > glen - o)
			return -EINVAL;
		if (o + len > end_read)
			end_read = o + len;
		o += align4(len);
		if (o >= glen)
			break;
	}
	return end_read > got ? -EFAULT : 0;
}

static bool guest_creds_ok(const struct xio_ids *ids, const int32_t cr[3])
{
	/* scm_check_creds, with the guest as the caller. */
	/* The guest names itself in its own PID namespace (compatbox's). */
	bool pid = (pid_t)cr[0] == ids->nstgid || xio_cap(ids->cap_eff, CAP_SYS_ADMIN);
	bool uid = (uint32_t)cr[1] == ids->uid[0] || (uint32_t)cr[1] == ids->uid[1] ||
		   (uint32_t)cr[1] == ids->uid[2] || xio_cap(ids->cap_eff, CAP_SETUID);
	bool gid = (uint32_t)cr[2] == ids->gid[0] || (uint32_t)cr[2] == ids->gid[1] ||
		   (uint32_t)cr[2] == ids->gid[2] || xio_cap(ids->cap_eff, CAP_SETGID);
	return pid && uid && gid;
}

/* The host control for the guest's: fds swapped for host copies, the
 * credentials checked as the guest's, and the guest's credentials added
 * when it sent none and the supervisor can name it. */
static int ctl_send(struct cb_call *c, uint32_t gctl, uint32_t glen, struct xio_fds *fds,
		    struct ctl_out *o)
{
	memset(o, 0, sizeof(*o));
	if (glen == 0 || glen > (uint32_t)INT32_MAX) {
		/* Nothing, or more than the kernel takes (ENOBUFS: the host
		 * checks the same length). */
		o->err = glen ? -ENOBUFS : 0;
		return 0;
	}
	if (glen > CTL_MAX) {
		/* The kernel would allocate it from the socket's option memory
		 * (optmem_max, 128 KiB), and fail. */
		o->err = -ENOBUFS;
		return 0;
	}
	uint8_t *g = malloc(glen);
	if (!g)
		return -ENOMEM;
	size_t got;
	int rc = xio_read_prefix(c, gctl, g, glen, &got);
	if (!rc)
		rc = compat_walk(c, gctl, g, glen, got);
	if (rc == -EFAULT || rc == -EINVAL) {
		o->err = rc;
		free(g);
		return 0;
	}
	if (rc) {
		free(g);
		return rc;
	}
	size_t cap = cb_conv_cmsg_host_space(CB_ARCH_I386, glen) + sizeof(o->creds);
	o->h = calloc(1, cap);
	if (!o->h) {
		free(g);
		return -ENOMEM;
	}
	rc = cb_conv_cmsg_to_host(CB_ARCH_I386, g, glen, o->h, cap, &o->hlen);
	free(g);
	if (rc) {
		o->err = rc;
		return 0;
	}
	struct xio_ids ids;
	bool have_ids = false;
	for (size_t off = 0; off + H_HDR <= o->hlen;) {
		uint64_t len;
		int32_t level, type;
		memcpy(&len, o->h + off, 8);
		memcpy(&level, o->h + off + 8, 4);
		memcpy(&type, o->h + off + 12, 4);
		uint8_t *data = o->h + off + H_HDR;
		size_t plen = len - H_HDR;
		if (level == SOL_SOCKET && type == SCM_RIGHTS) {
			size_t n = plen / 4;
			for (size_t i = 0; i < n; i++) {
				int32_t gfd, h = -1;
				memcpy(&gfd, data + 4 * i, 4);
				/* Past SCM_MAX_FD the kernel refuses the lot before
				 * looking at one; -1 is never a supervisor fd. */
				if (n <= SCM_MAX_FD_ && gfd >= 0) {
					rc = xio_fds_get(c, fds, gfd, &h);
					if (rc)
						return rc;
				}
				memcpy(data + 4 * i, &h, 4);
			}
		} else if (level == SOL_SOCKET && type == SCM_CREDENTIALS && plen == 12) {
			if (!have_ids && (rc = xio_guest_ids(c, &ids)) != 0)
				return rc;
			have_ids = true;
			if (!guest_creds_ok(&ids, (const int32_t *)data)) {
				o->err = -EPERM;
				return 0;
			}
			int32_t pid;
			memcpy(&pid, data, 4);
			/* The host call names pids in the supervisor's namespace. */
			if (pid == ids.nstgid) {
				pid = ids.tgid;
				memcpy(data, &pid, 4);
			}
			if (pid == ids.tgid && !sup_privileged()) {
				/* The kernel checks the sender, the supervisor, which
				 * may name only itself: the receiver then sees the
				 * supervisor's pid, as it does for a guest that sends
				 * none (see add_guest_creds). */
				pid = (int32_t)getpid();
				memcpy(data, &pid, 4);
			}
			o->has_creds = true;
			memcpy(o->creds, o->h + off, len);
			o->creds_len = align8(len);
		} else if (level == SOL_SOCKET && (type == SO_MARK || type == SO_PRIORITY) &&
			   plen >= 4) {
			/* Checked against the caller's capabilities: the guest's. */
			uint32_t v;
			memcpy(&v, data, 4);
			if (!have_ids && (rc = xio_guest_ids(c, &ids)) != 0)
				return rc;
			have_ids = true;
			bool net = xio_cap(ids.cap_eff, CAP_NET_ADMIN) || xio_cap(ids.cap_eff, CAP_NET_RAW);
			if (!net && (type == SO_MARK || v > 6)) {
				o->err = -EPERM;
				return 0;
			}
		}
		off += align8(len);
	}
	return 0;
}

/* The guest sent no credentials: a receiver that asks for them (or the
 * kernel, for a socket with SO_PASSCRED) would see the supervisor. Name
 * the guest instead, when the supervisor may (CAP_SYS_ADMIN). */
static int add_guest_creds(struct cb_call *c, int hfd, struct ctl_out *o)
{
	int dom = 0;
	socklen_t l = sizeof(dom);
	if (o->has_creds || !sup_privileged() ||
	    getsockopt(hfd, SOL_SOCKET, SO_DOMAIN, &dom, &l) || dom != AF_UNIX)
		return 0;
	struct xio_ids ids;
	int rc = xio_guest_ids(c, &ids);
	if (rc)
		return rc;
	uint64_t len = H_HDR + 12;
	int32_t hdr[2] = { SOL_SOCKET, SCM_CREDENTIALS };
	int32_t cr[3] = { ids.tgid, (int32_t)ids.uid[0], (int32_t)ids.gid[0] };
	memset(o->creds, 0, sizeof(o->creds));
	memcpy(o->creds, &len, 8);
	memcpy(o->creds + 8, hdr, 8);
	memcpy(o->creds + H_HDR, cr, 12);
	o->creds_len = align8(len);
	o->has_creds = true;
	if (!o->h) {
		o->h = calloc(1, sizeof(o->creds));
		if (!o->h)
			return -ENOMEM;
	}
	/* ctl_send left room for it after the guest's messages. */
	memcpy(o->h + o->hlen, o->creds, o->creds_len);
	o->hlen += o->creds_len;
	return 0;
}

int cb_xio_gate_sendmsg(struct cb_xctx *x)
{
	/* MSG_ZEROCOPY sends the caller's own pages, after the call returns,
	 * and reports on the error queue when they are free again: only the
	 * kernel, on the guest's memory, can do that. Without SO_ZEROCOPY it
	 * ignores the flag, with it the guest gets its completions as
	 * natively. Safe to CONTINUE: only the flags register was looked at.
	 * Through socketcall the flags came from guest memory: performed from
	 * a zero-copy bounce (xio_send). */
	return !x->args_read && ((unsigned)x->c->args[2] & MSG_ZEROCOPY) ? CB_XSYS_KERNEL : 0;
}

int cb_xio_sendmsg(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	unsigned flags = (unsigned)c->args[2] & ~(unsigned)MSG_CMSG_COMPAT;
	xio_signals_setup();
	struct xio_gmsg m;
	rc = xio_read(c, c->args[1], &m, sizeof(m));
	if (rc == -EFAULT) /* after the fd checks, as the host makes them */
		return (int)host_call(SYS_sendmsg, hfd, xio_guard(), flags);
	if (rc)
		return rc;
	return (int)xio_send(x, hfd, &m, flags, false);
}

long xio_send(struct cb_xctx *x, int hfd, const struct xio_gmsg *mp, unsigned flags, bool one)
{
	struct cb_call *c = x->c;
	struct xio_gmsg m = *mp;
	int rc;
	xio_signals_setup();
	struct msghdr h = { 0 };
	uint8_t name[NAME_MAX_];
	h.msg_namelen = (socklen_t)m.namelen; /* negative: EINVAL from the host */
	if (m.name) {
		h.msg_name = name;
		if (m.namelen > 0) {
			size_t nl = (uint32_t)m.namelen < NAME_MAX_ ? (size_t)m.namelen : NAME_MAX_;
			size_t got;
			rc = xio_read_prefix(c, m.name, name, nl, &got);
			if (rc)
				return rc;
			if (got < nl)
				h.msg_name = xio_guard();
		}
	}
	struct xio_iov v;
	struct xio_fds fds = { 0 };
	struct ctl_out co = { 0 };
	rc = one ? xio_iov_one(c, m.iov, m.iovlen, false, &v)
		 : xio_iov_in(c, m.iov, m.iovlen, false, false, &v);
	if (!rc)
		rc = ctl_send(c, m.control, m.controllen, &fds, &co);
	if (!rc && !co.err)
		rc = add_guest_creds(c, hfd, &co);
	long r = rc;
	if (!rc) {
		h.msg_iov = (struct iovec *)(uintptr_t)v.hptr;
		h.msg_iovlen = v.hcount;
		h.msg_control = co.hlen ? co.h : NULL;
		h.msg_controllen = co.hlen;
		if (co.err) {
			/* The compat conversion failed, after every check before
			 * it: a control length over INT_MAX fails the host at that
			 * very point, with ENOBUFS, which nothing earlier says. */
			h.msg_control = xio_guard();
			h.msg_controllen = (size_t)INT32_MAX + 1;
			r = host_call(SYS_sendmsg, hfd, &h, flags);
			if (r == -ENOBUFS)
				r = co.err;
		} else {
			int type;
			enum xio_how how = xio_how(hfd, &type);
			bool wait = how == XIO_WAIT && !(flags & MSG_DONTWAIT) && !v.refused;
			int64_t deadline = wait ? xio_sock_deadline(hfd, true) : -1;
			size_t done = 0;
			/* MSG_ZEROCOPY here came through socketcall (see host_call). */
			struct iovec zone;
			void *zc = (flags & MSG_ZEROCOPY) ? zc_bounce(&v, &zone) : NULL;
			size_t zclen = v.total;
			if (zc) {
				h.msg_iov = &zone;
				h.msg_iovlen = 1;
			}
			for (;;) {
				r = host_call_zc(SYS_sendmsg, hfd, &h, flags | (wait ? MSG_DONTWAIT : 0),
						 zc != NULL);
				if (r >= 0 && wait && type == SOCK_STREAM && r > 0 &&
				    done + (size_t)r < v.total) {
					/* A blocking stream send takes it all. The rest
					 * goes without the messages already sent, but
					 * with the same credentials. */
					done += (size_t)r;
					xio_iov_advance(&v, (size_t)r);
					h.msg_iov = (struct iovec *)(uintptr_t)v.hptr;
					h.msg_iovlen = v.hcount;
					if (zc) {
						zone.iov_base = (char *)zone.iov_base + r;
						zone.iov_len -= (size_t)r;
						h.msg_iov = &zone;
						h.msg_iovlen = 1;
					}
					h.msg_control = co.creds_len ? co.creds : NULL;
					h.msg_controllen = co.creds_len;
					continue;
				}
				if (r >= 0) {
					r += (long)done;
					break;
				}
				if (r != -EAGAIN || !wait) {
					if (done)
						r = (long)done;
					break;
				}
				int w = xio_wait_fd(c, hfd, POLLOUT, deadline);
				if (w <= 0) {
					r = w < 0 ? w : done ? (long)done : -EAGAIN;
					break;
				}
			}
			if (zc)
				munmap(zc, zclen);
		}
		xio_forward_signals(x);
	}
	free(co.h);
	xio_fds_free(&fds);
	xio_iov_free(&v);
	return r;
}

/* ---- recvmsg ---- */

/* Host control messages H[0..HLEN): every fd in them (SCM_RIGHTS,
 * SCM_PIDFD) is the supervisor's to close. */
static void close_host_fds(const uint8_t *h, size_t hlen)
{
	uint64_t len;
	int32_t level, type;
	for (size_t off = 0; cmsg_at(h, hlen, off, true, &len, &level, &type); off += align8(len)) {
		if (level == SOL_SOCKET && (type == SCM_RIGHTS || type == SCM_PIDFD)) {
			for (size_t i = 0; i + 4 <= len - H_HDR; i += 4) {
				int32_t fd;
				memcpy(&fd, h + off + H_HDR + i, 4);
				if (fd >= 0)
					close(fd);
			}
		}
	}
}

/* How far the kernel wrote messages into a zeroed buffer when it did not
 * say (the call failed after receiving): up to the first empty header. */
static size_t written_len(const uint8_t *h, size_t cap)
{
	size_t off = 0;
	uint64_t len;
	int32_t level, type;
	while (cmsg_at(h, cap, off, true, &len, &level, &type))
		off += align8(len);
	return off;
}

/* Install the fds of the guest-layout messages G[0..*GLEN) in the guest,
 * their numbers in place of the host's. An fd that cannot be installed
 * (EMFILE) ends the array there, as scm_detach_fds_compat does: MSG_CTRUNC,
 * and the rest are not delivered. */
static int install_fds(struct cb_call *c, uint8_t *g, size_t *glen, bool cloexec, bool *ctrunc)
{
	uint64_t len;
	int32_t level, type;
	for (size_t off = 0; cmsg_at(g, *glen, off, false, &len, &level, &type);
	     off += align4(len)) {
		bool rights = level == SOL_SOCKET && type == SCM_RIGHTS;
		if (rights || (level == SOL_SOCKET && type == SCM_PIDFD)) {
			size_t n = (len - G_HDR) / 4, i;
			for (i = 0; i < n; i++) {
				int32_t hfd;
				memcpy(&hfd, g + off + G_HDR + 4 * i, 4);
				int gfd = cb_notif_addfd(&c->sup->l, c->n->id, hfd,
							 cloexec || !rights ? O_CLOEXEC : 0);
				if (gfd == -ENOENT)
					return -ENOENT;
				if (gfd < 0)
					break;
				memcpy(g + off + G_HDR + 4 * i, &gfd, 4);
			}
			if (i < n) {
				*ctrunc = true;
				if (i == 0) { /* no header either */
					*glen = off;
					return 0;
				}
				uint32_t nl = (uint32_t)(G_HDR + 4 * i);
				memcpy(g + off, &nl, 4);
				size_t end = off + align4(nl);
				*glen = end < *glen ? end : *glen;
				return 0;
			}
		}
	}
	return 0;
}

/* The kernel wrote SCM_CREDENTIALS pids as the supervisor sees them; the
 * guest, in its own PID namespace, sees them otherwise. */
static int creds_to_guest_ns(struct cb_call *c, uint8_t *g, size_t glen)
{
	struct xio_ids ids = { 0 };
	bool have_ids = false;
	uint64_t len;
	int32_t level, type;
	for (size_t off = 0; cmsg_at(g, glen, off, false, &len, &level, &type);
	     off += align4(len)) {
		if (level == SOL_SOCKET && type == SCM_CREDENTIALS && len >= G_HDR + 4) {
			int rc;
			if (!have_ids && (rc = xio_guest_ids(c, &ids)) != 0)
				return rc;
			have_ids = true;
			int32_t pid;
			memcpy(&pid, g + off + G_HDR, 4);
			pid = xio_pid_in_guest_ns(pid, ids.ns_depth);
			memcpy(g + off + G_HDR, &pid, 4);
		}
	}
	return 0;
}

int cb_xio_recvmsg(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	uint64_t gm = c->args[1];
	unsigned gflags = (unsigned)c->args[2] & ~(unsigned)MSG_CMSG_COMPAT;
	struct xio_gmsg m;
	rc = xio_read(c, gm, &m, sizeof(m));
	if (rc == -EFAULT)
		return (int)host_call(SYS_recvmsg, hfd, xio_guard(), gflags | MSG_CMSG_CLOEXEC);
	if (rc)
		return rc;
	long r = xio_recv(x, hfd, &m, gflags, NULL);
	if (r >= 0 && (rc = cb_guest_write(c, gm, &m, sizeof(m))) != 0)
		r = rc;
	return (int)r;
}

long xio_recv(struct cb_xctx *x, int hfd, struct xio_gmsg *mp, unsigned gflags,
	      struct xio_from *from)
{
	struct cb_call *c = x->c;
	struct xio_gmsg m = *mp;
	int rc;
	/* Received fds are close-on-exec in the supervisor whatever the guest
	 * asked; MSG_CMSG_CLOEXEC is the guest's again in msg_flags. */
	unsigned flags = gflags | MSG_CMSG_CLOEXEC;
	struct msghdr h = { 0 };
	struct xio_buf nb = { 0 };
	struct xio_iov v = { 0 };
	uint8_t *hctl = NULL, *gctl = NULL;
	bool name_faulty = false;
	size_t glen = 0, hcap = 0;
	long r;
	h.msg_namelen = (socklen_t)m.namelen;
	if (from) {
		/* recvfrom: the name goes to the caller, which reads the guest's
		 * length only after the data came, as move_addr_to_user does. */
		h.msg_namelen = from->want ? NAME_MAX_ : 0;
		if (from->want && (rc = xio_buf_make(&nb, NAME_MAX_, NAME_MAX_)) != 0)
			goto out;
		h.msg_name = from->want ? nb.p : NULL;
	} else if (m.name) {
		size_t nl = m.namelen > 0 ? ((uint32_t)m.namelen < NAME_MAX_ ? (size_t)m.namelen
									    : NAME_MAX_)
					  : 0;
		size_t ok;
		rc = xio_accessible(c, m.name, nl, &ok);
		if (!rc)
			rc = xio_buf_make(&nb, nl, ok);
		if (rc)
			goto out;
		name_faulty = ok < nl;
		h.msg_name = nb.p;
	}
	/* A name that cannot be written fails the call after the data was
	 * received and copied: the data buffers then go back whole. */
	rc = from ? xio_iov_one(c, m.iov, m.iovlen, true, &v)
		  : xio_iov_in(c, m.iov, m.iovlen, true, name_faulty, &v);
	if (rc)
		goto out;
	h.msg_iov = (struct iovec *)(uintptr_t)v.hptr;
	h.msg_iovlen = v.hcount;
	if (!from && m.control) {
		glen = m.controllen < CTL_MAX ? m.controllen : CTL_MAX;
		hcap = cb_conv_cmsg_host_space(CB_ARCH_I386, glen);
		size_t ok;
		rc = xio_accessible(c, m.control, glen, &ok);
		if (rc)
			goto out;
		if (ok < glen) {
			/* The kernel's writes to it fail: nothing is delivered,
			 * fds are dropped (MSG_CTRUNC), as they would be. */
			h.msg_control = xio_guard();
			h.msg_controllen = hcap;
		} else {
			hctl = calloc(1, hcap ? hcap : 1);
			gctl = malloc(glen ? glen : 1);
			if (!hctl || !gctl) {
				rc = -ENOMEM;
				goto out;
			}
			h.msg_control = hctl;
			h.msg_controllen = hcap;
		}
	} else {
		/* NULL: CTRUNC if anything came */
		h.msg_controllen = from ? 0 : m.controllen;
	}

	int type;
	enum xio_how how = xio_how(hfd, &type);
	bool wait = how == XIO_WAIT && !(flags & (MSG_DONTWAIT | MSG_ERRQUEUE)) && !v.refused;
	bool waitall = wait && (flags & MSG_WAITALL) && !(flags & MSG_PEEK) && type == SOCK_STREAM;
	int64_t deadline = wait ? xio_sock_deadline(hfd, false) : -1;
	size_t done = 0;
	int out_flags = 0;
	struct sockaddr_storage first_name;
	socklen_t first_namelen = 0;
	size_t ctl_got = 0; /* control bytes the last successful call wrote */
	for (;;) {
		r = host_call(SYS_recvmsg, hfd, &h, flags | (wait ? MSG_DONTWAIT : 0));
		if (r == -EAGAIN && wait) {
			int w = xio_wait_fd(c, hfd, POLLIN, deadline);
			if (w > 0)
				continue;
			r = w < 0 ? w : done ? (long)done : -EAGAIN;
			break;
		}
		if (r < 0) {
			if (done && r != -ENOENT)
				r = (long)done;
			break;
		}
		out_flags |= h.msg_flags;
		ctl_got = hctl ? h.msg_controllen : 0;
		if (done == 0 && h.msg_name) {
			first_namelen = h.msg_namelen < sizeof(first_name) ? h.msg_namelen
									  : sizeof(first_name);
			memcpy(&first_name, nb.p, nb.ok < first_namelen ? nb.ok : first_namelen);
		}
		done += (size_t)r;
		/* MSG_WAITALL on a stream: more until all came, the peer is done,
		 * or messages came with the data (the kernel stops there too). */
		if (!waitall || r == 0 || done >= v.total || h.msg_controllen ||
		    (h.msg_flags & MSG_CTRUNC)) {
			r = (long)done;
			break;
		}
		xio_iov_advance(&v, (size_t)r);
		h.msg_iov = (struct iovec *)(uintptr_t)v.hptr;
		h.msg_iovlen = v.hcount;
		h.msg_controllen = m.control ? hcap : 0;
		int w = xio_wait_fd(c, hfd, POLLIN, deadline);
		if (w <= 0) {
			r = w < 0 ? w : (long)done;
			break;
		}
	}
	if (r == -ENOENT)
		goto out_fds;

	/* Control messages: the kernel wrote them before failing, too. */
	size_t gl = 0;
	bool ctrunc = false;
	if (hctl) {
		size_t hlen = r >= 0 ? ctl_got : written_len(hctl, hcap);
		size_t hused;
		rc = cb_conv_cmsg_to_guest(CB_ARCH_I386, hctl, hlen, gctl, glen, &gl, &ctrunc, &hused);
		if (rc) {
			r = rc;
			goto out_fds;
		}
		rc = install_fds(c, gctl, &gl, gflags & MSG_CMSG_CLOEXEC, &ctrunc);
		if (!rc)
			rc = creds_to_guest_ns(c, gctl, gl);
		if (!rc && gl)
			rc = cb_guest_write(c, m.control, gctl, gl);
		if (rc) {
			r = rc;
			goto out_fds;
		}
	}
	rc = xio_iov_out(c, &v, r);
	if (rc) {
		r = rc;
		goto out_fds;
	}
	if (r >= 0 && from) {
		memcpy(&from->name, &first_name, first_namelen);
		from->namelen = first_namelen;
	} else if (r >= 0) {
		if (m.name) {
			size_t n = (uint32_t)m.namelen < first_namelen ? (size_t)m.namelen : first_namelen;
			if (n && (rc = cb_guest_write(c, m.name, &first_name, n)) != 0) {
				r = rc;
				goto out_fds;
			}
			m.namelen = (int32_t)first_namelen;
		}
		m.flags = (int32_t)(((unsigned)out_flags & ~(unsigned)(MSG_CMSG_CLOEXEC | MSG_CMSG_COMPAT)) |
				    (gflags & MSG_CMSG_CLOEXEC) | (ctrunc ? MSG_CTRUNC : 0));
		m.controllen = (uint32_t)gl;
		*mp = m; /* the caller writes it back */
	}
out_fds:
	if (hctl)
		close_host_fds(hctl, r >= 0 ? ctl_got : written_len(hctl, hcap));
	rc = (int)r;
out:
	free(hctl);
	free(gctl);
	xio_buf_free(&nb);
	xio_iov_free(&v);
	return rc;
}
