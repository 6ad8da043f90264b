/* abi/ioctl_decode.c: splitting and naming ioctl requests. */
#include <asm/ioctl.h>
#include <linux/fs.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <string.h>
#include <termios.h>

#include "../../abi/ioctl_decode.h"
#include "../../abi/ioctl_names.h"
#include "suites.h"

static void expect_split(uint32_t req, unsigned dir, unsigned type, unsigned nr, unsigned size)
{
	struct cb_ioctl_fields f = cb_ioctl_split(req);
	ck_assert_uint_eq(f.dir, dir);
	ck_assert_uint_eq(f.type, type);
	ck_assert_uint_eq(f.nr, nr);
	ck_assert_uint_eq(f.size, size);
}

START_TEST(test_split_fs_ioc_getflags_i386)
{
	expect_split(0x80046601u, 2, 0x66, 1, 4);
	ck_assert_uint_eq(cb_ioctl_split(0x80046601u).type, 'f');
	ck_assert_uint_eq(cb_ioctl_split(0x80046601u).dir, _IOC_READ);
}
END_TEST

START_TEST(test_split_fs_ioc_getflags_x86_64)
{
	expect_split(0x80086601u, _IOC_READ, 'f', 1, 8);
}
END_TEST

START_TEST(test_split_fs_ioc_setflags)
{
	expect_split(0x40086602u, _IOC_WRITE, 'f', 2, 8);
	expect_split(0x40046602u, 1, 0x66, 2, 4);
}
END_TEST

START_TEST(test_split_old_style)
{
	expect_split(0x5401, _IOC_NONE, 0x54, 1, 0);           /* TCGETS */
	expect_split(0x5413, 0, 'T', 0x13, 0);                 /* TIOCGWINSZ */
	expect_split(0x8913, 0, 0x89, 0x13, 0);                /* SIOCGIFFLAGS */
}
END_TEST

START_TEST(test_split_read_write_and_max)
{
	expect_split(0xc0104d02u, _IOC_READ | _IOC_WRITE, 'M', 2, 16);
	expect_split(0xffffffffu, 3, 0xff, 0xff, 0x3fff);
	expect_split(0, 0, 0, 0, 0);
}
END_TEST

START_TEST(test_split_matches_kernel_macros)
{
	uint32_t req = _IOWR('X', 0x7e, char[0x123]);
	expect_split(req, _IOC_READ | _IOC_WRITE, 'X', 0x7e, 0x123);
	expect_split(_IO('Z', 9), _IOC_NONE, 'Z', 9, 0);
}
END_TEST

START_TEST(test_dir_names)
{
	ck_assert_str_eq(cb_ioctl_dir_name(_IOC_NONE), "none");
	ck_assert_str_eq(cb_ioctl_dir_name(_IOC_WRITE), "w");
	ck_assert_str_eq(cb_ioctl_dir_name(_IOC_READ), "r");
	ck_assert_str_eq(cb_ioctl_dir_name(_IOC_READ | _IOC_WRITE), "rw");
	ck_assert_str_eq(cb_ioctl_dir_name(0), "none");
	ck_assert_str_eq(cb_ioctl_dir_name(1), "w");
	ck_assert_str_eq(cb_ioctl_dir_name(2), "r");
	ck_assert_str_eq(cb_ioctl_dir_name(3), "rw");
	ck_assert_str_eq(cb_ioctl_dir_name(cb_ioctl_split(0x80046601u).dir), "r");
}
END_TEST

START_TEST(test_tables_match_headers)
{
	/* The hand-written per-ABI numbers are what the kernel headers say:
	 * on this x86_64 build FS_IOC_* are the 64-bit ones, FS_IOC32_* i386's. */
	ck_assert_uint_eq(FS_IOC_GETFLAGS, 0x80086601u);
	ck_assert_uint_eq(FS_IOC_SETFLAGS, 0x40086602u);
	ck_assert_uint_eq(FS_IOC32_GETFLAGS, 0x80046601u);
	ck_assert_uint_eq(FS_IOC32_SETFLAGS, 0x40046602u);
	ck_assert_uint_eq(TCGETS, 0x5401);
}
END_TEST

START_TEST(test_name_fs_ioc_per_arch)
{
	/* On x86_64 the i386 numbers are the compat aliases linux/fs.h
	 * declares with an int; on i386 the alias gives way to the real name. */
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_I386, 0x80046601u), "FS_IOC_GETFLAGS");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x80046601u), "FS_IOC32_GETFLAGS");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x80086601u), "FS_IOC_GETFLAGS");
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_I386, 0x80086601u));

	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_I386, 0x40046602u), "FS_IOC_SETFLAGS");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x40046602u), "FS_IOC32_SETFLAGS");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x40086602u), "FS_IOC_SETFLAGS");
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_I386, 0x40086602u));

	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_UNKNOWN, 0x80046601u));
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_UNKNOWN, 0x80086601u));
}
END_TEST

START_TEST(test_name_common)
{
	static const struct { uint32_t req; const char *name; } common[] = {
		{ 0x5401, "TCGETS" },       { 0x5402, "TCSETS" },
		{ 0x5413, "TIOCGWINSZ" },   { 0x5414, "TIOCSWINSZ" },
		{ 0x541B, "FIONREAD" },     { 0x5421, "FIONBIO" },
		{ 0x5451, "FIOCLEX" },      { 0x80045430u, "TIOCGPTN" },
		{ 0x8912, "SIOCGIFCONF" },  { 0x8913, "SIOCGIFFLAGS" },
		{ 0x8933, "SIOCGIFINDEX" }, { 0x8927, "SIOCGIFHWADDR" },
	};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		for (int a = 0; a < CB_ARCH_COUNT; a++) {
			const char *n = cb_ioctl_name(a, common[i].req);
			ck_assert_msg(n && strcmp(n, common[i].name) == 0,
				      "0x%x on arch %d: got %s, want %s", common[i].req, a,
				      n ? n : "NULL", common[i].name);
		}
		ck_assert_str_eq(cb_ioctl_name(CB_ARCH_UNKNOWN, common[i].req), common[i].name);
	}
}
END_TEST

START_TEST(test_generated_table)
{
	/* Generated from the uapi headers, not typed: far more than the
	 * handful a hand-written table held, and per-ABI sizes right. */
	ck_assert_uint_gt(cb_ioctl_names_count(CB_ARCH_I386), 1000);
	ck_assert_uint_gt(cb_ioctl_names_count(CB_ARCH_X86_64), 1000);
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x400454cau), "TUNSETIFF");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_I386, 0x80041270u), "BLKBSZGET");
	ck_assert_str_eq(cb_ioctl_name(CB_ARCH_X86_64, 0x80081270u), "BLKBSZGET");
	const struct cb_ioctl_name *o[4];
	/* BLKBSZGET with the i386 size, asked of x86_64: the 64-bit one. */
	ck_assert_int_ge(cb_ioctl_other_sizes(CB_ARCH_X86_64, 0x80041271u - 1, o, 4), 1);
	ck_assert_int_eq(cb_ioctl_other_sizes(CB_ARCH_X86_64, 0x5401, o, 4), 0);
}
END_TEST

START_TEST(test_name_unknown)
{
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_X86_64, 0x12345678u));
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_I386, 0x12345678u));
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_X86_64, 0));
	/* FS_IOC_GETFLAGS with a size neither ABI uses. */
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_X86_64, 0x80026601u));
	ck_assert_ptr_null(cb_ioctl_name(CB_ARCH_I386, 0x80026601u));
}
END_TEST

Suite *ioctl_suite(void)
{
	Suite *s = suite_create("ioctl");
	TCase *tc = tcase_create("split");
	tcase_add_test(tc, test_generated_table);
	tcase_add_test(tc, test_split_fs_ioc_getflags_i386);
	tcase_add_test(tc, test_split_fs_ioc_getflags_x86_64);
	tcase_add_test(tc, test_split_fs_ioc_setflags);
	tcase_add_test(tc, test_split_old_style);
	tcase_add_test(tc, test_split_read_write_and_max);
	tcase_add_test(tc, test_split_matches_kernel_macros);
	tcase_add_test(tc, test_dir_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("name");
	tcase_add_test(tc, test_tables_match_headers);
	tcase_add_test(tc, test_name_fs_ioc_per_arch);
	tcase_add_test(tc, test_name_common);
	tcase_add_test(tc, test_name_unknown);
	suite_add_tcase(s, tc);
	return s;
}
