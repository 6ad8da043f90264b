/* Names follow systemd's SystemCallFilter= groups where one exists, so a
 * reader who knows those knows these; the lists are smaller where systemd's
 * include calls compatbox guests never make. A name may exist on one ABI
 * only (stat64, socketcall): rules apply to the ABIs that have it. */
#include "groups.h"

#include <string.h>

#define LIST(...) (const char *const[]){ __VA_ARGS__, NULL }

const struct cb_group cb_groups[] = {
	/* ioctl is in no group: ioctl rules and the ioctl default say what
	 * it gets (an unconditional syscall rule for ioctl would hide them). */
	{ "@basic-io", "read, write, seek, close, dup and readiness",
	  LIST("read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
	       "preadv2", "pwritev2", "lseek", "_llseek", "close", "close_range", "dup", "dup2",
	       "dup3", "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6",
	       "pselect6_time64", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
	       "epoll_pwait", "epoll_pwait2", "sendfile", "sendfile64", "splice", "tee",
	       "copy_file_range", "fcntl", "fcntl64", "pipe", "pipe2", "eventfd",
	       "eventfd2", "flock", "fsync", "fdatasync", "sync_file_range", "fadvise64",
	       "fadvise64_64") },
	{ "@file-system", "paths, directories, metadata",
	  LIST("open", "openat", "openat2", "creat", "stat", "lstat", "fstat", "newfstatat",
	       "stat64", "lstat64", "fstat64", "fstatat64", "statx", "statfs", "fstatfs",
	       "statfs64", "fstatfs64", "access", "faccessat", "faccessat2", "getcwd", "chdir",
	       "fchdir", "getdents", "getdents64", "readlink", "readlinkat", "mkdir", "mkdirat",
	       "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2", "link",
	       "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "chown",
	       "fchown", "lchown", "fchownat", "chown32", "fchown32", "lchown32", "truncate",
	       "ftruncate", "truncate64", "ftruncate64", "fallocate", "utime", "utimes",
	       "utimensat", "utimensat_time64", "futimesat", "umask", "getxattr", "lgetxattr",
	       "fgetxattr", "listxattr", "llistxattr", "flistxattr", "inotify_init",
	       "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "memfd_create",
	       "mknod", "mknodat") },
	{ "@process", "threads, processes, exec and wait",
	  LIST("clone", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4",
	       "waitpid", "waitid", "getpid", "getppid", "gettid", "set_tid_address",
	       "set_robust_list", "get_robust_list", "futex", "futex_time64", "futex_waitv",
	       "rseq", "arch_prctl", "set_thread_area", "get_thread_area", "prctl",
	       "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam",
	       "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
	       "getpriority", "setpriority", "getrlimit", "ugetrlimit", "setrlimit",
	       "prlimit64", "getrusage", "times", "getpgrp", "getpgid", "setpgid", "getsid",
	       "setsid", "pidfd_open", "capget") },
	{ "@signal", "signal handling and delivery",
	  LIST("rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
	       "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo",
	       "rt_tgsigqueueinfo", "sigaction", "sigprocmask", "sigreturn", "sigaltstack",
	       "signal", "kill", "tkill", "tgkill", "pause", "alarm", "signalfd", "signalfd4") },
	{ "@memory", "the address space",
	  LIST("brk", "mmap", "mmap2", "munmap", "mprotect", "mremap", "madvise", "msync",
	       "mincore", "mlock", "munlock", "membarrier", "get_mempolicy") },
	{ "@time", "clocks, timers and sleeps (not setting the clock)",
	  LIST("time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres",
	       "clock_getres_time64", "nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
	       "timerfd_create", "timerfd_settime", "timerfd_settime64", "timerfd_gettime",
	       "timerfd_gettime64", "getitimer", "setitimer", "timer_create", "timer_settime",
	       "timer_settime64", "timer_gettime", "timer_gettime64", "timer_delete") },
	{ "@credentials", "reading who the process is",
	  LIST("getuid", "geteuid", "getgid", "getegid", "getuid32", "geteuid32", "getgid32",
	       "getegid32", "getresuid", "getresgid", "getresuid32", "getresgid32", "getgroups",
	       "getgroups32") },
	{ "@network-io", "sockets",
	  LIST("socket", "socketpair", "bind", "connect", "listen", "accept", "accept4",
	       "getsockname", "getpeername", "getsockopt", "setsockopt", "sendto", "recvfrom",
	       "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64", "shutdown",
	       "socketcall") },
	{ "@system-info", "what system this is",
	  LIST("uname", "olduname", "sysinfo", "getrandom", "getcpu") },
	{ "@module", "loading and removing kernel modules",
	  LIST("init_module", "finit_module", "delete_module") },
	{ "@keyring", "the kernel keyring",
	  LIST("add_key", "request_key", "keyctl") },
	{ "@mount", "mounting and the mount tree",
	  LIST("mount", "umount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig",
	       "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr") },
	{ "@reboot", "rebooting and kexec",
	  LIST("reboot", "kexec_load", "kexec_file_load") },
	{ "@swap", "swap devices",
	  LIST("swapon", "swapoff") },
	{ "@raw-io", "raw I/O ports",
	  LIST("ioperm", "iopl") },
	{ "@clock-set", "setting the system clock",
	  LIST("settimeofday", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime",
	       "clock_adjtime64", "stime") },
	{ "@debug", "looking into other processes",
	  LIST("ptrace", "process_vm_readv", "process_vm_writev", "perf_event_open", "kcmp",
	       "lookup_dcookie") },
	/* What `translate` performs for i386 guests: the rows of translate/
	 * (files, io, offsets, sockets, ipc, time/, sched/), socketcall, ipc and the sleeps of handlers/time.c (a unit test
	 * keeps this list and those tables the same). */
	{ "@translated", "the i386 calls the supervisor can translate",
	  LIST("stat64", "lstat64", "fstat64", "fstatat64", "statx", "statfs64", "fstatfs64", "ustat",
	       "getdents64", "readdir", "getdents", "fanotify_mark", "fcntl64", "uname", "sysinfo", "ugetrlimit", "prlimit64",
	       "clock_gettime", "clock_gettime64", "readv", "writev", "preadv", "pwritev",
	       "sendmsg", "recvmsg", "poll", "_newselect", "epoll_ctl", "epoll_wait", "epoll_pwait2",
	       "pread64", "pwrite64", "truncate64", "ftruncate64", "readahead", "fadvise64",
	       "fadvise64_64", "sync_file_range", "fallocate", "_llseek",
	       "accept4", "getsockname", "getpeername", "sendto", "recvfrom", "shutdown",
	       "getsockopt", "setsockopt", "sendmmsg", "recvmmsg", "recvmmsg_time64", "socketcall",
	       "ppoll", "ppoll_time64", "pselect6", "pselect6_time64",
	       "nanosleep", "clock_nanosleep", "clock_nanosleep_time64",
	       "semctl", "shmctl", "msgctl", "ipc",
	       "utimensat", "futimesat", "utimes", "utime", "getrlimit", "gettimeofday", "time",
	       "clock_getres", "sched_getaffinity", "sched_setaffinity", "sched_rr_get_interval",
	       "fcntl", "lseek", "truncate", "ftruncate", "stat", "lstat", "fstat", "statfs",
	       "fstatfs", "timerfd_settime", "timerfd_gettime",
	       "preadv2", "pwritev2", "sendfile", "select", "mq_open", "mq_timedsend",
	       "mq_timedreceive", "mq_getsetattr") },
	{ NULL },
};

const struct cb_group *cb_group_find(const char *name)
{
	for (const struct cb_group *g = cb_groups; g->name; g++)
		if (strcmp(g->name, name) == 0)
			return g;
	return NULL;
}
