/* Differential guest for the i386 calls with a 32-bit time_t that
 * translate/time/ performs: the file-time setters (utimensat, futimesat,
 * utimes, utime). Times set are read back with statx (the same call
 * natively and translated) and printed; "now" is printed as whether it
 * lies between two readings of the clock around the call. Calls are made
 * with syscall() to reach the exact i386 entry: i386 glibc calls
 * utimensat_time64 for all of these. Built -m32. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "diffcase.h"

/* The old 32-bit layouts, whatever this program's time_t. */
struct ts32 {
	int32_t sec, nsec;
};
struct tv32 {
	int32_t sec, usec;
};
struct utimbuf32 {
	int32_t actime, modtime;
};

#define NOW_ ((1l << 30) - 1) /* UTIME_NOW */
#define OMIT_ ((1l << 30) - 2) /* UTIME_OMIT */

static char scratch[256];

/* A fresh directory (tmpfs first: nanosecond times) made the cwd, with a
 * file f, a symlink l to it and a directory d holding a file a. */
static int make_scratch(void)
{
	const char *cand[] = { "/dev/shm", getenv("TMPDIR"), "/tmp", "/var/tmp" };
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		if (!cand[i])
			continue;
		snprintf(scratch, sizeof(scratch), "%s/cbtime-XXXXXX", cand[i]);
		if (mkdtemp(scratch) && chdir(scratch) == 0) {
			close(open("f", O_CREAT | O_WRONLY, 0644));
			(void)!symlink("f", "l");
			mkdir("d", 0755);
			close(open("d/a", O_CREAT | O_WRONLY, 0644));
			return 0;
		}
	}
	printf("no scratch directory\n");
	return -1;
}

static void drop_scratch(void)
{
	unlink("f");
	unlink("l");
	unlink("d/a");
	rmdir("d");
	if (chdir("/") == 0)
		rmdir(scratch);
}

static long long t0;

/* PATH's (not followed) atime and mtime: "now" when within the clock
 * readings around the call, else seconds.nanoseconds. */
static void show_times(const char *path)
{
	struct statx x;
	if (syscall(SYS_statx, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_ATIME | STATX_MTIME, &x)) {
		printf("  %s: statx failed\n", path);
		return;
	}
	long long t1 = time(NULL);
	const struct statx_timestamp *t[2] = { &x.stx_atime, &x.stx_mtime };
	printf("  %s:", path);
	for (int i = 0; i < 2; i++) {
		/* A second either way: time() reads the coarse clock, file
		 * times may come from the fine-grained one (multigrain). */
		if (t[i]->tv_sec >= t0 - 1 && t[i]->tv_sec <= t1 + 1)
			printf(" %s now", i ? "mtime" : "atime");
		else
			printf(" %s %lld.%09u", i ? "mtime" : "atime", (long long)t[i]->tv_sec,
			       t[i]->tv_nsec);
	}
	printf("\n");
}

/* Old times on PATH (not followed), so that what a call changes shows. */
static void reset(const char *path)
{
	struct timespec old[2] = { { 1000, 1 }, { 2000, 2 } };
	utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW); /* utimensat_time64: not trapped */
	t0 = time(NULL);
}

/* Call R on PATH after a reset, and the times it leaves. */
#define TRY(what, path, call)                 \
	do {                                  \
		reset(path);                  \
		res(what, call);              \
		show_times(path);             \
	} while (0)

static void utimensat_calls(void)
{
	if (make_scratch() < 0)
		return;
	struct ts32 t[2] = { { 100000, 5 }, { 0x7fffffff, 999999999 } };
	TRY("utimensat relative", "f", syscall(SYS_utimensat, AT_FDCWD, "f", t, 0));
	char abs[512];
	snprintf(abs, sizeof(abs), "%s/f", scratch);
	TRY("utimensat absolute, bad dirfd", "f", syscall(SYS_utimensat, 999, abs, t, 0));
	TRY("utimensat NULL times", "f", syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0));
	struct ts32 now_omit[2] = { { 7, NOW_ }, { 9, OMIT_ } };
	TRY("utimensat UTIME_NOW, UTIME_OMIT", "f",
	    syscall(SYS_utimensat, AT_FDCWD, "f", now_omit, 0));
	struct ts32 omit_now[2] = { { 0, OMIT_ }, { 0, NOW_ } };
	TRY("utimensat UTIME_OMIT, UTIME_NOW", "f",
	    syscall(SYS_utimensat, AT_FDCWD, "f", omit_now, 0));
	struct ts32 neg[2] = { { -5, 0 }, { (int32_t)0x80000000, 1 } };
	TRY("utimensat negative seconds", "f", syscall(SYS_utimensat, AT_FDCWD, "f", neg, 0));
	TRY("utimensat symlink followed", "f", syscall(SYS_utimensat, AT_FDCWD, "l", t, 0));
	reset("f");
	TRY("utimensat AT_SYMLINK_NOFOLLOW", "l",
	    syscall(SYS_utimensat, AT_FDCWD, "l", t, AT_SYMLINK_NOFOLLOW));
	show_times("f");

	int d = open("d", O_RDONLY | O_DIRECTORY);
	TRY("utimensat from a dirfd", "d/a", syscall(SYS_utimensat, d, "a", t, 0));
	int fd = open("f", O_RDONLY);
	TRY("utimensat fd form (NULL path)", "f", syscall(SYS_utimensat, fd, NULL, t, 0));
	TRY("utimensat fd form, NULL times", "f", syscall(SYS_utimensat, fd, NULL, NULL, 0));
	TRY("utimensat AT_EMPTY_PATH", "f", syscall(SYS_utimensat, fd, "", t, AT_EMPTY_PATH));
	TRY("utimensat empty path", "f", syscall(SYS_utimensat, fd, "", t, 0));
	TRY("utimensat fd form with a flag", "f",
	    syscall(SYS_utimensat, fd, NULL, t, AT_SYMLINK_NOFOLLOW));
	TRY("utimensat fd form, bad fd", "f", syscall(SYS_utimensat, 999, NULL, t, 0));
	TRY("utimensat NULL path, AT_FDCWD", ".", syscall(SYS_utimensat, AT_FDCWD, NULL, t, 0));
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	TRY("utimensat /proc/self/fd/N", "f", syscall(SYS_utimensat, AT_FDCWD, self, t, 0));
	close(fd);
	res("utimensat relative, bad dirfd", syscall(SYS_utimensat, 999, "f", t, 0));
	res("utimensat relative to a file", syscall(SYS_utimensat, d, "a/b", t, 0));
	close(d);
	res("utimensat nonexistent", syscall(SYS_utimensat, AT_FDCWD, "nonexistent", t, 0));

	/* The kernel's order: times, UTIME_OMIT twice, flags, then the path. */
	res("utimensat bad path", syscall(SYS_utimensat, AT_FDCWD, BAD_PTR, t, 0));
	res("utimensat bad times", syscall(SYS_utimensat, AT_FDCWD, "f", BAD_PTR, 0));
	res("utimensat bad times, bad path", syscall(SYS_utimensat, AT_FDCWD, BAD_PTR, BAD_PTR, 0));
	struct ts32 omit[2] = { { 1, OMIT_ }, { 2, OMIT_ } };
	res("utimensat UTIME_OMIT twice, bad path",
	    syscall(SYS_utimensat, AT_FDCWD, BAD_PTR, omit, 0));
	res("utimensat UTIME_OMIT twice, nonexistent, bad flags",
	    syscall(SYS_utimensat, 999, "nonexistent", omit, 0x4000));
	res("utimensat bad flags", syscall(SYS_utimensat, AT_FDCWD, "f", t, 0x4000));
	res("utimensat bad flags, bad path", syscall(SYS_utimensat, AT_FDCWD, BAD_PTR, t, 0x4000));
	struct ts32 big[2] = { { 1, 1000000000 }, { 1, 0 } };
	res("utimensat nsec 1e9", syscall(SYS_utimensat, AT_FDCWD, "f", big, 0));
	struct ts32 negns[2] = { { 1, 0 }, { 1, -1 } };
	res("utimensat nsec -1", syscall(SYS_utimensat, AT_FDCWD, "f", negns, 0));
	res("utimensat nsec -1, bad path", syscall(SYS_utimensat, AT_FDCWD, BAD_PTR, negns, 0));
	static char longpath[5000];
	memset(longpath, 'a', sizeof(longpath) - 1);
	res("utimensat path longer than PATH_MAX", syscall(SYS_utimensat, AT_FDCWD, longpath, t, 0));
	drop_scratch();
}

static void futimesat_calls(void)
{
	if (make_scratch() < 0)
		return;
	struct tv32 t[2] = { { 100000, 5 }, { 0x7fffffff, 999999 } };
	TRY("futimesat relative", "f", syscall(SYS_futimesat, AT_FDCWD, "f", t));
	TRY("futimesat NULL times", "f", syscall(SYS_futimesat, AT_FDCWD, "f", NULL));
	TRY("futimesat symlink followed", "f", syscall(SYS_futimesat, AT_FDCWD, "l", t));
	struct tv32 neg[2] = { { -5, 0 }, { -1, 999999 } };
	TRY("futimesat negative seconds", "f", syscall(SYS_futimesat, AT_FDCWD, "f", neg));
	int d = open("d", O_RDONLY | O_DIRECTORY);
	TRY("futimesat from a dirfd", "d/a", syscall(SYS_futimesat, d, "a", t));
	int fd = open("f", O_RDONLY);
	TRY("futimesat fd form (NULL path)", "f", syscall(SYS_futimesat, fd, NULL, t));
	close(fd);
	close(d);
	TRY("futimesat NULL path, AT_FDCWD", ".", syscall(SYS_futimesat, AT_FDCWD, NULL, t));
	res("futimesat relative, bad dirfd", syscall(SYS_futimesat, 999, "f", t));
	res("futimesat nonexistent", syscall(SYS_futimesat, AT_FDCWD, "nonexistent", t));
	res("futimesat bad path", syscall(SYS_futimesat, AT_FDCWD, BAD_PTR, t));
	res("futimesat bad times", syscall(SYS_futimesat, AT_FDCWD, "f", BAD_PTR));
	struct tv32 bad_us[2] = { { 1, 1000000 }, { 1, 0 } };
	res("futimesat usec 1e6", syscall(SYS_futimesat, AT_FDCWD, "f", bad_us));
	res("futimesat usec 1e6, bad path", syscall(SYS_futimesat, AT_FDCWD, BAD_PTR, bad_us));
	struct tv32 neg_us[2] = { { 1, 0 }, { 1, -1 } };
	res("futimesat usec -1", syscall(SYS_futimesat, AT_FDCWD, "f", neg_us));

	TRY("utimes relative", "f", syscall(SYS_utimes, "f", t));
	TRY("utimes NULL times", "f", syscall(SYS_utimes, "f", NULL));
	TRY("utimes symlink followed", "f", syscall(SYS_utimes, "l", t));
	TRY("utimes in a directory", "d/a", syscall(SYS_utimes, "d/a", t));
	res("utimes NULL path", syscall(SYS_utimes, NULL, t));
	res("utimes empty path", syscall(SYS_utimes, "", t));
	res("utimes nonexistent", syscall(SYS_utimes, "nonexistent", t));
	res("utimes bad path", syscall(SYS_utimes, BAD_PTR, t));
	res("utimes bad times", syscall(SYS_utimes, "f", BAD_PTR));
	res("utimes usec 1e6, bad path", syscall(SYS_utimes, BAD_PTR, bad_us));
	res("utimes usec -1", syscall(SYS_utimes, "f", neg_us));
	drop_scratch();
}

static void utime_calls(void)
{
	if (make_scratch() < 0)
		return;
	struct utimbuf32 u = { 100000, 0x7fffffff };
	TRY("utime relative", "f", syscall(SYS_utime, "f", &u));
	TRY("utime NULL times", "f", syscall(SYS_utime, "f", NULL));
	TRY("utime symlink followed", "f", syscall(SYS_utime, "l", &u));
	struct utimbuf32 neg = { -5, (int32_t)0x80000000 };
	TRY("utime negative seconds", "f", syscall(SYS_utime, "f", &neg));
	char abs[512];
	snprintf(abs, sizeof(abs), "%s/d/a", scratch);
	TRY("utime absolute", "d/a", syscall(SYS_utime, abs, &u));
	res("utime NULL path", syscall(SYS_utime, NULL, &u));
	res("utime nonexistent", syscall(SYS_utime, "nonexistent", &u));
	res("utime bad path", syscall(SYS_utime, BAD_PTR, &u));
	res("utime bad times", syscall(SYS_utime, "f", BAD_PTR));
	res("utime bad times, bad path", syscall(SYS_utime, BAD_PTR, BAD_PTR));
	drop_scratch();
}

/* ---- clocks ---- */

#define FILL 0xa5

/* That T (seconds, microseconds or nanoseconds below SUB) is within a
 * second of REF. */
static void show_near(const char *what, long r, long long t, long long frac, long long sub,
		      long long ref)
{
	res(what, r);
	if (r >= 0)
		printf("  fraction in range %s, within a second of time() %s\n",
		       frac >= 0 && frac < sub ? "yes" : "NO", t >= ref - 1 && t <= ref + 1 ? "yes" : "NO");
}

static void show_res(const struct diff_clock *k)
{
	char what[96];
	struct ts32 ts;
	memset(&ts, FILL, sizeof(ts));
	snprintf(what, sizeof(what), "clock_getres %s", k->name);
	res(what, syscall(SYS_clock_getres, k->id, &ts));
	dump("  res", &ts, sizeof(ts));
}

static void clocks(void)
{
	struct tv32 tv;
	struct { int32_t minuteswest, dsttime; } tz;
	memset(&tv, FILL, sizeof(tv));
	memset(&tz, FILL, sizeof(tz));
	long r = syscall(SYS_gettimeofday, &tv, &tz);
	show_near("gettimeofday", r, tv.sec, tv.usec, 1000000, time(NULL));
	dump("  timezone", &tz, sizeof(tz));
	memset(&tz, FILL, sizeof(tz));
	res("gettimeofday NULL, tz", syscall(SYS_gettimeofday, NULL, &tz));
	dump("  timezone", &tz, sizeof(tz));
	memset(&tv, FILL, sizeof(tv));
	r = syscall(SYS_gettimeofday, &tv, NULL);
	show_near("gettimeofday tv, NULL", r, tv.sec, tv.usec, 1000000, time(NULL));
	res("gettimeofday NULL, NULL", syscall(SYS_gettimeofday, NULL, NULL));
	memset(&tz, FILL, sizeof(tz));
	res("gettimeofday bad tv", syscall(SYS_gettimeofday, BAD_PTR, &tz));
	dump("  timezone", &tz, sizeof(tz));
	memset(&tv, FILL, sizeof(tv));
	res("gettimeofday bad tz", syscall(SYS_gettimeofday, &tv, BAD_PTR));
	printf("  tv written %s\n", tv.usec >= 0 && tv.usec < 1000000 ? "yes" : "no");

	int32_t t = (int32_t)0xa5a5a5a5;
	long long ref = time(NULL);
	r = syscall(SYS_time, NULL);
	show_near("time NULL", r < 0 ? r : 0, r, 0, 1, ref);
	r = syscall(SYS_time, &t);
	show_near("time &t", r < 0 ? r : 0, r, 0, 1, ref);
	printf("  stored the result %s\n", t == (int32_t)r ? "yes" : "NO");
	res("time bad pointer", syscall(SYS_time, BAD_PTR));

	for (size_t i = 0; i < DIFF_WALL_CLOCKS; i++)
		show_res(&diff_wall_clocks[i]);
	show_res(&(const struct diff_clock){ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID (kernel)" });
	res("clock_getres NULL", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	res("clock_getres bad clock", syscall(SYS_clock_getres, 100, NULL));
	res("clock_getres bad clock, bad pointer", syscall(SYS_clock_getres, 100, BAD_PTR));
	res("clock_getres bad pointer", syscall(SYS_clock_getres, CLOCK_REALTIME, BAD_PTR));
}

/* sched_rr_get_interval: the slice of a SCHED_OTHER thread depends on the
 * load, so only its shape is printed. */
static void rr_interval(void)
{
	struct ts32 ts;
	struct { pid_t pid; const char *name; } who[] = {
		{ 0, "0 (the caller)" }, { getpid(), "own pid" }, { getppid(), "parent" },
	};
	char what[96];
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		memset(&ts, FILL, sizeof(ts));
		snprintf(what, sizeof(what), "sched_rr_get_interval %s", who[i].name);
		long r = syscall(SYS_sched_rr_get_interval, who[i].pid, &ts);
		res(what, r);
		if (r == 0)
			printf("  sec %d, nsec < 1e9 %s\n", ts.sec, ts.nsec >= 0 && ts.nsec < 1000000000 ? "yes" : "NO");
	}
	/* A SCHED_RR thread has the fixed round-robin slice (100 ms by
	 * default), which the supervisor's threads do not: 0 is the guest. */
	struct sched_param sp = { .sched_priority = 1 };
	res("sched_setscheduler SCHED_RR", sched_setscheduler(0, SCHED_RR, &sp));
	memset(&ts, FILL, sizeof(ts));
	res("sched_rr_get_interval 0, SCHED_RR", syscall(SYS_sched_rr_get_interval, 0, &ts));
	dump("  interval", &ts, sizeof(ts));
	res("sched_rr_get_interval -1", syscall(SYS_sched_rr_get_interval, -1, &ts));
	res("sched_rr_get_interval no such thread", syscall(SYS_sched_rr_get_interval, 0x3ffffff0, &ts));
	res("sched_rr_get_interval no such thread, bad pointer",
	    syscall(SYS_sched_rr_get_interval, 0x3ffffff0, BAD_PTR));
	res("sched_rr_get_interval bad pointer", syscall(SYS_sched_rr_get_interval, 0, BAD_PTR));
	res("sched_rr_get_interval NULL", syscall(SYS_sched_rr_get_interval, 0, NULL));
}

/* ---- timerfd ---- */

struct its32 {
	struct ts32 interval, value;
};

/* The remaining time is not stable: its shape, and the interval exactly. */
static void show_its(const char *what, long r, const struct its32 *t, int32_t max_sec)
{
	res(what, r);
	if (r == 0)
		printf("  interval %d.%09d, value %s\n", t->interval.sec, t->interval.nsec,
		       t->value.sec == 0 && t->value.nsec == 0 ? "0 (disarmed)"
		       : t->value.sec >= 0 && t->value.sec <= max_sec && t->value.nsec >= 0 &&
				       t->value.nsec < 1000000000
			       ? "running, within the time set"
			       : "OUT OF RANGE");
}

static void timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct its32 set = { { 2, 500 }, { 100, 0 } }, old, cur;
	memset(&old, FILL, sizeof(old));
	memset(&cur, FILL, sizeof(cur));
	show_its("timerfd_gettime disarmed", syscall(SYS_timerfd_gettime, fd, &cur), &cur, 0);
	memset(&old, FILL, sizeof(old));
	show_its("timerfd_settime relative", syscall(SYS_timerfd_settime, fd, 0, &set, &old), &old, 0);
	show_its("timerfd_gettime", syscall(SYS_timerfd_gettime, fd, &cur), &cur, 100);
	set.value.sec = 50;
	memset(&old, FILL, sizeof(old));
	show_its("timerfd_settime again, old value", syscall(SYS_timerfd_settime, fd, 0, &set, &old),
		 &old, 100);
	res("timerfd_settime no old", syscall(SYS_timerfd_settime, fd, 0, &set, NULL));
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct its32 abs = { { 0, 0 }, { (int32_t)now.tv_sec + 30, 0 } };
	res("timerfd_settime absolute", syscall(SYS_timerfd_settime, fd, TFD_TIMER_ABSTIME, &abs, NULL));
	show_its("timerfd_gettime", syscall(SYS_timerfd_gettime, fd, &cur), &cur, 30);
	struct its32 fast = { { 0, 0 }, { 0, 1000000 } };
	res("timerfd_settime 1 ms", syscall(SYS_timerfd_settime, fd, 0, &fast, NULL));
	uint64_t n = 0;
	res("read the expiry", read(fd, &n, sizeof(n)));
	printf("  expirations %llu\n", (unsigned long long)n);
	show_its("timerfd_gettime expired", syscall(SYS_timerfd_gettime, fd, &cur), &cur, 0);

	struct its32 badns = { { 0, 0 }, { 1, 1000000000 } }, negs = { { 0, 0 }, { -1, 0 } };
	res("timerfd_settime nsec 1e9", syscall(SYS_timerfd_settime, fd, 0, &badns, NULL));
	res("timerfd_settime negative", syscall(SYS_timerfd_settime, fd, 0, &negs, NULL));
	res("timerfd_settime bad flags", syscall(SYS_timerfd_settime, fd, 0x100, &set, NULL));
	res("timerfd_settime bad new", syscall(SYS_timerfd_settime, fd, 0, BAD_PTR, NULL));
	res("timerfd_settime bad new, bad fd", syscall(SYS_timerfd_settime, 999, 0, BAD_PTR, NULL));
	res("timerfd_settime bad fd", syscall(SYS_timerfd_settime, 999, 0, &set, NULL));
	res("timerfd_settime not a timerfd", syscall(SYS_timerfd_settime, 0, 0, &set, NULL));
	res("timerfd_settime bad old", syscall(SYS_timerfd_settime, fd, 0, &set, BAD_PTR));
	show_its("  armed anyway", syscall(SYS_timerfd_gettime, fd, &cur), &cur, 100);
	res("timerfd_gettime bad pointer", syscall(SYS_timerfd_gettime, fd, BAD_PTR));
	res("timerfd_gettime bad fd", syscall(SYS_timerfd_gettime, 999, &cur));
	res("timerfd_gettime NULL", syscall(SYS_timerfd_gettime, fd, NULL));
	/* Set with 64-bit seconds (timerfd_settime64 is not trapped), read
	 * back through the old struct: the seconds truncated. */
	struct itimerspec64_ {
		int64_t isec, insec, vsec, vnsec;
	} huge = { 0x100000005LL, 7, 0x100000000LL + 1000, 0 };
	res("timerfd_settime64 interval 2^32 + 5 s", syscall(SYS_timerfd_settime64, fd, 0, &huge, NULL));
	memset(&cur, FILL, sizeof(cur));
	res("timerfd_gettime", syscall(SYS_timerfd_gettime, fd, &cur));
	printf("  interval %d.%09d\n", cur.interval.sec, cur.interval.nsec);
	close(fd);
}

/* Path calls run with the guest's credentials: without capabilities,
 * explicit times need the owner (EPERM), "now" write permission (EACCES),
 * and a mode 0 directory cannot be searched. Performed with the
 * supervisor's, all of these succeeded. */
static void creds(void)
{
	if (make_scratch() < 0)
		return;
	struct ts32 t[2] = { { 100000, 5 }, { 200000, 6 } };
	close(open("w", O_CREAT | O_WRONLY, 0666));
	res("chmod w 0666", chmod("w", 0666));
	res("chown f to 65534", chown("f", 65534, 65534));
	res("chown w to 65534", chown("w", 65534, 65534));
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
	res("drop every capability", syscall(SYS_capset, &h, none));
	TRY("utimensat another's file", "f", syscall(SYS_utimensat, AT_FDCWD, "f", t, 0));
	TRY("utimensat another's file, now", "f", syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0));
	TRY("utimensat another's writable file, now", "w",
	    syscall(SYS_utimensat, AT_FDCWD, "w", NULL, 0));
	TRY("utimensat another's writable file, times", "w",
	    syscall(SYS_utimensat, AT_FDCWD, "w", t, 0));
	struct tv32 tv[2] = { { 1, 2 }, { 3, 4 } };
	TRY("utimes another's file", "f", syscall(SYS_utimes, "f", tv));
	TRY("utime another's writable file, now", "w", syscall(SYS_utime, "w", NULL));
	res("chmod d 0", chmod("d", 0));
	res("utimensat inside a mode 0 directory", syscall(SYS_utimensat, AT_FDCWD, "d/a", t, 0));
	res("futimesat inside a mode 0 directory", syscall(SYS_futimesat, AT_FDCWD, "d/a", tv));
	res("chmod d 0755", chmod("d", 0755));
	unlink("w");
	drop_scratch();
}

/* Cases are few and wide: each costs two program starts, which a VM
 * makes slow. */
static void utimes_case(void)
{
	utimensat_calls();
	futimesat_calls();
	utime_calls();
}

/* rr_interval last: it makes the thread SCHED_RR. */
static void clocks_case(void)
{
	clocks();
	timerfd();
	rr_interval();
}

static const struct diff_case cases[] = {
	{ "utimes", utimes_case, "translated=utimensat,futimesat,utimes,utime" },
	{ "clocks", clocks_case,
	  "translated=gettimeofday,time,clock_getres,timerfd_settime,timerfd_gettime,"
	  "sched_rr_get_interval --keep-caps=sys_nice" },
	{ "creds", creds, "translated=utimensat,utimes,utime,futimesat --keep-caps=chown" },
};

DIFF_MAIN(cases)
