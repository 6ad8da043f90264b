/* Stopping the guest as container engines expect of an entrypoint: the
 * first SIGTERM is passed on for a clean shutdown; a second one, or the
 * --stop-timeout deadline after the first, means SIGKILL for all of it. */
#ifndef CB_STOP_H
#define CB_STOP_H

#include <stdbool.h>
#include <time.h>

struct cb_stop {
	int timeout_ms; /* after the first SIGTERM; -1: wait for a second one */
	int terms;      /* SIGTERMs received */
	struct timespec deadline;
};

/* A signal SIG reached compatbox at NOW: true when the guest must die now. */
bool cb_stop_signal(struct cb_stop *s, int sig, const struct timespec *now);
/* Milliseconds from NOW to the deadline for poll(): -1 when there is none,
 * 0 when it has passed (the guest must die). */
int cb_stop_wait_ms(const struct cb_stop *s, const struct timespec *now);

#endif
