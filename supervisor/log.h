/* The decision log: one JSON object per line, one line per trapped call.
 * Lines are written with a single write() on an O_APPEND fd, so lines from
 * concurrent workers never interleave. */
#ifndef CB_LOG_H
#define CB_LOG_H

#include <stdint.h>

#include "../common/error.h"
#include "call.h"

struct cb_log {
	int fd;
};

/* Open (create, append to) PATH; "-" means standard error. */
int cb_log_open(struct cb_log *log, const char *path, struct cb_err *err);
void cb_log_close(struct cb_log *log);

/* What the supervisor did with a call. */
struct cb_log_result {
	const char *action; /* "performed", "kernel", "denied", "abandoned" */
	bool known;         /* whether ret/err below are known */
	int64_t ret;
	int err;
};

/* Log a trapped call with no specific decoding. */
void cb_log_syscall(struct cb_log *log, struct cb_call *c, const char *action);
/* Log a path call under path rules: the path it resolved to. */
void cb_log_path(struct cb_log *log, struct cb_call *c, const char *resolved, const char *action);
/* Log an ioctl: fd, what it refers to, the request decoded, the outcome. */
void cb_log_ioctl(struct cb_log *log, struct cb_call *c, int fd, const char *path,
		  uint32_t request, const struct cb_log_result *r);

#endif
