/* The seccomp listener: receiving notifications, answering them, checking
 * that a notification is still live, and installing fds into the guest. */
#ifndef CB_NOTIFY_H
#define CB_NOTIFY_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"

struct cb_listener {
	int fd;
	size_t notif_size; /* kernel's sizes, may exceed our headers' */
	size_t resp_size;
	bool sync_wakeup;  /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is on */
	bool recv_sees_hangup; /* a blocked RECV ends (ENOENT) when the filter's last task
				* exits; set by the owner from cb_notif_probe_hangup() */
};

/* Take ownership of listener FD; ask the kernel for its struct sizes and,
 * when WANT_SYNC, switch on synchronous wake-up if the kernel has it. */
int cb_listener_init(struct cb_listener *l, int fd, bool want_sync, struct cb_err *err);
/* Whether this kernel ends a blocked RECV when the filter loses its last
 * task (Linux 6.11, and stable kernels that took the change); older ones
 * wait on and only poll() says POLLHUP. Asked of the kernel with a
 * throwaway filter in two short-lived children, so call it before any
 * thread starts; it takes ~1 ms, 100 ms at most where the answer is no. */
bool cb_notif_probe_hangup(void);
/* Allocate a zeroed notification buffer of the kernel's size. */
struct seccomp_notif *cb_notif_alloc(const struct cb_listener *l);
/* Block for the next notification. 0, -ENOENT when the target went away
 * before delivery (go on), -EINTR, or another -errno (listener unusable). */
int cb_notif_recv(const struct cb_listener *l, struct seccomp_notif *n);
/* 0 when notification ID is still pending, -ENOENT when its task is gone or
 * its call was interrupted. */
int cb_notif_valid(const struct cb_listener *l, uint64_t id);
/* Answer: the call returns VAL, or fails with ERRNUM when non-zero. */
int cb_notif_reply(const struct cb_listener *l, uint64_t id, int64_t val, int errnum);
/* Answer: let the kernel run the call as the guest issued it. Only for calls
 * whose pointer arguments the supervisor has not inspected. */
int cb_notif_continue(const struct cb_listener *l, uint64_t id);
/* Install SRCFD in the guest as the result of call ID (lowest free fd, or
 * TARGET_FD if >= 0) and answer it with the new fd atomically.
 * Returns the guest's fd number or -errno (EMFILE at the guest's limit). */
int cb_notif_addfd_send(const struct cb_listener *l, uint64_t id, int srcfd,
			int target_fd, unsigned o_flags);
/* Install SRCFD in the guest while call ID is still pending, at the lowest
 * free number, without answering (fds a call returns inside its results:
 * SCM_RIGHTS). Returns the guest's fd number, -ENOENT when the call is gone,
 * or another -errno (EMFILE at the guest's limit). */
int cb_notif_addfd(const struct cb_listener *l, uint64_t id, int srcfd, unsigned o_flags);

#endif
