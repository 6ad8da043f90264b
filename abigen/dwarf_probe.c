/* The probe: a stub compiled (never run) once per ABI, in two passes.
 *
 * Pass one names every wanted type with an anchor variable (cb__v_I) and
 * every request macro with an enumerator (cb__rq_I) of an enum that an
 * anchor uses, so all of them are in the DWARF. DWARF gives offsets and
 * sizes but no alignment; pass two asks the compiler with _Alignof for each
 * record pass one found, again as enumerators, and cross-checks sizeof.
 *
 * No -D_FILE_OFFSET_BITS=64 or -D_TIME_BITS=64: i386's old time_t and off_t
 * layouts are what 32-bit programs use. */
#include "dwarf.h"
#include "dwarf_die.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

struct probe {
	const struct cb_dw_tools *tools;
	enum cb_arch arch;
	char dir[PATH_MAX];
	char src[PATH_MAX + 16], obj[PATH_MAX + 16], dump[PATH_MAX + 16], diag[PATH_MAX + 16];
	char deps[PATH_MAX + 16];
};

static int write_file(const char *path, const char *a, const char *b, struct cb_err *err)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	fputs(a, f);
	fputs(b, f);
	if (fclose(f) != 0)
		return cb_fail(err, EIO, "%s: write failed", path);
	return 0;
}

static int read_file(const char *path, char **out, struct cb_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	bool bad = ferror(f);
	fclose(f);
	if (!buf)
		return cb_fail(err, ENOMEM, "%s: out of memory", path);
	if (bad) {
		free(buf);
		return cb_fail(err, EIO, "%s: read error", path);
	}
	buf[n] = 0;
	*out = buf;
	return 0;
}

/* Compile STUB (after PRELUDE) and parse the DWARF of the object. */
static int compile(struct probe *p, const char *prelude, const char *stub, struct cb_dies *d,
		   struct cb_err *err)
{
	int rc = write_file(p->src, prelude, stub, err);
	if (rc < 0)
		return rc;
	const char *cc_args[] = { cb_dw_abi_flag(p->arch), "-g", "-c", "-O0", "-std=gnu11",
				  "-D_GNU_SOURCE", "-MD", "-MF", p->deps, "-o", p->obj, p->src, NULL };
	struct cb_err why = { "" };
	rc = cb_dw_run(cb_dw_cc(p->tools), cc_args, NULL, p->diag, &why);
	if (rc < 0)
		return cb_fail(err, rc, "%s probe: %s", cb_arch_name(p->arch), why.msg);
	if (p->tools && p->tools->deps && cb_dw_deps_add(p->tools->deps, p->deps, p->src) < 0)
		return cb_fail(err, EIO, "%s: unreadable dependencies", p->deps);
	const char *re_args[] = { "--debug-dump=info", p->obj, NULL };
	rc = cb_dw_run(cb_dw_readelf(p->tools), re_args, p->dump, p->diag, err);
	if (rc < 0)
		return rc;
	char *text = NULL;
	rc = read_file(p->dump, &text, err);
	return rc < 0 ? rc : cb_dies_parse(text, d, err);
}

/* A growing string; ok turns false on the first allocation failure. */
struct sbuf {
	char *s;
	size_t n, cap;
	bool ok;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *f, ...)
{
	if (!b->ok)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, f);
		int n = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, f, ap);
		va_end(ap);
		if (n < 0) {
			b->ok = false;
			return;
		}
		if (b->s && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		size_t ncap = (b->cap ? b->cap : 1024) * 2 + (size_t)n;
		char *ns = realloc(b->s, ncap);
		if (!ns) {
			b->ok = false;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
}

/* Anchors carry the item's name, so a compiler error names it too. */
static char *pass1_stub(const struct cb_probe_item *items, int nitems)
{
	struct sbuf b = { .ok = true };
	sb_printf(&b, "\n/* compatbox ABI probe, pass 1: compiled for its DWARF, never run. */\n");
	sb_printf(&b, "long cb__long;\n");
	for (int i = 0; i < nitems; i++)
		if (items[i].what != CB_PROBE_REQUEST)
			sb_printf(&b, "__typeof__(%s) cb__v_%d_%s;\n", items[i].ctype, i,
				  items[i].name);
	sb_printf(&b, "enum cb__probe {\n");
	for (int i = 0; i < nitems; i++)
		if (items[i].what == CB_PROBE_REQUEST)
			sb_printf(&b, "\tcb__rq_%d_%s = (unsigned int)(%s),\n", i, items[i].name,
				  items[i].ctype ? items[i].ctype : items[i].name);
	sb_printf(&b, "\tcb__probe_end\n};\nenum cb__probe cb__probe_anchor;\n");
	if (!b.ok)
		free(b.s);
	return b.ok ? b.s : NULL;
}

/* Pass two: alignments (and sizes, to check the DWARF) of every record that
 * can be named; an unnamed member's alignment is its fields' largest. */
static char *pass2_stub(const struct cb_dw_view *v)
{
	struct sbuf b = { .ok = true };
	sb_printf(&b, "\n/* compatbox ABI probe, pass 2: alignments. */\nenum cb__probe2 {\n");
	for (int r = 0; r < v->nrecords; r++) {
		const struct cb_dw_record *rec = &v->records[r];
		if (rec->cexpr) {
			sb_printf(&b, "\tcb__al_%d = _Alignof(%s),\n", r, rec->cexpr);
			sb_printf(&b, "\tcb__sz_%d = sizeof(%s),\n", r, rec->cexpr);
			continue;
		}
		for (int f = 0; f < rec->nfields; f++) {
			const struct cb_dw_field *fl = &rec->fields[f];
			if (fl->unnamed || fl->bits)
				continue; /* an unnamed member's own; bitfields have no type to ask */
			sb_printf(&b, "\tcb__fa_%d_%d = _Alignof(__typeof__(%s->%s%s)),\n", r, f,
				  rec->access, fl->name, fl->kind == CB_K_ARRAY ? "[0]" : "");
		}
	}
	sb_printf(&b, "\tcb__probe2_end\n};\nenum cb__probe2 cb__probe2_anchor;\n");
	if (!b.ok)
		free(b.s);
	return b.ok ? b.s : NULL;
}

static bool enum_value(const struct cb_dies *d, const char *name, uint32_t *out)
{
	int i = cb_dies_named(d, CB_DW_ENUMERATOR, name);
	if (i < 0 || !(d->v[i].has & CB_DA_CONST))
		return false;
	*out = (uint32_t)d->v[i].cval;
	return true;
}

static int alignments(struct cb_dw_view *v, const struct cb_dies *d, enum cb_arch arch,
		      struct cb_err *err)
{
	char name[64];
	/* Records come children first, so an unnamed member's nested records
	 * are done before it. */
	for (int r = 0; r < v->nrecords; r++) {
		struct cb_dw_record *rec = &v->records[r];
		if (rec->cexpr) {
			uint32_t size;
			snprintf(name, sizeof(name), "cb__al_%d", r);
			bool ok = enum_value(d, name, &rec->align);
			snprintf(name, sizeof(name), "cb__sz_%d", r);
			if (!ok || !enum_value(d, name, &size))
				return cb_fail(err, ENOENT, "%s: no alignment from the %s probe",
					       rec->name, cb_arch_name(arch));
			if (size != rec->size)
				return cb_fail(err, EPROTO, "%s: DWARF says %u bytes, sizeof %u (%s)",
					       rec->name, rec->size, size, cb_arch_name(arch));
			continue;
		}
		rec->align = 1;
		for (int f = 0; f < rec->nfields; f++) {
			const struct cb_dw_field *fl = &rec->fields[f];
			uint32_t a = 1;
			if (fl->unnamed && fl->record >= 0) {
				a = v->records[fl->record].align;
			} else if (!fl->bits) {
				snprintf(name, sizeof(name), "cb__fa_%d_%d", r, f);
				if (!enum_value(d, name, &a))
					return cb_fail(err, ENOENT, "%s.%s: no alignment from %s",
						       rec->name, fl->name, cb_arch_name(arch));
			}
			if (a > rec->align)
				rec->align = a;
		}
	}
	return 0;
}

static int run(struct probe *p, const char *prelude, const struct cb_probe_item *items,
	       int nitems, struct cb_dw_view *out, struct cb_err *err)
{
	cleanup_free char *stub1 = pass1_stub(items, nitems);
	if (!stub1)
		return cb_fail(err, ENOMEM, "out of memory");
	struct cb_dies d;
	int rc = compile(p, prelude, stub1, &d, err);
	if (rc < 0)
		return rc;
	rc = cb_dw_view_build(&d, items, nitems, out, err);
	cb_dies_free(&d);
	if (rc < 0 || out->nrecords == 0)
		return rc;
	cleanup_free char *stub2 = pass2_stub(out);
	rc = stub2 ? compile(p, prelude, stub2, &d, err) : cb_fail(err, ENOMEM, "out of memory");
	if (rc == 0) {
		rc = alignments(out, &d, p->arch, err);
		cb_dies_free(&d);
	}
	if (rc < 0)
		cb_dw_view_free(out);
	return rc;
}

int cb_dw_probe(const struct cb_dw_tools *tools, enum cb_arch arch, const char *prelude,
		const struct cb_probe_item *items, int nitems, struct cb_dw_view *out,
		struct cb_err *err)
{
	memset(out, 0, sizeof(*out));
	struct probe p = { .tools = tools, .arch = arch };
	int rc = cb_dw_tmpdir(p.dir, sizeof(p.dir), err);
	if (rc < 0)
		return rc;
	snprintf(p.src, sizeof(p.src), "%s/probe.c", p.dir);
	snprintf(p.obj, sizeof(p.obj), "%s/probe.o", p.dir);
	snprintf(p.dump, sizeof(p.dump), "%s/probe.dwarf", p.dir);
	snprintf(p.diag, sizeof(p.diag), "%s/probe.err", p.dir);
	snprintf(p.deps, sizeof(p.deps), "%s/probe.d", p.dir);
	rc = run(&p, prelude, items, nitems, out, err);
	if (!getenv("CB_ABIGEN_KEEP")) /* for a failing probe: look at it */
		cb_dw_tmpdir_remove(p.dir);
	return rc;
}
