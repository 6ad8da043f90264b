/* OCI runtime-spec / Docker seccomp profiles (JSON) read into a policy:
 * what container users already have. */
#ifndef CB_OCI_H
#define CB_OCI_H

#include "../common/error.h"
#include "policy.h"

/* Read the profile TEXT (named FILE in messages) into P (initialised).
 * Unknown syscall names are errors for every ABI the profile applies to;
 * -EINVAL with "FILE:LINE:COL: ..." in ERR. */
int cb_oci_parse(struct cb_policy *p, const char *file, const char *text, struct cb_err *err);
/* Read the profile at PATH. */
int cb_oci_load(struct cb_policy *p, const char *path, struct cb_err *err);

#endif
