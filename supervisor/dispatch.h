/* The dispatch table: (guest ABI, syscall number) -> handler. Handlers are
 * registered by name, so a file of handlers is data plus functions and the
 * loop never changes when one is added. */
#ifndef CB_DISPATCH_H
#define CB_DISPATCH_H

#include "../abi/arch.h"
#include "../common/error.h"
#include "../policy/trapset.h"
#include "call.h"

typedef void (*cb_handler_fn)(struct cb_call *c);

enum {
	/* May block for long: the worker hands the listener to another
	 * worker before running it, so other guest threads go on; when no
	 * worker can take it, the kernel runs the call instead. */
	CB_H_SLOW = 1 << 0,
	/* Takes the worker's own credentials back itself where it needs them
	 * (cb_creds_settle): a path call may find the last one's guest
	 * capabilities still in place, and keep them. Every other handler
	 * runs with the worker's own. */
	CB_H_CREDS = 1 << 1,
};

struct cb_handler {
	const char *syscall; /* as in syscalls(2) */
	enum cb_arch arch;   /* CB_ARCH_UNKNOWN: every ABI that has the call */
	cb_handler_fn fn;
	unsigned flags;
};

struct cb_dispatch {
	const struct cb_handler *h[CB_ARCH_COUNT][CB_NR_MAX];
};

/* Handlers for trapped calls nobody registered: log and let the kernel run
 * the call (safe: no pointer argument is looked at). */
extern const struct cb_handler cb_handler_passthrough;

/* Fill D from the handler tables of every module. */
int cb_dispatch_build(struct cb_dispatch *d, struct cb_err *err);
/* The handler for a trapped call; never NULL. */
static inline const struct cb_handler *cb_dispatch_lookup(const struct cb_dispatch *d,
							  enum cb_arch arch, int nr)
{
	const struct cb_handler *h = NULL;
	if (arch >= 0 && arch < CB_ARCH_COUNT && nr >= 0 && nr < CB_NR_MAX)
		h = d->h[arch][nr];
	return h ? h : &cb_handler_passthrough;
}

/* Path calls under path rules (handlers/path.c): resolved and decided by the
 * supervisor, performed on what it resolved. */
extern const struct cb_handler cb_handler_path;

/* Handler tables, one per handler file. Each ends with a {NULL} entry. */
extern const struct cb_handler cb_handlers_ioctl[];
extern const struct cb_handler cb_handlers_time[];
extern const struct cb_handler cb_handlers_fd[];

#endif
