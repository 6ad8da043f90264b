/* abigen/dwarf*.c, abi/gen*.c: layouts read back from the compiler's DWARF.
 * These run the real compiler (cc -m32 and -m64, gcc-multilib) and readelf;
 * the expected numbers were taken from offsetof/sizeof compiled separately. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../abigen/dwarf_die.h"
#include "../../abigen/gen.h"
#include "../../abi/builtin.h"
#include "../../handlers/translate.h"
#include "suites.h"

#define I386 CB_ARCH_I386
#define X64 CB_ARCH_X86_64

/* Every kind: ints of each signedness and width, long, pointer, a fixed
 * array, a nested struct, a union, gaps, a u64 that is 4-aligned on i386
 * and 8-aligned on x86_64, an enum, a float, bitfields, tail padding, and
 * a flexible array. */
static const char sample_h[] =
	"enum sample_color { SAMPLE_RED, SAMPLE_BLUE };\n"
	"struct sample_inner { short s; char c; };\n"
	"struct sample {\n"
	"	signed char sc;\n"
	"	unsigned char uc;\n"
	"	short ss;\n"
	"	int si;\n"
	"	unsigned int ui;\n"
	"	long sl;\n"
	"	unsigned long ul;\n"
	"	void *p;\n"
	"	char fixed[3];\n"
	"	unsigned long long u64;\n"
	"	struct sample_inner in;\n"
	"	union { int i; short h; } u;\n"
	"	enum sample_color color;\n"
	"	float ratio;\n"
	"	unsigned int flags : 3, mode : 5;\n"
	"	char tail;\n"
	"};\n"
	"struct sample_flex { unsigned int n; long vals[]; };\n"
	"#define SAMPLE_GET _IOR('S', 1, struct sample)\n"
	"#define SAMPLE_SET _IOW('S', 2, struct sample_flex)\n";

struct want {
	const char *name; /* NULL: a pad */
	enum cb_kind kind;
	uint32_t off32, size32, off64, size64;
};

static void expect_fields(const struct cb_abi_db *db, const char *rname, const struct want *w,
			  int n)
{
	const struct cb_record *r = cb_abi_record(db, rname);
	ck_assert_msg(r != NULL, "no record %s", rname);
	ck_assert_int_eq(r->nfields, n);
	for (int i = 0; i < n; i++) {
		const struct cb_field *f = &r->fields[i];
		const char *fn = f->name[0] ? f->name : "(pad)";
		if (w[i].name)
			ck_assert_msg(strcmp(f->name, w[i].name) == 0,
				      "%s field %d: %s, want %s", rname, i, fn, w[i].name);
		else
			ck_assert_msg(f->name[0] == 0, "%s field %d: %s, want a pad", rname, i, fn);
		ck_assert_msg(f->kind == w[i].kind, "%s.%s: kind %s, want %s", rname, fn,
			      cb_kind_name(f->kind), cb_kind_name(w[i].kind));
		ck_assert_msg(f->off[I386] == w[i].off32 && f->size[I386] == w[i].size32 &&
				      f->off[X64] == w[i].off64 && f->size[X64] == w[i].size64,
			      "%s.%s: i386 %u+%u x86_64 %u+%u, want %u+%u %u+%u", rname, fn,
			      f->off[I386], f->size[I386], f->off[X64], f->size[X64], w[i].off32,
			      w[i].size32, w[i].off64, w[i].size64);
	}
}

static void gen_sample(struct cb_gen *g)
{
	struct cb_spec s = { 0 };
	struct cb_spec_unit *u = cb_spec_add_unit(&s, "sample");
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(cb_spec_add_c(u, "#include <sys/ioctl.h>"), 0);
	ck_assert_int_eq(cb_spec_add_c(u, sample_h), 0);
	struct cb_spec_record *r = cb_spec_add_record(u, "sample", NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(cb_spec_add_annot(r, "p", "->value"), 0);
	ck_assert_ptr_nonnull(cb_spec_add_record(u, "sample_flex", NULL));
	struct cb_spec_ioctl *io = cb_spec_add_ioctl(u, "SAMPLE_GET");
	io->arg = CB_ARG_AUTO;
	io->dir_auto = true;
	struct cb_err err = { "" };
	int rc = cb_gen_run(&s, NULL, g, &err);
	ck_assert_msg(rc == 0, "generator failed: %s", err.msg);
	cb_spec_free(&s);
}

START_TEST(test_sample_fields)
{
	struct cb_gen g;
	gen_sample(&g);
	static const struct want w[] = {
		{ "sc", CB_K_SINT, 0, 1, 0, 1 },
		{ "uc", CB_K_UINT, 1, 1, 1, 1 },
		{ "ss", CB_K_SINT, 2, 2, 2, 2 },
		{ "si", CB_K_SINT, 4, 4, 4, 4 },
		{ "ui", CB_K_UINT, 8, 4, 8, 4 },
		{ NULL, CB_K_PAD, 0, 0, 12, 4 },       /* long is 8-aligned on x86_64 */
		{ "sl", CB_K_SLONG, 12, 4, 16, 8 },
		{ "ul", CB_K_ULONG, 16, 4, 24, 8 },
		{ "p", CB_K_PTR, 20, 4, 32, 8 },
		{ "fixed", CB_K_ARRAY, 24, 3, 40, 3 },
		{ NULL, CB_K_PAD, 27, 1, 43, 5 },      /* before the u64 */
		{ "u64", CB_K_UINT, 28, 8, 48, 8 },    /* 4-aligned on i386 */
		{ "in", CB_K_STRUCT, 36, 4, 56, 4 },
		{ "u", CB_K_UNION, 40, 4, 60, 4 },
		{ "color", CB_K_UINT, 44, 4, 64, 4 },
		{ "ratio", CB_K_RAW, 48, 4, 68, 4 },
		{ "flags", CB_K_RAW, 52, 1, 72, 1 },   /* flags and mode share a byte */
		{ "tail", CB_K_SINT, 53, 1, 73, 1 },
		{ NULL, CB_K_PAD, 54, 2, 74, 6 },      /* tail padding */
	};
	expect_fields(&g.db, "sample", w, (int)(sizeof(w) / sizeof(w[0])));
	const struct cb_record *r = cb_abi_record(&g.db, "sample");
	ck_assert_uint_eq(r->size[I386], 56);
	ck_assert_uint_eq(r->size[X64], 80);
	ck_assert_uint_eq(r->align[I386], 4);
	ck_assert_uint_eq(r->align[X64], 8);
	ck_assert(!r->identical);
	const struct cb_field *fixed = &r->fields[cb_abi_field_index(r, "fixed")];
	ck_assert_int_eq(fixed->elem_kind, CB_K_SINT);
	ck_assert_uint_eq(fixed->count, 3);
	ck_assert_str_eq(g.db.records[r->fields[cb_abi_field_index(r, "in")].record].name,
			 "sample_inner");
	ck_assert_str_eq(g.db.records[r->fields[cb_abi_field_index(r, "u")].record].name,
			 "sample.u");
	cb_gen_free(&g);
}
END_TEST

START_TEST(test_sample_nested_and_flex)
{
	struct cb_gen g;
	gen_sample(&g);
	static const struct want inner[] = {
		{ "s", CB_K_SINT, 0, 2, 0, 2 },
		{ "c", CB_K_SINT, 2, 1, 2, 1 },
		{ NULL, CB_K_PAD, 3, 1, 3, 1 },
	};
	expect_fields(&g.db, "sample_inner", inner, 3);
	const struct cb_record *ri = cb_abi_record(&g.db, "sample_inner");
	ck_assert_uint_eq(ri->align[I386], 2);
	ck_assert(ri->identical);
	static const struct want u[] = {
		{ "i", CB_K_SINT, 0, 4, 0, 4 },
		{ "h", CB_K_SINT, 0, 2, 0, 2 },
	};
	expect_fields(&g.db, "sample.u", u, 2);
	ck_assert(cb_abi_record(&g.db, "sample.u")->is_union);
	ck_assert(cb_abi_record(&g.db, "sample.u")->identical);
	/* A flexible array: count 0, flagged, size one element; no tail pad. */
	static const struct want flex[] = {
		{ "n", CB_K_UINT, 0, 4, 0, 4 },
		{ NULL, CB_K_PAD, 0, 0, 4, 4 },
		{ "vals", CB_K_ARRAY, 4, 4, 8, 8 },
	};
	expect_fields(&g.db, "sample_flex", flex, 3);
	const struct cb_record *rf = cb_abi_record(&g.db, "sample_flex");
	ck_assert_uint_eq(rf->size[I386], 4);
	ck_assert_uint_eq(rf->size[X64], 8);
	const struct cb_field *vals = &rf->fields[2];
	ck_assert(vals->a.flex);
	ck_assert_uint_eq(vals->count, 0);
	ck_assert_int_eq(vals->elem_kind, CB_K_SLONG);
	cb_gen_free(&g);
}
END_TEST

START_TEST(test_ioctl_auto_arg)
{
	struct cb_gen g;
	gen_sample(&g);
	const struct cb_ioctl *io = cb_abi_ioctl_by_name(&g.db, "SAMPLE_GET");
	ck_assert_ptr_nonnull(io);
	/* _IOR('S', 1, struct sample): the size field differs per ABI. */
	ck_assert_uint_eq(io->req[I386], 0x80385301u);
	ck_assert_uint_eq(io->req[X64], 0x80505301u);
	ck_assert_int_eq(io->arg_record, cb_abi_record_index(&g.db, "sample"));
	ck_assert_int_eq(io->dir, CB_DIR_OUT);
	cb_gen_free(&g);
}
END_TEST

/* The real headers, through the generator at test time. */
static const char real_spec[] =
	"compatbox-spec 1\n"
	"unit libc\n"
	"include <sys/stat.h>\n"
	"include <sys/time.h>\n"
	"include <fcntl.h>\n"
	"record stat64\nend\n"
	"record timeval\nend\n"
	"record flock64\nend\n"
	"unit kernel\n"
	"include <linux/eventpoll.h>\n"
	"include <linux/fs.h>\n"
	"record epoll_event\nend\n"
	"ioctl FS_IOC_GETFLAGS auto type int\n"
	"ioctl FS_IOC_SETFLAGS in type long\n";

START_TEST(test_real_headers)
{
	struct cb_spec s;
	struct cb_gen g;
	struct cb_err err = { "" };
	ck_assert_int_eq(cb_spec_parse("real.spec", real_spec, &s, &err), 0);
	int rc = cb_gen_run(&s, NULL, &g, &err);
	ck_assert_msg(rc == 0, "generator failed: %s", err.msg);
	const struct cb_record *r = cb_abi_record(&g.db, "stat64");
	ck_assert_uint_eq(r->size[I386], 96);
	ck_assert_uint_eq(r->size[X64], 144);
	r = cb_abi_record(&g.db, "flock64");
	ck_assert_uint_eq(r->size[I386], 24);
	ck_assert_uint_eq(r->size[X64], 32);
	ck_assert_uint_eq(r->align[I386], 4); /* its off64_t is 4-aligned on i386 */
	r = cb_abi_record(&g.db, "timeval");
	ck_assert_uint_eq(r->size[I386], 8);
	ck_assert_uint_eq(r->size[X64], 16);
	ck_assert_int_eq(r->fields[0].kind, CB_K_SLONG);
	r = cb_abi_record(&g.db, "epoll_event");
	ck_assert_uint_eq(r->size[I386], 12);
	ck_assert_uint_eq(r->size[X64], 12);
	ck_assert(r->identical);
	const struct cb_ioctl *io = cb_abi_ioctl_by_name(&g.db, "FS_IOC_GETFLAGS");
	ck_assert_uint_eq(io->req[I386], 0x80046601u);
	ck_assert_uint_eq(io->req[X64], 0x80086601u);
	ck_assert_int_eq(io->dir, CB_DIR_OUT); /* from _IOC_READ */
	ck_assert_int_eq(io->arg_kind, CB_K_SINT);
	io = cb_abi_ioctl_by_name(&g.db, "FS_IOC_SETFLAGS");
	ck_assert_int_eq(io->arg_kind, CB_K_SLONG);
	ck_assert_uint_eq(io->arg_size[I386], 4);
	ck_assert_uint_eq(io->arg_size[X64], 8);
	cb_gen_free(&g);
	cb_spec_free(&s);
}
END_TEST

/* What the build links in, from abigen/spec/builtin.spec. */
/* The renumbered requests whose meaning is the calling task's memory,
 * signals or capabilities past the call are described (so the trail
 * decodes them) but never performed: --translate finds no entry and the
 * kernel runs them. */
START_TEST(test_left_to_kernel)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	struct cb_translator t = { .enabled = true, .dbs = { db }, .ndbs = 1 };
	static const char *const kernel[] = {
		"TUNATTACHFILTER", "TUNDETACHFILTER", "TUNGETFILTER", "USBDEVFS_SUBMITURB",
		"USBDEVFS_REAPURB", "USBDEVFS_REAPURBNDELAY", "USBDEVFS_DISCSIGNAL",
		"USBDEVFS_IOCTL", "DRM_IOCTL_MAP_BUFS", "DRM_IOCTL_DMA", "DRM_IOCTL_ADD_MAP",
		"DRM_IOCTL_MODE_GETFB2", "DRM_IOCTL_SET_UNIQUE",
	};
	for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
		const struct cb_ioctl *io = cb_abi_ioctl_by_name(db, kernel[i]);
		ck_assert_msg(io && io->task_tied, "%s: not described as task-tied", kernel[i]);
		ck_assert_uint_ne(io->req[I386], io->req[X64]);
		const struct cb_abi_db *found = NULL;
		ck_assert_msg(!cb_translate_find(&t, I386, io->req[I386], &found, NULL), "%s translated",
			      kernel[i]);
	}
	/* Only tail padding differs: translated. */
	const struct cb_ioctl *pr = cb_abi_ioctl_by_name(db, "DRM_IOCTL_MODE_GETPLANERESOURCES");
	const struct cb_abi_db *found = NULL;
	ck_assert_ptr_eq(cb_translate_find(&t, I386, pr->req[I386], &found, NULL), pr);
}
END_TEST

START_TEST(test_builtin_tables)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	static const struct {
		const char *name;
		uint32_t i386, x86_64;
		bool identical;
	} sizes[] = {
		{ "stat64", 96, 144, false },   { "statfs64", 84, 120, false },
		{ "iovec", 8, 16, false },      { "msghdr", 28, 56, false },
		{ "cmsghdr", 12, 16, false },   { "timespec", 8, 16, false },
		{ "timeval", 8, 16, false },    { "rlimit", 8, 16, false },
		{ "rusage", 72, 144, false },   { "sysinfo", 64, 112, false },
		{ "flock", 16, 32, false },     { "flock64", 24, 32, false },
		{ "ifreq", 32, 40, false },     { "ifconf", 8, 16, false },
		{ "termios", 36, 36, true },    { "winsize", 8, 8, true },
		{ "epoll_event", 12, 12, true }, { "ucred", 12, 12, true },
		{ "linux_dirent", 12, 24, false }, { "itimerspec", 16, 32, false },
		/* SysV IPC: compat_semid64_ds & co, and the old (no IPC_64) ones. */
		{ "ipc64_perm", 36, 48, false }, { "ipc_perm", 16, 28, false },
		{ "semid64_ds", 64, 104, false }, { "semid_ds", 44, 88, false },
		{ "shmid64_ds", 84, 112, false }, { "shmid_ds", 48, 88, false },
		{ "msqid64_ds", 88, 120, false }, { "msqid_ds", 56, 104, false },
		{ "seminfo", 40, 40, true },     { "msginfo", 32, 32, true },
		{ "shminfo", 20, 20, true },     { "shminfo64", 36, 72, false },
		{ "shm_info", 24, 48, false },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		const struct cb_record *r = cb_abi_record(db, sizes[i].name);
		ck_assert_msg(r != NULL, "no %s", sizes[i].name);
		ck_assert_msg(r->size[I386] == sizes[i].i386 && r->size[X64] == sizes[i].x86_64,
			      "%s: %u/%u", sizes[i].name, r->size[I386], r->size[X64]);
		ck_assert_msg(r->identical == sizes[i].identical, "%s: identical", sizes[i].name);
	}
	const struct cb_ioctl *io = cb_abi_ioctl_by_name(db, "FS_IOC_GETFLAGS");
	ck_assert_uint_eq(io->req[I386], 0x80046601u);
	ck_assert_uint_eq(io->req[X64], 0x80086601u);
	ck_assert_ptr_eq(cb_abi_ioctl_by_req(db, I386, 0x80046601u), io);
	ck_assert(cb_abi_ioctl_by_name(db, "TIOCGPGRP")->task_tied);
	ck_assert_int_eq(cb_abi_ioctl_by_name(db, "TCGETS")->arg_record,
			 cb_abi_record_index(db, "termios"));
	/* Annotations: ifconf's buffer is counted in bytes by ifc_len, one level out. */
	const struct cb_record *u = cb_abi_record(db, "ifconf.ifc_ifcu");
	const struct cb_field *buf = &u->fields[cb_abi_field_index(u, "ifcu_buf")];
	ck_assert_int_eq(buf->a.target, CB_T_ARRAY);
	ck_assert_int_eq(buf->a.target_record, cb_abi_record_index(db, "ifreq"));
	ck_assert_int_eq(buf->a.len_up, 1);
	ck_assert_int_eq(buf->a.len_field, cb_abi_field_index(cb_abi_record(db, "ifconf"), "ifc_len"));
	ck_assert(buf->a.len_in_bytes);
	const struct cb_record *m = cb_abi_record(db, "msghdr");
	const struct cb_field *iov = &m->fields[cb_abi_field_index(m, "msg_iov")];
	ck_assert_int_eq(iov->a.target, CB_T_ARRAY);
	ck_assert_uint_eq(iov->a.max, 1024);
	ck_assert_int_eq(iov->a.len_up, 0);
	/* Signedness that differs per ABI takes the narrowest's: i386's
	 * unsigned long sem_otime against x86_64's long, its unsigned short
	 * __kernel_ipc_pid_t against an int. */
	const struct cb_record *sd = cb_abi_record(db, "semid64_ds");
	ck_assert_int_eq(sd->fields[cb_abi_field_index(sd, "sem_otime")].kind, CB_K_ULONG);
	const struct cb_record *mq = cb_abi_record(db, "msqid_ds");
	const struct cb_field *lspid = &mq->fields[cb_abi_field_index(mq, "msg_lspid")];
	ck_assert_int_eq(lspid->kind, CB_K_UINT);
	ck_assert_uint_eq(lspid->size[I386], 2);
	ck_assert_uint_eq(lspid->size[X64], 4);
	const struct cb_record *rl = cb_abi_record(db, "rlimit");
	ck_assert_int_eq(rl->fields[0].a.narrow, CB_N_RLIM);
	/* select=cmd cases hold the host's request numbers. */
	const struct cb_record *ifr = cb_abi_record(db, "ifreq");
	const struct cb_field *ru = &ifr->fields[cb_abi_field_index(ifr, "ifr_ifru")];
	ck_assert(ru->a.select_cmd);
	ck_assert_int_ge(ru->a.ncases, 5);
	ck_assert_uint_eq(ru->a.cases[0].value, 0x8913); /* SIOCGIFFLAGS */
	ck_assert_int_eq(ru->a.cases[0].member,
			 cb_abi_field_index(cb_abi_record(db, "ifreq.ifr_ifru"), "ifru_flags"));
}
END_TEST

/* The build-time check: the generated asserts compile against the headers,
 * and a wrong number in them does not. */
START_TEST(test_check_file)
{
	struct cb_gen g;
	gen_sample(&g);
	struct cb_spec s = { 0 };
	struct cb_spec_unit *u = cb_spec_add_unit(&s, "sample");
	cb_spec_add_c(u, "#include <sys/ioctl.h>");
	cb_spec_add_c(u, sample_h);
	char path[] = "/tmp/compatbox-check-XXXXXX.c";
	int fd = mkstemps(path, 2);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_int_eq(cb_gen_emit_check(&g, &s, f), 0);
	fclose(f);
	struct cb_err err = { "" };
	int rc = cb_gen_run_check(path, NULL, NULL, &err);
	ck_assert_msg(rc == 0, "check failed: %s", err.msg);

	/* Claim the u64 is 8-aligned on i386 too. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "sed -i 's/(__typeof__(struct sample), u64) == 28/(__typeof__(struct sample), u64) == 32/' %s",
		 path);
	ck_assert_int_eq(system(cmd), 0);
	rc = cb_gen_run_check(path, NULL, NULL, &err);
	ck_assert_int_lt(rc, 0);
	ck_assert_msg(strstr(err.msg, "sample.u64: offset on i386"), "%s", err.msg);
	unlink(path);
	cb_spec_free(&s);
	cb_gen_free(&g);
}
END_TEST

static void expect_spec_error(const char *text, const char *want)
{
	struct cb_spec s;
	struct cb_err err = { "" };
	ck_assert_int_lt(cb_spec_parse("t.spec", text, &s, &err), 0);
	ck_assert_msg(strstr(err.msg, want), "got '%s', want '%s'", err.msg, want);
}

START_TEST(test_spec_errors)
{
	expect_spec_error("unit x\n", "t.spec:1: not a compatbox spec");
	expect_spec_error("compatbox-spec 1\nrecord a\n", "t.spec:2: 'record' before the first 'unit'");
	expect_spec_error("compatbox-spec 1\nunit u\nrecord a\n", "t.spec:3: record a has no 'end'");
	expect_spec_error("compatbox-spec 1\nunit u\nrecord a\nend\nrecord a\nend\n",
			  "t.spec:5: record a given twice");
	expect_spec_error("compatbox-spec 1\nunit u\nrecord a\n  f ->nowhere\nend\n",
			  "t.spec:4: a.f: unknown annotation '->nowhere'");
	expect_spec_error("compatbox-spec 1\nunit u\ninclude stdio.h\n", "t.spec:3: expected 'include <HEADER>'");
	expect_spec_error("compatbox-spec 1\nunit u\nioctl X sideways type int\n",
			  "t.spec:3: 'sideways': a direction is");
	expect_spec_error("compatbox-spec 1\nunit u\nfrobnicate\n", "t.spec:3: unknown line 'frobnicate'");
	expect_spec_error("", "t.spec: empty");
}
END_TEST

static void expect_gen_error(const char *text, const char *want)
{
	struct cb_spec s;
	struct cb_gen g;
	struct cb_err err = { "" };
	ck_assert_int_eq(cb_spec_parse("t.spec", text, &s, &err), 0);
	ck_assert_int_lt(cb_gen_run(&s, NULL, &g, &err), 0);
	ck_assert_msg(strstr(err.msg, want), "got '%s', want '%s'", err.msg, want);
	cb_spec_free(&s);
}

START_TEST(test_gen_errors)
{
	expect_gen_error("compatbox-spec 1\nunit u\ninclude <no/such/header.h>\nrecord a\nend\n",
			 "t.spec:2: unit u: ");
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; void *p; };\n"
			 "record a\n  p ->buf len=nothing\nend\n",
			 "t.spec:5: a.p: len=nothing: no such field in a or around it");
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; };\n"
			 "record a\n  n ->buf\nend\n",
			 "t.spec:5: a.n: only a pointer or a __u64 can point");
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; };\n"
			 "record a\n  m in\nend\n",
			 "t.spec:5: a has no field m");
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; }; struct b { int m; };\n"
			 "c #define REQ _IOR('x', 1, int)\ninclude <sys/ioctl.h>\n"
			 "record a\nend\nrecord b\nend\nioctl REQ auto auto\n",
			 "t.spec:10: REQ: both a and b have the size it encodes");
	/* A pointer nobody described would reach the host call as the
	 * guest's address: refused, naming the field and what to write. */
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; struct { void *q; } in; };\n"
			 "record a\nend\n",
			 "t.spec:4: a.in.q is a pointer and nothing says where it points; "
			 "annotate 'in.q' (in the record a, or abi gen --annotate a.in.q=...): "
			 "say where it points: '->record NAME'");
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; void *arr[2]; };\n"
			 "record a\nend\n", "a.arr is a pointer");
	/* An old-style request (no direction bits) with an argument. */
	expect_gen_error("compatbox-spec 1\nunit u\nc struct a { int n; };\n"
			 "c #define OLD 0x4c05\nrecord a\nend\nioctl OLD auto record a\n",
			 "t.spec:7: OLD: the request number carries no direction but its argument is a "
			 "pointer: say in, out or inout");
}
END_TEST

/* readelf's older spellings: a DWARF 2/3 block location, DWARF 4 bit
 * offsets counted from the top of the storage unit. */
START_TEST(test_dwarf_parse_old_forms)
{
	static const char dump[] =
		"  Compilation Unit @ offset 0:\n"
		"   Pointer Size:  4\n"
		" <0><b>: Abbrev Number: 1 (DW_TAG_compile_unit)\n"
		" <1><20>: Abbrev Number: 2 (DW_TAG_structure_type)\n"
		"    <21>   DW_AT_name        : s\n"
		"    <23>   DW_AT_byte_size   : 8\n"
		" <2><25>: Abbrev Number: 3 (DW_TAG_member)\n"
		"    <26>   DW_AT_name        : (indirect string, offset: 0x5): a\n"
		"    <2a>   DW_AT_type        : <0x40>\n"
		"    <2e>   DW_AT_data_member_location: 2 byte block: 23 4 	(DW_OP_plus_uconst: 4)\n"
		" <2><31>: Abbrev Number: 4 (DW_TAG_member)\n"
		"    <32>   DW_AT_name        : b\n"
		"    <33>   DW_AT_type        : <0x40>\n"
		"    <34>   DW_AT_byte_size   : 4\n"
		"    <35>   DW_AT_bit_size    : 3\n"
		"    <36>   DW_AT_bit_offset  : 29\n"
		"    <37>   DW_AT_data_member_location: 0\n"
		" <2><38>: Abbrev Number: 0\n"
		" <1><40>: Abbrev Number: 5 (DW_TAG_base_type)\n"
		"    <41>   DW_AT_byte_size   : 4\n"
		"    <42>   DW_AT_encoding    : 5	(signed)\n"
		"    <43>   DW_AT_name        : int\n"
		" <1><48>: Abbrev Number: 6 (DW_TAG_enumerator)\n"
		"    <49>   DW_AT_name        : big\n"
		"    <4a>   DW_AT_const_value : 4 byte block: 1 66 4 80 \n";
	struct cb_dies d;
	struct cb_err err = { "" };
	ck_assert_int_eq(cb_dies_parse(strdup(dump), &d, &err), 0);
	ck_assert_int_eq(d.ptr_size, 4);
	int s = cb_dies_named(&d, CB_DW_STRUCT, "s");
	ck_assert_int_ge(s, 0);
	int a = d.v[s].first_child, b = d.v[a].next_sibling;
	ck_assert_str_eq(d.v[a].name, "a");
	ck_assert_int_eq(d.v[a].member_loc, 4);
	ck_assert_int_eq(d.v[b].bit_off, 29);
	ck_assert_int_eq(d.v[b].next_sibling, -1);
	ck_assert_int_eq(cb_dies_at(&d, d.v[a].type), cb_dies_named(&d, CB_DW_BASE, "int"));
	int e = cb_dies_named(&d, CB_DW_ENUMERATOR, "big");
	ck_assert_uint_eq((uint32_t)d.v[e].cval, 0x80046601u);
	cb_dies_free(&d);
}
END_TEST

Suite *abigen_suite(void)
{
	Suite *s = suite_create("abigen");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sample_fields);
	tcase_add_test(tc, test_sample_nested_and_flex);
	tcase_add_test(tc, test_ioctl_auto_arg);
	tcase_add_test(tc, test_real_headers);
	tcase_add_test(tc, test_builtin_tables);
	tcase_add_test(tc, test_left_to_kernel);
	tcase_add_test(tc, test_check_file);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_gen_errors);
	tcase_add_test(tc, test_dwarf_parse_old_forms);
	suite_add_tcase(s, tc);
	return s;
}
