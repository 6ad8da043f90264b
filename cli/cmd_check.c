#include "cmd_check.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/seccomp_compat.h"
#include "../launch/run.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* 6.3: asks for an executable memfd where noexec is the default */
#endif

/* What each feature is for, and what a user loses without it: the table is
 * the report. A required feature missing means compatbox cannot run. */
static const struct {
	const char *name;
	const char *since;
	bool required;
	const char *yes;
	const char *no;
} features[CB_F_COUNT] = {
	[CB_F_USER_NOTIF] = { "seccomp user notification", "Linux 5.0", true,
		"the guest's calls can be trapped",
		"nothing can run: compatbox traps calls with SECCOMP_RET_USER_NOTIF "
		"(needs CONFIG_SECCOMP_FILTER)" },
	[CB_F_PIDFD_GETFD] = { "pidfd_getfd", "Linux 5.6", true,
		"the supervisor can take the listener and the guest's fds",
		"nothing can run: the supervisor takes the guest's listener with it" },
	[CB_F_ADDFD_SEND] = { "ADDFD with SEND", "Linux 5.14", false,
		"calls performed here that return an fd hand it over atomically",
		"calls that compatbox performs and that return an fd (--translate) fail" },
	[CB_F_IA32] = { "IA-32 emulation", "CONFIG_IA32_EMULATION", false,
		"i386 programs run",
		"x86_64 programs run, i386 programs do not" },
	[CB_F_SYNC_WAKEUP] = { "SYNC_WAKE_UP", "Linux 6.6", false,
		"a trapped call costs one hand-over of the CPU",
		"everything works; each trapped call is slower (two scheduler wake-ups)" },
	[CB_F_PIDFD_THREAD] = { "PIDFD_THREAD", "Linux 6.9", false,
		"each guest thread is addressed by a pidfd of its own",
		"everything works; threads are found through their group leader and /proc" },
	[CB_F_PROCMAP_QUERY] = { "PROCMAP_QUERY", "Linux 6.11", false,
		"guest pointers are checked with one ioctl",
		"everything works; guest pointers are checked by reading /proc/PID/maps" },
	[CB_F_USERNS] = { "user namespaces", "unprivileged", false,
		"rootless entrypoint: unshare --user --map-root-user ... compatbox run",
		"compatbox runs as root or in a container an engine made, not rootless" },
};

static void set(struct cb_check *c, enum cb_feature f, bool yes, int err)
{
	c->have[f] = yes ? CB_HAVE_YES : CB_HAVE_NO;
	if (!yes)
		snprintf(c->why[f], sizeof(c->why[f]), "%s", strerror(err));
}

/* The listener features are properties of a listener: a child makes one
 * over an allow-everything filter and reports what its ioctls say. */
static void probe_listener(struct cb_check *c)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int res[2] = { 0, 0 }; /* errno of SYNC_WAKE_UP, of ADDFD SEND */
		struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		struct sock_fprog prog = { 1, &allow };
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		int l = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				     SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (l < 0) {
			res[0] = res[1] = -errno;
		} else {
			if (ioctl(l, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP))
				res[0] = errno;
			/* Known flags and an unknown id: ENOENT; unknown flags: EINVAL. */
			struct seccomp_notif_addfd a = { .id = 1, .flags = SECCOMP_ADDFD_FLAG_SEND };
			if (ioctl(l, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0 && errno != ENOENT)
				res[1] = errno;
		}
		(void)!write(pfd[1], res, sizeof(res));
		_exit(0);
	}
	close(pfd[1]);
	int res[2];
	bool got = pid > 0 && read(pfd[0], res, sizeof(res)) == sizeof(res);
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!got || res[0] < 0)
		return; /* no listener: user notification says why */
	set(c, CB_F_SYNC_WAKEUP, res[0] == 0, res[0]);
	set(c, CB_F_ADDFD_SEND, res[1] == 0, res[1]);
}

/* The smallest i386 program: exit(42) by int $0x80. Executing it is the
 * only sure test: the kernel may be built with IA-32 emulation and still
 * have it switched off at boot. */
static void probe_ia32(struct cb_check *c)
{
	struct {
		Elf32_Ehdr e;
		Elf32_Phdr p;
		unsigned char code[12];
	} __attribute__((packed)) img = {
		.e = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB,
				    EV_CURRENT },
		       .e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
		       .e_entry = 0x08048000 + sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr),
		       .e_phoff = sizeof(Elf32_Ehdr), .e_ehsize = sizeof(Elf32_Ehdr),
		       .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = 1 },
		.p = { .p_type = PT_LOAD, .p_vaddr = 0x08048000, .p_paddr = 0x08048000,
		       .p_filesz = sizeof(img), .p_memsz = sizeof(img), .p_flags = PF_R | PF_X,
		       .p_align = 0x1000 },
		/* mov $1,%eax; mov $42,%ebx; int $0x80 */
		.code = { 0xb8, 1, 0, 0, 0, 0xbb, 42, 0, 0, 0, 0xcd, 0x80 },
	};
	cleanup_fd int fd = memfd_create("compatbox-ia32-probe", MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0)
		fd = memfd_create("compatbox-ia32-probe", MFD_CLOEXEC);
	if (fd < 0 || write(fd, &img, sizeof(img)) != (ssize_t)sizeof(img)) {
		snprintf(c->why[CB_F_IA32], sizeof(c->why[0]), "cannot make the probe: %s",
			 strerror(errno));
		return;
	}
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "ia32-probe", NULL }, *envp[] = { NULL };
		fexecve(fd, argv, envp);
		int e = errno;
		(void)!write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[1]);
	int e = 0, st = 0;
	if (pid > 0 && read(pfd[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return;
	if (e == ENOEXEC)
		snprintf(c->why[CB_F_IA32], sizeof(c->why[0]), "%s", cb_ia32_remedy());
	else if (e)
		snprintf(c->why[CB_F_IA32], sizeof(c->why[0]), "cannot run the probe: %s",
			 strerror(e));
	if (e == ENOEXEC || (!e && WIFEXITED(st) && WEXITSTATUS(st) == 42))
		c->have[CB_F_IA32] = e ? CB_HAVE_NO : CB_HAVE_YES;
	else if (!e)
		snprintf(c->why[CB_F_IA32], sizeof(c->why[0]), "the probe ended with status 0x%x", st);
}

static void probe_userns(struct cb_check *c)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
	int st;
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		set(c, CB_F_USERNS, WEXITSTATUS(st) == 0, WEXITSTATUS(st));
}

void cb_check_probe(struct cb_check *c)
{
	memset(c, 0, sizeof(*c));
	/* Each answer is taken before errno is read: arguments have no order. */
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	bool ok = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
	set(c, CB_F_USER_NOTIF, ok, errno);
	cleanup_fd int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	cleanup_fd int dup0 = self < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, self, self, 0);
	set(c, CB_F_PIDFD_GETFD, dup0 >= 0, errno);
	cleanup_fd int tfd = (int)syscall(SYS_pidfd_open, getpid(), PIDFD_THREAD);
	set(c, CB_F_PIDFD_THREAD, tfd >= 0, errno);
	cleanup_fd int maps = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (maps >= 0) {
		struct cb_procmap_query q = { .size = sizeof(q),
					      .query_addr = (uintptr_t)&cb_check_probe };
		ok = ioctl(maps, CB_PROCMAP_QUERY, &q) == 0;
		set(c, CB_F_PROCMAP_QUERY, ok, errno);
	}
	if (c->have[CB_F_USER_NOTIF] == CB_HAVE_YES)
		probe_listener(c);
	probe_ia32(c);
	probe_userns(c);
}

int cb_check_report(const struct cb_check *c, FILE *out)
{
	bool runs = true;
	for (int f = 0; f < CB_F_COUNT; f++) {
		const char *mark = c->have[f] == CB_HAVE_YES ? "yes" :
				   c->have[f] == CB_HAVE_NO  ? "no" : "unknown";
		if (c->have[f] != CB_HAVE_YES && features[f].required)
			runs = false;
		fprintf(out, "%-26s %-7s (%s) %s", features[f].name, mark, features[f].since,
			c->have[f] == CB_HAVE_YES ? features[f].yes : features[f].no);
		if (c->have[f] != CB_HAVE_YES && c->why[f][0])
			fprintf(out, ": %s", c->why[f]);
		fputc('\n', out);
	}
	fprintf(out, runs ? "compatbox can run here\n" : "compatbox cannot run here\n");
	return runs ? 0 : 1;
}

int cb_cmd_check(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("Usage: compatbox check\n"
		      "Say what this kernel offers compatbox, one line each, and what works\n"
		      "without what it lacks. Exit status 0 when compatbox can run here.\n", stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "compatbox check: unexpected argument '%s'\n", argv[1]);
		return 125;
	}
	struct cb_check c;
	cb_check_probe(&c);
	return cb_check_report(&c, stdout);
}
