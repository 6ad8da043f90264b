/* Guest of view_cache.sh: what a path call or an ioctl answers after the
 * thread's credentials or fds changed between two calls, for the
 * supervisor's per-thread caches (guest/task_view.c) to get wrong
 * if they kept what they should have forgotten. Raw syscalls: what is
 * tested is each call as the supervisor sees it.
 *
 *   view_guest creds DIR_A DIR_B GID   one line per step: "STEP rc errno"
 *   view_guest exec-thread DIR_A       a thread takes other ids, then execs
 *   view_guest fds                     ioctls on fd N, closed and reopened
 *   view_guest unshare DIR_A           new user and mount namespaces, then
 *                                      a tmpfs over DIR_A
 *   view_guest chroot-thread DIR       another thread chroots to DIR between
 *                                      two stats of /f */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#ifdef SYS_setfsuid32 /* i386: the 32-bit ids' calls */
#define NR_SETFSUID SYS_setfsuid32
#define NR_SETGROUPS SYS_setgroups32
#define NR_SETRESUID SYS_setresuid32
#define NR_STAT SYS_stat64
#else
#define NR_SETFSUID SYS_setfsuid
#define NR_SETGROUPS SYS_setgroups
#define NR_SETRESUID SYS_setresuid
#define NR_STAT SYS_stat
#endif

static void step(const char *name, long r)
{
	printf("%s %ld %s\n", name, r < 0 ? -1L : r, r < 0 ? strerrorname_np(errno) : "0");
	fflush(stdout);
}

static long stat_(const char *dir)
{
	char path[4096], buf[256];
	snprintf(path, sizeof(path), "%s/f", dir);
	return syscall(NR_STAT, path, buf);
}

static int creds(const char *a, const char *b, unsigned gid)
{
	gid_t g = gid;
	step("root-stat-a", stat_(a));
	syscall(NR_SETFSUID, 65534);
	step("fsuid-nobody-stat-a", stat_(a));
	syscall(NR_SETFSUID, 0);
	step("fsuid-root-stat-a", stat_(a));
	syscall(NR_SETFSUID, 65534);
	step("no-groups-stat-b", stat_(b));
	syscall(NR_SETGROUPS, 1, &g);
	step("group-stat-b", stat_(b));
	syscall(NR_SETGROUPS, 0, NULL);
	step("groups-dropped-stat-b", stat_(b));
	syscall(NR_SETFSUID, 0);
	syscall(NR_SETRESUID, -1, 65534, -1); /* the fsuid follows the euid */
	step("euid-nobody-stat-a", stat_(a));
	syscall(NR_SETRESUID, -1, 0, -1);
	step("euid-root-stat-a", stat_(a));
	return 0;
}

static const char *exec_dir;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage;

static void wait_stage(int s)
{
	pthread_mutex_lock(&mu);
	while (stage < s)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void set_stage(int s)
{
	pthread_mutex_lock(&mu);
	stage = s;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* This thread only (a raw call, not glibc's broadcast) becomes nobody;
 * after the leader's stat it execs, and so takes the leader's tid. */
static void *exec_thread(void *arg)
{
	(void)arg;
	syscall(NR_SETRESUID, 65534, 65534, 65534);
	set_stage(1);
	wait_stage(2);
	char *argv[] = { "view_guest", "after-exec", (char *)exec_dir, NULL };
	execv("/proc/self/exe", argv);
	perror("execv");
	_exit(1);
}

static int exec_in_thread(const char *a)
{
	pthread_t t;
	exec_dir = a;
	pthread_create(&t, NULL, exec_thread, NULL);
	wait_stage(1);
	step("leader-root-stat-a", stat_(a)); /* kept for the leader's tid */
	set_stage(2);
	pthread_join(t, NULL); /* the execve ends this thread */
	return 1;
}

/* fd N: a pty's slave, then a pipe with 3 bytes, then one with 5. */
static int fds(void)
{
	int master, slave, p[2], q[2], n = -1;
	struct termios t;
	if (openpty(&master, &slave, NULL, NULL, NULL) < 0 || pipe(p) < 0 || pipe(q) < 0)
		return perror("setup"), 1;
	int fd = slave;
	step("pty-tcgets", syscall(SYS_ioctl, fd, TCGETS, &t));
	dup2(p[0], fd); /* fd now names the first pipe */
	step("pipe-tcgets", syscall(SYS_ioctl, fd, TCGETS, &t));
	if (write(p[1], "abc", 3) != 3)
		return 1;
	step("pipe3-fionread", syscall(SYS_ioctl, fd, FIONREAD, &n) < 0 ? -1 : n);
	close(fd);
	if (dup2(q[0], fd) != fd || write(q[1], "abcde", 5) != 5)
		return 1;
	step("pipe5-fionread", syscall(SYS_ioctl, fd, FIONREAD, &n) < 0 ? -1 : n);
	close(fd);
	step("closed-fionread", syscall(SYS_ioctl, fd, FIONREAD, &n));
	return 0;
}

/* In namespaces of its own the thread sees DIR_A's tmpfs, and no f. */
static int unshare_ns(const char *a)
{
	step("before-stat-a", stat_(a));
	if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return printf("unshare-failed %s\n", strerrorname_np(errno)), 0;
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", a, "tmpfs", 0, NULL) < 0)
		return printf("mount-failed %s\n", strerrorname_np(errno)), 0;
	step("own-ns-stat-a", stat_(a));
	return 0;
}

/* A chroot by another thread changes the root this one resolves from:
 * /f is DIR/f afterwards. */
static void *chroot_thread(void *dir)
{
	step("thread-chroot", syscall(SYS_chroot, (const char *)dir));
	return NULL;
}

static int chroot_in_thread(const char *dir)
{
	char buf[256];
	pthread_t t;
	step("before-stat-f", syscall(NR_STAT, "/f", buf));
	pthread_create(&t, NULL, chroot_thread, (void *)dir);
	pthread_join(t, NULL);
	step("after-stat-f", syscall(NR_STAT, "/f", buf));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "chroot-thread"))
		return chroot_in_thread(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "unshare"))
		return unshare_ns(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "creds"))
		return creds(argv[2], argv[3], (unsigned)atoi(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "exec-thread"))
		return exec_in_thread(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "after-exec")) {
		step("after-exec-stat-a", stat_(argv[2]));
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "fds"))
		return fds();
	fprintf(stderr, "usage: view_guest creds DIR_A DIR_B GID | exec-thread DIR_A | fds | unshare DIR_A | "
			"chroot-thread DIR\n");
	return 2;
}
