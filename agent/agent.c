#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../abi/builtin.h"
#include "../common/cleanup.h"
#include "../common/seccomp_compat.h"
#include "oci_state.h"
#include "policies.h"
#include "../supervisor/pool.h"
#include "../supervisor/supervisor.h"

/* One container process's listener and everything that serves it. */
struct agent_ctr {
	struct cb_supervisor sup;
	char id[256];
	int pid;
};

static atomic_int live_containers;
/* cb_notif_probe_hangup(), asked once before any thread starts. */
static bool recv_sees_hangup;

static void ctr_done(void *arg)
{
	struct agent_ctr *c = arg;
	int left = atomic_fetch_sub(&live_containers, 1) - 1;
	fprintf(stderr, "compatbox agent: container %s (pid %d) ended; %d supervised\n", c->id,
		c->pid, left);
	close(c->sup.l.fd);
	free(c);
}

/* Read one runtime message from CONN: the state JSON and its fds. Returns
 * the notify fd (owned by the caller) or -1 (err says why). */
static int receive(int conn, struct cb_oci_state *st, struct cb_err *err)
{
	enum { MAX_FDS = 16 };
	/* Only the accept loop's thread receives. Not thread-local: static TLS
	 * is carved from every thread's stack, and threads with small stacks
	 * (the epoll helper's 64 KiB) would fail to start. */
	static char buf[65536];
	union {
		char b[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
			     .msg_controllen = sizeof(cm.b) };
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	int fds[MAX_FDS], nfds = 0;
	for (struct cmsghdr *h = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; h; h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			if (nfds < MAX_FDS)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	int keep = -1;
	if (n < 0)
		cb_fail(err, errno, "reading the runtime's message: %s", strerror(errno));
	else if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		cb_fail(err, EMSGSIZE, "the runtime's message is larger than %zu bytes or carries "
			"more than %d fds", sizeof(buf) - 1, MAX_FDS);
	else if (cb_oci_state_parse(buf, (size_t)n, st, err) == 0) {
		if (st->seccomp_fd_index >= nfds)
			cb_fail(err, EBADF, "\"seccompFd\" is fd %d of the message, which carries %d",
				st->seccomp_fd_index, nfds);
		else
			keep = fds[st->seccomp_fd_index];
	}
	for (int i = 0; i < nfds; i++)
		if (fds[i] != keep)
			close(fds[i]);
	if (keep >= 0) {
		/* A listener answers ID_VALID on an unknown id with ENOENT. */
		uint64_t id = 0;
		if (ioctl(keep, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 || errno != ENOENT) {
			close(keep);
			cb_fail(err, EBADF, "\"seccompFd\" is not a seccomp listener");
			return -1;
		}
	}
	return keep;
}

static void serve(int conn, const struct cb_supervisor *tmpl, int workers)
{
	struct cb_err err = { "" };
	struct cb_oci_state st;
	struct timeval tv = { 5, 0 }; /* a runtime sends at once: do not wait on a stuck peer */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int fd = receive(conn, &st, &err);
	if (fd < 0) {
		fprintf(stderr, "compatbox agent: container ignored: %s\n", err.msg);
		return;
	}
	const struct cb_plan *plan;
	if (cb_agent_plan_for(st.metadata, &plan, &err)) {
		/* Closing the listener fails the container's trapped calls
		 * (ENOSYS): without its policy it must not run supervised by
		 * another one. */
		fprintf(stderr, "compatbox agent: container %s refused: %s\n",
			st.id[0] ? st.id : "(no id)", err.msg);
		close(fd);
		return;
	}
	struct agent_ctr *c = malloc(sizeof(*c));
	if (!c) {
		close(fd);
		fprintf(stderr, "compatbox agent: out of memory\n");
		return;
	}
	c->sup = *tmpl;
	c->sup.plan = plan;
	snprintf(c->id, sizeof(c->id), "%s", st.id[0] ? st.id : "(no id)");
	c->pid = st.pid;
	struct cb_pool *pool;
	int rc = cb_listener_init(&c->sup.l, fd, true, &err);
	c->sup.l.recv_sees_hangup = recv_sees_hangup;
	if (rc || cb_pool_start_owned(&pool, &c->sup, 1, workers, ctr_done, c, &err)) {
		/* Closing the listener fails the container's trapped calls
		 * (ENOSYS): it does not run unsupervised. */
		fprintf(stderr, "compatbox agent: container %s: %s\n", c->id, err.msg);
		close(fd);
		free(c);
		return;
	}
	int now = atomic_fetch_add(&live_containers, 1) + 1;
	fprintf(stderr, "compatbox agent: container %s (pid %d%s%s) supervised; %d in all\n",
		c->id, st.pid, st.metadata[0] ? ", metadata " : "", st.metadata, now);
}

static int listen_on(const char *path, struct cb_err *err)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path))
		return cb_fail(err, ENAMETOOLONG, "--socket %s: longer than %zu bytes", path,
			       sizeof(a.sun_path) - 1);
	strcpy(a.sun_path, path);
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return cb_fail(err, EEXIST, "--socket %s: exists and is not a socket; "
				       "remove it or choose another path", path);
		unlink(path);
	}
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return cb_fail(err, errno, "socket: %s", strerror(errno));
	mode_t old = umask(077); /* only the runtime's user may hand us containers */
	int rc = bind(s, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc < 0 || listen(s, 64) < 0) {
		int e = errno;
		close(s);
		return cb_fail(err, e, "--socket %s: %s (does the directory exist?)", path, strerror(e));
	}
	return s;
}

int cb_agent_run(const struct cb_agent_opts *o)
{
	struct cb_err err = { "" };
	static struct cb_supervisor tmpl; /* large tables: not on the stack */
	static struct cb_log log;
	tmpl.tr.dbs[tmpl.tr.ndbs++] = &cb_abi_builtin;
	tmpl.deny_unknown = true;
	if (cb_dispatch_build(&tmpl.d, &err)) {
		fprintf(stderr, "compatbox agent: internal error: %s\n", err.msg);
		return 125;
	}
	if (cb_agent_policies_init(o->policy, o->policy_dir, &err)) {
		fprintf(stderr, "compatbox agent: --policy: %s\n", err.msg);
		return 125;
	}
	if (o->log_path) {
		/* The agent's trail: every container's calls, one writer. */
		struct cb_log_opts lo = { .path = o->log_path, .policy = o->policy ? o->policy : "agent" };
		if (cb_log_open(&log, &lo, &err)) {
			fprintf(stderr, "compatbox agent: --log: %s\n", err.msg);
			return 125;
		}
		tmpl.log = &log;
	}
	recv_sees_hangup = cb_notif_probe_hangup();
	prctl(PR_SET_DUMPABLE, 0); /* containers must not read the agent's memory */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	cb_guest_setup();
	cb_task_cache_fit(o->workers * 8, getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long)rl.rlim_cur : 1024);

	/* Blocked before any worker starts, so only the signalfd sees them. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGPIPE);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	cleanup_fd int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	cleanup_fd int ls = listen_on(o->socket_path, &err);
	if (ls < 0 || sfd < 0) {
		fprintf(stderr, "compatbox agent: %s\n", ls < 0 ? err.msg : strerror(errno));
		return 125;
	}
	fprintf(stderr, "compatbox agent: listening on %s\n", o->socket_path);
	for (;;) {
		struct pollfd p[2] = { { .fd = ls, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGPIPE)
				break;
		}
		if (p[0].revents & POLLIN) {
			int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
			if (conn >= 0) {
				serve(conn, &tmpl, o->workers);
				close(conn);
			}
		}
	}
	unlink(o->socket_path);
	fprintf(stderr, "compatbox agent: stopped with %d containers supervised\n",
		atomic_load(&live_containers));
	if (tmpl.log)
		cb_log_close(tmpl.log, 0, NULL); /* what is queued, then the end record */
	return 0;
}
