/* Differential guest for the file and system calls of translate/files/files.c:
 * stat64 and friends, statfs64, getdents64, readdir,
 * getdents, fanotify_mark, fcntl64 locks, uname, sysinfo, ustat,
 * rlimits, clock_gettime. Each case prints every result, errno and field
 * that is the same from one run to the next (inode numbers of new files,
 * change times and free-space counts are not: those are compared with a
 * reference taken by a call that is not trapped — statx — or checked for
 * consistency, and the check is printed). Buffers are pre-filled with 0xa5
 * so that bytes the kernel leaves alone show. Calls are made with syscall()
 * so the exact i386 entry point is tested. Built -m32. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/time_types.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/fanotify.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diffcase.h"

#define FILL 0xa5
#define NSEC 1000000000LL

_Static_assert(sizeof(struct stat64) == 96, "i386 stat64");
_Static_assert(sizeof(struct statfs64) == 84, "i386 statfs64");
_Static_assert(sizeof(struct flock64) == 24, "i386 flock64");
_Static_assert(sizeof(struct sysinfo) == 64, "i386 sysinfo");

static const char *yes(int b)
{
	return b ? "yes" : "NO";
}

/* ---- scratch directories ---- */

static char scratch[256];

/* A fresh directory on FS (a magic number, 0: any) among the candidates,
 * made the cwd; NULL when there is none. */
static const char *make_scratch(unsigned long fs)
{
	const char *cand[] = { "/dev/shm", getenv("TMPDIR"), "/tmp", "/var/tmp" };
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		struct statfs s;
		if (!cand[i] || statfs(cand[i], &s) < 0 || (fs && (unsigned long)s.f_type != fs))
			continue;
		snprintf(scratch, sizeof(scratch), "%s/cbdiff-XXXXXX", cand[i]);
		if (mkdtemp(scratch) && chdir(scratch) == 0)
			return scratch;
	}
	return NULL;
}

static const char *remove_list[] = { "f", "l", "dangling", "loop1", "loop2", "d/sub", "d/a",
				     "d/bb", "d/ccc", "d/link", "d", "lockfile", NULL };

static void drop_scratch(void)
{
	for (int i = 0; remove_list[i]; i++)
		if (unlink(remove_list[i]) < 0)
			rmdir(remove_list[i]);
	if (chdir("/") == 0)
		rmdir(scratch);
}

/* The reference: statx is not trapped, so the kernel answers it for us. */
static unsigned long long ino_of(int dirfd, const char *path, int flags)
{
	struct statx x;
	if (syscall(SYS_statx, dirfd, path, flags, STATX_INO, &x) < 0)
		return 0;
	return x.stx_ino;
}

/* ---- stat64 ---- */

enum { S_TIMES = 1, S_INO = 2, S_DEV = 4 };

/* Every field but the change time (the moment of the run); the inode
 * number and the times when SHOW says they are stable, else the inode
 * compared with REF. */
static void show_stat(const char *what, long r, const struct stat64 *st, int show,
		      unsigned long long ref)
{
	res(what, r);
	if (r < 0)
		return;
	if (show & S_DEV)
		printf("  dev 0x%llx", (unsigned long long)st->st_dev);
	printf("  pad1 0x%08x pad2 0x%08x __st_ino=low32(st_ino) %s\n", st->__pad1, st->__pad2,
	       yes(st->__st_ino == (uint32_t)st->st_ino));
	printf("  mode 0%o nlink %u uid %u gid %u rdev 0x%llx size %lld blksize %ld blocks %lld\n",
	       st->st_mode, (unsigned)st->st_nlink, st->st_uid, st->st_gid,
	       (unsigned long long)st->st_rdev, (long long)st->st_size, (long)st->st_blksize,
	       (long long)st->st_blocks);
	if (show & S_INO)
		printf("  ino %llu\n", (unsigned long long)st->st_ino);
	else if (ref)
		printf("  ino is the reference's: %s\n", yes(st->st_ino == ref));
	if (show & S_TIMES)
		printf("  atime %ld.%09ld mtime %ld.%09ld\n", (long)st->st_atim.tv_sec,
		       st->st_atim.tv_nsec, (long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static struct stat64 st;

static void fill_st(void)
{
	memset(&st, FILL, sizeof(st));
}

/* f (10 bytes, 0640, times beyond 32 bits and beyond INT32_MAX), symlinks
 * to it, to nothing and to each other, a directory. */
static void make_files(void)
{
	int fd = open("f", O_CREAT | O_WRONLY | O_TRUNC, 0640);
	(void)!write(fd, "0123456789", 10);
	fchmod(fd, 0640);
	close(fd);
	(void)!symlink("f", "l");
	(void)!symlink("nowhere", "dangling");
	(void)!symlink("loop2", "loop1");
	(void)!symlink("loop1", "loop2");
	mkdir("d", 0755);
	/* utimensat_time64 is not trapped: 64-bit times set natively. */
	struct __kernel_timespec t[2] = { { 0x100000005LL, 123 }, { 0x80000007LL, 999999999 } };
	if (syscall(SYS_utimensat_time64, AT_FDCWD, "f", t, 0) < 0)
		perror("utimensat_time64");
}

static void stat_paths(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	unsigned long long fino = ino_of(AT_FDCWD, "f", 0);
	char abs[512];
	snprintf(abs, sizeof(abs), "%s/f", scratch);

	fill_st();
	show_stat("stat64 relative", syscall(SYS_stat64, "f", &st), &st, S_TIMES, fino);
	dump("raw, but the inode and ctime", &st, 12);
	fill_st();
	show_stat("stat64 absolute", syscall(SYS_stat64, abs, &st), &st, S_TIMES, fino);
	fill_st();
	show_stat("stat64 symlink (followed)", syscall(SYS_stat64, "l", &st), &st, S_TIMES, fino);
	fill_st();
	show_stat("lstat64 symlink", syscall(SYS_lstat64, "l", &st), &st, 0, ino_of(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW));
	fill_st();
	show_stat("lstat64 file", syscall(SYS_lstat64, "f", &st), &st, S_TIMES, fino);
	fill_st();
	show_stat("lstat64 dangling", syscall(SYS_lstat64, "dangling", &st), &st, 0,
		  ino_of(AT_FDCWD, "dangling", AT_SYMLINK_NOFOLLOW));
	show_stat("stat64 dangling", syscall(SYS_stat64, "dangling", &st), &st, 0, 0);
	show_stat("stat64 loop", syscall(SYS_stat64, "loop1", &st), &st, 0, 0);
	fill_st();
	show_stat("stat64 directory", syscall(SYS_stat64, "d", &st), &st, 0, ino_of(AT_FDCWD, "d", 0));
	fill_st();
	show_stat("stat64 /dev/null", syscall(SYS_stat64, "/dev/null", &st), &st, S_INO | S_DEV, 0);
	fill_st();
	show_stat("stat64 /", syscall(SYS_stat64, "/", &st), &st, S_INO | S_DEV, 0);
	show_stat("stat64 nonexistent", syscall(SYS_stat64, "nonexistent", &st), &st, 0, 0);
	show_stat("stat64 through a file", syscall(SYS_stat64, "f/x", &st), &st, 0, 0);
	show_stat("stat64 empty path", syscall(SYS_stat64, "", &st), &st, 0, 0);
	show_stat("stat64 bad path pointer", syscall(SYS_stat64, BAD_PTR, &st), &st, 0, 0);
	show_stat("stat64 NULL path", syscall(SYS_stat64, NULL, &st), &st, 0, 0);
	res("stat64 bad buffer", syscall(SYS_stat64, "f", BAD_PTR));
	res("stat64 NULL buffer", syscall(SYS_stat64, "f", NULL));
	res("stat64 nonexistent, bad buffer", syscall(SYS_stat64, "nonexistent", BAD_PTR));
	res("lstat64 bad buffer", syscall(SYS_lstat64, "l", BAD_PTR));
	res("lstat64 nonexistent", syscall(SYS_lstat64, "nonexistent", &st));
	static char longpath[5000];
	memset(longpath, 'a', sizeof(longpath) - 1);
	res("stat64 path longer than PATH_MAX", syscall(SYS_stat64, longpath, &st));
	longpath[300] = 0;
	res("stat64 component longer than NAME_MAX", syscall(SYS_stat64, longpath, &st));
	drop_scratch();
}

static void stat_at(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	unsigned long long fino = ino_of(AT_FDCWD, "f", 0);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int file = open("f", O_RDONLY);
	int opath = open("f", O_PATH);

	fill_st();
	show_stat("fstatat64 AT_FDCWD", syscall(SYS_fstatat64, AT_FDCWD, "f", &st, 0), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 dirfd", syscall(SYS_fstatat64, dir, "f", &st, 0), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 nofollow", syscall(SYS_fstatat64, dir, "l", &st, AT_SYMLINK_NOFOLLOW),
		  &st, 0, ino_of(dir, "l", AT_SYMLINK_NOFOLLOW));
	fill_st();
	show_stat("fstatat64 follow", syscall(SYS_fstatat64, dir, "l", &st, 0), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 AT_EMPTY_PATH", syscall(SYS_fstatat64, file, "", &st, AT_EMPTY_PATH),
		  &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 AT_EMPTY_PATH O_PATH fd",
		  syscall(SYS_fstatat64, opath, "", &st, AT_EMPTY_PATH), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 NULL path AT_EMPTY_PATH",
		  syscall(SYS_fstatat64, file, NULL, &st, AT_EMPTY_PATH), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstatat64 absolute path, dirfd not open",
		  syscall(SYS_fstatat64, 999, "/dev/null", &st, 0), &st, S_INO | S_DEV, 0);
	res("fstatat64 relative path, dirfd not open", syscall(SYS_fstatat64, 999, "f", &st, 0));
	res("fstatat64 dirfd not open, bad path", syscall(SYS_fstatat64, 999, BAD_PTR, &st, 0));
	res("fstatat64 dirfd not open, NULL path", syscall(SYS_fstatat64, 999, NULL, &st, 0));
	res("fstatat64 dirfd not open, empty path AT_EMPTY_PATH",
	    syscall(SYS_fstatat64, 999, "", &st, AT_EMPTY_PATH));
	res("fstatat64 dirfd a file", syscall(SYS_fstatat64, file, "x", &st, 0));
	res("fstatat64 empty path without AT_EMPTY_PATH", syscall(SYS_fstatat64, file, "", &st, 0));
	res("fstatat64 bad flags", syscall(SYS_fstatat64, AT_FDCWD, "f", &st, 0x1234));
	res("fstatat64 nonexistent", syscall(SYS_fstatat64, dir, "nonexistent", &st, 0));
	res("fstatat64 bad buffer", syscall(SYS_fstatat64, dir, "f", BAD_PTR, 0));
	res("fstatat64 bad path", syscall(SYS_fstatat64, dir, BAD_PTR, &st, 0));
	drop_scratch();
}

static void stat_fd(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	unsigned long long fino = ino_of(AT_FDCWD, "f", 0);
	int file = open("f", O_RDONLY);
	int opath = open("f", O_PATH);
	int p[2];
	if (pipe(p))
		return;

	fill_st();
	show_stat("fstat64 file", syscall(SYS_fstat64, file, &st), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstat64 O_PATH fd", syscall(SYS_fstat64, opath, &st), &st, S_TIMES, fino);
	fill_st();
	show_stat("fstat64 pipe", syscall(SYS_fstat64, p[0], &st), &st, 0, 0);
	fill_st();
	show_stat("fstat64 /dev/null", syscall(SYS_fstat64, open("/dev/null", O_RDONLY), &st), &st,
		  S_INO | S_DEV, 0);
	fill_st();
	show_stat("fstat64 directory", syscall(SYS_fstat64, open(".", O_RDONLY), &st), &st, 0,
		  ino_of(AT_FDCWD, ".", 0));
	res("fstat64 fd not open", syscall(SYS_fstat64, 999, &st));
	res("fstat64 fd -1", syscall(SYS_fstat64, -1, &st));
	res("fstat64 bad buffer", syscall(SYS_fstat64, file, BAD_PTR));
	res("fstat64 NULL buffer", syscall(SYS_fstat64, file, NULL));
	res("fstat64 fd not open, bad buffer", syscall(SYS_fstat64, 999, BAD_PTR));
	drop_scratch();
}

/* /proc/self and /proc/thread-self must name the guest, not the
 * supervisor that performs the call. */
static void proc_self(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	int file = open("f", O_RDONLY);
	char path[64];

	fill_st();
	show_stat("stat64 /proc/self/exe", syscall(SYS_stat64, "/proc/self/exe", &st), &st, 0,
		  ino_of(AT_FDCWD, "/proc/self/exe", 0));
	fill_st();
	show_stat("lstat64 /proc/self/exe (the link)", syscall(SYS_lstat64, "/proc/self/exe", &st),
		  &st, 0, ino_of(AT_FDCWD, "/proc/self/exe", AT_SYMLINK_NOFOLLOW));
	fill_st();
	show_stat("stat64 /proc/self", syscall(SYS_stat64, "/proc/self", &st), &st, 0,
		  ino_of(AT_FDCWD, "/proc/self", 0));
	fill_st();
	show_stat("lstat64 /proc/self (the link)", syscall(SYS_lstat64, "/proc/self", &st), &st, 0,
		  ino_of(AT_FDCWD, "/proc/self", AT_SYMLINK_NOFOLLOW));
	fill_st();
	show_stat("lstat64 /proc/self/ (followed)", syscall(SYS_lstat64, "/proc/self/", &st), &st,
		  0, ino_of(AT_FDCWD, "/proc/self/", AT_SYMLINK_NOFOLLOW));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", file);
	fill_st();
	show_stat("stat64 /proc/self/fd/N", syscall(SYS_stat64, path, &st), &st, S_TIMES,
		  ino_of(AT_FDCWD, "f", 0));
	fill_st();
	show_stat("stat64 /proc/thread-self/stat", syscall(SYS_stat64, "/proc/thread-self/stat", &st),
		  &st, 0, ino_of(AT_FDCWD, "/proc/thread-self/stat", 0));
	fill_st();
	show_stat("fstatat64 /proc/self/cwd", syscall(SYS_fstatat64, 999, "/proc/self/cwd", &st, 0),
		  &st, 0, ino_of(AT_FDCWD, ".", 0));
	fill_st();
	show_stat("stat64 /proc/selfish (not self)", syscall(SYS_stat64, "/proc/selfish", &st), &st,
		  0, 0);
	struct statfs64 sf;
	res("statfs64 /proc/self/fd", syscall(SYS_statfs64, "/proc/self/fd", sizeof(sf), &sf));
	printf("  type 0x%lx\n", (unsigned long)sf.f_type);
	drop_scratch();
}

/* Path calls check the caller's credentials. The case drops every
 * capability first, as compatbox does for its guests, so that the native
 * run is the oracle for the translated one: even as root, a directory with
 * mode 0 is then closed to it, and the supervisor (which may well hold
 * CAP_DAC_OVERRIDE) must resolve the path as the guest. */
static void creds(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	mkdir("d/sub", 0755);
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	res("drop every capability", syscall(SYS_capset, &h, none));
	res("chmod d 0", chmod("d", 0));
	struct statfs64 sf;
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	res("stat64 inside a mode 0 directory", syscall(SYS_stat64, "d/sub", &st));
	res("lstat64 inside a mode 0 directory", syscall(SYS_lstat64, "d/sub", &st));
	res("fstatat64 inside a mode 0 directory", syscall(SYS_fstatat64, dir, "d/sub", &st, 0));
	res("statfs64 inside a mode 0 directory", syscall(SYS_statfs64, "d/sub", sizeof(sf), &sf));
	fill_st();
	show_stat("stat64 the directory itself", syscall(SYS_stat64, "d", &st), &st, 0,
		  ino_of(AT_FDCWD, "d", 0));
	res("chmod d 0100 (search only)", chmod("d", 0100));
	fill_st();
	show_stat("stat64 inside, search allowed", syscall(SYS_stat64, "d/sub", &st), &st, 0,
		  ino_of(AT_FDCWD, "d/sub", 0));
	res("chmod d 0755", chmod("d", 0755));
	drop_scratch();
}

/* A guest in its own user and mount namespaces, or chrooted, resolves
 * paths differently from the supervisor: those path calls stay with the
 * kernel. In a child, so that the scratch directory can be removed. */
static void namespaces(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	pid_t child = fork();
	if (child == 0) {
		res("unshare user and mount namespaces", unshare(CLONE_NEWUSER | CLONE_NEWNS));
		fill_st();
		show_stat("stat64 relative", syscall(SYS_stat64, "f", &st), &st, S_TIMES, 0);
		res("chroot .", chroot("."));
		fill_st();
		show_stat("stat64 /f in the chroot", syscall(SYS_stat64, "/f", &st), &st, S_TIMES, 0);
		show_stat("lstat64 /l in the chroot", syscall(SYS_lstat64, "/l", &st), &st, 0, 0);
		res("stat64 /dev/null in the chroot", syscall(SYS_stat64, "/dev/null", &st));
		struct statfs64 sf;
		res("statfs64 /d in the chroot", syscall(SYS_statfs64, "/d", sizeof(sf), &sf));
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	drop_scratch();
}

/* ---- statfs64 ---- */

static void show_statfs(const char *what, long r, const struct statfs64 *s)
{
	res(what, r);
	if (r < 0)
		return;
	printf("  type 0x%lx bsize %ld blocks %llu files %llu namelen %ld frsize %ld flags 0x%lx\n",
	       (unsigned long)s->f_type, (long)s->f_bsize, (unsigned long long)s->f_blocks,
	       (unsigned long long)s->f_files, (long)s->f_namelen, (long)s->f_frsize,
	       (unsigned long)s->f_flags);
	printf("  fsid %08x %08x spare %lx %lx %lx %lx\n", s->f_fsid.__val[0], s->f_fsid.__val[1],
	       (unsigned long)s->f_spare[0], (unsigned long)s->f_spare[1],
	       (unsigned long)s->f_spare[2], (unsigned long)s->f_spare[3]);
	printf("  bfree <= blocks %s, bavail <= bfree %s, ffree <= files %s\n",
	       yes(s->f_bfree <= s->f_blocks), yes(s->f_bavail <= s->f_bfree),
	       yes(s->f_ffree <= s->f_files));
}

static void statfs_calls(void)
{
	struct statfs64 s;
	const char *paths[] = { "/dev/shm", "/proc", "/", "/sys" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "statfs64 %s", paths[i]);
		memset(&s, FILL, sizeof(s));
		show_statfs(what, syscall(SYS_statfs64, paths[i], sizeof(s), &s), &s);
	}
	if (!make_scratch(0))
		return;
	make_files();
	memset(&s, FILL, sizeof(s));
	show_statfs("statfs64 relative", syscall(SYS_statfs64, "d", sizeof(s), &s), &s);
	memset(&s, FILL, sizeof(s));
	show_statfs("statfs64 relative ..", syscall(SYS_statfs64, "..", sizeof(s), &s), &s);
	memset(&s, FILL, sizeof(s));
	show_statfs("statfs64 through a symlink", syscall(SYS_statfs64, "l", sizeof(s), &s), &s);
	int fd = open("f", O_RDONLY), opath = open("f", O_PATH);
	memset(&s, FILL, sizeof(s));
	show_statfs("fstatfs64", syscall(SYS_fstatfs64, fd, sizeof(s), &s), &s);
	memset(&s, FILL, sizeof(s));
	show_statfs("fstatfs64 O_PATH fd", syscall(SYS_fstatfs64, opath, sizeof(s), &s), &s);

	/* hugetlbfs's magic, 0x958458f6, does not fit a signed 32-bit f_type:
	 * the kernel truncates it (no EOVERFLOW). */
	int huge = memfd_create("cbdiff", MFD_HUGETLB);
	if (huge < 0) {
		printf("no hugetlb memfd here\n");
	} else {
		memset(&s, FILL, sizeof(s));
		show_statfs("fstatfs64 hugetlbfs", syscall(SYS_fstatfs64, huge, sizeof(s), &s), &s);
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", huge);
		memset(&s, FILL, sizeof(s));
		show_statfs("statfs64 hugetlbfs by /proc/self/fd", syscall(SYS_statfs64, path, sizeof(s), &s), &s);
	}
	res("statfs64 size 88", syscall(SYS_statfs64, "/proc", 88, &s));
	res("statfs64 size 64", syscall(SYS_statfs64, "/proc", 64, &s));
	res("statfs64 size 0", syscall(SYS_statfs64, "/proc", 0, &s));
	res("statfs64 size 88, bad path", syscall(SYS_statfs64, BAD_PTR, 88, &s));
	res("statfs64 nonexistent", syscall(SYS_statfs64, "/nonexistent", sizeof(s), &s));
	res("statfs64 relative nonexistent", syscall(SYS_statfs64, "nonexistent", sizeof(s), &s));
	res("statfs64 empty path", syscall(SYS_statfs64, "", sizeof(s), &s));
	res("statfs64 dangling symlink", syscall(SYS_statfs64, "dangling", sizeof(s), &s));
	res("statfs64 bad path", syscall(SYS_statfs64, BAD_PTR, sizeof(s), &s));
	res("statfs64 bad buffer", syscall(SYS_statfs64, "/proc", sizeof(s), BAD_PTR));
	res("statfs64 NULL buffer", syscall(SYS_statfs64, "/proc", sizeof(s), NULL));
	res("fstatfs64 size 88", syscall(SYS_fstatfs64, fd, 88, &s));
	res("fstatfs64 fd not open", syscall(SYS_fstatfs64, 999, sizeof(s), &s));
	res("fstatfs64 fd not open, size 88", syscall(SYS_fstatfs64, 999, 88, &s));
	res("fstatfs64 bad buffer", syscall(SYS_fstatfs64, fd, sizeof(s), BAD_PTR));
	drop_scratch();
}

/* ---- getdents64 ---- */

struct dent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static unsigned char dbuf[8192];

/* Every entry: name, type, length, offset (stable on tmpfs, and the 32-bit
 * hash on ext4: the same for every i386 caller), and whether the inode is
 * the one statx finds. Then whether the bytes after what was returned are
 * still the fill. */
static void show_dents(const char *what, long r, int dirfd, size_t cap)
{
	res(what, r);
	if (r <= 0)
		return;
	for (long o = 0; o < r;) {
		const struct dent64 *d = (const struct dent64 *)(dbuf + o);
		int same = !strcmp(d->d_name, "..") ||
			   d->d_ino == ino_of(dirfd, d->d_name, AT_SYMLINK_NOFOLLOW);
		printf("  %-6s type %u reclen %u off 0x%llx ino ok %s\n", d->d_name, d->d_type,
		       d->d_reclen, (unsigned long long)d->d_off, yes(same));
		if (!d->d_reclen)
			break;
		o += d->d_reclen;
	}
	int untouched = 1;
	for (size_t i = (size_t)r; i < cap; i++)
		untouched &= dbuf[i] == FILL;
	printf("  bytes after the entries untouched: %s\n", yes(untouched));
}

static void make_dir_entries(void)
{
	mkdir("d", 0755);
	const char *files[] = { "d/a", "d/bb", "d/ccc" };
	for (size_t i = 0; i < 3; i++)
		close(open(files[i], O_CREAT | O_WRONLY, 0644));
	mkdir("d/sub", 0755);
	(void)!symlink("a", "d/link");
}

static void list_dir(void)
{
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	memset(dbuf, FILL, sizeof(dbuf));
	show_dents("getdents64", syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf)), fd, sizeof(dbuf));
	res("getdents64 at the end", syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf)));
	res("lseek back to 0", lseek(fd, 0, SEEK_SET));
	/* The first entry cannot be written: the position must not move. */
	res("getdents64 bad buffer", syscall(SYS_getdents64, fd, BAD_PTR, 4096));
	res("getdents64 NULL buffer", syscall(SYS_getdents64, fd, NULL, 4096));
	memset(dbuf, FILL, sizeof(dbuf));
	show_dents("getdents64 after the faults", syscall(SYS_getdents64, fd, dbuf, 100), fd, 100);
	off_t pos = lseek(fd, 0, SEEK_CUR);
	printf("position after a short read is an entry's offset: %s\n", yes(pos > 0));
	memset(dbuf, FILL, sizeof(dbuf));
	show_dents("getdents64 the rest", syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf)), fd,
		   sizeof(dbuf));
	res("lseek to the saved position", lseek(fd, pos, SEEK_SET) == pos);
	memset(dbuf, FILL, sizeof(dbuf));
	show_dents("getdents64 from there again", syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf)),
		   fd, sizeof(dbuf));
	res("lseek back to 0", lseek(fd, 0, SEEK_SET));
	res("getdents64 count too small for an entry", syscall(SYS_getdents64, fd, dbuf, 20));
	res("getdents64 count 0", syscall(SYS_getdents64, fd, dbuf, 0));
	/* Counts beyond what the buffer has: the kernel writes only what it
	 * returns, within the buffer. */
	memset(dbuf, FILL, sizeof(dbuf));
	show_dents("getdents64 count 1 MiB", syscall(SYS_getdents64, fd, dbuf, 1 << 20), fd,
		   sizeof(dbuf));
	res("getdents64 fd not open", syscall(SYS_getdents64, 999, dbuf, sizeof(dbuf)));
	res("getdents64 fd not open, bad buffer", syscall(SYS_getdents64, 999, BAD_PTR, 4096));
	res("getdents64 on a file", syscall(SYS_getdents64, open("d/a", O_RDONLY), dbuf, 4096));
	res("getdents64 O_PATH fd", syscall(SYS_getdents64, open("d", O_PATH), dbuf, 4096));
}

static void getdents_tmpfs(void)
{
	if (!make_scratch(TMPFS_MAGIC))
		return;
	make_dir_entries();
	list_dir();
	drop_scratch();
}

/* old_readdir: one entry per call, its own offset, the name NUL-ended;
 * an entry that cannot be written leaves the position where it was. */
static void readdir_tmpfs(void)
{
	if (!make_scratch(TMPFS_MAGIC))
		return;
	make_dir_entries();
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	struct {
		uint32_t ino, off;
		uint16_t namlen;
		char name[258];
	} __attribute__((packed)) e;
	res("readdir bad buffer", syscall(SYS_readdir, fd, BAD_PTR, 1));
	for (int i = 0; i < 10; i++) {
		memset(&e, FILL, sizeof(e));
		long r = syscall(SYS_readdir, fd, &e, 1);
		res("readdir", r);
		if (r <= 0)
			break;
		struct stat sb;
		bool same = fstatat(fd, e.name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_ino == e.ino;
		printf("  %s: namlen %u offset %u inode as stat's %s, byte after the NUL %02x\n",
		       e.name, e.namlen, e.off, yes(same), (unsigned char)e.name[e.namlen + 1]);
	}
	res("readdir at the end", syscall(SYS_readdir, fd, &e, 1));
	res("readdir bad fd", syscall(SYS_readdir, 999, &e, 1));
	int f = open("d/a", O_RDONLY);
	res("readdir not a directory", syscall(SYS_readdir, f, &e, 1));
	close(f);
	close(fd);
	drop_scratch();
}

/* getdents: the old linux_dirent, 4-byte aligned, the type in its last
 * byte; the bytes between the name's NUL and the type are not written. */
static void show_dents32(const char *what, long r, int dfd, const unsigned char *b)
{
	res(what, r);
	for (long o = 0; o < r;) {
		uint32_t ino, off;
		uint16_t reclen;
		memcpy(&ino, b + o, 4);
		memcpy(&off, b + o + 4, 4);
		memcpy(&reclen, b + o + 8, 2);
		const char *name = (const char *)b + o + 10;
		size_t len = strlen(name);
		struct stat sb;
		bool same = fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_ino == ino;
		printf("  %s: reclen %u off %u type %u inode as stat's %s, between:", name, reclen,
		       off, b[o + reclen - 1], yes(same));
		for (size_t i = 10 + len + 1; i < (size_t)reclen - 1; i++)
			printf(" %02x", b[o + i]);
		printf("\n");
		o += reclen ? reclen : r;
	}
}

static void getdents32_tmpfs(void)
{
	if (!make_scratch(TMPFS_MAGIC))
		return;
	make_dir_entries();
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	unsigned char *b = (unsigned char *)dbuf;
	res("getdents bad buffer", syscall(SYS_getdents, fd, BAD_PTR, 4096));
	res("getdents room for none", syscall(SYS_getdents, fd, b, 12));
	memset(b, FILL, 4096);
	show_dents32("getdents room for two", syscall(SYS_getdents, fd, b, 40), fd, b);
	memset(b, FILL, 4096);
	show_dents32("getdents the rest", syscall(SYS_getdents, fd, b, 4096), fd, b);
	res("getdents at the end", syscall(SYS_getdents, fd, b, 4096));
	res("getdents bad fd", syscall(SYS_getdents, 999, b, 4096));
	int f = open("d/a", O_RDONLY);
	res("getdents not a directory", syscall(SYS_getdents, f, b, 4096));
	close(f);
	close(fd);
	drop_scratch();
}

/* fanotify_mark: the 64-bit mask in two registers (low first), then a
 * path from a directory fd; an unprivileged FID group marks inodes. */
static long fan_mark(int g, unsigned flags, uint64_t mask, int dfd, const char *path)
{
	return syscall(SYS_fanotify_mark, g, flags, (uint32_t)mask, (uint32_t)(mask >> 32), dfd,
		       path);
}

static void fanotify_calls(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	int g = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID, 0);
	if (g < 0) {
		printf("no fanotify group here\n");
		drop_scratch();
		return;
	}
	res("mark f", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, "f"));
	int fd = open("f", O_WRONLY);
	(void)!write(fd, "x", 1);
	close(fd);
	unsigned char ev[256];
	long n = read(g, ev, sizeof(ev));
	struct fanotify_event_metadata *m = (void *)ev;
	printf("event: %s, mask %#llx\n", n > 0 ? "yes" : "no",
	       n > 0 ? (unsigned long long)m->mask : 0ull);
	res("mask bits above 32", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY | 1ull << 40, AT_FDCWD, "f"));
	res("mark a symlink itself",
	    fan_mark(g, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW, FAN_MODIFY, AT_FDCWD, "l"));
	res("mark through a dangling symlink", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, "dangling"));
	int d = open("d", O_RDONLY | O_DIRECTORY);
	res("mark the fd form", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, d, NULL));
	res("mark relative to a directory fd", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, d, ".."));
	res("mark NULL from the cwd", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, NULL));
	res("mark bad path", fan_mark(g, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, BAD_PTR));
	res("mark bad path, bad group", fan_mark(999, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, BAD_PTR));
	res("remove f", fan_mark(g, FAN_MARK_REMOVE, FAN_MODIFY, AT_FDCWD, "f"));
	res("remove f again", fan_mark(g, FAN_MARK_REMOVE, FAN_MODIFY, AT_FDCWD, "f"));
	close(d);
	close(g);
	drop_scratch();
}

/* On ext4 an i386 caller gets 31-bit hash offsets: the supervisor leaves
 * these directories to the kernel, and the offsets printed here are those
 * hashes. */
static void getdents_ext4(void)
{
	if (!make_scratch(EXT4_SUPER_MAGIC))
		return;
	make_dir_entries();
	list_dir();
	int fd = open("d", O_RDONLY | O_DIRECTORY);
	long r = syscall(SYS_getdents64, fd, dbuf, sizeof(dbuf));
	int small = 1;
	for (long o = 0; o < r;) {
		const struct dent64 *d = (const struct dent64 *)(dbuf + o);
		small &= (uint64_t)d->d_off <= 0x7fffffff;
		o += d->d_reclen ? d->d_reclen : r;
	}
	printf("every offset a 31-bit hash: %s\n", yes(small));
	drop_scratch();
}

/* ---- fcntl64 ---- */

static void show_lock(const char *what, long r, const struct flock64 *l)
{
	res(what, r);
	if (r >= 0)
		printf("  type %d whence %d start 0x%llx len 0x%llx pid %d\n", l->l_type, l->l_whence,
		       (unsigned long long)l->l_start, (unsigned long long)l->l_len, l->l_pid);
}

static struct flock64 lk(short type, long long start, long long len)
{
	struct flock64 l;
	memset(&l, FILL, sizeof(l));
	l.l_type = type;
	l.l_whence = SEEK_SET;
	l.l_start = start;
	l.l_len = len;
	l.l_pid = 0;
	return l;
}

/* Open-file-description locks: owned by the open file, which the
 * supervisor's copy of the fd shares, so they are translated. Offsets
 * above 2^31 and lengths above 2^32. */
static void ofd_locks(void)
{
	if (!make_scratch(0))
		return;
	int fd = open("lockfile", O_RDWR | O_CREAT, 0600);
	int fd2 = open("lockfile", O_RDWR);
	int rdonly = open("lockfile", O_RDONLY);
	int opath = open("lockfile", O_PATH);
	struct flock64 l = lk(F_WRLCK, 3LL << 30, 1LL << 32);
	show_lock("F_OFD_SETLK write lock at 3 GiB, 4 GiB long", syscall(SYS_fcntl64, fd, F_OFD_SETLK, &l), &l);
	l = lk(F_WRLCK, 5LL << 30, 10);
	show_lock("F_OFD_GETLK overlapping, other file description",
		  syscall(SYS_fcntl64, fd2, F_OFD_GETLK, &l), &l);
	l = lk(F_RDLCK, 0, 100);
	l.l_whence = SEEK_CUR;
	show_lock("F_OFD_GETLK elsewhere (SEEK_CUR)", syscall(SYS_fcntl64, fd2, F_OFD_GETLK, &l), &l);
	l = lk(F_WRLCK, 4LL << 30, 1);
	show_lock("F_OFD_GETLK own lock", syscall(SYS_fcntl64, fd, F_OFD_GETLK, &l), &l);
	l = lk(F_WRLCK, 6LL << 30, 0);
	show_lock("F_OFD_SETLK conflicting", syscall(SYS_fcntl64, fd2, F_OFD_SETLK, &l), &l);
	l = lk(F_RDLCK, 0, 100);
	show_lock("F_OFD_SETLK read lock elsewhere", syscall(SYS_fcntl64, fd2, F_OFD_SETLK, &l), &l);
	l = lk(F_WRLCK, 0, 0);
	show_lock("F_OFD_GETLK whole file", syscall(SYS_fcntl64, rdonly, F_OFD_GETLK, &l), &l);
	l = lk(F_UNLCK, 3LL << 30, 1LL << 32);
	show_lock("F_OFD_SETLK unlock", syscall(SYS_fcntl64, fd, F_OFD_SETLK, &l), &l);
	l = lk(F_WRLCK, 5LL << 30, 10);
	show_lock("F_OFD_GETLK after the unlock", syscall(SYS_fcntl64, fd2, F_OFD_GETLK, &l), &l);
	l = lk(F_WRLCK, 0, 10);
	l.l_pid = 5;
	res("F_OFD_SETLK with l_pid set", syscall(SYS_fcntl64, fd, F_OFD_SETLK, &l));
	l = lk(99, 0, 10);
	res("F_OFD_SETLK bad type", syscall(SYS_fcntl64, fd, F_OFD_SETLK, &l));
	l = lk(F_WRLCK, -10, 10);
	res("F_OFD_SETLK negative start", syscall(SYS_fcntl64, fd, F_OFD_SETLK, &l));
	l = lk(F_WRLCK, 0, 10);
	res("F_OFD_SETLK write lock on a read-only fd", syscall(SYS_fcntl64, rdonly, F_OFD_SETLK, &l));
	res("F_OFD_SETLK O_PATH fd", syscall(SYS_fcntl64, opath, F_OFD_SETLK, &l));
	res("F_OFD_GETLK O_PATH fd, bad pointer", syscall(SYS_fcntl64, opath, F_OFD_GETLK, BAD_PTR));
	res("F_OFD_GETLK bad pointer", syscall(SYS_fcntl64, fd, F_OFD_GETLK, BAD_PTR));
	res("F_OFD_SETLK bad pointer", syscall(SYS_fcntl64, fd, F_OFD_SETLK, BAD_PTR));
	res("F_OFD_GETLK NULL", syscall(SYS_fcntl64, fd, F_OFD_GETLK, NULL));
	res("F_OFD_GETLK fd not open", syscall(SYS_fcntl64, 999, F_OFD_GETLK, &l));
	res("F_OFD_GETLK fd not open, bad pointer", syscall(SYS_fcntl64, 999, F_OFD_GETLK, BAD_PTR));
	/* F_OFD_SETLK only reads the struct: in memory the caller cannot
	 * write (a read-only shared mapping) it still works. */
	l = lk(F_RDLCK, 2000, 10);
	int img = open("lockimage", O_RDWR | O_CREAT | O_TRUNC, 0600);
	(void)!write(img, &l, sizeof(l));
	close(img);
	img = open("lockimage", O_RDONLY);
	struct flock64 *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, img, 0);
	res("F_OFD_SETLK from read-only memory",
	    ro == MAP_FAILED ? -1 : syscall(SYS_fcntl64, fd, F_OFD_SETLK, ro));
	res("F_OFD_GETLK into read-only memory",
	    ro == MAP_FAILED ? -1 : syscall(SYS_fcntl64, fd2, F_OFD_GETLK, ro));
	unlink("lockimage");
	/* A waiting lock stays with the kernel (see docs/translation.md). */
	l = lk(F_WRLCK, 1000, 10);
	res("F_OFD_SETLKW uncontended", syscall(SYS_fcntl64, fd, F_OFD_SETLKW, &l));
	drop_scratch();
}

/* POSIX record locks belong to the process: left to the kernel. The child
 * sees the parent's lock, the parent never sees its own. */
static void posix_locks(void)
{
	if (!make_scratch(0))
		return;
	int fd = open("lockfile", O_RDWR | O_CREAT, 0600);
	struct flock64 l = lk(F_WRLCK, 3LL << 30, 1LL << 32);
	show_lock("F_SETLK64", syscall(SYS_fcntl64, fd, F_SETLK64, &l), &l);
	l = lk(F_WRLCK, 5LL << 30, 10);
	show_lock("F_GETLK64 own lock", syscall(SYS_fcntl64, fd, F_GETLK64, &l), &l);
	pid_t parent = getpid();
	pid_t child = fork();
	if (child == 0) {
		l = lk(F_WRLCK, 5LL << 30, 10);
		long r = syscall(SYS_fcntl64, fd, F_GETLK64, &l);
		res("child: F_GETLK64", r);
		printf("  type %d start 0x%llx len 0x%llx pid is the parent: %s\n", l.l_type,
		       (unsigned long long)l.l_start, (unsigned long long)l.l_len,
		       yes(l.l_pid == parent));
		l = lk(F_WRLCK, 5LL << 30, 10);
		res("child: F_SETLK64 conflicting", syscall(SYS_fcntl64, fd, F_SETLK64, &l));
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	l = lk(F_UNLCK, 0, 0);
	res("F_SETLKW64 unlock", syscall(SYS_fcntl64, fd, F_SETLKW64, &l));
	res("F_SETLK64 bad pointer", syscall(SYS_fcntl64, fd, F_SETLK64, BAD_PTR));
	res("F_GETLK64 fd not open", syscall(SYS_fcntl64, 999, F_GETLK64, &l));
	res("F_GETFL", syscall(SYS_fcntl64, fd, F_GETFL));
	res("F_SETFD", syscall(SYS_fcntl64, fd, F_SETFD, FD_CLOEXEC));
	res("F_GETFD", syscall(SYS_fcntl64, fd, F_GETFD));
	res("F_DUPFD 100", syscall(SYS_fcntl64, fd, F_DUPFD, 100));
	res("bad command", syscall(SYS_fcntl64, fd, 12345, 0));
	drop_scratch();
}

/* ---- uname ---- */

static void show_uname(const char *what, long r, const struct utsname *u)
{
	res(what, r);
	if (r < 0)
		return;
	printf("  %s | %s | %s | %s | %s | %s\n", u->sysname, u->nodename, u->release, u->version,
	       u->machine, u->domainname);
	dump("  bytes", u, sizeof(*u));
}

static void uname_calls(void)
{
	struct utsname u;
	memset(&u, FILL, sizeof(u));
	show_uname("uname", syscall(SYS_uname, &u), &u);
	res("uname bad pointer", syscall(SYS_uname, BAD_PTR));
	res("uname NULL", syscall(SYS_uname, NULL));
}

/* PER_LINUX32 makes the machine "i686", UNAME26 the release 2.6.x: the
 * caller's personality, which only the kernel sees. */
static void uname_personality(void)
{
	struct utsname u;
	res("personality PER_LINUX32", personality(PER_LINUX32) >= 0 ? 0 : -1);
	memset(&u, FILL, sizeof(u));
	show_uname("uname", syscall(SYS_uname, &u), &u);
	res("personality PER_LINUX | UNAME26", personality(PER_LINUX | UNAME26) >= 0 ? 0 : -1);
	memset(&u, FILL, sizeof(u));
	show_uname("uname", syscall(SYS_uname, &u), &u);
	res("uname bad pointer", syscall(SYS_uname, BAD_PTR));
}

/* ---- ustat ---- */

/* The i386 struct ustat: free blocks and inodes, low 32 bits. */
struct ustat32 {
	int32_t f_tfree;
	uint32_t f_tinode;
	char f_fname[6], f_fpack[6];
};

static long ustat_of(const char *path, void *buf)
{
	struct stat sb;
	if (stat(path, &sb) < 0)
		return -1;
	return syscall(SYS_ustat, (unsigned)sb.st_dev, buf);
}

static void ustat_calls(void)
{
	unsigned char b[sizeof(struct ustat32) + 4];
	/* proc and sysfs count nothing free: every byte is fixed. */
	const char *fixed[] = { "/proc", "/sys" };
	for (size_t i = 0; i < 2; i++) {
		char what[64];
		snprintf(what, sizeof(what), "ustat %s", fixed[i]);
		memset(b, FILL, sizeof(b));
		res(what, ustat_of(fixed[i], b));
		dump(what, b, sizeof(b));
	}
	/* A tmpfs directory of our own: the counts match statfs's. */
	if (make_scratch(0)) {
		struct statfs64 sf;
		struct ustat32 u;
		memset(&u, FILL, sizeof(u));
		syscall(SYS_statfs64, ".", sizeof(sf), &sf);
		res("ustat scratch", ustat_of(".", &u));
		printf("free blocks as statfs's: %s, free inodes as statfs's: %s\n",
		       u.f_tfree == (int32_t)sf.f_bfree ? "yes" : "no",
		       u.f_tinode == (uint32_t)sf.f_ffree ? "yes" : "no");
		dump("names", u.f_fname, 12);
		drop_scratch();
	}
	res("ustat bad buffer", ustat_of("/proc", BAD_PTR));
	res("ustat no such device", syscall(SYS_ustat, 0xfff00u, b));
	res("ustat no such device, bad buffer", syscall(SYS_ustat, 0xfff00u, BAD_PTR));
}

/* ---- sysinfo ---- */

static void sysinfo_calls(void)
{
	struct sysinfo s;
	memset(&s, FILL, sizeof(s));
	long r = syscall(SYS_sysinfo, &s);
	res("sysinfo", r);
	if (r == 0) {
		printf("  mem_unit %u totalram %lu totalswap %lu freeswap %lu totalhigh %lu freehigh %lu\n",
		       s.mem_unit, s.totalram, s.totalswap, s.freeswap, s.totalhigh, s.freehigh);
		printf("  pad 0x%x", s.pad);
		dump(" _f", s._f, sizeof(s._f));
		printf("  freeram <= totalram %s, sharedram <= totalram %s, bufferram <= totalram %s\n",
		       yes(s.freeram <= s.totalram), yes(s.sharedram <= s.totalram),
		       yes(s.bufferram <= s.totalram));
		printf("  uptime > 0 %s, procs > 0 %s\n", yes(s.uptime > 0), yes(s.procs > 0));
		/* mem_unit * totalram is the machine's memory either way. */
		unsigned long long bytes = (unsigned long long)s.totalram * s.mem_unit;
		FILE *f = fopen("/proc/meminfo", "r");
		unsigned long long kb = 0;
		if (f && fscanf(f, "MemTotal: %llu kB", &kb) == 1)
			printf("  totalram * mem_unit within a page of MemTotal: %s\n",
			       yes(bytes / 1024 <= kb && kb - bytes / 1024 < 4 * (s.mem_unit / 1024 + 1)));
		if (f)
			fclose(f);
	}
	res("sysinfo bad pointer", syscall(SYS_sysinfo, BAD_PTR));
	res("sysinfo NULL", syscall(SYS_sysinfo, NULL));
}

/* ---- limits ---- */

struct rlimit32 {
	uint32_t cur, max;
};
struct rlimit64_ {
	uint64_t cur, max;
};

static void show_rl(const char *what, long r, const struct rlimit32 *l)
{
	res(what, r);
	if (r >= 0)
		printf("  cur 0x%x max 0x%x\n", l->cur, l->max);
}

static void show_rl64(const char *what, long r, const struct rlimit64_ *l)
{
	res(what, r);
	if (r >= 0)
		printf("  cur 0x%llx max 0x%llx\n", (unsigned long long)l->cur,
		       (unsigned long long)l->max);
}

/* The guest's own FSIZE soft limit set to V natively (prlimit64 with a
 * new limit stays in the kernel), for the translated calls to read back. */
static void set_fsize(uint64_t v)
{
	char what[96];
	struct rlimit64_ n = { v, ~0ull };
	snprintf(what, sizeof(what), "prlimit64 set FSIZE soft 0x%llx", (unsigned long long)v);
	res(what, syscall(SYS_prlimit64, 0, RLIMIT_FSIZE, &n, NULL));
}

/* What getrlimit and ugetrlimit (NAME, syscall NR) refuse, in the kernel's
 * order: the resource before the pointer. */
static void bad_getrlimit(const char *name, long nr)
{
	char what[96];
	struct rlimit32 l;
	snprintf(what, sizeof(what), "%s bad resource", name);
	res(what, syscall(nr, 999, &l));
	snprintf(what, sizeof(what), "%s bad resource, bad pointer", name);
	res(what, syscall(nr, 999, BAD_PTR));
	snprintf(what, sizeof(what), "%s bad pointer", name);
	res(what, syscall(nr, RLIMIT_NOFILE, BAD_PTR));
	snprintf(what, sizeof(what), "%s NULL", name);
	res(what, syscall(nr, RLIMIT_NOFILE, NULL));
}

static void old_getrlimit(void);

static void rlimits(void)
{
	struct rlimit32 l;
	struct rlimit64_ o;
	static const struct {
		int res;
		const char *name;
	} which[] = {
		{ RLIMIT_NOFILE, "NOFILE" }, { RLIMIT_STACK, "STACK" }, { RLIMIT_CORE, "CORE" },
		{ RLIMIT_AS, "AS" },         { RLIMIT_CPU, "CPU" },     { RLIMIT_NPROC, "NPROC" },
	};
	char what[96];
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		snprintf(what, sizeof(what), "ugetrlimit %s", which[i].name);
		memset(&l, FILL, sizeof(l));
		show_rl(what, syscall(SYS_ugetrlimit, which[i].res, &l), &l);
	}
	/* Values around the 32-bit RLIM_INFINITY. */
	static const uint64_t vals[] = { 1 << 20, 0xfffffffeull, 0xffffffffull, 0x100000000ull,
					 5ull << 32, ~0ull };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		set_fsize(vals[i]);
		memset(&l, FILL, sizeof(l));
		show_rl("ugetrlimit FSIZE", syscall(SYS_ugetrlimit, RLIMIT_FSIZE, &l), &l);
		memset(&o, FILL, sizeof(o));
		show_rl64("prlimit64 pid 0 FSIZE", syscall(SYS_prlimit64, 0, RLIMIT_FSIZE, NULL, &o), &o);
		memset(&o, FILL, sizeof(o));
		show_rl64("prlimit64 own pid FSIZE",
			  syscall(SYS_prlimit64, getpid(), RLIMIT_FSIZE, NULL, &o), &o);
	}
	bad_getrlimit("ugetrlimit", SYS_ugetrlimit);
	res("ugetrlimit bad resource, NULL", syscall(SYS_ugetrlimit, 999, NULL));
	res("prlimit64 bad resource", syscall(SYS_prlimit64, 0, 999, NULL, &o));
	res("prlimit64 bad old pointer", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, BAD_PTR));
	res("prlimit64 nothing asked", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL));
	res("prlimit64 bad new pointer", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, BAD_PTR, NULL));
	res("prlimit64 no such process", syscall(SYS_prlimit64, 0x3ffffff0, RLIMIT_NOFILE, NULL, &o));
	struct rlimit64_ bad = { 10, 5 };
	res("prlimit64 soft above hard", syscall(SYS_prlimit64, 0, RLIMIT_FSIZE, &bad, NULL));
	old_getrlimit();
}

/* The old getrlimit (76) clamps at 0x7fffffff where ugetrlimit says
 * RLIM_INFINITY. */
static void old_getrlimit(void)
{
	struct rlimit32 l;
	static const uint64_t vals[] = { 1 << 20, 0x7ffffffeull, 0x7fffffffull, 0x80000000ull,
					 0xffffffffull, 5ull << 32, ~0ull };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		set_fsize(vals[i]);
		memset(&l, FILL, sizeof(l));
		show_rl("getrlimit FSIZE", syscall(SYS_getrlimit, RLIMIT_FSIZE, &l), &l);
	}
	memset(&l, FILL, sizeof(l));
	show_rl("getrlimit NOFILE", syscall(SYS_getrlimit, RLIMIT_NOFILE, &l), &l);
	bad_getrlimit("getrlimit", SYS_getrlimit);
}

/* ---- fcntl value commands ---- */

static void fcntl_values(void)
{
	if (!make_scratch(0))
		return;
	int p[2];
	(void)!pipe(p);
	int f = open("f", O_CREAT | O_RDWR, 0644);
	int path = open("f", O_PATH);
	int mfd = syscall(SYS_memfd_create, "cb", MFD_ALLOW_SEALING);
	static const struct {
		int nr;
		const char *name;
	} calls[] = { { SYS_fcntl64, "fcntl64" }, { SYS_fcntl, "fcntl" } };
	char what[96];
	for (size_t i = 0; i < 2; i++) {
		int nr = calls[i].nr;
		const char *n = calls[i].name;
#define F(label, ...) (snprintf(what, sizeof(what), "%s %s", n, label), res(what, syscall(nr, __VA_ARGS__)))
		F("F_GETFL file", f, F_GETFL);
		F("F_SETFL O_APPEND|O_NONBLOCK", f, F_SETFL, O_APPEND | O_NONBLOCK);
		F("F_GETFL after", f, F_GETFL);
		F("F_SETFL 0", f, F_SETFL, 0);
		F("F_SETFL O_ASYNC (kernel)", p[0], F_SETFL, O_ASYNC);
		F("F_GETFL pipe", p[0], F_GETFL);
		F("F_SETFL O_NOATIME (kernel)", f, F_SETFL, O_NOATIME);
		F("F_GETFL O_PATH", path, F_GETFL);
		F("F_SETFL O_PATH", path, F_SETFL, O_NONBLOCK);
		F("F_GETSIG O_PATH", path, F_GETSIG);
		F("F_GETFL bad fd", 999, F_GETFL);
		F("F_SETFL bad fd", -1, F_SETFL, 0);
		F("F_GETSIG", f, F_GETSIG);
		F("F_SETSIG SIGUSR1", f, F_SETSIG, SIGUSR1);
		F("F_GETSIG after", f, F_GETSIG);
		F("F_SETSIG 100", f, F_SETSIG, 100);
		F("F_SETSIG -1", f, F_SETSIG, -1);
		F("F_SETSIG 0", f, F_SETSIG, 0);
		F("F_GETLEASE", f, F_GETLEASE);
		F("F_GETLEASE pipe", p[0], F_GETLEASE);
		F("F_GETPIPE_SZ", p[1], F_GETPIPE_SZ);
		F("F_GETPIPE_SZ file", f, F_GETPIPE_SZ);
		F("F_SETPIPE_SZ (kernel)", p[1], F_SETPIPE_SZ, 8192);
		F("F_GETPIPE_SZ after", p[1], F_GETPIPE_SZ);
		F("F_GET_SEALS", mfd, F_GET_SEALS);
		F("F_GET_SEALS file", f, F_GET_SEALS);
		F("F_ADD_SEALS bad", mfd, F_ADD_SEALS, 0x10000);
		F("F_GETFD (kernel)", f, F_GETFD);
		F("F_DUPFD (kernel)", f, F_DUPFD, 100);
		F("unknown command (kernel)", f, 9999);
	}
	res("fcntl64 F_ADD_SEALS F_SEAL_GROW", syscall(SYS_fcntl64, mfd, F_ADD_SEALS, F_SEAL_GROW));
	res("fcntl F_ADD_SEALS F_SEAL_SEAL", syscall(SYS_fcntl, mfd, F_ADD_SEALS, F_SEAL_SEAL));
	res("fcntl64 F_GET_SEALS", syscall(SYS_fcntl64, mfd, F_GET_SEALS));
	res("fcntl64 F_ADD_SEALS sealed", syscall(SYS_fcntl64, mfd, F_ADD_SEALS, F_SEAL_SHRINK));
	/* fcntl (55) is compat_sys_fcntl64 on x86: i386's F_GETLK64 (12) is
	 * EBADF for a bad fd, the OFD locks read their flock64. */
	struct flock64 l = lk(F_RDLCK, 0, 1);
	res("fcntl F_GETLK64", syscall(SYS_fcntl, 999, 12, &l));
	res("fcntl F_OFD_GETLK", syscall(SYS_fcntl, 999, F_OFD_GETLK, &l));
	res("fcntl F_OFD_SETLKW", syscall(SYS_fcntl, f, F_OFD_SETLKW, BAD_PTR));
	memset(&l, FILL, sizeof(l));
	l = lk(F_WRLCK, 0, 10);
	res("fcntl F_OFD_SETLK", syscall(SYS_fcntl, f, F_OFD_SETLK, &l));
	l = lk(F_RDLCK, 0, 10);
	int f2 = open("f", O_RDONLY);
	res("fcntl F_OFD_GETLK another open", syscall(SYS_fcntl, f2, F_OFD_GETLK, &l));
	show_lock("  conflict", 0, &l);
	close(f2);
	res("fcntl64 F_OFD_GETLK bad pointer", syscall(SYS_fcntl64, f, F_OFD_GETLK, BAD_PTR));
	drop_scratch();
}

/* ---- 32-bit offsets and lengths: lseek, truncate, ftruncate ---- */

static long long size_of(const char *path)
{
	struct statx x;
	return syscall(SYS_statx, AT_FDCWD, path, 0, STATX_SIZE, &x) ? -1 : (long long)x.stx_size;
}

static void off32(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	int f = open("f", O_RDWR);
	int ro = open("f", O_RDONLY);
	int p[2];
	(void)!pipe(p);
	res("ftruncate 100", syscall(SYS_ftruncate, f, 100));
	printf("  size %lld\n", size_of("f"));
	res("ftruncate 0x7fffffff", syscall(SYS_ftruncate, f, 0x7fffffff));
	printf("  size %lld\n", size_of("f"));
	res("ftruncate -1", syscall(SYS_ftruncate, f, -1));
	res("ftruncate bad fd", syscall(SYS_ftruncate, 999, 10));
	res("ftruncate bad fd, -1", syscall(SYS_ftruncate, 999, -1));
	res("ftruncate read-only fd", syscall(SYS_ftruncate, ro, 10));
	res("ftruncate pipe", syscall(SYS_ftruncate, p[1], 10));
	res("truncate 5", syscall(SYS_truncate, "f", 5));
	printf("  size %lld\n", size_of("f"));
	char abs[512];
	snprintf(abs, sizeof(abs), "%s/f", scratch);
	res("truncate absolute 7", syscall(SYS_truncate, abs, 7));
	printf("  size %lld\n", size_of("f"));
	res("truncate through a symlink 9", syscall(SYS_truncate, "l", 9));
	printf("  size %lld\n", size_of("f"));
	res("truncate -5", syscall(SYS_truncate, "f", -5));
	res("truncate -5, bad path", syscall(SYS_truncate, BAD_PTR, -5));
	res("truncate64 -5, bad path", syscall(SYS_truncate64, BAD_PTR, -5, -1));
	res("truncate bad path", syscall(SYS_truncate, BAD_PTR, 1));
	res("truncate NULL path", syscall(SYS_truncate, NULL, 1));
	res("truncate nonexistent", syscall(SYS_truncate, "nonexistent", 1));
	res("truncate a directory", syscall(SYS_truncate, "d", 0));
	res("truncate empty path", syscall(SYS_truncate, "", 0));
	res("truncate dangling", syscall(SYS_truncate, "dangling", 0));

	res("lseek SEEK_SET 5", syscall(SYS_lseek, f, 5, SEEK_SET));
	res("lseek SEEK_CUR -1", syscall(SYS_lseek, f, -1, SEEK_CUR));
	res("lseek SEEK_SET -10", syscall(SYS_lseek, f, -10, SEEK_SET));
	res("lseek SEEK_END 0", syscall(SYS_lseek, f, 0, SEEK_END));
	res("lseek SEEK_DATA 0", syscall(SYS_lseek, f, 0, SEEK_DATA));
	res("lseek whence 99", syscall(SYS_lseek, f, 0, 99));
	res("lseek bad fd", syscall(SYS_lseek, 999, 0, SEEK_SET));
	res("lseek bad fd, whence 99", syscall(SYS_lseek, 999, 0, 99));
	res("lseek pipe", syscall(SYS_lseek, p[0], 0, SEEK_CUR));
	res("ftruncate64 4 GiB + 4096", syscall(SYS_ftruncate64, f, 4096, 1));
	/* The 64-bit position, truncated by the 32-bit register. */
	long r = syscall(SYS_lseek, f, 0, SEEK_END);
	printf("lseek SEEK_END of 4 GiB + 4096 = %ld (errno %s)\n", r, r < 0 ? strerrorname_np(errno) : "-");
	res("lseek SEEK_CUR after", syscall(SYS_lseek, f, 0, SEEK_CUR));
	int d = open("d", O_RDONLY | O_DIRECTORY);
	res("lseek directory SEEK_SET 0", syscall(SYS_lseek, d, 0, SEEK_SET));
	close(d);
	close(f);
	close(ro);
	drop_scratch();
}

/* ---- sendfile with a 32-bit offset ---- */

static void sendfile32(void)
{
	if (!make_scratch(0))
		return;
	int src = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char data[100];
	for (int i = 0; i < 100; i++)
		data[i] = (char)('a' + i % 26);
	(void)!write(src, data, sizeof(data));
	int dst = open("lockfile", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ro = open("f", O_RDONLY);
	int32_t off = 10;
	res("sendfile at 10, 20 bytes", syscall(SYS_sendfile, dst, src, &off, 20));
	printf("  offset %d, position %ld\n", off, (long)lseek(src, 0, SEEK_CUR));
	res("sendfile NULL offset, 5 bytes", syscall(SYS_sendfile, dst, src, NULL, 5));
	printf("  position %ld\n", (long)lseek(src, 0, SEEK_CUR));
	char back[32] = { 0 };
	(void)!pread(dst, back, 25, 0);
	printf("  sent: %s\n", back);
	off = 95;
	res("sendfile past the end", syscall(SYS_sendfile, dst, src, &off, 20));
	printf("  offset %d\n", off);
	off = 3;
	res("sendfile 0 bytes", syscall(SYS_sendfile, dst, src, &off, 0));
	off = -1;
	res("sendfile offset -1", syscall(SYS_sendfile, dst, src, &off, 5));
	printf("  offset %d\n", off);
	off = 0x7fffffff;
	res("sendfile offset 2^31-1", syscall(SYS_sendfile, dst, src, &off, 5));
	printf("  offset %d\n", off);
	off = 0x7fffffff;
	res("sendfile offset 2^31-1, 0 bytes", syscall(SYS_sendfile, dst, src, &off, 0));
	res("sendfile offset 2^31-1, bad out fd", syscall(SYS_sendfile, 999, src, &off, 5));
	res("ftruncate64 3 GiB", syscall(SYS_ftruncate64, src, 0xc0000000u, 0));
	off = 0x7ffffff0;
	res("sendfile 100 bytes from 2^31-16", syscall(SYS_sendfile, dst, src, &off, 100));
	printf("  offset %d\n", off);
	off = 0;
	res("sendfile bad offset pointer", syscall(SYS_sendfile, dst, src, BAD_PTR, 5));
	res("sendfile bad in fd, bad offset pointer", syscall(SYS_sendfile, dst, 999, BAD_PTR, 5));
	res("sendfile bad in fd", syscall(SYS_sendfile, dst, 999, &off, 5));
	res("sendfile bad out fd", syscall(SYS_sendfile, 999, src, &off, 5));
	res("sendfile read-only out", syscall(SYS_sendfile, ro, src, &off, 5));
	int p[2];
	(void)!pipe2(p, O_NONBLOCK);
	off = 0;
	res("sendfile to a non-blocking pipe", syscall(SYS_sendfile, p[1], src, &off, 7));
	printf("  offset %d\n", off);
	memset(back, 0, sizeof(back));
	res("  read", read(p[0], back, sizeof(back)));
	printf("  %s\n", back);
	int q[2];
	(void)!pipe(q);
	off = 0;
	res("sendfile to a blocking pipe (kernel)", syscall(SYS_sendfile, q[1], src, &off, 7));
	printf("  offset %d\n", off);
	close(src);
	close(dst);
	close(ro);
	drop_scratch();
}

/* ---- the old struct stat and struct statfs ---- */

/* The kernel's i386 struct stat and statfs (asm/stat.h, asm/statfs.h),
 * not glibc's. */
struct kstat32 {
	uint32_t dev, ino;
	uint16_t mode, nlink, uid, gid;
	uint32_t rdev, size, blksize, blocks, atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct kstat32) == 64, "i386 struct stat");
struct kstatfs32 {
	uint32_t type, bsize, blocks, bfree, bavail, files, ffree, fsid[2], namelen, frsize, flags,
		spare[4];
};
_Static_assert(sizeof(struct kstatfs32) == 64, "i386 struct statfs");

static bool f_times_kept = true; /* f still has the times make_files gave it */

/* Fields that are the same from run to run; the inode, the device and the
 * times compared with the reference (statx of REF, following it unless
 * LINK), the times printed only for f (whose times make_files set). */
static void show_kstat(const char *what, long r, const struct kstat32 *k, const char *ref)
{
	res(what, r);
	if (r < 0)
		return;
	bool link = !strcmp(ref, "l");
	struct statx x;
	syscall(SYS_statx, AT_FDCWD, ref, link ? AT_SYMLINK_NOFOLLOW : 0, STATX_BASIC_STATS, &x);
	printf("  mode 0%o nlink %u uid %u gid %u rdev 0x%x size %u blksize %u blocks %u unused 0x%x 0x%x\n",
	       k->mode, k->nlink, k->uid, k->gid, k->rdev, k->size, k->blksize, k->blocks, k->unused4,
	       k->unused5);
	printf("  dev, ino, times are the reference's: %s %s %s\n",
	       yes(k->dev == ((x.stx_dev_minor & 0xff) | (x.stx_dev_major << 8) |
			      ((x.stx_dev_minor & ~0xffu) << 12))),
	       yes(k->ino == x.stx_ino),
	       yes(k->atime == (uint32_t)x.stx_atime.tv_sec && k->atime_ns == x.stx_atime.tv_nsec &&
		   k->mtime == (uint32_t)x.stx_mtime.tv_sec && k->mtime_ns == x.stx_mtime.tv_nsec));
	if (!strcmp(ref, "f") && f_times_kept)
		printf("  atime %u.%09u mtime %u.%09u\n", k->atime, k->atime_ns, k->mtime, k->mtime_ns);
}

static void old_stat(void)
{
	if (!make_scratch(0))
		return;
	make_files();
	struct kstat32 k;
	char abs[512];
	snprintf(abs, sizeof(abs), "%s/f", scratch);
#define KS(what, call, ref) (memset(&k, FILL, sizeof(k)), show_kstat(what, call, &k, ref))
	KS("stat relative", syscall(SYS_stat, "f", &k), "f");
	dump("raw mode, nlink, uid, gid", (char *)&k + 8, 8);
	KS("stat absolute", syscall(SYS_stat, abs, &k), "f");
	KS("stat symlink", syscall(SYS_stat, "l", &k), "f");
	KS("lstat symlink", syscall(SYS_lstat, "l", &k), "l");
	KS("stat directory", syscall(SYS_stat, "d", &k), "d");
	KS("stat /dev/null", syscall(SYS_stat, "/dev/null", &k), "/dev/null");
	int fd = open("f", O_RDWR);
	KS("fstat", syscall(SYS_fstat, fd, &k), "f");
	KS("stat /proc/self/exe", syscall(SYS_stat, "/proc/self/exe", &k), "/proc/self/exe");
	res("stat nonexistent", syscall(SYS_stat, "nonexistent", &k));
	res("stat bad path", syscall(SYS_stat, BAD_PTR, &k));
	res("stat NULL path", syscall(SYS_stat, NULL, &k));
	res("stat bad buffer", syscall(SYS_stat, "f", BAD_PTR));
	res("lstat dangling", syscall(SYS_lstat, "dangling", &k));
	res("stat dangling", syscall(SYS_stat, "dangling", &k));
	res("fstat bad fd", syscall(SYS_fstat, 999, &k));
	res("fstat bad buffer", syscall(SYS_fstat, fd, BAD_PTR));
	/* Sizes past 2^31-1: EOVERFLOW before the buffer is written. */
	res("ftruncate64 2 GiB", syscall(SYS_ftruncate64, fd, 0x80000000u, 0));
	f_times_kept = false;
	KS("stat 2 GiB", syscall(SYS_stat, "f", &k), "f");
	KS("fstat 2 GiB", syscall(SYS_fstat, fd, &k), "f");
	res("stat 2 GiB, bad buffer", syscall(SYS_stat, "f", BAD_PTR));
	res("ftruncate 0x7fffffff", syscall(SYS_ftruncate, fd, 0x7fffffff));
	KS("stat 2 GiB - 1", syscall(SYS_stat, "f", &k), "f");
	/* Ids past 16 bits: 65534. */
	res("chown 70000:70001", fchown(fd, 70000, 70001));
	KS("fstat owned by 70000", syscall(SYS_fstat, fd, &k), "f");
	res("chown 65535:0", fchown(fd, 65535, 0));
	KS("fstat owned by 65535", syscall(SYS_fstat, fd, &k), "f");
	close(fd);

	struct kstatfs32 s;
	static const char *fs[] = { ".", "/", "/proc", "/dev", "/sys" };
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		char what[64];
		memset(&s, FILL, sizeof(s));
		snprintf(what, sizeof(what), "statfs %s", fs[i]);
		long r = syscall(SYS_statfs, fs[i], &s);
		res(what, r);
		if (r == 0)
			printf("  type 0x%x bsize %u blocks %u files %u namelen %u frsize %u flags 0x%x "
			       "free <= blocks %s spare %x %x %x %x\n",
			       s.type, s.bsize, s.blocks, s.files, s.namelen, s.frsize, s.flags,
			       yes(s.bfree <= s.blocks && s.bavail <= s.blocks), s.spare[0],
			       s.spare[1], s.spare[2], s.spare[3]);
	}
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	memset(&s, FILL, sizeof(s));
	long r = syscall(SYS_fstatfs, dfd, &s);
	res("fstatfs", r);
	printf("  type 0x%x bsize %u namelen %u\n", s.type, s.bsize, s.namelen);
	res("fstatfs bad fd", syscall(SYS_fstatfs, 999, &s));
	res("fstatfs bad buffer", syscall(SYS_fstatfs, dfd, BAD_PTR));
	res("statfs bad buffer", syscall(SYS_statfs, "/", BAD_PTR));
	res("statfs bad path", syscall(SYS_statfs, BAD_PTR, &s));
	res("statfs nonexistent", syscall(SYS_statfs, "nonexistent", &s));
	close(dfd);
	drop_scratch();
}

/* ---- CPU affinity ---- */

static unsigned char mask[64];

static void show_mask(const char *what, long r)
{
	res(what, r);
	dump("  mask", mask, 16);
}

/* Compat lengths: a multiple of 4 (native: 8), the result min(len, the
 * kernel's cpumask size). Masks depend on the machine, not on the run. */
static void affinity(void)
{
	static const unsigned lens[] = { 4, 8, 12, 16, 64, 1 << 20, 0xfffffffc, 6, 2, 0, 0x20000000 };
	char what[96];
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(mask, FILL, sizeof(mask));
		snprintf(what, sizeof(what), "sched_getaffinity len %u", lens[i]);
		show_mask(what, syscall(SYS_sched_getaffinity, 0, lens[i] > sizeof(mask) ? 64 : lens[i], mask));
		if (lens[i] > sizeof(mask)) /* the kernel writes no more than its mask */
			show_mask(what, syscall(SYS_sched_getaffinity, 0, lens[i], mask));
	}
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	memset(mask, FILL, sizeof(mask));
	show_mask("sched_getaffinity own pid", syscall(SYS_sched_getaffinity, getpid(), 4, mask));
	show_mask("sched_getaffinity a child", syscall(SYS_sched_getaffinity, child, 8, mask));
	res("sched_getaffinity no such thread", syscall(SYS_sched_getaffinity, 0x3ffffff0, 8, mask));
	res("sched_getaffinity -1", syscall(SYS_sched_getaffinity, -1, 8, mask));
	res("sched_getaffinity bad pointer", syscall(SYS_sched_getaffinity, 0, 8, BAD_PTR));
	res("sched_getaffinity NULL", syscall(SYS_sched_getaffinity, 0, 8, NULL));
	res("sched_getaffinity no such thread, bad pointer",
	    syscall(SYS_sched_getaffinity, 0x3ffffff0, 8, BAD_PTR));
	res("sched_getaffinity bad length, bad pointer", syscall(SYS_sched_getaffinity, 0, 6, BAD_PTR));

	unsigned char all[8], one[8] = { 1 }, none[8] = { 0 };
	syscall(SYS_sched_getaffinity, 0, sizeof(all), all);
	res("sched_setaffinity CPU 0 only", syscall(SYS_sched_setaffinity, 0, 4, one));
	memset(mask, FILL, sizeof(mask));
	show_mask("  read back", syscall(SYS_sched_getaffinity, 0, 4, mask));
	res("sched_setaffinity a child, CPU 0", syscall(SYS_sched_setaffinity, child, 8, one));
	memset(mask, FILL, sizeof(mask));
	show_mask("  the child's", syscall(SYS_sched_getaffinity, child, 8, mask));
	res("sched_setaffinity all again, len 3", syscall(SYS_sched_setaffinity, 0, 3, all));
	res("sched_setaffinity all again, len 1 << 20", syscall(SYS_sched_setaffinity, 0, 1 << 20, all));
	res("sched_setaffinity empty", syscall(SYS_sched_setaffinity, 0, 8, none));
	res("sched_setaffinity len 0", syscall(SYS_sched_setaffinity, 0, 0, all));
	res("sched_setaffinity bad pointer", syscall(SYS_sched_setaffinity, 0, 8, BAD_PTR));
	res("sched_setaffinity NULL", syscall(SYS_sched_setaffinity, 0, 8, NULL));
	res("sched_setaffinity no such thread", syscall(SYS_sched_setaffinity, 0x3ffffff0, 8, all));
	res("sched_setaffinity no such thread, bad pointer",
	    syscall(SYS_sched_setaffinity, 0x3ffffff0, 8, BAD_PTR));
	res("sched_setaffinity all", syscall(SYS_sched_setaffinity, 0, 8, all));
	/* Another's thread: the caller's euid against the target's uids, then
	 * CAP_SYS_NICE — which the guest has dropped. */
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t other = fork();
	if (other == 0) { /* gone when the pipe closes: it cannot be killed without CAP_KILL */
		char c;
		close(p[1]);
		if (setresuid(65534, 65534, 65534) == 0)
			(void)!read(p[0], &c, 1);
		_exit(1);
	}
	close(p[0]);
	usleep(100000);
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct nocaps[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	res("drop every capability", syscall(SYS_capset, &h, nocaps));
	res("sched_setaffinity another user's process", syscall(SYS_sched_setaffinity, other, 8, all));
	memset(mask, FILL, sizeof(mask));
	show_mask("sched_getaffinity another user's process",
		  syscall(SYS_sched_getaffinity, other, 8, mask));
	close(p[1]);
	kill(child, SIGKILL);
	waitpid(other, NULL, 0);
	waitpid(child, NULL, 0);
}

/* ---- clocks ---- */

struct ts32 {
	int32_t sec, nsec;
};

/* The return value, that tv_nsec is a nanosecond count, and that the value
 * is within a second of REF (read just before). */
static void show_time(const char *what, long r, long long sec, long long nsec,
		      const struct timespec *ref)
{
	res(what, r);
	if (r < 0)
		return;
	/* Seconds first: a wild value must not overflow the nanoseconds. */
	long long ds = sec - ref->tv_sec;
	bool near = ds > -2 && ds < 2 && nsec > -NSEC && nsec < 2 * NSEC;
	long long d = near ? ds * NSEC + (nsec - ref->tv_nsec) : 0;
	printf("  nsec < 1e9 %s, within a second of the reference %s\n",
	       yes(nsec >= 0 && nsec < NSEC), yes(near && d > -NSEC && d < NSEC));
}

static void clock_calls(void)
{
	char what[96];
	for (size_t i = 0; i < DIFF_WALL_CLOCKS; i++) {
		struct timespec ref;
		struct ts32 t;
		struct __kernel_timespec t64;
		clock_gettime(diff_wall_clocks[i].id, &ref); /* the vDSO: no system call */
		memset(&t, FILL, sizeof(t));
		snprintf(what, sizeof(what), "clock_gettime %s", diff_wall_clocks[i].name);
		show_time(what, syscall(SYS_clock_gettime, diff_wall_clocks[i].id, &t), t.sec, t.nsec, &ref);
		clock_gettime(diff_wall_clocks[i].id, &ref);
		memset(&t64, FILL, sizeof(t64));
		snprintf(what, sizeof(what), "clock_gettime64 %s", diff_wall_clocks[i].name);
		show_time(what, syscall(SYS_clock_gettime64, diff_wall_clocks[i].id, &t64), t64.tv_sec,
			  t64.tv_nsec, &ref);
	}
	struct ts32 t;
	res("clock_gettime bad clock", syscall(SYS_clock_gettime, 100, &t));
	res("clock_gettime bad clock, bad pointer", syscall(SYS_clock_gettime, 100, BAD_PTR));
	res("clock_gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_REALTIME, BAD_PTR));
	res("clock_gettime NULL", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
	res("clock_gettime64 bad clock", syscall(SYS_clock_gettime64, 100, &t));
	res("clock_gettime64 bad pointer", syscall(SYS_clock_gettime64, CLOCK_REALTIME, BAD_PTR));
	res("clock_gettime64 NULL", syscall(SYS_clock_gettime64, CLOCK_BOOTTIME, NULL));
}

/* CPU-time clocks measure the caller: the kernel answers them. */
static void cpu_clocks(void)
{
	clockid_t pid_clock = 0;
	clock_getcpuclockid(0, &pid_clock);
	const struct diff_clock clocks[] = {
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID" },
		{ pid_clock, "clock_getcpuclockid(0)" },
	};
	char what[96];
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct ts32 t;
		struct __kernel_timespec t64;
		memset(&t, FILL, sizeof(t));
		snprintf(what, sizeof(what), "clock_gettime %s", clocks[i].name);
		long r = syscall(SYS_clock_gettime, clocks[i].id, &t);
		res(what, r);
		if (r == 0)
			printf("  nsec < 1e9 %s, under a minute %s\n", yes(t.nsec >= 0 && t.nsec < NSEC),
			       yes(t.sec >= 0 && t.sec < 60));
		memset(&t64, FILL, sizeof(t64));
		snprintf(what, sizeof(what), "clock_gettime64 %s", clocks[i].name);
		r = syscall(SYS_clock_gettime64, clocks[i].id, &t64);
		res(what, r);
		if (r == 0)
			printf("  nsec < 1e9 %s, under a minute %s\n",
			       yes(t64.tv_nsec >= 0 && t64.tv_nsec < NSEC),
			       yes(t64.tv_sec >= 0 && t64.tv_sec < 60));
	}
	res("clock_gettime bad negative clock", syscall(SYS_clock_gettime, -12345, BAD_PTR));
	res("clock_gettime CPU clock, bad pointer",
	    syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, BAD_PTR));
}

/* ---- the cases ---- */

/* What a case needs that a machine may lack: NULL when it can run here,
 * else why not (the harness reports the case as skipped). */
static const char *need_fs(unsigned long fs, const char *name)
{
	static char why[128];
	if (make_scratch(fs)) {
		if (chdir("/") == 0)
			rmdir(scratch);
		return NULL;
	}
	snprintf(why, sizeof(why), "no writable %s directory among /dev/shm, $TMPDIR, /tmp, /var/tmp",
		 name);
	return why;
}

static const char *need_userns(void)
{
	pid_t child = fork();
	if (child == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : 1);
	int status = 1;
	waitpid(child, &status, 0);
	return status == 0 ? NULL : "unshare(CLONE_NEWUSER | CLONE_NEWNS) is not allowed here";
}

static const char *need_tmpfs(void)
{
	return need_fs(TMPFS_MAGIC, "tmpfs");
}

static const char *need_ext4(void)
{
	return need_fs(EXT4_SUPER_MAGIC, "ext4");
}

/* Sleeps: performed by a supervisor worker. Elapsed time is not stable,
 * so print whether at least the requested time passed. */
static void sleeps(void)
{
	struct timespec t0, t1;
	struct { int32_t sec, nsec; } old = { 0, 50000000 };
	struct __kernel_timespec t64 = { 0, 30000000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long r = syscall(SYS_nanosleep, &old, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
	printf("nanosleep 50 ms = %ld, slept at least that: %d\n", r, ns >= 50000000L);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, &t64, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec);
	printf("clock_nanosleep_time64 30 ms = %ld, slept at least that: %d\n", r, ns >= 30000000L);
	old.nsec = 1000000000;
	errno = 0;
	r = syscall(SYS_nanosleep, &old, NULL);
	printf("nanosleep nsec=1e9 = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	old.nsec = 0;
	old.sec = -1;
	r = syscall(SYS_nanosleep, &old, NULL);
	printf("nanosleep sec=-1 = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	r = syscall(SYS_nanosleep, (void *)16, NULL);
	printf("nanosleep bad pointer = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	/* clock_nanosleep returns the error number instead of setting errno */
	r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)16, NULL);
	printf("clock_nanosleep bad pointer = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
}

/* Results written into memory the guest may not write: the kernel's
 * copy_to_user fails with EFAULT, and so must the supervisor's write. */
static void protections(void)
{
	struct stat64 *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct stat64 *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	errno = 0;
	long r = syscall(SYS_stat64, "/", ro);
	printf("stat64 into read-only memory = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	r = syscall(SYS_stat64, "/", none);
	printf("stat64 into PROT_NONE memory = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	r = syscall(SYS_fstat64, fd, ro);
	printf("fstat64 into read-only memory = %ld %s\n", r, r < 0 ? strerrorname_np(errno) : "");
	close(fd);
	printf("read-only page still zero: %d\n", ((unsigned char *)ro)[0] == 0);
}

/* The old entries' cases, few and wide: each costs two program starts,
 * which a VM makes slow. */
static void files32(void)
{
	fcntl_values();
	off32();
	sendfile32();
}

/* affinity last: it drops every capability. */
static void ids32(void)
{
	old_stat();
	affinity();
}

/* Each case names how its calls must be handled: "translated" by the
 * supervisor, or left to the "kernel" because they depend on the caller. */
static const struct diff_case cases[] = {
	{ "stat", stat_paths, "translated" },
	{ "fstatat", stat_at, "translated" },
	{ "fstat", stat_fd, "translated" },
	{ "protections", protections, "translated" },
	{ "sleeps", sleeps, "performed" },
	{ "procself", proc_self, "translated" },
	{ "creds", creds, "translated" },
	{ "namespaces", namespaces, "kernel", need_userns },
	{ "statfs", statfs_calls, "translated" },
	{ "getdents", getdents_tmpfs, "translated", need_tmpfs },
	{ "readdir", readdir_tmpfs, "translated=readdir", need_tmpfs },
	{ "getdents32", getdents32_tmpfs, "translated=getdents", need_tmpfs },
	{ "fanotify", fanotify_calls, "translated=fanotify_mark" },
	{ "getdents_ext4", getdents_ext4, "kernel", need_ext4 },
	{ "ofdlock", ofd_locks, "translated" },
	{ "posixlock", posix_locks, "kernel" },
	{ "uname", uname_calls, "translated" },
	{ "uname_personality", uname_personality, "kernel" },
	{ "sysinfo", sysinfo_calls, "translated" },
	{ "ustat", ustat_calls, "translated=ustat" },
	{ "rlimit", rlimits, "translated=ugetrlimit,prlimit64,getrlimit" },
	{ "files32", files32, "translated=fcntl64,fcntl,lseek,truncate,ftruncate,sendfile",
	  need_tmpfs },
	{ "ids32", ids32,
	  "translated=stat,lstat,fstat,statfs,fstatfs,sched_getaffinity,sched_setaffinity "
	  "--keep-caps=chown,setuid" },
	{ "clock", clock_calls, "translated" },
	{ "cpuclock", cpu_clocks, "kernel" },
};

DIFF_MAIN(cases)
