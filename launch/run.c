#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../abi/abifile.h"
#include "../abi/builtin.h"
#include "../common/cleanup.h"
#include "../common/seccomp_compat.h"
#include "../guest/fd_track.h"
#include "../policy/oci.h"
#include "../policy/shipped.h"
#include "../shim/handshake.h"
#include "keeper.h"
#include "../supervisor/pool.h"
#include "program.h"
#include "proctree.h"
#include "stop.h"
#include "../supervisor/supervisor.h"
#include "../translate/xsys.h"

extern char **environ;

/* Signals sent to compatbox that the guest gets too. */
static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void no_op(int sig) { (void)sig; }

static int die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("compatbox: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

static bool user_notif_available(void)
{
	uint32_t action = SECCOMP_RET_USER_NOTIF;
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
}

/* At the end of a run: the counts of every worker, as a table on stderr
 * (--stats) and JSON into STATS_FD (--stats=FILE). Returns that JSON line
 * for the trail's stats record when WANT_JSON (the caller frees it). */
static char *report_stats(const struct cb_run_opts *o, int stats_fd, bool want_json)
{
	struct cb_stats *t = calloc(1, sizeof(*t));
	if (!t) {
		fprintf(stderr, "compatbox: --stats: out of memory\n");
		return NULL;
	}
	cb_stats_sum(t);
	size_t len = 0;
	char *json = (stats_fd >= 0 || want_json) ? cb_stats_json(t, &len) : NULL;
	if (stats_fd >= 0 && (!json || write(stats_fd, json, len) != (ssize_t)len))
		fprintf(stderr, "compatbox: --stats=%s: cannot write: %s\n", o->stats_path,
			json ? strerror(errno) : "out of memory");
	if (o->stats && stats_fd < 0)
		cb_stats_table(t, stderr);
	free(t);
	if (!want_json) {
		free(json);
		return NULL;
	}
	return json;
}

/* The soft RLIMIT_NOFILE raised to the hard one, for the supervisor only:
 * called after the guest was forked, which keeps the limits it was given
 * (a program may count on select()'s 1024). Returns the soft limit now. */
static long raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = { rl.rlim_max, rl.rlim_max };
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	return rl.rlim_cur > (rlim_t)1 << 30 ? 1L << 30 : (long)rl.rlim_cur;
}

static int ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Fetch the listener the child is about to create as its fd FD; the child
 * cannot send it, since any call after the filter is in place may trap. */
static int fetch_listener(int pidfd, int fd, int sock, struct cb_hs_msg *fail)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int spins = 0;; spins++) {
		int l = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (l >= 0) {
			uint64_t id = 0;
			/* A listener answers ID_VALID on an unknown id with ENOENT. */
			if (ioctl(l, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0 && errno == ENOENT)
				return l;
			close(l);
		} else if (errno != EBADF) {
			return -errno;
		}
		struct pollfd p = { .fd = sock, .events = POLLIN };
		if (poll(&p, 1, 0) > 0) {
			ssize_t n = recv(sock, fail, sizeof(*fail), 0);
			return n == sizeof(*fail) ? -EPROTO : -ECHILD;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return -ETIMEDOUT;
		if (spins > 100) {
			struct timespec t = { 0, 50000 };
			nanosleep(&t, NULL);
		} else {
			sched_yield();
		}
	}
}

static int exit_code_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 125;
}

/* What a user whose kernel refused an i386 program can do, from what this
 * kernel says of itself: its build configuration (when /boot has it) and
 * its command line. */
const char *cb_ia32_remedy(void)
{
	char path[300], line[256];
	struct utsname u;
	int built = -1; /* CONFIG_IA32_EMULATION: 1 yes, 0 no, -1 unknown */
	bool default_off = false, asked_off = false;
	if (uname(&u) == 0) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		FILE *f = fopen(path, "re");
		if (f) {
			built = 0;
			while (fgets(line, sizeof(line), f)) {
				built |= !strcmp(line, "CONFIG_IA32_EMULATION=y\n");
				default_off |= !strcmp(line, "CONFIG_IA32_EMULATION_DEFAULT_DISABLED=y\n");
			}
			fclose(f);
		}
	}
	FILE *f = fopen("/proc/cmdline", "re");
	if (f) {
		if (fgets(line, sizeof(line), f))
			asked_off = strstr(line, "ia32_emulation=0") || strstr(line, "ia32_emulation=false");
		fclose(f);
	}
	if (built == 0)
		return "this kernel was built without CONFIG_IA32_EMULATION: boot a kernel that has it";
	if (asked_off)
		return "the kernel command line says ia32_emulation=0: boot without it, or with "
		       "ia32_emulation=1";
	if (default_off)
		return "this kernel turns it off by default (CONFIG_IA32_EMULATION_DEFAULT_DISABLED): "
		       "boot with ia32_emulation=1";
	return "on Linux 6.7 or later built with CONFIG_IA32_EMULATION, boot with "
	       "ia32_emulation=1; where a hypervisor forces it off for its guests, run the "
	       "program on another machine, or in a VM with a kernel of its own (compatbox's "
	       "source tree has scripts/vm.sh)";
}

static int stage_failure(const char *prog, const struct cb_hs_msg *m, enum cb_exe_kind kind)
{
	if (m->stage == CB_STAGE_EXEC) {
		if (m->err == ENOEXEC && kind == CB_EXE_I386)
			return die(126, "%s: this kernel cannot run i386 programs (IA-32 emulation is "
				   "off); %s", prog, cb_ia32_remedy());
		return die(m->err == ENOENT ? 127 : 126, "%s: %s", prog, strerror(m->err));
	}
	if (m->stage == CB_STAGE_CAPS && m->err == EPERM)
		return die(125, "dropping capabilities failed: %s (is compatbox itself restricted?)",
			   strerror(m->err));
	return die(125, "%s failed: %s", cb_hs_stage_name(m->stage), strerror(m->err));
}

int cb_run(const struct cb_run_opts *o)
{
	struct cb_err err = { "" };
	static struct cb_supervisor sup; /* large tables: not on the stack */
	char path[4096];

	if (!user_notif_available())
		return die(125, "this kernel has no seccomp user notification "
			   "(SECCOMP_RET_USER_NOTIF needs Linux 5.0 with CONFIG_SECCOMP_FILTER)");

	int rc = cb_program_resolve(o->argv[0], path, sizeof(path), &err);
	if (rc)
		return die(rc == -ENOENT ? 127 : 126, "%s", err.msg);
	enum cb_exe_kind kind = cb_program_kind(path);
	if (kind == CB_EXE_X32)
		return die(126, "%s: x32 programs are not supported (their syscalls are killed)", path);

	struct cb_shim_args shim = { .path = path, .argv = o->argv, .envp = environ };
	if (o->keep_caps && cb_caps_parse(o->keep_caps, &shim.keep_caps, &err))
		return die(125, "--keep-caps: %s", err.msg);
	/* The policy: --policy or --oci-profile, else the shipped one a
	 * shorthand names. */
	int given = (o->policy != NULL) + (o->oci_profile != NULL) + o->passthrough + o->translate;
	if (given > 1)
		return die(125, "--policy, --oci-profile, --passthrough and --translate exclude each other "
			   "(--passthrough is --policy audit, --translate is --policy translate)");
	if (o->passthrough && o->nabi)
		return die(125, "--passthrough and --translate (or --abi) exclude each other");
	static struct cb_policy pol;
	cb_policy_init(&pol);
	const char *pname = o->policy ? o->policy
			    : o->passthrough ? "audit"
			    : (o->translate || (o->nabi && !o->oci_profile)) ? "translate" : "default";
	/* A shorthand (or no option) names a shipped policy, never a file:
	 * a file or directory called "default" or "translate" in the current
	 * directory must not stand in for it. */
	const char *shipped = o->policy ? NULL : cb_shipped_policy(pname);
	rc = o->oci_profile ? cb_oci_load(&pol, o->oci_profile, shim.keep_caps.bits, &err)
	     : shipped      ? cb_policy_parse(&pol, pname, shipped, &err)
			    : cb_policy_load(&pol, pname, &err);
	if (rc)
		return die(125, "%s\ncompatbox: the guest was not started", err.msg);
	if (o->trap && cb_policy_add_trap(&pol, o->trap, &err))
		return die(125, "--trap: %s", err.msg);
	static struct cb_plan plan;
	if (cb_plan_compile(&plan, &pol, &err))
		return die(125, "%s", err.msg);
	/* With a trail, fd names are kept between calls when every call that
	 * changes an fd slot can be seen (guest/fd_track.h): the filter then
	 * sends those the policy allows too. Compiled again for that, so
	 * that a policy under which names cannot be kept pays nothing. */
	const char *no_names = getenv("COMPATBOX_TEST_NO_FD_NAMES"); /* tests: =1 reads every name */
	if (o->log_path && !(no_names && strcmp(no_names, "1") == 0) && cb_plan_can_watch_fds(&plan)) {
		cb_plan_free(&plan);
		pol.watch_fds = true;
		if (cb_plan_compile(&plan, &pol, &err))
			return die(125, "%s", err.msg);
		if (cb_plan_can_watch_fds(&plan))
			cb_fd_track_enable();
	}
	sup.plan = &plan;
	sup.root_fixed = !((shim.keep_caps.bits >> CAP_SYS_CHROOT) & 1) &&
			 !((shim.keep_caps.bits >> CAP_SYS_ADMIN) & 1);
	static struct cb_abi_db user_dbs[8];
	for (int i = 0; i < o->nabi; i++) {
		if (cb_abifile_load(o->abi_files[i], &user_dbs[i], &err))
			return die(125, "--abi: %s", err.msg);
		sup.tr.dbs[sup.tr.ndbs++] = &user_dbs[i];
	}
	sup.tr.dbs[sup.tr.ndbs++] = &cb_abi_builtin;
	/* Which calls are translated is the policy's to say (its translate
	 * actions); the translator only has to be there. */
	sup.tr.enabled = true;
	if (cb_dispatch_build(&sup.d, &err))
		return die(125, "internal error: %s", err.msg);
	struct cb_trapset unused; /* the plan says what is trapped */
	if (cb_xsys_install(&sup.d, &unused, &err))
		return die(125, "internal error: %s", err.msg);
	static struct cb_log log;
	if (o->log_path) {
		struct cb_log_opts lo = { .path = o->log_path, .max_size = o->log_max_size,
					  .policy = o->oci_profile ? o->oci_profile : pname,
					  .argv = o->argv };
		if (cb_log_open(&log, &lo, &err))
			return die(125, "%s: %s (check the directory exists and is writable)",
				   o->audit ? "--out" : "--log", err.msg);
		sup.log = &log;
	}
	/* Opened now, so that a path that cannot be written fails before the
	 * guest runs rather than after. */
	cleanup_fd int stats_fd = -1;
	if (o->stats_path) {
		stats_fd = open(o->stats_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (stats_fd < 0)
			return die(125, "--stats=%s: %s (check the directory exists and is writable)",
				   o->stats_path, strerror(errno));
	}
	struct sock_fprog prog;
	if (cb_plan_filter(&plan, &prog, &err))
		return die(125, "%s", err.msg);
	shim.prog = &prog;

	/* The guest must not read the supervisor's memory or attach to it. */
	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	/* Block forwarded signals and SIGCHLD in every thread to come; the
	 * main thread reads them from a signalfd. A real handler is installed
	 * as well because as PID 1 a signal with the default action would be
	 * dropped before it could be read. */
	sigset_t mask, ignored;
	sigemptyset(&mask);
	sigemptyset(&ignored);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		struct sigaction old, sa = { .sa_handler = no_op };
		sigaction(forwarded[i], NULL, &old);
		if (old.sa_handler == SIG_IGN)
			sigaddset(&ignored, forwarded[i]);
		else
			sigaction(forwarded[i], &sa, NULL);
		sigaddset(&mask, forwarded[i]);
	}
	for (int s = 1; s < NSIG; s++) {
		struct sigaction old;
		if (sigaction(s, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			sigaddset(&ignored, s);
	}
	sigset_t saved_mask;
	sigprocmask(SIG_BLOCK, &mask, &saved_mask);
	cleanup_fd int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0)
		return die(125, "signalfd: %s", strerror(errno));

	int sv[2], ctl[2], status[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(ctl, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0)
		return die(125, "cannot create pipes: %s", strerror(errno));

	shim.sock = sv[1];
	struct cb_keeper_args ka = {
		.ctl_fd = ctl[0], .status_fd = status[1], .ignored = &ignored,
		.blocked = &mask, .shim = shim,
	};
	fflush(NULL);
	enum cb_keeper_ns keeper_ns;
	pid_t keeper = cb_keeper_spawn(&keeper_ns);
	if (keeper < 0)
		return die(125, "fork: %s", strerror(errno));
	if (keeper == 0) {
		close(sv[0]);
		close(ctl[1]);
		close(status[0]);
		close(sfd);
		ka.pid_ns_init = keeper_ns != CB_KEEPER_FORK;
		cb_keeper_run(&ka);
	}
	close(sv[1]);
	close(ctl[0]);
	close(status[1]);
	cleanup_fd int sock = sv[0];
	int ctl_w = ctl[1];
	cleanup_fd int status_r = status[0];
	cb_filter_free(&prog);

	int code = 125;
	bool started = false; /* workers serve the guest: there are counts */
	struct cb_hs_msg m;
	ssize_t n = recv(sock, &m, sizeof(m), 0);
	int listener = -1;
	cleanup_fd int guest_pidfd = -1;
	if (n != sizeof(m)) {
		code = die(125, "the guest process died during start-up");
		goto finish;
	}
	if (m.type == CB_HS_FAIL) {
		code = stage_failure(path, &m, kind);
		goto finish;
	}
	/* In a PID namespace the guest knows itself by another number. */
	pid_t guest_pid = keeper_ns == CB_KEEPER_FORK ? m.pid : cb_keeper_first_child(keeper);
	guest_pidfd = guest_pid < 0 ? -1 : (int)syscall(SYS_pidfd_open, guest_pid, 0);
	if (guest_pidfd < 0) {
		code = die(125, "pidfd_open: %s (Linux 5.6 or later is needed)", strerror(errno));
		goto finish;
	}
	struct cb_hs_msg fail;
	listener = fetch_listener(guest_pidfd, m.fd, sock, &fail);
	if (listener == -EPROTO) {
		code = stage_failure(path, &fail, kind);
		goto finish;
	}
	if (listener < 0) {
		code = die(125, "cannot take the seccomp listener from the guest: %s "
			   "(pidfd_getfd needs Linux 5.6 and ptrace access to the child)",
			   strerror(-listener));
		goto finish;
	}
	if (cb_listener_init(&sup.l, listener, !o->no_sync_wakeup, &err)) {
		code = die(125, "%s", err.msg);
		goto finish;
	}
	cb_guest_setup();
	/* Its workers may still serve the guest's last calls when cb_run
	 * returns: the pool lives until exit (static, so it stays reachable). */
	static struct cb_pool *pool;
	int workers = o->workers ? o->workers : ncpus();
	int max_workers = workers > 64 ? workers : 64;
	/* Every worker caches handles of guest threads: all of them full must
	 * still leave room for the guest fds that calls hold. */
	cb_task_cache_fit(max_workers, raise_nofile());
	if (cb_pool_start(&pool, &sup, workers, max_workers, &err)) {
		code = die(125, "%s", err.msg);
		goto finish;
	}
	started = true;
	char go = CB_HS_GO;
	if (send(sock, &go, 1, MSG_NOSIGNAL) != 1) {
		code = die(125, "the guest process died during start-up");
		goto finish;
	}
	n = recv(sock, &m, sizeof(m), 0); /* EOF: the execve succeeded */
	if (n == sizeof(m) && m.type == CB_HS_FAIL) {
		code = stage_failure(path, &m, kind);
		goto finish;
	}

	/* Main loop: forward signals, watch the keeper, wait for the guest. */
	struct cb_stop stop = { .timeout_ms = o->stop_timeout_ms };
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = status_r, .events = POLLIN } };
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int wait_ms = cb_stop_wait_ms(&stop, &now);
		bool kill_all = wait_ms == 0;
		if (!kill_all && poll(p, 2, wait_ms) < 0 && errno != EINTR)
			break;
		if (!kill_all && (p[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD) {
				if (si.ssi_code != SI_KERNEL) /* tty signals reached the guest already */
					syscall(SYS_pidfd_send_signal, guest_pidfd, si.ssi_signo, NULL, 0);
				clock_gettime(CLOCK_MONOTONIC, &now);
				kill_all = cb_stop_signal(&stop, (int)si.ssi_signo, &now);
				/* What the trail holds so far reaches the disk now, in
				 * case the next signal is a SIGKILL. */
				if (sup.log)
					cb_log_kick(sup.log);
			}
			/* Orphans reparented to us when the keeper is gone. */
			int st;
			pid_t r;
			while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
				if (r == keeper) {
					keeper = -1;
					code = die(125, "the keeper process died; killing the guest");
					goto finish;
				}
			}
		}
		if (kill_all) {
			/* The keeper kills every guest process and reports SIGKILL. */
			char k = CB_KEEPER_KILL;
			(void)!write(ctl_w, &k, 1);
			stop.timeout_ms = -1;
			stop.terms = 2;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			int st;
			if (read(status_r, &st, sizeof(st)) == sizeof(st))
				code = exit_code_of(st);
			break;
		}
	}

finish:
	/* Closing the control pipe tells the keeper to kill what is left of
	 * the guest and exit; any leftover orphans of ours go the same way. */
	close(ctl_w);
	if (keeper > 0)
		waitpid(keeper, NULL, __WALL);
	cb_kill_descendants();
	/* The guest is gone (exited or killed): the trail gets everything
	 * queued, then the run's counts (a stats record) and its end record. */
	char *stats = NULL;
	if (started && (o->stats || sup.log))
		stats = report_stats(o, stats_fd, sup.log != NULL);
	if (sup.log)
		cb_log_close(sup.log, code, stats);
	free(stats);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	return code;
}
