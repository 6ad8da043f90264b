/* What the build makes of a generated database: constant C tables linked
 * into compatbox, and a file of _Static_asserts that the build compiles
 * against the real headers on every ABI, so a header that changes a layout
 * breaks the build instead of a guest. */
#include "gen.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

/* "x86_64" -> "X86_64", for CB_ARCH_X86_64 and -DCB_ABI_X86_64. */
static const char *upper(const char *s, char *buf, size_t cap)
{
	size_t i = 0;
	for (; s[i] && i + 1 < cap; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = 0;
	return buf;
}

static void per_abi(FILE *f, const char *key, const uint32_t *v, bool hex)
{
	char up[32];
	fprintf(f, ".%s = {", key);
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		fprintf(f, hex ? "%s [CB_ARCH_%s] = 0x%xu" : "%s [CB_ARCH_%s] = %u", a ? "," : "",
			upper(cb_arch_name((enum cb_arch)a), up, sizeof(up)), v[a]);
	fputs(" }", f);
}

static const char *kind_c(enum cb_kind k, char *buf, size_t cap)
{
	char up[32];
	snprintf(buf, cap, "CB_K_%s", upper(cb_kind_name(k), up, sizeof(up)));
	return buf;
}

static const char *const target_c[] = {
	[CB_T_NONE] = "CB_T_NONE", [CB_T_RECORD] = "CB_T_RECORD", [CB_T_BUF] = "CB_T_BUF",
	[CB_T_STR] = "CB_T_STR",   [CB_T_ARRAY] = "CB_T_ARRAY",
	[CB_T_VALUE] = "CB_T_VALUE", [CB_T_UNSUPPORTED] = "CB_T_UNSUPPORTED",
};
static const char *const dir_c[] = {
	[CB_DIR_NONE] = "CB_DIR_NONE", [CB_DIR_IN] = "CB_DIR_IN",
	[CB_DIR_OUT] = "CB_DIR_OUT",   [CB_DIR_INOUT] = "CB_DIR_INOUT",
};
static const char *const narrow_c[] = {
	[CB_N_EOVERFLOW] = "CB_N_EOVERFLOW", [CB_N_TRUNCATE] = "CB_N_TRUNCATE",
	[CB_N_RLIM] = "CB_N_RLIM",
};

static const char *index_c(int i, char *buf, size_t cap)
{
	if (i == CB_NO_INDEX)
		return "CB_NO_INDEX";
	snprintf(buf, cap, "%d", i);
	return buf;
}

/* The annotation, members at their defaults left out but the indexes,
 * whose "none" is not zero. */
static void annot(FILE *f, const struct cb_annot *a, int r, int i)
{
	char b1[16], b2[16], b3[16], b4[16];
	fprintf(f, ".a = { .target_record = %s, .len_field = %s, .select_field = %s, "
		   ".when_field = %s",
		index_c(a->target_record, b1, sizeof(b1)), index_c(a->len_field, b2, sizeof(b2)),
		index_c(a->select_field, b3, sizeof(b3)), index_c(a->when_field, b4, sizeof(b4)));
	if (a->len_unit)
		fprintf(f, ", .len_unit = %u", a->len_unit);
	if (a->has_when)
		fprintf(f, ", .has_when = true, .when_up = %d, .when_value = 0x%xu", a->when_up,
			a->when_value);
	if (a->else_target)
		fprintf(f, ", .else_target = %s, .else_record = %d, .else_len_field = %d, "
			   ".else_len_up = %d, .else_max = %uu",
			target_c[a->else_target], a->else_record, a->else_len_field, a->else_len_up,
			a->else_max);
	if (a->ndirs) {
		fprintf(f, ", .ndirs = %u, .dir_mask = 0x%xu, .dir_field = %d, .dir_up = %d, "
			   ".dir_values = {", a->ndirs, a->dir_mask, a->dir_field, a->dir_up);
		for (int k = 0; k < a->ndirs; k++)
			fprintf(f, "%s0x%xu", k ? ", " : "", a->dir_values[k]);
		fputs(" }, .dir_dirs = {", f);
		for (int k = 0; k < a->ndirs; k++)
			fprintf(f, "%s%s", k ? ", " : "", dir_c[a->dir_dirs[k]]);
		fputs(" }", f);
	}
	if (a->has_wrote)
		fprintf(f, ", .has_wrote = true, .wrote_field = %d", a->wrote_field);
	if (a->beyond_kernel)
		fputs(", .beyond_kernel = true", f);
	if (a->dir)
		fprintf(f, ", .dir = %s", dir_c[a->dir]);
	if (a->target)
		fprintf(f, ", .target = %s", target_c[a->target]);
	if (a->len_up)
		fprintf(f, ", .len_up = %d", a->len_up);
	if (a->len_const)
		fprintf(f, ", .len_const = %uu", a->len_const);
	if (a->max)
		fprintf(f, ", .max = %uu", a->max);
	if (a->len_in_bytes)
		fputs(", .len_in_bytes = true", f);
	if (a->len_updated)
		fputs(", .len_updated = true", f);
	if (a->flex)
		fputs(", .flex = true", f);
	if (a->is_fd)
		fputs(", .is_fd = true", f);
	if (a->narrow)
		fprintf(f, ", .narrow = %s", narrow_c[a->narrow]);
	if (a->keep)
		fputs(", .keep = true", f);
	if (a->mirror)
		fprintf(f, ", .mirror = true, .mirror_field = %d", a->mirror_field);
	if (a->select_up)
		fprintf(f, ", .select_up = %d", a->select_up);
	if (a->select_cmd)
		fputs(", .select_cmd = true", f);
	if (a->ncases)
		fprintf(f, ", .cases = cb_cases_%d_%d, .ncases = %d", r, i, a->ncases);
	fputs(" }", f);
}

static void record_tables(FILE *f, const struct cb_abi_db *db, int r)
{
	const struct cb_record *rec = &db->records[r];
	char kb[48], eb[48], ib[16];
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_annot *a = &rec->fields[i].a;
		if (!a->ncases)
			continue;
		fprintf(f, "static const struct cb_case cb_cases_%d_%d[] = {", r, i);
		for (int c = 0; c < a->ncases; c++)
			fprintf(f, "%s { 0x%xu, %d, %s, %d, %d }", c ? "," : "", a->cases[c].value,
				a->cases[c].member, a->cases[c].by_field ? "true" : "false",
				a->cases[c].field, a->cases[c].up);
		fputs(" };\n", f);
	}
	if (rec->nfields == 0)
		return;
	fprintf(f, "static const struct cb_field cb_fields_%d[] = { /* %s */\n", r, rec->name);
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *fl = &rec->fields[i];
		fprintf(f, "\t{ .name = \"%s\", ", fl->name);
		fprintf(f, ".kind = %s, ", kind_c(fl->kind, kb, sizeof(kb)));
		per_abi(f, "off", fl->off, false);
		fputs(", ", f);
		per_abi(f, "size", fl->size, false);
		fprintf(f, ",\n\t  .elem_kind = %s, .count = %uu, .record = %s,\n\t  ",
			kind_c(fl->elem_kind, eb, sizeof(eb)), fl->count,
			index_c(fl->record, ib, sizeof(ib)));
		annot(f, &fl->a, r, i);
		fputs(" },\n", f);
	}
	fputs("};\n", f);
}

int cb_gen_emit_tables(const struct cb_gen *g, const char *name, const char *source, FILE *f)
{
	const struct cb_abi_db *db = &g->db;
	char kb[48], ib[16];
	fprintf(f, "/* Generated by cb-abigen from %s: do not edit, edit the spec. */\n"
		   "#include <stdbool.h>\n#include <stddef.h>\n\n#include \"abi/layout.h\"\n\n"
		   "extern const struct cb_abi_db %s;\n\n",
		source, name);
	for (int r = 0; r < db->nrecords; r++)
		record_tables(f, db, r);
	fputs("\nstatic const struct cb_record cb_records[] = {\n", f);
	for (int r = 0; r < db->nrecords; r++) {
		const struct cb_record *rec = &db->records[r];
		fprintf(f, "\t[%d] = { .name = \"%s\", .is_union = %s, .task_tied = %s,\n\t  ", r,
			rec->name, rec->is_union ? "true" : "false", rec->task_tied ? "true" : "false");
		per_abi(f, "size", rec->size, false);
		fputs(", ", f);
		per_abi(f, "align", rec->align, false);
		if (rec->nfields)
			fprintf(f, ",\n\t  .nfields = %d, .fields = cb_fields_%d", rec->nfields, r);
		fprintf(f, ", .identical = %s },\n", rec->identical ? "true" : "false");
	}
	fputs("};\n\nstatic const struct cb_ioctl cb_ioctls[] = {\n", f);
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *io = &db->ioctls[i];
		fprintf(f, "\t{ .name = \"%s\", ", io->name);
		per_abi(f, "req", io->req, true);
		fprintf(f, ",\n\t  .arg_record = %s, .arg_kind = %s, ",
			index_c(io->arg_record, ib, sizeof(ib)), kind_c(io->arg_kind, kb, sizeof(kb)));
		per_abi(f, "arg_size", io->arg_size, false);
		fprintf(f, ", .dir = %s, .task_tied = %s", dir_c[io->dir],
			io->task_tied ? "true" : "false");
		if (io->written_on_failure)
			fputs(", .written_on_failure = true", f);
		if (io->fd_value)
			fputs(", .fd_value = true", f);
		if (io->param_mask || io->arg_from_req)
			fprintf(f, ",\n\t  .param_mask = 0x%xu, .arg_from_req = %s", io->param_mask,
				io->arg_from_req ? "true" : "false");
		fputs(" },\n", f);
	}
	fputs("};\n\nstatic const struct cb_abi_known cb_known[] = {\n", f);
	for (int i = 0; i < db->nknown; i++) {
		const struct cb_abi_known *k = &db->known[i];
		fprintf(f, "\t{ \"%s\", \"%s\", ", k->name, k->family);
		per_abi(f, "req", k->req, true);
		fputs(" },\n", f);
	}
	fprintf(f, "\t{ NULL, NULL, { 0 } }\n};\n\nconst struct cb_abi_db %s = {\n"
		   "\t.records = cb_records, .nrecords = %d,\n"
		   "\t.ioctls = cb_ioctls, .nioctls = %d,\n"
		   "\t.known = cb_known, .nknown = %d,\n};\n",
		name, db->nrecords, db->nioctls, db->nknown);
	return ferror(f) ? -EIO : 0;
}

/* ---- the check ---- */

/* Asserts for the fields of record R as members of type T, at BASE. An
 * unnamed member's fields are members of T themselves. */
static void check_fields(FILE *f, const struct cb_gen *g, const char *t, int r, int a,
			 uint32_t base)
{
	const struct cb_record *rec = &g->db.records[r];
	const char *an = cb_arch_name((enum cb_arch)a);
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *fl = &rec->fields[i];
		unsigned fx = g->rec[r].fflags[i];
		if (!(fx & ((unsigned)CB_GF_PRESENT << a)) || (fx & (CB_GF_GAP | CB_GF_BITS)))
			continue;
		if (fx & CB_GF_UNNAMED) {
			if (fl->record >= 0)
				check_fields(f, g, t, fl->record, a, base + fl->off[a]);
			continue;
		}
		fprintf(f, "_Static_assert(__builtin_offsetof(%s, %s) == %u,"
			   " \"%s.%s: offset on %s\");\n",
			t, fl->name, base + fl->off[a], rec->name, fl->name, an);
		if (!(fx & CB_GF_FLEX))
			fprintf(f, "_Static_assert(sizeof(((%s *)0)->%s) == %u,"
				   " \"%s.%s: size on %s\");\n",
				t, fl->name, fl->size[a], rec->name, fl->name, an);
	}
}

static void check_unit(FILE *f, const struct cb_gen *g, int u, int a)
{
	const char *an = cb_arch_name((enum cb_arch)a);
	char up[32];
	fprintf(f, "#if defined(CB_ABI_%s)\n", upper(an, up, sizeof(up)));
	for (int r = 0; r < g->db.nrecords; r++) {
		const struct cb_record *rec = &g->db.records[r];
		const struct cb_gen_rec *gr = &g->rec[r];
		if (gr->unit != u || !gr->cexpr || rec->size[a] == 0)
			continue;
		cleanup_free char *t = NULL;
		if (asprintf(&t, "__typeof__(%s)", gr->cexpr) < 0)
			continue;
		fprintf(f, "_Static_assert(sizeof(%s) == %u, \"%s: size on %s\");\n", t, rec->size[a],
			rec->name, an);
		fprintf(f, "_Static_assert(_Alignof(%s) == %u, \"%s: alignment on %s\");\n", t,
			rec->align[a], rec->name, an);
		check_fields(f, g, t, r, a, 0);
	}
	for (int i = 0; i < g->db.nioctls; i++) {
		const struct cb_ioctl *io = &g->db.ioctls[i];
		if (g->ioc[i].unit != u)
			continue;
		char expr[256];
		if (cb_ioctl_pattern_expr(io->name, -1, 0, expr, sizeof(expr)) < 0)
			continue;
		fprintf(f, "_Static_assert((unsigned int)(%s) == 0x%xu, \"%s: request on %s\");\n",
			expr, io->req[a], io->name, an);
		if (g->ioc[i].arg_ctype)
			fprintf(f, "_Static_assert(sizeof(%s) == %u, \"%s: argument size on %s\");"
				   "\n",
				g->ioc[i].arg_ctype, io->arg_size[a], io->name, an);
	}
	fputs("#endif\n", f);
}

int cb_gen_emit_check(const struct cb_gen *g, const struct cb_spec *s, FILE *f)
{
	fprintf(f, "/* cb-abigen check: %d units */\n"
		   "/* Generated by cb-abigen: every layout and request number of the database,\n"
		   " * asserted against the real headers. Compiled, never run, once per unit and\n"
		   " * ABI with -DCB_ABI_UNIT=N -DCB_ABI_<ABI> (cb-abigen check does it). */\n"
		   "#ifndef CB_ABI_UNIT\n"
		   "#error \"compile with -DCB_ABI_UNIT=N -DCB_ABI_<ABI>\"\n"
		   "#endif\n",
		s->nunits);
	for (int u = 0; u < s->nunits; u++) {
		fprintf(f, "\n#if CB_ABI_UNIT == %d /* unit %s */\n%s\n", u, s->units[u].name,
			s->units[u].prelude);
		for (int a = 0; a < CB_ARCH_COUNT; a++)
			check_unit(f, g, u, a);
		fprintf(f, "#endif /* unit %s */\n", s->units[u].name);
	}
	return ferror(f) ? -EIO : 0;
}

static void copy_to(const char *path, FILE *out)
{
	FILE *in = fopen(path, "r");
	if (!in)
		return;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
}

int cb_gen_run_check(const char *path, const struct cb_dw_tools *tools, FILE *diag,
		     struct cb_err *err)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	int units = -1;
	if (fscanf(f, "/* cb-abigen check: %d units */", &units) != 1)
		units = -1;
	fclose(f);
	if (units < 0)
		return cb_fail(err, EINVAL, "%s: not a cb-abigen check file", path);
	char dir[4096];
	int rc = cb_dw_tmpdir(dir, sizeof(dir), err);
	if (rc < 0)
		return rc;
	char errfile[4200], depfile[4200];
	snprintf(errfile, sizeof(errfile), "%s/check.err", dir);
	snprintf(depfile, sizeof(depfile), "%s/check.d", dir);
	for (int u = 0; rc == 0 && u < units; u++) {
		for (int a = 0; rc == 0 && a < CB_ARCH_COUNT; a++) {
			char unit[32], abi[64], up[32];
			snprintf(unit, sizeof(unit), "-DCB_ABI_UNIT=%d", u);
			snprintf(abi, sizeof(abi), "-DCB_ABI_%s",
				 upper(cb_arch_name((enum cb_arch)a), up, sizeof(up)));
			const char *args[] = { cb_dw_abi_flag((enum cb_arch)a), "-fsyntax-only",
					       "-std=gnu11", "-D_GNU_SOURCE", "-MD", "-MF", depfile,
					       unit, abi, path, NULL };
			rc = cb_dw_run(cb_dw_cc(tools), args, NULL, errfile, err);
			if (rc < 0 && diag)
				copy_to(errfile, diag);
			if (rc == 0 && tools && tools->deps &&
			    cb_dw_deps_add(tools->deps, depfile, path) < 0)
				rc = cb_fail(err, EIO, "%s: unreadable dependencies", depfile);
		}
	}
	cb_dw_tmpdir_remove(dir);
	return rc;
}
