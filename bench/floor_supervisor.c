/* floor_supervisor: the smallest user-notification supervisor that can run
 * the benchmark guest, so that compatbox's round trip has a floor measured
 * on the same machine in the same run.
 *
 *   floor_supervisor [--sync] -- PROGRAM [ARG]...
 *
 * The child traps getppid (x86_64 110, i386 64) to us and nothing else; we
 * answer every notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE from one
 * thread. A second thread only waits for the child and exits with its
 * status, so the notification loop does no work beyond RECV and SEND.
 * --sync asks for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6+). */
#include <errno.h>
#include <poll.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif

#define NR_GETPPID_X86_64 110
#define NR_GETPPID_I386 64

static pid_t child;

static int usage(void)
{
	fputs("usage: floor_supervisor [--sync] -- PROGRAM [ARG]...\n", stderr);
	return 2;
}

static long install_filter(void)
{
	struct sock_filter insns[] = {
		/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 2), /* else 4 */
		/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* x32 numbers have bit 30 set and so never match 110 */
		/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_GETPPID_X86_64, 4, 5), /* 8 : 9 */
		/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 2), /* else 7 */
		/* 5 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_GETPPID_I386, 1, 2), /* 8 : 9 */
		/* 7 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), /* other ABIs */
		/* 8 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		/* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		       &prog);
}

static void send_fd(int sock, int fd)
{
	char c = 'L';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &m, MSG_NOSIGNAL) != 1)
		_exit(125);
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static __attribute__((noreturn)) void run_child(int sock, char **argv)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("floor_supervisor: PR_SET_NO_NEW_PRIVS");
		_exit(125);
	}
	long lfd = install_filter();
	if (lfd < 0) {
		perror("floor_supervisor: seccomp");
		_exit(125);
	}
	send_fd(sock, (int)lfd);
	close((int)lfd);
	close(sock);
	execvp(argv[0], argv);
	fprintf(stderr, "floor_supervisor: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* The notification loop never learns that the child is gone (RECV just
 * blocks), so this thread ends the process when it is. */
static void *waiter(void *arg)
{
	(void)arg;
	int st;
	while (waitpid(child, &st, 0) < 0) {
		if (errno != EINTR)
			_exit(125);
	}
	fflush(NULL);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 125);
}

int main(int argc, char **argv)
{
	bool sync_wakeup = false;
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--sync") == 0)
			sync_wakeup = true;
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-')
			return usage();
		else
			break;
	}
	if (i >= argc)
		return usage();

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("floor_supervisor: socketpair");
		return 125;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		perror("floor_supervisor: fork");
		return 125;
	}
	if (child == 0) {
		close(sv[0]);
		run_child(sv[1], argv + i);
	}
	close(sv[1]);
	int listener = recv_fd(sv[0]);
	close(sv[0]);

	pthread_t t;
	if (pthread_create(&t, NULL, waiter, NULL) != 0) {
		fputs("floor_supervisor: cannot start the waiter thread\n", stderr);
		kill(child, SIGKILL);
		return 125;
	}
	if (listener < 0) {
		/* the child failed before installing its filter; it says why */
		pthread_join(t, NULL);
		return 125;
	}
	if (sync_wakeup &&
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
		fprintf(stderr, "floor_supervisor: SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP: %s\n",
			strerror(errno));
		kill(child, SIGKILL);
		pthread_join(t, NULL);
		return 125;
	}

	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		perror("floor_supervisor: SECCOMP_GET_NOTIF_SIZES");
		kill(child, SIGKILL);
		pthread_join(t, NULL);
		return 125;
	}
	size_t nsize = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif
								       : sizeof(struct seccomp_notif);
	size_t rsize = sz.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			       ? sz.seccomp_notif_resp
			       : sizeof(struct seccomp_notif_resp);
	struct seccomp_notif *n = calloc(1, nsize);
	struct seccomp_notif_resp *r = calloc(1, rsize);
	if (!n || !r) {
		kill(child, SIGKILL);
		pthread_join(t, NULL);
		return 125;
	}

	for (;;) {
		memset(n, 0, nsize); /* RECV insists on a zeroed buffer */
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != ENOENT)
				break;
			/* ENOENT: the caller went away before delivery, or no
			 * task uses the filter any more (the child is exiting),
			 * and then RECV fails at once every time: a loop would
			 * spin until the waiter ends the process. POLLHUP tells
			 * the second case. */
			struct pollfd pfd = { .fd = listener, .events = POLLIN };
			while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
				;
			if (pfd.revents & POLLHUP) {
				pthread_join(t, NULL); /* the waiter exits the process */
				return 125;
			}
			continue;
		}
		r->id = n->id;
		r->val = 0;
		r->error = 0;
		/* Safe: only getppid is trapped, which has no pointer argument,
		 * and nothing of the guest's memory is looked at. */
		r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, r) < 0 && errno != ENOENT)
			break; /* ENOENT: the call was interrupted meanwhile */
	}
	/* Unusable listener: closing it makes trapped calls fail with ENOSYS
	 * rather than hang; the waiter ends the process with the child. */
	fprintf(stderr, "floor_supervisor: notification loop failed: %s\n", strerror(errno));
	close(listener);
	pthread_join(t, NULL);
	return 125;
}
