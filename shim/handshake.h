/* Messages between the guest child (shim) and the supervisor, over a
 * SOCK_SEQPACKET socketpair that is close-on-exec: EOF after "go" means the
 * execve succeeded. */
#ifndef CB_HANDSHAKE_H
#define CB_HANDSHAKE_H

#include <stdint.h>

enum cb_hs_type {
	CB_HS_HELLO = 1, /* filter about to be installed; listener will be fd `fd` */
	CB_HS_FAIL = 2,  /* stage `stage` failed with errno `err`; child exits */
};

enum cb_hs_stage {
	CB_STAGE_NNP = 1,
	CB_STAGE_CAPS,
	CB_STAGE_FILTER,
	CB_STAGE_GO,
	CB_STAGE_EXEC,
};

struct cb_hs_msg {
	int32_t type;
	int32_t pid;   /* HELLO: the child's pid */
	int32_t fd;    /* HELLO: fd number the listener will get */
	int32_t stage; /* FAIL */
	int32_t err;   /* FAIL: errno */
};

#define CB_HS_GO 'g'

/* Human-readable name of a stage, for error messages. */
static inline const char *cb_hs_stage_name(int stage)
{
	switch (stage) {
	case CB_STAGE_NNP: return "setting no_new_privs";
	case CB_STAGE_CAPS: return "dropping capabilities";
	case CB_STAGE_FILTER: return "installing the seccomp filter";
	case CB_STAGE_GO: return "waiting for the supervisor";
	case CB_STAGE_EXEC: return "executing the program";
	default: return "starting the guest";
	}
}

#endif
