#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handshake.h"

static void report(int sock, int stage, int err)
{
	struct cb_hs_msg m = { .type = CB_HS_FAIL, .stage = stage, .err = err };
	(void)!send(sock, &m, sizeof(m), MSG_NOSIGNAL);
}

__attribute__((noreturn)) static void fail(int sock, int stage, int err)
{
	report(sock, stage, err);
	_exit(125);
}

void cb_shim_run(const struct cb_shim_args *a)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(a->sock, CB_STAGE_NNP, errno);
	int rc = cb_caps_drop_all_but(&a->keep_caps);
	if (rc < 0)
		fail(a->sock, CB_STAGE_CAPS, -rc);

	/* Every syscall after the filter is in place may be trapped, even the
	 * one that would hand the listener over. So the supervisor is told the
	 * fd number in advance and fetches the listener with pidfd_getfd; the
	 * lowest free descriptor is what seccomp() will return. A dup finds
	 * it without needing any file (an empty image may lack /dev/null). */
	int probe = fcntl(a->sock, F_DUPFD_CLOEXEC, 0);
	if (probe < 0)
		fail(a->sock, CB_STAGE_FILTER, errno);
	close(probe);
	struct cb_hs_msg hello = { .type = CB_HS_HELLO, .pid = getpid(), .fd = probe };
	if (send(a->sock, &hello, sizeof(hello), MSG_NOSIGNAL) != sizeof(hello))
		_exit(125);

	long lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER | a->filter_flags, a->prog);
	if (lfd < 0)
		fail(a->sock, CB_STAGE_FILTER, errno);
	if (lfd != probe)
		fail(a->sock, CB_STAGE_FILTER, EBADF);

	/* From here on the supervisor holds its own copy of the listener. */
	char go = 0;
	ssize_t n;
	do
		n = read(a->sock, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || go != CB_HS_GO)
		_exit(125); /* supervisor gone: do not run unsupervised */
	close((int)lfd);

	execve(a->path, a->argv, a->envp);
	int e = errno;
	report(a->sock, CB_STAGE_EXEC, e);
	_exit(e == ENOENT ? 127 : 126);
}
