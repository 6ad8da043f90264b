/* The guest ABIs compatbox knows, keyed from seccomp_data.arch. */
#ifndef CB_ARCH_H
#define CB_ARCH_H

#include <stdint.h>

enum cb_arch {
	CB_ARCH_X86_64,
	CB_ARCH_I386,
	CB_ARCH_COUNT,
	CB_ARCH_UNKNOWN = -1,
};

/* Map an AUDIT_ARCH_* value to a cb_arch, or CB_ARCH_UNKNOWN. */
enum cb_arch cb_arch_from_audit(uint32_t audit_arch);
/* Short name as logged ("x86_64", "i386"); "unknown" for anything else. */
const char *cb_arch_name(enum cb_arch arch);
/* libseccomp's SCMP_ARCH_* token for the arch. */
uint32_t cb_arch_scmp(enum cb_arch arch);
/* Syscall number of NAME on ARCH, or a negative errno when ARCH has no such call. */
int cb_syscall_nr(enum cb_arch arch, const char *name);
/* Name of syscall NR on ARCH; NULL when unknown. The string is static. */
const char *cb_syscall_name(enum cb_arch arch, int nr);
/* The number a libseccomp rule takes for syscall NR of ARCH (the x86_64
 * number, or libseccomp's pseudo-number); __NR_SCMP_ERROR when unnamed. */
int cb_syscall_rule_nr(enum cb_arch arch, int nr);
/* An argument as the guest passed it: i386 registers are 32 bits wide. */
static inline uint64_t cb_arg(enum cb_arch arch, uint64_t raw)
{
	return arch == CB_ARCH_I386 ? (uint32_t)raw : raw;
}

#endif
