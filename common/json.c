#include "json.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Room kept back so that closing braces and the truncation marker fit. */
#define RESERVE 48

static void put(struct cb_json *j, const char *s, size_t n)
{
	if (j->truncated || j->len + n + RESERVE > j->cap) {
		j->truncated = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void puts_(struct cb_json *j, const char *s) { put(j, s, strlen(s)); }

/* How P's byte is written inside a JSON string: into ESC, its length. */
static size_t escaped(unsigned char c, char esc[8])
{
	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(esc, 8, "\\u%04x", c);
		return 6;
	}
	esc[0] = (char)c;
	return 1;
}

/* Whether byte C is written as it is inside a JSON string. */
static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
}

/* S quoted, at most MAX bytes between the quotes (SIZE_MAX: all of it).
 * A cut never splits an escape or a UTF-8 sequence. True when cut. Runs
 * of plain bytes are copied at once: paths and names are nearly all. */
static bool quoted_max(struct cb_json *j, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, out = 0;
	char esc[8];
	for (; p[n]; n++) {
		size_t e = plain(p[n]) ? 1 : escaped(p[n], esc);
		if (e > max - out)
			break;
		out += e;
	}
	bool cut = p[n] != 0;
	if (cut)
		while (n > 0 && (p[n] & 0xc0) == 0x80) /* back to a sequence's lead byte */
			n--;
	put(j, "\"", 1);
	for (size_t i = 0; i < n;) {
		size_t run = i;
		while (run < n && plain(p[run]))
			run++;
		if (run > i) {
			put(j, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		put(j, esc, escaped(p[i], esc));
		i++;
	}
	put(j, "\"", 1);
	return cut;
}

static void quoted(struct cb_json *j, const char *s) { quoted_max(j, s, SIZE_MAX); }

static void key(struct cb_json *j, const char *k)
{
	if (!j->first)
		put(j, ",", 1);
	j->first = false;
	quoted(j, k);
	put(j, ":", 1);
}

void cb_json_begin(struct cb_json *j, char *buf, size_t cap)
{
	*j = (struct cb_json){ .buf = buf, .cap = cap, .first = true };
	put(j, "{", 1);
}

void cb_json_str(struct cb_json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		quoted(j, v);
	else
		puts_(j, "null");
}

void cb_json_str_max(struct cb_json *j, const char *k, const char *v, size_t max)
{
	key(j, k);
	if (!v) {
		puts_(j, "null");
		return;
	}
	if (quoted_max(j, v, max)) {
		char k2[64];
		snprintf(k2, sizeof(k2), "%s_truncated", k);
		key(j, k2);
		puts_(j, "true");
	}
}

/* V in decimal (or hex, as "0x...") at the end of BUF[32]; returns where
 * it starts. No printf: a record has a dozen numbers. */
static char *fmt_int(char buf[32], int64_t v)
{
	char *p = buf + 32;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return p;
}

static char *fmt_hex(char buf[32], uint64_t v)
{
	static const char d[] = "0123456789abcdef";
	char *p = buf + 32;
	*--p = '"';
	do
		*--p = d[v & 15];
	while (v >>= 4);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	return p;
}

void cb_json_int(struct cb_json *j, const char *k, int64_t v)
{
	char num[32];
	key(j, k);
	char *p = fmt_int(num, v);
	put(j, p, (size_t)(num + 32 - p));
}

void cb_json_hex(struct cb_json *j, const char *k, uint64_t v)
{
	char num[32];
	key(j, k);
	char *p = fmt_hex(num, v);
	put(j, p, (size_t)(num + 32 - p));
}

void cb_json_null(struct cb_json *j, const char *k)
{
	key(j, k);
	puts_(j, "null");
}

void cb_json_bool(struct cb_json *j, const char *k, bool v)
{
	key(j, k);
	puts_(j, v ? "true" : "false");
}

void cb_json_raw(struct cb_json *j, const char *k, const char *raw)
{
	key(j, k);
	puts_(j, raw);
}

void cb_json_open(struct cb_json *j, const char *k)
{
	key(j, k);
	put(j, "{", 1);
	j->first = true;
}

void cb_json_arr_open(struct cb_json *j, const char *k)
{
	key(j, k);
	put(j, "[", 1);
	j->first = true;
}

static void elem(struct cb_json *j)
{
	if (!j->first)
		put(j, ",", 1);
	j->first = false;
}

void cb_json_arr_str(struct cb_json *j, const char *v, size_t max)
{
	elem(j);
	quoted_max(j, v, max);
}

void cb_json_arr_hex(struct cb_json *j, uint64_t v)
{
	char num[32];
	elem(j);
	char *p = fmt_hex(num, v);
	put(j, p, (size_t)(num + 32 - p));
}

void cb_json_arr_int(struct cb_json *j, int64_t v)
{
	char num[32];
	elem(j);
	char *p = fmt_int(num, v);
	put(j, p, (size_t)(num + 32 - p));
}

void cb_json_arr_close(struct cb_json *j)
{
	put(j, "]", 1);
	j->first = false;
}

void cb_json_close(struct cb_json *j)
{
	put(j, "}", 1);
	j->first = false;
}

/* Append without holding RESERVE back: for the closing, which it is kept for. */
static void put_final(struct cb_json *j, const char *s, size_t n)
{
	if (j->len + n > j->cap) {
		j->truncated = true;
		return;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

size_t cb_json_end(struct cb_json *j)
{
	if (j->truncated) {
		/* Unwind to a clean state: cut back to the last complete member
		 * at top level is not tracked, so restart with just the marker. */
		j->len = 0;
		j->truncated = false;
		put_final(j, "{\"truncated\":true}\n", 19);
		return j->len;
	}
	put_final(j, "}\n", 2); /* fits: every put() left RESERVE bytes free */
	return j->len;
}
