#include "arch.h"

#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
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

/* Both directions for every ABI, asked of libseccomp once: it scans its
 * tables linearly and keeps no cache, and a start-up resolves a few
 * thousand names and numbers (the policy, the dispatch table, the path and
 * credential tables), which cost more than a millisecond asked one by
 * one. */
enum { MAXNR = 1024 };
struct named {
	const char *name;
	int nr;
};
static struct {
	const char *by_nr[MAXNR];
	struct named by_name[MAXNR]; /* sorted by name */
	int n;
} tables[CB_ARCH_COUNT];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int by_name_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : x->nr - y->nr;
}

static void tables_fill(void)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (int nr = 0; nr < MAXNR; nr++) {
			char *s = seccomp_syscall_resolve_num_arch(cb_arch_scmp((enum cb_arch)a), nr);
			tables[a].by_nr[nr] = s; /* kept for the process's life */
			if (s)
				tables[a].by_name[tables[a].n++] = (struct named){ s, nr };
		}
		qsort(tables[a].by_name, (size_t)tables[a].n, sizeof(struct named), by_name_cmp);
	}
}

int cb_syscall_nr(enum cb_arch arch, const char *name)
{
	if (arch < 0 || arch >= CB_ARCH_COUNT || !name)
		return -ENOSYS;
	pthread_once(&tables_once, tables_fill);
	/* The lowest real number of that name. This also finds i386's socket
	 * and SysV IPC calls (socket, recvmmsg, shmget, ...), for which
	 * libseccomp's own lookup answers a negative pseudo-number (they are
	 * direct calls too since Linux 4.3 for most). */
	struct named key = { name, -1 };
	int lo = 0, hi = tables[arch].n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (by_name_cmp(&tables[arch].by_name[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tables[arch].n && strcmp(tables[arch].by_name[lo].name, name) == 0)
		return tables[arch].by_name[lo].nr;
	/* A name no number answers to under that name (an alias libseccomp
	 * knows, or a call the ABI lacks: a pseudo-number, refused). */
	int nr = seccomp_syscall_resolve_name_arch(cb_arch_scmp(arch), name);
	return nr >= 0 ? nr : -ENOSYS;
}

const char *cb_syscall_name(enum cb_arch arch, int nr)
{
	if (arch < 0 || arch >= CB_ARCH_COUNT || nr < 0 || nr >= MAXNR)
		return NULL;
	pthread_once(&tables_once, tables_fill);
	return tables[arch].by_nr[nr];
}
