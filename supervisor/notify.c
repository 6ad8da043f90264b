#include "notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/seccomp_compat.h"
#include "../guest/fd_track.h"

int cb_listener_init(struct cb_listener *l, int fd, bool want_sync, struct cb_err *err)
{
	struct seccomp_notif_sizes sz;
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return cb_fail(err, errno, "SECCOMP_GET_NOTIF_SIZES: %s", strerror(errno));
	l->notif_size = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif
								     : sizeof(struct seccomp_notif);
	l->resp_size = sz.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			       ? sz.seccomp_notif_resp
			       : sizeof(struct seccomp_notif_resp);
	if (want_sync) {
		/* 6.6+: the waker hands its CPU to the woken side, which cuts a
		 * round trip to about a quarter. Older kernels say EINVAL. */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
			l->sync_wakeup = true;
	}
	return 0;
}

struct seccomp_notif *cb_notif_alloc(const struct cb_listener *l)
{
	return calloc(1, l->notif_size);
}

int cb_notif_recv(const struct cb_listener *l, struct seccomp_notif *n)
{
	memset(n, 0, l->notif_size); /* the kernel insists on a zeroed buffer */
	if (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_RECV, n) == 0)
		return 0;
	return -errno;
}

int cb_notif_valid(const struct cb_listener *l, uint64_t id)
{
	return ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 ? 0 : -ENOENT;
}

static int send_resp(const struct cb_listener *l, struct seccomp_notif_resp *r)
{
	if (ioctl(l->fd, SECCOMP_IOCTL_NOTIF_SEND, r) == 0)
		return 0;
	return -errno; /* ENOENT: the guest's call was interrupted meanwhile */
}

int cb_notif_reply(const struct cb_listener *l, uint64_t id, int64_t val, int errnum)
{
	struct seccomp_notif_resp r = { .id = id };
	if (errnum)
		r.error = -errnum;
	else
		r.val = val;
	return send_resp(l, &r);
}

/* CONTINUE lets the guest's memory change between our look and the
 * kernel's (by design a TOCTOU): every caller is a verdict of a handler that
 * read no guest memory, and says so in a comment where it asks for it. */
int cb_notif_continue(const struct cb_listener *l, uint64_t id)
{
	struct seccomp_notif_resp r = { .id = id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
	return send_resp(l, &r);
}

int cb_notif_addfd_send(const struct cb_listener *l, uint64_t id, int srcfd,
			int target_fd, unsigned o_flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = SECCOMP_ADDFD_FLAG_SEND | (target_fd >= 0 ? SECCOMP_ADDFD_FLAG_SETFD : 0),
		.srcfd = (uint32_t)srcfd,
		.newfd = target_fd >= 0 ? (uint32_t)target_fd : 0,
		.newfd_flags = o_flags,
	};
	int rc = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	if (rc < 0)
		return -errno;
	if (target_fd >= 0)
		cb_fd_track_replaced(target_fd); /* a name kept of it is stale */
	return rc;
}

int cb_notif_addfd(const struct cb_listener *l, uint64_t id, int srcfd, unsigned o_flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = 0,
		.srcfd = (uint32_t)srcfd,
		.newfd_flags = o_flags,
	};
	int rc = ioctl(l->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	return rc >= 0 ? rc : -errno;
}
