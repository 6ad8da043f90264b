#include "ioctl_decode.h"

#include <asm/ioctl.h>
#include <linux/fs.h>
#include <linux/sockios.h>
#include <termios.h>
#include <sys/ioctl.h>

struct cb_ioctl_fields cb_ioctl_split(uint32_t request)
{
	return (struct cb_ioctl_fields){
		.dir = _IOC_DIR(request),
		.type = _IOC_TYPE(request),
		.nr = _IOC_NR(request),
		.size = _IOC_SIZE(request),
	};
}

const char *cb_ioctl_dir_name(unsigned dir)
{
	static const char *const names[] = { "none", "w", "r", "rw" };
	return names[dir & 3];
}

/* Requests whose number is the same for both ABIs. Requests encoding a
 * size that differs per ABI are listed per ABI below. */
static const struct { uint32_t req; const char *name; } common_names[] = {
	{ TCGETS, "TCGETS" },         { TCSETS, "TCSETS" },
	{ TCSETSW, "TCSETSW" },       { TCSETSF, "TCSETSF" },
	{ TCSBRK, "TCSBRK" },         { TCFLSH, "TCFLSH" },
	{ TIOCGWINSZ, "TIOCGWINSZ" }, { TIOCSWINSZ, "TIOCSWINSZ" },
	{ TIOCGPGRP, "TIOCGPGRP" },   { TIOCSPGRP, "TIOCSPGRP" },
	{ TIOCSCTTY, "TIOCSCTTY" },   { TIOCNOTTY, "TIOCNOTTY" },
	{ TIOCSTI, "TIOCSTI" },       { TIOCOUTQ, "TIOCOUTQ" },
	{ TIOCGPTN, "TIOCGPTN" },     { TIOCSPTLCK, "TIOCSPTLCK" },
	{ FIONREAD, "FIONREAD" },     { FIONBIO, "FIONBIO" },
	{ FIOCLEX, "FIOCLEX" },       { FIONCLEX, "FIONCLEX" },
	{ FIOASYNC, "FIOASYNC" },     { SIOCGIFCONF, "SIOCGIFCONF" },
	{ SIOCGIFFLAGS, "SIOCGIFFLAGS" }, { SIOCGIFINDEX, "SIOCGIFINDEX" },
	{ SIOCGIFADDR, "SIOCGIFADDR" }, { SIOCGIFHWADDR, "SIOCGIFHWADDR" },
};

/* FS_IOC_GETFLAGS is declared with a long, so its size field is 4 on i386
 * and 8 on x86_64: the same operation has two numbers. */
static const struct { uint32_t req; const char *name; } i386_names[] = {
	{ 0x80046601u, "FS_IOC_GETFLAGS" },
	{ 0x40046602u, "FS_IOC_SETFLAGS" },
};
static const struct { uint32_t req; const char *name; } x86_64_names[] = {
	{ 0x80086601u, "FS_IOC_GETFLAGS" },
	{ 0x40086602u, "FS_IOC_SETFLAGS" },
};

#define FIND(tab, r)                                              \
	do {                                                      \
		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) \
			if (tab[i].req == (r))                    \
				return tab[i].name;               \
	} while (0)

const char *cb_ioctl_name(enum cb_arch arch, uint32_t request)
{
	FIND(common_names, request);
	if (arch == CB_ARCH_I386)
		FIND(i386_names, request);
	else if (arch == CB_ARCH_X86_64)
		FIND(x86_64_names, request);
	return NULL;
}
