/* Path calls under path rules. The guest's path is read once into the
 * supervisor's memory, resolved by the supervisor with openat2 (from the
 * guest's root, cwd or dirfd, with the guest's credentials) to an O_PATH
 * fd, decided on that fd's own path, and the call is then performed on
 * that fd: the file decided on is the file used. Nothing is continued:
 * the guest can change its memory or the file system after the look, and
 * neither changes what was resolved. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../abi/builtin.h"
#include "../common/cleanup.h"
#include "../policy/match_path.h"
#include "../policy/pathcalls.h"
#include "../guest/creds.h"
#include "../supervisor/dispatch.h"
#include "enforce.h"
#include "../guest/guest.h"
#include "../audit/log.h"
#include "../supervisor/supervisor.h"
#include "../translate/files/files.h"
#include "../translate/path_call.h"

#define PATH_MAX_ 4096

/* Read the guest's NUL-terminated string at ADDR, page by page (a string
 * may end just before an unmapped page). -ENAMETOOLONG past PATH_MAX. */
static int read_path(struct cb_call *c, uint64_t addr, char *out)
{
	if (!addr)
		return -EFAULT;
	size_t got = 0;
	while (got < PATH_MAX_) {
		size_t room = 4096 - ((addr + got) & 4095);
		if (room > PATH_MAX_ - got)
			room = PATH_MAX_ - got;
		int rc = cb_guest_read(c, addr + got, out + got, room);
		if (rc)
			return rc;
		char *nul = memchr(out + got, 0, room);
		if (nul)
			return 0;
		got += room;
	}
	return -ENAMETOOLONG;
}

/* The guest's umask, for files it creates (the supervisor's own is not
 * the guest's). */
static int guest_umask(struct cb_call *c, mode_t *out)
{
	char p[40], buf[2048];
	snprintf(p, sizeof(p), "/proc/%u/status", c->n->pid);
	cleanup_fd int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	if (cb_call_live(c))
		return -ENOENT;
	const char *u = strstr(buf, "\nUmask:");
	unsigned m;
	if (!u || sscanf(u + 7, "%o", &m) != 1)
		return -EIO;
	*out = (mode_t)m;
	return 0;
}

struct pathctx {
	struct cb_call *c;
	const struct cb_pathcall *pc;
	char path[PATH_MAX_ + 64]; /* the guest's, /proc/self made the guest's */
	bool rewritten;            /* /proc/self & co became /proc/TGID */
	int dirfd;                 /* host copy of where a relative path starts */
	int root;                  /* the guest's root, O_PATH */
	bool root_ours;            /* ROOT is own_root_fd: not closed */
	struct cb_creds creds, self;
	char resolved[PATH_MAX_];  /* what the path names, for the decision */
	uint64_t guest_resolve;    /* openat2's RESOLVE_* flags of the guest's own */
	/* Resolved and performed outside the supervisor's thread group: the
	 * path went into /proc of a supervisor task, where the kernel lets
	 * the supervisor's threads see what it refuses the guest. */
	bool outside;
	bool in_supervisor; /* ...and resolved into a supervisor task's directory */
};

static int64_t openat2_(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	long r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return r < 0 ? -errno : r;
}

static bool root_is_ours(const struct pathctx *x)
{
	struct stat a, b;
	if (x->root_ours)
		return true;
	return fstat(x->root, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Resolve P (relative to DIRFD or, absolute, to the guest's root) to an
 * O_PATH fd, following the last symlink when FOLLOW. Magic links (/proc's
 * fd links) only where the guest named its own /proc/TGID: in the
 * supervisor any other would mean the supervisor's fds. */
static int resolve(struct pathctx *x, const char *p, bool follow)
{
	uint64_t how = RESOLVE_NO_MAGICLINKS | x->guest_resolve;
	int from = x->dirfd;
	if (p[0] == '/' && !(x->guest_resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH))) {
		how |= RESOLVE_IN_ROOT;
		from = x->root;
	}
	uint64_t flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
	int64_t fd = openat2_(from, p, flags, how);
	/* A scoped lookup (RESOLVE_IN_ROOT) refuses every magic link with
	 * EXDEV: the guest's own are followed unscoped, which is the same
	 * resolution when its root is the supervisor's. */
	if ((fd == -ELOOP || fd == -EXDEV) && x->rewritten &&
	    !(x->guest_resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
	    (from != x->root || root_is_ours(x)))
		fd = openat2_(from, p, flags,
			      how & ~(uint64_t)(RESOLVE_NO_MAGICLINKS | RESOLVE_IN_ROOT));
	return (int)fd;
}

/* The path an fd refers to, as the decision sees it. */
static int fd_path(int fd, char *out, size_t len)
{
	char link[40];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, len - 1);
	if (n < 0)
		return -errno;
	out[n] = 0;
	return 0;
}

/* Resolve the whole path; when only the last component is missing (a
 * file to create, a stat that will say ENOENT), resolve its directory and
 * name the would-be file PARENT/NAME. *FD is -1 then, *PARENT the
 * directory's fd and *NAME its last component. */
static int resolve_for_decision(struct pathctx *x, bool follow, int *fd, int *parent,
				const char **name)
{
	*fd = *parent = -1;
	*name = NULL;
	/* AT_EMPTY_PATH with "": the dirfd itself (fstat is statx on "") */
	int r = x->path[0] ? resolve(x, x->path, follow)
			   : (int)fcntl(x->dirfd, F_DUPFD_CLOEXEC, 0);
	if (r < 0 && !x->path[0])
		r = -errno;
	if (r >= 0) {
		*fd = r;
		return fd_path(r, x->resolved, sizeof(x->resolved));
	}
	if (r != -ENOENT)
		return r;
	char *slash = strrchr(x->path, '/');
	const char *base = slash ? slash + 1 : x->path;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return r;
	char dir[PATH_MAX_ + 64];
	if (slash == x->path)
		snprintf(dir, sizeof(dir), "/");
	else if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - x->path), x->path);
	else
		snprintf(dir, sizeof(dir), ".");
	int d = resolve(x, dir, true);
	if (d < 0)
		return d;
	*parent = d;
	*name = base;
	char dpath[PATH_MAX_];
	int rc = fd_path(d, dpath, sizeof(dpath));
	if (rc)
		return rc;
	if ((size_t)snprintf(x->resolved, sizeof(x->resolved), "%s/%s", strcmp(dpath, "/") ? dpath : "",
			     base) >= sizeof(x->resolved))
		return -ENAMETOOLONG;
	return 0;
}

/* ---- performing ---- */

static int reopen(int opath, int flags)
{
	char p[40];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", opath);
	/* O_NOCTTY: a terminal opened here must not become the
	 * supervisor's controlling terminal. */
	int fd = open(p, (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_NOCTTY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* open, openat, creat, openat2: the fd is installed in the guest with
 * ADDFD+SEND, so adding it and answering are one step. */
static int64_t do_open(struct pathctx *x, int fd, int parent, const char *name, uint64_t flags,
		       mode_t mode)
{
	struct cb_call *c = x->c;
	int nf = -1;
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return -errno;
		if ((flags & O_CREAT) && (flags & O_EXCL))
			return -EEXIST;
		if (S_ISLNK(st.st_mode))
			return -ELOOP; /* O_NOFOLLOW on a symlink */
		/* A FIFO's blocking open for reading or for writing waits
		 * for the other end: not on the last worker receiving. The
		 * kernel cannot be left to run it (the path was read and
		 * decided on), so with no worker to take the lead the open
		 * fails with ENOMEM, as a translated call that finds it must
		 * wait after reading its arguments does. */
		if (S_ISFIFO(st.st_mode) && !(flags & O_NONBLOCK) && (flags & O_ACCMODE) != O_RDWR) {
			int rc = cb_call_may_block(c);
			if (rc)
				return rc;
		}
		if (c->arch == CB_ARCH_I386 && !(flags & O_LARGEFILE) && S_ISREG(st.st_mode) &&
		    st.st_size > 0x7fffffff)
			return -EOVERFLOW; /* as for a 32-bit caller without O_LARGEFILE */
		nf = reopen(fd, (int)flags);
	} else {
		if (!(flags & O_CREAT))
			return -ENOENT;
		mode_t um = 022;
		int rc = guest_umask(c, &um);
		if (rc)
			return rc;
		/* O_NOFOLLOW: creating through a dangling symlink would make
		 * a file at a path nobody decided on. */
		nf = openat(parent, name, (int)(flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC),
			    mode & ~um & 07777);
		nf = nf < 0 ? -errno : nf;
	}
	if (nf < 0)
		return nf;
	int r = cb_notif_addfd_send(&c->sup->l, c->n->id, nf, -1, (flags & O_CLOEXEC) ? O_CLOEXEC : 0);
	close(nf);
	if (r == -ENOENT)
		return -ENOENT;
	if (r >= 0)
		c->v = (struct cb_verdict){ .kind = CB_V_ANSWERED, .val = r };
	return r;
}

/* stat and friends on the resolved fd; i386's stat64 is converted from
 * the host's struct stat by the layout database. */
static int64_t do_stat(struct pathctx *x, int fd, uint64_t buf)
{
	struct cb_call *c = x->c;
	if (c->arch == CB_ARCH_X86_64) {
		struct stat st;
		if (fstatat(fd, "", &st, AT_EMPTY_PATH) < 0)
			return -errno;
		return cb_guest_write(c, buf, &st, sizeof(st));
	}
	struct cb_guest_mem mem = cb_guest_mem_of(c);
	struct cb_conv cv;
	void *host = NULL;
	int64_t r = cb_conv_init(&cv, &cb_abi_builtin, c->arch, 0, &mem, 0);
	if (!r)
		r = cb_conv_in(&cv, cb_abi_record_index(&cb_abi_builtin, "stat64"), buf, CB_DIR_OUT, &host);
	if (!r && fstatat(fd, "", host, AT_EMPTY_PATH) < 0)
		r = -errno;
	if (!r)
		r = cb_conv_out(&cv);
	cb_conv_free(&cv);
	return r;
}

static int64_t do_statx(struct pathctx *x, int fd, unsigned flags, unsigned mask, uint64_t buf)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | (int)(flags & AT_STATX_SYNC_TYPE), mask, &stx) < 0)
		return -errno;
	return cb_guest_write(x->c, buf, &stx, sizeof(stx)); /* the same on both ABIs */
}

static int64_t do_readlink(struct pathctx *x, int fd, uint64_t buf, uint64_t size)
{
	char target[PATH_MAX_];
	if ((int64_t)(int32_t)size <= 0)
		return -EINVAL;
	ssize_t n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0) {
		/* On an O_PATH fd that is no symlink the kernel says ENOENT;
		 * readlink(2) of such a path says EINVAL. */
		struct stat st;
		int e = errno;
		return e == ENOENT && fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode) ? -EINVAL : -e;
	}
	if ((uint64_t)n > size)
		n = (ssize_t)size; /* readlink truncates silently */
	int rc = cb_guest_write(x->c, buf, target, (size_t)n);
	return rc ? rc : n;
}

/* ---- resolving and performing, here or outside the thread group ---- */

struct job {
	struct pathctx *x;
	bool follow;
	uint64_t flags, mode;
	int fd, parent;
	const char *name;
};

static long resolve_job(void *arg)
{
	struct job *j = arg;
	return resolve_for_decision(j->x, j->follow, &j->fd, &j->parent, &j->name);
}

/* The /proc files whose open asks for access to the task's memory
 * (proc_mem_open, mm_access): a child sharing the supervisor's memory is
 * let in by the kernel (`mm == current->mm`) where the guest is not. */
static bool opens_supervisor_mm(const char *resolved)
{
	static const char *const mm_files[] = { "mem", "environ", "auxv", "maps", "smaps",
						"smaps_rollup", "numa_maps", "pagemap" };
	const char *base = strrchr(resolved, '/');
	if (!base)
		return false;
	for (size_t i = 0; i < sizeof(mm_files) / sizeof(mm_files[0]); i++)
		if (!strcmp(base + 1, mm_files[i]))
			return true;
	return false;
}

static long perform_job(void *arg)
{
	struct job *j = arg;
	struct pathctx *x = j->x;
	struct cb_call *c = x->c;
	const struct cb_pathcall *pc = x->pc;
	int64_t r = -ENOSYS;
	switch (pc->kind) {
	case CB_P_OPEN:
	case CB_P_CREAT:
	case CB_P_OPENAT2: {
		if (x->in_supervisor && opens_supervisor_mm(x->resolved))
			return -EACCES;
		uint64_t mode = pc->kind == CB_P_OPENAT2 ? j->mode
				: c->args[pc->kind == CB_P_CREAT ? 1 : (int)pc->flags + 1];
		r = do_open(x, j->fd, j->parent, j->name, j->flags, (mode_t)mode);
		break;
	}
	case CB_P_STAT:
		r = do_stat(x, j->fd, c->args[1]);
		break;
	case CB_P_FSTATAT:
		r = do_stat(x, j->fd, c->args[2]);
		break;
	case CB_P_STATX:
		r = do_statx(x, j->fd, (unsigned)j->flags, (unsigned)c->args[3], c->args[4]);
		break;
	case CB_P_ACCESS: {
		int mode = (int)c->args[pc->dirfd < 0 ? 1 : 2];
		/* AT_EACCESS: the fs ids this thread took are the guest's. */
		r = faccessat(j->fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno : 0;
		break;
	}
	case CB_P_READLINK:
		r = do_readlink(x, j->fd, c->args[(int)pc->path + 1], c->args[(int)pc->path + 2]);
		break;
	}
	return r;
}

/* ---- the handler ---- */

/* Where the path starts: the guest's dirfd argument, or its cwd (from
 * /proc: *BY_TID then says so, and the look wants an ID_VALID). */
static int take_dirfd(struct pathctx *x, int arg, bool *by_tid)
{
	struct cb_call *c = x->c;
	int gfd = arg < 0 ? AT_FDCWD : (int)(int32_t)c->args[arg];
	if (gfd == AT_FDCWD) {
		char p[40];
		snprintf(p, sizeof(p), "/proc/%u/cwd", c->n->pid);
		*by_tid = true;
		cb_creds_settle(); /* a look at another task */
		x->dirfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		return x->dirfd < 0 ? -errno : 0;
	}
	x->dirfd = cb_guest_fd(c, gfd); /* proved the caller's by pidfd_getfd */
	return x->dirfd < 0 ? x->dirfd : 0;
}

/* The supervisor's root, O_PATH, opened once (nothing in compatbox
 * chroots); -1 when it could not be. */
static int own_root_fd = -1;
static pthread_once_t own_root_once = PTHREAD_ONCE_INIT;
static void own_root_open(void)
{
	own_root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* The guest's root. The supervisor's when no guest task can change it
 * (root_fixed) and the thread shares the supervisor's mount and user
 * namespaces (its view, valid after the guest's path was read); else
 * /proc/TID/root, which *BY_TID says wants an ID_VALID (named by tid). */
static int open_root(struct pathctx *x, bool *by_tid)
{
	*by_tid = false;
	if (x->c->sup->root_fixed) {
		int ns = cb_guest_shared_ns(x->c);
		if (ns == -ENOENT)
			return ns;
		pthread_once(&own_root_once, own_root_open);
		if (ns >= 0 && (ns & (CB_NS_MNT | CB_NS_USER)) == (CB_NS_MNT | CB_NS_USER) &&
		    own_root_fd >= 0) {
			x->root = own_root_fd;
			x->root_ours = true;
			return 0;
		}
	}
	char p[40];
	snprintf(p, sizeof(p), "/proc/%u/root", x->c->n->pid);
	cb_creds_settle(); /* a look at another task */
	x->root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	*by_tid = true;
	return x->root < 0 ? -errno : 0;
}

/* Everything from the registers and the guest's memory to a decision and,
 * when allowed, the call performed. The verdict is set unless it returns
 * an error, which becomes the answer. */
static int64_t run(struct pathctx *x, struct cb_action *act, const struct cb_prule **rule)
{
	struct cb_call *c = x->c;
	const struct cb_pathcall *pc = x->pc;
	uint64_t flags = pc->flags >= 0 ? c->args[(int)pc->flags] : 0;
	struct open_how how = { 0 };
	if (pc->kind == CB_P_OPENAT2) {
		uint64_t size = c->args[3];
		if (size < sizeof(how))
			return -EINVAL;
		if (size > 4096)
			return -E2BIG;
		int rc = cb_guest_read(c, c->args[2], &how, sizeof(how));
		if (rc)
			return rc;
		flags = how.flags;
		x->guest_resolve = how.resolve;
	} else if (pc->kind == CB_P_CREAT) {
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	} else if (pc->kind == CB_P_OPEN && c->arch == CB_ARCH_X86_64) {
		flags |= O_LARGEFILE; /* the kernel adds it for 64-bit callers */
	}
	char raw[PATH_MAX_];
	int rc = read_path(c, c->args[(int)pc->path], raw);
	if (rc)
		return rc;
	bool empty_ok = (pc->kind == CB_P_FSTATAT || pc->kind == CB_P_STATX ||
			 pc->kind == CB_P_ACCESS) && (flags & AT_EMPTY_PATH);
	if (!raw[0] && !empty_ok)
		return -ENOENT;
	pid_t tgid = cb_guest_tgid(c);
	if (!tgid)
		return cb_call_live(c) ? -ENOENT : -ESRCH;
	bool follow = !pc->nofollow;
	if (pc->kind == CB_P_FSTATAT || pc->kind == CB_P_STATX)
		follow = !(flags & AT_SYMLINK_NOFOLLOW);
	else if (pc->kind == CB_P_OPEN || pc->kind == CB_P_OPENAT2)
		follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
	else if (pc->kind == CB_P_READLINK)
		follow = false;
	int n = cb_xsys_proc_self(raw, tgid, (pid_t)c->n->pid, follow, x->path, sizeof(x->path));
	if (n < 0)
		return n;
	x->rewritten = n > 0;
	if (!n)
		snprintf(x->path, sizeof(x->path), "%s", raw);
	/* Only what resolve() starts from: the root for an absolute path,
	 * else the dirfd or cwd (the parent looked up for a missing file is
	 * absolute exactly when the path is). */
	bool from_root = x->path[0] == '/' &&
			 !(x->guest_resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH));
	bool by_tid = from_root;
	rc = from_root ? open_root(x, &by_tid) : take_dirfd(x, pc->dirfd, &by_tid);
	if (rc)
		return rc;
	if (by_tid && cb_call_live(c))
		return -ENOENT; /* the tid named another task by then */

	/* The guest's credentials for the resolution and the call: the
	 * supervisor must not see what the guest may not. Read after the
	 * guest's memory (the path), which is what shows an execve. */
	rc = cb_guest_creds(c, &x->creds);
	if (rc)
		return rc;
	/* Capabilities count in the user namespace they were given in: a
	 * guest's in a namespace of its own must not become the worker's in
	 * the supervisor's. Without any (a guest under compatbox's own user
	 * namespace keeps none by default), its ids as the supervisor sees
	 * them are what the kernel checks. */
	int ns = cb_guest_shared_ns(c);
	if (ns < 0)
		return ns;
	if ((!(ns & CB_NS_USER) && x->creds.cap_eff) || cb_creds_worker(&x->self) < 0 ||
	    !cb_creds_can_assume(&x->creds, &x->self))
		return -EPERM; /* cannot act as the guest: refuse rather than act as ourselves */
	rc = cb_creds_assume(&x->creds, &x->self);
	if (rc)
		return rc;
	struct job j = { .x = x, .follow = follow, .flags = flags, .mode = how.mode, .fd = -1,
			 .parent = -1 };
	int64_t r = resolve_for_decision(x, follow, &j.fd, &j.parent, &j.name);
	if (r == -ELOOP || (r == 0 && cb_xpath_names_supervisor(x->resolved))) {
		/* A magic link, or a supervisor task's /proc: once more, as a
		 * process the supervisor is not (translate/path_call.c). */
		if (j.fd >= 0)
			close(j.fd);
		if (j.parent >= 0)
			close(j.parent);
		j.fd = j.parent = -1;
		x->outside = true;
		r = cb_outside_thread_group(resolve_job, &j);
		/* Here, not in the child: getpid() there is the child's. */
		x->in_supervisor = r == 0 && cb_xpath_names_supervisor(x->resolved);
	}
	if (r == 0) {
		*act = cb_path_decide(c->sup->plan->pol, x->resolved, rule);
		if (*rule)
			c->why = &(*rule)->loc;
	}
	if (r == 0 && (act->kind == CB_ACT_DENY || act->kind == CB_ACT_KILL_PROCESS ||
		       act->kind == CB_ACT_KILL_THREAD)) {
		r = 1; /* refused: the caller answers */
	} else if (r == 0 && j.fd < 0 && pc->kind != CB_P_OPEN && pc->kind != CB_P_CREAT &&
		   pc->kind != CB_P_OPENAT2) {
		r = -ENOENT;
	} else if (r == 0) {
		r = x->outside ? cb_outside_thread_group(perform_job, &j) : perform_job(&j);
	}
	if (j.fd >= 0)
		close(j.fd);
	if (j.parent >= 0)
		close(j.parent);
	cb_creds_restore(&x->self);
	return r;
}

static void handle_path(struct cb_call *c)
{
	struct pathctx *x = calloc(1, sizeof(*x)); /* 12 KiB: not on a worker's stack */
	if (!x) {
		cb_ret_err(c, ENOMEM);
		return;
	}
	*x = (struct pathctx){ .c = c, .pc = cb_pathcall_find(c->arch, c->nr), .dirfd = -1, .root = -1 };
	struct cb_action act = { .kind = CB_ACT_ALLOW };
	const struct cb_prule *rule = NULL;
	int64_t r = x->pc ? run(x, &act, &rule) : -ENOSYS;
	const char *what = "performed";
	if (r == 1) {
		what = cb_enforce_refusal(c, &act);
	} else if (r == -ENOENT && cb_call_live(c) != 0) {
		c->v = (struct cb_verdict){ .kind = CB_V_ABANDON };
		what = "abandoned";
	} else if (c->v.kind != CB_V_ANSWERED) {
		if (r < 0)
			cb_ret_err(c, (int)-r);
		else
			cb_ret(c, r);
	}
	if (c->sup->log)
		cb_log_path(c->sup->log, c, x->resolved, what);
	if (x->dirfd >= 0)
		close(x->dirfd);
	if (x->root >= 0 && !x->root_ours)
		close(x->root);
	free(x);
}

const struct cb_handler cb_handler_path = { "(path rules)", CB_ARCH_UNKNOWN, handle_path, CB_H_CREDS };
