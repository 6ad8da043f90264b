/* The policies an agent applies: --policy for every container, or the one
 * a container's listenerMetadata names in --policy-dir. */
#ifndef CB_AGENT_POLICIES_H
#define CB_AGENT_POLICIES_H

#include "../common/error.h"
#include "../policy/compile.h"

/* Compile POLICY (a file or a shipped name; NULL: none) now, so that a bad
 * one stops the agent before it listens; remember DIR (NULL: none). */
int cb_agent_policies_init(const char *policy, const char *dir, struct cb_err *err);

/* The plan for a container whose listenerMetadata is META: DIR/META.policy
 * when --policy-dir is given and META is not empty, else --policy's.
 * *PLAN NULL: compatbox's built-in handling. -errno (err names the file
 * and why) when META names no usable policy: the container is refused.
 * Plans are compiled once and kept for the agent's life. Accept thread
 * only. */
int cb_agent_plan_for(const char *meta, const struct cb_plan **plan, struct cb_err *err);

#endif
