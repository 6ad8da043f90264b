/* audit/: the sink (queue, writer, drops, rotation) and the payload
 * decoding and inference. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../audit/payload.h"
#include "../../audit/sink.h"
#include "suites.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/cb-unit-audit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static size_t header(void *arg, char *buf, size_t cap)
{
	(void)arg;
	return (size_t)snprintf(buf, cap, "{\"kind\":\"start\"}\n");
}

/* Lines of FILE; each must end in '\n'. KIND: lines containing it. */
static int count(const char *file, const char *kind, long *sum_dropped)
{
	FILE *f = fopen(file, "r");
	ck_assert_ptr_nonnull(f);
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		ck_assert_msg(strchr(line, '\n'), "a record written whole: %s", line);
		long d;
		const char *c = strstr(line, "\"count\":");
		if (sum_dropped && c && sscanf(c, "\"count\":%ld", &d) == 1)
			*sum_dropped += d;
		n += !kind || strstr(line, kind) != NULL;
	}
	fclose(f);
	return n;
}

/* A sink writing to PATH (MAX_SIZE: rotation, 0 none), started with the
 * header record. */
static struct cb_sink *sink_at(const char *path, uint64_t max_size)
{
	struct cb_sink *s;
	struct cb_err err = { "" };
	ck_assert_int_eq(cb_sink_open(&s, path, max_size, header, NULL, &err), 0);
	return s;
}

START_TEST(test_sink_file)
{
	make_dir();
	char path[128];
	snprintf(path, sizeof(path), "%s/t.jsonl", dir);
	struct cb_sink *s;
	s = sink_at(path, 0);
	char rec[64];
	for (int i = 0; i < 1000; i++) {
		int n = snprintf(rec, sizeof(rec), "{\"kind\":\"call\",\"i\":%d}\n", i);
		cb_sink_put(s, rec, (size_t)n);
	}
	ck_assert_uint_eq(cb_sink_close(s, "{\"kind\":\"end\"}\n", 15), 0);
	cb_sink_free(s);
	ck_assert_int_eq(count(path, NULL, NULL), 1002);
	ck_assert_int_eq(count(path, "\"call\"", NULL), 1000);
	ck_assert_int_eq(count(path, "\"start\"", NULL), 1);
	ck_assert_int_eq(count(path, "\"end\"", NULL), 1);
	remove_dir();
}
END_TEST

struct drain {
	int fd;
	const char *out;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	int o = open(d->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char buf[65536];
	ssize_t n;
	while ((n = read(d->fd, buf, sizeof(buf))) > 0)
		(void)!write(o, buf, (size_t)n);
	close(o);
	return NULL;
}

/* A FIFO at PATH (128 bytes, filled in) in the test's directory, with a
 * reader that reads nothing yet (returned); OUT: where close_drained
 * copies what the FIFO gets. */
static int stalled_fifo(char *path, char *out)
{
	snprintf(path, 128, "%s/fifo", dir);
	snprintf(out, 128, "%s/out", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ge(r, 0);
	return r;
}

/* Close S, whose FIFO's reader R was stalled, with a reader that now
 * copies everything into OUT; the records dropped in all. */
static uint64_t close_drained(struct cb_sink *s, int r, const char *out)
{
	int fl = fcntl(r, F_GETFL);
	fcntl(r, F_SETFL, fl & ~O_NONBLOCK);
	struct drain d = { r, out };
	pthread_t th;
	pthread_create(&th, NULL, drain_main, &d);
	uint64_t dropped = cb_sink_close(s, "{\"kind\":\"end\"}\n", 15);
	cb_sink_free(s);
	pthread_join(th, NULL);
	close(r);
	return dropped;
}

/* close_drained, then: the dropped records in OUT say what was dropped,
 * and with the call records there make TOTAL; returns the call records. */
static int drained_calls(struct cb_sink *s, int r, const char *out, int total)
{
	uint64_t dropped = close_drained(s, r, out);
	long sum = 0;
	int calls = count(out, "\"call\"", NULL);
	count(out, "\"dropped\"", &sum);
	ck_assert_int_eq(sum, (long)dropped);
	ck_assert_int_eq(calls + sum, total);
	return calls;
}

START_TEST(test_sink_stalled_fifo_drops_and_counts)
{
	make_dir();
	char path[128], out[128];
	int r = stalled_fifo(path, out);
	struct cb_sink *s;
	s = sink_at(path, 0);
	/* 20000 records of 512 bytes: 10 MiB, far past the queue and the
	 * pipe; every put returns at once. */
	char rec[512];
	memset(rec, 'x', sizeof(rec));
	memcpy(rec, "{\"kind\":\"call\",\"pad\":\"", 22);
	memcpy(rec + sizeof(rec) - 3, "\"}\n", 3);
	const int total = 20000;
	for (int i = 0; i < total; i++)
		cb_sink_put(s, rec, sizeof(rec));
	ck_assert_uint_gt(cb_sink_dropped(s), 0);
	drained_calls(s, r, out, total);
	ck_assert_int_eq(count(out, "\"end\"", NULL), 1);
	remove_dir();
}
END_TEST

START_TEST(test_sink_rotation)
{
	make_dir();
	char path[128], p[140];
	snprintf(path, sizeof(path), "%s/r.jsonl", dir);
	struct cb_sink *s;
	s = sink_at(path, 4096);
	char rec[100];
	memset(rec, 'y', sizeof(rec));
	memcpy(rec, "{\"kind\":\"call\",\"p\":\"", 20);
	memcpy(rec + sizeof(rec) - 3, "\"}\n", 3);
	for (int i = 0; i < 200; i++) /* 20000 bytes: 5 files and a bit */
		cb_sink_put(s, rec, sizeof(rec));
	cb_sink_close(s, NULL, 0);
	cb_sink_free(s);
	int calls = 0, files = 0;
	for (int i = 0; i <= 9; i++) {
		if (i)
			snprintf(p, sizeof(p), "%s.%d", path, i);
		else
			snprintf(p, sizeof(p), "%s", path);
		struct stat st;
		if (stat(p, &st) != 0)
			continue;
		files++;
		ck_assert_int_le(st.st_size, 4096);
		ck_assert_int_eq(count(p, "\"start\"", NULL), 1);
		calls += count(p, "\"call\"", NULL);
	}
	ck_assert_int_ge(files, 5);
	ck_assert_int_eq(calls, 200);
	remove_dir();
}
END_TEST

/* The writer's formatter of the tests' raw records: a number (a binary
 * int, newlines and NULs among its bytes) becomes {"kind":"call","n":N}. */
static size_t format_n(void *arg, const void *rec, size_t len, char *buf, size_t cap)
{
	(*(int *)arg)++;
	int n;
	ck_assert_uint_eq(len, sizeof(n));
	memcpy(&n, rec, sizeof(n));
	return (size_t)snprintf(buf, cap, "{\"kind\":\"call\",\"n\":%d}\n", n);
}

START_TEST(test_sink_raw_in_order)
{
	make_dir();
	char path[128];
	snprintf(path, sizeof(path), "%s/raw.jsonl", dir);
	struct cb_sink *s;
	int formatted = 0;
	s = sink_at(path, 0);
	ck_assert_int_eq(cb_sink_formatter(s, format_n, &formatted), 0);
	/* Raw records whose bytes hold '\n' (10) and NULs, among text ones. */
	for (int i = 0; i < 3000; i++) {
		if (i % 3 == 0) {
			char t[64];
			int k = snprintf(t, sizeof(t), "{\"kind\":\"text\",\"n\":%d}\n", i);
			cb_sink_put(s, t, (size_t)k);
		} else {
			int v = i % 2 ? 10 : i;
			cb_sink_put_raw(s, &v, sizeof(v));
		}
	}
	ck_assert_uint_eq(cb_sink_close(s, "{\"kind\":\"end\"}\n", 15), 0);
	cb_sink_free(s);
	ck_assert_int_eq(formatted, 2000);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[256];
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "{\"kind\":\"start\"}\n");
	for (int i = 0; i < 3000; i++) {
		char want[64];
		if (i % 3 == 0)
			snprintf(want, sizeof(want), "{\"kind\":\"text\",\"n\":%d}\n", i);
		else
			snprintf(want, sizeof(want), "{\"kind\":\"call\",\"n\":%d}\n", i % 2 ? 10 : i);
		ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
		ck_assert_str_eq(line, want);
	}
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "{\"kind\":\"end\"}\n");
	ck_assert_ptr_null(fgets(line, sizeof(line), f));
	fclose(f);
	remove_dir();
}
END_TEST

/* A raw record nothing can format (no formatter; one the formatter
 * refuses) is a record lost, and counted, never bytes in the trail. */
static size_t refuse_odd(void *arg, const void *rec, size_t len, char *buf, size_t cap)
{
	int n;
	memcpy(&n, rec, sizeof(n));
	return n % 2 ? 0 : format_n(arg, rec, len, buf, cap);
}

START_TEST(test_sink_raw_unformatted_counted)
{
	make_dir();
	char path[128];
	struct cb_sink *s;
	int formatted = 0, v = 3;
	snprintf(path, sizeof(path), "%s/none.jsonl", dir);
	s = sink_at(path, 0);
	cb_sink_put_raw(s, &v, sizeof(v));
	ck_assert_uint_eq(cb_sink_close(s, NULL, 0), 1);
	cb_sink_free(s);
	long sum = 0;
	ck_assert_int_eq(count(path, NULL, &sum), 2); /* start, dropped */
	ck_assert_int_eq(sum, 1);
	snprintf(path, sizeof(path), "%s/odd.jsonl", dir);
	s = sink_at(path, 0);
	ck_assert_int_eq(cb_sink_formatter(s, refuse_odd, &formatted), 0);
	for (v = 0; v < 10; v++)
		cb_sink_put_raw(s, &v, sizeof(v));
	cb_sink_close(s, "{\"kind\":\"end\"}\n", 15);
	sum = 0;
	ck_assert_int_eq(count(path, "\"call\"", &sum), 5);
	ck_assert_int_eq(sum, 5);
	ck_assert_uint_eq(cb_sink_dropped(s), 5);
	cb_sink_free(s);
	remove_dir();
}
END_TEST

/* Raw records dropped by a stalled sink are counted one by one. */
START_TEST(test_sink_raw_drops_counted)
{
	make_dir();
	char path[128], out[128];
	int r = stalled_fifo(path, out);
	struct cb_sink *s;
	int formatted = 0;
	s = sink_at(path, 0);
	ck_assert_int_eq(cb_sink_formatter(s, format_n, &formatted), 0);
	const int total = 600000; /* 5.4 MB queued: past the queue and the pipe */
	int v = 7;
	for (int i = 0; i < total; i++)
		cb_sink_put_raw(s, &v, sizeof(v));
	ck_assert_uint_gt(cb_sink_dropped(s), 0);
	int calls = drained_calls(s, r, out, total);
	ck_assert_int_eq(calls, formatted);
	remove_dir();
}
END_TEST

static bool mapped_if_high(void *ctx, uint64_t addr)
{
	(*(int *)ctx)++;
	return addr >= 0x8000000 && addr < 0x9000000;
}

START_TEST(test_ptr_words)
{
	/* i386: words at 0 (mapped), 4 (a count), 8 (unmapped), 12 (mapped). */
	uint32_t w32[] = { 0x8001000, 16, 0x40000000, 0x8fff000 };
	int offs[8], asked = 0;
	int n = cb_payload_ptr_words(CB_ARCH_I386, w32, sizeof(w32), mapped_if_high, &asked, offs, 8);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(offs[0], 0);
	ck_assert_int_eq(offs[1], 12);
	ck_assert_int_eq(asked, 3); /* 16 is no address: not looked up */
	/* x86_64: 8-byte words. */
	uint64_t w64[] = { 7, 0x8002000 };
	asked = 0;
	n = cb_payload_ptr_words(CB_ARCH_X86_64, w64, sizeof(w64), mapped_if_high, &asked, offs, 8);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(offs[0], 8);
	/* Bounded: at most CB_PAYLOAD_PTR_LOOKS look-ups whatever the size. */
	uint32_t many[256];
	for (int i = 0; i < 256; i++)
		many[i] = 0x8000000 + 4096u * (unsigned)i;
	asked = 0;
	n = cb_payload_ptr_words(CB_ARCH_I386, many, sizeof(many), mapped_if_high, &asked, offs, 8);
	ck_assert_int_le(asked, CB_PAYLOAD_PTR_LOOKS);
	ck_assert_int_eq(n, 8);
}
END_TEST

START_TEST(test_payload_hex_bounded)
{
	unsigned char b[300];
	for (int i = 0; i < 300; i++)
		b[i] = (unsigned char)i;
	char buf[4096];
	struct cb_json j;
	cb_json_begin(&j, buf, sizeof(buf));
	cb_payload_json(&j, CB_ARCH_I386, NULL, NULL, b, sizeof(b), 7853, "racy");
	size_t n = cb_json_end(&j);
	buf[n] = 0;
	ck_assert_ptr_nonnull(strstr(buf, "\"hex\":\"000102"));
	ck_assert_ptr_nonnull(strstr(buf, "\"truncated\":true,\"len\":7853,\"when\":\"racy\""));
	/* 256 bytes shown: 512 hex digits, no more. */
	const char *h = strstr(buf, "\"hex\":\"") + 7;
	ck_assert_int_eq((int)(strchr(h, '"') - h), 2 * CB_PAYLOAD_HEX_MAX);
}
END_TEST

Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_sink_file);
	tcase_add_test(tc, test_sink_stalled_fifo_drops_and_counts);
	tcase_add_test(tc, test_sink_rotation);
	tcase_add_test(tc, test_sink_raw_in_order);
	tcase_add_test(tc, test_sink_raw_drops_counted);
	tcase_add_test(tc, test_sink_raw_unformatted_counted);
	tcase_add_test(tc, test_ptr_words);
	tcase_add_test(tc, test_payload_hex_bounded);
	suite_add_tcase(s, tc);
	return s;
}
