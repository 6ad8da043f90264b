/* policy/: the language, its errors, the compiler (run through a BPF
 * interpreter), the matchers, the shipped policies. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../policy/compile.h"
#include "../../policy/glob.h"
#include "../../policy/groups.h"
#include "../../policy/match_ioctl.h"
#include "../../policy/match_path.h"
#include "../../policy/shipped.h"
#include "../../translate/xsys.h"
#include "bpf_run.h"
#include "suites.h"

#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif

static struct cb_policy pol;
static struct cb_plan *plan;
static struct cb_err err;

static void setup(void)
{
	cb_policy_init(&pol);
	plan = calloc(1, sizeof(*plan));
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	cb_plan_free(plan);
	free(plan);
	cb_policy_free(&pol);
}

static void parse_ok(const char *text)
{
	int rc = cb_policy_parse(&pol, "p", text, &err);
	ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
}

static void compile_ok(const char *text)
{
	parse_ok(text);
	int rc = cb_plan_compile(plan, &pol, &err);
	ck_assert_msg(rc == 0, "compile failed: %s", err.msg);
}

static uint32_t run(uint32_t arch, const char *name, uint64_t a0, uint64_t a1)
{
	struct sock_fprog prog;
	enum cb_arch ca = arch == AUDIT_ARCH_I386 ? CB_ARCH_I386 : CB_ARCH_X86_64;
	ck_assert_int_eq(cb_plan_filter(plan, &prog, &err), 0);
	struct seccomp_data d = { .nr = cb_syscall_nr(ca, name), .arch = arch,
				  .args = { a0, a1 } };
	uint32_t r = cb_test_bpf_run(&prog, &d);
	cb_filter_free(&prog);
	return r;
}

#define X64 AUDIT_ARCH_X86_64
#define I386 AUDIT_ARCH_I386
#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

START_TEST(test_parse_everything)
{
	parse_ok("# a comment\n"
		 "default deny EACCES\n"
		 "ioctl default log   # trailing comment\n"
		 "path default allow\n"
		 "allow read, write,\n"
		 "      close\n"
		 "allow [i386] stat64\n"
		 "deny ENOSYS clone3\n"
		 "kill thread @module\n"
		 "allow socket if arg0 == AF_UNIX && arg1 & SOCK_STREAM == SOCK_STREAM\n"
		 "perform openat if arg2 & O_CREAT|O_TMPFILE == 0\n"
		 "ioctl deny TIOCSTI, TIOCLINUX\n"
		 "ioctl allow type 'V' dir read size 8 on /dev/video*\n"
		 "ioctl allow family drm on char 226\n"
		 "ioctl log on socket\n"
		 "ioctl translate [i386] FS_IOC_GETFLAGS\n"
		 "path deny /etc/shadow, \"/home/*/.ssh/**\"\n");
	ck_assert_int_eq(pol.def.kind, CB_ACT_DENY);
	ck_assert_int_eq(pol.def.errnum, EACCES);
	ck_assert_int_eq(pol.ioctl_def.kind, CB_ACT_LOG);
	/* read write close stat64 clone3, 3 module calls, socket, openat */
	ck_assert_int_eq(pol.ns, 10);
	ck_assert_str_eq(pol.s[2].name, "close");
	ck_assert_int_eq(pol.s[2].loc.line, 6);
	ck_assert_int_eq(pol.s[2].loc.col, 7);
	ck_assert_int_eq(pol.s[3].nr[CB_ARCH_X86_64], -1);
	ck_assert_int_eq(pol.s[3].nr[CB_ARCH_I386], 195);
	ck_assert_int_eq(pol.s[5].act.kind, CB_ACT_KILL_THREAD);
	ck_assert_int_eq(pol.s[8].ncond, 2);
	ck_assert_int_eq(pol.s[8].cond[1].op, CB_CMP_MASKED_EQ);
	ck_assert_uint_eq(pol.s[9].cond[0].mask, O_CREAT | O_TMPFILE);
	ck_assert_int_eq(pol.ni, 6);
	ck_assert_uint_eq(pol.i[0].req.value, TIOCSTI);
	ck_assert_uint_eq(pol.i[2].req.mask, 0xffffff00u);
	ck_assert_uint_eq(pol.i[2].req.value, 0x80085600u);
	ck_assert_int_eq(pol.i[2].target.kind, CB_T_GLOB);
	ck_assert_int_eq(pol.i[3].target.major, 226);
	ck_assert_int_eq(pol.i[3].target.minor, -1);
	ck_assert(pol.i[5].req.per_abi);
	ck_assert_uint_eq(pol.i[5].req.value_abi[CB_ARCH_I386], 0x80046601u);
	ck_assert_uint_eq(pol.i[5].req.value_abi[CB_ARCH_X86_64], 0x80086601u);
	ck_assert_int_eq(pol.np, 2);
	ck_assert_str_eq(pol.p[1].glob, "/home/*/.ssh/**");
}
END_TEST

/* Every malformed input: FILE:LINE:COL, what was expected, what was found. */
static const struct {
	const char *text, *msg;
} bad[] = {
	{ "alow read\n", "p:1:1: expected a statement: an action (allow, deny [ERRNO], kill "
			 "[thread|process], trap, log, perform, translate) followed by syscalls, "
			 "'ioctl', 'path', 'default' or 'include', found 'alow'" },
	{ "allow opne\n", "p:1:7: unknown syscall 'opne' (not a syscall of x86_64 or i386; names "
			  "as in syscalls(2)); did you mean 'open'?" },
	{ "allow [x86_64] stat64\n", "p:1:16: syscall 'stat64' does not exist on the ABI named in [...]" },
	{ "deny EFOO read\n", "p:1:6: unknown errno name 'EFOO'" },
	{ "deny 5000 read\n", "p:1:6: expected a syscall name (as in syscalls(2)) or @group, found '5000'" },
	{ "allow read if arg9 == 1\n", "p:1:15: expected an argument, arg0 to arg5, found 'arg9'" },
	{ "allow read if arg0 =< 1\n", "p:1:20: '=': unexpected character (expected a comparison (==, !=, <, <=, >, >= or & MASK ==))" },
	{ "allow read if arg0 & 1 == 2\n", "p:1:27: the value has bits outside the mask: never true" },
	{ "allow read if arg0 == O_FROB\n", "p:1:23: unknown constant 'O_FROB'" },
	{ "allow read write\n", "p:1:12: expected the end of the line (one statement per line; "
			       "lists are separated by ','), found 'write'" },
	{ "allow [arm] read\n", "p:1:8: expected an ABI (x86_64 or i386), found 'arm'" },
	{ "allow @nope\n", "p:1:7: unknown group '@nope'" },
	{ "allow\n", "p:1:6: expected a syscall name (as in syscalls(2)) or @group, found the end of the line" },
	{ "ioctl deny TIOCFOO\n", "p:1:12: unknown ioctl request 'TIOCFOO'" },
	{ "ioctl deny 0x100000000\n", "p:1:12: an ioctl request is 32 bits" },
	{ "ioctl deny type 'V' type 'd'\n", "p:1:21: type given twice" },
	{ "ioctl deny type 'VV'\n", "p:1:17: ''': a character is one letter in single quotes" },
	{ "ioctl allow on sockt\n", "p:1:16: expected what the fd refers to" },
	{ "ioctl allow family nope\n", "p:1:20: expected a family of requests (tty, fs," },
	{ "ioctl frob\n", "p:1:7: expected 'default' or an action, as in 'ioctl deny TIOCSTI', found 'frob'" },
	{ "path deny etc/shadow\n", "p:1:11: expected an absolute path or glob" },
	{ "path trap /x\n", "p:1:6: a path rule allows, denies, kills or logs" },
	{ "default allow\ndefault deny\n", "p:2:1: a second default here; the first is at p:1:1" },
	{ "default\n", "p:1:8: expected an action" },
	{ "include \"/nonexistent/x.policy\"\n", "p:1:9: cannot include '/nonexistent/x.policy': No such file" },
	{ "include \"unterminated\n", "p:1:9: '\"unterminated': string not closed before the end of the line" },
	{ "allow read if arg0 == 0x1g\n", "p:1:23: '0x1g': not a number" },
	{ "allow read if arg0 == 99999999999999999999999\n", "p:1:23: '99999999999999999999999': number does not fit in 64 bits" },
	{ "allow read ~\n", "p:1:12: '~': unexpected character" },
};

START_TEST(test_parse_errors)
{
	const char *text = bad[_i].text, *want = bad[_i].msg;
	struct cb_policy p;
	cb_policy_init(&p);
	int rc = cb_policy_parse(&p, "p", text, &err);
	ck_assert_msg(rc == -EINVAL || rc == -ENOENT, "'%s' parsed (rc %d)", text, rc);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "for '%s'\n got: %s\nwant: %s", text,
		      err.msg, want);
	cb_policy_free(&p);
}
END_TEST

START_TEST(test_include)
{
	char dir[] = "/tmp/cbpolXXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char a[64], b[64];
	snprintf(a, sizeof(a), "%s/a.policy", dir);
	snprintf(b, sizeof(b), "%s/b.policy", dir);
	FILE *f = fopen(b, "w");
	fputs("default deny\nallow read\nallow [i386] frob\n", f);
	fclose(f);
	f = fopen(a, "w");
	fputs("default allow EPERM\ninclude \"b.policy\"\n", f);
	fclose(f);
	/* "allow EPERM": EPERM is not a syscall; the error is in the file
	 * and line where it is. */
	int rc = cb_policy_load(&pol, a, &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(err.msg, "a.policy:1:15: expected the end of the line"), "%s", err.msg);
	f = fopen(a, "w");
	fputs("default allow\ninclude \"b.policy\"\ninclude strict\n", f);
	fclose(f);
	cb_policy_free(&pol);
	cb_policy_init(&pol);
	rc = cb_policy_load(&pol, a, &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(err.msg, "b.policy:3:14: unknown syscall 'frob'"), "%s", err.msg);
	f = fopen(b, "w");
	fputs("default deny\nallow read\n", f);
	fclose(f);
	cb_policy_free(&pol);
	cb_policy_init(&pol);
	rc = cb_policy_load(&pol, a, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	/* The including file's default wins over the included ones'. */
	ck_assert_int_eq(pol.def.kind, CB_ACT_ALLOW);
	ck_assert_str_eq(pol.s[0].name, "read");
	ck_assert_msg(strstr(pol.s[0].loc.file, "b.policy"), "%s", pol.s[0].loc.file);
	ck_assert_int_gt(pol.ns, 50); /* strict's rules came in */
	/* A file that includes itself is stopped. */
	f = fopen(b, "w");
	fputs("include \"b.policy\"\n", f);
	fclose(f);
	cb_policy_free(&pol);
	cb_policy_init(&pol);
	rc = cb_policy_load(&pol, b, &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(err.msg, "includes nested deeper than 8"), "%s", err.msg);
	unlink(a);
	unlink(b);
	rmdir(dir);
}
END_TEST

START_TEST(test_load_errors)
{
	int rc = cb_policy_load(&pol, "no-such-policy", &err);
	ck_assert_int_eq(rc, -ENOENT);
	ck_assert_str_eq(err.msg, "no policy file 'no-such-policy' and no shipped policy of that name "
				  "(shipped: default, audit, translate, strict)");
	rc = cb_policy_load(&pol, "/", &err);
	ck_assert_int_eq(rc, -EISDIR);
	char path[] = "/tmp/cbnulXXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_eq(write(fd, "allow read\0\n", 12), 12);
	close(fd);
	rc = cb_policy_load(&pol, path, &err);
	ck_assert_int_eq(rc, -EILSEQ);
	ck_assert_msg(strstr(err.msg, "it contains a NUL byte"), "%s", err.msg);
	unlink(path);
}
END_TEST

START_TEST(test_compile_allow_list)
{
	compile_ok("default deny EPERM\nallow read, write\nallow [i386] stat64\nkill process ptrace\n");
	ck_assert_uint_eq(run(X64, "read", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "read", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(X64, "getpid", 0, 0), ERRNO(EPERM));
	ck_assert_uint_eq(run(I386, "stat64", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "ptrace", 0, 0), SECCOMP_RET_KILL_PROCESS);
	/* Nothing needs the supervisor. */
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (int nr = 0; nr < CB_NR_MAX; nr++)
			ck_assert(!plan->notify.trap[a][nr]);
	/* x32 and other ABIs are killed, as before policies. */
	struct sock_fprog prog;
	ck_assert_int_eq(cb_plan_filter(plan, &prog, &err), 0);
	struct seccomp_data d = { .nr = 0x40000000 | 0, .arch = X64 };
	ck_assert_uint_eq(cb_test_bpf_run(&prog, &d), SECCOMP_RET_KILL_PROCESS);
	d = (struct seccomp_data){ .nr = 0, .arch = AUDIT_ARCH_AARCH64 };
	ck_assert_uint_eq(cb_test_bpf_run(&prog, &d), SECCOMP_RET_KILL_PROCESS);
	cb_filter_free(&prog);
}
END_TEST

/* CVE-2019-10063: the kernel reads an ioctl request as 32 bits, so a
 * decision on the full 64-bit register could be walked around. */
START_TEST(test_compile_ioctl_32_bits)
{
	compile_ok("default allow\nioctl deny TIOCSTI\nioctl default allow\n");
	ck_assert(plan->sys[CB_ARCH_X86_64][16].in_bpf);
	ck_assert_uint_eq(run(X64, "ioctl", 0, TIOCSTI), ERRNO(EPERM));
	ck_assert_uint_eq(run(X64, "ioctl", 0, TIOCSTI | 1ULL << 32), ERRNO(EPERM));
	ck_assert_uint_eq(run(X64, "ioctl", 0, 0xffffffff00000000ULL | TIOCSTI), ERRNO(EPERM));
	ck_assert_uint_eq(run(X64, "ioctl", 0, TCGETS), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "ioctl", 0, TIOCSTI), ERRNO(EPERM));
	ck_assert_uint_eq(run(I386, "ioctl", 0, TCGETS), SECCOMP_RET_ALLOW);
	/* And the supervisor's own comparison agrees. */
	uint64_t args[6] = { 0, TIOCSTI | 1ULL << 32 };
	struct cb_cond c = { .arg = 1, .op = CB_CMP_EQ, .value = TIOCSTI };
	ck_assert(cb_cond_holds(&c, CB_ARCH_X86_64, 16, args));
	ck_assert(!cb_cond_holds(&c, CB_ARCH_X86_64, 0, args)); /* read's arg1 is 64 bits */
}
END_TEST

START_TEST(test_compile_type_letter)
{
	compile_ok("default allow\nioctl deny type 'V'\nioctl allow\n");
	ck_assert_uint_eq(run(X64, "ioctl", 0, 0x80085601), ERRNO(EPERM)); /* _IOR('V', 1, 8) */
	ck_assert_uint_eq(run(X64, "ioctl", 0, 0x5401), SECCOMP_RET_ALLOW);
	ck_assert_int_eq(plan->nwarnings, 0);
}
END_TEST

/* libseccomp has no rule order: what it cannot say goes to the supervisor. */
START_TEST(test_compile_order_needs_supervisor)
{
	compile_ok("default deny\n"
		   "deny EACCES openat if arg2 & O_CREAT == O_CREAT\n"
		   "allow openat\n"
		   "allow socket if arg0 == AF_UNIX\n"
		   "deny EAFNOSUPPORT socket if arg0 == AF_INET\n"
		   "allow mmap if arg2 & PROT_EXEC == 0\n"
		   "kill mmap if arg3 & MAP_SHARED == MAP_SHARED\n");
	const struct cb_sysplan *o = &plan->sys[CB_ARCH_X86_64][cb_syscall_nr(CB_ARCH_X86_64, "openat")];
	ck_assert(!o->in_bpf); /* "otherwise allow" against the default deny */
	ck_assert(plan->notify.trap[CB_ARCH_X86_64][cb_syscall_nr(CB_ARCH_X86_64, "openat")]);
	ck_assert_uint_eq(run(X64, "openat", 0, 0), SECCOMP_RET_USER_NOTIF);
	/* == on one argument with other values cannot overlap: BPF. */
	ck_assert(plan->sys[CB_ARCH_X86_64][41].in_bpf);
	ck_assert_uint_eq(run(X64, "socket", AF_UNIX, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(X64, "socket", AF_INET, 0), ERRNO(EAFNOSUPPORT));
	ck_assert_uint_eq(run(X64, "socket", AF_NETLINK, 0), ERRNO(EPERM));
	/* Masks that can both hold, other actions: the supervisor. */
	ck_assert(!plan->sys[CB_ARCH_X86_64][9].in_bpf);

	/* The supervisor's evaluation, in order. */
	struct cb_action act;
	const struct cb_srule *rule;
	uint64_t args[6] = { 0, 0, O_CREAT | O_RDWR };
	cb_plan_decide(plan, CB_ARCH_X86_64, 257, args, &act, &rule);
	ck_assert_int_eq(act.kind, CB_ACT_DENY);
	ck_assert_int_eq(act.errnum, EACCES);
	ck_assert_int_eq(rule->loc.line, 2);
	args[2] = O_RDONLY;
	cb_plan_decide(plan, CB_ARCH_X86_64, 257, args, &act, &rule);
	ck_assert_int_eq(act.kind, CB_ACT_ALLOW);
	uint64_t m[6] = { 0, 4096, PROT_READ | PROT_EXEC, MAP_SHARED };
	cb_plan_decide(plan, CB_ARCH_X86_64, 9, m, &act, &rule);
	ck_assert_int_eq(act.kind, CB_ACT_KILL_PROCESS);
	m[2] = PROT_READ;
	cb_plan_decide(plan, CB_ARCH_X86_64, 9, m, &act, &rule);
	ck_assert_int_eq(act.kind, CB_ACT_ALLOW); /* first match */
}
END_TEST

/* Whatever goes into BPF means what the supervisor's evaluation means. */
START_TEST(test_bpf_agrees_with_supervisor)
{
	compile_ok("default deny EPERM\n"
		   "allow write if arg0 == 1\nallow write if arg0 == 2\n"
		   "deny EBADF write if arg0 == 5\n"
		   "allow fcntl if arg1 < 5\n"
		   "allow lseek if arg2 != 1\n"
		   "allow prctl if arg0 & 0xff == 0x0f && arg1 >= 2\n"
		   "ioctl allow TCGETS, TIOCGWINSZ\nioctl deny ENOTTY type 'T' nr 0x12\n"
		   "ioctl deny EPERM family fs\n");
	const char *names[] = { "write", "fcntl", "lseek", "prctl", "ioctl" };
	unsigned seed = 42;
	struct sock_fprog prog;
	ck_assert_int_eq(cb_plan_filter(plan, &prog, &err), 0);
	for (int a = 0; a < CB_ARCH_COUNT; a++)
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			int nr = cb_syscall_nr(a, names[k]);
			ck_assert_msg(plan->sys[a][nr].in_bpf, "%s on %s", names[k], cb_arch_name(a));
			for (int t = 0; t < 400; t++) {
				uint64_t args[6];
				for (int i = 0; i < 6; i++) {
					uint64_t r = (uint64_t)rand_r(&seed);
					/* Small values, near the rules', and large ones. */
					args[i] = t % 3 == 0 ? r % 8 : t % 3 == 1 ? (0x5400 | (r & 0x1f)) | ((r & 1) << 32)
							 : r << 31 | r;
					if (a == CB_ARCH_I386)
						args[i] = (uint32_t)args[i];
				}
				struct seccomp_data d = { .nr = nr, .arch = a == CB_ARCH_I386 ? I386 : X64 };
				memcpy(d.args, args, sizeof(args));
				uint32_t got = cb_test_bpf_run(&prog, &d);
				struct cb_action act;
				const struct cb_srule *rule;
				if (cb_plan_decide(plan, a, nr, args, &act, &rule) == CB_LAYER_IOCTL) {
					bool looked;
					const struct cb_irule *ir = cb_ioctl_match(&pol, a, (uint32_t)args[1], NULL, &looked);
					if (ir)
						act = ir->act;
				}
				uint32_t want = act.kind == CB_ACT_ALLOW ? SECCOMP_RET_ALLOW : ERRNO(act.errnum);
				ck_assert_msg(got == want, "%s on %s args %llx %llx %llx: BPF 0x%x, supervisor 0x%x",
					      names[k], cb_arch_name(a), (unsigned long long)args[0],
					      (unsigned long long)args[1], (unsigned long long)args[2], got, want);
			}
		}
	cb_filter_free(&prog);
}
END_TEST

START_TEST(test_warnings)
{
	compile_ok("default deny\nallow read\ndeny read\nallow write if arg0 == 1\n"
		   "ioctl allow type 'T'\nioctl deny TIOCSTI\n"
		   "path deny /etc/**\npath allow /etc/passwd\n");
	ck_assert_int_eq(plan->nwarnings, 3);
	ck_assert_str_eq(plan->warnings[0], "p:3:6: warning: rule for read never applies: the rule "
					    "at p:2:7 decides every call first");
	ck_assert_str_eq(plan->warnings[1], "p:6:12: warning: ioctl rule never applies: the rule at "
					    "p:5:13 matches everything it does first");
	ck_assert_str_eq(plan->warnings[2], "p:8:12: warning: path rule never applies: the rule at "
					    "p:7:11 matches every path it does first");
	cb_plan_free(plan);
	cb_policy_free(&pol);
	cb_policy_init(&pol);
	compile_ok("default allow\nallow read\n");
	ck_assert_int_eq(plan->nwarnings, 1);
	ck_assert_str_eq(plan->warnings[0], "p:2:7: warning: rule for read has no effect: the "
					    "default (p:1:1) does the same");
}
END_TEST

START_TEST(test_notify_and_layers)
{
	compile_ok("default allow\nperform getppid\nioctl allow on /dev/tty*\nioctl default deny\n"
		   "path deny /etc/shadow\n");
	ck_assert(plan->notify.trap[CB_ARCH_X86_64][110]);
	ck_assert(plan->notify.trap[CB_ARCH_I386][64]);
	ck_assert(!plan->notify.trap[CB_ARCH_X86_64][0]);
	ck_assert_uint_eq(run(X64, "getppid", 0, 0), SECCOMP_RET_USER_NOTIF);
	/* A rule on what the fd is: every ioctl goes to the supervisor. */
	ck_assert_int_eq(plan->sys[CB_ARCH_X86_64][16].layer, CB_LAYER_IOCTL);
	ck_assert_uint_eq(run(X64, "ioctl", 0, TIOCSTI), SECCOMP_RET_USER_NOTIF);
	/* Path rules: every path call. */
	int openat = cb_syscall_nr(CB_ARCH_X86_64, "openat");
	ck_assert_int_eq(plan->sys[CB_ARCH_X86_64][openat].layer, CB_LAYER_PATH);
	ck_assert_int_eq(plan->sys[CB_ARCH_I386][cb_syscall_nr(CB_ARCH_I386, "stat64")].layer, CB_LAYER_PATH);
	ck_assert_uint_eq(run(X64, "openat", 0, 0), SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(run(X64, "execve", 0, 0), SECCOMP_RET_ALLOW);
}
END_TEST

START_TEST(test_glob)
{
	static const struct { const char *g, *s; bool m; } cases[] = {
		{ "/dev/tty*", "/dev/tty1", true },   { "/dev/tty*", "/dev/tty", true },
		{ "/dev/tty*", "/dev/pts/1", false }, { "/dev/*", "/dev/pts/1", false },
		{ "/dev/**", "/dev/pts/1", true },    { "/home/*/.ssh/**", "/home/a/.ssh/id", true },
		{ "/home/*/.ssh/**", "/home/a/b/.ssh/id", false }, { "/a/**/z", "/a/z", true },
		{ "/a/**/z", "/a/b/c/z", true },      { "/dev/tty[0-9]", "/dev/tty5", true },
		{ "/dev/tty[0-9]", "/dev/ttyS", false }, { "/dev/tty[!0-9]", "/dev/ttyS", true },
		{ "/x?", "/xy", true },                { "/x?", "/x/", false },
		{ "/etc/shadow", "/etc/shadow", true }, { "/etc/shadow", "/etc/shadow-", false },
		{ "/a[b", "/a[b", true },              { "/a\\*", "/a*", true }, { "/a\\*", "/ab", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(cb_glob_match(cases[i].g, cases[i].s) == cases[i].m, "%s vs %s", cases[i].g,
			      cases[i].s);
}
END_TEST

START_TEST(test_ioctl_match)
{
	parse_ok("ioctl deny TIOCSTI\nioctl allow type 'd' on char 226\n"
		 "ioctl perform on /dev/pts/*\nioctl log on socket\nioctl deny ENOTTY on pipe\n");
	struct cb_fdinfo pts = { .mode = S_IFCHR | 0620, .major = 136, .minor = 1, .path = "/dev/pts/1" };
	struct cb_fdinfo dri = { .mode = S_IFCHR | 0660, .major = 226, .minor = 0, .path = "/dev/dri/card0" };
	struct cb_fdinfo sock = { .mode = S_IFSOCK, .path = "socket:[1]" };
	struct cb_fdinfo pipe = { .mode = S_IFIFO, .path = "pipe:[2]" };
	bool looked;
	ck_assert_ptr_eq(cb_ioctl_match(&pol, CB_ARCH_X86_64, TIOCSTI, &pts, &looked), &pol.i[0]);
	ck_assert(!looked); /* decided on the request alone */
	ck_assert_ptr_eq(cb_ioctl_match(&pol, CB_ARCH_I386, 0xc0106400u, &dri, &looked), &pol.i[1]);
	ck_assert(looked);
	ck_assert_ptr_eq(cb_ioctl_match(&pol, CB_ARCH_I386, 0xc0106400u, &pts, &looked), &pol.i[2]);
	ck_assert_ptr_eq(cb_ioctl_match(&pol, CB_ARCH_X86_64, TCGETS, &sock, &looked), &pol.i[3]);
	ck_assert_ptr_eq(cb_ioctl_match(&pol, CB_ARCH_X86_64, FIONREAD, &pipe, &looked), &pol.i[4]);
	ck_assert_ptr_null(cb_ioctl_match(&pol, CB_ARCH_X86_64, FIONREAD, &dri, &looked));
	/* An fd nobody could look at matches no target rule. */
	ck_assert_ptr_null(cb_ioctl_match(&pol, CB_ARCH_X86_64, FIONREAD, NULL, &looked));
	ck_assert(cb_ioctl_rules_need_fd(&pol, CB_ARCH_I386));
}
END_TEST

START_TEST(test_path_match)
{
	parse_ok("path deny EACCES /etc/shadow, /home/*/.ssh/**\npath default deny ENOENT\n"
		 "path allow /usr/**, /etc/**\n");
	const struct cb_prule *r;
	struct cb_action a = cb_path_decide(&pol, "/etc/shadow", &r);
	ck_assert_int_eq(a.errnum, EACCES);
	a = cb_path_decide(&pol, "/etc/passwd", &r);
	ck_assert_int_eq(a.kind, CB_ACT_ALLOW);
	ck_assert_int_eq(r->loc.line, 3);
	a = cb_path_decide(&pol, "/tmp/x", &r);
	ck_assert_int_eq(a.errnum, ENOENT);
	ck_assert_ptr_null(r);
	a = cb_path_decide(&pol, "/home/u/.ssh/id_rsa", &r);
	ck_assert_int_eq(a.errnum, EACCES);
}
END_TEST

/* @translated names what --translate performs: the translation rows
 * and the sleeps, and nothing else. */
START_TEST(test_translated_group)
{
	const struct cb_group *g = cb_group_find("@translated");
	ck_assert_ptr_nonnull(g);
	int n = 0;
	for (const char *const *s = g->calls; *s; s++, n++)
		ck_assert_msg(cb_syscall_nr(CB_ARCH_I386, *s) >= 0, "%s", *s);
	int rows = 0;
	const struct cb_xsys *tabs[] = { cb_xsys_files, cb_xsys_io, cb_xsys_offsets, cb_xsys_sockets,
					 cb_xsys_ipc, cb_xsys_file_times, cb_xsys_clocks, cb_xsys_sched,
					 cb_xsys_timerfd, cb_xsys_mqueue };
	for (size_t t = 0; t < sizeof(tabs) / sizeof(tabs[0]); t++)
		for (const struct cb_xsys *r = tabs[t]; r->guest; r++, rows++) {
			bool found = false;
			for (const char *const *s = g->calls; *s; s++)
				found |= strcmp(*s, r->guest) == 0;
			ck_assert_msg(found, "@translated lacks %s", r->guest);
		}
	/* socketcall, ipc, nanosleep, clock_nanosleep, clock_nanosleep_time64 */
	ck_assert_int_eq(n, rows + 5);
}
END_TEST

START_TEST(test_groups_exist)
{
	for (const struct cb_group *g = cb_groups; g->name; g++)
		for (const char *const *s = g->calls; *s; s++)
			ck_assert_msg(cb_syscall_nr(CB_ARCH_X86_64, *s) >= 0 ||
				      cb_syscall_nr(CB_ARCH_I386, *s) >= 0, "%s: %s", g->name, *s);
}
END_TEST

START_TEST(test_shipped_compile_clean)
{
	const struct cb_shipped *s = &cb_shipped[_i];
	ck_assert_ptr_nonnull(s->name);
	int rc = cb_policy_parse(&pol, s->name, s->text, &err);
	ck_assert_msg(rc == 0, "%s: %s", s->name, err.msg);
	rc = cb_plan_compile(plan, &pol, &err);
	ck_assert_msg(rc == 0, "%s: %s", s->name, err.msg);
	for (int i = 0; i < plan->nwarnings; i++)
		ck_abort_msg("%s", plan->warnings[i]);
}
END_TEST

START_TEST(test_strict_denies)
{
	compile_ok("include strict\n");
	ck_assert_uint_eq(run(X64, "init_module", 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
	ck_assert_uint_eq(run(I386, "finit_module", 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
	ck_assert_uint_eq(run(X64, "keyctl", 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
	ck_assert_uint_eq(run(X64, "add_key", 0, 0) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ERRNO);
	ck_assert_uint_eq(run(X64, "clone3", 0, 0), ERRNO(ENOSYS));
	ck_assert_uint_eq(run(I386, "bpf", 0, 0), ERRNO(EPERM));
	ck_assert_uint_eq(run(I386, "setitimer", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "getuid32", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "socketcall", 0, 0), SECCOMP_RET_ALLOW);
	/* "these families, else EAFNOSUPPORT" differs from the default: the
	 * supervisor decides socket on its registers. */
	ck_assert_uint_eq(run(X64, "socket", AF_PACKET, 0), SECCOMP_RET_USER_NOTIF);
	ck_assert_uint_eq(run(I386, "io_uring_setup", 0, 0), ERRNO(ENOSYS));
	ck_assert_uint_eq(run(X64, "read", 0, 0), SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run(I386, "read", 0, 0), SECCOMP_RET_ALLOW);
	/* "deny these, allow the rest" against a default deny is beyond
	 * libseccomp: ioctls go to the supervisor, which compares on 32 bits. */
	ck_assert_uint_eq(run(X64, "ioctl", 1, TCGETS), SECCOMP_RET_USER_NOTIF);
	static const struct { enum cb_arch a; uint64_t req; int kind; } io[] = {
		{ CB_ARCH_X86_64, TIOCSTI, CB_ACT_DENY }, { CB_ARCH_X86_64, TIOCSTI | 1ULL << 32, CB_ACT_DENY },
		{ CB_ARCH_I386, TIOCLINUX, CB_ACT_DENY }, { CB_ARCH_X86_64, TCGETS, CB_ACT_ALLOW },
	};
	for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
		struct cb_action act;
		const struct cb_srule *rule;
		uint64_t args[6] = { 1, io[i].req };
		int nr = cb_syscall_nr(io[i].a, "ioctl");
		ck_assert_int_eq(cb_plan_decide(plan, io[i].a, nr, args, &act, &rule), CB_LAYER_IOCTL);
		bool looked;
		const struct cb_irule *r = cb_ioctl_match(&pol, io[i].a, (uint32_t)args[1], NULL, &looked);
		ck_assert_int_eq(r ? r->act.kind : act.kind, io[i].kind);
	}
}
END_TEST

/* 1,000 rules compile in well under a second (docs/policy.md has the
 * measured time; bench/ prints it). */
START_TEST(test_compile_1000_rules)
{
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text + len, cap - len, "default deny\n");
	int n = 0;
	for (int nr = 0; n < 1000 && nr < 450; nr++) {
		const char *name = cb_syscall_name(CB_ARCH_X86_64, nr);
		if (!name)
			continue;
		for (int v = 0; v < 3 && n < 1000; v++, n++)
			len += (size_t)snprintf(text + len, cap - len, "allow %s if arg0 == %d\n", name, v);
	}
	ck_assert_int_eq(n, 1000);
	compile_ok(text);
	free(text);
	ck_assert_int_eq(pol.ns, 1000);
	struct sock_fprog prog;
	ck_assert_int_eq(cb_plan_filter(plan, &prog, &err), 0);
	ck_assert_uint_le(prog.len, BPF_MAXINSNS);
	cb_filter_free(&prog);
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_everything);
	tcase_add_loop_test(tc, test_parse_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("compile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_compile_allow_list);
	tcase_add_test(tc, test_compile_ioctl_32_bits);
	tcase_add_test(tc, test_compile_type_letter);
	tcase_add_test(tc, test_compile_order_needs_supervisor);
	tcase_add_test(tc, test_bpf_agrees_with_supervisor);
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_notify_and_layers);
	tcase_add_test(tc, test_compile_1000_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_glob);
	tcase_add_test(tc, test_ioctl_match);
	tcase_add_test(tc, test_path_match);
	suite_add_tcase(s, tc);
	tc = tcase_create("shipped");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_translated_group);
	tcase_add_test(tc, test_groups_exist);
	tcase_add_loop_test(tc, test_shipped_compile_clean, 0, 4);
	tcase_add_test(tc, test_strict_denies);
	suite_add_tcase(s, tc);
	return s;
}
