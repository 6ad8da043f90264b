/* The demo guest: a 32-bit program asking the kernel a few typical ioctls
 * of a legacy terminal tool. Under compatbox each one shows up in the log. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *what, int r)
{
	if (r < 0)
		printf("  %-34s -> error %s\n", what, strerrorname_np(errno));
	else
		printf("  %-34s -> %d\n", what, r);
}

int main(void)
{
	printf("demo: an i386 program (sizeof(long) == %zu) issuing ioctls\n", sizeof(long));
	int pty = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty < 0 || grantpt(pty) || unlockpt(pty)) {
		perror("posix_openpt");
		return 1;
	}
	int tty = open(ptsname(pty), O_RDWR | O_NOCTTY);
	struct termios t;
	show("TCGETS on a pty", ioctl(tty, TCGETS, &t));
	struct winsize ws = { .ws_row = 25, .ws_col = 80 };
	show("TIOCSWINSZ 80x25", ioctl(tty, TIOCSWINSZ, &ws));
	memset(&ws, 0, sizeof(ws));
	int r = ioctl(tty, TIOCGWINSZ, &ws);
	show("TIOCGWINSZ", r);
	printf("  %-34s    %ux%u\n", "", ws.ws_col, ws.ws_row);
	int p[2];
	if (pipe(p) == 0 && write(p[1], "hello", 5) == 5) {
		int n = 0;
		show("FIONREAD on a pipe holding 5 bytes", ioctl(p[0], FIONREAD, &n));
		printf("  %-34s    %d bytes\n", "", n);
	}
	int f = open("/proc/self/exe", O_RDONLY);
	long flags = 0;
	show("FS_IOC_GETFLAGS on the program", ioctl(f, FS_IOC_GETFLAGS, &flags));
	show("an unknown request 0xdead", ioctl(tty, 0xdead, NULL));
	return 0;
}
