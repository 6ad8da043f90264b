/* SysV IPC control calls of i386 guests — semctl, shmctl, msgctl, direct
 * (394, 396, 402) or through ipc(2) — performed by the supervisor on an
 * IPC object both share: the commands whose argument is a struct the
 * ABIs lay out differently (IPC_STAT and the *_STAT of an index, IPC_SET,
 * IPC_INFO and the *_INFO of the namespace, semctl's GETALL). Layouts are
 * the generator's records (abigen/spec/builtin.spec, unit sysv_ipc); the
 * old (no IPC_64) ones are filled here from the 64-bit struct the host
 * call returns, as ipc/{sem,shm,msg}.c's copy_compat_*_to_user do.
 *
 * The kernel runs everything else, decided from registers before any guest
 * memory is read: commands with no struct (GETVAL, GETNCNT, GETZCNT,
 * GETPID, IPC_RMID: the same code for both ABIs), those that record their
 * caller (SETVAL, SETALL: the semaphore's sempid), SHM_LOCK and SHM_UNLOCK
 * (the caller's RLIMIT_MEMLOCK and CAP_IPC_LOCK), unknown commands
 * (EINVAL, in the kernel's order), and calls of a guest in another IPC
 * namespace or with another effective uid than the supervisor's worker —
 * ipcperms() compares the caller's euid with the object's owner, and a
 * worker takes the guest's fs ids and capabilities, not its euid. The calls
 * that move data (semop, semtimedop, msgsnd, msgrcv) stay in the kernel
 * too: they record the caller's pid in the object (sempid, msg_lspid,
 * msg_lrpid), semop's SEM_UNDO ties an undo entry to the calling process,
 * and they wait (docs/translation.md). */
#include "sysv_ipc.h"

#include <errno.h>
#include <linux/ipc.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../abi/builtin.h"
#include "../../common/error.h"
#include "../../guest/guest.h"
#include "../io.h"

#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif

/* A set larger than this is GETALL'd by the kernel (SEMMSL is 32000 by
 * default): the supervisor's buffer stays bounded. */
#define SEMS_MAX (1u << 16)
/* compat's high2lowuid: a uid or gid that needs more than 16 bits reads
 * as the overflow id in the old layouts (the kernel's default; a changed
 * /proc/sys/kernel/overflowuid is not followed). */
#define OVERFLOW_ID 65534u

enum op { OP_KERNEL, OP_INFO, OP_SHM_INFO, OP_STAT, OP_SET, OP_GETALL };

/* What each command of a call is: a table per call, indexed by command. */
#define CMDS 21
struct ipc_kind {
	long host_nr;
	int nargs;        /* the direct call's: semctl 4 (semnum), the others 3 */
	unsigned char op[CMDS];
	const char *stat64, *stat_old, *info64, *info_old;
};

static const struct ipc_kind sem = {
	SYS_semctl, 4,
	{ [IPC_SET] = OP_SET, [IPC_STAT] = OP_STAT, [IPC_INFO] = OP_INFO, [GETALL] = OP_GETALL,
	  [SEM_STAT] = OP_STAT, [SEM_INFO] = OP_INFO, [SEM_STAT_ANY] = OP_STAT },
	"semid64_ds", "semid_ds", "seminfo", "seminfo",
};
static const struct ipc_kind shm = {
	SYS_shmctl, 3,
	{ [IPC_SET] = OP_SET, [IPC_STAT] = OP_STAT, [IPC_INFO] = OP_INFO, [SHM_STAT] = OP_STAT,
	  [SHM_INFO] = OP_SHM_INFO, [SHM_STAT_ANY] = OP_STAT },
	"shmid64_ds", "shmid_ds", "shminfo64", "shminfo",
};
static const struct ipc_kind msg = {
	SYS_msgctl, 3,
	{ [IPC_SET] = OP_SET, [IPC_STAT] = OP_STAT, [IPC_INFO] = OP_INFO, [MSG_STAT] = OP_STAT,
	  [MSG_INFO] = OP_INFO, [MSG_STAT_ANY] = OP_STAT },
	"msqid64_ds", "msqid_ds", "msginfo", "msginfo",
};

/* The call's arguments, whichever way it came. */
struct ipc_args {
	int id, semnum, cmd;
	bool ipc;     /* through ipc(2) */
	bool v64;     /* the 64-bit layouts */
	uint64_t arg; /* the struct's address; through ipc(), semctl's points to the union */
};

static void parse(const struct cb_xctx *x, const struct ipc_kind *k, struct ipc_args *a)
{
	const uint64_t *g = x->c->args;
	int c = k->nargs == 4 ? 2 : 1;
	a->id = (int32_t)g[0];
	a->semnum = k->nargs == 4 ? (int32_t)g[1] : 0;
	a->cmd = (int32_t)g[c];
	a->arg = g[c + 1];
	a->ipc = x->c->via_nr > 0;
	a->v64 = true;
	if (a->ipc) { /* compat_ipc_parse_version */
		a->v64 = a->cmd & IPC_64;
		a->cmd &= ~IPC_64;
	}
}

/* A direct call passes IPC_64 on to the command (the compat entries never
 * strip it, each call then treats it its own way): the kernel judges it. */
static enum op op_of(const struct ipc_kind *k, const struct ipc_args *a)
{
	return a->cmd >= 0 && a->cmd < CMDS ? (enum op)k->op[a->cmd] : OP_KERNEL;
}

static long host(const struct ipc_kind *k, int id, int semnum, int cmd, void *p)
{
	long r = k->nargs == 4 ? syscall(k->host_nr, id, semnum, cmd, p)
			       : syscall(k->host_nr, id, cmd, p);
	return r < 0 ? -errno : r;
}

static long host_as_guest(struct cb_xctx *x, const struct ipc_kind *k, int id, int semnum,
			  int cmd, void *p)
{
	int r = cb_xsys_as_guest(x);
	if (r)
		return r;
	long k_ = host(k, id, semnum, cmd, p);
	cb_xsys_as_self(x);
	return k_;
}

static int gate(struct cb_xctx *x, const struct ipc_kind *k)
{
	struct ipc_args a;
	parse(x, k, &a);
	enum op op = op_of(k, &a);
	/* Safe (CONTINUE): registers only. What the kernel runs and why: the
	 * head of this file. */
	if (op == OP_KERNEL || a.id < 0)
		return CB_XSYS_KERNEL;
	int ns = cb_guest_shared_ns(x->c);
	if (ns == -ENOENT)
		return ns;
	if (ns < 0 || !(ns & CB_NS_IPC) || x->creds.euid != x->self.euid) {
		x->kernel_why = CB_OUT_K_NAMESPACE;
		return CB_XSYS_KERNEL; /* safe: no guest memory was read */
	}
	if (op == OP_GETALL) {
		/* The set's size, for the buffer (the kernel's GETALL writes
		 * sem_nsems values), asked as the guest: a set it may not read
		 * fails the same way in the GETALL that follows. */
		struct semid64_ds ds;
		long r = host_as_guest(x, k, a.id, 0, IPC_STAT, &ds);
		if (r == -ENOENT)
			return (int)r; /* the call is gone */
		x->saved = r < 0 ? 0 : (int64_t)ds.sem_nsems;
		if (x->saved > SEMS_MAX)
			return CB_XSYS_KERNEL; /* safe: no guest memory was read */
	}
	return 0;
}

int cb_xipc_gate_semctl(struct cb_xctx *x)
{
	return gate(x, &sem);
}

int cb_xipc_gate_shmctl(struct cb_xctx *x)
{
	return gate(x, &shm);
}

int cb_xipc_gate_msgctl(struct cb_xctx *x)
{
	return gate(x, &msg);
}

static uint32_t low_id(uint32_t id)
{
	return id & ~0xffffu ? OVERFLOW_ID : id;
}

/* to_compat_ipc_perm's view of a 64-bit ipc64_perm, in the host's old
 * struct that the converter then narrows (16-bit ids already fit). */
static void perm_old(struct ipc_perm *o, const struct ipc64_perm *p)
{
	o->key = p->key;
	o->uid = low_id(p->uid);
	o->gid = low_id(p->gid);
	o->cuid = low_id(p->cuid);
	o->cgid = low_id(p->cgid);
	o->mode = p->mode & 0xffff;
	o->seq = p->seq;
}

/* What copy_compat_*_to_user put in the old layouts; the rest stays 0. */
static void stat_old(const struct ipc_kind *k, void *out, const void *in)
{
	if (k == &sem) {
		const struct semid64_ds *s = in;
		struct semid_ds *o = out;
		perm_old(&o->sem_perm, &s->sem_perm);
		o->sem_otime = (__kernel_old_time_t)s->sem_otime;
		o->sem_ctime = (__kernel_old_time_t)s->sem_ctime;
		o->sem_nsems = (unsigned short)s->sem_nsems;
	} else if (k == &shm) {
		const struct shmid64_ds *s = in;
		struct shmid_ds *o = out;
		perm_old(&o->shm_perm, &s->shm_perm);
		o->shm_segsz = (int)s->shm_segsz;
		o->shm_atime = (__kernel_old_time_t)s->shm_atime;
		o->shm_dtime = (__kernel_old_time_t)s->shm_dtime;
		o->shm_ctime = (__kernel_old_time_t)s->shm_ctime;
		o->shm_cpid = s->shm_cpid;
		o->shm_lpid = s->shm_lpid;
		o->shm_nattch = (unsigned short)s->shm_nattch;
	} else {
		const struct msqid64_ds *s = in;
		struct msqid_ds *o = out;
		perm_old(&o->msg_perm, &s->msg_perm);
		o->msg_stime = (__kernel_old_time_t)s->msg_stime;
		o->msg_rtime = (__kernel_old_time_t)s->msg_rtime;
		o->msg_ctime = (__kernel_old_time_t)s->msg_ctime;
		o->msg_cbytes = (unsigned short)s->msg_cbytes;
		o->msg_qnum = (unsigned short)s->msg_qnum;
		o->msg_qbytes = (unsigned short)s->msg_qbytes;
		o->msg_lspid = s->msg_lspid;
		o->msg_lrpid = s->msg_lrpid;
	}
}

/* A segment's or queue's pids are the caller's view of them (pid_vnr):
 * the guest's PID namespace, which is compatbox's own when the keeper has
 * one, where the supervisor sees host pids. 0 or -ENOENT. */
static int pids_for_guest(struct cb_xctx *x, const struct ipc_kind *k, void *ds)
{
	if (k == &sem)
		return 0;
	struct xio_ids ids;
	if (xio_guest_ids(x->c, &ids))
		return -ENOENT;
	__kernel_pid_t *p[2];
	if (k == &shm)
		p[0] = &((struct shmid64_ds *)ds)->shm_cpid, p[1] = &((struct shmid64_ds *)ds)->shm_lpid;
	else
		p[0] = &((struct msqid64_ds *)ds)->msg_lspid, p[1] = &((struct msqid64_ds *)ds)->msg_lrpid;
	for (int i = 0; i < 2; i++)
		*p[i] = xio_pid_in_guest_ns(*p[i], ids.ns_depth);
	return 0;
}

/* The guest's record NAME at ADDR in host layout (OUT: not read). NULL is
 * EFAULT, as the kernel's copy of it would be. */
static int record(struct cb_xctx *x, const char *name, uint64_t addr, enum cb_dir dir, void **p)
{
	if (!addr)
		return -EFAULT;
	int idx = cb_abi_record_index(&cb_abi_builtin, name);
	if (idx == CB_NO_INDEX)
		return -ENOSYS; /* cb_xipc_check refuses such rows at start-up */
	return cb_conv_in(x->cv, idx, addr, dir, p);
}

/* IPC_SET: copy_compat_*_from_user reads the permissions (uid, gid, mode)
 * and, for a queue, msg_qbytes; the ids of the old layout are 16 bits,
 * widened as they are. */
static int set_in(struct cb_xctx *x, const struct ipc_kind *k, const struct ipc_args *a,
		  void *ds)
{
	void *p;
	struct ipc64_perm *to = k == &sem ? &((struct semid64_ds *)ds)->sem_perm
			      : k == &shm ? &((struct shmid64_ds *)ds)->shm_perm
					  : &((struct msqid64_ds *)ds)->msg_perm;
	/* A semaphore set's or segment's permissions come first in both
	 * layouts, and are all the kernel reads of them. */
	const char *rec = k == &msg ? (a->v64 ? k->stat64 : k->stat_old)
				    : (a->v64 ? "ipc64_perm" : "ipc_perm");
	int r = record(x, rec, a->arg, CB_DIR_IN, &p);
	if (r)
		return r;
	if (a->v64) {
		const struct ipc64_perm *f = p; /* msqid64_ds begins with it too */
		to->uid = f->uid, to->gid = f->gid, to->mode = f->mode;
		if (k == &msg)
			((struct msqid64_ds *)ds)->msg_qbytes = ((struct msqid64_ds *)p)->msg_qbytes;
	} else {
		const struct ipc_perm *f = p;
		to->uid = f->uid, to->gid = f->gid, to->mode = f->mode;
		if (k == &msg)
			((struct msqid64_ds *)ds)->msg_qbytes = ((struct msqid_ds *)p)->msg_qbytes;
	}
	return 0;
}

/* GETALL into a buffer that ends at a PROT_NONE page: a set that grew
 * since its size was asked (another set under the same id) fails with
 * EFAULT instead of writing past it. */
static long getall(struct cb_xctx *x, const struct ipc_args *a)
{
	size_t bytes = (size_t)x->saved * sizeof(unsigned short), pg = (size_t)getpagesize();
	size_t len = (bytes + pg - 1) / pg * pg + pg;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	long r = mprotect(m + len - pg, pg, PROT_NONE) ? -errno : 0;
	char *buf = m + len - pg - bytes;
	if (!r)
		r = host_as_guest(x, &sem, a->id, a->semnum, GETALL, buf);
	void *p = NULL;
	if (r >= 0) {
		int o = a->arg ? cb_conv_in_buf(x->cv, a->arg, bytes, CB_DIR_OUT, &p) : -EFAULT;
		if (o)
			r = o;
		else
			memcpy(p, buf, bytes);
	}
	munmap(m, len);
	return r;
}

static long perform(struct cb_xctx *x, const struct ipc_kind *k)
{
	struct ipc_args a;
	parse(x, k, &a);
	if (k == &sem && a.ipc) {
		/* compat_ksys_ipc's SEMCTL: the union is read behind a pointer
		 * (NULL: EINVAL) before anything else. */
		uint32_t pad;
		if (!a.arg)
			return -EINVAL;
		int r = cb_guest_read(x->c, a.arg, &pad, sizeof(pad));
		if (r)
			return r;
		a.arg = pad;
	}
	union {
		struct semid64_ds sem;
		struct shmid64_ds shm;
		struct msqid64_ds msg;
		struct seminfo seminfo;
		struct shminfo64 shminfo;
		struct shm_info shm_info;
		struct msginfo msginfo;
	} h;
	memset(&h, 0, sizeof(h));
	void *p;
	long r;
	int o;
	switch (op_of(k, &a)) {
	case OP_GETALL:
		return getall(x, &a);
	case OP_SET:
		r = set_in(x, k, &a, &h);
		return r ? r : host_as_guest(x, k, a.id, a.semnum, IPC_SET, &h);
	case OP_STAT:
		r = host_as_guest(x, k, a.id, a.semnum, a.cmd, &h);
		if (r < 0)
			return r;
		if ((o = pids_for_guest(x, k, &h)))
			return o;
		o = record(x, a.v64 ? k->stat64 : k->stat_old, a.arg, CB_DIR_OUT, &p);
		if (o)
			return o;
		if (a.v64)
			memcpy(p, &h, k == &sem ? sizeof(h.sem) : k == &shm ? sizeof(h.shm) : sizeof(h.msg));
		else
			stat_old(k, p, &h);
		return r;
	case OP_SHM_INFO: /* the same struct for both versions */
		r = host_as_guest(x, k, a.id, a.semnum, a.cmd, &h);
		if (r < 0)
			return r;
		o = record(x, "shm_info", a.arg, CB_DIR_OUT, &p);
		if (!o)
			memcpy(p, &h.shm_info, sizeof(h.shm_info));
		return o ? o : r;
	case OP_INFO:
		r = host_as_guest(x, k, a.id, a.semnum, a.cmd, &h);
		if (r < 0)
			return r;
		o = record(x, a.v64 ? k->info64 : k->info_old, a.arg, CB_DIR_OUT, &p);
		if (o)
			return o;
		if (k != &shm) {
			memcpy(p, &h, k == &sem ? sizeof(h.seminfo) : sizeof(h.msginfo));
			return r;
		}
		/* copy_compat_shminfo_to_user caps shmmax first, then narrows. */
		if (h.shminfo.shmmax > INT32_MAX)
			h.shminfo.shmmax = INT32_MAX;
		if (a.v64) {
			memcpy(p, &h.shminfo, sizeof(h.shminfo));
		} else {
			struct shminfo *s = p;
			s->shmmax = (int)h.shminfo.shmmax;
			s->shmmin = (int)h.shminfo.shmmin;
			s->shmmni = (int)h.shminfo.shmmni;
			s->shmseg = (int)h.shminfo.shmseg;
			s->shmall = (int)h.shminfo.shmall;
		}
		return r;
	case OP_KERNEL:
		break;
	}
	return -ENOSYS; /* the gate let the kernel run these */
}

int cb_xipc_semctl(struct cb_xctx *x)
{
	return (int)perform(x, &sem);
}

int cb_xipc_shmctl(struct cb_xctx *x)
{
	return (int)perform(x, &shm);
}

int cb_xipc_msgctl(struct cb_xctx *x)
{
	return (int)perform(x, &msg);
}

int cb_xipc_check(struct cb_err *err)
{
	static const char *const names[] = { "ipc64_perm", "ipc_perm", "shm_info" };
	const struct ipc_kind *const kinds[] = { &sem, &shm, &msg };
	for (size_t i = 0; i < 3; i++) {
		const char *n[] = { names[i], kinds[i]->stat64, kinds[i]->stat_old, kinds[i]->info64,
				    kinds[i]->info_old };
		for (size_t j = 0; j < 5; j++)
			if (cb_abi_record_index(&cb_abi_builtin, n[j]) == CB_NO_INDEX)
				return cb_fail(err, EINVAL, "SysV IPC: no record '%s' in the built-in "
					       "database (abigen/spec/builtin.spec, unit sysv_ipc)", n[j]);
	}
	return 0;
}

#define VAL { CB_XA_VALUE }
#define SVAL { CB_XA_SVALUE }

const struct cb_xsys cb_xsys_ipc[] = {
	{ "semctl", "semctl", { SVAL, SVAL, SVAL, VAL }, .gate = cb_xipc_gate_semctl,
	  .call = cb_xipc_semctl, .flags = CB_X_CREDS,
	  .why = "global object (the IPC namespace): semid_ds, seminfo, GETALL; value commands, "
		 "SETVAL and SETALL (they record the caller's pid) stay in the kernel" },
	{ "shmctl", "shmctl", { SVAL, SVAL, VAL }, .gate = cb_xipc_gate_shmctl,
	  .call = cb_xipc_shmctl, .flags = CB_X_CREDS,
	  .why = "global object: shmid_ds, shminfo, shm_info; IPC_RMID, SHM_LOCK and SHM_UNLOCK "
		 "stay in the kernel" },
	{ "msgctl", "msgctl", { SVAL, SVAL, VAL }, .gate = cb_xipc_gate_msgctl,
	  .call = cb_xipc_msgctl, .flags = CB_X_CREDS,
	  .why = "global object: msqid_ds, msginfo; IPC_RMID stays in the kernel" },
	{ NULL },
};
