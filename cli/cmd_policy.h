/* `compatbox policy ...`: check a policy, show what it compiles to. */
#ifndef CB_CMD_POLICY_H
#define CB_CMD_POLICY_H

/* ARGV[0] is "policy". Returns the exit status: 0, 1 when the policy is
 * not usable, 2 on misuse. */
int cb_cmd_policy(int argc, char **argv);

extern const char cb_policy_usage[];

#endif
