/* A policy compiled: the BPF filter (what the kernel decides alone) and,
 * per ABI and syscall, what the supervisor decides for the calls the filter
 * sends it. The supervisor re-evaluates a notified call's rules on the same
 * registers the filter saw, so both always agree on the rule. */
#ifndef CB_COMPILE_H
#define CB_COMPILE_H

#include <linux/filter.h>
#include <stdio.h>

#include "policy.h"
#include "trapset.h"

enum cb_layer {
	CB_LAYER_NONE,  /* the syscall rules and the default decide */
	CB_LAYER_IOCTL, /* then the ioctl rules and the ioctl default */
	CB_LAYER_PATH,  /* then the path rules on the resolved path */
};

struct cb_sysplan {
	bool in_bpf;        /* the filter decides; only NOTIFY outcomes reach us */
	bool bpf_allows;    /* and lets some calls run without us */
	bool watched;       /* sent only to be seen (watch_creds, watch_fds) */
	uint8_t layer;      /* enum cb_layer */
	int first, count;   /* the syscall rules, in cb_plan.rules */
	struct cb_action fallback; /* when no syscall rule matches and no layer */
};

struct cb_plan {
	const struct cb_policy *pol;
	struct cb_sysplan sys[CB_ARCH_COUNT][CB_NR_MAX];
	struct cb_trapset notify; /* what the filter may send to the supervisor */
	const struct cb_srule **rules;
	int nrules;
	char **warnings;          /* "FILE:LINE:COL: warning: ..." */
	int nwarnings;
	int bpf_rules;            /* rules given to libseccomp, for `policy show` */
	/* The supervisor performs path calls (path rules, perform or
	 * translate actions), with the guest's credentials it keeps per
	 * thread: the calls that change them must reach it (cb_changes_creds). */
	bool watch_creds;
	void *ctx;                /* the libseccomp filter context */
};

/* Does path call NR of ARCH take a path the path rules apply to? */
bool cb_plan_is_path_call(enum cb_arch arch, int nr);

/* Compile POL (which must outlive PLAN). Unknown or contradictory input was
 * refused by the parser; this fails only for ENOMEM or a libseccomp
 * refusal, with a reason. */
int cb_plan_compile(struct cb_plan *plan, const struct cb_policy *pol, struct cb_err *err);
void cb_plan_free(struct cb_plan *plan);
/* Whether the filter lets no slot of a guest's fd table change unseen: no
 * io_uring, every ioctl that may run sent to the supervisor, and (for a
 * policy compiled with watch_fds) every call that frees or replaces a slot
 * too. Asked of a plan without watch_fds, it says whether one with it
 * would (the calls watch_fds sends are the only difference); the trail may
 * keep fd names only under one with it that says yes. */
bool cb_plan_can_watch_fds(const struct cb_plan *plan);
/* The filter as classic BPF (free with cb_filter_free). */
int cb_plan_filter(const struct cb_plan *plan, struct sock_fprog *prog, struct cb_err *err);
/* Free a filter from cb_plan_filter; PROG is left empty (twice is harmless). */
void cb_filter_free(struct sock_fprog *prog);
/* The filter in libseccomp's pseudo filter code, written to FD. */
int cb_plan_pfc(const struct cb_plan *plan, int fd, struct cb_err *err);

/* What the supervisor decides for a notified call from its registers
 * (ARGS narrowed to the ABI's width): *ACT and the rule that matched (NULL
 * for a default), or a layer to consult next. */
enum cb_layer cb_plan_decide(const struct cb_plan *plan, enum cb_arch arch, int nr,
			     const uint64_t args[6], struct cb_action *act,
			     const struct cb_srule **rule);
/* Whether condition C holds for ARGS on ARCH for syscall NR (ioctl
 * requests compare on 32 bits, as the kernel reads them). */
bool cb_cond_holds(const struct cb_cond *c, enum cb_arch arch, int nr, const uint64_t args[6]);

#endif
