#include "json_parse.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct reader {
	const char *p, *end;
	int line, col;
	struct cb_err *err;
	int depth;
	struct cb_jarena *arena; /* NULL: each value from malloc */
};

/* ---- memory: malloc, or an arena a caller resets between texts ---- */

struct cb_jblock {
	struct cb_jblock *next;
	size_t cap, used;
	max_align_t data[];
};

#define BLOCK_BYTES (64 * 1024)

static void *arena_alloc(struct cb_jarena *a, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	struct cb_jblock *b = a->head;
	if (!b || b->cap - b->used < n) {
		if (a->spare && a->spare->cap >= n) {
			b = a->spare;
			a->spare = b->next;
		} else {
			size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
			b = malloc(sizeof(*b) + cap);
			if (!b)
				return NULL;
			b->cap = cap;
		}
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void cb_jarena_reset(struct cb_jarena *a)
{
	/* Blocks go to the spare list: the next text of the same size
	 * allocates nothing. */
	while (a->head) {
		struct cb_jblock *b = a->head;
		a->head = b->next;
		b->used = 0;
		b->next = a->spare;
		a->spare = b;
	}
}

void cb_jarena_free(struct cb_jarena *a)
{
	cb_jarena_reset(a);
	while (a->spare) {
		struct cb_jblock *b = a->spare;
		a->spare = b->next;
		free(b);
	}
}

static void *ralloc(struct reader *r, size_t n)
{
	return r->arena ? arena_alloc(r->arena, n) : malloc(n);
}

static void *rrealloc(struct reader *r, void *p, size_t old, size_t n)
{
	if (!r->arena)
		return realloc(p, n);
	void *q = arena_alloc(r->arena, n);
	if (q && p)
		memcpy(q, p, old);
	return q;
}

static void rfree(struct reader *r, void *p)
{
	if (!r->arena)
		free(p);
}

__attribute__((format(printf, 2, 3)))
static int fail(struct reader *r, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cb_fail(r->err, EINVAL, "%d:%d: %s", r->line, r->col, msg);
}

static int peek(const struct reader *r)
{
	return r->p < r->end ? (unsigned char)*r->p : -1;
}

static void step(struct reader *r)
{
	if (*r->p == '\n') {
		r->line++;
		r->col = 1;
	} else if (((unsigned char)*r->p & 0xc0) != 0x80) {
		r->col++; /* columns count characters, not UTF-8 bytes */
	}
	r->p++;
}

static void blanks(struct reader *r)
{
	while (r->p < r->end) {
		switch (*r->p) {
		case ' ': case '\t': case '\n': case '\r':
			step(r);
			continue;
		}
		return;
	}
}

static int expect_word(struct reader *r, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return fail(r, "expected a value (a string, number, object, array, true, false or null)");
	for (size_t i = 0; i < n; i++)
		step(r);
	return 0;
}

static void put_utf8(char *out, size_t *o, uint32_t c)
{
	if (c < 0x80) {
		out[(*o)++] = (char)c;
	} else if (c < 0x800) {
		out[(*o)++] = (char)(0xc0 | c >> 6);
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		out[(*o)++] = (char)(0xe0 | c >> 12);
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	} else {
		out[(*o)++] = (char)(0xf0 | c >> 18);
		out[(*o)++] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[(*o)++] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[(*o)++] = (char)(0x80 | (c & 0x3f));
	}
}

static int hex4(struct reader *r, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int c = peek(r);
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return fail(r, "expected 4 hexadecimal digits after \\u");
		*v = *v << 4 | (uint32_t)d;
		step(r);
	}
	return 0;
}

static int string(struct reader *r, char **out)
{
	step(r); /* the quote */
	/* Decoded text is never longer than the source. */
	const char *q = memchr(r->p, '"', (size_t)(r->end - r->p));
	if (!q || memchr(r->p, '\\', (size_t)(q - r->p))) { /* escapes: walk them */
		q = r->p;
		while (q < r->end && *q != '"')
			q += *q == '\\' && q + 1 < r->end ? 2 : 1;
	}
	char *s = ralloc(r, (size_t)(q - r->p) + 1);
	if (!s)
		return cb_fail(r->err, ENOMEM, "out of memory");
	size_t o = 0;
	for (;;) {
		int c = peek(r);
		if (c < 0) {
			rfree(r, s);
			return fail(r, "string not closed");
		}
		if (c == '"') {
			step(r);
			break;
		}
		if (c < 0x20) {
			rfree(r, s);
			return fail(r, "control character in a string (write it as \\u%04x)", c);
		}
		if (c != '\\') {
			/* A run of plain characters at once: no newline can be in
			 * it (a control character), so only columns move. */
			const char *run = r->p;
			while (run < r->end && *run != '"' && *run != '\\' && (unsigned char)*run >= 0x20) {
				r->col += ((unsigned char)*run & 0xc0) != 0x80;
				run++;
			}
			memcpy(s + o, r->p, (size_t)(run - r->p));
			o += (size_t)(run - r->p);
			r->p = run;
			continue;
		}
		step(r);
		c = peek(r);
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *e = c > 0 ? strchr(from, c) : NULL;
		if (e && c) {
			s[o++] = to[e - from];
			step(r);
			continue;
		}
		if (c != 'u') {
			rfree(r, s);
			return fail(r, "unknown escape in a string (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
		}
		step(r);
		uint32_t u, lo;
		if (hex4(r, &u)) {
			rfree(r, s);
			return -EINVAL;
		}
		if (u >= 0xd800 && u < 0xdc00) {
			bool pair = peek(r) == '\\';
			if (pair)
				step(r);
			pair = pair && peek(r) == 'u';
			if (pair)
				step(r);
			if (!pair) {
				rfree(r, s);
				return fail(r, "lone UTF-16 surrogate in \\u escape");
			}
			if (hex4(r, &lo)) {
				rfree(r, s);
				return -EINVAL;
			}
			if (lo < 0xdc00 || lo > 0xdfff) {
				rfree(r, s);
				return fail(r, "lone UTF-16 surrogate in \\u escape");
			}
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
		} else if (u >= 0xdc00 && u < 0xe000) {
			rfree(r, s);
			return fail(r, "lone UTF-16 surrogate in \\u escape");
		}
		if (u == 0) {
			rfree(r, s);
			return fail(r, "\\u0000 in a string is not accepted");
		}
		put_utf8(s, &o, u);
	}
	s[o] = 0;
	*out = s;
	return 0;
}

static int number(struct reader *r, struct cb_jval *v)
{
	const char *start = r->p;
	bool neg = peek(r) == '-', frac = false;
	if (neg)
		step(r);
	if (peek(r) == '0') {
		step(r);
	} else if (peek(r) >= '1' && peek(r) <= '9') {
		while (peek(r) >= '0' && peek(r) <= '9')
			step(r);
	} else {
		return fail(r, "expected a digit");
	}
	if (peek(r) == '.') {
		frac = true;
		step(r);
		if (!(peek(r) >= '0' && peek(r) <= '9'))
			return fail(r, "expected a digit after '.'");
		while (peek(r) >= '0' && peek(r) <= '9')
			step(r);
	}
	if (peek(r) == 'e' || peek(r) == 'E') {
		frac = true;
		step(r);
		if (peek(r) == '+' || peek(r) == '-')
			step(r);
		if (!(peek(r) >= '0' && peek(r) <= '9'))
			return fail(r, "expected a digit in the exponent");
		while (peek(r) >= '0' && peek(r) <= '9')
			step(r);
	}
	v->type = CB_J_NUMBER;
	if (neg || frac)
		return 0;
	uint64_t u = 0;
	for (const char *p = start; p < r->p; p++) {
		if (u > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return 0; /* does not fit: not is_uint */
		u = u * 10 + (uint64_t)(*p - '0');
	}
	v->is_uint = true;
	v->u = u;
	return 0;
}

static int value(struct reader *r, struct cb_jval *v);

static int push(struct reader *r, struct cb_jval *v, int *cap)
{
	if (v->n < *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 8;
	struct cb_jval *items = rrealloc(r, v->v, sizeof(*items) * (size_t)*cap, sizeof(*items) * (size_t)ncap);
	if (!items)
		return -ENOMEM;
	v->v = items;
	if (v->type == CB_J_OBJECT) {
		char **keys = rrealloc(r, v->k, sizeof(*keys) * (size_t)*cap, sizeof(*keys) * (size_t)ncap);
		if (!keys)
			return -ENOMEM;
		v->k = keys;
	}
	*cap = ncap;
	return 0;
}

static int container(struct reader *r, struct cb_jval *v, bool obj)
{
	if (++r->depth > MAX_DEPTH)
		return fail(r, "nested deeper than %d", MAX_DEPTH);
	v->type = obj ? CB_J_OBJECT : CB_J_ARRAY;
	step(r);
	blanks(r);
	char close = obj ? '}' : ']';
	if (peek(r) == close) {
		step(r);
		r->depth--;
		return 0;
	}
	int cap = 0;
	for (;;) {
		char *key = NULL;
		if (obj) {
			blanks(r);
			if (peek(r) != '"')
				return fail(r, "expected a key in double quotes");
			int kl = r->line, kc = r->col;
			int rc = string(r, &key);
			if (rc)
				return rc;
			for (int i = 0; i < v->n; i++) {
				if (v->k[i][0] == key[0] && !strcmp(v->k[i], key)) {
					rfree(r, key);
					r->line = kl;
					r->col = kc;
					return fail(r, "duplicate key \"%s\"", v->k[i]);
				}
			}
			blanks(r);
			if (peek(r) != ':') {
				rfree(r, key);
				return fail(r, "expected ':' after the key");
			}
			step(r);
		}
		if (push(r, v, &cap)) {
			rfree(r, key);
			return cb_fail(r->err, ENOMEM, "out of memory");
		}
		memset(&v->v[v->n], 0, sizeof(v->v[0]));
		if (obj)
			v->k[v->n] = key;
		v->n++;
		int rc = value(r, &v->v[v->n - 1]);
		if (rc)
			return rc;
		blanks(r);
		if (peek(r) == ',') {
			step(r);
			blanks(r);
			if (peek(r) == close)
				return fail(r, "expected a %s after ',' (no trailing commas in JSON)",
					    obj ? "key" : "value");
			continue;
		}
		if (peek(r) == close) {
			step(r);
			r->depth--;
			return 0;
		}
		return fail(r, "expected ',' or '%c'", close);
	}
}

static int value(struct reader *r, struct cb_jval *v)
{
	blanks(r);
	v->line = r->line;
	v->col = r->col;
	switch (peek(r)) {
	case '{': return container(r, v, true);
	case '[': return container(r, v, false);
	case '"':
		v->type = CB_J_STRING;
		return string(r, &v->s);
	case 't':
		v->type = CB_J_BOOL;
		v->b = true;
		return expect_word(r, "true");
	case 'f':
		v->type = CB_J_BOOL;
		return expect_word(r, "false");
	case 'n':
		v->type = CB_J_NULL;
		return expect_word(r, "null");
	case -1:
		return fail(r, "expected a value, found the end of the text");
	default:
		if (peek(r) == '-' || (peek(r) >= '0' && peek(r) <= '9'))
			return number(r, v);
		return fail(r, "expected a value (a string, number, object, array, true, false or null)");
	}
}

static void free_inner(struct cb_jval *v)
{
	for (int i = 0; i < v->n; i++) {
		free_inner(&v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	free(v->s);
}

void cb_jval_free(struct cb_jval *v)
{
	if (v) {
		free_inner(v);
		free(v);
	}
}

static int parse(const char *text, size_t len, struct cb_jarena *arena, struct cb_jval **out,
		 struct cb_err *err)
{
	struct reader r = { .p = text, .end = text + len, .line = 1, .col = 1, .err = err,
			    .arena = arena };
	struct cb_jval *v = ralloc(&r, sizeof(*v));
	if (!v)
		return cb_fail(err, ENOMEM, "out of memory");
	memset(v, 0, sizeof(*v));
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		r.p += 3; /* a byte-order mark */
	int rc = value(&r, v);
	if (!rc) {
		blanks(&r);
		if (r.p != r.end)
			rc = fail(&r, "expected the end of the text after the value");
	}
	if (rc) {
		if (!arena)
			cb_jval_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int cb_json_parse(const char *text, size_t len, struct cb_jval **out, struct cb_err *err)
{
	return parse(text, len, NULL, out, err);
}

int cb_json_parse_arena(const char *text, size_t len, struct cb_jarena *arena,
			struct cb_jval **out, struct cb_err *err)
{
	return parse(text, len, arena, out, err);
}

const struct cb_jval *cb_jval_get(const struct cb_jval *o, const char *key)
{
	if (!o || o->type != CB_J_OBJECT)
		return NULL;
	for (int i = 0; i < o->n; i++)
		if (o->k[i][0] == key[0] && !strcmp(o->k[i], key))
			return &o->v[i];
	return NULL;
}

const char *cb_jtype_name(enum cb_jtype t)
{
	static const char *const names[] = { "null", "true or false", "a number", "a string",
					     "an array", "an object" };
	return names[t];
}
