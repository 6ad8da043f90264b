/* The keeper: a small process between the supervisor and the guest. It is
 * the guest's parent and a child subreaper, so every guest process stays in
 * its subtree; it reports the guest's exit status, reaps orphans, and when
 * the supervisor goes away (its control pipe reads EOF) it kills the whole
 * guest subtree: the guest never runs on unsupervised. */
#ifndef CB_KEEPER_H
#define CB_KEEPER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "../shim/shim.h"

/* A byte on the control pipe: SIGKILL the whole guest now; the keeper
 * reports it as killed by SIGKILL and waits for EOF as usual. */
#define CB_KEEPER_KILL 'K'

struct cb_keeper_args {
	int ctl_fd;    /* read end; EOF = supervisor gone or done */
	int status_fd; /* write end; receives the guest's wait status (int) */
	const sigset_t *ignored; /* signals the user had ignored: keep them so */
	const sigset_t *blocked; /* signals the supervisor blocked */
	bool pid_ns_init;        /* the keeper is the init of the guest's PID namespace */
	struct cb_shim_args shim;
};

/* How the keeper was started: in a PID namespace of its own (as its init,
 * with a user namespace when compatbox lacks CAP_SYS_ADMIN), or a plain
 * fork when neither namespace can be made. */
enum cb_keeper_ns { CB_KEEPER_FORK, CB_KEEPER_PIDNS, CB_KEEPER_USERNS };

/* fork() for the keeper, putting it into a new PID namespace whose init it
 * is whenever this process can make one; *how says which. 0 in the child. */
pid_t cb_keeper_spawn(enum cb_keeper_ns *how);

/* The host pid of the keeper's first child (the guest), or -errno. */
pid_t cb_keeper_first_child(pid_t keeper);

/* Runs in the forked keeper; never returns. */
__attribute__((noreturn)) void cb_keeper_run(const struct cb_keeper_args *a);

#endif
