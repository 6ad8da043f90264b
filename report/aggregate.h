/* What a report says of a trail, aggregated record by record: counts per
 * syscall, per ioctl (device and request), per refused call, per process.
 * No record is kept; memory grows with the distinct keys only, each table
 * capped (what does not fit is counted, never silently lost). */
#ifndef CB_REPORT_AGGREGATE_H
#define CB_REPORT_AGGREGATE_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "read.h"
#include "record.h"

#define CB_AGG_MAX_KEYS 65536
#define CB_AGG_PTR_WORDS 256   /* byte offsets below this are tracked as pointer words */
#define CB_AGG_OTHER_SIZES 4   /* "NAME(size)" kept per request */

struct cb_agg_sys {
	const char *arch, *name;
	uint64_t n, denied;
};

struct cb_agg_ioctl {
	const char *arch;
	const char *dev;       /* "136:0"; NULL when the fd is no device */
	const char *fd_type;   /* "chr", "sock", ... or NULL */
	const char *path;      /* the first path seen on that device */
	uint32_t req;
	const char *name;
	unsigned dir, type, nr, size;
	int known;             /* 1, 0, -1 (the trail did not say) */
	uint64_t n, denied, failed;
	uint64_t seen;         /* calls whose result the trail has (not run unseen by the kernel) */
	int64_t first_t;
	const char *first_err; /* the first errno seen */
	uint64_t enotty;       /* calls answered ENOTTY */
	int native_enotty;     /* 1 when any call said so, 0 when all said not, -1 */
	uint64_t ptr_words[CB_AGG_PTR_WORDS / 4 / 64]; /* bit per 4-byte word */
	bool ptr_words_beyond; /* a pointer word at or past CB_AGG_PTR_WORDS */
	const char *other_size[CB_AGG_OTHER_SIZES];
	const char *other_abi; /* this number's name on the other ABI */
	uint32_t payload_len;  /* the longest payload recorded */
	const char *action;    /* the first decision */
};

struct cb_agg_denied {
	const char *arch, *sys, *what, *rule, *err;
	uint64_t n;
	int64_t first_t;
};

struct cb_agg_proc {
	int64_t pid, ppid;
	const char *exe, *comm;
	int64_t first_t;
	uint64_t calls, execs;
	uint64_t threads;      /* distinct tids its calls came from */
};

struct cb_agg {
	struct cb_strings str;
	struct cb_map sys, ioctl, denied, proc;
	struct cb_map tids;        /* "pid:tid" seen, for the thread counts */
	uint64_t calls, processes, starts, ends;
	uint64_t dropped;          /* entries the writer lost, from its dropped records */
	uint64_t dropped_records;
	uint64_t truncated;        /* records the writer could not fit in a line */
	int64_t first_t, last_t;
	/* From the start and end records. */
	const char *argv0, *argv_line, *policy, *version, *kernel;
	int64_t end_status, end_calls, end_dropped;
	bool legacy;               /* lines of `run --log`, not the v1 schema */
	struct cb_trail_stats read;
};

void cb_agg_init(struct cb_agg *a);
void cb_agg_free(struct cb_agg *a);
/* Count one record in (a cb_trail_fn: CTX is the struct cb_agg). */
int cb_agg_add(const struct cb_rec *r, void *ctx);
/* Sort the tables for output: syscalls and ioctls by count, refusals by
 * count, processes by pid. No cb_agg_add after. */
void cb_agg_finish(struct cb_agg *a);
/* Whether E is an ioctl no descriptor covers. */
bool cb_agg_ioctl_unknown(const struct cb_agg_ioctl *e);
/* Records not counted somewhere because a table was full, over all tables. */
uint64_t cb_agg_overflow(const struct cb_agg *a);

#endif
