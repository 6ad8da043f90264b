/* Probing how RECV behaves once a filter has no task left. */
#include "notify.h"

#include <errno.h>
#include <linux/filter.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"
#include "../common/seccomp_compat.h"

/* In a child: a filter that allows everything, with a listener, sent to
 * SOCK; the child then exits and leaves the filter with no task. */
static __attribute__((noreturn)) void make_orphan_listener(int sock)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		_exit(1);
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { "l", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
			     .msg_controllen = sizeof(cm.b) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	_exit(sendmsg(sock, &mh, 0) == 1 ? 0 : 1);
}

static int receive_fd(int sock)
{
	char c;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { &c, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.b,
			     .msg_controllen = sizeof(cm.b) };
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1 || !CMSG_FIRSTHDR(&mh) ||
	    CMSG_FIRSTHDR(&mh)->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	return fd;
}

bool cb_notif_probe_hangup(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	pid_t maker = fork();
	if (maker == 0)
		make_orphan_listener(sv[1]);
	close(sv[1]);
	cleanup_fd int fd = maker > 0 ? receive_fd(sv[0]) : -1;
	close(sv[0]);
	if (maker > 0)
		waitpid(maker, NULL, 0);
	if (fd < 0)
		return false;
	/* The filter's only task is gone. A RECV that blocks now would block
	 * for ever: it runs in a child that is killed if it does not end. */
	pid_t asker = fork();
	if (asker == 0) {
		static char buf[4096]; /* zeroed, as RECV insists; larger than any notif */
		_exit(ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, buf) < 0 && errno == ENOENT ? 0 : 1);
	}
	if (asker < 0)
		return false;
	cleanup_fd int pidfd = (int)syscall(SYS_pidfd_open, asker, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	if (pidfd < 0 || poll(&p, 1, 100) != 1)
		kill(asker, SIGKILL);
	int st;
	if (waitpid(asker, &st, 0) != asker)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
