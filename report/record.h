/* One audit-trail record, normalised from its JSON line (docs/audit.md,
 * schema v1; also the older `run --log` lines): what the report reads of
 * it. Pointers point into the parsed line and live as long as it does. */
#ifndef CB_REPORT_RECORD_H
#define CB_REPORT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/json_parse.h"

/* The schema version read; a trail of another version is not guessed at. */
#define CB_REC_SCHEMA 1

/* CB_R_TRUNCATED: {"truncated":true}, what the writer puts for a record
 * too long to write: a record lost, not a malformed line. */
enum cb_rkind { CB_R_OTHER, CB_R_START, CB_R_CALL, CB_R_PROCESS, CB_R_DROPPED, CB_R_END,
		CB_R_TRUNCATED };

struct cb_rec {
	enum cb_rkind kind;
	bool legacy;               /* a `run --log` line, not schema v1 */
	int64_t t;                 /* ns since the epoch; 0 when the line has none */
	int64_t pid, ppid, tid;    /* -1 when absent */
	const char *comm, *exe, *arch, *sys;
	/* The fd's target (ioctl and other fd calls). */
	const char *fd_path, *fd_type, *fd_dev;
	const char *path;          /* path calls, as resolved */
	/* ioctl: the request decoded. */
	bool is_ioctl;
	uint32_t req;
	const char *req_name;      /* NULL: no name */
	unsigned dir, type, nr, size;
	int known;                 /* a descriptor exists: 1, 0, -1 not said */
	/* What the writer inferred for an unknown request. */
	const struct cb_jval *ptr_words;   /* array of byte offsets, or NULL */
	const struct cb_jval *other_size;  /* array of "NAME(size)", or NULL */
	const char *other_abi;     /* the name this very number has on the other ABI */
	int native_enotty;         /* 1, 0, -1 not known */
	uint32_t payload_len;
	/* What was decided and what came of it. */
	const char *action;        /* the policy's verb: allow, deny, log, ... */
	const char *rule;          /* FILE:LINE:COL or "default" */
	const char *how;           /* what was done: kernel, performed, denied, ... */
	const char *err;           /* errno name of a failed call */
	bool ret_known;
	int64_t ret;
	int64_t dur_ns;            /* -1 when absent */
	/* dropped: entries lost; end: the totals the writer counted. */
	int64_t count, status, calls, dropped;
	/* start */
	const struct cb_jval *argv;
	const char *policy, *version, *kernel;
};

/* Fill R from the parsed line V. 0; -EPROTONOSUPPORT for a schema version
 * other than CB_REC_SCHEMA; -EINVAL when V is not a record. Unknown keys
 * are ignored. */
int cb_rec_from_json(struct cb_rec *r, const struct cb_jval *v);

/* Whether the call was refused by the policy (deny, kill, trap). */
bool cb_rec_denied(const struct cb_rec *r);

#endif
