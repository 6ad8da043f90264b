/* ppoll and pselect6 of an i386 guest, old 32-bit and 64-bit timespecs:
 * poll and select (readiness.c) with a timespec timeout, validated as
 * poll_select_set_timeout does and written back with the time left as
 * poll_select_finish does. i386 glibc's select() is pselect6_time64 with
 * no signal mask; ppoll() without one is ppoll_time64.
 *
 * A signal mask is the caller's for the wait: a signal it unblocks would
 * interrupt the guest's own wait, which the supervisor cannot change. The
 * gate leaves calls with one to the kernel (a register: ppoll's mask
 * pointer, pselect6's pointer to its {mask, size} pair). */
#include "../io.h"

#include <errno.h>
#include <string.h>

#include "../../guest/guest.h"

int cb_xio_gate_pwait(struct cb_xctx *x)
{
	/* Safe to CONTINUE: a register, no guest memory, was looked at. */
	int i = !strncmp(x->row->guest, "ppoll", 5) ? 3 : 5;
	return x->c->args[i] ? CB_XSYS_KERNEL : 0;
}

struct pts {
	bool t64, zero;
	int64_t deadline; /* CLOCK_MONOTONIC ns, -1: none */
};

/* get_timespec64 / get_old_timespec32, then poll_select_set_timeout. */
static int pts_in(struct cb_call *c, uint64_t p, struct pts *t)
{
	return xio_read_deadline(c, p, t->t64, &t->deadline, &t->zero);
}

/* poll_select_finish: the time left, but not for a zero timeout, and a
 * failure to write it is not one. */
static int pts_out(struct cb_call *c, uint64_t p, const struct pts *t, int r)
{
	if (!p || t->zero || r == -ENOENT || t->deadline < 0)
		return r;
	int64_t left = t->deadline - xio_now_ns();
	if (left < 0)
		left = 0;
	int w = xio_write_timespec(c, p, t->t64, left);
	return w == -ENOENT ? w : r;
}

static int do_ppoll(struct cb_xctx *x, bool t64)
{
	struct cb_call *c = x->c;
	struct pts t = { .t64 = t64 };
	int rc = pts_in(c, c->args[2], &t);
	if (rc)
		return rc;
	int r = xio_poll_core(c, c->args[0], (uint32_t)c->args[1], t.deadline, t.zero);
	return pts_out(c, c->args[2], &t, r);
}

static int do_pselect(struct cb_xctx *x, bool t64)
{
	struct cb_call *c = x->c;
	struct pts t = { .t64 = t64 };
	int rc = pts_in(c, c->args[4], &t);
	if (rc)
		return rc;
	const uint64_t sets[3] = { c->args[1], c->args[2], c->args[3] };
	int r = xio_select_core(c, (int32_t)c->args[0], sets, t.deadline, t.zero, 0);
	return pts_out(c, c->args[4], &t, r);
}

int cb_xio_ppoll(struct cb_xctx *x) { return do_ppoll(x, false); }
int cb_xio_ppoll64(struct cb_xctx *x) { return do_ppoll(x, true); }
int cb_xio_pselect6(struct cb_xctx *x) { return do_pselect(x, false); }
int cb_xio_pselect6_64(struct cb_xctx *x) { return do_pselect(x, true); }
