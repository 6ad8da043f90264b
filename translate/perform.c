#include "xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/fanotify.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../abi/builtin.h"
#include "../supervisor/dispatch.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"
#include "io.h"
#include "path_call.h"
#include "sockets/sockets.h"
#include "sysv_ipc/sysv_ipc.h"

static const struct cb_xsys *const tables[] = { cb_xsys_files, cb_xsys_io, cb_xsys_offsets,
						 cb_xsys_sockets, cb_xsys_ipc, cb_xsys_file_times,
						 cb_xsys_clocks, cb_xsys_sched, cb_xsys_timerfd,
						 cb_xsys_mqueue };
#define FOR_EACH_ROW(row)                                                        \
	for (size_t t_ = 0; t_ < sizeof(tables) / sizeof(tables[0]); t_++)       \
		for (const struct cb_xsys *row = tables[t_]; row->guest; row++)

/* i386 syscall number -> row, and the host number of each row. */
static const struct cb_xsys *by_nr[CB_NR_MAX];
static int host_nr[CB_NR_MAX];

const struct cb_xsys *cb_xsys_find(enum cb_arch arch, int nr)
{
	if (arch != CB_ARCH_I386 || nr < 0 || nr >= CB_NR_MAX)
		return NULL;
	return by_nr[nr];
}

/* The guest's cwd as a host O_PATH fd, for AT_FDCWD: the supervisor's own
 * cwd means nothing to the guest. */
static int guest_cwd(struct cb_call *c)
{
	char p[40];
	snprintf(p, sizeof(p), "/proc/%u/cwd", c->n->pid);
	cb_creds_settle(); /* a look at another task */
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (cb_call_live(c)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

int cb_xsys_hold_fd(struct cb_xctx *x, int gfd, int *host)
{
	for (int i = 0; i < x->nheld; i++) {
		if (x->held[i].guest == gfd) {
			*host = x->held[i].host;
			return 0;
		}
	}
	if (x->nheld >= CB_XSYS_HELD)
		return -E2BIG;
	int fd = gfd == AT_FDCWD ? guest_cwd(x->c) : cb_guest_fd(x->c, gfd);
	if (fd == -EBADF && gfd != AT_FDCWD)
		fd = -1; /* not open in the guest: remembered as such */
	else if (fd < 0)
		return fd;
	x->held[x->nheld].guest = gfd;
	x->held[x->nheld++].host = fd;
	*host = fd;
	return 0;
}

static int path_creds_now(struct cb_xctx *x);

int cb_xsys_as_guest(struct cb_xctx *x)
{
	int r = path_creds_now(x);
	return r ? r : cb_creds_assume(&x->creds, &x->self);
}

void cb_xsys_as_self(struct cb_xctx *x)
{
	cb_creds_restore(&x->self);
}

int cb_xsys_same_ns(struct cb_call *c, const char *ns)
{
	char p[64];
	struct stat mine, theirs;
	snprintf(p, sizeof(p), "/proc/self/ns/%s", ns);
	if (stat(p, &mine) < 0)
		return 1; /* no such namespace kind here: nobody can be in another */
	snprintf(p, sizeof(p), "/proc/%u/ns/%s", c->n->pid, ns);
	cb_creds_settle(); /* ptrace's check */
	int r = stat(p, &theirs);
	/* The tid may have been reused since: only a live call proves it
	 * named the caller. */
	if (cb_call_live(c))
		return -ENOENT;
	return r == 0 && mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino;
}

int cb_xsys_gate_ns(struct cb_xctx *x, const char *ns)
{
	int same = cb_xsys_same_ns(x->c, ns);
	if (same < 0)
		return same;
	if (!same) {
		x->kernel_why = CB_OUT_K_NAMESPACE;
		return CB_XSYS_KERNEL; /* safe in a gate: /proc was read, no guest memory */
	}
	return 0;
}

/* What a path resolves against, for the supervisor: its mount and user
 * namespaces and its root, which never change; looked up once. */
static struct {
	pthread_once_t once;
	bool ok;
	struct stat id[3];
} own = { .once = PTHREAD_ONCE_INIT };
static const char *const own_paths[] = { "/proc/self/ns/mnt", "/proc/self/ns/user", "/" };

static void own_init(void)
{
	own.ok = true;
	for (size_t i = 0; i < 3; i++)
		own.ok = own.ok && stat(own_paths[i], &own.id[i]) == 0;
}

/* CB_X_PATH: a path resolves for the supervisor as for the guest only from
 * the same root, through the same mounts, as the same user namespace, and
 * with the guest's credentials (taken around the host call). Otherwise the
 * kernel runs the call: CB_XSYS_KERNEL, safe before any memory is read. */
static int path_gate(struct cb_xctx *x, bool paths)
{
	pthread_once(&own.once, own_init);
	/* Kept per thread: only its own setns or unshare, or an execve,
	 * change them (cb_guest_shared_ns). */
	int ns = cb_guest_shared_ns(x->c);
	if (ns == -ENOENT)
		return ns; /* the call is gone (and proved the tid was the caller's) */
	/* Without a path, only the user namespace (whose capabilities the
	 * credentials hold) has to be the same. */
	int want = paths ? (CB_NS_MNT | CB_NS_USER) : CB_NS_USER;
	int same = own.ok && ns >= 0 && (ns & want) == want;
	if (same == 1 && paths && !x->c->sup->root_fixed) {
		/* The root is looked at on every call, unless no guest task
		 * can change it (root_fixed, for a thread in the supervisor's
		 * namespaces): a chroot by any thread sharing the guest's
		 * fs_struct changes it, and nothing of that reaches the
		 * supervisor after the fact. No ID_VALID for this
		 * look: until the guest's path is read it decides only whether
		 * the kernel runs the call, and that read (every CB_X_PATH row
		 * has one, cb_xsys_check) ends with the ID_VALID that proves
		 * the tid named the caller when it was looked at. */
		char p[40];
		struct stat theirs;
		snprintf(p, sizeof(p), "/proc/%u/root", x->c->n->pid);
		cb_creds_settle();
		same = stat(p, &theirs) == 0 && theirs.st_dev == own.id[2].st_dev &&
		       theirs.st_ino == own.id[2].st_ino;
	}
	int r = same == 1 ? cb_guest_creds(x->c, &x->creds) : 0;
	if (r == -ENOENT)
		return r;
	if (same != 1 || r < 0 || cb_creds_worker(&x->self) < 0 ||
	    !cb_creds_can_assume(&x->creds, &x->self))
		return CB_XSYS_KERNEL;
	return 0;
}

/* A CB_X_PATH row's host call, resolving its path where the guest's answer
 * comes out (translate/path_call.h). */
static long path_host_call(const struct cb_xctx *x, long nr)
{
	const uint64_t *h = x->host;
	int dirfd = AT_FDCWD, flags = 0;
	const char *path;
	switch (nr) {
	case SYS_newfstatat:
		dirfd = (int)h[0], path = (const char *)(uintptr_t)h[1], flags = (int)h[3];
		break;
	case SYS_statx:
		dirfd = (int)h[0], path = (const char *)(uintptr_t)h[1], flags = (int)h[2];
		break;
	case SYS_utimensat:
		dirfd = (int)h[0], path = (const char *)(uintptr_t)h[1], flags = (int)h[3];
		break;
	case SYS_futimesat:
		dirfd = (int)h[0], path = (const char *)(uintptr_t)h[1];
		break;
	case SYS_fanotify_mark:
		dirfd = (int)h[3], path = (const char *)(uintptr_t)h[4];
		flags = h[1] & FAN_MARK_DONT_FOLLOW ? AT_SYMLINK_NOFOLLOW : 0;
		break;
	default: /* statfs, truncate: the path first */
		path = (const char *)(uintptr_t)h[0];
		break;
	}
	bool faulty = false;
	for (int i = 0; i < 6; i++)
		faulty |= (x->faulty & (1u << i)) && (const char *)(uintptr_t)h[i] == path;
	/* NULL, or an unreadable path: EFAULT comes from the host call, as
	 * the guest's (or the fd form of utimensat, for NULL). */
	if (!path || faulty) {
		long k = syscall(nr, h[0], h[1], h[2], h[3], h[4], h[5]);
		return k < 0 ? -errno : k;
	}
	if (!*path && !(flags & AT_EMPTY_PATH))
		path = "/"; /* ENOENT whatever the thread group: probe anything */
	return cb_xpath_call(nr, h, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW));
}

/* Just before the host call, after the guest's memory was read: the
 * credentials again, since only a read shows an execve (a new program,
 * maybe other credentials) since they were kept. A hit costs nothing. */
static int path_creds_now(struct cb_xctx *x)
{
	int r = cb_guest_creds(x->c, &x->creds);
	if (r)
		return r;
	return cb_creds_can_assume(&x->creds, &x->self) ? 0 : -EPERM;
}

/* The count a BUF or ARRAY argument is given: above max, EINVAL, or max
 * when the row clamps. */
static int arg_len(const struct cb_xctx *x, const struct cb_xarg *a, uint64_t *len)
{
	*len = a->len_arg < 0 ? a->max : x->c->args[a->len_arg];
	if (a->max && *len > a->max) {
		if (!a->clamp)
			return -EINVAL;
		*len = a->max;
	}
	return 0;
}

/* A late STR argument: the guest's string, or, when it cannot be read,
 * a faulting address for the host kernel to fail on in its own order.
 * Read as the kernel's getname does: at most 4096 bytes with the NUL,
 * without FOLL_FORCE; 4096 bytes and no NUL stay that way (ENAMETOOLONG
 * from the host). */
static int late_str(struct cb_xctx *x, int i)
{
	uint64_t g = x->c->args[i];
	char *buf = NULL;
	size_t got = 0;
	x->host[i] = 0;
	if (!g)
		return 0;
	int r = cb_conv_scratch(x->cv, PATH_MAX + 1, (void **)&buf);
	if (r == 0)
		r = xio_read_prefix(x->c, g, buf, PATH_MAX, &got);
	if (r < 0)
		return r;
	if (got < PATH_MAX && !memchr(buf, 0, got)) {
		x->host[i] = (uint64_t)(uintptr_t)xio_guard();
		x->faulty |= (uint8_t)(1u << i);
		return 0;
	}
	x->host[i] = (uint64_t)(uintptr_t)buf;
	return 0;
}

static int convert_arg(struct cb_xctx *x, int i)
{
	const struct cb_xarg *a = &x->row->arg[i];
	struct cb_call *c = x->c;
	uint64_t g = c->args[i];
	int idx = CB_NO_INDEX, rc = 0;
	void *p = NULL;
	if (a->kind == CB_XA_RECORD || a->kind == CB_XA_ARRAY) {
		idx = cb_abi_record_index(&cb_abi_builtin, a->record);
		if (idx == CB_NO_INDEX)
			return -ENOSYS; /* cb_xsys_check refuses such rows at start-up */
	}
	uint64_t len = 0;
	if ((a->kind == CB_XA_ARRAY || a->kind == CB_XA_BUF) && (rc = arg_len(x, a, &len)) < 0)
		return rc;
	switch (a->kind) {
	case CB_XA_NONE:
		x->host[i] = 0;
		return 0;
	case CB_XA_VALUE:
		x->host[i] = g;
		return 0;
	case CB_XA_SVALUE:
		x->host[i] = (uint64_t)(int64_t)(int32_t)g;
		return 0;
	case CB_XA_FD: {
		int fd = -1;
		rc = cb_xsys_hold_fd(x, (int32_t)g, &fd);
		x->host[i] = (uint64_t)(int64_t)fd;
		return rc;
	}
	case CB_XA_RECORD:
		rc = cb_conv_in(x->cv, idx, g, a->dir, &p);
		break;
	case CB_XA_ARRAY:
		rc = cb_conv_in_array(x->cv, idx, g, (uint32_t)len, a->dir, &p);
		break;
	case CB_XA_BUF:
		rc = cb_conv_in_buf(x->cv, g, len, a->dir, &p);
		break;
	case CB_XA_STR: {
		const char *s = NULL;
		rc = cb_conv_in_str(x->cv, g, 0, &s);
		p = (void *)s;
		break;
	}
	}
	x->host[i] = (uint64_t)(uintptr_t)p;
	return rc;
}

/* After the arguments are converted: counts that were clamped are what
 * the host call is given too. */
static void clamp_lengths(struct cb_xctx *x)
{
	for (int i = 0; i < 6; i++) {
		const struct cb_xarg *a = &x->row->arg[i];
		uint64_t len;
		if ((a->kind == CB_XA_ARRAY || a->kind == CB_XA_BUF) && a->clamp &&
		    arg_len(x, a, &len) == 0)
			x->host[a->len_arg] = len;
	}
}

/* Only the bytes the call reports go back for ret_len buffers. */
static int trim_outputs(struct cb_xctx *x)
{
	for (int i = 0; i < 6; i++) {
		const struct cb_xarg *a = &x->row->arg[i];
		void *h = (void *)(uintptr_t)x->host[i];
		if (a->kind == CB_XA_BUF && a->ret_len && h) {
			int r = cb_conv_out_trim(x->cv, h, (uint64_t)x->result);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static void perform(struct cb_call *c, const struct cb_xsys *row, int nr, uint64_t block, int n);

void cb_xsys_perform(struct cb_call *c, const struct cb_xsys *row)
{
	/* Only a row whose host call runs as the guest may find the last
	 * path call's capabilities in place and keep them (CB_H_CREDS). */
	if (!(row->flags & CB_X_PATH) && !((row->flags & CB_X_CREDS) && !row->call))
		cb_creds_settle();
	perform(c, row, -1, 0, 0);
}

void cb_xsys_perform_block(struct cb_call *c, const struct cb_xsys *row, int nr, uint64_t block,
			   int n)
{
	perform(c, row, nr, block, n);
}

/* NR >= 0: C is a multiplexer; the direct call NR's N arguments are at
 * BLOCK. */
static void perform(struct cb_call *outer, const struct cb_xsys *row, int nr, uint64_t block, int n)
{
	struct cb_call sub, *c = outer;
	struct cb_guest_mem mem = cb_guest_mem_of(outer);
	struct cb_conv cv;
	struct cb_xctx x = { .c = c, .cv = &cv, .row = row };
	int64_t r = cb_conv_init(&cv, &cb_abi_builtin, c->arch, 0, &mem, 0);
	enum cb_outcome why = CB_OUT_K_ARGS; /* the kernel's, for --stats */
	if (!r && (row->flags & (CB_X_PATH | CB_X_CREDS)) &&
	    (r = path_gate(&x, row->flags & CB_X_PATH)) == CB_XSYS_KERNEL)
		why = CB_OUT_K_NAMESPACE;
	if (!r && nr < 0 && row->gate && (r = row->gate(&x)) == CB_XSYS_KERNEL && x.kernel_why)
		why = x.kernel_why;
	if (!r && (row->flags & CB_X_WAITS) && !cb_call_can_block(c)) {
		r = CB_XSYS_KERNEL;
		why = CB_OUT_K_NO_WORKER;
	}
	if (r == CB_XSYS_KERNEL) {
		for (int i = 0; i < x.nheld; i++)
			if (x.held[i].host >= 0)
				close(x.held[i].host);
		cb_conv_free(&cv);
		if (c->sup->log)
			cb_log_syscall(c->sup->log, c, "kernel");
		/* Safe: the gates saw registers only, no guest memory (see xsys.h). */
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE, .out = why };
		return;
	}
	if (!r && nr >= 0) {
		/* The multiplexer's block, read once: from here on the call is
		 * the direct one, answered by the supervisor whatever a gate
		 * says (the kernel would read the block again). */
		uint32_t a[6] = { 0 };
		sub = *outer;
		sub.nr = nr;
		sub.via_nr = outer->nr;
		r = cb_guest_read(outer, block, a, (size_t)n * 4);
		for (int i = 0; i < 6; i++)
			sub.args[i] = a[i];
		c = x.c = &sub;
		mem.ctx = c;
		x.args_read = true;
		if (!r && row->gate && (r = row->gate(&x)) == CB_XSYS_KERNEL)
			r = -ENOSYS; /* a backstop: gates look at args_read */
	}
	for (int i = 0; !r && i < 6; i++)
		if (!row->arg[i].late)
			r = convert_arg(&x, i);
	for (int i = 0; !r && i < 6; i++)
		if (row->arg[i].late)
			r = late_str(&x, i);
	if (!r)
		clamp_lengths(&x);
	if (!r && row->pre)
		r = row->pre(&x);
	if (!r) {
		/* CB_X_PATH: the guest's credentials for the host call only.
		 * Failing to take them (path_gate checked they can be) fails
		 * the call: never with the supervisor's. */
		bool as_guest = (row->flags & CB_X_PATH) || ((row->flags & CB_X_CREDS) && !row->call);
		if (as_guest && ((x.result = path_creds_now(&x)) < 0 ||
				 (x.result = cb_creds_assume(&x.creds, &x.self)) < 0)) {
			as_guest = false;
		} else if (row->call) {
			x.result = row->call(&x);
		} else if (as_guest && (row->flags & CB_X_PATH)) {
			x.result = path_host_call(&x, host_nr[c->nr]);
		} else {
			long k = syscall(host_nr[c->nr], x.host[0], x.host[1], x.host[2],
					 x.host[3], x.host[4], x.host[5]);
			x.result = k < 0 ? -errno : k;
		}
		if (as_guest)
			cb_creds_restore(&x.self);
		if (row->post)
			x.result = row->post(&x);
		r = x.result;
		if (r >= 0) {
			int o = trim_outputs(&x);
			if (!o)
				o = cb_conv_out(&cv);
			if (o) {
				r = x.result = o;
				if (row->undo)
					row->undo(&x);
			}
		}
	}
	for (int i = 0; i < x.nheld; i++)
		if (x.held[i].host >= 0)
			close(x.held[i].host);
	cb_conv_free(&cv);

	if (r == -ENOENT && cb_call_live(c) != 0)
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	else if (r < 0)
		cb_ret_err(c, (int)-r);
	else
		cb_ret(c, r);
	c->v.out = CB_OUT_TRANSLATED;
	if (x.signal_after && c->v.kind == CB_V_RETURN) {
		/* Answer first, then signal the thread (see signal_after). */
		pid_t tgid = cb_guest_tgid(c);
		if (cb_notif_reply(&c->sup->l, c->n->id, c->v.val, c->v.err) == 0 && tgid > 0)
			syscall(SYS_tgkill, tgid, (pid_t)c->n->pid, x.signal_after);
		c->v.kind = CB_V_ANSWERED;
	}
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c,
			       c->v.kind == CB_V_ABANDON ? "abandoned" : "translated");
	outer->v = c->v;
}

const struct cb_xsys *cb_xsys_row(const char *name)
{
	FOR_EACH_ROW(row) {
		if (!strcmp(row->guest, name))
			return row;
	}
	return NULL;
}

static void xsys_handler(struct cb_call *c)
{
	const struct cb_xsys *row = cb_xsys_find(c->arch, c->nr);
	if (!row) { /* registered for i386 only; cannot happen */
		cb_ret_err(c, ENOSYS);
		return;
	}
	cb_xsys_perform(c, row);
}

static const struct cb_handler xsys_fast = { "(translated)", CB_ARCH_I386, xsys_handler, CB_H_CREDS };
static const struct cb_handler xsys_slow = { "(translated)", CB_ARCH_I386, xsys_handler,
					     CB_H_SLOW | CB_H_CREDS };
static const struct cb_handler xsys_socketcall = { "(translated)", CB_ARCH_I386, cb_xsys_socketcall, 0 };
static const struct cb_handler xsys_ipc = { "(translated)", CB_ARCH_I386, cb_xsys_ipc_call, 0 };

int cb_xsys_check(struct cb_err *err)
{
	FOR_EACH_ROW(row) {
		int g = cb_syscall_nr(CB_ARCH_I386, row->guest);
		int hn = cb_syscall_nr(CB_ARCH_X86_64, row->host);
		if (g < 0 || g >= CB_NR_MAX)
			return cb_fail(err, EINVAL, "translation row %s: no such i386 syscall", row->guest);
		if (hn < 0)
			return cb_fail(err, EINVAL, "translation row %s: no such x86_64 syscall %s",
				       row->guest, row->host);
		bool str = false;
		for (int i = 0; i < 6; i++)
			str |= row->arg[i].kind == CB_XA_STR;
		if ((row->flags & CB_X_PATH) && !str)
			return cb_fail(err, EINVAL, "translation row %s: a path call without a path "
				       "argument (its read proves path_gate's looks)", row->guest);
		for (int i = 0; i < 6; i++) {
			const struct cb_xarg *a = &row->arg[i];
			if ((a->kind == CB_XA_RECORD || a->kind == CB_XA_ARRAY) &&
			    cb_abi_record_index(&cb_abi_builtin, a->record) == CB_NO_INDEX)
				return cb_fail(err, EINVAL, "translation row %s: argument %d: no record '%s'",
					       row->guest, i, a->record ? a->record : "(null)");
			bool fixed = a->len_arg == -1 && a->max && !a->clamp;
			if ((a->kind == CB_XA_ARRAY || a->kind == CB_XA_BUF) && !fixed &&
			    (a->len_arg < 0 || a->len_arg > 5 || a->len_arg == i))
				return cb_fail(err, EINVAL, "translation row %s: argument %d: bad len_arg",
					       row->guest, i);
			if ((a->clamp && !a->max) || (a->ret_len && (a->kind != CB_XA_BUF ||
								      a->dir != CB_DIR_OUT)) ||
			    (a->late && a->kind != CB_XA_STR))
				return cb_fail(err, EINVAL,
					       "translation row %s: argument %d: clamp needs max, "
					       "ret_len an output buffer", row->guest, i);
		}
	}
	int rc = cb_xsys_socketcall_check(err);
	return rc ? rc : cb_xipc_check(err);
}

/* Route every row's i386 syscall to the performer and trap it. */
int cb_xsys_install(struct cb_dispatch *d, struct cb_trapset *ts, struct cb_err *err)
{
	int rc = cb_xsys_check(err);
	if (rc)
		return rc;
	FOR_EACH_ROW(row) {
		int g = cb_syscall_nr(CB_ARCH_I386, row->guest);
		by_nr[g] = row;
		host_nr[g] = cb_syscall_nr(CB_ARCH_X86_64, row->host);
		d->h[CB_ARCH_I386][g] = (row->flags & CB_H_SLOW) ? &xsys_slow : &xsys_fast;
		ts->trap[CB_ARCH_I386][g] = true;
	}
	int sc = cb_syscall_nr(CB_ARCH_I386, "socketcall");
	d->h[CB_ARCH_I386][sc] = &xsys_socketcall;
	ts->trap[CB_ARCH_I386][sc] = true;
	int ipc = cb_syscall_nr(CB_ARCH_I386, "ipc");
	d->h[CB_ARCH_I386][ipc] = &xsys_ipc;
	ts->trap[CB_ARCH_I386][ipc] = true;
	return 0;
}
