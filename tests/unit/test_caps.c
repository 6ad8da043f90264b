/* shim/caps.c: parsing --keep-caps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>

#include "../../shim/caps.h"
#include "suites.h"

static struct cb_capset keep;
static struct cb_err err;

static int parse(const char *list)
{
	keep.bits = 0xdeadbeefull; /* must be reset */
	memset(&err, 0, sizeof(err));
	return cb_caps_parse(list, &keep, &err);
}

START_TEST(test_plain_name)
{
	ck_assert_int_eq(parse("net_admin"), 0);
	ck_assert_uint_eq(keep.bits, 1ull << 12);
	ck_assert_uint_eq(keep.bits, 1ull << CAP_NET_ADMIN);
}
END_TEST

START_TEST(test_prefixed_upper_case)
{
	ck_assert_int_eq(parse("CAP_NET_ADMIN"), 0);
	ck_assert_uint_eq(keep.bits, 1ull << CAP_NET_ADMIN);
	ck_assert_int_eq(parse("Net_Admin"), 0);
	ck_assert_uint_eq(keep.bits, 1ull << CAP_NET_ADMIN);
	ck_assert_int_eq(parse("cap_net_admin"), 0);
	ck_assert_uint_eq(keep.bits, 1ull << CAP_NET_ADMIN);
}
END_TEST

START_TEST(test_list)
{
	ck_assert_int_eq(parse("cap_sys_time,net_raw"), 0);
	ck_assert_uint_eq(keep.bits, (1ull << 25) | (1ull << 13));
	ck_assert_uint_eq(keep.bits, (1ull << CAP_SYS_TIME) | (1ull << CAP_NET_RAW));
}
END_TEST

START_TEST(test_list_repeats_and_extremes)
{
	ck_assert_int_eq(parse("chown,CHOWN,audit_read,,setfcap,"), 0);
	ck_assert_uint_eq(keep.bits, (1ull << 0) | (1ull << 37) | (1ull << 31));
}
END_TEST

START_TEST(test_empty)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(keep.bits, 0);
	ck_assert_int_eq(parse(","), 0);
	ck_assert_uint_eq(keep.bits, 0);
}
END_TEST

START_TEST(test_unknown)
{
	ck_assert_int_eq(parse("bogus"), -EINVAL);
	ck_assert_str_eq(err.msg, "unknown capability 'bogus' (see capabilities(7), e.g. net_admin)");
}
END_TEST

START_TEST(test_unknown_in_list)
{
	ck_assert_int_eq(parse("net_admin,CAP_BOGUS,sys_time"), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "unknown capability 'CAP_BOGUS' (see capabilities(7), e.g. net_admin)");
	ck_assert_int_eq(parse("cap_"), -EINVAL);
	ck_assert_str_eq(err.msg, "unknown capability 'cap_' (see capabilities(7), e.g. net_admin)");
	ck_assert_int_eq(parse("net_admin "), -EINVAL); /* no trimming */
	ck_assert_str_eq(err.msg,
			 "unknown capability 'net_admin ' (see capabilities(7), e.g. net_admin)");
}
END_TEST

START_TEST(test_trailing_text_rejected)
{
	/* libcap's cap_from_name() would take these as net_admin alone. */
	static const char *const bad[] = { "net_admin sys_time", "net_admin+eip",
					   "cap_net_admin=ep", "net_admin\t", "net-admin" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];
		snprintf(want, sizeof(want),
			 "unknown capability '%s' (see capabilities(7), e.g. net_admin)", bad[i]);
		ck_assert_int_eq(parse(bad[i]), -EINVAL);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert_int_eq(parse("12"), -EINVAL); /* numbers are not names */
}
END_TEST

START_TEST(test_too_long)
{
	char name[100];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	char want[200];
	snprintf(want, sizeof(want), "bad capability name '%s'", name);
	ck_assert_int_eq(parse(name), -EINVAL);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

Suite *caps_suite(void)
{
	Suite *s = suite_create("caps");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_plain_name);
	tcase_add_test(tc, test_prefixed_upper_case);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_repeats_and_extremes);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_unknown_in_list);
	tcase_add_test(tc, test_trailing_text_rejected);
	tcase_add_test(tc, test_too_long);
	suite_add_tcase(s, tc);
	return s;
}
