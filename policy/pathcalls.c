#include "pathcalls.h"

#include <pthread.h>
#include <string.h>

#include "policy.h"
#include "trapset.h"

#define BOTH CB_ABI_ALL
#define X64 (1u << CB_ARCH_X86_64)
#define I386 (1u << CB_ARCH_I386)

/* execve is not here: another process cannot exec for the guest, and a
 * decision on its path then answered with CONTINUE would be made on memory
 * the guest can still change (docs/policy.md, "What path rules cover"). */
const struct cb_pathcall cb_pathcalls[] = {
	{ "open", CB_P_OPEN, -1, 0, 1, false, BOTH },
	{ "openat", CB_P_OPEN, 0, 1, 2, false, BOTH },
	{ "creat", CB_P_CREAT, -1, 0, -1, false, BOTH },
	{ "openat2", CB_P_OPENAT2, 0, 1, -1, false, BOTH },
	{ "stat", CB_P_STAT, -1, 0, -1, false, X64 },
	{ "lstat", CB_P_STAT, -1, 0, -1, true, X64 },
	{ "newfstatat", CB_P_FSTATAT, 0, 1, 3, false, X64 },
	{ "stat64", CB_P_STAT, -1, 0, -1, false, I386 },
	{ "lstat64", CB_P_STAT, -1, 0, -1, true, I386 },
	{ "fstatat64", CB_P_FSTATAT, 0, 1, 3, false, I386 },
	{ "statx", CB_P_STATX, 0, 1, 2, false, BOTH },
	{ "access", CB_P_ACCESS, -1, 0, -1, false, BOTH },
	{ "faccessat", CB_P_ACCESS, 0, 1, -1, false, BOTH },
	{ "faccessat2", CB_P_ACCESS, 0, 1, 3, false, BOTH },
	{ "readlink", CB_P_READLINK, -1, 0, -1, false, BOTH },
	{ "readlinkat", CB_P_READLINK, 0, 1, -1, false, BOTH },
	{ NULL },
};

const struct cb_pathcall *cb_pathcall_find(enum cb_arch arch, int nr)
{
	static const struct cb_pathcall *by_nr[CB_ARCH_COUNT][1024];
	static int ready; /* filled once, before any worker starts */
	if (arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= 1024)
		return NULL;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (const struct cb_pathcall *p = cb_pathcalls; p->name; p++)
			for (int a = 0; a < CB_ARCH_COUNT; a++) {
				int n = (p->abis & (1u << a)) ? cb_syscall_nr(a, p->name) : -1;
				if (n >= 0 && n < 1024)
					by_nr[a][n] = p;
			}
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	return by_nr[arch][nr];
}

/* What a call may change that the supervisor must see before it runs:
 * what path calls take of the caller (CREDS), or its fd table's slots or
 * the tids in use (an enum cb_fd_change). prctl is not a CREDS one: the
 * bounding and ambient sets and the securebits it changes are not what a
 * path call takes; execve is noticed otherwise (a new mm, see
 * guest/task_view.c). i386 has the 16-bit ids' calls and the *32 ones. */
#define CREDS 0x80
static const struct {
	const char *name;
	uint8_t what;
} changers[] = {
	{ "setuid", CREDS },
	{ "setgid", CREDS },
	{ "setreuid", CREDS },
	{ "setregid", CREDS },
	{ "setresuid", CREDS },
	{ "setresgid", CREDS },
	{ "setfsuid", CREDS },
	{ "setfsgid", CREDS },
	{ "setgroups", CREDS },
	{ "setuid32", CREDS },
	{ "setgid32", CREDS },
	{ "setreuid32", CREDS },
	{ "setregid32", CREDS },
	{ "setresuid32", CREDS },
	{ "setresgid32", CREDS },
	{ "setfsuid32", CREDS },
	{ "setfsgid32", CREDS },
	{ "setgroups32", CREDS },
	{ "capset", CREDS },
	{ "setns", CREDS },
	{ "unshare", CREDS },
	{ "close", CB_FDC_ARG0 },
	{ "dup2", CB_FDC_ARG1 },
	{ "dup3", CB_FDC_ARG1 },
	{ "close_range", CB_FDC_RANGE },
	{ "execve", CB_FDC_ALL },
	{ "execveat", CB_FDC_ALL },
	{ "clone", CB_FDC_TASK },
	{ "clone3", CB_FDC_TASK },
	{ "fork", CB_FDC_TASK },
	{ "vfork", CB_FDC_TASK },
};
static uint8_t changes[CB_ARCH_COUNT][CB_NR_MAX];
static pthread_once_t changers_once = PTHREAD_ONCE_INIT;

static void changers_init(void)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (size_t i = 0; i < sizeof(changers) / sizeof(changers[0]); i++) {
			int nr = cb_syscall_nr(a, changers[i].name);
			if (nr >= 0 && nr < CB_NR_MAX)
				changes[a][nr] |= changers[i].what;
		}
}

static uint8_t changes_of(enum cb_arch arch, int nr)
{
	pthread_once(&changers_once, changers_init);
	return arch >= 0 && arch < CB_ARCH_COUNT && nr >= 0 && nr < CB_NR_MAX ? changes[arch][nr] : 0;
}

bool cb_changes_creds(enum cb_arch arch, int nr)
{
	return changes_of(arch, nr) & CREDS;
}

enum cb_fd_change cb_changes_fds(enum cb_arch arch, int nr)
{
	return (enum cb_fd_change)(changes_of(arch, nr) & ~CREDS);
}
