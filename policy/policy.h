/* A policy as parsed: what happens to each syscall, ioctl and path of a
 * guest. Rules are kept in file order; the first rule that matches a call
 * decides (docs/policy.md). The compiler (compile.h) turns it into a BPF
 * filter plus the rules the supervisor evaluates. */
#ifndef CB_POLICY_H
#define CB_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "../abi/arch.h"
#include "../common/error.h"

enum cb_act_kind {
	CB_ACT_NONE,         /* unset (a default nobody wrote) */
	CB_ACT_ALLOW,        /* the kernel runs it */
	CB_ACT_DENY,         /* fails with errnum */
	CB_ACT_KILL_THREAD,
	CB_ACT_KILL_PROCESS,
	CB_ACT_TRAP,         /* SIGSYS (OCI's SCMP_ACT_TRAP) */
	CB_ACT_LOG,          /* recorded by the supervisor, then run by the kernel */
	CB_ACT_PERFORM,      /* performed by the supervisor as is, on its own copy */
	CB_ACT_TRANSLATE,    /* performed by the supervisor, converted between ABIs */
	CB_ACT_COUNT,
};

struct cb_action {
	uint8_t kind;     /* enum cb_act_kind */
	uint16_t errnum;  /* CB_ACT_DENY */
};

/* Where a rule was written: for messages a reviewer can follow. */
struct cb_loc {
	const char *file; /* owned by the policy (cb_policy.files) */
	int line, col;
};

enum cb_cmp_op { CB_CMP_EQ, CB_CMP_NE, CB_CMP_LT, CB_CMP_LE, CB_CMP_GT, CB_CMP_GE, CB_CMP_MASKED_EQ };

/* argN OP value, or (argN & mask) == value. */
struct cb_cond {
	uint8_t arg;
	uint8_t op;
	uint64_t mask; /* CB_CMP_MASKED_EQ */
	uint64_t value;
};

#define CB_ABI_ALL ((1u << CB_ARCH_COUNT) - 1)
#define CB_MAX_CONDS 6

/* ACTION SYSCALL [if COND && ...]: one syscall per rule (a list in the file
 * becomes one rule per name, same location). */
struct cb_srule {
	struct cb_loc loc;
	unsigned abis;          /* bit (1 << cb_arch) */
	int nr[CB_ARCH_COUNT];  /* -1: the ABI has no such call */
	const char *name;       /* static (libseccomp's table) or owned */
	bool from_group;        /* written as @group: a shadowed one is no news */
	struct cb_action act;
	int ncond;
	struct cb_cond cond[CB_MAX_CONDS];
};

/* What an fd must refer to for an ioctl rule. */
enum cb_fdtarget_kind {
	CB_T_ANY, CB_T_GLOB, CB_T_SOCKET, CB_T_PIPE, CB_T_REGULAR, CB_T_DIR, CB_T_CHR, CB_T_BLK,
};

struct cb_fdtarget {
	uint8_t kind;
	int major, minor; /* CB_T_CHR/BLK: -1 is any */
	const char *glob; /* CB_T_GLOB, owned */
};

/* A request as (request & mask) == value on 32 bits: a number, a type
 * letter, a direction, a size, or a mix. mask 0 matches every request. */
struct cb_reqmatch {
	uint32_t mask, value;
	/* A request named symbolically can have a number per ABI (FS_IOC_*
	 * encode sizeof(long)): value_abi overrides value. */
	bool per_abi;
	uint32_t value_abi[CB_ARCH_COUNT];
};

struct cb_irule {
	struct cb_loc loc;
	unsigned abis;
	struct cb_action act;
	struct cb_reqmatch req;
	struct cb_fdtarget target;
};

struct cb_prule {
	struct cb_loc loc;
	struct cb_action act;
	const char *glob; /* owned */
};

struct cb_policy {
	struct cb_action def;       /* unlisted syscalls */
	struct cb_action ioctl_def; /* ioctls no ioctl rule matches; NONE: as def */
	struct cb_action path_def;  /* paths no path rule matches; NONE: allow */
	struct cb_loc def_loc, ioctl_def_loc, path_def_loc;
	struct cb_srule *s;
	int ns, caps_s;
	struct cb_irule *i;
	int ni, caps_i;
	struct cb_prule *p;
	int np, caps_p;
	char **owned; /* strings the rules point to, freed with the policy */
	int nowned, caps_owned;
	/* Not policy text: set by whoever compiles it. The filter sends every
	 * call that frees or replaces an fd slot (guest/fd_track.h) the
	 * policy lets run, so that the audit trail can keep fd names. */
	bool watch_fds;
};

/* An empty policy: default allow, nothing else. */
void cb_policy_init(struct cb_policy *p);
void cb_policy_free(struct cb_policy *p);
/* Append a copy of a rule; -ENOMEM. */
int cb_policy_add_srule(struct cb_policy *p, const struct cb_srule *r);
int cb_policy_add_irule(struct cb_policy *p, const struct cb_irule *r);
int cb_policy_add_prule(struct cb_policy *p, const struct cb_prule *r);
/* A copy of S that lives as long as P; NULL on ENOMEM. */
const char *cb_policy_strdup(struct cb_policy *p, const char *s);

/* Parse policy text TEXT (named FILE in messages) into P, which must be
 * initialised. includes are looked up relative to FILE's directory, then
 * among the shipped policies. -EINVAL with "FILE:LINE:COL: ..." in ERR. */
int cb_policy_parse(struct cb_policy *p, const char *file, const char *text, struct cb_err *err);
/* Parse the policy file at PATH, or the shipped policy NAME when PATH has
 * no '/' and no such file exists. */
int cb_policy_load(struct cb_policy *p, const char *path_or_name, struct cb_err *err);

/* Append a 'perform' rule for each of the comma-separated syscall NAMES
 * (--trap), on every ABI that has it; -EINVAL naming an unknown one. */
int cb_policy_add_trap(struct cb_policy *p, const char *names, struct cb_err *err);

/* Names of actions as written ("allow", "deny", "kill", ...). */
const char *cb_act_name(enum cb_act_kind k);
/* Whether A never lets the call run: deny, kill (thread or process), trap. */
bool cb_act_refuses(const struct cb_action *a);
/* An action as written, e.g. "deny EACCES", into BUF. */
const char *cb_action_str(const struct cb_action *a, char *buf, unsigned len);
/* errno name <-> number: "EPERM" -> 1; -1 when unknown. */
int cb_errno_by_name(const char *name);
const char *cb_errno_name(int e);

#endif
