/* dup, dup2, dup3 performed by the supervisor: take the guest's fd with
 * pidfd_getfd and install it back with SECCOMP_IOCTL_NOTIF_ADDFD. ADDFD
 * with SEND adds the fd and answers in one step, so a guest that dies in
 * between leaks nothing; it is also how every handler that creates fds
 * (accept, recvmsg with SCM_RIGHTS, open) returns them. */
#include <errno.h>
#include <fcntl.h>

#include "../common/cleanup.h"
#include "../supervisor/dispatch.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"

/* Install HOSTFD in the guest as the call's result: at TARGET (dup2/dup3
 * semantics: replace atomically) or the lowest free number (dup). */
static void install(struct cb_call *c, int hostfd, int target, unsigned o_flags)
{
	int r = cb_notif_addfd_send(&c->sup->l, c->n->id, hostfd, target, o_flags);
	if (r == -ENOENT) /* the call was interrupted: the kernel added nothing */
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	else if (r < 0)
		cb_ret_err(c, -r); /* EMFILE at the guest's RLIMIT_NOFILE, EBADF beyond it */
	else
		c->v = (struct cb_verdict){ .kind = CB_V_ANSWERED, .val = r };
}

static void log_result(struct cb_call *c)
{
	if (!c->sup->log)
		return;
	cb_log_syscall(c->sup->log, c, c->v.kind == CB_V_ABANDON ? "abandoned" : "performed");
}

/* Take OLDFD from the guest; a failure becomes the call's answer. */
static int take(struct cb_call *c, int oldfd)
{
	int fd = cb_guest_fd(c, oldfd);
	if (fd == -ENOENT)
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	else if (fd < 0)
		cb_ret_err(c, -fd);
	return fd;
}

/* dup (TARGET < 0 means lowest free) and dup2/dup3 to NEWFD. */
static void dup_to(struct cb_call *c, int oldfd, int target, unsigned o_flags)
{
	cleanup_fd int fd = take(c, oldfd);
	if (fd >= 0)
		install(c, fd, target, o_flags);
	log_result(c);
}

static void handle_dup(struct cb_call *c)
{
	dup_to(c, (int)c->args[0], -1, 0);
}

/* dup2 and dup3 share their checks; they differ on oldfd == newfd. */
static void dup2_or_3(struct cb_call *c, bool is_dup3, unsigned flags)
{
	int oldfd = (int)c->args[0], newfd = (int)c->args[1];
	if (is_dup3 && (oldfd == newfd || (flags & ~(unsigned)O_CLOEXEC))) {
		cb_ret_err(c, EINVAL);
	} else if (oldfd == newfd) {
		/* dup2 to itself only checks that the fd is open. */
		cleanup_fd int fd = take(c, oldfd);
		if (fd >= 0)
			cb_ret(c, newfd);
	} else if (newfd < 0) {
		cb_ret_err(c, EBADF);
	} else {
		dup_to(c, oldfd, newfd, flags & O_CLOEXEC);
		return;
	}
	log_result(c);
}

static void handle_dup2(struct cb_call *c)
{
	dup2_or_3(c, false, 0);
}

static void handle_dup3(struct cb_call *c)
{
	dup2_or_3(c, true, (unsigned)c->args[2]);
}

const struct cb_handler cb_handlers_fd[] = {
	{ "dup", CB_ARCH_UNKNOWN, handle_dup, 0 },
	{ "dup2", CB_ARCH_UNKNOWN, handle_dup2, 0 },
	{ "dup3", CB_ARCH_UNKNOWN, handle_dup3, 0 },
	{ NULL },
};
