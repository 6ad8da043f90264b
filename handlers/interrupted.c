/* The interrupted waits of handlers/interrupted.h: one slot per guest
 * thread (hashed by tid; a collision forgets the older wait, whose restart
 * then waits its full time, as before this existed). */
#include "interrupted.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 256

struct slot {
	uint32_t tid; /* 0: free */
	uint64_t id;  /* the notification; a restart comes with another */
	int arch, nr;
	uint64_t args[6], ip;
	clockid_t clock;
	bool gone;
	struct cb_wait_left left;
};

static struct slot slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t now_on(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct slot *slot_of(uint32_t tid)
{
	return &slots[tid % SLOTS];
}

static bool same_call(const struct slot *s, const struct cb_call *c)
{
	return s->tid == c->n->pid && s->arch == (int)c->arch && s->nr == c->nr &&
	       s->ip == c->n->data.instruction_pointer &&
	       !memcmp(s->args, c->args, sizeof(s->args));
}

static uint64_t hex_after(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

/* Whether TID was interrupted by a stop (SIGSTOP, or SIGTSTP, SIGTTIN,
 * SIGTTOU without a handler) rather than for a handler: stopped already
 * (state T or t), or the stop still pending, as it is between the wake-up
 * and the stop itself. */
static bool is_stopped(uint32_t tid)
{
	char path[40], buf[4096];
	snprintf(path, sizeof(path), "/proc/%u/status", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	const char *st = strstr(buf, "\nState:\t");
	if (st && (st[8] == 'T' || st[8] == 't'))
		return true;
	uint64_t stops = 1ull << (SIGSTOP - 1) | 1ull << (SIGTSTP - 1) | 1ull << (SIGTTIN - 1) |
			 1ull << (SIGTTOU - 1);
	uint64_t pending = hex_after(buf, "\nSigPnd:\t") | hex_after(buf, "\nShdPnd:\t");
	uint64_t handled = hex_after(buf, "\nSigCgt:\t") | hex_after(buf, "\nSigBlk:\t");
	return pending & stops & ~handled;
}

void cb_wait_begin(struct cb_call *c, clockid_t clock, int64_t deadline)
{
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(c->n->pid);
	*s = (struct slot){ .tid = c->n->pid, .id = c->n->id, .arch = (int)c->arch,
			    .nr = c->nr, .ip = c->n->data.instruction_pointer, .clock = clock,
			    .left = { .deadline = deadline, .gone_at = -1 } };
	memcpy(s->args, c->args, sizeof(s->args));
	pthread_mutex_unlock(&lock);
}

void cb_wait_end(struct cb_call *c, bool abandoned)
{
	/* Looked at before the lock: a restart may already have taken the slot. */
	bool stopped = abandoned && is_stopped(c->n->pid);
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(c->n->pid);
	if (s->tid == c->n->pid && s->id == c->n->id) {
		if (!abandoned) {
			s->tid = 0;
		} else {
			s->gone = true;
			s->left.gone_at = now_on(s->clock);
			s->left.stopped = stopped;
		}
	}
	pthread_mutex_unlock(&lock);
}

bool cb_wait_resumed(struct cb_call *c, struct cb_wait_left *left)
{
	bool r = false;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(c->n->pid);
	if (s->tid == c->n->pid && s->id != c->n->id) {
		/* The thread is in a new call, so its last one is over, whatever
		 * the worker performing it has noticed so far. */
		if (same_call(s, c)) {
			*left = s->left;
			if (!s->gone)
				left->gone_at = now_on(s->clock);
			r = true;
		}
		s->tid = 0;
	}
	pthread_mutex_unlock(&lock);
	return r;
}
