#include "record.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../abi/ioctl_decode.h"

static const char *str(const struct cb_jval *o, const char *key)
{
	const struct cb_jval *v = cb_jval_get(o, key);
	return v && v->type == CB_J_STRING ? v->s : NULL;
}

/* An integer member: *OUT and true, or false (absent, null, not an integer).
 * A negative integer reads as -1: the parser keeps only non-negative values,
 * and the report needs no other negative (a failed call's ret is -1). */
static bool num(const struct cb_jval *o, const char *key, int64_t *out)
{
	const struct cb_jval *v = cb_jval_get(o, key);
	if (!v || v->type != CB_J_NUMBER)
		return false;
	*out = v->is_uint ? (v->u > INT64_MAX ? INT64_MAX : (int64_t)v->u) : -1;
	return true;
}

static int tristate(const struct cb_jval *o, const char *key)
{
	const struct cb_jval *v = cb_jval_get(o, key);
	return v && v->type == CB_J_BOOL ? v->b : -1;
}

static const struct cb_jval *array(const struct cb_jval *o, const char *key)
{
	const struct cb_jval *v = cb_jval_get(o, key);
	return v && v->type == CB_J_ARRAY ? v : NULL;
}

/* "0x5401" (or a plain number) as the kernel reads a request: 32 bits. */
static bool request_value(const struct cb_jval *v, uint32_t *req)
{
	if (!v)
		return false;
	if (v->type == CB_J_NUMBER && v->is_uint) {
		*req = (uint32_t)v->u;
		return true;
	}
	if (v->type != CB_J_STRING || !v->s[0])
		return false;
	char *end;
	errno = 0;
	unsigned long long u = strtoull(v->s, &end, 0);
	if (errno || *end)
		return false;
	*req = (uint32_t)u;
	return true;
}

/* The older --log lines stamp "2026-01-02T03:04:05.123456Z". */
static int64_t iso_ns(const char *s)
{
	struct tm tm = { 0 };
	const char *p = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!p)
		return 0;
	int64_t ns = 0, scale = 100000000;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			ns += (*p - '0') * scale;
	time_t secs = timegm(&tm);
	if (secs < 0 || secs > INT64_MAX / 1000000000 - 1)
		return 0; /* not a time this report can place */
	return (int64_t)secs * 1000000000 + ns;
}

static unsigned dir_bits(const char *d, unsigned fallback)
{
	if (!d)
		return fallback;
	if (!strcmp(d, "r"))
		return 2;
	if (!strcmp(d, "w"))
		return 1;
	if (!strcmp(d, "rw"))
		return 3;
	return 0;
}

static void ioctl_fields(struct cb_rec *r, const struct cb_jval *io, const char *req_key)
{
	if (!io || io->type != CB_J_OBJECT || !request_value(cb_jval_get(io, req_key), &r->req))
		return;
	r->is_ioctl = true;
	/* The number says direction, type, nr and size; the line's own
	 * members are used only where it agrees on being present. */
	struct cb_ioctl_fields f = cb_ioctl_split(r->req);
	r->dir = dir_bits(str(io, "dir"), f.dir);
	r->type = f.type;
	r->nr = f.nr;
	r->size = f.size;
	r->req_name = str(io, "name");
	r->known = tristate(io, "known");
}

static void result(struct cb_rec *r, const struct cb_jval *res)
{
	if (!res || res->type != CB_J_OBJECT)
		return;
	r->ret_known = num(res, "ret", &r->ret);
	r->err = str(res, "errno");
}

/* A line of `compatbox run --log` (no "v"): a call record. */
static int legacy(struct cb_rec *r, const struct cb_jval *v)
{
	if (!str(v, "syscall"))
		return -EINVAL;
	r->kind = CB_R_CALL;
	r->legacy = true;
	r->t = iso_ns(str(v, "time"));
	r->sys = str(v, "syscall");
	r->how = str(v, "action");
	r->rule = str(v, "rule");
	const struct cb_jval *rq = cb_jval_get(v, "request");
	if (rq) {
		r->fd_path = str(v, "path");
		/* No fd type in these lines: the link text says it for some. */
		static const struct { const char *prefix, *type; } links[] = {
			{ "socket:", "sock" }, { "pipe:", "fifo" }, { "anon_inode:", "anon" },
		};
		for (size_t i = 0; r->fd_path && i < sizeof(links) / sizeof(links[0]); i++)
			if (!strncmp(r->fd_path, links[i].prefix, strlen(links[i].prefix)))
				r->fd_type = links[i].type;
		ioctl_fields(r, rq, "value");
	} else {
		r->path = str(v, "path");
	}
	result(r, cb_jval_get(v, "result"));
	return 0;
}

int cb_rec_from_json(struct cb_rec *r, const struct cb_jval *v)
{
	*r = (struct cb_rec){ .pid = -1, .ppid = -1, .tid = -1, .known = -1, .native_enotty = -1,
			      .dur_ns = -1, .count = -1, .status = -1, .calls = -1, .dropped = -1 };
	if (!v || v->type != CB_J_OBJECT)
		return -EINVAL;
	num(v, "pid", &r->pid);
	num(v, "ppid", &r->ppid);
	num(v, "tid", &r->tid);
	r->comm = str(v, "comm");
	r->exe = str(v, "exe");
	r->arch = str(v, "arch");
	const struct cb_jval *ver = cb_jval_get(v, "v");
	if (!ver && tristate(v, "truncated") == 1 && v->n == 1) {
		r->kind = CB_R_TRUNCATED;
		return 0;
	}
	if (!ver && cb_jval_get(v, "stats") && v->n == 1) {
		/* run --log's last line: the counts --stats shows, of the
		 * calls the lines before it recorded. */
		r->kind = CB_R_OTHER;
		return 0;
	}
	if (!ver)
		return legacy(r, v);
	if (ver->type != CB_J_NUMBER || !ver->is_uint || ver->u != CB_REC_SCHEMA)
		return -EPROTONOSUPPORT;
	num(v, "t", &r->t);
	const char *kind = str(v, "kind");
	static const struct { const char *name; enum cb_rkind k; } kinds[] = {
		{ "start", CB_R_START }, { "call", CB_R_CALL }, { "process", CB_R_PROCESS },
		{ "dropped", CB_R_DROPPED }, { "end", CB_R_END },
		/* run --log's counts (--stats): a record, but no call */
		{ "stats", CB_R_OTHER },
	};
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].name))
			r->kind = kinds[i].k;
	switch (r->kind) {
	case CB_R_START: {
		r->argv = array(v, "argv");
		r->policy = str(v, "policy");
		r->version = str(v, "compatbox");
		r->kernel = str(cb_jval_get(v, "host"), "kernel");
		break;
	}
	case CB_R_CALL: {
		r->sys = str(v, "syscall");
		if (!r->sys)
			return -EINVAL;
		/* "path" is the fd's target for fd calls, the resolved path
		 * for path calls. */
		if (cb_jval_get(v, "fd")) {
			r->fd_path = str(v, "path");
			const struct cb_jval *tg = cb_jval_get(v, "target");
			r->fd_type = str(tg, "type");
			r->fd_dev = str(tg, "dev");
		} else {
			r->path = str(v, "path");
		}
		ioctl_fields(r, cb_jval_get(v, "request"), "value");
		const struct cb_jval *inf = cb_jval_get(v, "infer");
		r->ptr_words = array(inf, "ptr_words");
		r->other_size = array(inf, "other_size");
		r->other_abi = str(inf, "other_abi");
		r->native_enotty = tristate(inf, "native_enotty");
		int64_t len;
		if (num(cb_jval_get(v, "payload"), "len", &len))
			r->payload_len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		r->action = str(v, "decision");
		r->rule = str(v, "rule");
		r->how = str(v, "action");
		result(r, cb_jval_get(v, "result"));
		num(v, "dur_ns", &r->dur_ns);
		break;
	}
	case CB_R_DROPPED:
		num(v, "count", &r->count);
		break;
	case CB_R_END:
		num(v, "status", &r->status);
		num(v, "calls", &r->calls);
		num(v, "dropped", &r->dropped);
		break;
	case CB_R_PROCESS:
		if (r->pid < 0)
			return -EINVAL;
		break;
	case CB_R_OTHER:
	case CB_R_TRUNCATED:
		break;
	}
	return 0;
}

bool cb_rec_denied(const struct cb_rec *r)
{
	static const char *const refused[] = { "deny", "kill", "trap" }; /* the verbs */
	for (size_t i = 0; r->action && i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strncmp(r->action, refused[i], strlen(refused[i])))
			return true;
	return r->how && (!strcmp(r->how, "denied") || !strcmp(r->how, "killed") ||
			  !strcmp(r->how, "trapped"));
}
