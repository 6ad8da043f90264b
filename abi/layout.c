#include "layout.h"

#include <errno.h>
#include <string.h>

int cb_abi_record_index(const struct cb_abi_db *db, const char *name)
{
	for (int i = 0; i < db->nrecords; i++)
		if (strcmp(db->records[i].name, name) == 0)
			return i;
	return CB_NO_INDEX;
}

const struct cb_record *cb_abi_record(const struct cb_abi_db *db, const char *name)
{
	int i = cb_abi_record_index(db, name);
	return i == CB_NO_INDEX ? NULL : &db->records[i];
}

const struct cb_ioctl *cb_abi_ioctl_by_name(const struct cb_abi_db *db, const char *name)
{
	for (int i = 0; i < db->nioctls; i++)
		if (strcmp(db->ioctls[i].name, name) == 0)
			return &db->ioctls[i];
	return NULL;
}

const struct cb_ioctl *cb_abi_ioctl_by_req(const struct cb_abi_db *db, enum cb_arch arch,
					   uint32_t req)
{
	if (arch < 0 || arch >= CB_ARCH_COUNT)
		return NULL;
	for (int i = 0; i < db->nioctls; i++)
		if (db->ioctls[i].req[arch] == req)
			return &db->ioctls[i];
	return NULL;
}

int cb_abi_field_index(const struct cb_record *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (r->fields[i].name && strcmp(r->fields[i].name, name) == 0)
			return i;
	return CB_NO_INDEX;
}

int cb_abi_unsaid_pointer(const struct cb_abi_db *db, int *rec, int *field)
{
	for (int r = 0; r < db->nrecords; r++) {
		const struct cb_record *rc = &db->records[r];
		for (int i = 0; i < rc->nfields; i++) {
			const struct cb_field *f = &rc->fields[i];
			bool ptr = f->kind == CB_K_PTR || (f->kind == CB_K_ARRAY && f->elem_kind == CB_K_PTR);
			if (ptr && f->a.target == CB_T_NONE) {
				*rec = r;
				*field = i;
				return 0;
			}
		}
	}
	return -ENOENT;
}

const char *cb_kind_name(enum cb_kind k)
{
	static const char *const names[CB_K_COUNT] = {
		[CB_K_SINT] = "sint",   [CB_K_UINT] = "uint",     [CB_K_SLONG] = "slong",
		[CB_K_ULONG] = "ulong", [CB_K_PTR] = "ptr",       [CB_K_ARRAY] = "array",
		[CB_K_STRUCT] = "struct", [CB_K_UNION] = "union", [CB_K_PAD] = "pad",
		[CB_K_RAW] = "raw",
	};
	return k >= 0 && k < CB_K_COUNT ? names[k] : "?";
}
