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
_Static_assert(CB_SINK_RECORD_MAX == CB_LOG_REC_MAX, "the writer formats a record in the room a worker had");
/* A raw ioctl record (audit/record.c's struct raw_ioctl, about 300 bytes)
 * with its strings at their longest fits the room it is built in. */
_Static_assert(400 + CB_IDENT_COMM + CB_IDENT_EXE + 600 + CB_LOG_PATH_KEPT + 32 +
		       CB_LOG_BYTES_KEPT + 6 < CB_LOG_REC_MAX, "a raw record fits its buffer");

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

static size_t format_ioctl(void *arg, const void *rec, size_t len, char *buf, size_t cap);

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
	int rc = cb_sink_open(&log->sink, o->path, o->max_size, start_record, log, err);
	if (!rc && cb_sink_formatter(log->sink, format_ioctl, NULL)) {
		cb_sink_close(log->sink, NULL, 0);
		cb_sink_free(log->sink);
		rc = cb_fail(err, ENOMEM, "out of memory");
	}
	return rc;
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

/* What a call record's first members say. */
struct head {
	uint64_t t;
	pid_t tgid, tid;
	const char *comm, *exe, *decision, *rule;
	uint8_t arch;
	int nr, via_nr;
	uint64_t args[6];
};

/* The rule that decided call C as "FILE:LINE:COL" into AT (600 bytes), or
 * "default". */
static const char *rule_text(const struct cb_call *c, char at[600])
{
	if (!c->why)
		return "default";
	char num[24];
	size_t n = append(at, 600, 0, c->why->file, strlen(c->why->file));
	n = append(at, 600, n, ":", 1);
	char *p = cb_fmt_dec(num + sizeof(num), c->why->line);
	n = append(at, 600, n, p, (size_t)(num + sizeof(num) - p));
	n = append(at, 600, n, ":", 1);
	p = cb_fmt_dec(num + sizeof(num), c->why->col);
	append(at, 600, n, p, (size_t)(num + sizeof(num) - p));
	return at;
}

/* H of call C, identified as COMM, EXE (RULE: 600 bytes for its text). */
static void head_of(struct head *h, struct cb_call *c, const char *comm, const char *exe,
		    char rule[600])
{
	*h = (struct head){ .t = c->t_real ? c->t_real : clock_ns(CLOCK_REALTIME),
			    .tgid = cb_guest_tgid(c), .tid = (pid_t)c->n->pid, .comm = comm,
			    .exe = exe, .decision = decision(c), .rule = rule_text(c, rule),
			    .arch = (uint8_t)c->arch, .nr = c->nr, .via_nr = c->via_nr };
	memcpy(h->args, c->args, sizeof(h->args));
}

static void write_head(struct cb_json *j, char *buf, size_t cap, const struct head *h)
{
	begin(j, buf, cap, "call", h->t);
	cb_json_int(j, "pid", h->tgid);
	cb_json_int(j, "tid", h->tid);
	cb_json_str(j, "comm", h->comm);
	cb_json_str_max(j, "exe", h->exe, 1024);
	cb_json_str(j, "arch", cb_arch_name(h->arch));
	cb_json_str(j, "syscall", cb_syscall_name(h->arch, h->nr));
	cb_json_int(j, "nr", h->nr);
	if (h->via_nr > 0) /* a socketcall's operation: the multiplexer it came through */
		cb_json_str(j, "via", cb_syscall_name(h->arch, h->via_nr));
	cb_json_arr_open(j, "args");
	for (int i = 0; i < 6; i++)
		cb_json_arr_hex(j, h->args[i]);
	cb_json_arr_close(j);
	cb_json_str(j, "decision", h->decision);
	cb_json_str_max(j, "rule", h->rule, LOG_RULE_MAX);
}

/* A call record's first members, for a caller identified as COMM, EXE. */
static void header_as(struct cb_log *log, struct cb_json *j, char *buf, size_t cap,
		      struct cb_call *c, const char *comm, const char *exe)
{
	struct head h;
	char rule[600];
	head_of(&h, c, comm, exe, rule);
	atomic_fetch_add_explicit(&log->calls, 1, memory_order_relaxed);
	write_head(j, buf, cap, &h);
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

/* An ioctl's call record as the worker leaves it for the writer thread
 * (cb_sink_put_raw): what needs the call (its payload, what the fd is, the
 * guest's mappings, the time) is taken by the worker after the answer, the
 * formatting is the writer's, and the guest's next call does not wait for
 * it. The strings follow it, each with its NUL, in the order of LENS. */
enum { S_COMM, S_EXE, S_RULE, S_PATH, S_DEV, S_BYTES, S_COUNT };
struct raw_ioctl {
	struct head h; /* its strings are the tail's */
	int64_t dur;   /* -1: not known */
	int64_t ret;
	const struct cb_abi_db *db;
	const struct cb_ioctl *ioc;
	const char *name, *action, *type, *when; /* static, or the run's tables */
	uint32_t request, size, plen;
	int32_t fd, err;
	int8_t enotty;     /* -1: not known */
	int8_t arg_mapped; /* -1: not asked */
	bool known, payload, infer;
	uint8_t nptr;
	int16_t ptr[32];
	uint16_t lens[S_COUNT];
};
_Static_assert(sizeof(struct raw_ioctl) <= 400, "the room counted for it above");

/* "infer" for a request no descriptor describes. */
static void infer(struct cb_json *j, const struct raw_ioctl *r)
{
	cb_json_open(j, "infer");
	cb_json_arr_open(j, "ptr_words");
	for (int i = 0; i < r->nptr; i++)
		cb_json_arr_int(j, r->ptr[i]);
	cb_json_arr_close(j);
	if (r->arg_mapped >= 0)
		cb_json_bool(j, "arg_mapped", r->arg_mapped);
	cb_payload_other_sizes(j, r->h.arch, r->request);
	if (r->enotty < 0)
		cb_json_null(j, "native_enotty");
	else
		cb_json_bool(j, "native_enotty", r->enotty);
	cb_json_close(j);
}

/* The writer's: raw record REC into BUF (cb_sink_format_fn). */
static size_t format_ioctl(void *arg, const void *rec, size_t len, char *buf, size_t cap)
{
	(void)arg;
	struct raw_ioctl r;
	/* Queued at any offset: copied out to be aligned. */
	if (len < sizeof(r))
		return 0;
	memcpy(&r, rec, sizeof(r));
	const char *s[S_COUNT], *p = (const char *)rec;
	size_t at = sizeof(r);
	for (int i = 0; i < S_COUNT; i++) {
		if ((size_t)r.lens[i] + 1 > len - at || p[at + r.lens[i]] != 0)
			return 0;
		s[i] = p + at;
		at += (size_t)r.lens[i] + 1;
	}
	if (r.lens[S_BYTES] > CB_LOG_BYTES_KEPT || r.nptr > sizeof(r.ptr) / sizeof(r.ptr[0]))
		return 0;
	r.h.comm = s[S_COMM];
	r.h.exe = s[S_EXE];
	r.h.rule = s[S_RULE];
	struct cb_json j;
	write_head(&j, buf, cap, &r.h);
	cb_json_int(&j, "fd", r.fd);
	cb_json_str_max(&j, "path", s[S_PATH], LOG_PATH_MAX);
	cb_json_open(&j, "target");
	cb_json_str(&j, "type", r.type);
	if (r.lens[S_DEV])
		cb_json_str(&j, "dev", s[S_DEV]);
	cb_json_close(&j);
	struct cb_ioctl_fields f = cb_ioctl_split(r.request);
	cb_json_open(&j, "request");
	cb_json_hex(&j, "value", r.request);
	cb_json_str_max(&j, "name", r.name, LOG_NAME_MAX);
	cb_json_str(&j, "dir", cb_ioctl_dir_name(f.dir));
	static const char hex[] = "0123456789abcdef";
	char type[8] = { (char)f.type }; /* the byte itself, or "0x%02x" */
	if (f.type < 0x21 || f.type >= 0x7f) {
		memcpy(type, "0x", 2);
		type[2] = hex[f.type >> 4 & 15];
		type[3] = hex[f.type & 15];
	}
	cb_json_str(&j, "type", type);
	cb_json_int(&j, "nr", f.nr);
	cb_json_int(&j, "size", f.size);
	cb_json_bool(&j, "known", r.ioc != NULL);
	cb_json_close(&j);
	cb_json_str(&j, "action", r.action);
	result(&j, r.known, r.ret, r.err);
	if (r.payload) {
		unsigned char bytes[CB_LOG_BYTES_KEPT]; /* aligned, for the field reads */
		memcpy(bytes, s[S_BYTES], r.lens[S_BYTES]);
		cb_payload_json(&j, r.h.arch, r.db, r.ioc, bytes, r.lens[S_BYTES], r.size, r.when);
	}
	if (r.infer)
		infer(&j, &r);
	if (r.dur >= 0)
		cb_json_int(&j, "dur_ns", r.dur);
	return cb_json_end(&j);
}

/* Append N bytes of S and a NUL to the raw record at BUF (LEN so far, CAP
 * in all), its length to *L. */
static size_t tail(char *buf, size_t cap, size_t len, const void *s, size_t n, uint16_t *l)
{
	size_t end = append(buf, cap, len, s, n > UINT16_MAX ? UINT16_MAX : n);
	*l = (uint16_t)(end - len);
	return end + 1;
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

	/* What needs the call, now; the rest is the writer's. */
	struct raw_ioctl r = { .dur = -1, .ret = pe->ret, .db = pe->db, .ioc = pe->ioc,
			       .name = pe->name, .action = action, .request = pe->request,
			       .size = pe->size, .fd = pe->fd, .err = pe->err, .enotty = -1,
			       .arg_mapped = -1, .known = pe->known };
	char rule[600], dev[32] = "";
	head_of(&r.h, c, pe->comm, pe->exe, rule);
	r.type = pe->path[0] ? cb_target_of(pe->path, (pid_t)c->n->pid, pe->fd, dev) : "unknown";
	int enotty = pe->known ? pe->err == ENOTTY : -1;
	size_t nbytes = 0;
	if (pe->when) {
		nbytes = pe->plen < sizeof(pe->bytes) ? pe->plen : sizeof(pe->bytes);
		r.payload = true;
		r.when = pe->when;
		r.size = pe->size ? pe->size : (uint32_t)pe->plen;
		r.infer = !pe->ioc;
		r.enotty = (int8_t)enotty;
	} else if (pe->peek) {
		size_t want = pe->size > sizeof(pe->bytes) ? sizeof(pe->bytes) : pe->size;
		if (!pe->ioc && want > CB_PAYLOAD_HEX_MAX)
			want = CB_PAYLOAD_HEX_MAX;
		int n = want ? cb_guest_peek(c, pe->argp, pe->bytes, want) : 0;
		if (n > 0) {
			nbytes = (size_t)n;
			r.payload = true;
			r.when = "racy";
		}
		if (!pe->ioc) {
			/* Which words point into the guest's mappings: asked of
			 * the guest, so here. */
			struct peek_ctx pc = { c };
			int offs[32];
			r.infer = true;
			r.nptr = (uint8_t)(n > 0 ? cb_payload_ptr_words(c->arch, pe->bytes, (size_t)n,
								       mapped, &pc, offs, 32) : 0);
			for (int i = 0; i < r.nptr; i++)
				r.ptr[i] = (int16_t)offs[i];
			if (c->args[2] >= 0x10000)
				r.arg_mapped = mapped(&pc, c->args[2]);
		}
	} else if (!pe->ioc) {
		r.infer = true;
		r.enotty = (int8_t)enotty;
	}
	if (c->t_mono)
		r.dur = (int64_t)(clock_ns(CLOCK_MONOTONIC) - c->t_mono);

	char *buf = pe->buf;
	size_t cap = sizeof(pe->buf), len = sizeof(r);
	len = tail(buf, cap, len, r.h.comm, strlen(r.h.comm), &r.lens[S_COMM]);
	len = tail(buf, cap, len, r.h.exe, strlen(r.h.exe), &r.lens[S_EXE]);
	len = tail(buf, cap, len, r.h.rule, strlen(r.h.rule), &r.lens[S_RULE]);
	len = tail(buf, cap, len, pe->path, strlen(pe->path), &r.lens[S_PATH]);
	len = tail(buf, cap, len, dev, strlen(dev), &r.lens[S_DEV]);
	len = tail(buf, cap, len, pe->bytes, nbytes, &r.lens[S_BYTES]);
	memcpy(buf, &r, sizeof(r));
	atomic_fetch_add_explicit(&log->calls, 1, memory_order_relaxed);
	cb_sink_put_raw(log->sink, buf, len);
	atomic_fetch_sub(&log->inflight, 1);
}
