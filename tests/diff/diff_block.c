/* Differential guest for block devices and files: a loop device set up
 * with LOOP_CONFIGURE over a sparse file, the old loop_info (whose device
 * numbers are 16 bits on i386 and longs on x86_64), the BLK* getters whose
 * widths differ (BLKGETSIZE's long against BLKGETSIZE64's u64), and the
 * FS_IOC_* requests on a regular file (FIEMAP's counted extents). Built
 * -m32 and run natively and under `compatbox run --translate`; everything
 * that names this run (the loop's number, the backing file's inode) is
 * checked and then blanked before the bytes are printed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diffcase.h"

#define BACKING_BYTES (8u << 20)

/* A sparse backing file with a few written blocks, in the working
 * directory (the harness's temporary one), unlinked at once. */
static int backing(char *path, size_t cap)
{
	snprintf(path, cap, "diff_block.%d.img", (int)getpid());
	int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f < 0)
		return -1;
	char blk[4096];
	memset(blk, 0x5a, sizeof(blk));
	(void)!ftruncate(f, BACKING_BYTES);
	(void)!pwrite(f, blk, sizeof(blk), 0);
	(void)!pwrite(f, blk, sizeof(blk), 1 << 20);
	fsync(f);
	return f;
}

static void show_info(int dev, int n, const struct stat *st)
{
	struct loop_info li;
	memset(&li, 0xa5, sizeof(li));
	res("LOOP_GET_STATUS", ioctl(dev, LOOP_GET_STATUS, &li));
	printf("lo_number is ours %d, lo_inode is the file's %d, lo_device fits %d\n",
	       li.lo_number == n, li.lo_inode == (unsigned long)st->st_ino,
	       li.lo_device == (__kernel_old_dev_t)st->st_dev);
	li.lo_number = 0;
	li.lo_inode = 0;
	memset(li.lo_name, 0, sizeof(li.lo_name)); /* the file's name has our pid */
	dump("loop_info", &li, sizeof(li));
	struct loop_info64 l64;
	memset(&l64, 0xa5, sizeof(l64));
	res("LOOP_GET_STATUS64", ioctl(dev, LOOP_GET_STATUS64, &l64));
	printf("lo_number is ours %d, lo_inode is the file's %d\n", l64.lo_number == (unsigned)n,
	       l64.lo_inode == st->st_ino);
	l64.lo_number = 0;
	l64.lo_inode = 0;
	l64.lo_device = 0; /* in full: compared above through loop_info */
	memset(l64.lo_file_name, 0, sizeof(l64.lo_file_name));
	dump("loop_info64", &l64, sizeof(l64));
}

static void blk_getters(int dev)
{
	unsigned long sectors = 0x5a5a5a5a;
	res("BLKGETSIZE", ioctl(dev, BLKGETSIZE, &sectors));
	printf("sectors %lu\n", sectors);
	uint64_t bytes = 0x5a5a5a5a5a5a5a5aull;
	res("BLKGETSIZE64", ioctl(dev, BLKGETSIZE64, &bytes));
	printf("bytes %llu\n", (unsigned long long)bytes);
	int v = -7;
	res("BLKBSZGET", ioctl(dev, BLKBSZGET, &v));
	printf("bsz %d\n", v);
	res("BLKSSZGET", ioctl(dev, BLKSSZGET, &v));
	printf("ssz %d\n", v);
	res("BLKROGET", ioctl(dev, BLKROGET, &v));
	printf("ro %d\n", v);
	long ra = -7;
	res("BLKRAGET", ioctl(dev, BLKRAGET, &ra));
	printf("ra %ld\n", ra);
	unsigned u = 7;
	res("BLKIOMIN", ioctl(dev, BLKIOMIN, &u));
	printf("iomin %u\n", u);
	res("BLKPBSZGET", ioctl(dev, BLKPBSZGET, &u));
	printf("pbsz %u\n", u);
	unsigned short rot = 7;
	res("BLKROTATIONAL", ioctl(dev, BLKROTATIONAL, &rot));
	printf("rotational %u\n", rot);
	struct hd_geometry geo;
	memset(&geo, 0xa5, sizeof(geo));
	res("HDIO_GETGEO", ioctl(dev, HDIO_GETGEO, &geo));
	dump("hd_geometry", &geo, sizeof(geo));
	uint64_t range[2] = { 1 << 20, 4096 };
	res("BLKDISCARD", ioctl(dev, BLKDISCARD, range));
	res("BLKGETSIZE bad pointer", ioctl(dev, BLKGETSIZE, BAD_PTR));
	res("BLKGETSIZE64 bad pointer", ioctl(dev, BLKGETSIZE64, BAD_PTR));
}

static void loop(void)
{
	int ctl = open("/dev/loop-control", O_RDWR);
	char path[64];
	int f = backing(path, sizeof(path));
	struct stat st;
	if (ctl < 0 || f < 0 || fstat(f, &st)) {
		printf("setup failed\n");
		return;
	}
	long n = ioctl(ctl, LOOP_CTL_GET_FREE);
	printf("LOOP_CTL_GET_FREE ok %d\n", n >= 0);
	char name[32];
	snprintf(name, sizeof(name), "/dev/loop%ld", n);
	int dev = open(name, O_RDWR);
	if (dev < 0) {
		printf("open loop failed\n");
		return;
	}
	struct loop_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)f;
	cfg.block_size = 4096;
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
	res("LOOP_CONFIGURE", ioctl(dev, LOOP_CONFIGURE, &cfg));
	show_info(dev, (int)n, &st);
	blk_getters(dev);

	/* The old loop_info set (in the kernel: CAP_SYS_ADMIN if read-only). */
	struct loop_info li;
	memset(&li, 0, sizeof(li));
	res("LOOP_GET_STATUS again", ioctl(dev, LOOP_GET_STATUS, &li));
	li.lo_offset = 4096;
	res("LOOP_SET_STATUS", ioctl(dev, LOOP_SET_STATUS, &li));
	show_info(dev, (int)n, &st);
	unsigned long sectors = 0;
	res("BLKGETSIZE after offset", ioctl(dev, BLKGETSIZE, &sectors));
	printf("sectors %lu\n", sectors);
	res("LOOP_GET_STATUS bad pointer", ioctl(dev, LOOP_GET_STATUS, BAD_PTR));
	cfg.fd = 999; /* not an fd of ours */
	res("LOOP_CONFIGURE busy", ioctl(dev, LOOP_CONFIGURE, &cfg));
	/* The fd as the argument itself (fd-value): the supervisor's copy. */
	res("LOOP_SET_FD busy", ioctl(dev, LOOP_SET_FD, f));
	res("LOOP_CHANGE_FD not read-only", ioctl(dev, LOOP_CHANGE_FD, f));
	res("LOOP_CLR_FD", ioctl(dev, LOOP_CLR_FD));
	res("LOOP_GET_STATUS unbound", ioctl(dev, LOOP_GET_STATUS, &li));
	close(dev);
	/* The device may still be closing: removal is not compared. */
	(void)!ioctl(ctl, LOOP_CTL_REMOVE, n);
	close(f);
	unlink(path);
}

/* Not bound: LOOP_CONFIGURE with an fd that is none. */
static void loop_badfd(void)
{
	int ctl = open("/dev/loop-control", O_RDWR);
	long n = ioctl(ctl, LOOP_CTL_GET_FREE);
	char name[32];
	snprintf(name, sizeof(name), "/dev/loop%ld", n);
	int dev = open(name, O_RDWR);
	struct loop_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = 999;
	res("LOOP_CONFIGURE bad fd", ioctl(dev, LOOP_CONFIGURE, &cfg));
	res("LOOP_CONFIGURE bad pointer", ioctl(dev, LOOP_CONFIGURE, BAD_PTR));
	struct loop_info li;
	res("LOOP_GET_STATUS unbound", ioctl(dev, LOOP_GET_STATUS, &li));
	res("LOOP_SET_FD bad fd", ioctl(dev, LOOP_SET_FD, 999));
	res("LOOP_CHANGE_FD unbound", ioctl(dev, LOOP_CHANGE_FD, 0));
	/* Bound by the fd as the argument itself, then unbound. */
	char path[64];
	int f = backing(path, sizeof(path));
	res("LOOP_SET_FD", ioctl(dev, LOOP_SET_FD, f));
	struct loop_info64 l64;
	memset(&l64, 0, sizeof(l64));
	int r = ioctl(dev, LOOP_GET_STATUS64, &l64);
	res("LOOP_GET_STATUS64 after LOOP_SET_FD", r);
	if (r == 0)
		printf("lo_sizelimit %llu lo_flags 0x%x\n", (unsigned long long)l64.lo_sizelimit,
		       l64.lo_flags);
	res("LOOP_CLR_FD", ioctl(dev, LOOP_CLR_FD));
	close(dev);
	close(f);
	unlink(path);
	(void)!ioctl(ctl, LOOP_CTL_REMOVE, n);
}

static const char *need_loop(void)
{
	return access("/dev/loop-control", R_OK | W_OK) ? "no /dev/loop-control (loop module, root)"
							 : NULL;
}

/* A regular file: the version, block size and extents of a file with two
 * written blocks (FIEMAP: EOPNOTSUPP on a file system without it). */
static void fsio(void)
{
	char path[64];
	int f = backing(path, sizeof(path));
	if (f < 0)
		return;
	int v = -7;
	res("FIGETBSZ", ioctl(f, FIGETBSZ, &v));
	printf("bsz %d\n", v);
	long r = ioctl(f, FS_IOC_GETVERSION, &v);
	res("FS_IOC_GETVERSION", r);
	struct fsxattr fx;
	memset(&fx, 0xa5, sizeof(fx));
	res("FS_IOC_FSGETXATTR", ioctl(f, FS_IOC_FSGETXATTR, &fx));
	dump("fsxattr", &fx, sizeof(fx));
	struct {
		struct fiemap fm;
		struct fiemap_extent ext[4];
	} m;
	memset(&m, 0xa5, sizeof(m));
	m.fm.fm_start = 0;
	m.fm.fm_length = ~0ull;
	m.fm.fm_flags = FIEMAP_FLAG_SYNC;
	m.fm.fm_extent_count = 4;
	r = ioctl(f, FS_IOC_FIEMAP, &m);
	res("FS_IOC_FIEMAP", r);
	printf("mapped %u\n", m.fm.fm_mapped_extents);
	for (unsigned i = 0; r == 0 && i < m.fm.fm_mapped_extents && i < 4; i++)
		printf("extent logical %llu length %llu flags 0x%x\n",
		       (unsigned long long)m.ext[i].fe_logical,
		       (unsigned long long)m.ext[i].fe_length, m.ext[i].fe_flags);
	for (unsigned i = 0; i < 4; i++)
		m.ext[i].fe_physical = 0; /* where the file system put them */
	dump("fiemap", &m, sizeof(m));
	m.fm.fm_extent_count = 0; /* a count query */
	res("FS_IOC_FIEMAP count", ioctl(f, FS_IOC_FIEMAP, &m));
	printf("mapped %u\n", m.fm.fm_mapped_extents);
	/* Where the file system has no FIEMAP the kernel says EOPNOTSUPP before
	 * it reads the argument; the supervisor reads it first (EFAULT). */
	if (r == 0)
		res("FS_IOC_FIEMAP bad pointer", ioctl(f, FS_IOC_FIEMAP, BAD_PTR));
	close(f);
	unlink(path);
}

static const struct diff_case cases[] = {
	{ "loop", loop, "translated", need_loop },
	{ "loop_badfd", loop_badfd, "translated", need_loop },
	{ "fsio", fsio, "translated" },
};

DIFF_MAIN(cases)
