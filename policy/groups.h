/* Named groups of syscalls (@module, @keyring, ...), as systemd's
 * SystemCallFilter= has them: a reviewer reads one word instead of a list. */
#ifndef CB_GROUPS_H
#define CB_GROUPS_H

struct cb_group {
	const char *name;          /* with the '@' */
	const char *what;          /* one line for docs and `policy show` */
	const char *const *calls;  /* NULL-terminated */
};

/* The group called NAME ("@module"), or NULL. */
const struct cb_group *cb_group_find(const char *name);
/* Every group, ended by {NULL}. */
extern const struct cb_group cb_groups[];

#endif
