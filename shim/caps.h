/* Capability handling for the guest: parse --keep-caps, drop the rest. */
#ifndef CB_CAPS_H
#define CB_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/error.h"

/* A set of capability numbers, bit N = CAP_N. */
struct cb_capset {
	uint64_t bits;
};

/* Parse "net_admin,cap_sys_time" (case-insensitive, optional "cap_"
 * prefix, "" for none) into keep; -EINVAL naming the bad entry. */
int cb_caps_parse(const char *list, struct cb_capset *keep, struct cb_err *err);
/* In the guest child: reduce bounding, effective, permitted, inheritable
 * and ambient sets to KEEP. Returns 0 or -errno. Call with no_new_privs set. */
int cb_caps_drop_all_but(const struct cb_capset *keep);

#endif
