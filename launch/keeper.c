#include "keeper.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proctree.h"

/* The guest starts with the signal state the user gave compatbox. */
static void reset_signals(const struct cb_keeper_args *a)
{
	for (int s = 1; s < NSIG; s++) {
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		struct sigaction sa = { 0 };
		sa.sa_handler = sigismember(a->ignored, s) == 1 ? SIG_IGN : SIG_DFL;
		sigaction(s, &sa, NULL);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* SIGKILL every guest process and reap them all. As the init of the
 * guest's PID namespace, kill(-1) reaches exactly the namespace (all but
 * the keeper itself); /proc, which is the outer namespace's, would give
 * pids that mean other processes here. Repeated until no child is left:
 * a fork racing the first kill(-1) is caught by the next. */
static void kill_guest(const struct cb_keeper_args *a)
{
	if (!a->pid_ns_init) {
		cb_kill_descendants();
		return;
	}
	for (;;) {
		kill(-1, SIGKILL);
		pid_t r;
		while ((r = waitpid(-1, NULL, __WALL)) > 0) {
		}
		if (errno == ECHILD)
			return;
	}
}

void cb_keeper_run(const struct cb_keeper_args *a)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Should the supervisor die while this process cannot read its
	 * control pipe (stopped, say), the kernel kills it all the same; as a
	 * namespace init its death takes the whole guest with it. A death
	 * before this call shows as EOF on the pipe below. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The supervisor is non-dumpable and so is this copy of it; nothing
	 * here is worth protecting from the guest, and the fork below must be
	 * dumpable for the supervisor to reach the guest before its exec. */
	pid_t guest = fork();
	if (guest < 0) {
		fprintf(stderr, "compatbox: fork: %s\n", strerror(errno));
		_exit(125);
	}
	if (guest == 0) {
		close(a->ctl_fd);
		close(a->status_fd);
		prctl(PR_SET_DUMPABLE, 1);
		reset_signals(a);
		cb_shim_run(&a->shim);
	}
	close(a->shim.sock);

	/* Terminal signals reach the guest from the tty directly and the
	 * supervisor forwards the others with pidfd_send_signal: the keeper
	 * itself keeps them blocked and never dies of them. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { .fd = a->ctl_fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		int n = poll(p, 2, sfd < 0 ? 100 : -1);
		if (n < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			}
		}
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
			if (r == guest) {
				(void)!write(a->status_fd, &st, sizeof(st));
				guest = -1;
			}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char c;
			if (read(a->ctl_fd, &c, 1) <= 0)
				break; /* supervisor finished or died */
			if (c == CB_KEEPER_KILL && guest > 0) {
				kill_guest(a); /* reaps the guest too */
				st = SIGKILL;          /* a wait status: killed by it */
				(void)!write(a->status_fd, &st, sizeof(st));
				guest = -1;
			}
		}
	}
	/* An init's exit makes the kernel kill its whole namespace; the pids
	 * that /proc lists are not this namespace's, so no walk then. */
	if (!a->pid_ns_init)
		cb_kill_descendants();
	_exit(0);
}
