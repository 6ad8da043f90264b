/* --suggest-policy: an allow-list of what the trail shows, in the policy
 * language (compatbox-policy(5)), everything else denied. Names are written
 * only where the policy reads them back as the same number. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../abi/arch.h"
#include "../policy/names.h"
#include "explain.h"
#include "format.h"
#include "output.h"

static enum cb_arch arch_of(const char *name)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		if (name && !strcmp(name, cb_arch_name((enum cb_arch)a)))
			return (enum cb_arch)a;
	return CB_ARCH_UNKNOWN;
}

/* A path as a policy token: bare when the lexer reads it whole, quoted
 * when it can be; false when neither (then the fd's type stands in). */
static bool path_token(char *out, size_t cap, const char *path)
{
	if (!path || path[0] != '/' || strpbrk(path, "\"\\\n"))
		return false;
	bool bare = !strpbrk(path, " \t\r,#");
	int n = snprintf(out, cap, bare ? "%s" : "\"%s\"", path);
	return n > 0 && (size_t)n < cap;
}

/* The target a rule names for E: the device path with its trailing number
 * as '*' (/dev/pts/3 is another pty next run, hence /dev/pts/ and a star), else what the fd is. Empty:
 * any fd (an anonymous inode has no path a glob can name). */
static void target(char *out, size_t cap, const struct cb_agg_ioctl *e)
{
	const char *t = e->fd_type, *p = e->path;
	if (!t && p && p[0] == '/')
		t = "path"; /* a `run --log` line: a path, of a type it does not say */
	out[0] = 0;
	if (!t)
		return;
	/* A glob character in the path itself would match more than it. */
	if (p && strpbrk(p, "[]?*"))
		p = NULL;
	if (!strcmp(t, "chr") || !strcmp(t, "blk") || !strcmp(t, "path")) {
		char glob[4096];
		snprintf(glob, sizeof(glob), "%s", p ? p : "");
		size_t n = strlen(glob), k = n;
		while (k && isdigit((unsigned char)glob[k - 1]))
			k--;
		if (k < n && k)
			strcpy(glob + k, "*");
		if (!strncmp(glob, "/dev/", 5) && path_token(out + 3, cap - 3, glob)) {
			memcpy(out, "on ", 3);
			return;
		}
		if (strcmp(t, "path") && e->dev) {
			snprintf(out, cap, "on %s %s", !strcmp(t, "chr") ? "char" : "block", e->dev);
			return;
		}
		if (path_token(out + 3, cap - 3, p))
			memcpy(out, "on ", 3);
		return;
	}
	static const struct { const char *type, *word; } words[] = {
		{ "sock", "socket" }, { "fifo", "pipe" }, { "reg", "regular" }, { "dir", "dir" },
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(t, words[i].type))
			snprintf(out, cap, "on %s", words[i].word);
}

/* The request as a policy word: its name when the policy knows the name as
 * this number for this ABI, else the number. */
static void request_word(char *out, size_t cap, const struct cb_agg_ioctl *e, enum cb_arch arch)
{
	uint32_t req[CB_ARCH_COUNT];
	if (e->name && arch != CB_ARCH_UNKNOWN && cb_ioctl_req_by_name(e->name, req) &&
	    req[arch] == e->req)
		snprintf(out, cap, "%s", e->name);
	else
		snprintf(out, cap, "0x%x", e->req);
}

struct rule {
	const char *abi;
	char target[4200];
	char *reqs; /* "A, B, C" */
	size_t len;
	int n;
	char names[256]; /* "0x800454cf TUNGETFEATURES, ...": names given as numbers */
};

static int by_abi_target(const void *x, const void *y)
{
	const struct rule *a = x, *b = y;
	int c = strcmp(a->abi, b->abi);
	return c ? c : strcmp(a->target, b->target);
}

static void ioctl_rules(FILE *out, const struct cb_agg *a)
{
	struct rule *rules = calloc(a->ioctl.n + 1, sizeof(*rules));
	size_t nrules = 0;
	if (!rules)
		return;
	for (size_t i = 0; i < a->ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a->ioctl, i);
		enum cb_arch arch = arch_of(e->arch);
		if (e->denied == e->n || arch == CB_ARCH_UNKNOWN)
			continue; /* refused in the trail, or from no ABI the policy knows */
		char tgt[4200], word[80];
		target(tgt, sizeof(tgt), e);
		request_word(word, sizeof(word), e, arch);
		struct rule *r = NULL;
		for (size_t k = 0; k < nrules; k++)
			if (!strcmp(rules[k].abi, e->arch) && !strcmp(rules[k].target, tgt) && rules[k].n < 200)
				r = &rules[k];
		if (!r) {
			r = &rules[nrules++];
			r->abi = e->arch;
			snprintf(r->target, sizeof(r->target), "%s", tgt);
		}
		/* The same word twice (two devices one glob covers): once. */
		bool dup = false;
		for (char *p = r->reqs; p && (p = strstr(p, word)); p += strlen(word))
			if ((p == r->reqs || p[-1] == ' ') && (p[strlen(word)] == ',' || !p[strlen(word)]))
				dup = true;
		if (dup)
			continue;
		char *grown = realloc(r->reqs, r->len + strlen(word) + 3);
		if (!grown)
			continue;
		r->reqs = grown;
		r->len += (size_t)sprintf(r->reqs + r->len, "%s%s", r->n ? ", " : "", word);
		r->n++;
		/* The policy does not know this name for the number: say it beside. */
		size_t nl = strlen(r->names);
		if (e->name && word[0] == '0' && nl + strlen(word) + strlen(e->name) + 4 < sizeof(r->names))
			snprintf(r->names + nl, sizeof(r->names) - nl, "%s%s %s", nl ? ", " : "", word, e->name);
	}
	qsort(rules, nrules, sizeof(*rules), by_abi_target);
	for (size_t k = 0; k < nrules; k++) {
		fprintf(out, "ioctl allow [%s] %s%s%s%s%s\n", rules[k].abi, rules[k].reqs,
			rules[k].target[0] ? " " : "", rules[k].target, rules[k].names[0] ? "  # " : "",
			rules[k].names);
		free(rules[k].reqs);
	}
	free(rules);
}

/* Whether the trail recorded every syscall, so that what it shows can be
 * an allow-list: it holds the program's exit (exit_group or exit), which
 * only a policy logging every call records. A trail of ioctls, or of a few
 * --trap'ed calls, says nothing of the rest. */
static bool saw_every_syscall(const struct cb_agg *a)
{
	for (size_t i = 0; i < a->sys.n; i++) {
		const char *n = ((const struct cb_agg_sys *)cb_map_at(&a->sys, i))->name;
		if (!strcmp(n, "exit_group") || !strcmp(n, "exit"))
			return true;
	}
	return false;
}

/* PREFIX "allow [ABI] a, b, ..." per ABI of the syscalls seen. */
static void syscall_rules(FILE *out, const struct cb_agg *a, const char *prefix)
{
	for (int arch = 0; arch < CB_ARCH_COUNT; arch++) {
		const char *abi = cb_arch_name((enum cb_arch)arch);
		int n = 0, col = 0;
		for (size_t i = 0; i < a->sys.n; i++) {
			const struct cb_agg_sys *s = cb_map_at(&a->sys, i);
			if (!s->arch || strcmp(s->arch, abi) || !strcmp(s->name, "ioctl") || s->denied == s->n)
				continue;
			if (cb_syscall_nr((enum cb_arch)arch, s->name) < 0) {
				fprintf(out, "# not a syscall name of %s: %s\n", abi, s->name);
				continue;
			}
			if (!n)
				col = fprintf(out, "%sallow [%s] ", prefix, abi);
			else if (col > 68)
				col = fprintf(out, ",\n%s    ", prefix);
			else
				col += fprintf(out, ", ");
			col += fprintf(out, "%s", s->name);
			n++;
		}
		if (n)
			fputc('\n', out);
	}
}

void cb_report_policy(FILE *out, const struct cb_agg *a, const char *trail)
{
	char when[48];
	cb_fmt_when(when, sizeof(when), a->first_t);
	fprintf(out, "# Suggested by 'compatbox report --suggest-policy' from %s\n", trail);
	if (a->argv_line)
		fprintf(out, "# program: %s\n", a->argv_line);
	fprintf(out, "# %llu calls recorded from %s. An allow-list of what was seen: review it;\n"
		"# anything the run did not do is refused. compatbox-policy(5).\n",
		(unsigned long long)a->calls, when);
	if (a->dropped || a->truncated || a->read.malformed)
		fprintf(out, "# WARNING: the trail lost %llu entries and has %llu malformed lines:\n"
			"# calls the program made may be missing below.\n",
			(unsigned long long)(a->dropped + a->truncated), (unsigned long long)a->read.malformed);
	if (saw_every_syscall(a)) {
		fputs("\n# The trail recorded every syscall: those it shows are allowed, any other\n"
		      "# fails with ENOSYS (as for a kernel without it).\n"
		      "default deny ENOSYS\n", out);
		syscall_rules(out, a, "");
	} else {
		fputs("\n# The trail does not record every syscall (the audit policy records\n"
		      "# ioctls): other syscalls are not restricted here.\n"
		      "default allow\n", out);
		syscall_rules(out, a, "# seen: ");
	}
	fputs("\n", out);
	ioctl_rules(out, a);
	fputs("ioctl default deny EPERM\n", out);
	bool refused = false;
	for (size_t i = 0; i < a->denied.n; i++) {
		const struct cb_agg_denied *d = cb_map_at(&a->denied, i);
		if (!refused)
			fputs("\n# Refused in the trail, and refused here too:\n", out);
		refused = true;
		fprintf(out, "#   %s %s %s (%s)\n", d->arch ? d->arch : "?", d->sys, d->what ? d->what : "",
			d->rule ? d->rule : "?");
	}
}
