#include "stop.h"

#include <signal.h>

bool cb_stop_signal(struct cb_stop *s, int sig, const struct timespec *now)
{
	if (sig != SIGTERM)
		return false;
	if (++s->terms == 1 && s->timeout_ms >= 0) {
		long long ns = now->tv_nsec + (long long)(s->timeout_ms % 1000) * 1000000;
		s->deadline.tv_sec = now->tv_sec + s->timeout_ms / 1000 + ns / 1000000000;
		s->deadline.tv_nsec = ns % 1000000000;
	}
	return s->terms >= 2;
}

int cb_stop_wait_ms(const struct cb_stop *s, const struct timespec *now)
{
	if (s->terms == 0 || s->timeout_ms < 0)
		return -1;
	long long ms = (long long)(s->deadline.tv_sec - now->tv_sec) * 1000 +
		       (s->deadline.tv_nsec - now->tv_nsec) / 1000000;
	/* Round a part-millisecond up: a wait of 0 means "kill now". */
	if (ms <= 0 && (s->deadline.tv_sec > now->tv_sec ||
			(s->deadline.tv_sec == now->tv_sec && s->deadline.tv_nsec > now->tv_nsec)))
		ms = 1;
	return ms < 0 ? 0 : ms > 1 << 30 ? 1 << 30 : (int)ms;
}
