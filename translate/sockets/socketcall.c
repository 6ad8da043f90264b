/* socketcall (102), the i386 multiplexer that i386 glibc uses for every
 * socket call: call number in a register, its arguments as 32-bit words
 * in guest memory. Each sub-call goes to the row of the direct syscall
 * that does the same (sockets.c, messages.c), which reads the block once
 * (cb_xsys_perform_block); the sub-calls the kernel runs are decided from
 * the call number alone, before any guest memory is read. */
#include "sockets.h"

#include <errno.h>
#include <stddef.h>

#include "../../common/error.h"

#include "../../supervisor/dispatch.h"
#include "../../audit/log.h"
#include "../../supervisor/supervisor.h"

/* compat_sys_socketcall's table: the words each call takes, and the
 * direct call that does the same (send is sendto without an address, recv
 * recvfrom, accept accept4 without flags: the words after N are 0).
 * NULL: the kernel runs it (they record the caller; docs/translation.md). */
static const struct {
	int nwords;
	const char *direct;
} sub[] = {
	[1] = { 3, NULL },          /* SYS_SOCKET */
	[2] = { 3, NULL },          /* SYS_BIND */
	[3] = { 3, NULL },          /* SYS_CONNECT */
	[4] = { 2, NULL },          /* SYS_LISTEN */
	[5] = { 3, "accept4" },     /* SYS_ACCEPT */
	[6] = { 3, "getsockname" }, /* SYS_GETSOCKNAME */
	[7] = { 3, "getpeername" }, /* SYS_GETPEERNAME */
	[8] = { 4, NULL },          /* SYS_SOCKETPAIR */
	[9] = { 4, "sendto" },      /* SYS_SEND */
	[10] = { 4, "recvfrom" },   /* SYS_RECV */
	[11] = { 6, "sendto" },     /* SYS_SENDTO */
	[12] = { 6, "recvfrom" },   /* SYS_RECVFROM */
	[13] = { 2, "shutdown" },   /* SYS_SHUTDOWN */
	[14] = { 5, "setsockopt" }, /* SYS_SETSOCKOPT */
	[15] = { 5, "getsockopt" }, /* SYS_GETSOCKOPT */
	[16] = { 3, "sendmsg" },    /* SYS_SENDMSG */
	[17] = { 3, "recvmsg" },    /* SYS_RECVMSG */
	[18] = { 4, "accept4" },    /* SYS_ACCEPT4 */
	[19] = { 5, "recvmmsg" },   /* SYS_RECVMMSG: old 32-bit timeout */
	[20] = { 4, "sendmmsg" },   /* SYS_SENDMMSG */
};

int cb_xsys_socketcall_check(struct cb_err *err)
{
	for (size_t i = 1; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if (!sub[i].direct)
			continue;
		const struct cb_xsys *row = cb_xsys_row(sub[i].direct);
		int nr = cb_syscall_nr(CB_ARCH_I386, sub[i].direct);
		if (!row || nr < 0)
			return cb_fail(err, EINVAL, "socketcall %zu: no translation row %s", i,
				       sub[i].direct);
		for (int a = sub[i].nwords; a < 6; a++)
			if (row->arg[a].kind == CB_XA_FD || row->arg[a].kind == CB_XA_STR)
				return cb_fail(err, EINVAL, "socketcall %zu: %s argument %d is not in "
					       "the block", i, sub[i].direct, a);
	}
	return 0;
}

void cb_xsys_socketcall(struct cb_call *c)
{
	uint32_t call = (uint32_t)c->args[0];
	if (call < 1 || call >= sizeof(sub) / sizeof(sub[0])) {
		cb_ret_err(c, EINVAL); /* before the block is read */
		if (c->sup->log)
			cb_log_syscall(c->sup->log, c, "translated");
		return;
	}
	const struct cb_xsys *row = sub[call].direct ? cb_xsys_row(sub[call].direct) : NULL;
	if (!row) {
		if (c->sup->log)
			cb_log_syscall(c->sup->log, c, "kernel");
		/* Safe: only the call number, a register, was looked at. */
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = CB_OUT_K_TASK };
		return;
	}
	cb_xsys_perform_block(c, row, cb_syscall_nr(CB_ARCH_I386, sub[call].direct), c->args[1],
			      sub[call].nwords);
}
