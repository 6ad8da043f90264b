/* The records of the audit trail (docs/audit.md), built by the workers. */
#include "log.h"

#include <asm/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../abi/ioctl_decode.h"
#include "../common/fmt.h"
#include "../guest/fd_names.h"
#include "../guest/guest.h"
#include "../supervisor/supervisor.h"
#include "ident.h"
#include "payload.h"
#include "sink.h"
#include "target.h"

#ifndef CB_VERSION
#define CB_VERSION "0"
#endif

/* Escaped bytes kept of the strings a guest controls: a path (PATH_MAX
 * backslashes would escape to 8 KiB) and a request name from an --abi
 * file. Cut there, they leave room for every other member of the record,
 * which is what tells which call it was. */
#define LOG_PATH_MAX 6144
#define LOG_NAME_MAX 256
/* And of the policy rule's FILE:LINE:COL, so that a long policy path
 * leaves a short record (cb_log_syscall's) its action. */
#define LOG_RULE_MAX 256
_Static_assert(CB_LOG_PATH_KEPT == LOG_PATH_MAX + 1, "a kept path holds what a record shows");

/* N bytes of S after the LEN bytes BUF holds, cut to leave room for the
 * NUL as snprintf would cut; returns the length now. */
static size_t append(char *buf, size_t cap, size_t len, const char *s, size_t n)
{
	if (n > cap - 1 - len)
		n = cap - 1 - len;
	memcpy(buf + len, s, n);
	buf[len + n] = 0;
	return len + n;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void begin(struct cb_json *j, char *buf, size_t cap, const char *kind, uint64_t t)
{
	cb_json_begin(j, buf, cap);
	cb_json_int(j, "v", CB_AUDIT_SCHEMA);
	cb_json_str(j, "kind", kind);
	cb_json_int(j, "t", (int64_t)t);
}

static void put(struct cb_log *log, struct cb_json *j)
{
	size_t n = cb_json_end(j);
	cb_sink_put(log->sink, j->buf, n);
}

static size_t start_record(void *arg, char *buf, size_t cap)
{
	struct cb_log *log = arg;
	struct cb_json j;
	struct utsname u;
	begin(&j, buf, cap, "start", clock_ns(CLOCK_REALTIME));
	cb_json_arr_open(&j, "argv");
	for (int i = 0; log->argv && log->argv[i] && i < 64; i++)
		cb_json_arr_str(&j, log->argv[i], 256);
	cb_json_arr_close(&j);
	cb_json_str_max(&j, "policy", log->policy, LOG_RULE_MAX);
	cb_json_str(&j, "compatbox", CB_VERSION);
	cb_json_open(&j, "host");
	cb_json_str(&j, "kernel", uname(&u) == 0 ? u.release : NULL);
	cb_json_close(&j);
	cb_json_int(&j, "pid", getpid());
	return cb_json_end(&j);
}

int cb_log_open(struct cb_log *log, const struct cb_log_opts *o, struct cb_err *err)
{
	log->policy = o->policy;
	log->argv = o->argv;
	atomic_init(&log->calls, 0);
	log->ident = cb_ident_new();
	if (!log->ident)
		return cb_fail(err, ENOMEM, "out of memory");
	return cb_sink_open(&log->sink, o->path, o->max_size, start_record, log, err);
}

void cb_log_kick(struct cb_log *log)
{
	cb_sink_kick(log->sink);
}

uint64_t cb_log_close(struct cb_log *log, int status, const char *stats)
{
	char buf[256];
	struct cb_json j;
	/* A worker finishes a record just after answering its call: the
	 * guest may have exited meanwhile. Not forever: a worker that never
	 * comes back must not keep compatbox from exiting. */
	for (int i = 0; i < 2000 && atomic_load(&log->inflight) > 0; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 500000 }, NULL);
	uint64_t now = clock_ns(CLOCK_REALTIME); /* stats and end alike */
	begin(&j, buf, sizeof(buf), "end", now);
	cb_json_int(&j, "status", status);
	cb_json_int(&j, "calls", (int64_t)atomic_load(&log->calls));
	/* Every record lost is in a dropped record before this one. */
	cb_json_int(&j, "dropped", (int64_t)cb_sink_dropped(log->sink));
	cb_json_int(&j, "names_reused", (int64_t)cb_fd_names_reused());
	size_t n = cb_json_end(&j);
	/* The stats record goes in the trailer with end: after every call
	 * it counts, never dropped, and not bound by a record's 16 KiB (one
	 * row per syscall called can pass it). */
	size_t sl = stats ? strlen(stats) : 0;
	if (sl < 3 || stats[0] != '{' || stats[sl - 1] != '\n')
		return cb_sink_close(log->sink, buf, n);
	char head[96];
	int hl = snprintf(head, sizeof(head), "{\"v\":%d,\"kind\":\"stats\",\"t\":%llu,",
			  CB_AUDIT_SCHEMA, (unsigned long long)now);
	char *all = malloc((size_t)hl + sl - 1 + n);
	if (!all)
		return cb_sink_close(log->sink, buf, n);
	memcpy(all, head, (size_t)hl);
	memcpy(all + hl, stats + 1, sl - 1);
	memcpy(all + hl + sl - 1, buf, n);
	uint64_t d = cb_sink_close(log->sink, all, (size_t)hl + sl - 1 + n);
	free(all);
	return d;
}

static void process_record(struct cb_log *log, pid_t tgid, const char *comm, const char *exe)
{
	char buf[2048];
	struct cb_json j;
	begin(&j, buf, sizeof(buf), "process", clock_ns(CLOCK_REALTIME));
	cb_json_int(&j, "pid", tgid);
	cb_json_int(&j, "ppid", cb_ident_ppid(tgid));
	cb_json_str(&j, "comm", comm);
	cb_json_str_max(&j, "exe", exe, 1024);
	put(log, &j);
}

static const char *decision(const struct cb_call *c)
{
	switch (c->act.kind) {
	case CB_ACT_KILL_THREAD:
	case CB_ACT_KILL_PROCESS:
		return "kill";
	case CB_ACT_NONE:
		return "allow";
	default:
		return cb_act_name(c->act.kind);
	}
}

/* The caller's comm and exe into COMM and EXE, and its process record
 * when this group is new (or ran a new program). */
static void identify(struct cb_log *log, struct cb_call *c, char comm[CB_IDENT_COMM],
		     char exe[CB_IDENT_EXE])
{
	pid_t tgid = cb_guest_tgid(c);
	if (cb_ident_get(log->ident, (pid_t)c->n->pid, tgid, comm, exe))
		process_record(log, tgid, comm, exe);
}

/* A call record's first members, for a caller identified as COMM, EXE. */
static void header_as(struct cb_log *log, struct cb_json *j, char *buf, size_t cap,
		      struct cb_call *c, const char *comm, const char *exe)
{
	pid_t tgid = cb_guest_tgid(c), tid = (pid_t)c->n->pid;
	atomic_fetch_add_explicit(&log->calls, 1, memory_order_relaxed);
	begin(j, buf, cap, "call", c->t_real ? c->t_real : clock_ns(CLOCK_REALTIME));
	cb_json_int(j, "pid", tgid);
	cb_json_int(j, "tid", tid);
	cb_json_str(j, "comm", comm);
	cb_json_str_max(j, "exe", exe, 1024);
	cb_json_str(j, "arch", cb_arch_name(c->arch));
	cb_json_str(j, "syscall", cb_syscall_name(c->arch, c->nr));
	cb_json_int(j, "nr", c->nr);
	if (c->via_nr > 0) /* a socketcall's operation: the multiplexer it came through */
		cb_json_str(j, "via", cb_syscall_name(c->arch, c->via_nr));
	cb_json_arr_open(j, "args");
	for (int i = 0; i < 6; i++)
		cb_json_arr_hex(j, c->args[i]);
	cb_json_arr_close(j);
	cb_json_str(j, "decision", decision(c));
	if (c->why) {
		char at[600], num[24];
		size_t n = append(at, sizeof(at), 0, c->why->file, strlen(c->why->file));
		n = append(at, sizeof(at), n, ":", 1);
		char *p = cb_fmt_dec(num + sizeof(num), c->why->line);
		n = append(at, sizeof(at), n, p, (size_t)(num + sizeof(num) - p));
		n = append(at, sizeof(at), n, ":", 1);
		p = cb_fmt_dec(num + sizeof(num), c->why->col);
		append(at, sizeof(at), n, p, (size_t)(num + sizeof(num) - p));
		cb_json_str_max(j, "rule", at, LOG_RULE_MAX);
	} else {
		cb_json_str(j, "rule", "default");
	}
}

static void header(struct cb_log *log, struct cb_json *j, char *buf, size_t cap, struct cb_call *c)
{
	char comm[CB_IDENT_COMM], exe[CB_IDENT_EXE];
	identify(log, c, comm, exe);
	header_as(log, j, buf, cap, c, comm, exe);
}

static void result(struct cb_json *j, bool known, int64_t ret, int err)
{
	if (!known) {
		cb_json_null(j, "result");
		return;
	}
	cb_json_open(j, "result");
	if (err) {
		cb_json_int(j, "ret", -1);
		cb_json_str(j, "errno", strerrorname_np(err));
	} else {
		cb_json_int(j, "ret", ret);
	}
	cb_json_close(j);
}

static void duration(struct cb_json *j, const struct cb_call *c)
{
	if (c->t_mono)
		cb_json_int(j, "dur_ns", (int64_t)(clock_ns(CLOCK_MONOTONIC) - c->t_mono));
}

void cb_log_syscall(struct cb_log *log, struct cb_call *c, const char *action)
{
	char buf[4096];
	struct cb_json j;
	header(log, &j, buf, sizeof(buf), c);
	cb_json_str(&j, "action", action);
	duration(&j, c);
	put(log, &j);
}

void cb_log_path(struct cb_log *log, struct cb_call *c, const char *resolved, const char *action)
{
	char buf[10240]; /* room for LOG_PATH_MAX and the rest */
	struct cb_json j;
	header(log, &j, buf, sizeof(buf), c);
	cb_json_str_max(&j, "path", resolved, LOG_PATH_MAX);
	cb_json_str(&j, "action", action);
	if (c->v.kind == CB_V_RETURN || c->v.kind == CB_V_ANSWERED)
		result(&j, true, c->v.val, c->v.err);
	duration(&j, c);
	put(log, &j);
}

/* The generated uapi names first, then the layout databases (--abi files
 * included). */
static const char *request_name(const struct cb_call *c, uint32_t request,
				const struct cb_ioctl *ioc)
{
	const char *name = cb_ioctl_name(c->arch, request);
	return name ? name : ioc ? ioc->name : NULL;
}

static const struct cb_ioctl *descriptor(const struct cb_call *c, uint32_t request,
					 const struct cb_abi_db **db)
{
	for (int i = 0; i < c->sup->tr.ndbs; i++) {
		const struct cb_ioctl *ioc = cb_abi_ioctl_by_req(c->sup->tr.dbs[i], c->arch, request);
		if (ioc) {
			*db = c->sup->tr.dbs[i];
			return ioc;
		}
	}
	*db = NULL;
	return NULL;
}

static void target(struct cb_json *j, const struct cb_call *c, int gfd, const char *path)
{
	char dev[32];
	cb_json_open(j, "target");
	cb_json_str(j, "type", path && path[0] ? cb_target_of(path, (pid_t)c->n->pid, gfd, dev)
					       : (dev[0] = 0, "unknown"));
	if (dev[0])
		cb_json_str(j, "dev", dev);
	cb_json_close(j);
}

/* Bytes the argument of REQUEST holds for this arch: the descriptor's, or
 * the number's when it has a direction. */
static uint32_t arg_size(const struct cb_call *c, uint32_t request, const struct cb_ioctl *ioc)
{
	if (ioc)
		return ioc->arg_record >= 0 || ioc->arg_kind != CB_K_PAD ? ioc->arg_size[c->arch] : 0;
	struct cb_ioctl_fields f = cb_ioctl_split(request);
	return f.dir ? f.size : 0;
}

/* What REQUEST of the call's arch is: from the worker's memo when it was
 * the last one asked (a loop of one request asks once), else looked up. */
static const struct cb_log_memo *describe(struct cb_call *c, uint32_t request,
					  struct cb_log_memo *local)
{
	struct cb_log_memo *m = c->w ? &c->w->memo : local;
	if (m->valid && m->arch == (int)c->arch && m->request == request)
		return m;
	m->ioc = descriptor(c, request, &m->db);
	m->size = arg_size(c, request, m->ioc);
	m->name = request_name(c, request, m->ioc);
	m->arch = (int)c->arch;
	m->request = request;
	m->valid = true;
	return m;
}

struct peek_ctx {
	struct cb_call *c;
};

static bool mapped(void *ctx, uint64_t addr)
{
	unsigned char b;
	return cb_guest_peek(((struct peek_ctx *)ctx)->c, addr, &b, 1) == 1;
}

/* "infer" for a request no descriptor describes. */
static void infer(struct cb_json *j, struct cb_call *c, uint32_t request, const void *bytes,
		  size_t len, bool can_peek, int native_enotty)
{
	cb_json_open(j, "infer");
	int offs[32];
	int n = 0;
	struct peek_ctx pc = { c };
	if (bytes && can_peek)
		n = cb_payload_ptr_words(c->arch, bytes, len, mapped, &pc, offs, 32);
	cb_json_arr_open(j, "ptr_words");
	for (int i = 0; i < n; i++)
		cb_json_arr_int(j, offs[i]);
	cb_json_arr_close(j);
	if (can_peek && c->args[2] >= 0x10000)
		cb_json_bool(j, "arg_mapped", mapped(&pc, c->args[2]));
	cb_payload_other_sizes(j, c->arch, request);
	if (native_enotty < 0)
		cb_json_null(j, "native_enotty");
	else
		cb_json_bool(j, "native_enotty", native_enotty);
	cb_json_close(j);
}

void cb_log_ioctl(struct cb_log *log, struct cb_call *c, int fd, const char *path,
		  uint32_t request, const struct cb_log_result *r)
{
	/* The record's room: every call cb_supervisor_handle makes has it
	 * when there is a log (not on the worker's stack twice). */
	struct cb_log_pend *pe = c->pend;
	if (!log || !pe)
		return;
	struct cb_ioctl_fields f = cb_ioctl_split(request);
	struct cb_log_memo local = { 0 };
	const struct cb_log_memo *m = describe(c, request, &local);
	pe->ioc = m->ioc;
	pe->db = m->db;
	pe->name = m->name;
	pe->size = m->size;
	pe->fd = fd;
	pe->request = request;
	pe->action = r->action;
	pe->known = r->known;
	pe->ret = r->ret;
	pe->err = r->err;
	pe->when = NULL;
	pe->peek = false;
	append(pe->path, sizeof(pe->path), 0, path ? path : "", path ? strnlen(path, sizeof(pe->path)) : 0);
	/* Whose call it was must be asked while it is pending: the process
	 * record, the pid, comm and exe members come from it. */
	identify(log, c, pe->comm, pe->exe);
	bool kernel = !r->known && (!strcmp(r->action, "kernel") || !strcmp(r->action, "allowed"));
	/* What the guest hands the kernel is worth reading after the answer;
	 * what the kernel writes back is not there yet. */
	bool gives = pe->ioc ? pe->ioc->dir == CB_DIR_IN || pe->ioc->dir == CB_DIR_INOUT
			     : (f.dir & _IOC_WRITE);
	if (r->payload && r->payload->bytes) {
		pe->plen = r->payload->len;
		memcpy(pe->bytes, r->payload->bytes,
		       pe->plen < sizeof(pe->bytes) ? pe->plen : sizeof(pe->bytes));
		pe->when = r->payload->when;
	} else if (kernel && gives && pe->size && c->args[2] && cb_guest_prove(c) == 0) {
		pe->argp = c->args[2];
		pe->peek = true;
	}
	if (!pe->active)
		atomic_fetch_add(&log->inflight, 1);
	pe->active = true;
}

void cb_log_finish(struct cb_call *c, int answer_rc)
{
	struct cb_log_pend *pe = c->pend;
	if (!pe || !pe->active)
		return;
	pe->active = false;
	struct cb_log *log = c->sup->log;
	struct cb_json *j = &pe->j;
	const char *action = pe->action;
	if (answer_rc == -ENOENT || !strcmp(action, "abandoned")) {
		/* The call was gone before the answer: nothing proves the fd's
		 * path was the caller's, and the kernel ran nothing. */
		pe->path[0] = 0;
		pe->peek = false;
		if (!strcmp(action, "kernel") || !strcmp(action, "allowed"))
			action = "abandoned";
	}
	/* The answer proved the path the caller's: worth keeping. */
	cb_fd_name_keep(c, pe->path[0] && c->v.kind != CB_V_ABANDON ? answer_rc : -ENOENT, pe->path);
	struct cb_ioctl_fields f = cb_ioctl_split(pe->request);
	const struct cb_ioctl *ioc = pe->ioc;

	header_as(log, j, pe->buf, sizeof(pe->buf), c, pe->comm, pe->exe);
	cb_json_int(j, "fd", pe->fd);
	cb_json_str_max(j, "path", pe->path, LOG_PATH_MAX);
	target(j, c, pe->fd, pe->path);
	cb_json_open(j, "request");
	cb_json_hex(j, "value", pe->request);
	cb_json_str_max(j, "name", pe->name, LOG_NAME_MAX);
	cb_json_str(j, "dir", cb_ioctl_dir_name(f.dir));
	static const char hex[] = "0123456789abcdef";
	char type[8] = { (char)f.type }; /* the byte itself, or "0x%02x" */
	if (f.type < 0x21 || f.type >= 0x7f) {
		memcpy(type, "0x", 2);
		type[2] = hex[f.type >> 4 & 15];
		type[3] = hex[f.type & 15];
	}
	cb_json_str(j, "type", type);
	cb_json_int(j, "nr", f.nr);
	cb_json_int(j, "size", f.size);
	cb_json_bool(j, "known", ioc != NULL);
	cb_json_close(j);
	cb_json_str(j, "action", action);
	result(j, pe->known, pe->ret, pe->err);

	int enotty = pe->known ? pe->err == ENOTTY : -1;
	if (pe->when) {
		size_t kept = pe->plen < sizeof(pe->bytes) ? pe->plen : sizeof(pe->bytes);
		cb_payload_json(j, c->arch, pe->db, ioc, pe->bytes, kept,
				pe->size ? pe->size : (uint32_t)pe->plen, pe->when);
		if (!ioc)
			infer(j, c, pe->request, pe->bytes, kept, false, enotty);
	} else if (pe->peek) {
		size_t want = pe->size > sizeof(pe->bytes) ? sizeof(pe->bytes) : pe->size;
		if (!ioc && want > CB_PAYLOAD_HEX_MAX)
			want = CB_PAYLOAD_HEX_MAX;
		int n = want ? cb_guest_peek(c, pe->argp, pe->bytes, want) : 0;
		if (n > 0)
			cb_payload_json(j, c->arch, pe->db, ioc, pe->bytes, (size_t)n, pe->size, "racy");
		if (!ioc)
			infer(j, c, pe->request, n > 0 ? pe->bytes : NULL, n > 0 ? (size_t)n : 0, true, -1);
	} else if (!ioc) {
		infer(j, c, pe->request, NULL, 0, false, enotty);
	}
	duration(j, c);
	put(log, j);
	atomic_fetch_sub(&log->inflight, 1);
}
