#include "translate.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../abi/convert.h"
#include "../abi/ioctl_decode.h"
#include "../common/cleanup.h"
#include "../guest/guest.h"
#include "../supervisor/supervisor.h"

const struct cb_ioctl *cb_translate_find(const struct cb_translator *t, enum cb_arch arch,
					 uint32_t request, const struct cb_abi_db **db,
					 const struct cb_ioctl **desc)
{
	const struct cb_ioctl *ioc = NULL;
	/* An x86_64 guest's layouts are the host's: nothing to translate. */
	for (int i = 0; t->enabled && arch == CB_ARCH_I386 && !ioc && i < t->ndbs; i++)
		if ((ioc = cb_abi_ioctl_by_req(t->dbs[i], arch, request)))
			*db = t->dbs[i];
	if (desc)
		*desc = ioc;
	/* A task-tied request's meaning depends on the caller: the kernel's. */
	return ioc && !ioc->task_tied ? ioc : NULL;
}

/* A scalar argument (int *, long *): widen on the way in, narrow back. */
static int64_t scalar_call(struct cb_call *c, const struct cb_ioctl *ioc, uint32_t request, int fd,
			   uint64_t argp)
{
	uint32_t gsize = ioc->arg_size[c->arch], hsize = ioc->arg_size[CB_CONV_HOST];
	if (gsize > 8 || hsize > 8)
		return -EINVAL;
	bool is_signed = ioc->arg_kind == CB_K_SINT || ioc->arg_kind == CB_K_SLONG;
	union { int32_t s32; uint32_t u32; int64_t s64; uint64_t u64; unsigned char b[8]; } g = { 0 }, h = { 0 };
	if (ioc->dir == CB_DIR_IN || ioc->dir == CB_DIR_INOUT) {
		int rc = cb_guest_read(c, argp, g.b, gsize);
		if (rc)
			return rc;
		if (gsize == 4 && hsize == 8)
			h.s64 = is_signed ? (int64_t)g.s32 : (int64_t)g.u32;
		else
			memcpy(h.b, g.b, gsize < hsize ? gsize : hsize);
	}
	int r = ioctl(fd, cb_abi_ioctl_host_req(ioc, request, 0), h.b);
	if (r < 0)
		return -errno;
	if (ioc->dir == CB_DIR_OUT || ioc->dir == CB_DIR_INOUT) {
		if (gsize == 4 && hsize == 8) {
			bool fits = is_signed ? h.s64 == (int64_t)(int32_t)h.s64 : h.u64 <= UINT32_MAX;
			if (!fits)
				return -EOVERFLOW;
			g.u32 = (uint32_t)h.u64;
		} else {
			memcpy(g.b, h.b, gsize < hsize ? gsize : hsize);
		}
		int rc = cb_guest_write(c, argp, g.b, gsize);
		if (rc)
			return rc;
	}
	return r;
}

/* Swap guest fd numbers in input fields for host copies of those fds. */
static int swap_fds(struct cb_call *c, struct cb_conv *cv, int *held, int max, int *n)
{
	for (const struct cb_conv_fd *f = cb_conv_fds(cv); f; f = f->next) {
		if (f->dir == CB_DIR_OUT)
			return -EOPNOTSUPP; /* returning fds through a struct: not yet */
		if (*n >= max)
			return -E2BIG;
		int h = cb_guest_fd(c, (int)cb_conv_fd_get(f));
		if (h < 0)
			return h;
		held[(*n)++] = h;
		cb_conv_fd_set(f, h);
	}
	return 0;
}

/* The argument's size: the record's, or what the guest's request says
 * (a pattern sized by its parameter: EVIOCGNAME(len), SPI_IOC_MESSAGE(n)).
 * *COUNT records, or *COUNT bytes when there is no record; *HSIZE the
 * host's bytes. */
static int arg_extent(const struct cb_abi_db *db, const struct cb_ioctl *ioc, enum cb_arch arch,
		      uint32_t request, uint32_t *count, uint32_t *hsize)
{
	if (!ioc->arg_from_req) {
		*count = 1;
		*hsize = ioc->arg_size[CB_CONV_HOST];
		return 0;
	}
	uint32_t bytes = cb_ioctl_split(request).size;
	if (ioc->arg_record == CB_NO_INDEX) {
		*count = *hsize = bytes;
		return 0;
	}
	const struct cb_record *r = &db->records[ioc->arg_record];
	if (!r->size[arch] || bytes % r->size[arch])
		return -EINVAL; /* not a whole number of records: the kernel says EINVAL too */
	*count = bytes / r->size[arch];
	uint64_t h = (uint64_t)*count * r->size[CB_CONV_HOST];
	if (h > 0x3fff)
		return -EINVAL; /* no host number can say that size */
	*hsize = (uint32_t)h;
	return 0;
}

/* One translated ioctl's copies: the largest data buffer a descriptor
 * allows (SG_IO's dxfer_len, max=16 MiB) and the default bound for the
 * rest. Taken as needed, freed after the call. */
#define IOCTL_ARENA ((16u << 20) + CB_CONV_LIMIT_DEFAULT)

static int64_t record_call(struct cb_call *c, const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			   uint32_t request, int fd, uint64_t argp)
{
	struct cb_guest_mem mem = cb_guest_mem_of(c);
	struct cb_conv cv;
	int held[8], nheld = 0;
	uint32_t count = 0, hsize = 0;
	int64_t r = arg_extent(db, ioc, c->arch, request, &count, &hsize);
	if (r)
		return r;
	r = cb_conv_init(&cv, db, c->arch, request, &mem, IOCTL_ARENA);
	void *host = NULL;
	/* A buffer the kernel fills may be written only in part (EVIOCGNAME
	 * writes the name and its NUL): it is read first, so that the rest
	 * goes back to the guest as it was. */
	enum cb_dir bufdir = ioc->dir == CB_DIR_OUT ? CB_DIR_INOUT : ioc->dir;
	if (r)
		;
	else if (ioc->arg_record == CB_NO_INDEX)
		r = count ? cb_conv_in_buf(&cv, argp, count, bufdir, &host) : 0;
	else if (ioc->arg_from_req)
		r = count ? cb_conv_in_array(&cv, ioc->arg_record, argp, count, ioc->dir, &host) : 0;
	else
		r = cb_conv_in(&cv, ioc->arg_record, argp, ioc->dir, &host);
	if (!r)
		r = swap_fds(c, &cv, held, 8, &nheld);
	if (!r) {
		/* A NULL argument stays NULL: the kernel reports it as it would. */
		int k = ioctl(fd, cb_abi_ioctl_host_req(ioc, request, hsize), host);
		r = k < 0 ? -errno : k;
		/* A failed call's argument goes back only where the kernel
		 * writes it back too (drm_ioctl): a failure's EFAULT then
		 * replaces the result, as copy_to_user's does there. */
		if (k >= 0 || ioc->written_on_failure) {
			int o = cb_conv_out(&cv);
			if (o)
				r = o;
		}
	}
	for (int i = 0; i < nheld; i++)
		close(held[i]);
	cb_conv_free(&cv);
	return r;
}

void cb_translate_ioctl(struct cb_call *c, const struct cb_abi_db *db, const struct cb_ioctl *ioc,
			uint32_t request, int fd, uint64_t argp, struct cb_log_result *lr)
{
	int64_t r;
	if (fd < 0)
		r = fd;
	else if (ioc->arg_record != CB_NO_INDEX || ioc->arg_from_req)
		r = record_call(c, db, ioc, request, fd, argp);
	else if (ioc->arg_kind != CB_K_PAD)
		r = scalar_call(c, ioc, request, fd, argp);
	else if (ioc->fd_value) {
		/* The argument names another fd of the guest's: the supervisor's
		 * copy goes in its place (the kernel's fdget of it: EBADF). */
		int src = cb_guest_fd(c, (int)(int32_t)argp);
		if (src < 0) {
			r = src;
		} else {
			int k = ioctl(fd, cb_abi_ioctl_host_req(ioc, request, 0), src);
			r = k < 0 ? -errno : k;
			close(src);
		}
	} else {
		/* No pointer: the argument is a plain value. */
		int k = ioctl(fd, cb_abi_ioctl_host_req(ioc, request, 0), (unsigned long)argp);
		r = k < 0 ? -errno : k;
	}
	/* ENOENT from the host call is a result; from the guest accessors it
	 * means the call is gone. Only the latter leaves the call dead. */
	if (r == -ENOENT && cb_call_live(c) != 0) {
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		*lr = (struct cb_log_result){ .action = "abandoned" };
		return;
	}
	if (r < 0)
		cb_ret_err(c, (int)-r);
	else
		cb_ret(c, r);
	c->v.out = CB_OUT_TRANSLATED;
	*lr = (struct cb_log_result){ .action = "translated", .known = true,
				      .ret = r < 0 ? -1 : r, .err = r < 0 ? (int)-r : 0 };
}
