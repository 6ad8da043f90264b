/* Translated syscalls as data: each row says, per argument, what the guest
 * passes (an fd, a record the descriptors describe, a buffer whose length
 * is another argument, ...), and which host call performs it. One generic
 * performer takes the guest's fds, converts the arguments, makes the host
 * call, converts the results back and answers. Quirks that are not layout
 * (a 32-bit caller's view of a value) are hooks on the row. */
#ifndef CB_XSYS_H
#define CB_XSYS_H

#include <stdint.h>

#include "../abi/convert.h"
#include "../supervisor/call.h"
#include "../guest/creds.h"

/* Row flags, besides CB_H_SLOW (dispatch.h). */
enum {
	/* The host call resolves a path. It runs with the guest thread's
	 * filesystem credentials (fsuid, fsgid, groups, effective
	 * capabilities: creds.h), and only when the guest shares the
	 * supervisor's mount and user namespaces and root directory; else
	 * the kernel runs it (decided before any guest memory is read). */
	CB_X_PATH = 1 << 8,
	/* The CALL hook may wait (cb_call_may_block). When no worker could
	 * take the lead the kernel runs the call, decided before any guest
	 * memory is read: the last receiver never waits. */
	CB_X_WAITS = 1 << 9,
	/* The host call runs with the guest thread's credentials as CB_X_PATH
	 * rows do (its capabilities are what the kernel checks), when the
	 * guest shares the supervisor's user namespace; no path is resolved,
	 * so the mount namespace and root do not matter. A CALL hook takes
	 * them itself, around its host call only (cb_xsys_as_guest): guest
	 * memory is read and written with the supervisor's. */
	CB_X_CREDS = 1 << 10,
};

enum cb_xarg_kind {
	CB_XA_NONE,   /* unused slot */
	CB_XA_VALUE,  /* passed as it is (flags, counts, offsets) */
	CB_XA_SVALUE, /* a signed int: sign-extended from the guest's width */
	CB_XA_FD,     /* the guest's fd: replaced by a host copy (AT_FDCWD: the
		       * guest's cwd); one the guest does not have becomes -1,
		       * so the host call fails with EBADF where the kernel would */
	CB_XA_RECORD, /* pointer to one record `record` */
	CB_XA_ARRAY,  /* pointer to `len_arg` records `record` (len_arg -1: `max` of
		       * them, a fixed count: utimensat's two timespecs) */
	CB_XA_BUF,    /* pointer to `len_arg` bytes (-1: `max` bytes) */
	CB_XA_STR,    /* pointer to a NUL-terminated string (at most 4096 bytes) */
};

struct cb_xarg {
	enum cb_xarg_kind kind;
	enum cb_dir dir;
	const char *record; /* RECORD, ARRAY: the record's name in the database */
	int len_arg;        /* ARRAY, BUF: index of the argument holding the count */
	uint32_t max;       /* ARRAY, BUF: largest count accepted (EINVAL beyond) */
	bool clamp;         /* ... or, beyond max, max is what the host call is given
			     * (calls that may do less than asked: getdents) */
	bool ret_len;       /* BUF out: the result is how many bytes the call wrote;
			     * only those go back, the rest stays the guest's */
	bool late;          /* STR: read after every other argument; one that cannot
			     * be read goes to the host call as a faulting address
			     * (x->faulty), so the host kernel says EFAULT where it
			     * reads it: utimensat reads its times, and may return,
			     * before it looks at the path */
};

struct cb_xsys;

/* Hooks: adjust host arguments before the call, or the outcome after it.
 * They get the converted host arguments; POST gets the host result and
 * returns the result to give the guest (or -errno). */
#define CB_XSYS_HELD 8
struct cb_xctx {
	struct cb_call *c;
	struct cb_conv *cv;
	const struct cb_xsys *row;
	uint64_t host[6];
	int64_t result;
	/* Host copies of guest fds, closed when the call is done. */
	struct { int guest, host; } held[CB_XSYS_HELD];
	int nheld;
	int64_t saved;      /* a row's hooks: state kept from PRE to POST/UNDO */
	struct cb_creds creds, self; /* CB_X_PATH: the guest thread's, the worker's */
	/* Set by a hook: a signal the kernel would raise in the caller along
	 * with this result (SIGPIPE with EPIPE). It is sent to the calling
	 * thread right after the answer: before it, a pending signal would
	 * interrupt the guest's wait for the answer. */
	int signal_after;
	/* The arguments came from guest memory (socketcall's block), not
	 * registers: a gate may no longer let the kernel run the call. */
	bool args_read;
	/* Set by a GATE that answers CB_XSYS_KERNEL for a reason --stats
	 * counts apart (CB_OUT_K_NAMESPACE); 0: CB_OUT_K_ARGS. */
	uint8_t kernel_why;
	/* Bit I: host[I] is a faulting address standing in for a guest
	 * pointer that could not be read (a late STR): never dereference it. */
	uint8_t faulty;
};
typedef int (*cb_xhook)(struct cb_xctx *x);

/* A GATE's answer: let the kernel run the call (CONTINUE). */
#define CB_XSYS_KERNEL 1

struct cb_xsys {
	const char *guest;  /* the guest's syscall (i386 name) */
	const char *host;   /* the x86_64 syscall that performs it */
	struct cb_xarg arg[6];
	cb_xhook pre, post;
	unsigned flags;     /* CB_H_SLOW when it always blocks; CB_X_PATH, CB_X_WAITS */
	const char *why;    /* one line for docs/translation.md: what kind of call it is */
	/* GATE runs first, when only the registers (x->c->args) are known and
	 * no guest memory has been read: 0 goes on, a negative errno answers,
	 * CB_XSYS_KERNEL lets the kernel run the call — safe then, since
	 * nothing the guest could change afterwards was looked at (it may hold
	 * fds: those are re-read by the kernel from the same registers). For
	 * calls whose meaning depends on a register (fcntl's command, a clock
	 * id) and checks the kernel makes before touching memory. */
	cb_xhook gate;
	/* UNDO runs when the results could not be written back (x->result is
	 * the error): revert what the host call changed that the kernel, which
	 * fails on its first copy to the guest, would not have (a directory's
	 * position after getdents). */
	cb_xhook undo;
	/* CALL, when set, makes the host call instead of the plain syscall and
	 * returns its result or -errno (after PRE, before POST): calls that
	 * wait cancellably, retry, or carry fds and pointers inside their
	 * arguments (vectored.c, messages.c, readiness.c). */
	cb_xhook call;
};

/* For hooks: *HOST gets a host copy of the guest's fd GFD (AT_FDCWD: the
 * guest's cwd, O_PATH), held until the call is done; one copy per guest fd
 * and call. When the guest has no such fd, *HOST is -1: pass it on, the
 * host call then fails with EBADF where the kernel would. 0, -ENOENT when
 * the call is gone, or another negative errno. */
int cb_xsys_hold_fd(struct cb_xctx *x, int gfd, int *host);
/* The 64-bit value an i386 guest passes in two registers: C's args[LO],
 * the low word, and args[HI] (sys_ia32_* wrappers, compat_arg_u64). */
static inline uint64_t cb_xsys_join64(const struct cb_call *c, int lo, int hi)
{
	return ((uint64_t)(uint32_t)c->args[hi] << 32) | (uint32_t)c->args[lo];
}
/* A CB_X_CREDS row's CALL hook: the guest's credentials for the host
 * call it is about to make (0, or a negative errno: then make none), and
 * back to the worker's right after it. */
int cb_xsys_as_guest(struct cb_xctx *x);
void cb_xsys_as_self(struct cb_xctx *x);
/* 1 when the guest thread of C is in the supervisor's namespace of kind NS
 * ("uts", "time", "mnt", ...; or the kernel has no such kind), 0 when it is
 * not or that cannot be told, -ENOENT when the call is gone. */
int cb_xsys_same_ns(struct cb_call *c, const char *ns);
/* For gates: CB_XSYS_KERNEL (counted as CB_OUT_K_NAMESPACE) when the guest
 * thread is not in the supervisor's namespace of kind NS, else 0; -ENOENT
 * when the call is gone. */
int cb_xsys_gate_ns(struct cb_xctx *x, const char *ns);

/* The tables, each ended by a row with guest == NULL. */
extern const struct cb_xsys cb_xsys_files[];
extern const struct cb_xsys cb_xsys_io[];
extern const struct cb_xsys cb_xsys_offsets[];
extern const struct cb_xsys cb_xsys_sockets[];
extern const struct cb_xsys cb_xsys_ipc[];
extern const struct cb_xsys cb_xsys_file_times[];
extern const struct cb_xsys cb_xsys_clocks[];
extern const struct cb_xsys cb_xsys_sched[];
extern const struct cb_xsys cb_xsys_timerfd[];
extern const struct cb_xsys cb_xsys_mqueue[];

/* The row for ARCH's syscall NR, or NULL. Only i386 guests are translated. */
const struct cb_xsys *cb_xsys_find(enum cb_arch arch, int nr);
/* Perform C as ROW says; sets the verdict and logs. */
void cb_xsys_perform(struct cb_call *c, const struct cb_xsys *row);
struct cb_dispatch;
struct cb_trapset;
/* Perform C, a multiplexer (socketcall), as ROW says for the call NR
 * (the i386 number of the direct syscall) whose N 32-bit arguments are
 * at guest address BLOCK. The checks of registers and the guest's
 * identity run first (the kernel may still run the call then), then the block is read
 * (EFAULT when it cannot be), then everything else as for a direct call
 * (arguments past N are 0); the log names the direct call and C's
 * syscall as "via". */
void cb_xsys_perform_block(struct cb_call *c, const struct cb_xsys *row, int nr, uint64_t block,
			   int n);
/* The row of the i386 syscall named NAME, or NULL. */
const struct cb_xsys *cb_xsys_row(const char *name);
/* Route every row's i386 syscall to the performer in D and trap it in TS
 * (--translate). -EINVAL with a reason when a row is inconsistent. */
int cb_xsys_install(struct cb_dispatch *d, struct cb_trapset *ts, struct cb_err *err);
/* Check every row against the database and the syscall tables (startup
 * and unit tests): -EINVAL with a reason naming the row. */
int cb_xsys_check(struct cb_err *err);

#endif
