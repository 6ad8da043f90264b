/* abi/abifile*.c: the .abi text format, written and read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../abi/abifile.h"
#include "../../abi/convert.h"
#include "../../abi/builtin.h"
#include "suites.h"

#define I386 CB_ARCH_I386
#define X64 CB_ARCH_X86_64

static char *to_text(const struct cb_abi_db *db, const char *comment)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cb_abifile_write(f, db, comment), 0);
	fclose(f);
	return buf;
}

static void parse_ok(const char *text, struct cb_abi_db *db)
{
	struct cb_err err = { "" };
	int rc = cb_abifile_parse("t.abi", text, db, &err);
	ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
}

static void same_db(const struct cb_abi_db *x, const struct cb_abi_db *y)
{
	ck_assert_int_eq(x->nrecords, y->nrecords);
	ck_assert_int_eq(x->nioctls, y->nioctls);
	for (int r = 0; r < x->nrecords; r++) {
		const struct cb_record *a = &x->records[r], *b = &y->records[r];
		ck_assert_str_eq(a->name, b->name);
		ck_assert(a->is_union == b->is_union && a->task_tied == b->task_tied &&
			  a->identical == b->identical);
		ck_assert(!memcmp(a->size, b->size, sizeof(a->size)));
		ck_assert(!memcmp(a->align, b->align, sizeof(a->align)));
		ck_assert_int_eq(a->nfields, b->nfields);
		for (int i = 0; i < a->nfields; i++) {
			const struct cb_field *f = &a->fields[i], *g = &b->fields[i];
			ck_assert_str_eq(f->name, g->name);
			ck_assert_msg(f->kind == g->kind && f->count == g->count &&
					      f->record == g->record &&
					      !memcmp(f->off, g->off, sizeof(f->off)) &&
					      !memcmp(f->size, g->size, sizeof(f->size)),
				      "%s.%s differs", a->name, f->name ? f->name : "-");
			if (f->kind == CB_K_ARRAY)
				ck_assert_int_eq(f->elem_kind, g->elem_kind);
			const struct cb_annot *p = &f->a, *q = &g->a;
			ck_assert_msg(p->dir == q->dir && p->target == q->target &&
					      p->target_record == q->target_record &&
					      p->len_field == q->len_field && p->len_up == q->len_up &&
					      p->len_const == q->len_const && p->max == q->max &&
					      p->len_in_bytes == q->len_in_bytes &&
					      p->len_updated == q->len_updated && p->flex == q->flex &&
					      p->is_fd == q->is_fd && p->narrow == q->narrow &&
					      p->select_field == q->select_field &&
					      p->select_up == q->select_up &&
					      p->select_cmd == q->select_cmd && p->ncases == q->ncases &&
					      p->keep == q->keep && p->mirror == q->mirror &&
					      (!p->mirror || p->mirror_field == q->mirror_field),
				      "%s.%s: annotations differ", a->name, f->name ? f->name : "-");
			for (int c = 0; c < p->ncases; c++)
				ck_assert(p->cases[c].value == q->cases[c].value &&
					  p->cases[c].member == q->cases[c].member);
		}
	}
	for (int i = 0; i < x->nioctls; i++) {
		const struct cb_ioctl *a = &x->ioctls[i], *b = &y->ioctls[i];
		ck_assert_str_eq(a->name, b->name);
		ck_assert(!memcmp(a->req, b->req, sizeof(a->req)));
		ck_assert(a->arg_record == b->arg_record && a->arg_kind == b->arg_kind &&
			  a->dir == b->dir && a->task_tied == b->task_tied &&
			  a->written_on_failure == b->written_on_failure && a->fd_value == b->fd_value);
		ck_assert(!memcmp(a->arg_size, b->arg_size, sizeof(a->arg_size)));
	}
}

/* The built-in database: write, read, write gives the same bytes, and the
 * database read is the one written. */
START_TEST(test_round_trip_builtin)
{
	char *t1 = to_text(&cb_abi_builtin, "builtin\ntwo lines");
	struct cb_abi_db db;
	parse_ok(t1, &db);
	same_db(&cb_abi_builtin, &db);
	char *t2 = to_text(&db, "builtin\ntwo lines");
	ck_assert_str_eq(t1, t2);
	ck_assert_ptr_nonnull(strstr(t1, "# builtin\n# two lines\ncompatbox-abi 1\nabis i386 x86_64\n"));
	cb_abifile_free(&db);
	free(t1);
	free(t2);
}
END_TEST

/* A hand-written file: any spacing and comments; every annotation. */
static const char hand[] =
	"# a hand-written file\n"
	"compatbox-abi 1\n"
	"abis x86_64 i386   # columns in this order here\n"
	"record outer.u union size 8 4 align 8 4\n"
	"field  buf ptr off 0 0 size 8 4 out ->array item len=n bytes max=64\n"
	"field  str ptr off 0 0 size 8 4 in ->str max=255\n"
	"end\n"
	"record item struct size 8 8 align 4 4\n"
	"field  fd   sint off 0 0 size 4 4 fd\n"
	"field  v    uint off 4 4 size 4 4 narrow=truncate\n"
	"end\n"
	"record outer struct size 32 20 align 8 4 task-tied\n"
	"field n   uint  off 0 0 size 4 4 len-updated\n"
	"field -   pad   off 4 0 size 4 0\n"
	"field u   union off 8 4 size 8 4 record outer.u select=kind case=1:buf case=2:str\n"
	"field kind sint off 16 8 size 4 4\n"
	"field one ptr off 24 12 size 8 4 ->record item inout\n"
	"field data array off 32 16 size 1 1 elem uint count 0 flex len=n\n"
	"end\n"
	"record km struct size 16 20 align 8 4\n"
	"field a    uint off 0 0 size 4 4\n"
	"field -    pad  off 4 0 size 4 0\n"
	"field kp   uint off 0 4 size 0 4 keep\n"
	"field m    ulong off 0 8 size 0 4 mirror=big\n"
	"field big  uint off 8 12 size 8 8\n"
	"end\n"
	"record same struct size 4 4 align 4 4\n"
	"field k uint off 0 0 size 4 4 keep\n"
	"end\n"
	"record cmd struct size 8 4 align 8 4\n"
	"field u union off 0 0 size 8 4 record outer.u select=cmd case=GET:buf case=0x1234:str\n"
	"end\n"
	"ioctl GET req 0x80046601 0x80086601 arg record outer dir out task-tied\n"
	"ioctl SET req 0x40004d02 0x40004d02 arg sint size 4 4 dir in\n"
	"ioctl NOP req 0x4d03 0x4d03 arg none dir none\n";

START_TEST(test_round_trip_hand)
{
	struct cb_abi_db db;
	parse_ok(hand, &db);
	const struct cb_record *o = cb_abi_record(&db, "outer");
	ck_assert(o->task_tied);
	ck_assert_uint_eq(o->size[X64], 32); /* the abis line ordered the columns */
	ck_assert_uint_eq(o->size[I386], 20);
	const struct cb_record *u = cb_abi_record(&db, "outer.u");
	/* len=n from outer.u resolves one level out. */
	ck_assert_int_eq(u->fields[0].a.len_field, 0);
	ck_assert_int_eq(u->fields[0].a.len_up, 1);
	ck_assert_int_eq(u->fields[0].a.target_record, cb_abi_record_index(&db, "item"));
	const struct cb_field *uf = &o->fields[2];
	ck_assert_int_eq(uf->a.select_field, 3);
	ck_assert_int_eq(uf->a.ncases, 2);
	ck_assert_uint_eq(uf->a.cases[1].value, 2);
	ck_assert_int_eq(uf->a.cases[1].member, 1);
	const struct cb_record *c = cb_abi_record(&db, "cmd");
	ck_assert(c->fields[0].a.select_cmd);
	/* GET as the host (x86_64, the first column here) numbers it */
	ck_assert_uint_eq(c->fields[0].a.cases[0].value, 0x80046601u);
	ck_assert_uint_eq(c->fields[0].a.cases[1].value, 0x1234);
	ck_assert(!o->identical);
	ck_assert(cb_abi_record(&db, "item")->identical);
	ck_assert_int_eq(cb_abi_ioctl_by_name(&db, "NOP")->arg_kind, CB_K_PAD);
	const struct cb_record *km = cb_abi_record(&db, "km");
	ck_assert(km->fields[2].a.keep && !km->fields[2].a.mirror);
	ck_assert(km->fields[3].a.mirror);
	ck_assert_int_eq(km->fields[3].a.mirror_field, 4);
	/* The same bytes everywhere, but a copy would overwrite the kept field. */
	ck_assert(!cb_abi_record(&db, "same")->identical);
	ck_assert_uint_eq(cb_abi_ioctl_by_name(&db, "GET")->arg_size[I386], 20);

	char *t1 = to_text(&db, NULL);
	struct cb_abi_db db2;
	parse_ok(t1, &db2);
	same_db(&db, &db2);
	char *t2 = to_text(&db2, NULL);
	ck_assert_str_eq(t1, t2);
	ck_assert_ptr_nonnull(strstr(t1, "abis i386 x86_64\n"));
	ck_assert_ptr_nonnull(strstr(t1, " out ->array item len=n bytes max=64\n"));
	ck_assert_ptr_nonnull(strstr(t1, " select=cmd case=GET:buf case=0x1234:str\n"));
	ck_assert_ptr_nonnull(strstr(t1, "off 0 0 size 4 8 out"));
	ck_assert_ptr_nonnull(strstr(t1, " size 4 0 keep\n"));
	ck_assert_ptr_nonnull(strstr(t1, " size 4 0 mirror=big\n"));
	cb_abifile_free(&db);
	cb_abifile_free(&db2);
	free(t1);
	free(t2);
}
END_TEST

static void expect_error(const char *text, const char *want)
{
	struct cb_abi_db db;
	struct cb_err err = { "" };
	ck_assert_int_lt(cb_abifile_parse("t.abi", text, &db, &err), 0);
	ck_assert_msg(strstr(err.msg, want), "got '%s', want '%s'", err.msg, want);
}

#define HEAD "compatbox-abi 1\nabis i386 x86_64\n"

START_TEST(test_parse_errors)
{
	expect_error("", "t.abi:1: empty");
	expect_error("# only a comment\nrecord a\n", "t.abi:2: not a compatbox .abi file");
	expect_error("compatbox-abi 2\n", "t.abi:1: compatbox-abi version 2");
	expect_error("compatbox-abi 1\nrecord a struct size 1 1 align 1 1\n",
		     "t.abi:2: expected 'abis i386 x86_64' before 'record'");
	expect_error("compatbox-abi 1\nabis i386 arm\n", "t.abi:2: unknown ABI 'arm'");
	expect_error("compatbox-abi 1\nabis i386 i386\n", "t.abi:2: ABI 'i386' listed twice");
	expect_error(HEAD "record a struct size 4 align 4 4\n", "t.abi:3: 'size': align is not");
	expect_error(HEAD "record a struct size 4 99999999999 align 4 4\n", "t.abi:3:");
	expect_error(HEAD "record a blob size 4 4 align 4 4\n", "t.abi:3: 'blob': a record is");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x int off 0 0 size 4 4\nend\n",
		     "t.abi:4: 'int' is not a kind");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x sint off 0 0 size 4 4\n",
		     "t.abi:4: record a has no 'end'");
	expect_error(HEAD "field x sint off 0 0 size 4 4\n", "t.abi:3: a field outside a record");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x sint off 2 2 size 4 4\nend\n",
		     "t.abi:4: x: ends at 6, past a's 4 bytes");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x struct off 0 0 size 4 4 record b\nend\n",
		     "t.abi:4: x: no record b");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x sint off 0 0 size 4 4 ->buf\nend\n",
		     "t.abi:4: x: only a pointer or a __u64 can point");
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield p ptr off 0 0 size 4 8 ->buf len=nope\nend\n",
		     "t.abi:4: p: len=nope: no such field in a or around it");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x sint off 0 0 size 4 4 sideways\nend\n",
		     "t.abi:4: unknown annotation 'sideways'");
	/* A pointer whose target and direction other fields choose (SG_IO). */
#define PN "record a struct size 12 16 align 4 8\nfield n uint off 0 0 size 4 4\n" \
	   "field p ptr off 4 8 size 4 8 ->buf len=n "
	expect_error(HEAD PN "else ->array a len=n\nend\n", "t.abi:5: p: else needs when=");
	expect_error(HEAD PN "when=n:0 else ->buf len=n fd\nend\n",
		     "t.abi:5: 'fd' after else: only ->buf");
	expect_error(HEAD PN "dir-by=n\nend\n", "t.abi:5: p: dir-by= and dir-case= go together");
	expect_error(HEAD PN "dir-by=n dir-case=1:sideways\nend\n",
		     "t.abi:5: 'dir-case=1:sideways': expected dir-case=VALUE:in|out|inout");
	expect_error(HEAD PN "wrote=nope\nend\n", "t.abi:5: p: wrote=nope: needs ->buf and an integer");
	expect_error(HEAD PN "beyond=kernel\nend\n", "t.abi:5: p: beyond=kernel needs ->buf and max=");
#undef PN
	expect_error(HEAD "record a struct size 4 4 align 4 4\nend\nrecord a struct size 4 4 align 4 4\nend\n",
		     "t.abi:5: record a defined twice");
	expect_error(HEAD "ioctl X req 1 1 arg record nope dir in\n", "t.abi:3: no record nope");
	/* Field names live in the record (CB_FIELD_NAME_MAX), not behind a pointer. */
	expect_error(HEAD "record a struct size 4 4 align 4 4\n"
		     "field a23456789012345678901234567890123456789012345678 uint off 0 0 size 4 4\nend\n",
		     "t.abi:4: field name a23456789012345678901234567890123456789012345678 is longer "
		     "than 47 bytes: shorten it");
	/* Safety: a pointer nobody described, an argument with no direction. */
	expect_error(HEAD "record a struct size 8 16 align 4 8\nfield n uint off 0 0 size 4 4\n"
		     "field p ptr off 4 8 size 4 8\nend\n",
		     "t.abi:5: a.p is a pointer and nothing says where it points: say where it "
		     "points: '->record NAME'");
	expect_error(HEAD "record a struct size 8 16 align 4 8\nfield n uint off 0 0 size 4 4\n"
		     "field v array off 4 8 size 4 8 elem ptr count 1\nend\n",
		     "t.abi:5: a.v is a pointer");
	expect_error(HEAD "ioctl X req 1 1 arg sint size 4 4 dir none\n",
		     "t.abi:3: ioctl X: 'dir none' but the argument is a pointer");
	expect_error(HEAD "ioctl X req 1 1 arg sint size 4 4 dir sideways\n",
		     "t.abi:3: expected 'dir none|in|out|inout'");
	expect_error(HEAD "record u union size 4 4 align 4 4\nfield a sint off 0 0 size 4 4\nend\n"
			  "record a struct size 4 4 align 4 4\n"
			  "field x union off 0 0 size 4 4 record u select=cmd case=NOPE:a\nend\n",
		     "t.abi:7: x: case=NOPE: no such ioctl");
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield x uint off 0 0 size 4 4 mirror=nope\n"
			  "field y uint off 4 4 size 4 4\nend\n",
		     "t.abi:4: x: mirror=nope: no other field nope in a");
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield x uint off 0 0 size 4 4 mirror=x\n"
			  "end\n",
		     "mirror=x: no other field x in a");
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield x uint off 0 0 size 4 4 mirror=y\n"
			  "field y raw off 4 4 size 4 4\nend\n",
		     "mirror=y: both fields must be integers");
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield x uint off 0 0 size 4 4 keep mirror=y\n"
			  "field y uint off 4 4 size 4 4\nend\n",
		     "keep and mirror= contradict each other");
	expect_error(HEAD "bogus\n", "t.abi:3: unknown line 'bogus'");
}
END_TEST

/* Layouts the converter would act on outside the record, or without end:
 * refused when the file is read, with the line to fix. */
START_TEST(test_layout_attacks)
{
	/* A union member's offset is checked like any other field's. */
	expect_error(HEAD "record u union size 4 4 align 4 4\nfield a sint off 4096 4096 size 4 4\n"
			  "end\n",
		     "t.abi:4: a: ends at 4100, past u's 4 bytes on x86_64");
	expect_error(HEAD "record u union size 8 8 align 4 4\nfield a sint off 0 0 size 4 4\n"
			  "field b uint off 0 6 size 4 4\nend\n",
		     "t.abi:5: b: ends at 10, past u's 8 bytes on x86_64");
	/* fuzz_abifile's find: the built-in ifreq with one member moved by a
	 * byte on i386; the plain copy of the union then overlapped itself. */
	expect_error(HEAD "record s struct size 16 16 align 2 2\nfield a raw off 0 0 size 16 16\n"
			  "end\nrecord u union size 16 24 align 4 8\n"
			  "field m struct off 0 0 size 16 16 record s\n"
			  "field h struct off 1 0 size 16 16 record s\nend\n",
		     "t.abi:8: h: ends at 17, past u's 16 bytes on i386");
	/* A flexible array is the last field of a struct. */
	expect_error(HEAD "record f struct size 8 8 align 4 4\n"
			  "field d array off 4 4 size 4 4 elem sint count 0 flex len=n\n"
			  "field n sint off 4 4 size 4 4\nend\n",
		     "t.abi:4: d: flex: a flexible array must be the last field of a struct");
	/* Struct fields do not overlap (their order may differ per ABI). */
	expect_error(HEAD "record a struct size 8 8 align 4 4\nfield x sint off 0 0 size 4 4\n"
			  "field y sint off 2 4 size 4 4\nend\n",
		     "t.abi:5: x and y overlap on i386 (bytes 0..3 and 2..5)");
	/* By-value cycles, directly and through another record. */
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x struct off 0 0 size 4 4 record a\n"
			  "end\n",
		     "t.abi:4: x: record a holds itself by value");
	expect_error(HEAD "record a struct size 4 4 align 4 4\nfield x struct off 0 0 size 4 4 record b\n"
			  "end\nrecord b struct size 4 4 align 4 4\n"
			  "field y struct off 0 0 size 4 4 record a\nend\n",
		     "t.abi:7: y: record a holds itself by value (through b)");
	/* A pointer back is fine: a linked list. */
	struct cb_abi_db db;
	struct cb_err err = { "" };
	ck_assert_int_eq(cb_abifile_parse("t.abi", HEAD "record n struct size 8 16 align 4 8\n"
				 "field v sint off 0 0 size 4 4\nfield - pad off 0 4 size 0 4\n"
				 "field next ptr off 4 8 size 4 8 ->record n\nend\n", &db, &err), 0);
	cb_abifile_free(&db);

	/* Nesting deeper than the converter walks. */
	char *text = malloc(65536);
	strcpy(text, HEAD);
	for (int i = 0; i <= CB_CONV_MAX_NEST + 1; i++)
		sprintf(text + strlen(text), "record r%d struct size 4 4 align 4 4\n"
			"field x %s off 0 0 size 4 4%s%d\nend\n", i,
			i <= CB_CONV_MAX_NEST ? "struct" : "sint",
			i <= CB_CONV_MAX_NEST ? " record r" : " # ", i + 1);
	expect_error(text, "records nested more than 16 deep");
	/* 16 deep is fine. */
	strcpy(text, HEAD);
	for (int i = 0; i <= CB_CONV_MAX_NEST; i++)
		sprintf(text + strlen(text), "record r%d struct size 4 4 align 4 4\n"
			"field x %s off 0 0 size 4 4%s%d\nend\n", i,
			i < CB_CONV_MAX_NEST ? "struct" : "sint",
			i < CB_CONV_MAX_NEST ? " record r" : " # ", i + 1);
	ck_assert_msg(cb_abifile_parse("t.abi", text, &db, &err) == 0, "%s", err.msg);
	cb_abifile_free(&db);
	free(text);

	/* Fan-out: unions of 300 members, each a union of 300: 90000 fields. */
	text = malloc(300 * 64 * 2 + 1024);
	strcpy(text, HEAD "record a union size 4 4 align 4 4\n");
	for (int i = 0; i < 300; i++)
		sprintf(text + strlen(text), "field m%d union off 0 0 size 4 4 record b\n", i);
	strcat(text, "end\nrecord b union size 4 4 align 4 4\n");
	for (int i = 0; i < 300; i++)
		sprintf(text + strlen(text), "field m%d sint off 0 0 size 4 4\n", i);
	strcat(text, "end\n");
	expect_error(text, "t.abi:3: record a: more than 65536 fields with those of the records "
			   "inside it");
	free(text);

	/* Lengths and selectors are integers. */
	expect_error(HEAD "record a struct size 8 16 align 4 8\nfield p ptr off 0 0 size 4 8 ->buf len=q\n"
			  "field q ptr off 4 8 size 4 8\nend\n",
		     "t.abi:4: p: len=q: a length is an integer field, not ptr");
	/* A scalar ioctl argument is an integer of 1, 2, 4 or 8 bytes. */
	expect_error(HEAD "ioctl X req 1 1 arg sint size 4 16 dir out\n",
		     "t.abi:3: ioctl X: a sint argument of 16 bytes on x86_64");
}
END_TEST

/* A pattern: any len matches, exact numbers first, the host's number keeps
 * the guest's parameter bits; it reads back as written. A mask on a plain
 * name, or a req with mask bits, is refused. */
START_TEST(test_patterns)
{
	static const char text[] = HEAD
		"ioctl EXACT req 0x80044506 0x80044506 arg uint size 4 4 dir out\n"
		"ioctl NAME(len) req 0x80004506 0x80004506 mask 0x3fff0000 arg buf dir out\n"
		"ioctl BIT(ev,len) req 0x80004520 0x80004520 mask 0x3fff001f arg buf dir out\n";
	struct cb_abi_db db = { 0 };
	parse_ok(text, &db);
	const struct cb_ioctl *name = cb_abi_ioctl_by_name(&db, "NAME(len)");
	ck_assert_ptr_nonnull(name);
	ck_assert(name->arg_from_req && name->param_mask == 0x3fff0000u);
	ck_assert_ptr_eq(cb_abi_ioctl_by_req(&db, CB_ARCH_I386, 0x80504506u), name);
	ck_assert_ptr_eq(cb_abi_ioctl_by_req(&db, CB_ARCH_I386, 0x80044506u),
			 cb_abi_ioctl_by_name(&db, "EXACT"));
	const struct cb_ioctl *bit = cb_abi_ioctl_by_req(&db, CB_ARCH_I386, 0x80604523u);
	ck_assert_ptr_nonnull(bit);
	ck_assert_str_eq(bit->name, "BIT(ev,len)");
	ck_assert_uint_eq(cb_abi_ioctl_host_req(bit, 0x80604523u, 0x60), 0x80604523u);
	ck_assert_ptr_null(cb_abi_ioctl_by_req(&db, CB_ARCH_I386, 0x80604540u)); /* nr 0x40 */
	char *again = to_text(&db, NULL);
	ck_assert_ptr_nonnull(strstr(again, "ioctl NAME(len) req 0x80004506 0x80004506 "
					     "mask 0x3fff0000 arg buf dir out\n"));
	free(again);
	cb_abifile_free(&db);
	struct cb_err err = { "" };
	ck_assert_int_lt(cb_abifile_parse("t.abi", HEAD "ioctl PLAIN req 1 1 mask 0x3fff0000 arg "
					  "buf dir out\n", &db, &err), 0);
	ck_assert_int_lt(cb_abifile_parse("t.abi", HEAD "ioctl P(len) req 0x10000 0x10000 mask "
					  "0x3fff0000 arg buf dir out\n", &db, &err), 0);
	ck_assert_int_lt(cb_abifile_parse("t.abi", HEAD "ioctl P(n) req 0 0 mask 0x3f arg buf "
					  "dir out\n", &db, &err), 0);
}
END_TEST

START_TEST(test_bounded_lines)
{
	size_t n = CB_ABIFILE_MAX_LINE + 100;
	char *text = malloc(strlen(HEAD) + n + 2);
	strcpy(text, HEAD);
	memset(text + strlen(HEAD), 'x', n);
	strcpy(text + strlen(HEAD) + n, "\n");
	expect_error(text, "t.abi:3: line longer than 4096 characters");
	/* Many words on one line are refused, not overflowed. */
	char *p = text + strlen(HEAD);
	strcpy(p, "record a struct size 4 4 align 4 4");
	for (int i = 0; i < 300; i++)
		strcat(p, " task-tied");
	strcat(p, "\n");
	expect_error(text, "t.abi:3: more than 256 words");
	free(text);
}
END_TEST

START_TEST(test_load_files)
{
	struct cb_abi_db db;
	struct cb_err err = { "" };
	ck_assert_int_lt(cb_abifile_load("/nonexistent/x.abi", &db, &err), 0);
	ck_assert_str_eq(err.msg, "/nonexistent/x.abi: No such file or directory");

	char path[] = "/tmp/compatbox-abifile-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(cb_abifile_save(path, &cb_abi_builtin, NULL, &err), 0);
	ck_assert_int_eq(cb_abifile_load(path, &db, &err), 0);
	same_db(&cb_abi_builtin, &db);
	cb_abifile_free(&db);

	FILE *f = fopen(path, "w");
	fputs(HEAD "record a struct size 4 4 align 4 4\n", f);
	fputc(0, f);
	fclose(f);
	ck_assert_int_lt(cb_abifile_load(path, &db, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, ":4: a NUL byte"));
	unlink(path);
}
END_TEST

Suite *abifile_suite(void)
{
	Suite *s = suite_create("abifile");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_round_trip_builtin);
	tcase_add_test(tc, test_round_trip_hand);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_bounded_lines);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_layout_attacks);
	tcase_add_test(tc, test_load_files);
	suite_add_tcase(s, tc);
	return s;
}
