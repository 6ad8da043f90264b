/* What path calls keep of a guest thread between its calls (struct
 * cb_task_view): its credentials and whether it shares the supervisor's
 * namespaces, with what makes them stale.
 *
 * A thread's fsuid, fsgid, groups, capabilities and mount and user
 * namespaces change only (a) by its own calls of the setuid family,
 * setgroups, capset, setns and unshare (capset on another task is refused
 * since 2.6.25; prctl changes none of them: the bounding and ambient sets
 * and the securebits are not what a path call takes), or (b) by an
 * execve, its own or another thread's (which then takes the leader's tid).
 * (a) Every such call reaches the supervisor (cb_changes_creds lists them;
 * policy/compile.c makes them NOTIFY when the plan performs path calls) and bumps a count before it is
 * even decided, so before the kernel can run it. A view is filled with the
 * count read before its /proc looks and an ID_VALID after them: the looks
 * were made while the thread sat in the call being served, so before it
 * could enter the changing call; a bump after the count was read makes the
 * view stale, one before it precedes the looks, which then see the change
 * (the thread's change comes only after its trap, and the thread's next
 * call after the change). (b) An execve gives the thread a new mm: the
 * entry's /proc/TID/mem then reads nothing and is reopened, which bumps the
 * entry's mm epoch; the view keeps the epoch it was filled in. So a view is
 * used only after the call has read guest memory through the entry (the
 * path), which is when an execve shows. */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "guest.h"

static uint64_t changes; /* cb_guest_changes's count */

void cb_guest_changes(void)
{
	__atomic_add_fetch(&changes, 1, __ATOMIC_SEQ_CST);
}

static uint64_t changes_now(void)
{
	return __atomic_load_n(&changes, __ATOMIC_SEQ_CST);
}

int cb_guest_creds(struct cb_call *c, struct cb_creds *out)
{
	struct cb_task *t;
	int rc = cb_task_of(c, &t);
	if (rc)
		return rc;
	struct cb_task_view *v = &t->view;
	uint64_t now = changes_now();
	if (v->creds_ok && v->creds_gen == now && v->creds_epoch == t->mm_epoch) {
		*out = v->creds;
		return 0;
	}
	uint32_t epoch = t->mm_epoch;
	rc = cb_creds_of_guest(c, out); /* ends with ID_VALID */
	if (rc)
		return rc;
	v->creds = *out;
	v->creds_gen = now;
	v->creds_epoch = epoch;
	v->creds_ok = true;
	return 0;
}

/* The supervisor's own mount, user and IPC namespaces (CB_NS_* bit i is
 * ns_names[i]), which never change. A kernel without IPC namespaces has
 * one IPC space: everybody shares it. */
#define NS_KINDS 3
static struct {
	pthread_once_t once;
	bool ok;
	bool has[NS_KINDS];
	struct stat id[NS_KINDS];
} own = { .once = PTHREAD_ONCE_INIT };
static const char *const ns_names[NS_KINDS] = { "mnt", "user", "ipc" };

static void own_init(void)
{
	for (size_t i = 0; i < NS_KINDS; i++) {
		char p[40];
		snprintf(p, sizeof(p), "/proc/self/ns/%s", ns_names[i]);
		own.has[i] = stat(p, &own.id[i]) == 0;
	}
	own.ok = own.has[0] && own.has[1];
}

/* Which of the supervisor's namespaces the calling thread is in, from
 * /proc/TID/ns, proved the caller's with ID_VALID. */
static int shared_ns_now(struct cb_call *c)
{
	pthread_once(&own.once, own_init);
	cb_creds_settle(); /* ptrace's check, on a guest that may not be dumpable */
	int mask = 0;
	for (size_t i = 0; own.ok && i < NS_KINDS; i++) {
		char p[40];
		struct stat theirs;
		snprintf(p, sizeof(p), "/proc/%u/ns/%s", c->n->pid, ns_names[i]);
		if (!own.has[i] || (stat(p, &theirs) == 0 && theirs.st_dev == own.id[i].st_dev &&
				    theirs.st_ino == own.id[i].st_ino))
			mask |= 1 << i;
	}
	int live = cb_call_live(c);
	return live ? live : mask;
}

int cb_guest_shared_ns(struct cb_call *c)
{
	struct cb_task *t;
	int rc = cb_task_of(c, &t);
	if (rc)
		return rc;
	struct cb_task_view *v = &t->view;
	uint64_t now = changes_now();
	if (v->shared_ns >= 0 && v->ns_gen == now && v->ns_epoch == t->mm_epoch)
		return v->shared_ns;
	uint32_t epoch = t->mm_epoch;
	rc = shared_ns_now(c);
	if (rc < 0)
		return rc;
	v->shared_ns = (int8_t)rc;
	v->ns_gen = now;
	v->ns_epoch = epoch;
	return rc;
}
