#include "copy_budget.h"

#include <errno.h>
#include <stdatomic.h>

static atomic_size_t in_flight;

int cb_copy_budget_take(size_t len)
{
	size_t cur = atomic_load(&in_flight);
	do {
		if (len > CB_COPY_BUDGET - cur)
			return -ENOMEM;
	} while (!atomic_compare_exchange_weak(&in_flight, &cur, cur + len));
	return 0;
}

void cb_copy_budget_give(size_t len)
{
	atomic_fetch_sub(&in_flight, len);
}
