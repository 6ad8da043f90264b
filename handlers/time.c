/* The sleep calls, performed by the supervisor: the guest's sleep becomes a
 * sleep of a worker thread, which is what a slow host call looks like. It
 * stays cancellable: the worker wakes at least every CHECK_NS to see whether
 * the guest's call is still pending (a signal to the guest ends it, and the
 * supervisor is not told).
 *
 * Interrupted by a handled signal, a native relative sleep returns EINTR
 * with the time left in `rem`, SA_RESTART or not. The supervisor learns of
 * the interruption only after the guest has left the call, too late to
 * write `rem`; so while it sleeps it keeps `rem` current (every CHECK_NS)
 * and puts the guest's own bytes back when the sleep ends normally. With
 * SA_RESTART the kernel enters the call again: handlers/interrupted.h
 * recognises it and the answer is the native one, EINTR. */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "../supervisor/dispatch.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"
#include "interrupted.h"

#define CHECK_NS 20000000L /* 20 ms */
#define NSEC 1000000000L

/* i386's nanosleep and clock_nanosleep take the old 32-bit timespec; its
 * clock_nanosleep_time64 and every x86_64 call take the 64-bit one. */
static int read_timespec(struct cb_call *c, bool old32, uint64_t addr, struct timespec *ts)
{
	if (old32) {
		int32_t v[2];
		int rc = cb_guest_read(c, addr, v, sizeof(v));
		ts->tv_sec = v[0];
		ts->tv_nsec = v[1];
		return rc;
	}
	int64_t v[2];
	int rc = cb_guest_read(c, addr, v, sizeof(v));
	ts->tv_sec = v[0];
	ts->tv_nsec = v[1];
	return rc;
}

static int write_timespec(struct cb_call *c, bool old32, uint64_t addr, const struct timespec *ts)
{
	if (old32) {
		/* put_old_timespec32 truncates */
		int32_t v[2] = { (int32_t)ts->tv_sec, (int32_t)ts->tv_nsec };
		return cb_guest_write(c, addr, v, sizeof(v));
	}
	int64_t v[2] = { ts->tv_sec, ts->tv_nsec };
	return cb_guest_write(c, addr, v, sizeof(v));
}

/* Saturating, as the kernel's timespec64_to_ktime: a time past what 64-bit
 * nanoseconds hold (tv_sec 1e10, an absolute INT64_MAX) means "never";
 * the plain product would wrap negative and end the sleep at once.
 * T is valid (tv_sec >= 0, tv_nsec < NSEC). */
static int64_t ns_of(const struct timespec *t)
{
	if (t->tv_sec >= INT64_MAX / NSEC)
		return INT64_MAX;
	return (int64_t)t->tv_sec * NSEC + t->tv_nsec;
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){ ns / NSEC, ns % NSEC };
}

/* The guest's `rem` while the supervisor sleeps for it: kept current, and
 * its own bytes restored when the sleep was not interrupted. */
struct rem {
	uint64_t addr; /* 0: none (NULL, or an absolute sleep) */
	bool old32;
	int64_t saved[2]; /* the guest's bytes (8 or 16 of them) */
};

static void rem_save(struct cb_call *c, struct rem *r)
{
	/* Unreadable: natively only an interrupted sleep would notice. */
	if (r->addr && cb_guest_read(c, r->addr, r->saved, r->old32 ? 8 : 16))
		r->addr = 0;
}

static void rem_update(struct cb_call *c, struct rem *r, int64_t left)
{
	if (r->addr) {
		struct timespec t = ts_of(left > 0 ? left : 0);
		write_timespec(c, r->old32, r->addr, &t);
	}
}

/* Sleep on CLOCK until the absolute DEADLINE; false when the guest's call
 * went away meanwhile. */
static bool sleep_until(struct cb_call *c, clockid_t clock, int64_t deadline, struct rem *rem)
{
	for (;;) {
		struct timespec now;
		clock_gettime(clock, &now);
		int64_t left = deadline - ns_of(&now);
		if (left <= 0)
			return true;
		rem_update(c, rem, left);
		struct timespec until = ts_of(ns_of(&now) + (left < CHECK_NS ? left : CHECK_NS));
		clock_nanosleep(clock, TIMER_ABSTIME, &until, NULL);
		if (cb_call_live(c))
			return false;
	}
}

/* The kernel's re-entry of an interrupted sleep: after a handled signal
 * the native call has returned EINTR (with the time left in REMP for a
 * relative sleep); after a stop it goes on until the same deadline. */
static bool resumed(struct cb_call *c, int flags, uint64_t remp, bool old32, int64_t *deadline)
{
	struct cb_wait_left left;
	if (!cb_wait_resumed(c, &left))
		return false;
	if (left.stopped) {
		*deadline = left.deadline;
		return false;
	}
	int rc = 0;
	if (remp && !(flags & TIMER_ABSTIME)) {
		int64_t l = left.deadline - left.gone_at;
		struct timespec t = ts_of(l > 0 ? l : 0);
		rc = write_timespec(c, old32, remp, &t);
	}
	if (rc == -ENOENT)
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	else
		cb_ret_err(c, rc ? -rc : EINTR);
	return true;
}

static void do_sleep(struct cb_call *c, clockid_t clock, int flags, uint64_t reqp, uint64_t remp,
		     bool old32)
{
	struct timespec req;
	int64_t deadline = -1;
	int rc = 0;
	if (resumed(c, flags, remp, old32, &deadline))
		goto log;
	rc = read_timespec(c, old32, reqp, &req);
	if (rc == -ENOENT) {
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	} else if (rc) {
		cb_ret_err(c, -rc);
	} else if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= NSEC) {
		cb_ret_err(c, EINVAL);
	} else {
		if (deadline < 0) {
			deadline = ns_of(&req);
			if (!(flags & TIMER_ABSTIME)) {
				struct timespec now;
				clock_gettime(clock, &now);
				int64_t start = ns_of(&now);
				deadline = deadline > INT64_MAX - start ? INT64_MAX : deadline + start;
			}
		}
		struct rem rem = { .addr = flags & TIMER_ABSTIME ? 0 : remp, .old32 = old32 };
		rem_save(c, &rem);
		cb_wait_begin(c, clock, deadline);
		if (sleep_until(c, clock, deadline, &rem)) {
			cb_wait_end(c, false);
			if (rem.addr)
				cb_guest_write(c, rem.addr, rem.saved, old32 ? 8 : 16);
			cb_ret(c, 0);
		} else {
			cb_wait_end(c, true);
			c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		}
	}
log:
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c, c->v.kind == CB_V_ABANDON ? "abandoned" : "performed");
}

static void handle_nanosleep(struct cb_call *c)
{
	do_sleep(c, CLOCK_MONOTONIC, 0, c->args[0], c->args[1], c->arch == CB_ARCH_I386);
}

static void clock_nanosleep_common(struct cb_call *c, bool old32)
{
	clockid_t clock = (clockid_t)(int32_t)c->args[0];
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
	    clock != CLOCK_TAI) {
		if (c->sup->log)
			cb_log_syscall(c->sup->log, c, "kernel");
		/* CPU-time and alarm clocks belong to the caller or need
		 * privileges: the kernel runs those. CONTINUE is safe: only the
		 * clock id register was looked at, no guest memory. */
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = CB_OUT_K_ARGS };
		return;
	}
	do_sleep(c, clock, (int)c->args[1], c->args[2], c->args[3], old32);
}

static void handle_clock_nanosleep(struct cb_call *c)
{
	clock_nanosleep_common(c, c->arch == CB_ARCH_I386);
}

static void handle_clock_nanosleep_time64(struct cb_call *c)
{
	clock_nanosleep_common(c, false);
}

const struct cb_handler cb_handlers_time[] = {
	{ "nanosleep", CB_ARCH_UNKNOWN, handle_nanosleep, CB_H_SLOW },
	{ "clock_nanosleep", CB_ARCH_UNKNOWN, handle_clock_nanosleep, CB_H_SLOW },
	{ "clock_nanosleep_time64", CB_ARCH_I386, handle_clock_nanosleep_time64, CB_H_SLOW },
	{ NULL },
};
