#include "oci_state.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A reader over untrusted bytes: every step checks the end, nesting is
 * bounded, and a string longer than its destination is cut, not copied. */
struct rd {
	const char *p, *end;
	const char *bad; /* first error */
};

enum { MAX_DEPTH = 32 };

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool fail(struct rd *r, const char *why)
{
	if (!r->bad)
		r->bad = why;
	return false;
}

static bool eat(struct rd *r, char c)
{
	ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

/* A string into OUT (CAP bytes, NUL-terminated, cut to fit); OUT may be NULL. */
static bool string(struct rd *r, char *out, size_t cap)
{
	size_t n = 0;
	if (!eat(r, '"'))
		return fail(r, "a string was expected");
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;
		if ((unsigned char)c < 0x20)
			return fail(r, "a control character in a string");
		if (c == '\\') {
			if (r->p >= r->end)
				break;
			char e = *r->p++;
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
			const char *k = strchr(from, e);
			if (e == 'u') {
				if (r->end - r->p < 4)
					return fail(r, "a short \\u escape");
				r->p += 4;
				c = '?'; /* names here are ASCII; anything else is kept as '?' */
			} else if (e && k) {
				c = to[k - from];
			} else {
				return fail(r, "a bad escape in a string");
			}
		}
		if (out && n + 1 < cap)
			out[n++] = c;
	}
	if (out && cap)
		out[n] = 0;
	if (r->p >= r->end)
		return fail(r, "an unterminated string");
	r->p++;
	return true;
}

static bool value(struct rd *r, int depth);

static bool skip_container(struct rd *r, int depth, char close, bool keys)
{
	if (depth > MAX_DEPTH)
		return fail(r, "nesting too deep");
	r->p++;
	if (eat(r, close))
		return true;
	do {
		if (keys && (!string(r, NULL, 0) || !eat(r, ':')))
			return fail(r, "a member was expected");
		if (!value(r, depth + 1))
			return false;
	} while (eat(r, ','));
	return eat(r, close) || fail(r, "an unclosed object or array");
}

static bool value(struct rd *r, int depth)
{
	ws(r);
	if (r->p >= r->end)
		return fail(r, "a value was expected");
	switch (*r->p) {
	case '"':
		return string(r, NULL, 0);
	case '{':
		return skip_container(r, depth, '}', true);
	case '[':
		return skip_container(r, depth, ']', false);
	}
	const char *s = r->p;
	while (r->p < r->end && strchr("+-.0123456789eEtruefalsn", *r->p))
		r->p++;
	return r->p > s || fail(r, "a value was expected");
}

static bool number(struct rd *r, int *out)
{
	ws(r);
	char tmp[24];
	size_t n = 0;
	while (r->p < r->end && n + 1 < sizeof(tmp) && strchr("-0123456789", *r->p))
		tmp[n++] = *r->p++;
	tmp[n] = 0;
	char *e;
	long v = strtol(tmp, &e, 10);
	if (!n || *e || v < 0 || v > 1 << 30)
		return fail(r, "a process id was expected");
	*out = (int)v;
	return true;
}

static bool fds(struct rd *r, int *index)
{
	if (!eat(r, '['))
		return fail(r, "\"fds\" is not an array");
	if (eat(r, ']'))
		return true;
	int i = 0;
	do {
		char name[32];
		if (!string(r, name, sizeof(name)))
			return false;
		if (!strcmp(name, "seccompFd") && *index < 0)
			*index = i;
		i++;
	} while (eat(r, ','));
	return eat(r, ']') || fail(r, "\"fds\" is not closed");
}

/* The members of state: only "id" matters here. */
static bool state(struct rd *r, struct cb_oci_state *st)
{
	ws(r);
	if (r->p >= r->end || *r->p != '{')
		return value(r, 1);
	r->p++;
	if (eat(r, '}'))
		return true;
	do {
		char key[32];
		if (!string(r, key, sizeof(key)) || !eat(r, ':'))
			return fail(r, "a member was expected");
		if (!strcmp(key, "id") ? !string(r, st->id, sizeof(st->id)) : !value(r, 2))
			return false;
	} while (eat(r, ','));
	return eat(r, '}') || fail(r, "an unclosed object");
}

int cb_oci_state_parse(const char *buf, size_t len, struct cb_oci_state *st, struct cb_err *err)
{
	memset(st, 0, sizeof(*st));
	st->seccomp_fd_index = -1;
	struct rd r = { buf, buf + len, NULL };
	bool ok = eat(&r, '{') || fail(&r, "the message is not a JSON object");
	if (ok && !eat(&r, '}')) {
		do {
			char key[32];
			ok = string(&r, key, sizeof(key)) && (eat(&r, ':') || fail(&r, "':' expected"));
			if (!ok)
				break;
			if (!strcmp(key, "fds"))
				ok = fds(&r, &st->seccomp_fd_index);
			else if (!strcmp(key, "pid"))
				ok = number(&r, &st->pid);
			else if (!strcmp(key, "metadata"))
				ok = string(&r, st->metadata, sizeof(st->metadata));
			else if (!strcmp(key, "state"))
				ok = state(&r, st);
			else
				ok = value(&r, 1);
		} while (ok && eat(&r, ','));
		ok = ok && (eat(&r, '}') || fail(&r, "the object is not closed"));
	}
	if (!ok)
		return cb_fail(err, EINVAL, "the container state is not valid JSON: %s at byte %zu",
			       r.bad ? r.bad : "unexpected input", (size_t)(r.p - buf));
	if (st->seccomp_fd_index < 0)
		return cb_fail(err, EINVAL, "the container state's \"fds\" does not name \"seccompFd\"");
	return 0;
}
