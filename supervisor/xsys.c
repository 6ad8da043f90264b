#include "xsys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../abi/gen_builtin.h"
#include "dispatch.h"
#include "guest.h"
#include "log.h"
#include "supervisor.h"

static const struct cb_xsys *const tables[] = { cb_xsys_files, cb_xsys_io };
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

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return cb_guest_read(ctx, addr, buf, len);
}

static int mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return cb_guest_write(ctx, addr, buf, len);
}

/* The guest's cwd as a host O_PATH fd, for AT_FDCWD: the supervisor's own
 * cwd means nothing to the guest. */
static int guest_cwd(struct cb_call *c)
{
	char p[40];
	snprintf(p, sizeof(p), "/proc/%u/cwd", c->n->pid);
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (cb_call_live(c)) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

struct held {
	int fd[6];
	int n;
};

static int convert_arg(struct cb_xctx *x, int i, struct held *h)
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
	if (a->kind == CB_XA_ARRAY || a->kind == CB_XA_BUF) {
		len = c->args[a->len_arg];
		if (a->max && len > a->max)
			return -EINVAL;
	}
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
		int fd = (int32_t)g == AT_FDCWD ? guest_cwd(c) : cb_guest_fd(c, (int32_t)g);
		if (fd < 0)
			return fd;
		h->fd[h->n++] = fd;
		x->host[i] = (uint64_t)fd;
		return 0;
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

void cb_xsys_perform(struct cb_call *c, const struct cb_xsys *row)
{
	struct cb_guest_mem mem = { mem_read, mem_write, c };
	struct cb_conv cv;
	struct held h = { .n = 0 };
	struct cb_xctx x = { .c = c, .cv = &cv, .row = row };
	int64_t r = cb_conv_init(&cv, &cb_abi_builtin, c->arch, 0, &mem, 0);
	for (int i = 0; !r && i < 6; i++)
		r = convert_arg(&x, i, &h);
	if (!r && row->pre)
		r = row->pre(&x);
	if (!r) {
		long k = syscall(host_nr[c->nr], x.host[0], x.host[1], x.host[2], x.host[3],
				 x.host[4], x.host[5]);
		x.result = k < 0 ? -errno : k;
		if (row->post)
			x.result = row->post(&x);
		r = x.result;
		if (r >= 0) {
			int o = cb_conv_out(&cv);
			if (o)
				r = o;
		}
	}
	for (int i = 0; i < h.n; i++)
		close(h.fd[i]);
	cb_conv_free(&cv);

	if (r == -ENOENT && cb_call_live(c) != 0)
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
	else if (r < 0)
		cb_ret_err(c, (int)-r);
	else
		cb_ret(c, r);
	if (c->sup->log)
		cb_log_syscall(c->sup->log, c,
			       c->v.kind == CB_V_ABANDON ? "abandoned" : "translated");
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

static const struct cb_handler xsys_fast = { "(translated)", CB_ARCH_I386, xsys_handler, 0 };
static const struct cb_handler xsys_slow = { "(translated)", CB_ARCH_I386, xsys_handler, CB_H_SLOW };

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
		for (int i = 0; i < 6; i++) {
			const struct cb_xarg *a = &row->arg[i];
			if ((a->kind == CB_XA_RECORD || a->kind == CB_XA_ARRAY) &&
			    cb_abi_record_index(&cb_abi_builtin, a->record) == CB_NO_INDEX)
				return cb_fail(err, EINVAL, "translation row %s: argument %d: no record '%s'",
					       row->guest, i, a->record ? a->record : "(null)");
			if ((a->kind == CB_XA_ARRAY || a->kind == CB_XA_BUF) &&
			    (a->len_arg < 0 || a->len_arg > 5 || a->len_arg == i))
				return cb_fail(err, EINVAL, "translation row %s: argument %d: bad len_arg",
					       row->guest, i);
		}
	}
	return 0;
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
	return 0;
}
