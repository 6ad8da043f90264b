/* `compatbox abi list --stats`: how many requests the database describes,
 * per family, how many of them an i386 caller cannot pass to an x86_64
 * kernel as they are (a different number or a different layout), and how
 * that compares with what the families' headers define (the spec's scan
 * lines: every _IO* macro, its number on each ABI read from the compiler).
 * "kernel" counts the differing ones that are task-tied: described, so the
 * trail decodes them, but run by the kernel, never performed. */
#include "cmd_abi.h"

#include <stdio.h>
#include <string.h>

/* Requests that are plain numbers in the headers (no _IO*: no scan finds
 * them) are put in a family by their name. */
static const struct {
	const char *prefix, *family;
} by_prefix[] = {
	{ "SIOC", "sockios" }, { "TUN", "tun" }, { "TC", "tty" }, { "TIOC", "tty" },
	{ "FIO", "tty" },      { "LOOP_", "loop" }, { "BLK", "block" }, { "HDIO_", "block" },
	{ "FI", "files" },  { "SG_", "sg" },
};

#define MAXFAM 32

struct fam {
	const char *name;
	int described, differ, kernel, known, known_differ, known_differ_described;
};

static int fam_index(struct fam *f, int *n, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(f[i].name, name))
			return i;
	if (*n == MAXFAM)
		return MAXFAM - 1; /* "other" takes the overflow */
	f[*n] = (struct fam){ .name = name };
	return (*n)++;
}

/* "EVIOCGBIT(ev,len)" and "EVIOCGBIT(ev, len)" name one macro. */
static bool same_macro(const char *a, const char *b)
{
	size_t la = strcspn(a, "("), lb = strcspn(b, "(");
	return la == lb && !strncmp(a, b, la);
}

static const struct cb_abi_known *known_of(const struct cb_abi_db *db, const char *name)
{
	for (int i = 0; i < db->nknown; i++)
		if (same_macro(db->known[i].name, name))
			return &db->known[i];
	return NULL;
}

static const char *family_of(const struct cb_abi_db *db, const char *name)
{
	const struct cb_abi_known *k = known_of(db, name);
	if (k)
		return k->family;
	for (size_t i = 0; i < sizeof(by_prefix) / sizeof(by_prefix[0]); i++)
		if (!strncmp(name, by_prefix[i].prefix, strlen(by_prefix[i].prefix)))
			return by_prefix[i].family;
	return "other";
}

/* Whether an i386 caller's request needs more than passing it on. */
static bool differs(const struct cb_abi_db *db, const struct cb_ioctl *io)
{
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		if (io->req[a] != io->req[0] || io->arg_size[a] != io->arg_size[0])
			return true;
	return io->arg_record >= 0 && !db->records[io->arg_record].identical;
}

static bool number_differs(const uint32_t *req)
{
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		if (req[a] != req[0])
			return true;
	return false;
}

int cb_abi_stats(const struct cb_abi_db *db, FILE *out)
{
	struct fam f[MAXFAM];
	int nf = 0;
	struct fam total = { .name = "total" };
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *io = &db->ioctls[i];
		struct fam *x = &f[fam_index(f, &nf, family_of(db, io->name))];
		bool d = differs(db, io);
		x->described++;
		x->differ += d;
		x->kernel += d && io->task_tied;
		total.described++;
		total.differ += d;
		total.kernel += d && io->task_tied;
	}
	for (int i = 0; i < db->nknown; i++) {
		const struct cb_abi_known *k = &db->known[i];
		struct fam *x = &f[fam_index(f, &nf, k->family)];
		bool d = number_differs(k->req), have = cb_abi_ioctl_by_name(db, k->name) != NULL;
		for (int j = 0; !have && j < db->nioctls; j++)
			have = same_macro(db->ioctls[j].name, k->name);
		x->known++;
		x->known_differ += d;
		x->known_differ_described += d && have;
		total.known++;
		total.known_differ += d;
		total.known_differ_described += d && have;
	}
	fprintf(out, "%-10s %9s %7s %7s   %10s %14s %10s\n", "family", "described", "differ",
		"kernel", "in headers", "number differs", "described");
	for (int i = 0; i <= nf; i++) {
		const struct fam *x = i < nf ? &f[i] : &total;
		fprintf(out, "%-10s %9d %7d %7d   %10d %14d %10d\n", x->name, x->described,
			x->differ, x->kernel, x->known, x->known_differ, x->known_differ_described);
	}
	fprintf(out, "%d requests described, %d of them differ between i386 and x86_64 "
		     "(number or layout); %d of those are left to the kernel (task-tied)\n",
		total.described, total.differ, total.kernel);
	if (db->nknown)
		fprintf(out, "the families' headers define %d _IO* requests; %d have another "
			     "number on i386, %d of those are described\n",
			total.known, total.known_differ, total.known_differ_described);
	return 0;
}
