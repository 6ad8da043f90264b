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

/* Where N more bytes go, RESERVE held back; NULL (and the line marked
 * cut) when they do not fit. One check for a piece put() would take in
 * several: the line is cut if and only if one of them would not fit. */
static inline char *room(struct cb_json *j, size_t n)
{
	if (j->truncated || j->len + n + RESERVE > j->cap) {
		j->truncated = true;
		return NULL;
	}
	return j->buf + j->len;
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

/* Whether one of X's eight bytes is below N (N <= 128), or is N: exact for
 * the word as a whole, not for which byte. */
#define ONES 0x0101010101010101ull
static inline uint64_t has_below(uint64_t x, unsigned n) { return (x - ONES * n) & ~x & ONES * 0x80; }
static inline uint64_t has_byte(uint64_t x, unsigned c) { return has_below(x ^ (ONES * c), 1); }

/* The length of S's leading run of plain bytes: its length found first
 * (libc's strlen), then eight bytes at a time, all read within S. */
static inline size_t plain_run(const unsigned char *s)
{
	size_t len = strlen((const char *)s), n = 0;
	for (; n + 8 <= len; n += 8) {
		uint64_t w;
		memcpy(&w, s + n, 8);
		if (has_below(w, 0x20) | has_byte(w, '"') | has_byte(w, '\\') | has_byte(w, 0x7f))
			break;
	}
	while (plain(s[n]))
		n++;
	return n;
}

/* S quoted, at most MAX bytes between the quotes (SIZE_MAX: all of it).
 * A cut never splits an escape or a UTF-8 sequence. True when cut. Runs
 * of plain bytes are copied at once: paths and names are nearly all, and
 * a string of nothing else is scanned once and copied once. */
static bool quoted_max(struct cb_json *j, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = plain_run(p), out;
	if (!p[n] && n <= max) {
		char *d = room(j, n + 2);
		if (d) {
			d[0] = '"';
			memcpy(d + 1, p, n);
			d[n + 1] = '"';
			j->len += n + 2;
		}
		return false;
	}
	char esc[8];
	if (n > max)
		n = max;
	for (out = n; p[n]; n++) {
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
 * written out), with one check for room when the key needs no escape
 * (every key the records use). */
static void member(struct cb_json *j, const char *k, const char *val, size_t vlen)
{
	const unsigned char *p = (const unsigned char *)k;
	size_t n = plain_run(p);
	if (p[n]) {
		if (!j->first)
			put(j, ",", 1);
		j->first = false;
		quoted(j, k);
		put(j, ":", 1);
		put(j, val, vlen);
		return;
	}
	size_t comma = !j->first;
	j->first = false;
	char *d = room(j, comma + n + 3 + vlen);
	if (!d)
		return;
	*d = ',';
	d += comma;
	d[0] = '"';
	memcpy(d + 1, p, n);
	d[n + 1] = '"';
	d[n + 2] = ':';
	memcpy(d + n + 3, val, vlen);
	j->len += comma + n + 3 + vlen;
}

static void key(struct cb_json *j, const char *k) { member(j, k, "", 0); }

void cb_json_begin(struct cb_json *j, char *buf, size_t cap)
{
	*j = (struct cb_json){ .buf = buf, .cap = cap, .first = true };
	put(j, "{", 1);
}

/* KEY and V quoted (at most MAX bytes of it); true when V was cut. A key
 * and a value of plain bytes only (nearly every member) are scanned once
 * and written with one check for room. */
static bool member_quoted(struct cb_json *j, const char *k, const char *v, size_t max)
{
	const unsigned char *kp = (const unsigned char *)k, *vp = (const unsigned char *)v;
	size_t n = plain_run(kp), m = plain_run(vp);
	if (kp[n] || vp[m] || m > max) {
		key(j, k);
		return quoted_max(j, v, max);
	}
	size_t comma = !j->first, all = comma + n + m + 5;
	j->first = false;
	char *d = room(j, all);
	if (!d)
		return false;
	*d = ',';
	d += comma;
	d[0] = '"';
	memcpy(d + 1, kp, n);
	memcpy(d + n + 1, "\":\"", 3);
	memcpy(d + n + 4, vp, m);
	d[n + m + 4] = '"';
	j->len += all;
	return false;
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
