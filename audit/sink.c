#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/cleanup.h"

#define ROTATE_KEEP 9

struct cb_sink {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t room;    /* the writer took a batch */
	bool stalled;           /* a put waited CB_SINK_ROOM_WAIT_MS in vain */
	/* Producers append to cur; the writer swaps it with spare and writes
	 * spare outside the lock, so a slow write never holds a producer. */
	char *cur, *spare;
	size_t len, half;
	uint64_t first_ns;      /* when cur got its first record */
	uint64_t pending_drop;  /* dropped since the last dropped record */
	uint64_t total_drop;
	bool kicked, closing, closed;
	char *trailer;
	size_t trailer_len;
	pthread_t th;
	/* The writer's alone. */
	int fd;
	bool nonblock, gave_up, regular;
	char *path;
	uint64_t max_size, size;
	cb_sink_header_fn header;
	void *arg;
	/* Records queued unformatted (cb_sink_put_raw), and what formats
	 * them into TEXT (the writer's). */
	cb_sink_format_fn format;
	void *format_arg;
	char *text;
};

/* A raw record in the queue: RAW_MARK, its length (uint32_t), its bytes.
 * A text record starts with '{'. */
#define RAW_MARK 0
#define RAW_HEAD (1 + sizeof(uint32_t))
/* The writer's text buffer: formatted records go out when it is this full. */
#define TEXT_CAP (1u << 20)

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t count_lines(const char *p, size_t n)
{
	size_t k = 0;
	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		k++;
	return k;
}

/* The length of the queued record at P (N bytes left), its mark and length
 * included. */
static size_t entry_len(const char *p, size_t n)
{
	if (p[0] == RAW_MARK) {
		uint32_t len;
		if (n < RAW_HEAD)
			return n;
		memcpy(&len, p + 1, sizeof(len));
		return RAW_HEAD + len <= n ? RAW_HEAD + len : n;
	}
	const char *e = memchr(p, '\n', n);
	return e ? (size_t)(e - p) + 1 : n;
}

/* Records in a queue's N bytes at P, raw or text. */
static size_t count_records(const char *p, size_t n)
{
	size_t k = 0;
	for (size_t at = 0; at < n; k++)
		at += entry_len(p + at, n - at);
	return k;
}

/* Write all of P, waiting for a non-blocking destination to take it. When
 * closing and nothing was taken for CB_SINK_GIVE_UP_MS, give up. Returns
 * the bytes not written (0: all). */
static size_t out(struct cb_sink *s, const char *p, size_t n)
{
	uint64_t stalled_since = 0;
	while (n > 0 && !s->gave_up) {
		ssize_t w = write(s->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			s->size += (uint64_t)w;
			stalled_since = 0;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return n; /* ENOSPC, EPIPE, EIO: these records are lost */
		/* Full: wait a little, and while closing, not forever. */
		if (!stalled_since)
			stalled_since = mono_ns();
		pthread_mutex_lock(&s->mu);
		bool closing = s->closing;
		pthread_mutex_unlock(&s->mu);
		if (closing && mono_ns() - stalled_since > CB_SINK_GIVE_UP_MS * 1000000ull) {
			s->gave_up = true;
			break;
		}
		struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
		poll(&pfd, 1, 100);
	}
	return n;
}

/* K records lost: counted, and said in the next dropped record. */
static void count_lost(struct cb_sink *s, size_t k)
{
	if (!k)
		return;
	pthread_mutex_lock(&s->mu);
	s->pending_drop += k;
	s->total_drop += k;
	pthread_mutex_unlock(&s->mu);
}

/* The N bytes of text records at P were not written. */
static void lost(struct cb_sink *s, const char *p, size_t n)
{
	count_lost(s, count_lines(p, n));
}

static int open_dest(struct cb_sink *s)
{
	if (strcmp(s->path, "-") == 0) {
		/* stderr's open file is the guest's too: its flags stay as
		 * they are (blocking), and it is never rotated. */
		s->fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		return s->fd < 0 ? -errno : 0;
	}
	s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (s->fd < 0)
		return -errno;
	struct stat st;
	if (fstat(s->fd, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			s->regular = true;
			s->size = (uint64_t)st.st_size;
		} else {
			/* A FIFO or socket may stall: this open file is ours
			 * alone, so the writer can wait on it with a limit. */
			s->size = 0;
			s->max_size = 0;
			int fl = fcntl(s->fd, F_GETFL);
			if (fl >= 0 && fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == 0)
				s->nonblock = true;
		}
	}
	return 0;
}

static void write_header(struct cb_sink *s)
{
	if (!s->header)
		return;
	char buf[4096];
	size_t n = s->header(s->arg, buf, sizeof(buf));
	size_t left = out(s, buf, n);
	if (left)
		lost(s, buf + n - left, left);
}

/* PATH.8 -> PATH.9, ..., PATH -> PATH.1, and a new PATH. */
static void rotate(struct cb_sink *s)
{
	size_t pl = strlen(s->path) + 4;
	char from[pl], to[pl];
	close(s->fd);
	for (int i = ROTATE_KEEP - 1; i >= 0; i--) {
		if (i)
			snprintf(from, pl, "%s.%d", s->path, i);
		else
			snprintf(from, pl, "%s", s->path);
		snprintf(to, pl, "%s.%d", s->path, i + 1);
		rename(from, to);
	}
	s->size = 0;
	if (open_dest(s) < 0) {
		fprintf(stderr, "compatbox: cannot reopen the audit trail '%s' after rotating it: %s\n",
			s->path, strerror(errno));
		s->gave_up = true;
		return;
	}
	write_header(s);
}

/* Write a batch of whole records, rotating between two of them when the
 * next would take the file past max_size. */
static void write_batch(struct cb_sink *s, const char *p, size_t n)
{
	while (n > 0 && !s->gave_up) {
		size_t chunk = n;
		if (s->max_size) {
			/* The records that fit; at least one in a fresh file. */
			chunk = 0;
			const char *e;
			while (chunk < n && (e = memchr(p + chunk, '\n', n - chunk))) {
				size_t next = (size_t)(e - p) + 1;
				if (s->size + next > s->max_size && (chunk > 0 || s->size > 0))
					break;
				chunk = next;
			}
			if (chunk == 0) {
				rotate(s);
				continue;
			}
		}
		uint64_t at = s->size;
		size_t left = out(s, p, chunk);
		if (left && s->regular) {
			/* A file that took part of a record (ENOSPC, EIO) is cut
			 * back to its last whole one: a torn record may only
			 * ever be the last line. */
			size_t done = chunk - left, keep = done;
			while (keep > 0 && p[keep - 1] != '\n')
				keep--;
			if (keep < done && ftruncate(s->fd, (off_t)(at + keep)) == 0) {
				s->size = at + keep;
				left = chunk - keep;
			}
		}
		if (left) {
			lost(s, p + chunk - left, left);
			if (s->gave_up) {
				lost(s, p + chunk, n - chunk);
				return;
			}
		}
		p += chunk;
		n -= chunk;
	}
	if (n)
		lost(s, p, n);
}

/* The N bytes of queued records at P, raw or text, were not written. */
static void lost_queued(struct cb_sink *s, const char *p, size_t n)
{
	count_lost(s, count_records(p, n));
}

/* Write a batch from the queue: text records as they are, raw ones
 * formatted by FORMAT first, in their order. A raw record that cannot be
 * formatted (none of these should be) is counted lost. */
static void write_queued(struct cb_sink *s, cb_sink_format_fn format, const char *p, size_t n)
{
	size_t at = 0, t = 0;
	while (at < n) {
		size_t k = entry_len(p + at, n - at);
		if (p[at] != RAW_MARK) {
			/* A run of text records goes as it is. */
			size_t run = k;
			while (at + run < n && p[at + run] != RAW_MARK)
				run += entry_len(p + at + run, n - at - run);
			if (t)
				write_batch(s, s->text, t), t = 0;
			write_batch(s, p + at, run);
			at += run;
			continue;
		}
		if (TEXT_CAP - t < CB_SINK_RECORD_MAX)
			write_batch(s, s->text, t), t = 0;
		/* A record's room is what a text one has: a longer one becomes
		 * the JSON builder's truncated marker, as it would have. */
		size_t w = format && k > RAW_HEAD
				   ? format(s->format_arg, p + at + RAW_HEAD, k - RAW_HEAD, s->text + t,
					    CB_SINK_RECORD_MAX)
				   : 0;
		if (w)
			t += w;
		else
			lost_queued(s, p + at, k);
		at += k;
	}
	if (t)
		write_batch(s, s->text, t);
}

static size_t dropped_record(char *buf, size_t cap, uint64_t count)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int n = snprintf(buf, cap, "{\"v\":1,\"kind\":\"dropped\",\"t\":%" PRIu64 ",\"count\":%" PRIu64 "}\n",
			 (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec, count);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void *writer(void *arg)
{
	struct cb_sink *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->len && !s->pending_drop && !s->closing)
			pthread_cond_wait(&s->cv, &s->mu);
		/* Let records gather for up to an interval unless asked now. */
		while (s->len && !s->kicked && !s->closing && s->len < s->half / 2) {
			uint64_t due = s->first_ns + CB_SINK_INTERVAL_MS * 1000000ull;
			struct timespec ts = { (time_t)(due / 1000000000u), (long)(due % 1000000000u) };
			if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT)
				break;
		}
		s->kicked = false;
		char *batch = s->cur;
		size_t n = s->len;
		s->cur = s->spare;
		s->spare = batch;
		s->len = 0;
		s->stalled = false;
		pthread_cond_broadcast(&s->room);
		bool closing = s->closing;
		cb_sink_format_fn format = s->format;
		pthread_mutex_unlock(&s->mu);

		if (n && !s->gave_up)
			write_queued(s, format, batch, n);
		else if (n)
			lost_queued(s, batch, n);

		pthread_mutex_lock(&s->mu);
		uint64_t drop = s->pending_drop;
		if (drop && !s->gave_up) {
			char rec[128];
			size_t rl = dropped_record(rec, sizeof(rec), drop);
			s->pending_drop = 0;
			pthread_mutex_unlock(&s->mu);
			size_t left = out(s, rec, rl);
			pthread_mutex_lock(&s->mu);
			if (left) /* try again with the next batch */
				s->pending_drop += drop;
		}
		if (closing && !s->len) {
			if (s->trailer && !s->gave_up) {
				pthread_mutex_unlock(&s->mu);
				write_batch(s, s->trailer, s->trailer_len);
				pthread_mutex_lock(&s->mu);
			}
			s->closed = true; /* later puts (a worker's last call) go */
			break;
		}
		if (s->gave_up) {
			/* Nothing more can be written: count what comes as lost. */
			s->total_drop += count_records(s->cur, s->len);
			s->len = 0;
			if (closing)
				break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int cb_sink_open(struct cb_sink **out_sink, const char *path, uint64_t max_size,
		 cb_sink_header_fn header, void *arg, struct cb_err *err)
{
	struct cb_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return cb_fail(err, ENOMEM, "out of memory");
	s->half = CB_SINK_QUEUE / 2;
	/* Tests fill a smaller queue sooner (tests/integration/audit_sink.sh
	 * under TCG): COMPATBOX_TEST_SINK_QUEUE=BYTES, at least 64 KiB. */
	const char *q = getenv("COMPATBOX_TEST_SINK_QUEUE");
	if (q && atol(q) >= 65536 && atol(q) < (long)CB_SINK_QUEUE)
		s->half = (size_t)atol(q) / 2;
	s->cur = malloc(s->half);
	s->spare = malloc(s->half);
	s->path = strdup(path);
	s->max_size = strcmp(path, "-") == 0 ? 0 : max_size;
	s->header = header;
	s->arg = arg;
	s->fd = -1;
	if (!s->cur || !s->spare || !s->path) {
		free(s->cur), free(s->spare), free(s->path), free(s);
		return cb_fail(err, ENOMEM, "out of memory");
	}
	int rc = open_dest(s);
	if (rc < 0) {
		free(s->cur), free(s->spare), free(s->path), free(s);
		return cb_fail(err, -rc, "cannot open '%s': %s", path, strerror(-rc));
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_cond_init(&s->room, &ca);
	pthread_condattr_destroy(&ca);
	if (header) {
		char buf[4096];
		cb_sink_put(s, buf, header(arg, buf, sizeof(buf)));
	}
	/* Signals go to the main thread's signalfd; SIGPIPE from a FIFO
	 * whose reader left must turn into EPIPE here, not kill the run. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->th, NULL, writer, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		close(s->fd);
		free(s->cur), free(s->spare), free(s->path), free(s);
		return cb_fail(err, rc, "cannot start the log writer: %s", strerror(rc));
	}
	*out_sink = s;
	return 0;
}

/* Queue HEAD (HLEN bytes, may be 0) and REC as one record. */
static void put(struct cb_sink *s, const void *head, size_t hlen, const void *rec, size_t len)
{
	len += hlen;
	pthread_mutex_lock(&s->mu);
	if (s->closed) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	if (s->len + len > s->half && !s->stalled) {
		/* A writer that is only late (the machine is busy) gets a while
		 * to take the full batch; one that took nothing in that time is
		 * stalled, and later puts drop at once until it takes one. */
		struct timespec dl;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += CB_SINK_ROOM_WAIT_MS * 1000000L;
		dl.tv_sec += dl.tv_nsec / 1000000000L;
		dl.tv_nsec %= 1000000000L;
		s->kicked = true;
		pthread_cond_signal(&s->cv);
		while (s->len + len > s->half && !s->closed && !s->stalled)
			if (pthread_cond_timedwait(&s->room, &s->mu, &dl) == ETIMEDOUT) {
				s->stalled = s->len + len > s->half;
				break;
			}
	}
	if (s->closed || s->len + len > s->half) {
		if (!s->closed) {
			s->pending_drop++;
			s->total_drop++;
		}
		pthread_mutex_unlock(&s->mu);
		return;
	}
	bool was_empty = s->len == 0;
	if (was_empty)
		s->first_ns = mono_ns();
	if (hlen)
		memcpy(s->cur + s->len, head, hlen);
	memcpy(s->cur + s->len + hlen, rec, len - hlen);
	size_t before = s->len;
	s->len += len;
	/* Wake the writer on the first record of a batch (it then waits an
	 * interval at most) and when the queue is half full: not per record. */
	bool wake = was_empty || (before < s->half / 2 && s->len >= s->half / 2);
	pthread_mutex_unlock(&s->mu);
	if (wake)
		pthread_cond_signal(&s->cv);
}

void cb_sink_put(struct cb_sink *s, const char *rec, size_t len)
{
	put(s, NULL, 0, rec, len);
}

void cb_sink_put_raw(struct cb_sink *s, const void *rec, size_t len)
{
	if (!s->format || len > UINT32_MAX) {
		count_lost(s, 1); /* nothing could format it */
		return;
	}
	char head[RAW_HEAD] = { RAW_MARK };
	uint32_t l = (uint32_t)len;
	memcpy(head + 1, &l, sizeof(l));
	put(s, head, sizeof(head), rec, len);
}

int cb_sink_formatter(struct cb_sink *s, cb_sink_format_fn format, void *arg)
{
	char *text = malloc(TEXT_CAP);
	if (!text)
		return -ENOMEM;
	/* The writer takes them with its batch, under the lock. */
	pthread_mutex_lock(&s->mu);
	s->text = text;
	s->format_arg = arg;
	s->format = format;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

void cb_sink_kick(struct cb_sink *s)
{
	pthread_mutex_lock(&s->mu);
	s->kicked = true;
	pthread_mutex_unlock(&s->mu);
	pthread_cond_signal(&s->cv);
}

uint64_t cb_sink_dropped(struct cb_sink *s)
{
	pthread_mutex_lock(&s->mu);
	uint64_t d = s->total_drop;
	pthread_mutex_unlock(&s->mu);
	return d;
}

uint64_t cb_sink_close(struct cb_sink *s, const char *trailer, size_t len)
{
	pthread_mutex_lock(&s->mu);
	if (trailer && len) {
		s->trailer = malloc(len);
		if (s->trailer) {
			memcpy(s->trailer, trailer, len);
			s->trailer_len = len;
		}
	}
	s->closing = true;
	pthread_mutex_unlock(&s->mu);
	pthread_cond_signal(&s->cv);
	/* A blocking destination (stderr) that takes nothing would hold the
	 * writer in write() for ever: compatbox does not wait for it. */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += CB_SINK_GIVE_UP_MS / 1000 + 2;
	bool joined = pthread_timedjoin_np(s->th, NULL, &dl) == 0;
	pthread_mutex_lock(&s->mu);
	uint64_t d = s->total_drop;
	if (!joined)
		d += count_records(s->cur, s->len);
	s->closed = true;
	pthread_mutex_unlock(&s->mu);
	if (s->gave_up || !joined)
		fprintf(stderr, "compatbox: the audit trail '%s' took nothing for %d s: "
			"%" PRIu64 " records lost in all%s\n", s->path, CB_SINK_GIVE_UP_MS / 1000, d,
			joined ? "" : " (and the batch being written)");
	if (joined)
		close(s->fd);
	/* Workers still serving the guest's last calls may put records:
	 * the sink stays allocated (cb_run's caller exits soon after). */
	return d;
}

void cb_sink_free(struct cb_sink *s)
{
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	pthread_cond_destroy(&s->room);
	free(s->cur);
	free(s->spare);
	free(s->trailer);
	free(s->path);
	free(s->text);
	free(s);
}
