/* Hooks of the translated file and system calls (the rows are in
 * files.c). Two kinds: argument shapes a row cannot say (the x86_64
 * call that performs an i386 one takes other arguments: stat64 becomes
 * newfstatat with the guest's cwd, ugetrlimit becomes prlimit64 on the
 * guest), and what the kernel does for a 32-bit caller besides converting
 * layouts (sysinfo's rescaling, ext4's 32-bit directory hashes, statfs64's
 * size check). Gates decide from registers alone, before any guest memory
 * is read, so answering CB_XSYS_KERNEL (CONTINUE) from them is safe. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../abi/builtin.h"
#include "../../common/cleanup.h"
#include "../../guest/guest.h"
#include "../../guest/creds.h"

#define PATH_MAX_ 4096 /* with the NUL, as the kernel's getname counts */

static const char *host_str(const struct cb_xctx *x, int i)
{
	return (const char *)(uintptr_t)x->host[i];
}

static void *host_ptr(const struct cb_xctx *x, int i)
{
	return (void *)(uintptr_t)x->host[i];
}

/* RC, unless the guest's call is gone (then -ENOENT: the performer
 * abandons it). */
static int unless_gone(struct cb_xctx *x, int rc)
{
	return cb_call_live(x->c) ? -ENOENT : rc;
}

/* ---- namespaces and personality of the calling thread ---- */

/* The guest thread's personality(2) value, or a negative errno. */
static int guest_personality(struct cb_xctx *x, unsigned long *out)
{
	char p[48], buf[32];
	snprintf(p, sizeof(p), "/proc/%u/personality", x->c->n->pid);
	cb_creds_settle(); /* ptrace's check */
	cleanup_fd int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = 0;
	if (cb_call_live(x->c))
		return -ENOENT;
	return sscanf(buf, "%lx", out) == 1 ? 0 : -EIO;
}

/* ---- paths ---- */

int cb_xsys_proc_self(const char *path, pid_t tgid, pid_t tid, bool follow, char *out,
		      size_t cap)
{
	static const struct {
		const char *name;
		bool thread;
	} self[] = { { "/proc/self", false }, { "/proc/thread-self", true } };
	for (size_t i = 0; i < sizeof(self) / sizeof(self[0]); i++) {
		size_t n = strlen(self[i].name);
		if (strncmp(path, self[i].name, n) != 0 || (path[n] != '/' && path[n] != 0))
			continue;
		if (path[n] == 0 && !follow)
			return 0; /* lstat of the link: the same link for every caller */
		int len = self[i].thread
				  ? snprintf(out, cap, "/proc/%d/task/%d%s", (int)tgid, (int)tid, path + n)
				  : snprintf(out, cap, "/proc/%d%s", (int)tgid, path + n);
		if (len < 0 || (size_t)len >= cap || len >= PATH_MAX_)
			return -ENAMETOOLONG;
		return len;
	}
	return 0;
}

int cb_xf_fix_path(struct cb_xctx *x, int i, bool follow, bool *rel)
{
	const char *p = host_str(x, i);
	*rel = false;
	if (x->faulty & (1u << i))
		return 0; /* EFAULT from the host call, whatever the directory */
	*rel = !p || p[0] != '/';
	if (*rel || strncmp(p, "/proc/", 6) != 0)
		return 0;
	char tmp[PATH_MAX_];
	pid_t tgid = cb_guest_tgid(x->c);
	if (!tgid)
		return unless_gone(x, -ESRCH);
	int n = cb_xsys_proc_self(p, tgid, (pid_t)x->c->n->pid, follow, tmp, sizeof(tmp));
	if (n <= 0)
		return n;
	char *out = NULL;
	int r = cb_conv_scratch(x->cv, (size_t)n + 1, (void **)&out);
	if (r < 0)
		return r;
	memcpy(out, tmp, (size_t)n + 1);
	x->host[i] = (uint64_t)(uintptr_t)out;
	return 0;
}

/* The host dirfd for the guest's DFD and the path in host[I]: the guest's
 * fd (its cwd for AT_FDCWD) when the path is relative or empty, or NULL
 * with an fd (the fd form); the host's AT_FDCWD otherwise — an absolute
 * path ignores it, and NULL with AT_FDCWD is EFAULT. */
int cb_xf_dirfd_for(struct cb_xctx *x, int i, int dfd, bool follow, int *dir)
{
	bool rel;
	*dir = AT_FDCWD;
	int r = cb_xf_fix_path(x, i, follow, &rel);
	if (r < 0 || !rel || (!x->host[i] && dfd == AT_FDCWD))
		return r;
	return cb_xsys_hold_fd(x, dfd, dir);
}

/* stat64(path, buf) and lstat64 as newfstatat(dir, path, buf, FLAGS), the
 * directory being the guest's cwd (only looked up when the path is
 * relative: an absolute one ignores it). */
static int path_stat(struct cb_xctx *x, int flags)
{
	bool rel;
	int dir = AT_FDCWD, r = cb_xf_fix_path(x, 0, !(flags & AT_SYMLINK_NOFOLLOW), &rel);
	if (r == 0 && rel)
		r = cb_xsys_hold_fd(x, AT_FDCWD, &dir);
	x->host[3] = (uint64_t)flags;
	x->host[2] = x->host[1];
	x->host[1] = x->host[0];
	x->host[0] = (uint64_t)(int64_t)dir;
	return r;
}

int cb_xf_pre_stat(struct cb_xctx *x)
{
	return path_stat(x, 0);
}

int cb_xf_pre_lstat(struct cb_xctx *x)
{
	return path_stat(x, AT_SYMLINK_NOFOLLOW);
}

/* (dirfd, path, ...) with the stat family's FLAGS: the dirfd is taken only
 * when the path needs it (relative, empty or NULL: a pidfd_getfd less for
 * absolute paths). Order of errors is the kernel's either way: a dirfd the
 * guest does not have goes on as -1, and the host kernel reads the path
 * before it looks the dirfd up (EFAULT before EBADF) and ignores it for an
 * absolute path. */
static int at_path(struct cb_xctx *x, int flags)
{
	bool rel;
	int dir = AT_FDCWD, r = cb_xf_fix_path(x, 1, !(flags & AT_SYMLINK_NOFOLLOW), &rel);
	if (r == 0 && rel)
		r = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &dir);
	x->host[0] = (uint64_t)(int64_t)dir;
	return r;
}

/* fstatat64(dirfd, path, buf, flags) */
int cb_xf_pre_fstatat(struct cb_xctx *x)
{
	return at_path(x, (int)x->c->args[3]);
}

/* ---- statfs ---- */

/* statfs64 and fstatfs64 take the struct's size: anything but the guest's
 * sizeof(struct statfs64) (84 on i386) is EINVAL, before the path or the fd
 * is looked at, as in the kernel. */
int cb_xf_gate_statfs(struct cb_xctx *x)
{
	const struct cb_record *r = cb_abi_record(&cb_abi_builtin, "statfs64");
	return r && x->c->args[1] == r->size[x->c->arch] ? 0 : -EINVAL;
}

/* statfs64(path, size, buf) as statfs(path, buf). statfs has no dirfd: a
 * relative path goes through the held guest cwd as /proc/self/fd/N/PATH
 * (the supervisor's own /proc/self: N is its copy). A relative path within
 * 20-odd bytes of PATH_MAX then no longer fits: ENAMETOOLONG. */
static int path_from_cwd(struct cb_xctx *x)
{
	bool rel;
	int r = cb_xf_fix_path(x, 0, true, &rel);
	const char *p = host_str(x, 0);
	if (r == 0 && rel && p && *p) {
		int dir = -1;
		char *out = NULL;
		r = cb_xsys_hold_fd(x, AT_FDCWD, &dir);
		if (r == 0)
			r = cb_conv_scratch(x->cv, PATH_MAX_, (void **)&out);
		if (r == 0) {
			int n = snprintf(out, PATH_MAX_, "/proc/self/fd/%d/%s", dir, p);
			if (n < 0 || n >= PATH_MAX_)
				r = -ENAMETOOLONG;
			x->host[0] = (uint64_t)(uintptr_t)out;
		}
	}
	return r;
}

int cb_xf_pre_statfs(struct cb_xctx *x)
{
	int r = path_from_cwd(x);
	x->host[1] = x->host[2];
	x->host[2] = 0;
	return r;
}

/* truncate64(path, len_lo, len_hi) as truncate(path, len): no dirfd
 * either, so a relative path goes the way statfs64's does. */
int cb_xf_pre_truncate64(struct cb_xctx *x)
{
	int r = path_from_cwd(x);
	x->host[1] = cb_xsys_join64(x->c, 1, 2);
	x->host[2] = 0;
	return r;
}

/* truncate(path, len), statfs(path, buf): no dirfd, the path first. */
int cb_xf_pre_cwd_path(struct cb_xctx *x)
{
	return path_from_cwd(x);
}

/* statx(dirfd, path, flags, mask, buf): struct statx is the same 256
 * bytes for both ABIs; the dirfd is taken as fstatat64's is. */
int cb_xf_pre_statx(struct cb_xctx *x)
{
	return at_path(x, (int)x->c->args[2]);
}

/* fstatfs64(fd, size, buf) as fstatfs(fd, buf). */
int cb_xf_pre_fstatfs(struct cb_xctx *x)
{
	x->host[1] = x->host[2];
	x->host[2] = 0;
	return 0;
}

/* put_compat_statfs64 refuses block sizes with bits above 32 — an unsigned
 * test the eoverflow annotation (signed for these longs) would not make;
 * the annotations truncate everything else. */
int cb_xf_post_statfs(struct cb_xctx *x)
{
	const struct statfs *s = host_ptr(x, 1);
	if (x->result < 0 || !s)
		return (int)x->result;
	if (((uint64_t)s->f_bsize | (uint64_t)s->f_frsize) >> 32)
		return -EOVERFLOW;
	return (int)x->result;
}

/* ---- the old stat and statfs ---- */

/* cp_compat_stat: uids and gids past 16 bits read as overflowuid (65534,
 * the default of /proc/sys/kernel/overflowuid: not read), a size above
 * 2^31-1 is EOVERFLOW (the i386 field is unsigned: the converter would
 * let 4 GiB through); inode and link count are the converter's EOVERFLOW,
 * the times, blocks and blksize its truncation. */
static int old_stat(struct cb_xctx *x, int i)
{
	struct stat *st = host_ptr(x, i);
	if (x->result < 0 || !st)
		return (int)x->result;
	if (st->st_uid > 0xffff)
		st->st_uid = 65534;
	if (st->st_gid > 0xffff)
		st->st_gid = 65534;
	if ((uint64_t)st->st_size > 0x7fffffff)
		return -EOVERFLOW;
	return (int)x->result;
}

int cb_xf_post_oldstat_path(struct cb_xctx *x)
{
	return old_stat(x, 2);
}

int cb_xf_post_oldstat_fd(struct cb_xctx *x)
{
	return old_stat(x, 1);
}

/* put_compat_statfs: block counts and sizes with bits above 32 are
 * EOVERFLOW, and so are file counts but -1 ("no limit", kept as 32 ones). */
int cb_xf_post_oldstatfs(struct cb_xctx *x)
{
	const struct statfs *s = host_ptr(x, 1);
	if (x->result < 0 || !s)
		return (int)x->result;
	uint64_t big = (uint64_t)s->f_blocks | (uint64_t)s->f_bfree | (uint64_t)s->f_bavail |
		       (uint64_t)s->f_bsize | (uint64_t)s->f_frsize;
	if (big >> 32)
		return -EOVERFLOW;
	if (((uint64_t)s->f_files != ~0ull && (uint64_t)s->f_files >> 32) ||
	    ((uint64_t)s->f_ffree != ~0ull && (uint64_t)s->f_ffree >> 32))
		return -EOVERFLOW;
	return (int)x->result;
}

/* ---- getdents64 ---- */

/* Filesystems whose directory offsets depend on the caller's ABI: ext2/3/4
 * (one driver, one magic) hand a 32-bit caller 31-bit major hashes where a
 * 64-bit caller gets major:minor pairs (is_32bit_api() in fs/ext4/dir.c),
 * and interpret positions given back (lseek, seekdir) the same way. The
 * stacking filesystems read their lower directory in the caller's context
 * (overlayfs for a directory only one layer has, ecryptfs always), so an
 * ext4 below them shows through. */
static const unsigned long abi_dependent_dirs[] = {
	EXT4_SUPER_MAGIC,
	OVERLAYFS_SUPER_MAGIC,
	ECRYPTFS_SUPER_MAGIC,
};

/* Directories on those stay with the kernel: offsets from the supervisor
 * would be 64-bit hashes that the guest's own lseek then refuses. */
int cb_xf_gate_getdents(struct cb_xctx *x)
{
	int fd = -1, r = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &fd);
	struct statfs s;
	if (r < 0 || fd < 0 || fstatfs(fd, &s) < 0)
		return r; /* the host call reports a bad fd */
	for (size_t i = 0; i < sizeof(abi_dependent_dirs) / sizeof(abi_dependent_dirs[0]); i++)
		if ((unsigned long)s.f_type == abi_dependent_dirs[i])
			return CB_XSYS_KERNEL;
	return 0;
}

int cb_xf_gate_llseek(struct cb_xctx *x)
{
	int fd = -1, r = cb_xsys_hold_fd(x, (int32_t)x->c->args[0], &fd);
	struct stat st;
	if (r < 0 || fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return r; /* only directories' positions depend on the caller */
	return cb_xf_gate_getdents(x);
}

/* The directory's position before the call, for undo. */
int cb_xf_pre_getdents(struct cb_xctx *x)
{
	x->saved = lseek((int)x->host[0], 0, SEEK_CUR);
	return 0;
}

/* The entries could not be written to the guest: the kernel, faulting on
 * the first one, would not have moved the position (the guest's file is
 * the one the supervisor read through), so put it back. */
int cb_xf_undo_getdents(struct cb_xctx *x)
{
	if (x->saved >= 0)
		lseek((int)x->host[0], x->saved, SEEK_SET);
	return 0;
}

/* ---- readdir (old_readdir: one entry per call) ---- */

/* What the host's getdents64 gives, which readdir and getdents convert. */
struct dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* compat_fillonedir's record: d_ino and d_offset 32 bits, the name NUL-ended. */
struct old_dirent32 {
	uint32_t d_ino, d_offset;
	uint16_t d_namlen;
	char d_name[256];
} __attribute__((packed));

/* The first entry of a getdents64 read, then the position put where the
 * kernel's old_readdir leaves it: after that entry, or where it was when
 * the entry is not given (EOVERFLOW, EFAULT). The entry's own offset is the
 * position before the call. */
int cb_xf_readdir(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int fd;
	int r = cb_xsys_hold_fd(x, (int32_t)c->args[0], &fd);
	if (r)
		return r;
	off_t at = fd < 0 ? 0 : lseek(fd, 0, SEEK_CUR);
	/* Room for one entry with the longest name (280 bytes). */
	_Alignas(8) char buf[512];
	long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? -errno : 0;
	const struct dirent64_ *e = (const void *)buf;
	size_t len = strnlen(e->d_name, 255);
	struct old_dirent32 d = { .d_ino = (uint32_t)e->d_ino, .d_offset = (uint32_t)at,
				  .d_namlen = (uint16_t)len };
	memcpy(d.d_name, e->d_name, len);
	if (d.d_ino != e->d_ino)
		r = -EOVERFLOW;
	else
		r = cb_guest_write(c, c->args[1], &d, offsetof(struct old_dirent32, d_name) + len + 1);
	lseek(fd, r ? at : e->d_off, SEEK_SET);
	return r ? r : 1;
}

/* ---- getdents (the old 32-bit linux_dirent) ---- */

/* compat_filldir's record: 32-bit inode and next offset, the name NUL-ended,
 * the type in the last byte, 4-byte aligned. */
#define DIRENT32_NAME 10
#define DIRENT32_MAX (64u << 10) /* as getdents64's row: fewer bytes per call */

/* The 32-bit record E becomes: its size, and the name's length in *LEN. */
static size_t dirent32_size(const struct dirent64_ *e, size_t *len)
{
	*len = strnlen(e->d_name, 255);
	return (DIRENT32_NAME + *len + 2 + 3) & ~(size_t)3;
}

/* A host getdents64 read into twice the guest's room (a 64-bit record is at
 * most twice its 32-bit one, so at least the entries the kernel would
 * give), converted while they fit; the position is then set after the
 * last one given. The bytes between a name's NUL and its type byte stay
 * the guest's, as the kernel writes around them. */
int cb_xf_getdents(struct cb_xctx *x)
{
	struct cb_call *c = x->c;
	int fd;
	int r = cb_xsys_hold_fd(x, (int32_t)c->args[0], &fd);
	if (r)
		return r;
	uint32_t count = (uint32_t)c->args[2];
	if (count > DIRENT32_MAX)
		count = DIRENT32_MAX;
	cleanup_free char *in = malloc((size_t)count * 2 + 8), *out = malloc((size_t)count + 1);
	if (!in || !out)
		return -ENOMEM;
	off_t at = fd < 0 ? 0 : lseek(fd, 0, SEEK_CUR);
	long n = syscall(SYS_getdents64, fd, in, (size_t)count * 2);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	size_t used = 0;
	int64_t next = at;
	int stop = 0, given = 0;
	for (long o = 0; o < n;) {
		const struct dirent64_ *e = (const void *)(in + o);
		size_t len, rec = dirent32_size(e, &len);
		/* compat_filldir's order: room first, then the inode. */
		if (used + rec > count) {
			stop = -EINVAL;
			break;
		}
		if ((uint32_t)e->d_ino != e->d_ino) {
			stop = -EOVERFLOW;
			break;
		}
		used += rec;
		given++;
		next = e->d_off;
		o += e->d_reclen;
	}
	if (!used) {
		lseek(fd, at, SEEK_SET);
		return stop;
	}
	r = cb_guest_read_back(c, c->args[1], out, used);
	used = 0;
	for (long o = 0; !r && given-- > 0;) {
		const struct dirent64_ *e = (const void *)(in + o);
		size_t len, rec = dirent32_size(e, &len);
		uint32_t v[2] = { (uint32_t)e->d_ino, (uint32_t)e->d_off };
		uint16_t reclen = (uint16_t)rec;
		memcpy(out + used, v, sizeof(v));
		memcpy(out + used + 8, &reclen, 2);
		memcpy(out + used + DIRENT32_NAME, e->d_name, len + 1);
		out[used + rec - 1] = (char)e->d_type;
		used += rec;
		o += e->d_reclen;
	}
	if (!r)
		r = cb_guest_write(c, c->args[1], out, used);
	lseek(fd, r ? at : next, SEEK_SET);
	return r ? r : (int)used;
}

/* ---- fanotify_mark ---- */

/* The 64-bit mask from two registers (low first: compat_sys_fanotify_mark
 * on little-endian), then (dfd, path) as utimensat's: the path read late,
 * after the group's fd, as fanotify_find_path reads it. */
int cb_xf_pre_fanotify_mark(struct cb_xctx *x)
{
	const uint64_t *a = x->c->args;
	unsigned flags = (unsigned)a[1];
	int dir;
	int r = cb_xf_dirfd_for(x, 5, (int32_t)a[4], !(flags & FAN_MARK_DONT_FOLLOW), &dir);
	x->host[2] = cb_xsys_join64(x->c, 2, 3);
	x->host[3] = (uint64_t)(int64_t)dir;
	x->host[4] = x->host[5];
	x->host[5] = 0;
	if (x->faulty & (1u << 5))
		x->faulty = (uint8_t)((x->faulty & ~(1u << 5)) | 1u << 4);
	return r;
}

/* ---- fcntl64, fcntl ----
 *
 * x86's syscall_32.tbl enters both as compat_sys_fcntl64 (measured: fcntl
 * with i386's F_GETLK64 and a bad fd is EBADF, F_OFD_SETLKW with a bad
 * pointer EFAULT; compat_sys_fcntl, which refuses those with EINVAL, is
 * other architectures'): one gate and one hook for both. */

/* The commands performed: those on the open file description, which the
 * supervisor's copy of the fd shares. The open-file-description locks
 * (struct flock64 in the command's direction) are owned by it; POSIX
 * record locks (F_GETLK64, F_SETLK64, F_SETLKW64, F_GETLK...) belong to
 * the calling process: set by the supervisor they would be its own (and
 * dropped when it closes its copy), and F_GETLK would report the guest's
 * own locks as conflicts. F_OFD_SETLKW blocks: a worker waiting for the
 * lock would not see the guest's call interrupted by a signal and would
 * take the lock anyway afterwards.
 *
 * Value commands on the file: its status flags, signal number, lease
 * type, pipe size and seals. F_SETFL stays in the kernel when it asks for
 * O_ASYNC (the fasync entry records the caller's fd number, the si_fd of
 * SIGIO) or O_NOATIME (the caller must own the file: inode_owner_or_capable
 * with its fsuid and CAP_FOWNER). The rest are the caller's: its fd table
 * (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_DUPFD_QUERY), what
 * records the caller in the file (F_SETOWN, F_SETOWN_EX and F_SETLEASE,
 * which make it the file's owner for SIGIO; F_NOTIFY), pids in its PID
 * namespace (F_GETOWN, F_GETOWN_EX), and F_SETPIPE_SZ, checked against
 * the caller's CAP_SYS_RESOURCE. */
static const struct {
	unsigned cmd;
	bool lock;           /* arg points to a struct flock64 */
	enum cb_dir dir;     /* ... in this direction */
	unsigned long kernel_if; /* bits of arg that leave the call to the kernel */
} fcntl_cmds[] = {
	{ F_OFD_GETLK, true, CB_DIR_INOUT, 0 },
	{ F_OFD_SETLK, true, CB_DIR_IN, 0 },
	{ F_GETFL, false, CB_DIR_NONE, 0 },
	{ F_SETFL, false, CB_DIR_NONE, O_ASYNC | O_NOATIME },
	{ F_GETSIG, false, CB_DIR_NONE, 0 },
	{ F_SETSIG, false, CB_DIR_NONE, 0 },
	{ F_GETLEASE, false, CB_DIR_NONE, 0 },
	{ F_GETPIPE_SZ, false, CB_DIR_NONE, 0 },
	{ F_ADD_SEALS, false, CB_DIR_NONE, 0 },
	{ F_GET_SEALS, false, CB_DIR_NONE, 0 },
};

static int fcntl_cmd(uint64_t cmd)
{
	for (size_t i = 0; i < sizeof(fcntl_cmds) / sizeof(fcntl_cmds[0]); i++)
		if (fcntl_cmds[i].cmd == cmd)
			return (int)i;
	return -1;
}

/* The commands above that are the caller's, as i386 numbers (F_GETLK64
 * and its kin are 12-14 there): --stats counts them apart ("task"), since
 * no process but the caller could run them. F_SETPIPE_SZ and O_NOATIME
 * are only checked against the caller's credentials, F_OFD_SETLKW waits:
 * those are not. */
static const unsigned fcntl_task_cmds[] = {
	F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, 1027 /* F_DUPFD_QUERY */,
	F_GETLK, F_SETLK, F_SETLKW, 12, 13, 14, F_SETOWN, F_GETOWN, F_SETOWN_EX,
	F_GETOWN_EX, 17 /* F_GETOWNER_UIDS */, F_SETLEASE, F_NOTIFY,
};

/* CONTINUE for the rest is safe: only the command and argument registers
 * were looked at, and whether the third argument is a pointer depends on
 * the command. */
int cb_xf_gate_fcntl(struct cb_xctx *x)
{
	uint64_t cmd = x->c->args[1];
	int i = fcntl_cmd(cmd);
	if (i >= 0 && !(x->c->args[2] & fcntl_cmds[i].kernel_if))
		return 0;
	if (cmd == F_SETFL && (x->c->args[2] & O_ASYNC))
		x->kernel_why = CB_OUT_K_TASK;
	for (size_t k = 0; k < sizeof(fcntl_task_cmds) / sizeof(fcntl_task_cmds[0]); k++)
		if (cmd == fcntl_task_cmds[k])
			x->kernel_why = CB_OUT_K_TASK;
	return CB_XSYS_KERNEL;
}

/* The lock struct, in the command's direction (F_OFD_SETLK's is not written
 * back). The kernel fails a bad fd, and an O_PATH one (check_fcntl_cmd),
 * before it reads the struct. Value commands go as they are: the host
 * kernel makes those checks itself on the shared file. */
int cb_xf_pre_fcntl(struct cb_xctx *x)
{
	int i = fcntl_cmd(x->c->args[1]);
	if (i < 0 || !fcntl_cmds[i].lock)
		return 0;
	int fd = (int)x->host[0];
	if (fd < 0)
		return -EBADF;
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_PATH))
		return -EBADF;
	void *p = NULL;
	int r = cb_conv_in(x->cv, cb_abi_record_index(&cb_abi_builtin, "flock64"), x->c->args[2],
			   fcntl_cmds[i].dir, &p);
	x->host[2] = (uint64_t)(uintptr_t)p;
	return r;
}

/* ---- uname ---- */

/* newuname answers from the caller's UTS namespace, then rewrites the
 * machine ("i686" under PER_LINUX32) and the release (UNAME26) after the
 * caller's personality: such guests are left to the kernel. */
int cb_xf_gate_uname(struct cb_xctx *x)
{
	int same = cb_xsys_same_ns(x->c, "uts");
	if (same < 0)
		return same;
	unsigned long pers = 0;
	int r = guest_personality(x, &pers);
	if (r == -ENOENT)
		return r;
	if (!same || r < 0 || (pers & PER_MASK) == PER_LINUX32 || (pers & UNAME26))
		return CB_XSYS_KERNEL;
	return 0;
}

/* ---- sysinfo ---- */

void cb_xsys_sysinfo_compat(struct sysinfo *s)
{
	static const size_t mem[] = {
		offsetof(struct sysinfo, totalram),  offsetof(struct sysinfo, freeram),
		offsetof(struct sysinfo, sharedram), offsetof(struct sysinfo, bufferram),
		offsetof(struct sysinfo, totalswap), offsetof(struct sysinfo, freeswap),
		offsetof(struct sysinfo, totalhigh), offsetof(struct sysinfo, freehigh),
	};
	if (!((uint64_t)s->totalram >> 32) && !((uint64_t)s->totalswap >> 32))
		return;
	unsigned page = (unsigned)sysconf(_SC_PAGESIZE), bits = 0;
	/* mem_unit is 1 or a power of two from do_sysinfo; 0 would loop. */
	while (s->mem_unit && s->mem_unit < page) {
		s->mem_unit <<= 1;
		bits++;
	}
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		unsigned long v;
		memcpy(&v, (char *)s + mem[i], sizeof(v));
		v >>= bits;
		memcpy((char *)s + mem[i], &v, sizeof(v));
	}
}

int cb_xf_post_sysinfo(struct cb_xctx *x)
{
	struct sysinfo *s = host_ptr(x, 0);
	if (x->result >= 0 && s)
		cb_xsys_sysinfo_compat(s);
	return (int)x->result;
}

/* ---- limits ---- */

/* ugetrlimit(resource, rlim) is prlimit64(guest, resource, NULL, rlim):
 * limits belong to the process, so the supervisor reads the guest's, not
 * its own. The kernel writes its answer even to NULL (EFAULT), where
 * prlimit64 takes NULL as "not wanted": a NULL rlim reads into scratch and
 * fails afterwards, after a bad resource had its EINVAL. */
int cb_xf_pre_ugetrlimit(struct cb_xctx *x)
{
	pid_t tgid = cb_guest_tgid(x->c);
	if (!tgid)
		return unless_gone(x, -ESRCH);
	void *old = host_ptr(x, 1);
	if (!old) {
		int r = cb_conv_scratch(x->cv, sizeof(struct rlimit), &old);
		if (r < 0)
			return r;
	}
	x->host[0] = (uint64_t)tgid;
	x->host[1] = (uint32_t)x->c->args[0];
	x->host[2] = 0;
	x->host[3] = (uint64_t)(uintptr_t)old;
	return 0;
}

int cb_xf_post_ugetrlimit(struct cb_xctx *x)
{
	return x->result >= 0 && !x->c->args[1] ? -EFAULT : (int)x->result;
}

/* The old getrlimit (76): compat_sys_old_getrlimit clamps both values at
 * 0x7fffffff, where ugetrlimit maps them to RLIM_INFINITY. */
int cb_xf_post_getrlimit(struct cb_xctx *x)
{
	struct rlimit *l = host_ptr(x, 3);
	if (x->result >= 0 && l) {
		if (l->rlim_cur > 0x7fffffff)
			l->rlim_cur = 0x7fffffff;
		if (l->rlim_max > 0x7fffffff)
			l->rlim_max = 0x7fffffff;
	}
	return cb_xf_post_ugetrlimit(x);
}

/* prlimit64 is performed only to read the guest's own limits. Setting one
 * is checked against the caller's credentials (raising a hard limit needs
 * CAP_SYS_RESOURCE, which the supervisor may have and the guest not), and
 * so is reading another process's. CONTINUE is safe: only registers (the
 * pid, whether new is NULL) were looked at. */
int cb_xf_gate_prlimit(struct cb_xctx *x)
{
	pid_t pid = (pid_t)(int32_t)x->c->args[0];
	if (x->c->args[2])
		return CB_XSYS_KERNEL;
	if (pid == 0)
		return 0;
	pid_t tgid = cb_guest_tgid(x->c);
	if (!tgid)
		return unless_gone(x, CB_XSYS_KERNEL);
	return pid == tgid ? 0 : CB_XSYS_KERNEL;
}

/* pid 0 is the caller: the guest, not the supervisor. */
int cb_xf_pre_prlimit(struct cb_xctx *x)
{
	if ((int32_t)x->c->args[0] != 0)
		return 0;
	pid_t tgid = cb_guest_tgid(x->c);
	if (!tgid)
		return unless_gone(x, -ESRCH);
	x->host[0] = (uint64_t)tgid;
	return 0;
}

/* ---- clocks ---- */

/* The clocks a time namespace shifts (timens_add_monotonic/boottime). */
static const bool time_ns_clock[] = {
	[CLOCK_MONOTONIC] = true,        [CLOCK_MONOTONIC_RAW] = true,
	[CLOCK_MONOTONIC_COARSE] = true, [CLOCK_BOOTTIME] = true,
	[CLOCK_BOOTTIME_ALARM] = true,
};

/* The supervisor reads the system-wide clocks as the guest would. CPU-time
 * clocks (2, 3, and every negative id: a process's or thread's CPU clock,
 * or a dynamic clock named by the caller's fd) measure or name the caller;
 * the monotonic and boot clocks are shifted by the caller's time namespace
 * when it has its own. CONTINUE for those is safe: only the clock id
 * register was looked at. Invalid ids are performed: EINVAL either way. */
int cb_xf_gate_clock(struct cb_xctx *x)
{
	clockid_t id = (clockid_t)(int32_t)x->c->args[0];
	if (id < 0 || id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID)
		return CB_XSYS_KERNEL;
	if ((size_t)id < sizeof(time_ns_clock) / sizeof(time_ns_clock[0]) && time_ns_clock[id]) {
		int same = cb_xsys_same_ns(x->c, "time");
		if (same <= 0)
			return same < 0 ? same : CB_XSYS_KERNEL;
	}
	return 0;
}
