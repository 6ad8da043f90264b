/* Translated i386 syscalls that move data: vectored I/O, messages with
 * control data, readiness (poll, select, epoll). Each row is one call: what
 * its arguments are and which x86_64 call performs it. */
#include "xsys.h"

#include "dispatch.h"

const struct cb_xsys cb_xsys_io[] = {
	{ NULL },
};
