/* `compatbox agent`: its options; the agent itself is agent/agent.c. */
#ifndef CB_CMD_AGENT_H
#define CB_CMD_AGENT_H

/* ARGV[0] is "agent". Returns the exit status. */
int cb_cmd_agent(int argc, char **argv);

#endif
