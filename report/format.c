#include "format.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/cleanup.h"

void cb_fmt_clock(char *buf, size_t cap, int64_t t)
{
	if (t <= 0) {
		snprintf(buf, cap, "-");
		return;
	}
	time_t s = (time_t)(t / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(buf, cap, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(t % 1000000000 / 1000000));
}

void cb_fmt_when(char *buf, size_t cap, int64_t t)
{
	if (t <= 0) {
		snprintf(buf, cap, "-");
		return;
	}
	time_t s = (time_t)(t / 1000000000);
	struct tm tm;
	char clock[32];
	gmtime_r(&s, &tm);
	cb_fmt_clock(clock, sizeof(clock), t);
	snprintf(buf, cap, "%04d-%02d-%02d %s UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, clock);
}

void cb_fmt_device(char *buf, size_t cap, const struct cb_agg_ioctl *e)
{
	static const struct { const char *type, *word; } words[] = {
		{ "chr", "char" }, { "blk", "block" }, { "sock", "socket" }, { "fifo", "pipe" },
		{ "reg", "file" }, { "dir", "dir" }, { "anon", "anon" },
	};
	const char *word = NULL;
	for (size_t i = 0; e->fd_type && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(e->fd_type, words[i].type))
			word = words[i].word;
	bool dev = e->dev && word && (!strcmp(word, "char") || !strcmp(word, "block"));
	const char *path = e->path && e->path[0] ? e->path : NULL;
	if (path && dev)
		snprintf(buf, cap, "%s (%s %s)", path, word, e->dev);
	else if (dev)
		snprintf(buf, cap, "%s %s", word, e->dev);
	else if (path && word && strcmp(word, "file") && strcmp(word, "dir") && path[0] != '/')
		snprintf(buf, cap, "%s", word); /* "socket:[123]" says nothing more */
	else
		snprintf(buf, cap, "%s", path ? path : word ? word : "?");
}

void cb_fmt_result(char *buf, size_t cap, const struct cb_agg_ioctl *e)
{
	if (e->denied)
		snprintf(buf, cap, "%llu refused", (unsigned long long)e->denied);
	else if (e->failed)
		snprintf(buf, cap, "%llu failed: %s", (unsigned long long)e->failed,
			 e->first_err ? e->first_err : "?");
	else if (!e->seen)
		snprintf(buf, cap, "kernel ran it");
	else
		snprintf(buf, cap, "ok");
}

struct walk {
	const struct cb_agg *a;
	bool *seen;
	size_t *kids; /* process indices sorted by ppid, then pid */
	cb_tree_fn fn;
	void *ctx;
};

static const struct cb_agg *sort_agg;

static int by_ppid(const void *x, const void *y)
{
	const struct cb_agg_proc *a = cb_map_at(&sort_agg->proc, *(const size_t *)x);
	const struct cb_agg_proc *b = cb_map_at(&sort_agg->proc, *(const size_t *)y);
	if (a->ppid != b->ppid)
		return a->ppid < b->ppid ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static size_t find(const struct cb_agg *a, int64_t pid)
{
	size_t lo = 0, hi = a->proc.n; /* sorted by pid (cb_agg_finish) */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct cb_agg_proc *p = cb_map_at(&a->proc, mid);
		if (p->pid == pid)
			return mid;
		if (p->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

static void visit(struct walk *w, size_t i, int depth)
{
	w->seen[i] = true;
	const struct cb_agg_proc *p = cb_map_at(&w->a->proc, i);
	w->fn(w->ctx, p, depth);
	if (depth >= 64)
		return; /* deeper ones are shown as roots: the recursion stays bounded */
	size_t lo = 0, hi = w->a->proc.n;
	while (lo < hi) { /* the first child */
		size_t mid = (lo + hi) / 2;
		const struct cb_agg_proc *c = cb_map_at(&w->a->proc, w->kids[mid]);
		if (c->ppid < p->pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < w->a->proc.n; lo++) {
		size_t k = w->kids[lo];
		const struct cb_agg_proc *c = cb_map_at(&w->a->proc, k);
		if (c->ppid != p->pid)
			break;
		if (!w->seen[k])
			visit(w, k, depth + 1);
	}
}

void cb_fmt_tree(const struct cb_agg *a, cb_tree_fn fn, void *ctx)
{
	cleanup_free bool *seen = calloc(a->proc.n + 1, sizeof(bool));
	cleanup_free size_t *kids = calloc(a->proc.n + 1, sizeof(size_t));
	if (!seen || !kids)
		return;
	for (size_t i = 0; i < a->proc.n; i++)
		kids[i] = i;
	sort_agg = a;
	qsort(kids, a->proc.n, sizeof(size_t), by_ppid);
	struct walk w = { a, seen, kids, fn, ctx };
	for (size_t i = 0; i < a->proc.n; i++) {
		const struct cb_agg_proc *p = cb_map_at(&a->proc, i);
		size_t parent = p->ppid >= 0 ? find(a, p->ppid) : (size_t)-1;
		if (!seen[i] && (parent == (size_t)-1 || parent == i))
			visit(&w, i, 0);
	}
	/* What is left is in a cycle (a forged trail) or too deep: roots. */
	for (size_t i = 0; i < a->proc.n; i++)
		if (!seen[i])
			visit(&w, i, 0);
}
