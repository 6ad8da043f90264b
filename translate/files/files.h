/* Hooks of the translated file and system calls (files.c's rows), and
 * the pure parts of them, exported for the unit tests. */
#ifndef CB_XSYS_FILES_H
#define CB_XSYS_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/sysinfo.h>
#include <sys/types.h>

#include "../xsys.h"

/* PATH with a leading /proc/self or /proc/thread-self (a whole component)
 * rewritten into OUT (CAP bytes) as /proc/TGID or /proc/TGID/task/TID: in
 * the supervisor those names would mean the supervisor. The link itself
 * (exactly "/proc/self", not FOLLOWed: lstat) is left alone — it is the
 * same link for everybody. The length of OUT when rewritten, 0 when PATH
 * stays, -ENAMETOOLONG when the result does not fit CAP (or PATH_MAX). */
int cb_xsys_proc_self(const char *path, pid_t tgid, pid_t tid, bool follow, char *out,
		      size_t cap);

/* What compat_sysinfo (kernel/sys.c) does to a 64-bit struct sysinfo before
 * it narrows it for a 32-bit caller: when totalram or totalswap does not
 * fit 32 bits, mem_unit grows (doubling) up to the page size and every
 * memory value shrinks by as many bits. */
void cb_xsys_sysinfo_compat(struct sysinfo *s);

/* The guest's path in host[I], made right for the supervisor: a leading
 * /proc/self or /proc/thread-self names the guest. *REL tells whether the
 * path needs a directory to start from (relative, empty or NULL; not one
 * passed on as a faulting address). 0 or a negative errno. */
int cb_xf_fix_path(struct cb_xctx *x, int i, bool follow, bool *rel);

/* The host dirfd for the guest's DFD and the path in host[I]: the guest's
 * fd (its cwd for AT_FDCWD) when the path is relative or empty, or NULL
 * with an fd (the fd form); the host's AT_FDCWD otherwise. 0 or -errno. */
int cb_xf_dirfd_for(struct cb_xctx *x, int i, int dfd, bool follow, int *dir);

/* The hooks. */
int cb_xf_pre_stat(struct cb_xctx *x);
int cb_xf_pre_lstat(struct cb_xctx *x);
int cb_xf_pre_fstatat(struct cb_xctx *x);
int cb_xf_gate_statfs(struct cb_xctx *x);
int cb_xf_pre_statfs(struct cb_xctx *x);
int cb_xf_pre_fstatfs(struct cb_xctx *x);
int cb_xf_pre_truncate64(struct cb_xctx *x);
int cb_xf_pre_cwd_path(struct cb_xctx *x);
int cb_xf_post_oldstat_path(struct cb_xctx *x);
int cb_xf_post_oldstat_fd(struct cb_xctx *x);
int cb_xf_post_oldstatfs(struct cb_xctx *x);
int cb_xf_pre_statx(struct cb_xctx *x);
int cb_xf_post_statfs(struct cb_xctx *x);
/* _llseek on a directory of those filesystems: CB_XSYS_KERNEL. */
int cb_xf_gate_llseek(struct cb_xctx *x);
int cb_xf_gate_getdents(struct cb_xctx *x);
int cb_xf_pre_getdents(struct cb_xctx *x);
int cb_xf_undo_getdents(struct cb_xctx *x);
/* old_readdir: one 32-bit old_linux_dirent, from the host's getdents64. */
int cb_xf_readdir(struct cb_xctx *x);
/* getdents: 32-bit linux_dirent records, from the host's getdents64. */
int cb_xf_getdents(struct cb_xctx *x);
int cb_xf_pre_fanotify_mark(struct cb_xctx *x);
int cb_xf_gate_fcntl(struct cb_xctx *x);
int cb_xf_pre_fcntl(struct cb_xctx *x);
int cb_xf_gate_uname(struct cb_xctx *x);
int cb_xf_post_sysinfo(struct cb_xctx *x);
int cb_xf_pre_ugetrlimit(struct cb_xctx *x);
int cb_xf_post_ugetrlimit(struct cb_xctx *x);
int cb_xf_post_getrlimit(struct cb_xctx *x);
int cb_xf_gate_prlimit(struct cb_xctx *x);
int cb_xf_pre_prlimit(struct cb_xctx *x);
int cb_xf_gate_clock(struct cb_xctx *x);

#endif
