/* abi/arch.c: guest ABIs and syscall numbering. */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "../../abi/arch.h"
#include "suites.h"

START_TEST(test_from_audit)
{
	ck_assert_int_eq(cb_arch_from_audit(AUDIT_ARCH_X86_64), CB_ARCH_X86_64);
	ck_assert_int_eq(cb_arch_from_audit(AUDIT_ARCH_I386), CB_ARCH_I386);
	ck_assert_int_eq(cb_arch_from_audit(0xc000003eu), CB_ARCH_X86_64);
	ck_assert_int_eq(cb_arch_from_audit(0x40000003u), CB_ARCH_I386);
	ck_assert_int_eq(cb_arch_from_audit(AUDIT_ARCH_AARCH64), CB_ARCH_UNKNOWN);
	ck_assert_int_eq(cb_arch_from_audit(AUDIT_ARCH_ARM), CB_ARCH_UNKNOWN);
	ck_assert_int_eq(cb_arch_from_audit(0), CB_ARCH_UNKNOWN);
	/* Without the 64-bit flag this is not x86_64 (the kernel uses it for nothing). */
	ck_assert_int_eq(cb_arch_from_audit(AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT),
			 CB_ARCH_UNKNOWN);
}
END_TEST

START_TEST(test_arch_names)
{
	ck_assert_str_eq(cb_arch_name(CB_ARCH_X86_64), "x86_64");
	ck_assert_str_eq(cb_arch_name(CB_ARCH_I386), "i386");
	ck_assert_str_eq(cb_arch_name(CB_ARCH_UNKNOWN), "unknown");
	ck_assert_str_eq(cb_arch_name(CB_ARCH_COUNT), "unknown");
	ck_assert_str_eq(cb_arch_name((enum cb_arch)77), "unknown");
}
END_TEST

START_TEST(test_arch_scmp)
{
	ck_assert_uint_eq(cb_arch_scmp(CB_ARCH_X86_64), SCMP_ARCH_X86_64);
	ck_assert_uint_eq(cb_arch_scmp(CB_ARCH_I386), SCMP_ARCH_X86);
	/* libseccomp's tokens are the audit arch values. */
	ck_assert_uint_eq(cb_arch_scmp(CB_ARCH_X86_64), AUDIT_ARCH_X86_64);
	ck_assert_uint_eq(cb_arch_scmp(CB_ARCH_I386), AUDIT_ARCH_I386);
}
END_TEST

START_TEST(test_syscall_nr_both)
{
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "ioctl"), 16);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "ioctl"), 54);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "nanosleep"), 35);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "nanosleep"), 162);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "getppid"), 110);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "getppid"), 64);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "read"), 0);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "restart_syscall"), 0);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "exit"), 1);
}
END_TEST

START_TEST(test_syscall_nr_one_abi_only)
{
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "socketcall"), -ENOSYS);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "socketcall"), 102);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "vm86"), -ENOSYS);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "vm86"), 166);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "tuxcall"), 184);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "tuxcall"), -ENOSYS);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "newfstatat"), 262);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "newfstatat"), -ENOSYS);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "fstatat64"), 300);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "fstatat64"), -ENOSYS);
	/* i386 has accept only through socketcall. */
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "accept"), 43);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "accept"), -ENOSYS);
}
END_TEST

START_TEST(test_syscall_nr_i386_socket_ipc)
{
	/* i386 got direct socket and SysV IPC calls in Linux 4.3 (recvmmsg and
	 * sendmmsg earlier); libseccomp names them by pseudo-numbers, but the
	 * guest calls them by these numbers. */
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "socket"), 359);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "connect"), 362);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "accept4"), 364);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "recvmmsg"), 337);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "sendmmsg"), 345);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "shmget"), 395);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "msgctl"), 402);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "socket"), 41);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "shmget"), 29);
	/* i386's ipc multiplexer has no x86_64 counterpart. */
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_I386, "ipc"), 117);
	ck_assert_int_eq(cb_syscall_nr(CB_ARCH_X86_64, "ipc"), -ENOSYS);
}
END_TEST

START_TEST(test_syscall_nr_unknown)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		ck_assert_int_eq(cb_syscall_nr(a, "no_such_syscall"), -ENOSYS);
		ck_assert_int_eq(cb_syscall_nr(a, ""), -ENOSYS);
		ck_assert_int_eq(cb_syscall_nr(a, "IOCTL"), -ENOSYS);
	}
}
END_TEST

START_TEST(test_syscall_name)
{
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_X86_64, 16), "ioctl");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_I386, 54), "ioctl");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_X86_64, 54), "setsockopt");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_I386, 16), "lchown");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_I386, 102), "socketcall");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_X86_64, 102), "getuid");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_I386, 359), "socket");
}
END_TEST

START_TEST(test_syscall_name_out_of_range)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		ck_assert_ptr_null(cb_syscall_name(a, -1));
		ck_assert_ptr_null(cb_syscall_name(a, 1024));
		ck_assert_ptr_null(cb_syscall_name(a, 1000)); /* in range, unassigned */
		ck_assert_ptr_null(cb_syscall_name(a, 0x40000000));
	}
	ck_assert_ptr_null(cb_syscall_name(CB_ARCH_UNKNOWN, 16));
	ck_assert_ptr_null(cb_syscall_name(CB_ARCH_COUNT, 16));
}
END_TEST

START_TEST(test_syscall_name_interned)
{
	const char *a = cb_syscall_name(CB_ARCH_X86_64, 35);
	const char *b = cb_syscall_name(CB_ARCH_X86_64, 35);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_str_eq(a, "nanosleep");
	ck_assert_str_eq(cb_syscall_name(CB_ARCH_I386, 162), "nanosleep");
}
END_TEST

/* The tables are made at build time: they must say what the libseccomp
 * compatbox runs with says, number by number and name by name. */
START_TEST(test_syscall_tables_match_libseccomp)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < 1024; nr++) {
			char *live = seccomp_syscall_resolve_num_arch(cb_arch_scmp(a), nr);
			const char *ours = cb_syscall_name(a, nr);
			if (!live) {
				ck_assert_ptr_null(ours);
				continue;
			}
			ck_assert_ptr_nonnull(ours);
			ck_assert_str_eq(ours, live);
			ck_assert_int_eq(cb_syscall_rule_nr(a, nr), seccomp_syscall_resolve_name(live));
			free(live);
		}
	ck_assert_int_eq(cb_syscall_rule_nr(CB_ARCH_I386, 54), 16); /* ioctl: x86_64's number */
	ck_assert_int_lt(cb_syscall_rule_nr(CB_ARCH_I386, 102), 0); /* socketcall: a pseudo-number */
	ck_assert_int_ne(cb_syscall_rule_nr(CB_ARCH_I386, 102), __NR_SCMP_ERROR);
	ck_assert_int_eq(cb_syscall_rule_nr(CB_ARCH_X86_64, 1000), __NR_SCMP_ERROR);
}
END_TEST

START_TEST(test_syscall_round_trip)
{
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		int named = 0;
		for (int nr = 0; nr < 1024; nr++) {
			const char *n = cb_syscall_name(a, nr);
			if (!n)
				continue;
			named++;
			ck_assert_msg(cb_syscall_nr(a, n) == nr, "%s: %s is %d, not %d",
				      cb_arch_name(a), n, cb_syscall_nr(a, n), nr);
		}
		ck_assert_int_gt(named, 300); /* both ABIs have well over 300 calls */
	}
}
END_TEST

START_TEST(test_arg_narrowing)
{
	ck_assert_uint_eq(cb_arg(CB_ARCH_I386, 0xffffffff80001234ull), 0x80001234u);
	ck_assert_uint_eq(cb_arg(CB_ARCH_I386, UINT64_MAX), 0xffffffffu);
	ck_assert_uint_eq(cb_arg(CB_ARCH_I386, 0x100000000ull), 0);
	ck_assert_uint_eq(cb_arg(CB_ARCH_I386, 7), 7);
	ck_assert_uint_eq(cb_arg(CB_ARCH_X86_64, 0xffffffff80001234ull), 0xffffffff80001234ull);
	ck_assert_uint_eq(cb_arg(CB_ARCH_X86_64, UINT64_MAX), UINT64_MAX);
	ck_assert_uint_eq(cb_arg(CB_ARCH_UNKNOWN, 0x100000000ull), 0x100000000ull);
}
END_TEST

Suite *arch_suite(void)
{
	Suite *s = suite_create("arch");
	TCase *tc = tcase_create("arch");
	tcase_add_test(tc, test_from_audit);
	tcase_add_test(tc, test_arch_names);
	tcase_add_test(tc, test_arch_scmp);
	tcase_add_test(tc, test_arg_narrowing);
	suite_add_tcase(s, tc);

	tc = tcase_create("syscall");
	tcase_add_test(tc, test_syscall_nr_both);
	tcase_add_test(tc, test_syscall_nr_one_abi_only);
	tcase_add_test(tc, test_syscall_nr_i386_socket_ipc);
	tcase_add_test(tc, test_syscall_nr_unknown);
	tcase_add_test(tc, test_syscall_name);
	tcase_add_test(tc, test_syscall_name_out_of_range);
	tcase_add_test(tc, test_syscall_name_interned);
	tcase_add_test(tc, test_syscall_tables_match_libseccomp);
	tcase_add_test(tc, test_syscall_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
