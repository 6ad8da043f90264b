/* Reading a .abi file. The file may come from anyone, so every line is
 * bounded, every number range-checked, every name resolved and every layout
 * checked against its record before the database is handed out; the first
 * problem is reported as "FILE:LINE: what is wrong". */
#include "abifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "abifile_annot.h"
#include "arch.h"
#include "convert.h"
#include "db.h"

#define MAX_TOKENS 256

/* A field or ioctl whose names are resolved at the end of the file. */
struct pending {
	int line;
	int rec, field; /* field: record and index; ioctl: rec = -1, field = index */
	char *record;   /* `record NAME` / `arg record NAME` */
	struct cb_annot_src annot;
};

struct reader {
	const char *name;
	int line;
	struct cb_abi_db db;
	enum cb_arch col[CB_ARCH_COUNT]; /* column -> ABI, from the abis line */
	bool header, abis;
	int cur; /* the open record, or -1 */
	int *rec_line; /* each record's line */
	struct pending *pend;
	int npend;
	struct cb_err *err;
};

__attribute__((format(printf, 4, 5)))
static int fail_at(struct reader *rd, int line, int errnum, const char *fmt, ...)
{
	char msg[sizeof(rd->err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb_fail(rd->err, errnum, "%s:%d: %s", rd->name, line, msg);
}

#define fail(rd, ...) fail_at(rd, (rd)->line, EINVAL, __VA_ARGS__)

/* Report an error from a helper that filled a cb_err without a position. */
static int fail_with(struct reader *rd, int line, int rc, const struct cb_err *why)
{
	return fail_at(rd, line, rc, "%s", why->msg);
}

/* Names: C identifiers; records may be "parent.field" paths. */
static bool valid_name(const char *s, bool dotted)
{
	bool start = true;
	for (; *s; s++) {
		if (start ? (isalpha((unsigned char)*s) || *s == '_')
			  : (isalnum((unsigned char)*s) || *s == '_')) {
			start = false;
		} else if (dotted && *s == '.' && !start) {
			start = true;
		} else {
			return false;
		}
	}
	return !start;
}

/* "KEY A B ...": one number per ABI column, at tok[*i]. */
static int per_abi(struct reader *rd, char **tok, int n, int *i, const char *key, uint32_t *out)
{
	if (*i >= n || strcmp(tok[*i], key) != 0)
		return fail(rd, "expected '%s' after '%s'", key, tok[*i - 1]);
	(*i)++;
	for (int c = 0; c < CB_ARCH_COUNT; c++, (*i)++) {
		if (*i >= n)
			return fail(rd, "'%s' needs %d numbers, one per ABI", key, CB_ARCH_COUNT);
		if (!cb_parse_u32(tok[*i], &out[rd->col[c]]))
			return fail(rd, "'%s': %s is not a 32-bit number", key, tok[*i]);
	}
	return 0;
}

static int add_pending(struct reader *rd, int rec, int field, const char *record,
		       struct cb_annot_src *annot)
{
	struct pending *v = realloc(rd->pend, (size_t)(rd->npend + 1) * sizeof(*v));
	if (!v)
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	rd->pend = v;
	struct pending *p = &v[rd->npend];
	memset(p, 0, sizeof(*p));
	p->line = rd->line;
	p->rec = rec;
	p->field = field;
	if (annot) {
		p->annot = *annot; /* taken over */
		memset(annot, 0, sizeof(*annot));
	} else {
		cb_annot_src_init(&p->annot, NULL);
	}
	rd->npend++;
	if (record && !(p->record = strdup(record)))
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	return 0;
}

static int header_line(struct reader *rd, char **tok, int n)
{
	if (n != 2 || strcmp(tok[0], "compatbox-abi") != 0)
		return fail(rd, "not a compatbox .abi file (expected 'compatbox-abi 1' first)");
	if (strcmp(tok[1], "1") != 0)
		return fail(rd, "compatbox-abi version %s: this compatbox reads version 1", tok[1]);
	rd->header = true;
	return 0;
}

static int abis_line(struct reader *rd, char **tok, int n)
{
	if (rd->abis)
		return fail(rd, "a second 'abis' line");
	if (n - 1 != CB_ARCH_COUNT)
		return fail(rd, "'abis' must list %d ABIs", CB_ARCH_COUNT);
	bool seen[CB_ARCH_COUNT] = { false };
	for (int c = 0; c < CB_ARCH_COUNT; c++) {
		int a = 0;
		while (a < CB_ARCH_COUNT && strcmp(tok[c + 1], cb_arch_name((enum cb_arch)a)) != 0)
			a++;
		if (a == CB_ARCH_COUNT)
			return fail(rd, "unknown ABI '%s'", tok[c + 1]);
		if (seen[a])
			return fail(rd, "ABI '%s' listed twice", tok[c + 1]);
		seen[a] = true;
		rd->col[c] = (enum cb_arch)a;
	}
	rd->abis = true;
	return 0;
}

static int record_line(struct reader *rd, char **tok, int n)
{
	if (rd->cur >= 0)
		return fail(rd, "record %s has no 'end'", rd->db.records[rd->cur].name);
	if (n < 3)
		return fail(rd, "expected 'record NAME struct|union size ... align ...'");
	if (!valid_name(tok[1], true))
		return fail(rd, "'%s' is not a record name", tok[1]);
	if (cb_abi_record_index(&rd->db, tok[1]) != CB_NO_INDEX)
		return fail(rd, "record %s defined twice", tok[1]);
	bool is_union = strcmp(tok[2], "union") == 0;
	if (!is_union && strcmp(tok[2], "struct") != 0)
		return fail(rd, "'%s': a record is a struct or a union", tok[2]);
	struct cb_record r = { .is_union = is_union };
	int i = 3, rc = per_abi(rd, tok, n, &i, "size", r.size);
	if (rc == 0)
		rc = per_abi(rd, tok, n, &i, "align", r.align);
	if (rc < 0)
		return rc;
	for (; i < n; i++) {
		if (strcmp(tok[i], "task-tied") != 0)
			return fail(rd, "unexpected '%s' on a record line", tok[i]);
		r.task_tied = true;
	}
	int *lines = realloc(rd->rec_line, (size_t)(rd->db.nrecords + 1) * sizeof(int));
	if (!lines)
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	rd->rec_line = lines;
	lines[rd->db.nrecords] = rd->line;
	struct cb_record *nr = cb_db_add_record(&rd->db, tok[1]);
	if (!nr)
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	r.name = nr->name;
	*nr = r;
	rd->cur = rd->db.nrecords - 1;
	return 0;
}

static int kind_token(struct reader *rd, const char *s, enum cb_kind *out)
{
	int k = cb_kind_parse(s);
	if (k < 0)
		return fail(rd, "'%s' is not a kind "
			    "(sint uint slong ulong ptr array struct union pad raw)", s);
	*out = (enum cb_kind)k;
	return 0;
}

static int field_line(struct reader *rd, char **tok, int n)
{
	if (rd->cur < 0)
		return fail(rd, "a field outside a record");
	if (n < 3)
		return fail(rd, "expected 'field NAME KIND off ... size ...'");
	const char *name = strcmp(tok[1], "-") == 0 ? NULL : tok[1];
	if (name && !valid_name(name, false))
		return fail(rd, "'%s' is not a field name", name);
	if (name && strlen(name) >= CB_FIELD_NAME_MAX)
		return fail(rd, "field name %s is longer than %d bytes: shorten it", name,
			    CB_FIELD_NAME_MAX - 1);
	if (name && cb_abi_field_index(&rd->db.records[rd->cur], name) != CB_NO_INDEX)
		return fail(rd, "field %s given twice", name);
	struct cb_field f = { .record = CB_NO_INDEX };
	int i = 3, rc = kind_token(rd, tok[2], &f.kind);
	if (rc == 0)
		rc = per_abi(rd, tok, n, &i, "off", f.off);
	if (rc == 0)
		rc = per_abi(rd, tok, n, &i, "size", f.size);
	if (rc < 0)
		return rc;
	if (i < n && strcmp(tok[i], "elem") == 0) {
		if (f.kind != CB_K_ARRAY)
			return fail(rd, "'elem' on a field that is not an array");
		if (i + 3 >= n || strcmp(tok[i + 2], "count") != 0)
			return fail(rd, "expected 'elem KIND count N'");
		rc = kind_token(rd, tok[i + 1], &f.elem_kind);
		if (rc < 0)
			return rc;
		if (f.elem_kind == CB_K_ARRAY)
			return fail(rd, "an array of arrays is one flat array");
		if (!cb_parse_u32(tok[i + 3], &f.count))
			return fail(rd, "count '%s' is not a 32-bit number", tok[i + 3]);
		i += 4;
	} else if (f.kind == CB_K_ARRAY) {
		return fail(rd, "an array needs 'elem KIND count N'");
	}
	const char *record = NULL;
	if (i < n && strcmp(tok[i], "record") == 0) {
		if (i + 1 >= n || !valid_name(tok[i + 1], true))
			return fail(rd, "'record' needs a record name");
		record = tok[i + 1];
		i += 2;
	}
	struct cb_annot_src annot;
	cb_annot_src_init(&annot, NULL);
	struct cb_err why;
	rc = cb_annot_parse(&annot, tok + i, n - i, &why);
	if (rc < 0) {
		cb_annot_src_free(&annot);
		return fail_with(rd, rd->line, rc, &why);
	}
	f.a = annot.a;
	f.a.cases = NULL;
	f.a.ncases = 0;
	struct cb_field *nf = cb_db_add_field(&rd->db, rd->cur, name);
	if (!nf) {
		cb_annot_src_free(&annot);
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	}
	memcpy(f.name, nf->name, sizeof(f.name));
	*nf = f;
	rc = add_pending(rd, rd->cur, rd->db.records[rd->cur].nfields - 1, record, &annot);
	cb_annot_src_free(&annot);
	return rc;
}

static int ioctl_line(struct reader *rd, char **tok, int n)
{
	if (rd->cur >= 0)
		return fail(rd, "record %s has no 'end'", rd->db.records[rd->cur].name);
	char base[128];
	if (n < 2 || cb_ioctl_pattern_split(tok[1], base, sizeof(base)) < 0)
		return fail(rd, "expected 'ioctl NAME req ... arg ... dir ...' (NAME: an "
			    "identifier, or a pattern 'NAME(param,...)')");
	if (cb_abi_ioctl_by_name(&rd->db, tok[1]))
		return fail(rd, "ioctl %s given twice", tok[1]);
	struct cb_ioctl io = { .arg_record = CB_NO_INDEX, .arg_kind = CB_K_PAD };
	int i = 2, rc = per_abi(rd, tok, n, &i, "req", io.req);
	if (rc < 0)
		return rc;
	bool pattern = strchr(tok[1], '(') != NULL;
	if (i < n && strcmp(tok[i], "mask") == 0) {
		if (i + 1 >= n || !cb_parse_u32(tok[i + 1], &io.param_mask) || !io.param_mask)
			return fail(rd, "'mask' takes the request's parameter bits, a nonzero number");
		i += 2;
	}
	if (pattern != (io.param_mask != 0))
		return fail(rd, "ioctl %s: a pattern NAME(param,...) and 'mask M' go together",
			    tok[1]);
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		if (io.req[a] & io.param_mask)
			return fail(rd, "ioctl %s: req has bits of the mask set (req is the number "
				    "with every parameter 0)", tok[1]);
	if (i >= n || strcmp(tok[i], "arg") != 0 || i + 1 >= n)
		return fail(rd, "expected 'arg record NAME', 'arg array NAME', 'arg buf', "
			    "'arg KIND size ...' or 'arg none'");
	const char *record = NULL;
	i++;
	if (strcmp(tok[i], "buf") == 0 || strcmp(tok[i], "array") == 0) {
		/* Sized by the request: only a pattern whose size is a parameter. */
		if (!(io.param_mask & 0x3fff0000u))
			return fail(rd, "'arg %s' is sized by the request: the mask must cover "
				    "some of its size bits (0x3fff0000)", tok[i]);
		io.arg_from_req = true;
		if (tok[i][0] == 'a') {
			if (i + 1 >= n || !valid_name(tok[i + 1], true))
				return fail(rd, "'arg array' needs a record name");
			record = tok[i + 1];
			i++;
		} else {
			io.arg_kind = CB_K_RAW;
		}
		i++;
	} else if (strcmp(tok[i], "record") == 0) {
		if (i + 1 >= n || !valid_name(tok[i + 1], true))
			return fail(rd, "'arg record' needs a record name");
		record = tok[i + 1];
		i += 2;
	} else if (strcmp(tok[i], "none") == 0) {
		i++;
	} else {
		rc = kind_token(rd, tok[i], &io.arg_kind);
		if (rc < 0)
			return rc;
		i++;
		enum cb_kind k = io.arg_kind;
		if (k == CB_K_PAD || k == CB_K_STRUCT || k == CB_K_UNION || k == CB_K_ARRAY)
			return fail(rd, "'arg %s': use 'arg record NAME' or 'arg none'", tok[i - 1]);
		rc = per_abi(rd, tok, n, &i, "size", io.arg_size);
		if (rc < 0)
			return rc;
	}
	int d;
	if (i + 1 >= n || strcmp(tok[i], "dir") != 0 || (d = cb_dir_parse(tok[i + 1])) < 0)
		return fail(rd, "expected 'dir none|in|out|inout'");
	io.dir = (enum cb_dir)d;
	for (i += 2; i < n; i++) {
		if (strcmp(tok[i], "task-tied") == 0)
			io.task_tied = true;
		else if (strcmp(tok[i], "written-on-failure") == 0)
			io.written_on_failure = true;
		else if (strcmp(tok[i], "fd-value") == 0)
			io.fd_value = true;
		else
			return fail(rd, "unexpected '%s' on an ioctl line (after dir: task-tied, "
				    "written-on-failure, fd-value)", tok[i]);
	}
	struct cb_ioctl *ni = cb_db_add_ioctl(&rd->db, tok[1]);
	if (!ni)
		return fail_at(rd, rd->line, ENOMEM, "out of memory");
	io.name = ni->name;
	*ni = io;
	return add_pending(rd, -1, rd->db.nioctls - 1, record, NULL);
}

static int line(struct reader *rd, char *s)
{
	char *hash = strchr(s, '#');
	if (hash)
		*hash = 0;
	char *tok[MAX_TOKENS];
	int n = 0;
	for (char *save, *t = strtok_r(s, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_TOKENS)
			return fail(rd, "more than %d words on a line", MAX_TOKENS);
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (!rd->header)
		return header_line(rd, tok, n);
	if (strcmp(tok[0], "abis") == 0)
		return abis_line(rd, tok, n);
	if (!rd->abis)
		return fail(rd, "expected 'abis %s %s' before '%s'", cb_arch_name(CB_ARCH_I386),
			    cb_arch_name(CB_ARCH_X86_64), tok[0]);
	if (strcmp(tok[0], "record") == 0)
		return record_line(rd, tok, n);
	if (strcmp(tok[0], "field") == 0)
		return field_line(rd, tok, n);
	if (strcmp(tok[0], "end") == 0) {
		if (rd->cur < 0 || n != 1)
			return fail(rd, n != 1 ? "'end' takes nothing" : "'end' without a record");
		rd->cur = -1;
		return 0;
	}
	if (strcmp(tok[0], "ioctl") == 0)
		return ioctl_line(rd, tok, n);
	return fail(rd, "unknown line '%s' (expected record, field, end or ioctl)", tok[0]);
}

/* The record a field names must exist and be of the field's kind. */
static int resolve_record(struct reader *rd, const struct pending *p)
{
	if (p->rec < 0) {
		struct cb_ioctl *io = cb_db_ioctl(&rd->db, p->field);
		if (p->record && (io->arg_record = cb_abi_record_index(&rd->db, p->record)) < 0)
			return fail_at(rd, p->line, EINVAL, "no record %s", p->record);
		if (p->record) {
			const struct cb_record *r = &rd->db.records[io->arg_record];
			io->arg_kind = r->is_union ? CB_K_UNION : CB_K_STRUCT;
			memcpy(io->arg_size, r->size, sizeof(io->arg_size));
		}
		return 0;
	}
	struct cb_field *f = cb_db_field(&rd->db, p->rec, p->field);
	const char *fname = cb_field_label(f);
	enum cb_kind k = f->kind == CB_K_ARRAY ? f->elem_kind : f->kind;
	bool wants = k == CB_K_STRUCT || k == CB_K_UNION;
	if (!p->record)
		return wants ? fail_at(rd, p->line, EINVAL, "%s: a %s needs 'record NAME'", fname,
				       cb_kind_name(k)) : 0;
	if (!wants)
		return fail_at(rd, p->line, EINVAL, "%s: 'record' on a %s", fname, cb_kind_name(k));
	f->record = cb_abi_record_index(&rd->db, p->record);
	if (f->record == CB_NO_INDEX)
		return fail_at(rd, p->line, EINVAL, "%s: no record %s", fname, p->record);
	if (rd->db.records[f->record].is_union != (k == CB_K_UNION))
		return fail_at(rd, p->line, EINVAL, "%s: %s is not a %s", fname, p->record,
			       cb_kind_name(k));
	return 0;
}

/* The layout of a field must fit its record, and a nested record its field:
 * the converter reads and writes at these offsets without looking again. */
static int check_layout(struct reader *rd, const struct pending *p)
{
	const struct cb_record *r = &rd->db.records[p->rec];
	const struct cb_field *f = &r->fields[p->field];
	const char *fname = cb_field_label(f);
	if (f->a.flex && (r->is_union || p->field != r->nfields - 1))
		return fail_at(rd, p->line, EINVAL, "%s: flex: a flexible array must be the last "
			       "field of a struct", fname);
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		const char *an = cb_arch_name((enum cb_arch)a);
		/* A union's members are at offset 0 in C, but the converter
		 * uses the offset given: it must fit like any other. */
		uint64_t end = (uint64_t)f->off[a] + (f->a.flex ? 0 : f->size[a]);
		if (end > r->size[a])
			return fail_at(rd, p->line, ERANGE, "%s: ends at %llu, past %s's %u bytes on %s",
				       fname, (unsigned long long)end, r->name, r->size[a], an);
		if (f->kind == CB_K_ARRAY && f->count && f->size[a] % f->count)
			return fail_at(rd, p->line, EINVAL, "%s: %u bytes are not %u elements on %s",
				       fname, f->size[a], f->count, an);
		if (f->record < 0 || f->size[a] == 0)
			continue;
		uint32_t esize = f->kind != CB_K_ARRAY ? f->size[a]
			: f->count ? f->size[a] / f->count : f->size[a];
		if (esize != rd->db.records[f->record].size[a])
			return fail_at(rd, p->line, EINVAL, "%s: %u bytes, but %s has %u on %s", fname,
				       esize, rd->db.records[f->record].name,
				       rd->db.records[f->record].size[a], an);
	}
	if (f->a.flex && (f->kind != CB_K_ARRAY || f->count != 0))
		return fail_at(rd, p->line, EINVAL, "%s: flex needs an array of count 0", fname);
	return 0;
}

/* The line of field FI of record R (for messages). */
static int field_line_of(const struct reader *rd, int r, int fi)
{
	for (int i = 0; i < rd->npend; i++)
		if (rd->pend[i].rec == r && rd->pend[i].field == fi)
			return rd->pend[i].line;
	return rd->rec_line[r];
}

/* For check_overlap: fields by offset on one ABI. */
struct span {
	uint64_t off, end;
	int field;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off ? 1 : x->field - y->field;
}

/* Struct fields do not overlap on any ABI (a field an ABI lacks has size 0
 * there and takes no room), so a struct of N bytes has at most N fields
 * with bytes: one conversion cannot walk the same bytes over and over.
 * Their order may differ between ABIs (glibc's stat64). */
static int check_overlap(struct reader *rd, int r)
{
	const struct cb_record *rec = &rd->db.records[r];
	if (rec->is_union || rec->nfields < 2)
		return 0;
	struct span *sp = malloc((size_t)rec->nfields * sizeof(*sp));
	if (!sp)
		return fail_at(rd, rd->rec_line[r], ENOMEM, "out of memory");
	int rc = 0;
	for (int a = 0; rc == 0 && a < CB_ARCH_COUNT; a++) {
		int n = 0;
		for (int i = 0; i < rec->nfields; i++) {
			const struct cb_field *f = &rec->fields[i];
			/* A flexible array's elements start at its offset and
			 * nothing may follow it; as a span it is one byte. */
			uint64_t size = f->a.flex ? 1 : f->size[a];
			if (size)
				sp[n++] = (struct span){ f->off[a], f->off[a] + size, i };
		}
		qsort(sp, (size_t)n, sizeof(*sp), span_cmp);
		for (int i = 1; i < n; i++) {
			if (sp[i].off >= sp[i - 1].end)
				continue;
			const struct cb_field *f = &rec->fields[sp[i].field];
			const struct cb_field *o = &rec->fields[sp[i - 1].field];
			int later = sp[i].field > sp[i - 1].field ? sp[i].field : sp[i - 1].field;
			rc = fail_at(rd, field_line_of(rd, r, later), EINVAL,
				     "%s and %s overlap on %s (bytes %llu..%llu and %llu..%llu): "
				     "the fields of a struct do not",
				     cb_field_label(o), cb_field_label(f),
				     cb_arch_name((enum cb_arch)a), (unsigned long long)sp[i - 1].off,
				     (unsigned long long)sp[i - 1].end - 1, (unsigned long long)sp[i].off,
				     (unsigned long long)sp[i].end - 1);
			break;
		}
	}
	free(sp);
	return rc;
}

struct graph {
	unsigned char *state;  /* 0 not seen, 1 being walked, 2 done */
	int *depth;            /* records nested by value below it */
	uint64_t *expand;      /* fields a full walk of it visits (saturating) */
};

/* Records nested by value (struct, union, arrays of them) must form no
 * cycle, nest at most CB_CONV_MAX_NEST deep and expand to at most
 * CB_ABI_MAX_EXPAND fields: else one conversion would recurse or fan out
 * without end. LEVEL bounds this walk's own recursion the same way. */
static int check_nesting(struct reader *rd, struct graph *g, int r, int level)
{
	const struct cb_record *rec = &rd->db.records[r];
	g->state[r] = 1;
	int depth = 0;
	uint64_t expand = 0;
	for (int i = 0; i < rec->nfields; i++) {
		const struct cb_field *f = &rec->fields[i];
		enum cb_kind k = f->kind == CB_K_ARRAY ? f->elem_kind : f->kind;
		int sub = (k == CB_K_STRUCT || k == CB_K_UNION) ? f->record : CB_NO_INDEX;
		expand++;
		if (sub < 0)
			continue;
		const char *fname = cb_field_label(f);
		if (g->state[sub] == 1)
			return fail_at(rd, field_line_of(rd, r, i), EINVAL,
				       "%s: record %s holds itself by value (through %s): "
				       "only a pointer can lead back to it",
				       fname, rd->db.records[sub].name, rec->name);
		if (g->state[sub] == 0) {
			if (level >= CB_CONV_MAX_NEST)
				return fail_at(rd, field_line_of(rd, r, i), EINVAL,
					       "%s: records nested more than %d deep",
					       fname, CB_CONV_MAX_NEST);
			int rc = check_nesting(rd, g, sub, level + 1);
			if (rc < 0)
				return rc;
		}
		if (g->depth[sub] + 1 > depth)
			depth = g->depth[sub] + 1;
		expand += g->expand[sub];
		if (expand > CB_ABI_MAX_EXPAND)
			expand = CB_ABI_MAX_EXPAND + 1;
	}
	if (depth > CB_CONV_MAX_NEST)
		return fail_at(rd, rd->rec_line[r], EINVAL, "record %s: records nested more than "
			       "%d deep", rec->name, CB_CONV_MAX_NEST);
	if (expand > CB_ABI_MAX_EXPAND)
		return fail_at(rd, rd->rec_line[r], EINVAL, "record %s: more than %d fields with "
			       "those of the records inside it", rec->name, CB_ABI_MAX_EXPAND);
	g->depth[r] = depth;
	g->expand[r] = expand;
	g->state[r] = 2;
	return 0;
}

static int check_records(struct reader *rd)
{
	int n = rd->db.nrecords;
	struct graph g = {
		.state = calloc((size_t)n + 1, 1),
		.depth = calloc((size_t)n + 1, sizeof(int)),
		.expand = calloc((size_t)n + 1, sizeof(uint64_t)),
	};
	int rc = 0;
	if (!g.state || !g.depth || !g.expand)
		rc = fail_at(rd, rd->line, ENOMEM, "out of memory");
	for (int r = 0; rc == 0 && r < n; r++) {
		rc = check_overlap(rd, r);
		if (rc == 0 && g.state[r] == 0)
			rc = check_nesting(rd, &g, r, 0);
	}
	free(g.state);
	free(g.depth);
	free(g.expand);
	return rc;
}

/* A scalar argument is read into an 8-byte integer. */
static int check_ioctls(struct reader *rd)
{
	for (int i = 0; i < rd->npend; i++) {
		const struct pending *p = &rd->pend[i];
		if (p->rec >= 0)
			continue;
		const struct cb_ioctl *io = &rd->db.ioctls[p->field];
		/* With no direction, results would never reach the guest: an
		 * old-style number (LOOP_*, SG_IO) must be told one. */
		if (io->dir == CB_DIR_NONE && (io->arg_record != CB_NO_INDEX || io->arg_kind != CB_K_PAD))
			return fail_at(rd, p->line, EINVAL, "ioctl %s: 'dir none' but the argument "
				       "is a pointer: say in, out or inout", io->name);
		if (io->arg_record != CB_NO_INDEX || io->arg_kind == CB_K_PAD || io->arg_from_req)
			continue;
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			uint32_t s = io->arg_size[a];
			bool ok = io->arg_kind == CB_K_RAW ? s >= 1 && s <= 8
							   : s == 1 || s == 2 || s == 4 || s == 8;
			if (!ok)
				return fail_at(rd, p->line, EINVAL, "ioctl %s: a %s argument of %u bytes "
					       "on %s (1, 2, 4 or 8)", io->name, cb_kind_name(io->arg_kind),
					       s, cb_arch_name((enum cb_arch)a));
		}
	}
	return 0;
}

static int finish(struct reader *rd)
{
	if (!rd->header)
		return fail_at(rd, rd->line ? rd->line : 1, EINVAL,
			       "empty: not a compatbox .abi file");
	if (rd->cur >= 0)
		return fail_at(rd, rd->line, EINVAL, "record %s has no 'end'",
			       rd->db.records[rd->cur].name);
	for (int i = 0; i < rd->npend; i++) {
		int rc = resolve_record(rd, &rd->pend[i]);
		if (rc < 0)
			return rc;
	}
	/* Annotations last: they may name any record, field or ioctl. */
	for (int i = 0; i < rd->npend; i++) {
		const struct pending *p = &rd->pend[i];
		if (p->rec < 0)
			continue;
		struct cb_err why;
		int rc = cb_annot_resolve(&p->annot, &rd->db, p->rec, p->field, &why);
		const char *fname = rd->db.records[p->rec].fields[p->field].name;
		if (rc < 0)
			return fail_at(rd, p->line, -rc, "%s: %s", fname ? fname : "-", why.msg);
		rc = check_layout(rd, p);
		if (rc < 0)
			return rc;
	}
	int rc = check_records(rd);
	if (rc == 0)
		rc = check_ioctls(rd);
	if (rc < 0)
		return rc;
	int pr, pf;
	if (cb_abi_unsaid_pointer(&rd->db, &pr, &pf) == 0)
		return fail_at(rd, field_line_of(rd, pr, pf), EINVAL,
			       "%s.%s is a pointer and nothing says where it points: %s",
			       rd->db.records[pr].name, rd->db.records[pr].fields[pf].name,
			       CB_ABI_PTR_HINT);
	cb_abi_db_finish(&rd->db);
	return 0;
}

static void free_pending(struct reader *rd)
{
	for (int i = 0; i < rd->npend; i++) {
		free(rd->pend[i].record);
		cb_annot_src_free(&rd->pend[i].annot);
	}
	free(rd->pend);
	free(rd->rec_line);
}

int cb_abifile_parse(const char *name, const char *text, struct cb_abi_db *out,
		     struct cb_err *err)
{
	struct reader rd = { .name = name, .cur = -1, .err = err };
	char buf[CB_ABIFILE_MAX_LINE + 2];
	int rc = 0;
	for (const char *p = text; rc == 0 && *p;) {
		size_t len = strcspn(p, "\n");
		rd.line++;
		if (len > CB_ABIFILE_MAX_LINE) {
			rc = fail(&rd, "line longer than %d characters", CB_ABIFILE_MAX_LINE);
			break;
		}
		memcpy(buf, p, len);
		buf[len] = 0;
		p += len + (p[len] == '\n');
		rc = line(&rd, buf);
	}
	if (rc == 0)
		rc = finish(&rd);
	free_pending(&rd);
	if (rc < 0) {
		cb_abi_db_free(&rd.db);
		return rc;
	}
	*out = rd.db;
	return 0;
}

int cb_abifile_load(const char *path, struct cb_abi_db *out, struct cb_err *err)
{
	enum { MAX_FILE = 64 << 20 }; /* far beyond any real database */
	FILE *f = fopen(path, "r");
	if (!f)
		return cb_fail(err, errno, "%s: %s", path, strerror(errno));
	cleanup_free char *text = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			char *nt = cap <= MAX_FILE ? realloc(text, cap + 1) : NULL;
			if (!nt) {
				rc = cb_fail(err, EFBIG, "%s: too large or out of memory", path);
				break;
			}
			text = nt;
		}
		size_t got = fread(text + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = cb_fail(err, EIO, "%s: read error", path);
	fclose(f);
	if (rc < 0)
		return rc;
	text[n] = 0;
	const char *nul = memchr(text, 0, n);
	if (nul) {
		int line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		return cb_fail(err, EINVAL, "%s:%d: a NUL byte: not a text file", path, line);
	}
	return cb_abifile_parse(path, text, out, err);
}

void cb_abifile_free(struct cb_abi_db *db)
{
	cb_abi_db_free(db);
}
