/* Access to a trapped guest thread: its memory through /proc/TID/mem, its
 * fds through pidfd_getfd. Every read is followed by an ID_VALID check
 * before the bytes are handed out, so callers never use bytes read from a
 * task that is no longer the one that made the call. */
#ifndef CB_GUEST_H
#define CB_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

/* A worker's cache of open handles per guest thread. No locking: each
 * worker owns its own. */
#define CB_TASK_CACHE 16
struct cb_task {
	pid_t tid;   /* 0: free slot */
	int pidfd;   /* thread pidfd: proves the tid still names the same task */
	int memfd;   /* /proc/TID/mem, re-opened when the guest has exec'd */
	pid_t tgid;  /* 0 until first asked */
	uint64_t last_use;
};
struct cb_task_cache {
	struct cb_task t[CB_TASK_CACHE];
	uint64_t clock;
};

void cb_task_cache_init(struct cb_task_cache *tc);
/* Close every cached handle. */
void cb_task_cache_clear(struct cb_task_cache *tc);
/* Number of live entries (for tests and diagnostics). */
int cb_task_cache_live(const struct cb_task_cache *tc);

/* Copy LEN guest bytes at ADDR into BUF. 0; -EFAULT when the range is not
 * readable; -ENOENT when the call is gone (the caller abandons). */
int cb_guest_read(struct cb_call *c, uint64_t addr, void *buf, size_t len);
/* Copy BUF to the guest at ADDR, after checking the call is still live. */
int cb_guest_write(struct cb_call *c, uint64_t addr, const void *buf, size_t len);
/* A host copy of the guest's fd GFD (close it), or -EBADF / -ENOENT. */
int cb_guest_fd(struct cb_call *c, int gfd);
/* What the guest's fd GFD refers to, as readlink of /proc/TID/fd/GFD
 * ("" when unknown), NUL-terminated into BUF. */
void cb_guest_fd_path(struct cb_call *c, int gfd, char *buf, size_t len);
/* The thread-group id of the calling thread (0 when unknown). */
pid_t cb_guest_tgid(struct cb_call *c);
/* SIGKILL the calling thread's process (a policy's kill). 0 or -errno. */
int cb_guest_kill(struct cb_call *c);
/* 0 when the call is still pending, -ENOENT otherwise. */
int cb_call_live(struct cb_call *c);

#endif
