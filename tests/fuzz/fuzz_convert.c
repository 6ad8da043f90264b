/* libFuzzer target: the converter on the built-in database with guest
 * memory as the input, both ways, and the control-message converters.
 *
 *   byte 0: which record (or, odd byte 1, which ioctl's argument)
 *   byte 1: bit 0 ioctl, bit 1 x86_64 guest, bits 2-3 direction
 *   then:   the guest's memory at GUEST_BASE; the same bytes are what the
 *           "kernel" writes into the host copies before the way back. */
#include <stdbool.h>
#include <stdlib.h>

#include "../../abi/builtin.h"
#include "fuzz_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cmsgs(const uint8_t *p, size_t n)
{
	uint8_t h[4096], g[2048];
	size_t hlen, glen, hused;
	bool ctrunc;
	if (n > sizeof(g))
		n = sizeof(g);
	cb_conv_cmsg_to_host(CB_ARCH_I386, p, n, h, cb_conv_cmsg_host_space(CB_ARCH_I386, n), &hlen);
	size_t gcap = n ? p[0] * 8u % sizeof(g) : 0;
	cb_conv_cmsg_to_guest(CB_ARCH_I386, p, n, g, gcap, &glen, &ctrunc, &hused);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cb_abi_db *db = &cb_abi_builtin;
	if (size < 2)
		return 0;
	uint8_t pick = data[0], how = data[1];
	const uint8_t *rest = data + 2;
	size_t n = size - 2;
	int record;
	uint32_t cmd = 0;
	enum cb_arch g = (how & 2) ? CB_ARCH_X86_64 : CB_ARCH_I386;
	enum cb_dir dir = (enum cb_dir)((how >> 2) & 3);
	if (how & 1) {
		const struct cb_ioctl *io = &db->ioctls[pick % db->nioctls];
		if (io->arg_record < 0)
			return 0;
		record = io->arg_record;
		cmd = io->req[g];
		dir = io->dir;
	} else {
		record = pick % db->nrecords;
	}
	memset(guest, 0, sizeof(guest));
	memcpy(guest, rest, n < GUEST_SIZE ? n : GUEST_SIZE);

	struct cb_conv cv;
	void *h = NULL;
	if (cb_conv_init(&cv, db, g, cmd, &fz_mem, 1u << 20) == 0) {
		if (cb_conv_in(&cv, record, GUEST_BASE, dir, &h) == 0) {
			fz_kernel_writes(h, db->records[record].size[CB_CONV_HOST], rest, n);
			cb_conv_out(&cv);
		}
		cb_conv_free(&cv);
	}
	cmsgs(rest, n);
	return 0;
}
