/* Killing a whole process subtree, for fail-closed shutdown. */
#ifndef CB_PROCTREE_H
#define CB_PROCTREE_H

/* SIGKILL every descendant of the calling process and reap them, until it
 * has no child left. The caller must be a child subreaper, so that
 * grandchildren orphaned on the way are reparented to it and caught. */
void cb_kill_descendants(void);

#endif
