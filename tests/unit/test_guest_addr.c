/* No guest address ever reaches a host call: for every built-in request,
 * convert an argument whose every word is a poison value the guest "wrote"
 * and walk the host copy the kernel would get. Every pointer in it must be
 * NULL or the supervisor's own copy: never the poison.
 *
 * The guest's memory is virtual: any address in the low 4 GiB but 0 reads
 * as the word POISON repeated (so every length is POISON, every pointer
 * points to more of it, every string is "@\x01"), writes are accepted. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../abi/convert.h"
#include "../../abi/builtin.h"
#include "suites.h"

#define H CB_CONV_HOST
#define I CB_ARCH_I386
#define X CB_ARCH_X86_64
#define POISON 0x00000140u /* 320: a length every bound accepts, an address */
#define POISON64 ((uint64_t)POISON << 32 | POISON)
#define ARG_ADDR 0x08001000u

static int poison_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr == 0 || addr >= (1ull << 32) || len > (1ull << 32) - addr)
		return -EFAULT;
	uint8_t *b = buf;
	uint32_t w = POISON;
	for (size_t i = 0; i < len; i++)
		b[i] = ((const uint8_t *)&w)[(addr + i) & 3];
	return 0;
}

static int poison_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx, (void)buf;
	return addr == 0 || addr >= (1ull << 32) || len > (1ull << 32) - addr ? -EFAULT : 0;
}

static const struct cb_guest_mem poison_mem = { poison_read, poison_write, NULL };

struct leaks {
	int pointers; /* pointer fields looked at */
	int bad;      /* ... holding a guest value */
	char first[256];
};

static void check_record(const struct cb_abi_db *db, int ri, const uint8_t *h, uint32_t cmd,
			 struct leaks *l, int depth);

static void check_ptr(const struct cb_abi_db *db, const struct cb_record *r,
		      const struct cb_field *f, const uint8_t *h, uint32_t cmd, struct leaks *l,
		      int depth)
{
	uint64_t v;
	memcpy(&v, h, 8);
	l->pointers++;
	/* A supervisor address is above 4 GiB (x86_64 heap, stack); a guest's
	 * is the poison, or the poison twice for an 8-byte guest word. */
	if (v != 0 && (v <= UINT32_MAX || v == POISON64)) {
		if (!l->bad++)
			snprintf(l->first, sizeof(l->first), "%s.%s = %#llx", r->name, f->name,
				 (unsigned long long)v);
		return;
	}
	if (v && (f->a.target == CB_T_RECORD || f->a.target == CB_T_ARRAY))
		check_record(db, f->a.target_record, (const uint8_t *)(uintptr_t)v, cmd, l,
			     depth + 1);
}

static void check_field(const struct cb_abi_db *db, const struct cb_record *r,
			const struct cb_field *f, const uint8_t *h, uint32_t cmd, struct leaks *l,
			int depth)
{
	if (f->size[H] == 0)
		return;
	switch (f->kind) {
	case CB_K_PTR:
		check_ptr(db, r, f, h, cmd, l, depth);
		break;
	case CB_K_STRUCT:
		check_record(db, f->record, h, cmd, l, depth);
		break;
	case CB_K_ARRAY:
		if (f->elem_kind != CB_K_PTR && f->elem_kind != CB_K_STRUCT)
			break;
		for (uint32_t i = 0; i < f->count; i++) {
			uint32_t es = f->size[H] / f->count;
			if (f->elem_kind == CB_K_PTR)
				check_ptr(db, r, f, h + i * es, cmd, l, depth);
			else
				check_record(db, f->record, h + i * es, cmd, l, depth);
		}
		break;
	case CB_K_UNION: {
		/* The live member, when the request picks it. A union the
		 * request does not pick is copied raw only when identical on
		 * every ABI (no pointer inside), else refused. */
		const struct cb_record *u = &db->records[f->record];
		for (int c = 0; f->a.select_cmd && c < f->a.ncases; c++)
			if (f->a.cases[c].value == cmd)
				check_field(db, u, &u->fields[f->a.cases[c].member],
					    h + u->fields[f->a.cases[c].member].off[H], cmd, l, depth);
		break;
	}
	default:
		break;
	}
}

static void check_record(const struct cb_abi_db *db, int ri, const uint8_t *h, uint32_t cmd,
			 struct leaks *l, int depth)
{
	if (ri < 0 || ri >= db->nrecords || depth > CB_CONV_MAX_DEPTH)
		return;
	const struct cb_record *r = &db->records[ri];
	for (int i = 0; i < r->nfields; i++)
		check_field(db, r, &r->fields[i], h + r->fields[i].off[H], cmd, l, depth);
}

/* Convert IOC's argument for a GUEST caller over poisoned memory; 0 or the
 * converter's error. */
static int convert_poisoned(const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			    enum cb_arch guest, struct leaks *l)
{
	static struct cb_conv cv; /* large: not on check's stack */
	void *host = NULL;
	int r = cb_conv_init(&cv, db, guest, ioc->req[guest], &poison_mem, 0);
	if (r == 0)
		r = cb_conv_in(&cv, ioc->arg_record, ARG_ADDR, ioc->dir, &host);
	if (r == 0) {
		ck_assert_msg((uintptr_t)host > UINT32_MAX, "%s: host argument %p", ioc->name, host);
		check_record(db, ioc->arg_record, host, ioc->req[H], l, 0);
	}
	cb_conv_free(&cv);
	return r;
}

START_TEST(test_builtin_requests_never_pass_guest_addresses)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	int converted = 0;
	struct leaks l = { 0 };
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *ioc = &db->ioctls[i];
		if (ioc->arg_record == CB_NO_INDEX)
			continue; /* a scalar read into the supervisor's own buffer */
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			int r = convert_poisoned(db, ioc, (enum cb_arch)a, &l);
			ck_assert_msg(r == 0, "%s as %s: %s", ioc->name, cb_arch_name((enum cb_arch)a),
				      strerror(-r));
			converted++;
		}
	}
	ck_assert_msg(l.bad == 0, "%d guest values reached a host pointer, first %s", l.bad,
		      l.first);
	ck_assert_int_gt(converted, 0);
	ck_assert_int_gt(l.pointers, 0); /* SIOCGIFCONF's buffer at least */
}
END_TEST

/* The same walk sees a leak when a descriptor declares a value: it can fail. */
static const struct cb_field cookie_fields[] = {
	{ .name = "cookie", .kind = CB_K_PTR, .off = { 0, 0 }, .size = { [I] = 4, [X] = 8 },
	  .a = { .target = CB_T_VALUE, .len_field = CB_NO_INDEX } },
};
static const struct cb_field unsaid_fields[] = {
	{ .name = "p", .kind = CB_K_PTR, .off = { 0, 0 }, .size = { [I] = 4, [X] = 8 },
	  .a = { .len_field = CB_NO_INDEX } },
};
static const struct cb_field refused_fields[] = {
	{ .name = "p", .kind = CB_K_PTR, .off = { 0, 0 }, .size = { [I] = 4, [X] = 8 },
	  .a = { .target = CB_T_UNSUPPORTED, .len_field = CB_NO_INDEX } },
};
static const struct cb_record small_recs[] = {
	{ .name = "cookie", .size = { [I] = 4, [X] = 8 }, .align = { [I] = 4, [X] = 8 }, .nfields = 1,
	  .fields = cookie_fields },
	{ .name = "unsaid", .size = { [I] = 4, [X] = 8 }, .align = { [I] = 4, [X] = 8 }, .nfields = 1,
	  .fields = unsaid_fields },
	{ .name = "refused", .size = { [I] = 4, [X] = 8 }, .align = { [I] = 4, [X] = 8 }, .nfields = 1,
	  .fields = refused_fields },
};
static const struct cb_ioctl small_iocs[] = {
	{ .name = "COOKIE", .req = { [I] = 0x40047801, [X] = 0x40087801 }, .arg_record = 0,
	  .arg_kind = CB_K_STRUCT, .dir = CB_DIR_IN },
	{ .name = "UNSAID", .req = { [I] = 0x40047802, [X] = 0x40087802 }, .arg_record = 1,
	  .arg_kind = CB_K_STRUCT, .dir = CB_DIR_IN },
	{ .name = "REFUSED", .req = { [I] = 0x40047803, [X] = 0x40087803 }, .arg_record = 2,
	  .arg_kind = CB_K_STRUCT, .dir = CB_DIR_IN },
};
static const struct cb_abi_db small_db = { small_recs, 3, small_iocs, 3 };

START_TEST(test_declared_value_is_seen)
{
	struct leaks l = { 0 };
	ck_assert_int_eq(convert_poisoned(&small_db, &small_iocs[0], CB_ARCH_I386, &l), 0);
	ck_assert_int_eq(l.bad, 1);
	ck_assert_str_eq(l.first, "cookie.cookie = 0x140");
}
END_TEST

/* A pointer with nothing said, or declared unsupported, never carries the
 * guest's value: the call is refused (NULL stays NULL). */
START_TEST(test_unsaid_and_unsupported_refused)
{
	struct leaks l = { 0 };
	ck_assert_int_eq(convert_poisoned(&small_db, &small_iocs[1], CB_ARCH_I386, &l), -EINVAL);
	ck_assert_int_eq(convert_poisoned(&small_db, &small_iocs[2], CB_ARCH_I386, &l), -EOPNOTSUPP);
	ck_assert_int_eq(convert_poisoned(&small_db, &small_iocs[2], CB_ARCH_X86_64, &l),
			 -EOPNOTSUPP);
	ck_assert_int_eq(l.bad, 0);
}
END_TEST

Suite *guest_addr_suite(void)
{
	Suite *s = suite_create("guest_addr");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_builtin_requests_never_pass_guest_addresses);
	tcase_add_test(tc, test_declared_value_is_seen);
	tcase_add_test(tc, test_unsaid_and_unsupported_refused);
	suite_add_tcase(s, tc);
	return s;
}
