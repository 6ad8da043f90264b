/* x86_64-only edge cases of the filter: a 64-bit process may enter the
 * i386 syscall table with int $0x80, and the x32 table with bit 30 set. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "int80")) {
		int p[2];
		if (pipe(p) < 0)
			return 2;
		(void)!write(p[1], "12345", 5);
		static int v = -1; /* int 0x80 takes 32-bit pointers: keep it low */
		long ret;
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(54L), "b"((long)p[0]), "c"((long)FIONREAD), "d"(&v)
				 : "memory");
		printf("int80 ioctl %ld %d\n", ret, v);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "x32")) {
		long ret;
		/* x32 getpid: __X32_SYSCALL_BIT | 39 */
		__asm__ volatile("syscall" : "=a"(ret) : "a"(0x40000000L | 39) : "rcx", "r11", "memory");
		printf("x32 getpid returned %ld\n", ret);
		return 0;
	}
	fprintf(stderr, "usage: abi_edges int80|x32\n");
	return 2;
}
