/* What can be inferred of an ioctl no descriptor covers, from the trail
 * alone: the request number's fields, the writer's pointer-word and
 * other-size findings, whether the driver has no compat handler, and the
 * `compatbox abi gen` input a person would start a descriptor from. */
#ifndef CB_REPORT_EXPLAIN_H
#define CB_REPORT_EXPLAIN_H

#include <stddef.h>

#include "aggregate.h"

/* Each finding: a short LABEL and its TEXT (TEXT may hold several lines). */
typedef void (*cb_explain_fn)(void *ctx, const char *label, const char *text);

void cb_explain_ioctl(const struct cb_agg_ioctl *e, cb_explain_fn fn, void *ctx);

/* "rw", "read" ... of the _IOC direction bits, as the report words them. */
const char *cb_explain_dir(unsigned dir);
/* Whether the 4-byte word at byte OFFSET was seen holding a guest pointer. */
bool cb_explain_is_ptr(const struct cb_agg_ioctl *e, unsigned offset);

#endif
