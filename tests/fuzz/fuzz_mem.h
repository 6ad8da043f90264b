/* Guest memory for the fuzz targets: a byte array at GUEST_BASE, as in
 * tests/unit/test_convert.c; anything else faults (-EFAULT). */
#ifndef CB_FUZZ_MEM_H
#define CB_FUZZ_MEM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../abi/convert.h"

#define GUEST_BASE 0x10000u
#define GUEST_SIZE 0x10000u

static uint8_t guest[GUEST_SIZE];

static int in_guest(uint64_t addr, size_t len)
{
	return addr >= GUEST_BASE && len <= GUEST_SIZE && addr - GUEST_BASE <= GUEST_SIZE - len;
}

static int fz_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (!in_guest(addr, len))
		return -EFAULT;
	memcpy(buf, guest + (addr - GUEST_BASE), len);
	return 0;
}

static int fz_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	if (!in_guest(addr, len))
		return -EFAULT;
	memcpy(guest + (addr - GUEST_BASE), buf, len);
	return 0;
}

static const struct cb_guest_mem fz_mem = { fz_read, fz_write, NULL };

/* The kernel's part of a call: it may write anything into what it is
 * given. Fill the host copy H of HSIZE bytes from SRC (cycled). */
static void fz_kernel_writes(void *h, size_t hsize, const uint8_t *src, size_t n)
{
	if (!h || !n)
		return;
	for (size_t i = 0; i < hsize; i++)
		((uint8_t *)h)[i] = src[i % n];
}

#endif
