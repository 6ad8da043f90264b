/* What every worker shares: the listener, the dispatch table, the log. */
#ifndef CB_SUPERVISOR_H
#define CB_SUPERVISOR_H

#include "dispatch.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "notify.h"
#include "../handlers/translate.h"
#include "../policy/compile.h"

struct cb_supervisor {
	struct cb_listener l;
	struct cb_dispatch d;
	struct cb_log *log; /* NULL: no log */
	struct cb_translator tr;
	bool passthrough; /* --passthrough: no ioctl is performed here */
	/* A call with no handler fails with EPERM instead of running in the
	 * kernel: the agent's filters are the runtime's, and whatever they send
	 * that compatbox does not know must not run unexamined. */
	bool deny_unknown;
	const struct cb_plan *plan; /* the compiled policy */
	/* Every guest thread in the supervisor's mount and user namespaces
	 * has the supervisor's root, for good: compatbox started the guest
	 * (from its own root, with no_new_privs) keeping neither
	 * CAP_SYS_CHROOT nor CAP_SYS_ADMIN, so no guest task there can ever
	 * chroot, pivot_root or enter another mount namespace, and one in a
	 * user namespace of its own has an fs_struct of its own too. Path
	 * calls then need no look at /proc/TID/root (docs/threat-model.md). */
	bool root_fixed;
};

/* A worker thread's private state. */
struct cb_worker {
	struct cb_task_cache tc;
	struct seccomp_notif *n;
	const struct cb_supervisor *sup;
	struct cb_pool *pool;
	bool leading; /* this worker holds the lead: it is the one in RECV next */
	struct cb_stats *stats; /* this worker's counts (--stats); NULL: none */
	struct cb_log_memo memo; /* the trail's last ioctl request */
};

/* Run handler H on the notification in w->n and answer it. */
void cb_supervisor_handle(struct cb_worker *w, const struct cb_handler *h);

#endif
