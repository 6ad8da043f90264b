#include "aggregate.h"

#include <stdio.h>
#include <string.h>

void cb_agg_init(struct cb_agg *a)
{
	*a = (struct cb_agg){ .end_status = -1, .end_calls = -1, .end_dropped = -1 };
	cb_strings_init(&a->str, 4 * CB_AGG_MAX_KEYS);
	cb_map_init(&a->sys, sizeof(struct cb_agg_sys), CB_AGG_MAX_KEYS);
	cb_map_init(&a->ioctl, sizeof(struct cb_agg_ioctl), CB_AGG_MAX_KEYS);
	cb_map_init(&a->denied, sizeof(struct cb_agg_denied), CB_AGG_MAX_KEYS);
	cb_map_init(&a->proc, sizeof(struct cb_agg_proc), CB_AGG_MAX_KEYS);
	cb_map_init(&a->tids, sizeof(char), CB_AGG_MAX_KEYS);
}

void cb_agg_free(struct cb_agg *a)
{
	cb_map_free(&a->sys);
	cb_map_free(&a->ioctl);
	cb_map_free(&a->denied);
	cb_map_free(&a->proc);
	cb_map_free(&a->tids);
	cb_strings_free(&a->str);
}

uint64_t cb_agg_overflow(const struct cb_agg *a)
{
	return a->sys.overflow + a->ioctl.overflow + a->denied.overflow + a->proc.overflow +
	       a->tids.overflow;
}

bool cb_agg_ioctl_unknown(const struct cb_agg_ioctl *e)
{
	return e->known == 0 || (e->known < 0 && !e->name);
}

/* Append S to KEY at N, cut to fit. */
static size_t cat(char *key, size_t cap, size_t n, const char *s)
{
	size_t l = strlen(s);
	if (l > cap - 1 - n)
		l = cap - 1 - n;
	memcpy(key + n, s, l);
	return n + l;
}

static struct cb_agg_proc *proc(struct cb_agg *a, int64_t pid, int64_t t)
{
	char key[24];
	int n = snprintf(key, sizeof(key), "%lld", (long long)pid);
	struct cb_agg_proc *p = cb_map_get(&a->proc, key, (size_t)n);
	if (p && !p->pid) {
		p->pid = pid;
		p->ppid = -1;
		p->first_t = t;
	}
	return p;
}

static void on_process(struct cb_agg *a, const struct cb_rec *r)
{
	struct cb_agg_proc *p = proc(a, r->pid, r->t);
	if (!p)
		return;
	a->processes++;
	if (p->exe && r->exe && strcmp(p->exe, r->exe))
		p->execs++;
	if (r->ppid >= 0)
		p->ppid = r->ppid;
	if (r->exe)
		p->exe = cb_intern(&a->str, r->exe);
	if (r->comm)
		p->comm = cb_intern(&a->str, r->comm);
}

static void on_start(struct cb_agg *a, const struct cb_rec *r)
{
	a->starts++;
	a->policy = cb_intern(&a->str, r->policy);
	a->version = cb_intern(&a->str, r->version);
	a->kernel = cb_intern(&a->str, r->kernel);
	if (!r->argv)
		return;
	char line[512];
	size_t o = 0;
	line[0] = 0;
	for (int i = 0; i < r->argv->n && o + 1 < sizeof(line); i++) {
		const struct cb_jval *v = &r->argv->v[i];
		if (v->type != CB_J_STRING)
			continue;
		if (i == 0)
			a->argv0 = cb_intern(&a->str, v->s);
		int n = snprintf(line + o, sizeof(line) - o, "%s%s", o ? " " : "", v->s);
		o = n < 0 ? o : o + (size_t)n;
	}
	if (o >= sizeof(line))
		memcpy(line + sizeof(line) - 4, "...", 4);
	a->argv_line = cb_intern(&a->str, line);
}

/* Where the unknown ioctl went: the device, else what the fd is. */
static const char *device_key(const struct cb_rec *r)
{
	if (r->fd_dev && r->fd_type && (!strcmp(r->fd_type, "chr") || !strcmp(r->fd_type, "blk")))
		return r->fd_dev;
	if (r->fd_type && strcmp(r->fd_type, "reg") && strcmp(r->fd_type, "dir") &&
	    strcmp(r->fd_type, "unknown"))
		return r->fd_type;
	return r->fd_path ? r->fd_path : "?";
}

static void add_word(struct cb_agg_ioctl *e, const struct cb_jval *w)
{
	if (w->type != CB_J_NUMBER || !w->is_uint)
		return;
	if (w->u >= CB_AGG_PTR_WORDS) {
		e->ptr_words_beyond = true;
		return;
	}
	unsigned word = (unsigned)w->u / 4;
	e->ptr_words[word / 64] |= 1ull << (word % 64);
}

static void on_ioctl(struct cb_agg *a, const struct cb_rec *r, bool denied)
{
	char key[600];
	uint32_t req = r->req;
	size_t n = cat(key, sizeof(key), 0, r->arch ? r->arch : "");
	n = cat(key, sizeof(key), n, "|");
	n = cat(key, sizeof(key), n, device_key(r));
	if (n + 5 <= sizeof(key)) {
		key[n++] = '|';
		memcpy(key + n, &req, 4); /* a key, never printed */
		n += 4;
	}
	struct cb_agg_ioctl *e = cb_map_get(&a->ioctl, key, n);
	if (!e)
		return;
	if (!e->n) {
		e->arch = cb_intern(&a->str, r->arch);
		e->dev = r->fd_dev ? cb_intern(&a->str, r->fd_dev) : NULL;
		e->fd_type = cb_intern(&a->str, r->fd_type);
		e->path = cb_intern(&a->str, r->fd_path);
		e->req = r->req;
		e->name = cb_intern(&a->str, r->req_name);
		e->dir = r->dir;
		e->type = r->type;
		e->nr = r->nr;
		e->size = r->size;
		e->known = r->known;
		e->first_t = r->t;
		e->native_enotty = -1;
		e->action = cb_intern(&a->str, r->action ? r->action : r->how);
	}
	e->n++;
	e->denied += denied;
	e->seen += r->ret_known || r->err;
	if (r->t && (!e->first_t || r->t < e->first_t))
		e->first_t = r->t;
	if (r->err) {
		e->failed++;
		if (!e->first_err)
			e->first_err = cb_intern(&a->str, r->err);
		e->enotty += !strcmp(r->err, "ENOTTY");
	}
	if (r->native_enotty == 1 || (r->native_enotty == 0 && e->native_enotty < 0))
		e->native_enotty = r->native_enotty;
	for (int i = 0; r->ptr_words && i < r->ptr_words->n; i++)
		add_word(e, &r->ptr_words->v[i]);
	for (int i = 0; r->other_size && i < r->other_size->n; i++) {
		const struct cb_jval *s = &r->other_size->v[i];
		if (s->type != CB_J_STRING)
			continue;
		const char *is = cb_intern(&a->str, s->s);
		for (int k = 0; k < CB_AGG_OTHER_SIZES; k++) {
			if (e->other_size[k] == is)
				break;
			if (!e->other_size[k]) {
				e->other_size[k] = is;
				break;
			}
		}
	}
	if (r->other_abi && !e->other_abi)
		e->other_abi = cb_intern(&a->str, r->other_abi);
	if (r->payload_len > e->payload_len)
		e->payload_len = r->payload_len;
}

static void on_denied(struct cb_agg *a, const struct cb_rec *r)
{
	char what[64], key[1200];
	const char *w = r->path;
	if (r->is_ioctl) {
		if (r->req_name)
			snprintf(what, sizeof(what), "%.40s", r->req_name);
		else
			snprintf(what, sizeof(what), "0x%x", r->req);
		w = what;
	}
	int n = snprintf(key, sizeof(key), "%s|%s|%.400s|%.400s|%s", r->arch ? r->arch : "", r->sys,
			 w ? w : "", r->rule ? r->rule : "", r->err ? r->err : "");
	struct cb_agg_denied *d = cb_map_get(&a->denied, key, (size_t)n < sizeof(key) ? (size_t)n : sizeof(key) - 1);
	if (!d)
		return;
	if (!d->n) {
		d->arch = cb_intern(&a->str, r->arch);
		d->sys = cb_intern(&a->str, r->sys);
		d->what = cb_intern(&a->str, w);
		d->rule = cb_intern(&a->str, r->rule);
		d->err = cb_intern(&a->str, r->err);
		d->first_t = r->t;
	}
	d->n++;
}

static void on_call(struct cb_agg *a, const struct cb_rec *r)
{
	a->calls++;
	bool denied = cb_rec_denied(r);
	/* Built by hand: this runs for every record of the trail. */
	char key[160];
	size_t n = cat(key, sizeof(key), 0, r->arch ? r->arch : "");
	n = cat(key, sizeof(key), n, "|");
	n = cat(key, sizeof(key), n, r->sys);
	struct cb_agg_sys *s = cb_map_get(&a->sys, key, n);
	if (s) {
		if (!s->n) {
			s->arch = cb_intern(&a->str, r->arch);
			s->name = cb_intern(&a->str, r->sys);
		}
		s->n++;
		s->denied += denied;
	}
	if (r->is_ioctl)
		on_ioctl(a, r, denied);
	if (denied)
		on_denied(a, r);
	if (r->pid >= 0) {
		struct cb_agg_proc *p = proc(a, r->pid, r->t);
		if (p) {
			p->calls++;
			char tk[48];
			int tn = snprintf(tk, sizeof(tk), "%lld:%lld", (long long)r->pid, (long long)r->tid);
			char *seen = r->tid >= 0 ? cb_map_get(&a->tids, tk, (size_t)tn) : NULL;
			if (seen && !*seen) {
				*seen = 1;
				p->threads++;
			}
			if (!p->comm && r->comm)
				p->comm = cb_intern(&a->str, r->comm);
			if (!p->exe && r->exe)
				p->exe = cb_intern(&a->str, r->exe);
		}
	}
}

int cb_agg_add(const struct cb_rec *r, void *ctx)
{
	struct cb_agg *a = ctx;
	if (r->t > 0) {
		if (!a->first_t || r->t < a->first_t)
			a->first_t = r->t;
		if (r->t > a->last_t)
			a->last_t = r->t;
	}
	switch (r->kind) {
	case CB_R_START: on_start(a, r); break;
	case CB_R_CALL:
		a->legacy |= r->legacy;
		on_call(a, r);
		break;
	case CB_R_PROCESS: on_process(a, r); break;
	case CB_R_DROPPED:
		a->dropped_records++;
		a->dropped += r->count > 0 ? (uint64_t)r->count : 0;
		break;
	case CB_R_END:
		a->ends++;
		a->end_status = r->status;
		a->end_calls = r->calls;
		a->end_dropped = r->dropped;
		break;
	case CB_R_TRUNCATED: a->truncated++; break;
	case CB_R_OTHER: break;
	}
	return 0;
}

static int by_count_sys(const void *x, const void *y)
{
	const struct cb_agg_sys *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	int c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

static int by_device(const void *x, const void *y)
{
	const struct cb_agg_ioctl *a = x, *b = y;
	int c = strcmp(a->path ? a->path : "", b->path ? b->path : "");
	if (c)
		return c;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	if (a->req != b->req)
		return a->req < b->req ? -1 : 1;
	return strcmp(a->arch ? a->arch : "", b->arch ? b->arch : "");
}

static int by_count_denied(const void *x, const void *y)
{
	const struct cb_agg_denied *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->first_t < b->first_t ? -1 : a->first_t > b->first_t;
}

static int by_pid(const void *x, const void *y)
{
	const struct cb_agg_proc *a = x, *b = y;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void cb_agg_finish(struct cb_agg *a)
{
	cb_map_sort(&a->sys, by_count_sys);
	cb_map_sort(&a->ioctl, by_device);
	cb_map_sort(&a->denied, by_count_denied);
	cb_map_sort(&a->proc, by_pid);
}
