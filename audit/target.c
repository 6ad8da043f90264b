#include "target.h"
#include "../common/clock.h"
#include "../common/fmt.h"
#include "../guest/creds.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define SLOTS 64
#define PATH_KEPT 128

/* Direct-mapped by the path's hash: device nodes are few and stable, and
 * a stat per call is the dearest part of a record on hosts where every
 * syscall is. */
static struct slot {
	char path[PATH_KEPT];
	mode_t mode;
	dev_t rdev;
	uint64_t when;
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	case S_IFLNK: return "lnk";
	case 0: return "anon"; /* anon_inode files carry no type */
	default: return "unknown";
	}
}

static const char *answer(mode_t mode, dev_t rdev, char dev[32])
{
	dev[0] = 0;
	if (S_ISCHR(mode) || S_ISBLK(mode)) {
		/* "MAJOR:MINOR": two 32-bit numbers, 21 bytes at most. */
		char num[12], *end = num + sizeof(num), *p = cb_fmt_udec(end, major(rdev));
		size_t n = (size_t)(end - p);
		memcpy(dev, p, n);
		dev[n++] = ':';
		p = cb_fmt_udec(end, minor(rdev));
		memcpy(dev + n, p, (size_t)(end - p));
		dev[n + (size_t)(end - p)] = 0;
	}
	return type_name(mode);
}

const char *cb_target_of(const char *link, pid_t tid, int gfd, char dev[32])
{
	dev[0] = 0;
	if (!strncmp(link, "pipe:[", 6))
		return "fifo";
	if (!strncmp(link, "socket:[", 8))
		return "sock";
	if (!strncmp(link, "anon_inode:", 11))
		return "anon";
	struct stat st;
	size_t len = strlen(link);
	bool keep = link[0] == '/' && len < PATH_KEPT && !strstr(link, " (deleted)");
	if (keep) {
		uint32_t h = 2166136261u;
		for (const char *p = link; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		struct slot *s = &slots[h % SLOTS];
		uint64_t now = cb_coarse_ms();
		pthread_mutex_lock(&mu);
		if (!strcmp(s->path, link) && now - s->when < CB_TARGET_TTL_MS) {
			mode_t mode = s->mode;
			dev_t rdev = s->rdev;
			pthread_mutex_unlock(&mu);
			return answer(mode, rdev, dev);
		}
		pthread_mutex_unlock(&mu);
		if (stat(link, &st) != 0)
			goto by_fd;
		pthread_mutex_lock(&mu);
		memcpy(s->path, link, len + 1);
		s->mode = st.st_mode;
		s->rdev = st.st_rdev;
		s->when = now;
		pthread_mutex_unlock(&mu);
		return answer(st.st_mode, st.st_rdev, dev);
	}
by_fd:;
	/* Not a path this supervisor can look at (another mount namespace,
	 * deleted, too long): through the magic link itself. */
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/fd/%d", tid, gfd);
	cb_creds_settle(); /* ptrace's check */
	if (gfd < 0 || stat(p, &st) != 0)
		return "unknown";
	return answer(st.st_mode, st.st_rdev, dev);
}
