/* The receiving side of the OCI runtime-spec seccomp listener
 * (linux.seccomp.listenerPath): one agent supervises the processes of
 * many containers, each through its own worker pool. */
#ifndef CB_AGENT_H
#define CB_AGENT_H

#include "../common/error.h"

struct cb_agent_opts {
	const char *socket_path; /* the unix socket the runtime connects to */
	const char *log_path;    /* --log FILE, or NULL */
	int workers;             /* at most this many worker threads per container */
	const char *policy;      /* --policy FILE|NAME for every container, or NULL */
	const char *policy_dir;  /* --policy-dir: listenerMetadata NAME is DIR/NAME.policy */
};

/* Listen on O->socket_path and supervise every container sent until
 * SIGTERM or SIGINT. Returns 0, or 125 (stderr says why) when it cannot
 * start. */
int cb_agent_run(const struct cb_agent_opts *o);

#endif
