#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "guest.h"

#define STATUS_MAX 16384 /* /proc/PID/status with CB_CREDS_GROUPS groups fits */
#define ID_CAPS ((1ULL << CAP_SETUID) | (1ULL << CAP_SETGID))

/* The text after "KEY" at the start of a line, or NULL. */
static const char *field(const char *s, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, n) == 0)
			return p + n;
	return NULL;
}

/* The effective and fs ids of "Uid:"/"Gid:"'s real, effective, saved, fs. */
static int fs_id(const char *status, const char *key, unsigned *eff, unsigned *out)
{
	const char *p = field(status, key);
	unsigned r, s;
	return p && sscanf(p, "%u %u %u %u", &r, eff, &s, out) == 4 ? 0 : -EINVAL;
}

int cb_creds_parse(const char *status, struct cb_creds *out)
{
	unsigned euid, egid, uid, gid;
	unsigned long long eff, prm;
	const char *ce = field(status, "CapEff:"), *cp = field(status, "CapPrm:");
	if (fs_id(status, "Uid:", &euid, &uid) || fs_id(status, "Gid:", &egid, &gid) || !ce || !cp ||
	    sscanf(ce, "%llx", &eff) != 1 || sscanf(cp, "%llx", &prm) != 1)
		return -EINVAL;
	out->euid = euid;
	out->fsuid = uid;
	out->fsgid = gid;
	out->cap_eff = eff;
	out->cap_prm = prm;
	const char *g = field(status, "Groups:");
	if (!g)
		return -EINVAL;
	out->ngroups = 0;
	for (;;) {
		while (*g == ' ' || *g == '\t')
			g++;
		if (*g == '\n' || !*g)
			return 0;
		char *end;
		unsigned long v = strtoul(g, &end, 10);
		if (end == g)
			return -EINVAL;
		if (out->ngroups >= CB_CREDS_GROUPS)
			return -E2BIG;
		out->groups[out->ngroups++] = (gid_t)v;
		g = end;
	}
}

int cb_creds_of_guest(struct cb_call *c, struct cb_creds *out)
{
	char path[40];
	snprintf(path, sizeof(path), "/proc/%u/status", c->n->pid);
	cleanup_free char *buf = malloc(STATUS_MAX);
	if (!buf)
		return -ENOMEM;
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cb_call_live(c) ? -ENOENT : -errno;
	size_t got = 0;
	for (ssize_t n; got < STATUS_MAX - 1; got += (size_t)n) {
		n = read(fd, buf + got, STATUS_MAX - 1 - got);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
	}
	if (got == STATUS_MAX - 1)
		return -E2BIG; /* groups beyond what we take */
	buf[got] = 0;
	/* Only a live call proves the tid still names the caller. */
	int rc = cb_call_live(c);
	return rc ? rc : cb_creds_parse(buf, out);
}

static int caps_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	if (inh)
		*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* The calling thread's capability sets as this file last set or read
 * them. Only caps_set_eff changes them, and only the effective set, so
 * after one capget a thread knows all three without asking again: a path
 * call then costs one capset to take the guest's and one to give them
 * back. Cleared when a capset fails (the state is then asked again). */
static __thread struct {
	bool known;
	uint64_t eff, prm, inh;
} caps;

/* The calling thread's effective set becomes EFF; permitted and
 * inheritable stay. */
static int caps_set_eff(uint64_t eff)
{
	if (!caps.known) {
		int r = caps_get(&caps.eff, &caps.prm, &caps.inh);
		if (r)
			return r;
		caps.known = true;
	}
	if (caps.eff == eff)
		return 0;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)eff, (uint32_t)caps.prm, (uint32_t)caps.inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(caps.prm >> 32), (uint32_t)(caps.inh >> 32) },
	};
	if (syscall(SYS_capset, &h, d) < 0) {
		caps.known = false;
		return -errno;
	}
	caps.eff = eff;
	return 0;
}

/* A worker's own credentials, taken once (cb_creds_worker); and whether
 * the last cb_creds_assume changed its ids (else restoring is one capset). */
static __thread struct {
	bool known;
	bool ids_changed;
	struct cb_creds c;
} own;

int cb_creds_worker(struct cb_creds *out)
{
	if (!own.known) {
		cb_creds_settle();
		int r = cb_creds_self(&own.c);
		if (r)
			return r;
		own.known = true;
	}
	*out = own.c;
	return 0;
}

int cb_creds_self(struct cb_creds *out)
{
	out->euid = (uid_t)syscall(SYS_geteuid); /* the thread's, not glibc's view */
	/* An invalid id changes nothing and returns the current one. */
	out->fsuid = (uid_t)syscall(SYS_setfsuid, -1);
	out->fsgid = (gid_t)syscall(SYS_setfsgid, -1);
	long n = syscall(SYS_getgroups, CB_CREDS_GROUPS, out->groups);
	if (n < 0)
		return errno == EINVAL ? -E2BIG : -errno;
	out->ngroups = (int)n;
	return caps_get(&out->cap_eff, &out->cap_prm, NULL);
}

static bool same_groups(const struct cb_creds *a, const struct cb_creds *b)
{
	return a->ngroups == b->ngroups &&
	       !memcmp(a->groups, b->groups, (size_t)a->ngroups * sizeof(a->groups[0]));
}

bool cb_creds_can_assume(const struct cb_creds *want, const struct cb_creds *self)
{
	uint64_t prm = self->cap_prm;
	if (want->cap_eff & ~prm)
		return false; /* never more than the supervisor holds */
	if (want->fsuid != self->fsuid && !(prm & (1ULL << CAP_SETUID)))
		return false;
	if ((want->fsgid != self->fsgid || !same_groups(want, self)) && !(prm & (1ULL << CAP_SETGID)))
		return false;
	return true;
}

/* Set the ids of WANT, checking each took (setfsuid does not fail, it
 * ignores). The capabilities to set them must be effective. */
static int set_ids(const struct cb_creds *want, const struct cb_creds *cur)
{
	if (!same_groups(want, cur) &&
	    syscall(SYS_setgroups, want->ngroups, want->groups) < 0)
		return -errno;
	if (want->fsgid != cur->fsgid) {
		syscall(SYS_setfsgid, want->fsgid);
		if ((gid_t)syscall(SYS_setfsgid, -1) != want->fsgid)
			return -EPERM;
	}
	if (want->fsuid != cur->fsuid) {
		/* The kernel adds or drops the filesystem capabilities of the
		 * effective set with the fsuid: ask again. */
		caps.known = false;
		syscall(SYS_setfsuid, want->fsuid);
		if ((uid_t)syscall(SYS_setfsuid, -1) != want->fsuid)
			return -EPERM;
	}
	return 0;
}

/* A give-back cb_creds_restore deferred: the worker still holds the
 * effective set of its last path call, and SAVED's is to come back at
 * cb_creds_settle. Only when no id changed (a root supervisor, a root
 * guest without capabilities: the common case), so the worker's real,
 * effective and filesystem ids are its own throughout. */
static __thread struct {
	bool pending;
	struct cb_creds saved;
} deferred;

static void restore_now(const struct cb_creds *saved);

void cb_creds_settle(void)
{
	if (!deferred.pending)
		return;
	deferred.pending = false;
	restore_now(&deferred.saved);
}

int cb_creds_assume(const struct cb_creds *want, const struct cb_creds *saved)
{
	int r = 0;
	bool ids = want->fsuid != saved->fsuid || want->fsgid != saved->fsgid ||
		   !same_groups(want, saved);
	if (deferred.pending) {
		/* The next path call of the same credentials: nothing to do,
		 * and the give-back stays deferred. */
		if (!ids && caps.known && caps.eff == want->cap_eff &&
		    deferred.saved.cap_eff == saved->cap_eff)
			return 0;
		cb_creds_settle();
	}
	own.ids_changed = ids;
	if (!ids && want->cap_eff == saved->cap_eff)
		return 0; /* the common case for an unprivileged supervisor */
	/* Ids first, while CAP_SETUID/CAP_SETGID are effective; then the
	 * guest's capabilities (changing the fsuid from 0 also drops the
	 * filesystem ones: capset says exactly which stay). */
	if (ids)
		r = caps_set_eff(saved->cap_eff | (saved->cap_prm & ID_CAPS));
	if (!r && ids)
		r = set_ids(want, saved);
	if (!r)
		r = caps_set_eff(want->cap_eff);
	if (r)
		cb_creds_restore(saved);
	return r;
}

void cb_creds_restore(const struct cb_creds *saved)
{
	/* Only the effective set changed: given back at cb_creds_settle, so
	 * that a run of path calls with the same credentials pays no capset
	 * (two per call otherwise). */
	if (!own.ids_changed && caps.known && saved->ngroups <= CB_CREDS_GROUPS) {
		deferred.saved = *saved;
		deferred.pending = true;
		return;
	}
	restore_now(saved);
}

static void restore_now(const struct cb_creds *saved)
{
	/* Only the effective set changed (a root supervisor, a root guest
	 * without capabilities: the common case): one capset, whose success
	 * says all is back. Anything else is checked id by id. */
	if (!own.ids_changed && caps_set_eff(saved->cap_eff) == 0)
		return;
	struct cb_creds cur;
	own.known = false; /* asked again on the next cb_creds_worker */
	caps.known = false;
	if (cb_creds_self(&cur) == 0 && cur.fsuid == saved->fsuid &&
	    cur.fsgid == saved->fsgid && same_groups(&cur, saved) && cur.cap_eff == saved->cap_eff)
		return;
	/* Raising within the permitted set is always allowed. */
	caps_set_eff(saved->cap_eff | (saved->cap_prm & ID_CAPS));
	if (cb_creds_self(&cur) == 0)
		set_ids(saved, &cur);
	caps_set_eff(saved->cap_eff);
	own.ids_changed = false;
}
