#include "pool.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../guest/creds.h"
#include "../guest/guest.h"

struct cb_pool {
	const struct cb_supervisor *sup;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool leader; /* some worker holds the lead (is in or about to enter RECV) */
	int idle;    /* followers waiting for the lead */
	int total;
	int max;
	bool done;   /* the listener hung up: every worker leaves */
	int live;    /* workers not yet gone */
	void (*on_done)(void *arg); /* NULL: workers park instead of leaving */
	void *arg;
};

static void *worker_main(void *arg);

/* Called with p->mu held. */
static int spawn_locked(struct cb_pool *p)
{
	pthread_attr_t a;
	pthread_t t;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024); /* handlers use small frames */
	cb_creds_settle(); /* a new worker starts with its creator's */
	int rc = pthread_create(&t, &a, worker_main, p);
	pthread_attr_destroy(&a);
	if (rc == 0) {
		p->total++;
		p->live++;
	}
	return -rc;
}

/* Pass the lead to an idle follower, or to a new worker. False when there
 * is neither (the pool is at its cap, or no thread could be started): the
 * caller keeps the lead, so that one worker always receives. Were the last
 * receiver to wait too, no call would be answered until a wait ended, and
 * never when the call that would end them is one of those not received. */
static bool hand_off(struct cb_pool *p)
{
	pthread_mutex_lock(&p->mu);
	bool ok = p->idle > 0 || (p->total < p->max && spawn_locked(p) == 0);
	if (ok) {
		p->leader = false;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return ok;
}

int cb_call_may_block(struct cb_call *c)
{
	struct cb_worker *w = c->w;
	if (!w->leading)
		return 0;
	if (!hand_off(w->pool))
		return -ENOMEM;
	w->leading = false;
	return 0;
}

bool cb_call_can_block(struct cb_call *c)
{
	struct cb_worker *w = c->w;
	if (!w->leading)
		return true;
	/* Only the leader hands off, so until it does the answer can only
	 * become more true (followers come back, none leaves). */
	struct cb_pool *p = w->pool;
	pthread_mutex_lock(&p->mu);
	bool ok = p->idle > 0 || p->total < p->max;
	pthread_mutex_unlock(&p->mu);
	return ok;
}

/* False when the pool is done: the worker must leave. */
static bool become_leader(struct cb_pool *p)
{
	pthread_mutex_lock(&p->mu);
	p->idle++;
	while (p->leader && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	p->idle--;
	p->leader = true;
	bool go = !p->done;
	pthread_mutex_unlock(&p->mu);
	return go;
}

/* A worker leaves a pool that has an owner (cb_pool_start_owned); the last
 * one out calls it and frees the pool: nothing of it outlives its guest. */
static void *leave(struct cb_pool *p, struct cb_worker *w)
{
	cb_task_cache_clear(&w->tc);
	free(w->n);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	bool last = --p->live == 0;
	pthread_mutex_unlock(&p->mu);
	if (last) {
		p->on_done(p->arg);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		free(p);
	}
	return NULL;
}

/* After the last task using the filter exits, RECV fails at once with
 * ENOENT forever; the listener then reports POLLHUP. Keeping the lead (the
 * flag stays set) parks every follower too. */
static bool listener_hung_up(const struct cb_listener *l)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLHUP);
}

/* Wait until the listener has a notification (false) or hung up (true). */
static bool wait_listener(const struct cb_listener *l)
{
	for (;;) {
		struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
		int n = poll(&pfd, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return !(pfd.revents & POLLIN);
		return false;
	}
}

static void *worker_main(void *arg)
{
	struct cb_pool *p = arg;
	struct cb_worker w = { .sup = p->sup, .pool = p };
	cb_task_cache_init(&w.tc);
	w.stats = cb_stats_new();
	w.n = cb_notif_alloc(&p->sup->l);
	if (!w.n) {
		fprintf(stderr, "compatbox: worker: out of memory\n");
		return NULL;
	}
	for (;;) {
		if (!become_leader(p))
			return leave(p, &w);
		w.leading = true;
		while (w.leading) {
			/* An owned pool must notice its guest is gone: before
			 * 6.11 RECV goes on waiting when the filter's last task
			 * exits, and only poll() says POLLHUP. Where RECV ends by
			 * itself the poll is skipped: a syscall and a wake-up
			 * less on every call, which an agent serving many
			 * containers on few CPUs pays in every one's latency. */
			if (p->on_done && !p->sup->l.recv_sees_hangup && wait_listener(&p->sup->l))
				return leave(p, &w);
			int rc = cb_notif_recv(&p->sup->l, w.n);
			if (rc == -ENOENT && listener_hung_up(&p->sup->l)) {
				/* Every guest task is gone: no call will come. */
				if (p->on_done)
					return leave(p, &w);
				cb_task_cache_clear(&w.tc);
				free(w.n);
				return NULL;
			}
			if (rc == -ENOENT || rc == -EINTR)
				continue; /* target gone before delivery */
			if (rc < 0) {
				/* The listener is unusable (EFAULT, EINVAL: nothing a
				 * retry or another worker would change). Its fd stays
				 * open, so guest calls would wait for answers for ever:
				 * fail closed instead. The keeper kills the guest when
				 * our end of its control pipe closes. */
				fprintf(stderr, "compatbox: receiving notifications failed: %s; "
					"ending the run\n", strerror(-rc));
				_exit(125);
			}
			const struct cb_handler *h = cb_dispatch_lookup(
				&p->sup->d, cb_arch_from_audit(w.n->data.arch), w.n->data.nr);
			/* A handler gives the lead up when it is about to wait
			 * (cb_call_may_block; CB_H_SLOW ones before they start),
			 * and then goes back to following. */
			cb_supervisor_handle(&w, h);
		}
	}
	return NULL;
}

int cb_pool_start(struct cb_pool **out, const struct cb_supervisor *sup, int min, int max,
		  struct cb_err *err)
{
	return cb_pool_start_owned(out, sup, min, max, NULL, NULL, err);
}

int cb_pool_start_owned(struct cb_pool **out, const struct cb_supervisor *sup, int min, int max,
			void (*on_done)(void *arg), void *arg, struct cb_err *err)
{
	struct cb_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return cb_fail(err, ENOMEM, "out of memory");
	p->sup = sup;
	p->on_done = on_done;
	p->arg = arg;
	p->max = max < min ? min : max;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_lock(&p->mu);
	for (int i = 0; i < min; i++) {
		int rc = spawn_locked(p);
		if (rc) {
			pthread_mutex_unlock(&p->mu);
			return cb_fail(err, rc, "cannot start worker threads: %s", strerror(-rc));
		}
	}
	pthread_mutex_unlock(&p->mu);
	*out = p;
	return 0;
}

int cb_pool_size(struct cb_pool *p)
{
	pthread_mutex_lock(&p->mu);
	int n = p->total;
	pthread_mutex_unlock(&p->mu);
	return n;
}
