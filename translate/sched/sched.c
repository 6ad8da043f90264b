/* Translated i386 calls on a thread's scheduling, named by tid (0: the
 * caller): sched_getaffinity and sched_setaffinity (compat cpumasks in
 * 32-bit words), sched_rr_get_interval (old timespec). Global objects:
 * a tid means the same thread to the supervisor only in the same PID
 * namespace, so another tid from a guest in its own stays with the kernel
 * (decided from the registers); 0 becomes the calling thread's tid.
 *
 * The masks: kernel/compat.c reads and writes the bitmap as 32-bit words,
 * which on little-endian x86 are the bytes of the 64-bit bitmap, but the
 * lengths differ. A compat caller's length must be a multiple of 4, a
 * native one's of 8; sched_getaffinity returns min(len, cpumask_size())
 * either way (kernel/sched/syscalls.c). So the host is given the length
 * rounded up to 8 and a buffer that holds a whole cpumask, and the guest
 * gets min(len, what the host returned) bytes and as the result. */
#include "../xsys.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../supervisor/dispatch.h"
#include "../../guest/guest.h"

#define SVAL { CB_XA_SVALUE }
#define VAL { CB_XA_VALUE }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }
/* The largest cpumask: x86_64's NR_CPUS is at most 8192 bits. */
#define MASK_MAX 1024u
#define OUT_MASK { CB_XA_BUF, CB_DIR_OUT, NULL, 1, MASK_MAX, true, true }

/* A tid other than 0 from a guest in another PID namespace names another
 * thread for the supervisor: CB_XSYS_KERNEL (safe: registers only). */
static int gate_tid(struct cb_xctx *x)
{
	if ((int32_t)x->c->args[0] == 0)
		return 0;
	return cb_xsys_gate_ns(x, "pid");
}

/* pid 0 is the caller: the guest thread, as the supervisor numbers it. */
static void fix_tid(struct cb_xctx *x)
{
	if ((int32_t)x->c->args[0] == 0)
		x->host[0] = (uint64_t)x->c->n->pid;
}

/* cpumask_size() of the host kernel: what sched_getaffinity returns for
 * a buffer of at least that size. */
static pthread_once_t size_once = PTHREAD_ONCE_INIT;
static long mask_size;

static void size_init(void)
{
	uint8_t buf[MASK_MAX];
	mask_size = syscall(SYS_sched_getaffinity, 0, sizeof(buf), buf);
}

/* A length that is not a multiple of the compat word is EINVAL (as short
 * as nr_cpu_ids, too, which the host says as well). */
static int gate_getaffinity(struct cb_xctx *x)
{
	if (x->c->args[1] & 3)
		return -EINVAL;
	return gate_tid(x);
}

/* The host's own buffer holds a whole mask; the guest's copy (the BUF
 * argument, min(len, MASK_MAX) bytes) is kept for POST. */
static int pre_getaffinity(struct cb_xctx *x)
{
	void *mask = NULL;
	int r = cb_conv_scratch(x->cv, MASK_MAX, &mask);
	if (r < 0)
		return r;
	fix_tid(x);
	uint64_t len = ((uint64_t)(uint32_t)x->c->args[1] + 7) & ~7ull;
	x->host[1] = len > 0xfffffff8u ? 0xfffffff8u : len;
	x->saved = (int64_t)x->host[2];
	x->host[2] = (uint64_t)(uintptr_t)mask;
	return 0;
}

static int post_getaffinity(struct cb_xctx *x)
{
	if (x->result < 0)
		return (int)x->result;
	uint64_t n = (uint32_t)x->c->args[1];
	if ((uint64_t)x->result < n)
		n = (uint64_t)x->result;
	if (n > MASK_MAX)
		return -EINVAL; /* a cpumask larger than any x86_64 kernel's */
	void *guest = (void *)(uintptr_t)x->saved;
	if (!guest)
		return -EFAULT; /* compat_put_bitmap to NULL */
	memcpy(guest, (void *)(uintptr_t)x->host[2], n);
	x->host[2] = (uint64_t)(uintptr_t)guest; /* the copy that goes back, n bytes of it */
	return (int)n;
}

/* sched_setaffinity checks the caller's euid against the target's uids
 * (check_same_owner) before CAP_SYS_NICE; a worker takes the guest's fs
 * ids and capabilities, not its euid: another euid stays with the kernel. */
static int gate_setaffinity(struct cb_xctx *x)
{
	if (x->creds.euid != x->self.euid) {
		x->kernel_why = CB_OUT_K_NAMESPACE;
		return CB_XSYS_KERNEL; /* safe: registers only */
	}
	return gate_tid(x);
}

/* compat_get_user_cpu_mask reads the length rounded up to a 32-bit word,
 * at most cpumask_size() bytes (a shorter mask is zero-filled): the
 * same bytes go to the host, which then reads all it is given. */
static int pre_setaffinity(struct cb_xctx *x)
{
	pthread_once(&size_once, size_init);
	if (mask_size <= 0 || mask_size > MASK_MAX)
		return -ENOSYS;
	uint64_t n = ((uint64_t)(uint32_t)x->c->args[1] + 3) & ~3ull;
	if (n > (uint64_t)mask_size)
		n = (uint64_t)mask_size;
	void *mask = NULL;
	int r = cb_conv_in_buf(x->cv, x->c->args[2], n, CB_DIR_IN, &mask);
	if (r < 0)
		return r;
	fix_tid(x);
	x->host[1] = n;
	x->host[2] = (uint64_t)(uintptr_t)mask;
	return 0;
}

static int pre_tid(struct cb_xctx *x)
{
	fix_tid(x);
	return 0;
}

const struct cb_xsys cb_xsys_sched[] = {
	{ "sched_getaffinity", "sched_getaffinity", { SVAL, VAL, OUT_MASK },
	  .gate = gate_getaffinity, .pre = pre_getaffinity, .post = post_getaffinity,
	  .why = "global: a thread's CPU mask by tid; compat length rules (multiple of 4, the "
		 "result min(len, cpumask size))" },
	{ "sched_setaffinity", "sched_setaffinity", { SVAL, VAL, VAL }, .gate = gate_setaffinity,
	  .pre = pre_setaffinity, .flags = CB_X_CREDS,
	  .why = "global: a thread's CPU mask by tid, with the guest's credentials (CAP_SYS_NICE); "
		 "another euid stays in the kernel" },
	{ "sched_rr_get_interval", "sched_rr_get_interval", { SVAL, OUT_REC("timespec") },
	  .gate = gate_tid, .pre = pre_tid,
	  .why = "global: a thread's time slice by tid, old timespec" },
	{ NULL },
};
