/* Waits the kernel never restarts with their full time (nanosleep,
 * clock_nanosleep, poll, select, epoll_wait), performed by the supervisor.
 *
 * A guest interrupted while it waits for the supervisor's answer leaves its
 * call with -ERESTARTSYS: without SA_RESTART it sees EINTR, with SA_RESTART
 * (or after a stop) the kernel enters the same call again, with the same
 * registers. Natively these calls answer a handled signal with EINTR
 * whatever SA_RESTART says, and continue with the time left after a stop.
 * So a performing handler registers its wait here; when the same thread
 * enters the same call again (same number, arguments and instruction
 * pointer) right after, the handler learns it is the kernel's restart of
 * the interrupted wait and answers as the native call would have. */
#ifndef CB_INTERRUPTED_H
#define CB_INTERRUPTED_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../supervisor/call.h"

struct cb_wait_left {
	int64_t deadline;  /* ns on the clock given to cb_wait_begin; <0: none */
	int64_t gone_at;   /* ns on that clock when the interruption was seen */
	bool stopped;      /* the guest was stopped (no handler ran) */
};

/* C starts waiting until DEADLINE (ns on CLOCK, <0: no deadline). */
void cb_wait_begin(struct cb_call *c, clockid_t clock, int64_t deadline);
/* C's wait is over: answered (ABANDONED false) or gone (true: the guest was
 * interrupted; kept for its restart). */
void cb_wait_end(struct cb_call *c, bool abandoned);
/* Whether C is the kernel's re-entry of this thread's last interrupted
 * wait; if so fills LEFT and forgets the wait (one re-entry per wait). */
bool cb_wait_resumed(struct cb_call *c, struct cb_wait_left *left);

#endif
