/* OCI runtime-spec / Docker seccomp profiles (JSON) read into a policy:
 * what container users already have. */
#ifndef CB_OCI_H
#define CB_OCI_H

#include "../common/error.h"
#include "policy.h"

#include <stddef.h>
#include <stdint.h>

/* Read the profile TEXT of LEN bytes (named FILE in messages) into P
 * (initialised); CAPS are the capabilities the guest keeps (bit N:
 * capability N), which entries' includes/excludes.caps are matched with.
 * A syscall name neither ABI has is an error; -EINVAL with
 * "FILE:LINE:COL: ..." in ERR for anything malformed. */
int cb_oci_parse(struct cb_policy *p, const char *file, const char *text, size_t len,
		 uint64_t caps, struct cb_err *err);
/* Read the profile (or OCI config.json) at PATH. */
int cb_oci_load(struct cb_policy *p, const char *path, uint64_t caps, struct cb_err *err);

#endif
