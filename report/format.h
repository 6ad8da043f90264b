/* Formatting shared by the report's outputs (table, HTML, JSON). */
#ifndef CB_REPORT_FORMAT_H
#define CB_REPORT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "aggregate.h"

/* "08:00:01.234" (UTC), or "-" for 0. */
void cb_fmt_clock(char *buf, size_t cap, int64_t t_ns);
/* "2026-11-30 08:00:01.234 UTC", or "-". */
void cb_fmt_when(char *buf, size_t cap, int64_t t_ns);
/* Where an ioctl went: "/dev/pts/0 (char 136:0)", "socket", "pipe"... */
void cb_fmt_device(char *buf, size_t cap, const struct cb_agg_ioctl *e);
/* "ok", "2 failed: ENOTTY", "3 refused", or "kernel ran it" when no call's
 * result was seen. */
void cb_fmt_result(char *buf, size_t cap, const struct cb_agg_ioctl *e);

/* Walk the processes as a tree: parents before children, children by pid;
 * a process whose parent the trail never showed is a root. DEPTH is 0 for
 * roots. */
typedef void (*cb_tree_fn)(void *ctx, const struct cb_agg_proc *p, int depth);
void cb_fmt_tree(const struct cb_agg *a, cb_tree_fn fn, void *ctx);

#endif
