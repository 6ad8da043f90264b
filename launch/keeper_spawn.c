/* Starting the keeper in a PID namespace of its own. As that namespace's
 * init it cannot be signalled by the guest (the kernel drops SIGKILL and
 * SIGSTOP sent to an init from inside its namespace), the guest cannot name
 * the supervisor by pid, and when the keeper exits for any reason the
 * kernel kills every process of the namespace. See docs/threat-model.md. */
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/cleanup.h"

/* fork() with namespace flags. glibc's clone() wrapper wants a new stack;
 * the raw call with none behaves as fork. The supervisor has no threads
 * yet, so there is no lock another thread could hold in the child. */
static pid_t fork_with(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	cleanup_fd int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
}

/* The guest keeps its own uid and gid: map exactly them (all an
 * unprivileged process may map; setgroups must be denied first). */
static int map_ids(pid_t child, uid_t uid, gid_t gid)
{
	char m[64];
	snprintf(m, sizeof(m), "%u %u 1\n", uid, uid);
	int rc = write_file(child, "uid_map", m);
	if (rc == 0)
		rc = write_file(child, "setgroups", "deny\n");
	snprintf(m, sizeof(m), "%u %u 1\n", gid, gid);
	if (rc == 0)
		rc = write_file(child, "gid_map", m);
	return rc;
}

pid_t cb_keeper_spawn(enum cb_keeper_ns *how)
{
	if (getenv("COMPATBOX_TEST_NO_PIDNS") == NULL) {
		pid_t p = fork_with(CLONE_NEWPID);
		if (p >= 0) {
			*how = CB_KEEPER_PIDNS;
			return p;
		}
		/* No CAP_SYS_ADMIN: a user namespace gives the PID namespace an
		 * owner. The child waits until its ids are mapped. */
		int sync[2];
		if (pipe2(sync, O_CLOEXEC) == 0) {
			uid_t uid = geteuid();
			gid_t gid = getegid();
			p = fork_with(CLONE_NEWUSER | CLONE_NEWPID);
			if (p == 0) {
				close(sync[1]);
				/* A non-dumpable process's /proc files are root's:
				 * the parent could not write the maps. */
				prctl(PR_SET_DUMPABLE, 1);
				char c;
				if (read(sync[0], &c, 1) != 1)
					_exit(125);
				prctl(PR_SET_DUMPABLE, 0);
				close(sync[0]);
				*how = CB_KEEPER_USERNS;
				return 0;
			}
			close(sync[0]);
			if (p > 0 && map_ids(p, uid, gid) == 0 && write(sync[1], "g", 1) == 1) {
				close(sync[1]);
				*how = CB_KEEPER_USERNS;
				return p;
			}
			close(sync[1]);
			if (p > 0)
				waitpid(p, NULL, __WALL);
		}
	}
	*how = CB_KEEPER_FORK;
	return fork();
}

pid_t cb_keeper_first_child(pid_t keeper)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", keeper, keeper);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int pid = -ESRCH;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -ESRCH;
	fclose(f);
	return pid;
}
