/* PID 1 of the throw-away test VM (scripts/vm.sh).
 *
 * Loads the modules the initramfs carries (virtio and 9p), mounts the host's
 * root read-only over virtio-9p with tmpfs over the places a system writes to,
 * mounts the shared folders read-write at their host paths, makes the 9p root
 * the real root, runs /run/cbctl/run.sh and reaps every process (the suite
 * counts zombies, so orphans must not pile up under PID 1). When run.sh exits
 * its status goes to /run/cbctl/rc and the VM powers off.
 *
 * Written in C, linked statically, so the initramfs needs nothing else: no
 * busybox, no shell, and a PID 1 that reaps what a shell script would not. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NEWROOT "/newroot"
#define P9_RO "trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro"
#define P9_RW "trans=virtio,version=9p2000.L,msize=262144,cache=mmap"

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("cbinit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A VM whose set-up failed has nothing to run: power off, vm.sh reports the
 * missing rc file together with the console tail. */
static void __attribute__((noreturn)) halt(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void must_mount(const char *src, const char *dst, const char *type,
		       unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0) {
		say("mount %s on %s (%s): %s", src, dst, type, strerror(errno));
		halt();
	}
}

/* Best effort: a missing mount point on the host's root is not fatal. */
static void try_mount(const char *src, const char *dst, const char *type,
		      unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		say("mount %s on %s (%s): %s (going on)", src, dst, type, strerror(errno));
}

/* /modules.list: one module file per line, in dependency order. */
static void load_modules(void)
{
	FILE *f = fopen("/modules.list", "r");
	char line[512];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		int fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0) {
			if (errno != EEXIST)
				say("load %s: %s", line, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
}

/* Value of KEY=... on the kernel command line, or NULL. */
static char *cmdline_value(const char *key)
{
	static char buf[4096];
	int fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	size_t klen = strlen(key);
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
		if (strncmp(tok, key, klen) == 0 && tok[klen] == '=')
			return strdup(tok + klen + 1);
	return NULL;
}

/* mkdir -p under the new root, for shares whose host path is on a tmpfs here. */
static void mkdirs(const char *path)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

/* /run/cbctl/shares: "TAG PATH" lines, mounted read-write at PATH. */
static void mount_shares(void)
{
	FILE *f = fopen(NEWROOT "/run/cbctl/shares", "r");
	char tag[64], path[4000], dst[4100];
	if (!f)
		return;
	while (fscanf(f, "%63s %3999[^\n]\n", tag, path) == 2) {
		snprintf(dst, sizeof(dst), NEWROOT "%s", path);
		mkdirs(dst);
		must_mount(tag, dst, "9p", 0, P9_RW);
	}
	fclose(f);
}

static void setup_root(void)
{
	must_mount("proc", "/proc", "proc", 0, NULL);
	load_modules();
	must_mount("cbroot", NEWROOT, "9p", MS_RDONLY, P9_RO);
	static const char *const tmpfs_dirs[] = { "/tmp", "/run", "/var/tmp", "/mnt", "/media" };
	for (size_t i = 0; i < sizeof(tmpfs_dirs) / sizeof(tmpfs_dirs[0]); i++) {
		char dst[64];
		snprintf(dst, sizeof(dst), NEWROOT "%s", tmpfs_dirs[i]);
		try_mount("tmpfs", dst, "tmpfs", 0, strcmp(tmpfs_dirs[i], "/tmp") ? "mode=755" : "mode=1777");
	}
	must_mount("proc", NEWROOT "/proc", "proc", 0, NULL);
	must_mount("sysfs", NEWROOT "/sys", "sysfs", 0, NULL);
	try_mount("cgroup2", NEWROOT "/sys/fs/cgroup", "cgroup2", 0, NULL);
	must_mount("devtmpfs", NEWROOT "/dev", "devtmpfs", 0, NULL);
	mkdir(NEWROOT "/dev/pts", 0755);
	must_mount("devpts", NEWROOT "/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666,mode=620,gid=5");
	mkdir(NEWROOT "/dev/shm", 01777);
	must_mount("tmpfs", NEWROOT "/dev/shm", "tmpfs", 0, "mode=1777");
	unlink(NEWROOT "/dev/ptmx");
	symlink("pts/ptmx", NEWROOT "/dev/ptmx");
	symlink("/proc/self/fd", NEWROOT "/dev/fd");
	symlink("/proc/self/fd/0", NEWROOT "/dev/stdin");
	symlink("/proc/self/fd/1", NEWROOT "/dev/stdout");
	symlink("/proc/self/fd/2", NEWROOT "/dev/stderr");
	mkdir(NEWROOT "/run/cbctl", 0755);
	must_mount("cbctl", NEWROOT "/run/cbctl", "9p", 0, P9_RW);
	/* The VM kernel's modules, for the driver tests: modprobe -d /run/cbmods
	 * (the host's read-only root has no /lib/modules of this kernel). */
	char *kver = cmdline_value("cb.kver");
	if (kver) {
		char dst[512];
		snprintf(dst, sizeof(dst), NEWROOT "/run/cbmods/lib/modules/%s", kver);
		mkdirs(dst);
		try_mount("cbmods", dst, "9p", MS_RDONLY, P9_RO);
	}
	mount_shares();
	if (chdir(NEWROOT) < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
	    chdir("/") < 0) {
		say("switching to the 9p root: %s", strerror(errno));
		halt();
	}
}

int main(void)
{
	setup_root();
	sethostname("cbvm", 4);
	pid_t child = fork();
	if (child == 0) {
		setsid();
		execl("/bin/sh", "sh", "/run/cbctl/run.sh", (char *)NULL);
		say("exec /bin/sh /run/cbctl/run.sh: %s", strerror(errno));
		_exit(127);
	}
	int status = 0, rc = 125;
	for (;;) {
		pid_t p = wait(&status);
		if (p < 0 && errno == ECHILD)
			break;
		if (p == child) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
	}
	FILE *f = fopen("/run/cbctl/rc", "w");
	if (f) {
		fprintf(f, "%d\n", rc);
		fclose(f);
	}
	/* Whatever the command left running is ended before the power goes. */
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	halt();
}
