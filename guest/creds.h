/* The credentials path resolution checks, of a guest thread — fsuid,
 * fsgid, supplementary groups, effective capabilities — and a worker thread
 * taking them for one host call. A path call performed with the
 * supervisor's credentials would see what the guest may not (a root guest
 * has its capabilities dropped; a root supervisor keeps CAP_DAC_OVERRIDE
 * and CAP_DAC_READ_SEARCH), so translated path calls run with the guest's.
 *
 * Linux credentials belong to the thread at the system-call level: glibc's
 * setuid & co broadcast to every thread, but the raw setfsuid, setfsgid,
 * setgroups and capset used here change only the calling worker, so the
 * others keep the supervisor's. */
#ifndef CB_CREDS_H
#define CB_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../supervisor/call.h"

#define CB_CREDS_GROUPS 256 /* more supplementary groups: the kernel runs the call */

struct cb_creds {
	/* Not taken by cb_creds_assume (a worker's stays the supervisor's):
	 * what SysV IPC's permission checks compare with an object's owner,
	 * so those calls are performed only when it is the same. */
	uid_t euid;
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t groups[CB_CREDS_GROUPS];
	uint64_t cap_eff;
	uint64_t cap_prm;
};

/* The credentials in a /proc/PID/status text: 0, or -EINVAL when a line is
 * missing or malformed, -E2BIG for more than CB_CREDS_GROUPS groups. */
int cb_creds_parse(const char *status, struct cb_creds *out);
/* The calling guest thread's (its /proc/TID/status): 0, -ENOENT when the
 * call is gone, or another negative errno. */
int cb_creds_of_guest(struct cb_call *c, struct cb_creds *out);
/* The calling (worker) thread's own, asked of the kernel. */
int cb_creds_self(struct cb_creds *out);
/* The same, asked once per thread: a worker's credentials change only
 * inside cb_creds_assume .. cb_creds_restore, which puts them back (and
 * asks again when it had to repair them). Call outside such a pair. */
int cb_creds_worker(struct cb_creds *out);
/* Could the calling thread, whose credentials are SELF (cb_creds_self),
 * take WANT: capabilities it holds in its permitted set, ids it may set? */
bool cb_creds_can_assume(const struct cb_creds *want, const struct cb_creds *self);
/* Switch the calling thread from SELF (its own, as cb_creds_self gave
 * them) to WANT. 0, or a negative errno with SELF restored. */
int cb_creds_assume(const struct cb_creds *want, const struct cb_creds *self);
/* Back to SAVED, the SELF given to cb_creds_assume. When only the
 * effective capabilities had changed, the give-back waits for
 * cb_creds_settle (a next cb_creds_assume of the same set costs nothing
 * then). */
void cb_creds_restore(const struct cb_creds *saved);
/* Take back the worker's own capabilities if a cb_creds_restore left the
 * guest's in place. Call before whatever needs the supervisor's
 * privileges: a /proc look at another task or pidfd_getfd (ptrace checks:
 * a guest that is not dumpable needs CAP_SYS_PTRACE), a host call made as
 * the supervisor, a new thread (it inherits the creator's). Nothing when
 * nothing is left. */
void cb_creds_settle(void);

#endif
