#include "supervisor.h"

#include <errno.h>
#include <time.h>

#include "../handlers/enforce.h"
#include "../audit/log.h"
#include "../policy/pathcalls.h"
#include "../guest/guest.h"

/* What --stats counts for verdict V: what its handler said, else what
 * its kind says. */
static enum cb_outcome outcome_of(const struct cb_verdict *v)
{
	enum cb_outcome o = v->out;
	if (o == CB_OUT_DENIED)
		return o; /* whatever answered it: an errno, a kill, SIGSYS */
	switch (v->kind) {
	case CB_V_CONTINUE:
		/* A handler that did not say why left the arguments to the
		 * kernel (the passthrough handler says "unhandled"). */
		return cb_outcome_kernel(o) ? o : CB_OUT_K_ARGS;
	case CB_V_ABANDON:
		return CB_OUT_ABANDONED;
	case CB_V_RETURN:
		if (v->err)
			return CB_OUT_ERRORS;
		break;
	case CB_V_ANSWERED:
		break;
	}
	return o == CB_OUT_TRANSLATED ? o : CB_OUT_PERFORMED;
}

void cb_supervisor_handle(struct cb_worker *w, const struct cb_handler *h)
{
	const struct seccomp_notif *n = w->n;
	struct cb_call c = {
		.n = n,
		.arch = cb_arch_from_audit(n->data.arch),
		.nr = n->data.nr,
		.w = w,
		.sup = w->sup,
	};
	if (c.arch == CB_ARCH_UNKNOWN) {
		/* The filter kills every other ABI, so this is a kernel surprise. */
		cb_notif_reply(&w->sup->l, n->id, 0, ENOSYS);
		return;
	}
	for (int i = 0; i < 6; i++)
		c.args[i] = cb_arg(c.arch, n->data.args[i]);
	/* Before anything can let it run: a call that frees or replaces fd
	 * slots makes names kept of them stale (guest/fd_track.h). */
	if (cb_fd_track_on())
		cb_fd_track_call(&c);
	/* Before anything can let it run: what path calls keep of any guest
	 * thread is stale once such a call may have taken effect. */
	if (cb_changes_creds(c.arch, c.nr))
		cb_guest_changes();
	/* Untouched unless an ioctl record waits for the answer. */
	struct cb_log_pend pend;
	if (w->sup->log) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		c.t_real = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		c.t_mono = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		pend.active = false;
		c.pend = &pend;
	}

	/* The policy first, on the registers the filter saw: the same rule
	 * that sent the call here. */
	bool done = false;
	if (w->sup->plan) {
		const struct cb_srule *rule;
		c.layer = (uint8_t)cb_plan_decide(w->sup->plan, c.arch, c.nr, c.args, &c.act, &rule);
		c.why = rule ? &rule->loc : NULL;
		if (c.layer == CB_LAYER_PATH)
			h = &cb_handler_path;
		else if (c.layer == CB_LAYER_NONE)
			done = cb_enforce(&c, &c.act);
	} else {
		c.act = (struct cb_action){ .kind = CB_ACT_PERFORM };
	}
	if (!done && h == &cb_handler_passthrough && w->sup->deny_unknown) {
		if (w->sup->log)
			cb_log_syscall(w->sup->log, &c, "denied");
		c.v = (struct cb_verdict){ .kind = CB_V_RETURN, .err = EPERM };
		done = true;
	} else if (!done && (h->flags & CB_H_SLOW) && cb_call_may_block(&c)) {
		/* No worker is free to take the lead: the guest thread waits in
		 * the kernel instead of in a worker. CONTINUE is safe: the
		 * handler has not run, nothing but the registers was looked at,
		 * and the policy let the call run (a refusal was answered
		 * above; a slow handler is never the path rules' one, whose
		 * decision holds only for what the supervisor resolved). */
		if (w->sup->log)
			cb_log_syscall(w->sup->log, &c, "kernel");
		c.v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = CB_OUT_K_NO_WORKER };
		done = true;
	}
	if (!done) {
		if (!(h->flags & CB_H_CREDS))
			cb_creds_settle();
		h->fn(&c);
	}
	cb_stats_count(w->stats, c.arch, c.nr, outcome_of(&c.v));

	int sent = 0;
	switch (c.v.kind) {
	case CB_V_RETURN:
		/* ENOENT: the guest's call was interrupted meanwhile; with
		 * SA_RESTART it comes back as a new notification. */
		sent = cb_notif_reply(&w->sup->l, n->id, c.v.val, c.v.err);
		break;
	case CB_V_CONTINUE:
		/* Handlers only ask for this when they inspected no pointer
		 * argument; see each handler. */
		sent = cb_notif_continue(&w->sup->l, n->id);
		break;
	case CB_V_ANSWERED:
	case CB_V_ABANDON: /* the handler knows, and says so in its record */
		break;
	}
	if (c.pend)
		cb_log_finish(&c, sent);
}
