/* `compatbox run`: launch the guest under supervision and wait for it. */
#ifndef CB_RUN_H
#define CB_RUN_H

#include "../cli/cli.h"

/* Returns the exit status compatbox should exit with. */
int cb_run(const struct cb_run_opts *o);
/* What a user whose kernel refuses i386 programs can do about it. */
const char *cb_ia32_remedy(void);

#endif
