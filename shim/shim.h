/* The guest side of the launch: runs in the forked child, never returns. */
#ifndef CB_SHIM_H
#define CB_SHIM_H

#include <linux/filter.h>

#include "caps.h"

struct cb_shim_args {
	int sock;                   /* handshake socket, close-on-exec */
	const struct sock_fprog *prog;
	unsigned filter_flags;      /* extra SECCOMP_FILTER_FLAG_* */
	struct cb_capset keep_caps;
	const char *path;           /* resolved executable */
	char *const *argv;
	char *const *envp;
};

/* no_new_privs, capabilities, filter with a new listener, handshake, execve.
 * On failure reports the stage over the socket and exits 125 (126/127 for
 * execve, like env(1)). */
__attribute__((noreturn)) void cb_shim_run(const struct cb_shim_args *a);

#endif
