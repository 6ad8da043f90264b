#include "guest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/fmt.h"
#include "../common/seccomp_compat.h"
#include "../supervisor/supervisor.h"

#define SWEEP_EVERY 64

/* Whether pidfd_open takes PIDFD_THREAD (6.9+): decided once, before the
 * workers start, so every worker takes the same path. */
static bool thread_pidfds;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

/* The kernel has PROCMAP_QUERY (6.11+) until it says ENOTTY. */
static bool no_procmap_query;

static bool forced(const char *name)
{
	const char *v = getenv(name);
	return v && strcmp(v, "1") == 0;
}

static void probe(void)
{
	if (forced("COMPATBOX_TEST_NO_PROCMAP_QUERY"))
		no_procmap_query = true;
	const char *force_old = getenv("COMPATBOX_TEST_NO_PIDFD_THREAD");
	if (force_old && strcmp(force_old, "1") == 0)
		return;
	int fd = (int)syscall(SYS_pidfd_open, getpid(), PIDFD_THREAD);
	if (fd >= 0) {
		thread_pidfds = true;
		close(fd);
	}
}

void cb_guest_setup(void)
{
	pthread_once(&probe_once, probe);
}

static void task_close(struct cb_task *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->memfd >= 0)
		close(t->memfd);
	if (t->procfd >= 0)
		close(t->procfd);
	if (t->mapsfd >= 0)
		close(t->mapsfd);
	if (t->fddir >= 0)
		close(t->fddir);
	*t = (struct cb_task){ .pidfd = -1, .memfd = -1, .procfd = -1, .mapsfd = -1, .fddir = -1,
			       .view.shared_ns = -1 };
}

void cb_task_cache_init(struct cb_task_cache *tc)
{
	memset(tc, 0, sizeof(*tc));
	for (int i = 0; i < CB_TASK_CACHE; i++) {
		tc->t[i].pidfd = tc->t[i].memfd = tc->t[i].procfd = tc->t[i].mapsfd = tc->t[i].fddir = -1;
		tc->t[i].view.shared_ns = -1;
	}
}

/* Entries per worker, set once before the workers start. */
static int cache_slots = CB_TASK_CACHE;

void cb_task_cache_fit(int workers, long nofile)
{
	long fit = nofile / 2 / ((long)(workers > 0 ? workers : 1) * CB_TASK_FDS);
	cache_slots = fit < 1 ? 1 : fit > CB_TASK_CACHE ? CB_TASK_CACHE : (int)fit;
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

/* A thread pidfd becomes readable when its thread has exited. A leader's
 * pidfd standing in for another thread does not say when that thread
 * exits, so those entries keep /proc/TID open instead: once the thread is
 * gone, nothing can be looked up under it, even after its tid is reused. */
static bool task_exited(const struct cb_task *t)
{
	if (t->procfd >= 0)
		return faccessat(t->procfd, "stat", F_OK, 0) != 0;
	struct pollfd p = { .fd = t->pidfd, .events = POLLIN };
	return poll(&p, 1, 0) != 0;
}

/* Close the handles of every exited thread, with one poll for all pidfds. */
static void sweep(struct cb_task_cache *tc)
{
	struct pollfd p[CB_TASK_CACHE];
	int idx[CB_TASK_CACHE], n = 0;
	for (int i = 0; i < CB_TASK_CACHE; i++) {
		if (!tc->t[i].tid)
			continue;
		if (tc->t[i].procfd >= 0) {
			if (task_exited(&tc->t[i]))
				task_close(&tc->t[i]);
			continue;
		}
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
	/* ptrace's check: a guest of other ids (after an execve) or that is
	 * not dumpable needs the worker's own capabilities. */
	cb_creds_settle();
	return open(path, O_RDWR | O_CLOEXEC);
}

/* The Tgid: and PPid: lines of a /proc/TID/status opened as FD (closed
 * here); -ENOENT when it cannot be read. */
static int read_status(int fd, pid_t *tgid, pid_t *ppid)
{
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	char line[128];
	*tgid = *ppid = 0;
	while ((!*tgid || !*ppid) && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", tgid) != 1)
			sscanf(line, "PPid: %d", ppid);
	fclose(f);
	return *tgid > 0 ? 0 : -ENOENT;
}

/* Whether TID's mm is its parent PPID's too. kcmp names both by number, so
 * only an ID_VALID afterwards makes the answer TID's. EPERM means no: the
 * parent's mm is not dumpable for us (the keeper's), while TID's mem was
 * just opened, so they are not one mm. A kernel without kcmp cannot tell:
 * then every entry counts as shared and none is kept. */
static bool mm_shared_with_parent(pid_t tid, pid_t ppid)
{
	long r = syscall(SYS_kcmp, tid, ppid, KCMP_VM, 0, 0);
	return r == 0 || (r < 0 && errno == ENOSYS);
}

/* Handles for TID when it has no thread pidfd (before 6.9) and is not its
 * group's leader: /proc/TID, and through it the thread's group id, the
 * leader's pidfd (the only pidfd there is) and the thread's mem. */
static int open_via_leader(pid_t tid, int *pidfd, int *memfd, int *procfd, pid_t *tgid,
			   pid_t *ppid)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%d", tid);
	*procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*procfd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (read_status(openat(*procfd, "status", O_RDONLY | O_CLOEXEC), tgid, ppid))
		return -ENOENT;
	*pidfd = (int)syscall(SYS_pidfd_open, *tgid, 0);
	if (*pidfd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	*memfd = openat(*procfd, "mem", O_RDWR | O_CLOEXEC);
	if (*memfd < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	return 0;
}

/* Find or make the cache entry for the calling thread. A new entry's
 * handles are opened first and the call checked live afterwards: only then
 * is it certain they belong to the thread that trapped (tids are reused). */
static int task_get_as(struct cb_call *c, struct cb_task **out, bool for_fd);

static int task_get(struct cb_call *c, struct cb_task **out)
{
	return task_get_as(c, out, false);
}

int cb_task_of(struct cb_call *c, struct cb_task **out)
{
	return task_get(c, out);
}

/* Whether a hit on T needs no liveness check now. Once proved the
 * caller's during this call, an entry stays so for the rest of it: were
 * the caller killed and its tid reused meanwhile, the entry's handles
 * still reach only the old task (its pidfd, its mm), and the ID_VALID
 * that follows every read and precedes every write fails, the call being
 * gone. FOR_FD: the caller is about to pidfd_getfd through a thread
 * pidfd, which fails (ESRCH) when that thread has exited; its success
 * proves the entry's thread alive, and a thread alive since the entry was
 * proved (in an earlier call, before this one was received) holds the
 * tid throughout, so is this call's caller. */
static bool proof_needed(const struct cb_task *t, const struct cb_call *c, bool for_fd)
{
	if (t->proved_id == c->n->id)
		return false;
	return !(for_fd && t->procfd < 0 && !t->shared_mm);
}

static int task_get_as(struct cb_call *c, struct cb_task **out, bool for_fd)
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
			if ((!t->shared_mm || t->call_id == c->n->id) &&
			    (!proof_needed(t, c, for_fd) || !task_exited(t))) {
				if (!for_fd)
					t->proved_id = c->n->id;
				t->last_use = tc->clock;
				*out = t;
				return 0;
			}
			task_close(t);
		}
	}
	sweep(tc);
	for (int i = 0; i < cache_slots && !victim; i++)
		if (!tc->t[i].tid)
			victim = &tc->t[i];
	if (!victim) { /* all in use: evict the least recently used */
		victim = &tc->t[0];
		for (int i = 1; i < cache_slots; i++)
			if (tc->t[i].last_use < victim->last_use)
				victim = &tc->t[i];
	}
	task_close(victim);
	cb_creds_settle(); /* the opens below pass ptrace's checks */

	cb_guest_setup();
	cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, tid, thread_pidfds ? PIDFD_THREAD : 0);
	cleanup_fd int memfd = -1;
	cleanup_fd int procfd = -1;
	pid_t tgid = 0, ppid = 0;
	int rc = 0;
	if (pidfd >= 0) {
		char path[40];
		snprintf(path, sizeof(path), "/proc/%d/status", tid);
		memfd = open_mem(tid);
		if (memfd < 0)
			rc = errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
		else
			rc = read_status(open(path, O_RDONLY | O_CLOEXEC), &tgid, &ppid);
	} else if ((errno == EINVAL || errno == ENOENT) && !thread_pidfds) {
		/* Only a group leader has a pidfd without PIDFD_THREAD: others
		 * get EINVAL (ENOENT on recent kernels). */
		rc = open_via_leader(tid, &pidfd, &memfd, &procfd, &tgid, &ppid);
	} else {
		rc = errno == ESRCH ? -ENOENT : -errno;
	}
	bool shared = !rc && mm_shared_with_parent(tid, ppid);
	if (!rc)
		rc = cb_call_live(c);
	if (rc)
		return rc;
	victim->tid = tid;
	victim->pidfd = steal_fd(&pidfd);
	victim->memfd = steal_fd(&memfd);
	victim->procfd = steal_fd(&procfd);
	victim->mapsfd = -1;
	victim->fddir = -1;
	victim->tgid = tgid;
	victim->shared_mm = shared;
	victim->call_id = c->n->id;
	victim->proved_id = c->n->id;
	victim->last_use = tc->clock;
	victim->mm_epoch = 0;
	victim->view = (struct cb_task_view){ .shared_ns = -1 };
	memset(victim->names, 0, sizeof(victim->names));
	victim->alive_ok = false;
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
		t->mm_epoch++; /* a new program: what was known of the thread goes */
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

int cb_guest_read_back(struct cb_call *c, uint64_t addr, void *buf, size_t len)
{
	struct cb_task *t;
	int rc = io_start(c, addr, len, &t);
	if (rc)
		return rc < 0 ? rc : 0;
	return mem_io(c, t, false, addr, buf, len);
}

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return cb_guest_read(ctx, addr, buf, len);
}

static int mem_read_back(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return cb_guest_read_back(ctx, addr, buf, len);
}

static int mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return cb_guest_write(ctx, addr, buf, len);
}

struct cb_guest_mem cb_guest_mem_of(struct cb_call *c)
{
	return (struct cb_guest_mem){ .read = mem_read, .write = mem_write, .ctx = c,
				      .read_back = mem_read_back };
}

int cb_guest_prove(struct cb_call *c)
{
	struct cb_task *t;
	return task_get(c, &t);
}

/* After the answer: T's mem fd reads nothing, its mm is gone, so T ran
 * an execve since the fd was opened, before or after its call. Reopened
 * when it can be proved T's own without the call: through T's /proc
 * directory where the entry holds one (it names that task alone), else by
 * its tid and a look at its pidfd after the open (a thread alive then held
 * the tid at the open). The mm read may be one exec newer than the call's:
 * what is read after the answer is "racy" anyway. */
static bool reopen_mem_of(struct cb_task *t)
{
	cb_creds_settle();
	int fresh = t->procfd >= 0 ? openat(t->procfd, "mem", O_RDWR | O_CLOEXEC) : open_mem(t->tid);
	if (fresh < 0)
		return false;
	if (t->procfd < 0 && task_exited(t)) {
		close(fresh);
		return false;
	}
	close(t->memfd);
	t->memfd = fresh;
	t->mm_epoch++; /* a new program: what was known of the thread goes */
	return true;
}

int cb_guest_peek(struct cb_call *c, uint64_t addr, void *buf, size_t len)
{
	if (len == 0 || !addr_ok(c, addr, len))
		return -EFAULT;
	struct cb_task_cache *tc = &c->w->tc;
	for (int i = 0; i < CB_TASK_CACHE; i++) {
		struct cb_task *t = &tc->t[i];
		if (t->tid != (pid_t)c->n->pid || t->proved_id != c->n->id ||
		    (t->shared_mm && t->call_id != c->n->id))
			continue;
		/* No ID_VALID can follow (the call was answered), and none is
		 * needed: this mem fd was proved the caller's during the call
		 * and reaches that mm alone, whatever the tid names now. */
		ssize_t n = pread(t->memfd, buf, len, (off_t)addr);
		if (n == 0 && reopen_mem_of(t))
			n = pread(t->memfd, buf, len, (off_t)addr);
		return n < 0 ? -EFAULT : (int)n;
	}
	return -ENOENT;
}

/* /proc/TID/maps of T's thread, checked to be its own like a new entry. */
static int open_maps(struct cb_call *c, struct cb_task *t)
{
	char path[40];
	snprintf(path, sizeof(path), "/proc/%d/maps", t->tid);
	cb_creds_settle(); /* ptrace's check, on a guest that may not be dumpable */
	int fd = t->procfd >= 0 ? openat(t->procfd, "maps", O_RDONLY | O_CLOEXEC)
				: open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -ENOENT : -errno;
	int rc = cb_call_live(c);
	if (rc) {
		close(fd);
		return rc;
	}
	if (t->mapsfd >= 0)
		close(t->mapsfd);
	t->mapsfd = fd;
	return 0;
}

/* Before PROCMAP_QUERY (6.11): the same answer from the text of the maps
 * fd, which is tied to the guest's mm like the mem fd. Its lines come in
 * address order; a 0-byte read means the mm is gone (the guest exec'd). */
static int writable_text(struct cb_call *c, struct cb_task *t, uint64_t addr, size_t len)
{
	char buf[4096];
	int rc = t->mapsfd < 0 ? open_maps(c, t) : 0;
	for (int attempt = 0; !rc && attempt < 2; attempt++) {
		uint64_t at = addr, end = addr + len;
		size_t have = 0;
		off_t off = 0;
		bool any = false;
		for (;;) {
			ssize_t n = pread(t->mapsfd, buf + have, sizeof(buf) - 1 - have, off);
			if (n < 0)
				return errno == ESRCH ? -ENOENT : -errno;
			if (n == 0)
				break;
			any = true;
			off += n;
			have += (size_t)n;
			buf[have] = 0;
			char *line = buf, *nl;
			while ((nl = strchr(line, '\n'))) {
				unsigned long lo, hi;
				char perms[5];
				*nl = 0;
				if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && hi > at) {
					if (lo > at || perms[1] != 'w')
						return -EFAULT;
					at = hi;
					if (at >= end)
						return 0;
				}
				line = nl + 1;
			}
			have = (size_t)(buf + have - line);
			memmove(buf, line, have);
			if (have == sizeof(buf) - 1)
				have = 0; /* no line is this long: drop it */
		}
		if (any)
			return -EFAULT; /* past the last mapping */
		rc = open_maps(c, t);
	}
	return rc ? rc : -EFAULT;
}

/* 0 when every page of [ADDR, ADDR+LEN) is mapped writable in T's mm, as
 * the kernel's copy_to_user needs; -EFAULT otherwise. The mem fd writes
 * with FOLL_FORCE, through a private mapping's read-only protection, so
 * the protections are asked first. A concurrent mprotect by another guest
 * thread can still slip in between: the guest then races itself, in its
 * own memory. */
static int writable(struct cb_call *c, struct cb_task *t, uint64_t addr, size_t len)
{
	if (__atomic_load_n(&no_procmap_query, __ATOMIC_RELAXED))
		return writable_text(c, t, addr, len);
	/* A result written in pieces (a converted record around the bytes the
	 * kernel leaves alone) asks once: within one call the answer is as
	 * good as it was for the first piece, the mprotect race above being
	 * the same for every piece. */
	if (t->wr_call == c->n->id && t->wr_hi > t->wr_lo && addr >= t->wr_lo &&
	    addr + len <= t->wr_hi)
		return 0;
	int rc = t->mapsfd < 0 ? open_maps(c, t) : 0;
	bool reopened = false;
	for (uint64_t at = addr, end = addr + len; !rc && at < end;) {
		struct cb_procmap_query q = { .size = sizeof(q), .query_addr = at };
		if (ioctl(t->mapsfd, CB_PROCMAP_QUERY, &q) == 0) {
			if (!(q.vma_flags & CB_PROCMAP_QUERY_VMA_WRITABLE) || q.vma_end <= at)
				return -EFAULT;
			at = q.vma_end;
			t->wr_call = c->n->id;
			t->wr_lo = q.vma_start;
			t->wr_hi = q.vma_end;
		} else if (errno == ENOENT) {
			return -EFAULT; /* no mapping covers AT */
		} else if (errno == ENOTTY) {
			__atomic_store_n(&no_procmap_query, true, __ATOMIC_RELAXED);
			return writable_text(c, t, addr, len);
		} else if (errno == ESRCH && !reopened) {
			/* The mm the fd was opened on is gone: the guest exec'd. */
			reopened = true;
			rc = open_maps(c, t);
		} else {
			return errno == ESRCH ? -ENOENT : -errno;
		}
	}
	return rc;
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
	/* Through the mem fd, which holds the guest's mm: not by tid (as
	 * process_vm_writev would), since between the check above and the
	 * write the thread may be killed and its tid given to any process. */
	rc = writable(c, t, addr, len);
	if (rc)
		return rc;
	return mem_io(c, t, true, addr, (void *)buf, len);
}

int cb_guest_fd(struct cb_call *c, int gfd)
{
	if (gfd < 0)
		return -EBADF;
	struct cb_task *t;
	cb_creds_settle(); /* ptrace's check, on a guest that may not be dumpable */
	int rc = task_get_as(c, &t, true);
	if (rc)
		return rc;
	int fd = (int)syscall(SYS_pidfd_getfd, t->pidfd, gfd, 0);
	int err = errno;
	if (fd < 0 && err == ESRCH && t->proved_id != c->n->id) {
		/* The entry's thread is gone (not proved this call): a new
		 * entry, proved by task_get, for the thread that has the tid. */
		task_close(t);
		rc = task_get(c, &t);
		if (rc)
			return rc;
		fd = (int)syscall(SYS_pidfd_getfd, t->pidfd, gfd, 0);
		err = errno;
	}
	if (fd >= 0 && t->procfd < 0)
		t->proved_id = c->n->id; /* see proof_needed */
	if (t->procfd >= 0) {
		/* The leader's pidfd gave the leader's fd: it is the thread's
		 * only while the two share one table. Checked after taking it:
		 * a task only ever trades its table for a new one (unshare,
		 * execve) or none (exit), and the thread, parked in this call,
		 * trades nothing; so "shared now" means "shared when the fd was
		 * taken". kcmp names the tasks by number: the ID_VALID after it
		 * proves the numbers still named them (the thread was alive
		 * throughout, and its group's id stays taken while it lives). */
		long same = syscall(SYS_kcmp, t->tgid, t->tid, KCMP_FILES, 0, 0);
		int live = cb_call_live(c);
		if (live || same != 0) {
			if (fd >= 0)
				close(fd);
			return live ? live : -EOPNOTSUPP;
		}
	}
	if (fd < 0)
		return err == EBADF ? -EBADF : -err;
	return fd;
}

/* The cached entry for the calling tid, unproved (NULL: none). */
static struct cb_task *cached(struct cb_call *c)
{
	struct cb_task_cache *tc = &c->w->tc;
	for (int i = 0; i < CB_TASK_CACHE; i++)
		if (tc->t[i].tid == (pid_t)c->n->pid && !tc->t[i].shared_mm)
			return &tc->t[i];
	return NULL;
}

struct cb_task *cb_task_cached(struct cb_call *c)
{
	return cached(c);
}

bool cb_task_alive(const struct cb_task *t)
{
	return !task_exited(t);
}

void cb_guest_fd_path(struct cb_call *c, int gfd, char *buf, size_t len)
{
	char link[64];
	/* !buf also tells gcc's sanitizer build (-Wnonnull) buf is not NULL. */
	if (!buf || !len)
		return;
	buf[0] = 0;
	if (gfd < 0 || len < 2)
		return;
	/* Through the fd directory of the task the cache remembers for the
	 * tid, /proc/TGID/task/TID/fd: it answers only while that task lives
	 * (a dead one's lookups fail, a reused tid is another task), and the
	 * walk is one name long. No ID_VALID follows: the caller proves the
	 * link with the call's answer (cb_log_finish). A call still pending
	 * at the answer was pending when the link was read, so its thread
	 * held the tid then; the cached task, alive at the read, has held the
	 * tid since it was proved the caller of an earlier call, so the two
	 * are one task, and its group is the entry's. */
	struct cb_task *t = c->tgid ? NULL : cached(c);
	pid_t tg = 0;
	ssize_t n = -1;
	if (t) {
		if (t->fddir < 0) {
			snprintf(link, sizeof(link), "/proc/%d/task/%d/fd", t->tgid, t->tid);
			cb_creds_settle();
			t->fddir = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		if (t->fddir >= 0) {
			char *end = link + sizeof(link) - 1; /* no printf: once per logged call */
			*end = 0;
			n = readlinkat(t->fddir, cb_fmt_udec(end, (unsigned)gfd), buf, len - 1);
			tg = t->tgid;
		}
	}
	if (n < 0) {
		tg = 0;
		snprintf(link, sizeof(link), "/proc/%u/fd/%d", c->n->pid, gfd);
		cb_creds_settle(); /* ptrace's check */
		n = readlink(link, buf, len - 1);
	}
	buf[n > 0 ? n : 0] = 0;
	if (tg > 0)
		c->tgid = tg;
}

pid_t cb_guest_tgid(struct cb_call *c)
{
	if (c->tgid)
		return c->tgid;
	struct cb_task *t;
	if (task_get(c, &t))
		return 0;
	c->tgid = t->tgid;
	return c->tgid;
}

int cb_guest_kill(struct cb_call *c)
{
	struct cb_task *t;
	int rc = task_get(c, &t);
	if (rc)
		return rc;
	/* SIGKILL through the entry's pidfd, which task_get proved is the
	 * caller's (or, without thread pidfds, its leader's, which cannot be
	 * reused while the caller lives): a reused pid cannot get it.
	 * SIGKILL takes the whole thread group, as seccomp's KILL_PROCESS
	 * does, whichever of the two pidfds it is sent through. */
	return syscall(SYS_pidfd_send_signal, t->pidfd, SIGKILL, NULL, 0) < 0 ? -errno : 0;
}
