/* One trapped call as handlers see it, and the verdict they leave on it. */
#ifndef CB_CALL_H
#define CB_CALL_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../abi/arch.h"
#include "../guest/fd_track.h"
#include "../policy/policy.h"
#include "notify.h"
#include "stats.h"

struct cb_worker;
struct cb_supervisor;
struct cb_log_pend;
struct cb_task;

enum cb_verdict_kind {
	CB_V_RETURN,    /* answer with val or -err */
	CB_V_CONTINUE,  /* let the kernel run the call unchanged */
	CB_V_ANSWERED,  /* already answered (ADDFD+SEND) */
	CB_V_ABANDON,   /* the guest's call is gone; send nothing */
};

struct cb_verdict {
	enum cb_verdict_kind kind;
	int64_t val;
	int err; /* positive errno, 0 for success */
	/* For --stats: why the kernel runs a CONTINUE'd call, or that a call
	 * was translated or refused; CB_OUT_AUTO lets the kind say. */
	uint8_t out; /* enum cb_outcome */
};

struct cb_call {
	const struct seccomp_notif *n;
	enum cb_arch arch;
	int nr;
	uint64_t args[6]; /* already narrowed to the guest's register width */
	int via_nr;       /* > 0: the multiplexer (socketcall) nr came through */
	struct cb_worker *w;
	const struct cb_supervisor *sup;
	struct cb_verdict v;
	/* What the policy says: the action of the rule that matched, or for a
	 * layer still to consult (c->layer: ioctl or path rules) its default. */
	struct cb_action act;
	uint8_t layer;            /* enum cb_layer (policy/compile.h) */
	const struct cb_loc *why; /* the rule that decided, for the log; NULL: a default */
	/* For the audit trail (when there is one): when the notification was
	 * received, and a record to finish after the answer. */
	uint64_t t_real, t_mono;
	struct cb_log_pend *pend;
	pid_t tgid; /* the caller's thread group, once proved (0: not yet) */
	/* The fd whose name the trail wants, and what guest/fd_names.h knows
	 * of it during this call. */
	struct cb_fd_note {
		bool stamped, offered;
		int gfd;
		struct cb_fd_stamp st;
		uint64_t when; /* of the stamp (cb_coarse_ms) */
		struct cb_task *t;
	} fdn;
};

/* Called by a handler just before it may block for long: pass the lead
 * to another worker so other guest threads go on. Cheap when already done.
 * 0, or -ENOMEM when no worker can take the lead (the pool is at its cap,
 * or a thread could not be started): then the caller still leads and must
 * not wait. Before any guest memory is read it can let the kernel run the
 * call (CONTINUE); after, it fails the call with ENOMEM. */
int cb_call_may_block(struct cb_call *c);
/* Whether cb_call_may_block would succeed now (it can still fail if a new
 * worker cannot be started), for handlers that decide before reading guest
 * memory whether to let the kernel run a call that may wait. */
bool cb_call_can_block(struct cb_call *c);

static inline void cb_ret(struct cb_call *c, int64_t val)
{
	c->v = (struct cb_verdict){ .kind = CB_V_RETURN, .val = val };
}
static inline void cb_ret_err(struct cb_call *c, int err)
{
	c->v = (struct cb_verdict){ .kind = CB_V_RETURN, .err = err };
}

#endif
