/* report/: the trail reader and the aggregate, on hand-written trails. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/json_parse.h"
#include "../../report/aggregate.h"
#include "../../report/output.h"
#include "suites.h"

#ifndef CB_TEST_REPORT_DIR /* tests/unit/meson.build sets the absolute path */
#define CB_TEST_REPORT_DIR "tests/report"
#endif

static char *slurp(const char *name, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", CB_TEST_REPORT_DIR, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s", path);
	char *buf = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&buf, &cap);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	*len = cap;
	return buf;
}

static void aggregate(struct cb_agg *a, const char *text, size_t len)
{
	cb_agg_init(a);
	ck_assert_int_eq(cb_trail_read_mem(text, len, cb_agg_add, a, &a->read), 0);
	cb_agg_finish(a);
}

static char *render(void (*out)(FILE *, const struct cb_agg *, const char *), const struct cb_agg *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	out(m, a, "small.trail");
	fclose(m);
	return buf;
}

/* The table of tests/report/small.trail, line for line. */
START_TEST(test_table_exact)
{
	size_t len, elen;
	char *text = slurp("small.trail", &len);
	char *want = slurp("small.expected", &elen);
	struct cb_agg a;
	aggregate(&a, text, len);
	char *got = render(cb_report_table, &a);
	char *g = got, *w = want;
	for (int line = 1; *g || *w; line++) {
		size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
		ck_assert_msg(gl == wl && !memcmp(g, w, gl), "line %d:\n got: %.*s\nwant: %.*s", line,
			      (int)gl, g, (int)wl, w);
		g += gl + (g[gl] == '\n');
		w += wl + (w[wl] == '\n');
	}
	free(got);
	free(want);
	free(text);
	cb_agg_free(&a);
}
END_TEST

/* The counts the table is made of, said independently of its layout. */
START_TEST(test_counts)
{
	size_t len;
	char *text = slurp("small.trail", &len);
	struct cb_agg a;
	aggregate(&a, text, len);
	ck_assert_uint_eq(a.read.records, 13);
	ck_assert_uint_eq(a.read.malformed, 2);  /* not JSON; a call without "sys" */
	ck_assert_uint_eq(a.read.first_bad_line, 10);
	ck_assert_uint_gt(a.read.partial_bytes, 0);
	ck_assert_uint_eq(a.calls, 8);
	ck_assert_uint_eq(a.dropped, 3);
	ck_assert_uint_eq(a.ioctl.n, 5);
	ck_assert_uint_eq(a.denied.n, 1);
	ck_assert_uint_eq(a.proc.n, 2);
	const struct cb_agg_ioctl *mydev = cb_map_at(&a.ioctl, 0);
	ck_assert_uint_eq(mydev->req, 0x80104d01);
	ck_assert(cb_agg_ioctl_unknown(mydev));
	ck_assert_uint_eq(mydev->n, 2);
	ck_assert_int_eq(mydev->native_enotty, 1);
	ck_assert_uint_eq(mydev->ptr_words[0], 1u << 2); /* offset 8: word 2 */
	ck_assert_str_eq(mydev->other_size[0], "MYDEV_GET(24)");
	free(text);
	cb_agg_free(&a);
}
END_TEST

/* A trail `compatbox audit` wrote of tests/guests/audit_guest.c (i386):
 * the counts that guest makes, from two processes. */
START_TEST(test_audit_guest_trail)
{
	size_t len;
	char *text = slurp("audit32.trail", &len);
	struct cb_agg a;
	aggregate(&a, text, len);
	ck_assert_uint_eq(a.read.malformed, 0);
	ck_assert_uint_eq(a.calls, 32);
	ck_assert_uint_eq(a.ioctl.n, 13);
	ck_assert_uint_eq(a.proc.n, 2);
	size_t unknown = 0;
	const struct cb_agg_ioctl *ptr = NULL, *mismatch = NULL;
	for (size_t i = 0; i < a.ioctl.n; i++) {
		const struct cb_agg_ioctl *e = cb_map_at(&a.ioctl, i);
		unknown += cb_agg_ioctl_unknown(e);
		if (e->req == 0x40085a07)
			ptr = e;
		if (e->req == 0x80086601)
			mismatch = e;
	}
	ck_assert_uint_eq(unknown, 5);
	ck_assert_ptr_nonnull(ptr);
	ck_assert_uint_eq(ptr->n, 3);
	ck_assert_uint_eq(ptr->ptr_words[0], 1); /* offset 0 */
	ck_assert_ptr_nonnull(mismatch);
	ck_assert_str_eq(mismatch->other_abi, "FS_IOC_GETFLAGS");
	/* The child's parent is the first process. */
	const struct cb_agg_proc *p0 = cb_map_at(&a.proc, 0), *p1 = cb_map_at(&a.proc, 1);
	ck_assert_int_eq(p1->ppid, p0->pid);
	ck_assert_uint_eq(p0->calls + p1->calls, 32);
	ck_assert_uint_eq(p0->threads + p1->threads, 3); /* the guest's second thread */
	free(text);
	cb_agg_free(&a);
}
END_TEST

/* A last line without '\n' is not read, whatever it holds; a blank line
 * is nothing; an unknown kind and unknown keys are accepted; another
 * schema version is not guessed at. */
START_TEST(test_partial_and_unknown)
{
	const char *t = "{\"v\":1,\"kind\":\"call\",\"syscall\":\"read\",\"arch\":\"i386\",\"new\":[{}]}\n"
			"\n"
			"{\"v\":1,\"kind\":\"novel\",\"x\":1}\n"
			"{\"v\":2,\"kind\":\"call\",\"syscall\":\"read\",\"arch\":\"i386\"}\n"
			"{\"truncated\":true}\n"
			"{\"v\":1,\"kind\":\"call\",\"syscall\":\"write\",\"arch\":\"i386\"}";
	struct cb_agg a;
	aggregate(&a, t, strlen(t));
	ck_assert_uint_eq(a.read.lines, 5);
	ck_assert_uint_eq(a.read.records, 3);
	ck_assert_uint_eq(a.truncated, 1);
	ck_assert_uint_eq(a.read.malformed, 1);
	ck_assert_uint_eq(a.read.first_bad_line, 4);
	ck_assert_ptr_nonnull(strstr(a.read.first_bad, "schema version"));
	ck_assert_uint_eq(a.read.partial_bytes, strlen(strrchr(t, '\n') + 1));
	ck_assert_uint_eq(a.calls, 1);
	cb_agg_free(&a);
}
END_TEST

/* run --log's stats record (docs/audit.md), before end, is a record of
 * the trail: read, neither malformed nor counted as a call. */
START_TEST(test_stats_record)
{
	const char *t = "{\"v\":1,\"kind\":\"start\",\"t\":1,\"argv\":[\"g\"]}\n"
			"{\"v\":1,\"kind\":\"call\",\"t\":2,\"syscall\":\"ioctl\",\"arch\":\"i386\"}\n"
			"{\"v\":1,\"kind\":\"stats\",\"t\":3,\"stats\":{\"calls\":[{\"arch\":\"i386\","
			"\"syscall\":\"ioctl\",\"nr\":54,\"total\":1,\"performed\":1}],"
			"\"all\":{\"total\":1,\"performed\":1}}}\n"
			"{\"v\":1,\"kind\":\"end\",\"t\":4,\"status\":0,\"calls\":1,\"dropped\":0}\n";
	struct cb_agg a;
	aggregate(&a, t, strlen(t));
	ck_assert_uint_eq(a.read.lines, 4);
	ck_assert_uint_eq(a.read.records, 4);
	ck_assert_uint_eq(a.read.malformed, 0);
	ck_assert_uint_eq(a.calls, 1);
	cb_agg_free(&a);
}
END_TEST

/* Through a pipe, in reads that split lines anywhere, and a line longer
 * than the reader keeps: skipped and counted, the next one read. */
START_TEST(test_fd_long_line)
{
	size_t big = CB_TRAIL_LINE_MAX + 100;
	char *text = malloc(big + 200);
	ck_assert_ptr_nonnull(text);
	size_t o = (size_t)sprintf(text, "{\"v\":1,\"kind\":\"call\",\"syscall\":\"a\",\"pad\":\"");
	memset(text + o, 'x', big);
	o += big;
	o += (size_t)sprintf(text + o, "\"}\n{\"v\":1,\"kind\":\"call\",\"syscall\":\"b\"}\n");
	FILE *f = tmpfile();
	fwrite(text, 1, o, f);
	fflush(f);
	rewind(f);
	struct cb_agg a;
	struct cb_err err;
	cb_agg_init(&a);
	ck_assert_int_eq(cb_trail_read_fd(fileno(f), cb_agg_add, &a, &a.read, &err), 0);
	cb_agg_finish(&a);
	ck_assert_uint_eq(a.read.malformed, 1);
	ck_assert_uint_eq(a.read.records, 1);
	ck_assert_str_eq(((const struct cb_agg_sys *)cb_map_at(&a.sys, 0))->name, "b");
	fclose(f);
	free(text);
	cb_agg_free(&a);
}
END_TEST

/* --json is JSON, and says what the table says. */
START_TEST(test_json_output)
{
	size_t len;
	char *text = slurp("small.trail", &len);
	struct cb_agg a;
	aggregate(&a, text, len);
	char *js = render(cb_report_json, &a);
	struct cb_jval *v;
	struct cb_err err;
	ck_assert_msg(cb_json_parse(js, strlen(js), &v, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(cb_jval_get(v, "calls")->u, 8);
	ck_assert_uint_eq(cb_jval_get(v, "malformed")->u, 2);
	const struct cb_jval *io = cb_jval_get(v, "ioctls");
	ck_assert_int_eq(io->n, 5);
	ck_assert(cb_jval_get(&io->v[0], "unknown")->b);
	ck_assert_str_eq(cb_jval_get(&io->v[0], "req")->s, "0x80104d01");
	ck_assert_ptr_nonnull(cb_jval_get(cb_jval_get(&io->v[0], "explain"), "abi_gen"));
	cb_jval_free(v);
	free(js);
	free(text);
	cb_agg_free(&a);
}
END_TEST

/* The arena parser gives the tree the malloc one does, text after text. */
START_TEST(test_arena_parse)
{
	struct cb_jarena ar = { 0 };
	struct cb_err err;
	for (int i = 0; i < 3; i++) {
		struct cb_jval *v;
		const char *t = "{\"a\":[1,2,{\"b\":\"c\\n\"}],\"d\":\"plain text\"}";
		cb_jarena_reset(&ar);
		ck_assert_int_eq(cb_json_parse_arena(t, strlen(t), &ar, &v, &err), 0);
		ck_assert_str_eq(cb_jval_get(&cb_jval_get(v, "a")->v[2], "b")->s, "c\n");
		ck_assert_str_eq(cb_jval_get(v, "d")->s, "plain text");
		ck_assert_int_eq(cb_json_parse_arena("{\"a\":1,\"a\":2}", 13, &ar, &v, &err), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err.msg, "duplicate key"));
	}
	cb_jarena_free(&ar);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_table_exact);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_audit_guest_trail);
	tcase_add_test(tc, test_partial_and_unknown);
	tcase_add_test(tc, test_stats_record);
	tcase_add_test(tc, test_fd_long_line);
	tcase_add_test(tc, test_json_output);
	tcase_add_test(tc, test_arena_parse);
	suite_add_tcase(s, tc);
	return s;
}
