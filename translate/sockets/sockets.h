/* Hooks of the socket rows (sockets.c, sockopts.c) and socketcall's
 * handler (socketcall.c). */
#ifndef CB_XSYS_SOCKETS_H
#define CB_XSYS_SOCKETS_H

#include "../xsys.h"

int cb_xs_gate_send(struct cb_xctx *x);
int cb_xs_gate_sendmmsg(struct cb_xctx *x);
int cb_xs_sendto(struct cb_xctx *x);
int cb_xs_recvfrom(struct cb_xctx *x);
int cb_xs_getsockname(struct cb_xctx *x);
int cb_xs_getpeername(struct cb_xctx *x);
int cb_xs_accept4(struct cb_xctx *x);
int cb_xs_sendmmsg(struct cb_xctx *x);
int cb_xs_recvmmsg(struct cb_xctx *x);
int cb_xs_recvmmsg64(struct cb_xctx *x);
/* (level, name) that only the kernel can run: CONTINUE for a direct call,
 * EOPNOTSUPP through socketcall (the block was read). */
int cb_xs_gate_sockopt(struct cb_xctx *x);
int cb_xs_getsockopt(struct cb_xctx *x);
int cb_xs_setsockopt(struct cb_xctx *x);

/* socketcall (102): the sub-call's row performs it (perform_block), or
 * the kernel runs the sub-calls that record their caller. */
void cb_xsys_socketcall(struct cb_call *c);
/* Every sub-call's row exists (cb_xsys_check): 0 or -EINVAL with why. */
int cb_xsys_socketcall_check(struct cb_err *err);

#endif
