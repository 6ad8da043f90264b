/* Translated i386 calls that set a file's times with 32-bit time_t:
 * utimensat (old timespec pair), futimesat and utimes (old timeval pair),
 * utime (old utimbuf). Path calls (CB_X_PATH): the guest's cwd and
 * credentials, its mount namespace and root, as stat64's rows.
 *
 * The kernel's order of errors (fs/utimes.c): the times are read first
 * (EFAULT), utimensat returns 0 for a pair of UTIME_OMIT without looking
 * at the path or the fd, the flags are checked (EINVAL), and only then is
 * the path read. So the times are converted first and the path is read
 * late: one that cannot be read goes on as a faulting address and the
 * host kernel, reading it at the same step, says EFAULT (or 0, EINVAL
 * before it). A NULL path is utimensat's and futimesat's fd form when the
 * dirfd is not AT_FDCWD, else EFAULT: the dirfd is handed on as the
 * guest's fd, or as the host's AT_FDCWD, never as the guest's cwd. */
#include "../xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/time.h>

#include "../../supervisor/dispatch.h"
#include "../files/files.h"

#define SVAL { CB_XA_SVALUE }
#define PATH { .kind = CB_XA_STR, .dir = CB_DIR_IN, .late = true }
#define IN_PAIR(r) { CB_XA_ARRAY, CB_DIR_IN, r, -1, 2 }
#define IN_REC(r) { CB_XA_RECORD, CB_DIR_IN, r }

/* utimensat(dfd, path, times, flags) */
static int pre_utimensat(struct cb_xctx *x)
{
	int flags = (int)x->c->args[3], dir;
	int r = cb_xf_dirfd_for(x, 1, (int32_t)x->c->args[0], !(flags & AT_SYMLINK_NOFOLLOW), &dir);
	x->host[0] = (uint64_t)(int64_t)dir;
	return r;
}

/* futimesat(dfd, path, tv) */
static int pre_futimesat(struct cb_xctx *x)
{
	int dir;
	int r = cb_xf_dirfd_for(x, 1, (int32_t)x->c->args[0], true, &dir);
	x->host[0] = (uint64_t)(int64_t)dir;
	return r;
}

/* utimes(path, tv) as futimesat(cwd, path, tv) */
static int pre_utimes(struct cb_xctx *x)
{
	int dir;
	int r = cb_xf_dirfd_for(x, 0, AT_FDCWD, true, &dir);
	x->host[2] = x->host[1];
	x->host[1] = x->host[0];
	x->host[0] = (uint64_t)(int64_t)dir;
	x->faulty = (uint8_t)(x->faulty << 1);
	return r;
}

/* utime(path, buf) as futimesat(cwd, path, {{actime, 0}, {modtime, 0}}):
 * compat utime32 sets both nanosecond fields to 0 and checks nothing more,
 * which a timeval pair with no microseconds says exactly. */
static int pre_utime(struct cb_xctx *x)
{
	const struct utimbuf_ {
		long actime, modtime;
	} *u = (const void *)(uintptr_t)x->host[1];
	struct timeval *tv = NULL;
	int r = u ? cb_conv_scratch(x->cv, 2 * sizeof(*tv), (void **)&tv) : 0;
	if (r < 0)
		return r;
	if (u) {
		tv[0] = (struct timeval){ u->actime, 0 };
		tv[1] = (struct timeval){ u->modtime, 0 };
	}
	x->host[1] = (uint64_t)(uintptr_t)tv;
	return pre_utimes(x);
}

const struct cb_xsys cb_xsys_file_times[] = {
	{ "utimensat", "utimensat", { SVAL, PATH, IN_PAIR("timespec"), SVAL }, .pre = pre_utimensat,
	  .flags = CB_X_PATH,
	  .why = "path call: old timespec pair read first, the path late; NULL path: the fd form" },
	{ "futimesat", "futimesat", { SVAL, PATH, IN_PAIR("timeval") }, .pre = pre_futimesat,
	  .flags = CB_X_PATH, .why = "path call: old timeval pair; as utimensat" },
	{ "utimes", "futimesat", { PATH, IN_PAIR("timeval") }, .pre = pre_utimes, .flags = CB_X_PATH,
	  .why = "path call: futimesat from the guest's cwd" },
	{ "utime", "futimesat", { PATH, IN_REC("utimbuf") }, .pre = pre_utime, .flags = CB_X_PATH,
	  .why = "path call: old utimbuf as a timeval pair, futimesat from the guest's cwd" },
	{ NULL },
};
