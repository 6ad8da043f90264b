#include "arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

enum cb_arch cb_arch_from_audit(uint32_t audit_arch)
{
	switch (audit_arch) {
	case AUDIT_ARCH_X86_64: return CB_ARCH_X86_64;
	case AUDIT_ARCH_I386: return CB_ARCH_I386;
	default: return CB_ARCH_UNKNOWN;
	}
}

const char *cb_arch_name(enum cb_arch arch)
{
	static const char *const names[CB_ARCH_COUNT] = {
		[CB_ARCH_X86_64] = "x86_64",
		[CB_ARCH_I386] = "i386",
	};
	return arch >= 0 && arch < CB_ARCH_COUNT ? names[arch] : "unknown";
}

uint32_t cb_arch_scmp(enum cb_arch arch)
{
	return arch == CB_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X86_64;
}

int cb_syscall_nr(enum cb_arch arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(cb_arch_scmp(arch), name);
	if (nr >= 0)
		return nr;
	if (nr == __NR_SCMP_ERROR)
		return -ENOSYS;
	/* libseccomp returns negative pseudo-numbers for calls an arch lacks,
	 * but also for i386's socket and SysV IPC calls (socket, recvmmsg,
	 * shmget, ...), which i386 has as direct calls too (since Linux 4.3 for
	 * most): look for a real number with that name. */
	for (int n = 0; n < 1024; n++) {
		const char *s = cb_syscall_name(arch, n);
		if (s && strcmp(s, name) == 0)
			return n;
	}
	return -ENOSYS;
}

const char *cb_syscall_name(enum cb_arch arch, int nr)
{
	/* libseccomp hands out a malloc'd copy; names are few, so intern them. */
	enum { MAXNR = 1024 };
	static const char *cache[CB_ARCH_COUNT][MAXNR];
	if (arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= MAXNR)
		return NULL;
	const char *n = __atomic_load_n(&cache[arch][nr], __ATOMIC_ACQUIRE);
	if (n)
		return n;
	char *fresh = seccomp_syscall_resolve_num_arch(cb_arch_scmp(arch), nr);
	if (!fresh)
		return NULL;
	const char *expected = NULL;
	if (!__atomic_compare_exchange_n(&cache[arch][nr], &expected, fresh, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(fresh); /* another thread interned it first */
		return expected;
	}
	return fresh;
}
