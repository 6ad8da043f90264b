/* Where audit records go: a bounded in-memory queue that one writer thread
 * drains into a file, a FIFO or stderr. Producers (the workers) never wait
 * on the destination: a record that does not fit is counted, and a
 * "dropped" record says how many when the writer catches up. Records are
 * whole lines and are written whole, so a cut can only leave a partial
 * last line. */
#ifndef CB_SINK_H
#define CB_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "../common/error.h"

struct cb_sink;

/* Bytes of records the queue holds before it drops (two buffers of half). */
#define CB_SINK_QUEUE (4u << 20)

/* Writes the record a new file starts with into BUF (at most CAP bytes,
 * one whole line); returns its length. */
typedef size_t (*cb_sink_header_fn)(void *arg, char *buf, size_t cap);

/* Open PATH ("-": a copy of stderr) for appending and start the writer.
 * MAX_SIZE > 0: rotate to PATH.1 .. PATH.9 when a record would take the
 * file past it (not for "-"). HEADER, when not NULL, starts every file. */
int cb_sink_open(struct cb_sink **out, const char *path, uint64_t max_size,
		 cb_sink_header_fn header, void *arg, struct cb_err *err);
/* Queue one record (a whole line, ending in '\n'). Never blocks for long:
 * when the queue is full it waits at most CB_SINK_ROOM_WAIT_MS for the
 * writer to take a batch, once per stall; a record that still does not
 * fit is counted as dropped. */
void cb_sink_put(struct cb_sink *s, const char *rec, size_t len);
/* Formats raw record REC (LEN bytes) into BUF (CAP bytes, at least
 * CB_SINK_RECORD_MAX): one whole line; returns its length. Called by the
 * writer thread. */
typedef size_t (*cb_sink_format_fn)(void *arg, const void *rec, size_t len, char *buf, size_t cap);
#define CB_SINK_RECORD_MAX 16384
/* Have the writer format raw records with FORMAT(ARG, ...); before any
 * cb_sink_put_raw. -ENOMEM. */
int cb_sink_formatter(struct cb_sink *s, cb_sink_format_fn format, void *arg);
/* Queue a record to be formatted by the writer (LEN < 4 GiB bytes that
 * FORMAT reads): the producer pays a copy, not the formatting. Drops,
 * order and limits as for cb_sink_put. */
void cb_sink_put_raw(struct cb_sink *s, const void *rec, size_t len);
/* Ask the writer to drain now (a signal came, the guest exited). */
void cb_sink_kick(struct cb_sink *s);
/* Queue TRAILER (may be NULL) after a last dropped record if any, drain
 * everything, stop the writer and close. A destination that takes nothing
 * for CB_SINK_GIVE_UP_MS is given up: what was lost is said on stderr.
 * Returns the number of records dropped in all (before the trailer). */
uint64_t cb_sink_close(struct cb_sink *s, const char *trailer, size_t len);
/* Free a closed sink that no producer can reach any more (cb_sink_close
 * leaves it for the workers still serving a guest's last calls). */
void cb_sink_free(struct cb_sink *s);
/* Records dropped so far. */
uint64_t cb_sink_dropped(struct cb_sink *s);

#define CB_SINK_GIVE_UP_MS 5000
/* How long a queued record may wait for the writer when nothing kicks it. */
#define CB_SINK_INTERVAL_MS 50
/* How long a put waits for room before the writer counts as stalled. */
#define CB_SINK_ROOM_WAIT_MS 100

#endif
