#include "trapset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

static void add_nr(struct cb_trapset *ts, enum cb_arch arch, int nr)
{
	if (nr >= 0 && nr < CB_NR_MAX)
		ts->trap[arch][nr] = true;
}

int cb_trapset_add_names(struct cb_trapset *ts, const char *names, struct cb_err *err)
{
	cleanup_free char *copy = strdup(names);
	if (!copy)
		return cb_fail(err, ENOMEM, "out of memory");
	char *save = NULL;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			int nr = cb_syscall_nr(a, name);
			if (nr >= 0) {
				add_nr(ts, a, nr);
				found = true;
			}
		}
		if (!found)
			return cb_fail(err, EINVAL,
				       "unknown syscall '%s' (not a syscall of x86_64 or i386; "
				       "names are as in syscalls(2), e.g. nanosleep,getppid)", name);
	}
	return 0;
}

bool cb_trapset_has(const struct cb_trapset *ts, enum cb_arch arch, int nr)
{
	return arch >= 0 && arch < CB_ARCH_COUNT && nr >= 0 && nr < CB_NR_MAX && ts->trap[arch][nr];
}
