/* Translated i386 timerfd_settime and timerfd_gettime with the old 32-bit
 * itimerspec. The timer belongs to the open file, which the supervisor's
 * copy of the fd shares; the kernel reads the new value first (EFAULT
 * before the fd is looked at: the converter reads it before the call),
 * and writes the old one after the timer was set (EFAULT then, the timer
 * set: the same here). An absolute CLOCK_MONOTONIC or CLOCK_BOOTTIME
 * expiry is converted from the caller's time namespace
 * (timens_ktime_to_host): such a call from a guest in another one stays
 * with the kernel, decided from the flags register. */
#include "../xsys.h"

#include <errno.h>
#include <sys/timerfd.h>

#define FD { CB_XA_FD }
#define SVAL { CB_XA_SVALUE }
#define IN_REC(r) { CB_XA_RECORD, CB_DIR_IN, r }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }

static int gate_settime(struct cb_xctx *x)
{
	if (!(x->c->args[1] & TFD_TIMER_ABSTIME))
		return 0;
	return cb_xsys_gate_ns(x, "time"); /* CB_XSYS_KERNEL safe: registers only */
}

const struct cb_xsys cb_xsys_timerfd[] = {
	{ "timerfd_settime", "timerfd_settime", { FD, SVAL, IN_REC("itimerspec"), OUT_REC("itimerspec") },
	  .gate = gate_settime,
	  .why = "fd call: old itimerspec in and out; absolute times from another time namespace "
		 "stay in the kernel" },
	{ "timerfd_gettime", "timerfd_gettime", { FD, OUT_REC("itimerspec") },
	  .why = "fd call: old itimerspec, truncated" },
	{ NULL },
};
