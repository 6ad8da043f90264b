/* Differential guest that goes through i386 glibc, as real programs do:
 * stat and friends reach the kernel as statx, pread/pwrite with a 64-bit
 * off_t as pread64/pwrite64 (offsets in register pairs), ftruncate as
 * ftruncate64, posix_fadvise as fadvise64_64, posix_fallocate as
 * fallocate. Built -m32 -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64. Each case
 * names the syscalls the log must show translated (run_diff.py), so an
 * output that is identical because nothing was translated fails. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "diffcase.h"

static char dir[64];
/* An address the compiler cannot see through (its access checks refuse
 * BAD_PTR itself). */
static void *volatile bad = BAD_PTR;

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/cb-difflibc-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	if (chdir(dir) < 0) {
		perror("chdir");
		exit(1);
	}
}

static void cleanup(void)
{
	if (chdir("/") == 0) {
		char cmd[96];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	}
}

static void show_stat(const char *what, int r, const struct stat *st)
{
	res(what, r);
	if (r == 0)
		printf("  mode %o nlink %lu size %lld blocks %lld ino-nonzero %d mtime %lld.%09ld\n",
		       st->st_mode, (unsigned long)st->st_nlink, (long long)st->st_size,
		       (long long)st->st_blocks, st->st_ino != 0, (long long)st->st_mtim.tv_sec,
		       st->st_mtim.tv_nsec);
}

/* stat, lstat, fstat, fstatat: i386 glibc 2.36 calls statx for each. */
static void stat_case(void)
{
	mkdir_tmp();
	int fd = open("f", O_CREAT | O_RDWR, 0640);
	(void)!write(fd, "hello", 5);
	struct timespec t[2] = { { 1000, 5 }, { 0x7fffffffLL + 10, 123456789 } };
	futimens(fd, t);
	(void)!symlink("f", "l");
	struct stat st;
	show_stat("stat f", stat("f", &st), &st);
	res("lstat l", lstat("l", &st));
	printf("  mode %o size %lld\n", st.st_mode, (long long)st.st_size);
	show_stat("stat l (follows)", stat("l", &st), &st);
	show_stat("fstat", fstat(fd, &st), &st);
	show_stat("fstatat dir-relative", fstatat(AT_FDCWD, "f", &st, 0), &st);
	show_stat("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH), &st);
	show_stat("stat missing", stat("nope", &st), &st);
	show_stat("stat bad path", stat(BAD_PTR, &st), &st);
	show_stat("fstatat bad dirfd", fstatat(999, "f", &st, 0), &st);
	show_stat("fstatat bad dirfd, absolute", fstatat(999, "/", &st, 0), &st);
	show_stat("fstat bad fd", fstat(999, &st), &st);
	show_stat("/proc/self/exe is mine", stat("/proc/self/exe", &st), &st);
	close(fd);
	cleanup();
}

/* statfs with a path in unmapped memory is EFAULT, before anything. */
static void statfs_case(void)
{
	struct statfs sf;
	res("statfs bad path", statfs(BAD_PTR, &sf));
	res("statfs bad buffer", statfs("/", BAD_PTR));
	res("statfs /", statfs("/", &sf));
}

/* pread and pwrite with 64-bit offsets: pread64/pwrite64, the offset in
 * two registers. Above 4 GiB on a sparse file the high word matters. */
static void prw_case(void)
{
	mkdir_tmp();
	int fd = open("sparse", O_CREAT | O_RDWR, 0600);
	off_t big = (5LL << 30) + 123;
	res("pwrite at 5 GiB", pwrite(fd, "abcdef", 6, big));
	char buf[16] = { 0 };
	res("pread at 5 GiB", pread(fd, buf, sizeof(buf), big - 2));
	dump("  bytes", buf, 8);
	struct stat st;
	fstat(fd, &st);
	printf("size %lld\n", (long long)st.st_size);
	res("pread negative offset", pread(fd, buf, 4, -1));
	res("pread bad fd", pread(999, buf, 4, 0));
	res("pread bad buffer", pread(fd, bad, 4, big));
	res("pwrite bad buffer", pwrite(fd, bad, 4, 0));
	res("pread past the end", pread(fd, buf, 4, 6LL << 30));
	/* A buffer that ends at an unmapped page: as far as it goes. */
	char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(pg + 4096, 4096);
	memset(pg, 'x', 4096);
	res("pwrite over the page end", pwrite(fd, pg + 4090, 16, 100));
	res("pread over the page end", pread(fd, pg + 4094, 16, 99));
	dump("  bytes", pg + 4092, 4);
	int p[2];
	(void)!pipe(p);
	res("pread on a pipe", pread(p[0], buf, 4, 0));
	close(fd);
	cleanup();
}

/* ftruncate, truncate, posix_fallocate, posix_fadvise, readahead and
 * sync_file_range with 64-bit lengths and offsets. */
static void sizes_case(void)
{
	mkdir_tmp();
	int fd = open("t", O_CREAT | O_RDWR, 0600);
	struct stat st;
	res("ftruncate to 6 GiB + 7", ftruncate(fd, (6LL << 30) + 7));
	fstat(fd, &st);
	printf("size %lld\n", (long long)st.st_size);
	res("ftruncate negative", ftruncate(fd, -5));
	res("ftruncate bad fd", ftruncate(999, 5));
	res("truncate to 4 GiB + 1", truncate("t", (4LL << 30) + 1));
	stat("t", &st);
	printf("size %lld\n", (long long)st.st_size);
	res("truncate missing", truncate("nope", 1));
	res("truncate bad path", truncate(BAD_PTR, 1));
	errno = posix_fallocate(fd, (5LL << 30) + 4096, 8192);
	res("posix_fallocate at 5 GiB", errno ? -1 : 0);
	errno = posix_fallocate(fd, -1, 10);
	res("posix_fallocate negative", errno ? -1 : 0);
	fstat(fd, &st);
	printf("size %lld blocks>=16 %d\n", (long long)st.st_size, st.st_blocks >= 16);
	errno = posix_fadvise(fd, 5LL << 30, 1LL << 32, POSIX_FADV_WILLNEED);
	res("posix_fadvise", errno ? -1 : 0);
	errno = posix_fadvise(fd, 0, 0, 99);
	res("posix_fadvise bad advice", errno ? -1 : 0);
	res("readahead", readahead(fd, 5LL << 30, 4096));
	res("sync_file_range", sync_file_range(fd, 4LL << 30, 1LL << 32, SYNC_FILE_RANGE_WRITE));
	res("sync_file_range bad flags", sync_file_range(fd, 0, 0, 0x80));
	close(fd);
	cleanup();
}

/* O_DIRECT: the buffers given to the host keep the guest's alignment. */
static const char *need_direct(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_DIRECT, 0600);
	if (fd < 0)
		return "/tmp does not take O_DIRECT";
	close(fd);
	return NULL;
}

static void direct_case(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_DIRECT, 0600);
	char *b = aligned_alloc(4096, 3 * 4096);
	memset(b, 'd', 3 * 4096);
	res("pwrite aligned", pwrite(fd, b, 4096, 4096));
	res("pread aligned", pread(fd, b + 4096, 4096, 4096));
	struct iovec v[2] = { { b, 4096 }, { b + 8192, 4096 } };
	res("pwritev aligned", pwritev(fd, v, 2, 0));
	res("preadv aligned", preadv(fd, v, 2, 0));
	res("pread misaligned", pread(fd, b + 1, 4096, 0));
	close(fd);
}

static const struct diff_case cases[] = {
	{ "stat", stat_case, "translated=statx" },
	{ "statfs", statfs_case, "translated=statfs64" },
	{ "prw", prw_case, "translated=pread64,pwrite64" },
	{ "sizes", sizes_case,
	  "translated=ftruncate64,truncate64,fallocate,fadvise64_64,readahead,sync_file_range" },
	{ "direct", direct_case, "translated=pread64,pwrite64,preadv,pwritev", need_direct },
};

DIFF_MAIN(cases)
