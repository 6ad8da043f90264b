#include "dispatch.h"

#include <errno.h>
#include <string.h>

#include "../audit/log.h"
#include "supervisor.h"

static void passthrough(struct cb_call *c)
{
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c, "kernel");
	/* CONTINUE is safe here: this handler reads no guest memory and decides
	 * on nothing but the syscall number, so there is nothing for the guest
	 * to change between our look and the kernel's. */
	c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = CB_OUT_K_UNHANDLED };
}

const struct cb_handler cb_handler_passthrough = { "*", CB_ARCH_UNKNOWN, passthrough, 0 };

static const struct cb_handler *const tables[] = {
	cb_handlers_ioctl,
	cb_handlers_time,
	cb_handlers_fd,
};

int cb_dispatch_build(struct cb_dispatch *d, struct cb_err *err)
{
	memset(d, 0, sizeof(*d));
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct cb_handler *h = tables[t]; h->syscall; h++) {
			int found = 0;
			for (int a = 0; a < CB_ARCH_COUNT; a++) {
				if (h->arch != CB_ARCH_UNKNOWN && h->arch != (enum cb_arch)a)
					continue;
				int nr = cb_syscall_nr(a, h->syscall);
				if (nr < 0 || nr >= CB_NR_MAX)
					continue;
				if (d->h[a][nr])
					return cb_fail(err, EEXIST, "two handlers for %s on %s",
						       h->syscall, cb_arch_name(a));
				d->h[a][nr] = h;
				found = 1;
			}
			if (!found)
				return cb_fail(err, EINVAL, "handler for unknown syscall %s", h->syscall);
		}
	}
	return 0;
}
