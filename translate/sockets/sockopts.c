/* getsockopt and setsockopt of an i386 guest. The kernel converts an
 * option for a compat caller only where its code asks in_compat_syscall():
 * every other option is the same bytes for both ABIs (by construction:
 * the kernel reads them the same way) and is performed as it is. The
 * table below is those places, by (level, name), and the few options that
 * stay in the kernel because they act on the caller itself. */
#include "../xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../common/cleanup.h"
#include "../../guest/guest.h"
#include "../../supervisor/supervisor.h"
#include "../io.h"
#include "../netfilter/netfilter.h"
#include "sockets.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif
#define PACKET_FANOUT_DATA_ 22
#define IPV6_2292PKTOPTIONS_ 6
#define SCTP_SOCKOPT_CONNECTX3_ 111
#define OPT_MAX (1u << 20) /* option bytes moved at most (the host gets no more) */

enum opt {
	O_ASIS,      /* the same bytes */
	O_KERNEL,    /* acts on the caller: the kernel runs it */
	O_TIMEVAL,   /* old 32-bit timeval {s32, s32} <-> 16-byte timeval */
	O_FPROG,     /* compat sock_fprog {u16 len; u32 filter} -> a host pointer */
	O_FANOUT,    /* PACKET_FANOUT_DATA: an fprog (8 bytes) or a bpf fd (4) */
	O_BPF_FD,    /* an int that is a guest fd (a bpf program) */
	O_GROUP,     /* group_req, group_source_req, group_filter: i386 packs the
		      * sockaddr_storage after the u32 interface, x86_64 aligns
		      * it to 8 (4 more bytes) */
	O_PEERCRED,  /* ucred: the pid as the guest's PID namespace sees it */
	O_PIDFD,     /* an fd the call creates: installed in the guest */
	O_CMSG,      /* IP_PKTOPTIONS: control messages in compat framing */
	O_XT,        /* ip_tables' and ip6_tables' rule sets: re-laid out
		      * (netfilter/) */
};

struct optrow {
	int level, lo, hi; /* names lo..hi */
	enum opt set, get;
	bool caps; /* get checks the caller's capabilities (CAP_NET_ADMIN) */
};

static const struct optrow opts[] = {
	{ SOL_SOCKET, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD, O_TIMEVAL, O_TIMEVAL },
	{ SOL_SOCKET, SO_ATTACH_FILTER, SO_ATTACH_FILTER, O_FPROG, O_ASIS },
	{ SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, SO_ATTACH_REUSEPORT_CBPF, O_FPROG, O_ASIS },
	{ SOL_SOCKET, SO_ATTACH_BPF, SO_ATTACH_BPF, O_BPF_FD, O_ASIS },
	{ SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, SO_ATTACH_REUSEPORT_EBPF, O_BPF_FD, O_ASIS },
	{ SOL_SOCKET, SO_PEERCRED, SO_PEERCRED, O_ASIS, O_PEERCRED },
	{ SOL_SOCKET, SO_PEERPIDFD, SO_PEERPIDFD, O_ASIS, O_PIDFD },
	{ IPPROTO_IP, MCAST_JOIN_GROUP, MCAST_MSFILTER, O_GROUP, O_GROUP },
	{ IPPROTO_IPV6, MCAST_JOIN_GROUP, MCAST_MSFILTER, O_GROUP, O_GROUP },
	{ IPPROTO_IP, IP_PKTOPTIONS, IP_PKTOPTIONS, O_ASIS, O_CMSG },
	{ IPPROTO_IPV6, IPV6_2292PKTOPTIONS_, IPV6_2292PKTOPTIONS_, O_ASIS, O_CMSG },
	{ SOL_PACKET, PACKET_FANOUT_DATA_, PACKET_FANOUT_DATA_, O_FANOUT, O_ASIS },
	/* Netfilter's tables: the compat code re-lays out whole rule sets.
	 * ip_tables' and ip6_tables' (REPLACE and ADD_COUNTERS, GET_INFO and
	 * GET_ENTRIES) are converted when they came through socketcall;
	 * their revision queries are the same bytes. arp and eb: the kernel
	 * runs them. */
	{ IPPROTO_IP, 64, 65, O_XT, O_XT, true },
	{ IPPROTO_IP, 66, 67, O_ASIS, O_ASIS, true },
	{ IPPROTO_IP, 96, 99, O_KERNEL, O_KERNEL },
	{ IPPROTO_IP, 128, 131, O_KERNEL, O_KERNEL },
	{ IPPROTO_IPV6, 64, 65, O_XT, O_XT, true },
	{ IPPROTO_IPV6, 66, 69, O_ASIS, O_ASIS, true },
	{ IPPROTO_SCTP, SCTP_SOCKOPT_CONNECTX3_, SCTP_SOCKOPT_CONNECTX3_, O_KERNEL, O_KERNEL },
	/* Pages mapped into the caller's address space. */
	{ IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, TCP_ZEROCOPY_RECEIVE, O_KERNEL, O_KERNEL },
	{ SOL_XDP, 0, 0x7fffffff, O_KERNEL, O_KERNEL },
};

static const struct optrow *row_of(int level, int name)
{
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].level == level && name >= opts[i].lo && name <= opts[i].hi)
			return &opts[i];
	return NULL;
}

static enum opt lookup(int level, int name, bool set)
{
	const struct optrow *r = row_of(level, name);
	return !r ? O_ASIS : set ? r->set : r->get;
}

int cb_xs_gate_sockopt(struct cb_xctx *x)
{
	bool set = !strcmp(x->row->guest, "setsockopt");
	enum opt kind = lookup((int32_t)x->c->args[1], (int32_t)x->c->args[2], set);
	/* Safe to CONTINUE a direct call: level and name are registers, the
	 * option was not read; the kernel's compat code converts it. */
	if (kind == O_XT)
		return x->args_read ? 0 : CB_XSYS_KERNEL;
	if (kind != O_KERNEL)
		return 0;
	/* Safe to CONTINUE: level and name are registers. Through socketcall
	 * they came from guest memory: the kernel cannot be asked any more. */
	return x->args_read ? -EOPNOTSUPP : CB_XSYS_KERNEL;
}

/* setsockopt with the guest's credentials: the capability checks of
 * options are the caller's. */
static long hsetsockopt(struct cb_xctx *x, int hfd, int level, int name, const void *v, long len)
{
	int rc = cb_xsys_as_guest(x);
	if (rc)
		return rc;
	long r = syscall(SYS_setsockopt, hfd, level, name, v, len);
	int e = errno;
	cb_xsys_as_self(x);
	return r < 0 ? -e : r;
}

static long hgetsockopt(int hfd, int level, int name, void *v, void *len)
{
	long r = syscall(SYS_getsockopt, hfd, level, name, v, len);
	return r < 0 ? -errno : r;
}

/* ... with the guest's credentials, for the options that check them. */
static long hgetsockopt_as(struct cb_xctx *x, int hfd, int level, int name, void *v, void *len)
{
	const struct optrow *row = row_of(level, name);
	if (!row || !row->caps)
		return hgetsockopt(hfd, level, name, v, len);
	int rc = cb_xsys_as_guest(x);
	if (rc)
		return rc;
	long r = hgetsockopt(hfd, level, name, v, len);
	cb_xsys_as_self(x);
	return r;
}

/* ---- setsockopt ---- */

/* The guest's LEN option bytes at P (at most OPT_MAX, with a guard page
 * where they stop being readable), as a host buffer. */
static int opt_in(struct cb_call *c, uint64_t p, uint32_t len, size_t pad, struct xio_buf *b)
{
	size_t n = len < OPT_MAX ? len : OPT_MAX, got = 0;
	uint8_t *tmp = malloc(n ? n : 1);
	if (!tmp)
		return -ENOMEM;
	int rc = xio_read_prefix(c, p, tmp, n, &got);
	if (!rc)
		rc = xio_buf_make(b, n + pad, got == n ? n + pad : got + (got >= 4 ? pad : 0));
	if (!rc) {
		/* O_GROUP: 4 zero bytes after the u32 interface. */
		size_t head = pad && got >= 4 ? 4 : got;
		memcpy(b->p, tmp, head);
		if (pad && got >= 4) {
			memset(b->p + 4, 0, pad);
			memcpy(b->p + 4 + pad, tmp + 4, got - 4);
		}
	}
	free(tmp);
	return rc;
}

static long set_fprog(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, int32_t len)
{
	struct cb_call *c = x->c;
	struct sock_fprog f = { 0 };
	if (len != 8) /* compat: exactly its 8 bytes, else EINVAL after the fd */
		return hsetsockopt(x, hfd, level, name, &f, 0);
	struct { uint16_t len; uint16_t pad; uint32_t filter; } g;
	int rc = xio_read(c, p, &g, sizeof(g));
	if (rc == -EFAULT)
		return hsetsockopt(x, hfd, level, name, xio_guard(), sizeof(f));
	if (rc)
		return rc;
	f.len = g.len;
	if (g.len == 0 || g.len > BPF_MAXINSNS) /* EINVAL before the filter is read */
		return hsetsockopt(x, hfd, level, name, &f, sizeof(f));
	cleanup_free struct sock_filter *ins = malloc((size_t)g.len * sizeof(*ins));
	if (!ins)
		return -ENOMEM;
	rc = xio_read(c, g.filter, ins, (size_t)g.len * sizeof(*ins));
	if (rc && rc != -EFAULT)
		return rc;
	f.filter = rc ? xio_guard() : ins;
	return hsetsockopt(x, hfd, level, name, &f, sizeof(f));
}

static long set_bpf_fd(struct cb_xctx *x, int hfd, int level, int name, uint64_t p, int32_t len)
{
	int32_t gfd = -1;
	if (len < (int32_t)sizeof(gfd))
		return hsetsockopt(x, hfd, level, name, &gfd, len < 0 ? len : 0);
	int rc = xio_read(x->c, p, &gfd, sizeof(gfd));
	if (rc == -EFAULT)
		return hsetsockopt(x, hfd, level, name, xio_guard(), sizeof(gfd));
	int h = -1;
	if (rc || (rc = cb_xsys_hold_fd(x, gfd, &h)) != 0)
		return rc;
	return hsetsockopt(x, hfd, level, name, &h, sizeof(h));
}

int cb_xs_setsockopt(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd, rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	int level = (int32_t)c->args[1], name = (int32_t)c->args[2];
	uint64_t p = c->args[3];
	int32_t len = (int32_t)c->args[4];
	if (len < 0) /* EINVAL before the fd */
		return -EINVAL;
	enum opt kind = lookup(level, name, true);
	if (kind == O_XT && !cb_xt_kernel_converts())
		kind = O_ASIS;
	switch (kind) {
	case O_TIMEVAL: {
		/* sock_set_timeout: at least the 8 bytes of old_timeval32. */
		struct { int64_t sec, usec; } tv = { 0 };
		if (len < 8)
			return hsetsockopt(x, hfd, level, name, &tv, 0);
		int32_t g[2];
		rc = xio_read(c, p, g, sizeof(g));
		if (rc == -EFAULT)
			return hsetsockopt(x, hfd, level, name, xio_guard(), sizeof(tv));
		if (rc)
			return rc;
		tv.sec = g[0], tv.usec = g[1];
		return hsetsockopt(x, hfd, level, name, &tv, sizeof(tv));
	}
	case O_FPROG:
		return set_fprog(x, hfd, level, name, p, len);
	case O_FANOUT:
		return len == 8 ? set_fprog(x, hfd, level, name, p, len)
				: set_bpf_fd(x, hfd, level, name, p, len);
	case O_BPF_FD:
		return set_bpf_fd(x, hfd, level, name, p, len);
	case O_XT:
		return (int)cb_xt_setsockopt(x, hfd, level, name, p, (uint32_t)len);
	case O_KERNEL:
		return -EOPNOTSUPP; /* the gate let the kernel run it */
	default:
		break;
	}
	size_t pad = lookup(level, name, true) == O_GROUP ? 4 : 0;
	struct xio_buf b = { 0 };
	rc = opt_in(c, p, (uint32_t)len, pad, &b);
	if (!rc)
		rc = (int)hsetsockopt(x, hfd, level, name, p ? b.p : NULL,
				      (long)(b.len ? b.len : (size_t)len));
	xio_buf_free(&b);
	return rc;
}

/* ---- getsockopt ---- */

/* What the host wrote (H, HLEN bytes) as the guest's option (into G, at
 * most GCAP bytes): the guest's length. */
static int opt_out(struct cb_xctx *x, enum opt kind, const uint8_t *h, size_t hlen, uint8_t *g,
		   size_t gcap, size_t *glen)
{
	switch (kind) {
	case O_TIMEVAL: {
		int64_t tv[2] = { 0 };
		memcpy(tv, h, hlen < sizeof(tv) ? hlen : sizeof(tv));
		int32_t v[2] = { (int32_t)tv[0], (int32_t)tv[1] };
		*glen = gcap < sizeof(v) ? gcap : sizeof(v);
		memcpy(g, v, *glen);
		return 0;
	}
	case O_GROUP:
		/* The u32 interface, then what follows the host's 4 bytes of
		 * padding; never more than the guest's room. */
		*glen = hlen < 8 ? (hlen < 4 ? hlen : 4) : hlen - 4;
		if (*glen > gcap)
			*glen = gcap;
		memcpy(g, h, *glen < 4 ? *glen : 4);
		if (*glen > 4)
			memcpy(g + 4, h + 8, *glen - 4);
		return 0;
	case O_CMSG: {
		bool ctrunc = false;
		size_t used;
		return cb_conv_cmsg_to_guest(CB_ARCH_I386, h, hlen, g, gcap, glen, &ctrunc, &used);
	}
	case O_PEERCRED: {
		*glen = hlen;
		memcpy(g, h, hlen);
		if (hlen >= 4) {
			struct xio_ids ids;
			int rc = xio_guest_ids(x->c, &ids);
			if (rc)
				return rc;
			int32_t pid;
			memcpy(&pid, g, 4);
			pid = xio_pid_in_guest_ns(pid, ids.ns_depth);
			memcpy(g, &pid, 4);
		}
		return 0;
	}
	case O_PIDFD: {
		*glen = hlen;
		memcpy(g, h, hlen);
		if (hlen == 4) {
			int32_t hfd;
			memcpy(&hfd, h, 4);
			/* pidfds are always close-on-exec. */
			int gfd = cb_notif_addfd(&x->c->sup->l, x->c->n->id, hfd, O_CLOEXEC);
			close(hfd);
			if (gfd < 0)
				return gfd;
			memcpy(g, &gfd, 4);
		}
		return 0;
	}
	default:
		*glen = hlen;
		memcpy(g, h, hlen);
		return 0;
	}
}

int cb_xs_getsockopt(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd, rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	int level = (int32_t)c->args[1], name = (int32_t)c->args[2];
	uint64_t p = c->args[3], plen = c->args[4];
	enum opt kind = lookup(level, name, false);
	if (kind == O_KERNEL)
		return -EOPNOTSUPP; /* the gate let the kernel run it */
	if (kind == O_XT && !cb_xt_kernel_converts())
		kind = O_ASIS;
	int32_t glen;
	rc = xio_read(c, plen, &glen, sizeof(glen));
	if (rc == -EFAULT) /* the host reads its length at the same point */
		return (int)hgetsockopt_as(x, hfd, level, name, xio_guard(), xio_guard());
	if (rc)
		return rc;
	if (kind == O_XT) {
		/* nf_getsockopt: the length goes back as it came. */
		long r = cb_xt_getsockopt(x, hfd, level, name, p, glen);
		if (r < 0)
			return (int)r;
		rc = cb_guest_write(c, plen, &glen, sizeof(glen));
		return rc ? rc : (int)r;
	}
	if (glen < 0) {
		socklen_t l = (socklen_t)glen;
		return (int)hgetsockopt_as(x, hfd, level, name, xio_guard(), &l);
	}
	size_t gcap = (uint32_t)glen < OPT_MAX ? (uint32_t)glen : OPT_MAX;
	size_t hcap = kind == O_TIMEVAL ? 16
		    : kind == O_GROUP	? gcap + 4
		    : kind == O_CMSG	? cb_conv_cmsg_host_space(CB_ARCH_I386, gcap)
					: gcap;
	cleanup_free uint8_t *h = calloc(1, hcap ? hcap : 1);
	cleanup_free uint8_t *g = calloc(1, gcap ? gcap : 1);
	if (!h || !g)
		return -ENOMEM;
	if (kind == O_GROUP) {
		/* MCAST_MSFILTER reads its request from the buffer first. */
		struct xio_buf in = { 0 };
		rc = opt_in(c, p, (uint32_t)gcap, 4, &in);
		if (rc)
			return rc;
		memcpy(h, in.p, in.ok < hcap ? in.ok : hcap);
		xio_buf_free(&in);
	} else if (kind == O_ASIS && gcap && (rc = xio_read(c, p, h, gcap)) != 0) {
		/* Some options read their argument from the buffer
		 * (SO_PEERSEC no, TCP_INFO no, sctp yes): the guest's bytes.
		 * Netfilter's read theirs first: an unreadable one faults. */
		const struct optrow *row = row_of(level, name);
		if (rc == -EFAULT && row && row->caps) {
			socklen_t l = (socklen_t)glen;
			return (int)hgetsockopt_as(x, hfd, level, name, xio_guard(), &l);
		}
		if (rc != -EFAULT)
			return rc;
	}
	socklen_t hl = (socklen_t)hcap;
	long r = hgetsockopt_as(x, hfd, level, name, h, &hl);
	if (r == -ERANGE && kind == O_ASIS && hl != hcap) {
		/* SO_PEERSEC, SO_PEERGROUPS: the size needed goes back with
		 * ERANGE. */
		uint32_t need = hl;
		rc = cb_guest_write(c, plen, &need, sizeof(need));
		return rc ? rc : (int)r;
	}
	if (r < 0)
		return (int)r;
	size_t out = 0;
	rc = opt_out(x, kind, h, hl < hcap ? hl : hcap, g, gcap, &out);
	if (rc)
		return rc;
	/* The length the kernel reports may exceed what it copied (a
	 * truncated SO_PEERSEC tells the size it needs: ERANGE before). */
	uint32_t reply = kind == O_ASIS && hl > out ? hl : (uint32_t)out;
	if (out && (rc = cb_guest_write(c, p, g, out)) != 0)
		return rc;
	rc = cb_guest_write(c, plen, &reply, sizeof(reply));
	return rc ? rc : (int)r;
}
