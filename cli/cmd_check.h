/* `compatbox check`: what this kernel offers compatbox, and what follows. */
#ifndef CB_CMD_CHECK_H
#define CB_CMD_CHECK_H

#include <stdio.h>

enum cb_feature {
	CB_F_USER_NOTIF,
	CB_F_PIDFD_GETFD,
	CB_F_ADDFD_SEND,
	CB_F_IA32,
	CB_F_SYNC_WAKEUP,
	CB_F_PIDFD_THREAD,
	CB_F_PROCMAP_QUERY,
	CB_F_USERNS,
	CB_F_COUNT
};

enum cb_have { CB_HAVE_UNKNOWN, CB_HAVE_YES, CB_HAVE_NO };

struct cb_check {
	enum cb_have have[CB_F_COUNT];
	char why[CB_F_COUNT][160]; /* the kernel's answer when it was not yes */
};

/* Ask this kernel about every feature (forks short-lived children). */
void cb_check_probe(struct cb_check *c);
/* One line per feature on OUT; 0 when compatbox can run here, else 1. */
int cb_check_report(const struct cb_check *c, FILE *out);
/* The `check` command: ARGV[0] is "check". Returns the exit status. */
int cb_cmd_check(int argc, char **argv);

#endif
