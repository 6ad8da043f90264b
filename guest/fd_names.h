/* What a guest fd names, for the audit trail, kept per guest thread between
 * calls: a /proc readlink per record is the dearest part of it. A name is
 * kept once the call's answer proves it was read of the caller's fd, and
 * used while guest/fd_track.h says the fd's slot has seen no change since
 * before the read, for a caller proved to be the same thread (its handles'
 * liveness check, guest.c's task_get), for CB_FD_NAME_TTL_MS at most.
 * Without tracking, nothing is kept. */
#ifndef CB_FD_NAMES_H
#define CB_FD_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../supervisor/call.h"

/* How long a kept name is used: the same open file may be renamed,
 * unlinked or its mount moved meanwhile, which changes its /proc text. */
#define CB_FD_NAME_TTL_MS 1000

/* Stamp guest fd GFD of call C, before anything reads what it names. */
void cb_fd_name_stamp(struct cb_call *c, int gfd);
/* The kept name of the stamped fd into BUF (LEN bytes), when it is still
 * right; false: none, read it (and offer what was read). */
bool cb_fd_name_get(struct cb_call *c, char *buf, size_t len);
/* PATH was read of the stamped fd, after the stamp: worth keeping. */
void cb_fd_name_offer(struct cb_call *c, const char *path);
/* After the answer (ANSWER_RC 0: sent, the call was still pending): keep
 * the offered PATH if no change to the fd's slot began since the stamp. */
void cb_fd_name_keep(struct cb_call *c, int answer_rc, const char *path);
/* Records that used a kept name so far (the trail's end record). */
uint64_t cb_fd_names_reused(void);

#endif
