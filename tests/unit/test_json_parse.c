/* common/json_parse.c: the strict JSON reader OCI profiles go through. */
#include <errno.h>
#include <string.h>

#include "../../common/json_parse.h"
#include "suites.h"

START_TEST(test_values_and_positions)
{
	const char *t = "{\"a\": [1, 18446744073709551615, -2, 1.5, true, null],\n"
			" \"s\": \"x\\u00e9\\ud83d\\ude00\\n\", \"o\": {}}";
	struct cb_jval *v;
	struct cb_err err;
	ck_assert_int_eq(cb_json_parse(t, strlen(t), &v, &err), 0);
	const struct cb_jval *a = cb_jval_get(v, "a");
	ck_assert_int_eq(a->type, CB_J_ARRAY);
	ck_assert_int_eq(a->n, 6);
	ck_assert(a->v[1].is_uint);
	ck_assert_uint_eq(a->v[1].u, UINT64_MAX);
	ck_assert(!a->v[2].is_uint);
	ck_assert(!a->v[3].is_uint);
	ck_assert(a->v[4].b);
	ck_assert_int_eq(a->v[5].type, CB_J_NULL);
	const struct cb_jval *s = cb_jval_get(v, "s");
	ck_assert_str_eq(s->s, "x\xc3\xa9\xf0\x9f\x98\x80\n");
	ck_assert_int_eq(s->line, 2);
	ck_assert_int_eq(s->col, 7);
	ck_assert_int_eq(cb_jval_get(v, "o")->n, 0);
	ck_assert_ptr_null(cb_jval_get(v, "none"));
	cb_jval_free(v);
}
END_TEST

static const struct { const char *t, *msg; } bad[] = {
	{ "[1,]", "1:4: expected a value after ',' (no trailing commas in JSON)" },
	{ "{\"a\":1,\"a\":2}", "1:8: duplicate key \"a\"" },
	{ "{a:1}", "1:2: expected a key in double quotes" },
	{ "\"\\x\"", "1:3: unknown escape in a string" },
	{ "\"\\ud800\"", "1:8: lone UTF-16 surrogate" },
	{ "\"a\nb\"", "1:3: control character in a string" },
	{ "[1] 2", "1:5: expected the end of the text after the value" },
	{ "01", "1:2: expected the end of the text" },
	{ "", "1:1: expected a value, found the end of the text" },
	{ "[\"unclosed", "1:11: string not closed" },
	{ "// no comments", "1:1: expected a value" },
	{ "\"\\u0000\"", "1:8: \\u0000 in a string is not accepted" },
	{ "[1 2]", "1:4: expected ',' or ']'" },
	{ "tru", "1:1: expected a value" },
};

START_TEST(test_errors)
{
	struct cb_jval *v = NULL;
	struct cb_err err;
	int rc = cb_json_parse(bad[_i].t, strlen(bad[_i].t), &v, &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(!strncmp(err.msg, bad[_i].msg, strlen(bad[_i].msg)), "'%s': got '%s' want '%s'",
		      bad[_i].t, err.msg, bad[_i].msg);
}
END_TEST

START_TEST(test_depth_and_nul)
{
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	struct cb_jval *v;
	struct cb_err err;
	ck_assert_int_eq(cb_json_parse(deep, sizeof(deep), &v, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "nested deeper than 64"), "%s", err.msg);
	ck_assert_int_eq(cb_json_parse("[1]\0", 4, &v, &err), -EINVAL);
	ck_assert_int_eq(cb_json_parse("\"a\0b\"", 5, &v, &err), -EINVAL);
}
END_TEST

Suite *json_parse_suite(void)
{
	Suite *s = suite_create("json_parse");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_values_and_positions);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_depth_and_nul);
	suite_add_tcase(s, tc);
	return s;
}
