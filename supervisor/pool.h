/* The worker pool: leader/follower. One worker at a time waits in
 * SECCOMP_IOCTL_NOTIF_RECV (so synchronous wake-up pays off); it runs fast
 * handlers itself and stays leader; before a slow handler it passes the
 * lead to an idle worker (spawning one when none is idle), so a blocking
 * host call never stalls the other guest threads. With no worker to take
 * the lead (MAX reached, or no thread could start) it keeps it and does
 * not wait (cb_call_may_block): some worker always receives. */
#ifndef CB_POOL_H
#define CB_POOL_H

#include "../common/error.h"
#include "supervisor.h"

struct cb_pool;

/* Start MIN workers (at most MAX ever) serving SUP. */
int cb_pool_start(struct cb_pool **out, const struct cb_supervisor *sup, int min, int max,
		  struct cb_err *err);
/* As cb_pool_start, for a pool that ends with its guest: when the listener
 * hangs up every worker leaves, the last calls ON_DONE(ARG) (which may free
 * SUP and close the listener) and the pool is freed. *OUT is valid only
 * until then. A failed start (min workers not all running) is not undone. */
int cb_pool_start_owned(struct cb_pool **out, const struct cb_supervisor *sup, int min, int max,
			void (*on_done)(void *arg), void *arg, struct cb_err *err);
/* Number of worker threads created so far. */
int cb_pool_size(struct cb_pool *p);

#endif
