/* SysV IPC of i386 guests: the control calls' rows (ctl.c) and the
 * ipc(2) multiplexer (ipc_call.c). */
#ifndef CB_XSYS_SYSV_IPC_H
#define CB_XSYS_SYSV_IPC_H

#include "../xsys.h"

/* ipc(2)'s call numbers for the control calls (linux/ipc.h). */
enum { CB_IPC_SEMCTL = 3, CB_IPC_MSGCTL = 14, CB_IPC_SHMCTL = 24 };
/* ... and for those tied to the caller (their direct calls' class is task). */
enum { CB_IPC_SEMOP = 1, CB_IPC_SEMTIMEDOP = 4, CB_IPC_MSGSND = 11, CB_IPC_MSGRCV = 12,
       CB_IPC_SHMAT = 21, CB_IPC_SHMDT = 22 };

/* The rows' GATE and CALL hooks. A call that came through ipc() (via_nr
 * set) takes its command's IPC_64 bit as the layout's version, as
 * compat_ipc_parse_version does, and semctl's union behind a pointer;
 * a direct call always has the 64-bit layouts. */
int cb_xipc_gate_semctl(struct cb_xctx *x);
int cb_xipc_semctl(struct cb_xctx *x);
int cb_xipc_gate_shmctl(struct cb_xctx *x);
int cb_xipc_shmctl(struct cb_xctx *x);
int cb_xipc_gate_msgctl(struct cb_xctx *x);
int cb_xipc_msgctl(struct cb_xctx *x);

/* Every record the hooks name exists: 0, or -EINVAL with why. */
int cb_xipc_check(struct cb_err *err);

/* ipc (117): semctl, shmctl and msgctl go to their rows; the kernel runs
 * every other sub-call, decided from the call number (a register). */
void cb_xsys_ipc_call(struct cb_call *c);

#endif
