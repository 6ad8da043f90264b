/* ipc (117), the i386 multiplexer that i386 glibc uses for SysV IPC (the
 * direct calls exist from Linux 5.1 on, and glibc uses them only when
 * built for such kernels): the operation in the low 16 bits of a register,
 * a version in the high ones, the arguments in the other registers — not
 * in memory, unlike socketcall's. The control calls go to the rows of
 * their direct calls with the arguments in the direct order
 * (compat_ksys_ipc); every other operation is left to the kernel from the
 * call number alone, before any guest memory is read. */
#include "sysv_ipc.h"

#include <string.h>

#include "../../audit/log.h"
#include "../../supervisor/dispatch.h"
#include "../../supervisor/supervisor.h"

void cb_xsys_ipc_call(struct cb_call *c)
{
	uint32_t call = (uint32_t)c->args[0] & 0xffff;
	const uint64_t *g = c->args; /* call, first, second, third, ptr, fifth */
	const char *direct = call == CB_IPC_SEMCTL ? "semctl"
			     : call == CB_IPC_SHMCTL ? "shmctl"
			     : call == CB_IPC_MSGCTL ? "msgctl" : NULL;
	const struct cb_xsys *row = direct ? cb_xsys_row(direct) : NULL;
	if (!row) {
		if (c->sup->log)
			cb_log_syscall(c->sup->log, c, "kernel");
		/* Safe: only the call number, a register, was looked at. The
		 * others record their caller (semop, semtimedop: sempid and
		 * SEM_UNDO's per-process entries; msgsnd, msgrcv: msg_lspid,
		 * msg_lrpid), map into its address space (shmat, shmdt), or are
		 * the same code and no struct for both ABIs (semget, msgget,
		 * shmget); unknown numbers are the kernel's ENOSYS. --stats
		 * counts the first kind apart (task), as socketcall's. */
		bool task = call == CB_IPC_SEMOP || call == CB_IPC_SEMTIMEDOP ||
			    call == CB_IPC_MSGSND || call == CB_IPC_MSGRCV ||
			    call == CB_IPC_SHMAT || call == CB_IPC_SHMDT;
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE,
					    .out = task ? CB_OUT_K_TASK : CB_OUT_K_ARGS };
		return;
	}
	struct cb_call sub = *c;
	sub.nr = cb_syscall_nr(CB_ARCH_I386, direct);
	sub.via_nr = c->nr;
	if (call == CB_IPC_SEMCTL) {
		/* semctl(first, second, third, *ptr): the row reads the union. */
		uint64_t a[6] = { g[1], g[2], g[3], g[4], 0, 0 };
		memcpy(sub.args, a, sizeof(a));
	} else {
		/* shmctl/msgctl(first, second, ptr). */
		uint64_t a[6] = { g[1], g[2], g[4], 0, 0, 0 };
		memcpy(sub.args, a, sizeof(a));
	}
	cb_xsys_perform(&sub, row);
	c->v = sub.v;
}
