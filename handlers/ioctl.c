/* ioctl: every request is logged; requests whose argument layout is the same
 * for every guest ABI and whose effect does not depend on the calling task
 * are performed by the supervisor on its own copy of the fd; all others run
 * in the kernel, which has its own compat layer for i386 callers. */
#include <asm/termbits.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../abi/convert.h"
#include "../common/cleanup.h"
#include "../common/fmt.h"
#include "../policy/match_ioctl.h"
#include "enforce.h"
#include "../supervisor/dispatch.h"
#include "../guest/fd_names.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"
#include "translate.h"

enum { ARG_IN = 1, ARG_OUT = 2 };

/* Kinds of file, for which requests the kernel answers without waiting. */
enum {
	K_FIFO = 1 << 0,
	K_SOCK = 1 << 1,
	K_CHR = 1 << 2, /* a character device of quick_chr[] below */
	K_REG = 1 << 3,
	K_ANY = ~0u,
};

struct performed {
	uint32_t request;
	unsigned arg; /* ARG_IN: read from guest before; ARG_OUT: written after */
	uint32_t size;
	/* Kinds of file on which the kernel answers REQUEST from state it
	 * holds, waiting at most for a lock another call holds briefly: pipes
	 * and sockets from their queues, ptys from the tty core, the memory
	 * devices at once (ENOTTY where the request is not theirs), regular
	 * files' FIONREAD from the VFS (size minus position), every file's
	 * FIONBIO from the VFS. On any other file a driver answers and may
	 * sleep as long as it likes (a FUSE file's TCGETS goes to its server),
	 * so the lead is handed off first. Used for translated requests too,
	 * by host number. */
	unsigned instant;
};

/* Only requests that are both layout-identical on i386 and x86_64 and not
 * tied to the caller: TIOCGPGRP and TCSETS* look at the caller's session
 * and process group, FIOCLEX at its fd table, so they stay in the kernel. */
static const struct performed performed[] = {
	{ TCGETS, ARG_OUT, sizeof(struct termios), K_FIFO | K_SOCK | K_CHR },
	{ TIOCGWINSZ, ARG_OUT, sizeof(struct winsize), K_FIFO | K_SOCK | K_CHR },
	{ FIONREAD, ARG_OUT, sizeof(int), K_FIFO | K_SOCK | K_CHR | K_REG },
	{ TIOCOUTQ, ARG_OUT, sizeof(int), K_FIFO | K_SOCK | K_CHR },
	{ FIONBIO, ARG_IN, sizeof(int), K_ANY },
};
_Static_assert(sizeof(struct termios) == 36, "kernel termios is 36 bytes on i386 and x86_64");
_Static_assert(sizeof(struct winsize) == 8, "winsize is 8 bytes on i386 and x86_64");

static const struct performed *find(uint32_t request)
{
	for (size_t i = 0; i < sizeof(performed) / sizeof(performed[0]); i++)
		if (performed[i].request == request)
			return &performed[i];
	return NULL;
}

static const struct { mode_t type; unsigned kind; } kinds[] = {
	{ S_IFIFO, K_FIFO },
	{ S_IFSOCK, K_SOCK },
	{ S_IFREG, K_REG },
};

/* Character devices that are K_CHR, by major (and minor, when not -1): the
 * memory devices (/dev/null, /dev/zero, /dev/urandom: stdout sent to
 * /dev/null gets a TCGETS from every program's isatty), the UNIX98 pty
 * slaves, /dev/ptmx. Not /dev/tty (5, 0) or /dev/console (5, 1): those are
 * whatever terminal is behind them, a serial line's driver included. */
static const struct { unsigned maj_lo, maj_hi; int min; } quick_chr[] = {
	{ 1, 1, -1 },
	{ 136, 143, -1 },
	{ 5, 5, 2 },
};

/* The kind of a file whose st_mode is MODE, st_rdev MAJ:MIN. */
static unsigned kind_of_st(mode_t mode, unsigned maj, int min)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((mode & S_IFMT) == kinds[i].type)
			return kinds[i].kind;
	if (!S_ISCHR(mode))
		return 0;
	for (size_t i = 0; i < sizeof(quick_chr) / sizeof(quick_chr[0]); i++)
		if (maj >= quick_chr[i].maj_lo && maj <= quick_chr[i].maj_hi &&
		    (quick_chr[i].min < 0 || quick_chr[i].min == min))
			return K_CHR;
	return 0;
}

/* Whether host request REQUEST on FD is answered without waiting. FI: what
 * FD is, when a rule already looked (else it is asked here). */
static bool instant(uint32_t request, int fd, const struct cb_fdinfo *fi)
{
	const struct performed *p = find(request);
	if (!p)
		return false;
	if (p->instant == K_ANY)
		return true;
	struct stat st;
	if (!fi && fstat(fd, &st) != 0)
		return false;
	unsigned kind = fi ? kind_of_st(fi->mode, fi->major, (int)fi->minor)
			   : kind_of_st(st.st_mode, major(st.st_rdev), (int)minor(st.st_rdev));
	return p->instant & kind;
}

/* Perform P on FD, the host copy of the guest's fd; returns the ioctl's
 * result or -errno. BUF (64 bytes) keeps the argument, for the record. */
static int64_t perform(struct cb_call *c, const struct performed *p, int fd, uint64_t argp,
		       unsigned char *buf)
{
	if (p->arg & ARG_IN) {
		int rc = cb_guest_read(c, argp, buf, p->size);
		if (rc)
			return rc;
	}
	int r = ioctl(fd, p->request, buf);
	if (r < 0)
		return -errno;
	if (p->arg & ARG_OUT) {
		int rc = cb_guest_write(c, argp, buf, p->size);
		if (rc)
			return rc;
	}
	return r;
}

/* The name of the supervisor's own fd FD, NUL-terminated into PATH ("" when
 * unknown). */
static void copy_path(int fd, char *path, size_t len)
{
	/* "/proc/self/fd/FD" without printf: once per logged call. */
	char link[40] = "/proc/self/fd/", num[12], *end = num + sizeof(num);
	char *p = cb_fmt_udec(end, (unsigned)fd);
	memcpy(link + 14, p, (size_t)(end - p));
	link[14 + (end - p)] = 0;
	ssize_t n = readlink(link, path, len - 1);
	path[n > 0 ? n : 0] = 0;
}

/* What the supervisor's copy of an fd refers to; PATH gets its name. */
static bool describe_fd(int fd, struct cb_fdinfo *fi, char *path, size_t len)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return false;
	copy_path(fd, path, len);
	*fi = (struct cb_fdinfo){ .mode = st.st_mode, .major = major(st.st_rdev),
				  .minor = minor(st.st_rdev), .path = path };
	return true;
}

/* The record's path, when there is a trail and no rule read it already:
 * of the supervisor's copy FD of the fd when it has one (what is
 * performed on), else of the guest's fd (proved by the answer, see
 * cb_log_ioctl). */
static void log_path(struct cb_call *c, int gfd, int fd, char *path, size_t len)
{
	if (!c->sup->log || path[0] || cb_fd_name_get(c, path, len))
		return;
	if (fd < 0)
		cb_guest_fd_path(c, gfd, path, len);
	else
		copy_path(fd, path, len);
	cb_fd_name_offer(c, path);
}

static void log_ioctl(struct cb_call *c, int gfd, const char *path, uint32_t request,
		      const struct cb_log_result *lr)
{
	if (c->sup->log)
		cb_log_ioctl(c->sup->log, c, gfd, path, request, lr);
}

/* The kernel runs the call; ACTION is what the log says, WHY what --stats. */
static void to_kernel(struct cb_call *c, int gfd, const char *path, uint32_t request,
		      const char *action, enum cb_outcome why)
{
	struct cb_log_result r = { .action = action };
	log_ioctl(c, gfd, path, request, &r);
	/* CONTINUE is safe: both callers come here before any guest memory
	 * is read; the request and fd are registers the kernel re-reads (each
	 * call site says what else was looked at). The audit record's payload
	 * of such a call is read only after this answer (cb_log_finish), so
	 * a policy that only wants to see a call (log) never makes the
	 * supervisor perform it. */
	c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = why };
}

/* Answer and log a performed request whose outcome is R; PL: its argument
 * (NULL: none was read or written). */
static void performed_answer(struct cb_call *c, int gfd, const char *path, uint32_t request,
			     int64_t r, const struct cb_log_payload *pl)
{
	if (r == -ENOENT && cb_call_live(c) != 0) { /* the call is gone: nothing to answer */
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		struct cb_log_result lr = { .action = "abandoned" };
		log_ioctl(c, gfd, path, request, &lr);
		return;
	}
	if (r < 0)
		cb_ret_err(c, (int)-r);
	else
		cb_ret(c, r);
	struct cb_log_result lr = { .action = "performed", .known = true,
				    .ret = r < 0 ? -1 : r, .err = r < 0 ? (int)-r : 0,
				    .payload = r >= 0 ? pl : NULL };
	log_ioctl(c, gfd, path, request, &lr);
}

static void handle_ioctl(struct cb_call *c)
{
	int gfd = (int)c->args[0];
	/* The kernel takes the request as an unsigned int: compare on 32 bits,
	 * or TIOCSTI | 1 << 32 would pass for something else. */
	uint32_t request = (uint32_t)c->args[1];
	uint64_t argp = c->args[2];
	char path[4096] = "";
	struct cb_action act = c->act;
	const struct cb_policy *pol = c->sup->plan ? c->sup->plan->pol : NULL;
	/* The supervisor's copy of the fd (or the -errno taking it failed
	 * with, once taken). When a rule looked at what it refers to, the call
	 * is performed on this copy, the file that was decided on, whenever
	 * the supervisor can perform it. */
	cleanup_fd int fd = -1;
	bool taken = false, on_copy = false;
	struct cb_fdinfo fi;
	bool have = false; /* FI describes FD */
	/* Before anything reads what the fd names: the trail may use a name
	 * kept from an earlier call while the slot has seen no change since. */
	if (c->sup->log)
		cb_fd_name_stamp(c, gfd);

	if (c->layer == CB_LAYER_IOCTL && pol && pol->ni) {
		bool looked;
		if (cb_ioctl_rules_need_fd(pol, c->arch)) {
			fd = cb_guest_fd(c, gfd);
			taken = true;
			if (fd == -ENOENT) {
				c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
				return;
			}
			have = fd >= 0 && describe_fd(fd, &fi, path, sizeof(path));
		}
		/* An fd the guest does not have matches no target: the kernel
		 * then fails the call with EBADF, whatever rule applies. */
		const struct cb_irule *r = cb_ioctl_match(pol, c->arch, request, have ? &fi : NULL, &looked);
		if (r) {
			act = r->act;
			c->why = &r->loc;
		}
		on_copy = looked && fd >= 0;
		c->act = act; /* what the record says decided */
	}
	if (cb_act_refuses(&act))
		log_path(c, gfd, -1, path, sizeof(path));
	const char *refused = cb_enforce_refusal(c, &act);
	if (refused) {
		struct cb_log_result lr = { .action = refused, .known = c->v.kind == CB_V_RETURN,
					    .ret = -1, .err = c->v.err };
		log_ioctl(c, gfd, path, request, &lr);
		return;
	}

	const struct cb_abi_db *db = NULL;
	const struct cb_ioctl *desc = NULL; /* task-tied ones too */
	const struct cb_ioctl *ioc = act.kind == CB_ACT_TRANSLATE
					     ? cb_translate_find(&c->sup->tr, c->arch, request, &db, &desc)
					     : NULL;
	const struct performed *p = ioc || act.kind == CB_ACT_LOG ? NULL : find(request);
	if (!ioc && (!p || (act.kind == CB_ACT_ALLOW && !on_copy))) {
		/* CONTINUE is safe for memory: the decision used only register
		 * values (fd number and request) that the kernel re-reads from
		 * the same saved registers, and what the fd is; no guest memory
		 * was looked at. When a rule looked at what the fd refers to,
		 * another guest thread could still replace the fd before the
		 * kernel looks it up: docs/policy.md says so, and why deny rules
		 * are written by request (decided in the filter) where that
		 * matters. */
		log_path(c, gfd, -1, path, sizeof(path));
		to_kernel(c, gfd, path, request, act.kind == CB_ACT_ALLOW ? "allowed" : "kernel",
			  act.kind == CB_ACT_ALLOW || act.kind == CB_ACT_LOG ? CB_OUT_K_RULE
			  : desc ? CB_OUT_K_TASK : CB_OUT_K_ARGS);
		return;
	}

	/* Performed or translated here. Before the host call, and before
	 * any guest memory is read: a request that may wait must not keep
	 * the other guest threads' calls waiting with it, so the lead is
	 * handed off unless the kernel answers it at once on this kind of
	 * file. */
	if (!taken)
		fd = cb_guest_fd(c, gfd);
	if (fd >= 0 && !instant(ioc ? ioc->req[CB_CONV_HOST] : request, fd, have ? &fi : NULL) &&
	    cb_call_may_block(c)) {
		/* No worker is free to take the lead, so this one must not
		 * wait: the guest waits in the kernel instead. Not when a
		 * rule decided on what the fd refers to: the kernel would look
		 * the fd up again, and another guest thread may have replaced
		 * it by a file the rules refuse. Nothing of the guest's memory
		 * has been read either way. */
		log_path(c, gfd, fd, path, sizeof(path));
		if (!on_copy) {
			to_kernel(c, gfd, path, request, "kernel", CB_OUT_K_NO_WORKER);
			return;
		}
		close(fd);
		fd = -ENOMEM; /* answered below, as a translated call that
			       * finds it must wait after reading is */
	}
	log_path(c, gfd, fd, path, sizeof(path));
	if (ioc) {
		struct cb_log_result lr;
		cb_translate_ioctl(c, db, ioc, request, fd, argp, &lr);
		log_ioctl(c, gfd, path, request, &lr);
		return;
	}
	unsigned char buf[64] = { 0 };
	struct cb_log_payload pl = { .bytes = buf, .len = p->size,
				     .when = p->arg & ARG_OUT ? "after" : "before" };
	performed_answer(c, gfd, path, request, fd < 0 ? fd : perform(c, p, fd, argp, buf), &pl);
}

const struct cb_handler cb_handlers_ioctl[] = {
	{ "ioctl", CB_ARCH_UNKNOWN, handle_ioctl, 0 },
	{ NULL },
};
