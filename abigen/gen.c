/* The generator end to end: probe each unit on each ABI, merge the views,
 * add the ioctls, then resolve what refers across units (ioctl arguments,
 * annotations) and compute what is derived. */
#include "gen.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../abi/abifile_annot.h"
#include "../abi/db.h"
#include "../abi/ioctl_decode.h"

__attribute__((format(printf, 5, 6)))
static int fail_at(struct cb_err *err, int rc, const struct cb_spec *s, int line,
		   const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->path)
		return cb_fail(err, rc, "%s:%d: %s", s->path, line, msg);
	return cb_fail(err, rc, "%s", msg);
}

/* A pattern's parameter is probed at every single bit up to this one. */
#define PARAM_BITS 16

/* Probe items of one request: its number; a pattern's number with each
 * parameter at each single bit; a scalar argument's type. */
static int ioctl_nitems(const struct cb_spec_ioctl *io)
{
	return 1 + io->nparams * PARAM_BITS + (io->arg == CB_ARG_TYPE);
}

/* What a unit asks the probe: its records, then its requests. Request
 * items carry their C expression in ctype (malloc'd; free_items). */
static struct cb_probe_item *unit_items(const struct cb_spec_unit *u, int *n)
{
	int total = u->nrecords + 1;
	for (int i = 0; i < u->nioctls; i++)
		total += ioctl_nitems(&u->ioctls[i]);
	struct cb_probe_item *it = calloc((size_t)total, sizeof(*it));
	if (!it)
		return NULL;
	int k = 0;
	for (int i = 0; i < u->nrecords; i++)
		it[k++] = (struct cb_probe_item){ CB_PROBE_RECORD, u->records[i].name,
						  u->records[i].ctype };
	for (int i = 0; i < u->nioctls; i++) {
		const struct cb_spec_ioctl *io = &u->ioctls[i];
		char base[128], expr[512];
		cb_ioctl_pattern_split(io->name, base, sizeof(base));
		for (int p = -1; p < io->nparams; p++) {
			for (int b = 0; b < (p < 0 ? 1 : PARAM_BITS); b++) {
				char *e = cb_ioctl_pattern_expr(io->name, p, 1u << b, expr, sizeof(expr)) < 0
						  ? NULL : strdup(expr);
				char *nm = strdup(base);
				it[k++] = (struct cb_probe_item){ CB_PROBE_REQUEST, nm, e };
				if (!e || !nm) {
					*n = k;
					return it; /* the caller sees the NULL and frees */
				}
			}
		}
		if (io->arg == CB_ARG_TYPE)
			it[k++] = (struct cb_probe_item){ CB_PROBE_SCALAR, io->name, io->arg_name };
	}
	*n = k;
	return it;
}

static bool items_whole(const struct cb_probe_item *it, int n)
{
	for (int i = 0; i < n; i++)
		if (it[i].what == CB_PROBE_REQUEST && (!it[i].name || !it[i].ctype))
			return false;
	return true;
}

static void free_items(struct cb_probe_item *it, int n)
{
	for (int i = 0; it && i < n; i++)
		if (it[i].what == CB_PROBE_REQUEST) {
			free((char *)it[i].name);
			free((char *)it[i].ctype);
		}
	free(it);
}

/* The _IOC field a bit lies in: nr, type, size or dir. */
static int ioc_field(int bit)
{
	return bit < 8 ? 0 : bit < 16 ? 1 : bit < 30 ? 2 : 3;
}

/* A parameter's bits: the run of single bits it sets alone, starting at
 * its value 1, within one _IOC field. Beyond, the macro's arithmetic
 * carries (EVIOCGABS(abs) is nr 0x40 + abs: abs 0x40 sets two bits) or
 * leaves the field. */
static uint32_t param_bits(const uint32_t *v)
{
	uint32_t mask = 0;
	int prev = -1;
	for (int b = 0; b < PARAM_BITS; b++) {
		uint32_t d = v[1 + b] ^ v[0];
		if (d == 0 || (d & (d - 1)))
			break;
		int bit = __builtin_ctz(d);
		if ((prev >= 0 && (bit != prev + 1 || ioc_field(bit) != ioc_field(prev))))
			break;
		mask |= d;
		prev = bit;
	}
	return mask;
}

static enum cb_dir ioc_dir(uint32_t req)
{
	unsigned d = cb_ioctl_split(req).dir;
	/* _IOC_READ: the kernel writes to user memory, i.e. an "out" argument. */
	return (enum cb_dir)((d & 2 ? CB_DIR_OUT : 0) | (d & 1 ? CB_DIR_IN : 0));
}

static int add_ioctl(struct cb_gen *g, const struct cb_spec *s, int unit,
		     const struct cb_spec_ioctl *sio, const struct cb_dw_view *views, int item,
		     struct cb_err *err)
{
	struct cb_gen_ioc *gi = realloc(g->ioc, (size_t)(g->db.nioctls + 1) * sizeof(*gi));
	if (!gi)
		return cb_fail(err, ENOMEM, "out of memory");
	g->ioc = gi;
	char *ctype = NULL;
	if (sio->arg == CB_ARG_TYPE && !(ctype = strdup(sio->arg_name)))
		return cb_fail(err, ENOMEM, "out of memory");
	struct cb_ioctl *io = cb_db_add_ioctl(&g->db, sio->name);
	if (!io) {
		free(ctype);
		return cb_fail(err, ENOMEM, "out of memory");
	}
	g->ioc[g->db.nioctls - 1] = (struct cb_gen_ioc){ .unit = unit, .arg_ctype = ctype };
	io->task_tied = sio->task_tied;
	io->written_on_failure = sio->written_on_failure;
	io->fd_value = sio->fd_value;
	io->dir = sio->dir;
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		io->req[a] = views[a].values[item].value;
	for (int p = 0; p < sio->nparams; p++) {
		uint32_t m[CB_ARCH_COUNT];
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			uint32_t v[1 + PARAM_BITS];
			v[0] = io->req[a];
			for (int b = 0; b < PARAM_BITS; b++)
				v[1 + b] = views[a].values[item + 1 + p * PARAM_BITS + b].value;
			m[a] = param_bits(v);
			if (!m[a] || (m[a] & io->param_mask) || m[a] != m[0])
				return fail_at(err, EINVAL, s, sio->line,
					       "%s: parameter %d does not set bits of its own in the "
					       "number, the same on every ABI (%s: 0x%x)", sio->name,
					       p + 1, cb_arch_name((enum cb_arch)a), m[a]);
		}
		io->param_mask |= m[0];
	}
	if ((sio->arg == CB_ARG_BUF || sio->arg == CB_ARG_ARRAY) &&
	    !(io->param_mask & 0x3fff0000u))
		return fail_at(err, EINVAL, s, sio->line,
			       "%s: 'buf' and 'array' are sized by the request, but no parameter is "
			       "in its _IOC size", sio->name);
	if (sio->arg == CB_ARG_BUF) {
		io->arg_from_req = true;
		io->arg_kind = CB_K_RAW;
	}
	io->arg_from_req = sio->arg == CB_ARG_BUF || sio->arg == CB_ARG_ARRAY;
	if (sio->dir_auto) {
		io->dir = ioc_dir(io->req[0]);
		for (int a = 1; a < CB_ARCH_COUNT; a++)
			if (ioc_dir(io->req[a]) != io->dir)
				return fail_at(err, EINVAL, s, sio->line,
					       "%s: the ABIs encode different directions", sio->name);
	}
	if (sio->arg == CB_ARG_TYPE) {
		enum cb_kind kind[CB_ARCH_COUNT];
		bool present[CB_ARCH_COUNT];
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			int at = item + 1 + sio->nparams * PARAM_BITS;
			kind[a] = views[a].values[at].kind;
			io->arg_size[a] = views[a].values[at].size;
			present[a] = true;
		}
		int k = cb_gen_scalar_kind(views, kind, io->arg_size, present);
		if (k < 0 || k == CB_K_PAD)
			return fail_at(err, EINVAL, s, sio->line, "%s: '%s' is no one kind of scalar",
				       sio->name, sio->arg_name);
		io->arg_kind = (enum cb_kind)k;
	}
	return 0;
}

/* Short enough for the probe's anchor names, too. */
static bool identifier(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200 || (!isalpha((unsigned char)*s) && *s != '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static int run_unit(struct cb_gen *g, const struct cb_spec *s, int unit,
		    const struct cb_dw_tools *tools, struct cb_err *err)
{
	const struct cb_spec_unit *u = &s->units[unit];
	/* Names become C identifiers in the probe. */
	for (int i = 0; i < u->nrecords; i++)
		if (!identifier(u->records[i].name))
			return fail_at(err, EINVAL, s, u->records[i].line, "'%s' is not a C identifier",
				       u->records[i].name);
	for (int i = 0; i < u->nioctls; i++)
		if (!identifier(u->ioctls[i].name) && u->ioctls[i].nparams == 0)
			return fail_at(err, EINVAL, s, u->ioctls[i].line,
				       "'%s' is not a C identifier (nor a pattern NAME(param,...))",
				       u->ioctls[i].name);
	int nitems = 0, nscan = 0;
	char **scan = NULL;
	const char **fams = NULL;
	struct cb_err why_scan = { "" };
	if (cb_gen_scan_macros(u, tools, &scan, &fams, &nscan, &why_scan) < 0)
		return fail_at(err, EINVAL, s, u->scans[0].line, "unit %s: scan: %s", u->name,
			       why_scan.msg);
	struct cb_probe_item *items = unit_items(u, &nitems);
	int first_scan = nitems;
	struct cb_probe_item *more = items ? realloc(items, (size_t)(nitems + nscan + 1) *
								 sizeof(*items)) : NULL;
	if (more)
		items = more;
	for (int i = 0; more && i < nscan; i++) {
		char base[128], expr[512];
		cb_ioctl_pattern_split(scan[i], base, sizeof(base));
		cb_ioctl_pattern_expr(scan[i], -1, 0, expr, sizeof(expr));
		items[nitems++] = (struct cb_probe_item){ CB_PROBE_REQUEST, strdup(base),
							  strdup(expr) };
	}
	if (!more || !items_whole(items, nitems)) {
		free_items(items, nitems);
		for (int i = 0; i < nscan; i++)
			free(scan[i]);
		free(scan);
		free(fams);
		return cb_fail(err, ENOMEM, "out of memory");
	}
	struct cb_dw_view views[CB_ARCH_COUNT];
	memset(views, 0, sizeof(views));
	int rc = 0;
	for (int a = 0; rc == 0 && a < CB_ARCH_COUNT; a++) {
		struct cb_err why = { "" };
		rc = cb_dw_probe(tools, (enum cb_arch)a, u->prelude, items, nitems, &views[a], &why);
		if (rc < 0)
			rc = fail_at(err, rc, s, u->line, "unit %s: %s", u->name, why.msg);
	}
	if (rc == 0)
		rc = cb_gen_merge_unit(g, unit, views, err);
	for (int i = 0; rc == 0 && i < u->nrecords; i++)
		cb_db_rec(&g->db, cb_abi_record_index(&g->db, u->records[i].name))->task_tied =
			u->records[i].task_tied;
	int item = u->nrecords;
	for (int i = 0; rc == 0 && i < u->nioctls; i++) {
		rc = add_ioctl(g, s, unit, &u->ioctls[i], views, item, err);
		item += ioctl_nitems(&u->ioctls[i]);
	}
	struct cb_abi_known *kv = rc == 0 && nscan
		? realloc((void *)g->db.known, (size_t)(g->db.nknown + nscan) * sizeof(*kv)) : NULL;
	if (kv)
		g->db.known = kv;
	else if (rc == 0 && nscan)
		rc = cb_fail(err, ENOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < nscan; i++) {
		struct cb_abi_known *k = &kv[g->db.nknown++];
		k->name = scan[i];
		scan[i] = NULL;
		k->family = strdup(fams[i]);
		for (int a = 0; a < CB_ARCH_COUNT; a++)
			k->req[a] = views[a].values[first_scan + i].value;
	}
	for (int i = 0; i < nscan; i++)
		free(scan[i]);
	free(scan);
	free(fams);
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		cb_dw_view_free(&views[a]);
	free_items(items, nitems);
	return rc;
}

static bool spec_record(const struct cb_spec *s, const char *name)
{
	for (int i = 0; i < s->nunits; i++)
		for (int j = 0; j < s->units[i].nrecords; j++)
			if (strcmp(s->units[i].records[j].name, name) == 0)
				return true;
	return false;
}

/* `auto`: the one spec record whose size is what the request encodes, on
 * every ABI. */
static int pick_record(struct cb_gen *g, const struct cb_spec *s,
		       const struct cb_spec_ioctl *sio, struct cb_ioctl *io, struct cb_err *err)
{
	uint32_t want[CB_ARCH_COUNT];
	bool none = true;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		want[a] = cb_ioctl_split(io->req[a]).size;
		none = none && want[a] == 0;
	}
	if (none)
		return 0; /* nothing encoded: no argument */
	int found = CB_NO_INDEX;
	for (int r = 0; r < g->db.nrecords; r++) {
		const struct cb_record *rec = &g->db.records[r];
		if (!spec_record(s, rec->name) || memcmp(rec->size, want, sizeof(want)) != 0)
			continue;
		if (found != CB_NO_INDEX)
			return fail_at(err, EINVAL, s, sio->line,
				       "%s: both %s and %s have the size it encodes; name one",
				       sio->name, g->db.records[found].name, rec->name);
		found = r;
	}
	if (found == CB_NO_INDEX)
		return fail_at(err, ENOENT, s, sio->line,
			       "%s encodes %u bytes on %s and %u on %s: no given struct has them",
			       sio->name, want[CB_ARCH_I386], cb_arch_name(CB_ARCH_I386),
			       want[CB_ARCH_X86_64], cb_arch_name(CB_ARCH_X86_64));
	io->arg_record = found;
	return 0;
}

static int ioctl_args(struct cb_gen *g, const struct cb_spec *s, struct cb_err *err)
{
	int k = 0;
	for (int u = 0; u < s->nunits; u++) {
		for (int i = 0; i < s->units[u].nioctls; i++, k++) {
			const struct cb_spec_ioctl *sio = &s->units[u].ioctls[i];
			struct cb_ioctl *io = cb_db_ioctl(&g->db, k);
			int rc = 0;
			if (sio->arg == CB_ARG_RECORD || sio->arg == CB_ARG_ARRAY) {
				io->arg_record = cb_abi_record_index(&g->db, sio->arg_name);
				if (io->arg_record == CB_NO_INDEX)
					rc = fail_at(err, ENOENT, s, sio->line, "%s: no record %s",
						     sio->name, sio->arg_name);
			} else if (sio->arg == CB_ARG_AUTO) {
				rc = pick_record(g, s, sio, io, err);
			}
			if (rc < 0)
				return rc;
			if (io->arg_record != CB_NO_INDEX) {
				const struct cb_record *r = &g->db.records[io->arg_record];
				io->arg_kind = r->is_union ? CB_K_UNION : CB_K_STRUCT;
				memcpy(io->arg_size, r->size, sizeof(io->arg_size));
			}
		}
	}
	return 0;
}

/* "ifc_ifcu.ifcu_buf" from record R: the record and field it names. */
static int walk_path(struct cb_abi_db *db, int r, const char *path, int *rec, int *field,
		     struct cb_err *err)
{
	char buf[512];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return cb_fail(err, ENAMETOOLONG, "%s: path too long", path);
	char *save, *part = strtok_r(buf, ".", &save);
	for (;;) {
		int f = part ? cb_abi_field_index(&db->records[r], part) : CB_NO_INDEX;
		if (f == CB_NO_INDEX)
			return cb_fail(err, ENOENT, "%s has no field %s", db->records[r].name,
				       part ? part : "''");
		char *next = strtok_r(NULL, ".", &save);
		if (!next) {
			*rec = r;
			*field = f;
			return 0;
		}
		if (db->records[r].fields[f].record == CB_NO_INDEX)
			return cb_fail(err, EINVAL, "%s.%s is not a struct or union",
				       db->records[r].name, part);
		r = db->records[r].fields[f].record;
		part = next;
	}
}

static int annotate(struct cb_gen *g, const struct cb_spec *s, const struct cb_spec_record *sr,
		    const struct cb_spec_annot *an, struct cb_err *err)
{
	struct cb_err why;
	int rec = 0, field = 0;
	int rc = walk_path(&g->db, cb_abi_record_index(&g->db, sr->name), an->path, &rec, &field,
			   &why);
	if (rc < 0)
		return fail_at(err, rc, s, an->line, "%s", why.msg);
	cleanup_free char *text = strdup(an->text);
	char *tok[64];
	int n = 0;
	if (!text)
		return cb_fail(err, ENOMEM, "out of memory");
	for (char *save, *t = strtok_r(text, " \t", &save); t && n < 64;
	     t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	struct cb_annot_src src;
	cb_annot_src_init(&src, &g->db.records[rec].fields[field].a);
	rc = cb_annot_parse(&src, tok, n, &why);
	if (rc == 0)
		rc = cb_annot_resolve(&src, &g->db, rec, field, &why);
	cb_annot_src_free(&src);
	if (rc < 0)
		return fail_at(err, rc, s, an->line, "%s.%s: %s", sr->name, an->path, why.msg);
	return 0;
}

/* A pointer the spec says nothing about would be copied as the guest's
 * address into the host's struct: refuse it, naming the line to write. */
static int check_pointers(struct cb_gen *g, const struct cb_spec *s, struct cb_err *err)
{
	int r, f;
	if (cb_abi_unsaid_pointer(&g->db, &r, &f) < 0)
		return 0;
	const char *rname = g->db.records[r].name, *fname = g->db.records[r].fields[f].name;
	const char *dot = strchr(rname, '.');
	size_t top = dot ? (size_t)(dot - rname) : strlen(rname);
	int line = 0;
	for (int u = 0; u < s->nunits; u++)
		for (int i = 0; i < s->units[u].nrecords; i++)
			if (strlen(s->units[u].records[i].name) == top &&
			    !strncmp(s->units[u].records[i].name, rname, top))
				line = s->units[u].records[i].line;
	return fail_at(err, EINVAL, s, line,
		       "%s.%s is a pointer and nothing says where it points; annotate "
		       "'%s%s%s' (in the record %.*s, or abi gen --annotate %.*s.%s%s%s=...): %s",
		       rname, fname, dot ? dot + 1 : "", dot ? "." : "", fname, (int)top, rname,
		       (int)top, rname, dot ? dot + 1 : "", dot ? "." : "", fname, CB_ABI_PTR_HINT);
}

/* A request whose number carries no direction (LOOP_*, SG_IO: the old
 * style) but whose argument is a pointer must be told one: with none,
 * results would never go back to the guest. */
static int check_directions(struct cb_gen *g, const struct cb_spec *s, struct cb_err *err)
{
	int k = 0;
	for (int u = 0; u < s->nunits; u++) {
		for (int i = 0; i < s->units[u].nioctls; i++, k++) {
			const struct cb_spec_ioctl *sio = &s->units[u].ioctls[i];
			const struct cb_ioctl *io = &g->db.ioctls[k];
			if (io->dir != CB_DIR_NONE || io->arg_kind == CB_K_PAD)
				continue;
			return fail_at(err, EINVAL, s, sio->line,
				       "%s: the request number carries no direction but its argument "
				       "is a pointer: say in, out or inout (in a spec: 'ioctl %s out "
				       "...'; with abi gen: --ioctl %s=STRUCT:out)",
				       sio->name, sio->name, sio->name);
		}
	}
	return 0;
}

int cb_gen_run(const struct cb_spec *s, const struct cb_dw_tools *tools, struct cb_gen *g,
	       struct cb_err *err)
{
	memset(g, 0, sizeof(*g));
	int rc = 0;
	for (int u = 0; rc == 0 && u < s->nunits; u++)
		rc = run_unit(g, s, u, tools, err);
	if (rc == 0)
		rc = ioctl_args(g, s, err);
	for (int u = 0; rc == 0 && u < s->nunits; u++)
		for (int i = 0; rc == 0 && i < s->units[u].nrecords; i++)
			for (int k = 0; rc == 0 && k < s->units[u].records[i].nannots; k++)
				rc = annotate(g, s, &s->units[u].records[i],
					      &s->units[u].records[i].annots[k], err);
	if (rc == 0)
		rc = check_pointers(g, s, err);
	if (rc == 0)
		rc = check_directions(g, s, err);
	if (rc < 0) {
		cb_gen_free(g);
		return rc;
	}
	cb_abi_db_finish(&g->db);
	return 0;
}

void cb_gen_free(struct cb_gen *g)
{
	for (int r = 0; g->rec && r < g->db.nrecords; r++) {
		free(g->rec[r].cexpr);
		free(g->rec[r].fflags);
	}
	for (int i = 0; g->ioc && i < g->db.nioctls; i++)
		free(g->ioc[i].arg_ctype);
	free(g->rec);
	free(g->ioc);
	g->rec = NULL;
	g->ioc = NULL;
	cb_abi_db_free(&g->db);
}
