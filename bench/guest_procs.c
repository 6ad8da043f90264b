/* guest_procs: a guest of several processes (built for i386), for the
 * supervisor's memory use.
 *
 *   guest_procs CHILDREN CALLS
 *
 * With CHILDREN 0 the process itself makes CALLS ioctl(FIONREAD) calls on a
 * pipe (trapped and performed by the supervisor under the default policy).
 * Otherwise it forks CHILDREN children that each make CALLS such calls and
 * then wait, all alive at once, until released. When every call is done it
 * prints "ready" and waits for a line (or EOF) on stdin, so that whoever
 * measures the supervisor can look at it while the guest is at its
 * largest; then it releases the children, waits for them and exits 0 (1
 * when a child failed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int calls(unsigned long n)
{
	int p[2], v;
	if (pipe(p) < 0)
		return -1;
	for (unsigned long i = 0; i < n; i++)
		if (syscall(SYS_ioctl, p[0], FIONREAD, &v) < 0)
			return -1;
	close(p[0]);
	close(p[1]);
	return 0;
}

int main(int argc, char **argv)
{
	long children = argc == 3 ? strtol(argv[1], NULL, 10) : -1;
	long n = argc == 3 ? strtol(argv[2], NULL, 10) : -1;
	if (children < 0 || children > 4096 || n < 0) {
		fputs("usage: guest_procs CHILDREN CALLS\n", stderr);
		return 2;
	}
	int done[2], release[2];
	if (pipe(done) < 0 || pipe(release) < 0) {
		perror("guest_procs: pipe");
		return 1;
	}
	if (children == 0 && calls((unsigned long)n) < 0) {
		perror("guest_procs: ioctl");
		return 1;
	}
	for (long i = 0; i < children; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("guest_procs: fork");
			return 1;
		}
		if (pid == 0) {
			close(release[1]);
			char c = calls((unsigned long)n) < 0 ? 'x' : 'o';
			if (write(done[1], &c, 1) != 1)
				_exit(1);
			while (read(release[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(c == 'x');
		}
	}
	close(release[0]);
	for (long i = 0; i < children; i++) {
		char c;
		if (read(done[0], &c, 1) != 1)
			return 1;
	}
	printf("ready\n");
	fflush(stdout);
	char line[16];
	(void)!fgets(line, sizeof(line), stdin);
	close(release[1]);
	int bad = 0, st;
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	return bad;
}
