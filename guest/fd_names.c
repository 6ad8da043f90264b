#include "fd_names.h"

#include <stdatomic.h>
#include <string.h>

#include "../common/clock.h"
#include "guest.h"

static atomic_uint_fast64_t reused;

void cb_fd_name_stamp(struct cb_call *c, int gfd)
{
	c->fdn = (struct cb_fd_note){ .gfd = gfd };
	c->fdn.stamped = cb_fd_track_stamp(gfd, &c->fdn.st);
	/* A name's age counts from before it was read. */
	if (c->fdn.stamped)
		c->fdn.when = cb_coarse_ms();
}

uint64_t cb_fd_names_reused(void)
{
	return atomic_load_explicit(&reused, memory_order_relaxed);
}

static struct cb_fd_name *slot(struct cb_task *t, int gfd)
{
	return &t->names[(unsigned)gfd % CB_FD_NAMES];
}

/* The calling thread's entry, proved to be its: without a syscall while
 * no task was made since it was last proved alive after a stamp of the
 * task counters (guest/fd_track.h), else by a look at its handles now.
 * NULL: none, or on a parent's mm (vfork: an entry that serves one call
 * keeps nothing). */
static struct cb_task *caller(struct cb_call *c)
{
	struct cb_task *t = cb_task_cached(c);
	if (t && t->alive_ok && cb_fd_track_no_new_task(t->alive_seq))
		return t;
	uint32_t s;
	bool ok = cb_fd_track_task_stamp(&s);
	/* cb_task_of proves the entry, or trusts a proof made earlier in
	 * this call, before the stamp: the look at its handles is then made
	 * again, so that the stamp comes before a proof. */
	if (cb_task_of(c, &t) || t->shared_mm)
		return NULL;
	t->alive_ok = ok && cb_task_alive(t);
	t->alive_seq = s;
	return t;
}

bool cb_fd_name_get(struct cb_call *c, char *buf, size_t len)
{
	struct cb_fd_note *n = &c->fdn;
	/* A name kept for a thread that died is not its successor's under
	 * the same tid: the entry must be the caller's. */
	struct cb_task *t = n->stamped ? caller(c) : NULL;
	if (!t)
		return false;
	n->t = t;
	const struct cb_fd_name *e = slot(t, n->gfd);
	if (e->fd1 != n->gfd + 1 || !cb_fd_track_unchanged(n->gfd, &e->st) ||
	    cb_coarse_ms() - e->when >= CB_FD_NAME_TTL_MS)
		return false;
	size_t k = strnlen(e->path, sizeof(e->path));
	if (k >= len)
		return false;
	memcpy(buf, e->path, k + 1);
	c->tgid = t->tgid;
	atomic_fetch_add_explicit(&reused, 1, memory_order_relaxed);
	return true;
}

void cb_fd_name_offer(struct cb_call *c, const char *path)
{
	c->fdn.offered = c->fdn.t && path[0] && strlen(path) < CB_FD_NAME_MAX;
}

void cb_fd_name_keep(struct cb_call *c, int answer_rc, const char *path)
{
	struct cb_fd_note *n = &c->fdn;
	if (!n->offered || answer_rc != 0 || n->t->tid != (pid_t)c->n->pid)
		return;
	n->offered = false;
	size_t k = strlen(path);
	if (k >= CB_FD_NAME_MAX || !cb_fd_track_unchanged(n->gfd, &n->st))
		return;
	struct cb_fd_name *e = slot(n->t, n->gfd);
	e->fd1 = n->gfd + 1;
	e->st = n->st;
	e->when = n->when;
	memcpy(e->path, path, k + 1);
}
