/* Which guest fd numbers may name another file than when they were last
 * looked at, so that what an fd names can be kept between calls (the audit
 * trail's fd paths, guest/fd_names.h) instead of read from /proc per call.
 *
 * A slot of a guest's fd table only takes a new file after it was freed or
 * replaced, and only these free or replace one: close, dup2, dup3,
 * close_range, execve and execveat (close-on-exec), an ADDFD with SETFD
 * (the supervisor's own, or a guest's on a seccomp listener it holds: an
 * ioctl), and binder's buffer frees (an ioctl). With tracking on, the
 * filter sends every such call to the supervisor (the plan's watch_fds),
 * whose workers note it here before anything lets it run: its slots are
 * "in flight" from then until the calling thread is seen again (its next
 * trapped call; or, found by a sweep, once it is gone), because the kernel
 * runs it after the answer, at a time the supervisor does not see. A name
 * read of a slot is kept only if no change to that slot was in flight from
 * before the read until after the read was proved, and used only while
 * the slot has seen no change since. Counters are per fd number, not per
 * fd table: a change in one process counts for all (fewer hits, never a
 * wrong one). io_uring could close a slot unseen: tracking is on only
 * when the policy refuses io_uring_setup and io_uring_enter, and when
 * every ioctl reaches the supervisor (cb_plan_watches_fds). */
#ifndef CB_FD_TRACK_H
#define CB_FD_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../abi/arch.h"

struct cb_call;

/* Where the counters of one fd number stood. */
struct cb_fd_stamp {
	uint32_t seq, epoch;
};

/* Turn tracking on; before the workers start. */
void cb_fd_track_enable(void);
bool cb_fd_track_on(void);
/* Every notification, first of all: the caller's previous tracked call is
 * over; this one, if it may free or replace slots, is in flight. */
void cb_fd_track_call(struct cb_call *c);
/* The supervisor replaced guest slot GFD itself (an ADDFD with SETFD that
 * returned). */
void cb_fd_track_replaced(int gfd);
/* *S: slot GFD's counters, taken before what it names is read. False: a
 * change to it is in flight (or tracking is off): nothing read now may be
 * kept. */
bool cb_fd_track_stamp(int gfd, struct cb_fd_stamp *s);
/* Whether no change to slot GFD began since stamp S and none is in flight. */
bool cb_fd_track_unchanged(int gfd, const struct cb_fd_stamp *s);

/* The same for tids. A task can take a gone one's tid only once a call
 * made it (clone, clone3, fork, vfork; execve hands a thread its leader's
 * tid), and such calls are tracked as fd changes are: a thread proved
 * alive after stamp *S is still the one its tid names while
 * cb_fd_track_no_new_task(S), without asking the kernel again. */
bool cb_fd_track_task_stamp(uint32_t *s);
bool cb_fd_track_no_new_task(uint32_t s);

#endif
