/* common/json.c: the bounded JSON line builder. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../common/json.h"
#include "suites.h"

static const char marker[] = "{\"truncated\":true}\n";

/* End J and compare the line it holds (not NUL-terminated) with WANT. */
static void expect_line(struct cb_json *j, const char *want)
{
	size_t n = cb_json_end(j);
	ck_assert_uint_le(n, j->cap);
	char got[16384];
	ck_assert_uint_lt(n, sizeof(got));
	memcpy(got, j->buf, n);
	got[n] = 0;
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(n, strlen(want));
}

START_TEST(test_empty_object)
{
	char buf[128];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	expect_line(&j, "{}\n");
}
END_TEST

START_TEST(test_members)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "syscall", "ioctl");
	cb_json_int(&j, "nr", 16);
	cb_json_int(&j, "ret", -1);
	cb_json_hex(&j, "value", 0x80086601u);
	cb_json_null(&j, "result");
	expect_line(&j, "{\"syscall\":\"ioctl\",\"nr\":16,\"ret\":-1,"
			"\"value\":\"0x80086601\",\"result\":null}\n");
}
END_TEST

START_TEST(test_str_null_value)
{
	char buf[128];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "name", NULL);
	cb_json_str(&j, "empty", "");
	expect_line(&j, "{\"name\":null,\"empty\":\"\"}\n");
}
END_TEST

START_TEST(test_int_limits)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "min", INT64_MIN);
	cb_json_int(&j, "max", INT64_MAX);
	cb_json_int(&j, "zero", 0);
	expect_line(&j, "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0}\n");
}
END_TEST

START_TEST(test_hex_limits)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_hex(&j, "a", 0);
	cb_json_hex(&j, "b", 0x5401);
	cb_json_hex(&j, "c", UINT64_MAX);
	expect_line(&j, "{\"a\":\"0x0\",\"b\":\"0x5401\",\"c\":\"0xffffffffffffffff\"}\n");
}
END_TEST

START_TEST(test_escape_quote_backslash)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "path", "/tmp/a\"b\\c");
	expect_line(&j, "{\"path\":\"/tmp/a\\\"b\\\\c\"}\n");
}
END_TEST

START_TEST(test_escape_control_chars)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", "a\nb\tc\rd\x01\x1f\x7f" "e");
	expect_line(&j, "{\"s\":\"a\\u000ab\\u0009c\\u000dd\\u0001\\u001f\\u007fe\"}\n");
}
END_TEST

START_TEST(test_non_ascii_passes_through)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", "caf\xc3\xa9 \x20 ~");
	expect_line(&j, "{\"s\":\"caf\xc3\xa9   ~\"}\n");
}
END_TEST

START_TEST(test_escape_in_key)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "k\"\\\n", 1);
	expect_line(&j, "{\"k\\\"\\\\\\u000a\":1}\n");
}
END_TEST

START_TEST(test_nested_object)
{
	char buf[512];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "fd", 3);
	cb_json_open(&j, "request");
	cb_json_hex(&j, "value", 0x5401);
	cb_json_str(&j, "name", "TCGETS");
	cb_json_close(&j);
	cb_json_str(&j, "action", "kernel");
	expect_line(&j, "{\"fd\":3,\"request\":{\"value\":\"0x5401\",\"name\":\"TCGETS\"},"
			"\"action\":\"kernel\"}\n");
}
END_TEST

START_TEST(test_nested_first_and_empty)
{
	char buf[512];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_open(&j, "a");
	cb_json_open(&j, "b");
	cb_json_close(&j);
	cb_json_open(&j, "c");
	cb_json_null(&j, "d");
	cb_json_close(&j);
	cb_json_close(&j);
	cb_json_open(&j, "e");
	cb_json_close(&j);
	cb_json_int(&j, "f", 1);
	expect_line(&j, "{\"a\":{\"b\":{},\"c\":{\"d\":null}},\"e\":{},\"f\":1}\n");
}
END_TEST

START_TEST(test_truncated_is_replaced)
{
	char buf[128];
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "pid", 42);
	cb_json_str(&j, "path", big);
	ck_assert(j.truncated);
	cb_json_int(&j, "after", 1); /* ignored once truncated */
	expect_line(&j, marker);
}
END_TEST

START_TEST(test_truncated_inside_nested)
{
	char buf[128];
	char big[200];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_open(&j, "request");
	cb_json_str(&j, "name", big);
	cb_json_close(&j);
	cb_json_str(&j, "action", "kernel");
	expect_line(&j, marker);
}
END_TEST

START_TEST(test_truncated_escape_expansion)
{
	/* 30 control characters take 180 bytes escaped: they do not fit in 128. */
	char buf[128];
	char ctl[31];
	memset(ctl, '\x01', 30);
	ctl[30] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", ctl);
	expect_line(&j, marker);
}
END_TEST

START_TEST(test_fits_exactly_at_the_limit)
{
	/* {"s":"<n x>"} plus the newline: the builder keeps 48 bytes back for
	 * the closing, so the longest string that fits in CAP is CAP - 55. */
	enum { CAP = 256 };
	char buf[CAP];
	char s[CAP + 1];
	char want[CAP + 64];
	size_t n = CAP - 55;
	memset(s, 'x', n);
	s[n] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", s);
	snprintf(want, sizeof(want), "{\"s\":\"%s\"}\n", s);
	expect_line(&j, want);

	s[n] = 'x';
	s[n + 1] = 0;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", s);
	expect_line(&j, marker);
}
END_TEST

START_TEST(test_every_length_is_valid)
{
	/* Whatever the payload length, the line is either complete or the
	 * marker, and always ends in "}\n". */
	enum { CAP = 200 };
	char buf[CAP];
	char s[CAP + 1];
	char want[CAP + 64];
	for (size_t n = 0; n < CAP; n++) {
		memset(s, 'z', n);
		s[n] = 0;
		struct cb_json j;
		cb_json_begin(&j, buf, sizeof(buf));
		cb_json_int(&j, "n", (int64_t)n);
		cb_json_str(&j, "s", s);
		size_t len = cb_json_end(&j);
		ck_assert_uint_ge(len, 3);
		ck_assert_uint_le(len, CAP);
		ck_assert_msg(buf[len - 2] == '}' && buf[len - 1] == '\n',
			      "line for n=%zu does not end in }\\n", n);
		int w = snprintf(want, sizeof(want), "{\"n\":%zu,\"s\":\"%s\"}\n", n, s);
		if (len == strlen(marker) && memcmp(buf, marker, len) == 0)
			ck_assert_msg((size_t)w > CAP - 46, "n=%zu truncated though it fits", n);
		else
			ck_assert_msg(len == (size_t)w && memcmp(buf, want, len) == 0,
				      "n=%zu: wrong line '%.*s'", n, (int)len, buf);
	}
}
END_TEST

START_TEST(test_small_buffer_gives_marker)
{
	/* Too small for anything but the marker itself. */
	char buf[sizeof(marker) - 1];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "a", 1);
	expect_line(&j, marker);
}
END_TEST

START_TEST(test_reuse_after_truncation)
{
	char buf[128];
	char big[300];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", big);
	expect_line(&j, marker);
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str(&j, "s", "ok");
	expect_line(&j, "{\"s\":\"ok\"}\n");
}
END_TEST

/* cb_json_str_max: a value that fits is whole and unmarked; a longer one
 * is cut before the escape or UTF-8 sequence that would cross MAX, and
 * marked; the members after it stay. */
START_TEST(test_str_max)
{
	char buf[256];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str_max(&j, "a", "abcd", 4);
	cb_json_str_max(&j, "b", "ab\\cd", 3); /* a b \\ is 4 bytes: cut after b */
	cb_json_str_max(&j, "c", "x\xc3\xa9y", 2); /* e-acute is 2 bytes: not split */
	cb_json_str_max(&j, "d", NULL, 0);
	cb_json_str_max(&j, "e", "\x01", 5);
	cb_json_int(&j, "fd", 3);
	expect_line(&j, "{\"a\":\"abcd\",\"b\":\"ab\",\"b_truncated\":true,"
			"\"c\":\"x\",\"c_truncated\":true,\"d\":null,"
			"\"e\":\"\",\"e_truncated\":true,\"fd\":3}\n");
}
END_TEST

/* Plain strings are copied as they are scanned, others escaped: at MAX
 * exactly a plain value is whole, one byte more and it is cut there; keys
 * and values of either kind mix in one line; a long key's "_truncated"
 * companion is cut to 63 bytes. */
START_TEST(test_plain_and_escaped_mix)
{
	char buf[512], want[512], key[80];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str_max(&j, "a", "abcdef", 6);
	cb_json_str_max(&j, "b", "abcdefg", 6);
	cb_json_str(&j, "c\"", "plain");
	cb_json_str(&j, "d", "x\"y");
	cb_json_str_max(&j, "e", "\xc3\xa9\xc3\xa9", 3); /* no split UTF-8 sequence */
	cb_json_int(&j, "f\n", -7);
	expect_line(&j, "{\"a\":\"abcdef\",\"b\":\"abcdef\",\"b_truncated\":true,"
			"\"c\\\"\":\"plain\",\"d\":\"x\\\"y\",\"e\":\"\xc3\xa9\",\"e_truncated\":true,"
			"\"f\\u000a\":-7}\n");

	memset(key, 'k', 70);
	key[70] = 0;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str_max(&j, key, "xy", 1);
	snprintf(want, sizeof(want), "{\"%s\":\"x\",\"%.63s\":true}\n", key, key);
	expect_line(&j, want);
	key[58] = 0; /* 58 + "_truncated" is 68: cut to 63 */
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_str_max(&j, key, "xy", 1);
	snprintf(want, sizeof(want), "{\"%s\":\"x\",\"%s_trun\":true}\n", key, key);
	expect_line(&j, want);
}
END_TEST

/* The log's case: PATH_MAX backslashes escape to 8 KiB; capped, they
 * leave the members after them in an 8 KiB line. */
START_TEST(test_str_max_keeps_later_members)
{
	char buf[8192], path[4096];
	memset(path, '\\', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_json_int(&j, "fd", 5);
	cb_json_str_max(&j, "path", path, 6144);
	cb_json_str(&j, "action", "performed");
	size_t n = cb_json_end(&j);
	ck_assert_uint_le(n, sizeof(buf));
	static const char tail[] = "\",\"path_truncated\":true,\"action\":\"performed\"}\n";
	static const char head[] = "{\"fd\":5,\"path\":\"\\\\";
	ck_assert(n > sizeof(tail) && !memcmp(buf + n - (sizeof(tail) - 1), tail, sizeof(tail) - 1));
	ck_assert(!memcmp(buf, head, sizeof(head) - 1));
	/* 6144 escaped bytes: 3072 backslashes. */
	ck_assert_uint_eq(n, strlen("{\"fd\":5,\"path\":\"") + 6144 +
				     strlen("\",\"path_truncated\":true,\"action\":\"performed\"}\n"));
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("build");
	tcase_add_test(tc, test_empty_object);
	tcase_add_test(tc, test_members);
	tcase_add_test(tc, test_str_null_value);
	tcase_add_test(tc, test_int_limits);
	tcase_add_test(tc, test_hex_limits);
	tcase_add_test(tc, test_nested_object);
	tcase_add_test(tc, test_nested_first_and_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape_quote_backslash);
	tcase_add_test(tc, test_escape_control_chars);
	tcase_add_test(tc, test_non_ascii_passes_through);
	tcase_add_test(tc, test_escape_in_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncate");
	tcase_add_test(tc, test_truncated_is_replaced);
	tcase_add_test(tc, test_truncated_inside_nested);
	tcase_add_test(tc, test_truncated_escape_expansion);
	tcase_add_test(tc, test_fits_exactly_at_the_limit);
	tcase_add_test(tc, test_every_length_is_valid);
	tcase_add_test(tc, test_small_buffer_gives_marker);
	tcase_add_test(tc, test_reuse_after_truncation);
	tcase_add_test(tc, test_str_max);
	tcase_add_test(tc, test_str_max_keeps_later_members);
	tcase_add_test(tc, test_plain_and_escaped_mix);
	suite_add_tcase(s, tc);
	return s;
}
