#include "policies.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/policy.h"

/* A policy and what it compiled to; both live as long as the agent. */
struct loaded {
	char name[65];
	struct cb_policy pol;
	struct cb_plan plan;
};

enum { MAX_POLICIES = 64 }; /* distinct files of --policy-dir in use */

static struct loaded *given;     /* --policy */
static const char *policy_dir;   /* --policy-dir */
static struct loaded *cache[MAX_POLICIES];
static int ncache;

static int load(const char *path, const char *name, struct loaded **out, struct cb_err *err)
{
	struct loaded *l = calloc(1, sizeof(*l));
	if (!l)
		return cb_fail(err, ENOMEM, "out of memory");
	snprintf(l->name, sizeof(l->name), "%s", name);
	cb_policy_init(&l->pol);
	int rc = cb_policy_load(&l->pol, path, err);
	if (!rc && (rc = cb_plan_compile(&l->plan, &l->pol, err)) != 0)
		cb_policy_free(&l->pol);
	if (rc) {
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int cb_agent_policies_init(const char *policy, const char *dir, struct cb_err *err)
{
	policy_dir = dir;
	return policy ? load(policy, "", &given, err) : 0;
}

/* A metadata string that can only name a file directly in the directory. */
static bool plain_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int cb_agent_plan_for(const char *meta, const struct cb_plan **plan, struct cb_err *err)
{
	if (!policy_dir || !meta[0]) {
		*plan = given ? &given->plan : NULL;
		return 0;
	}
	if (!plain_name(meta))
		return cb_fail(err, EINVAL, "listenerMetadata \"%s\" is not a policy name of "
			       "--policy-dir (letters, digits, '.', '_', '-'; 64 at most)", meta);
	for (int i = 0; i < ncache; i++) {
		if (!strcmp(cache[i]->name, meta)) {
			*plan = &cache[i]->plan;
			return 0;
		}
	}
	if (ncache == MAX_POLICIES)
		return cb_fail(err, EMFILE, "more than %d policies of --policy-dir in use; "
			       "restart the agent to forget old ones", MAX_POLICIES);
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.policy", policy_dir, meta) >= sizeof(path))
		return cb_fail(err, ENAMETOOLONG, "--policy-dir %s: path too long", policy_dir);
	struct loaded *l;
	int rc = load(path, meta, &l, err);
	if (rc)
		return rc;
	cache[ncache++] = l;
	*plan = &l->plan;
	return 0;
}
