#include "ident.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../guest/creds.h"

/* Direct-mapped by tid and by tgid: a collision costs a new look at /proc
 * (and perhaps a repeated process record), never a wrong answer beyond
 * the TTL. */
#define THREADS 512
#define GROUPS 1024

struct thread {
	pid_t tid;
	uint64_t when;
	/* The strings' lengths with their NUL: a hit copies no more. */
	uint16_t comm_len, exe_len;
	char comm[CB_IDENT_COMM];
	char exe[CB_IDENT_EXE];
};
struct group {
	pid_t tgid;
	uint32_t exe_hash;
};
struct cb_ident {
	pthread_mutex_t mu;
	struct thread t[THREADS];
	struct group g[GROUPS];
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct cb_ident *cb_ident_new(void)
{
	struct cb_ident *id = calloc(1, sizeof(*id));
	if (id)
		pthread_mutex_init(&id->mu, NULL);
	return id;
}

static void read_comm(pid_t tid, char *comm, size_t len)
{
	char path[48];
	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	comm[0] = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, comm, len - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	comm[n] = 0;
	char *nl = strchr(comm, '\n');
	if (nl)
		*nl = 0;
}

static void read_exe(pid_t tgid, char *exe, size_t len)
{
	char path[48];
	snprintf(path, sizeof(path), "/proc/%d/exe", tgid);
	ssize_t n = readlink(path, exe, len - 1);
	exe[n > 0 ? n : 0] = 0;
}

bool cb_ident_get(struct cb_ident *id, pid_t tid, pid_t tgid, char comm[CB_IDENT_COMM],
		  char exe[CB_IDENT_EXE])
{
	uint64_t now = cb_coarse_ms();
	struct thread *t = &id->t[(unsigned)tid % THREADS];
	pthread_mutex_lock(&id->mu);
	if (t->tid == tid && now - t->when < CB_IDENT_TTL_MS) {
		memcpy(comm, t->comm, t->comm_len);
		memcpy(exe, t->exe, t->exe_len);
		pthread_mutex_unlock(&id->mu);
		return false;
	}
	pthread_mutex_unlock(&id->mu);
	/* Looked up outside the lock: /proc may be slow, other workers not.
	 * The exe link wants ptrace's check: the worker's own capabilities. */
	cb_creds_settle();
	read_comm(tid, comm, CB_IDENT_COMM);
	read_exe(tgid > 0 ? tgid : tid, exe, CB_IDENT_EXE);
	uint32_t h = hash(exe);
	pthread_mutex_lock(&id->mu);
	t->tid = tid;
	t->when = now;
	t->comm_len = (uint16_t)(strlen(comm) + 1);
	t->exe_len = (uint16_t)(strlen(exe) + 1);
	memcpy(t->comm, comm, t->comm_len);
	memcpy(t->exe, exe, t->exe_len);
	struct group *g = &id->g[(unsigned)tgid % GROUPS];
	bool fresh = g->tgid != tgid || g->exe_hash != h;
	g->tgid = tgid;
	g->exe_hash = h;
	pthread_mutex_unlock(&id->mu);
	return fresh;
}

pid_t cb_ident_ppid(pid_t tgid)
{
	char path[48], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", tgid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* "pid (comm) state ppid": comm may hold anything, ')' included. */
	char *p = strrchr(buf, ')');
	int ppid = 0;
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}
