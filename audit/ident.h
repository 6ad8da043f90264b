/* Who made a call: the comm and exe of guest threads, read from /proc once
 * and kept for a short while, shared by all workers. */
#ifndef CB_IDENT_H
#define CB_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cb_ident;

/* How long a thread's comm and exe are trusted without a new look. */
#define CB_IDENT_TTL_MS 100
#define CB_IDENT_COMM 32
#define CB_IDENT_EXE 512

struct cb_ident *cb_ident_new(void);
/* COMM and EXE of thread TID of group TGID ("" where /proc says nothing).
 * True when the group is seen for the first time, or with another exe
 * (it exec'd): the caller then writes a process record. */
bool cb_ident_get(struct cb_ident *id, pid_t tid, pid_t tgid, char comm[CB_IDENT_COMM],
		  char exe[CB_IDENT_EXE]);
/* The parent of TGID, from /proc/TGID/stat (0 when unknown). */
pid_t cb_ident_ppid(pid_t tgid);

#endif
