/* policy/trapset.c: which syscalls of which ABI are trapped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/trapset.h"
#include "suites.h"

static struct cb_trapset *ts;
static struct cb_err err;

static void setup(void)
{
	ts = malloc(sizeof(*ts));
	ck_assert_ptr_nonnull(ts);
	memset(ts, 0, sizeof(*ts));
	memset(&err, 0, sizeof(err));
	/* Every test starts from ioctl trapped on both ABIs, as the shipped
	 * default policy does. */
	ck_assert_int_eq(cb_trapset_add_names(ts, "ioctl", &err), 0);
}

static void teardown(void)
{
	free(ts);
	ts = NULL;
}

static int count(enum cb_arch a)
{
	int n = 0;
	for (int nr = 0; nr < CB_NR_MAX; nr++)
		n += cb_trapset_has(ts, a, nr);
	return n;
}

START_TEST(test_has_out_of_range)
{
	ck_assert(!cb_trapset_has(ts, CB_ARCH_X86_64, -1));
	ck_assert(!cb_trapset_has(ts, CB_ARCH_X86_64, CB_NR_MAX));
	ck_assert(!cb_trapset_has(ts, CB_ARCH_X86_64, 0x40000010)); /* x32's ioctl */
	ck_assert(!cb_trapset_has(ts, CB_ARCH_UNKNOWN, 16));
	ck_assert(!cb_trapset_has(ts, CB_ARCH_COUNT, 16));
}
END_TEST

START_TEST(test_add_comma_list)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "nanosleep,getppid", &err), 0);
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 35));
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 162));
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 110));
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 64));
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 16)); /* what was there stays */
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 54));
	ck_assert_int_eq(count(CB_ARCH_X86_64), 3);
	ck_assert_int_eq(count(CB_ARCH_I386), 3);
}
END_TEST

START_TEST(test_add_single_and_repeated)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "getppid", &err), 0);
	ck_assert_int_eq(cb_trapset_add_names(ts, "getppid,getppid,ioctl", &err), 0);
	ck_assert_int_eq(count(CB_ARCH_X86_64), 2);
	ck_assert_int_eq(count(CB_ARCH_I386), 2);
}
END_TEST

START_TEST(test_add_empty_entries)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "", &err), 0);
	ck_assert_int_eq(cb_trapset_add_names(ts, ",,nanosleep,", &err), 0);
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 35));
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 162));
	ck_assert_int_eq(count(CB_ARCH_X86_64), 2);
	ck_assert_int_eq(count(CB_ARCH_I386), 2);
}
END_TEST

START_TEST(test_add_unknown)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "bogus_call", &err), -EINVAL);
	ck_assert_str_eq(err.msg, "unknown syscall 'bogus_call' (not a syscall of x86_64 or i386; "
				  "names are as in syscalls(2), e.g. nanosleep,getppid)");
}
END_TEST

START_TEST(test_add_unknown_in_list_names_it)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "nanosleep,Getppid,getppid", &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown syscall 'Getppid'"));
	ck_assert_ptr_null(strstr(err.msg, "nanosleep,Getppid")); /* only the bad entry */
}
END_TEST

START_TEST(test_add_i386_only)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "socketcall", &err), 0);
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 102));
	ck_assert(!cb_trapset_has(ts, CB_ARCH_X86_64, 102)); /* getuid */
	ck_assert_int_eq(count(CB_ARCH_X86_64), 1);
	ck_assert_int_eq(count(CB_ARCH_I386), 2);
}
END_TEST

START_TEST(test_add_x86_64_only)
{
	ck_assert_int_eq(cb_trapset_add_names(ts, "newfstatat", &err), 0);
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 262));
	ck_assert(!cb_trapset_has(ts, CB_ARCH_I386, 262));
	ck_assert_int_eq(count(CB_ARCH_X86_64), 2);
	ck_assert_int_eq(count(CB_ARCH_I386), 1);
}
END_TEST

START_TEST(test_add_i386_direct_socket_call)
{
	/* i386 guests call socket(2) directly as 359 (and through socketcall). */
	ck_assert_int_eq(cb_trapset_add_names(ts, "socket", &err), 0);
	ck_assert(cb_trapset_has(ts, CB_ARCH_X86_64, 41));
	ck_assert(cb_trapset_has(ts, CB_ARCH_I386, 359));
	ck_assert_int_eq(count(CB_ARCH_X86_64), 2);
	ck_assert_int_eq(count(CB_ARCH_I386), 2);
}
END_TEST

Suite *trapset_suite(void)
{
	Suite *s = suite_create("trapset");
	TCase *tc = tcase_create("trapset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_has_out_of_range);
	tcase_add_test(tc, test_add_comma_list);
	tcase_add_test(tc, test_add_single_and_repeated);
	tcase_add_test(tc, test_add_empty_entries);
	tcase_add_test(tc, test_add_unknown);
	tcase_add_test(tc, test_add_unknown_in_list_names_it);
	tcase_add_test(tc, test_add_i386_only);
	tcase_add_test(tc, test_add_x86_64_only);
	tcase_add_test(tc, test_add_i386_direct_socket_call);
	suite_add_tcase(s, tc);
	return s;
}
