/* Access to a trapped guest thread: its memory through /proc/TID/mem, its
 * fds through pidfd_getfd. Every read is followed by an ID_VALID check
 * before the bytes are handed out, so callers never use bytes read from a
 * task that is no longer the one that made the call. */
#ifndef CB_GUEST_H
#define CB_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../abi/convert.h"
#include "../supervisor/call.h"
#include "creds.h"
#include "fd_track.h"

/* A worker's cache of open handles per guest thread. No locking: each
 * worker owns its own. At most CB_TASK_CACHE entries, fewer when the fd
 * limit cannot hold that many for every worker (cb_task_cache_fit). */
#define CB_TASK_CACHE 16
/* Most fds one entry holds: pidfd, mem, maps, /proc/TID (no thread
 * pidfds), and its fd directory (the audit trail's fd paths). */
#define CB_TASK_FDS 5
/* fd names kept per thread, and the longest kept (with its NUL): device
 * nodes, sockets, pipes and anon inodes fit. */
#define CB_FD_NAMES 4
#define CB_FD_NAME_MAX 112
/* What path calls need to know of a guest thread, kept between its calls:
 * its credentials and whether it shares the supervisor's mount and user
 * namespaces. Each part is valid while the thread has not exec'd since
 * (EPOCH: its cb_task's mm epoch) and no guest thread has entered a call
 * that changes credentials or namespaces since (GEN: cb_guest_changes's
 * count, taken before the part was read). See docs/threat-model.md. */
struct cb_task_view {
	bool creds_ok;
	int8_t shared_ns;      /* -1 unknown, else CB_NS_* bits */
	uint32_t creds_epoch, ns_epoch;
	uint64_t creds_gen, ns_gen;
	struct cb_creds creds;
};

struct cb_task {
	pid_t tid;   /* 0: free slot */
	int pidfd;   /* thread pidfd: proves the tid still names the same task;
		      * with procfd, its leader's (no thread pidfds before 6.9) */
	int memfd;   /* /proc/TID/mem, re-opened when the guest has exec'd */
	int procfd;  /* -1, or /proc/TID (O_PATH) when pidfd is the leader's:
		      * proves the tid still names the same thread */
	int mapsfd;  /* /proc/TID/maps once written to (-1 until then): which
		      * pages the guest may write, asked of the same mm */
	int fddir;   /* /proc/TGID/task/TID/fd (O_PATH) once an fd's path was
		      * asked for (-1 until then) */
	pid_t tgid;
	/* The mm is the parent's too (vfork, posix_spawn): after the child's
	 * execve it lives on in the parent, and handles opened on it would
	 * reach the parent. Such an entry serves only the call it was opened
	 * for (CALL_ID). */
	bool shared_mm;
	uint64_t call_id;
	/* The call during which this entry was last proved to be the
	 * caller's: later uses within it need no new proof (see task_get). */
	uint64_t proved_id;
	uint64_t last_use;
	/* Bumped when memfd is found on a dead mm and reopened: the thread
	 * (or the thread that took its tid, the leader's, in an execve by
	 * another thread) has exec'd. */
	uint32_t mm_epoch;
	/* The writable mapping the last PROCMAP_QUERY of call WR_CALL found,
	 * [WR_LO, WR_HI): later writes of that call inside it ask nothing. */
	uint64_t wr_call, wr_lo, wr_hi;
	struct cb_task_view view;
	/* Proved alive after a stamp of guest/fd_track.h's task counters
	 * (ALIVE_OK): while no task was made since, its tid is still its. */
	bool alive_ok;
	uint32_t alive_seq;
	/* What some of its fds name (guest/fd_names.h), by fd number. */
	struct cb_fd_name {
		int fd1; /* the fd + 1; 0: free */
		struct cb_fd_stamp st;
		uint64_t when; /* read then (cb_coarse_ms) */
		char path[CB_FD_NAME_MAX];
	} names[CB_FD_NAMES];
};
struct cb_task_cache {
	struct cb_task t[CB_TASK_CACHE];
	uint64_t clock;
};

/* Decide once whether the kernel has thread pidfds (PIDFD_THREAD, 6.9+);
 * COMPATBOX_TEST_NO_PIDFD_THREAD=1 in the environment says it has not, so
 * tests can take the older kernels' path; COMPATBOX_TEST_NO_PROCMAP_QUERY=1
 * likewise makes guest writes check protections from /proc/TID/maps' text,
 * as before 6.11. Call before the workers start. */
void cb_guest_setup(void);
void cb_task_cache_init(struct cb_task_cache *tc);
/* Size every worker's cache so that WORKERS full caches take at most half
 * of the fd limit NOFILE (the rest is for the guest fds calls hold); at
 * least one entry each. Call before the workers start. */
void cb_task_cache_fit(int workers, long nofile);
/* Close every cached handle. */
void cb_task_cache_clear(struct cb_task_cache *tc);
/* Number of live entries (for tests and diagnostics). */
int cb_task_cache_live(const struct cb_task_cache *tc);

/* The calling thread's entry in the worker's cache, proved the caller's
 * (opened, or checked alive, then ID_VALID) for this call. */
int cb_task_of(struct cb_call *c, struct cb_task **out);
/* Copy LEN guest bytes at ADDR into BUF. 0; -EFAULT when the range is not
 * readable; -ENOENT when the call is gone (the caller abandons). */
int cb_guest_read(struct cb_call *c, uint64_t addr, void *buf, size_t len);
/* cb_guest_read without the liveness check, for bytes that are only
 * written back to the guest by a cb_guest_write that follows in the same
 * call: that write's check, before anything is used, stands for both. */
int cb_guest_read_back(struct cb_call *c, uint64_t addr, void *buf, size_t len);
/* The converter's view of the caller's memory (abi/convert.h). */
struct cb_guest_mem cb_guest_mem_of(struct cb_call *c);
/* Prove the calling thread's cached handles its own for this call (an
 * ID_VALID at most), so that cb_guest_peek can read after the answer.
 * 0 or -errno. */
int cb_guest_prove(struct cb_call *c);
/* After the call was answered with CONTINUE, for the record only (never
 * to decide or to perform anything): up to LEN bytes at ADDR of the mm
 * the caller had, through the handle cb_guest_prove proved. Bytes read
 * (0: that mm is gone), -EFAULT, or -ENOENT when nothing was proved. */
int cb_guest_peek(struct cb_call *c, uint64_t addr, void *buf, size_t len);
/* Copy BUF to the guest at ADDR, after checking the call is still live:
 * 0, -EFAULT where the guest could not write itself (unmapped, or not
 * writable: told on 6.11+ only, before that a private read-only page is
 * written), -ENOENT when the call is gone. */
int cb_guest_write(struct cb_call *c, uint64_t addr, const void *buf, size_t len);
/* A host copy of the guest's fd GFD (close it), or -EBADF / -ENOENT.
 * Without thread pidfds (before 6.9) a thread other than its group's
 * leader is reached through the leader's fd table: -EOPNOTSUPP when the
 * two do not share one (unshare(CLONE_FILES), the leader has exited) or
 * kcmp cannot tell (no CONFIG_KCMP). */
int cb_guest_fd(struct cb_call *c, int gfd);
/* The worker's entry for the calling thread, NOT proved to be its (a dead
 * thread's whose tid was reused is possible), or NULL. */
struct cb_task *cb_task_cached(struct cb_call *c);
/* Whether T's thread has not exited (a syscall: a poll of its pidfd, or a
 * look at /proc/TID without thread pidfds). */
bool cb_task_alive(const struct cb_task *t);
/* What the guest's fd GFD refers to, as readlink of /proc/TID/fd/GFD
 * ("" when unknown), NUL-terminated into BUF; for the record only. Not
 * proved: it is the caller's only if the call is still pending after the
 * read (an answer sent without ENOENT, or an ID_VALID, says so). */
void cb_guest_fd_path(struct cb_call *c, int gfd, char *buf, size_t len);
/* The thread-group id of the calling thread (0 when unknown). */
pid_t cb_guest_tgid(struct cb_call *c);
/* SIGKILL the calling thread's process (a policy's kill). 0 or -errno. */
int cb_guest_kill(struct cb_call *c);
/* 0 when the call is still pending, -ENOENT otherwise. */
int cb_call_live(struct cb_call *c);

/* A guest thread has entered a call that may change its credentials or
 * namespaces (setuid family, setgroups, capset, setns, unshare): every
 * cached view of every thread is stale from now on. Called before the
 * call is answered, let run or even decided (cb_changes_creds says which). */
void cb_guest_changes(void);
/* The calling thread's credentials (fsuid, fsgid, groups, capabilities),
 * from its view when still valid, else read from /proc/TID/status (then
 * proved the caller's with ID_VALID). 0, -ENOENT when the call is gone,
 * or another negative errno. An execve is noticed only through a read of
 * guest memory: call again after the call's guest reads, before using
 * the answer for a host call. */
int cb_guest_creds(struct cb_call *c, struct cb_creds *out);
enum { CB_NS_MNT = 1, CB_NS_USER = 2, CB_NS_IPC = 4 };
/* Which of the supervisor's mount, user and IPC namespaces (CB_NS_* bits) the
 * calling thread is in, from its view when still valid, else from
 * /proc/TID/ns (proved with ID_VALID); or -ENOENT when the call is gone. */
int cb_guest_shared_ns(struct cb_call *c);

#endif
