/* Reading an audit trail: JSON lines, one record each, streamed through a
 * fixed buffer so that a trail of any length reads in bounded memory. */
#ifndef CB_REPORT_READ_H
#define CB_REPORT_READ_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"
#include "record.h"

/* The longest line read; a longer one is skipped and counted malformed. */
#define CB_TRAIL_LINE_MAX (1u << 20)

struct cb_trail_stats {
	uint64_t lines;          /* complete lines, blank ones included */
	uint64_t records;        /* handed to the callback */
	uint64_t malformed;      /* not JSON, not a record, or too long */
	uint64_t first_bad_line; /* 0: none */
	char first_bad[160];     /* why that line was not read */
	uint64_t partial_bytes;  /* a last line without '\n': ignored (being written) */
};

/* Called for each record; a non-zero return stops the reading with it. */
typedef int (*cb_trail_fn)(const struct cb_rec *r, void *ctx);

/* Read the trail from FD to its end. 0, the callback's non-zero return,
 * or -errno with ERR when FD cannot be read. */
int cb_trail_read_fd(int fd, cb_trail_fn fn, void *ctx, struct cb_trail_stats *st,
		     struct cb_err *err);
/* The same over TEXT of LEN bytes in memory. */
int cb_trail_read_mem(const char *text, size_t len, cb_trail_fn fn, void *ctx,
		      struct cb_trail_stats *st);

/* Free the memory the reading keeps between lines (this thread's). */
void cb_trail_release(void);

#endif
