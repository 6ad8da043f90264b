/* --stats: what became of each trapped call, per ABI and syscall. Each
 * worker counts into a block of its own (no lock, no atomic read-modify-
 * write on the hot path); the blocks are summed when the run ends. Calls
 * the filter lets through never reach the supervisor and are not counted. */
#ifndef CB_STATS_H
#define CB_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "../abi/arch.h"
#include "../policy/trapset.h"

/* What became of one call. The first five are done in user space or
 * refused; the CB_OUT_K_* ones were left to the kernel (CONTINUE), each
 * for one reason. */
enum cb_outcome {
	CB_OUT_AUTO,       /* not said: from the verdict (performed, errors, abandoned) */
	CB_OUT_PERFORMED,  /* performed by the supervisor, answered with a result */
	CB_OUT_TRANSLATED, /* performed with converted i386 arguments */
	CB_OUT_ERRORS,     /* performed or translated, answered with an errno */
	CB_OUT_DENIED,     /* refused by the policy: deny, kill or trap */
	CB_OUT_ABANDONED,  /* the guest's call went away before the answer */
	CB_OUT_K_RULE,     /* kernel: an allow or log rule */
	CB_OUT_K_UNHANDLED, /* kernel: trapped, but no handler performs it */
	CB_OUT_K_ARGS,     /* kernel: the handler leaves these arguments to it
			    * (flags it does not take, an unknown ioctl request) */
	CB_OUT_K_NAMESPACE, /* kernel: a path call from another root, mount or
			     * user namespace, an IPC call from another IPC
			     * namespace or euid, or credentials not taken */
	CB_OUT_K_NO_WORKER, /* kernel: it may wait and no worker was free */
	CB_OUT_K_TASK,     /* kernel: this command or sub-call of a performable
			    * call is tied to the calling task (its fd table,
			    * POSIX locks, signal owner, credentials recorded) */
	CB_OUT_K_WATCH,    /* kernel: allowed, and trapped only to be seen
			    * before it runs (what path calls keep of a
			    * thread's credentials, the trail's fd names) */
	CB_OUT_COUNT,
};

/* The word --stats and the log use for O ("performed", "kernel:rule"...). */
const char *cb_outcome_name(enum cb_outcome o);
/* Whether O was left to the kernel. */
static inline int cb_outcome_kernel(enum cb_outcome o) { return o >= CB_OUT_K_RULE; }

struct cb_stats {
	struct cb_stats *next; /* every block ever made, for the sum */
	uint32_t n[CB_ARCH_COUNT][CB_NR_MAX][CB_OUT_COUNT];
};

/* A zeroed block for one worker, kept (never freed) so the sum sees it
 * after the worker is gone. NULL when out of memory: then that worker
 * does not count. */
struct cb_stats *cb_stats_new(void);

/* Count one call. Only the owning worker writes a block: a relaxed load
 * and store, so the sum may read it while it runs. */
static inline void cb_stats_count(struct cb_stats *s, enum cb_arch arch, int nr, enum cb_outcome o)
{
	if (!s || arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= CB_NR_MAX || o >= CB_OUT_COUNT)
		return;
	uint32_t *p = &s->n[arch][nr][o];
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* The sum of every block, into T (a caller's zeroed struct; its next is
 * left NULL). */
void cb_stats_sum(struct cb_stats *t);
/* Add S's counts into T: for tests, and for the sum. */
void cb_stats_add(struct cb_stats *t, const struct cb_stats *s);

/* T as one JSON object {"stats":{...}} and a newline, in a buffer the
 * caller frees; NULL when out of memory. LEN gets its length. */
char *cb_stats_json(const struct cb_stats *t, size_t *len);
/* T as a table, one row per (ABI, syscall) with calls, then the totals. */
void cb_stats_table(const struct cb_stats *t, FILE *out);

#endif
