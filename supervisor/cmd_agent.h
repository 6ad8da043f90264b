/* `compatbox agent`: the receiving side of the OCI runtime-spec seccomp
 * listener (linux.seccomp.listenerPath); one agent supervises the
 * processes of many containers, each through its own worker pool. */
#ifndef CB_CMD_AGENT_H
#define CB_CMD_AGENT_H

/* ARGV[0] is "agent". Returns the exit status. */
int cb_cmd_agent(int argc, char **argv);

#endif
