#include "payload.h"

#include <asm/ioctl.h>
#include <stdio.h>
#include <string.h>

#include "../abi/ioctl_decode.h"
#include "../abi/ioctl_names.h"

/* Nesting followed into sub-structs; deeper ones are shown as hex. */
#define MAX_DEPTH 4
/* Bytes of a union, a raw blob or an array shown as hex. */
#define FIELD_HEX_MAX 64

static uint64_t load(const unsigned char *b, uint32_t size)
{
	uint64_t v = 0;
	memcpy(&v, b, size > 8 ? 8 : size); /* little-endian on both ABIs */
	return v;
}

static int64_t sign(uint64_t v, uint32_t size)
{
	if (size >= 8)
		return (int64_t)v;
	uint64_t m = 1ull << (size * 8 - 1);
	return (int64_t)((v ^ m) - m);
}

static void hex(char *out, const unsigned char *b, size_t n)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

static void hex_field(struct cb_json *j, const char *key, const unsigned char *b, size_t n)
{
	char s[2 * FIELD_HEX_MAX + 1];
	hex(s, b, n > FIELD_HEX_MAX ? FIELD_HEX_MAX : n);
	cb_json_str(j, key, s);
}

/* A char array: as text up to its NUL when it is printable. */
static bool text_field(struct cb_json *j, const char *key, const unsigned char *b, size_t n)
{
	size_t len = 0;
	while (len < n && b[len])
		len++;
	for (size_t i = 0; i < len; i++)
		if (b[i] < 0x20 || b[i] >= 0x7f)
			return false;
	char s[FIELD_HEX_MAX + 1];
	if (len > FIELD_HEX_MAX)
		len = FIELD_HEX_MAX;
	memcpy(s, b, len);
	s[len] = 0;
	cb_json_str(j, key, s);
	return true;
}

static void record_fields(struct cb_json *j, const struct cb_abi_db *db, int rec,
			  enum cb_arch arch, const unsigned char *b, size_t len, int depth)
{
	const struct cb_record *r = &db->records[rec];
	for (int i = 0; i < r->nfields; i++) {
		const struct cb_field *f = &r->fields[i];
		uint32_t off = f->off[arch], size = f->size[arch];
		if (f->kind == CB_K_PAD || size == 0)
			continue;
		if (off > len || size > len - off)
			break; /* the rest was not read */
		const unsigned char *p = b + off;
		switch (f->kind) {
		case CB_K_SINT:
		case CB_K_SLONG:
			cb_json_int(j, f->name, sign(load(p, size), size));
			break;
		case CB_K_UINT:
		case CB_K_ULONG:
			if (size <= 4)
				cb_json_int(j, f->name, (int64_t)load(p, size));
			else
				cb_json_hex(j, f->name, load(p, size));
			break;
		case CB_K_PTR:
			cb_json_hex(j, f->name, load(p, size));
			break;
		case CB_K_UNION:
		case CB_K_STRUCT:
			/* A union is shown by member only when it has one: which
			 * member is live is otherwise the call's to say. */
			if (depth < MAX_DEPTH && f->record >= 0 &&
			    (f->kind == CB_K_STRUCT || db->records[f->record].nfields == 1)) {
				cb_json_open(j, f->name);
				record_fields(j, db, f->record, arch, p, size, depth + 1);
				cb_json_close(j);
				break;
			}
			hex_field(j, f->name, p, size);
			break;
		case CB_K_ARRAY:
			if (f->count && size / f->count == 1 && text_field(j, f->name, p, size))
				break;
			hex_field(j, f->name, p, size);
			break;
		default: /* unions (which member is live is the call's to say), raw */
			hex_field(j, f->name, p, size);
			break;
		}
	}
}

void cb_payload_json(struct cb_json *j, enum cb_arch arch, const struct cb_abi_db *db,
		     const struct cb_ioctl *ioc, const void *bytes, size_t len, uint32_t size,
		     const char *when)
{
	cb_json_open(j, "payload");
	if (db && ioc && ioc->arg_record >= 0) {
		cb_json_open(j, "fields");
		record_fields(j, db, ioc->arg_record, arch, bytes, len, 0);
		cb_json_close(j);
	} else if (db && ioc && ioc->arg_kind != CB_K_PAD && len >= ioc->arg_size[arch] &&
		   ioc->arg_size[arch] > 0 && ioc->arg_size[arch] <= 8) {
		/* A pointer to one scalar (an int, a long). */
		cb_json_open(j, "fields");
		uint32_t s = ioc->arg_size[arch];
		if (ioc->arg_kind == CB_K_SINT || ioc->arg_kind == CB_K_SLONG)
			cb_json_int(j, "value", sign(load(bytes, s), s));
		else
			cb_json_int(j, "value", (int64_t)load(bytes, s));
		cb_json_close(j);
	} else {
		size_t n = len > CB_PAYLOAD_HEX_MAX ? CB_PAYLOAD_HEX_MAX : len;
		char s[2 * CB_PAYLOAD_HEX_MAX + 1];
		hex(s, bytes, n);
		cb_json_str(j, "hex", s);
		cb_json_bool(j, "truncated", size > n);
	}
	cb_json_int(j, "len", size);
	cb_json_str(j, "when", when);
	cb_json_close(j);
}

int cb_payload_ptr_words(enum cb_arch arch, const void *bytes, size_t len,
			 bool (*mapped)(void *ctx, uint64_t addr), void *ctx, int *offsets, int max)
{
	size_t w = arch == CB_ARCH_I386 ? 4 : 8;
	uint64_t top = arch == CB_ARCH_I386 ? 1ull << 32 : 1ull << 47;
	const unsigned char *b = bytes;
	int k = 0, asked = 0;
	for (size_t off = 0; off + w <= len && k < max; off += w) {
		uint64_t v = load(b + off, (uint32_t)w);
		/* Small numbers and the top page are counts, flags, -errno:
		 * not worth a look. */
		if (v < 0x10000 || v >= top - 4096)
			continue;
		if (asked++ >= CB_PAYLOAD_PTR_LOOKS)
			break;
		if (mapped(ctx, v))
			offsets[k++] = (int)off;
	}
	return k;
}

void cb_payload_other_sizes(struct cb_json *j, enum cb_arch arch, uint32_t request)
{
	const struct cb_ioctl_name *o[8];
	int n = cb_ioctl_other_sizes(arch, request, o, 8);
	/* The other ABI's table too: an i386 number seen from an x86_64
	 * guest (or the reverse) is the mismatch this is looking for. */
	enum cb_arch other = arch == CB_ARCH_I386 ? CB_ARCH_X86_64 : CB_ARCH_I386;
	const struct cb_ioctl_name *o2[8];
	int n2 = cb_ioctl_other_sizes(other, request, o2, 8);
	cb_json_arr_open(j, "other_size");
	char s[96];
	for (int i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "%s(%u)", cb_ioctl_name_str(o[i]), _IOC_SIZE(o[i]->req));
		cb_json_arr_str(j, s, sizeof(s));
	}
	for (int i = 0; i < n2; i++) {
		bool dup = false;
		for (int k = 0; k < n && !dup; k++)
			dup = o[k]->req == o2[i]->req && o[k]->name == o2[i]->name;
		if (dup)
			continue;
		snprintf(s, sizeof(s), "%s(%u,%s)", cb_ioctl_name_str(o2[i]), _IOC_SIZE(o2[i]->req),
			 cb_arch_name(other));
		cb_json_arr_str(j, s, sizeof(s));
	}
	cb_json_arr_close(j);
	/* This very number in the other ABI's table: a request built for the
	 * other ABI (a 64-bit size in an i386 program, or the reverse). */
	const char *same = cb_ioctl_name(other, request);
	if (same && !cb_ioctl_name(arch, request))
		cb_json_str(j, "other_abi", same);
}
