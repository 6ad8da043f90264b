/* A small strict JSON reader (RFC 8259): a tree of values, each with the
 * line and column it starts at, so a reader of the tree can point at what
 * it does not accept. No comments, no trailing commas, no duplicate keys. */
#ifndef CB_JSON_PARSE_H
#define CB_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum cb_jtype { CB_J_NULL, CB_J_BOOL, CB_J_NUMBER, CB_J_STRING, CB_J_ARRAY, CB_J_OBJECT };

struct cb_jval {
	enum cb_jtype type;
	int line, col;
	bool b;              /* CB_J_BOOL */
	bool is_uint;        /* CB_J_NUMBER: a non-negative integer that fits 64 bits */
	uint64_t u;          /* ... its value */
	char *s;             /* CB_J_STRING, decoded (NUL-terminated; no NUL inside) */
	struct cb_jval *v;   /* CB_J_ARRAY items, CB_J_OBJECT values */
	char **k;            /* CB_J_OBJECT keys */
	int n;
};

/* Parse TEXT of LEN bytes. 0 and *OUT (free with cb_jval_free), or
 * -EINVAL with "LINE:COL: what was expected" in ERR. */
int cb_json_parse(const char *text, size_t len, struct cb_jval **out, struct cb_err *err);
void cb_jval_free(struct cb_jval *v);

/* Memory for many parses in a row (the lines of a JSON-lines file): the
 * values of a parse live until the next reset, and a reset keeps the blocks
 * for the next parse. Zero-initialise; free with cb_jarena_free. */
struct cb_jarena {
	struct cb_jblock *head, *spare;
};
/* As cb_json_parse, the tree in ARENA (not freed with cb_jval_free). */
int cb_json_parse_arena(const char *text, size_t len, struct cb_jarena *arena,
			struct cb_jval **out, struct cb_err *err);
void cb_jarena_reset(struct cb_jarena *a);
void cb_jarena_free(struct cb_jarena *a);
/* The member KEY of object O, or NULL (also when O is not an object). */
const struct cb_jval *cb_jval_get(const struct cb_jval *o, const char *key);
/* "a string", "an array", ... for messages. */
const char *cb_jtype_name(enum cb_jtype t);

#endif
