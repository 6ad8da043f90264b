/* The OCI runtime-spec seccomp listener message: the container process
 * state JSON that runc and crun send with the notify fd (SCM_RIGHTS). */
#ifndef CB_OCI_STATE_H
#define CB_OCI_STATE_H

#include <stddef.h>

#include "../common/error.h"

struct cb_oci_state {
	int seccomp_fd_index; /* where "seccompFd" is in "fds": the SCM_RIGHTS fd */
	int pid;              /* the container process; 0 when absent */
	char id[256];         /* state.id, the container's name */
	char metadata[1024];  /* listenerMetadata; "" when absent */
};

/* Parse the LEN bytes at BUF. -EINVAL (err says why) unless it is a JSON
 * object whose "fds" array names "seccompFd". */
int cb_oci_state_parse(const char *buf, size_t len, struct cb_oci_state *st, struct cb_err *err);

#endif
