/* translate/: the translation rows and the pure parts of their
 * hooks (the differential harness, tests/diff, checks them against the
 * kernel end to end). */
#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../common/error.h"
#include "../../guest/creds.h"
#include "../../translate/xsys.h"
#include "../../translate/files/files.h"
#include "suites.h"

/* Every row names real syscalls and records, and its arguments agree. */
START_TEST(test_rows_check)
{
	struct cb_err err = { "" };
	ck_assert_msg(cb_xsys_check(&err) == 0, "%s", err.msg);
}
END_TEST

static void rewrite(const char *in, bool follow, const char *want)
{
	char out[64];
	int n = cb_xsys_proc_self(in, 1234, 1240, follow, out, sizeof(out));
	if (!want) {
		ck_assert_msg(n == 0, "%s: rewritten", in);
		return;
	}
	ck_assert_msg(n > 0, "%s: not rewritten (%d)", in, n);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(test_proc_self)
{
	rewrite("/proc/self/exe", false, "/proc/1234/exe");
	rewrite("/proc/self/fd/3", true, "/proc/1234/fd/3");
	rewrite("/proc/self", true, "/proc/1234");
	rewrite("/proc/self/", false, "/proc/1234/"); /* a trailing slash follows */
	rewrite("/proc/self", false, NULL);           /* lstat of the link itself */
	rewrite("/proc/thread-self/stat", true, "/proc/1234/task/1240/stat");
	rewrite("/proc/thread-self", true, "/proc/1234/task/1240");
	rewrite("/proc/selfish", true, NULL);
	rewrite("/proc/1/status", true, NULL);
	rewrite("/proc", true, NULL);
	rewrite("proc/self/exe", true, NULL); /* relative: not the guest's /proc */
	rewrite("", true, NULL);
	char small[12];
	ck_assert_int_eq(cb_xsys_proc_self("/proc/self/exe", 1234, 1, true, small, sizeof(small)),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(test_sysinfo_compat)
{
	/* Fits 32 bits: left as it is. */
	struct sysinfo s = { .totalram = 0xffffffffUL, .freeram = 7, .mem_unit = 1 };
	cb_xsys_sysinfo_compat(&s);
	ck_assert_uint_eq(s.totalram, 0xffffffffUL);
	ck_assert_uint_eq(s.mem_unit, 1);

	/* 25 GB in bytes: mem_unit becomes the page size, everything shrinks. */
	memset(&s, 0, sizeof(s));
	s.totalram = 25325268992UL;
	s.freeram = 24817754112UL;
	s.sharedram = 4096 * 3;
	s.bufferram = 4095;
	s.totalhigh = 8192;
	s.freehigh = 1 << 20;
	s.procs = 99;
	s.mem_unit = 1;
	cb_xsys_sysinfo_compat(&s);
	ck_assert_uint_eq(s.mem_unit, 4096);
	ck_assert_uint_eq(s.totalram, 25325268992UL >> 12);
	ck_assert_uint_eq(s.freeram, 24817754112UL >> 12);
	ck_assert_uint_eq(s.sharedram, 3);
	ck_assert_uint_eq(s.bufferram, 0);
	ck_assert_uint_eq(s.totalhigh, 2);
	ck_assert_uint_eq(s.freehigh, 256);
	ck_assert_uint_eq(s.procs, 99);

	/* Swap alone can trigger it; a mem_unit already large stays. */
	memset(&s, 0, sizeof(s));
	s.totalswap = 1UL << 40;
	s.mem_unit = 1024;
	cb_xsys_sysinfo_compat(&s);
	ck_assert_uint_eq(s.mem_unit, 4096);
	ck_assert_uint_eq(s.totalswap, 1UL << 38);
	memset(&s, 0, sizeof(s));
	s.totalram = 1UL << 40;
	s.mem_unit = 8192;
	cb_xsys_sysinfo_compat(&s);
	ck_assert_uint_eq(s.mem_unit, 8192);
	ck_assert_uint_eq(s.totalram, 1UL << 40); /* still too big: truncated later */
	/* mem_unit 0 never comes from the kernel; it must not loop. */
	s.mem_unit = 0;
	cb_xsys_sysinfo_compat(&s);
	ck_assert_uint_eq(s.mem_unit, 0);
}
END_TEST

START_TEST(test_creds_parse)
{
	static const char status[] =
		"Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t7\n"
		"Uid:\t1000\t1001\t1002\t1003\nGid:\t2000\t2001\t2002\t2003\n"
		"FDSize:\t64\nGroups:\t4 24 27 \nNStgid:\t7\n"
		"CapInh:\t0000000000000000\nCapPrm:\t00000000000000c0\n"
		"CapEff:\t0000000000000040\nCapBnd:\t000001ffffffffff\n";
	struct cb_creds c;
	ck_assert_int_eq(cb_creds_parse(status, &c), 0);
	ck_assert_uint_eq(c.fsuid, 1003); /* the fourth: fs ids */
	ck_assert_uint_eq(c.euid, 1001);  /* the second: what SysV IPC checks */
	ck_assert_uint_eq(c.fsgid, 2003);
	ck_assert_int_eq(c.ngroups, 3);
	ck_assert_uint_eq(c.groups[2], 27);
	ck_assert_uint_eq(c.cap_eff, 0x40);
	ck_assert_uint_eq(c.cap_prm, 0xc0);
	ck_assert_int_eq(cb_creds_parse("Uid:\t1\t1\t1\nGid:\t1\t1\t1\t1\n", &c), -EINVAL);
	ck_assert_int_eq(cb_creds_parse("Uid:\t1 1 1 1\nGid:\t1 1 1 1\nGroups:\n"
					"CapPrm:\t0\nCapEff:\t0\n", &c), 0);
	ck_assert_int_eq(c.ngroups, 0);
	/* More groups than are taken: the kernel must run such calls. */
	static char many[8192];
	strcpy(many, "Uid:\t0 0 0 0\nGid:\t0 0 0 0\nCapPrm:\t0\nCapEff:\t0\nGroups:\t");
	for (int i = 0; i < CB_CREDS_GROUPS + 1; i++)
		strcat(many, "5 ");
	strcat(many, "\n");
	ck_assert_int_eq(cb_creds_parse(many, &c), -E2BIG);
}
END_TEST

static uint64_t eff_now(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

static pthread_barrier_t assumed;

/* A thread takes other credentials and gives them back; the others keep
 * theirs meanwhile. */
static void *assume_thread(void *arg)
{
	(void)arg;
	struct cb_creds self, want, saved, now;
	ck_assert_int_eq(cb_creds_self(&self), 0);
	want = self;
	want.cap_eff = 0; /* a root guest without capabilities */
	bool ids = self.cap_prm & (1ULL << CAP_SETUID) && self.cap_prm & (1ULL << CAP_SETGID);
	if (ids) {
		want.fsuid = 4321;
		want.fsgid = 4322;
		want.ngroups = 1;
		want.groups[0] = 4323;
	}
	ck_assert(cb_creds_can_assume(&want, &self));
	saved = self;
	ck_assert_int_eq(cb_creds_assume(&want, &saved), 0);
	ck_assert_int_eq(cb_creds_self(&now), 0);
	ck_assert_uint_eq(now.cap_eff, 0);
	ck_assert_uint_eq(now.fsuid, want.fsuid);
	ck_assert_uint_eq(now.fsgid, want.fsgid);
	ck_assert_int_eq(now.ngroups, want.ngroups);
	ck_assert_uint_eq(eff_now(), 0);
	pthread_barrier_wait(&assumed); /* the main thread looks at its own */
	pthread_barrier_wait(&assumed);
	cb_creds_restore(&saved);
	ck_assert_int_eq(cb_creds_self(&now), 0);
	ck_assert_uint_eq(now.cap_eff, self.cap_eff);
	ck_assert_uint_eq(now.fsuid, self.fsuid);
	ck_assert_uint_eq(now.fsgid, self.fsgid);
	ck_assert_int_eq(now.ngroups, self.ngroups);
	return NULL;
}

START_TEST(test_creds_assume)
{
	struct cb_creds before, after;
	ck_assert_int_eq(cb_creds_self(&before), 0);
	pthread_t t;
	pthread_barrier_init(&assumed, NULL, 2);
	ck_assert_int_eq(pthread_create(&t, NULL, assume_thread, NULL), 0);
	pthread_barrier_wait(&assumed);
	/* That thread keeps its credentials to itself. */
	ck_assert_int_eq(cb_creds_self(&after), 0);
	pthread_barrier_wait(&assumed);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_barrier_destroy(&assumed);
	ck_assert_uint_eq(after.cap_eff, before.cap_eff);
	ck_assert_uint_eq(after.fsuid, before.fsuid);
	ck_assert_int_eq(after.ngroups, before.ngroups);

	/* And back: in this thread too. */
	struct cb_creds want = before, saved;
	want.cap_eff = 0;
	saved = before;
	ck_assert_int_eq(cb_creds_assume(&want, &saved), 0);
	ck_assert_uint_eq(eff_now(), 0);
	cb_creds_restore(&saved);
	/* Only the effective set changed: it comes back at cb_creds_settle,
	 * and a path call of the same credentials meanwhile takes it as is. */
	ck_assert_uint_eq(eff_now(), 0);
	ck_assert_int_eq(cb_creds_assume(&want, &saved), 0);
	ck_assert_uint_eq(eff_now(), 0);
	cb_creds_restore(&saved);
	cb_creds_settle();
	ck_assert_uint_eq(eff_now(), before.cap_eff);
	/* Other capabilities than those held take them, from the worker's
	 * own: never a mix of the two sets. */
	struct cb_creds some = before;
	some.cap_eff = before.cap_eff & (1ULL << CAP_CHOWN);
	ck_assert_int_eq(cb_creds_assume(&want, &saved), 0);
	cb_creds_restore(&saved);
	ck_assert_int_eq(cb_creds_assume(&some, &saved), 0);
	ck_assert_uint_eq(eff_now(), some.cap_eff);
	cb_creds_restore(&saved);
	cb_creds_settle();
	cb_creds_settle(); /* twice: nothing left */
	ck_assert_int_eq(cb_creds_self(&after), 0);
	ck_assert_uint_eq(after.cap_eff, before.cap_eff);
	ck_assert_uint_eq(after.fsuid, before.fsuid);
	ck_assert_uint_eq(after.fsgid, before.fsgid);
	ck_assert_int_eq(after.ngroups, before.ngroups);
	/* More than the permitted set is refused. */
	want.cap_eff = ~before.cap_prm & ((1ULL << 40) - 1);
	if (want.cap_eff)
		ck_assert(!cb_creds_can_assume(&want, &before));
}
END_TEST

Suite *xsys_suite(void)
{
	Suite *s = suite_create("xsys");
	TCase *tc = tcase_create("files");
	tcase_add_test(tc, test_rows_check);
	tcase_add_test(tc, test_proc_self);
	tcase_add_test(tc, test_sysinfo_compat);
	tcase_add_test(tc, test_creds_parse);
	tcase_add_test(tc, test_creds_assume);
	suite_add_tcase(s, tc);
	return s;
}
