/* Translated i386 syscalls that move data: vectored I/O, messages with
 * control data, readiness (poll, select, epoll). Each row is one call: what
 * its arguments are and which x86_64 call performs it. Their arguments hold
 * pointers to pointers and fds, and most may wait: the CALL hooks
 * (vectored.c, messages.c, readiness.c, on io_util.c; the
 * rules they follow are in io.h) convert, wait cancellably and make
 * the host call. */
#include "../xsys.h"

#include "../../supervisor/dispatch.h"
#include "../io.h"

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }

const struct cb_xsys cb_xsys_io[] = {
	{ "readv", "preadv2", { FD, VAL, VAL }, .gate = cb_xio_gate_rw, .call = cb_xio_readv,
	  .flags = CB_X_WAITS,
	  .why = "fd call: iovec 8 -> 16 bytes; waits for readiness, then reads with RWF_NOWAIT; "
		 "terminals, signalfd and fanotify stay in the kernel" },
	{ "writev", "pwritev2", { FD, VAL, VAL }, .gate = cb_xio_gate_rw, .call = cb_xio_writev,
	  .flags = CB_X_WAITS,
	  .why = "fd call: as readv; a blocking file takes all the data; SIGPIPE goes to the guest" },
	/* The offset is checked before the fd: taken by the hook. Seekable
	 * files only (ESPIPE otherwise), which never wait for events. */
	{ "preadv", "preadv", { VAL, VAL, VAL, VAL, VAL }, .call = cb_xio_preadv,
	  .why = "fd call: offset from two 32-bit registers (pos_l, pos_h) into x86_64's pos_l" },
	{ "pwritev", "pwritev", { VAL, VAL, VAL, VAL, VAL }, .call = cb_xio_pwritev,
	  .why = "fd call: as preadv" },
	/* An offset of -1 is the file's position: readv's and writev's waits,
	 * or, with flags, only where nothing waits (the gate). */
	{ "preadv2", "preadv2", { VAL, VAL, VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_rw2,
	  .call = cb_xio_preadv2, .flags = CB_X_WAITS,
	  .why = "fd call: as preadv, RWF flags passed on; offset -1 as readv (with flags: "
		 "RWF_NOWAIT or files that never wait only)" },
	{ "pwritev2", "pwritev2", { VAL, VAL, VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_rw2,
	  .call = cb_xio_pwritev2, .flags = CB_X_WAITS,
	  .why = "fd call: as preadv2, and writev for offset -1" },
	{ "sendmsg", "sendmsg", { FD, VAL, VAL }, .gate = cb_xio_gate_sendmsg,
	  .call = cb_xio_sendmsg, .flags = CB_X_WAITS,
	  .why = "socket call: msghdr 28 -> 56 bytes, iovecs, control messages re-framed; "
		 "SCM_RIGHTS fds taken from the guest, SCM_CREDENTIALS checked as the guest's; "
		 "MSG_ZEROCOPY stays in the kernel (it sends the caller's own pages later)" },
	{ "recvmsg", "recvmsg", { FD, VAL, VAL }, .call = cb_xio_recvmsg, .flags = CB_X_WAITS,
	  .why = "socket call: as sendmsg; received fds installed with ADDFD (no SEND), "
		 "MSG_CTRUNC as the compat code truncates" },
	{ "poll", "poll", { VAL, VAL, SVAL }, .call = cb_xio_poll, .flags = CB_X_WAITS,
	  .why = "fds inside the argument: polled through host copies, in 20 ms slices" },
	{ "select", "select", { VAL }, .call = cb_xio_old_select, .flags = CB_X_WAITS,
	  .why = "fds inside: old_select's five words read from one pointer, then as _newselect" },
	{ "_newselect", "select", { SVAL, VAL, VAL, VAL, VAL }, .call = cb_xio_select,
	  .flags = CB_X_WAITS,
	  .why = "fds inside the argument: fd_set bits of guest fds to host fds and back; "
		 "old timeval updated with the time left" },
	/* A signal mask (a register says whether there is one) stays in the
	 * kernel: it is the caller's during the wait. */
	{ "ppoll", "ppoll", { VAL, VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_pwait,
	  .call = cb_xio_ppoll, .flags = CB_X_WAITS,
	  .why = "fds inside the argument: as poll; old 32-bit timespec, time left written back; "
		 "a signal mask stays in the kernel" },
	{ "ppoll_time64", "ppoll", { VAL, VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_pwait,
	  .call = cb_xio_ppoll64, .flags = CB_X_WAITS,
	  .why = "fds inside the argument: as ppoll, 64-bit timespec" },
	{ "pselect6", "pselect6", { SVAL, VAL, VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_pwait,
	  .call = cb_xio_pselect6, .flags = CB_X_WAITS,
	  .why = "fds inside the argument: as _newselect; old 32-bit timespec; a signal mask "
		 "stays in the kernel" },
	{ "pselect6_time64", "pselect6", { SVAL, VAL, VAL, VAL, VAL, VAL },
	  .gate = cb_xio_gate_pwait, .call = cb_xio_pselect6_64, .flags = CB_X_WAITS,
	  .why = "fds inside the argument: what i386 glibc's select() calls; 64-bit timespec" },
	{ "epoll_ctl", "epoll_ctl", { VAL, VAL, VAL, VAL }, .gate = cb_xio_gate_epoll_ctl,
	  .call = cb_xio_epoll_ctl,
	  .why = "registers under the guest's fd number (a helper thread with its own fd "
		 "table); signalfd targets stay in the kernel" },
	{ "epoll_wait", "epoll_wait", { VAL, VAL, VAL, SVAL }, .gate = cb_xio_gate_epoll_wait,
	  .flags = CB_X_WAITS,
	  .call = cb_xio_epoll_wait,
	  .why = "the guest's instance through a host copy; waits by polling it, then takes "
		 "events; epoll_event is 12 bytes on both" },
	{ "epoll_pwait2", "epoll_pwait2", { VAL, VAL, VAL, VAL, VAL, VAL },
	  .gate = cb_xio_gate_epoll_pwait2, .call = cb_xio_epoll_pwait2, .flags = CB_X_WAITS,
	  .why = "as epoll_wait with a 64-bit timespec; a signal mask stays in the kernel" },
	{ NULL },
};
