/* Which ioctl rule decides a request on an fd: the matcher the supervisor
 * runs on its own copy of the fd, pure so it is unit-tested. */
#ifndef CB_MATCH_IOCTL_H
#define CB_MATCH_IOCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* What an fd refers to, as fstat and /proc/self/fd say. */
struct cb_fdinfo {
	mode_t mode;       /* st_mode */
	unsigned major, minor; /* of st_rdev, for devices */
	const char *path;  /* readlink of the fd ("pipe:[123]", "/dev/pts/0") */
};

/* Whether rule R's target holds for FD. */
bool cb_target_holds(const struct cb_fdtarget *t, const struct cb_fdinfo *fd);
/* Whether any of POL's ioctl rules for ARCH needs to know the fd. */
bool cb_ioctl_rules_need_fd(const struct cb_policy *pol, enum cb_arch arch);
/* The first of POL's ioctl rules matching REQUEST from ARCH on FD (NULL
 * when FD is unknown: only rules without a target can match), or NULL.
 * *LOOKED tells whether a rule's target was looked at on the way. */
const struct cb_irule *cb_ioctl_match(const struct cb_policy *pol, enum cb_arch arch,
				      uint32_t request, const struct cb_fdinfo *fd, bool *looked);

#endif
