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
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <utime.h>

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

static void show_times(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		printf("  %s: atime %lld.%09ld mtime %lld.%09ld\n", path, (long long)st.st_atim.tv_sec,
		       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/* glibc's file-time calls: utimensat (320) while the times fit 32 bits,
 * utimensat_time64 beyond. */
static void utimes_case(void)
{
	mkdir_tmp();
	int fd = open("f", O_CREAT | O_RDWR, 0640);
	(void)!symlink("f", "l");
	struct timespec t[2] = { { 1000, 5 }, { 0x7fffffffLL, 123456789 } };
	struct timespec big[2] = { { 1000, 5 }, { 0x7fffffffLL + 10, 1 } };
	struct timespec omit[2] = { { 0, UTIME_OMIT }, { 5, 6 } };
	struct timeval tv[2] = { { 2000, 7 }, { 3000, 999999 } };
	struct utimbuf u = { 4000, 5000 };
	res("utimensat", utimensat(AT_FDCWD, "f", t, 0));
	show_times("f");
	res("utimensat beyond 2038", utimensat(AT_FDCWD, "f", big, 0));
	show_times("f");
	res("utimensat UTIME_OMIT", utimensat(AT_FDCWD, "f", omit, 0));
	show_times("f");
	res("utimensat AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "l", t, AT_SYMLINK_NOFOLLOW));
	show_times("l");
	res("futimens", futimens(fd, omit));
	show_times("f");
	res("utimes", utimes("f", tv));
	show_times("f");
	res("lutimes", lutimes("l", tv));
	show_times("l");
	res("futimes", futimes(fd, tv));
	show_times("f");
	res("utime", utime("f", &u));
	show_times("f");
	res("utimensat missing", utimensat(AT_FDCWD, "nope", t, 0));
	res("utimensat bad path", utimensat(AT_FDCWD, bad, t, 0));
	res("utimensat bad fd", utimensat(999, "f", t, 0));
	res("futimens bad fd", futimens(999, t));
	struct timeval bad_us[2] = { { 1, 1000000 }, { 1, 0 } };
	res("utimes usec 1e6", utimes("f", bad_us));
	close(fd);
	cleanup();
}

/* preadv2 and pwritev2 (378, 379): the offset in two registers, -1 the
 * file's position, RWF flags. */
static void rw2_case(void)
{
	mkdir_tmp();
	int fd = open("f", O_CREAT | O_RDWR, 0600);
	int p[2];
	if (fd < 0 || pipe(p) < 0)
		return;
	char a[] = "hello, ", b[] = "world";
	struct iovec w[2] = { { a, 7 }, { b, 5 } };
	res("pwritev2 at 100", pwritev2(fd, w, 2, 100, 0));
	res("pwritev2 at -1 (the position)", pwritev2(fd, w, 2, -1, 0));
	res("pwritev2 RWF_APPEND", pwritev2(fd, w, 1, 0, RWF_APPEND));
	res("pwritev2 RWF_DSYNC at -1", pwritev2(fd, w, 1, -1, RWF_DSYNC));
	res("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR));
	char r1[8], r2[8];
	struct iovec r[2] = { { r1, 8 }, { r2, 8 } };
	memset(r1, '.', 8);
	memset(r2, '.', 8);
	res("preadv2 at 98", preadv2(fd, r, 2, 98, 0));
	dump("  bytes", r1, 16);
	res("preadv2 at 5 GiB", preadv2(fd, r, 2, 5LL << 30, 0));
	res("lseek SEEK_SET 100", lseek(fd, 100, SEEK_SET));
	res("preadv2 at -1", preadv2(fd, r, 1, -1, 0));
	res("preadv2 at -1, RWF_NOWAIT", preadv2(fd, r, 1, -1, RWF_NOWAIT));
	res("preadv2 at -1, RWF_HIPRI", preadv2(fd, r, 1, -1, RWF_HIPRI));
	res("preadv2 at -5", preadv2(fd, r, 1, -5, 0));
	res("preadv2 bad flags", preadv2(fd, r, 1, 0, 0x1000000));
	res("preadv2 bad fd", preadv2(999, r, 1, 0, 0));
	res("preadv2 bad iovec", preadv2(fd, bad, 1, 0, 0));
	struct iovec badbuf = { bad, 4 };
	res("preadv2 bad buffer", preadv2(fd, &badbuf, 1, 0, 0));
	res("pwritev2 bad buffer", pwritev2(fd, &badbuf, 1, 0, 0));
	res("preadv2 pipe at 0", preadv2(p[0], r, 1, 0, 0));
	res("preadv2 empty pipe, RWF_NOWAIT", preadv2(p[0], r, 1, -1, RWF_NOWAIT));
	res("pwritev2 pipe at -1", pwritev2(p[1], w, 2, -1, 0));
	res("pwritev2 pipe at -1, RWF_DSYNC (kernel)", pwritev2(p[1], w, 1, -1, RWF_DSYNC));
	memset(r1, '.', 8);
	res("preadv2 pipe at -1", preadv2(p[0], r, 2, -1, 0));
	dump("  bytes", r1, 16);
	res("preadv2 pipe at -1, RWF_NOWAIT", preadv2(p[0], r, 1, -1, RWF_NOWAIT));
	close(p[0]);
	close(p[1]);
	close(fd);
	cleanup();
}

/* glibc's fcntl: fcntl64 for every command. */
static void fcntl_case(void)
{
	int p[2];
	if (pipe(p) < 0)
		return;
	res("F_GETFL", fcntl(p[0], F_GETFL));
	res("F_SETFL O_NONBLOCK", fcntl(p[0], F_SETFL, O_NONBLOCK));
	res("F_GETFL after", fcntl(p[0], F_GETFL));
	char c;
	res("read, nothing there", read(p[0], &c, 1));
	res("F_GETPIPE_SZ", fcntl(p[1], F_GETPIPE_SZ));
	res("F_SETSIG", fcntl(p[0], F_SETSIG, SIGIO));
	res("F_GETSIG", fcntl(p[0], F_GETSIG));
	res("F_GETFD (kernel)", fcntl(p[0], F_GETFD));
	res("F_GETFL bad fd", fcntl(999, F_GETFL));
	close(p[0]);
	close(p[1]);
}

/* The newer rows' calls through glibc, in one case (each costs two
 * program starts, which a VM makes slow). */
static void old32_case(void)
{
	utimes_case();
	fcntl_case();
	rw2_case();
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


/* A TCP connection on loopback: a listener, its client, the accepted end. */
static void tcp_pair(int *l, int *cl, int *acc)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	*l = socket(AF_INET, SOCK_STREAM, 0);
	bind(*l, (struct sockaddr *)&a, sizeof(a));
	listen(*l, 4);
	getsockname(*l, (struct sockaddr *)&a, &al);
	*cl = socket(AF_INET, SOCK_STREAM, 0);
	connect(*cl, (struct sockaddr *)&a, sizeof(a));
	*acc = accept(*l, NULL, NULL);
}

/* Every socket call of i386 glibc goes through socketcall (102). */
static void sockets_case(void)
{
	int l, cl, acc;
	tcp_pair(&l, &cl, &acc);
	printf("accepted: %s\n", acc >= 0 ? "yes" : strerrorname_np(errno));
	struct sockaddr_in me, peer, la;
	socklen_t ml = sizeof(me), pl = sizeof(peer), ll = sizeof(la);
	res("getsockname", getsockname(cl, (struct sockaddr *)&me, &ml));
	res("getpeername", getpeername(acc, (struct sockaddr *)&peer, &pl));
	getsockname(l, (struct sockaddr *)&la, &ll);
	printf("  lengths %u %u; the peer is the client: %d; family %d\n", ml, pl,
	       me.sin_port == peer.sin_port && me.sin_addr.s_addr == peer.sin_addr.s_addr,
	       peer.sin_family);
	socklen_t small = 4;
	res("getsockname, 4 bytes of room", getsockname(cl, (struct sockaddr *)&me, &small));
	printf("  length %u\n", small);
	small = (socklen_t)-1;
	res("getsockname, negative length", getsockname(cl, (struct sockaddr *)&me, &small));
	res("getsockname, bad length", getsockname(cl, (struct sockaddr *)&me, bad));
	res("getpeername on a listener", getpeername(l, (struct sockaddr *)&me, &pl));
	res("getsockname on a bad fd", getsockname(1000, (struct sockaddr *)&me, &pl));
	res("send", send(cl, "hello", 5, 0));
	char buf[16] = { 0 };
	res("recv", recv(acc, buf, sizeof(buf), 0));
	printf("  %s\n", buf);
	res("recv, nothing there", recv(acc, buf, sizeof(buf), MSG_DONTWAIT));
	res("send bad buffer", send(cl, bad, 4, 0));
	res("send bad fd", send(999, "x", 1, 0));
	res("shutdown write", shutdown(cl, SHUT_WR));
	res("recv after shutdown", recv(acc, buf, sizeof(buf), 0));
	res("shutdown bad how", shutdown(cl, 7));
	/* accept with an address, and accept4's flags. */
	int c2 = socket(AF_INET, SOCK_STREAM, 0);
	connect(c2, (struct sockaddr *)&la, sizeof(la));
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	int a2 = accept4(l, (struct sockaddr *)&from, &fl, SOCK_CLOEXEC | SOCK_NONBLOCK);
	printf("accept4: %s, length %u, cloexec %d nonblock %d\n", a2 >= 0 ? "yes" : strerrorname_np(errno),
	       fl, (fcntl(a2, F_GETFD) & FD_CLOEXEC) != 0, (fcntl(a2, F_GETFL) & O_NONBLOCK) != 0);
	res("accept4 bad flags", accept4(l, NULL, NULL, 0x40));
	int fl2 = fcntl(l, F_GETFL);
	fcntl(l, F_SETFL, fl2 | O_NONBLOCK);
	res("accept, nobody waiting", accept(l, NULL, NULL));
	res("accept on a bad fd", accept(1000, NULL, NULL));
	/* UDP with addresses: sendto, recvfrom. */
	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t ul = sizeof(ua);
	bind(u2, (struct sockaddr *)&ua, sizeof(ua));
	getsockname(u2, (struct sockaddr *)&ua, &ul);
	res("sendto", sendto(u1, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof(ua)));
	res("sendto, address too long", sendto(u1, "x", 1, 0, (struct sockaddr *)&ua, 129));
	res("sendto, bad address", sendto(u1, "x", 1, 0, bad, sizeof(ua)));
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	memset(buf, 0, sizeof(buf));
	res("recvfrom", recvfrom(u2, buf, sizeof(buf), 0, (struct sockaddr *)&src, &sl));
	struct sockaddr_in u1a;
	socklen_t u1l = sizeof(u1a);
	getsockname(u1, (struct sockaddr *)&u1a, &u1l);
	printf("  %s from the sender: %d, length %u\n", buf, src.sin_port == u1a.sin_port, sl);
	sendto(u1, "again", 5, 0, (struct sockaddr *)&ua, sizeof(ua));
	res("recvfrom, bad length pointer (data taken)",
	    recvfrom(u2, buf, sizeof(buf), 0, (struct sockaddr *)&src, bad));
	res("recvfrom, the datagram is gone", recvfrom(u2, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL));
	sendto(u1, "truncated", 9, 0, (struct sockaddr *)&ua, sizeof(ua));
	res("recvfrom MSG_TRUNC", recvfrom(u2, buf, 2, MSG_TRUNC, NULL, NULL));
	/* sendmsg/recvmsg through socketcall, with an fd. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec v = { "fd", 2 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	int one = u2;
	memcpy(CMSG_DATA(cm), &one, sizeof(int));
	res("sendmsg with an fd", sendmsg(sv[0], &m, 0));
	memset(cbuf, 0, sizeof(cbuf));
	v.iov_base = buf;
	v.iov_len = sizeof(buf);
	res("recvmsg", recvmsg(sv[1], &m, 0));
	memcpy(&one, CMSG_DATA(cm), sizeof(int));
	printf("  fd received as %d\n", one);
	close(sv[0]);
	close(sv[1]);
	close(u1);
	close(u2);
	close(a2);
	close(c2);
	close(acc);
	close(cl);
	close(l);
}

/* The "Pid:" line of an fd's fdinfo (a pidfd), or -1. */
static int fdinfo_pid(int fd)
{
	char fi[64], line[128];
	snprintf(fi, sizeof(fi), "/proc/self/fdinfo/%d", fd);
	FILE *fp = fopen(fi, "r");
	int pid = -1;
	while (fp && fgets(line, sizeof(line), fp))
		sscanf(line, "Pid: %d", &pid);
	if (fp)
		fclose(fp);
	return pid;
}

/* Options with the layouts the compat code converts, and some it does
 * not (the same bytes). */
static void sockopts_case(void)
{
	int l, cl, acc;
	tcp_pair(&l, &cl, &acc);
	int v = 1;
	socklen_t vl = sizeof(v);
	res("SO_REUSEADDR", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	v = 0;
	res("get SO_REUSEADDR", getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &vl));
	printf("  %d (%u bytes)\n", v, vl);
	res("get SO_TYPE", getsockopt(cl, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("  %d\n", v);
	vl = 2;
	res("get SO_TYPE, 2 bytes", getsockopt(cl, SOL_SOCKET, SO_TYPE, &v, &vl));
	printf("  length %u\n", vl);
	vl = (socklen_t)-1;
	res("get SO_TYPE, negative length", getsockopt(cl, SOL_SOCKET, SO_TYPE, &v, &vl));
	res("get SO_TYPE, bad length", getsockopt(cl, SOL_SOCKET, SO_TYPE, &v, bad));
	vl = sizeof(v);
	res("get SO_TYPE, bad buffer", getsockopt(cl, SOL_SOCKET, SO_TYPE, bad, &vl));
	res("get on a bad fd", getsockopt(1000, SOL_SOCKET, SO_TYPE, &v, &vl));
	res("set, negative length", setsockopt(cl, SOL_SOCKET, SO_REUSEADDR, &v, -1));
	res("set, bad buffer", setsockopt(cl, SOL_SOCKET, SO_REUSEADDR, bad, 4));
	res("set, unknown option", setsockopt(cl, SOL_SOCKET, 9999, &v, 4));
	/* With 64-bit time_t glibc asks for SO_RCVTIMEO_NEW: 16 bytes. */
	struct timeval tv = { 3, 250000 }, tv2;
	socklen_t tl = sizeof(tv2);
	res("SO_RCVTIMEO", setsockopt(cl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	res("get SO_RCVTIMEO", getsockopt(cl, SOL_SOCKET, SO_RCVTIMEO, &tv2, &tl));
	printf("  %lld.%06ld (%u bytes)\n", (long long)tv2.tv_sec, (long)tv2.tv_usec, tl);
	struct linger lg = { 1, 7 }, lg2;
	socklen_t lgl = sizeof(lg2);
	res("SO_LINGER", setsockopt(cl, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	res("get SO_LINGER", getsockopt(cl, SOL_SOCKET, SO_LINGER, &lg2, &lgl));
	printf("  %d %d (%u bytes)\n", lg2.l_onoff, lg2.l_linger, lgl);
	v = 1;
	res("TCP_NODELAY", setsockopt(cl, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	struct tcp_info ti;
	socklen_t til = sizeof(ti);
	res("get TCP_INFO", getsockopt(cl, IPPROTO_TCP, TCP_INFO, &ti, &til));
	printf("  state %u, %u bytes\n", ti.tcpi_state, til);
	char cong[16] = { 0 };
	socklen_t cgl = sizeof(cong);
	res("get TCP_CONGESTION", getsockopt(cl, IPPROTO_TCP, TCP_CONGESTION, cong, &cgl));
	/* ucred: the same layout; the pid is the peer's. */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct ucred uc;
	socklen_t ucl = sizeof(uc);
	res("get SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &ucl));
	printf("  pid is mine %d, uid %u, %u bytes\n", uc.pid == getpid(), uc.uid, ucl);
	/* SO_PEERPIDFD (6.5): a pidfd the call creates, close-on-exec. */
	int pfd = -1;
	socklen_t pfl = sizeof(pfd);
	res("get SO_PEERPIDFD", getsockopt(sv[0], SOL_SOCKET, 77, &pfd, &pfl));
	if (pfd >= 0) {
		/* The same process as a pidfd of our own (fdinfo's Pid: is in
		 * /proc's namespace, not necessarily getpid()'s). */
		int own = (int)syscall(SYS_pidfd_open, getpid(), 0);
		printf("  fd %d, cloexec %d, mine %d\n", pfd, (fcntl(pfd, F_GETFD) & FD_CLOEXEC) != 0,
		       fdinfo_pid(pfd) == fdinfo_pid(own) && fdinfo_pid(own) > 0);
		close(own);
		close(pfd);
	}
	gid_t groups[1];
	socklen_t grl = 0;
	res("get SO_PEERGROUPS, no room", getsockopt(sv[0], SOL_SOCKET, SO_PEERGROUPS, groups, &grl));
	printf("  %u bytes needed\n", grl);
	/* A socket filter: a pointer inside the option (sock_fprog). It
	 * drops everything: the datagram sent after it never comes. */
	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t ul = sizeof(ua);
	bind(u2, (struct sockaddr *)&ua, sizeof(ua));
	getsockname(u2, (struct sockaddr *)&ua, &ul);
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog fp = { 1, drop };
	res("SO_ATTACH_FILTER", setsockopt(u2, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)));
	sendto(u1, "x", 1, 0, (struct sockaddr *)&ua, sizeof(ua));
	char b[4];
	usleep(20000);
	res("recv, filtered out", recv(u2, b, sizeof(b), MSG_DONTWAIT));
	res("SO_DETACH_FILTER", setsockopt(u2, SOL_SOCKET, SO_DETACH_FILTER, &v, sizeof(v)));
	sendto(u1, "y", 1, 0, (struct sockaddr *)&ua, sizeof(ua));
	usleep(20000);
	res("recv, no filter", recv(u2, b, sizeof(b), MSG_DONTWAIT));
	struct sock_fprog empty = { 0, drop };
	res("SO_ATTACH_FILTER, no instructions", setsockopt(u2, SOL_SOCKET, SO_ATTACH_FILTER, &empty, sizeof(empty)));
	res("SO_ATTACH_FILTER, wrong length", setsockopt(u2, SOL_SOCKET, SO_ATTACH_FILTER, &fp, 16));
	struct sock_fprog badf = { 1, bad };
	res("SO_ATTACH_FILTER, bad filter", setsockopt(u2, SOL_SOCKET, SO_ATTACH_FILTER, &badf, sizeof(badf)));
	/* Multicast on loopback: ip_mreq (same layout) and group_req (i386
	 * packs the address after the interface, x86_64 aligns it). */
	struct ip_mreq mr = { .imr_multiaddr.s_addr = inet_addr("239.1.2.3"),
			      .imr_interface.s_addr = htonl(INADDR_LOOPBACK) };
	res("IP_ADD_MEMBERSHIP", setsockopt(u2, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	res("IP_ADD_MEMBERSHIP again", setsockopt(u2, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	struct group_req gr = { .gr_interface = 1 };
	struct sockaddr_in *g = (struct sockaddr_in *)&gr.gr_group;
	g->sin_family = AF_INET;
	g->sin_addr.s_addr = inet_addr("239.1.2.4");
	res("MCAST_JOIN_GROUP", setsockopt(u2, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	res("MCAST_JOIN_GROUP again", setsockopt(u2, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	/* group_filter both ways: the request read, the filter written. */
	struct group_filter gf;
	memset(&gf, 0x55, sizeof(gf));
	gf.gf_interface = 1;
	gf.gf_group = gr.gr_group;
	gf.gf_numsrc = 1;
	socklen_t gfl = sizeof(gf);
	res("get MCAST_MSFILTER", getsockopt(u2, IPPROTO_IP, MCAST_MSFILTER, &gf, &gfl));
	printf("  fmode %u numsrc %u, %u bytes\n", gf.gf_fmode, gf.gf_numsrc, gfl);
	gfl = 2;
	res("get MCAST_MSFILTER, 2 bytes", getsockopt(u2, IPPROTO_IP, MCAST_MSFILTER, &gf, &gfl));
	struct group_source_req gsr = { .gsr_interface = 1 };
	memcpy(&gsr.gsr_group, &gr.gr_group, sizeof(gr.gr_group));
	struct sockaddr_in *src = (struct sockaddr_in *)&gsr.gsr_source;
	src->sin_family = AF_INET;
	src->sin_addr.s_addr = inet_addr("127.0.0.9");
	res("MCAST_BLOCK_SOURCE", setsockopt(u2, IPPROTO_IP, MCAST_BLOCK_SOURCE, &gsr, sizeof(gsr)));
	gfl = sizeof(gf);
	res("get MCAST_MSFILTER, one blocked", getsockopt(u2, IPPROTO_IP, MCAST_MSFILTER, &gf, &gfl));
	printf("  fmode %u numsrc %u, %u bytes, source %s\n", gf.gf_fmode, gf.gf_numsrc, gfl,
	       inet_ntoa(((struct sockaddr_in *)&gf.gf_slist[0])->sin_addr));
	res("MCAST_LEAVE_GROUP", setsockopt(u2, IPPROTO_IP, MCAST_LEAVE_GROUP, &gr, sizeof(gr)));
	res("MCAST_LEAVE_GROUP again", setsockopt(u2, IPPROTO_IP, MCAST_LEAVE_GROUP, &gr, sizeof(gr)));
	res("MCAST_JOIN_GROUP, short", setsockopt(u2, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, 100));
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s6 >= 0) {
		v = 1;
		res("IPV6_V6ONLY", setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)));
		v = 0;
		vl = sizeof(v);
		res("get IPV6_V6ONLY", getsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl));
		printf("  %d\n", v);
		close(s6);
	}
	close(u1);
	close(u2);
	close(sv[0]);
	close(sv[1]);
	close(acc);
	close(cl);
	close(l);
}

/* sendmmsg and recvmmsg: direct calls (345, and recvmmsg_time64 with a
 * 64-bit time_t), 32-byte i386 mmsghdr. */
static void mmsg_case(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	char a[3][8] = { "one", "two", "three" }, r[4][8] = { { 0 } };
	struct iovec sv_iov[3], rv_iov[4];
	struct mmsghdr sm[3], rm[4];
	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 3; i++) {
		sv_iov[i] = (struct iovec){ a[i], strlen(a[i]) };
		sm[i].msg_hdr.msg_iov = &sv_iov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
	}
	for (int i = 0; i < 4; i++) {
		rv_iov[i] = (struct iovec){ r[i], sizeof(r[i]) };
		rm[i].msg_hdr.msg_iov = &rv_iov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	res("sendmmsg 3", sendmmsg(sv[0], sm, 3, 0));
	printf("  lengths %u %u %u\n", sm[0].msg_len, sm[1].msg_len, sm[2].msg_len);
	struct timespec ts = { 5, 0 };
	memset(r, 0, sizeof(r));
	res("recvmmsg 4, MSG_WAITFORONE", recvmmsg(sv[1], rm, 4, MSG_WAITFORONE, &ts));
	printf("  %s %s %s, lengths %u %u %u, timeout left below 5 s: %d\n", r[0], r[1], r[2],
	       rm[0].msg_len, rm[1].msg_len, rm[2].msg_len, ts.tv_sec < 5 || ts.tv_nsec == 0);
	res("recvmmsg, nothing there", recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL));
	ts.tv_nsec = 2000000000;
	res("recvmmsg, bad timeout", recvmmsg(sv[1], rm, 4, 0, &ts));
	res("recvmmsg, unreadable timeout", recvmmsg(sv[1], rm, 4, 0, bad));
	res("recvmmsg on a bad fd", recvmmsg(1000, rm, 4, MSG_DONTWAIT, NULL));
	res("sendmmsg, bad array", sendmmsg(sv[0], bad, 2, 0));
	sm[1].msg_hdr.msg_iov = bad;
	res("sendmmsg, the second bad", sendmmsg(sv[0], sm, 3, 0));
	res("recvmmsg, the one that came", recvmmsg(sv[1], rm, 4, MSG_DONTWAIT, NULL));
	res("sendmmsg on a bad fd", sendmmsg(1000, sm, 1, 0));
	res("sendmmsg, none", sendmmsg(sv[0], sm, 0, 0));
	close(sv[0]);
	close(sv[1]);
}

/* select() is pselect6 without a signal mask (pselect6_time64 for seconds
 * past 32 bits), ppoll() without one ppoll (ppoll_time64); pselect() always passes its {mask, size} pair: the kernel
 * runs it (the mask is the caller's for the wait). */
static void select_case(void)
{
	int p[2];
	(void)!pipe(p);
	fd_set in, out;
	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_SET(p[0], &in);
	FD_SET(p[1], &out);
	struct timeval tv = { 0, 0 };
	res("select, zero timeout", select(p[1] + 1, &in, &out, NULL, &tv));
	printf("  in %d out %d, tv %lld.%06ld\n", FD_ISSET(p[0], &in), FD_ISSET(p[1], &out),
	       (long long)tv.tv_sec, (long)tv.tv_usec);
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 0, 30000 };
	res("select 30 ms, nothing", select(p[0] + 1, &in, NULL, NULL, &tv));
	printf("  in %d, tv %lld.%06ld\n", FD_ISSET(p[0], &in), (long long)tv.tv_sec, (long)tv.tv_usec);
	(void)!write(p[1], "x", 1);
	FD_SET(p[0], &in);
	tv = (struct timeval){ 2, 0 };
	res("select, data ready", select(p[0] + 1, &in, NULL, NULL, &tv));
	printf("  in %d, time left 1.9 s to 2 s: %d\n", FD_ISSET(p[0], &in),
	       (tv.tv_sec == 1 && tv.tv_usec > 900000) || (tv.tv_sec == 2 && tv.tv_usec == 0));
	tv = (struct timeval){ 0, -1 };
	res("select, negative usec", select(p[0] + 1, &in, NULL, NULL, &tv));
	/* Beyond 32-bit seconds glibc needs pselect6_time64. */
	tv = (struct timeval){ (1LL << 32) + 5, 0 };
	res("select, 2^32 + 5 s, data ready", select(p[0] + 1, &in, NULL, NULL, &tv));
	printf("  time left above 2^32 s: %d\n", tv.tv_sec > (1LL << 32));
	res("select, bad set", select(p[0] + 1, bad, NULL, NULL, NULL));
	FD_ZERO(&in);
	FD_SET(1000 % FD_SETSIZE, &in);
	tv = (struct timeval){ 0, 0 };
	res("select, a closed fd", select(1000 % FD_SETSIZE + 1, &in, NULL, NULL, &tv));
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { 999, POLLIN, 0 } };
	struct timespec ts = { 1, 0 };
	res("ppoll", ppoll(pf, 2, &ts, NULL));
	printf("  revents %x %x, time left below 1 s: %d\n", pf[0].revents, pf[1].revents,
	       ts.tv_sec == 0 && ts.tv_nsec > 0);
	ts = (struct timespec){ 0, 1000000000 };
	res("ppoll, 1e9 ns", ppoll(pf, 1, &ts, NULL));
	ts = (struct timespec){ (1LL << 32) + 5, 0 };
	res("ppoll, 2^32 + 5 s, data ready", ppoll(pf, 1, &ts, NULL));
	printf("  time left above 2^32 s: %d\n", ts.tv_sec > (1LL << 32));
	char c;
	(void)!read(p[0], &c, 1);
	ts = (struct timespec){ 0, 20000000 };
	res("ppoll 20 ms, nothing", ppoll(pf, 1, &ts, NULL));
	printf("  tv %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
	sigset_t none;
	sigemptyset(&none);
	ts = (struct timespec){ 0, 0 };
	FD_ZERO(&in);
	FD_SET(p[0], &in);
	res("pselect with a mask", pselect(p[0] + 1, &in, NULL, NULL, &ts, &none));
	close(p[0]);
	close(p[1]);
}

/* OFD locks belong to the open file description, whichever thread takes
 * them: threads of one process conflict through two descriptions, and a
 * F_OFD_SETLKW (the kernel's) waits for an unlock made by another thread
 * (translated). */
static int ofd_fd[2];
static char ofd_said[64];

static void *ofd_thread(void *arg)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 10 };
	int r = fcntl(ofd_fd[1], *(int *)arg, &fl);
	snprintf(ofd_said, sizeof(ofd_said), "thread %s: %s",
		 *(int *)arg == F_OFD_SETLK ? "F_OFD_SETLK" : "F_OFD_SETLKW",
		 r ? strerrorname_np(errno) : "locked");
	return NULL;
}

static void ofd_case(void)
{
	mkdir_tmp();
	int f = open("locks", O_CREAT | O_RDWR, 0600);
	ofd_fd[0] = open("locks", O_RDWR);
	ofd_fd[1] = open("locks", O_RDWR);
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 5 };
	res("F_OFD_SETLK", fcntl(ofd_fd[0], F_OFD_SETLK, &fl));
	pthread_t t;
	int cmd = F_OFD_SETLK;
	pthread_create(&t, NULL, ofd_thread, &cmd);
	pthread_join(t, NULL);
	printf("%s\n", ofd_said);
	int cmdw = F_OFD_SETLKW;
	pthread_create(&t, NULL, ofd_thread, &cmdw);
	usleep(100000);
	fl.l_type = F_UNLCK;
	res("unlock", fcntl(ofd_fd[0], F_OFD_SETLK, &fl));
	pthread_join(t, NULL);
	printf("%s\n", ofd_said);
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 3 };
	res("F_OFD_GETLK", fcntl(ofd_fd[0], F_OFD_GETLK, &fl));
	printf("  type %d pid %d start %lld len %lld\n", fl.l_type, fl.l_pid, (long long)fl.l_start,
	       (long long)fl.l_len);
	fl.l_pid = 1;
	res("F_OFD_SETLK with l_pid set", fcntl(ofd_fd[0], F_OFD_SETLK, &fl));
	close(ofd_fd[0]);
	close(ofd_fd[1]);
	close(f);
	cleanup();
}

/* lseek with a 64-bit off_t is _llseek: the offset in two registers, the
 * position written to memory. */
static void lseek_case(void)
{
	mkdir_tmp();
	int fd = open("f", O_CREAT | O_RDWR, 0600);
	res("lseek to 5 GiB", lseek(fd, 5LL << 30, SEEK_SET) == 5LL << 30);
	(void)!write(fd, "end", 3);
	res("lseek SEEK_CUR -1", lseek(fd, -1, SEEK_CUR) == (5LL << 30) + 2);
	res("lseek SEEK_END", lseek(fd, 0, SEEK_END) == (5LL << 30) + 3);
	printf("  SEEK_DATA from 0: %lld\n", (long long)lseek(fd, 0, SEEK_DATA));
	res("lseek negative", lseek(fd, -10, SEEK_SET));
	res("lseek bad whence", lseek(fd, 0, 9));
	res("lseek bad fd", lseek(999, 0, SEEK_SET));
	int p[2];
	(void)!pipe(p);
	res("lseek on a pipe", lseek(p[0], 0, SEEK_SET));
	res("_llseek, bad result pointer", syscall(SYS__llseek, fd, 0, 100, bad, SEEK_SET));
	res("  the position moved anyway", lseek(fd, 0, SEEK_CUR));
	close(p[0]);
	close(p[1]);
	close(fd);
	cleanup();
}

/* A raw ICMP socket (CAP_NET_RAW kept) and IPv6: options of the same
 * layout on both ABIs (icmp_filter, ipv6_mreq, in6 ints), and group_req
 * at the IPv6 level (converted). */
static void rawopts_case(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	printf("raw socket: %s\n", s >= 0 ? "yes" : strerrorname_np(errno));
	struct icmp_filter f = { ~(1u << ICMP_ECHOREPLY) }, f2 = { 0 };
	socklen_t fl = sizeof(f2);
	res("ICMP_FILTER", setsockopt(s, SOL_RAW, ICMP_FILTER, &f, sizeof(f)));
	res("get ICMP_FILTER", getsockopt(s, SOL_RAW, ICMP_FILTER, &f2, &fl));
	printf("  %08x (%u bytes)\n", f2.data, fl);
	res("ICMP_FILTER, 2 bytes", setsockopt(s, SOL_RAW, ICMP_FILTER, &f, 2));
	int v = 1;
	res("IP_HDRINCL", setsockopt(s, IPPROTO_IP, IP_HDRINCL, &v, sizeof(v)));
	close(s);
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	printf("ipv6 socket: %s\n", s6 >= 0 ? "yes" : strerrorname_np(errno));
	v = 7;
	res("IPV6_UNICAST_HOPS", setsockopt(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)));
	v = 0;
	socklen_t vl = sizeof(v);
	res("get IPV6_UNICAST_HOPS", getsockopt(s6, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, &vl));
	printf("  %d\n", v);
	struct ipv6_mreq mr = { .ipv6mr_interface = 1 };
	inet_pton(AF_INET6, "ff02::1:3", &mr.ipv6mr_multiaddr);
	res("IPV6_JOIN_GROUP", setsockopt(s6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)));
	res("IPV6_JOIN_GROUP again", setsockopt(s6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)));
	struct group_req gr = { .gr_interface = 1 };
	struct sockaddr_in6 *g = (struct sockaddr_in6 *)&gr.gr_group;
	g->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1:4", &g->sin6_addr);
	res("MCAST_JOIN_GROUP (IPv6)", setsockopt(s6, IPPROTO_IPV6, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	res("MCAST_JOIN_GROUP (IPv6) again", setsockopt(s6, IPPROTO_IPV6, MCAST_JOIN_GROUP, &gr, sizeof(gr)));
	res("MCAST_LEAVE_GROUP (IPv6)", setsockopt(s6, IPPROTO_IPV6, MCAST_LEAVE_GROUP, &gr, sizeof(gr)));
	res("MCAST_LEAVE_GROUP (IPv6) again", setsockopt(s6, IPPROTO_IPV6, MCAST_LEAVE_GROUP, &gr, sizeof(gr)));
	close(s6);
}

/* MSG_ZEROCOPY through socketcall: glibc's send is socketcall's SYS_SEND,
 * whose flags are in memory. The data arrives and each send's completion
 * comes on the error queue, as natively (loopback copies: ..._COPIED). */
static void zerocopy_case(void)
{
	int l, c, r;
	tcp_pair(&l, &c, &r);
	int one = 1;
	res("SO_ZEROCOPY", setsockopt(c, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)));
	static char zc[4096], got[8192];
	for (size_t i = 0; i < sizeof(zc); i++)
		zc[i] = (char)(i * 7);
	res("send MSG_ZEROCOPY", send(c, zc, sizeof(zc), MSG_ZEROCOPY));
	res("send MSG_ZEROCOPY again", send(c, zc, sizeof(zc), MSG_ZEROCOPY));
	size_t n = 0;
	while (n < 2 * sizeof(zc)) {
		long k = recv(r, got + n, sizeof(got) - n, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	printf("received %zu bytes, the ones sent: %d\n", n,
	       n == 2 * sizeof(zc) && !memcmp(got, zc, sizeof(zc)) &&
		       !memcmp(got + sizeof(zc), zc, sizeof(zc)));
	unsigned next = 0;
	for (int tries = 0; next < 2 && tries < 100; tries++) {
		char ctl[128];
		struct msghdr em = { .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		if (recvmsg(c, &em, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			usleep(10000);
			continue;
		}
		struct cmsghdr *cm = CMSG_FIRSTHDR(&em);
		if (!cm)
			break;
		struct sock_extended_err ee;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		if (ee.ee_origin != SO_EE_ORIGIN_ZEROCOPY || ee.ee_info != next)
			break;
		next = ee.ee_data + 1;
	}
	printf("completions for both sends: %d\n", next == 2);
	close(r);
	close(c);
	close(l);
}

/* SysV IPC as programs call it: i386 glibc goes through ipc (117) with
 * IPC_64, and with 64-bit time_t builds its own semid_ds from the
 * kernel's low and high time words. Times and pids as relations. */
static const char *rel_time(time_t t)
{
	return t == 0 ? "0" : t > 1600000000 && t < 4000000000 ? "now" : "other";
}

static void sysvipc_case(void)
{
	int sid = semget(IPC_PRIVATE, 3, IPC_CREAT | 0640);
	unsigned short vals[3] = { 7, 8, 9 }, got[3] = { 0 };
	res("semctl SETALL", semctl(sid, 0, SETALL, vals));
	res("semctl GETALL", semctl(sid, 0, GETALL, got));
	printf("values %u %u %u\n", got[0], got[1], got[2]);
	struct semid_ds sd;
	memset(&sd, 0xaa, sizeof(sd));
	res("semctl IPC_STAT", semctl(sid, 0, IPC_STAT, &sd));
	printf("sem: mode %o nsems %lu otime %s ctime %s\n", sd.sem_perm.mode,
	       (unsigned long)sd.sem_nsems, rel_time(sd.sem_otime), rel_time(sd.sem_ctime));
	sd.sem_perm.mode = 0600;
	res("semctl IPC_SET", semctl(sid, 0, IPC_SET, &sd));
	struct seminfo si;
	res("semctl IPC_INFO >= 0", semctl(sid, 0, IPC_INFO, &si) >= 0);
	printf("semmsl %d semopm %d\n", si.semmsl, si.semopm);
	res("semctl IPC_RMID", semctl(sid, 0, IPC_RMID));

	int shid = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	char *at = shmat(shid, NULL, 0);
	struct shmid_ds hd;
	memset(&hd, 0xaa, sizeof(hd));
	res("shmctl IPC_STAT", shmctl(shid, IPC_STAT, &hd));
	printf("shm: mode %o segsz %zu nattch %lu atime %s cpid self %d\n", hd.shm_perm.mode,
	       hd.shm_segsz, (unsigned long)hd.shm_nattch, rel_time(hd.shm_atime),
	       hd.shm_cpid == getpid());
	struct shminfo hi;
	res("shmctl IPC_INFO >= 0", shmctl(0, IPC_INFO, (struct shmid_ds *)&hi) >= 0);
	printf("shmmax %lu shmmni %lu\n", hi.shmmax, hi.shmmni);
	shmdt(at);
	res("shmctl IPC_RMID", shmctl(shid, IPC_RMID, NULL));

	int qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct { long mtype; char mtext[16]; } m = { 2, "two" }, r;
	res("msgsnd", msgsnd(qid, &m, 3, 0));
	struct msqid_ds qd;
	memset(&qd, 0xaa, sizeof(qd));
	res("msgctl IPC_STAT", msgctl(qid, IPC_STAT, &qd));
	printf("msq: qnum %lu cbytes %lu stime %s lspid self %d\n", (unsigned long)qd.msg_qnum,
	       (unsigned long)qd.__msg_cbytes, rel_time(qd.msg_stime), qd.msg_lspid == getpid());
	qd.msg_qbytes = 4096;
	res("msgctl IPC_SET", msgctl(qid, IPC_SET, &qd));
	memset(&r, 0, sizeof(r));
	res("msgrcv", msgrcv(qid, &r, sizeof(r.mtext), 2, IPC_NOWAIT));
	printf("got type %ld \"%s\"\n", r.mtype, r.mtext);
	res("msgctl IPC_STAT", msgctl(qid, IPC_STAT, &qd));
	printf("msq: qbytes %lu lrpid self %d\n", (unsigned long)qd.msg_qbytes,
	       qd.msg_lrpid == getpid());
	res("msgctl IPC_RMID", msgctl(qid, IPC_RMID, NULL));
}

static const struct diff_case cases[] = {
	{ "stat", stat_case, "translated=statx" },
	{ "statfs", statfs_case, "translated=statfs64" },
	{ "prw", prw_case, "translated=pread64,pwrite64" },
	{ "sizes", sizes_case,
	  "translated=ftruncate64,truncate64,fallocate,fadvise64_64,readahead,sync_file_range" },
	{ "direct", direct_case, "translated=pread64,pwrite64,preadv,pwritev", need_direct },
	{ "sockets", sockets_case,
	  "translated=socketcall:accept4,socketcall:getsockname,socketcall:getpeername,"
	  "socketcall:sendto,socketcall:recvfrom,socketcall:shutdown,socketcall:sendmsg,"
	  "socketcall:recvmsg" },
	{ "sockopts", sockopts_case, "translated=socketcall:setsockopt,socketcall:getsockopt" },
	{ "rawopts", rawopts_case, "translated=socketcall:setsockopt,socketcall:getsockopt "
				   "--keep-caps=net_raw" },
	{ "zerocopy", zerocopy_case, "translated=socketcall:sendto" },
	{ "mmsg", mmsg_case, "translated=sendmmsg,recvmmsg_time64" },
	{ "lseek", lseek_case, "translated=_llseek" },
	{ "ofd", ofd_case, "translated=fcntl64" },
	{ "select", select_case, "translated=pselect6,pselect6_time64,ppoll,ppoll_time64" },
	{ "sysvipc", sysvipc_case, "translated=ipc:semctl,ipc:shmctl,ipc:msgctl" },
	{ "old32", old32_case, "translated=utimensat,fcntl64,preadv2,pwritev2" },
};

DIFF_MAIN(cases)
