/* Translated syscalls as data: each row says, per argument, what the guest
 * passes (an fd, a record the descriptors describe, a buffer whose length
 * is another argument, ...), and which host call performs it. One generic
 * performer takes the guest's fds, converts the arguments, makes the host
 * call, converts the results back and answers. Quirks that are not layout
 * (a 32-bit caller's view of a value) are hooks on the row. */
#ifndef CB_XSYS_H
#define CB_XSYS_H

#include <stdint.h>

#include "../abi/convert.h"
#include "call.h"

enum cb_xarg_kind {
	CB_XA_NONE,   /* unused slot */
	CB_XA_VALUE,  /* passed as it is (flags, counts, offsets) */
	CB_XA_SVALUE, /* a signed int: sign-extended from the guest's width */
	CB_XA_FD,     /* the guest's fd: replaced by a host copy (AT_FDCWD kept) */
	CB_XA_RECORD, /* pointer to one record `record` */
	CB_XA_ARRAY,  /* pointer to `len_arg` records `record` */
	CB_XA_BUF,    /* pointer to `len_arg` bytes */
	CB_XA_STR,    /* pointer to a NUL-terminated string (at most 4096 bytes) */
};

struct cb_xarg {
	enum cb_xarg_kind kind;
	enum cb_dir dir;
	const char *record; /* RECORD, ARRAY: the record's name in the database */
	int len_arg;        /* ARRAY, BUF: index of the argument holding the count */
	uint32_t max;       /* ARRAY, BUF: largest count accepted (EINVAL beyond) */
};

struct cb_xsys;

/* Hooks: adjust host arguments before the call, or the outcome after it.
 * They get the converted host arguments; POST gets the host result and
 * returns the result to give the guest (or -errno). */
struct cb_xctx {
	struct cb_call *c;
	struct cb_conv *cv;
	const struct cb_xsys *row;
	uint64_t host[6];
	int64_t result;
};
typedef int (*cb_xhook)(struct cb_xctx *x);

struct cb_xsys {
	const char *guest;  /* the guest's syscall (i386 name) */
	const char *host;   /* the x86_64 syscall that performs it */
	struct cb_xarg arg[6];
	cb_xhook pre, post;
	unsigned flags;     /* CB_H_SLOW when it may block */
	const char *why;    /* one line for docs/translation.md: what kind of call it is */
};

/* The tables, each ended by a row with guest == NULL. */
extern const struct cb_xsys cb_xsys_files[];
extern const struct cb_xsys cb_xsys_io[];

/* The row for ARCH's syscall NR, or NULL. Only i386 guests are translated. */
const struct cb_xsys *cb_xsys_find(enum cb_arch arch, int nr);
/* Perform C as ROW says; sets the verdict and logs. */
void cb_xsys_perform(struct cb_call *c, const struct cb_xsys *row);
struct cb_dispatch;
struct cb_trapset;
/* Route every row's i386 syscall to the performer in D and trap it in TS
 * (--translate). -EINVAL with a reason when a row is inconsistent. */
int cb_xsys_install(struct cb_dispatch *d, struct cb_trapset *ts, struct cb_err *err);
/* Check every row against the database and the syscall tables (startup
 * and unit tests): -EINVAL with a reason naming the row. */
int cb_xsys_check(struct cb_err *err);

#endif
