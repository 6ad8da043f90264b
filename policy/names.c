#include "names.h"

#include <asm/termbits.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/sockios.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "../abi/builtin.h"
#include "../abi/ioctl_decode.h"

#define C(x) { #x, (uint64_t)(x) }
static const struct {
	const char *name;
	uint64_t v;
} consts[] = {
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL), C(O_TRUNC),
	C(O_APPEND), C(O_NONBLOCK), C(O_DIRECTORY), C(O_NOFOLLOW), C(O_CLOEXEC), C(O_PATH),
	C(O_TMPFILE), C(O_NOCTTY), C(O_SYNC), C(O_DIRECT),
	C(AF_UNSPEC), C(AF_UNIX), C(AF_INET), C(AF_INET6), C(AF_NETLINK), C(AF_PACKET),
	C(AF_BLUETOOTH), C(AF_VSOCK), C(AF_ALG), C(AF_KEY),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET), C(SOCK_NONBLOCK),
	C(SOCK_CLOEXEC),
	C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_THREAD),
	C(CLONE_NEWNS), C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET), C(CLONE_NEWUTS),
	C(CLONE_NEWIPC), C(CLONE_NEWCGROUP), C(CLONE_NEWTIME),
	C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC),
	C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_FIXED), C(MAP_ANONYMOUS),
	C(AT_FDCWD), C(AT_SYMLINK_NOFOLLOW), C(AT_EMPTY_PATH), C(AT_REMOVEDIR),
};

bool cb_const_by_name(const char *name, uint64_t *v)
{
	for (size_t i = 0; i < sizeof(consts) / sizeof(consts[0]); i++) {
		if (strcmp(consts[i].name, name) == 0) {
			/* AT_FDCWD is an int: as a 64-bit register it is sign-extended. */
			*v = consts[i].v;
			return true;
		}
	}
	return false;
}

/* Requests the decoder does not name but policies need to: the ones
 * strict denies, and FS_IOC_* (a number per ABI: the decoder names them). */
static const struct {
	const char *name;
	uint32_t req;
} more_reqs[] = {
	{ "TIOCLINUX", TIOCLINUX }, { "TIOCCONS", TIOCCONS }, { "TIOCSETD", TIOCSETD },
	{ "TIOCGETD", TIOCGETD },   { "TIOCEXCL", TIOCEXCL }, { "TIOCNXCL", TIOCNXCL },
	{ "TIOCMGET", TIOCMGET },   { "TIOCMSET", TIOCMSET }, { "TIOCGSID", TIOCGSID },
	{ "TIOCSSERIAL", TIOCSSERIAL }, { "TIOCGSERIAL", TIOCGSERIAL },
	{ "TCGETA", TCGETA }, { "TCSETA", TCSETA }, { "TCXONC", TCXONC },
	{ "FIONCLEX", FIONCLEX }, { "FIOQSIZE", FIOQSIZE }, { "FICLONE", FICLONE },
	{ "BLKGETSIZE64", BLKGETSIZE64 },
};

bool cb_ioctl_req_by_name(const char *name, uint32_t req[CB_ARCH_COUNT])
{
	bool found = false;
	/* What the log shows is what a policy can say: the decoder's names
	 * are found by trying the numbers it knows, per ABI. */
	for (size_t i = 0; i < sizeof(more_reqs) / sizeof(more_reqs[0]); i++) {
		if (strcmp(more_reqs[i].name, name) == 0) {
			for (int a = 0; a < CB_ARCH_COUNT; a++)
				req[a] = more_reqs[i].req;
			return true;
		}
	}
	const struct cb_ioctl *ioc = cb_abi_ioctl_by_name(&cb_abi_builtin, name);
	if (ioc) {
		for (int a = 0; a < CB_ARCH_COUNT; a++)
			req[a] = ioc->req[a];
		return true;
	}
	static const uint32_t candidates[] = {
		TCGETS, TCSETS, TCSETSW, TCSETSF, TCSBRK, TCFLSH, TIOCGWINSZ, TIOCSWINSZ,
		TIOCGPGRP, TIOCSPGRP, TIOCSCTTY, TIOCNOTTY, TIOCSTI, TIOCOUTQ, TIOCGPTN,
		TIOCSPTLCK, FIONREAD, FIONBIO, FIOCLEX, FIOASYNC, SIOCGIFCONF, SIOCGIFFLAGS,
		SIOCGIFINDEX, SIOCGIFADDR, SIOCGIFHWADDR, 0x80046601u, 0x40046602u, 0x80086601u,
		0x40086602u,
	};
	for (int a = 0; a < CB_ARCH_COUNT; a++) {
		for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
			const char *n = cb_ioctl_name(a, candidates[i]);
			if (n && strcmp(n, name) == 0) {
				req[a] = candidates[i];
				found = true;
				break;
			}
		}
	}
	return found;
}

static const struct {
	const char *name;
	uint32_t mask, value;
} families[] = {
	/* The old terminal requests carry no direction or size: 0x54xx. */
	{ "tty", 0xffffff00u, 0x5400 },
	{ "fs", 0x0000ff00u, 'f' << 8 },
	{ "block", 0x0000ff00u, 0x12 << 8 },
	{ "sockios", 0xffffff00u, 0x8900 },
	{ "drm", 0x0000ff00u, 'd' << 8 },
	{ "v4l", 0x0000ff00u, 'V' << 8 },
	{ "input", 0x0000ff00u, 'E' << 8 },
	{ "sound", 0x0000ff00u, 'A' << 8 },
	{ "kvm", 0x0000ff00u, 0xae << 8 },
	{ "loop", 0xffffff00u, 0x4c00 },
	{ "fb", 0xffffff00u, 0x4600 },
};

bool cb_ioctl_family(const char *name, uint32_t *mask, uint32_t *value)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (strcmp(families[i].name, name) == 0) {
			*mask = families[i].mask;
			*value = families[i].value;
			return true;
		}
	}
	return false;
}

const char *cb_ioctl_family_names(void)
{
	return "tty, fs, block, sockios, drm, v4l, input, sound, kvm, loop, fb";
}
