#include "policy.h"

#include "trapset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cb_policy_init(struct cb_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->def.kind = CB_ACT_ALLOW;
}

void cb_policy_free(struct cb_policy *p)
{
	for (int i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->s);
	free(p->i);
	free(p->p);
	memset(p, 0, sizeof(*p));
}

/* Grow *ARR of *CAP elements of SIZE to hold N+1. */
static int grow(void **arr, int *cap, int n, size_t size)
{
	if (n < *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 16;
	void *a = realloc(*arr, (size_t)ncap * size);
	if (!a)
		return -ENOMEM;
	*arr = a;
	*cap = ncap;
	return 0;
}

#define ADD(p, arr, n, cap, r)                                                  \
	do {                                                                    \
		if (grow((void **)&(p)->arr, &(p)->cap, (p)->n, sizeof(*(r))))  \
			return -ENOMEM;                                         \
		(p)->arr[(p)->n++] = *(r);                                      \
		return 0;                                                       \
	} while (0)

int cb_policy_add_srule(struct cb_policy *p, const struct cb_srule *r) { ADD(p, s, ns, caps_s, r); }
int cb_policy_add_irule(struct cb_policy *p, const struct cb_irule *r) { ADD(p, i, ni, caps_i, r); }
int cb_policy_add_prule(struct cb_policy *p, const struct cb_prule *r) { ADD(p, p, np, caps_p, r); }

const char *cb_policy_strdup(struct cb_policy *p, const char *s)
{
	if (grow((void **)&p->owned, &p->caps_owned, p->nowned, sizeof(char *)))
		return NULL;
	char *c = strdup(s);
	if (c)
		p->owned[p->nowned++] = c;
	return c;
}

static const char *const act_names[CB_ACT_COUNT] = {
	[CB_ACT_NONE] = "(none)",
	[CB_ACT_ALLOW] = "allow",
	[CB_ACT_DENY] = "deny",
	[CB_ACT_KILL_THREAD] = "kill thread",
	[CB_ACT_KILL_PROCESS] = "kill process",
	[CB_ACT_TRAP] = "trap",
	[CB_ACT_LOG] = "log",
	[CB_ACT_PERFORM] = "perform",
	[CB_ACT_TRANSLATE] = "translate",
};

const char *cb_act_name(enum cb_act_kind k)
{
	return k < CB_ACT_COUNT ? act_names[k] : "?";
}

bool cb_act_refuses(const struct cb_action *a)
{
	return a->kind == CB_ACT_DENY || a->kind == CB_ACT_KILL_THREAD ||
	       a->kind == CB_ACT_KILL_PROCESS || a->kind == CB_ACT_TRAP;
}

const char *cb_action_str(const struct cb_action *a, char *buf, unsigned len)
{
	if (a->kind == CB_ACT_DENY) {
		const char *n = cb_errno_name(a->errnum);
		if (n)
			snprintf(buf, len, "deny %s", n);
		else
			snprintf(buf, len, "deny %u", a->errnum);
	} else {
		snprintf(buf, len, "%s", cb_act_name(a->kind));
	}
	return buf;
}

int cb_errno_by_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return -1;
}

const char *cb_errno_name(int e)
{
	return strerrorname_np(e);
}

int cb_policy_add_trap(struct cb_policy *p, const char *names, struct cb_err *err)
{
	/* The trap set says which names exist and on which ABI, with the
	 * message --trap always gave. */
	struct cb_trapset *ts = calloc(1, sizeof(*ts));
	if (!ts)
		return cb_fail(err, ENOMEM, "out of memory");
	int rc = cb_trapset_add_names(ts, names, err);
	for (int a = 0; !rc && a < CB_ARCH_COUNT; a++)
		for (int nr = 0; !rc && nr < CB_NR_MAX; nr++) {
			if (!ts->trap[a][nr])
				continue;
			struct cb_srule r = { .loc = { "--trap", 1, 1 }, .abis = 1u << a,
					      .name = cb_syscall_name(a, nr),
					      .act = { .kind = CB_ACT_PERFORM } };
			for (int b = 0; b < CB_ARCH_COUNT; b++)
				r.nr[b] = b == a ? nr : -1;
			if (cb_policy_add_srule(p, &r))
				rc = cb_fail(err, ENOMEM, "out of memory");
		}
	free(ts);
	return rc;
}
