/* Merging the per-ABI views of one unit into the database.
 *
 * Records are matched by name, fields by name in declaration order: a field
 * one ABI lacks (glibc's stat64 has different padding members on i386 and
 * x86_64) has size 0 there. Where a member's type differs between ABIs, the
 * merged kind says what a converter needs to know:
 *   same width everywhere              -> sint/uint (long long vs long: both 8)
 *   the ABI's long width everywhere    -> slong/ulong
 *   an array whose count differs but not its bytes (sigset_t)  -> raw
 *   a char array that shrinks, like sysinfo's _f padding       -> pad
 * anything else is an error, not a guess. Gaps between fields and at the tail
 * become pad fields, so every byte of a struct is accounted for. */
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"
#include "../abi/db.h"

struct mctx {
	struct cb_gen *g;
	int unit;
	const struct cb_dw_view *v; /* indexed by cb_arch */
	struct cb_err *err;
};

/* One merged field before pads: which field of each ABI's record it is. */
struct slot {
	const char *name;
	int fi[CB_ARCH_COUNT]; /* index in that ABI's record, or -1 */
};

static const struct cb_dw_record *view_record(const struct cb_dw_view *v, const char *name)
{
	for (int i = 0; i < v->nrecords; i++)
		if (strcmp(v->records[i].name, name) == 0)
			return &v->records[i];
	return NULL;
}

static bool signed_kind(enum cb_kind k)
{
	return k == CB_K_SINT || k == CB_K_SLONG;
}

static bool int_kind(enum cb_kind k)
{
	return k == CB_K_SINT || k == CB_K_UINT || k == CB_K_SLONG || k == CB_K_ULONG;
}

int cb_gen_scalar_kind(const struct cb_dw_view *views, const enum cb_kind *kind,
		       const uint32_t *size, const bool *present)
{
	int first = -1;
	int narrowest = -1;
	bool same_kind = true, same_size = true, long_sized = true, all_int = true, sign = false;
	bool same_sign = true;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (!present[a])
			continue;
		if (first < 0) {
			first = a;
			sign = signed_kind(kind[a]);
		}
		if (narrowest < 0 || size[a] < size[narrowest])
			narrowest = a;
		same_kind = same_kind && kind[a] == kind[first];
		same_size = same_size && size[a] == size[first];
		long_sized = long_sized && size[a] == views[a].long_size;
		all_int = all_int && int_kind(kind[a]);
		same_sign = same_sign && signed_kind(kind[a]) == sign;
	}
	if (first < 0)
		return CB_K_PAD;
	if (same_kind)
		return kind[first];
	if (!all_int)
		return -1;
	/* Signedness that differs per ABI (the IPC structs: i386's unsigned
	 * long sem_otime is x86_64's long, its unsigned short
	 * __kernel_ipc_pid_t x86_64's int): the narrowest ABI's, which is
	 * what the value widens from; of one width everywhere, the bytes are
	 * copied (RAW, the caller's choice). */
	if (!same_sign) {
		if (same_size)
			return -1;
		sign = signed_kind(kind[narrowest]);
	}
	if (same_size)
		return sign ? CB_K_SINT : CB_K_UINT;
	if (long_sized)
		return sign ? CB_K_SLONG : CB_K_ULONG;
	/* Integers of one signedness but a width of their own per ABI
	 * (loop_info.lo_device: a u16 __kernel_old_dev_t on i386, an unsigned
	 * long on x86_64): the sizes say the width, the converter widens and
	 * narrows as for a long. */
	return sign ? CB_K_SINT : CB_K_UINT;
}

static int merge_record(struct mctx *m, const char *name, int *out);

static int child(struct mctx *m, const struct cb_dw_view *v, int rec, int *out)
{
	*out = CB_NO_INDEX;
	return rec < 0 ? 0 : merge_record(m, v->records[rec].name, out);
}

/* One merged field, from the ABIs' fields S->fi of records VR. */
static int merge_field(struct mctx *m, const char *rname, const struct cb_dw_record *const *vr,
		       const struct slot *s, struct cb_field *f, unsigned *flags)
{
	const struct cb_dw_field *df[CB_ARCH_COUNT] = { NULL };
	bool present[CB_ARCH_COUNT] = { false };
	enum cb_kind kind[CB_ARCH_COUNT], ekind[CB_ARCH_COUNT];
	uint32_t size[CB_ARCH_COUNT], esize[CB_ARCH_COUNT];
	int first = -1;
	bool same_count = true, all_array = true, all_flex = true, same_bits = true;
	bool char_elems = true;
	memset(f, 0, sizeof(*f));
	if (s->name && strlen(s->name) >= sizeof(f->name))
		return cb_fail(m->err, ENAMETOOLONG, "%s.%s: a field name of %zu bytes or more "
			       "(abi/layout.h: raise CB_FIELD_NAME_MAX)", rname, s->name, sizeof(f->name));
	if (s->name)
		strcpy(f->name, s->name);
	f->record = CB_NO_INDEX;
	f->elem_kind = CB_K_SINT;
	cb_annot_init(&f->a);
	*flags = 0;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (s->fi[a] < 0)
			continue;
		const struct cb_dw_field *d = df[a] = &vr[a]->fields[s->fi[a]];
		present[a] = true;
		*flags |= (unsigned)CB_GF_PRESENT << a;
		if (first < 0)
			first = a;
		f->off[a] = d->off;
		f->size[a] = size[a] = d->size;
		kind[a] = d->kind;
		ekind[a] = d->elem_kind;
		esize[a] = d->kind != CB_K_ARRAY ? d->size : d->count ? d->size / d->count : d->size;
		all_array = all_array && d->kind == CB_K_ARRAY;
		all_flex = all_flex && d->flex;
		char_elems = char_elems && d->kind == CB_K_ARRAY && esize[a] == 1;
		same_count = same_count && d->count == df[first]->count && d->flex == df[first]->flex;
		same_bits = same_bits && !d->bits == !df[first]->bits &&
			    (!d->bits || strcmp(d->bits, df[first]->bits) == 0);
		if (d->unnamed)
			*flags |= CB_GF_UNNAMED;
		if (d->bits)
			*flags |= CB_GF_BITS;
		if (d->flex)
			*flags |= CB_GF_FLEX;
	}
	const struct cb_dw_field *d0 = df[first];
	if (!same_bits)
		return cb_fail(m->err, EINVAL, "%s.%s: bitfields laid out differently on the ABIs",
			       rname, s->name);
	/* Bytes taken: a flexible array's size is one element's, but it takes none. */
	uint32_t bytes[CB_ARCH_COUNT] = { 0 };
	bool same_size = true;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (present[a])
			bytes[a] = df[a]->flex ? 0 : size[a];
		same_size = same_size && (!present[a] || bytes[a] == bytes[first]);
	}

	if (all_array && same_count) {
		int ek = cb_gen_scalar_kind(m->v, ekind, esize, present);
		if (ek < 0)
			goto differ;
		f->kind = CB_K_ARRAY;
		f->elem_kind = (enum cb_kind)ek;
		f->count = d0->count;
		f->a.flex = all_flex;
		return child(m, &m->v[first], d0->record, &f->record);
	}
	if (all_array) {
		/* The element count differs between ABIs. */
		memcpy(f->size, bytes, sizeof(f->size));
		*flags &= ~(unsigned)CB_GF_FLEX;
		if (same_size) {
			f->kind = CB_K_RAW; /* e.g. unsigned long[32] vs [16] of a bit mask */
			return 0;
		}
		if (char_elems) {
			f->kind = CB_K_PAD; /* padding that shrinks: sysinfo._f */
			return 0;
		}
		goto differ;
	}
	if (kind[first] == CB_K_STRUCT || kind[first] == CB_K_UNION) {
		for (int a = 0; a < CB_ARCH_COUNT; a++)
			if (present[a] && (kind[a] != kind[first] ||
					   strcmp(m->v[a].records[df[a]->record].name,
						  m->v[first].records[d0->record].name) != 0))
				goto differ;
		f->kind = kind[first];
		return child(m, &m->v[first], d0->record, &f->record);
	}
	int k = cb_gen_scalar_kind(m->v, kind, size, present);
	if (k >= 0) {
		f->kind = (enum cb_kind)k;
		return 0;
	}
	if (same_size) {
		f->kind = CB_K_RAW; /* same bytes, different types: copy them */
		return 0;
	}
differ:;
	int a2 = first;
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		if (present[a] && a != first)
			a2 = a;
	return cb_fail(m->err, EINVAL,
		       "%s.%s: %s of %u bytes on %s but %s of %u on %s: no common kind",
		       rname, s->name, cb_kind_name(kind[first]), size[first],
		       cb_arch_name((enum cb_arch)first), cb_kind_name(kind[a2]), size[a2],
		       cb_arch_name((enum cb_arch)a2));
}

/* Fields matched by name, in declaration order: each ABI's fields in its own
 * order, one it lacks inserted after the field that precedes it there. */
static int match_fields(const struct cb_dw_record *const *vr, struct slot **out, int *nout)
{
	int cap = 0, n = 0;
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		cap += vr[a] ? vr[a]->nfields : 0;
	struct slot *s = calloc((size_t)cap + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (!vr[a])
			continue;
		int prev = -1;
		for (int j = 0; j < vr[a]->nfields; j++) {
			const char *name = vr[a]->fields[j].name;
			int k = 0;
			while (k < n && strcmp(s[k].name, name) != 0)
				k++;
			if (k == n) {
				k = prev + 1;
				memmove(&s[k + 1], &s[k], (size_t)(n - k) * sizeof(*s));
				n++;
				s[k].name = name;
				for (int b = 0; b < CB_ARCH_COUNT; b++)
					s[k].fi[b] = -1;
			}
			s[k].fi[a] = j;
			prev = k;
		}
	}
	*out = s;
	*nout = n;
	return 0;
}

struct gap {
	int after; /* the merged field it follows, -1 at the start */
	uint32_t off[CB_ARCH_COUNT], size[CB_ARCH_COUNT];
};

struct by_offset {
	const struct cb_field *fields;
	int arch;
};

/* Fields by offset on one ABI, declaration order among equals. */
static int cmp_offset(const void *x, const void *y, void *ctx)
{
	const struct by_offset *c = ctx;
	int i = *(const int *)x, j = *(const int *)y;
	uint32_t oi = c->fields[i].off[c->arch], oj = c->fields[j].off[c->arch];
	return oi < oj ? -1 : oi > oj ? 1 : i - j;
}

static struct gap *gap_after(struct gap *gaps, int *ngaps, int after)
{
	for (int i = 0; i < *ngaps; i++)
		if (gaps[i].after == after)
			return &gaps[i];
	struct gap *g = &gaps[(*ngaps)++];
	memset(g, 0, sizeof(*g));
	g->after = after;
	return g;
}

/* The gaps of a struct on every ABI, each keyed by the field before it. */
static int find_gaps(const struct cb_record *r, const unsigned *flags, struct gap **out, int *nout)
{
	int n = r->nfields;
	struct gap *gaps = calloc((size_t)(n + 1) * CB_ARCH_COUNT, sizeof(*gaps));
	cleanup_free int *order = malloc((size_t)(n + 1) * sizeof(int));
	if (!gaps || !order) {
		free(gaps);
		return -ENOMEM;
	}
	int ngaps = 0;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (r->size[a] == 0)
			continue;
		int m = 0;
		for (int i = 0; i < n; i++)
			if (flags[i] & ((unsigned)CB_GF_PRESENT << a))
				order[m++] = i;
		struct by_offset ctx = { r->fields, a };
		qsort_r(order, (size_t)m, sizeof(int), cmp_offset, &ctx);
		uint32_t cursor = 0;
		int prev = -1;
		bool flex = false;
		for (int k = 0; k < m; k++) {
			const struct cb_field *f = &r->fields[order[k]];
			if (f->off[a] > cursor) {
				struct gap *g = gap_after(gaps, &ngaps, prev);
				g->off[a] = cursor;
				g->size[a] = f->off[a] - cursor;
			}
			bool fx = (flags[order[k]] & CB_GF_FLEX) != 0;
			flex = flex || fx;
			uint32_t end = f->off[a] + (fx ? 0 : f->size[a]);
			cursor = end > cursor ? end : cursor;
			prev = order[k];
		}
		/* A flexible array's elements live in the tail padding. */
		if (!flex && r->size[a] > cursor) {
			struct gap *g = gap_after(gaps, &ngaps, prev);
			g->off[a] = cursor;
			g->size[a] = r->size[a] - cursor;
		}
	}
	*out = gaps;
	*nout = ngaps;
	return 0;
}

/* Insert the pad fields (and their flags) after the fields they follow. */
static int add_pads(struct cb_record *r, unsigned **flags)
{
	struct gap *gaps;
	int ngaps;
	int rc = find_gaps(r, *flags, &gaps, &ngaps);
	if (rc < 0 || ngaps == 0) {
		if (rc == 0)
			free(gaps);
		return rc;
	}
	int n = r->nfields + ngaps;
	struct cb_field *nf = calloc((size_t)n, sizeof(*nf));
	unsigned *nfl = calloc((size_t)n, sizeof(*nfl));
	if (!nf || !nfl) {
		free(nf);
		free(nfl);
		free(gaps);
		return -ENOMEM;
	}
	int k = 0;
	for (int i = -1; i < r->nfields; i++) {
		if (i >= 0) {
			nfl[k] = (*flags)[i];
			nf[k++] = r->fields[i];
		}
		for (int g = 0; g < ngaps; g++) {
			if (gaps[g].after != i)
				continue;
			struct cb_field *p = &nf[k];
			p->kind = CB_K_PAD;
			p->record = CB_NO_INDEX;
			p->elem_kind = CB_K_SINT;
			cb_annot_init(&p->a);
			memcpy(p->off, gaps[g].off, sizeof(p->off));
			memcpy(p->size, gaps[g].size, sizeof(p->size));
			nfl[k++] = CB_GF_GAP;
		}
	}
	free(gaps);
	free((void *)r->fields);
	free(*flags);
	r->fields = nf;
	r->nfields = n;
	*flags = nfl;
	return 0;
}

static bool same_layout(const struct cb_record *x, const struct cb_record *y)
{
	if (x->is_union != y->is_union || x->nfields != y->nfields ||
	    memcmp(x->size, y->size, sizeof(x->size)) || memcmp(x->align, y->align, sizeof(x->align)))
		return false;
	for (int i = 0; i < x->nfields; i++) {
		const struct cb_field *a = &x->fields[i], *b = &y->fields[i];
		if (strcmp(a->name, b->name) != 0 ||
		    a->kind != b->kind || a->elem_kind != b->elem_kind || a->count != b->count ||
		    a->record != b->record || memcmp(a->off, b->off, sizeof(a->off)) ||
		    memcmp(a->size, b->size, sizeof(a->size)))
			return false;
	}
	return true;
}

/* Move the merged record R into the database. */
static int store(struct mctx *m, const char *name, struct cb_record *r, unsigned *flags,
		 const char *cexpr, int *out)
{
	struct cb_gen *g = m->g;
	struct cb_gen_rec *gr = realloc(g->rec, (size_t)(g->db.nrecords + 1) * sizeof(*gr));
	if (!gr)
		return -ENOMEM;
	g->rec = gr;
	char *cx = cexpr ? strdup(cexpr) : NULL;
	struct cb_record *dr = (!cexpr || cx) ? cb_db_add_record(&g->db, name) : NULL;
	if (!dr) {
		free(cx);
		return -ENOMEM;
	}
	r->name = dr->name;
	*dr = *r;
	*out = g->db.nrecords - 1;
	g->rec[*out] = (struct cb_gen_rec){ .unit = m->unit, .cexpr = cx, .parent = CB_NO_INDEX,
					    .parent_field = CB_NO_INDEX, .fflags = flags };
	/* An unnamed member's record knows where it sits, for the check. */
	for (int i = 0; i < dr->nfields; i++) {
		if ((flags[i] & CB_GF_UNNAMED) && dr->fields[i].record >= 0) {
			g->rec[dr->fields[i].record].parent = *out;
			g->rec[dr->fields[i].record].parent_field = i;
		}
	}
	return 0;
}

static int build(struct mctx *m, const char *name, const struct cb_dw_record *const *vr,
		 struct cb_record *r, unsigned **flags, const char **cexpr)
{
	cleanup_free struct slot *slots = NULL;
	int n;
	if (match_fields(vr, &slots, &n) < 0)
		return cb_fail(m->err, ENOMEM, "out of memory");
	memset(r, 0, sizeof(*r));
	struct cb_field *fields = calloc((size_t)n + 1, sizeof(*fields));
	*flags = calloc((size_t)n + 1, sizeof(unsigned));
	r->fields = fields;
	if (!fields || !*flags)
		return cb_fail(m->err, ENOMEM, "out of memory");
	*cexpr = NULL;
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		if (!vr[a])
			continue;
		r->is_union = vr[a]->is_union;
		r->size[a] = vr[a]->size;
		r->align[a] = vr[a]->align;
		if (!*cexpr)
			*cexpr = vr[a]->cexpr;
	}
	for (int i = 0; i < n; i++) {
		int rc = merge_field(m, name, vr, &slots[i], &fields[i], &(*flags)[i]);
		r->nfields = i + 1;
		if (rc < 0)
			return rc;
	}
	if (!r->is_union && add_pads(r, flags) < 0)
		return cb_fail(m->err, ENOMEM, "out of memory");
	return 0;
}

static int merge_record(struct mctx *m, const char *name, int *out)
{
	struct cb_gen *g = m->g;
	int have = cb_abi_record_index(&g->db, name);
	if (have != CB_NO_INDEX && g->rec[have].unit == m->unit) {
		*out = have;
		return 0;
	}
	const struct cb_dw_record *vr[CB_ARCH_COUNT];
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		vr[a] = view_record(&m->v[a], name);
	struct cb_record r;
	unsigned *flags = NULL;
	const char *cexpr = NULL;
	int rc = build(m, name, vr, &r, &flags, &cexpr);
	if (rc == 0 && have != CB_NO_INDEX) {
		/* Compiled again in another unit: it must be the same type. */
		if (!same_layout(&r, &g->db.records[have]))
			rc = cb_fail(m->err, EINVAL, "record %s differs between units %d and %d",
				     name, g->rec[have].unit, m->unit);
		*out = have;
		free((void *)r.fields);
		free(flags);
		return rc;
	}
	if (rc == 0)
		rc = store(m, name, &r, flags, cexpr, out);
	if (rc < 0) {
		free((void *)r.fields);
		free(flags);
		return rc == -ENOMEM ? cb_fail(m->err, ENOMEM, "out of memory") : rc;
	}
	return 0;
}

int cb_gen_merge_unit(struct cb_gen *g, int unit, const struct cb_dw_view *views,
		      struct cb_err *err)
{
	struct mctx m = { .g = g, .unit = unit, .v = views, .err = err };
	/* Every record of every ABI, children first as the views list them. */
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (int i = 0; i < views[a].nrecords; i++) {
			int idx;
			int rc = merge_record(&m, views[a].records[i].name, &idx);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}
