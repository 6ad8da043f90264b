/* The syscalls path rules apply to, and where their arguments are: the
 * supervisor resolves the path itself (openat2, RESOLVE_*), decides on the
 * result and performs the call on what it resolved. */
#ifndef CB_PATHCALLS_H
#define CB_PATHCALLS_H

#include <stdbool.h>

#include "../abi/arch.h"

enum cb_path_kind {
	CB_P_OPEN,      /* open(path, flags, mode) / openat(dirfd, path, flags, mode) */
	CB_P_CREAT,     /* creat(path, mode) */
	CB_P_OPENAT2,   /* openat2(dirfd, path, how, size) */
	CB_P_STAT,      /* stat(path, buf): the ABI's struct stat */
	CB_P_FSTATAT,   /* newfstatat / fstatat64(dirfd, path, buf, flags) */
	CB_P_STATX,     /* statx(dirfd, path, flags, mask, buf) */
	CB_P_ACCESS,    /* access(path, mode) / faccessat(dirfd, path, mode[, flags]) */
	CB_P_READLINK,  /* readlink(path, buf, size) / readlinkat(dirfd, path, buf, size) */
};

struct cb_pathcall {
	const char *name;
	enum cb_path_kind kind;
	signed char dirfd;    /* argument with the dirfd, -1: the cwd */
	signed char path;     /* argument with the path */
	signed char flags;    /* AT_* or O_* flags argument, -1: none */
	bool nofollow;        /* lstat and lstat64: the link itself */
	unsigned abis;        /* which ABIs have it under this name */
};

/* The row for ARCH's syscall NR, or NULL. */
const struct cb_pathcall *cb_pathcall_find(enum cb_arch arch, int nr);
/* Every row, ended by {NULL}. */
extern const struct cb_pathcall cb_pathcalls[];

/* Whether ARCH's syscall NR may change what a path call takes of the
 * calling thread (fsuid, fsgid, groups, capabilities, mount and user
 * namespaces): the setuid family, setgroups, capset, setns, unshare. A plan
 * that performs path calls has the filter send them to the supervisor,
 * which forgets what it kept of the guest's threads before they run. */
bool cb_changes_creds(enum cb_arch arch, int nr);

/* How ARCH's syscall NR may free or replace slots of the caller's fd table
 * (guest/fd_track.h says why that matters): the slot in argument 0
 * (close), in argument 1 (dup2, dup3), the range of arguments 0 and 1
 * (close_range), or any (execve, execveat: close-on-exec); or whether it
 * makes a task, which may take the tid of one that is gone (clone, clone3,
 * fork, vfork). Ioctls that can change slots are told by their request,
 * not here. */
enum cb_fd_change { CB_FDC_NONE, CB_FDC_ARG0, CB_FDC_ARG1, CB_FDC_RANGE, CB_FDC_ALL, CB_FDC_TASK };
enum cb_fd_change cb_changes_fds(enum cb_arch arch, int nr);

#endif
