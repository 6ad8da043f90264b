/* The policies shipped with compatbox, embedded at build time from
 * the .policy files of policy/ (policy/embed.py). */
#ifndef CB_SHIPPED_H
#define CB_SHIPPED_H

struct cb_shipped {
	const char *name; /* "default", "strict", ... */
	const char *text;
};

/* For messages: the names --policy takes without a file. */
#define CB_SHIPPED_NAMES "default, audit, translate, strict"

/* Ended by {NULL}; generated. */
extern const struct cb_shipped cb_shipped[];

/* The text of shipped policy NAME, or NULL. */
const char *cb_shipped_policy(const char *name);

#endif
