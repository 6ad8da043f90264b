/* The terminal report: a summary, then one aligned table per aspect. */
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "format.h"
#include "output.h"

#define COLS 10

/* Rows are kept until the widths are known; the tables are capped by the
 * aggregate (CB_AGG_MAX_KEYS), so this is too. */
struct tab {
	int ncol;
	unsigned right;      /* bit per column: right-aligned (numbers) */
	int width[COLS];
	char **cells;
	size_t nrows, cap;
};

static void tab_row(struct tab *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, ncap * COLS * sizeof(*c));
		if (!c)
			return;
		t->cells = c;
		t->cap = ncap;
	}
	for (int i = 0; i < t->ncol; i++) {
		char *s = strdup(cells[i] ? cells[i] : "-");
		t->cells[t->nrows * COLS + i] = s;
		int w = s ? (int)strlen(s) : 0;
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
}

static void tab_print(FILE *out, struct tab *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		fputs("  ", out);
		for (int i = 0; i < t->ncol; i++) {
			const char *s = t->cells[r * COLS + i] ? t->cells[r * COLS + i] : "";
			bool last = i == t->ncol - 1;
			if (t->right >> i & 1)
				fprintf(out, "%*s%s", t->width[i], s, last ? "" : "  ");
			else if (last)
				fputs(s, out);
			else
				fprintf(out, "%-*s  ", t->width[i], s);
			free(t->cells[r * COLS + i]);
		}
		fputc('\n', out);
	}
	free(t->cells);
	*t = (struct tab){ 0 };
}

static void summary(FILE *out, const struct cb_agg *a, const char *trail)
{
	const struct cb_trail_stats *st = &a->read;
	char first[48], bad[256] = "";
	cb_fmt_when(first, sizeof(first), a->first_t);
	if (st->first_bad_line)
		snprintf(bad, sizeof(bad), " (first: line %llu, %s)",
			 (unsigned long long)st->first_bad_line, st->first_bad);
	fprintf(out, "Trail     %s: %llu record%s, %llu malformed line%s%s%s\n", trail,
		(unsigned long long)st->records, st->records == 1 ? "" : "s",
		(unsigned long long)st->malformed, st->malformed == 1 ? "" : "s", bad,
		st->partial_bytes ? ", a partial last line ignored" : "");
	if (a->argv_line || a->policy)
		fprintf(out, "Program   %s (policy %s, compatbox %s, kernel %s)\n",
			a->argv_line ? a->argv_line : "?", a->policy ? a->policy : "?",
			a->version ? a->version : "?", a->kernel ? a->kernel : "?");
	fprintf(out, "Time      %s, %.3f s", first,
		a->last_t > a->first_t ? (double)(a->last_t - a->first_t) / 1e9 : 0.0);
	if (a->ends)
		fprintf(out, ", exit status %lld", (long long)a->end_status);
	else if (!a->legacy)
		fputs(", no end record (the run did not finish, or its writer was killed)", out);
	fputc('\n', out);
	uint64_t refused = 0;
	for (size_t i = 0; i < a->sys.n; i++)
		refused += ((const struct cb_agg_sys *)cb_map_at(&a->sys, i))->denied;
	fprintf(out, "Calls     %llu recorded, %llu refused, %zu processes\n",
		(unsigned long long)a->calls, (unsigned long long)refused, a->proc.n);
	fprintf(out, "Dropped   %llu entr%s, in %llu dropped record%s",
		(unsigned long long)a->dropped, a->dropped == 1 ? "y" : "ies",
		(unsigned long long)a->dropped_records, a->dropped_records == 1 ? "" : "s");
	if (a->end_dropped > 0 && (uint64_t)a->end_dropped != a->dropped)
		fprintf(out, "; the end record counts %lld", (long long)a->end_dropped);
	if (a->truncated)
		fprintf(out, "; %llu record%s too long to write (\"truncated\")",
			(unsigned long long)a->truncated, a->truncated == 1 ? "" : "s");
	fputc('\n', out);
	if (cb_agg_overflow(a))
		fprintf(out, "Overflow  %llu records not counted: more than %d distinct keys in a table\n",
			(unsigned long long)cb_agg_overflow(a), CB_AGG_MAX_KEYS);
}

static void syscalls(FILE *out, const struct cb_agg *a)
{
	struct tab t = { .ncol = 4, .right = 0xc };
	tab_row(&t, (const char *[]){ "SYSCALL", "ABI", "CALLS", "REFUSED" });
	t.right = 0; /* headers align left like their columns' first character */
	for (size_t i = 0; i < a->sys.n; i++) {
		const struct cb_agg_sys *s = cb_map_at(&a->sys, i);
		char n[24], d[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)s->n);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)s->denied);
		tab_row(&t, (const char *[]){ s->name, s->arch, n, d });
	}
	t.right = 0xc;
	fprintf(out, "\nSyscalls\n");
	tab_print(out, &t);
}

static void ioctls(FILE *out, const struct cb_agg *a)
{
	struct tab t = { .ncol = 9 };
	tab_row(&t, (const char *[]){ "DEVICE", "ABI", "REQUEST", "NAME", "DIR", "SIZE", "CALLS",
				      "FIRST", "RESULT" });
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		char dev[600], req[16], size[16], n[24], first[24], res[64];
		cb_fmt_device(dev, sizeof(dev), e);
		snprintf(req, sizeof(req), "0x%x", e->req);
		snprintf(size, sizeof(size), "%u", e->size);
		snprintf(n, sizeof(n), "%llu", (unsigned long long)e->n);
		cb_fmt_clock(first, sizeof(first), e->first_t);
		cb_fmt_result(res, sizeof(res), e);
		/* A name with '*': named, but no descriptor (explained below). */
		char name[80];
		if (!e->name)
			snprintf(name, sizeof(name), "%s", cb_agg_ioctl_unknown(e) ? "(unknown)" : "-");
		else
			snprintf(name, sizeof(name), "%.70s%s", e->name, cb_agg_ioctl_unknown(e) ? " *" : "");
		tab_row(&t, (const char *[]){ dev, e->arch, req, name, cb_explain_dir(e->dir), size, n,
					      first, res });
	}
	t.right = 0x60;
	fprintf(out, "\nioctls by device\n");
	tab_print(out, &t);
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		if (e->name && cb_agg_ioctl_unknown(e)) {
			fputs("  (* named, but no ABI descriptor: explained below)\n", out);
			break;
		}
	}
}

struct explain_out {
	FILE *out;
};

static void explain_line(void *ctx, const char *label, const char *text)
{
	FILE *out = ((struct explain_out *)ctx)->out;
	fprintf(out, "    %-9s ", label);
	for (const char *p = text; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fputs("              ", out);
	}
	fputc('\n', out);
}

static void unknown(FILE *out, const struct cb_agg *a)
{
	bool any = false;
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		if (!cb_agg_ioctl_unknown(e))
			continue;
		if (!any)
			fprintf(out, "\nUnknown ioctls (no descriptor): what the trail says of them\n");
		any = true;
		char dev[600], first[24];
		cb_fmt_device(dev, sizeof(dev), e);
		cb_fmt_clock(first, sizeof(first), e->first_t);
		fprintf(out, "  0x%08x%s%s%s on %s, %s: %llu call%s, first %s\n", e->req,
			e->name ? " (" : "", e->name ? e->name : "", e->name ? ")" : "", dev,
			e->arch ? e->arch : "?", (unsigned long long)e->n, e->n == 1 ? "" : "s", first);
		struct explain_out x = { out };
		cb_explain_ioctl(e, explain_line, &x);
	}
	if (!any)
		fprintf(out, "\nUnknown ioctls: none\n");
}

static void refused(FILE *out, const struct cb_agg *a)
{
	if (!a->denied.n) {
		fprintf(out, "\nRefused calls: none\n");
		return;
	}
	struct tab t = { .ncol = 7 };
	tab_row(&t, (const char *[]){ "SYSCALL", "ABI", "WHAT", "RULE", "ERRNO", "CALLS", "FIRST" });
	for (size_t i = 0; i < a->denied.n; i++) {
		const struct cb_agg_denied *d = cb_map_at(&a->denied, i);
		char n[24], first[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)d->n);
		cb_fmt_clock(first, sizeof(first), d->first_t);
		tab_row(&t, (const char *[]){ d->sys, d->arch, d->what, d->rule, d->err, n, first });
	}
	t.right = 0x20;
	fprintf(out, "\nRefused calls\n");
	tab_print(out, &t);
}

static void proc_row(void *ctx, const struct cb_agg_proc *p, int depth)
{
	struct tab *t = ctx;
	char pid[96], ppid[24], calls[24], first[24];
	int ind = depth > 16 ? 16 : depth;
	snprintf(pid, sizeof(pid), "%*s%s%lld", ind * 2, "", depth ? "\\_ " : "", (long long)p->pid);
	if (p->ppid >= 0)
		snprintf(ppid, sizeof(ppid), "%lld", (long long)p->ppid);
	else
		snprintf(ppid, sizeof(ppid), "?");
	snprintf(calls, sizeof(calls), "%llu", (unsigned long long)p->calls);
	cb_fmt_clock(first, sizeof(first), p->first_t);
	char threads[24];
	snprintf(threads, sizeof(threads), "%llu", (unsigned long long)p->threads);
	tab_row(t, (const char *[]){ pid, ppid, threads, calls, first, p->comm, p->exe });
}

static void processes(FILE *out, const struct cb_agg *a)
{
	struct tab t = { .ncol = 7 };
	tab_row(&t, (const char *[]){ "PID", "PPID", "THREADS", "CALLS", "FIRST", "COMM", "EXE" });
	cb_fmt_tree(a, proc_row, &t);
	t.right = 0xc;
	fprintf(out, "\nProcesses\n");
	tab_print(out, &t);
}

void cb_report_table(FILE *out, const struct cb_agg *a, const char *trail)
{
	summary(out, a, trail);
	syscalls(out, a);
	ioctls(out, a);
	unknown(out, a);
	refused(out, a);
	processes(out, a);
}
