#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/seccomp_compat.h"
#include "supervisor.h"

#define SWEEP_EVERY 64

static void task_close(struct cb_task *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->memfd >= 0)
		close(t->memfd);
	*t = (struct cb_task){ .pidfd = -1, .memfd = -1 };
}

void cb_task_cache_init(struct cb_task_cache *tc)
{
	memset(tc, 0, sizeof(*tc));
	for (int i = 0; i < CB_TASK_CACHE; i++)
		tc->t[i].pidfd = tc->t[i].memfd = -1;
}

void cb_task_cache_clear(struct cb_task_cache *tc)
{
	for (int i = 0; i < CB_TASK_CACHE; i++)
		task_close(&tc->t[i]);
}

int cb_task_cache_live(const struct cb_task_cache *tc)
{
	int n = 0;
	for (int i = 0; i < CB_TASK_CACHE; i++)
		n += tc->t[i].tid != 0;
	return n;
}

/* A pidfd becomes readable when its task has exited. */
static bool task_exited(const struct cb_task *t)
{
	struct pollfd p = { .fd = t->pidfd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

/* Close the handles of every exited thread, with one poll for all. */
static void sweep(struct cb_task_cache *tc)
{
	struct pollfd p[CB_TASK_CACHE];
	int idx[CB_TASK_CACHE], n = 0;
	for (int i = 0; i < CB_TASK_CACHE; i++) {
		if (!tc->t[i].tid)
			continue;
		p[n] = (struct pollfd){ .fd = tc->t[i].pidfd, .events = POLLIN };
		idx[n++] = i;
	}
	if (n == 0 || poll(p, n, 0) <= 0)
		return;
	for (int k = 0; k < n; k++)
		if (p[k].revents)
			task_close(&tc->t[idx[k]]);
}

int cb_call_live(struct cb_call *c)
{
	return cb_notif_valid(&c->sup->l, c->n->id);
}

static int open_mem(pid_t tid)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d/mem", tid);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* Find or make the cache entry for the calling thread. A new entry's
 * handles are opened first and the call checked live afterwards: only then
 * is it certain they belong to the thread that trapped (tids are reused). */
static int task_get(struct cb_call *c, struct cb_task **out)
{
	struct cb_task_cache *tc = &c->w->tc;
	pid_t tid = (pid_t)c->n->pid;
	struct cb_task *victim = NULL;
	/* Handles of exited threads go on every miss and every SWEEP_EVERY
	 * calls, so none outlives its thread for long while the guest runs. */
	if (++tc->clock % SWEEP_EVERY == 0)
		sweep(tc);
	for (int i = 0; i < CB_TASK_CACHE; i++) {
		struct cb_task *t = &tc->t[i];
		if (t->tid == tid) {
			if (!task_exited(t)) {
				t->last_use = tc->clock;
				*out = t;
				return 0;
			}
			task_close(t);
		}
	}
	sweep(tc);
	for (int i = 0; i < CB_TASK_CACHE && !victim; i++)
		if (!tc->t[i].tid)
			victim = &tc->t[i];
	if (!victim) { /* all in use: evict the least recently used */
		victim = &tc->t[0];
		for (int i = 1; i < CB_TASK_CACHE; i++)
			if (tc->t[i].last_use < victim->last_use)
				victim = &tc->t[i];
	}
	task_close(victim);

	cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (pidfd < 0 && errno == EINVAL)
		pidfd = (int)syscall(SYS_pidfd_open, tid, 0); /* pre-6.9: leaders only */
	if (pidfd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	cleanup_fd int memfd = open_mem(tid);
	if (memfd < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	int rc = cb_call_live(c);
	if (rc)
		return rc;
	victim->tid = tid;
	victim->pidfd = steal_fd(&pidfd);
	victim->memfd = steal_fd(&memfd);
	victim->tgid = 0;
	victim->last_use = tc->clock;
	*out = victim;
	return 0;
}

/* pread/pwrite on /proc/TID/mem: 0 bytes means the mm the fd was opened on
 * is gone (the thread exec'd): reopen once. EIO means an unmapped address. */
static int mem_io(struct cb_call *c, struct cb_task *t, bool write, uint64_t addr,
		  void *buf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		size_t done = 0;
		while (done < len) {
			ssize_t n = write ? pwrite(t->memfd, (char *)buf + done, len - done, (off_t)(addr + done))
					  : pread(t->memfd, (char *)buf + done, len - done, (off_t)(addr + done));
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return errno == EIO || errno == EFAULT ? -EFAULT : -errno;
			}
			if (n == 0)
				break;
			done += (size_t)n;
		}
		if (done == len)
			return 0;
		if (done > 0)
			return -EFAULT; /* ran into an unmapped page */
		int fresh = open_mem(t->tid);
		if (fresh < 0)
			return -ENOENT;
		close(t->memfd);
		t->memfd = fresh;
		int rc = cb_call_live(c);
		if (rc)
			return rc;
	}
	return -EFAULT;
}

static bool addr_ok(const struct cb_call *c, uint64_t addr, size_t len)
{
	uint64_t limit = c->arch == CB_ARCH_I386 ? (1ULL << 32) : (1ULL << 47);
	return addr < limit && len <= limit - addr;
}

/* Checks shared by reads and writes: 1 when there is nothing to do. */
static int io_start(struct cb_call *c, uint64_t addr, size_t len, struct cb_task **t)
{
	if (len == 0)
		return 1;
	if (!addr_ok(c, addr, len))
		return -EFAULT;
	return task_get(c, t);
}

int cb_guest_read(struct cb_call *c, uint64_t addr, void *buf, size_t len)
{
	struct cb_task *t;
	int rc = io_start(c, addr, len, &t);
	if (rc)
		return rc < 0 ? rc : 0;
	rc = mem_io(c, t, false, addr, buf, len);
	if (rc)
		return rc;
	/* The bytes are only the guest's if its call is still the one pending. */
	return cb_call_live(c);
}

int cb_guest_write(struct cb_call *c, uint64_t addr, const void *buf, size_t len)
{
	struct cb_task *t;
	int rc = io_start(c, addr, len, &t);
	if (rc)
		return rc < 0 ? rc : 0;
	/* An interrupted guest may have reused the buffer: do not scribble. */
	rc = cb_call_live(c);
	if (rc)
		return rc;
	/* /proc/TID/mem writes with FOLL_FORCE: it would store into read-only
	 * pages where the kernel's copy_to_user gives EFAULT. process_vm_writev
	 * honours page protections, so results land exactly where the kernel
	 * would have put them. The thread is parked in its notification (just
	 * checked), so its tid still names it. */
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(t->tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == EFAULT)
		return -EFAULT;
	if (errno == ESRCH)
		return -ENOENT;
	/* No cross-memory attach in this kernel: the mem fd is all there is. */
	return mem_io(c, t, true, addr, (void *)buf, len);
}

int cb_guest_fd(struct cb_call *c, int gfd)
{
	if (gfd < 0)
		return -EBADF;
	struct cb_task *t;
	int rc = task_get(c, &t);
	if (rc)
		return rc;
	int fd = (int)syscall(SYS_pidfd_getfd, t->pidfd, gfd, 0);
	if (fd < 0)
		return errno == EBADF ? -EBADF : -errno;
	return fd;
}

void cb_guest_fd_path(struct cb_call *c, int gfd, char *buf, size_t len)
{
	char link[48];
	buf[0] = 0;
	if (gfd < 0 || len < 2)
		return;
	snprintf(link, sizeof(link), "/proc/%u/fd/%d", c->n->pid, gfd);
	ssize_t n = readlink(link, buf, len - 1);
	if (n < 0 || cb_call_live(c) != 0)
		n = 0;
	buf[n] = 0;
}

pid_t cb_guest_tgid(struct cb_call *c)
{
	struct cb_task *t;
	if (task_get(c, &t))
		return 0;
	if (t->tgid)
		return t->tgid;
	char path[40], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	pid_t tgid = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	if (cb_call_live(c))
		return 0;
	t->tgid = tgid;
	return tgid;
}

int cb_guest_kill(struct cb_call *c)
{
	struct cb_task *t;
	int rc = task_get(c, &t);
	if (rc)
		return rc;
	/* SIGKILL through the thread's pidfd, which task_get proved is the
	 * caller's: a reused pid cannot get it. SIGKILL takes the whole
	 * thread group, as seccomp's KILL_PROCESS does. */
	return syscall(SYS_pidfd_send_signal, t->pidfd, SIGKILL, NULL, 0) < 0 ? -errno : 0;
}
