/* The guest of fd_names.sh: one fd number named by one file after another,
 * each change made by another call the supervisor must see (close, dup2,
 * dup3, close_range, execve's close-on-exec, a thread's close, a child's
 * own table), and an ioctl on it after each. Before every ioctl the guest
 * writes the line "TID FD NAME" to the file in argv[1], NAME being what
 * /proc says the fd is: the audit trail must say the same, in order. */
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static FILE *out;
static int slot = 10; /* the fd number every step reuses */

static void ask(int fd)
{
	char link[64], name[256];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, name, sizeof(name) - 1);
	name[n > 0 ? n : 0] = 0;
	fprintf(out, "%ld %d %s\n", (long)syscall(SYS_gettid), fd, name);
	fflush(out);
	struct termios t;
	ioctl(fd, TCGETS, &t); /* ENOTTY but on the pty: still trapped, still a record */
}

/* Open PATH at the slot, which must be free: by F_DUPFD, which takes a
 * free number and changes no slot, so that the change the trail must have
 * seen is the close that freed it. */
static void open_at_slot(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0 || (fd != slot && fcntl(fd, F_DUPFD, slot) != slot)) {
		perror(path);
		exit(2);
	}
	if (fd != slot)
		close(fd);
}

static void *thread_main(void *arg)
{
	(void)arg;
	close(slot);
	open_at_slot("/dev/zero");
	ask(slot);
	return NULL;
}

static void wait_file(const char *dir, const char *name)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	while (access(p, F_OK) != 0)
		usleep(2000);
}

static void put_file(const char *dir, const char *name, long v)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fprintf(f, "%ld\n", v);
		fclose(f);
	}
}

/* "reuse DIR" (fd_names_reuse.sh): a child keeps the pty's name for its
 * fd 10 and exits; the test has the next task take its tid (ns_last_pid);
 * that task, another child, has /dev/null at fd 10, put there by F_DUPFD
 * (no slot change), and its ioctl's record must say so. DIR/want gets the
 * names the children saw, in order. */
static int reuse(const char *dir)
{
	char want[4200];
	snprintf(want, sizeof(want), "%s/want", dir);
	out = fopen(want, "a");
	if (!out)
		return 2;
	pid_t p1 = fork();
	if (p1 == 0) {
		open_at_slot("/dev/ptmx");
		usleep(100 * 1000); /* the fork is seen over (a sweep) */
		ask(slot);
		ask(slot);
		put_file(dir, "p1", (long)getpid());
		wait_file(dir, "go");
		_exit(0);
	}
	int st;
	if (p1 < 0 || waitpid(p1, &st, 0) != p1 || st != 0)
		return 2;
	wait_file(dir, "fork");
	pid_t p2 = fork();
	if (p2 == 0) {
		open_at_slot("/dev/null");
		ask(slot);
		_exit(0);
	}
	if (p2 < 0 || waitpid(p2, &st, 0) != p2 || st != 0)
		return 2;
	return 0;
}

/* "payload" (audit_exec.sh): TIOCSPTLCK, whose argument the trail reads
 * after the answer, on the pty master at the slot, before and after an
 * execve of the same thread: 1 (lock) before, 0 (unlock) after. */
static int payload(char **argv, bool after)
{
	int v = after ? 0 : 1;
	if (!after) {
		int pty = posix_openpt(O_RDWR | O_NOCTTY);
		if (pty < 0 || dup2(pty, slot) != slot)
			return 2;
	}
	if (ioctl(slot, TIOCSPTLCK, &v) != 0)
		return 3;
	if (after) {
		/* The argument is read after the answer: an mm that is gone
		 * by then (the process exited) has nothing to read. */
		usleep(300 * 1000);
		return 0;
	}
	execl("/proc/self/exe", argv[0], "payload", "after", (char *)NULL);
	return 4;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "payload") == 0)
		return payload(argv, argc > 2);
	if (argc == 3 && strcmp(argv[1], "reuse") == 0)
		return reuse(argv[2]);
	if (argc < 2)
		return 2;
	out = fopen(argv[1], "a");
	if (!out)
		return 2;
	if (argc > 2) {
		/* After the execve: the close-on-exec slot is free again. */
		if (fcntl(slot, F_GETFD) >= 0)
			return 3;
		open_at_slot("/dev/null");
		ask(slot);
		return 0;
	}
	int pty = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty < 0 || grantpt(pty) || unlockpt(pty))
		return 2;
	if (dup2(pty, slot) != slot)
		return 2;
	ask(slot);
	ask(slot); /* the same again: a name kept may serve */
	close(slot);
	open_at_slot("/dev/null"); /* close, then an open: a new file */
	ask(slot);
	int p[2];
	if (pipe(p))
		return 2;
	dup2(p[0], slot); /* replaced without a close */
	ask(slot);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 2;
	syscall(SYS_dup3, sv[0], slot, 0);
	ask(slot);
	ask(slot);
	syscall(SYS_close_range, slot, slot, 0);
	open_at_slot(ptsname(pty));
	ask(slot);
	syscall(SYS_close_range, 3, ~0u, 0); /* every slot but the trail's, reopened below */
	out = fopen(argv[1], "a");
	if (!out)
		return 2;
	open_at_slot("/dev/null");
	ask(slot);
	/* The same open file under another name: a kept name is used a
	 * second at most (CB_FD_NAME_TTL_MS). */
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.file", argv[1]);
	close(slot);
	int f = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (f < 0 || (f != slot && fcntl(f, F_DUPFD, slot) != slot))
		return 2;
	if (f != slot)
		close(f);
	ask(slot);
	unlink(tmp);
	usleep(1200 * 1000);
	ask(slot);
	/* Another thread of the same table changes it. */
	pthread_t th;
	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, NULL))
		return 2;
	ask(slot);
	/* A child changes its own table; the parent's slot stays. */
	pid_t pid = fork();
	if (pid == 0) {
		ask(slot);
		close(slot);
		if (pipe(p) || (p[0] != slot && fcntl(p[0], F_DUPFD, slot) != slot))
			_exit(2);
		ask(slot);
		_exit(0);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		return 2;
	ask(slot);
	/* execve closes the slot: close-on-exec. */
	fcntl(slot, F_SETFD, FD_CLOEXEC);
	fclose(out);
	execl("/proc/self/exe", argv[0], argv[1], "after-exec", (char *)NULL);
	return 4;
}
