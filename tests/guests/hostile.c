/* Adversarial guests: each mode tries to get past the supervisor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static void heartbeat(const char *file)
{
	for (int i = 0; i < 3000; i++) {
		int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			(void)!write(fd, "t\n", 2);
			close(fd);
		}
		int v;
		ioctl(1, FIONREAD, &v);
		usleep(10000);
	}
}

/* Stop and kill the keeper (our parent) and the supervisor (its pid in
 * SUPFILE, written by the test), by pid and through /proc as a pidfd; then
 * kill our own process group, where the supervisor is too, leaving a child
 * in a group of its own beating HB. */
static int attack(const char *supfile, const char *hb)
{
	pid_t keeper = getppid(), sup = 0;
	for (int i = 0; i < 500 && !sup; i++) {
		FILE *f = fopen(supfile, "re");
		if (f) {
			if (fscanf(f, "%d", &sup) != 1)
				sup = 0;
			fclose(f);
		}
		if (!sup)
			usleep(10000);
	}
	int stop = kill(keeper, SIGSTOP);
	int ksup = kill(sup, SIGKILL);
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d", sup);
	int d = open(p, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	int psup = d < 0 ? -1 : (int)syscall(SYS_pidfd_send_signal, d, SIGKILL, NULL, 0);
	int kkeep = kill(keeper, SIGKILL);
	printf("keeper stop %d kill %d; supervisor kill %d pidfd %d\n", stop, kkeep, ksup, psup);
	int ready[2];
	if (pipe(ready))
		return 1;
	if (fork() == 0) {
		setpgid(0, 0);
		close(ready[0]);
		close(ready[1]);
		heartbeat(hb);
		_exit(0);
	}
	close(ready[1]);
	char c;
	(void)!read(ready[0], &c, 1); /* EOF once the child is in its group */
	kill(0, SIGKILL);
	return 3;
}

/* io_uring_setup, _enter and _register (the same numbers on both ABIs):
 * what each returned. Its operations would bypass the filter. */
static int uring(void)
{
	uint32_t params[30] = { 0 }; /* struct io_uring_params: 120 bytes */
	long fd = syscall(425, 4, params);
	printf("setup %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	long r = syscall(426, fd >= 0 ? (int)fd : -1, 0, 0, 0, NULL, 0);
	printf("enter %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	r = syscall(427, fd >= 0 ? (int)fd : -1, 0xffff, NULL, 0);
	printf("register %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 3 && !strcmp(argv[1], "attack"))
		return attack(argv[2], argv[3]);
	if (argc > 1 && !strcmp(argv[1], "uring"))
		return uring();
	fprintf(stderr, "usage: hostile attack SUPFILE HB | uring\n");
	return 2;
}
