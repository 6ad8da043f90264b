/* How many bytes of guest data the supervisor holds in copies at once, in
 * total: each call's bound (XIO_DATA_MAX) times many guest threads would
 * otherwise be memory the guest chooses. */
#ifndef CB_COPY_BUDGET_H
#define CB_COPY_BUDGET_H

#include <stddef.h>

/* Bytes of guest data in flight at most, all calls together. */
#define CB_COPY_BUDGET (64u << 20)

/* Reserve LEN bytes of the budget: 0, or -ENOMEM (the guest's call fails
 * with ENOMEM, as when the kernel cannot allocate) when it is spent. */
int cb_copy_budget_take(size_t len);
/* Give back what a successful take reserved. */
void cb_copy_budget_give(size_t len);

#endif
