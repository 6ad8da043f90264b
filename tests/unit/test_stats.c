/* supervisor/stats.c: per-worker counts, their sum, the JSON record. */
#include <stdlib.h>
#include <string.h>

#include "../../common/json_parse.h"
#include "../../supervisor/stats.h"
#include "suites.h"

static uint64_t member(const struct cb_jval *o, const char *key)
{
	const struct cb_jval *v = cb_jval_get(o, key);
	ck_assert_msg(v && v->type == CB_J_NUMBER, "no number '%s'", key);
	return v->u;
}

START_TEST(test_blocks_sum_and_json)
{
	/* Two workers' blocks; the sum sees both, also blocks made earlier
	 * by other tests of this process (none count i386 read 3). */
	struct cb_stats *a = cb_stats_new(), *b = cb_stats_new();
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	for (int i = 0; i < 5; i++)
		cb_stats_count(a, CB_ARCH_I386, 3, CB_OUT_TRANSLATED);
	cb_stats_count(b, CB_ARCH_I386, 3, CB_OUT_ERRORS);
	cb_stats_count(b, CB_ARCH_I386, 3, CB_OUT_K_NAMESPACE);
	cb_stats_count(b, CB_ARCH_I386, 3, CB_OUT_K_NAMESPACE);
	cb_stats_count(b, CB_ARCH_X86_64, 16, CB_OUT_DENIED);
	/* Out of range: ignored, never a write out of the block. */
	cb_stats_count(b, CB_ARCH_I386, CB_NR_MAX, CB_OUT_PERFORMED);
	cb_stats_count(b, CB_ARCH_UNKNOWN, 3, CB_OUT_PERFORMED);
	cb_stats_count(NULL, CB_ARCH_I386, 3, CB_OUT_PERFORMED);

	struct cb_stats *t = calloc(1, sizeof(*t));
	cb_stats_sum(t);
	ck_assert_uint_eq(t->n[CB_ARCH_I386][3][CB_OUT_TRANSLATED], 5);
	ck_assert_uint_eq(t->n[CB_ARCH_I386][3][CB_OUT_K_NAMESPACE], 2);

	size_t len;
	char *json = cb_stats_json(t, &len);
	ck_assert_ptr_nonnull(json);
	ck_assert_uint_eq(strlen(json), len);
	ck_assert(len > 0 && json[len - 1] == '\n');
	struct cb_jval *root;
	struct cb_err err = { 0 };
	ck_assert_msg(cb_json_parse(json, len, &root, &err) == 0, "%s", err.msg);
	const struct cb_jval *calls = cb_jval_get(cb_jval_get(root, "stats"), "calls");
	ck_assert_ptr_nonnull(calls);
	ck_assert_int_eq(calls->n, 2);
	const struct cb_jval *rd = &calls->v[1]; /* x86_64 first */
	ck_assert_str_eq(cb_jval_get(rd, "arch")->s, "i386");
	ck_assert_str_eq(cb_jval_get(rd, "syscall")->s, "read");
	ck_assert_uint_eq(member(rd, "total"), 8);
	ck_assert_uint_eq(member(rd, "translated"), 5);
	ck_assert_uint_eq(member(rd, "errors"), 1);
	ck_assert_uint_eq(member(rd, "performed"), 0);
	ck_assert_uint_eq(member(rd, "kernel"), 2);
	ck_assert_uint_eq(member(cb_jval_get(rd, "kernel_why"), "namespace"), 2);
	ck_assert_int_eq(cb_jval_get(rd, "kernel_why")->n, 1);
	const struct cb_jval *io = &calls->v[0];
	ck_assert_str_eq(cb_jval_get(io, "syscall")->s, "ioctl");
	ck_assert_uint_eq(member(io, "denied"), 1);
	const struct cb_jval *all = cb_jval_get(cb_jval_get(root, "stats"), "all");
	ck_assert_uint_eq(member(all, "total"), 9);
	ck_assert_uint_eq(member(all, "kernel"), 2);
	cb_jval_free(root);
	free(json);
	free(t);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(cb_outcome_name(CB_OUT_K_NO_WORKER), "no-worker");
	ck_assert_str_eq(cb_outcome_name(CB_OUT_K_TASK), "task");
	ck_assert(cb_outcome_kernel(CB_OUT_K_TASK));
	ck_assert_str_eq(cb_outcome_name(CB_OUT_TRANSLATED), "translated");
	ck_assert(!cb_outcome_kernel(CB_OUT_ABANDONED));
	ck_assert(cb_outcome_kernel(CB_OUT_K_RULE));
}
END_TEST

Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("count");
	tcase_add_test(tc, test_blocks_sum_and_json);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
