/* The i386 calls that pass a 64-bit offset or length in two 32-bit
 * registers, low word first (the kernel's sys_ia32_* wrappers in
 * arch/x86/kernel/sys_ia32.c): the pair becomes one x86_64 register. The
 * checks stay the host kernel's, in its order: a negative offset is EINVAL
 * before the fd is looked at, and an fd the guest does not have goes on
 * as -1 (EBADF where the kernel would say it). */
#include "../xsys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../supervisor/dispatch.h"
#include "../../guest/guest.h"
#include "files.h"
#include "../io.h"

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }
/* do_sys_truncate refuses a negative length before it reads the path. */
#define LATE_STR { .kind = CB_XA_STR, .dir = CB_DIR_IN, .late = true }

/* (fd, lo, hi): ftruncate64 */
static int pre_fd_pos(struct cb_xctx *x)
{
	x->host[1] = cb_xsys_join64(x->c, 1, 2);
	x->host[2] = 0;
	return 0;
}

/* readahead(fd, lo, hi, count) */
static int pre_readahead(struct cb_xctx *x)
{
	x->host[1] = cb_xsys_join64(x->c, 1, 2);
	x->host[2] = (uint32_t)x->c->args[3];
	x->host[3] = 0;
	return 0;
}

/* fadvise64(fd, lo, hi, len, advice): len is a 32-bit size_t. */
static int pre_fadvise64(struct cb_xctx *x)
{
	x->host[1] = cb_xsys_join64(x->c, 1, 2);
	x->host[2] = (uint32_t)x->c->args[3];
	x->host[3] = (uint64_t)(int64_t)(int32_t)x->c->args[4];
	x->host[4] = 0;
	return 0;
}

/* fadvise64_64(fd, lo, hi, len_lo, len_hi, advice), sync_file_range(fd,
 * lo, hi, n_lo, n_hi, flags): two pairs, then the last value. */
static int pre_two_pairs(struct cb_xctx *x)
{
	x->host[1] = cb_xsys_join64(x->c, 1, 2);
	x->host[2] = cb_xsys_join64(x->c, 3, 4);
	x->host[3] = (uint64_t)(int64_t)(int32_t)x->c->args[5];
	x->host[4] = x->host[5] = 0;
	return 0;
}

/* fallocate(fd, mode, off_lo, off_hi, len_lo, len_hi) */
static int pre_fallocate(struct cb_xctx *x)
{
	x->host[2] = cb_xsys_join64(x->c, 2, 3);
	x->host[3] = cb_xsys_join64(x->c, 4, 5);
	x->host[4] = x->host[5] = 0;
	return 0;
}

/* pread64(fd, buf, count, lo, hi), pwrite64: the buffer as readv's one
 * segment (host buffers at the guest's offset within a page, so O_DIRECT
 * files take them; a partly accessible buffer ends where the guest's
 * does). Positional: seekable files only, which never wait for events. */
static int prw(struct cb_xctx *x, bool out)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	if (!out)
		xio_signals_setup();
	struct xio_iov v;
	rc = xio_iov_one(c, (uint32_t)c->args[1], (uint32_t)c->args[2], out, &v);
	if (rc) {
		xio_iov_free(&v);
		return rc;
	}
	long k = syscall(out ? SYS_pread64 : SYS_pwrite64, hfd, v.h[0].iov_base, v.h[0].iov_len,
			 (int64_t)cb_xsys_join64(x->c, 3, 4));
	return xio_iov_done(x, &v, out, k < 0 ? -errno : k);
}

static int call_pread64(struct cb_xctx *x)
{
	return prw(x, true);
}

static int call_pwrite64(struct cb_xctx *x)
{
	return prw(x, false);
}

/* _llseek(fd, hi, lo, result, whence): the offset from the pair (high word
 * first), the new position written to RESULT after the seek was made (a
 * bad pointer is EFAULT with the position moved, as natively). */
static int call_llseek(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int hfd;
	int rc = cb_xsys_hold_fd(x, (int32_t)c->args[0], &hfd);
	if (rc)
		return rc;
	int64_t off = (int64_t)cb_xsys_join64(c, 2, 1);
	int64_t r = lseek(hfd, off, (int)(uint32_t)c->args[4]);
	if (r < 0)
		return -errno;
	return cb_guest_write(c, c->args[3], &r, sizeof(r));
}

/* sendfile(out, in, off, count): off is a compat_off_t. The compat entry
 * sends at most up to MAX_NON_LFS through it (x86_64's sendfile up to the
 * filesystems' limit): a count reaching past is cut, and an offset at it
 * is EOVERFLOW after the fd checks — given as a count of 0, which passes
 * them and sends nothing. The position goes back after the call. */
#define MAX_NON_LFS 0x7fffffffll

static int gate_sendfile(struct cb_xctx *x)
{
	/* A worker does not wait uncancellably: files that may wait (pipes,
	 * blocking sockets) stay with the kernel. Registers and fds only. */
	for (int i = 0; i < 2; i++) {
		int hfd, type;
		int r = cb_xsys_hold_fd(x, (int32_t)x->c->args[i], &hfd);
		if (r)
			return r;
		if (hfd >= 0 && xio_how(hfd, &type) != XIO_DIRECT)
			return CB_XSYS_KERNEL;
	}
	return 0;
}

/* x->saved: the guest's 4 bytes (the converter's copy, written back). */
static int pre_sendfile(struct cb_xctx *x)
{
	int32_t *g = (int32_t *)(uintptr_t)x->host[2];
	x->saved = (int64_t)(uintptr_t)g;
	if (!g)
		return 0;
	int64_t *pos = NULL;
	int r = cb_conv_scratch(x->cv, sizeof(*pos), (void **)&pos);
	if (r < 0)
		return r;
	*pos = *g;
	uint64_t count = (uint32_t)x->c->args[3];
	if (*pos >= MAX_NON_LFS && count)
		x->host[3] = 0; /* EOVERFLOW once the fds passed: POST */
	else if (*pos >= 0 && (int64_t)count > MAX_NON_LFS - *pos)
		x->host[3] = (uint64_t)(MAX_NON_LFS - *pos);
	x->host[2] = (uint64_t)(uintptr_t)pos;
	return 0;
}

static int post_sendfile(struct cb_xctx *x)
{
	int32_t *g = (int32_t *)(uintptr_t)x->saved;
	if (!g)
		return (int)x->result;
	bool overflow = *g >= MAX_NON_LFS && (uint32_t)x->c->args[3];
	*g = (int32_t) * (int64_t *)(uintptr_t)x->host[2];
	x->host[2] = (uint64_t)(uintptr_t)g;
	if (x->result >= 0 && overflow)
		return -EOVERFLOW;
	return (int)x->result;
}

const struct cb_xsys cb_xsys_offsets[] = {
	/* ext4's directories (and overlayfs', ecryptfs') read a 32-bit
	 * caller's positions as 31-bit hashes: the kernel seeks in them. */
	{ "_llseek", "lseek", { VAL, VAL, VAL, VAL, VAL }, .gate = cb_xf_gate_llseek,
	  .call = call_llseek,
	  .why = "fd call: offset from two registers (high first), position written back; "
		 "ext4 directories stay in the kernel (32-bit hash positions)" },
	{ "pread64", "pread64", { VAL, VAL, VAL, VAL, VAL }, .call = call_pread64,
	  .why = "fd call: offset from two registers; buffer keeps the guest's alignment" },
	{ "pwrite64", "pwrite64", { VAL, VAL, VAL, VAL, VAL }, .call = call_pwrite64,
	  .why = "fd call: as pread64; SIGXFSZ goes to the guest" },
	{ "truncate64", "truncate", { LATE_STR, VAL, VAL }, .pre = cb_xf_pre_truncate64,
	  .flags = CB_X_PATH,
	  .why = "path call: length from two registers; relative paths from the guest's cwd" },
	{ "ftruncate64", "ftruncate", { FD, VAL, VAL }, .pre = pre_fd_pos,
	  .why = "fd call: length from two registers" },
	/* The old calls with a 32-bit signed offset or length (compat_off_t):
	 * sign-extended, a negative one is EINVAL from the host as natively. */
	{ "lseek", "lseek", { FD, SVAL, VAL }, .gate = cb_xf_gate_llseek,
	  .why = "fd call: 32-bit signed offset; the 64-bit position is the result, which the "
		 "i386 register truncates as natively; ext4 directories stay in the kernel" },
	{ "truncate", "truncate", { LATE_STR, SVAL }, .pre = cb_xf_pre_cwd_path, .flags = CB_X_PATH,
	  .why = "path call: 32-bit signed length; relative paths from the guest's cwd" },
	{ "ftruncate", "ftruncate", { FD, SVAL },
	  .why = "fd call: 32-bit signed length" },
	{ "sendfile", "sendfile", { FD, FD, { CB_XA_BUF, CB_DIR_INOUT, NULL, -1, 4 }, VAL },
	  .gate = gate_sendfile, .pre = pre_sendfile, .post = post_sendfile,
	  .why = "fd call: compat_off_t offset in and out, at most up to 2^31-1 through it; "
		 "files that may wait stay in the kernel" },
	{ "readahead", "readahead", { FD, VAL, VAL, VAL }, .pre = pre_readahead,
	  .why = "fd call: offset from two registers" },
	{ "fadvise64", "fadvise64", { FD, VAL, VAL, VAL, VAL }, .pre = pre_fadvise64,
	  .why = "fd call: offset from two registers, 32-bit length" },
	{ "fadvise64_64", "fadvise64", { FD, VAL, VAL, VAL, VAL, VAL }, .pre = pre_two_pairs,
	  .why = "fd call: offset and length from two registers each" },
	{ "sync_file_range", "sync_file_range", { FD, VAL, VAL, VAL, VAL, VAL },
	  .pre = pre_two_pairs, .flags = CB_H_SLOW,
	  .why = "fd call: offset and length from two registers each; waits for writeback" },
	{ "fallocate", "fallocate", { FD, VAL, VAL, VAL, VAL, VAL }, .pre = pre_fallocate,
	  .why = "fd call: offset and length from two registers each" },
	{ NULL },
};
