/* The keeper: a small process between the supervisor and the guest. It is
 * the guest's parent and a child subreaper, so every guest process stays in
 * its subtree; it reports the guest's exit status, reaps orphans, and when
 * the supervisor goes away (its control pipe reads EOF) it kills the whole
 * guest subtree: the guest never runs on unsupervised. */
#ifndef CB_KEEPER_H
#define CB_KEEPER_H

#include <signal.h>

#include "../shim/shim.h"

/* A byte on the control pipe: SIGKILL the whole guest now; the keeper
 * reports it as killed by SIGKILL and waits for EOF as usual. */
#define CB_KEEPER_KILL 'K'

struct cb_keeper_args {
	int ctl_fd;    /* read end; EOF = supervisor gone or done */
	int status_fd; /* write end; receives the guest's wait status (int) */
	const sigset_t *ignored; /* signals the user had ignored: keep them so */
	const sigset_t *blocked; /* signals the supervisor blocked */
	struct cb_shim_args shim;
};

/* Runs in the forked keeper; never returns. */
__attribute__((noreturn)) void cb_keeper_run(const struct cb_keeper_args *a);

#endif
