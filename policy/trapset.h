/* Which syscalls of which guest ABI go to the supervisor. Everything not in
 * the set is allowed by the BPF filter in the kernel's fast path. */
#ifndef CB_TRAPSET_H
#define CB_TRAPSET_H

#include <stdbool.h>

#include "../abi/arch.h"
#include "../common/error.h"

#define CB_NR_MAX 1024 /* above every x86 syscall number in use */

struct cb_trapset {
	bool trap[CB_ARCH_COUNT][CB_NR_MAX];
};

/* Add the comma-separated syscall NAMES on every ABI that has them;
 * -EINVAL with a reason when a name exists on none. */
int cb_trapset_add_names(struct cb_trapset *ts, const char *names, struct cb_err *err);
/* Whether NR of ARCH is trapped. */
bool cb_trapset_has(const struct cb_trapset *ts, enum cb_arch arch, int nr);

#endif
