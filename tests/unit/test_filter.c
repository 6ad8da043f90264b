/* The guest's seccomp filter as the shipped default policy compiles it
 * (policy/compile.c): run through a small classic-BPF interpreter (the
 * subset seccomp allows) to check what it decides for a few calls of each
 * table, and that x32 and foreign architectures are killed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/compile.h"
#include "../../policy/policy.h"
#include "bpf_run.h"
#include "suites.h"

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#define X32_BIT 0x40000000u

static struct cb_policy pol;
static struct cb_plan *plan;
static struct sock_fprog prog;
static struct cb_err err;

static void setup(void)
{
	cb_policy_init(&pol);
	plan = calloc(1, sizeof(*plan));
	ck_assert_ptr_nonnull(plan);
	memset(&prog, 0, sizeof(prog));
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(cb_policy_load(&pol, "default", &err), 0);
}

static void teardown(void)
{
	cb_filter_free(&prog);
	cb_plan_free(plan);
	free(plan);
	cb_policy_free(&pol);
}

/* Run PROG over a seccomp_data for NR of AUDIT_ARCH; returns the action. */
static uint32_t run_bpf(uint32_t arch, uint32_t nr)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch, .instruction_pointer = 0x1000 };
	return cb_test_bpf_run(&prog, &d);
}

static void build(void)
{
	int rc = cb_plan_compile(plan, &pol, &err);
	ck_assert_msg(rc == 0, "cb_plan_compile: %d %s", rc, err.msg);
	rc = cb_plan_filter(plan, &prog, &err);
	ck_assert_msg(rc == 0, "cb_plan_filter: %d %s", rc, err.msg);
	ck_assert_ptr_nonnull(prog.filter);
	ck_assert_uint_gt(prog.len, 0);
	ck_assert_uint_le(prog.len, BPF_MAXINSNS);
}

#define X64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386
#define NOTIF SECCOMP_RET_USER_NOTIF
#define ALLOW SECCOMP_RET_ALLOW
#define KILL SECCOMP_RET_KILL_PROCESS
#define ENOSYS_RET (SECCOMP_RET_ERRNO | ENOSYS)

START_TEST(test_build_default)
{
	build();
	/* Every instruction is a valid opcode for seccomp and jumps stay inside. */
	for (unsigned i = 0; i < prog.len; i++) {
		const struct sock_filter *f = &prog.filter[i];
		if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA) {
			ck_assert_uint_lt(i + 1 + f->jt, prog.len);
			ck_assert_uint_lt(i + 1 + f->jf, prog.len);
		}
	}
	ck_assert_uint_eq(BPF_CLASS(prog.filter[prog.len - 1].code), BPF_RET);
}
END_TEST

START_TEST(test_free_resets)
{
	build();
	cb_filter_free(&prog);
	ck_assert_ptr_null(prog.filter);
	ck_assert_uint_eq(prog.len, 0);
	cb_filter_free(&prog); /* twice is harmless */
	ck_assert_ptr_null(prog.filter);
}
END_TEST

START_TEST(test_build_twice_same_program)
{
	build();
	struct sock_fprog again = { 0 };
	ck_assert_int_eq(cb_plan_filter(plan, &again, &err), 0);
	ck_assert_uint_eq(again.len, prog.len);
	ck_assert_int_eq(memcmp(again.filter, prog.filter, prog.len * sizeof(struct sock_filter)), 0);
	cb_filter_free(&again);
}
END_TEST

START_TEST(test_default_decisions)
{
	build();
	ck_assert_uint_eq(run_bpf(X64, 16), NOTIF);  /* ioctl */
	ck_assert_uint_eq(run_bpf(I386, 54), NOTIF); /* ioctl */
	ck_assert_uint_eq(run_bpf(X64, 54), ALLOW);  /* setsockopt */
	ck_assert_uint_eq(run_bpf(I386, 16), ALLOW); /* lchown */
	ck_assert_uint_eq(run_bpf(X64, 110), ALLOW); /* getppid */
	ck_assert_uint_eq(run_bpf(I386, 64), ALLOW);
	ck_assert_uint_eq(run_bpf(X64, 0), ALLOW);
	ck_assert_uint_eq(run_bpf(I386, 0), ALLOW);
	/* io_uring's operations run past the filter: ENOSYS on both tables. */
	ck_assert_uint_eq(run_bpf(X64, 425), ENOSYS_RET);  /* io_uring_setup */
	ck_assert_uint_eq(run_bpf(I386, 425), ENOSYS_RET);
	ck_assert_uint_eq(run_bpf(X64, 426), ENOSYS_RET);  /* io_uring_enter */
	ck_assert_uint_eq(run_bpf(I386, 427), ENOSYS_RET); /* io_uring_register */
}
END_TEST

START_TEST(test_other_abis_killed)
{
	build();
	ck_assert_uint_eq(run_bpf(X64, X32_BIT | 16), KILL); /* x32 ioctl */
	ck_assert_uint_eq(run_bpf(X64, X32_BIT | 110), KILL);
	ck_assert_uint_eq(run_bpf(X64, X32_BIT | 514), KILL); /* x32's own ioctl number */
	ck_assert_uint_eq(run_bpf(AUDIT_ARCH_AARCH64, 29), KILL);
	ck_assert_uint_eq(run_bpf(AUDIT_ARCH_ARM, 54), KILL);
	ck_assert_uint_eq(run_bpf(0, 16), KILL);
}
END_TEST

/* --trap adds names on both tables, by name: the numbers differ. */
START_TEST(test_extra_traps)
{
	ck_assert_int_eq(cb_policy_add_trap(&pol, "nanosleep,getppid,socketcall", &err), 0);
	build();
	ck_assert_uint_eq(run_bpf(X64, 35), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 162), NOTIF);
	ck_assert_uint_eq(run_bpf(X64, 110), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 64), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 102), NOTIF); /* socketcall */
	ck_assert_uint_eq(run_bpf(X64, 102), ALLOW);  /* getuid */
	ck_assert_uint_eq(run_bpf(X64, 16), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 54), NOTIF);
	ck_assert_uint_eq(run_bpf(X64, 39), ALLOW); /* getpid */
	ck_assert_uint_eq(run_bpf(I386, 20), ALLOW);
}
END_TEST

START_TEST(test_i386_direct_socket_trapped)
{
	ck_assert_int_eq(cb_policy_add_trap(&pol, "socket", &err), 0);
	build();
	ck_assert_uint_eq(run_bpf(X64, 41), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 359), NOTIF);
	ck_assert_uint_eq(run_bpf(I386, 360), ALLOW); /* socketpair */
	ck_assert_uint_eq(run_bpf(X64, 359), ALLOW);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_build_default);
	tcase_add_test(tc, test_free_resets);
	tcase_add_test(tc, test_build_twice_same_program);
	tcase_add_test(tc, test_default_decisions);
	tcase_add_test(tc, test_other_abis_killed);
	tcase_add_test(tc, test_extra_traps);
	tcase_add_test(tc, test_i386_direct_socket_trapped);
	suite_add_tcase(s, tc);
	return s;
}
