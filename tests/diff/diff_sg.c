/* Differential guest for SG_IO on scsi_debug (the kernel's SCSI target in
 * RAM), through its disk (/dev/sdX: the block layer's sg_io) and its sg
 * node (/dev/sgN: the sg driver's): sg_io_hdr holds four pointers, so its
 * i386 layout differs, and its data pointer is a buffer or an iovec array
 * as iovec_count says, read or written as dxfer_direction says. Built -m32
 * and run natively and under `compatbox run --translate`. What changes
 * from run to run (duration, the guest's own addresses) is left out. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diffcase.h"

#define BLOCK 512
#define LBA 8 /* a block the test owns */

/* The scsi_debug disk's sg node ("sg3") or block device ("sdb"), from
 * /sys/class/scsi_generic/sgN/device/{model,block/}. */
static int find(bool disk, char *dev, size_t cap)
{
	DIR *d = opendir("/sys/class/scsi_generic");
	struct dirent *e;
	int found = -1;
	while (d && found < 0 && (e = readdir(d))) {
		char p[300], model[64] = "";
		snprintf(p, sizeof(p), "/sys/class/scsi_generic/%s/device/model", e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		(void)!fgets(model, sizeof(model), f);
		fclose(f);
		if (strncmp(model, "scsi_debug", 10))
			continue;
		if (!disk) {
			snprintf(dev, cap, "/dev/%s", e->d_name);
			found = 0;
			continue;
		}
		snprintf(p, sizeof(p), "/sys/class/scsi_generic/%s/device/block", e->d_name);
		DIR *b = opendir(p);
		struct dirent *be;
		while (b && found < 0 && (be = readdir(b)))
			if (be->d_name[0] != '.') {
				snprintf(dev, cap, "/dev/%s", be->d_name);
				found = 0;
			}
		if (b)
			closedir(b);
	}
	if (d)
		closedir(d);
	return found;
}

static int open_dev(bool disk)
{
	char dev[300];
	if (find(disk, dev, sizeof(dev)) < 0)
		return -1;
	return open(dev, O_RDWR | O_NONBLOCK);
}

static const char *need_disk(void)
{
	int fd = open_dev(true);
	if (fd < 0)
		return "no scsi_debug disk (modprobe scsi_debug, root)";
	close(fd);
	return NULL;
}

static const char *need_sg(void)
{
	int fd = open_dev(false);
	if (fd < 0)
		return "no scsi_debug sg node (modprobe scsi_debug and sg, root)";
	close(fd);
	return NULL;
}

/* What the kernel writes back, but for duration (a time) and the pointers
 * (the guest's own addresses, which the call must leave as they were). */
static void show(const char *what, long r, const sg_io_hdr_t *h, const sg_io_hdr_t *before)
{
	res(what, r);
	printf("  status %#x masked %#x msg %#x sb_len_wr %u host %#x driver %#x resid %d info %#x\n",
	       h->status, h->masked_status, h->msg_status, h->sb_len_wr, h->host_status,
	       h->driver_status, h->resid, h->info);
	printf("  pointers kept %d, inputs kept %d\n",
	       h->dxferp == before->dxferp && h->cmdp == before->cmdp && h->sbp == before->sbp &&
		       h->usr_ptr == before->usr_ptr,
	       h->interface_id == before->interface_id &&
		       h->dxfer_direction == before->dxfer_direction &&
		       h->cmd_len == before->cmd_len && h->mx_sb_len == before->mx_sb_len &&
		       h->iovec_count == before->iovec_count && h->dxfer_len == before->dxfer_len &&
		       h->timeout == before->timeout && h->flags == before->flags &&
		       h->pack_id == before->pack_id);
}

static unsigned char sense[64];

/* One SG_IO: CDB of LEN bytes, data DIR of DLEN bytes at DATA (or an iovec
 * array of IOVECS entries), the sense buffer pre-filled so that what the
 * kernel does not write shows. */
static bool quiet; /* print the result only, not the header */

static long sgio(int fd, const char *what, const unsigned char *cdb, unsigned len, int dir,
		 void *data, unsigned dlen, unsigned iovecs)
{
	sg_io_hdr_t h, before;
	memset(&h, 0x5a, sizeof(h));
	h.interface_id = 'S';
	h.dxfer_direction = dir;
	h.cmd_len = (unsigned char)len;
	h.cmdp = (unsigned char *)cdb;
	h.mx_sb_len = sizeof(sense);
	h.sbp = sense;
	h.iovec_count = (unsigned short)iovecs;
	h.dxfer_len = dlen;
	h.dxferp = data;
	h.timeout = 5000;
	h.flags = 0;
	h.pack_id = 7;
	h.usr_ptr = (void *)0x12345678;
	memset(sense, 0xa5, sizeof(sense));
	before = h;
	long r = ioctl(fd, SG_IO, &h);
	if (quiet) {
		res(what, r);
		return r;
	}
	show(what, r, &h, &before);
	dump("  sense", sense, sizeof(sense));
	return r;
}

static const unsigned char inquiry[6] = { 0x12, 0, 0, 0, 96, 0 };
static const unsigned char tur[6] = { 0 };
static const unsigned char capacity[10] = { 0x25 };
static const unsigned char write10[10] = { 0x2a, 0, 0, 0, 0, LBA, 0, 0, 1, 0 };
static const unsigned char read10[10] = { 0x28, 0, 0, 0, 0, LBA, 0, 0, 1, 0 };
static const unsigned char bogus[10] = { 0xe7 }; /* no such opcode */

static void exercise(int fd, bool disk)
{
	int v = -1;
	res("SG_GET_VERSION_NUM", ioctl(fd, SG_GET_VERSION_NUM, &v));
	printf("version %d\n", v);

	unsigned char buf[BLOCK];
	memset(buf, 0xee, sizeof(buf));
	sgio(fd, "INQUIRY", inquiry, sizeof(inquiry), SG_DXFER_FROM_DEV, buf, 96, 0);
	dump("inquiry", buf, 100); /* 4 bytes past what was asked: untouched */
	/* The first command after the module loads gets a unit attention,
	 * which only the first run would see: once without looking. */
	sg_io_hdr_t first = { .interface_id = 'S', .dxfer_direction = SG_DXFER_NONE,
			      .cmd_len = sizeof(tur), .cmdp = (unsigned char *)tur,
			      .timeout = 5000 };
	(void)!ioctl(fd, SG_IO, &first);
	sgio(fd, "TEST UNIT READY", tur, sizeof(tur), SG_DXFER_NONE, NULL, 0, 0);
	memset(buf, 0xee, sizeof(buf));
	sgio(fd, "READ CAPACITY(10)", capacity, sizeof(capacity), SG_DXFER_FROM_DEV, buf, 8, 0);
	dump("capacity", buf, 12);

	/* Written from read-only memory: nothing may be written back to it. */
	unsigned char *ro = mmap(NULL, BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	for (int i = 0; i < BLOCK; i++)
		ro[i] = (unsigned char)(i * 7 + 3);
	mprotect(ro, BLOCK, PROT_READ);
	sgio(fd, "WRITE(10)", write10, sizeof(write10), SG_DXFER_TO_DEV, ro, BLOCK, 0);

	memset(buf, 0xee, sizeof(buf));
	sgio(fd, "READ(10)", read10, sizeof(read10), SG_DXFER_FROM_DEV, buf, BLOCK, 0);
	printf("read back %s\n", memcmp(buf, ro, BLOCK) ? "differs" : "the same");
	dump("block head", buf, 32);

	unsigned char a[100], b[212], c[200 + 16];
	memset(a, 0xee, sizeof(a));
	memset(b, 0xee, sizeof(b));
	memset(c, 0xee, sizeof(c));
	sg_iovec_t iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, 200 } };
	sgio(fd, "READ(10) into 3 iovecs", read10, sizeof(read10), SG_DXFER_FROM_DEV, iov, BLOCK, 3);
	printf("iovecs %s\n", memcmp(a, ro, 100) || memcmp(b, ro + 100, 212) ||
					      memcmp(c, ro + 312, 200)
				      ? "differ"
				      : "the same");
	dump("past the last iovec", c + 200, 16);
	printf("iovec array kept %d\n", iov[0].iov_base == a && iov[1].iov_len == sizeof(b) &&
						iov[2].iov_base == c && iov[2].iov_len == 200);

	/* 2 MiB in one call, past the converter's default bound. */
	enum { BIG = 2 << 20 };
	unsigned char *big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	static const unsigned char read_big[10] = { 0x28, 0, 0, 0, 0, 0, 0, BIG / BLOCK >> 8, 0, 0 };
	memset(big, 0xee, BIG);
	sgio(fd, "READ(10) 2 MiB", read_big, sizeof(read_big), SG_DXFER_FROM_DEV, big, BIG, 0);
	unsigned sum = 0;
	for (int i = 0; i < BIG; i++)
		sum = sum * 31 + big[i];
	printf("2 MiB: block %d the same %d, sum %#x\n", LBA, !memcmp(big + LBA * BLOCK, ro, BLOCK),
	       sum);
	munmap(big, BIG);

	sgio(fd, "unsupported opcode", bogus, sizeof(bogus), SG_DXFER_NONE, NULL, 0, 0);

	/* Bad pointers: the data buffer, the CDB, the sense buffer (written
	 * only when there is sense: the unsupported opcode). */
	/* sg runs the command and writes the header back before it finds it
	 * cannot copy the data out; the supervisor finds the bad buffer
	 * before the call (docs/ioctls.md): only the result is compared. */
	quiet = !disk;
	sgio(fd, "READ(10) bad dxferp", read10, sizeof(read10), SG_DXFER_FROM_DEV, BAD_PTR, BLOCK, 0);
	quiet = false;
	sgio(fd, "READ(10) bad cmdp", BAD_PTR, sizeof(read10), SG_DXFER_FROM_DEV, buf, BLOCK, 0);
	sg_io_hdr_t h, before;
	memset(&h, 0, sizeof(h));
	h.interface_id = 'S';
	h.dxfer_direction = SG_DXFER_NONE;
	h.cmd_len = sizeof(bogus);
	h.cmdp = (unsigned char *)bogus;
	h.mx_sb_len = 32;
	h.sbp = BAD_PTR;
	h.timeout = 5000;
	h.status = 0x5a;
	before = h;
	/* The sense is copied before the header, which then stays as it was. */
	show("unsupported opcode, bad sbp", ioctl(fd, SG_IO, &h), &h, &before);
	h.cmdp = (unsigned char *)tur;
	h.cmd_len = sizeof(tur);
	res("TEST UNIT READY, bad sbp (no sense)", ioctl(fd, SG_IO, &h));
	res("SG_IO bad header", ioctl(fd, SG_IO, BAD_PTR));

	/* A length past every limit: the kernel's own error, before it
	 * looks at the buffer. */
	sgio(fd, "READ(10) 256 MiB", read10, sizeof(read10), SG_DXFER_FROM_DEV, buf, 1u << 28, 0);
	sg_iovec_t many[2] = { { a, 50 }, { b, 50 } };
	sgio(fd, "READ(10) 2000 iovecs", read10, sizeof(read10), SG_DXFER_FROM_DEV, many, BLOCK, 2000);
	munmap(ro, BLOCK);
}

static void disk(void)
{
	int fd = open_dev(true);
	exercise(fd, true);
	close(fd);
}

static void sgnode(void)
{
	int fd = open_dev(false);
	exercise(fd, false);
	close(fd);
}

static const struct diff_case cases[] = {
	{ "disk", disk, "translated", need_disk },
	{ "sg", sgnode, "translated", need_sg },
};

DIFF_MAIN(cases)
