/* The guest of tests/integration/fuse_ioctl.sh, built -m32 and -m64:
 *
 *   mydev FILE [C]
 *
 * on FILE (the fixture's mydev): MYDEV_GET, MYDEV_SET with new values (c = C
 * when given, e.g. one wider than an i386 long), MYDEV_GET again; one line
 * per call with its request number as this ABI encodes it, the result, the
 * errno name, and every field. Exits 0 when every call succeeded and the
 * second GET returned what SET stored. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../fixtures/mydev.h"

static int call(int fd, const char *what, unsigned long req, struct mydev_info *v)
{
	int r = ioctl(fd, req, v);
	int e = errno;
	printf("%s 0x%08lx %d %s a=0x%08" PRIx32 " b=0x%016" PRIx64 " c=%ld\n", what, req, r,
	       r < 0 ? strerrorname_np(e) : "ok", (uint32_t)v->a, (uint64_t)v->b, v->c);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s MYDEV-FILE [C]\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		printf("open %s: %s\n", argv[1], strerrorname_np(errno));
		return 2;
	}
	printf("sizeof(struct mydev_info) %zu\n", sizeof(struct mydev_info));
	struct mydev_info got = { 0 };
	int bad = call(fd, "MYDEV_GET", MYDEV_GET, &got) != 0;
	/* A u64 above 2^32 and a negative long (what i386 has of one). */
	struct mydev_info set = { .a = 0xa1b2c3d4, .b = 0xfedcba9876543210ULL, .c = -123456789 };
	if (argc == 3)
		set.c = strtol(argv[2], NULL, 0);
	bad |= call(fd, "MYDEV_SET", MYDEV_SET, &set) != 0;
	struct mydev_info again = { 0 };
	bad |= call(fd, "MYDEV_GET", MYDEV_GET, &again) != 0;
	bad |= again.a != set.a || again.b != set.b || again.c != set.c;
	close(fd);
	return bad;
}
