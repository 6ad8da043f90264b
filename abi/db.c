#include "db.h"

#include <stdlib.h>
#include <string.h>

void cb_annot_init(struct cb_annot *a)
{
	memset(a, 0, sizeof(*a));
	a->target_record = CB_NO_INDEX;
	a->len_field = CB_NO_INDEX;
	a->select_field = CB_NO_INDEX;
	a->when_field = CB_NO_INDEX;
	a->else_record = CB_NO_INDEX;
	a->else_len_field = CB_NO_INDEX;
	a->dir_field = CB_NO_INDEX;
	a->wrote_field = CB_NO_INDEX;
}

/* Grow an array by one element (records and fields number in the tens). */
static void *grow1(const void *arr, int n, size_t size)
{
	return realloc((void *)arr, (size_t)(n + 1) * size);
}

struct cb_record *cb_db_add_record(struct cb_abi_db *db, const char *name)
{
	char *nm = strdup(name);
	struct cb_record *v = nm ? grow1(db->records, db->nrecords, sizeof(*v)) : NULL;
	if (!v) {
		free(nm);
		return NULL;
	}
	db->records = v;
	struct cb_record *r = &v[db->nrecords++];
	memset(r, 0, sizeof(*r));
	r->name = nm;
	return r;
}

struct cb_field *cb_db_insert_field(struct cb_abi_db *db, int rec, int at, const char *name)
{
	struct cb_record *r = cb_db_rec(db, rec);
	if (name && strlen(name) >= CB_FIELD_NAME_MAX)
		return NULL; /* callers check the length first, to say so */
	struct cb_field *v = grow1(r->fields, r->nfields, sizeof(*v));
	if (!v)
		return NULL;
	memmove(&v[at + 1], &v[at], (size_t)(r->nfields - at) * sizeof(*v));
	r->fields = v;
	r->nfields++;
	struct cb_field *f = &v[at];
	memset(f, 0, sizeof(*f));
	if (name)
		strcpy(f->name, name);
	f->record = CB_NO_INDEX;
	cb_annot_init(&f->a);
	return f;
}

struct cb_field *cb_db_add_field(struct cb_abi_db *db, int rec, const char *name)
{
	return cb_db_insert_field(db, rec, db->records[rec].nfields, name);
}

struct cb_ioctl *cb_db_add_ioctl(struct cb_abi_db *db, const char *name)
{
	char *nm = strdup(name);
	struct cb_ioctl *v = nm ? grow1(db->ioctls, db->nioctls, sizeof(*v)) : NULL;
	if (!v) {
		free(nm);
		return NULL;
	}
	db->ioctls = v;
	struct cb_ioctl *io = &v[db->nioctls++];
	memset(io, 0, sizeof(*io));
	io->name = nm;
	io->arg_record = CB_NO_INDEX;
	io->arg_kind = CB_K_PAD;
	return io;
}

static bool wide_kind(enum cb_kind k)
{
	return k == CB_K_PTR || k == CB_K_SLONG || k == CB_K_ULONG;
}

/* state: 0 unknown, 1 in progress, 2 identical, 3 not. By-value nesting has
 * no cycles; a hand-written file might, and a cycle is simply "not". */
static bool identical(struct cb_abi_db *db, int r, unsigned char *state)
{
	if (state[r] >= 2)
		return state[r] == 2;
	if (state[r] == 1)
		return false;
	state[r] = 1;
	const struct cb_record *rec = &db->records[r];
	bool same = true;
	for (int a = 1; a < CB_ARCH_COUNT; a++)
		same = same && rec->size[a] == rec->size[0];
	for (int i = 0; same && i < rec->nfields; i++) {
		const struct cb_field *f = &rec->fields[i];
		for (int a = 1; a < CB_ARCH_COUNT; a++)
			same = same && f->off[a] == f->off[0] && f->size[a] == f->size[0];
		same = same && !wide_kind(f->kind) &&
		       !(f->kind == CB_K_ARRAY && wide_kind(f->elem_kind)) && f->a.target == CB_T_NONE &&
		       !f->a.keep && !f->a.mirror; /* a copy would overwrite them */
		if (same && f->record >= 0 && f->record < db->nrecords)
			same = identical(db, f->record, state);
	}
	state[r] = same ? 2 : 3;
	return same;
}

void cb_abi_db_finish(struct cb_abi_db *db)
{
	unsigned char *state = calloc((size_t)db->nrecords + 1, 1);
	for (int r = 0; r < db->nrecords; r++)
		/* Without memory, "not identical" is the safe answer: it converts. */
		cb_db_rec(db, r)->identical = state ? identical(db, r, state) : false;
	free(state);
}

void cb_abi_db_free(struct cb_abi_db *db)
{
	for (int r = 0; r < db->nrecords; r++) {
		struct cb_record *rec = cb_db_rec(db, r);
		for (int i = 0; i < rec->nfields; i++)
			free((void *)rec->fields[i].a.cases);
		free((void *)rec->fields);
		free((char *)rec->name);
	}
	for (int i = 0; i < db->nioctls; i++)
		free((char *)db->ioctls[i].name);
	for (int i = 0; i < db->nknown; i++) {
		free((char *)db->known[i].name);
		free((char *)db->known[i].family);
	}
	free((void *)db->known);
	free((void *)db->records);
	free((void *)db->ioctls);
	memset(db, 0, sizeof(*db));
}

bool cb_record_parent_name(const char *name, char *buf, size_t cap)
{
	const char *dot = strrchr(name, '.');
	if (!dot || (size_t)(dot - name) >= cap)
		return false;
	memcpy(buf, name, (size_t)(dot - name));
	buf[dot - name] = 0;
	return true;
}
