/* No guest address ever reaches a host call: for every built-in request,
 * convert an argument whose every word is a poison value the guest "wrote"
 * and walk the host copy the kernel would get. Every pointer in it must be
 * NULL or the supervisor's own copy: never the poison.
 *
 * The guest's memory is virtual: any user address but 0 reads
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
#define GUEST_END (1ull << 47) /* an x86_64 guest's poison pointers are above 4 GiB */
#define ARRAY_N 3 /* records of an argument sized by the request */

/* Fields set to chosen values over the poison: a union's selector and
 * the fields a pointer's when= names, so that every member is walked. */
struct setting {
	uint64_t addr;
	uint32_t len, value;
};
struct settings {
	int n;
	struct setting s[8];
};

static int poison_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct settings *set = ctx;
	if (addr == 0 || addr >= GUEST_END || len > GUEST_END - addr)
		return -EFAULT;
	uint8_t *b = buf;
	uint32_t w = POISON;
	for (size_t i = 0; i < len; i++)
		b[i] = ((const uint8_t *)&w)[(addr + i) & 3];
	for (int k = 0; set && k < set->n; k++)
		for (uint32_t j = 0; j < set->s[k].len; j++)
			if (set->s[k].addr + j >= addr && set->s[k].addr + j < addr + len)
				b[set->s[k].addr + j - addr] =
					(uint8_t)(set->s[k].value >> (8 * (j & 3)));
	return 0;
}

static int poison_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx, (void)buf;
	return addr == 0 || addr >= GUEST_END || len > GUEST_END - addr ? -EFAULT : 0;
}


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
	enum cb_target t = f->a.target;
	int rec = f->a.target_record;
	if (f->kind == CB_K_PTR && f->a.has_when && !f->a.when_up && f->a.else_target != CB_T_NONE) {
		/* The other target, when the host's selector says so (sg_io_hdr's
		 * iovec array). */
		const struct cb_field *w = &r->fields[f->a.when_field];
		uint64_t wv = 0;
		memcpy(&wv, h - f->off[H] + w->off[H], w->size[H] < 8 ? w->size[H] : 8);
		if ((uint32_t)wv != f->a.when_value) {
			t = f->a.else_target;
			rec = f->a.else_record;
		}
	}
	if (v && (t == CB_T_RECORD || t == CB_T_ARRAY))
		check_record(db, rec, (const uint8_t *)(uintptr_t)v, cmd, l, depth + 1);
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
	case CB_K_UINT: /* a __u64 that holds an address */
		if (f->a.target != CB_T_NONE)
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
	for (int i = 0; i < r->nfields; i++) {
		const struct cb_field *f = &r->fields[i];
		if (f->kind == CB_K_UNION && f->a.select_field != CB_NO_INDEX && !f->a.select_up) {
			/* The member the host's selector names. */
			const struct cb_field *sel = &r->fields[f->a.select_field];
			uint32_t v = 0;
			memcpy(&v, h + sel->off[H], sel->size[H] < 4 ? sel->size[H] : 4);
			const struct cb_record *u = &db->records[f->record];
			int pick = -1;
			for (int c = 0; c < f->a.ncases && pick < 0; c++) {
				const struct cb_case *cs = &f->a.cases[c];
				uint32_t o = 0;
				if (!cs->by_field || cs->up)
					continue;
				const struct cb_field *of = &r->fields[cs->field];
				memcpy(&o, h + of->off[H], of->size[H] < 4 ? of->size[H] : 4);
				if (o == cs->value)
					pick = c;
			}
			for (int c = 0; c < f->a.ncases; c++)
				if (pick >= 0 ? c == pick : !f->a.cases[c].by_field && f->a.cases[c].value == v) {
					const struct cb_field *m = &u->fields[f->a.cases[c].member];
					check_field(db, u, m, h + f->off[H] + m->off[H], cmd, l, depth);
				}
			continue;
		}
		check_field(db, r, f, h + f->off[H], cmd, l, depth);
	}
}

/* Convert IOC's argument for a GUEST caller over poisoned memory; 0 or the
 * converter's error. */
static int convert_set(const struct cb_abi_db *db, const struct cb_ioctl *ioc,
		       enum cb_arch guest, struct leaks *l, const struct settings *set)
{
	static struct cb_conv cv; /* large: not on check's stack */
	void *host = NULL;
	struct cb_guest_mem mem = { poison_read, poison_write, (void *)set };
	int r = cb_conv_init(&cv, db, guest, ioc->req[guest], &mem, 0);
	int n = ioc->arg_from_req ? ARRAY_N : 1;
	if (r == 0 && ioc->arg_from_req)
		r = cb_conv_in_array(&cv, ioc->arg_record, ARG_ADDR, ARRAY_N, ioc->dir, &host);
	else if (r == 0)
		r = cb_conv_in(&cv, ioc->arg_record, ARG_ADDR, ioc->dir, &host);
	if (r == -EINVAL) {
		/* Poison selects no member of a union behind a pointer
		 * (v4l2_ext_control's, chosen by its size), or nothing chooses
		 * one: refused, which is safe. Any other EINVAL fails the test. */
		const char *rec = NULL, *fld = NULL;
		cb_conv_where(&cv, &rec, &fld);
		const struct cb_record *rr = rec ? cb_abi_record(db, rec) : NULL;
		int fi = rr && fld ? cb_abi_field_index(rr, fld) : CB_NO_INDEX;
		if (fi != CB_NO_INDEX && rr->fields[fi].kind == CB_K_UNION &&
		    (rr->fields[fi].a.select_field != CB_NO_INDEX || !rr->fields[fi].a.ncases))
			r = -EOPNOTSUPP; /* ... or a union nothing chooses (ELEM_READ's) */
		/* An x86_64 guest's 8-byte length is the poison twice, past every
		 * max=: the call is refused before anything is copied. */
		if (fi != CB_NO_INDEX && guest == X && rr->fields[fi].a.len_field != CB_NO_INDEX &&
		    (rr->fields[fi].a.target == CB_T_BUF || rr->fields[fi].a.target == CB_T_ARRAY))
			r = -EOPNOTSUPP;
	}
	for (int i = 0; r == 0 && i < n; i++) {
		ck_assert_msg((uintptr_t)host > UINT32_MAX, "%s: host argument %p", ioc->name, host);
		check_record(db, ioc->arg_record,
			     (const uint8_t *)host + (size_t)i * db->records[ioc->arg_record].size[H],
			     ioc->req[H], l, 0);
	}
	cb_conv_free(&cv);
	return r;
}

/* An address in a __u64 is the poison in its low half; the high half is
 * 0, as an i386 guest's addresses are (else the converter rightly says
 * EFAULT before anything could leak). */
static int convert_poisoned(const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			    enum cb_arch guest, struct leaks *l)
{
	struct settings set = { 0 };
	const struct cb_record *r = &db->records[ioc->arg_record];
	for (int e = 0; e < (ioc->arg_from_req ? ARRAY_N : 1); e++)
		for (int i = 0; i < r->nfields && set.n < 8; i++)
			if (r->fields[i].kind == CB_K_UINT && r->fields[i].a.target != CB_T_NONE)
				set.s[set.n++] = (struct setting){
					ARG_ADDR + (uint64_t)e * r->size[guest] + r->fields[i].off[guest] + 4,
					4, 0 };
	return convert_set(db, ioc, guest, l, &set);
}

/* A union chosen by a field of its own (ff_effect's type), at OFF in the
 * guest's argument. */
struct site {
	uint32_t off;
	const struct cb_record *rec; /* the record holding the union */
	const struct cb_field *u;
};

static int find_sites(const struct cb_abi_db *db, const struct cb_record *r, uint32_t off,
		      enum cb_arch g, struct site *out, int n, int depth)
{
	for (int i = 0; i < r->nfields && n < 4 && depth < 4; i++) {
		const struct cb_field *f = &r->fields[i];
		if (f->kind == CB_K_UNION && f->a.select_field != CB_NO_INDEX && !f->a.select_up)
			out[n++] = (struct site){ off, r, f };
		else if (f->kind == CB_K_STRUCT)
			n = find_sites(db, &db->records[f->record], off + f->off[g], g, out, n,
				       depth + 1);
	}
	return n;
}

/* Such an argument is converted once per case: every selector set to it
 * and, inside the member, every when= field set to the value that makes
 * its pointer followed. The number of conversions made. */
static int convert_each_case(const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			     enum cb_arch g, struct leaks *l)
{
	struct site sites[4];
	int ns = find_sites(db, &db->records[ioc->arg_record], 0, g, sites, 0, 0);
	if (!ns)
		return 0;
	int done = 0;
	for (int c = 0; c < sites[0].u->a.ncases; c++) {
		struct settings set = { 0 };
		for (int k = 0; k < ns; k++) {
			const struct cb_field *u = sites[k].u;
			const struct cb_case *cs = &u->a.cases[c < u->a.ncases ? c : 0];
			const struct cb_field *sel = &sites[k].rec->fields[cs->by_field && !cs->up
									    ? cs->field
									    : u->a.select_field];
			set.s[set.n++] = (struct setting){ ARG_ADDR + sites[k].off + sel->off[g],
							   sel->size[g], cs->value };
			const struct cb_field *m = &db->records[u->record].fields[cs->member];
			const struct cb_record *mr = m->record >= 0 ? &db->records[m->record] : NULL;
			for (int i = 0; mr && i < mr->nfields && set.n < 8; i++) {
				const struct cb_annot *a = &mr->fields[i].a;
				if (mr->fields[i].kind == CB_K_UINT && a->target != CB_T_NONE) {
					/* an address in a __u64: its high half 0 */
					set.s[set.n++] = (struct setting){
						ARG_ADDR + sites[k].off + u->off[g] + m->off[g] +
							mr->fields[i].off[g] + 4, 4, 0 };
					continue;
				}
				if (!a->has_when || a->when_up)
					continue;
				const struct cb_field *w = &mr->fields[a->when_field];
				set.s[set.n++] = (struct setting){
					ARG_ADDR + sites[k].off + u->off[g] + m->off[g] + w->off[g],
					w->size[g], a->when_value };
			}
		}
		int rc = convert_set(db, ioc, g, l, &set);
		/* A member with a pointer compatbox does not follow refuses the
		 * call: safe, and what the case is there to show. */
		ck_assert_msg(rc == 0 || rc == -EOPNOTSUPP, "%s as %s, case %d: %s", ioc->name, cb_arch_name(g), c,
			      strerror(-rc));
		done++;
	}
	return done;
}

/* A pointer whose direction a field chooses (sg_io_hdr.dxferp, by
 * dxfer_direction) is followed only for the values its dir-case= name,
 * which the poison is not: the argument is converted once per such value,
 * with its when= field set to make the pointer take each of its targets.
 * The number of conversions made. */
static int convert_each_direction(const struct cb_abi_db *db, const struct cb_ioctl *ioc,
				  enum cb_arch g, struct leaks *l)
{
	const struct cb_record *r = &db->records[ioc->arg_record];
	int done = 0;
	for (int i = 0; i < r->nfields; i++) {
		const struct cb_annot *a = &r->fields[i].a;
		if (!a->ndirs || a->dir_up)
			continue;
		for (int d = 0; d < a->ndirs; d++) {
			for (int other = 0; other < 2; other++) {
				struct settings set = { 0 };
				const struct cb_field *df = &r->fields[a->dir_field];
				set.s[set.n++] = (struct setting){ ARG_ADDR + df->off[g], df->size[g],
								   a->dir_values[d] };
				if (a->has_when && !a->when_up) {
					const struct cb_field *w = &r->fields[a->when_field];
					set.s[set.n++] = (struct setting){
						ARG_ADDR + w->off[g], w->size[g],
						other ? a->when_value + 3 : a->when_value };
				}
				int rc = convert_set(db, ioc, g, l, &set);
				ck_assert_msg(rc == 0 || rc == -EOPNOTSUPP, "%s as %s, direction %#x: %s",
					      ioc->name, cb_arch_name(g), a->dir_values[d],
					      strerror(-rc));
				done++;
			}
		}
	}
	return done;
}

START_TEST(test_builtin_requests_never_pass_guest_addresses)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	int converted = 0;
	struct leaks l = { 0 };
	for (int i = 0; i < db->nioctls; i++) {
		const struct cb_ioctl *ioc = &db->ioctls[i];
		if (ioc->arg_record == CB_NO_INDEX)
			continue; /* a scalar or bytes read into the supervisor's own buffer */
		/* A task-tied request is never performed by the supervisor: it
		 * is converted all the same (it must not fail), but a declared
		 * ->value in it (S_FBUF's physical base) reaches no host call. */
		struct leaks ignored = { 0 };
		struct leaks *lp = ioc->task_tied ? &ignored : &l;
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			int cases = convert_each_case(db, ioc, (enum cb_arch)a, lp) +
				    convert_each_direction(db, ioc, (enum cb_arch)a, lp);
			converted += cases;
			if (cases)
				continue; /* the poison picks no member: EINVAL */
			int r = convert_poisoned(db, ioc, (enum cb_arch)a, lp);
			if (r == -EOPNOTSUPP)
				continue; /* refused: nothing reached a host call */
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

/* SG_IO's data pointer, as an i386 guest gives it: the supervisor's copy
 * for a direction that moves data, a buffer or an iovec array as
 * iovec_count says, every iov_base the supervisor's too; NULL for
 * SG_DXFER_NONE and for a length past the bound (the kernel refuses it). */
static uint64_t sg_dxferp(uint32_t dir, uint32_t iovecs, uint32_t len, uint64_t *iov0)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	const struct cb_ioctl *ioc = cb_abi_ioctl_by_name(db, "SG_IO");
	ck_assert_ptr_nonnull(ioc);
	const struct cb_record *r = &db->records[ioc->arg_record];
	const struct cb_field *fd = &r->fields[cb_abi_field_index(r, "dxfer_direction")];
	const struct cb_field *fi = &r->fields[cb_abi_field_index(r, "iovec_count")];
	const struct cb_field *fl = &r->fields[cb_abi_field_index(r, "dxfer_len")];
	const struct cb_field *fp = &r->fields[cb_abi_field_index(r, "dxferp")];
	struct settings set = { 3, { { ARG_ADDR + fd->off[I], 4, dir },
				     { ARG_ADDR + fi->off[I], 2, iovecs },
				     { ARG_ADDR + fl->off[I], 4, len } } };
	static struct cb_conv cv;
	struct cb_guest_mem mem = { poison_read, poison_write, &set };
	void *host = NULL;
	ck_assert_int_eq(cb_conv_init(&cv, db, I, ioc->req[I], &mem, 0), 0);
	ck_assert_int_eq(cb_conv_in(&cv, ioc->arg_record, ARG_ADDR, ioc->dir, &host), 0);
	uint64_t p;
	memcpy(&p, (uint8_t *)host + fp->off[H], 8);
	if (iov0 && p)
		memcpy(iov0, (uint8_t *)(uintptr_t)p, 8);
	cb_conv_free(&cv);
	return p;
}

START_TEST(test_sg_io_data_pointer)
{
	uint64_t iov0 = 0;
	ck_assert_uint_gt(sg_dxferp(0xfffffffdu, 0, 512, NULL), UINT32_MAX); /* FROM_DEV */
	ck_assert_uint_gt(sg_dxferp(0xfffffffeu, 0, 512, NULL), UINT32_MAX); /* TO_DEV */
	ck_assert_uint_eq(sg_dxferp(0xffffffffu, 0, 512, NULL), 0);          /* NONE */
	ck_assert_uint_eq(sg_dxferp(0xfffffffdu, 0, 1u << 28, NULL), 0);     /* past the bound */
	ck_assert_uint_gt(sg_dxferp(0xfffffffdu, 3, 512, &iov0), UINT32_MAX); /* an iovec array */
	ck_assert_uint_gt(iov0, UINT32_MAX);
}
END_TEST

Suite *guest_addr_suite(void)
{
	Suite *s = suite_create("guest_addr");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_builtin_requests_never_pass_guest_addresses);
	tcase_add_test(tc, test_declared_value_is_seen);
	tcase_add_test(tc, test_unsaid_and_unsupported_refused);
	tcase_add_test(tc, test_sg_io_data_pointer);
	suite_add_tcase(s, tc);
	return s;
}
