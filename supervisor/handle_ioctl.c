/* ioctl: every request is logged; requests whose argument layout is the same
 * for every guest ABI and whose effect does not depend on the calling task
 * are performed by the supervisor on its own copy of the fd; all others run
 * in the kernel, which has its own compat layer for i386 callers. */
#include <asm/termbits.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "dispatch.h"
#include "guest.h"
#include "log.h"
#include "supervisor.h"
#include "translate.h"

enum { ARG_IN = 1, ARG_OUT = 2 };

struct performed {
	uint32_t request;
	unsigned arg; /* ARG_IN: read from guest before; ARG_OUT: written after */
	uint32_t size;
};

/* Only requests that are both layout-identical on i386 and x86_64 and not
 * tied to the caller: TIOCGPGRP and TCSETS* look at the caller's session
 * and process group, FIOCLEX at its fd table, so they stay in the kernel. */
static const struct performed performed[] = {
	{ TCGETS, ARG_OUT, sizeof(struct termios) },
	{ TIOCGWINSZ, ARG_OUT, sizeof(struct winsize) },
	{ FIONREAD, ARG_OUT, sizeof(int) },
	{ TIOCOUTQ, ARG_OUT, sizeof(int) },
	{ FIONBIO, ARG_IN, sizeof(int) },
};
_Static_assert(sizeof(struct termios) == 36, "kernel termios is 36 bytes on i386 and x86_64");
_Static_assert(sizeof(struct winsize) == 8, "winsize is 8 bytes on i386 and x86_64");

static const struct performed *find(uint32_t request)
{
	for (size_t i = 0; i < sizeof(performed) / sizeof(performed[0]); i++)
		if (performed[i].request == request)
			return &performed[i];
	return NULL;
}

/* Perform P on the guest's fd; returns the ioctl's result or -errno. */
static int64_t perform(struct cb_call *c, const struct performed *p, int gfd, uint64_t argp)
{
	unsigned char buf[64] = { 0 };
	cleanup_fd int fd = cb_guest_fd(c, gfd);
	if (fd < 0)
		return fd;
	if (p->arg & ARG_IN) {
		int rc = cb_guest_read(c, argp, buf, p->size);
		if (rc)
			return rc;
	}
	int r = ioctl(fd, p->request, buf);
	if (r < 0)
		return -errno;
	if (p->arg & ARG_OUT) {
		int rc = cb_guest_write(c, argp, buf, p->size);
		if (rc)
			return rc;
	}
	return r;
}

static void handle_ioctl(struct cb_call *c)
{
	int gfd = (int)c->args[0];
	/* The kernel takes the request as an unsigned int: compare on 32 bits,
	 * or TIOCSTI | 1 << 32 would pass for something else. */
	uint32_t request = (uint32_t)c->args[1];
	uint64_t argp = c->args[2];
	char path[4096] = "";
	if (c->sup->log)
		cb_guest_fd_path(c, gfd, path, sizeof(path));

	const struct cb_abi_db *db;
	const struct cb_ioctl *ioc = cb_translate_find(&c->sup->tr, c->arch, request, &db);
	if (ioc) {
		struct cb_log_result lr;
		cb_translate_ioctl(c, db, ioc, gfd, argp, &lr);
		if (c->sup->log)
			cb_log_ioctl(c->sup->log, c, gfd, path, request, &lr);
		return;
	}

	const struct performed *p = c->sup->passthrough ? NULL : find(request);
	if (!p) {
		if (c->sup->log) {
			struct cb_log_result r = { .action = "kernel" };
			cb_log_ioctl(c->sup->log, c, gfd, path, request, &r);
		}
		/* CONTINUE is safe: the decision used only register values (fd
		 * number and request) that the kernel re-reads from the same
		 * saved registers; no guest memory was looked at. */
		c->v = (struct cb_verdict){ .kind = CB_V_CONTINUE };
		return;
	}

	int64_t r = perform(c, p, gfd, argp);
	if (r == -ENOENT && cb_call_live(c) != 0) { /* the call is gone: nothing to answer */
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		if (c->sup->log) {
			struct cb_log_result lr = { .action = "abandoned" };
			cb_log_ioctl(c->sup->log, c, gfd, path, request, &lr);
		}
		return;
	}
	if (r < 0)
		cb_ret_err(c, (int)-r);
	else
		cb_ret(c, r);
	if (c->sup->log) {
		struct cb_log_result lr = { .action = "performed", .known = true,
					    .ret = r < 0 ? -1 : r, .err = r < 0 ? (int)-r : 0 };
		cb_log_ioctl(c->sup->log, c, gfd, path, request, &lr);
	}
}

const struct cb_handler cb_handlers_ioctl[] = {
	{ "ioctl", CB_ARCH_UNKNOWN, handle_ioctl, 0 },
	{ NULL },
};
