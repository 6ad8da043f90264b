/* ioctl: every request is logged; requests whose argument layout is the same
 * for every guest ABI and whose effect does not depend on the calling task
 * are performed by the supervisor on its own copy of the fd; all others run
 * in the kernel, which has its own compat layer for i386 callers. */
#include <asm/termbits.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../policy/match_ioctl.h"
#include "enforce.h"
#include "dispatch.h"
#include "guest.h"
#include "log.h"
#include "supervisor.h"
#include "translate.h"

enum { ARG_IN = 1, ARG_OUT = 2 };

struct performed {
	uint32_t request;
	unsigned arg; /* ARG_IN: read from guest before; ARG_OUT: written after */
	uint32_t size;
};

/* Only requests that are both layout-identical on i386 and x86_64 and not
 * tied to the caller: TIOCGPGRP and TCSETS* look at the caller's session
 * and process group, FIOCLEX at its fd table, so they stay in the kernel. */
static const struct performed performed[] = {
	{ TCGETS, ARG_OUT, sizeof(struct termios) },
	{ TIOCGWINSZ, ARG_OUT, sizeof(struct winsize) },
	{ FIONREAD, ARG_OUT, sizeof(int) },
	{ TIOCOUTQ, ARG_OUT, sizeof(int) },
	{ FIONBIO, ARG_IN, sizeof(int) },
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

/* Perform P on FD, the supervisor's copy of the guest's fd (or, when FD
 * is negative, a copy taken now of GFD); the ioctl's result or -errno. */
static int64_t perform(struct cb_call *c, const struct performed *p, int fd, int gfd,
		       uint64_t argp)
{
	unsigned char buf[64] = { 0 };
	cleanup_fd int own = fd < 0 ? cb_guest_fd(c, gfd) : -1;
	if (fd < 0 && own < 0)
		return own;
	if (fd < 0)
		fd = own;
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

/* What the supervisor's copy of an fd refers to; PATH gets its name. */
static bool describe_fd(int fd, struct cb_fdinfo *fi, char *path, size_t len)
{
	struct stat st;
	char link[40];
	if (fstat(fd, &st) < 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, len - 1);
	path[n > 0 ? n : 0] = 0;
	*fi = (struct cb_fdinfo){ .mode = st.st_mode, .major = major(st.st_rdev),
				  .minor = minor(st.st_rdev), .path = path };
	return true;
}

static void log_ioctl(struct cb_call *c, int gfd, const char *path, uint32_t request,
		      const struct cb_log_result *lr)
{
	if (c->sup->log)
		cb_log_ioctl(c->sup->log, c, gfd, path, request, lr);
}

/* The kernel runs the call; ACTION is what the log says. */
static void to_kernel(struct cb_call *c, int gfd, const char *path, uint32_t request,
		      const char *action)
{
	struct cb_log_result r = { .action = action };
	log_ioctl(c, gfd, path, request, &r);
	c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE };
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
	/* The supervisor's copy of the fd, when a rule looked at what it
	 * refers to: the call is then performed on this copy, the file that
	 * was decided on, whenever the supervisor can perform it. */
	cleanup_fd int fd = -1;
	bool on_copy = false;

	if (c->layer == CB_LAYER_IOCTL && pol && pol->ni) {
		struct cb_fdinfo fi;
		bool have = false, looked;
		if (cb_ioctl_rules_need_fd(pol, c->arch)) {
			fd = cb_guest_fd(c, gfd);
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
	}
	if (c->sup->log && !path[0])
		cb_guest_fd_path(c, gfd, path, sizeof(path));

	const char *refused = cb_enforce_refusal(c, &act);
	if (refused) {
		struct cb_log_result lr = { .action = refused, .known = c->v.kind == CB_V_RETURN,
					    .ret = -1, .err = c->v.err };
		log_ioctl(c, gfd, path, request, &lr);
		return;
	}

	if (act.kind == CB_ACT_TRANSLATE) {
		const struct cb_abi_db *db;
		const struct cb_ioctl *ioc = cb_translate_find(&c->sup->tr, c->arch, request, &db);
		if (ioc) {
			struct cb_log_result lr;
			cb_translate_ioctl(c, db, ioc, on_copy ? fd : -1, gfd, argp, &lr);
			log_ioctl(c, gfd, path, request, &lr);
			return;
		}
	}

	const struct performed *p = act.kind == CB_ACT_LOG ? NULL : find(request);
	if (!p || (act.kind == CB_ACT_ALLOW && !on_copy)) {
		/* CONTINUE is safe for memory: the decision used only register
		 * values (fd number and request) that the kernel re-reads from
		 * the same saved registers; no guest memory was looked at. When
		 * a rule looked at what the fd refers to, another guest thread
		 * could still replace the fd before the kernel looks it up:
		 * docs/policy.md says so, and why deny rules are written by
		 * request (decided in the filter) where that matters. */
		to_kernel(c, gfd, path, request, act.kind == CB_ACT_ALLOW ? "allowed" : "kernel");
		return;
	}

	int64_t r = perform(c, p, on_copy ? fd : -1, gfd, argp);
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
				    .ret = r < 0 ? -1 : r, .err = r < 0 ? (int)-r : 0 };
	log_ioctl(c, gfd, path, request, &lr);
}

const struct cb_handler cb_handlers_ioctl[] = {
	{ "ioctl", CB_ARCH_UNKNOWN, handle_ioctl, 0 },
	{ NULL },
};
