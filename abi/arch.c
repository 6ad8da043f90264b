#include "arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_tables.h"

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

_Static_assert(CB_ARCH_X86_64 == 0 && CB_ARCH_I386 == 1 && CB_ARCH_COUNT == 2,
	       "abi/syscall_tables.h is indexed by enum cb_arch");

int cb_syscall_nr(enum cb_arch arch, const char *name)
{
	if (arch < 0 || arch >= CB_ARCH_COUNT || !name)
		return -ENOSYS;
	/* The lowest number of that name. This also finds i386's socket and
	 * SysV IPC calls (socket, recvmmsg, shmget, ...), for which
	 * libseccomp's own lookup answers a negative pseudo-number (they are
	 * direct calls too since Linux 4.3 for most). */
	const uint16_t *idx = cb_systab_by_name[arch];
	int lo = 0, hi = cb_systab_count[arch];
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (strcmp(cb_systab_name(arch, idx[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cb_systab_count[arch] && strcmp(cb_systab_name(arch, idx[lo]), name) == 0)
		return idx[lo];
	/* An alias libseccomp knows, or a call the ABI lacks (a
	 * pseudo-number: refused). */
	int nr = seccomp_syscall_resolve_name_arch(cb_arch_scmp(arch), name);
	return nr >= 0 ? nr : -ENOSYS;
}

const char *cb_syscall_name(enum cb_arch arch, int nr)
{
	if (arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= CB_SYSTAB_MAXNR)
		return NULL;
	return cb_systab_name(arch, nr);
}

int cb_syscall_rule_nr(enum cb_arch arch, int nr)
{
	if (!cb_syscall_name(arch, nr))
		return __NR_SCMP_ERROR;
	return cb_systab_rule_nr[arch][nr];
}
