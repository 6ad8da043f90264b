#include "layout.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>

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
		if (!db->ioctls[i].param_mask && db->ioctls[i].req[arch] == req)
			return &db->ioctls[i];
	/* Patterns after exact numbers: EVIOCGVERSION is not an EVIOCGBIT. */
	for (int i = 0; i < db->nioctls; i++) {
		uint32_t m = db->ioctls[i].param_mask;
		if (m && (req & ~m) == (db->ioctls[i].req[arch] & ~m))
			return &db->ioctls[i];
	}
	return NULL;
}

#define IOC_SIZE_BITS 0x3fff0000u

uint32_t cb_abi_ioctl_host_req(const struct cb_ioctl *io, uint32_t req, uint32_t host_size)
{
	uint32_t h = io->req[CB_ARCH_X86_64] | (req & io->param_mask);
	if (io->arg_from_req)
		h = (h & ~IOC_SIZE_BITS) | ((host_size << 16) & IOC_SIZE_BITS);
	return h;
}

static bool ident_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

/* Length of the identifier at S, 0 when there is none. */
static size_t ident_len(const char *s)
{
	size_t n = 0;
	while (ident_char(s[n], n == 0))
		n++;
	return n;
}

int cb_ioctl_pattern_split(const char *name, char *base, size_t cap)
{
	size_t n = ident_len(name);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(base, name, n);
	base[n] = 0;
	if (!name[n])
		return 0;
	if (name[n] != '(')
		return -1;
	int params = 0;
	const char *p = name + n + 1;
	for (;;) {
		size_t k = ident_len(p);
		if (!k)
			return -1;
		params++;
		p += k;
		if (*p == ')')
			return p[1] ? -1 : params;
		if (*p != ',')
			return -1;
		p++;
	}
}

int cb_ioctl_pattern_expr(const char *name, int which, uint32_t value, char *buf, size_t cap)
{
	char base[128];
	int np = cb_ioctl_pattern_split(name, base, sizeof(base));
	if (np < 0)
		return -EINVAL;
	size_t at = (size_t)snprintf(buf, cap, "%s", base);
	for (int i = 0; np > 0 && i < np && at < cap; i++) {
		at += (size_t)snprintf(buf + at, cap - at, "%s", i ? "," : "(");
		if (at < cap)
			at += (size_t)(i == which ? snprintf(buf + at, cap - at, "0x%xu", value)
						  : snprintf(buf + at, cap - at, "0"));
	}
	if (np > 0 && at < cap)
		at += (size_t)snprintf(buf + at, cap - at, ")");
	return at < cap ? 0 : -ENAMETOOLONG;
}

int cb_abi_field_index(const struct cb_record *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (r->fields[i].name[0] && strcmp(r->fields[i].name, name) == 0)
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
