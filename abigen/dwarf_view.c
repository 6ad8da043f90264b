/* From DIEs to one ABI's records: each struct or union reachable from the
 * probe's anchors becomes a record of flat fields, children first.
 *
 * Naming: a record the spec asked for keeps the spec's name; a nested one is
 * named by its tag, else its typedef, else "parent.field" (an anonymous type).
 * An unnamed member (C11 anonymous struct/union) is a field "_anonN". */
#include "dwarf.h"
#include "dwarf_die.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cleanup.h"

struct vb {
	const struct cb_dies *d;
	struct cb_dw_view *v;
	int cap;
	int *rec_of;              /* per DIE: record index, -1 none, -2 being built */
	const char **pref_name;   /* per DIE: the spec's name for it */
	const char **pref_cexpr;
	struct cb_err *err;
};

/* What a member's type amounts to. */
struct tdesc {
	enum cb_kind kind;
	uint32_t size;
	enum cb_kind elem_kind;
	uint32_t count;
	int record;
	bool flex;
};

__attribute__((format(printf, 1, 2)))
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = NULL;
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static int oom(struct vb *b)
{
	return cb_fail(b->err, ENOMEM, "out of memory reading DWARF");
}

static int type_of(const struct cb_dies *d, int i)
{
	return d->v[i].has & CB_DA_TYPE ? cb_dies_at(d, d->v[i].type) : -1;
}

/* Follow typedefs and qualifiers, noting the first typedef's name. */
static int strip(const struct cb_dies *d, int i, const char **tdname)
{
	for (int hops = 0; i >= 0 && hops < 64; hops++) {
		const struct cb_die *e = &d->v[i];
		if (e->tag != CB_DW_TYPEDEF && e->tag != CB_DW_QUALIFIER)
			return i;
		if (e->tag == CB_DW_TYPEDEF && tdname && !*tdname)
			*tdname = e->name;
		i = type_of(d, i);
	}
	return -1;
}

static bool is_long(const char *name, bool is_signed)
{
	/* gcc says "long int", clang "long"; long long is a fixed width. */
	if (!name)
		return false;
	if (is_signed)
		return !strcmp(name, "long int") || !strcmp(name, "long");
	return !strcmp(name, "long unsigned int") || !strcmp(name, "unsigned long");
}

static enum cb_kind int_kind(int encoding, const char *name)
{
	switch (encoding) {
	case CB_ATE_SIGNED:
	case CB_ATE_SIGNED_CHAR:
		return is_long(name, true) ? CB_K_SLONG : CB_K_SINT;
	case CB_ATE_UNSIGNED:
	case CB_ATE_UNSIGNED_CHAR:
	case CB_ATE_BOOLEAN:
	case CB_ATE_UTF:
		return is_long(name, false) ? CB_K_ULONG : CB_K_UINT;
	default:
		return CB_K_RAW; /* float, complex, decimal: bytes as they are */
	}
}

static int record_for(struct vb *b, int die, const char *name, const char *cexpr,
		      const char *outer_access, int *out);

static int describe(struct vb *b, int t, const char *tdname, const char *name,
		    const char *access, const char *outer_access, struct tdesc *o);

/* An array: dimensions multiplied out, [] or [0] anywhere makes it flexible. */
static int describe_array(struct vb *b, int t, const char *name, const char *access,
			  const char *outer_access, struct tdesc *o)
{
	const struct cb_dies *d = b->d;
	uint64_t n = 1;
	bool flex = false;
	cleanup_free char *sub = access ? strdup(access) : NULL;
	if (access && !sub)
		return oom(b);
	for (int c = d->v[t].first_child; c >= 0; c = d->v[c].next_sibling) {
		const struct cb_die *s = &d->v[c];
		if (s->tag != CB_DW_SUBRANGE)
			continue;
		uint64_t dim;
		if (s->has & CB_DA_COUNT)
			dim = (uint64_t)s->count;
		else if (s->has & CB_DA_UPPER)
			/* Old compilers write [0] as upper bound -1, sometimes unsigned. */
			dim = s->upper == -1 || s->upper == 0xffffffff ? 0 : (uint64_t)s->upper + 1;
		else
			dim = 0; /* [] */
		if (dim == 0)
			flex = true;
		n *= dim ? dim : 1;
		if (n > UINT32_MAX)
			return cb_fail(b->err, EOVERFLOW, "%s: array too large", name);
		if (sub) {
			char *s2 = fmt("%s[0]", sub);
			if (!s2)
				return oom(b);
			free(sub);
			sub = s2;
		}
	}
	const char *etd = NULL;
	int et = strip(d, type_of(d, t), &etd);
	if (et < 0)
		return cb_fail(b->err, EINVAL, "%s: array of an unknown type", name);
	struct tdesc ed;
	int rc = describe(b, et, etd, name, sub, outer_access, &ed);
	if (rc < 0)
		return rc;
	uint32_t esize = ed.size;
	if (ed.kind == CB_K_ARRAY) { /* an array of a typedef'd array */
		flex = flex || ed.flex;
		esize = ed.count ? ed.size / ed.count : ed.size;
		n *= ed.count ? ed.count : 1;
		ed.kind = ed.elem_kind;
	}
	if ((uint64_t)esize * n > UINT32_MAX)
		return cb_fail(b->err, EOVERFLOW, "%s: array too large", name);
	*o = (struct tdesc){
		.kind = CB_K_ARRAY,
		.elem_kind = ed.kind,
		.count = flex ? 0 : (uint32_t)n,
		.size = flex ? esize : esize * (uint32_t)n,
		.record = ed.record,
		.flex = flex,
	};
	return 0;
}

/* The type T of a member NAME ("parent.field"), reached through ACCESS (an
 * lvalue expression, NULL for an unnamed member). */
static int describe(struct vb *b, int t, const char *tdname, const char *name,
		    const char *access, const char *outer_access, struct tdesc *o)
{
	const struct cb_die *e = &b->d->v[t];
	*o = (struct tdesc){ .record = CB_NO_INDEX, .elem_kind = CB_K_SINT };
	switch (e->tag) {
	case CB_DW_BASE:
		o->kind = int_kind(e->encoding, e->name);
		o->size = (uint32_t)e->byte_size;
		return 0;
	case CB_DW_ENUM: {
		int enc = e->encoding;
		if (!(e->has & CB_DA_ENCODING)) {
			int u = strip(b->d, type_of(b->d, t), NULL);
			enc = u >= 0 ? b->d->v[u].encoding : CB_ATE_UNSIGNED;
		}
		o->kind = int_kind(enc, NULL) == CB_K_SINT ? CB_K_SINT : CB_K_UINT;
		o->size = (uint32_t)e->byte_size;
		return 0;
	}
	case CB_DW_POINTER:
		o->kind = CB_K_PTR;
		o->size = e->has & CB_DA_BYTE_SIZE ? (uint32_t)e->byte_size : (uint32_t)b->d->ptr_size;
		return 0;
	case CB_DW_ARRAY:
		return describe_array(b, t, name, access, outer_access, o);
	case CB_DW_STRUCT:
	case CB_DW_UNION: {
		cleanup_free char *cexpr = NULL;
		const char *rname = name;
		if (e->name) {
			rname = e->name;
			cexpr = fmt("%s %s", e->tag == CB_DW_STRUCT ? "struct" : "union", e->name);
		} else if (tdname) {
			rname = tdname;
			cexpr = strdup(tdname);
		} else if (access) {
			cexpr = fmt("__typeof__(%s)", access);
		}
		if ((e->name || tdname || access) && !cexpr)
			return oom(b);
		o->kind = e->tag == CB_DW_STRUCT ? CB_K_STRUCT : CB_K_UNION;
		o->size = (uint32_t)e->byte_size;
		return record_for(b, t, rname, cexpr, outer_access, &o->record);
	}
	default:
		if (e->has & CB_DA_BYTE_SIZE) {
			o->kind = CB_K_RAW;
			o->size = (uint32_t)e->byte_size;
			return 0;
		}
		return cb_fail(b->err, EINVAL, "%s: a type without a size", name);
	}
}

/* Fields of the record being built. */
struct fields {
	struct cb_dw_field *v;
	int n, cap;
	/* The open bitfield group: bytes [lo, hi) of field v[group]. */
	int group;
	uint32_t lo, hi;
};

static struct cb_dw_field *add_field(struct vb *b, struct fields *fs)
{
	if (fs->n == fs->cap) {
		int ncap = fs->cap ? fs->cap * 2 : 8;
		struct cb_dw_field *v = realloc(fs->v, (size_t)ncap * sizeof(*v));
		if (!v) {
			oom(b);
			return NULL;
		}
		fs->v = v;
		fs->cap = ncap;
	}
	struct cb_dw_field *f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->record = CB_NO_INDEX;
	f->elem_kind = CB_K_SINT;
	return f;
}

static void free_fields(struct cb_dw_field *v, int n)
{
	for (int i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].bits);
	}
	free(v);
}

/* A bitfield: the bytes it touches are copied raw, together with those of
 * its neighbours in the same bytes. The bit positions are kept as text so
 * the merge can insist they agree on every ABI. */
static int bitfield(struct vb *b, struct fields *fs, const struct cb_die *m, const char *name,
		    const char *rname)
{
	int64_t start;
	if (m->has & CB_DA_DATA_BIT_OFF) {
		start = m->data_bit_off;
	} else if (m->has & CB_DA_BIT_OFF) {
		/* DWARF 2-4: bit_offset counts from the most significant bit of a
		 * storage unit of byte_size bytes at member_loc. */
		int64_t unit = m->has & CB_DA_BYTE_SIZE ? m->byte_size : 4;
		start = (m->has & CB_DA_MEMBER_LOC ? m->member_loc : 0) * 8 + unit * 8 -
			m->bit_off - m->bit_size;
	} else {
		start = (m->has & CB_DA_MEMBER_LOC ? m->member_loc : 0) * 8;
	}
	if (start < 0 || m->bit_size <= 0 || start + m->bit_size > (int64_t)UINT32_MAX)
		return cb_fail(b->err, EINVAL, "%s.%s: bitfield position unreadable", rname, name);
	uint32_t lo = (uint32_t)(start / 8), hi = (uint32_t)((start + m->bit_size + 7) / 8);
	struct cb_dw_field *f;
	if (fs->group >= 0 && lo < fs->hi) {
		f = &fs->v[fs->group];
		if (hi > fs->hi)
			fs->hi = hi;
	} else {
		f = add_field(b, fs);
		if (!f)
			return -ENOMEM;
		f->name = strdup(name);
		f->kind = CB_K_RAW;
		f->bits = strdup("");
		if (!f->name || !f->bits)
			return oom(b);
		fs->group = fs->n - 1;
		fs->lo = lo;
		fs->hi = hi;
		f->off = lo;
	}
	f->size = fs->hi - fs->lo;
	char *bits = fmt("%s%s%s:%lld:%lld", f->bits, f->bits[0] ? " " : "", name,
			 (long long)(start - (int64_t)fs->lo * 8), (long long)m->bit_size);
	if (!bits)
		return oom(b);
	free(f->bits);
	f->bits = bits;
	return 0;
}

static int member(struct vb *b, struct fields *fs, int mi, const char *rname, bool is_union,
		  const char *access, int *nanon)
{
	const struct cb_dies *d = b->d;
	const struct cb_die *m = &d->v[mi];
	char anon[32];
	const char *name = m->name;
	if (!name) {
		snprintf(anon, sizeof(anon), "_anon%d", (*nanon)++);
		name = anon;
	}
	if (m->has & CB_DA_BIT_SIZE)
		return bitfield(b, fs, m, name, rname);
	fs->group = -1;
	const char *tdname = NULL;
	int t = strip(d, type_of(d, mi), &tdname);
	if (t < 0)
		return cb_fail(b->err, EINVAL, "%s.%s: member of an unknown type", rname, name);
	cleanup_free char *path = fmt("%s.%s", rname, name);
	cleanup_free char *maccess = m->name ? fmt("%s->%s", access, name) : NULL;
	if (!path || (m->name && !maccess))
		return oom(b);
	struct tdesc td;
	int rc = describe(b, t, tdname, path, maccess, access, &td);
	if (rc < 0)
		return rc;
	struct cb_dw_field *f = add_field(b, fs);
	if (!f)
		return -ENOMEM;
	f->name = strdup(name);
	if (!f->name)
		return oom(b);
	f->kind = td.kind;
	f->size = td.size;
	f->elem_kind = td.kind == CB_K_ARRAY ? td.elem_kind : CB_K_SINT;
	f->count = td.count;
	f->record = td.record;
	f->flex = td.flex;
	f->unnamed = !m->name;
	if (!is_union) {
		if (!(m->has & CB_DA_MEMBER_LOC) || m->member_loc < 0 || m->member_loc > UINT32_MAX)
			return cb_fail(b->err, EINVAL, "%s: no offset in the DWARF", path);
		f->off = (uint32_t)m->member_loc;
	}
	return 0;
}

static int push_record(struct vb *b, struct cb_dw_record *r)
{
	struct cb_dw_view *v = b->v;
	if (v->nrecords == b->cap) {
		int ncap = b->cap ? b->cap * 2 : 16;
		struct cb_dw_record *nv = realloc(v->records, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return oom(b);
		v->records = nv;
		b->cap = ncap;
	}
	v->records[v->nrecords] = *r;
	return v->nrecords++;
}

/* The record for struct/union DIE, built once however often it is reached.
 * OUTER_ACCESS is the enclosing record's access, for an unnamed member. */
static int record_for(struct vb *b, int die, const char *name, const char *cexpr,
		      const char *outer_access, int *out)
{
	const struct cb_die *e = &b->d->v[die];
	if (b->rec_of[die] >= 0) {
		*out = b->rec_of[die];
		return 0;
	}
	if (b->rec_of[die] == -2)
		return cb_fail(b->err, ELOOP, "%s contains itself", name);
	if (b->pref_name[die]) {
		name = b->pref_name[die];
		cexpr = b->pref_cexpr[die];
	}
	if (!(e->has & CB_DA_BYTE_SIZE) || (e->has & CB_DA_DECLARATION))
		return cb_fail(b->err, EINVAL, "%s: incomplete type", name);
	b->rec_of[die] = -2;

	struct cb_dw_record r = { .is_union = e->tag == CB_DW_UNION, .size = (uint32_t)e->byte_size,
				  .parent = CB_NO_INDEX, .parent_field = CB_NO_INDEX };
	r.name = strdup(name);
	r.cexpr = cexpr ? strdup(cexpr) : NULL;
	r.access = cexpr ? fmt("((__typeof__(%s) *)0)", cexpr) : strdup(outer_access);
	struct fields fs = { .group = -1 };
	int rc = 0;
	if (!r.name || (cexpr && !r.cexpr) || !r.access)
		rc = oom(b);
	int nanon = 0;
	for (int c = e->first_child; rc == 0 && c >= 0; c = b->d->v[c].next_sibling)
		if (b->d->v[c].tag == CB_DW_MEMBER)
			rc = member(b, &fs, c, r.name, r.is_union, r.access, &nanon);
	r.fields = fs.v;
	r.nfields = fs.n;
	int idx = rc < 0 ? rc : push_record(b, &r);
	if (idx < 0) {
		free(r.name);
		free(r.cexpr);
		free(r.access);
		free_fields(fs.v, fs.n);
		return idx;
	}
	for (int i = 0; i < r.nfields; i++) {
		if (r.fields[i].unnamed && r.fields[i].record >= 0) {
			b->v->records[r.fields[i].record].parent = idx;
			b->v->records[r.fields[i].record].parent_field = i;
		}
	}
	b->rec_of[die] = idx;
	*out = idx;
	return 0;
}

/* The type DIE of the anchor variable cb__v_I. */
static int anchor(struct vb *b, int i, const struct cb_probe_item *it, const char **tdname)
{
	char var[300];
	snprintf(var, sizeof(var), "cb__v_%d_%s", i, it->name);
	int vi = cb_dies_named(b->d, CB_DW_VARIABLE, var);
	int t = vi < 0 ? -1 : strip(b->d, type_of(b->d, vi), tdname);
	if (t < 0)
		return cb_fail(b->err, ENOENT, "%s: not in the probe's DWARF", it->ctype);
	return t;
}

static int prefer(struct vb *b, const struct cb_probe_item *items, int nitems)
{
	for (int i = 0; i < nitems; i++) {
		if (items[i].what != CB_PROBE_RECORD)
			continue;
		int t = anchor(b, i, &items[i], NULL);
		if (t < 0)
			return t;
		enum cb_dw_tag tag = b->d->v[t].tag;
		if (tag != CB_DW_STRUCT && tag != CB_DW_UNION)
			return cb_fail(b->err, EINVAL, "%s: '%s' is not a struct or union",
				       items[i].name, items[i].ctype);
		if (b->pref_name[t])
			return cb_fail(b->err, EINVAL, "%s and %s are the same type",
				       b->pref_name[t], items[i].name);
		b->pref_name[t] = items[i].name;
		b->pref_cexpr[t] = items[i].ctype;
	}
	return 0;
}

static int item(struct vb *b, int i, const struct cb_probe_item *it, struct cb_probe_value *val)
{
	*val = (struct cb_probe_value){ .record = CB_NO_INDEX, .kind = CB_K_PAD };
	if (it->what == CB_PROBE_REQUEST) {
		char en[300];
		snprintf(en, sizeof(en), "cb__rq_%d_%s", i, it->name);
		int ei = cb_dies_named(b->d, CB_DW_ENUMERATOR, en);
		if (ei < 0 || !(b->d->v[ei].has & CB_DA_CONST))
			return cb_fail(b->err, ENOENT, "%s: value not in the probe's DWARF", it->name);
		val->value = (uint32_t)b->d->v[ei].cval; /* the kernel reads 32 bits */
		return 0;
	}
	const char *tdname = NULL;
	int t = anchor(b, i, it, &tdname);
	if (t < 0)
		return t;
	if (it->what == CB_PROBE_RECORD)
		return record_for(b, t, it->name, it->ctype, NULL, &val->record);
	struct tdesc td;
	enum cb_dw_tag tag = b->d->v[t].tag;
	if (tag == CB_DW_STRUCT || tag == CB_DW_UNION || tag == CB_DW_ARRAY)
		return cb_fail(b->err, EINVAL, "%s: '%s' is not a scalar", it->name, it->ctype);
	int rc = describe(b, t, tdname, it->name, NULL, NULL, &td);
	val->kind = td.kind;
	val->size = td.size;
	return rc;
}

int cb_dw_view_build(const struct cb_dies *d, const struct cb_probe_item *items, int nitems,
		     struct cb_dw_view *v, struct cb_err *err)
{
	memset(v, 0, sizeof(*v));
	struct vb b = { .d = d, .v = v, .err = err };
	cleanup_free int *rec_of = malloc((size_t)d->n * sizeof(int));
	cleanup_free const char **pn = calloc((size_t)d->n, sizeof(char *));
	cleanup_free const char **pc = calloc((size_t)d->n, sizeof(char *));
	v->values = calloc((size_t)(nitems ? nitems : 1), sizeof(*v->values));
	if (!rec_of || !pn || !pc || !v->values)
		return cb_fail(err, ENOMEM, "out of memory reading DWARF");
	v->nvalues = nitems;
	for (int i = 0; i < d->n; i++)
		rec_of[i] = -1;
	b.rec_of = rec_of;
	b.pref_name = pn;
	b.pref_cexpr = pc;
	int rc = prefer(&b, items, nitems);
	int li = cb_dies_named(d, CB_DW_VARIABLE, "cb__long");
	li = li < 0 ? -1 : strip(d, type_of(d, li), NULL);
	if (rc == 0 && (li < 0 || !(d->v[li].has & CB_DA_BYTE_SIZE)))
		rc = cb_fail(err, ENOENT, "no 'long' in the probe's DWARF");
	else if (rc == 0)
		v->long_size = (uint32_t)d->v[li].byte_size;
	for (int i = 0; rc == 0 && i < nitems; i++)
		rc = item(&b, i, &items[i], &v->values[i]);
	if (rc < 0)
		cb_dw_view_free(v);
	return rc;
}

void cb_dw_view_free(struct cb_dw_view *v)
{
	for (int i = 0; i < v->nrecords; i++) {
		struct cb_dw_record *r = &v->records[i];
		free(r->name);
		free(r->cexpr);
		free(r->access);
		free_fields(r->fields, r->nfields);
	}
	free(v->records);
	free(v->values);
	memset(v, 0, sizeof(*v));
}
