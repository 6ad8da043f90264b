/* Translated i386 syscalls on files and the system: stat, statfs,
 * directories, locks, limits, time. Each row is one call: what its
 * arguments are and which x86_64 call performs it; the hooks (in
 * files_hooks.c) say what the rows cannot. See docs/translation.md
 * for which calls can be performed on the guest's behalf and which stay
 * in the kernel. */
#include "../xsys.h"

#include "../../supervisor/dispatch.h"
#include "files.h"

#define FD { CB_XA_FD }
#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }
#define OUT_REC(r) { CB_XA_RECORD, CB_DIR_OUT, r }
#define IN_REC(r) { CB_XA_RECORD, CB_DIR_IN, r }
#define STR { CB_XA_STR, CB_DIR_IN }
/* A buffer the call fills with as many bytes as it returns; a larger count
 * than MAX is cut to MAX (the call may always return less). */
#define OUT_BUF_RET(len, max) { CB_XA_BUF, CB_DIR_OUT, NULL, len, max, true, true }

/* Directory reads: a 64 KiB buffer holds at least 200 entries; glibc's
 * readdir asks for 32 KiB (up to 1 MiB when st_blksize is large, which
 * would fill the converter's arena). */
#define DIRENT_MAX (64u << 10)

const struct cb_xsys cb_xsys_files[] = {
	{ "stat64", "newfstatat", { STR, OUT_REC("stat64") }, .pre = cb_xf_pre_stat, .flags = CB_X_PATH,
	  .why = "path call: newfstatat from the guest's cwd; stat64 (96 bytes) from struct stat (144)" },
	{ "lstat64", "newfstatat", { STR, OUT_REC("stat64") }, .pre = cb_xf_pre_lstat, .flags = CB_X_PATH,
	  .why = "path call: as stat64, with AT_SYMLINK_NOFOLLOW" },
	{ "fstat64", "fstat", { FD, OUT_REC("stat64") },
	  .why = "fd call: stat64 from struct stat" },
	{ "stat", "newfstatat", { STR, OUT_REC("old_stat") }, .pre = cb_xf_pre_stat,
	  .post = cb_xf_post_oldstat_path, .flags = CB_X_PATH,
	  .why = "path call: the old struct stat (64 bytes): EOVERFLOW for inode, link count and "
		 "size, uids past 16 bits 65534" },
	{ "lstat", "newfstatat", { STR, OUT_REC("old_stat") }, .pre = cb_xf_pre_lstat,
	  .post = cb_xf_post_oldstat_path, .flags = CB_X_PATH,
	  .why = "path call: as stat, with AT_SYMLINK_NOFOLLOW" },
	{ "fstat", "fstat", { FD, OUT_REC("old_stat") }, .post = cb_xf_post_oldstat_fd,
	  .why = "fd call: as stat" },
	{ "fstatat64", "newfstatat", { SVAL, STR, OUT_REC("stat64"), SVAL },
	  .pre = cb_xf_pre_fstatat, .flags = CB_X_PATH,
	  .why = "path call from a guest fd or the guest's cwd (the dirfd only when the path needs it)" },
	{ "statx", "statx", { SVAL, STR, SVAL, VAL, OUT_REC("statx") },
	  .pre = cb_xf_pre_statx, .flags = CB_X_PATH,
	  .why = "path call: what i386 glibc's stat, lstat, fstat and fstatat call; struct statx "
		 "is the same 256 bytes" },
	{ "statfs64", "statfs", { STR, VAL, OUT_REC("statfs64") }, .gate = cb_xf_gate_statfs,
	  .pre = cb_xf_pre_statfs, .post = cb_xf_post_statfs, .flags = CB_X_PATH,
	  .why = "path call: size checked first (84), EOVERFLOW for block sizes above 32 bits" },
	{ "fstatfs64", "fstatfs", { FD, VAL, OUT_REC("statfs64") }, .gate = cb_xf_gate_statfs,
	  .pre = cb_xf_pre_fstatfs, .post = cb_xf_post_statfs,
	  .why = "fd call: as statfs64" },
	{ "statfs", "statfs", { STR, OUT_REC("old_statfs") }, .pre = cb_xf_pre_cwd_path,
	  .post = cb_xf_post_oldstatfs, .flags = CB_X_PATH,
	  .why = "path call: the old struct statfs (64 bytes), EOVERFLOW as put_compat_statfs" },
	{ "fstatfs", "fstatfs", { FD, OUT_REC("old_statfs") }, .post = cb_xf_post_oldstatfs,
	  .why = "fd call: as statfs" },
	{ "ustat", "ustat", { VAL, OUT_REC("ustat") },
	  .why = "a filesystem by device number: struct ustat narrowed as compat_sys_ustat" },
	{ "readdir", "getdents64", { VAL, VAL, VAL }, .gate = cb_xf_gate_getdents,
	  .call = cb_xf_readdir,
	  .why = "fd call: one entry per call, read with getdents64 and the position set after "
		 "it; ext2/3/4 directories stay in the kernel (32-bit hash offsets)" },
	{ "getdents", "getdents64", { VAL, VAL, VAL }, .gate = cb_xf_gate_getdents,
	  .call = cb_xf_getdents,
	  .why = "fd call: the old linux_dirent (32-bit inode, EOVERFLOW, and offset) from "
		 "getdents64, the position set after the last given; ext2/3/4 directories stay "
		 "in the kernel (32-bit hash offsets)" },
	{ "fanotify_mark", "fanotify_mark",
	  { FD, VAL, VAL, VAL, SVAL, { .kind = CB_XA_STR, .dir = CB_DIR_IN, .late = true } },
	  .pre = cb_xf_pre_fanotify_mark, .flags = CB_X_PATH,
	  .why = "path call: the 64-bit mask from two registers; the path read after the "
		 "group's fd, NULL: the fd form" },
	{ "getdents64", "getdents64", { FD, OUT_BUF_RET(2, DIRENT_MAX), VAL },
	  .gate = cb_xf_gate_getdents, .pre = cb_xf_pre_getdents, .undo = cb_xf_undo_getdents,
	  .why = "fd call: linux_dirent64 is the same bytes; ext2/3/4 directories stay in the kernel "
		 "(32-bit hash offsets)" },
	{ "fcntl64", "fcntl", { FD, VAL, VAL }, .gate = cb_xf_gate_fcntl, .pre = cb_xf_pre_fcntl,
	  .why = "fd call for F_OFD_GETLK/F_OFD_SETLK (flock64, 24 bytes from 32) and the value "
		 "commands on the open file; the fd table, POSIX locks and owners stay in the kernel" },
	{ "fcntl", "fcntl", { FD, VAL, VAL }, .gate = cb_xf_gate_fcntl, .pre = cb_xf_pre_fcntl,
	  .why = "fd call: x86 enters it as compat_sys_fcntl64, so as fcntl64" },
	{ "uname", "uname", { OUT_REC("utsname") }, .gate = cb_xf_gate_uname,
	  .why = "global object: the UTS namespace; PER_LINUX32/UNAME26 guests stay in the kernel" },
	{ "sysinfo", "sysinfo", { OUT_REC("sysinfo") }, .post = cb_xf_post_sysinfo,
	  .why = "global object; memory values rescaled like compat_sysinfo" },
	{ "ugetrlimit", "prlimit64", { VAL, OUT_REC("rlimit") }, .pre = cb_xf_pre_ugetrlimit,
	  .post = cb_xf_post_ugetrlimit,
	  .why = "task-tied, performed as prlimit64 on the guest; RLIM_INFINITY narrowed" },
	{ "getrlimit", "prlimit64", { VAL, OUT_REC("rlimit") }, .pre = cb_xf_pre_ugetrlimit,
	  .post = cb_xf_post_getrlimit,
	  .why = "the old getrlimit: as ugetrlimit, every value above 0x7fffffff read as that" },
	{ "prlimit64", "prlimit64", { SVAL, VAL, IN_REC("rlimit64"), OUT_REC("rlimit64") },
	  .gate = cb_xf_gate_prlimit, .pre = cb_xf_pre_prlimit,
	  .why = "reading the guest's own limits; setting, or another process, stays in the kernel" },
	{ "clock_gettime", "clock_gettime", { SVAL, OUT_REC("timespec") },
	  .gate = cb_xf_gate_clock,
	  .why = "global clocks, old 32-bit timespec; CPU-time clocks stay in the kernel" },
	{ "clock_gettime64", "clock_gettime", { SVAL, OUT_REC("__kernel_timespec") },
	  .gate = cb_xf_gate_clock,
	  .why = "as clock_gettime, 64-bit timespec (the same bytes)" },
	{ NULL },
};
