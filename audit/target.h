/* What a guest fd refers to, for the audit record: its file type and
 * device, told from the text of its /proc link where that says it (pipes,
 * sockets, anon inodes), else by a stat of the path kept for a second. */
#ifndef CB_TARGET_H
#define CB_TARGET_H

#include <sys/types.h>

/* How long a path's type and device are kept. */
#define CB_TARGET_TTL_MS 1000

/* Type ("chr", "fifo", ... as docs/audit.md lists) and, for devices, DEV
 * ("MAJ:MIN", else "") of the file LINK (the /proc/TID/fd/N text) names;
 * TID and GFD for a stat through the fd when the path cannot be used. */
const char *cb_target_of(const char *link, pid_t tid, int gfd, char dev[32]);

#endif
