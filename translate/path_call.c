/* Why a child: the kernel lets a thread see everything of its own thread
 * group in /proc (`same_thread_group` in __ptrace_may_access and
 * proc_fd_permission), and a worker is in the supervisor's. So
 * `/proc/<supervisor>/fd/N`, `/cwd`, `/environ`... would resolve for a
 * guest that natively gets EACCES there (the supervisor is not dumpable:
 * its fd directory is root's, ptrace checks need CAP_SYS_PTRACE). A child
 * made with clone(CLONE_VM | CLONE_VFORK | CLONE_FILES) and no
 * CLONE_THREAD shares the worker's memory, fds and credentials (the
 * guest's, taken for the call) but is a thread group of its own: the
 * kernel then answers as it answers the guest.
 *
 * A clone costs ~50 µs, 30 times the call, so it is made only when the
 * resolution may involve procfs: a probe (openat2, O_PATH,
 * RESOLVE_NO_MAGICLINKS, the caller's credentials) lands on procfs, meets
 * a magic link, or fails before the last component is reached. A path
 * that resolves wholly outside /proc without a magic link resolves the
 * same from any thread group. */
#include "path_call.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"

#define CHILD_STACK (64 << 10)

static bool fd_on_proc(int fd)
{
	struct statfs s;
	return fstatfs(fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

/* O_PATH fd of PATH from DIRFD without magic links, or -errno. */
static int probe(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
				.resolve = RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

bool cb_xpath_may_reach_proc(int dirfd, const char *path, bool follow)
{
	if (!*path)
		return fd_on_proc(dirfd);
	int fd = probe(dirfd, path, follow ? 0 : O_NOFOLLOW);
	if (fd >= 0) {
		bool p = fd_on_proc(fd);
		close(fd);
		return p;
	}
	if (fd != -ENOENT && fd != -ENOTDIR && fd != -EACCES)
		return true; /* ELOOP (a magic link), ENOSYS (no openat2)... */
	/* The last lookup may have failed where the guest's would too: look
	 * at its directory, and at the last component when it is a symlink
	 * to be followed (it could lead into /proc). */
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t cut = n;
	while (cut > 0 && path[cut - 1] != '/')
		cut--;
	cleanup_free char *dir = strndup(path, cut ? cut : 1);
	cleanup_free char *last = strndup(path + cut, n - cut);
	if (!dir || !last)
		return true;
	if (!cut)
		strcpy(dir, ".");
	int d = probe(dirfd, dir, O_DIRECTORY);
	if (d < 0)
		return true;
	bool p = fd_on_proc(d);
	struct stat st;
	if (!p && follow && fstatat(d, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		p = true;
	close(d);
	return p;
}

struct job {
	long (*fn)(void *);
	void *arg;
	long result;
};

static int child_main(void *arg)
{
	struct job *j = arg;
	/* The child runs on the calling thread's memory and thread-local
	 * storage while that thread is suspended (CLONE_VFORK). */
	j->result = j->fn(j->arg);
	return 0;
}

long cb_outside_thread_group(long (*fn)(void *), void *arg)
{
	cleanup_free char *stack = malloc(CHILD_STACK);
	if (!stack)
		return -ENOMEM;
	struct job j = { fn, arg, -ENOSYS };
	/* Exit signal 0: nobody else is told; reaped here with __WCLONE. */
	pid_t pid = clone(child_main, stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | CLONE_FILES, &j);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, NULL, __WCLONE) < 0 && errno == EINTR)
		;
	return j.result;
}

bool cb_xpath_names_supervisor(const char *resolved)
{
	int n = 0;
	unsigned id;
	if (sscanf(resolved, "/proc/%u%n", &id, &n) != 1 || (resolved[n] && resolved[n] != '/'))
		return false;
	char p[48];
	snprintf(p, sizeof(p), "/proc/self/task/%u", id);
	return id == (unsigned)getpid() || access(p, F_OK) == 0;
}

struct call {
	long nr;
	const uint64_t *a;
};

static long raw_call(void *arg)
{
	const struct call *c = arg;
	long r = syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
	return r < 0 ? -errno : r;
}

long cb_xpath_call(long nr, const uint64_t a[6], int dirfd, const char *path, bool follow)
{
	struct call c = { nr, a };
	if (!cb_xpath_may_reach_proc(dirfd, path, follow))
		return raw_call(&c);
	return cb_outside_thread_group(raw_call, &c);
}
