/* From first-match rules to libseccomp. libseccomp gives no order between
 * two rules of one syscall (an unconditional rule overrides conditional
 * ones whatever order they were added in), so a syscall goes into the
 * filter only when its rules mean the same in any order:
 *   - conditional rules that all have one action, or whose conditions
 *     cannot hold together (== on one argument with other values), and
 *   - no rule left over for "otherwise" but the filter's default.
 * Any other syscall is notified as a whole and the supervisor evaluates its
 * rules in order, on the registers alone. */
#include "compile.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "pathcalls.h"

static int ioctl_nr(enum cb_arch arch)
{
	static int nr[CB_ARCH_COUNT] = { -2, -2 };
	if (nr[arch] == -2)
		nr[arch] = cb_syscall_nr(arch, "ioctl");
	return nr[arch];
}

bool cb_plan_is_path_call(enum cb_arch arch, int nr)
{
	return cb_pathcall_find(arch, nr) != NULL;
}

/* Arguments the kernel reads as 32 bits on x86_64 too: a decision on the
 * full register would let TIOCSTI | 1 << 32 pass for another request
 * (CVE-2019-10063). */
static bool narrow_arg(enum cb_arch arch, int nr, int arg)
{
	return arch == CB_ARCH_I386 || (arg == 1 && nr == ioctl_nr(arch));
}

bool cb_cond_holds(const struct cb_cond *c, enum cb_arch arch, int nr, const uint64_t args[6])
{
	uint64_t a = args[c->arg], v = c->value, m = c->mask;
	if (narrow_arg(arch, nr, c->arg)) {
		a = (uint32_t)a;
		v = (uint32_t)v;
		m = (uint32_t)m;
	}
	switch (c->op) {
	case CB_CMP_EQ: return a == v;
	case CB_CMP_NE: return a != v;
	case CB_CMP_LT: return a < v;
	case CB_CMP_LE: return a <= v;
	case CB_CMP_GT: return a > v;
	case CB_CMP_GE: return a >= v;
	case CB_CMP_MASKED_EQ: return (a & m) == v;
	}
	return false;
}

static bool rule_holds(const struct cb_srule *r, enum cb_arch arch, int nr, const uint64_t args[6])
{
	for (int i = 0; i < r->ncond; i++)
		if (!cb_cond_holds(&r->cond[i], arch, nr, args))
			return false;
	return true;
}

enum cb_layer cb_plan_decide(const struct cb_plan *plan, enum cb_arch arch, int nr,
			     const uint64_t args[6], struct cb_action *act,
			     const struct cb_srule **rule)
{
	*rule = NULL;
	if (arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= CB_NR_MAX) {
		*act = plan->pol->def;
		return CB_LAYER_NONE;
	}
	const struct cb_sysplan *sp = &plan->sys[arch][nr];
	for (int i = 0; i < sp->count; i++) {
		const struct cb_srule *r = plan->rules[sp->first + i];
		if (rule_holds(r, arch, nr, args)) {
			*act = r->act;
			*rule = r;
			return CB_LAYER_NONE;
		}
	}
	*act = sp->fallback;
	return sp->layer;
}

/* ---- warnings ---- */

__attribute__((format(printf, 3, 4)))
static void warn(struct cb_plan *plan, const struct cb_loc *at, const char *fmt, ...)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s:%d:%d: warning: ", at->file, at->line, at->col);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	for (int i = 0; i < plan->nwarnings; i++)
		if (strcmp(plan->warnings[i], msg) == 0)
			return; /* one rule seen for both ABIs */
	char **w = realloc(plan->warnings, sizeof(char *) * (size_t)(plan->nwarnings + 1));
	if (!w)
		return;
	plan->warnings = w;
	if ((w[plan->nwarnings] = strdup(msg)))
		plan->nwarnings++;
}

/* ---- what BPF can say ---- */

static bool needs_supervisor(const struct cb_action *a)
{
	return a->kind == CB_ACT_LOG || a->kind == CB_ACT_PERFORM || a->kind == CB_ACT_TRANSLATE;
}

static bool same_action(const struct cb_action *a, const struct cb_action *b)
{
	return a->kind == b->kind && (a->kind != CB_ACT_DENY || a->errnum == b->errnum);
}

/* A conditional rule as libseccomp sees it, after ioctl rules became
 * conditions on the request. */
struct crule {
	struct cb_action act;
	int ncond;
	struct cb_cond cond[CB_MAX_CONDS];
};

static uint64_t cmp_mask(const struct cb_cond *c, bool narrow)
{
	uint64_t m = c->op == CB_CMP_MASKED_EQ ? c->mask : ~0ULL;
	return narrow ? (uint32_t)m : m;
}

static bool disjoint(const struct crule *a, const struct crule *b, enum cb_arch arch, int nr)
{
	for (int i = 0; i < a->ncond; i++)
		for (int j = 0; j < b->ncond; j++) {
			const struct cb_cond *x = &a->cond[i], *y = &b->cond[j];
			bool eqx = x->op == CB_CMP_EQ || x->op == CB_CMP_MASKED_EQ;
			bool eqy = y->op == CB_CMP_EQ || y->op == CB_CMP_MASKED_EQ;
			bool n = narrow_arg(arch, nr, x->arg);
			if (x->arg == y->arg && eqx && eqy &&
			    ((x->value ^ y->value) & cmp_mask(x, n) & cmp_mask(y, n)))
				return true;
		}
	return false;
}

/* libseccomp takes one comparison per argument per rule; a 32-bit
 * argument of x86_64 can only be compared with a mask. */
static bool bpf_can_say(const struct crule *r, enum cb_arch arch, int nr)
{
	unsigned seen = 0;
	for (int i = 0; i < r->ncond; i++) {
		const struct cb_cond *c = &r->cond[i];
		if (seen & (1u << c->arg))
			return false;
		seen |= 1u << c->arg;
		if (arch == CB_ARCH_X86_64 && narrow_arg(arch, nr, c->arg) &&
		    c->op != CB_CMP_EQ && c->op != CB_CMP_MASKED_EQ)
			return false;
	}
	return true;
}

static uint32_t scmp_action(const struct cb_action *a)
{
	switch (a->kind) {
	case CB_ACT_ALLOW: return SCMP_ACT_ALLOW;
	case CB_ACT_DENY: return SCMP_ACT_ERRNO(a->errnum);
	case CB_ACT_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
	case CB_ACT_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case CB_ACT_TRAP: return SCMP_ACT_TRAP;
	default: return SCMP_ACT_NOTIFY;
	}
}

/* NARROW: the argument counts on 32 bits. On i386 every register is 32
 * bits and libseccomp compares so; on x86_64 the upper half must be masked
 * out, which only == can do (bpf_can_say refuses the rest). */
static struct scmp_arg_cmp scmp_cond(const struct cb_cond *c, enum cb_arch arch, bool narrow)
{
	static const enum scmp_compare ops[] = {
		[CB_CMP_EQ] = SCMP_CMP_EQ, [CB_CMP_NE] = SCMP_CMP_NE, [CB_CMP_LT] = SCMP_CMP_LT,
		[CB_CMP_LE] = SCMP_CMP_LE, [CB_CMP_GT] = SCMP_CMP_GT, [CB_CMP_GE] = SCMP_CMP_GE,
		[CB_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	struct scmp_arg_cmp s = { .arg = c->arg, .op = ops[c->op] };
	if (arch == CB_ARCH_X86_64 && narrow && c->op == CB_CMP_EQ)
		s.op = SCMP_CMP_MASKED_EQ;
	if (s.op == SCMP_CMP_MASKED_EQ) {
		s.datum_a = cmp_mask(c, narrow);
		s.datum_b = narrow ? (uint32_t)c->value : c->value;
	} else {
		s.datum_a = narrow ? (uint32_t)c->value : c->value;
	}
	return s;
}

/* ---- compiling one syscall ---- */

struct sysbuild {
	struct crule *r;
	int n, cap;
};

static int push(struct sysbuild *b, const struct crule *r)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		struct crule *x = realloc(b->r, sizeof(*x) * (size_t)cap);
		if (!x)
			return -ENOMEM;
		b->r = x;
		b->cap = cap;
	}
	b->r[b->n++] = *r;
	return 0;
}

/* The ioctl layer as conditions on the request, when no rule looks at the
 * fd; false when one does (the supervisor must look at the fd). */
static bool ioctl_layer_in_bpf(struct cb_plan *plan, enum cb_arch arch, struct sysbuild *b,
			       struct cb_action *fallback)
{
	const struct cb_policy *pol = plan->pol;
	for (int i = 0; i < pol->ni; i++)
		if ((pol->i[i].abis & (1u << arch)) && pol->i[i].target.kind != CB_T_ANY)
			return false;
	for (int i = 0; i < pol->ni; i++) {
		const struct cb_irule *ir = &pol->i[i];
		if (!(ir->abis & (1u << arch)))
			continue;
		uint32_t v = ir->req.per_abi ? ir->req.value_abi[arch] : ir->req.value;
		if (ir->req.mask == 0) {
			*fallback = ir->act; /* any request, any fd: the rest is unreachable */
			return true;
		}
		struct crule r = { .act = ir->act, .ncond = 1 };
		r.cond[0] = (struct cb_cond){ .arg = 1, .op = CB_CMP_MASKED_EQ, .mask = ir->req.mask,
					      .value = v };
		if (push(b, &r))
			return false;
	}
	return true;
}

static void unreachable_ioctls(struct cb_plan *plan)
{
	const struct cb_policy *pol = plan->pol;
	for (int i = 0; i < pol->ni; i++) {
		const struct cb_irule *a = &pol->i[i];
		for (int j = i + 1; j < pol->ni; j++) {
			const struct cb_irule *b = &pol->i[j];
			/* A covers B: every request B matches, A matches, on
			 * every fd and ABI B applies to. */
			bool req = (a->req.mask & ~b->req.mask) == 0 && !a->req.per_abi && !b->req.per_abi &&
				   ((a->req.value ^ b->req.value) & a->req.mask) == 0;
			bool tgt = a->target.kind == CB_T_ANY ||
				   (a->target.kind == b->target.kind && a->target.kind != CB_T_GLOB &&
				    (a->target.major < 0 || a->target.major == b->target.major) &&
				    (a->target.minor < 0 || a->target.minor == b->target.minor)) ||
				   (a->target.kind == CB_T_GLOB && b->target.kind == CB_T_GLOB &&
				    strcmp(a->target.glob, b->target.glob) == 0);
			if (req && tgt && (b->abis & ~a->abis) == 0)
				warn(plan, &b->loc, "ioctl rule never applies: the rule at %s:%d:%d "
				     "matches everything it does first", a->loc.file, a->loc.line, a->loc.col);
		}
	}
}

/* A covers B when they are the same glob, or A is a directory without
 * wildcards followed by a slash and a double star, and B lies in it. */
static bool glob_covers(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (strcmp(a, b) == 0)
		return true;
	return n >= 3 && strcmp(a + n - 3, "/**") == 0 && strpbrk(a, "*?[") == a + n - 2 &&
	       strncmp(a, b, n - 2) == 0;
}

static void unreachable_paths(struct cb_plan *plan)
{
	const struct cb_policy *pol = plan->pol;
	for (int i = 0; i < pol->np; i++)
		for (int j = i + 1; j < pol->np; j++)
			if (glob_covers(pol->p[i].glob, pol->p[j].glob))
				warn(plan, &pol->p[j].loc, "path rule never applies: the rule at %s:%d:%d "
				     "matches every path it does first", pol->p[i].loc.file,
				     pol->p[i].loc.line, pol->p[i].loc.col);
}

/* Whether some outcome of B (its rules, else FALLBACK) lets the kernel run
 * the call without the supervisor seeing it. */
static bool lets_run(const struct sysbuild *b, const struct cb_action *fallback)
{
	for (int i = 0; i < b->n; i++)
		if (b->r[i].act.kind == CB_ACT_ALLOW)
			return true;
	return fallback->kind == CB_ACT_ALLOW;
}

/* Whether POL has the supervisor perform calls that resolve paths. */
static bool performs_paths(const struct cb_policy *pol)
{
	if (pol->np > 0 || pol->def.kind == CB_ACT_PERFORM || pol->def.kind == CB_ACT_TRANSLATE)
		return true;
	for (int i = 0; i < pol->ns; i++)
		if (pol->s[i].act.kind == CB_ACT_PERFORM || pol->s[i].act.kind == CB_ACT_TRANSLATE)
			return true;
	return false;
}

/* Plan ARCH's syscall NR; adds its rules to the filter CTX. */
static int plan_syscall(struct cb_plan *plan, scmp_filter_ctx ctx, enum cb_arch arch, int nr,
			struct cb_err *err)
{
	const struct cb_policy *pol = plan->pol;
	struct cb_sysplan *sp = &plan->sys[arch][nr];
	sp->first = plan->nrules;
	sp->fallback = pol->def;
	const struct cb_srule *uncond = NULL;
	for (int i = 0; i < pol->ns; i++) {
		const struct cb_srule *r = &pol->s[i];
		if (!(r->abis & (1u << arch)) || r->nr[arch] != nr)
			continue;
		if (uncond && !r->from_group) {
			warn(plan, &r->loc, "rule for %s never applies: the rule at %s:%d:%d "
			     "decides every call first", r->name, uncond->loc.file, uncond->loc.line,
			     uncond->loc.col);
			continue;
		}
		if (uncond)
			continue;
		plan->rules[plan->nrules++] = r;
		sp->count++;
		if (r->ncond == 0) {
			uncond = r;
			sp->fallback = r->act;
		}
	}
	bool is_ioctl = nr == ioctl_nr(arch);
	bool is_path = pol->np > 0 && cb_plan_is_path_call(arch, nr);
	if (!uncond && is_ioctl && (pol->ni > 0 || pol->ioctl_def.kind != CB_ACT_NONE)) {
		sp->layer = CB_LAYER_IOCTL;
		if (pol->ioctl_def.kind != CB_ACT_NONE)
			sp->fallback = pol->ioctl_def;
	} else if (!uncond && is_path) {
		sp->layer = CB_LAYER_PATH;
	}
	if (uncond && sp->count == 1 && same_action(&uncond->act, &pol->def) && !is_ioctl && !is_path)
		warn(plan, &uncond->loc, "rule for %s has no effect: the default (%s:%d:%d) does the same",
		     uncond->name, pol->def_loc.file ? pol->def_loc.file : "(built in)",
		     pol->def_loc.line, pol->def_loc.col);

	/* The conditional rules as libseccomp would get them. */
	struct sysbuild b = { 0 };
	int rc = 0;
	bool bpf = sp->layer != CB_LAYER_PATH;
	struct cb_action fallback = sp->fallback;
	for (int i = 0; i < sp->count && !rc; i++) {
		const struct cb_srule *r = plan->rules[sp->first + i];
		if (r->ncond == 0)
			break;
		struct crule c = { .act = r->act, .ncond = r->ncond };
		memcpy(c.cond, r->cond, sizeof(c.cond));
		rc = push(&b, &c);
	}
	if (!rc && bpf && sp->layer == CB_LAYER_IOCTL)
		bpf = ioctl_layer_in_bpf(plan, arch, &b, &fallback);
	if (rc) {
		free(b.r);
		return cb_fail(err, ENOMEM, "out of memory");
	}
	/* Rules at the end that do what the fallback does change nothing. */
	while (b.n > 0 && same_action(&b.r[b.n - 1].act, &fallback))
		b.n--;
	if (bpf && b.n > 0 && !same_action(&fallback, &pol->def))
		bpf = false; /* "otherwise" needs an unconditional rule: it would win */
	for (int i = 0; bpf && i < b.n; i++) {
		if (!bpf_can_say(&b.r[i], arch, nr))
			bpf = false;
		for (int j = 0; bpf && j < i; j++)
			if (!same_action(&b.r[i].act, &b.r[j].act) && !disjoint(&b.r[i], &b.r[j], arch, nr))
				bpf = false;
	}
	if (bpf && plan->watch_creds && cb_changes_creds(arch, nr) && lets_run(&b, &fallback))
		bpf = false, sp->watched = true; /* the supervisor must see it before it runs */
	if (bpf && pol->watch_fds && cb_changes_fds(arch, nr) && lets_run(&b, &fallback))
		bpf = false, sp->watched = true; /* likewise, for the trail's fd names */
	sp->in_bpf = bpf;
	sp->bpf_allows = bpf && lets_run(&b, &fallback);
	const char *name = cb_syscall_name(arch, nr);
	int native = cb_syscall_rule_nr(arch, nr);
	if (native == __NR_SCMP_ERROR) {
		free(b.r);
		return 0; /* libseccomp cannot name it: the default applies */
	}
	bool notify = false;
	if (!bpf) {
		notify = true;
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, native, 0);
		plan->bpf_rules++;
		for (int i = 0; i < sp->count; i++)
			if (plan->rules[sp->first + i]->act.kind == CB_ACT_KILL_THREAD)
				warn(plan, &plan->rules[sp->first + i]->loc, "kill thread acts as kill "
				     "process here: the supervisor decides %s, and can only kill the process",
				     name);
	} else {
		for (int i = 0; i < b.n && !rc; i++) {
			struct scmp_arg_cmp cmp[CB_MAX_CONDS];
			for (int k = 0; k < b.r[i].ncond; k++)
				cmp[k] = scmp_cond(&b.r[i].cond[k], arch, narrow_arg(arch, nr, b.r[i].cond[k].arg));
			notify |= needs_supervisor(&b.r[i].act);
			rc = seccomp_rule_add_array(ctx, scmp_action(&b.r[i].act), native,
						    (unsigned)b.r[i].ncond, cmp);
			plan->bpf_rules++;
		}
		if (!rc && b.n == 0 && !same_action(&fallback, &pol->def)) {
			notify |= needs_supervisor(&fallback);
			rc = seccomp_rule_add(ctx, scmp_action(&fallback), native, 0);
			plan->bpf_rules++;
		}
	}
	free(b.r);
	if (needs_supervisor(&pol->def) && (bpf || !notify))
		notify = true; /* the filter's default notifies */
	plan->notify.trap[arch][nr] = notify;
	if (rc == -EACCES || rc == -EEXIST)
		rc = 0; /* libseccomp: the rule equals the default / is there already */
	if (rc)
		return cb_fail(err, rc, "libseccomp refused the rules for %s on %s: %s", name,
			       cb_arch_name(arch), strerror(-rc));
	return 0;
}

static void release_ctx(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}
#define cleanup_ctx __attribute__((cleanup(release_ctx)))

static int arch_ctx(const struct cb_policy *pol, enum cb_arch arch, scmp_filter_ctx *out,
		    struct cb_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(scmp_action(&pol->def));
	if (!ctx)
		return cb_fail(err, ENOMEM, "seccomp_init failed");
	int rc = 0;
	if (cb_arch_scmp(arch) != SCMP_ARCH_NATIVE && seccomp_arch_native() != cb_arch_scmp(arch)) {
		rc = seccomp_arch_add(ctx, cb_arch_scmp(arch));
		if (!rc)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	/* no_new_privs is set by the shim itself, before capabilities go. */
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree over the syscall numbers: a 300-rule policy costs a
	 * few more comparisons than a one-rule one, not 300. */
	if (!rc)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc) {
		seccomp_release(ctx);
		return cb_fail(err, rc, "setting up the %s filter failed: %s", cb_arch_name(arch),
			       strerror(-rc));
	}
	*out = ctx;
	return 0;
}

/* Plan every syscall of every ABI into one merged filter. */
static int build(struct cb_plan *plan, scmp_filter_ctx *out, struct cb_err *err)
{
	cleanup_ctx scmp_filter_ctx ctx = NULL;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		cleanup_ctx scmp_filter_ctx one = NULL;
		int rc = arch_ctx(plan->pol, a, &one, err);
		for (int nr = 0; !rc && nr < CB_NR_MAX; nr++)
			if (cb_syscall_name(a, nr))
				rc = plan_syscall(plan, one, a, nr, err);
		if (rc)
			return rc;
		if (!ctx) {
			ctx = steal_ptr(&one);
		} else {
			rc = seccomp_merge(ctx, one);
			if (rc)
				return cb_fail(err, rc, "merging the ABIs' filters failed: %s", strerror(-rc));
			one = NULL; /* consumed */
		}
	}
	*out = steal_ptr(&ctx);
	return 0;
}

/* Whether no call NR of ARCH ever runs: every rule and the fallback refuse. */
static bool never_runs(const struct cb_plan *plan, enum cb_arch arch, int nr)
{
	const struct cb_sysplan *sp = &plan->sys[arch][nr];
	for (int i = 0; i < sp->count; i++)
		if (!cb_act_refuses(&plan->rules[sp->first + i]->act))
			return false;
	return cb_act_refuses(&sp->fallback);
}

bool cb_plan_can_watch_fds(const struct cb_plan *plan)
{
	static const char *const rings[] = { "io_uring_setup", "io_uring_enter" };
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (size_t i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
			int nr = cb_syscall_nr(a, rings[i]);
			if (nr < 0 || nr >= CB_NR_MAX || !never_runs(plan, a, nr))
				return false;
		}
		/* Every call that changes slots must reach the supervisor or
		 * never run (one libseccomp cannot name gets the default). */
		for (int nr = 0; plan->pol->watch_fds && nr < CB_NR_MAX; nr++)
			if (cb_changes_fds(a, nr) && !plan->notify.trap[a][nr] && !never_runs(plan, a, nr))
				return false;
		/* An ioctl the filter lets run could be a listener's ADDFD. */
		int io = ioctl_nr(a);
		if (io >= 0 && io < CB_NR_MAX && plan->sys[a][io].bpf_allows)
			return false;
	}
	return true;
}

int cb_plan_compile(struct cb_plan *plan, const struct cb_policy *pol, struct cb_err *err)
{
	memset(plan, 0, sizeof(*plan));
	plan->pol = pol;
	/* Each rule appears once per ABI at most. */
	plan->rules = calloc((size_t)pol->ns * CB_ARCH_COUNT + 1, sizeof(*plan->rules));
	if (!plan->rules)
		return cb_fail(err, ENOMEM, "out of memory");
	plan->watch_creds = performs_paths(pol);
	scmp_filter_ctx ctx = NULL;
	int rc = build(plan, &ctx, err);
	plan->ctx = ctx;
	if (rc) {
		cb_plan_free(plan);
		return rc;
	}
	unreachable_ioctls(plan);
	unreachable_paths(plan);
	return 0;
}

void cb_plan_free(struct cb_plan *plan)
{
	for (int i = 0; i < plan->nwarnings; i++)
		free(plan->warnings[i]);
	free(plan->warnings);
	free(plan->rules);
	if (plan->ctx)
		seccomp_release(plan->ctx);
	plan->ctx = NULL;
	plan->warnings = NULL;
	plan->rules = NULL;
	plan->nwarnings = 0;
}

int cb_plan_filter(const struct cb_plan *plan, struct sock_fprog *prog, struct cb_err *err)
{
	scmp_filter_ctx ctx = plan->ctx;
	int rc;
	/* libseccomp 2.5 exports only to an fd; a memfd keeps it in memory. */
	cleanup_fd int mfd = memfd_create("compatbox-bpf", MFD_CLOEXEC);
	if (mfd < 0)
		return cb_fail(err, errno, "memfd_create: %s", strerror(errno));
	rc = seccomp_export_bpf(ctx, mfd);
	if (rc)
		return cb_fail(err, rc, "exporting the seccomp filter failed: %s", strerror(-rc));
	struct stat st;
	if (fstat(mfd, &st) < 0)
		return cb_fail(err, errno, "fstat: %s", strerror(errno));
	if (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return cb_fail(err, E2BIG, "the seccomp filter (%lld instructions) is not loadable; "
			       "the kernel takes at most %d", (long long)(st.st_size / 8), BPF_MAXINSNS);
	struct sock_filter *insns = malloc((size_t)st.st_size);
	if (!insns)
		return cb_fail(err, ENOMEM, "out of memory");
	if (pread(mfd, insns, (size_t)st.st_size, 0) != st.st_size) {
		free(insns);
		return cb_fail(err, EIO, "reading back the seccomp filter failed");
	}
	prog->filter = insns;
	prog->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

void cb_filter_free(struct sock_fprog *prog)
{
	free(prog->filter);
	prog->filter = NULL;
	prog->len = 0;
}

int cb_plan_pfc(const struct cb_plan *plan, int fd, struct cb_err *err)
{
	int rc = seccomp_export_pfc(plan->ctx, fd);
	return rc ? cb_fail(err, rc, "exporting the filter failed: %s", strerror(-rc)) : 0;
}
