/* The sleep calls, performed by the supervisor: the guest's sleep becomes a
 * sleep of a worker thread, which is what a slow host call looks like. It
 * stays cancellable: the worker wakes at least every CHECK_NS to see whether
 * the guest's call is still pending (a signal to the guest ends it, and the
 * supervisor is not told). */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "../supervisor/dispatch.h"
#include "../supervisor/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"

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

/* Sleep on CLOCK until the absolute DEADLINE; false when the guest's call
 * went away meanwhile. */
static bool sleep_until(struct cb_call *c, clockid_t clock, int64_t deadline)
{
	for (;;) {
		struct timespec now;
		clock_gettime(clock, &now);
		int64_t left = deadline - ns_of(&now);
		if (left <= 0)
			return true;
		struct timespec until = ts_of(ns_of(&now) + (left < CHECK_NS ? left : CHECK_NS));
		clock_nanosleep(clock, TIMER_ABSTIME, &until, NULL);
		if (cb_call_live(c))
			return false;
	}
}

static void do_sleep(struct cb_call *c, clockid_t clock, int flags, uint64_t reqp, bool old32)
{
	struct timespec req;
	int rc = read_timespec(c, old32, reqp, &req);
	if (rc == -ENOENT) {
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	} else if (rc) {
		cb_ret_err(c, -rc);
	} else if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= NSEC) {
		cb_ret_err(c, EINVAL);
	} else {
		int64_t deadline = ns_of(&req);
		if (!(flags & TIMER_ABSTIME)) {
			struct timespec now;
			clock_gettime(clock, &now);
			int64_t start = ns_of(&now);
			deadline = deadline > INT64_MAX - start ? INT64_MAX : deadline + start;
		}
		if (sleep_until(c, clock, deadline))
			cb_ret(c, 0);
		else
			c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	}
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c, c->v.kind == CB_V_ABANDON ? "abandoned" : "performed");
}

static void handle_nanosleep(struct cb_call *c)
{
	do_sleep(c, CLOCK_MONOTONIC, 0, c->args[0], c->arch == CB_ARCH_I386);
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
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE };
		return;
	}
	do_sleep(c, clock, (int)c->args[1], c->args[2], old32);
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
