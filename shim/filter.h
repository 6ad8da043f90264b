/* The guest's seccomp filter, compiled to classic BPF in the parent so the
 * forked child only has to install it. */
#ifndef CB_FILTER_H
#define CB_FILTER_H

#include <linux/filter.h>

#include "../common/error.h"
#include "../policy/trapset.h"

/* Build the filter: trapped calls notify the supervisor, all else of x86_64
 * and i386 is allowed, x32 and any other ABI kill the process. On success
 * prog->filter is malloc'd; free it with cb_filter_free. */
int cb_filter_build(const struct cb_trapset *ts, struct sock_fprog *prog, struct cb_err *err);
void cb_filter_free(struct sock_fprog *prog);

#endif
