#include "json.h"

#include <inttypes.h>
#include <stdbool.h>
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

/* How P's byte is written inside a JSON string: into ESC, its length. */
static size_t escaped(unsigned char c, char esc[8])
{
	static const char hex[] = "0123456789abcdef";
	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		return 6;
	}
	esc[0] = (char)c;
	return 1;
}

/* The bytes written as they are inside a JSON string: all but controls,
 * DEL, '"' and '\\' (and NUL, which ends every string here). */
static const unsigned char plain_byte[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1, [0x80 ... 0xff] = 1,
};

static inline bool plain(unsigned char c) { return plain_byte[c]; }

/* Bytes free for the next piece, RESERVE held back; 0 once cut. */
static inline size_t room_left(const struct cb_json *j)
{
	return j->truncated || j->len + RESERVE > j->cap ? 0 : j->cap - j->len - RESERVE;
}

/* S's leading run of plain bytes copied to D, LIMIT of them at most;
 * returns how many. One pass that scans and copies: what records hold are
 * short names and paths, for which a strlen or a memcpy call costs more
 * than the bytes. */
static inline size_t copy_plain(char *d, const unsigned char *s, size_t limit)
{
	size_t n = 0;
	for (; n < limit && plain(s[n]); n++)
		d[n] = (char)s[n];
	return n;
}

/* S quoted, at most MAX bytes between the quotes (SIZE_MAX: all of it).
 * A cut never splits an escape or a UTF-8 sequence. True when cut. A
 * string of plain bytes that fits is copied as it is scanned, into the
 * room after the line (committed only when it is all there); any other
 * goes by runs and escapes. */
static bool quoted_max(struct cb_json *j, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = room_left(j);
	if (left >= 2) {
		char *d = j->buf + j->len;
		size_t n = copy_plain(d + 1, p, left - 2 < max ? left - 2 : max);
		if (!p[n]) {
			d[0] = '"';
			d[n + 1] = '"';
			j->len += n + 2;
			return false;
		}
	}
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

/* The separator and KEY, then the VLEN bytes of VAL (a value already
 * written out): in one piece when the key is plain (every key the records
 * use) and it all fits. */
static void member(struct cb_json *j, const char *k, const char *val, size_t vlen)
{
	const unsigned char *p = (const unsigned char *)k;
	size_t comma = !j->first, left = room_left(j);
	if (left >= comma + 3 + vlen) {
		char *d = j->buf + j->len;
		size_t n = copy_plain(d + comma + 1, p, left - comma - 3 - vlen);
		if (!p[n]) {
			d[0] = ',';
			d[comma] = '"';
			d[comma + n + 1] = '"';
			d[comma + n + 2] = ':';
			memcpy(d + comma + n + 3, val, vlen);
			j->len += comma + n + 3 + vlen;
			j->first = false;
			return;
		}
	}
	if (!j->first)
		put(j, ",", 1);
	j->first = false;
	quoted(j, k);
	put(j, ":", 1);
	put(j, val, vlen);
}

static void key(struct cb_json *j, const char *k) { member(j, k, "", 0); }

void cb_json_begin(struct cb_json *j, char *buf, size_t cap)
{
	*j = (struct cb_json){ .buf = buf, .cap = cap, .first = true };
	put(j, "{", 1);
}

/* KEY and V quoted (at most MAX bytes of it); true when V was cut. A key
 * and a value of plain bytes that fit (nearly every member) are copied as
 * they are scanned, in one piece. */
static bool member_quoted(struct cb_json *j, const char *k, const char *v, size_t max)
{
	const unsigned char *kp = (const unsigned char *)k, *vp = (const unsigned char *)v;
	size_t comma = !j->first, left = room_left(j);
	if (left >= comma + 5) {
		char *d = j->buf + j->len, *q = d + comma + 1;
		size_t lim = left - comma - 5, n = copy_plain(q, kp, lim);
		if (!kp[n]) {
			lim -= n;
			size_t m = copy_plain(q + n + 3, vp, lim < max ? lim : max);
			if (!vp[m]) {
				d[0] = ',';
				d[comma] = '"';
				memcpy(q + n, "\":\"", 3);
				q[n + 3 + m] = '"';
				j->len += comma + n + m + 5;
				j->first = false;
				return false;
			}
		}
	}
	key(j, k);
	return quoted_max(j, v, max);
}

void cb_json_str(struct cb_json *j, const char *k, const char *v)
{
	if (v)
		member_quoted(j, k, v, SIZE_MAX);
	else
		member(j, k, "null", 4);
}

void cb_json_str_max(struct cb_json *j, const char *k, const char *v, size_t max)
{
	if (!v) {
		member(j, k, "null", 4);
		return;
	}
	if (member_quoted(j, k, v, max)) {
		/* KEY_truncated, KEY cut as snprintf into 64 bytes would. */
		char k2[64];
		size_t kl = strnlen(k, sizeof(k2) - 1), tl = sizeof("_truncated") - 1;
		memcpy(k2, k, kl);
		memcpy(k2 + kl, "_truncated", tl < sizeof(k2) - 1 - kl ? tl : sizeof(k2) - 1 - kl);
		k2[kl + tl < sizeof(k2) - 1 ? kl + tl : sizeof(k2) - 1] = 0;
		member(j, k2, "true", 4);
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
	char *p = fmt_int(num, v);
	member(j, k, p, (size_t)(num + 32 - p));
}

void cb_json_hex(struct cb_json *j, const char *k, uint64_t v)
{
	char num[32];
	char *p = fmt_hex(num, v);
	member(j, k, p, (size_t)(num + 32 - p));
}

void cb_json_null(struct cb_json *j, const char *k) { member(j, k, "null", 4); }

void cb_json_bool(struct cb_json *j, const char *k, bool v)
{
	member(j, k, v ? "true" : "false", v ? 4 : 5);
}

void cb_json_raw(struct cb_json *j, const char *k, const char *raw)
{
	member(j, k, raw, strlen(raw));
}

void cb_json_open(struct cb_json *j, const char *k)
{
	member(j, k, "{", 1);
	j->first = true;
}

void cb_json_arr_open(struct cb_json *j, const char *k)
{
	member(j, k, "[", 1);
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
