/* Writing a database as a .abi file. The output is a function of the
 * database alone, so write -> read -> write gives the same bytes. */
#include "abifile.h"

#include <errno.h>
#include <string.h>

#include "abifile_annot.h"
#include "arch.h"

/* Columns: the narrow ABI first, as people read "4 8". */
static const enum cb_arch columns[] = { CB_ARCH_I386, CB_ARCH_X86_64 };
_Static_assert(sizeof(columns) / sizeof(columns[0]) == CB_ARCH_COUNT, "a column per ABI");

static void per_abi(FILE *f, const char *key, const uint32_t *v, bool hex)
{
	fprintf(f, " %s", key);
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		fprintf(f, hex ? " 0x%x" : " %u", v[columns[c]]);
}

static void write_record(FILE *f, const struct cb_abi_db *db, int r)
{
	const struct cb_record *rec = &db->records[r];
	fprintf(f, "record %s %s", rec->name, rec->is_union ? "union" : "struct");
	per_abi(f, "size", rec->size, false);
	per_abi(f, "align", rec->align, false);
	fprintf(f, "%s\n", rec->task_tied ? " task-tied" : "");
	int w = 1;
	for (int i = 0; i < rec->nfields; i++) {
		int n = (int)strlen(cb_field_label(&rec->fields[i]));
		w = n > w ? n : w;
	}
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *fl = &rec->fields[i];
		fprintf(f, "field %-*s %-6s", w, cb_field_label(fl), cb_kind_name(fl->kind));
		per_abi(f, "off", fl->off, false);
		per_abi(f, "size", fl->size, false);
		if (fl->kind == CB_K_ARRAY)
			fprintf(f, " elem %s count %u", cb_kind_name(fl->elem_kind), fl->count);
		if (fl->record >= 0 && fl->record < db->nrecords)
			fprintf(f, " record %s", db->records[fl->record].name);
		cb_annot_write(db, r, i, f);
		fputc('\n', f);
	}
	fputs("end\n\n", f);
}

static void write_ioctl(FILE *f, const struct cb_abi_db *db, const struct cb_ioctl *io)
{
	fprintf(f, "ioctl %s", io->name);
	per_abi(f, "req", io->req, true);
	if (io->param_mask)
		fprintf(f, " mask 0x%x", io->param_mask);
	if (io->arg_from_req && io->arg_record >= 0 && io->arg_record < db->nrecords) {
		fprintf(f, " arg array %s", db->records[io->arg_record].name);
	} else if (io->arg_from_req) {
		fputs(" arg buf", f);
	} else if (io->arg_record >= 0 && io->arg_record < db->nrecords) {
		fprintf(f, " arg record %s", db->records[io->arg_record].name);
	} else if (io->arg_kind == CB_K_PAD) {
		fputs(" arg none", f);
	} else {
		fprintf(f, " arg %s", cb_kind_name(io->arg_kind));
		per_abi(f, "size", io->arg_size, false);
	}
	fprintf(f, " dir %s%s%s%s\n", cb_dir_name(io->dir), io->task_tied ? " task-tied" : "",
		io->written_on_failure ? " written-on-failure" : "", io->fd_value ? " fd-value" : "");
}

int cb_abifile_write(FILE *f, const struct cb_abi_db *db, const char *comment)
{
	for (const char *p = comment; p && *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "# %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	fputs("compatbox-abi 1\nabis", f);
	for (int c = 0; c < CB_ARCH_COUNT; c++)
		fprintf(f, " %s", cb_arch_name(columns[c]));
	fputs("\n\n", f);
	for (int r = 0; r < db->nrecords; r++)
		write_record(f, db, r);
	for (int i = 0; i < db->nioctls; i++)
		write_ioctl(f, db, &db->ioctls[i]);
	return ferror(f) ? -EIO : 0;
}

int cb_abifile_save(const char *path, const struct cb_abi_db *db, const char *comment,
		    struct cb_err *err)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	int rc = cb_abifile_write(f, db, comment);
	if (fclose(f) != 0 || rc < 0)
		return cb_fail(err, EIO, "%s: write failed", path);
	return 0;
}
