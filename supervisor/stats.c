#include "stats.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

static const char *const names[CB_OUT_COUNT] = {
	[CB_OUT_AUTO] = "performed", /* counted resolved; never seen here */
	[CB_OUT_PERFORMED] = "performed",
	[CB_OUT_TRANSLATED] = "translated",
	[CB_OUT_ERRORS] = "errors",
	[CB_OUT_DENIED] = "denied",
	[CB_OUT_ABANDONED] = "abandoned",
	[CB_OUT_K_RULE] = "rule",
	[CB_OUT_K_UNHANDLED] = "unhandled",
	[CB_OUT_K_ARGS] = "arguments",
	[CB_OUT_K_NAMESPACE] = "namespace",
	[CB_OUT_K_NO_WORKER] = "no-worker",
	[CB_OUT_K_TASK] = "task",
	[CB_OUT_K_WATCH] = "watch",
};

const char *cb_outcome_name(enum cb_outcome o)
{
	return o < CB_OUT_COUNT ? names[o] : "?";
}

static pthread_mutex_t all_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cb_stats *all;

struct cb_stats *cb_stats_new(void)
{
	/* ~90 KiB of which a guest's calls touch a few pages: mapped apart
	 * from malloc's arenas, zero pages until written. (calloc from a
	 * worker's arena raised the supervisor's peak RSS by 20 to 80 MiB
	 * with 40 workers, past copy_budget's bound.) */
	struct cb_stats *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return NULL;
	pthread_mutex_lock(&all_mu);
	s->next = all;
	all = s;
	pthread_mutex_unlock(&all_mu);
	return s;
}

void cb_stats_add(struct cb_stats *t, const struct cb_stats *s)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < CB_NR_MAX; nr++)
			for (int o = 0; o < CB_OUT_COUNT; o++)
				t->n[a][nr][o] += __atomic_load_n(&s->n[a][nr][o], __ATOMIC_RELAXED);
}

void cb_stats_sum(struct cb_stats *t)
{
	pthread_mutex_lock(&all_mu);
	for (const struct cb_stats *s = all; s; s = s->next)
		cb_stats_add(t, s);
	pthread_mutex_unlock(&all_mu);
	t->next = NULL;
}

/* One row's counts, the kernel's folded into one column. */
struct row {
	uint64_t total, kernel, o[CB_OUT_COUNT];
};

static void fold(struct row *r, const uint32_t *n)
{
	for (int o = 0; o < CB_OUT_COUNT; o++) {
		r->o[o] += n[o];
		r->total += n[o];
		if (cb_outcome_kernel(o))
			r->kernel += n[o];
	}
}

static void json_counts(FILE *f, const struct row *r)
{
	fprintf(f, "\"total\":%llu", (unsigned long long)r->total);
	for (int o = CB_OUT_PERFORMED; o < CB_OUT_K_RULE; o++)
		fprintf(f, ",\"%s\":%llu", names[o], (unsigned long long)r->o[o]);
	fprintf(f, ",\"kernel\":%llu,\"kernel_why\":{", (unsigned long long)r->kernel);
	const char *sep = "";
	for (int o = CB_OUT_K_RULE; o < CB_OUT_COUNT; o++) {
		if (r->o[o]) {
			fprintf(f, "%s\"%s\":%llu", sep, names[o], (unsigned long long)r->o[o]);
			sep = ",";
		}
	}
	fputc('}', f);
}

static const char *syscall_name(int a, int nr, char *buf, size_t n)
{
	const char *s = cb_syscall_name(a, nr);
	if (!s) {
		snprintf(buf, n, "#%d", nr);
		s = buf;
	}
	return s;
}

char *cb_stats_json(const struct cb_stats *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	struct row sum = { 0 };
	fputs("{\"stats\":{\"calls\":[", f);
	const char *sep = "";
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (int nr = 0; nr < CB_NR_MAX; nr++) {
			struct row r = { 0 };
			fold(&r, t->n[a][nr]);
			if (!r.total)
				continue;
			fold(&sum, t->n[a][nr]);
			char nb[16];
			fprintf(f, "%s{\"arch\":\"%s\",\"syscall\":\"%s\",\"nr\":%d,", sep,
				cb_arch_name(a), syscall_name(a, nr, nb, sizeof(nb)), nr);
			json_counts(f, &r);
			fputc('}', f);
			sep = ",";
		}
	}
	fputs("],\"all\":{", f);
	json_counts(f, &sum);
	fputs("}}}\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void table_row(FILE *out, const char *abi, const char *name, const struct row *r)
{
	double user = r->total ? 100.0 * (double)(r->total - r->kernel) / (double)r->total : 0;
	fprintf(out, "%-7s %-24s %8llu %6.1f%% %9llu %10llu %7llu %6llu %9llu %7llu ", abi, name,
		(unsigned long long)r->total, user, (unsigned long long)r->o[CB_OUT_PERFORMED],
		(unsigned long long)r->o[CB_OUT_TRANSLATED], (unsigned long long)r->o[CB_OUT_ERRORS],
		(unsigned long long)r->o[CB_OUT_DENIED], (unsigned long long)r->o[CB_OUT_ABANDONED],
		(unsigned long long)r->kernel);
	const char *sep = "";
	for (int o = CB_OUT_K_RULE; o < CB_OUT_COUNT; o++) {
		if (r->o[o]) {
			fprintf(out, "%s%s:%llu", sep, names[o], (unsigned long long)r->o[o]);
			sep = ",";
		}
	}
	fputc('\n', out);
}

void cb_stats_table(const struct cb_stats *t, FILE *out)
{
	struct row sum = { 0 };
	fprintf(out, "compatbox: calls the supervisor saw (user: performed in user space or refused)\n"
		     "%-7s %-24s %8s %7s %9s %10s %7s %6s %9s %7s %s\n",
		"abi", "syscall", "calls", "user", "performed", "translated", "errors", "denied",
		"abandoned", "kernel", "why");
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (int nr = 0; nr < CB_NR_MAX; nr++) {
			struct row r = { 0 };
			fold(&r, t->n[a][nr]);
			if (!r.total)
				continue;
			fold(&sum, t->n[a][nr]);
			char nb[16];
			table_row(out, cb_arch_name(a), syscall_name(a, nr, nb, sizeof(nb)), &r);
		}
	}
	table_row(out, "all", "", &sum);
}
