#include "enforce.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"

static void log_action(struct cb_call *c, const char *what)
{
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c, what);
}

const char *cb_enforce_refusal(struct cb_call *c, const struct cb_action *act)
{
	switch (act->kind) {
	case CB_ACT_DENY:
		cb_ret_err(c, act->errnum);
		c->v.out = CB_OUT_DENIED;
		return "denied";
	case CB_ACT_KILL_THREAD:
	case CB_ACT_KILL_PROCESS:
		/* The supervisor cannot kill one thread of a process: either
		 * kill takes the process (policy check says so). */
		if (cb_guest_kill(c) == 0)
			c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		else
			cb_ret_err(c, EPERM); /* never let the call run */
		c->v.out = CB_OUT_DENIED;
		return "killed";
	case CB_ACT_TRAP: {
		/* seccomp's TRAP raises SIGSYS in the caller: so does this,
		 * after the answer (a pending signal before it would interrupt
		 * the guest's wait for the answer). */
		pid_t tgid = cb_guest_tgid(c);
		if (cb_notif_reply(&c->sup->l, c->n->id, 0, ENOSYS) == 0 && tgid > 0)
			syscall(SYS_tgkill, tgid, (pid_t)c->n->pid, SIGSYS);
		c->v = (struct cb_verdict){ .kind = CB_V_ANSWERED, .out = CB_OUT_DENIED };
		return "trapped";
	}
	default:
		return NULL;
	}
}

bool cb_enforce(struct cb_call *c, const struct cb_action *act)
{
	const char *what = cb_enforce_refusal(c, act);
	if (what) {
		log_action(c, what);
		return true;
	}
	switch (act->kind) {
	case CB_ACT_ALLOW:
	case CB_ACT_LOG:
		if (act->kind == CB_ACT_LOG)
			log_action(c, "kernel");
		/* CONTINUE is safe: the rule that allowed it compared registers
		 * only, which the kernel re-reads unchanged; no guest memory
		 * was looked at. */
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = CB_OUT_K_RULE };
		if (act->kind == CB_ACT_ALLOW && c->sup->plan &&
		    c->sup->plan->sys[c->arch][c->nr].watched)
			c->v.out = CB_OUT_K_WATCH;
		return true;
	default:
		return false;
	}
}
