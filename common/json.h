/* A bounded JSON line builder: one object per line, no allocation. */
#ifndef CB_JSON_H
#define CB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cb_json {
	char *buf;
	size_t cap, len;
	bool first;     /* no member yet in the innermost object */
	bool truncated; /* ran out of room: the line was cut short */
};

/* Start an object in BUF of CAP bytes. */
void cb_json_begin(struct cb_json *j, char *buf, size_t cap);
void cb_json_str(struct cb_json *j, const char *key, const char *val); /* NULL -> null */
/* As cb_json_str, with at most MAX bytes of the escaped value: a longer
 * one is cut (never inside an escape or a UTF-8 sequence) and followed by
 * "KEY_truncated":true. For strings the guest controls, so that they cannot
 * push a record's other members out of the line. */
void cb_json_str_max(struct cb_json *j, const char *key, const char *val, size_t max);
void cb_json_int(struct cb_json *j, const char *key, int64_t val);
void cb_json_hex(struct cb_json *j, const char *key, uint64_t val);  /* as "0x..." */
void cb_json_null(struct cb_json *j, const char *key);
void cb_json_bool(struct cb_json *j, const char *key, bool val);
/* RAW as the value, as it is: the caller made it valid JSON (an array of
 * numbers or of names it knows need no escaping). */
void cb_json_raw(struct cb_json *j, const char *key, const char *raw);
void cb_json_open(struct cb_json *j, const char *key);  /* nested object */
/* An array: its elements, then cb_json_arr_close. */
void cb_json_arr_open(struct cb_json *j, const char *key);
void cb_json_arr_str(struct cb_json *j, const char *val, size_t max);
void cb_json_arr_hex(struct cb_json *j, uint64_t val);
void cb_json_arr_int(struct cb_json *j, int64_t val);
void cb_json_arr_close(struct cb_json *j);
void cb_json_close(struct cb_json *j);
/* Close the top object and append '\n'; returns the line's length. A line
 * that did not fit is replaced by {"truncated":true}, still valid JSON. */
size_t cb_json_end(struct cb_json *j);

#endif
