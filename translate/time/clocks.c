/* Translated i386 calls that read the system clocks with a 32-bit time_t:
 * gettimeofday (old timeval, and the kernel's timezone), time (a 32-bit
 * count of seconds, returned and stored), clock_getres (old timespec).
 * Global objects: the realtime clock and the timezone are the same for
 * every caller (no namespace shifts them); clock_getres asks the clock
 * ids clock_gettime's gate lets through (CPU-time clocks, which name
 * the caller, stay in the kernel). i386 glibc reads gettimeofday, time
 * and clock_getres from the vDSO: these entries are what a program makes
 * with syscall() or a static, vDSO-less libc. */
#include "../xsys.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../supervisor/dispatch.h"
#include "../files.h"

#define SVAL { CB_XA_SVALUE }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }
/* time's old_time32_t: four bytes out. */
#define OUT_TIME32 { CB_XA_BUF, CB_DIR_OUT, NULL, -1, 4 }

/* time(tloc) as time(NULL): the host's time_t is eight bytes. The guest's
 * four-byte buffer (NULL: none) is kept for POST. */
static int pre_time(struct cb_xctx *x)
{
	x->saved = (int64_t)x->host[0];
	x->host[0] = 0;
	return 0;
}

/* time32 truncates the seconds to 32 bits, returns them and stores them
 * (put_user: EFAULT for a bad pointer, after the clock was read). */
static int post_time(struct cb_xctx *x)
{
	if (x->result < 0)
		return (int)x->result;
	int32_t t = (int32_t)x->result;
	if (x->saved)
		memcpy((void *)(uintptr_t)x->saved, &t, sizeof(t));
	return t;
}

const struct cb_xsys cb_xsys_clocks[] = {
	{ "gettimeofday", "gettimeofday", { OUT_REC("timeval"), OUT_REC("timezone") },
	  .why = "global: the realtime clock as an old timeval, truncated; the timezone is the same "
		 "8 bytes" },
	{ "time", "time", { OUT_TIME32 }, .pre = pre_time, .post = post_time,
	  .why = "global: the realtime clock's seconds, truncated to 32 bits, returned and stored" },
	{ "clock_getres", "clock_getres", { SVAL, OUT_REC("timespec") }, .gate = cb_xf_gate_clock,
	  .why = "global clocks, old timespec; CPU-time clocks stay in the kernel" },
	{ NULL },
};
