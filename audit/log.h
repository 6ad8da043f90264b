/* The audit trail (docs/audit.md): one JSON record per line, one "call"
 * record per trapped call, framed by "start" and "end", with "process"
 * records when a thread group is first seen. Workers build records and
 * queue them (audit/sink.h); a writer thread writes them. */
#ifndef CB_LOG_H
#define CB_LOG_H

#include <stdatomic.h>
#include <stdint.h>

#include "../common/error.h"
#include "../common/json.h"
#include "../supervisor/call.h"

struct cb_sink;
struct cb_ident;

#define CB_AUDIT_SCHEMA 1

struct cb_log {
	struct cb_sink *sink;
	struct cb_ident *ident; /* comm and exe per thread, cached */
	const char *policy;     /* for the start record */
	char *const *argv;
	atomic_uint_fast64_t calls;
};

struct cb_log_opts {
	const char *path;  /* "-": stderr */
	uint64_t max_size; /* 0: no rotation */
	const char *policy;
	char *const *argv;
};

/* Open (create, append to) the trail and start its writer. */
int cb_log_open(struct cb_log *log, const struct cb_log_opts *o, struct cb_err *err);
/* Have the writer drain now (a signal reached the supervisor). */
void cb_log_kick(struct cb_log *log);
/* Write the end record after everything queued and close; STATUS is the
 * exit status compatbox returns. STATS (NULL: none): a one-line JSON object
 * ending in '\n' (cb_stats_json) whose members become a "stats" record
 * just before end. Returns the records dropped in all. */
uint64_t cb_log_close(struct cb_log *log, int status, const char *stats);

/* A payload the supervisor holds: what the call's argument points to. */
struct cb_log_payload {
	const void *bytes;
	size_t len;
	const char *when; /* "before", "after" (docs/audit.md) */
};

/* What the supervisor did with a call. */
struct cb_log_result {
	const char *action; /* "performed", "kernel", "denied", "abandoned", ... */
	bool known;         /* whether ret/err below are known */
	int64_t ret;
	int err;
	const struct cb_log_payload *payload; /* NULL: none read */
};

/* Log a trapped call with no specific decoding. */
void cb_log_syscall(struct cb_log *log, struct cb_call *c, const char *action);
/* Log a path call under path rules: the path it resolved to. */
void cb_log_path(struct cb_log *log, struct cb_call *c, const char *resolved, const char *action);
/* Log an ioctl: fd, what it refers to, the request decoded, the outcome.
 * A call the kernel runs (action "kernel"/"allowed") with an argument to
 * look at is finished after the answer (cb_log_finish): its payload is
 * read then, so that no CONTINUE follows a look at guest memory. */
void cb_log_ioctl(struct cb_log *log, struct cb_call *c, int fd, const char *path,
		  uint32_t request, const struct cb_log_result *r);
/* A record left open by cb_log_ioctl until the call is answered. */
#define CB_LOG_REC_MAX 16384
struct cb_log_pend {
	bool active;
	struct cb_json j;
	uint64_t argp;
	uint32_t request, size;
	const struct cb_abi_db *db;
	const struct cb_ioctl *ioc;
	char buf[CB_LOG_REC_MAX];
};

/* After the answer: complete and queue a record cb_log_ioctl left open. */
void cb_log_finish(struct cb_call *c);

#endif
