#include "fd_track.h"

#include <asm/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../policy/pathcalls.h"
#include "../supervisor/call.h"
#include "creds.h"
#include "guest.h"

/* Counters per fd number modulo SLOTS: numbers that share one count each
 * other's changes. A close_range of more than RANGE_MAX slots, an execve
 * or an ioctl that may replace any slot counts for all (EPOCH). */
#define SLOTS 4096
#define RANGE_MAX 64
/* Changes in flight at once; one more (after a sweep) and tracking stops
 * for good. */
#define FLIGHTS 1024
/* A flight whose thread was not seen again for this long is looked for in
 * /proc: a thread that is gone, or in no call or another one, is no longer
 * in its call. */
#define SWEEP_MS 20
/* A flight's lo for changes to every slot, and for a call making a task. */
#define ALL -1
#define TASK -2

static struct {
	bool on;
	atomic_bool broken;
	int ioctl_nr[CB_ARCH_COUNT];
	/* seq: bumped when a change to the slot begins and again when it is
	 * over; flight: changes to it in flight. epoch and wide: the same
	 * for changes to every slot. Begin is flight++ then seq++; end is
	 * seq++ then flight--: whoever sees no flight and an unchanged seq
	 * saw no change begin since its stamp. */
	atomic_uint seq[SLOTS], flight[SLOTS];
	atomic_uint epoch, wide;
	/* The same for calls that make tasks (and execve). */
	atomic_uint tasks, making;
	atomic_int open;
	pthread_mutex_t mu;
	uint64_t last_sweep;
	struct flight {
		pid_t tid;  /* 0: free */
		int nr;     /* the call, as /proc/TID/syscall shows it */
		int lo, hi; /* slots; lo == ALL: every slot, TASK: a new task */
		uint64_t id; /* its notification's */
		uint64_t since;
	} f[FLIGHTS];
} tr = { .mu = PTHREAD_MUTEX_INITIALIZER };

void cb_fd_track_enable(void)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		tr.ioctl_nr[a] = cb_syscall_nr(a, "ioctl");
	tr.on = true;
}

bool cb_fd_track_on(void)
{
	return tr.on && !atomic_load(&tr.broken);
}

static void begin(int lo, int hi)
{
	if (lo == TASK || lo == ALL) {
		/* An execve may hand its thread the leader's tid: a task
		 * change for what was proved of that tid, too. */
		atomic_fetch_add(&tr.making, 1);
		atomic_fetch_add(&tr.tasks, 1);
	}
	if (lo == ALL) {
		atomic_fetch_add(&tr.wide, 1);
		atomic_fetch_add(&tr.epoch, 1);
	}
	for (int s = lo; s >= 0 && s <= hi; s++) {
		atomic_fetch_add(&tr.flight[s % SLOTS], 1);
		atomic_fetch_add(&tr.seq[s % SLOTS], 1);
	}
}

static void end(struct flight *f)
{
	if (f->lo == ALL) {
		atomic_fetch_add(&tr.epoch, 1);
		atomic_fetch_sub(&tr.wide, 1);
	}
	if (f->lo == TASK || f->lo == ALL) {
		atomic_fetch_add(&tr.tasks, 1);
		atomic_fetch_sub(&tr.making, 1);
	}
	for (int s = f->lo; s >= 0 && s <= f->hi; s++) {
		atomic_fetch_add(&tr.seq[s % SLOTS], 1);
		atomic_fetch_sub(&tr.flight[s % SLOTS], 1);
	}
	f->tid = 0;
	atomic_fetch_sub(&tr.open, 1);
}

/* Whether thread TID may still be in call NR: false when it is gone, in
 * no call or in another one (/proc/TID/syscall; a thread made to wait by
 * seccomp shows the call it made). A thread of that tid that is in the
 * same call again, or another thread that took the tid, keeps the flight. */
static bool maybe_in(pid_t tid, int nr)
{
	char p[48], buf[32];
	snprintf(p, sizeof(p), "/proc/%d/syscall", tid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT && errno != ESRCH;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true; /* cannot tell */
	buf[n] = 0;
	char *end;
	long now = strtol(buf, &end, 10);
	if (end == buf)
		return false; /* "running": in user space */
	return now == nr;
}

/* With MU held: end the flights of threads that left their call. FORCE:
 * however young. */
static void sweep(uint64_t now, bool force)
{
	tr.last_sweep = now;
	cb_creds_settle(); /* /proc/TID/syscall wants ptrace's check */
	for (int i = 0; i < FLIGHTS; i++)
		if (tr.f[i].tid && (force || now - tr.f[i].since > SWEEP_MS) &&
		    !maybe_in(tr.f[i].tid, tr.f[i].nr))
			end(&tr.f[i]);
}

/* The slots call C may free or replace: [*LO, *HI], or *LO ALL for all,
 * TASK for none but a new task; false: none. */
static bool slots_of(const struct cb_call *c, int *lo, int *hi)
{
	switch (cb_changes_fds(c->arch, c->nr)) {
	case CB_FDC_ARG0:
	case CB_FDC_ARG1: {
		int64_t fd = (int32_t)c->args[cb_changes_fds(c->arch, c->nr) == CB_FDC_ARG0 ? 0 : 1];
		if (fd < 0)
			return false; /* EBADF: nothing changes */
		*lo = *hi = (int)fd;
		return true;
	}
	case CB_FDC_RANGE: {
		uint32_t a = (uint32_t)c->args[0], b = (uint32_t)c->args[1];
		if (a > b)
			return false; /* EINVAL */
		if (b - a >= RANGE_MAX || b > INT32_MAX) {
			*lo = ALL;
			return true;
		}
		*lo = (int)a;
		*hi = (int)b;
		return true;
	}
	case CB_FDC_ALL:
		*lo = ALL;
		return true;
	case CB_FDC_TASK:
		*lo = TASK;
		return true;
	case CB_FDC_NONE:
		break;
	}
	if (c->arch < 0 || c->arch >= CB_ARCH_COUNT || c->nr != tr.ioctl_nr[c->arch])
		return false;
	/* SECCOMP_IOCTL_NOTIF_ADDFD ('!' 3), which with SETFD replaces a
	 * slot of the listener's guest; BINDER_WRITE_READ ('b' 1), whose
	 * buffer frees close fds binder installed; autofs's device ioctls
	 * (0x93), whose CLOSEMOUNT closes an fd named in its argument: by
	 * type and number, whatever size an ABI gives them. */
	uint32_t req = (uint32_t)c->args[1];
	uint32_t type = _IOC_TYPE(req), nr = _IOC_NR(req);
	if (!((type == '!' && nr == 3) || (type == 'b' && nr == 1) || type == 0x93))
		return false;
	*lo = ALL;
	return true;
}

static struct flight *free_flight(void)
{
	for (int i = 0; i < FLIGHTS; i++)
		if (!tr.f[i].tid)
			return &tr.f[i];
	return NULL;
}

void cb_fd_track_call(struct cb_call *c)
{
	pid_t tid = (pid_t)c->n->pid;
	int lo = 0, hi = 0;
	bool starts = slots_of(c, &lo, &hi);
	if (!starts && atomic_load(&tr.open) == 0)
		return;
	pthread_mutex_lock(&tr.mu);
	/* This thread is in a new call: its last one is over. A later one
	 * only: workers may take up notifications out of order (one received
	 * before a signal interrupted its call, taken up after the call the
	 * signal handler made), and the listener numbers them in order. */
	for (int i = 0; atomic_load(&tr.open) > 0 && i < FLIGHTS; i++)
		if (tr.f[i].tid == tid && tr.f[i].id < c->n->id)
			end(&tr.f[i]);
	if (starts) {
		struct flight *slot = free_flight();
		if (!slot) {
			sweep(cb_coarse_ms(), true);
			slot = free_flight();
		}
		if (!slot) {
			/* Too many at once to tell which slots are safe: keep
			 * no names from now on (the counters stop mattering). */
			atomic_store(&tr.broken, true);
		} else {
			*slot = (struct flight){ .tid = tid, .nr = c->nr, .lo = lo, .hi = hi,
						 .id = c->n->id, .since = cb_coarse_ms() };
			atomic_fetch_add(&tr.open, 1);
			begin(lo, hi);
		}
	}
	pthread_mutex_unlock(&tr.mu);
}

void cb_fd_track_replaced(int gfd)
{
	if (tr.on && gfd >= 0)
		atomic_fetch_add(&tr.seq[gfd % SLOTS], 1);
}

bool cb_fd_track_stamp(int gfd, struct cb_fd_stamp *s)
{
	if (!cb_fd_track_on() || gfd < 0)
		return false;
	if (atomic_load(&tr.open) > 0) {
		uint64_t now = cb_coarse_ms();
		if (now - tr.last_sweep > SWEEP_MS && pthread_mutex_trylock(&tr.mu) == 0) {
			sweep(now, false);
			pthread_mutex_unlock(&tr.mu);
		}
		if (atomic_load(&tr.wide) || atomic_load(&tr.flight[gfd % SLOTS]))
			return false;
	}
	s->seq = atomic_load(&tr.seq[gfd % SLOTS]);
	s->epoch = atomic_load(&tr.epoch);
	return true;
}

bool cb_fd_track_unchanged(int gfd, const struct cb_fd_stamp *s)
{
	return cb_fd_track_on() && gfd >= 0 && !atomic_load(&tr.wide) &&
	       !atomic_load(&tr.flight[gfd % SLOTS]) && atomic_load(&tr.seq[gfd % SLOTS]) == s->seq &&
	       atomic_load(&tr.epoch) == s->epoch;
}

bool cb_fd_track_task_stamp(uint32_t *s)
{
	if (!cb_fd_track_on() || atomic_load(&tr.making))
		return false;
	*s = atomic_load(&tr.tasks);
	return true;
}

bool cb_fd_track_no_new_task(uint32_t s)
{
	return cb_fd_track_on() && !atomic_load(&tr.making) && atomic_load(&tr.tasks) == s;
}
