/* Differential guest for SysV IPC: the direct calls (393-402, 420) and
 * the ipc (117) multiplexer that i386 glibc uses, with the old and the
 * IPC_64 layouts of every struct the control calls move. Structs are
 * filled with 0xaa first and dumped whole with 8 bytes after them, so
 * every byte the kernel writes (or does not) is compared; what differs
 * between runs (times, sequence numbers, pids) is printed as a relation
 * ("set", "self") and zeroed before the dump. Ids are never printed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/ipc.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sched.h>
#include <unistd.h>

#include "diffcase.h"

/* i386 numbers (Linux 5.1 gave i386 the direct calls). */
enum {
	NR_ipc = 117, NR_semget = 393, NR_semctl = 394, NR_shmget = 395, NR_shmctl = 396,
	NR_shmat = 397, NR_shmdt = 398, NR_msgget = 399, NR_msgsnd = 400, NR_msgrcv = 401,
	NR_msgctl = 402, NR_semtimedop_time64 = 420,
};
/* ipc(2)'s operations (SEMOP ... SHMCTL) come from <linux/ipc.h>. */
#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif

static void *volatile bad = BAD_PTR;

static long ipc(int call, long first, long second, long third, void *ptr, long fifth)
{
	return syscall(NR_ipc, call, first, second, third, ptr, fifth);
}

static uint32_t p32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* A struct and 8 bytes after it, all 0xaa until the call writes. */
#define FILL(s) memset(&(s), 0xaa, sizeof(s))
struct guard {
	unsigned char tail[8];
};

/* "set" for a time the call stamped, "0" for none, or what else it is. */
static const char *when(unsigned long t)
{
	return t == 0 ? "0" : t == 0xaaaaaaaaul ? "untouched" : "set";
}

static const char *who(long pid)
{
	return pid == 0 ? "0" : pid == getpid() ? "self" : "other";
}

static void perm64(const char *what, struct ipc64_perm *p)
{
	printf("%s: key %d uid %s gid %s cuid %s cgid %s mode %o\n", what, p->key,
	       p->uid == getuid() ? "self" : "other", p->gid == getgid() ? "self" : "other",
	       p->cuid == getuid() ? "self" : "other", p->cgid == getgid() ? "self" : "other",
	       p->mode);
	p->seq = 0;
	p->key = 0;
}

static void perm_old(const char *what, struct ipc_perm *p)
{
	printf("%s: key %d uid %s cuid %s mode %o\n", what, p->key,
	       p->uid == (getuid() & 0xffff) ? "self" : "other",
	       p->cuid == (getuid() & 0xffff) ? "self" : "other", p->mode);
	p->seq = 0;
}

/* ---- semaphores ---- */

struct sem64 { struct semid64_ds d; struct guard g; };
struct semold { struct semid_ds d; struct guard g; };

static void show_sem64(const char *what, struct sem64 *s)
{
	perm64(what, &s->d.sem_perm);
	printf("%s: otime %s ctime %s nsems %lu\n", what, when(s->d.sem_otime),
	       when(s->d.sem_ctime), s->d.sem_nsems);
	s->d.sem_otime = s->d.sem_ctime = 0;
	dump(what, s, sizeof(*s));
}

static void show_semold(const char *what, struct semold *s)
{
	perm_old(what, &s->d.sem_perm);
	printf("%s: otime %s ctime %s nsems %u\n", what, when((unsigned long)s->d.sem_otime),
	       when((unsigned long)s->d.sem_ctime), s->d.sem_nsems);
	s->d.sem_otime = s->d.sem_ctime = 0;
	dump(what, s, sizeof(*s));
}

/* The limits of seminfo (the usage counts are the whole system's). */
static void show_seminfo(const char *what, long r, struct seminfo *i)
{
	printf("%s = %s: semmsl %d semopm %d semvmx %d semmni %d\n", what,
	       r < 0 ? strerrorname_np(errno) : "ok", i->semmsl, i->semopm, i->semvmx, i->semmni);
}

static long semctl_(int id, int n, int cmd, unsigned long arg)
{
	return syscall(NR_semctl, id, n, cmd, arg);
}

/* semctl through ipc(): the union behind a pointer. */
static long isemctl(int id, int n, int cmd, unsigned long arg)
{
	uint32_t pad = (uint32_t)arg;
	return ipc(SEMCTL, id, n, cmd, &pad, 0);
}

static void sem_common(long (*ctl)(int, int, int, unsigned long), int ver, const char *how)
{
	int l64 = ver || ctl == semctl_; /* direct calls: always the 64-bit layouts */
	char w[80];
	int id = (int)(ctl == semctl_ ? syscall(NR_semget, IPC_PRIVATE, 5, IPC_CREAT | 0640)
				      : ipc(SEMGET, IPC_PRIVATE, 5, IPC_CREAT | 0640, NULL, 0));
	printf("%s: semget %s\n", how, id >= 0 ? "ok" : strerrorname_np(errno));
	struct sem64 s;
	struct semold o;
	long r;
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT", how);
	if (l64) {
		r = ctl(id, 0, IPC_STAT | ver, p32(&s));
		res(w, r);
		show_sem64(w, &s);
	} else {
		r = ctl(id, 0, IPC_STAT, p32(&o));
		res(w, r);
		show_semold(w, &o);
	}
	/* IPC_SET: mode only counts (and uid, gid as they are). */
	if (l64) {
		s.d.sem_perm.mode = 0600;
		s.d.sem_perm.uid = getuid();
		s.d.sem_perm.gid = getgid();
		snprintf(w, sizeof(w), "%s IPC_SET", how);
		res(w, ctl(id, 0, IPC_SET | ver, p32(&s)));
	} else {
		o.d.sem_perm.mode = 0600;
		o.d.sem_perm.uid = (unsigned short)getuid();
		o.d.sem_perm.gid = (unsigned short)getgid();
		snprintf(w, sizeof(w), "%s IPC_SET old", how);
		res(w, ctl(id, 0, IPC_SET, p32(&o)));
	}
	unsigned short vals[5] = { 1, 2, 3, 4, 5 }, got[6];
	snprintf(w, sizeof(w), "%s SETALL", how);
	res(w, ctl(id, 0, SETALL | ver, p32(vals)));
	memset(got, 0xaa, sizeof(got));
	snprintf(w, sizeof(w), "%s GETALL", how);
	res(w, ctl(id, 0, GETALL | ver, p32(got)));
	dump(w, got, sizeof(got));
	snprintf(w, sizeof(w), "%s SETVAL 3", how);
	res(w, ctl(id, 3, SETVAL | ver, 42));
	snprintf(w, sizeof(w), "%s GETVAL 3", how);
	res(w, ctl(id, 3, GETVAL | ver, 0));
	snprintf(w, sizeof(w), "%s GETVAL 7", how);
	res(w, ctl(id, 7, GETVAL | ver, 0));
	snprintf(w, sizeof(w), "%s GETNCNT", how);
	res(w, ctl(id, 0, GETNCNT | ver, 0));
	r = ctl(id, 3, GETPID | ver, 0);
	printf("%s GETPID: %s\n", how, r < 0 ? strerrorname_np(errno) : who(r));
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT after", how);
	if (l64) {
		res(w, ctl(id, 0, IPC_STAT | ver, p32(&s)));
		show_sem64(w, &s);
	} else {
		res(w, ctl(id, 0, IPC_STAT, p32(&o)));
		show_semold(w, &o);
	}
	struct seminfo si;
	FILL(si);
	snprintf(w, sizeof(w), "%s IPC_INFO", how);
	show_seminfo(w, ctl(0, 0, IPC_INFO | ver, p32(&si)), &si);
	FILL(si);
	snprintf(w, sizeof(w), "%s SEM_INFO", how);
	show_seminfo(w, ctl(0, 0, SEM_INFO | ver, p32(&si)), &si);
	/* SEM_STAT of the index IPC_INFO's... any: the first that exists
	 * may be another user's; only "a number or an error" is stable. */
	snprintf(w, sizeof(w), "%s IPC_STAT bad pointer", how);
	res(w, ctl(id, 0, IPC_STAT | ver, p32(bad)));
	snprintf(w, sizeof(w), "%s IPC_STAT NULL", how);
	res(w, ctl(id, 0, IPC_STAT | ver, 0));
	snprintf(w, sizeof(w), "%s IPC_STAT bad id", how);
	res(w, ctl(id + 1000000, 0, IPC_STAT | ver, p32(&s)));
	snprintf(w, sizeof(w), "%s IPC_STAT negative id", how);
	res(w, ctl(-1, 0, IPC_STAT | ver, p32(&s)));
	snprintf(w, sizeof(w), "%s IPC_SET bad pointer", how);
	res(w, ctl(id, 0, IPC_SET | ver, p32(bad)));
	snprintf(w, sizeof(w), "%s GETALL bad pointer", how);
	res(w, ctl(id, 0, GETALL | ver, p32(bad)));
	snprintf(w, sizeof(w), "%s IPC_INFO bad pointer", how);
	res(w, ctl(0, 0, IPC_INFO | ver, p32(bad)));
	snprintf(w, sizeof(w), "%s cmd 99", how);
	res(w, ctl(id, 0, 99 | ver, 0));
	snprintf(w, sizeof(w), "%s IPC_RMID", how);
	res(w, ctl(id, 0, IPC_RMID | ver, 0));
	snprintf(w, sizeof(w), "%s IPC_STAT removed", how);
	res(w, ctl(id, 0, IPC_STAT | ver, p32(&s)));
}

static void sem_case(void)
{
	sem_common(semctl_, 0, "semctl");
	/* IPC_64 on a direct call: each command takes it its own way. */
	int id = (int)syscall(NR_semget, IPC_PRIVATE, 1, IPC_CREAT | 0600);
	struct sem64 s;
	FILL(s);
	/* (IPC_STAT|IPC_64 reads as SEM_STAT: the id is an index, an id comes
	 * back when one is there.) */
	long r = semctl_(id, 0, IPC_STAT | IPC_64, p32(&s));
	printf("semctl IPC_STAT|IPC_64 = %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	res("semctl GETALL|IPC_64", semctl_(id, 0, GETALL | IPC_64, 0));
	/* SEM_STAT by index: an id back, the same as semget's. */
	struct seminfo si;
	long max = semctl_(0, 0, IPC_INFO, p32(&si));
	long found = -1;
	for (long i = 0; max >= 0 && i <= max && found < 0; i++) {
		FILL(s);
		if (semctl_((int)i, 0, SEM_STAT, p32(&s)) == id)
			found = i;
	}
	printf("SEM_STAT: %s\n", found >= 0 ? "found the set by index" : "not found");
	if (found >= 0) {
		FILL(s);
		res("SEM_STAT_ANY is the id", semctl_((int)found, 0, SEM_STAT_ANY, p32(&s)) == id);
		show_sem64("SEM_STAT_ANY", &s);
	}
	/* semtimedop_time64: a wait that times out, then a bad sembuf. */
	struct sembuf op = { 0, -1, 0 };
	struct { int64_t sec; int64_t nsec; } t64 = { 0, 50 * 1000 * 1000 };
	res("semtimedop_time64 times out", syscall(NR_semtimedop_time64, id, &op, 1, &t64));
	res("semtimedop_time64 bad sops", syscall(NR_semtimedop_time64, id, bad, 1, &t64));
	res("semtimedop_time64 too many", syscall(NR_semtimedop_time64, id, &op, 100000, &t64));
	op.sem_op = 1;
	res("semtimedop_time64 +1", syscall(NR_semtimedop_time64, id, &op, 1, NULL));
	r = semctl_(id, 0, GETPID, 0);
	printf("GETPID after semop: %s\n", r < 0 ? strerrorname_np(errno) : who(r));
	res("semctl IPC_RMID", semctl_(id, 0, IPC_RMID, 0));
}

static void ipcsem_case(void)
{
	sem_common(isemctl, 0, "ipc semctl");
	sem_common(isemctl, IPC_64, "ipc semctl IPC_64");
	int id = (int)ipc(SEMGET, IPC_PRIVATE, 2, IPC_CREAT | 0600, NULL, 0);
	res("ipc SEMCTL NULL union pointer", ipc(SEMCTL, id, 0, IPC_STAT, NULL, 0));
	res("ipc SEMCTL bad union pointer", ipc(SEMCTL, id, 0, IPC_STAT, bad, 0));
	struct sembuf op = { 1, -1, IPC_NOWAIT };
	res("ipc SEMOP nowait", ipc(SEMOP, id, 1, 0, &op, 0));
	op.sem_flg = 0;
	struct { int32_t sec, nsec; } t32 = { 0, 50 * 1000 * 1000 };
	res("ipc SEMTIMEDOP times out", ipc(SEMTIMEDOP, id, 1, 0, &op, (long)p32(&t32)));
	op.sem_op = 2;
	op.sem_flg = SEM_UNDO;
	res("ipc SEMOP undo", ipc(SEMOP, id, 1, 0, &op, 0));
	res("ipc GETVAL 1", isemctl(id, 1, GETVAL, 0));
	long r = isemctl(id, 1, GETPID, 0);
	printf("ipc GETPID: %s\n", r < 0 ? strerrorname_np(errno) : who(r));
	res("ipc SEMCTL IPC_RMID", isemctl(id, 0, IPC_RMID, 0));
	res("ipc 99", ipc(99, 0, 0, 0, NULL, 0));
}

/* ---- shared memory ---- */

struct shm64 { struct shmid64_ds d; struct guard g; };
struct shmold { struct shmid_ds d; struct guard g; };

static void show_shm64(const char *what, struct shm64 *s)
{
	perm64(what, &s->d.shm_perm);
	printf("%s: segsz %lu atime %s dtime %s ctime %s cpid %s lpid %s nattch %lu\n", what,
	       (unsigned long)s->d.shm_segsz, when(s->d.shm_atime), when(s->d.shm_dtime),
	       when(s->d.shm_ctime), who(s->d.shm_cpid), who(s->d.shm_lpid), s->d.shm_nattch);
	s->d.shm_atime = s->d.shm_dtime = s->d.shm_ctime = 0;
	s->d.shm_cpid = s->d.shm_lpid = 0;
	dump(what, s, sizeof(*s));
}

static void show_shmold(const char *what, struct shmold *s)
{
	perm_old(what, &s->d.shm_perm);
	printf("%s: segsz %d atime %s dtime %s ctime %s cpid %s lpid %s nattch %u\n", what,
	       s->d.shm_segsz, when((unsigned long)s->d.shm_atime),
	       when((unsigned long)s->d.shm_dtime), when((unsigned long)s->d.shm_ctime),
	       who(s->d.shm_cpid), who(s->d.shm_lpid), s->d.shm_nattch);
	s->d.shm_atime = s->d.shm_dtime = s->d.shm_ctime = 0;
	s->d.shm_cpid = s->d.shm_lpid = 0;
	dump(what, s, sizeof(*s));
}

static long shmctl_(int id, int cmd, void *p)
{
	return syscall(NR_shmctl, id, cmd, p);
}

static long ishmctl(int id, int cmd, void *p)
{
	return ipc(SHMCTL, id, cmd, 0, p, 0);
}

static void shm_common(long (*ctl)(int, int, void *), int ver, const char *how)
{
	char w[80];
	int direct = ctl == shmctl_;
	int id = (int)(direct ? syscall(NR_shmget, IPC_PRIVATE, 10000, IPC_CREAT | 0640)
			      : ipc(SHMGET, IPC_PRIVATE, 10000, IPC_CREAT | 0640, NULL, 0));
	printf("%s: shmget %s\n", how, id >= 0 ? "ok" : strerrorname_np(errno));
	void *at;
	if (direct) {
		at = (void *)syscall(NR_shmat, id, NULL, 0);
	} else {
		uint32_t raddr = 0;
		res("ipc SHMAT", ipc(SHMAT, id, 0, (long)p32(&raddr), NULL, 0));
		at = (void *)(uintptr_t)raddr;
	}
	struct shm64 s;
	struct shmold o;
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT", how);
	if (ver == IPC_64 || direct) {
		res(w, ctl(id, IPC_STAT | ver, &s));
		show_shm64(w, &s);
		s.d.shm_perm.mode = 0604;
		snprintf(w, sizeof(w), "%s IPC_SET", how);
		res(w, ctl(id, IPC_SET | ver, &s));
	} else {
		res(w, ctl(id, IPC_STAT, &o));
		show_shmold(w, &o);
		o.d.shm_perm.mode = 0604;
		snprintf(w, sizeof(w), "%s IPC_SET old", how);
		res(w, ctl(id, IPC_SET, &o));
	}
	if (direct)
		res("shmdt", syscall(NR_shmdt, at));
	else
		res("ipc SHMDT", ipc(SHMDT, 0, 0, 0, at, 0));
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT after", how);
	if (ver == IPC_64 || direct) {
		res(w, ctl(id, IPC_STAT | ver, &s));
		show_shm64(w, &s);
	} else {
		res(w, ctl(id, IPC_STAT, &o));
		show_shmold(w, &o);
	}
	/* IPC_INFO: limits (shmmax capped at INT_MAX for a 32-bit caller). */
	struct { struct shminfo64 i; struct guard g; } i64;
	struct { struct shminfo i; struct guard g; } iold;
	FILL(i64), FILL(iold);
	snprintf(w, sizeof(w), "%s IPC_INFO", how);
	if (ver == IPC_64 || direct) {
		printf("%s = %s\n", w, ctl(0, IPC_INFO | ver, &i64) < 0 ? strerrorname_np(errno) : "ok");
		dump(w, &i64, sizeof(i64));
	} else {
		printf("%s = %s\n", w, ctl(0, IPC_INFO, &iold) < 0 ? strerrorname_np(errno) : "ok");
		dump(w, &iold, sizeof(iold));
	}
	struct { struct shm_info i; struct guard g; } si;
	FILL(si);
	snprintf(w, sizeof(w), "%s SHM_INFO", how);
	long r = ctl(0, SHM_INFO | ver, &si);
	printf("%s = %s: used_ids %s, tail %02x\n", w, r < 0 ? strerrorname_np(errno) : "ok",
	       si.i.used_ids > 0 ? "some" : "none", si.g.tail[0]);
	snprintf(w, sizeof(w), "%s IPC_STAT bad pointer", how);
	res(w, ctl(id, IPC_STAT | ver, bad));
	snprintf(w, sizeof(w), "%s IPC_SET bad pointer", how);
	res(w, ctl(id, IPC_SET | ver, bad));
	snprintf(w, sizeof(w), "%s SHM_INFO NULL", how);
	res(w, ctl(0, SHM_INFO | ver, NULL));
	snprintf(w, sizeof(w), "%s cmd 77", how);
	res(w, ctl(id, 77 | ver, &s));
	snprintf(w, sizeof(w), "%s IPC_RMID", how);
	res(w, ctl(id, IPC_RMID | ver, NULL));
	snprintf(w, sizeof(w), "%s IPC_STAT removed", how);
	res(w, ctl(id, IPC_STAT | ver, &s));
}

static void shm_case(void)
{
	shm_common(shmctl_, 0, "shmctl");
	shm_common(ishmctl, 0, "ipc shmctl");
	shm_common(ishmctl, IPC_64, "ipc shmctl IPC_64");
}

/* ---- message queues ---- */

struct msq64 { struct msqid64_ds d; struct guard g; };
struct msqold { struct msqid_ds d; struct guard g; };

static void show_msq64(const char *what, struct msq64 *s)
{
	perm64(what, &s->d.msg_perm);
	printf("%s: stime %s rtime %s ctime %s cbytes %lu qnum %lu qbytes %lu lspid %s lrpid %s\n",
	       what, when(s->d.msg_stime), when(s->d.msg_rtime), when(s->d.msg_ctime),
	       s->d.msg_cbytes, s->d.msg_qnum, s->d.msg_qbytes, who(s->d.msg_lspid),
	       who(s->d.msg_lrpid));
	s->d.msg_stime = s->d.msg_rtime = s->d.msg_ctime = 0;
	s->d.msg_lspid = s->d.msg_lrpid = 0;
	dump(what, s, sizeof(*s));
}

static void show_msqold(const char *what, struct msqold *s)
{
	perm_old(what, &s->d.msg_perm);
	printf("%s: stime %s rtime %s ctime %s cbytes %u qnum %u qbytes %u lspid %s lrpid %s\n",
	       what, when((unsigned long)s->d.msg_stime), when((unsigned long)s->d.msg_rtime),
	       when((unsigned long)s->d.msg_ctime), s->d.msg_cbytes, s->d.msg_qnum,
	       s->d.msg_qbytes, who(s->d.msg_lspid), who(s->d.msg_lrpid));
	s->d.msg_stime = s->d.msg_rtime = s->d.msg_ctime = 0;
	s->d.msg_lspid = s->d.msg_lrpid = 0;
	dump(what, s, sizeof(*s));
}

struct m32 {
	int32_t mtype; /* i386's long */
	char mtext[32];
};

static long msgctl_(int id, int cmd, void *p)
{
	return syscall(NR_msgctl, id, cmd, p);
}

static long imsgctl(int id, int cmd, void *p)
{
	return ipc(MSGCTL, id, cmd, 0, p, 0);
}

static void msg_rcv(int direct, int kludge, int id, long sz, long type, int flg, const char *w)
{
	struct m32 m;
	memset(&m, 0, sizeof(m));
	long r;
	if (direct) {
		r = syscall(NR_msgrcv, id, &m, sz, type, flg);
	} else if (kludge) { /* version 0: {msgp, msgtyp} behind ptr */
		struct { uint32_t msgp; int32_t msgtyp; } k = { p32(&m), (int32_t)type };
		r = ipc(MSGRCV, id, sz, flg, &k, 0);
	} else {
		r = ipc(MSGRCV | 1 << 16, id, sz, flg, &m, type);
	}
	if (r < 0)
		printf("%s = -1 %s\n", w, strerrorname_np(errno));
	else
		printf("%s = %ld: type %d \"%.*s\"\n", w, r, m.mtype, (int)r, m.mtext);
}

static void msg_common(long (*ctl)(int, int, void *), int ver, const char *how)
{
	char w[96];
	int direct = ctl == msgctl_;
	int id = (int)(direct ? syscall(NR_msgget, IPC_PRIVATE, IPC_CREAT | 0640)
			      : ipc(MSGGET, IPC_PRIVATE, IPC_CREAT | 0640, 0, NULL, 0));
	printf("%s: msgget %s\n", how, id >= 0 ? "ok" : strerrorname_np(errno));
	static const struct { int32_t type; const char *text; } send[] = {
		{ 3, "three" }, { 1, "one" }, { 2, "two" }, { 5, "a longer fifth message" }, { 4, "four" },
	};
	for (size_t i = 0; i < sizeof(send) / sizeof(send[0]); i++) {
		struct m32 m = { send[i].type, { 0 } };
		strcpy(m.mtext, send[i].text);
		long n = (long)strlen(send[i].text);
		snprintf(w, sizeof(w), "%s send %d", how, send[i].type);
		res(w, direct ? syscall(NR_msgsnd, id, &m, n, IPC_NOWAIT)
			      : ipc(MSGSND, id, n, IPC_NOWAIT, &m, 0));
	}
	struct m32 m0 = { 0, "x" };
	snprintf(w, sizeof(w), "%s send type 0", how);
	res(w, direct ? syscall(NR_msgsnd, id, &m0, 1, 0) : ipc(MSGSND, id, 1, 0, &m0, 0));
	snprintf(w, sizeof(w), "%s send bad pointer", how);
	res(w, direct ? syscall(NR_msgsnd, id, bad, 1, 0) : ipc(MSGSND, id, 1, 0, bad, 0));
	struct msq64 s;
	struct msqold o;
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT", how);
	if (ver == IPC_64 || direct) {
		res(w, ctl(id, IPC_STAT | ver, &s));
		show_msq64(w, &s);
	} else {
		res(w, ctl(id, IPC_STAT, &o));
		show_msqold(w, &o);
	}
	/* The receives: by type, the lowest up to 4, any but 3, too small. */
	for (int k = 0; k < (direct ? 1 : 2); k++) {
		const char *v = direct ? "" : k ? " v1" : " kludge";
		snprintf(w, sizeof(w), "%s%s recv type 2", how, v);
		msg_rcv(direct, !k, id, 32, 2, IPC_NOWAIT, w);
		snprintf(w, sizeof(w), "%s%s recv type <= 4", how, v);
		msg_rcv(direct, !k, id, 32, -4, IPC_NOWAIT, w);
		snprintf(w, sizeof(w), "%s%s recv not 3", how, v);
		msg_rcv(direct, !k, id, 32, 3, IPC_NOWAIT | MSG_EXCEPT, w);
		snprintf(w, sizeof(w), "%s%s recv 4 bytes", how, v);
		msg_rcv(direct, !k, id, 4, 0, IPC_NOWAIT, w);
		snprintf(w, sizeof(w), "%s%s recv 4 bytes, MSG_NOERROR", how, v);
		msg_rcv(direct, !k, id, 4, 0, IPC_NOWAIT | MSG_NOERROR, w);
		snprintf(w, sizeof(w), "%s%s recv type 9", how, v);
		msg_rcv(direct, !k, id, 32, 9, IPC_NOWAIT, w);
	}
	FILL(s), FILL(o);
	snprintf(w, sizeof(w), "%s IPC_STAT after", how);
	if (ver == IPC_64 || direct) {
		res(w, ctl(id, IPC_STAT | ver, &s));
		show_msq64(w, &s);
		s.d.msg_perm.mode = 0600;
		s.d.msg_qbytes = 1000;
		snprintf(w, sizeof(w), "%s IPC_SET", how);
		res(w, ctl(id, IPC_SET | ver, &s));
	} else {
		res(w, ctl(id, IPC_STAT, &o));
		show_msqold(w, &o);
		o.d.msg_perm.mode = 0600;
		o.d.msg_qbytes = 1000;
		snprintf(w, sizeof(w), "%s IPC_SET old", how);
		res(w, ctl(id, IPC_SET, &o));
	}
	FILL(s);
	snprintf(w, sizeof(w), "%s IPC_STAT after set", how);
	res(w, ctl(id, IPC_STAT | (direct ? 0 : IPC_64), &s));
	show_msq64(w, &s);
	struct { struct msginfo i; struct guard g; } mi;
	FILL(mi);
	snprintf(w, sizeof(w), "%s IPC_INFO", how);
	printf("%s = %s\n", w, ctl(0, IPC_INFO | ver, &mi) < 0 ? strerrorname_np(errno) : "ok");
	dump(w, &mi, sizeof(mi));
	FILL(mi);
	snprintf(w, sizeof(w), "%s MSG_INFO", how);
	long r = ctl(0, MSG_INFO | ver, &mi);
	printf("%s = %s: msgmax %d msgmnb %d msgmni %d tail %02x\n", w,
	       r < 0 ? strerrorname_np(errno) : "ok", mi.i.msgmax, mi.i.msgmnb, mi.i.msgmni,
	       mi.g.tail[0]);
	snprintf(w, sizeof(w), "%s IPC_STAT bad pointer", how);
	res(w, ctl(id, IPC_STAT | ver, bad));
	snprintf(w, sizeof(w), "%s IPC_SET bad pointer", how);
	res(w, ctl(id, IPC_SET | ver, bad));
	snprintf(w, sizeof(w), "%s MSG_INFO bad pointer", how);
	res(w, ctl(0, MSG_INFO | ver, bad));
	snprintf(w, sizeof(w), "%s cmd 55", how);
	res(w, ctl(id, 55 | ver, &s));
	snprintf(w, sizeof(w), "%s IPC_RMID", how);
	res(w, ctl(id, IPC_RMID | ver, NULL));
	snprintf(w, sizeof(w), "%s IPC_STAT removed", how);
	res(w, ctl(id, IPC_STAT | ver, &s));
}

static void msg_case(void)
{
	msg_common(msgctl_, 0, "msgctl");
	msg_common(imsgctl, 0, "ipc msgctl");
	msg_common(imsgctl, IPC_64, "ipc msgctl IPC_64");
}

/* A guest in an IPC namespace of its own: ids there mean other objects in
 * the supervisor's (id 0 of a fresh namespace is whatever the host's is),
 * so the kernel must run its calls. The namespace goes with the process. */
static const char *need_admin(void)
{
	return geteuid() == 0 ? NULL : "needs root (CAP_SYS_ADMIN for a new IPC namespace)";
}

static void ipcns_case(void)
{
	res("unshare CLONE_NEWIPC", unshare(CLONE_NEWIPC));
	int id = (int)syscall(NR_semget, IPC_PRIVATE, 3, IPC_CREAT | 0600);
	printf("semget %s\n", id >= 0 ? "ok" : strerrorname_np(errno));
	struct sem64 s;
	FILL(s);
	res("IPC_STAT in the new namespace", semctl_(id, 0, IPC_STAT, p32(&s)));
	show_sem64("IPC_STAT in the new namespace", &s);
	struct seminfo si;
	FILL(si);
	show_seminfo("SEM_INFO", semctl_(0, 0, SEM_INFO, p32(&si)), &si);
	printf("semusz %d semaem %d\n", si.semusz, si.semaem); /* this namespace's: 1 set, 3 */
	struct msq64 q;
	FILL(q);
	res("msgctl IPC_STAT of id 0", msgctl_(0, IPC_STAT, &q));
}

static const struct diff_case cases[] = {
	{ "sem", sem_case, "translated=semctl" },
	{ "ipcsem", ipcsem_case, "translated=ipc:semctl" },
	{ "shm", shm_case, "translated=shmctl,ipc:shmctl" },
	{ "msg", msg_case, "translated=msgctl,ipc:msgctl" },
	{ "ipcns", ipcns_case, "kernel=semctl,msgctl --keep-caps=sys_admin", need_admin },
};

DIFF_MAIN(cases)
