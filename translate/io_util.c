/* The translated I/O calls' common ground: guest buffers as host buffers
 * (with PROT_NONE pages where the guest has none), iovec arrays, waiting
 * without consuming, signals raised by host writes. See io.h. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../guest/copy_budget.h"
#include "../guest/guest.h"

#define PAGE 4096u
#define ROUND(v) (((v) + PAGE - 1) & ~(size_t)(PAGE - 1))

/* ---- guest memory ---- */

static void *guard_area;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;

static void guard_init(void)
{
	/* Larger than any host buffer, so that no access of the kernel to a
	 * stand-in, wherever in it, lands on memory of the supervisor. */
	void *p = mmap(NULL, XIO_DATA_MAX + (1u << 20), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	guard_area = p == MAP_FAILED ? NULL : p;
}

void *xio_guard(void)
{
	pthread_once(&guard_once, guard_init);
	/* Without it (no address space left) a small address is as good:
	 * nothing is ever mapped there. */
	return guard_area ? guard_area : (void *)(uintptr_t)PAGE;
}

static int gone_or(struct cb_call *c, int err)
{
	return cb_call_live(c) ? -ENOENT : err;
}

int xio_read_prefix(struct cb_call *c, uint64_t addr, void *buf, size_t len, size_t *got)
{
	*got = 0;
	if (len == 0)
		return 0;
	uint64_t limit = c->arch == CB_ARCH_I386 ? (1ull << 32) : (1ull << 47);
	if (addr >= limit)
		return gone_or(c, 0);
	if (len > limit - addr)
		len = (size_t)(limit - addr);
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv((pid_t)c->n->pid, &l, 1, &r, 1, 0);
	if (n < 0) {
		if (errno == ESRCH)
			return -ENOENT;
		if (errno != EFAULT && errno != ENOMEM)
			return gone_or(c, -errno);
		n = 0;
	}
	*got = (size_t)n;
	/* The bytes are the guest's only if its call is still pending. */
	return cb_call_live(c);
}

int xio_read(struct cb_call *c, uint64_t addr, void *buf, size_t len)
{
	size_t got;
	int rc = xio_read_prefix(c, addr, buf, len, &got);
	if (rc)
		return rc;
	return got == len ? 0 : -EFAULT;
}

int xio_accessible(struct cb_call *c, uint64_t addr, size_t len, size_t *ok)
{
	enum { BATCH = 1024 };
	*ok = len;
	if (len == 0)
		return 0;
	uint64_t end = addr + len; /* no wrap: len is bounded by the callers */
	uint64_t at = addr;
	unsigned char sink[BATCH];
	struct iovec l = { sink, 0 }, r[BATCH];
	while (at < end) {
		int n = 0;
		uint64_t p = at;
		while (n < BATCH && p < end) {
			r[n].iov_base = (void *)(uintptr_t)p;
			r[n].iov_len = 1;
			n++;
			p = (p & ~(uint64_t)(PAGE - 1)) + PAGE;
		}
		l.iov_len = (size_t)n;
		ssize_t got = process_vm_readv((pid_t)c->n->pid, &l, 1, r, (unsigned long)n, 0);
		if (got < 0) {
			if (errno == ESRCH)
				return -ENOENT;
			got = 0;
		}
		if (got < n) {
			*ok = (size_t)((uint64_t)(uintptr_t)r[got].iov_base - addr);
			break;
		}
		at = p;
	}
	return cb_call_live(c);
}

int xio_buf_make_at(struct xio_buf *b, uint64_t gaddr, size_t len, size_t ok)
{
	memset(b, 0, sizeof(*b));
	b->len = len;
	b->ok = ok;
	if (ok >= len) {
		/* At the guest buffer's offset within a page: O_DIRECT files
		 * take only buffers aligned to their block size, and refuse
		 * the host's what they took from the guest. */
		size_t off = (size_t)(gaddr & (PAGE - 1));
		void *m;
		if (cb_copy_budget_take(len))
			return -ENOMEM;
		if (posix_memalign(&m, PAGE, off + (len ? len : 1))) {
			cb_copy_budget_give(len);
			return -ENOMEM;
		}
		b->charged = len;
		b->ok = len;
		b->heap = m;
		b->p = (uint8_t *)m + off;
		return 0;
	}
	if (ok == 0) {
		b->p = xio_guard();
		return 0;
	}
	/* OK usable bytes ending where PROT_NONE pages begin, as far as the
	 * buffer goes. */
	size_t head = ROUND(ok), tail = ROUND(len - ok) + PAGE;
	if (cb_copy_budget_take(head))
		return -ENOMEM;
	void *m = mmap(NULL, head + tail, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m == MAP_FAILED || mprotect(m, head, PROT_READ | PROT_WRITE)) {
		if (m != MAP_FAILED)
			munmap(m, head + tail);
		cb_copy_budget_give(head);
		return -ENOMEM;
	}
	b->charged = head;
	b->map = m;
	b->maplen = head + tail;
	b->p = (uint8_t *)m + head - ok;
	return 0;
}

void xio_buf_free(struct xio_buf *b)
{
	free(b->heap);
	if (b->map)
		munmap(b->map, b->maplen);
	if (b->charged)
		cb_copy_budget_give(b->charged);
	memset(b, 0, sizeof(*b));
}

/* ---- iovec arrays ---- */

struct giov {
	uint32_t base, len;
};

void xio_iov_free(struct xio_iov *v)
{
	for (uint32_t i = 0; v->s && i < v->n; i++)
		xio_buf_free(&v->s[i].b);
	free(v->s);
	free(v->h);
	memset(v, 0, sizeof(*v));
}

/* The array cannot be used: the host kernel gets a stand-in that fails the
 * same way, at the same point of its checks. */
static int refuse(struct xio_iov *v, const struct giov *g, uint32_t neg, uint64_t count)
{
	v->refused = true;
	if (!g) { /* unreadable, or more than UIO_MAXIOV: EFAULT / EINVAL */
		v->hptr = (uint64_t)(uintptr_t)xio_guard();
		v->hcount = count;
		return 0;
	}
	/* The first negative length: EINVAL from the host's own check. */
	v->h = calloc(neg + 1, sizeof(*v->h));
	if (!v->h)
		return -ENOMEM;
	for (uint32_t i = 0; i <= neg; i++) {
		v->h[i].iov_base = xio_guard();
		v->h[i].iov_len = (size_t)(int64_t)(int32_t)g[i].len;
	}
	v->hptr = (uint64_t)(uintptr_t)v->h;
	v->hcount = neg + 1;
	return 0;
}

static int iov_make(struct cb_call *c, const struct giov *g, uint32_t count, bool out,
		    struct xio_iov *v);

int xio_iov_in(struct cb_call *c, uint64_t gaddr, uint64_t count, bool out, bool preimage,
	       struct xio_iov *v)
{
	memset(v, 0, sizeof(*v));
	v->preimage = out && preimage;
	if (count == 0)
		return 0; /* the kernel reads nothing: NULL and 0 */
	if (count > XIO_IOV_MAX)
		return refuse(v, NULL, 0, count);
	struct giov *g = malloc(count * sizeof(*g));
	if (!g)
		return -ENOMEM;
	size_t got;
	int rc = xio_read_prefix(c, gaddr, g, count * sizeof(*g), &got);
	if (rc) {
		free(g);
		return rc;
	}
	/* The compat copy reads entry by entry: a negative length before the
	 * first unreadable entry is EINVAL, else the fault is EFAULT. */
	uint32_t whole = (uint32_t)(got / sizeof(*g));
	for (uint32_t i = 0; i < whole; i++) {
		if ((int32_t)g[i].len < 0) {
			rc = refuse(v, g, i, count);
			free(g);
			return rc;
		}
	}
	if (whole < count) {
		free(g);
		return refuse(v, NULL, 0, count);
	}

	rc = iov_make(c, g, (uint32_t)count, out, v);
	free(g);
	return rc;
}

int xio_iov_one(struct cb_call *c, uint64_t gaddr, size_t len, bool out, struct xio_iov *v)
{
	memset(v, 0, sizeof(*v));
	struct giov g = { (uint32_t)gaddr, (uint32_t)(len < XIO_DATA_MAX ? len : XIO_DATA_MAX) };
	return iov_make(c, &g, 1, out, v);
}

/* Host buffers for the guest's COUNT segments G. */
static int iov_make(struct cb_call *c, const struct giov *g, uint32_t count, bool out,
		    struct xio_iov *v)
{
	int rc = 0;
	v->n = count;
	v->h = calloc(count, sizeof(*v->h));
	v->s = calloc(count, sizeof(*v->s));
	if (!v->h || !v->s)
		return -ENOMEM;
	size_t left = XIO_DATA_MAX;
	for (uint32_t i = 0; i < count && !rc; i++) {
		size_t len = g[i].len < left ? g[i].len : left;
		left -= len;
		struct xio_seg *s = &v->s[i];
		s->gbase = g[i].base;
		size_t ok = len;
		if (out) {
			rc = xio_accessible(c, s->gbase, len, &ok);
			if (!rc)
				rc = xio_buf_make_at(&s->b, s->gbase, len, ok);
		} else {
			/* Read what can be read; a short read means a guard. */
			rc = xio_buf_make_at(&s->b, s->gbase, len, len);
			if (!rc)
				rc = xio_read_prefix(c, s->gbase, s->b.p, len, &ok);
			if (!rc && ok < len) {
				struct xio_buf nb;
				rc = xio_buf_make_at(&nb, s->gbase, len, ok);
				if (!rc) {
					memcpy(nb.p, s->b.p, ok);
					xio_buf_free(&s->b);
					s->b = nb;
				}
			}
		}
		if (!rc && s->b.ok < len)
			v->faulty = true;
		v->h[i].iov_base = s->b.p;
		v->h[i].iov_len = len;
		v->total += len;
	}
	if (rc)
		return rc;
	if (out && v->faulty)
		v->preimage = true;
	for (uint32_t i = 0; out && v->preimage && i < v->n && !rc; i++) {
		size_t n;
		rc = xio_read_prefix(c, v->s[i].gbase, v->s[i].b.p, v->s[i].b.ok, &n);
		if (!rc && n < v->s[i].b.ok)
			v->s[i].b.ok = n; /* unmapped meanwhile: keep its bytes out */
	}
	v->hptr = (uint64_t)(uintptr_t)v->h;
	v->hcount = count;
	return rc;
}

int xio_iov_out(struct cb_call *c, const struct xio_iov *v, int64_t result)
{
	if (v->refused || !v->s)
		return 0;
	/* After a fault the kernel may have written more than it reports
	 * (a partly copied chunk): everything accessible goes back, the
	 * guest's own bytes where the kernel wrote nothing. */
	bool all = v->faulty;
	if (!all && result <= 0)
		return 0;
	size_t left = all ? SIZE_MAX : (size_t)result;
	for (uint32_t i = 0; i < v->n && left; i++) {
		const struct xio_seg *s = &v->s[i];
		size_t n = s->b.ok < left ? s->b.ok : left;
		if (!all)
			left -= n;
		int rc = cb_guest_write(c, s->gbase, s->b.p, n);
		if (rc)
			return rc;
	}
	return 0;
}

int xio_iov_done(struct cb_xctx *x, struct xio_iov *v, bool out, long r)
{
	if (out && r != -ENOENT) {
		int o = xio_iov_out(x->c, v, r);
		if (o)
			r = o;
	}
	if (!out)
		xio_forward_signals(x);
	xio_iov_free(v);
	return (int)r;
}

void xio_iov_advance(struct xio_iov *v, size_t n)
{
	struct iovec *h = (struct iovec *)(uintptr_t)v->hptr;
	while (n && v->hcount) {
		if (n >= h->iov_len) {
			n -= h->iov_len;
			h++;
			v->hcount--;
		} else {
			h->iov_base = (uint8_t *)h->iov_base + n;
			h->iov_len -= n;
			n = 0;
		}
	}
	v->hptr = (uint64_t)(uintptr_t)h;
}

/* ---- files and waiting ---- */

enum xio_how xio_how(int hfd, int *sock_type)
{
	struct stat st;
	*sock_type = 0;
	if (hfd < 0 || fstat(hfd, &st))
		return XIO_DIRECT; /* the host call reports it */
	if (S_ISSOCK(st.st_mode)) {
		socklen_t l = sizeof(*sock_type);
		getsockopt(hfd, SOL_SOCKET, SO_TYPE, sock_type, &l);
	}
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) || S_ISDIR(st.st_mode))
		return XIO_DIRECT;
	int fl = fcntl(hfd, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		return XIO_DIRECT;
	return XIO_WAIT;
}

static bool anon_is(int hfd, const char *what)
{
	char link[40], target[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", hfd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = 0;
	return strcmp(target, what) == 0;
}

bool xio_signalfd(int hfd)
{
	struct stat st;
	return hfd >= 0 && fstat(hfd, &st) == 0 && (st.st_mode & S_IFMT) == 0 &&
	       anon_is(hfd, "anon_inode:[signalfd]");
}

bool xio_task_tied(int hfd)
{
	struct stat st;
	if (hfd < 0 || fstat(hfd, &st))
		return false;
	if (S_ISCHR(st.st_mode)) {
		/* A terminal: job control (SIGTTIN, SIGTTOU) and the controlling
		 * tty are the caller's. */
		struct termios t;
		return ioctl(hfd, TCGETS, &t) == 0;
	}
	if ((st.st_mode & S_IFMT) != 0)
		return false;
	/* Anonymous inodes: a signalfd reads (and polls) the caller's
	 * signals; fanotify installs event fds in the reader's table. */
	return anon_is(hfd, "anon_inode:[signalfd]") || anon_is(hfd, "anon_inode:[fanotify]");
}

int xio_read_timeout(struct cb_call *c, uint64_t p, bool t64, int64_t *sec, int64_t *nsec)
{
	int rc;
	if (t64) {
		int64_t v[2];
		rc = xio_read(c, p, v, sizeof(v));
		*sec = v[0], *nsec = (uint32_t)v[1];
	} else {
		int32_t v[2];
		rc = xio_read(c, p, v, sizeof(v));
		*sec = v[0], *nsec = v[1];
	}
	if (rc)
		return rc;
	return *sec < 0 || *nsec < 0 || *nsec >= 1000000000 ? -EINVAL : 0;
}

int xio_read_deadline(struct cb_call *c, uint64_t p, bool t64, int64_t *deadline, bool *zero)
{
	*deadline = -1;
	*zero = false;
	if (!p)
		return 0;
	int64_t sec, nsec;
	int rc = xio_read_timeout(c, p, t64, &sec, &nsec);
	if (rc)
		return rc;
	*zero = sec == 0 && nsec == 0;
	int64_t now = xio_now_ns();
	if (sec < (INT64_MAX - now) / 1000000000 - 1)
		*deadline = now + sec * 1000000000 + nsec;
	return 0;
}

int xio_write_timespec(struct cb_call *c, uint64_t p, bool t64, int64_t ns)
{
	if (t64) {
		int64_t v[2] = { ns / 1000000000, ns % 1000000000 };
		return cb_guest_write(c, p, v, sizeof(v));
	}
	int32_t v[2] = { (int32_t)(ns / 1000000000), (int32_t)(ns % 1000000000) };
	return cb_guest_write(c, p, v, sizeof(v));
}

int64_t xio_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int xio_wait_fd(struct cb_call *c, int hfd, short events, int64_t deadline)
{
	int rc = cb_call_may_block(c);
	if (rc)
		return rc;
	for (;;) {
		int ms = XIO_SLICE_MS;
		if (deadline >= 0) {
			int64_t left = deadline - xio_now_ns();
			if (left <= 0)
				return 0;
			if (left < (int64_t)ms * 1000000)
				ms = (int)((left + 999999) / 1000000);
		}
		struct pollfd p = { .fd = hfd, .events = events };
		int r = poll(&p, 1, ms);
		int e = errno;
		if (cb_call_live(c))
			return -ENOENT;
		if (r > 0)
			return 1;
		if (r < 0 && e != EINTR)
			return -e;
	}
}

int64_t xio_sock_deadline(int hfd, bool send)
{
	struct timeval tv = { 0 };
	socklen_t l = sizeof(tv);
	if (getsockopt(hfd, SOL_SOCKET, send ? SO_SNDTIMEO : SO_RCVTIMEO, &tv, &l) ||
	    (tv.tv_sec == 0 && tv.tv_usec == 0))
		return -1;
	/* SO_RCVTIMEO_NEW takes a 64-bit tv_sec: up to ~9e15 s, whose
	 * nanoseconds wrap (to a deadline already past, for some). A deadline
	 * past INT64_MAX is none, as the kernel's longest is "for ever". */
	int64_t now = xio_now_ns();
	if (tv.tv_sec < 0 || tv.tv_sec >= (INT64_MAX - now) / 1000000000 - 1)
		return -1;
	return now + (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

/* ---- signals ---- */

static int slice_signal(void)
{
	return SIGRTMIN + 3;
}

static void no_op(int sig)
{
	(void)sig;
}

static pthread_once_t sig_once = PTHREAD_ONCE_INIT;
static __thread bool thread_ready;

static void sig_init(void)
{
	/* No SA_RESTART: the timer's signal must end a blocking call. */
	struct sigaction sa = { .sa_handler = no_op };
	sigemptyset(&sa.sa_mask);
	sigaction(slice_signal(), &sa, NULL);
}

void xio_signals_setup(void)
{
	pthread_once(&sig_once, sig_init);
	if (thread_ready)
		return;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	sigaddset(&s, SIGXFSZ);
	sigaddset(&s, slice_signal());
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	thread_ready = true;
}

/* Take pending instances of SIG off this thread; true when there was one. */
static bool drain(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	struct timespec zero = { 0, 0 };
	bool any = false;
	while (sigtimedwait(&s, NULL, &zero) == sig)
		any = true;
	return any;
}

long xio_sliced(struct cb_call *c, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	int rc = cb_call_may_block(c);
	if (rc)
		return rc;
	xio_signals_setup();
	int sig = slice_signal();
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = sig };
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	timer_t t;
	if (timer_create(CLOCK_MONOTONIC, &sev, &t))
		return -errno;
	struct itimerspec it = { { 0, XIO_SLICE_MS * 1000000L }, { 0, XIO_SLICE_MS * 1000000L } };
	timer_settime(t, 0, &it, NULL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	long r;
	for (;;) {
		/* A tick between the unblock and the call is no loss: the next
		 * one interrupts it. */
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
		r = syscall(nr, a0, a1, a2, a3, a4, a5);
		int e = errno;
		pthread_sigmask(SIG_BLOCK, &s, NULL);
		if (r >= 0) {
			break;
		}
		r = -e;
		if (e != EINTR)
			break;
		if (cb_call_live(c)) {
			r = -ENOENT;
			break;
		}
	}
	timer_delete(t);
	drain(sig); /* a late tick must not interrupt anything else */
	return r;
}

void xio_forward_signals(struct cb_xctx *x)
{
	int sig = drain(SIGPIPE) ? SIGPIPE : drain(SIGXFSZ) ? SIGXFSZ : 0;
	if (!sig)
		return;
	struct xio_ids ids;
	if (xio_guest_ids(x->c, &ids))
		return;
	uint64_t bit = 1ull << (sig - 1);
	if ((ids.sig_blk | ids.sig_ign) & bit) {
		/* Blocked (or ignored) in the guest thread: pending at once, as
		 * natively, without interrupting its wait for the answer. */
		syscall(SYS_tgkill, ids.tgid, (pid_t)x->c->n->pid, sig);
	} else {
		x->signal_after = sig;
	}
}

/* ---- the guest ---- */

static uint64_t hex64(const char *s)
{
	return strtoull(s, NULL, 16);
}

pid_t xio_pid_in_guest_ns(pid_t pid, int depth)
{
	if (depth <= 1 || pid <= 0)
		return pid;
	char path[40], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	pid_t r = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NStgid:", 7))
			continue;
		char *save = NULL;
		int i = 0;
		for (char *t = strtok_r(line + 7, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
			if (++i == depth)
				r = (pid_t)atoi(t);
		break;
	}
	fclose(f);
	return r;
}

int xio_guest_ids(struct cb_call *c, struct xio_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	ids->umask = -1;
	char path[40], line[256];
	snprintf(path, sizeof(path), "/proc/%u/status", c->n->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Tgid:", 5))
			ids->tgid = (pid_t)atoi(line + 5);
		else if (!strncmp(line, "NStgid:", 7)) {
			char *save = NULL;
			for (char *t = strtok_r(line + 7, " \t\n", &save); t;
			     t = strtok_r(NULL, " \t\n", &save)) {
				ids->nstgid = (pid_t)atoi(t);
				ids->ns_depth++;
			}
		}
		else if (!strncmp(line, "Uid:", 4))
			sscanf(line + 4, "%u %u %u", &ids->uid[0], &ids->uid[1], &ids->uid[2]);
		else if (!strncmp(line, "Gid:", 4))
			sscanf(line + 4, "%u %u %u", &ids->gid[0], &ids->gid[1], &ids->gid[2]);
		else if (!strncmp(line, "CapEff:", 7))
			ids->cap_eff = hex64(line + 7);
		else if (!strncmp(line, "SigBlk:", 7))
			ids->sig_blk = hex64(line + 7);
		else if (!strncmp(line, "SigIgn:", 7))
			ids->sig_ign = hex64(line + 7);
		else if (!strncmp(line, "SigPnd:", 7))
			ids->sig_pnd = hex64(line + 7);
		else if (!strncmp(line, "ShdPnd:", 7))
			ids->shd_pnd = hex64(line + 7);
		else if (!strncmp(line, "FDSize:", 7))
			ids->fd_size = atoi(line + 7);
		else if (!strncmp(line, "Umask:", 6))
			ids->umask = (int)strtol(line + 6, NULL, 8);
	}
	fclose(f);
	if (!ids->ns_depth) { /* no NStgid line: a kernel before 4.1 */
		ids->nstgid = ids->tgid;
		ids->ns_depth = 1;
	}
	return cb_call_live(c);
}

bool xio_cap(uint64_t caps, int cap)
{
	return cap >= 0 && cap < 64 && (caps >> cap) & 1;
}

int xio_fds_get(struct cb_call *c, struct xio_fds *m, int gfd, int *hfd)
{
	/* Open addressing on the guest's number; a few hundred fds at most
	 * in practice, a million at the guest's RLIMIT_NOFILE. */
	if (m->n * 2 >= m->cap) {
		int ncap = m->cap ? m->cap * 2 : 64;
		int *ng = malloc((size_t)ncap * sizeof(int)), *nh = malloc((size_t)ncap * sizeof(int));
		if (!ng || !nh) {
			free(ng);
			free(nh);
			return -ENOMEM;
		}
		for (int i = 0; i < ncap; i++)
			ng[i] = -1;
		for (int i = 0; i < m->cap; i++) {
			if (m->g[i] < 0)
				continue;
			int k = (int)((unsigned)m->g[i] * 2654435761u) & (ncap - 1);
			while (ng[k] >= 0)
				k = (k + 1) & (ncap - 1);
			ng[k] = m->g[i];
			nh[k] = m->h[i];
		}
		free(m->g);
		free(m->h);
		m->g = ng;
		m->h = nh;
		m->cap = ncap;
	}
	int k = (int)((unsigned)gfd * 2654435761u) & (m->cap - 1);
	while (m->g[k] >= 0) {
		if (m->g[k] == gfd) {
			*hfd = m->h[k];
			return 0;
		}
		k = (k + 1) & (m->cap - 1);
	}
	int fd = cb_guest_fd(c, gfd);
	if (fd == -EBADF)
		fd = -1;
	else if (fd < 0)
		return fd;
	m->g[k] = gfd;
	m->h[k] = fd;
	m->n++;
	*hfd = fd;
	return 0;
}

void xio_fds_free(struct xio_fds *m)
{
	for (int i = 0; i < m->cap; i++)
		if (m->g[i] >= 0 && m->h[i] >= 0)
			close(m->h[i]);
	free(m->g);
	free(m->h);
	memset(m, 0, sizeof(*m));
}

/* ---- signalfds inside poll and select ---- */

int xio_sigfds_add(struct xio_sigfds *s, int hfd, int idx)
{
	if (!xio_signalfd(hfd))
		return 1;
	/* fdinfo shows the signals it takes (the kernel keeps the complement). */
	char path[48], line[128];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", hfd);
	FILE *f = fopen(path, "re");
	uint64_t mask = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "sigmask:", 8))
			mask = hex64(line + 8);
	if (f)
		fclose(f);
	int *ni = realloc(s->idx, (size_t)(s->n + 1) * sizeof(int));
	if (!ni)
		return -ENOMEM;
	s->idx = ni;
	uint64_t *nm = realloc(s->mask, (size_t)(s->n + 1) * sizeof(uint64_t));
	if (!nm)
		return -ENOMEM;
	s->mask = nm;
	s->idx[s->n] = idx;
	s->mask[s->n++] = mask;
	return 0;
}

int xio_sigfds_ready(struct cb_call *c, const struct xio_sigfds *s, bool *ready)
{
	if (s->n == 0)
		return 0;
	struct xio_ids ids;
	int rc = xio_guest_ids(c, &ids);
	if (rc)
		return rc;
	int n = 0;
	for (int i = 0; i < s->n; i++) {
		ready[i] = ((ids.sig_pnd | ids.shd_pnd) & s->mask[i]) != 0;
		n += ready[i];
	}
	return n;
}

void xio_sigfds_free(struct xio_sigfds *s)
{
	free(s->idx);
	free(s->mask);
	memset(s, 0, sizeof(*s));
}

/* ---- epoll instances to remember: holding a signalfd, or watching a
 * file with EPOLLEXCLUSIVE ---- */

/* All epoll files share one anonymous inode, so an instance is known by a
 * kept host copy, compared with kcmp(KCMP_FILE). Instances are few (those
 * a signalfd or an exclusive watch was added to) and kept for the run. */
#define MARK_MAX 64
struct mark_set {
	pthread_mutex_t mu;
	int fd[MARK_MAX];
	int n;
};
static struct mark_set tainted = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 };
static struct mark_set exclusive = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 };

static bool same_file(int a, int b)
{
	pid_t me = getpid();
	return syscall(SYS_kcmp, me, me, 0 /* KCMP_FILE */, a, b) == 0;
}

static bool marked(struct mark_set *m, int hepfd)
{
	bool found = false;
	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < m->n && !found; i++)
		found = same_file(m->fd[i], hepfd);
	pthread_mutex_unlock(&m->mu);
	return found;
}

static void mark(struct mark_set *m, int hepfd)
{
	if (hepfd < 0 || marked(m, hepfd))
		return;
	pthread_mutex_lock(&m->mu);
	if (m->n < MARK_MAX) {
		int keep = fcntl(hepfd, F_DUPFD_CLOEXEC, 3);
		if (keep >= 0)
			m->fd[m->n++] = keep;
	}
	pthread_mutex_unlock(&m->mu);
}

bool xio_epoll_tainted(int hepfd) { return marked(&tainted, hepfd); }
void xio_epoll_taint(int hepfd) { mark(&tainted, hepfd); }
bool xio_epoll_exclusive(int hepfd) { return marked(&exclusive, hepfd); }
void xio_epoll_mark_exclusive(int hepfd) { mark(&exclusive, hepfd); }
