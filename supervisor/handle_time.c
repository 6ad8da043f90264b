/* nanosleep performed by the supervisor: the guest's sleep becomes a sleep
 * of a worker thread, which is what a slow host call looks like. It stays
 * cancellable: the worker wakes at least every CHECK_NS to see whether the
 * guest's call is still pending (a signal to the guest ends it, and the
 * supervisor is not told). */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "dispatch.h"
#include "guest.h"
#include "log.h"
#include "supervisor.h"

#define CHECK_NS 20000000L /* 20 ms */

static int read_timespec(struct cb_call *c, uint64_t addr, struct timespec *ts)
{
	if (c->arch == CB_ARCH_I386) { /* old_timespec32: two 32-bit fields */
		int32_t v[2];
		int rc = cb_guest_read(c, addr, v, sizeof(v));
		if (rc)
			return rc;
		ts->tv_sec = v[0];
		ts->tv_nsec = v[1];
		return 0;
	}
	return cb_guest_read(c, addr, ts, sizeof(*ts));
}

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void handle_nanosleep(struct cb_call *c)
{
	struct timespec req, now;
	int rc = read_timespec(c, c->args[0], &req);
	if (rc == -ENOENT) {
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		return;
	}
	if (rc) {
		cb_ret_err(c, -rc);
	} else if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000L) {
		cb_ret_err(c, EINVAL);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t deadline = ns_of(&now) + ns_of(&req);
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			int64_t left = deadline - ns_of(&now);
			if (left <= 0)
				break;
			struct timespec step = { 0, left < CHECK_NS ? left : CHECK_NS };
			nanosleep(&step, NULL);
			if (cb_call_live(c)) {
				c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
				break;
			}
		}
		if (c->v.kind != CB_V_ABANDON)
			cb_ret(c, 0);
	}
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c, c->v.kind == CB_V_ABANDON ? "abandoned" : "performed");
}

const struct cb_handler cb_handlers_time[] = {
	{ "nanosleep", CB_ARCH_UNKNOWN, handle_nanosleep, CB_H_SLOW },
	{ NULL },
};
