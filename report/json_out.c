/* The aggregate as one JSON object (--json): what the table shows, with
 * times as nanoseconds since the epoch and requests as numbers too. */
#include <inttypes.h>
#include <string.h>

#include "explain.h"
#include "format.h"
#include "output.h"

static void jstr(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void key(FILE *out, bool *first, const char *k)
{
	fprintf(out, "%s\"%s\":", *first ? "" : ",", k);
	*first = false;
}

static void kstr(FILE *out, bool *first, const char *k, const char *v)
{
	key(out, first, k);
	jstr(out, v);
}

static void kint(FILE *out, bool *first, const char *k, int64_t v)
{
	key(out, first, k);
	fprintf(out, "%" PRId64, v);
}

static void explain_member(void *ctx, const char *label, const char *text)
{
	FILE *out = ((void **)ctx)[0];
	bool *first = ((void **)ctx)[1];
	/* The table's labels, as JSON keys. */
	static const struct { const char *label, *key; } keys[] = {
		{ "request", "request" }, { "pointers", "pointers" }, { "32/64", "mismatch" },
		{ "ENOTTY", "enotty" }, { "abi gen", "abi_gen" },
	};
	const char *k = label;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(label, keys[i].label))
			k = keys[i].key;
	kstr(out, first, k, text);
}

static void ioctl_entry(FILE *out, const struct cb_agg_ioctl *e)
{
	bool f = true;
	char dev[600], req[16];
	cb_fmt_device(dev, sizeof(dev), e);
	snprintf(req, sizeof(req), "0x%x", e->req);
	fputc('{', out);
	kstr(out, &f, "device", dev);
	kstr(out, &f, "path", e->path);
	kstr(out, &f, "dev", e->dev);
	kstr(out, &f, "type", e->fd_type);
	kstr(out, &f, "arch", e->arch);
	kstr(out, &f, "req", req);
	kstr(out, &f, "name", e->name);
	kstr(out, &f, "dir", cb_explain_dir(e->dir));
	kint(out, &f, "size", e->size);
	key(out, &f, "unknown");
	fputs(cb_agg_ioctl_unknown(e) ? "true" : "false", out);
	kint(out, &f, "calls", (int64_t)e->n);
	kint(out, &f, "refused", (int64_t)e->denied);
	kint(out, &f, "failed", (int64_t)e->failed);
	kstr(out, &f, "first_errno", e->first_err);
	kint(out, &f, "first_t", e->first_t);
	if (cb_agg_ioctl_unknown(e)) {
		key(out, &f, "ptr_words");
		fputc('[', out);
		int n = 0;
		for (unsigned off = 0; off < CB_AGG_PTR_WORDS; off += 4)
			if (cb_explain_is_ptr(e, off))
				fprintf(out, "%s%u", n++ ? "," : "", off);
		fputc(']', out);
		key(out, &f, "native_enotty");
		fputs(e->native_enotty < 0 ? "null" : e->native_enotty ? "true" : "false", out);
		key(out, &f, "explain");
		fputc('{', out);
		bool ef = true;
		void *ctx[2] = { out, &ef };
		cb_explain_ioctl(e, explain_member, ctx);
		fputc('}', out);
	}
	fputc('}', out);
}

void cb_report_json(FILE *out, const struct cb_agg *a, const char *trail)
{
	bool f = true;
	fputc('{', out);
	kint(out, &f, "v", 1);
	kstr(out, &f, "trail", trail);
	kint(out, &f, "records", (int64_t)a->read.records);
	kint(out, &f, "malformed", (int64_t)a->read.malformed);
	kint(out, &f, "first_malformed_line", (int64_t)a->read.first_bad_line);
	key(out, &f, "partial_last_line");
	fputs(a->read.partial_bytes ? "true" : "false", out);
	kstr(out, &f, "argv", a->argv_line);
	kstr(out, &f, "policy", a->policy);
	kstr(out, &f, "compatbox", a->version);
	kstr(out, &f, "kernel", a->kernel);
	kint(out, &f, "first_t", a->first_t);
	kint(out, &f, "last_t", a->last_t);
	kint(out, &f, "calls", (int64_t)a->calls);
	kint(out, &f, "dropped", (int64_t)a->dropped);
	kint(out, &f, "dropped_records", (int64_t)a->dropped_records);
	kint(out, &f, "truncated", (int64_t)a->truncated);
	kint(out, &f, "overflow", (int64_t)cb_agg_overflow(a));
	if (a->ends)
		kint(out, &f, "exit_status", a->end_status);
	key(out, &f, "syscalls");
	fputc('[', out);
	for (size_t i = 0; i < a->sys.n; i++) {
		const struct cb_agg_sys *s = cb_map_at(&a->sys, i);
		bool g = true;
		fputs(i ? ",{" : "{", out);
		kstr(out, &g, "name", s->name);
		kstr(out, &g, "arch", s->arch);
		kint(out, &g, "calls", (int64_t)s->n);
		kint(out, &g, "refused", (int64_t)s->denied);
		fputc('}', out);
	}
	fputs("]", out);
	key(out, &f, "ioctls");
	fputc('[', out);
	for (size_t i = 0; i < a->ioctl.n; i++) {
		if (i)
			fputc(',', out);
		ioctl_entry(out, cb_map_at(&a->ioctl, i));
	}
	fputs("]", out);
	key(out, &f, "refused");
	fputc('[', out);
	for (size_t i = 0; i < a->denied.n; i++) {
		const struct cb_agg_denied *d = cb_map_at(&a->denied, i);
		bool g = true;
		fputs(i ? ",{" : "{", out);
		kstr(out, &g, "sys", d->sys);
		kstr(out, &g, "arch", d->arch);
		kstr(out, &g, "what", d->what);
		kstr(out, &g, "rule", d->rule);
		kstr(out, &g, "errno", d->err);
		kint(out, &g, "calls", (int64_t)d->n);
		kint(out, &g, "first_t", d->first_t);
		fputc('}', out);
	}
	fputs("]", out);
	key(out, &f, "processes");
	fputc('[', out);
	for (size_t i = 0; i < a->proc.n; i++) {
		const struct cb_agg_proc *p = cb_map_at(&a->proc, i);
		bool g = true;
		fputs(i ? ",{" : "{", out);
		kint(out, &g, "pid", p->pid);
		kint(out, &g, "ppid", p->ppid);
		kstr(out, &g, "comm", p->comm);
		kstr(out, &g, "exe", p->exe);
		kint(out, &g, "threads", (int64_t)p->threads);
		kint(out, &g, "calls", (int64_t)p->calls);
		kint(out, &g, "first_t", p->first_t);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
