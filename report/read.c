#include "read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/cleanup.h"

static void bad(struct cb_trail_stats *st, const char *fmt, const char *why)
{
	st->malformed++;
	if (!st->first_bad_line) {
		st->first_bad_line = st->lines;
		snprintf(st->first_bad, sizeof(st->first_bad), fmt, why);
	}
}

/* One complete line (without its '\n'). */
/* The parsed lines' memory, reused line after line. */
static __thread struct cb_jarena arena;

static int line(const char *p, size_t n, cb_trail_fn fn, void *ctx, struct cb_trail_stats *st)
{
	st->lines++;
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n)
		return 0;
	struct cb_jval *v = NULL;
	struct cb_err err = { "" };
	cb_jarena_reset(&arena);
	if (cb_json_parse_arena(p, n, &arena, &v, &err)) {
		/* The parser's "1:COL: ..." speaks of this line alone. */
		const char *why = strchr(err.msg, ':');
		bad(st, "column %s", why && why[1] ? why + 1 : err.msg);
		return 0;
	}
	struct cb_rec r;
	int rc = 0;
	int e = cb_rec_from_json(&r, v);
	if (e == -EPROTONOSUPPORT) {
		bad(st, "%s", "a schema version this compatbox does not read (it reads v 1)");
	} else if (e) {
		bad(st, "%s", "not an audit record (docs/audit.md)");
	} else {
		st->records++;
		rc = fn(&r, ctx);
	}
	return rc;
}

int cb_trail_read_mem(const char *text, size_t len, cb_trail_fn fn, void *ctx,
		      struct cb_trail_stats *st)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			st->partial_bytes = (uint64_t)(end - p);
			break;
		}
		if ((size_t)(nl - p) > CB_TRAIL_LINE_MAX) {
			st->lines++;
			bad(st, "%s", "longer than 1 MiB");
		} else {
			int rc = line(p, (size_t)(nl - p), fn, ctx, st);
			if (rc)
				return rc;
		}
		p = nl + 1;
	}
	return 0;
}

int cb_trail_read_fd(int fd, cb_trail_fn fn, void *ctx, struct cb_trail_stats *st,
		     struct cb_err *err)
{
	/* Room for the longest line and a read after it. */
	const size_t cap = 4 * (size_t)CB_TRAIL_LINE_MAX;
	cleanup_free char *buf = malloc(cap);
	if (!buf)
		return cb_fail(err, ENOMEM, "out of memory");
	size_t have = 0;
	bool skipping = false; /* inside a line too long to keep */
	for (;;) {
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cb_fail(err, errno, "cannot read the trail: %s", strerror(errno));
		if (n == 0)
			break;
		have += (size_t)n;
		char *p = buf, *end = buf + have;
		if (skipping) {
			char *nl = memchr(p, '\n', have);
			if (!nl) {
				have = 0;
				continue;
			}
			skipping = false;
			p = nl + 1;
		}
		/* Every complete line of the buffer; the rest moves to its start. */
		char *last = memrchr(p, '\n', (size_t)(end - p));
		if (last) {
			int rc = cb_trail_read_mem(p, (size_t)(last + 1 - p), fn, ctx, st);
			if (rc)
				return rc;
			p = last + 1;
		}
		if ((size_t)(end - p) > CB_TRAIL_LINE_MAX) {
			st->lines++;
			bad(st, "%s", "longer than 1 MiB");
			skipping = true;
			p = end;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
	}
	st->partial_bytes = skipping ? 0 : have;
	return 0;
}

void cb_trail_release(void)
{
	cb_jarena_free(&arena);
}
