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
#include "ident.h"

struct cb_sink;
struct cb_ident;

#define CB_AUDIT_SCHEMA 1

struct cb_log {
	struct cb_sink *sink;
	struct cb_ident *ident; /* comm and exe per thread, cached */
	const char *policy;     /* for the start record */
	char *const *argv;
	atomic_uint_fast64_t calls;
	/* Records noted (cb_log_ioctl) and not yet queued (cb_log_finish):
	 * their calls were answered, so the guest may have exited already,
	 * and cb_log_close waits for them. */
	atomic_int inflight;
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
/* Note an ioctl for the trail: fd, what it refers to, the request, the
 * outcome (a payload is copied). The record is built and queued after the
 * answer (cb_log_finish), off the guest's wait: the answer's success is
 * what proves PATH (read without an ID_VALID of its own, see
 * cb_guest_fd_path) was the caller's fd. A call the kernel runs (action
 * "kernel"/"allowed") with an argument to look at has its payload read
 * then too, so that no CONTINUE follows a look at guest memory. */
void cb_log_ioctl(struct cb_log *log, struct cb_call *c, int fd, const char *path,
		  uint32_t request, const struct cb_log_result *r);
/* What the last ioctl request a worker logged is (audit/record.c): its
 * descriptor, name and argument size, asked once for a run of the same
 * request. Kept in the worker, whose supervisor's layout databases do not
 * change while it lives. */
struct cb_log_memo {
	bool valid;
	int arch;
	uint32_t request, size;
	const struct cb_abi_db *db;
	const struct cb_ioctl *ioc;
	const char *name;
};

/* A record left open by cb_log_ioctl until the call is answered. */
#define CB_LOG_REC_MAX 16384
#define CB_LOG_PATH_KEPT 6145  /* the record keeps 6144 escaped bytes */
#define CB_LOG_BYTES_KEPT 1024 /* payload bytes decoded at most */
struct cb_log_pend {
	bool active;
	bool peek; /* the argument is read after the answer */
	int fd;
	uint64_t argp;
	uint32_t request, size;
	const struct cb_abi_db *db;
	const struct cb_ioctl *ioc;
	const char *name; /* the request's */
	const char *action;
	bool known;
	int64_t ret;
	int err;
	const char *when; /* the payload's; NULL: none kept */
	/* The caller's comm and exe, asked while its call was pending: after
	 * the answer the guest may be gone (an exe link that no longer
	 * reads would look like a new program). */
	char comm[CB_IDENT_COMM], exe[CB_IDENT_EXE];
	size_t plen;      /* its length as the call gave it */
	unsigned char bytes[CB_LOG_BYTES_KEPT];
	char path[CB_LOG_PATH_KEPT];
	char buf[CB_LOG_REC_MAX]; /* the record, raw (audit/record.c) */
};

/* After the answer (ANSWER_RC: what sending it returned, -ENOENT when the
 * call was gone): build and queue the record cb_log_ioctl noted. */
void cb_log_finish(struct cb_call *c, int answer_rc);

#endif
