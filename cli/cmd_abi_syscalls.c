/* `compatbox abi syscalls`: what the supervisor registers for each i386
 * syscall, for scripts/syscall-classes.py (docs/translation.md's table). */
#include <stdio.h>
#include <string.h>

#include "../supervisor/dispatch.h"
#include "../translate/xsys.h"
#include "cmd_abi.h"

int cb_abi_syscalls(FILE *out, struct cb_err *err)
{
	static struct cb_dispatch d;
	struct cb_trapset scratch;
	int rc = cb_dispatch_build(&d, err);
	if (!rc)
		rc = cb_xsys_install(&d, &scratch, err);
	if (rc)
		return rc;
	for (int nr = 0; nr < CB_NR_MAX; nr++) {
		const char *name = cb_syscall_name(CB_ARCH_I386, nr);
		if (!name)
			continue;
		/* translated: a row of translate/ converts its arguments;
		 * performed: a handler of its own (ioctl, the sleeps, dup...). */
		const struct cb_handler *h = d.h[CB_ARCH_I386][nr];
		const char *how = cb_xsys_find(CB_ARCH_I386, nr) ||
					  (h && !strcmp(h->syscall, "(translated)"))
				  ? "translated" /* socketcall: rows per sub-call */
			  : h ? "performed"
			      : "-";
		fprintf(out, "%d\t%s\t%s\n", nr, name, how);
	}
	return 0;
}
